/* gitscan — the git history engine: deployments, the commits each shipped,
 * and reverts (docs/metrics.md §0–§3), cached incrementally in the store. The only
 * module that calls libgit2. */
#ifndef SD_GITSCAN_H
#define SD_GITSCAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h" /* struct dora_deploy, dora_change, dora_revert */

struct store;

/* A production deployment recorded in the database (docs/metrics.md §1 "From the release database"). */
struct gitscan_record {
	const char *commit;     /* 40 hex, already resolved */
	int64_t time;
	const char *ref;        /* shown when no tag names the commit; NULL: the short hash */
	bool failed;            /* status failed or rolled-back */
	bool hotfix;            /* kind hotfix */
	int64_t record_id;
};

#define GITSCAN_DEFAULT_TAGS "v*,!*rc*"
#define GITSCAN_DEFAULT_REWORK_TAGS "*hotfix*"

struct gitscan_opts {
	const char *deploy_tags;      /* "v*,!*rc*": comma-separated fnmatch globs (no FNM_PATHNAME), '!' excludes; NULL: default */
	const char *rework_tags;      /* tags that are rework (docs/metrics.md §3b); NULL: "*hotfix*", "": none */
	const char *default_branch;   /* NULL: detect (refs/remotes/origin/HEAD target, else HEAD's branch, else main, else master) */
	bool full;                    /* ignore the cache */
	/* The changes of deployments earlier than this (Unix time) may be left
	 * out of the result: a warm start reads the packed commits of the
	 * later deployments only (see metrics_changes_since). 0: every
	 * deployment's; INT64_MAX: none (deploy_changes still counts them). */
	int64_t changes_since;
	const struct gitscan_record *records;
	size_t nrecords;
	/* When set, the number of commits read so far, updated every few
	 * thousand (another thread shows it: `sync` on a terminal). */
	atomic_size_t *progress;
	/* When set, handed every commit a cold walk reads from the deployments
	 * (its id and raw object, on the scan's thread), so that a path
	 * service's walk need not read them again (gitpaths_feed). Not called
	 * when grafts, a shallow cut or replace refs make the history git reads
	 * differ from the objects' own (the path walk reads the objects). */
	void (*commit_sink)(void *arg, const unsigned char id[20], const char *raw, size_t len);
	void *sink_arg;
	/* When set, asked first for a commit's raw object, kept by another
	 * scan of the same repository (NULL: read it from the repository; the
	 * pointer is valid until the next call); not asked when grafts, a
	 * shallow cut or replace refs are in play. */
	const char *(*commit_source)(void *arg, const unsigned char id[20], size_t *len);
	void *source_arg;
};

/* A "Reverts #N" line git alone could not resolve. */
struct gitscan_pr_revert {
	int number;                   /* N */
	int revert_deploy;            /* the reverting commit's first deployment, or -1 */
	int64_t revert_author_time;
	int revert_pr;                /* the pull request its own subject names, or 0 */
};

struct gitscan_result {
	struct dora_deploy *deploys;  /* deployment order: time, ties by ref (tag names) */
	size_t ndeploys;
	struct dora_change *changes;  /* shipped commits with <= 1 parent, grouped by deployment (ascending):
				       * at least those of every deployment at or after opts.changes_since */
	size_t nchanges;
	int *deploy_changes;          /* per deploy: the changes it shipped first (all of them, always) */
	size_t nchanges_all;          /* the sum of deploy_changes */
	struct dora_revert *reverts;
	size_t nreverts;
	/* "Reverts #N" lines no commit of the history names N for
	 * (docs/metrics.md §3b): left for imported pull requests to resolve. */
	struct gitscan_pr_revert *pr_reverts;
	size_t npr_reverts;
	int64_t *record_ids;          /* per deploy: the record id merged into it, or 0 */
	char *default_branch;         /* e.g. "main" */
	size_t commits_walked;        /* commits read from the repository this run */
	size_t commits_known;         /* commits of the history (walked or cached) */
	bool from_cache;              /* true when nothing had to be walked */
	bool cache_busy;              /* the cache could not be saved: the database stayed busy */
	char **warnings;              /* e.g. shallow clone, no matching tags */
	size_t nwarnings;
	char **strings;               /* owns deploys[i].ref and .commit */
	size_t nstrings;
	struct cmap *shipped;         /* opaque: every known commit and its deployment (NULL on a warm start) */
	int64_t generation;           /* of the cache a warm start read (for gitscan_first_deploys) */
	int64_t cache_generation;     /* the cache's generation that holds exactly this result (read
				       * warm, or written by this run), or -1: what depends on the
				       * result may be cached under it (gitpaths.c) */
	char *repo_path;
};

/* Scans the repository at repo_path, using and updating the git cache in st
 * (st may be NULL or read-only: nothing is cached then). The cache is read
 * in one read transaction and written in one short write transaction after
 * the walk, so other writers never wait on a walk; a database that stays
 * busy leaves the cache unsaved (cache_busy), not the scan failed.
 * 0 ok, -1 with a one-line message in err. */
int gitscan_sync(struct store *st, const char *repo_path, const struct gitscan_opts *o,
		 struct gitscan_result *out, char *err, size_t errlen);
/* Frees everything a result owns and zeroes it. */
void gitscan_result_free(struct gitscan_result *r);
/* For each commit (40 hex, or ""), the index (into r->deploys) of the
 * deployment that first shipped it, or -1, as the scan decided it: from the
 * scan's own map after a walk; after a warm start (which loads no commit)
 * from the cache in st, searched newest first until every commit is found,
 * if it is still the generation the scan read; if another process has
 * rewritten it since (or st is NULL), from the repository's commit graph
 * (the first deployment that reaches the commit). Returns 0. */
int gitscan_first_deploys(const struct gitscan_result *r, struct store *st, const char *const *hex,
			  size_t n, int *out);
/* gitscan_first_deploys, and for each commit its landing on the default
 * branch too (docs/metrics.md §2b; SD_NO_TIME: none, or unknown when the
 * cache was rewritten under a warm start's result). */
int gitscan_first_deploys_landed(const struct gitscan_result *r, struct store *st, const char *const *hex,
				 size_t n, int *out, int64_t *landed);
/* Several scans at once, one repository per thread: libgit2 is set up once
 * for all of them (gitscan_hold before the threads start, gitscan_release
 * after they end) instead of each scan setting it up and tearing it down.
 * False when this libgit2 was built without threads (scan one at a time). */
bool gitscan_hold(void);
void gitscan_release(void);
/* What reverting commit hex (40 hex) reverts, as deployments
 * (docs/metrics.md §3b): a merge's brought changes (M^1..M^2), each
 * change's first deployment, distinct and ascending (-1: unshipped); any
 * other commit, its own first deployment. *out malloc'd; 0, or -1 when the
 * commit cannot be read (nothing then). */
int gitscan_reverted_deploys(const struct gitscan_result *r, struct store *st, const char *hex, int **out,
			     size_t *n);
/* Resolves a ref (tag, branch, commit prefix) to 40 hex; 0 ok, -1 with message. */
int gitscan_resolve(const char *repo_path, const char *ref, char out[41], char *err, size_t errlen);
/* True when the tag's short name is a deployment under pattern (NULL: the default). */
bool gitscan_tag_matches(const char *pattern, const char *name);

#endif
