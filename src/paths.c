/* paths — XDG locations; directories are made private (0700) because the
 * database can hold incident notes. */
#include "paths.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (h && *h)
		return xstrdup(h);
	struct passwd *pw = getpwuid(getuid());
	return xstrdup(pw && pw->pw_dir ? pw->pw_dir : "/tmp");
}

static char *xdg_dir(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	if (v && v[0] == '/') /* the XDG spec says relative values are ignored */
		return xasprintf("%s/shipdeck", v);
	char *home = home_dir();
	char *dir = xasprintf("%s/%s/shipdeck", home, fallback);
	free(home);
	return dir;
}

char *paths_user_config(void)
{
	char *dir = xdg_dir("XDG_CONFIG_HOME", ".config");
	char *p = xasprintf("%s/config.json", dir);
	free(dir);
	return p;
}

char *paths_data_dir(void)
{
	return xdg_dir("XDG_DATA_HOME", ".local/share");
}

/* FNV-1a, 64 bits: not for secrecy, only so that two identities get two
 * file names; the identity stored inside the database is what is checked. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The repository's folder name from its identity: /src/jq/.git -> jq,
 * /srv/jq.git -> jq (the same for each worktree of a clone). */
static char *identity_name(const char *identity)
{
	char *base = paths_basename(identity);
	if (streq(base, ".git")) {
		char *dir = paths_dirname(identity);
		free(base);
		base = paths_basename(dir);
		free(dir);
	}
	size_t n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".git") == 0)
		base[n - 4] = '\0';
	return base;
}

char *paths_default_db(const char *identity)
{
	/* The folder's name keeps the file recognizable; it is cut and kept to
	 * characters that are safe in any file name and on any terminal. */
	char name[41];
	size_t n = 0;
	char *folder = identity_name(identity);
	for (const char *p = *folder && !streq(folder, "/") ? folder : "shipdeck"; *p && n < 40; p++) {
		bool safe = isalnum((unsigned char)*p) || *p == '_' || *p == '-' || (*p == '.' && n > 0);
		name[n] = safe ? *p : '_';
		n++;
	}
	name[n] = '\0';
	free(folder);
	char *dir = paths_data_dir();
	char *p = xasprintf("%s/%s-%012llx.db", dir, name,
			    (unsigned long long)(fnv1a(identity) >> 16));
	free(dir);
	return p;
}

char *paths_legacy_db(const char *repo_name)
{
	char *dir = paths_data_dir();
	char *p = xasprintf("%s/%s.db", dir, repo_name && *repo_name ? repo_name : "shipdeck");
	free(dir);
	return p;
}

int paths_mkdir_p(const char *dir, unsigned mode)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, (mode_t)mode);
	free(p);
	return rc != 0 && errno != EEXIST ? -1 : 0;
}

char *paths_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

char *paths_basename(const char *path)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	return xstrndup(path + start, len - start);
}
