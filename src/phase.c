/* phase — the guide's lesson is that "code is done" is not "shipped": the
 * phase is read from evidence (commits, merge, build, deployment, rollout,
 * review), never typed, and a hand-set phase is shown as such. Each phase is
 * reached by its own evidence, so a feature deployed from a maintenance
 * branch is in Deployment even though it never merged. */
#include "phase.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "timeutil.h"

static const char *const names[PHASE_COUNT] = {
	"Planning", "Development", "Build & Package", "Testing & Staging", "Deployment", "Shipped",
};
static const char *const ids[PHASE_COUNT] = {
	"planning", "development", "build", "testing", "deployment", "shipped",
};
static const char *const size_ids[SIZE_COUNT] = {"small", "medium", "large"};

const char *phase_name(enum phase p)
{
	return p < PHASE_COUNT ? names[p] : "?";
}

const char *phase_id(enum phase p)
{
	return p < PHASE_COUNT ? ids[p] : "?";
}

bool phase_parse(const char *id, enum phase *out)
{
	for (int i = 0; id && i < PHASE_COUNT; i++)
		if (strcmp(id, ids[i]) == 0) {
			*out = (enum phase)i;
			return true;
		}
	return false;
}

const char *size_id(enum feature_size s)
{
	return s < SIZE_COUNT ? size_ids[s] : "?";
}

bool size_parse(const char *s, enum feature_size *out)
{
	for (int i = 0; s && i < SIZE_COUNT; i++)
		if (strcmp(s, size_ids[i]) == 0) {
			*out = (enum feature_size)i;
			return true;
		}
	return false;
}

/* ---- inference ---------------------------------------------------------- */

/* Evidence from after now does not exist yet (docs/metrics.md: every figure as of now). */
static bool seen(int64_t t, int64_t now)
{
	return t != SD_NO_TIME && t <= now;
}

static void add_event(struct phase_state *s, enum phase p, int64_t at, const char *kind,
		      const char *evidence)
{
	if (s->nevents >= sizeof(s->events) / sizeof(s->events[0]))
		return;
	s->events[s->nevents++] = (struct phase_event){p, at, kind, evidence};
	s->inferred = p;
	s->inferred_since = at;
}

/* Shipped: at 100 % and reviewed, or 24 h after reaching 100 % — whichever
 * came first. */
static void infer_shipped(const struct phase_evidence *ev, int64_t now, struct phase_state *s)
{
	int64_t complete = SD_NO_TIME;
	if (ev->rollout_complete_time != SD_NO_TIME) {
		/* The 100 % stage has a time: as of an earlier now it was rolling out. */
		if (seen(ev->rollout_complete_time, now))
			complete = ev->rollout_complete_time;
	} else if (ev->rollout_pct >= 100) {
		complete = ev->deploy_time;
	}
	if (complete == SD_NO_TIME) {
		s->rolling_out = true;
		return;
	}
	int64_t at = SD_NO_TIME;
	const char *kind = NULL;
	if (seen(ev->review_done_time, now)) {
		at = ev->review_done_time > complete ? ev->review_done_time : complete;
		kind = "review";
	}
	int64_t elapsed = complete + 24 * 3600;
	if (elapsed <= now && (at == SD_NO_TIME || elapsed < at)) {
		at = elapsed;
		kind = "elapsed";
	}
	if (at != SD_NO_TIME)
		add_event(s, PHASE_SHIPPED, at, kind, ev->deploy);
}

void phase_infer(const struct phase_evidence *ev, int64_t now, struct phase_state *s)
{
	memset(s, 0, sizeof(*s));
	s->inferred = PHASE_PLANNING;
	s->inferred_since = SD_NO_TIME;
	s->staging_time = seen(ev->staging_time, now) ? ev->staging_time : SD_NO_TIME;
	if (ev->created_time != SD_NO_TIME)
		add_event(s, PHASE_PLANNING, ev->created_time, "created", NULL);
	if (ev->has_commits && seen(ev->first_commit_time, now))
		add_event(s, PHASE_DEVELOPMENT, ev->first_commit_time, "commit", ev->first_commit);
	if (ev->in_default_branch && seen(ev->merge_time, now)) {
		if (seen(ev->build_success_time, now)) {
			add_event(s, PHASE_BUILD, ev->merge_time, "merge", ev->merge_commit);
			add_event(s, PHASE_TESTING, ev->build_success_time, "build", ev->build);
		} else if (!ev->has_any_ci_data) {
			/* No CI data at all: no build can be awaited (docs/metrics.md §8, 4). */
			add_event(s, PHASE_TESTING, ev->merge_time, "merge", ev->merge_commit);
		} else {
			add_event(s, PHASE_BUILD, ev->merge_time, "merge", ev->merge_commit);
		}
	}
	if (seen(ev->deploy_time, now)) {
		add_event(s, PHASE_DEPLOYMENT, ev->deploy_time, "deployment", ev->deploy);
		infer_shipped(ev, now, s);
	}
	s->phase = s->inferred;
	s->since = s->inferred_since;
	if (ev->manual && seen(ev->manual_time, now) && ev->manual_phase < PHASE_COUNT) {
		s->manual = true;
		s->phase = ev->manual_phase;
		s->since = ev->manual_time;
		s->manual_stale = s->inferred != ev->manual_phase && s->inferred_since != SD_NO_TIME &&
				  s->inferred_since > ev->manual_time;
		if (s->nevents < sizeof(s->events) / sizeof(s->events[0]))
			s->events[s->nevents++] = (struct phase_event){ev->manual_phase, ev->manual_time,
								       "manual", ev->manual_reason};
	}
	if (s->phase != PHASE_DEPLOYMENT)
		s->rolling_out = false;
}

/* ---- expected durations ---------------------------------------------------- */

static double unit_days(const char *unit)
{
	if (strcmp(unit, "minutes") == 0)
		return 1.0 / (24 * 60);
	if (strcmp(unit, "weeks") == 0)
		return 7;
	return 1;
}

/* "7–10 days", "3–4 weeks", "20–30 min", "1 day": a norm always carries
 * its unit (docs/metrics.md §8). */
static void range_label(struct phase_range *r, double lo, double hi)
{
	const char *suffix = strcmp(r->unit, "minutes") == 0 ? " min" :
			     strcmp(r->unit, "weeks") == 0 ? (hi == 1 ? " week" : " weeks") :
			     hi == 1 ? " day" : " days";
	if (lo == hi)
		snprintf(r->label, sizeof(r->label), "%g%s", hi, suffix);
	else
		snprintf(r->label, sizeof(r->label), "%g\xe2\x80\x93%g%s", lo, hi, suffix);
}

bool phase_durations_parse(const char *json, struct phase_durations *d, char *why, size_t whylen)
{
	memset(d, 0, sizeof(*d));
	cJSON *root = json ? cJSON_Parse(json) : NULL;
	bool ok = cJSON_IsObject(root);
	for (int s = 0; ok && s < SIZE_COUNT; s++)
		for (int p = 0; ok && p < PHASE_SHIPPED; p++) {
			const cJSON *size = cJSON_GetObjectItemCaseSensitive(root, size_ids[s]);
			const cJSON *e = cJSON_GetObjectItemCaseSensitive(size, ids[p]);
			const cJSON *lo = cJSON_GetObjectItemCaseSensitive(e, "lo");
			const cJSON *hi = cJSON_GetObjectItemCaseSensitive(e, "hi");
			const char *unit = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "unit"));
			const char *label = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "label"));
			ok = cJSON_IsNumber(lo) && cJSON_IsNumber(hi) && lo->valuedouble >= 0 &&
			     hi->valuedouble >= lo->valuedouble && hi->valuedouble < 1e5 && unit &&
			     (strcmp(unit, "minutes") == 0 || strcmp(unit, "days") == 0 ||
			      strcmp(unit, "weeks") == 0) &&
			     (!label || strlen(label) < sizeof(d->r[s][p].label));
			if (!ok) {
				snprintf(why, whylen, "phases.json: %s.%s needs numbers lo <= hi and a "
					 "unit (minutes, days or weeks)", size_ids[s], ids[p]);
				break;
			}
			struct phase_range *r = &d->r[s][p];
			r->known = true;
			snprintf(r->unit, sizeof(r->unit), "%s", unit);
			r->lo_days = lo->valuedouble * unit_days(unit);
			r->hi_days = hi->valuedouble * unit_days(unit);
			if (label)
				snprintf(r->label, sizeof(r->label), "%s", label);
			else
				range_label(r, lo->valuedouble, hi->valuedouble);
		}
	if (!cJSON_IsObject(root))
		snprintf(why, whylen, "phases.json: not a JSON object");
	cJSON_Delete(root);
	if (!ok)
		memset(d, 0, sizeof(*d));
	return ok;
}

void phase_expect(const struct phase_durations *d, enum feature_size size, enum phase p,
		  int64_t since, int64_t now, struct phase_expect *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->label, sizeof(out->label), "%s", phase_name(p));
	if (since == SD_NO_TIME || size >= SIZE_COUNT || p >= PHASE_COUNT)
		return;
	int64_t secs = now > since ? now - since : 0;
	out->days_in_phase = secs / 86400.0;
	const struct phase_range *r = &d->r[size][p];
	if (!r->known)
		return;
	out->known = true;
	out->lo_days = r->lo_days;
	out->hi_days = r->hi_days;
	out->overdue = out->days_in_phase > r->hi_days;
	/* Short phases are counted in the unit a person would use. */
	if (strcmp(r->unit, "minutes") == 0 && secs < 120 * 60)
		snprintf(out->label, sizeof(out->label), "%s: %lld min of %s", phase_name(p),
			 (long long)(secs / 60), r->label);
	else if (strcmp(r->unit, "minutes") == 0 && secs < 48 * 3600)
		snprintf(out->label, sizeof(out->label), "%s: %lld h of %s", phase_name(p),
			 (long long)(secs / 3600), r->label);
	else if (strcmp(r->unit, "minutes") == 0)
		/* days are not "of" a norm in minutes (docs/metrics.md §8): the
		 * day, then what was expected, each with its unit */
		snprintf(out->label, sizeof(out->label), "%s: day %lld (expected %s)", phase_name(p),
			 (long long)(secs / 86400) + 1, r->label);
	else if (strcmp(r->unit, "weeks") == 0)
		/* counted in the norm's own unit: "week 3 of 3–4 weeks" */
		snprintf(out->label, sizeof(out->label), "%s: week %lld of %s", phase_name(p),
			 (long long)(secs / (7 * 86400)) + 1, r->label);
	else
		snprintf(out->label, sizeof(out->label), "%s: day %lld of %s", phase_name(p),
			 (long long)(secs / 86400) + 1, r->label);
}
