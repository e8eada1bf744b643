/* store_git — the git history cache (git_* tables): what the last scan learned. */
#ifndef SD_STORE_GIT_H
#define SD_STORE_GIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* One history ref as last seen. peeled is "" when the ref does not peel to a
 * commit; time is SD_NO_TIME for branches. */
struct git_ref_row {
	char *name;
	char target[41];
	char peeled[41];
	int64_t time;
};

/* One commit of the history; seq is the deployment that first shipped it, or -1. */
struct git_commit_row {
	unsigned char sha[20];
	int32_t seq;
	int32_t parents;
	int64_t author_time;
	int64_t commit_time;
	int64_t landed;       /* docs/metrics.md §2b; SD_NO_TIME: not on the default branch */
};

/* One "This reverts commit <target>" line of the commit sha (seq copied from
 * it), or a "Reverts #N" line (target "#N", docs/metrics.md §3b); resolved
 * is the commit target names, when has_resolved, and resolved_seq that
 * commit's deployment (-1: unshipped). pr: the pull request the reverting
 * commit's own subject names (0: none). When the resolved commit is a
 * merge (merge), brought holds the distinct deployments of the changes it
 * brought (malloc'd; free with store_git_reverts_free). */
struct git_revert_row {
	unsigned char sha[20];
	int32_t seq;
	char target[41];
	int64_t author_time;
	bool has_resolved;
	unsigned char resolved[20];
	int32_t resolved_seq;
	int32_t pr;
	bool merge;
	int32_t *brought;
	size_t nbrought;
};

/* One commit whose subject names pull request number (docs/metrics.md §3b);
 * seq is the deployment that first shipped it, or -1. */
struct git_pull_row {
	unsigned char sha[20];
	int32_t seq;
	int32_t number;
};

/* One entry of the cached deployment order. */
struct git_deploy_row {
	char commit[41];
	const char *ref;
	int64_t time;
};

/* One commit the last scan wanted and could not read: a deployment's own
 * commit (deploy) or one the walk reached (walk); seq is the deployment
 * that wanted it first, -1 for the unshipped walk. When it can be read
 * again, the scan recomputes from seq. */
struct git_missing_row {
	unsigned char sha[20];
	bool deploy;
	int32_t seq;
};

/* False when the store was opened read-only: the scan then caches nothing. */
bool store_git_writable(const struct store *st);
/* Starts a read transaction, so the cache's tables are read as one
 * consistent picture while others write: 1 started, 0 already inside a
 * transaction (nothing to end), -1 error. */
int store_git_read_begin(struct store *st);
/* Ends what store_git_read_begin started (started: its return value). */
void store_git_read_end(struct store *st, int started);
/* A git_meta value (malloc'd) or NULL. */
char *store_git_meta_get(struct store *st, const char *key);
/* Sets key to value only where it still holds was (a compare-and-set). */
int store_git_meta_replace(struct store *st, const char *key, const char *was, const char *value);
int store_git_meta_set(struct store *st, const char *key, const char *value);

/* Calls fn for every cached ref (tags_only: those under refs/tags/) in
 * name order (SQLite's BINARY: strcmp's); r->name is SQLite's, valid only
 * during the call (nothing copied: 60 000 tags on a warm start). fn
 * returning non-zero stops the listing (0 returned). */
int store_git_refs_each(struct store *st, bool tags_only, int (*fn)(void *arg, const struct git_ref_row *r),
			void *arg);
/* Replaces the cached refs with rows. */
int store_git_refs_save(struct store *st, const struct git_ref_row *rows, size_t n);

/* The cached deployment order as 40-hex commits (*out: n * 41 bytes, malloc'd). */
int store_git_deploys_load(struct store *st, char (**out)[41], size_t *n);
/* Replaces the cached deployment order. */
int store_git_deploys_save(struct store *st, const struct git_deploy_row *rows, size_t n);

/* Calls fn for every cached commit (any order); fn returning non-zero stops with -1. */
int store_git_commits_load(struct store *st, int (*fn)(void *arg, const struct git_commit_row *r),
			   void *arg);
/* The same for the rows of deployment from_seq and later (not the
 * unshipped row), by deployment. */
int store_git_commits_load_from(struct store *st, int32_t from_seq,
				int (*fn)(void *arg, const struct git_commit_row *r), void *arg);
/* The same for every row, the unshipped commits first and then by
 * deployment, newest first (a recent commit is found early); fn returning
 * > 0 stops the search (0), < 0 stops with -1. */
int store_git_commits_search(struct store *st, int (*fn)(void *arg, const struct git_commit_row *r),
			     void *arg);
/* Calls fn for every cached row, by deployment, with its commit count and
 * change count (commits with at most one parent) without reading the
 * commits (they are kept apart from them: git_chunk_counts). 0 ok, -1
 * error. (1, a cache from before the counts, is no longer returned:
 * migration 14 has such a cache rebuilt.) */
int store_git_chunks_load(struct store *st, int (*fn)(void *arg, int32_t seq, int64_t n, int64_t changes),
			  void *arg);
/* The number of cached commits. */
int store_git_commits_count(struct store *st, size_t *n);
/* Stores the n commits deployment seq shipped first (all rows[i].seq == seq;
 * seq -1: unshipped), replacing what was cached for seq. */
int store_git_commits_save(struct store *st, int32_t seq, const struct git_commit_row *rows, size_t n);
/* Forgets the commits first shipped by deployment from_seq or later, and
 * every unshipped one (seq -1). */
int store_git_forget(struct store *st, int from_seq);

/* Every cached revert line. */
int store_git_reverts_load(struct store *st, struct git_revert_row **out, size_t *n);
/* Replaces the cached revert lines. */
int store_git_reverts_save(struct store *st, const struct git_revert_row *rows, size_t n);
/* Frees rows and what each owns. */
void store_git_reverts_free(struct git_revert_row *rows, size_t n);

/* Every cached commit that names a pull request. */
int store_git_pulls_load(struct store *st, struct git_pull_row **out, size_t *n);
/* Replaces them. */
int store_git_pulls_save(struct store *st, const struct git_pull_row *rows, size_t n);

/* Every cached missing commit. */
int store_git_missing_load(struct store *st, struct git_missing_row **out, size_t *n);
/* Replaces the cached missing commits. */
int store_git_missing_save(struct store *st, const struct git_missing_row *rows, size_t n);

/* Empties the whole git cache. */
int store_git_clear(struct store *st);

#endif
