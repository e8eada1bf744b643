/* gitrepo — finding the repository shipdeck is pointed at (libgit2). */
#ifndef SD_GITREPO_H
#define SD_GITREPO_H

#include <stddef.h>

/* Finds the repository holding start (walking up). On success returns 0 and
 * sets *path (work tree, or git dir when bare) and *name (its directory
 * name, without ".git"). Returns 1 when there is none, -1 on an error
 * (message in err). */
int gitrepo_discover(const char *start, char **path, char **name, char *err, size_t errlen);
/* git config user.name of the repository (or global), malloc'd, or NULL. */
char *gitrepo_user_name(const char *repo_path);

/* Reads every commit reachable from the branches and tags, so a missing
 * object or a corrupt pack is found; 0 ok, -1 with what and where in err. */
int gitrepo_check(const char *repo_path, size_t *ncommits, char *err, size_t errlen);

/* Keeps libgit2 initialized from the first call to the matching release, so
 * the modules' own init/shutdown pairs do not restart it each time. */
void gitrepo_library_hold(void);
void gitrepo_library_release(void);

#endif
