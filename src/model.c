/* model — the one place that gathers data for the views. The TUI and the
 * snapshot both render the struct built here, so they cannot disagree. */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "store.h"
#include "store_builds.h"
#include "text.h"
#include "timeutil.h"
#include "util.h"

static void add_note(struct dash *d, char *note)
{
	d->notes = xrealloc(d->notes, (d->nnotes + 1) * sizeof *d->notes);
	d->notes[d->nnotes++] = note;
}

/* Builds since the earliest instant any figure needs: the build-health
 * window and trend, and far enough back for the oldest feature's merge. */
static int load_builds(struct ctx *c, struct store *st, struct dash *d)
{
	int64_t since = buildstats_since(c->now, d->window_days);
	struct feature *fs;
	size_t n;
	if (store_feature_list(st, &fs, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (fs[i].created_at - 180 * 86400LL < since)
			since = fs[i].created_at - 180 * 86400LL;
	features_free(fs, n);
	if (store_builds_before(st, since, &d->builds_before) != 0 ||
	    store_builds_list(st, since, &d->builds, &d->nbuilds) != 0 ||
	    model_narrow_builds(c, st, d->builds, &d->nbuilds) != 0)
		return -1;
	buildstats_compute(d->builds, d->nbuilds, c->now, d->window_days,
			   opt_num(&c->opt, OPT_HOURLY_COST), &d->health);
	d->has_health = true;
	return 0;
}

/* The window is empty either because nothing is a deployment (no tag
 * matches, nothing recorded) or because the newest deployment is older than
 * the window: then the window that would show it, rounded up to a month. */
static char *why_no_deployments(const struct ctx *c, const struct dash *d)
{
	const struct dora_report *r = &d->dora;
	const char *pattern = opt_str(&c->opt, OPT_DEPLOY_TAGS);
	if (r->ndeploys > 0)
		return NULL;
	if (r->existing_deploys == 0 || r->latest_deploy < 0) {
		char *p = text_clean(pattern, TEXT_ONE_LINE);
		char *why = xasprintf("no deployments: no tag matches the deploy pattern '%s' and no "
				      "production deployment was recorded (set --deploy-tags or \"deploy_tags\" "
				      "in .shipdeck.json, or record one with 'shipdeck deploy record')", p);
		free(p);
		return why;
	}
	const struct dora_deploy *last = &d->dora_in.deploys[r->latest_deploy];
	int64_t days = (c->now - last->time) / 86400;
	int64_t want = (days / 30 + 1) * 30;
	if (want > 3650)
		want = 3650;
	char when[24];
	char *ref = text_clean(last->ref, TEXT_ONE_LINE);
	char *why = xasprintf("no deployment in the last %d days: the newest, %s, was on %s UTC (%lld "
			      "days ago); --window-days %lld (or \"window_days\": %lld in .shipdeck.json) "
			      "would show it", r->window_days, ref, time_format_short(last->time, when),
			      (long long)days, (long long)want, (long long)want);
	free(ref);
	return why;
}

/* Reads the history of every service (incrementally: the git cache makes a
 * warm start walk nothing) and computes the DORA figures
 * (model_services.c; with no service configured, the repository's own). */
static int load_history(struct ctx *c, struct store *st, struct dash *d)
{
	if (model_services_load(c, st, d, false, NULL) != 0)
		return -1;
	if (!d->has_history)
		return 0;
	if (store_no_write_access(st))
		add_note(d, xasprintf("you may only read %s: read-only for this run (the history "
				      "cache is kept in memory)", store_path(st)));
	d->dora_none = why_no_deployments(c, d);
	if (d->dora_none && d->dora.existing_deploys > 0)
		add_note(d, xstrdup(d->dora_none));
	return 0;
}

int model_build(struct ctx *c, struct dash *d)
{
	memset(d, 0, sizeof *d);
	d->now = c->now;
	d->window_days = (int)opt_int(&c->opt, OPT_WINDOW_DAYS);
	d->repo_name = xstrdup_or_null(c->repo_name);
	d->repo_path = xstrdup_or_null(c->repo_path);
	d->db_path = xstrdup_or_null(c->db_path);
	struct store *st = ctx_open_store(c);
	if (!st)
		return -1;
	if (load_builds(c, st, d) != 0)
		return ctx_fail(c, "%s", store_errmsg(st));
	if (model_records(c, st, d) != 0)
		return -1;
	if (c->deploy_tags_note)
		add_note(d, xstrdup(c->deploy_tags_note));
	if (!opt_bool(&c->opt, OPT_NO_SYNC) && load_history(c, st, d) != 0)
		return -1;
	if (model_features(c, st, d) != 0)
		return -1;
	if (d->nfeatures == 0)
		add_note(d, xstrdup("no features yet: add one with 'shipdeck feature add TITLE'"));
	return 0;
}

void model_free(struct dash *d)
{
	model_features_free(d);
	model_records_free(d);
	if (d->has_health)
		build_health_free(&d->health);
	builds_free(d->builds, d->nbuilds);
	for (size_t i = 0; i < d->nnotes; i++)
		free(d->notes[i]);
	free(d->notes);
	free(d->dora_none);
	if (d->has_history) {
		dora_report_free(&d->dora);
		gitscan_result_free(&d->git);
	}
	model_services_free(d);
	free(d->repo_name);
	free(d->repo_path);
	free(d->db_path);
	memset(d, 0, sizeof *d);
}
