/* gitfeature — what the history says about each feature (docs/metrics.md §8 evidence):
 * its commits, its merge into the default branch and the deployment that
 * shipped it. A file of the libgit2 door, beside gitscan.c. */
#ifndef SD_GITFEATURE_H
#define SD_GITFEATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"

/* How a feature names its work: a branch and/or a key such as FEAT-12. */
struct feature_link {
	const char *branch;     /* or NULL */
	const char *key;        /* or NULL */
	int64_t created;        /* the feature record's time (bounds the search) */
};

struct feature_git {
	bool branch_found;      /* the branch exists (local or remote-tracking) */
	bool has_commits;
	int64_t first_commit_time;
	char first_commit[41];
	bool merged;            /* in the default branch */
	int64_t merge_time;     /* committer time of the merge (or squash) commit */
	char merge_commit[41];
	const char *merge_how;  /* "merge", "merge message", "fast-forward", "key in subject" */
	int chain_pos;          /* the merge's position on the default branch's first-parent
	                         * chain, counted from the oldest walked; -1 */
	char ship_commit[41];   /* the merge, or the branch tip when not merged; "" */
	int deploy;             /* first deployment that shipped ship_commit, or -1:
	                         * filled by the caller (gitscan_first_deploys) */
	bool key_shared;        /* another feature's key matched the same commits */
};

/* The default branch's first-parent chain positions of some commits, so the
 * model can tell "a build of the merge or a later default-branch commit". */
struct chain_query {
	const char *const *commits;   /* 40 hex each */
	size_t n;
	int *pos;                     /* out: position (oldest 0), or -1 when not on the chain */
};

/* Fills out[i] for links[i]. 0 ok, -1 with one line in err. */
int gitfeature_evidence(const char *repo_path, const char *default_branch,
			const struct feature_link *links, size_t n, struct feature_git *out,
			struct chain_query *chain, char *err, size_t errlen);

#endif
