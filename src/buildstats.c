/* buildstats — the build-health figures of docs/metrics.md §7. Pure: builds in, a
 * struct out; `now` is an argument so every figure is "as of now" (a build
 * that starts after now does not exist yet, one that finishes after now is
 * still running). See docs/builds.md for each definition in words. */
#include "buildstats.h"

#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "util.h"

#define DAY 86400
#define WEEK (7 * DAY)
#define UNDER_SECONDS 600     /* "if every build took under 10 minutes" */

const char *const build_conclusions[BC_COUNT] = {
	"success", "failure", "cancelled", "skipped", "neutral", "action-required", "timed-out",
};

const char *const build_failure_kinds[FK_COUNT] = {
	"tests", "quality", "security", "config", "other",
};

int build_conclusion_index(const char *name)
{
	for (int i = 0; name && i < BC_COUNT; i++)
		if (strcmp(name, build_conclusions[i]) == 0)
			return i;
	return -1;
}

int build_failure_kind_index(const char *name)
{
	for (int i = 0; name && i < FK_COUNT; i++)
		if (strcmp(name, build_failure_kinds[i]) == 0)
			return i;
	return -1;
}

bool build_is_failure(const char *conclusion)
{
	return streq(conclusion, "failure") || streq(conclusion, "timed-out");
}

bool build_finished_before_started(const struct build *b)
{
	return streq(b->status, "completed") && b->started != SD_NO_TIME &&
	       b->finished != SD_NO_TIME && b->finished < b->started;
}

void build_fill_durations(struct build *b)
{
	b->duration_s = SD_NO_TIME;
	b->queue_s = SD_NO_TIME;
	/* A finish is only a finish for a completed run (GitHub's updated_at
	 * moves while a run is in progress). A skipped build never executed:
	 * its few seconds are not a build time. A build that finished before it
	 * started has no duration at all: counted as 0 s it would pull the
	 * median down (docs/builds.md, "Times that cannot be"). */
	if (streq(b->status, "completed") && !streq(b->conclusion, "skipped") &&
	    b->started != SD_NO_TIME && b->finished != SD_NO_TIME && b->finished >= b->started)
		b->duration_s = b->finished - b->started;
	/* A re-run attempt keeps the first attempt's created time, so started -
	 * created would count the hours between the attempts as queueing. */
	if (b->attempt <= 1 && b->created != SD_NO_TIME && b->started != SD_NO_TIME)
		b->queue_s = b->started > b->created ? b->started - b->created : 0;
}

void build_free(struct build *b)
{
	if (!b)
		return;
	free(b->provider);
	free(b->run_id);
	free(b->workflow);
	free(b->branch);
	free(b->commit);
	free(b->status);
	free(b->conclusion);
	free(b->failure_kind);
	free(b->failed_jobs);
	free(b->url);
	memset(b, 0, sizeof(*b));
}

void builds_free(struct build *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		build_free(&b[i]);
	free(b);
}

void build_copy(struct build *dst, const struct build *src)
{
	*dst = *src;
	dst->provider = xstrdup_or_null(src->provider);
	dst->run_id = xstrdup_or_null(src->run_id);
	dst->workflow = xstrdup_or_null(src->workflow);
	dst->branch = xstrdup_or_null(src->branch);
	dst->commit = xstrdup_or_null(src->commit);
	dst->status = xstrdup_or_null(src->status);
	dst->conclusion = xstrdup_or_null(src->conclusion);
	dst->failure_kind = xstrdup_or_null(src->failure_kind);
	dst->failed_jobs = xstrdup_or_null(src->failed_jobs);
	dst->url = xstrdup_or_null(src->url);
}

const char *build_tier(double median_minutes)
{
	if (median_minutes < 10)
		return "fast";
	if (median_minutes < 20)
		return "decent";
	if (median_minutes < 45)
		return "slow";
	return "broken";
}

/* ---- the "as of now" view of one build ---------------------------------- */

/* The instant that places a build in a window or week: its start, or its
 * queueing time while it has not started. */
static int64_t ref_time(const struct build *b)
{
	return b->started != SD_NO_TIME ? b->started : b->created;
}

static bool exists_at(const struct build *b, int64_t now)
{
	int64_t t = ref_time(b);
	return t != SD_NO_TIME && t <= now;
}

static bool completed_at(const struct build *b, int64_t now)
{
	if (!streq(b->status, "completed"))
		return false;
	return b->finished == SD_NO_TIME || b->finished <= now;
}

/* Duration in seconds as of now, or -1. */
static int64_t duration_at(const struct build *b, int64_t now)
{
	if (!completed_at(b, now) || streq(b->conclusion, "skipped") || b->started == SD_NO_TIME ||
	    b->finished == SD_NO_TIME || b->finished < b->started)
		return -1;
	return b->finished - b->started;
}

static bool in_range(int64_t t, int64_t from, int64_t to)
{
	return t > from && t <= to;
}

/* ---- runs: the latest attempt decides ----------------------------------- */

struct attempt_key {
	const char *provider;
	const char *run_id;
	int attempt;
	size_t idx;
};

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_attempt(const void *pa, const void *pb)
{
	const struct attempt_key *a = pa, *b = pb;
	int c = cmp_str(a->provider, b->provider);
	if (!c)
		c = cmp_str(a->run_id, b->run_id);
	if (!c)
		c = (a->attempt > b->attempt) - (a->attempt < b->attempt);
	return c;
}

/* Indices of the latest attempt of every run that exists as of now. The
 * keys carry their strings because C11's qsort has no context argument. */
static size_t latest_attempts(const struct build *b, size_t n, int64_t now, size_t **out)
{
	struct attempt_key *keys = xmalloc(sizeof(*keys) * (n ? n : 1));
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (exists_at(&b[i], now))
			keys[m++] = (struct attempt_key){b[i].provider, b[i].run_id, b[i].attempt, i};
	sort_array(keys, m, sizeof(*keys), cmp_attempt);
	size_t *idx = xmalloc(sizeof(*idx) * (m ? m : 1));
	size_t k = 0;
	for (size_t i = 0; i < m; i++) {
		bool last = i + 1 == m || cmp_str(keys[i].provider, keys[i + 1].provider) ||
			    cmp_str(keys[i].run_id, keys[i + 1].run_id);
		if (last)
			idx[k++] = keys[i].idx;
	}
	free(keys);
	*out = idx;
	return k;
}

/* ---- figures ------------------------------------------------------------- */

static void durations(struct build_health *h, const struct build *b, size_t n, int64_t from,
		      double *buf)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (!exists_at(&b[i], h->now) || !in_range(ref_time(&b[i]), from, h->now))
			continue;
		h->count++;
		if (!completed_at(&b[i], h->now))
			h->running++;
		int64_t d = duration_at(&b[i], h->now);
		if (d >= 0)
			buf[m++] = (double)d;
	}
	h->timed = (int)m;
	if (m) {
		h->has_duration = true;
		h->median_minutes = median_of(buf, m) / 60.0;
		h->p90_minutes = p90_of(buf, m) / 60.0;
		h->tier = build_tier(h->median_minutes);
	}
}

static void outcomes(struct build_health *h, const struct build *b, const size_t *runs,
		     size_t nruns, int64_t from)
{
	for (size_t r = 0; r < nruns; r++) {
		const struct build *x = &b[runs[r]];
		if (!in_range(ref_time(x), from, h->now) || !completed_at(x, h->now))
			continue;
		int c = build_conclusion_index(x->conclusion);
		if (c < 0)
			continue;
		h->runs++;
		h->conclusions[c]++;
		if (c == BC_SUCCESS || build_is_failure(x->conclusion))
			h->judged++;
		if (build_is_failure(x->conclusion)) {
			h->failed++;
			int k = build_failure_kind_index(x->failure_kind);
			h->kinds[k >= 0 ? k : FK_OTHER]++;
		}
	}
	if (h->judged) {
		h->has_failure_rate = true;
		h->failure_rate = 100.0 * h->failed / h->judged;
	}
}

static void waiting(struct build_health *h, const struct build *b, size_t n)
{
	int64_t total = 0, over = 0;
	int m = 0;
	for (size_t i = 0; i < n; i++) {
		if (!exists_at(&b[i], h->now) || !in_range(ref_time(&b[i]), h->now - WEEK, h->now))
			continue;
		int64_t d = duration_at(&b[i], h->now);
		if (d < 0)
			continue;
		m++;
		total += d;
		if (d > UNDER_SECONDS)
			over += d - UNDER_SECONDS;
	}
	if (!m)
		return;
	h->has_wait = true;
	h->wait_hours_per_week = total / 3600.0;
	h->cost_per_year = h->wait_hours_per_week * 52 * h->hourly_cost;
	h->saving_per_year = over / 3600.0 * 52 * h->hourly_cost;
}

struct wf_sample {
	const char *name;
	double seconds;
};

static int cmp_wf_sample(const void *pa, const void *pb)
{
	const struct wf_sample *a = pa, *b = pb;
	int c = cmp_str(a->name, b->name);
	return c ? c : cmp_double(&a->seconds, &b->seconds);
}

static int cmp_wf_slowest(const void *pa, const void *pb)
{
	const struct bh_workflow *a = pa, *b = pb;
	if (a->median_minutes != b->median_minutes)
		return a->median_minutes < b->median_minutes ? 1 : -1;
	return strcmp(a->name, b->name);
}

static void slowest(struct build_health *h, const struct build *b, size_t n, int64_t from)
{
	struct wf_sample *s = xmalloc(sizeof(*s) * (n ? n : 1));
	double *vals = xmalloc(sizeof(*vals) * (n ? n : 1));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (!exists_at(&b[i], h->now) || !in_range(ref_time(&b[i]), from, h->now))
			continue;
		int64_t d = duration_at(&b[i], h->now);
		if (d >= 0)
			s[m++] = (struct wf_sample){b[i].workflow ? b[i].workflow : "", (double)d};
	}
	sort_array(s, m, sizeof(*s), cmp_wf_sample);
	struct bh_workflow *all = NULL;
	size_t nall = 0, capall = 0;
	for (size_t i = 0; i < m;) {
		size_t j = i;
		while (j < m && strcmp(s[j].name, s[i].name) == 0)
			j++;
		for (size_t k = i; k < j; k++)
			vals[k - i] = s[k].seconds;
		struct bh_workflow w = {(char *)s[i].name, median_of(vals, j - i) / 60.0, (int)(j - i)};
		VEC_PUSH(all, nall, capall, w);
		i = j;
	}
	if (nall)
		sort_array(all, nall, sizeof(*all), cmp_wf_slowest);
	for (size_t i = 0; i < nall && h->nslowest < BH_SLOWEST; i++) {
		h->slowest[h->nslowest] = all[i];
		h->slowest[h->nslowest].name = xstrdup(all[i].name);
		h->nslowest++;
	}
	free(all);
	free(vals);
	free(s);
}

static void weekly(struct build_health *h, const struct build *b, size_t n, const size_t *runs,
		   size_t nruns, double *buf)
{
	int64_t first = time_week_start(h->now) - (int64_t)(BH_WEEKS - 1) * WEEK;
	for (int k = 0; k < BH_WEEKS; k++) {
		struct bh_week *w = &h->weekly[k];
		w->start = first + (int64_t)k * WEEK;
		int64_t from = w->start - 1, to = w->start + WEEK - 1;
		if (to > h->now)
			to = h->now;
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (!exists_at(&b[i], h->now) || !in_range(ref_time(&b[i]), from, to))
				continue;
			w->count++;
			int64_t d = duration_at(&b[i], h->now);
			if (d >= 0)
				buf[m++] = (double)d;
		}
		if (m) {
			w->has_median = true;
			w->median_minutes = median_of(buf, m) / 60.0;
		}
		for (size_t r = 0; r < nruns; r++) {
			const struct build *x = &b[runs[r]];
			if (!in_range(ref_time(x), from, to) || !completed_at(x, h->now))
				continue;
			if (streq(x->conclusion, "success") || build_is_failure(x->conclusion))
				w->judged++;
			if (build_is_failure(x->conclusion))
				w->failed++;
		}
	}
}

static void daily(struct build_health *h, const struct build *b, size_t n, double *buf)
{
	int64_t today = time_day(h->now);
	for (int k = 0; k < BH_DAYS; k++) {
		int64_t day = today - (BH_DAYS - 1) + k;
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (!exists_at(&b[i], h->now) || time_day(ref_time(&b[i])) != day)
				continue;
			int64_t d = duration_at(&b[i], h->now);
			if (d >= 0)
				buf[m++] = (double)d;
		}
		if (m) {
			h->daily_has[k] = true;
			h->daily_minutes[k] = median_of(buf, m) / 60.0;
		}
	}
}

void buildstats_compute(const struct build *b, size_t n, int64_t now, int window_days,
			double hourly_cost, struct build_health *out)
{
	memset(out, 0, sizeof(*out));
	out->now = now;
	out->window_days = window_days;
	out->hourly_cost = hourly_cost;
	int64_t from = now - (int64_t)window_days * DAY;
	double *buf = xmalloc(sizeof(*buf) * (n ? n : 1));
	size_t *runs;
	size_t nruns = latest_attempts(b, n, now, &runs);

	durations(out, b, n, from, buf);
	outcomes(out, b, runs, nruns, from);
	waiting(out, b, n);
	slowest(out, b, n, from);
	weekly(out, b, n, runs, nruns, buf);
	daily(out, b, n, buf);

	free(runs);
	free(buf);
}

void build_health_free(struct build_health *h)
{
	for (int i = 0; i < h->nslowest; i++)
		free(h->slowest[i].name);
	h->nslowest = 0;
}

bool bh_week_failure_rate(const struct bh_week *w, double *rate)
{
	if (!w->judged)
		return false;
	*rate = 100.0 * w->failed / w->judged;
	return true;
}

int64_t buildstats_since(int64_t now, int window_days)
{
	int64_t from = now - (int64_t)window_days * DAY;
	int64_t weeks = time_week_start(now) - (int64_t)(BH_WEEKS - 1) * WEEK - 1;
	int64_t days = (time_day(now) - (BH_DAYS - 1)) * DAY - 1;
	if (weeks < from)
		from = weeks;
	if (days < from)
		from = days;
	return from;
}
