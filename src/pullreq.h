/* pullreq — a merged pull request (GitHub) or merge request (GitLab) as
 * `pr import` keeps it (docs/metrics.md §2b): plain data, no I/O. */
#ifndef SD_PULLREQ_H
#define SD_PULLREQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pr_rec {
	int64_t id;                 /* row id, 0 before it is stored */
	char *source;               /* "github" or "gitlab" */
	char *origin;               /* repository or project path, or NULL */
	int64_t number;             /* the PR number, the MR's iid */
	char *title;
	char *author;               /* login or username, or NULL */
	char *head_ref, *base_ref;
	int64_t opened;             /* createdAt */
	int64_t merged;             /* mergedAt */
	char *merge_commit;         /* 40 hex (merge or squash commit), or NULL */
	int64_t first_review;       /* first review by someone other than the author, at or
	                             * before the merge; SD_NO_TIME: none (or untimed) */
	char *first_reviewer;
	bool reviewed_untimed;      /* reviewed, but the export says not when */
	int64_t first_authored;     /* the earliest authored time of its listed commits, or SD_NO_TIME */
	char **commits;             /* 40 hex each, sorted, distinct */
	size_t ncommits;
	/* As read: did the export hold the commits, the reviews? (One made
	 * without them leaves what an earlier import stored.) Not stored. */
	bool has_commits, has_reviews;
};

void pr_rec_free(struct pr_rec *p);
void pr_recs_free(struct pr_rec *p, size_t n);
/* Same fields (not the id): a re-import of it changes nothing. */
bool pr_rec_same(const struct pr_rec *a, const struct pr_rec *b);
/* Adds a 40-hex commit (lower case) unless present; keeps the list sorted. */
void pr_rec_add_commit(struct pr_rec *p, const char *hex);

#endif
