/* model_prs — imported pull requests in the model (docs/metrics.md §2b):
 * each change of the history linked to the pull request that merged it,
 * by its merge (or squash) commit or one of its listed commits, so that
 * metrics.c can split its lead time into coding, pickup, review and
 * waiting. Read from the database on every run, beside the history cache:
 * a new import changes the stages at once. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "store.h"
#include "store_prs.h"
#include "timeutil.h"
#include "util.h"

/* One commit → one pull request (index + 1 into d->prs). */
struct pr_link {
	unsigned char sha[20];
	int rank;               /* 0: its merge commit, 1: one of its commits */
	int64_t merged;
	int pr;
};

/* What a "Reverts #N" line needs of a pull request. */
struct pr_ref {
	int64_t number;
	char merge_commit[41];  /* "" when the export named none */
};

static bool hex_to_id(const char *hex, unsigned char id[20])
{
	if (!hex || strlen(hex) != 40)
		return false;
	for (int i = 0; i < 20; i++) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			char ch = hex[2 * i + k];
			int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
			if (d < 0)
				return false;
			v = v * 16 + d;
		}
		id[i] = (unsigned char)v;
	}
	return true;
}

/* By commit; for one commit the pull request it is the merge commit of
 * first, then the earliest merged (a commit listed by two stacked pull
 * requests belongs to the one that merged it first). */
static int cmp_link(const void *a, const void *b)
{
	const struct pr_link *x = a, *y = b;
	int c = memcmp(x->sha, y->sha, sizeof x->sha);
	if (c)
		return c;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->merged != y->merged)
		return x->merged < y->merged ? -1 : 1;
	return x->pr - y->pr;
}

static void add_link(struct dash *d, size_t *cap, const char *hex, int rank, int64_t merged, int pr)
{
	struct pr_link l = {.rank = rank, .merged = merged, .pr = pr};
	if (hex_to_id(hex, l.sha))
		VEC_PUSH(d->pr_links, d->npr_links, *cap, l);
}

int model_prs_load(struct store *st, struct dash *d)
{
	struct pr_rec *recs;
	size_t n, cap = 0;
	if (store_prs_load(st, &recs, &n) != 0)
		return -1;
	d->prs = xcalloc(n + 1, sizeof *d->prs);
	d->pr_refs = xcalloc(n + 1, sizeof *d->pr_refs);
	d->nprs = n;
	for (size_t i = 0; i < n; i++) {
		const struct pr_rec *p = &recs[i];
		d->prs[i] = (struct dora_pr){.opened = p->opened, .merged = p->merged,
					     .first_review = p->first_review,
					     .review_untimed = p->reviewed_untimed};
		d->pr_refs[i].number = p->number;
		if (p->merge_commit && strlen(p->merge_commit) == 40)
			memcpy(d->pr_refs[i].merge_commit, p->merge_commit, 41);
		add_link(d, &cap, p->merge_commit, 0, p->merged, (int)i + 1);
		for (size_t k = 0; k < p->ncommits; k++)
			add_link(d, &cap, p->commits[k], 1, p->merged, (int)i + 1);
	}
	sort_array(d->pr_links, d->npr_links, sizeof *d->pr_links, cmp_link);
	pr_recs_free(recs, n);
	return 0;
}

/* The pull request of a commit id, index + 1, or 0; *merge: the commit is
 * its merge (squash) commit. */
static int pr_of_id(const struct dash *d, const unsigned char id[20])
{
	size_t lo = 0, hi = d->npr_links;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(d->pr_links[mid].sha, id, 20) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->npr_links && memcmp(d->pr_links[lo].sha, id, 20) == 0 ? d->pr_links[lo].pr : 0;
}

void model_prs_link(const struct dash *d, struct dora_change *ch, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ch[i].pr = d->npr_links ? pr_of_id(d, ch[i].id) : 0;
}

int model_pr_of_commit(const struct dash *d, const char *hex)
{
	unsigned char id[20];
	return d->npr_links && hex_to_id(hex, id) ? pr_of_id(d, id) : 0;
}

/* The merge commit of imported pull request n: NULL when none names n,
 * or when several (of other repositories or tools) name other commits. */
static const char *merge_of_number(const struct dash *d, int64_t n)
{
	const char *found = NULL;
	for (size_t i = 0; i < d->nprs; i++) {
		const char *m = d->pr_refs[i].merge_commit;
		if (d->pr_refs[i].number != n || !m[0])
			continue;
		if (found && strcmp(found, m) != 0)
			return NULL; /* ambiguous: docs/metrics.md §3b ignores it */
		found = m;
	}
	return found;
}

void model_prs_reverts(const struct dash *d, struct store *cache, struct gitscan_result *git)
{
	size_t cap = git->nreverts;
	for (size_t k = 0; k < git->npr_reverts; k++) {
		const struct gitscan_pr_revert *u = &git->pr_reverts[k];
		const char *m = merge_of_number(d, u->number);
		int *dep;
		size_t n;
		if (!m || gitscan_reverted_deploys(git, cache, m, &dep, &n) != 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			struct dora_revert rv = {.reverted_deploy = dep[i], .revert_deploy = u->revert_deploy,
						 .revert_author_time = u->revert_author_time,
						 .revert_pr = u->revert_pr, .reverted_pr = u->number};
			VEC_PUSH(git->reverts, git->nreverts, cap, rv);
		}
		free(dep);
	}
}

void model_prs_free(struct dash *d)
{
	free(d->pr_refs);
	d->pr_refs = NULL;
	free(d->prs);
	free(d->pr_links);
	d->prs = NULL;
	d->pr_links = NULL;
	d->nprs = d->npr_links = 0;
}
