/* deploylog — pure rules about recorded deployments, incidents and reviews.
 * Everything here is arithmetic on structs so it can be pinned by unit
 * tests with hand-worked answers; the commands in cmd_deploy.c do the I/O. */
#include "deploylog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "util.h"

void deploy_rec_free(struct deploy_rec *d)
{
	if (!d)
		return;
	free(d->ref);
	free(d->commit);
	free(d->env);
	free(d->strategy);
	free(d->status);
	free(d->kind);
	free(d->note);
	free(d->recorded_by);
	free(d->source);
	free(d->source_id);
	free(d->origin);
	free(d->source_env);
	free(d->url);
	memset(d, 0, sizeof(*d));
}

void deploy_recs_free(struct deploy_rec *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		deploy_rec_free(&d[i]);
	free(d);
}

const char *deploylog_source(const char *source)
{
	return source ? source : "record";
}

void incident_rec_free(struct incident_rec *i)
{
	if (!i)
		return;
	free(i->title);
	free(i->severity);
	free(i->deploy_ref);
	free(i->decision);
	free(i->cause);
	free(i->note);
	free(i->source);
	free(i->source_id);
	free(i->origin);
	free(i->url);
	memset(i, 0, sizeof(*i));
}

void incident_recs_free(struct incident_rec *i, size_t n)
{
	for (size_t k = 0; k < n; k++)
		incident_rec_free(&i[k]);
	free(i);
}

void review_answers_free(struct review_answer *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].subject);
		free(a[i].answer);
		free(a[i].by);
	}
	free(a);
}

static bool in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

bool deploylog_env_ok(const char *s)
{
	return in_list(s, (const char *const[]){"production", "staging", NULL});
}

bool deploylog_strategy_ok(const char *s)
{
	return in_list(s, (const char *const[]){"big-bang", "rolling", "canary", "blue-green", NULL});
}

bool deploylog_status_ok(const char *s)
{
	return in_list(s, (const char *const[]){"in-progress", "succeeded", "failed", "rolled-back", NULL});
}

bool deploylog_kind_ok(const char *s)
{
	return in_list(s, (const char *const[]){"normal", "hotfix", NULL});
}

bool deploylog_severity_ok(const char *s)
{
	return in_list(s, (const char *const[]){"sev1", "sev2", "sev3", "sev4", NULL});
}

bool deploylog_decision_ok(const char *s)
{
	return in_list(s, (const char *const[]){"rollback", "fix-forward", NULL});
}

const char *deploylog_default_status(int rollout)
{
	/* A canary recorded at 5 % has not succeeded yet: its features stay in
	 * the Deployment phase (docs/metrics.md §8) until it reaches 100 %. */
	return rollout < 100 ? "in-progress" : "succeeded";
}

static bool is_failed(const char *status)
{
	return status && (strcmp(status, "failed") == 0 || strcmp(status, "rolled-back") == 0);
}

const char *deploylog_advance_check(const struct deploy_rec *d, int64_t last_stage_at, int pct,
				    int64_t at, char *why, size_t whylen)
{
	char t1[24], t2[24];
	if (pct < 0 || pct > 100)
		snprintf(why, whylen, "--rollout %d: must be a percentage from 0 to 100", pct);
	else if (is_failed(d->status))
		snprintf(why, whylen, "deployment %lld is %s: record a new deployment instead",
			 (long long)d->id, d->status);
	else if (pct < d->rollout)
		snprintf(why, whylen, "deployment %lld is at %d%%: a rollout does not go down to %d%% "
			 "(set --status rolled-back instead)", (long long)d->id, d->rollout, pct);
	else if (at < d->at)
		snprintf(why, whylen, "stage time %s is before the deployment (%s)",
			 time_format_iso(at, t1), time_format_iso(d->at, t2));
	else if (last_stage_at != SD_NO_TIME && at < last_stage_at)
		snprintf(why, whylen, "stage time %s is before the previous stage (%s)",
			 time_format_iso(at, t1), time_format_iso(last_stage_at, t2));
	else
		return NULL;
	return why;
}

const char *deploylog_status_after(const char *status, int pct)
{
	if (pct >= 100 && !is_failed(status))
		return "succeeded";
	return status;
}

void deploylog_rollout_bar(int pct, int width, char *buf, size_t buflen)
{
	if (pct < 0)
		pct = 0;
	if (pct > 100)
		pct = 100;
	if (width < 1 || (size_t)width + 8 > buflen) {
		snprintf(buf, buflen, "%d%%", pct);
		return;
	}
	/* Round down so that a bar is only full at 100 %: a canary at 99 % is
	 * still rolling out and should not look finished. */
	int full = pct * width / 100;
	size_t k = 0;
	buf[k++] = '[';
	for (int i = 0; i < width; i++)
		buf[k++] = i < full ? '#' : '.';
	snprintf(buf + k, buflen - k, "] %d%%", pct);
}

int deploylog_link_incident(const struct deploy_rec *d, size_t n, int64_t started)
{
	int best = -1;
	for (size_t i = 0; i < n; i++) {
		if (!d[i].env || strcmp(d[i].env, "production") != 0 || d[i].at > started)
			continue;
		if (best >= 0) {
			const struct deploy_rec *b = &d[best];
			/* Spec §1 order: time, ties by name; the id settles the rest. */
			int byref = strcmp(d[i].ref ? d[i].ref : "", b->ref ? b->ref : "");
			if (d[i].at < b->at || (d[i].at == b->at && (byref < 0 || (byref == 0 && d[i].id < b->id))))
				continue;
		}
		best = (int)i;
	}
	return best;
}

static int64_t diff_or_none(int64_t later, int64_t earlier)
{
	return later == SD_NO_TIME || earlier == SD_NO_TIME ? SD_NO_TIME : later - earlier;
}

void deploylog_durations(const struct incident_rec *i, struct incident_durations *out)
{
	out->detect = diff_or_none(i->detected, i->started);
	out->decide = diff_or_none(i->decided, i->detected);
	out->outage = diff_or_none(i->restored, i->started);
}

const char *deploylog_timeline_check(const struct incident_rec *i, char *why, size_t whylen)
{
	const struct {
		const char *name;
		int64_t at;
	} steps[] = {
		{"detected", i->detected}, {"paged", i->paged}, {"root cause", i->root_cause},
		{"decided", i->decided}, {"restored", i->restored},
	};
	char t1[24], t2[24];
	for (size_t k = 0; k < ARRAY_SIZE(steps); k++) {
		if (steps[k].at == SD_NO_TIME)
			continue;
		if (steps[k].at < i->started) {
			snprintf(why, whylen, "%s %s is before the incident started (%s)", steps[k].name,
				 time_format_iso(steps[k].at, t1), time_format_iso(i->started, t2));
			return why;
		}
		if (k > 0 && i->detected != SD_NO_TIME && steps[k].at < i->detected) {
			snprintf(why, whylen, "%s %s is before detected %s", steps[k].name,
				 time_format_iso(steps[k].at, t1), time_format_iso(i->detected, t2));
			return why;
		}
	}
	return NULL;
}

char *deploylog_format_duration(int64_t secs, char *buf, size_t buflen)
{
	if (secs == SD_NO_TIME || secs < 0) {
		snprintf(buf, buflen, "-");
		return buf;
	}
	int64_t min = secs / 60;
	if (min < 60)
		snprintf(buf, buflen, "%lld min", (long long)min);
	else if (min < 24 * 60)
		snprintf(buf, buflen, "%lld h %02lld min", (long long)(min / 60), (long long)(min % 60));
	else
		snprintf(buf, buflen, "%lld d %lld h", (long long)(min / 1440), (long long)(min % 1440 / 60));
	return buf;
}

/* ---- reviews --------------------------------------------------------------- */

static int count_answers(const struct review_answer *a, size_t na, const char *subject, int64_t id,
			 int questions)
{
	int n = 0;
	for (size_t i = 0; i < na; i++)
		if (a[i].subject && strcmp(a[i].subject, subject) == 0 && a[i].subject_id == id &&
		    a[i].question >= 1 && a[i].question <= questions && a[i].answer && *a[i].answer)
			n++;
	return n;
}

static enum review_state state_of(const struct review_due *r, int64_t now)
{
	if (r->answered >= r->questions)
		return REVIEW_DONE;
	if (now > r->overdue)
		return REVIEW_OVERDUE;
	return now >= r->due ? REVIEW_DUE : REVIEW_UPCOMING;
}

static int cmp_review(const void *pa, const void *pb)
{
	const struct review_due *a = pa, *b = pb;
	/* Most urgent first: overdue, due, upcoming, done. */
	static const int rank[] = {[REVIEW_OVERDUE] = 0, [REVIEW_DUE] = 1, [REVIEW_UPCOMING] = 2,
				   [REVIEW_DONE] = 3};
	if (rank[a->state] != rank[b->state])
		return rank[a->state] - rank[b->state];
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	if (a->incident != b->incident)
		return a->incident ? 1 : -1;
	return a->subject_id < b->subject_id ? -1 : a->subject_id > b->subject_id;
}

void deploylog_reviews(const struct deploy_rec *d, size_t nd, const struct incident_rec *inc,
		       size_t ni, const struct review_answer *a, size_t na, int deploy_questions,
		       int incident_questions, int64_t now, struct review_due **out, size_t *n)
{
	struct review_due *v = NULL;
	size_t nv = 0, cap = 0;
	for (size_t i = 0; i < nd; i++) {
		/* Staging deployments get no review; future ones do not exist yet. */
		if (!d[i].env || strcmp(d[i].env, "production") != 0 || d[i].at > now)
			continue;
		struct review_due r = {
			.incident = false, .subject_id = d[i].id, .index = i,
			.due = d[i].at + REVIEW_DEPLOY_DUE_SECS,
			.overdue = d[i].at + REVIEW_DEPLOY_DUE_SECS,
			.answered = count_answers(a, na, "deploy", d[i].id, deploy_questions),
			.questions = deploy_questions,
		};
		r.state = state_of(&r, now);
		VEC_PUSH(v, nv, cap, r);
	}
	for (size_t i = 0; i < ni; i++) {
		/* The blameless review looks back at the whole timeline, so it is
		 * due once service is restored, not while people still firefight. */
		if (inc[i].restored == SD_NO_TIME || inc[i].restored > now)
			continue;
		struct review_due r = {
			.incident = true, .subject_id = inc[i].id, .index = i,
			.due = inc[i].restored,
			.overdue = inc[i].restored + REVIEW_INCIDENT_GRACE_SECS,
			.answered = count_answers(a, na, "incident", inc[i].id, incident_questions),
			.questions = incident_questions,
		};
		r.state = state_of(&r, now);
		VEC_PUSH(v, nv, cap, r);
	}
	if (nv > 1)
		sort_array(v, nv, sizeof(*v), cmp_review);
	*out = v;
	*n = nv;
}

const char *deploylog_review_state_name(enum review_state s)
{
	switch (s) {
	case REVIEW_UPCOMING: return "upcoming";
	case REVIEW_DUE: return "due";
	case REVIEW_OVERDUE: return "overdue";
	case REVIEW_DONE: return "done";
	}
	return "?";
}

bool deploylog_incident_open(const struct incident_rec *i, int64_t now)
{
	return i->started <= now && (i->restored == SD_NO_TIME || i->restored > now);
}
