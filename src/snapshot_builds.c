/* snapshot_builds — the build-health section of the snapshot: a few
 * sentences a PM can read aloud in a standup, the same as markdown, and the
 * JSON object scripts read. No data is "n/a" / null, never 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildstats.h"
#include "jsonw.h"
#include "present.h"
#include "snapshot_base.h"
#include "snapshot_sections.h"
#include "text.h"
#include "timeutil.h"
#include "util.h"

/* ---- formatting: the rules live in present.c ------------------------------ */

static void add_minutes(struct strbuf *out, double m) { present_minutes(out, m); }
static void add_percent(struct strbuf *out, double pct) { present_percent(out, pct); }
static void add_money(struct strbuf *out, double v) { present_money(out, v); }

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
	sb_add(s, "; ");
	present_count(s, h->count, "build", "builds");
	sb_add(s, " in ");
	present_count(s, h->window_days, "day", "days");
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
	sb_add(s, " of ");
	present_count(s, h->judged, "run", "runs");
	sb_add(s, " failed");
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
	sb_add(s, "waiting ");
	present_hours(s, h->wait_hours_per_week);
	sb_add(s, " a week costs ");
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
	double v[BH_WEEKS];
	for (int k = 0; k < BH_WEEKS; k++)
		v[k] = h->weekly[k].has_median ? h->weekly[k].median_minutes : NAN;
	present_sparkline(out, v, BH_WEEKS, ascii);
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

/* "- **Label:** sentence", the sentence escaped (workflow names are outside
 * text); s is emptied for the next one. */
static void md_item(struct strbuf *out, const char *label, struct strbuf *s)
{
	sb_addf(out, "- **%s:** ", label);
	snap_md_text(out, sb_str(s));
	sb_addc(out, '\n');
	sb_reset(s);
}

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
	md_item(out, "Build time", &s);
	sentence_failures(&s, h);
	md_item(out, "Failures", &s);
	sentence_cost(&s, h);
	md_item(out, "Cost", &s);
	if (h->nslowest) {
		sentence_slowest(&s, h);
		md_item(out, "Slowest", &s);
	}
	sb_add(out, "- **Median per week, 12 weeks:** `");
	sparkline(&s, h, ro->ascii);
	sb_add(out, sb_str(&s));
	sb_add(out, "`\n");
	sb_reset(&s);
	/* only the weeks that had builds: twelve rows of "0 | n/a" say nothing */
	int weeks = 0;
	for (int k = 0; k < BH_WEEKS; k++)
		weeks += h->weekly[k].count > 0;
	if (weeks)
		sb_add(out, "\n| week | builds | median | failed |\n|---|---:|---:|---:|\n");
	for (int k = 0; k < BH_WEEKS; k++) {
		const struct bh_week *w = &h->weekly[k];
		if (w->count == 0)
			continue;
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

/* One JSON number by the one rule (jsonw.c), null when there is no data. */
static void json_num(struct strbuf *out, bool has, double v)
{
	json_add_num(out, has ? v : NAN);
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
	json_num(out, h->has_wait, h->wait_hours_per_week);
	sb_add(out, ", \"cost_per_year\": ");
	json_num(out, h->has_wait, h->cost_per_year);
	sb_add(out, ", \"saving_per_year_under_10_min\": ");
	json_num(out, h->has_wait, h->saving_per_year);
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
