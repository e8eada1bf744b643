/* gitrepo — finding the repository shipdeck is pointed at (libgit2). */
#ifndef SD_GITREPO_H
#define SD_GITREPO_H

#include <stdbool.h>
#include <stddef.h>

struct gitrepo_found {
	char *path;     /* work tree, or git dir when bare */
	char *name;     /* its directory name, without ".git" */
	char *identity; /* real path of the (common) git directory: which repository this is */
};
/* Finds the repository holding start (walking up). On success returns 0 and
 * fills out (malloc'd strings). Returns 1 when there is none, -1 on an
 * error (message in err). */
int gitrepo_discover(const char *start, struct gitrepo_found *out, char *err, size_t errlen);
/* git config user.name of the repository (or global), malloc'd, or NULL. */
char *gitrepo_user_name(const char *repo_path);

/* Reads every commit reachable from the branches and tags, so a missing
 * object or a corrupt pack is found; 0 ok, -1 with what and where in err. */
int gitrepo_check(const char *repo_path, size_t *ncommits, char *err, size_t errlen);

/* Every tag's short name (malloc'd array and strings); 0 or -1. */
int gitrepo_tag_names(const char *repo_path, char ***names, size_t *n);
/* 1 when some tag's short name satisfies match, 0 when none does, -1 on
 * error. Only refs/tags/ is read, and the walk stops at the first match:
 * on a repository of a million refs it is a fraction of a full listing. */
int gitrepo_any_tag(const char *repo_path, bool (*match)(const char *name, void *arg), void *arg);
/* For each 40-hex id, whether the repository has that commit; 0 or -1. */
int gitrepo_have_commits(const char *repo_path, const char *const *hex, size_t n, bool *have);
/* 1 when a local branch, or a remote's branch, of that name exists; 0 not; -1 error. */
int gitrepo_branch_exists(const char *repo_path, const char *branch);

/* A rough size of a repository's history (the bytes of its packs), so
 * that several scans start with the costliest; 0 when it cannot be told. */
unsigned long long gitrepo_size_hint(const char *repo_path);

#endif
