/* metrics — the DORA figures of docs/metrics.md §1–§6, computed from plain arrays.
 *
 * Pure on purpose: no I/O, no clock, no globals. `now` comes in with the
 * arrays, so a figure can be checked by hand against `git log` and the
 * release database, and every rule is pinned by tests/test_metrics.c. */
#include "metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "util.h"

#define DAY 86400
#define WEEK (7 * DAY)

/* Where the per-deployment facts are gathered before the figures. */
struct dora_work {
	const struct dora_input *in;
	int64_t start;                  /* window start, exclusive */
	struct dora_deploy_result *res; /* one per input deployment */
	int *incident;                  /* deciding incident per deployment, or -1 */
};

const char *dora_tier_name(enum dora_tier t)
{
	switch (t) {
	case TIER_ELITE: return "elite";
	case TIER_HIGH: return "high";
	case TIER_MEDIUM: return "medium";
	case TIER_LOW: return "low";
	case TIER_NA: break;
	}
	return "n/a";
}

/* A deployment after now does not exist for any figure (docs/metrics.md: "every
 * figure is as of now"): it neither ships, restores nor fails anything. */
static bool deploy_exists(const struct dora_input *in, int i)
{
	return i >= 0 && (size_t)i < in->ndeploys && in->deploys[i].time <= in->now;
}

static bool in_window(const struct dora_work *w, int64_t t)
{
	return t > w->start && t <= w->in->now;
}

/* Lead time of one change in hours; clock skew (negative) counts as 0. */
static double lead_hours(const struct dora_input *in, const struct dora_change *c,
			 bool *clamped)
{
	int64_t from = in->lead_from_committer ? c->commit_time : c->author_time;
	int64_t d = in->deploys[c->deploy].time - from;
	*clamped = d < 0;
	return d < 0 ? 0.0 : (double)d / 3600.0;
}

void metrics_change_stages(const struct dora_input *in, const struct dora_change *c,
			   double *coding_and_review, double *waiting)
{
	int64_t from = in->lead_from_committer ? c->commit_time : c->author_time;
	int64_t deployed = in->deploys[c->deploy].time;
	int64_t landed = c->landed == SD_NO_TIME || c->landed > deployed ? deployed : c->landed;
	*coding_and_review = landed < from ? 0.0 : (double)(landed - from) / 3600.0;
	*waiting = (double)(deployed - landed) / 3600.0;
}

static double span_hours(int64_t from, int64_t to)
{
	if (from == SD_NO_TIME || to == SD_NO_TIME)
		return NAN;
	return to < from ? 0.0 : (double)(to - from) / 3600.0;
}

void metrics_change_pr_stages(const struct dora_input *in, const struct dora_change *c, const struct dora_pr *p,
			      struct dora_pr_stages *out)
{
	/* docs/metrics.md §2b: from the change's own author time, as lead time
	 * (§2) — also for a squash commit GitHub authors at the merge, whose
	 * coding then reads 0 (the rule's, not a guess from its commits) */
	int64_t from = in->lead_from_committer ? c->commit_time : c->author_time;
	out->coding = span_hours(from, p->opened);
	out->waiting = span_hours(p->merged, in->deploys[c->deploy].time);
	if (p->first_review != SD_NO_TIME) {
		out->pickup = span_hours(p->opened, p->first_review);
		out->review = span_hours(p->first_review, p->merged);
	} else {
		/* no review: opened → merged is review; a review of unknown time: unknown */
		out->pickup = NAN;
		out->review = p->review_untimed ? NAN : span_hours(p->opened, p->merged);
	}
}

/* The median of the known values (NaN ones left out). */
static double median_known(double *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			v[k++] = v[i];
	return median_of(v, k);
}

/* docs/metrics.md §2b with pull requests: over the window's changes that
 * have one (the rest count in lead time only); from git when none has. */
static void pr_stages(const struct dora_input *in, const size_t *idx, size_t n, struct dora_stages *st)
{
	double *v = xcalloc(4 * n + 1, sizeof *v);
	double *coding = v, *pickup = v + n, *review = v + 2 * n, *waiting = v + 3 * n;
	size_t m = 0;
	for (size_t k = 0; k < n; k++) {
		const struct dora_change *c = &in->changes[idx[k]];
		if (c->pr <= 0 || (size_t)c->pr > in->nprs)
			continue;
		struct dora_pr_stages ps;
		metrics_change_pr_stages(in, c, &in->prs[c->pr - 1], &ps);
		coding[m] = ps.coding, pickup[m] = ps.pickup, review[m] = ps.review, waiting[m] = ps.waiting;
		m++;
	}
	if (m) {
		st->from_prs = true;
		st->changes = (int)m;
		st->coding_and_review_hours = NAN;
		st->coding_hours = median_known(coding, m);
		st->pickup_hours = median_known(pickup, m);
		st->review_hours = median_known(review, m);
		st->waiting_hours = median_known(waiting, m);
	}
	free(v);
}

/* A change counts when a real, existing deployment other than the very
 * first one shipped it: the first would ship the whole past at once. */
static bool change_counts(const struct dora_input *in, const struct dora_change *c)
{
	if (c->deploy <= 0 || !deploy_exists(in, c->deploy))
		return false;
	int64_t from = in->lead_from_committer ? c->commit_time : c->author_time;
	return from != SD_NO_TIME;
}

static void mark_failed(struct dora_deploy_result *r, enum dora_fail_source src)
{
	r->failed = true;
	/* Precedence for the label follows the restore time's: incident, then
	 * revert, then the bare record. */
	bool git = src == FAIL_REVERT || src == FAIL_ROLLBACK;
	if (r->fail_source == FAIL_NONE || src == FAIL_INCIDENT || (git && r->fail_source == FAIL_RECORD))
		r->fail_source = src;
}

/* Which of two reverts shipped by one deployment names a failure's restore:
 * one with its own pull request first, then the lower numbers (so the
 * line reads the same whatever order the reverts came in). */
static bool names_better(int pr, int reverts_pr, const struct dora_deploy_result *cur)
{
	long a[4] = {pr ? 0 : 1, pr, reverts_pr ? 0 : 1, reverts_pr};
	long b[4] = {cur->restored_by_pr ? 0 : 1, cur->restored_by_pr, cur->restored_reverts_pr ? 0 : 1,
		     cur->restored_reverts_pr};
	for (int i = 0; i < 4; i++)
		if (a[i] != b[i])
			return a[i] < b[i];
	return false;
}

/* The earliest restoring deployment, and the pull requests its revert
 * names (docs/metrics.md §3b: "reverted by #131"). */
static void restored_by_revert(struct dora_deploy_result *res, int r, const struct dora_revert *rv)
{
	if (res->restored_by < 0 || r < res->restored_by ||
	    (r == res->restored_by && names_better(rv->revert_pr, rv->reverted_pr, res))) {
		res->restored_by = r;
		res->restored_by_pr = rv->revert_pr;
		res->restored_reverts_pr = rv->reverted_pr;
	}
}

/* Spec §3, git: D failed when a revert of its change ships in a later
 * deployment R within revert_window_days of D; the earliest R restored it. */
static void apply_reverts(struct dora_work *w)
{
	const struct dora_input *in = w->in;
	int64_t limit = (int64_t)in->revert_window_days * DAY;
	for (size_t k = 0; k < in->nreverts; k++) {
		const struct dora_revert *rv = &in->reverts[k];
		int d = rv->reverted_deploy, r = rv->revert_deploy;
		if (!deploy_exists(in, d) || !deploy_exists(in, r))
			continue;
		/* Shipped with or before its change: caught before production. */
		if (r <= d)
			continue;
		/* Reverted long after: a change of mind, not an outage. */
		if (rv->revert_author_time != SD_NO_TIME &&
		    rv->revert_author_time - in->deploys[d].time > limit)
			continue;
		mark_failed(&w->res[d], FAIL_REVERT);
		restored_by_revert(&w->res[d], r, rv);
		w->res[r].rework = true;
	}
}

/* docs/metrics.md §3b: a deployment of older code (rollback) restores the
 * deployment just before it, which failed; it is rework and ships nothing. */
static void apply_rollbacks(struct dora_work *w)
{
	const struct dora_input *in = w->in;
	for (size_t i = 1; i < in->ndeploys; i++) {
		int prev = in->deploys[i].rolled_back;
		if (!in->deploys[i].rollback || !deploy_exists(in, (int)i) || prev < 0 || (size_t)prev >= i)
			continue;
		struct dora_deploy_result *p = &w->res[prev];
		mark_failed(p, FAIL_ROLLBACK);
		if (p->restored_by < 0 || (int)i < p->restored_by) {
			p->restored_by = (int)i;
			p->restored_by_pr = p->restored_reverts_pr = 0;
		}
		w->res[i].rework = true;
	}
}

/* The latest existing deployment at or before t, or -1. */
static int deploy_before(const struct dora_input *in, int64_t t)
{
	int best = -1;
	for (size_t i = 0; i < in->ndeploys; i++)
		if (in->deploys[i].time <= t && deploy_exists(in, (int)i))
			best = (int)i;
	return best;
}

/* Spec §3, database: an incident names the deployment that failed; one that
 * names none is linked to the latest deployment before its start. When a
 * deployment has several, the earliest-started one decides. */
static void apply_incidents(struct dora_work *w, int *linked)
{
	const struct dora_input *in = w->in;
	for (size_t k = 0; k < in->nincidents; k++) {
		const struct dora_incident *inc = &in->incidents[k];
		/* An incident that starts after now has not happened yet. */
		if (inc->started == SD_NO_TIME || inc->started > in->now)
			continue;
		int d = inc->deploy;
		bool by_time = d < 0 || inc->by_time;
		if (by_time)
			d = deploy_before(in, inc->started);
		if (!deploy_exists(in, d))
			continue;
		if (by_time) {
			w->res[d].incident_linked_by_time = true;
			(*linked)++;
		}
		mark_failed(&w->res[d], FAIL_INCIDENT);
		int cur = w->incident[d];
		if (cur < 0 || inc->started < in->incidents[cur].started)
			w->incident[d] = (int)k;
	}
}

/* Restore time: the incident's when one speaks of the deployment (it wins
 * over git), else the earliest restoring deployment's. */
static void set_restore_times(struct dora_work *w)
{
	const struct dora_input *in = w->in;
	for (size_t i = 0; i < in->ndeploys; i++) {
		struct dora_deploy_result *r = &w->res[i];
		if (w->incident[i] >= 0) {
			const struct dora_incident *inc = &in->incidents[w->incident[i]];
			/* Restored after now means still open as of now. */
			if (inc->restored != SD_NO_TIME && inc->restored <= in->now) {
				int64_t d = inc->restored - inc->started;
				r->restore_hours = d < 0 ? 0.0 : (double)d / 3600.0;
			}
		} else if (r->restored_by >= 0) {
			r->restore_hours = (double)(in->deploys[r->restored_by].time -
						    in->deploys[i].time) / 3600.0;
		}
	}
}

static void analyse_deploys(struct dora_work *w, int *linked)
{
	const struct dora_input *in = w->in;
	for (size_t i = 0; i < in->ndeploys; i++) {
		struct dora_deploy_result *r = &w->res[i];
		r->index = (int)i;
		r->restored_by = -1;
		r->restore_hours = NAN;
		w->incident[i] = -1;
		if (!deploy_exists(in, (int)i))
			continue;
		r->in_window = in_window(w, in->deploys[i].time);
		if (in->deploys[i].failed_record)
			mark_failed(r, FAIL_RECORD);
		if (in->deploys[i].hotfix)
			r->rework = true;
	}
	if (in->deploy_changes) {
		/* counted by the scan: only a real deployment other than the
		 * first counts its changes, as change_counts says */
		for (size_t i = 1; i < in->ndeploys; i++)
			if (deploy_exists(in, (int)i))
				w->res[i].changes = in->deploy_changes[i];
	} else {
		for (size_t k = 0; k < in->nchanges; k++)
			if (change_counts(in, &in->changes[k]))
				w->res[in->changes[k].deploy].changes++;
	}
	apply_reverts(w);
	apply_rollbacks(w);
	apply_incidents(w, linked);
	set_restore_times(w);
}

/* ---- tiers ---------------------------------------------------------------- */

static enum dora_tier tier_below(double v, double elite, double high, double medium)
{
	if (isnan(v))
		return TIER_NA;
	return v < elite ? TIER_ELITE : v < high ? TIER_HIGH : v < medium ? TIER_MEDIUM : TIER_LOW;
}

static enum dora_tier tier_at_most(double v, double elite, double high, double medium)
{
	if (isnan(v))
		return TIER_NA;
	return v <= elite ? TIER_ELITE : v <= high ? TIER_HIGH : v <= medium ? TIER_MEDIUM : TIER_LOW;
}

static void set_tiers(struct dora_report *out, const struct dora_thresholds *th)
{
	if (!th)
		return;
	snprintf(out->thresholds, sizeof out->thresholds, "%s", th->name);
	out->year = th->year;
	double med = out->frequency.median_deploy_days_per_week;
	if (!isnan(med)) {
		double per30 = out->frequency.deploys * 30.0 / out->window_days;
		out->frequency.tier = med >= th->df_elite_days ? TIER_ELITE
			: med >= th->df_high_days ? TIER_HIGH
			: per30 >= th->df_medium_per_30d ? TIER_MEDIUM : TIER_LOW;
	}
	out->lead_time.tier = tier_below(out->lead_time.median_hours,
					 th->lt_elite_h, th->lt_high_h, th->lt_medium_h);
	out->cfr.tier = tier_at_most(out->cfr.rate, th->cfr_elite, th->cfr_high, th->cfr_medium);
	out->restore.tier = tier_below(out->restore.median_hours,
				       th->ttr_elite_h, th->ttr_high_h, th->ttr_medium_h);
}

static enum dora_target_state target_state(double v, bool met)
{
	return isnan(v) ? TARGET_NA : met ? TARGET_MET : TARGET_MISSED;
}

static void set_targets(struct dora_report *out, const struct dora_targets *t)
{
	out->targets = *t;
	out->df_met = target_state(out->frequency.per_week,
				   out->frequency.per_week >= t->deploys_per_week);
	out->lt_met = target_state(out->lead_time.median_hours,
				   out->lead_time.median_hours < t->lead_time_hours);
	out->cfr_met = target_state(out->cfr.rate, out->cfr.rate < t->cfr_percent);
	out->ttr_met = target_state(out->restore.median_hours,
				    out->restore.median_hours < t->restore_hours);
}

/* ---- window figures ------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Spec §4: distinct deploy days per full week [Monday, next Monday) with
 * window start <= Monday and next Monday <= now; days holds the window's
 * distinct UTC days, sorted. */
static void deploy_days_per_week(struct dora_report *out, const int64_t *days, size_t ndays)
{
	int64_t monday = time_week_start(out->window_start);
	if (monday < out->window_start)
		monday += WEEK;
	double *per = NULL;
	size_t nweeks = 0, cap = 0;
	for (; monday + WEEK <= out->now; monday += WEEK) {
		int64_t first = time_day(monday);
		int n = 0;
		for (size_t i = 0; i < ndays; i++)
			n += days[i] >= first && days[i] < first + 7;
		VEC_PUSH(per, nweeks, cap, (double)n);
	}
	out->frequency.weeks = (int)nweeks;
	out->frequency.median_deploy_days_per_week =
		nweeks && out->existing_deploys ? median_of(per, nweeks) : NAN;
	free(per);
}

static void window_figures(struct dora_work *w, struct dora_report *out)
{
	const struct dora_input *in = w->in;
	size_t n = in->ndeploys;
	double *restores = xcalloc(n + 1, sizeof *restores);
	int64_t *days = xcalloc(n + 1, sizeof *days);
	size_t nrestores = 0, ndays = 0;
	for (size_t i = 0; i < n; i++) {
		const struct dora_deploy_result *r = &w->res[i];
		if (!r->in_window)
			continue;
		out->frequency.deploys++;
		days[ndays++] = time_day(in->deploys[i].time);
		out->cfr.failed += r->failed;
		out->rework.rework += r->rework;
		if (r->failed && !isnan(r->restore_hours))
			restores[nrestores++] = r->restore_hours;
	}
	sort_array(days, ndays, sizeof *days, cmp_i64);
	size_t uniq = 0;
	for (size_t i = 0; i < ndays; i++)
		if (i == 0 || days[i] != days[uniq - 1])
			days[uniq++] = days[i];
	out->frequency.deploy_days = (int)uniq;
	int count = out->frequency.deploys;
	/* No deployment at all is no data (most likely a tag pattern that
	 * matches nothing), unlike a quiet window after earlier deployments. */
	out->frequency.per_week = out->existing_deploys ? count * 7.0 / out->window_days : NAN;
	deploy_days_per_week(out, days, uniq);

	out->cfr.deploys = out->rework.deploys = count;
	out->cfr.rate = count ? 100.0 * out->cfr.failed / count : NAN;
	out->rework.rate = count ? 100.0 * out->rework.rework / count : NAN;
	out->restore.restores = (int)nrestores;
	out->restore.median_hours = median_of(restores, nrestores);

	double *leads = xcalloc(3 * in->nchanges + 1, sizeof *leads);
	double *coding = leads + in->nchanges, *waiting = coding + in->nchanges;
	size_t *counted = xcalloc(in->nchanges + 1, sizeof *counted);
	size_t nleads = 0;
	for (size_t k = 0; k < in->nchanges; k++) {
		const struct dora_change *c = &in->changes[k];
		bool clamped;
		if (!change_counts(in, c) || !w->res[c->deploy].in_window)
			continue;
		metrics_change_stages(in, c, &coding[nleads], &waiting[nleads]);
		counted[nleads] = k;
		leads[nleads++] = lead_hours(in, c, &clamped);
		out->lead_time.clamped += clamped;
	}
	out->lead_time.changes = (int)nleads;
	out->lead_time.median_hours = median_of(leads, nleads);
	out->lead_time.p90_hours = p90_of(leads, nleads);
	out->lead_time.stages.changes = (int)nleads;
	out->lead_time.stages.coding_and_review_hours = median_of(coding, nleads);
	out->lead_time.stages.waiting_hours = median_of(waiting, nleads);
	out->lead_time.stages.coding_hours = out->lead_time.stages.pickup_hours =
		out->lead_time.stages.review_hours = NAN;
	if (in->nprs)
		pr_stages(in, counted, nleads, &out->lead_time.stages);
	free(counted);
	free(leads);
	free(restores);
	free(days);
}

/* ---- weekly trend ----------------------------------------------------------- */

static void weekly_trend(struct dora_work *w, struct dora_report *out)
{
	const struct dora_input *in = w->in;
	double *leads = xcalloc(in->nchanges + 1, sizeof *leads);
	double *restores = xcalloc(in->ndeploys + 1, sizeof *restores);
	int64_t this_week = time_week_start(in->now);
	for (int k = 0; k < DORA_WEEKS; k++) {
		struct dora_week *wk = &out->weekly[k];
		wk->start = this_week - (int64_t)(DORA_WEEKS - 1 - k) * WEEK;
		int64_t end = wk->start + WEEK;
		time_iso_week(wk->start, wk->label);
		size_t nleads = 0, nrestores = 0;
		int failed = 0;
		for (size_t i = 0; i < in->ndeploys; i++) {
			int64_t t = in->deploys[i].time;
			if (!deploy_exists(in, (int)i) || t < wk->start || t >= end)
				continue;
			wk->deploys++;
			failed += w->res[i].failed;
			if (w->res[i].failed && !isnan(w->res[i].restore_hours))
				restores[nrestores++] = w->res[i].restore_hours;
		}
		for (size_t c = 0; c < in->nchanges; c++) {
			const struct dora_change *ch = &in->changes[c];
			bool clamped;
			if (!change_counts(in, ch))
				continue;
			int64_t t = in->deploys[ch->deploy].time;
			if (t >= wk->start && t < end)
				leads[nleads++] = lead_hours(in, ch, &clamped);
		}
		wk->lead_time_median_hours = median_of(leads, nleads);
		wk->change_failure_rate = wk->deploys ? 100.0 * failed / wk->deploys : NAN;
		wk->time_to_restore_median_hours = median_of(restores, nrestores);
	}
	free(leads);
	free(restores);
}

int64_t metrics_changes_since(int64_t now, int window_days)
{
	int64_t window_start = now - (int64_t)(window_days > 0 ? window_days : 1) * DAY;
	int64_t trend_start = time_week_start(now) - (int64_t)(DORA_WEEKS - 1) * WEEK;
	return window_start < trend_start ? window_start : trend_start;
}

void metrics_dora(const struct dora_input *in, struct dora_report *out)
{
	memset(out, 0, sizeof *out);
	out->now = in->now;
	out->window_days = in->window_days > 0 ? in->window_days : 1;
	out->window_start = in->now - (int64_t)out->window_days * DAY;
	out->latest_deploy = -1;

	struct dora_work w = {
		.in = in,
		.start = out->window_start,
		.res = xcalloc(in->ndeploys + 1, sizeof *w.res),
		.incident = xcalloc(in->ndeploys + 1, sizeof *w.incident),
	};
	analyse_deploys(&w, &out->incidents_linked_by_time);
	for (size_t i = 0; i < in->ndeploys; i++)
		if (deploy_exists(in, (int)i)) {
			out->existing_deploys++;
			out->latest_deploy = (int)i;
		}
	window_figures(&w, out);
	weekly_trend(&w, out);
	set_tiers(out, in->th);
	set_targets(out, &in->targets);

	/* The window's deployments, newest first, for the list on screen. */
	out->deploys = xcalloc(in->ndeploys + 1, sizeof *out->deploys);
	for (size_t i = in->ndeploys; i-- > 0;)
		if (w.res[i].in_window)
			out->deploys[out->ndeploys++] = w.res[i];
	out->all = w.res;
	out->nall = in->ndeploys;
	free(w.incident);
}

void dora_report_free(struct dora_report *r)
{
	free(r->deploys);
	free(r->all);
	r->deploys = r->all = NULL;
	r->ndeploys = r->nall = 0;
}
