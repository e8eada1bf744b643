/* paths — where shipdeck keeps its files (XDG base directories). */
#ifndef SD_PATHS_H
#define SD_PATHS_H

/* $XDG_CONFIG_HOME/shipdeck/config.json (or ~/.config/...). */
char *paths_user_config(void);
/* $XDG_DATA_HOME/shipdeck (or ~/.local/share/shipdeck). */
char *paths_data_dir(void);
/* The default database of a repository: <data dir>/<folder>-<12 hex>.db,
 * from its identity (gitrepo.h: the git directory's real path), the hex a
 * hash of it, so two clones named alike never share one. */
char *paths_default_db(const char *identity);
/* Where shipdeck before issue 12 kept it: <data dir>/<name>.db. */
char *paths_legacy_db(const char *repo_name);
/* Creates dir and its parents with mode; 0 or -1 with errno. */
int paths_mkdir_p(const char *dir, unsigned mode);
/* Directory part of path (malloc'd; "." when none). */
char *paths_dirname(const char *path);
/* The last component of path without trailing slashes (malloc'd). */
char *paths_basename(const char *path);


#endif
