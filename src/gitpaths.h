/* gitpaths — the monorepo rule (docs/metrics.md §13): which of the commits a
 * service's deployments shipped belong to it by the paths they touch. A
 * layer over the history scan: it reads the scan's result through its
 * public calls and never its cache. */
#ifndef SD_GITPATHS_H
#define SD_GITPATHS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "gitscan.h"

struct gitpaths_result {
	struct dora_change *changes;  /* the scan's changes that belong to the service */
	size_t nchanges;
	struct dora_revert *reverts;  /* reverts of commits that belong to it */
	size_t nreverts;
	size_t diffed;                /* commits whose diff was read this run */
};

/* Filters scan (a scan of repo_path with the service's deploy pattern) by
 * the path globs: a commit belongs when its diff against its first parent
 * (a root commit: all its files; no rename detection) touches a matching
 * path. cache: the store the scan used (for gitscan_first_deploys), where
 * what the walk learns is kept too (NULL: none); full: ignore what it
 * holds. Changes come by deployment, then time. 0 ok, -1 with one line in
 * err. */
int gitpaths_filter(const char *repo_path, const char *globs, const struct gitscan_result *scan,
		    struct store *cache, bool full, struct gitpaths_result *out, char *err, size_t errlen);
/* Several services of one repository at once (their scans of it, and
 * cache, the store the first scan used, unless a job names its own): each
 * commit and the trees they share are read once for all of them. feed:
 * what their scans handed over when they walked cold (NULL, or a job's
 * scan not in it: the walk reads the commits itself). Rows of globs no
 * job using a cache has are dropped from it. 0 ok (every out filled), -1
 * with one line in err. */
/* The commits a cold history scan read (gitscan_opts.commit_sink, with
 * gitpaths_feed_commit and the feed as its arg), kept for the path walk of
 * the services that scan is for: their cold walk then reads no commit a
 * second time, only the trees. */
struct gitpaths_feed;
struct gitpaths_feed *gitpaths_feed_new(void);
/* Before each scan that feeds it (one after another, on one thread): the
 * scan's number, for gitpaths_job.fed_by, or 0 when the feed takes no more
 * (the scan is then given no sink). A commit several scans read is kept
 * once, judged for the services whose scans' deployments reach it. */
int gitpaths_feed_scan(struct gitpaths_feed *f);
void gitpaths_feed_commit(void *feed, const unsigned char id[20], const char *raw, size_t len);
/* gitscan_opts.commit_source for the scans after the first: the raw
 * commit an earlier scan handed over (kept up to a bound), or NULL. */
const char *gitpaths_feed_raw(void *feed, const unsigned char id[20], size_t *len);
void gitpaths_feed_free(struct gitpaths_feed *f);

struct gitpaths_job {
	const char *globs;
	const struct gitscan_result *scan;
	struct gitpaths_result *out;
	struct store *cache;   /* the store its scan used (NULL: the call's cache) */
	int fed_by;            /* the number gitpaths_feed_scan gave its scan (0: none) */
	atomic_size_t *progress; /* when set: the commits judged for it so far (another thread shows it) */
};
int gitpaths_filter_many(const char *repo_path, struct gitpaths_job *jobs, size_t n, struct store *cache,
			 bool full, struct gitpaths_feed *feed, char *err, size_t errlen);
void gitpaths_result_free(struct gitpaths_result *r);

#endif
