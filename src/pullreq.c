/* pullreq — the plain pull request record and its small helpers. */
#include "pullreq.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void pr_rec_free(struct pr_rec *p)
{
	if (!p)
		return;
	free(p->source);
	free(p->origin);
	free(p->title);
	free(p->author);
	free(p->head_ref);
	free(p->base_ref);
	free(p->merge_commit);
	free(p->first_reviewer);
	for (size_t i = 0; i < p->ncommits; i++)
		free(p->commits[i]);
	free(p->commits);
	memset(p, 0, sizeof *p);
}

void pr_recs_free(struct pr_rec *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pr_rec_free(&p[i]);
	free(p);
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool pr_rec_same(const struct pr_rec *a, const struct pr_rec *b)
{
	if (!same_str(a->source, b->source) || !same_str(a->origin, b->origin) || a->number != b->number ||
	    !same_str(a->title, b->title) || !same_str(a->author, b->author) ||
	    !same_str(a->head_ref, b->head_ref) || !same_str(a->base_ref, b->base_ref) ||
	    a->opened != b->opened || a->merged != b->merged || !same_str(a->merge_commit, b->merge_commit) ||
	    a->first_review != b->first_review || !same_str(a->first_reviewer, b->first_reviewer) ||
	    a->reviewed_untimed != b->reviewed_untimed || a->first_authored != b->first_authored ||
	    a->ncommits != b->ncommits)
		return false;
	for (size_t i = 0; i < a->ncommits; i++)
		if (strcmp(a->commits[i], b->commits[i]) != 0)
			return false;
	return true;
}

void pr_rec_add_commit(struct pr_rec *p, const char *hex)
{
	size_t at = 0;
	while (at < p->ncommits && strcmp(p->commits[at], hex) < 0)
		at++;
	if (at < p->ncommits && strcmp(p->commits[at], hex) == 0)
		return;
	p->commits = xrealloc(p->commits, (p->ncommits + 1) * sizeof *p->commits);
	memmove(p->commits + at + 1, p->commits + at, (p->ncommits - at) * sizeof *p->commits);
	p->commits[at] = xstrdup(hex);
	p->ncommits++;
}
