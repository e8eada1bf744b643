/* model_records — what people recorded: deployments with their strategy and
 * rollout, incidents with their timeline, and the reviews after both. They
 * enter DORA through the same computation as the tags (docs/metrics.md §1, §3): a
 * recorded production deployment merges with the tag of its commit, and an
 * incident names the deployment it broke. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "advice.h"
#include "loaders.h"
#include "context.h"
#include "model.h"
#include "store.h"
#include "store_deploys.h"
#include "timeutil.h"
#include "util.h"

static int review_questions(const struct dash *d, enum checklist_kind kind)
{
	const struct checklist *cl = d->has_checklists ? checklist_of(&d->checklists, kind) : NULL;
	return cl ? (int)cl->n : 5;
}

int model_records(struct ctx *c, struct store *st, struct dash *d)
{
	if (store_deploys_list(st, NULL, &d->records, &d->nrecords) != 0 ||
	    store_stages_list(st, 0, &d->stages, &d->nstages) != 0 ||
	    store_incidents_list(st, &d->incidents, &d->nincidents) != 0 ||
	    store_reviews_list(st, NULL, 0, &d->answers, &d->nanswers) != 0)
		return ctx_fail(c, "%s", store_errmsg(st));
	if (model_narrow_records(c, st, d) != 0)
		return -1;
	for (size_t i = 0; i < d->nincidents; i++)
		d->open_incidents += deploylog_incident_open(&d->incidents[i], c->now);
	if (!d->has_checklists && checklists_setup(c, &d->checklists))
		d->has_checklists = true;
	deploylog_reviews(d->records, d->nrecords, d->incidents, d->nincidents, d->answers, d->nanswers,
			  review_questions(d, CHECKLIST_POST_DEPLOY_REVIEW),
			  review_questions(d, CHECKLIST_POST_INCIDENT_REVIEW), c->now, &d->reviews, &d->nreviews);
	for (size_t i = 0; i < d->nreviews; i++)
		d->reviews_overdue += d->reviews[i].state == REVIEW_OVERDUE;
	return 0;
}

/* Whether a deployment was typed as its commit id (a hex prefix of it, as
 * `deploy record 1764cfcc99…` keeps it): the views then name it by the
 * short hash, as every commit is shown, not by 40 digits cut at the edge. */
static bool ref_is_commit_id(const char *ref, const char *commit)
{
	size_t n = ref ? strlen(ref) : 0;
	if (n < 7 || !commit || strncasecmp(ref, commit, n) != 0)
		return false;
	return strspn(ref, "0123456789abcdefABCDEF") == n;
}

struct gitscan_record *model_gitscan_records(const struct dash *d, size_t *n)
{
	struct gitscan_record *r = xcalloc(d->nrecords + 1, sizeof *r);
	*n = 0;
	for (size_t i = 0; i < d->nrecords; i++) {
		const struct deploy_rec *rec = &d->records[i];
		if (!streq(rec->env, "production"))
			continue; /* staging deployments never count (docs/metrics.md §1) */
		r[(*n)++] = (struct gitscan_record){
			rec->commit, rec->at, ref_is_commit_id(rec->ref, rec->commit) ? NULL : rec->ref,
			streq(rec->status, "failed") || streq(rec->status, "rolled-back"),
			streq(rec->kind, "hotfix"), rec->id,
		};
	}
	return r;
}

const struct deploy_rec *model_record_of_deploy(const struct dash *d, int i)
{
	if (!d->has_history || i < 0 || (size_t)i >= d->git.ndeploys || !d->git.record_ids ||
	    !d->git.record_ids[i])
		return NULL;
	for (size_t k = 0; k < d->nrecords; k++)
		if (d->records[k].id == d->git.record_ids[i])
			return &d->records[k];
	return NULL;
}

/* The scan's index of the deployment of a commit, or -1. */
static int deploy_of_commit(const struct dash *d, const char *commit)
{
	for (size_t i = 0; commit && i < d->git.ndeploys; i++)
		if (streq(d->git.deploys[i].commit, commit))
			return (int)i;
	return -1;
}

static const char *record_commit(const struct dash *d, int64_t id)
{
	for (size_t k = 0; k < d->nrecords; k++)
		if (d->records[k].id == id)
			return streq(d->records[k].env, "production") ? d->records[k].commit : NULL;
	return NULL;
}

void model_dora_incidents(struct dash *d)
{
	d->dora_incidents = xcalloc(d->nincidents + 1, sizeof *d->dora_incidents);
	for (size_t i = 0; i < d->nincidents; i++) {
		const struct incident_rec *inc = &d->incidents[i];
		const char *commit = inc->deployment_id ? record_commit(d, inc->deployment_id) : inc->deploy_ref;
		/* Linked by time when it named nothing: the metrics do that (docs/metrics.md
		 * §3) over every production deployment. The link stored at `incident
		 * open` only saw recorded ones, and a tag deployed after that record
		 * but before the incident started is the latest deployment. */
		int idx = inc->linked_auto ? -1 : deploy_of_commit(d, commit);
		d->dora_incidents[i] = (struct dora_incident){idx, inc->started, inc->restored, false};
	}
	d->dora_in.incidents = d->dora_incidents;
	d->dora_in.nincidents = d->nincidents;
}

void model_records_free(struct dash *d)
{
	deploy_recs_free(d->records, d->nrecords);
	free(d->stages);
	incident_recs_free(d->incidents, d->nincidents);
	review_answers_free(d->answers, d->nanswers);
	free(d->reviews);
	free(d->dora_incidents);
}
