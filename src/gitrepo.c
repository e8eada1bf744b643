/* gitrepo — one of the libgit2 door's files: discovery and config only;
 * reading history is gitscan.c's job. */
#include "gitrepo.h"

#include <dirent.h>
#include <git2.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gitrefs.h"
#include "paths.h"
#include "util.h"

static char *repo_display_name(git_repository *repo)
{
	const char *wd = git_repository_workdir(repo);
	char *name = paths_basename(wd ? wd : git_repository_path(repo));
	size_t n = strlen(name);
	if (!wd && n > 4 && strcmp(name + n - 4, ".git") == 0)
		name[n - 4] = '\0';
	if (!wd && strcmp(name, ".git") == 0) {
		/* a bare path ending in /.git: use its parent's name */
		char *dir = paths_dirname(git_repository_path(repo));
		char *parent = paths_dirname(dir);
		free(name);
		name = paths_basename(parent);
		free(dir);
		free(parent);
	}
	return name;
}

/* The real path of the repository's common git directory: two clones never
 * share it (whatever their folders are called), and the worktrees of one
 * clone do, as they share its refs. */
static char *repo_identity(git_repository *repo)
{
	const char *dir = git_repository_commondir(repo);
	char *real = realpath(dir, NULL);
	char *id = xstrdup(real ? real : dir);
	free(real);
	size_t n = strlen(id);
	if (n > 1 && id[n - 1] == '/')
		id[n - 1] = '\0';
	return id;
}

/* A config that cannot move or remove the work tree: no core.worktree
 * (nor any "worktree" key or section), no include, bare only when false.
 * Judged on the lines, coarsely: anything doubtful is left to libgit2. */
static bool config_keeps_worktree(const char *commondir)
{
	struct gitrefs_map m;
	char err[8];
	if (gitrefs_map_file(commondir, "config", (size_t)1 << 20, &m, err, sizeof err) != 0)
		return false;
	bool ok = true;
	const char *p = m.text, *end = m.text + m.len;
	while (ok && p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		char *line = xstrndup(p, n);
		for (char *c = line; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
		char *key = line + strspn(line, " \t");
		if (strstr(line, "worktree") || strstr(line, "include") || memchr(p, '\0', n)) {
			ok = false;
		} else if (strncmp(key, "bare", 4) == 0) {
			char *v = key + 4 + strspn(key + 4, " \t");
			v += *v == '=';
			v += strspn(v, " \t");
			ok = strncmp(v, "false", 5) == 0 && v[5 + strspn(v + 5, " \t\r")] == '\0';
		}
		free(line);
		p = eol ? eol + 1 : NULL;
	}
	gitrefs_unmap(&m);
	return ok;
}

/* start plainly the top of a work tree (a .git directory there,
 * found by gitrefs_find_dirs, whose config keeps the work tree there):
 * found without starting libgit2, as libgit2 would find it (the work
 * tree's real path, the common directory's). 1 when not plain. */
static int discover_plain(const char *start, struct gitrepo_found *out)
{
	char *gitdir, *commondir;
	if (gitrefs_find_dirs(start, &gitdir, &commondir) != 0)
		return 1;
	char *top = realpath(start, NULL);
	char *dotgit = xasprintf("%s/.git", start);
	struct stat sb;
	/* a .git directory: a .git file (worktree, separate git dir) is libgit2's
	 * to follow, as git_repository_discover then opens the git dir itself */
	bool plain = top && lstat(dotgit, &sb) == 0 && S_ISDIR(sb.st_mode) && config_keeps_worktree(commondir);
	free(dotgit);
	char *common = plain ? realpath(commondir, NULL) : NULL;
	free(gitdir);
	free(commondir);
	if (!common) {
		free(top);
		return 1;
	}
	char *wd = xasprintf("%s/", top);
	out->name = paths_basename(wd); /* as repo_display_name names a work tree */
	out->path = top;
	out->identity = common;
	free(wd);
	return 0;
}

int gitrepo_discover(const char *start, struct gitrepo_found *out, char *err, size_t errlen)
{
	if (discover_plain(start, out) == 0)
		return 0;
	gitrefs_libgit2_init();
	git_buf found = {0};
	int rc = git_repository_discover(&found, start, 0, NULL);
	if (rc == GIT_ENOTFOUND) {
		git_libgit2_shutdown();
		return 1;
	}
	git_repository *repo = NULL;
	if (rc == 0)
		rc = git_repository_open(&repo, found.ptr);
	git_buf_dispose(&found);
	if (rc != 0) {
		const git_error *e = git_error_last();
		snprintf(err, errlen, "%s: %s", start, e ? e->message : "cannot open repository");
		git_libgit2_shutdown();
		return -1;
	}
	const char *wd = git_repository_workdir(repo);
	char *path = xstrdup(wd ? wd : git_repository_path(repo));
	size_t n = strlen(path);
	if (n > 1 && path[n - 1] == '/')
		path[n - 1] = '\0';
	out->path = path;
	out->name = repo_display_name(repo);
	out->identity = repo_identity(repo);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return 0;
}

char *gitrepo_user_name(const char *repo_path)
{
	gitrefs_libgit2_init();
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	char *result = NULL;
	int rc = repo_path ? git_repository_open(&repo, repo_path) : -1;
	rc = rc == 0 ? git_repository_config_snapshot(&cfg, repo) : git_config_open_default(&cfg);
	git_buf v = {0};
	if (rc == 0 && git_config_get_string_buf(&v, cfg, "user.name") == 0 && v.ptr)
		result = xstrdup(v.ptr);
	git_buf_dispose(&v);
	git_config_free(cfg);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return result;
}

static int check_fail(char *err, size_t errlen, const char *what)
{
	const git_error *e = git_error_last();
	snprintf(err, errlen, "%s: %s", what, e ? e->message : "failed");
	return -1;
}

int gitrepo_check(const char *repo_path, size_t *ncommits, char *err, size_t errlen)
{
	gitrefs_libgit2_init();
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	int rc = 0;
	*ncommits = 0;
	if (git_repository_open(&repo, repo_path) != 0 || git_revwalk_new(&walk, repo) != 0) {
		rc = check_fail(err, errlen, repo_path);
		goto out;
	}
	git_revwalk_sorting(walk, GIT_SORT_NONE);
	if (git_revwalk_push_glob(walk, "refs/heads/*") != 0 || git_revwalk_push_glob(walk, "refs/tags/*") != 0 ||
	    git_revwalk_push_glob(walk, "refs/remotes/*") != 0) {
		rc = check_fail(err, errlen, "reading refs");
		goto out;
	}
	git_oid oid;
	int next;
	while ((next = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *commit;
		if (git_commit_lookup(&commit, repo, &oid) != 0) {
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof hex, &oid);
			rc = check_fail(err, errlen, hex);
			goto out;
		}
		git_commit_free(commit);
		(*ncommits)++;
	}
	if (next != GIT_ITEROVER)
		rc = check_fail(err, errlen, "walking history");
out:
	git_revwalk_free(walk);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}

struct tag_names {
	char **v;
	size_t n, cap;
};

static int collect_tag_name(const char *refname, void *payload)
{
	struct tag_names *t = payload;
	if (strncmp(refname, "refs/tags/", 10) == 0)
		VEC_PUSH(t->v, t->n, t->cap, xstrdup(refname + 10));
	return 0;
}

/* Our own walk over the refs instead of git_tag_list: libgit2 1.5 leaks the
 * names it collected when a ref it cannot read stops the walk (found by
 * LeakSanitizer on a repository with hostile ref names). */
int gitrepo_tag_names(const char *repo_path, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	gitrefs_libgit2_init();
	git_repository *repo = NULL;
	struct tag_names t = {0};
	int rc = git_repository_open(&repo, repo_path);
	if (rc == 0)
		rc = git_reference_foreach_name(repo, collect_tag_name, &t);
	git_repository_free(repo);
	git_libgit2_shutdown();
	if (rc != 0) {
		for (size_t i = 0; i < t.n; i++)
			free(t.v[i]);
		free(t.v);
		return -1;
	}
	*names = xcalloc(t.n + 1, sizeof **names);
	for (size_t i = 0; i < t.n; i++)
		(*names)[i] = t.v[i];
	free(t.v);
	*n = t.n;
	return 0;
}

struct any_tag {
	bool (*match)(const char *name, void *arg);
	void *arg;
};

static int stop_at_match(void *payload, const struct gitref *r)
{
	struct any_tag *a = payload;
	return !r->symbolic && a->match(r->name + strlen("refs/tags/"), a->arg);
}

int gitrepo_any_tag(const char *repo_path, bool (*match)(const char *name, void *arg), void *arg)
{
	static const char *const tags[] = {"refs/tags/"};
	struct any_tag a = {match, arg};
	char err[512];
	char *gitdir, *commondir;
	if (gitrefs_find_dirs(repo_path, &gitdir, &commondir) == 0) { /* without starting libgit2 */
		int found = gitrefs_each(commondir, tags, 1, stop_at_match, &a, err, sizeof err);
		free(gitdir);
		free(commondir);
		return found < 0 ? -1 : found;
	}
	gitrefs_libgit2_init();
	git_repository *repo = NULL;
	int rc = git_repository_open(&repo, repo_path);
	if (rc == 0)
		rc = gitrefs_each(git_repository_commondir(repo), tags, 1, stop_at_match, &a, err, sizeof err);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc < 0 ? -1 : rc;
}

int gitrepo_have_commits(const char *repo_path, const char *const *hex, size_t n, bool *have)
{
	gitrefs_libgit2_init();
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	if (git_repository_open(&repo, repo_path) != 0 || git_repository_odb(&odb, repo) != 0) {
		git_repository_free(repo);
		git_libgit2_shutdown();
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		git_oid id;
		git_object *obj = NULL;
		have[i] = hex[i] && strlen(hex[i]) == GIT_OID_HEXSZ && git_oid_fromstr(&id, hex[i]) == 0 &&
			  git_odb_exists(odb, &id) &&
			  git_object_lookup(&obj, repo, &id, GIT_OBJECT_COMMIT) == 0;
		git_object_free(obj);
	}
	git_odb_free(odb);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return 0;
}

int gitrepo_branch_exists(const char *repo_path, const char *branch)
{
	gitrefs_libgit2_init();
	git_repository *repo = NULL;
	if (git_repository_open(&repo, repo_path) != 0) {
		git_libgit2_shutdown();
		return -1;
	}
	git_reference *ref = NULL;
	int found = git_branch_lookup(&ref, repo, branch, GIT_BRANCH_LOCAL) == 0;
	git_reference_free(ref);
	if (!found) {
		/* a branch only on a remote is still the feature's branch */
		git_reference_iterator *it = NULL;
		if (git_reference_iterator_glob_new(&it, repo, "refs/remotes/*") == 0) {
			git_reference *r;
			while (!found && git_reference_next(&r, it) == 0) {
				const char *name = git_reference_name(r) + strlen("refs/remotes/");
				const char *slash = strchr(name, '/');
				found = slash && strcmp(slash + 1, branch) == 0;
				git_reference_free(r);
			}
			git_reference_iterator_free(it);
		}
	}
	git_repository_free(repo);
	git_libgit2_shutdown();
	return found;
}

/* The bytes of the packs under the common directory commondir (a
 * worktree's objects are its main repository's). */
static unsigned long long pack_bytes(const char *commondir)
{
	unsigned long long bytes = 0;
	char *dir = xasprintf("%s/objects/pack", commondir);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		struct stat sb;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		if (len > 5 && streq(e->d_name + len - 5, ".pack") && stat(p, &sb) == 0)
			bytes += (unsigned long long)sb.st_size;
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
	return bytes;
}

unsigned long long gitrepo_size_hint(const char *repo_path)
{
	char *gitdir, *commondir;
	if (gitrefs_find_dirs(repo_path, &gitdir, &commondir) == 0) { /* without starting libgit2 */
		unsigned long long bytes = pack_bytes(commondir);
		free(gitdir);
		free(commondir);
		return bytes;
	}
	gitrefs_libgit2_init();
	git_repository *repo = NULL;
	unsigned long long bytes = 0;
	if (git_repository_open_ext(&repo, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0)
		bytes = pack_bytes(git_repository_commondir(repo));
	git_repository_free(repo);
	git_libgit2_shutdown();
	return bytes;
}
