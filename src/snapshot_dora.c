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

#include "jsonw.h"
#include "model.h"
#include "present.h"
#include "snapshot_base.h"
#include "snapshot_sections.h"
#include "text.h"
#include "timeutil.h"

#define LIST_MAX 10     /* deployments listed in text and markdown */

/* ---- scorecard, trend and status: decided in present.c, placed here ---------- */

static void scorecard_rows(const struct dora_report *r, const struct dora_input *in, bool ascii,
			   struct score_row rows[SCORE_COUNT])
{
	present_scorecard(r, in->th, ascii, rows);
}

/* "< 7 d ✓": the target with whether it is met. */
static void target_cell(struct strbuf *c, const struct score_row *row, bool ascii)
{
	sb_add(c, row->target);
	const char *mark = present_met_mark(row->met, ascii);
	if (*mark)
		sb_addf(c, " %s", mark);
}

static void add_sparkline(struct strbuf *out, const struct dora_report *r, enum score_metric m, bool ascii)
{
	double v[DORA_WEEKS];
	present_week_values(r, m, v);
	present_sparkline(out, v, DORA_WEEKS, ascii);
}

static void deploy_status(struct strbuf *c, const struct dash *d, int index)
{
	struct deploy_verdict v;
	present_deploy_verdict(d, index, &v);
	present_deploy_status(c, &v);
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
	struct score_row rows[SCORE_COUNT];
	scorecard_rows(r, in, ro->ascii, rows);
	for (int m = 0; m < SCORE_COUNT; m++) {
		struct strbuf tgt = STRBUF_INIT;
		target_cell(&tgt, &rows[m], ro->ascii);
		const char *cells[5] = {rows[m].name, rows[m].current, rows[m].tier, sb_str(&tgt),
					rows[m].elite};
		score_row(out, &c, cells, ro->ascii);
		sb_free(&tgt);
	}
}

/* The counts behind each figure, so that it can be checked by hand. */
static void details_text(struct strbuf *out, const struct dora_report *r, int width)
{
	struct strbuf s = STRBUF_INIT;
	present_count(&s, r->frequency.deploys, "deployment", "deployments");
	sb_add(&s, " on ");
	present_count(&s, r->frequency.deploy_days, "day", "days");
	sb_add(&s, "; median deploy days per full week: ");
	if (isnan(r->frequency.median_deploy_days_per_week))
		sb_add(&s, "n/a");
	else
		present_num1(&s, r->frequency.median_deploy_days_per_week);
	sb_add(&s, " (");
	present_count(&s, r->frequency.weeks, "week", "weeks");
	sb_add(&s, "). ");
	present_count(&s, r->lead_time.changes, "change", "changes");
	sb_add(&s, ", p90 lead time ");
	present_hours(&s, r->lead_time.p90_hours);
	if (r->lead_time.clamped)
		sb_addf(&s, ", %d clamped to 0 (clock skew)", r->lead_time.clamped);
	sb_addf(&s, ". %d of %d failed, %d restored; %d rework.", r->cfr.failed, r->cfr.deploys,
		r->restore.restores, r->rework.rework);
	if (r->incidents_linked_by_time) {
		sb_add(&s, " ");
		present_count(&s, r->incidents_linked_by_time, "incident", "incidents");
		sb_addf(&s, " named no deployment and %s linked to the one before the start.",
			present_plural(r->incidents_linked_by_time, "was", "were"));
	}
	add_wrapped(out, sb_str(&s), width);
	sb_free(&s);
}

/* Where lead time goes: the bar and its words, as every view says it. */
static void stages_text(struct strbuf *out, const struct dora_report *r, const struct render *ro)
{
	struct stage_split sp;
	present_stages(&r->lead_time.stages, &sp);
	struct strbuf s = STRBUF_INIT;
	present_stage_title(&s, &sp);
	if (sp.n) {
		present_stage_bar(&s, &sp, STAGE_BAR_WIDTH, ro->ascii);
		sb_addc(&s, ' ');
	}
	present_stage_words(&s, &sp, ro->ascii, true);
	sb_addc(&s, '.');
	add_wrapped(out, sb_str(&s), ro->width);
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
	for (int m = 0; m < SCORE_REWORK; m++) {
		struct strbuf s = STRBUF_INIT;
		text_fit(out, present_trend_name((enum score_metric)m), name_w, false, ro->ascii);
		sb_addc(out, ' ');
		add_sparkline(out, r, (enum score_metric)m, ro->ascii);
		sb_addc(out, ' ');
		present_trend_summary(&s, r, (enum score_metric)m);
		int rest = ro->width - name_w - DORA_WEEKS - 2;
		text_fit(out, sb_str(&s), rest > 0 ? rest : 0, false, ro->ascii);
		trim_line_end(out);
		sb_free(&s);
	}
}

static void deploys_text(struct strbuf *out, const struct dash *dash, const struct render *ro)
{
	const struct dora_report *r = &dash->dora;
	const struct dora_input *in = &dash->dora_in;
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
	/* with several services, whose it is before the ref, as the panes
	 * show it (the refs of two repositories can be alike) */
	int svc_w = dash->team ? 11 : 0;
	int ref_w = 12, fixed = (full_time ? 16 : 11) + 1 + svc_w + ref_w + (with_commit ? 8 : 0) + 9;
	for (size_t i = 0; i < shown; i++) {
		const struct dora_deploy_result *d = &r->deploys[i];
		const struct dora_deploy *dp = &in->deploys[d->index];
		char when[24], sha[8];
		char *ref = text_clean(dp->ref, TEXT_ONE_LINE);
		struct strbuf st = STRBUF_INIT;
		sb_addf(out, "%s ", full_time ? time_format_short(dp->time, when)
					       : present_date(dp->time, r->now, when));
		if (svc_w) {
			present_deploy_service_cell(out, dash, d->index, svc_w - 1, ro->ascii);
			sb_addc(out, ' ');
		}
		text_fit(out, ref, ref_w, false, ro->ascii);
		if (with_commit) {
			short_commit(sha, dp->commit);
			char *clean = text_clean(sha, TEXT_ONE_LINE);
			sb_addc(out, ' ');
			text_fit(out, clean, 7, false, ro->ascii);
			free(clean);
		}
		sb_addf(out, " %4d ch ", d->changes < 9999 ? d->changes : 9999);
		deploy_status(&st, dash, d->index);
		int rest = ro->width - fixed;
		text_fit(out, sb_str(&st), rest > 0 ? rest : 0, false, ro->ascii);
		trim_line_end(out);
		sb_free(&st);
		free(ref);
	}
}

/* A service's title line, as every view says it (present.c). */
static char *service_title(const struct dash_service *s)
{
	struct strbuf sb = STRBUF_INIT;
	present_service_title(&sb, s);
	return sb_detach(&sb);
}

/* With several services, each one's scorecard and counts below the team's
 * (docs/metrics.md §13); one whose repository could not be read says why. */
static void services_text(struct strbuf *out, const struct dash *dash, const struct render *rw)
{
	for (size_t i = 0; dash->team && i < dash->nservices; i++) {
		const struct dash_service *s = &dash->services[i];
		char *title = service_title(s);
		sb_addc(out, '\n');
		if (!s->ok) {
			char *why = text_clean(s->error ? s->error : "not read", TEXT_ONE_LINE);
			char *line = xasprintf("%s: not read: %s", title, why);
			add_wrapped(out, line, rw->width);
			free(line);
			free(why);
		} else {
			char *line = xasprintf("%s:", title);
			add_wrapped(out, line, rw->width);
			free(line);
			scorecard_text(out, dash_service_dora(dash, i), dash_service_input(dash, i), rw);
			details_text(out, dash_service_dora(dash, i), rw->width);
		}
		free(title);
	}
}

void snapshot_dora_text(struct strbuf *out, const struct dash *dash, const struct render *ro)
{
	const struct dora_report *r = &dash->dora;
	const struct dora_input *in = &dash->dora_in;
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
	if (dash->team) {
		char *team = xasprintf("The team: %zu services pooled (each one below).", dash->nservices);
		add_wrapped(out, team, width);
		free(team);
	}
	scorecard_text(out, r, in, &rw);
	stages_text(out, r, &rw);
	details_text(out, r, width);
	sb_addc(out, '\n');
	trend_text(out, r, &rw);
	sb_addc(out, '\n');
	deploys_text(out, dash, &rw);
	services_text(out, dash, &rw);
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

/* A code span that keeps every space: CommonMark strips one space from
 * each end when both ends have one, so such a span gets one more. */
static void md_code(struct strbuf *out, const char *s)
{
	size_t n = strlen(s);
	bool pad = n > 1 && s[0] == ' ' && s[n - 1] == ' ' && strspn(s, " ") != n;
	sb_addf(out, pad ? "` %s `" : "`%s`", s);
}

/* Where lead time goes: the bar in a code span, the words escaped. */
static void stages_markdown(struct strbuf *out, const struct dora_report *r, bool ascii)
{
	struct stage_split sp;
	struct strbuf s = STRBUF_INIT;
	present_stages(&r->lead_time.stages, &sp);
	sb_addc(out, '\n');
	present_stage_title(out, &sp);
	if (sp.n) {
		present_stage_bar(&s, &sp, STAGE_BAR_WIDTH, ascii);
		md_code(out, sb_str(&s));
		sb_addc(out, ' ');
	}
	sb_reset(&s);
	present_stage_words(&s, &sp, ascii, true);
	md_cell(out, sb_str(&s));
	sb_add(out, ".\n");
	sb_free(&s);
}

/* Each service's scorecard below the team's (docs/metrics.md §13). */
static void services_markdown(struct strbuf *out, const struct dash *dash, bool ascii)
{
	for (size_t i = 0; dash->team && i < dash->nservices; i++) {
		const struct dash_service *s = &dash->services[i];
		char *title = service_title(s);
		sb_add(out, "\n**");
		md_cell(out, title);
		free(title);
		if (!s->ok) {
			sb_add(out, "**: not read: ");
			md_cell(out, s->error ? s->error : "");
			sb_add(out, "\n");
			continue;
		}
		sb_add(out, "**\n\n| Metric | Current | Tier | Target | Elite |\n|---|---|---|---|---|\n");
		const struct dora_report *r = dash_service_dora(dash, i);
		struct score_row rows[SCORE_COUNT];
		scorecard_rows(r, dash_service_input(dash, i), ascii, rows);
		for (int m = 0; m < SCORE_COUNT; m++) {
			struct strbuf t = STRBUF_INIT;
			target_cell(&t, &rows[m], ascii);
			sb_addf(out, "| %s | %s | %s | ", rows[m].name, rows[m].current, rows[m].tier);
			md_cell(out, sb_str(&t));
			sb_add(out, " | ");
			md_cell(out, rows[m].elite);
			sb_add(out, " |\n");
			sb_free(&t);
		}
		sb_addc(out, '\n');
		details_text(out, r, 1000);
	}
}

void snapshot_dora_markdown(struct strbuf *out, const struct dash *dash, const struct render *ro)
{
	const struct dora_report *r = &dash->dora;
	const struct dora_input *in = &dash->dora_in;
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
	struct score_row rows[SCORE_COUNT];
	scorecard_rows(r, in, md.ascii, rows);
	for (int m = 0; m < SCORE_COUNT; m++) {
		struct strbuf s = STRBUF_INIT;
		target_cell(&s, &rows[m], md.ascii);
		sb_addf(out, "| %s | %s | %s | ", rows[m].name, rows[m].current, rows[m].tier);
		md_cell(out, sb_str(&s));
		sb_add(out, " | ");
		md_cell(out, rows[m].elite);
		sb_add(out, " | ");
		if (m != SCORE_REWORK) {
			/* a code span keeps the blank weeks: markdown would drop them */
			sb_reset(&s);
			add_sparkline(&s, r, (enum score_metric)m, md.ascii);
			md_code(out, sb_str(&s));
		}
		sb_add(out, " |\n");
		sb_free(&s);
	}
	stages_markdown(out, r, md.ascii);
	sb_addf(out, "\nTrend: weeks %s to %s, oldest first. ", r->weekly[0].label,
		r->weekly[DORA_WEEKS - 1].label);
	details_text(out, r, 1000);
	if (r->ndeploys == 0) {
		sb_addf(out, "\nNo deployment in the last %d days.\n", r->window_days);
		services_markdown(out, dash, md.ascii);
		return;
	}
	sb_add(out, dash->team ? "\n| Time (UTC) | Service | Deployment | Commit | Changes | Status |\n"
				 "|---|---|---|---|---|---|\n"
			       : "\n| Time (UTC) | Deployment | Commit | Changes | Status |\n|---|---|---|---|---|\n");
	size_t shown = r->ndeploys < LIST_MAX ? r->ndeploys : LIST_MAX;
	for (size_t i = 0; i < shown; i++) {
		const struct dora_deploy_result *d = &r->deploys[i];
		const struct dora_deploy *dp = &in->deploys[d->index];
		char when[24], sha[8];
		struct strbuf st = STRBUF_INIT;
		short_commit(sha, dp->commit);
		sb_addf(out, "| %s | ", time_format_short(dp->time, when));
		if (dash->team) {
			const char *svc = present_deploy_service(dash, d->index);
			md_cell(out, svc ? svc : "-");
			sb_add(out, " | ");
		}
		md_cell(out, dp->ref);
		sb_add(out, " | ");
		md_cell(out, sha);
		sb_addf(out, " | %d | ", d->changes);
		deploy_status(&st, dash, d->index);
		md_cell(out, sb_str(&st));
		sb_add(out, " |\n");
		sb_free(&st);
	}
	services_markdown(out, dash, md.ascii);
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_tier(struct strbuf *out, enum dora_tier t)
{
	json_add_string(out, t == TIER_NA ? NULL : dora_tier_name(t));
}

static void json_target(struct strbuf *out, const char *key, double target, double current,
			enum dora_target_state s)
{
	json_add_string(out, key);
	sb_add(out, ": {\"target\": ");
	json_add_num(out, target);
	json_field_num(out, "current", current);
	sb_add(out, ", \"met\": ");
	if (s == TARGET_NA)
		sb_add(out, "null");
	else
		json_add_bool(out, s == TARGET_MET);
	sb_add(out, "}");
}

/* docs/metrics.md §2b: every stage's median (null where the source has no
 * such stage), the source and the largest stage's field; null without a
 * change. */
void snapshot_json_stages(struct strbuf *out, const struct dora_stages *st)
{
	struct stage_split sp;
	present_stages(st, &sp);
	if (!sp.n) {
		sb_add(out, "null");
		return;
	}
	sb_add(out, "{");
	for (int id = 0; id < STAGE_COUNT; id++) {
		double v = NAN;
		for (int i = 0; i < sp.n; i++)
			if (sp.id[i] == (enum stage_id)id)
				v = sp.hours[i];
		if (id)
			sb_add(out, ", ");
		json_add_string(out, present_stage_field((enum stage_id)id));
		sb_add(out, ": ");
		json_add_num(out, v);
	}
	sb_add(out, ", \"source\": ");
	json_add_string(out, sp.source);
	sb_add(out, ", \"largest\": ");
	json_add_string(out, sp.largest >= 0 ? present_stage_field(sp.id[sp.largest]) : NULL);
	sb_add(out, ", \"changes\": ");
	json_add_int(out, st->changes);
	sb_add(out, "}");
}

static void json_weeks(struct strbuf *out, const struct dora_report *r)
{
	sb_add(out, "\"weekly\": [");
	for (int k = 0; k < DORA_WEEKS; k++) {
		const struct dora_week *w = &r->weekly[k];
		sb_addf(out, "%s{\"week\": ", k ? ", " : "");
		json_add_string(out, w->label);
		json_field_int(out, "deploys", w->deploys);
		json_field_num(out, "lead_time_median_hours", w->lead_time_median_hours);
		json_field_num(out, "change_failure_rate", w->change_failure_rate);
		json_field_num(out, "time_to_restore_median_hours", w->time_to_restore_median_hours);
		sb_add(out, "}");
	}
	sb_add(out, "]");
}

/* The scorecard exactly as every view words it (present.c decides). */
static void json_scorecard(struct strbuf *out, const struct dora_report *r, const struct dora_input *in)
{
	static const char *const ids[SCORE_COUNT] = {"deployment_frequency", "lead_time",
		"change_failure_rate", "time_to_restore", "rework_rate"};
	struct score_row rows[SCORE_COUNT];
	present_scorecard(r, in->th, false, rows);
	sb_add(out, "\"scorecard\": [");
	for (int m = 0; m < SCORE_COUNT; m++) {
		sb_addf(out, "%s{\"metric\": \"%s\"", m ? ",\n      " : "\n      ", ids[m]);
		json_field_str(out, "name", rows[m].name);
		json_field_str(out, "current", rows[m].current);
		json_field_str(out, "tier", rows[m].tier);
		json_field_str(out, "target", rows[m].target);
		json_field_str(out, "elite", rows[m].elite);
		sb_add(out, "}");
	}
	sb_add(out, "]");
}

/* The elite cut-offs of the thresholds in use, as numbers. */
static void json_elite(struct strbuf *out, const struct dora_thresholds *th)
{
	sb_add(out, "\"elite\": ");
	if (!th) {
		sb_add(out, "null");
		return;
	}
	sb_add(out, "{\"deploy_days_per_week\": ");
	json_add_num(out, th->df_elite_days);
	json_field_num(out, "lead_time_hours", th->lt_elite_h);
	json_field_num(out, "change_failure_percent", th->cfr_elite);
	json_field_num(out, "restore_hours", th->ttr_elite_h);
	sb_add(out, "}");
}

static void json_deployment(struct strbuf *out, const struct dash *dash, const struct dora_deploy_result *d)
{
	const struct dora_deploy *dp = &dash->dora_in.deploys[d->index];
	struct deploy_verdict v;
	present_deploy_verdict(dash, d->index, &v);
	sb_add(out, "{\"ref\": ");
	json_add_string(out, dp->ref);
	json_field_str(out, "commit", dp->commit);
	json_field_str(out, "service", present_deploy_service(dash, d->index));
	json_field_time(out, "time", dp->time);
	const struct deploy_rec *rec = model_record_of_deploy(dash, d->index);
	/* a record the model does not hold (figures computed apart) is still one */
	json_field_str(out, "source", rec ? present_deploy_source(rec) : dp->from_record ? "record" : "tag");
	json_field_str(out, "origin", rec ? rec->origin : NULL);
	json_field_int(out, "changes", d->changes);
	json_field_str(out, "status", present_deploy_state_word(v.state));
	json_field_bool(out, "failed", d->failed);
	json_field_str(out, "failed_because", present_fail_word(v.why));
	json_field_bool(out, "linked_by_time", v.linked_by_time);
	json_field_str(out, "restored_by", v.restored_by);
	/* docs/metrics.md §3b: "reverted by #131"; null when no pull request says it */
	json_field_num(out, "reverted_by_pr", v.reverted_by_pr > 0 ? (double)v.reverted_by_pr : NAN);
	json_field_num(out, "reverts_pr", v.reverts_pr > 0 ? (double)v.reverts_pr : NAN);
	json_field_num(out, "restore_hours", v.restore_hours);
	json_field_bool(out, "rework", v.rework);
	sb_add(out, "}");
}

static void json_deployments(struct strbuf *out, const struct dash *dash)
{
	const struct dora_report *r = &dash->dora;
	sb_add(out, "\"deployments\": [");
	for (size_t i = 0; i < r->ndeploys; i++) {
		sb_add(out, i ? ",\n    " : "\n    ");
		json_deployment(out, dash, &r->deploys[i]);
	}
	sb_add(out, r->ndeploys ? "\n  ]" : "]");
}

/* The "dora" object: the same shape for the team and for each service. */
static void json_dora(struct strbuf *out, const struct dora_report *r, const struct dora_input *in)
{
	sb_add(out, "{\"thresholds\": ");
	json_add_string(out, r->thresholds[0] ? r->thresholds : NULL);
	sb_add(out, ", \"year\": ");
	if (r->year)
		json_add_int(out, r->year);
	else
		sb_add(out, "null");
	sb_add(out, ",\n    \"deployment_frequency\": {\"deploys\": ");
	json_add_int(out, r->frequency.deploys);
	json_field_num(out, "per_week", r->frequency.per_week);
	json_field_int(out, "deploy_days", r->frequency.deploy_days);
	json_field_int(out, "weeks", r->frequency.weeks);
	json_field_num(out, "median_deploy_days_per_week", r->frequency.median_deploy_days_per_week);
	sb_add(out, ", \"tier\": ");
	json_tier(out, r->frequency.tier);
	sb_add(out, "},\n    \"lead_time\": {\"changes\": ");
	json_add_int(out, r->lead_time.changes);
	json_field_num(out, "median_hours", r->lead_time.median_hours);
	json_field_num(out, "p90_hours", r->lead_time.p90_hours);
	json_field_int(out, "clamped", r->lead_time.clamped);
	sb_add(out, ", \"tier\": ");
	json_tier(out, r->lead_time.tier);
	sb_add(out, ",\n      \"stages\": ");
	snapshot_json_stages(out, &r->lead_time.stages);
	sb_add(out, "},\n    \"change_failure_rate\": {\"failed\": ");
	json_add_int(out, r->cfr.failed);
	json_field_int(out, "deploys", r->cfr.deploys);
	json_field_num(out, "rate", r->cfr.rate);
	sb_add(out, ", \"tier\": ");
	json_tier(out, r->cfr.tier);
	sb_add(out, "},\n    \"time_to_restore\": {\"restores\": ");
	json_add_int(out, r->restore.restores);
	json_field_num(out, "median_hours", r->restore.median_hours);
	sb_add(out, ", \"tier\": ");
	json_tier(out, r->restore.tier);
	sb_add(out, "},\n    \"rework_rate\": {\"rework\": ");
	json_add_int(out, r->rework.rework);
	json_field_int(out, "deploys", r->rework.deploys);
	json_field_num(out, "rate", r->rework.rate);
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
	json_elite(out, in->th);
	sb_add(out, ",\n    ");
	json_scorecard(out, r, in);
	sb_add(out, ",\n    ");
	json_weeks(out, r);
	sb_add(out, "}");
}

/* A service's window deployments, newest first, each as the team's list
 * says it (a pooled deployment's verdict is its service's: docs/metrics.md
 * §13). */
static void json_service_deployments(struct strbuf *out, const struct dash *dash, size_t i)
{
	const struct dora_report *r = dash_service_dora(dash, i);
	const struct dash_service *s = &dash->services[i];
	sb_add(out, "\"deployments\": [");
	for (size_t k = 0; k < r->ndeploys; k++) {
		int t = dash->team ? s->team_index[r->deploys[k].index] : r->deploys[k].index;
		sb_add(out, k ? ",\n      " : "\n      ");
		json_deployment(out, dash, &dash->dora.all[t]);
	}
	sb_add(out, r->ndeploys ? "\n    ]" : "]");
}

static void json_services(struct strbuf *out, const struct dash *dash)
{
	sb_add(out, "\"services\": [");
	for (size_t i = 0; i < dash->nservices; i++) {
		const struct dash_service *s = &dash->services[i];
		sb_add(out, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
		json_add_string(out, s->name);
		json_field_str(out, "repo", s->repo);
		json_field_str(out, "deploy_tags", s->deploy_tags);
		json_field_str(out, "paths", s->paths);
		json_field_str(out, "error", s->error);
		sb_add(out, ",\n    \"dora\": ");
		if (s->ok)
			json_dora(out, dash_service_dora(dash, i), dash_service_input(dash, i));
		else
			sb_add(out, "null");
		sb_add(out, ",\n    ");
		if (s->ok)
			json_service_deployments(out, dash, i);
		else
			sb_add(out, "\"deployments\": []");
		sb_add(out, "}");
	}
	sb_add(out, dash->nservices ? "\n  ]" : "]");
}

void snapshot_dora_json(struct strbuf *out, const struct dash *dash)
{
	sb_add(out, "\"dora\": ");
	json_dora(out, &dash->dora, &dash->dora_in);
	sb_add(out, ",\n  ");
	json_deployments(out, dash);
	sb_add(out, ",\n  ");
	json_services(out, dash);
}
