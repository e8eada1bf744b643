/* snapshot_builds — the build-health section of the snapshot: a few
 * sentences a PM can read aloud in a standup, the same as markdown, and the
 * JSON object scripts read. No data is "n/a" / null, never 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildstats.h"
#include "snapshot.h"
#include "text.h"
#include "timeutil.h"
#include "util.h"

static const char *const spark_utf8[8] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char spark_ascii[] = "_.-:=+*#";

/* ---- formatting ------------------------------------------------------------ */

/* Minutes the way people say them: "14 min", "2.5 min", "1.6 h". */
static void add_minutes(struct strbuf *out, double m)
{
	if (m >= 90)
		sb_addf(out, "%.1f h", m / 60);
	else if (m >= 10 || m == floor(m))
		sb_addf(out, "%.0f min", m);
	else
		sb_addf(out, "%.1f min", m);
}

static void add_percent(struct strbuf *out, double pct)
{
	if (pct >= 10 || pct == floor(pct))
		sb_addf(out, "%.0f %%", pct);
	else
		sb_addf(out, "%.1f %%", pct);
}

/* "$41,600": whole units with thousands separators. */
static void add_money(struct strbuf *out, double v)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%.0f", v < 0 ? 0 : v);
	size_t n = strlen(digits);
	sb_addc(out, '$');
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			sb_addc(out, ',');
		sb_addc(out, digits[i]);
	}
}

static char *workflow_name(const char *name)
{
	return text_clean(name && *name ? name : "(unnamed)", TEXT_ONE_LINE);
}

/* Appends text word-wrapped to width, continuation lines indented by 2. */
static void add_wrapped(struct strbuf *out, const char *text, int width)
{
	int col = 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, " ");
		char *word = xstrndup(p, n);
		int w = text_width(word);
		if (col > 0 && col + 1 + w > width) {
			sb_add(out, "\n  ");
			col = 2;
		} else if (col > 0) {
			sb_addc(out, ' ');
			col++;
		}
		sb_add(out, word);
		col += w;
		free(word);
		p += n;
	}
	sb_addc(out, '\n');
}

/* The failure kinds by count, most first: "tests 8, config 3". */
static void add_kinds(struct strbuf *out, const struct build_health *h, int *top)
{
	int order[FK_COUNT];
	for (int i = 0; i < FK_COUNT; i++)
		order[i] = i;
	for (int i = 1; i < FK_COUNT; i++)
		for (int j = i; j > 0 && h->kinds[order[j]] > h->kinds[order[j - 1]]; j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	*top = order[0];
	bool first = true;
	for (int i = 0; i < FK_COUNT; i++) {
		if (!h->kinds[order[i]])
			continue;
		sb_addf(out, "%s%s %d", first ? "" : ", ", build_failure_kinds[order[i]],
			h->kinds[order[i]]);
		first = false;
	}
}

/* ---- the sentences (shared by text and markdown) --------------------------- */

static void sentence_time(struct strbuf *s, const struct build_health *h)
{
	if (!h->has_duration) {
		sb_addf(s, "no finished build in the last %d days", h->window_days);
	} else {
		sb_add(s, "median ");
		add_minutes(s, h->median_minutes);
		sb_addf(s, " (%s), p90 ", h->tier);
		add_minutes(s, h->p90_minutes);
	}
	sb_addf(s, "; %d build%s in %d days", h->count, h->count == 1 ? "" : "s", h->window_days);
	if (h->running)
		sb_addf(s, ", %d running", h->running);
}

static void sentence_failures(struct strbuf *s, const struct build_health *h)
{
	if (!h->has_failure_rate) {
		sb_add(s, "failure rate n/a (no run passed or failed)");
		return;
	}
	add_percent(s, h->failure_rate);
	sb_addf(s, " of %d run%s failed", h->judged, h->judged == 1 ? "" : "s");
	if (h->failed) {
		struct strbuf k = STRBUF_INIT;
		int top;
		add_kinds(&k, h, &top);
		sb_addf(s, ", mostly %s (%s)", build_failure_kinds[top], sb_str(&k));
		sb_free(&k);
	}
}

static void sentence_cost(struct strbuf *s, const struct build_health *h)
{
	if (!h->has_wait) {
		sb_add(s, "cost of waiting n/a (no finished build in the last 7 days)");
		return;
	}
	sb_addf(s, "waiting %.1f h a week costs ", h->wait_hours_per_week);
	add_money(s, h->cost_per_year);
	sb_add(s, " a year; under 10 min would save ");
	add_money(s, h->saving_per_year);
}

static void sentence_slowest(struct strbuf *s, const struct build_health *h)
{
	for (int i = 0; i < h->nslowest; i++) {
		char *name = workflow_name(h->slowest[i].name);
		sb_addf(s, "%s%s ", i ? ", " : "", name);
		add_minutes(s, h->slowest[i].median_minutes);
		free(name);
	}
}

static void sparkline(struct strbuf *out, const struct build_health *h, bool ascii)
{
	double lo = INFINITY, hi = -INFINITY;
	for (int k = 0; k < BH_WEEKS; k++)
		if (h->weekly[k].has_median) {
			lo = fmin(lo, h->weekly[k].median_minutes);
			hi = fmax(hi, h->weekly[k].median_minutes);
		}
	for (int k = 0; k < BH_WEEKS; k++) {
		if (!h->weekly[k].has_median) {
			sb_addc(out, ' ');
			continue;
		}
		int level = hi > lo ? (int)floor((h->weekly[k].median_minutes - lo) / (hi - lo) * 7.999) : 3;
		if (ascii)
			sb_addc(out, spark_ascii[level]);
		else
			sb_add(out, spark_utf8[level]);
	}
}

/* ---- text -------------------------------------------------------------------- */

void snapshot_builds_text(struct strbuf *out, const struct build_health *h, const struct render *ro)
{
	int width = ro->width > 20 ? ro->width : 80;
	struct strbuf s = STRBUF_INIT;
	snap_heading(out, "Builds", ro);
	if (h->count == 0) {
		sb_addf(&s, "No builds in the last %d days: import CI runs with 'shipdeck build import"
			" FILE'.", h->window_days);
		add_wrapped(out, sb_str(&s), width);
		sb_free(&s);
		return;
	}
	sb_add(&s, "Build time: ");
	sentence_time(&s, h);
	sb_add(&s, ".");
	add_wrapped(out, sb_str(&s), width);
	sb_reset(&s);
	sb_add(&s, "Failures: ");
	sentence_failures(&s, h);
	sb_add(&s, ".");
	add_wrapped(out, sb_str(&s), width);
	sb_reset(&s);
	sb_add(&s, "Cost: ");
	sentence_cost(&s, h);
	sb_add(&s, ".");
	add_wrapped(out, sb_str(&s), width);
	if (h->nslowest) {
		sb_reset(&s);
		sb_add(&s, "Slowest: ");
		sentence_slowest(&s, h);
		sb_add(&s, ".");
		add_wrapped(out, sb_str(&s), width);
	}
	sb_add(out, "Median per week, 12 weeks: ");
	sparkline(out, h, ro->ascii);
	sb_addc(out, '\n');
	sb_free(&s);
}

/* ---- markdown ------------------------------------------------------------------ */

void snapshot_builds_markdown(struct strbuf *out, const struct build_health *h,
			      const struct render *ro)
{
	struct strbuf s = STRBUF_INIT;
	snap_heading(out, "Builds", ro);
	if (h->count == 0) {
		sb_addf(out, "No builds in the last %d days.\n", h->window_days);
		return;
	}
	sentence_time(&s, h);
	sb_addf(out, "- **Build time:** %s\n", sb_str(&s));
	sb_reset(&s);
	sentence_failures(&s, h);
	sb_addf(out, "- **Failures:** %s\n", sb_str(&s));
	sb_reset(&s);
	sentence_cost(&s, h);
	sb_addf(out, "- **Cost:** %s\n", sb_str(&s));
	if (h->nslowest) {
		sb_reset(&s);
		sentence_slowest(&s, h);
		/* a workflow named "a|b" must not open a table column */
		for (size_t i = 0; i < s.len; i++)
			if (s.buf[i] == '|' || s.buf[i] == '*' || s.buf[i] == '_' || s.buf[i] == '`')
				s.buf[i] = ' ';
		sb_addf(out, "- **Slowest:** %s\n", sb_str(&s));
	}
	sb_add(out, "\n| week | builds | median | failed |\n|---|---:|---:|---:|\n");
	for (int k = 0; k < BH_WEEKS; k++) {
		const struct bh_week *w = &h->weekly[k];
		char label[16];
		double rate;
		sb_addf(out, "| %s | %d | ", time_iso_week(w->start, label), w->count);
		if (w->has_median)
			add_minutes(out, w->median_minutes);
		else
			sb_add(out, "n/a");
		sb_add(out, " | ");
		if (bh_week_failure_rate(w, &rate))
			add_percent(out, rate);
		else
			sb_add(out, "n/a");
		sb_add(out, " |\n");
	}
	sb_free(&s);
}

/* ---- JSON ---------------------------------------------------------------------- */

static void json_num(struct strbuf *out, bool has, double v)
{
	if (!has || isnan(v) || isinf(v))
		sb_add(out, "null");
	else
		sb_addf(out, "%.6g", v);
}

/* Money and hours to a cent: enough for a script, free of float noise. */
static void json_round2(struct strbuf *out, bool has, double v)
{
	json_num(out, has, round(v * 100) / 100);
}

void snapshot_builds_json(struct strbuf *out, const struct build_health *h)
{
	sb_addf(out, "\"builds\": {\"window_days\": %d, \"count\": %d, \"running\": %d,"
		" \"median_minutes\": ", h->window_days, h->count, h->running);
	json_num(out, h->has_duration, h->median_minutes);
	sb_add(out, ", \"p90_minutes\": ");
	json_num(out, h->has_duration, h->p90_minutes);
	sb_add(out, ", \"tier\": ");
	json_add_string(out, h->tier);
	sb_addf(out, ",\n    \"runs\": %d, \"conclusions\": ", h->runs);
	if (h->runs) {
		for (int i = 0; i < BC_COUNT; i++)
			sb_addf(out, "%s\"%s\": %d", i ? ", " : "{", build_conclusions[i], h->conclusions[i]);
		sb_add(out, "}");
	} else {
		sb_add(out, "null");
	}
	sb_add(out, ", \"failure_rate\": ");
	json_num(out, h->has_failure_rate, h->failure_rate);
	sb_add(out, ", \"failure_kinds\": ");
	if (h->has_failure_rate) {
		for (int i = 0; i < FK_COUNT; i++)
			sb_addf(out, "%s\"%s\": %d", i ? ", " : "{", build_failure_kinds[i], h->kinds[i]);
		sb_add(out, "}");
	} else {
		sb_add(out, "null");
	}
	sb_add(out, ",\n    \"wait_hours_per_week\": ");
	json_round2(out, h->has_wait, h->wait_hours_per_week);
	sb_add(out, ", \"cost_per_year\": ");
	json_round2(out, h->has_wait, h->cost_per_year);
	sb_add(out, ", \"saving_per_year_under_10_min\": ");
	json_round2(out, h->has_wait, h->saving_per_year);
	sb_add(out, ", \"hourly_cost\": ");
	json_num(out, true, h->hourly_cost);
	sb_add(out, ",\n    \"slowest\": [");
	for (int i = 0; i < h->nslowest; i++) {
		sb_add(out, i ? ", {\"workflow\": " : "{\"workflow\": ");
		json_add_string(out, h->slowest[i].name);
		sb_add(out, ", \"median_minutes\": ");
		json_num(out, true, h->slowest[i].median_minutes);
		sb_addf(out, ", \"count\": %d}", h->slowest[i].count);
	}
	sb_add(out, "],\n    \"weekly\": [");
	for (int k = 0; k < BH_WEEKS; k++) {
		const struct bh_week *w = &h->weekly[k];
		char label[16];
		double rate = 0;
		bool has_rate = bh_week_failure_rate(w, &rate);
		sb_addf(out, "%s{\"week\": \"%s\", \"count\": %d, \"median_minutes\": ", k ? ", " : "",
			time_iso_week(w->start, label), w->count);
		json_num(out, w->has_median, w->median_minutes);
		sb_add(out, ", \"failure_rate\": ");
		json_num(out, has_rate, rate);
		sb_add(out, "}");
	}
	sb_add(out, "],\n    \"daily_median_minutes\": [");
	for (int k = 0; k < BH_DAYS; k++) {
		sb_add(out, k ? ", " : "");
		json_num(out, h->daily_has[k], h->daily_minutes[k]);
	}
	sb_add(out, "]}");
}
