/* gitpaths — the monorepo rule of docs/metrics.md §13 over a finished
 * history scan: walk the commits the service's deployments reach, diff
 * each against its first parent, keep the changes and reverts that touch
 * the service's paths, and place them with the scan's own answer to "which
 * deployment first shipped this commit" (gitscan_first_deploys). */
#include "gitpaths.h"

#include <git2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services.h"
#include "util.h"

#define REVERT_MARK "This reverts commit "

void gitpaths_result_free(struct gitpaths_result *r)
{
	free(r->changes);
	free(r->reverts);
	memset(r, 0, sizeof *r);
}

/* Does the commit's diff against its first parent touch a path of globs?
 * Old and new paths both count (no rename detection: a rename touches
 * both). */
static bool touches(git_repository *repo, const git_commit *c, const char *globs)
{
	git_tree *tree = NULL, *ptree = NULL;
	git_commit *parent = NULL;
	git_diff *diff = NULL;
	bool hit = false;
	if (git_commit_tree(&tree, c) != 0)
		return false;
	if (git_commit_parentcount(c) > 0 &&
	    (git_commit_parent(&parent, c, 0) != 0 || git_commit_tree(&ptree, parent) != 0))
		goto done; /* a parent this clone lacks (shallow): nothing to compare */
	git_diff_options o;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.flags |= GIT_DIFF_SKIP_BINARY_CHECK;
	if (git_diff_tree_to_tree(&diff, repo, ptree, tree, &o) != 0)
		goto done;
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n && !hit; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		hit = (d->old_file.path && service_paths_match(globs, d->old_file.path)) ||
		      (d->new_file.path && service_paths_match(globs, d->new_file.path));
	}
done:
	git_diff_free(diff);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	return hit;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_alnum(char c)
{
	return is_hex(c) || (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z');
}

/* One "This reverts commit X" line of a shipped commit (docs/metrics.md §3). */
struct rev_line {
	char revert[41];
	char target[41];
	int64_t author_time;
};

static void find_reverts(const git_commit *c, struct rev_line **out, size_t *n, size_t *cap)
{
	const char *msg = git_commit_message(c);
	const size_t marklen = strlen(REVERT_MARK);
	for (const char *p = msg; p && (p = strstr(p, REVERT_MARK));) {
		const char *hit = p;
		p += marklen;
		if (hit != msg && hit[-1] != '\n')
			continue;
		size_t k = 0;
		while (is_hex(p[k]))
			k++;
		if (k < 7 || k > 40 || is_alnum(p[k]))
			continue;
		struct rev_line r = {.author_time = git_commit_author(c)->when.time};
		git_oid_tostr(r.revert, sizeof r.revert, git_commit_id(c));
		for (size_t i = 0; i < k; i++)
			r.target[i] = (char)((p[i] >= 'A' && p[i] <= 'F') ? p[i] - 'A' + 'a' : p[i]);
		VEC_PUSH(*out, *n, *cap, r);
		p += k;
	}
}

/* A commit a revert line names, if it resolves to exactly one commit. */
static git_commit *resolve_target(git_repository *repo, const char *hex)
{
	git_oid id;
	git_object *obj = NULL;
	if (git_oid_fromstrn(&id, hex, strlen(hex)) != 0 ||
	    git_object_lookup_prefix(&obj, repo, &id, strlen(hex), GIT_OBJECT_COMMIT) != 0)
		return NULL;
	return (git_commit *)obj;
}

struct candidate {
	char hex[41];
	int64_t author_time, commit_time;
};

static int walk(git_repository *repo, const char *globs, const struct gitscan_result *scan,
		struct candidate **cands, size_t *ncands, struct rev_line **revs, size_t *nrevs,
		size_t *diffed)
{
	git_revwalk *w = NULL;
	if (git_revwalk_new(&w, repo) != 0)
		return -1;
	for (size_t i = 0; i < scan->ndeploys; i++) {
		git_oid id;
		if (git_oid_fromstr(&id, scan->deploys[i].commit) == 0)
			git_revwalk_push(w, &id); /* a recorded commit this clone lacks: skipped */
	}
	size_t capc = 0, capr = 0;
	git_oid id;
	while (git_revwalk_next(&id, w) == 0) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, repo, &id) != 0)
			continue;
		find_reverts(c, revs, nrevs, &capr);
		/* merges are bookkeeping (docs/metrics.md §2); the commits they
		 * bring are walked and judged one by one */
		if (git_commit_parentcount(c) <= 1) {
			(*diffed)++;
			if (touches(repo, c, globs)) {
				struct candidate k = {.author_time = git_commit_author(c)->when.time,
						      .commit_time = git_commit_time(c)};
				git_oid_tostr(k.hex, sizeof k.hex, &id);
				VEC_PUSH(*cands, *ncands, capc, k);
			}
		}
		git_commit_free(c);
	}
	git_revwalk_free(w);
	return 0;
}

static void place_changes(const struct gitscan_result *scan, struct store *cache, const struct candidate *k,
			  size_t n, struct gitpaths_result *out)
{
	const char **hex = xcalloc(n + 1, sizeof *hex);
	int *dep = xcalloc(n + 1, sizeof *dep);
	int64_t *landed = xcalloc(n + 1, sizeof *landed);
	for (size_t i = 0; i < n; i++)
		hex[i] = k[i].hex;
	gitscan_first_deploys_landed(scan, cache, hex, n, dep, landed);
	out->changes = xcalloc(n + 1, sizeof *out->changes);
	for (size_t i = 0; i < n; i++)
		if (dep[i] >= 0) {
			struct dora_change *ch = &out->changes[out->nchanges++];
			*ch = (struct dora_change){.deploy = dep[i], .author_time = k[i].author_time,
						   .commit_time = k[i].commit_time, .landed = landed[i]};
			git_oid id;
			if (git_oid_fromstr(&id, k[i].hex) == 0) /* links it to its pull request */
				memcpy(ch->id, id.id, sizeof ch->id);
		}
	free(hex);
	free(dep);
	free(landed);
}

static void place_reverts(git_repository *repo, const char *globs, const struct gitscan_result *scan,
			  struct store *cache, const struct rev_line *r, size_t n, struct gitpaths_result *out)
{
	out->reverts = xcalloc(n + 1, sizeof *out->reverts);
	for (size_t i = 0; i < n; i++) {
		git_commit *t = resolve_target(repo, r[i].target);
		/* a revert counts for the service of the change it reverts */
		if (!t || !touches(repo, t, globs)) {
			git_commit_free(t);
			continue;
		}
		char thex[41];
		git_oid_tostr(thex, sizeof thex, git_commit_id(t));
		git_commit_free(t);
		const char *hex[2] = {thex, r[i].revert};
		int dep[2];
		gitscan_first_deploys(scan, cache, hex, 2, dep);
		out->reverts[out->nreverts++] = (struct dora_revert){.reverted_deploy = dep[0], .revert_deploy = dep[1],
									 .revert_author_time = r[i].author_time};
	}
}

int gitpaths_filter(const char *repo_path, const char *globs, const struct gitscan_result *scan,
		    struct store *cache, struct gitpaths_result *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	git_libgit2_init();
	git_repository *repo = NULL;
	int rc = -1;
	struct candidate *cands = NULL;
	struct rev_line *revs = NULL;
	size_t ncands = 0, nrevs = 0;
	if (git_repository_open_ext(&repo, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0) {
		snprintf(err, errlen, "%s: not a git repository", repo_path);
		goto done;
	}
	if (walk(repo, globs, scan, &cands, &ncands, &revs, &nrevs, &out->diffed) != 0) {
		const git_error *e = git_error_last();
		snprintf(err, errlen, "%s: %s", repo_path, e && e->message ? e->message : "cannot walk the history");
		goto done;
	}
	place_changes(scan, cache, cands, ncands, out);
	place_reverts(repo, globs, scan, cache, revs, nrevs, out);
	rc = 0;
done:
	free(cands);
	free(revs);
	git_repository_free(repo);
	git_libgit2_shutdown();
	if (rc != 0)
		gitpaths_result_free(out);
	return rc;
}
