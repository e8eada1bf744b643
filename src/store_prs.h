/* store_prs — the pull_requests and pull_request_commits tables (`pr
 * import`, docs/metrics.md §2b). */
#ifndef SD_STORE_PRS_H
#define SD_STORE_PRS_H

#include <stddef.h>
#include <stdint.h>

#include "pullreq.h"

struct store;

/* The pull request a tool knows by (origin, number); 1 found (out filled,
 * with its commits), 0 none, -1 error. */
int store_pr_find(struct store *st, const char *source, const char *origin, int64_t number,
		  struct pr_rec *out);
/* Inserts p with its commits and sets p->id; 0 or -1. */
int store_pr_insert(struct store *st, struct pr_rec *p, int64_t now);
/* Rewrites row p->id with every field of p and its commits; 0 or -1. */
int store_pr_update(struct store *st, const struct pr_rec *p, int64_t now);
/* Every stored pull request with its commits, by merge time then id; 0 or -1. */
int store_prs_load(struct store *st, struct pr_rec **out, size_t *n);

#endif
