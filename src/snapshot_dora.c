/* snapshot_dora — the DORA section of the snapshot: text, markdown, JSON.
 *
 * The scorecard puts current, tier, target and elite side by side (the seed
 * guide's scorecard) and names the report year of the tier, since the cut-offs
 * change every year. Refs come from git or the release database and are
 * outside text: they go through text_clean (JSON escapes them itself). */
#include "metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "text.h"
#include "timeutil.h"

#define LIST_MAX 10     /* deployments listed in text and markdown */

static const char *const spark_utf8[8] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char spark_ascii[] = "_.-:=+*#";

/* ---- value formatting --------------------------------------------------------- */

/* "%.1f" without a trailing ".0", so that cut-offs read "< 24 h". */
static void add_num1(struct strbuf *out, double v)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%.1f", v);
	size_t n = strlen(buf);
	if (n > 2 && streq(buf + n - 2, ".0"))
		buf[n - 2] = '\0';
	sb_add(out, buf);
}

/* A duration in the unit a person reads best: minutes, hours or days. */
static void add_duration(struct strbuf *out, double hours)
{
	if (isnan(hours)) {
		sb_add(out, "n/a");
	} else if (hours < 1) {
		sb_addf(out, "%.0f min", hours * 60);
	} else if (hours < 48) {
		add_num1(out, hours);
		sb_add(out, " h");
	} else {
		add_num1(out, hours / 24);
		sb_add(out, " d");
	}
}

static void add_percent(struct strbuf *out, double pct)
{
	if (isnan(pct)) {
		sb_add(out, "n/a");
		return;
	}
	add_num1(out, pct);
	sb_add(out, " %");
}

/* One JSON number, or null for "no data" (never 0). */
static void json_num(struct strbuf *out, double v)
{
	if (isnan(v) || isinf(v))
		sb_add(out, "null");
	else
		sb_addf(out, "%.6g", v);
}

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

/* ---- scorecard cells (shared by text and markdown) ------------------------------ */

enum metric { M_DF, M_LT, M_CFR, M_TTR, M_REWORK, M_COUNT };

static const char *const metric_names[M_COUNT] = {
	"Deployment frequency", "Lead time (median)", "Change failure rate",
	"Time to restore", "Rework rate",
};

static void cell_current(struct strbuf *c, const struct dora_report *r, enum metric m)
{
	switch (m) {
	case M_DF:
		if (isnan(r->frequency.per_week)) {
			sb_add(c, "n/a");
		} else {
			add_num1(c, r->frequency.per_week);
			sb_add(c, "/week");
		}
		break;
	case M_LT: add_duration(c, r->lead_time.median_hours); break;
	case M_CFR: add_percent(c, r->cfr.rate); break;
	case M_TTR: add_duration(c, r->restore.median_hours); break;
	case M_REWORK: add_percent(c, r->rework.rate); break;
	case M_COUNT: break;
	}
}

static enum dora_tier metric_tier(const struct dora_report *r, enum metric m)
{
	switch (m) {
	case M_DF: return r->frequency.tier;
	case M_LT: return r->lead_time.tier;
	case M_CFR: return r->cfr.tier;
	case M_TTR: return r->restore.tier;
	default: return TIER_NA;
	}
}

static void cell_tier(struct strbuf *c, const struct dora_report *r, enum metric m)
{
	if (m == M_REWORK) {
		sb_add(c, "no tiers");  /* DORA publishes no levels for rework */
		return;
	}
	enum dora_tier t = metric_tier(r, m);
	sb_add(c, dora_tier_name(t));
	if (t != TIER_NA && r->year)
		sb_addf(c, " (%d)", r->year);
}

static enum dora_target_state metric_met(const struct dora_report *r, enum metric m)
{
	switch (m) {
	case M_DF: return r->df_met;
	case M_LT: return r->lt_met;
	case M_CFR: return r->cfr_met;
	case M_TTR: return r->ttr_met;
	default: return TARGET_NA;
	}
}

static void cell_target(struct strbuf *c, const struct dora_report *r, enum metric m, bool ascii)
{
	const struct dora_targets *t = &r->targets;
	switch (m) {
	case M_DF:
		sb_add(c, ascii ? ">= " : "\xe2\x89\xa5 ");
		add_num1(c, t->deploys_per_week);
		sb_add(c, "/week");
		break;
	case M_LT: sb_add(c, "< "); add_duration(c, t->lead_time_hours); break;
	case M_CFR: sb_add(c, "< "); add_percent(c, t->cfr_percent); break;
	case M_TTR: sb_add(c, "< "); add_duration(c, t->restore_hours); break;
	default: sb_add(c, "-"); return;
	}
	enum dora_target_state s = metric_met(r, m);
	if (s == TARGET_MET)
		sb_add(c, ascii ? " ok" : " \xe2\x9c\x93");
	else if (s == TARGET_MISSED)
		sb_add(c, ascii ? " NO" : " \xe2\x9c\x97");
}

/* What elite means under the thresholds in use (from data, not literals). */
static void cell_elite(struct strbuf *c, const struct dora_input *in, enum metric m, bool ascii)
{
	const struct dora_thresholds *th = in->th;
	if (!th || m == M_REWORK) {
		sb_add(c, "-");
		return;
	}
	switch (m) {
	case M_DF:
		sb_add(c, ascii ? ">= " : "\xe2\x89\xa5 ");
		add_num1(c, th->df_elite_days);
		sb_add(c, " days/week");
		break;
	case M_LT: sb_add(c, "< "); add_duration(c, th->lt_elite_h); break;
	case M_CFR: sb_add(c, ascii ? "<= " : "\xe2\x89\xa4 "); add_percent(c, th->cfr_elite); break;
	case M_TTR: sb_add(c, "< "); add_duration(c, th->ttr_elite_h); break;
	default: break;
	}
}

/* ---- sparklines ------------------------------------------------------------------ */

static double week_value(const struct dora_week *w, enum metric m)
{
	switch (m) {
	case M_DF: return w->deploys;
	case M_LT: return w->lead_time_median_hours;
	case M_CFR: return w->change_failure_rate;
	case M_TTR: return w->time_to_restore_median_hours;
	default: return NAN;
	}
}

/* Twelve cells scaled from 0 to the largest week; a week without data is a
 * blank, so that "no data" never reads as a low bar. */
static void add_sparkline(struct strbuf *out, const struct dora_report *r, enum metric m, bool ascii)
{
	double max = 0;
	for (int k = 0; k < DORA_WEEKS; k++) {
		double v = week_value(&r->weekly[k], m);
		if (!isnan(v) && v > max)
			max = v;
	}
	for (int k = 0; k < DORA_WEEKS; k++) {
		double v = week_value(&r->weekly[k], m);
		if (isnan(v)) {
			sb_addc(out, ' ');
			continue;
		}
		int level = max > 0 ? (int)lround(v / max * 7) : 0;
		if (ascii)
			sb_addc(out, spark_ascii[level]);
		else
			sb_add(out, spark_utf8[level]);
	}
}

static void trend_summary(struct strbuf *c, const struct dora_report *r, enum metric m)
{
	const struct dora_week *last = &r->weekly[DORA_WEEKS - 1];
	double v = week_value(last, m);
	sb_add(c, "this week ");
	switch (m) {
	case M_DF: sb_addf(c, "%d", last->deploys); break;
	case M_LT: case M_TTR: add_duration(c, v); break;
	case M_CFR: add_percent(c, v); break;
	default: break;
	}
}

/* ---- deployment list ------------------------------------------------------------- */

static const char *fail_word(enum dora_fail_source s)
{
	switch (s) {
	case FAIL_REVERT: return "revert";
	case FAIL_RECORD: return "record";
	case FAIL_INCIDENT: return "incident";
	case FAIL_NONE: break;
	}
	return "";
}

static void deploy_status(struct strbuf *c, const struct dora_deploy_result *d,
			  const struct dora_input *in)
{
	if (!d->failed) {
		sb_add(c, d->rework ? "ok, rework" : "ok");
		return;
	}
	sb_addf(c, "failed (%s%s)", fail_word(d->fail_source),
		d->incident_linked_by_time ? ", linked by time" : "");
	if (d->restored_by >= 0) {
		sb_add(c, ", restored by ");
		sb_add_clean(c, in->deploys[d->restored_by].ref);
	} else if (!isnan(d->restore_hours)) {
		sb_add(c, ", restored");
	}
	if (!isnan(d->restore_hours)) {
		sb_add(c, ", ");
		add_duration(c, d->restore_hours);
	} else {
		sb_add(c, ", not restored");
	}
	if (d->rework)
		sb_add(c, ", rework");
}

/* "11-27 09:00": the year is plain from the window, the columns are not. */
static char *time_compact(int64_t t, char *buf)
{
	int y, mo, d, h, mi, sec;
	time_utc_parts(t, &y, &mo, &d, &h, &mi, &sec);
	snprintf(buf, 12, "%02d-%02d %02d:%02d", mo, d, h, mi);
	return buf;
}

static void short_commit(char *buf, const char *commit)
{
	snprintf(buf, 8, "%s", commit ? commit : "");
}

/* ---- text ------------------------------------------------------------------------ */

static void trim_line_end(struct strbuf *out)
{
	while (out->len && out->buf[out->len - 1] == ' ')
		out->buf[--out->len] = '\0';
	sb_addc(out, '\n');
}

/* Word-wraps a clean paragraph to width columns. */
static void add_wrapped(struct strbuf *out, const char *text, int width)
{
	int col = 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		if (e == p)
			break;
		char *word = xstrndup(p, (size_t)(e - p));
		int w = text_width(word);
		if (col > 0 && col + 1 + w > width) {
			sb_addc(out, '\n');
			col = 0;
		}
		if (col > 0) {
			sb_addc(out, ' ');
			col++;
		}
		sb_add(out, word);
		col += w;
		free(word);
		p = e;
	}
	sb_addc(out, '\n');
}

static void no_deployments_text(struct strbuf *out, const struct dora_input *in, int width)
{
	char *pattern = text_clean(in->deploy_tags ? in->deploy_tags : "v*,!*rc*", TEXT_ONE_LINE);
	char *msg = xasprintf("No deployments: no tag matches the deploy pattern \"%s\" and no "
			      "production deployment was recorded, so there is nothing to measure. "
			      "Set the pattern to your release tags with --deploy-tags GLOBS or the "
			      "config key deploy_tags (comma-separated globs, '!' excludes; for tags "
			      "like 2.4.1 use \"[0-9]*\"), or record deployments with 'shipdeck "
			      "deploy'.", pattern);
	add_wrapped(out, msg, width);
	free(msg);
	free(pattern);
}

/* Column widths of the scorecard for a given total width. */
struct score_cols {
	int name, current, tier, target, elite;  /* 0: column left out */
};

static struct score_cols score_layout(int width)
{
	struct score_cols c = {21, 11, 13, 14, 15};
	/* Narrow terminals lose the reference columns before the figures. */
	if (width < 21 + 11 + 13 + 14 + 15 + 4)
		c.elite = 0;
	if (width < 21 + 11 + 13 + 14 + 3)
		c.target = 0;
	int used = c.current + c.tier + c.target + c.elite +
		   2 + (c.target > 0) + (c.elite > 0);
	c.name = width - used < 21 ? width - used : 21;
	if (c.name < 8)
		c.name = 8;
	return c;
}

static void score_row(struct strbuf *out, const struct score_cols *c, const char *cells[5], bool ascii)
{
	int widths[5] = {c->name, c->current, c->tier, c->target, c->elite};
	for (int i = 0; i < 5; i++) {
		if (!widths[i])
			continue;
		if (i)
			sb_addc(out, ' ');
		text_fit(out, cells[i], widths[i], false, ascii);
	}
	trim_line_end(out);
}

static void scorecard_text(struct strbuf *out, const struct dora_report *r,
			   const struct dora_input *in, const struct render *ro)
{
	struct score_cols c = score_layout(ro->width);
	const char *head[5] = {"", "current", "tier", "target", "elite"};
	score_row(out, &c, head, ro->ascii);
	for (int m = 0; m < M_COUNT; m++) {
		struct strbuf cur = STRBUF_INIT, tier = STRBUF_INIT, tgt = STRBUF_INIT, el = STRBUF_INIT;
		cell_current(&cur, r, (enum metric)m);
		cell_tier(&tier, r, (enum metric)m);
		cell_target(&tgt, r, (enum metric)m, ro->ascii);
		cell_elite(&el, in, (enum metric)m, ro->ascii);
		const char *cells[5] = {metric_names[m], sb_str(&cur), sb_str(&tier), sb_str(&tgt), sb_str(&el)};
		score_row(out, &c, cells, ro->ascii);
		sb_free(&cur);
		sb_free(&tier);
		sb_free(&tgt);
		sb_free(&el);
	}
}

/* The counts behind each figure, so that it can be checked by hand. */
static void details_text(struct strbuf *out, const struct dora_report *r, int width)
{
	struct strbuf s = STRBUF_INIT;
	sb_addf(&s, "%d deployments on %d days; median deploy days per full week: ",
		r->frequency.deploys, r->frequency.deploy_days);
	if (isnan(r->frequency.median_deploy_days_per_week))
		sb_add(&s, "n/a");
	else
		add_num1(&s, r->frequency.median_deploy_days_per_week);
	sb_addf(&s, " (%d weeks). %d changes, p90 lead time ", r->frequency.weeks, r->lead_time.changes);
	add_duration(&s, r->lead_time.p90_hours);
	if (r->lead_time.clamped)
		sb_addf(&s, ", %d clamped to 0 (clock skew)", r->lead_time.clamped);
	sb_addf(&s, ". %d of %d failed, %d restored; %d rework.", r->cfr.failed, r->cfr.deploys,
		r->restore.restores, r->rework.rework);
	if (r->incidents_linked_by_time)
		sb_addf(&s, " %d incident(s) named no deployment and were linked to the one before "
			"their start.", r->incidents_linked_by_time);
	add_wrapped(out, sb_str(&s), width);
	sb_free(&s);
}

static void trend_text(struct strbuf *out, const struct dora_report *r, const struct render *ro)
{
	char *title = xasprintf("Trend by week, %s to %s:", r->weekly[0].label,
				r->weekly[DORA_WEEKS - 1].label);
	add_wrapped(out, title, ro->width);
	free(title);
	int name_w = ro->width - DORA_WEEKS - 2 - 18 < 21 ? ro->width - DORA_WEEKS - 2 - 18 : 21;
	if (name_w < 8)
		name_w = 8;
	static const char *const names[4] = {"Deployments", "Lead time", "Change failure rate",
					      "Time to restore"};
	for (int m = 0; m < 4; m++) {
		struct strbuf s = STRBUF_INIT;
		text_fit(out, names[m], name_w, false, ro->ascii);
		sb_addc(out, ' ');
		add_sparkline(out, r, (enum metric)m, ro->ascii);
		sb_addc(out, ' ');
		trend_summary(&s, r, (enum metric)m);
		int rest = ro->width - name_w - DORA_WEEKS - 2;
		text_fit(out, sb_str(&s), rest > 0 ? rest : 0, false, ro->ascii);
		trim_line_end(out);
		sb_free(&s);
	}
}

static void deploys_text(struct strbuf *out, const struct dora_report *r,
			 const struct dora_input *in, const struct render *ro)
{
	if (r->ndeploys == 0) {
		char when[24];
		const struct dora_deploy *last = &in->deploys[r->latest_deploy];
		char *ref = text_clean(last->ref, TEXT_ONE_LINE);
		char *msg = xasprintf("No deployment in the last %d days; the latest was %s on %s UTC.",
				      r->window_days, ref, time_format_short(last->time, when));
		add_wrapped(out, msg, ro->width);
		free(msg);
		free(ref);
		return;
	}
	size_t shown = r->ndeploys < LIST_MAX ? r->ndeploys : LIST_MAX;
	char *title = xasprintf("Deployments, newest first (%zu of %zu in the window):", shown,
				r->ndeploys);
	add_wrapped(out, title, ro->width);
	free(title);
	bool with_commit = ro->width >= 64, full_time = ro->width >= 100;
	int ref_w = 12, fixed = (full_time ? 16 : 11) + 1 + ref_w + (with_commit ? 8 : 0) + 9;
	for (size_t i = 0; i < shown; i++) {
		const struct dora_deploy_result *d = &r->deploys[i];
		const struct dora_deploy *dp = &in->deploys[d->index];
		char when[24], sha[8];
		char *ref = text_clean(dp->ref, TEXT_ONE_LINE);
		struct strbuf st = STRBUF_INIT;
		sb_addf(out, "%s ", full_time ? time_format_short(dp->time, when)
					       : time_compact(dp->time, when));
		text_fit(out, ref, ref_w, false, ro->ascii);
		if (with_commit) {
			short_commit(sha, dp->commit);
			char *clean = text_clean(sha, TEXT_ONE_LINE);
			sb_addc(out, ' ');
			text_fit(out, clean, 7, false, ro->ascii);
			free(clean);
		}
		sb_addf(out, " %4d ch ", d->changes < 9999 ? d->changes : 9999);
		deploy_status(&st, d, in);
		int rest = ro->width - fixed;
		text_fit(out, sb_str(&st), rest > 0 ? rest : 0, false, ro->ascii);
		trim_line_end(out);
		sb_free(&st);
		free(ref);
	}
}

void snapshot_dora_text(struct strbuf *out, const struct dora_report *r,
			const struct dora_input *in, const struct render *ro)
{
	struct render def = {SNAP_TEXT, 80, false};
	if (!ro)
		ro = &def;
	int width = ro->width > 0 ? ro->width : 80;
	struct render rw = *ro;
	rw.width = width;
	snap_heading(out, "DORA", &rw);
	if (r->existing_deploys == 0) {
		no_deployments_text(out, in, width);
		return;
	}
	char *intro = r->thresholds[0]
		? xasprintf("Last %d days; tiers from the DORA %d report (%s).", r->window_days,
			    r->year, r->thresholds)
		: xasprintf("Last %d days; no tier thresholds loaded.", r->window_days);
	add_wrapped(out, intro, width);
	free(intro);
	scorecard_text(out, r, in, &rw);
	details_text(out, r, width);
	sb_addc(out, '\n');
	trend_text(out, r, &rw);
	sb_addc(out, '\n');
	deploys_text(out, r, in, &rw);
}

/* ---- markdown -------------------------------------------------------------------- */

/* A table cell: clean, one line, '|' escaped so it cannot split the row. */
static void md_cell(struct strbuf *out, const char *s)
{
	char *c = text_clean(s, TEXT_ONE_LINE);
	for (const char *p = c; *p; p++) {
		if (*p == '|' || *p == '\\' || *p == '`' || *p == '*' || *p == '_' ||
		    *p == '<' || *p == '[')
			sb_addc(out, '\\');
		sb_addc(out, *p);
	}
	free(c);
}

void snapshot_dora_markdown(struct strbuf *out, const struct dora_report *r,
			    const struct dora_input *in, const struct render *ro)
{
	struct render md = {SNAP_MARKDOWN, ro ? ro->width : 80, ro ? ro->ascii : false};
	snap_heading(out, "DORA", &md);
	if (r->existing_deploys == 0) {
		no_deployments_text(out, in, 1000);
		return;
	}
	if (r->thresholds[0])
		sb_addf(out, "Last %d days; tiers from the DORA %d report (`%s`).\n\n", r->window_days,
			r->year, r->thresholds);
	sb_add(out, "| Metric | Current | Tier | Target | Elite | Trend |\n|---|---|---|---|---|---|\n");
	for (int m = 0; m < M_COUNT; m++) {
		struct strbuf s = STRBUF_INIT;
		sb_addf(out, "| %s | ", metric_names[m]);
		cell_current(&s, r, (enum metric)m);
		sb_add(&s, " | ");
		cell_tier(&s, r, (enum metric)m);
		sb_add(&s, " | ");
		cell_target(&s, r, (enum metric)m, md.ascii);
		sb_add(&s, " | ");
		cell_elite(&s, in, (enum metric)m, md.ascii);
		sb_add(&s, " | ");
		if (m != M_REWORK)
			add_sparkline(&s, r, (enum metric)m, md.ascii);
		sb_add(out, sb_str(&s));
		sb_add(out, " |\n");
		sb_free(&s);
	}
	sb_addf(out, "\nTrend: weeks %s to %s, oldest first. ", r->weekly[0].label,
		r->weekly[DORA_WEEKS - 1].label);
	details_text(out, r, 1000);
	if (r->ndeploys == 0) {
		sb_addf(out, "\nNo deployment in the last %d days.\n", r->window_days);
		return;
	}
	sb_add(out, "\n| Time (UTC) | Deployment | Commit | Changes | Status |\n|---|---|---|---|---|\n");
	size_t shown = r->ndeploys < LIST_MAX ? r->ndeploys : LIST_MAX;
	for (size_t i = 0; i < shown; i++) {
		const struct dora_deploy_result *d = &r->deploys[i];
		const struct dora_deploy *dp = &in->deploys[d->index];
		char when[24], sha[8];
		struct strbuf st = STRBUF_INIT;
		short_commit(sha, dp->commit);
		sb_addf(out, "| %s | ", time_format_short(dp->time, when));
		md_cell(out, dp->ref);
		sb_add(out, " | ");
		md_cell(out, sha);
		sb_addf(out, " | %d | ", d->changes);
		deploy_status(&st, d, in);
		md_cell(out, sb_str(&st));
		sb_add(out, " |\n");
		sb_free(&st);
	}
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_tier(struct strbuf *out, enum dora_tier t)
{
	if (t == TIER_NA)
		sb_add(out, "null");
	else
		sb_addf(out, "\"%s\"", dora_tier_name(t));
}

static void json_target(struct strbuf *out, const char *key, double target, double current,
			enum dora_target_state s)
{
	sb_addf(out, "\"%s\": {\"target\": ", key);
	json_num(out, target);
	sb_add(out, ", \"current\": ");
	json_num(out, current);
	sb_addf(out, ", \"met\": %s}", s == TARGET_NA ? "null" : json_bool(s == TARGET_MET));
}

static void json_weeks(struct strbuf *out, const struct dora_report *r)
{
	sb_add(out, "\"weekly\": [");
	for (int k = 0; k < DORA_WEEKS; k++) {
		const struct dora_week *w = &r->weekly[k];
		sb_addf(out, "%s{\"week\": \"%s\", \"deploys\": %d, \"lead_time_median_hours\": ",
			k ? ", " : "", w->label, w->deploys);
		json_num(out, w->lead_time_median_hours);
		sb_add(out, ", \"change_failure_rate\": ");
		json_num(out, w->change_failure_rate);
		sb_add(out, ", \"time_to_restore_median_hours\": ");
		json_num(out, w->time_to_restore_median_hours);
		sb_add(out, "}");
	}
	sb_add(out, "]");
}

static void json_deployments(struct strbuf *out, const struct dora_report *r,
			     const struct dora_input *in)
{
	sb_add(out, "\"deployments\": [");
	for (size_t i = 0; i < r->ndeploys; i++) {
		const struct dora_deploy_result *d = &r->deploys[i];
		const struct dora_deploy *dp = &in->deploys[d->index];
		char when[24];
		sb_add(out, i ? ",\n    {\"ref\": " : "\n    {\"ref\": ");
		json_add_string(out, dp->ref);
		sb_add(out, ", \"commit\": ");
		json_add_string(out, dp->commit);
		sb_addf(out, ", \"time\": \"%s\", \"source\": \"%s\", \"changes\": %d, \"failed\": %s, "
			"\"restored_by\": ", time_format_iso(dp->time, when),
			dp->from_record ? "record" : "tag", d->changes, json_bool(d->failed));
		json_add_string(out, d->restored_by >= 0 ? in->deploys[d->restored_by].ref : NULL);
		sb_add(out, "}");
	}
	sb_add(out, r->ndeploys ? "\n  ]" : "]");
}

void snapshot_dora_json(struct strbuf *out, const struct dora_report *r,
			const struct dora_input *in)
{
	sb_add(out, "\"dora\": {\"thresholds\": ");
	json_add_string(out, r->thresholds[0] ? r->thresholds : NULL);
	sb_addf(out, ",\n    \"deployment_frequency\": {\"deploys\": %d, \"per_week\": ",
		r->frequency.deploys);
	json_num(out, r->frequency.per_week);
	sb_addf(out, ", \"deploy_days\": %d, \"median_deploy_days_per_week\": ",
		r->frequency.deploy_days);
	json_num(out, r->frequency.median_deploy_days_per_week);
	sb_add(out, ", \"tier\": ");
	json_tier(out, r->frequency.tier);
	sb_addf(out, "},\n    \"lead_time\": {\"changes\": %d, \"median_hours\": ", r->lead_time.changes);
	json_num(out, r->lead_time.median_hours);
	sb_add(out, ", \"p90_hours\": ");
	json_num(out, r->lead_time.p90_hours);
	sb_addf(out, ", \"clamped\": %d, \"tier\": ", r->lead_time.clamped);
	json_tier(out, r->lead_time.tier);
	sb_addf(out, "},\n    \"change_failure_rate\": {\"failed\": %d, \"deploys\": %d, \"rate\": ",
		r->cfr.failed, r->cfr.deploys);
	json_num(out, r->cfr.rate);
	sb_add(out, ", \"tier\": ");
	json_tier(out, r->cfr.tier);
	sb_addf(out, "},\n    \"time_to_restore\": {\"restores\": %d, \"median_hours\": ",
		r->restore.restores);
	json_num(out, r->restore.median_hours);
	sb_add(out, ", \"tier\": ");
	json_tier(out, r->restore.tier);
	sb_addf(out, "},\n    \"rework_rate\": {\"rework\": %d, \"deploys\": %d, \"rate\": ",
		r->rework.rework, r->rework.deploys);
	json_num(out, r->rework.rate);
	sb_add(out, "},\n    \"targets\": {");
	json_target(out, "deploys_per_week", r->targets.deploys_per_week, r->frequency.per_week, r->df_met);
	sb_add(out, ", ");
	json_target(out, "lead_time_hours", r->targets.lead_time_hours, r->lead_time.median_hours,
		    r->lt_met);
	sb_add(out, ", ");
	json_target(out, "change_failure_percent", r->targets.cfr_percent, r->cfr.rate, r->cfr_met);
	sb_add(out, ", ");
	json_target(out, "restore_hours", r->targets.restore_hours, r->restore.median_hours, r->ttr_met);
	sb_add(out, "},\n    ");
	json_weeks(out, r);
	sb_add(out, "},\n  ");
	json_deployments(out, r, in);
}
