/* pane_dora — the DORA scorecard as in the guide: metric | current | tier |
 * target | elite, tier colours, a 12-week sparkline per metric, the report
 * year of the thresholds, how each figure was computed, and the window's
 * deployments. It shows the same struct dora_report the snapshot prints. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "timeutil.h"
#include "tui.h"

static void fmt_hours(char *buf, size_t len, double h)
{
	if (isnan(h))
		snprintf(buf, len, "n/a");
	else if (h < 1)
		snprintf(buf, len, "%.0f min", h * 60);
	else if (h < 48)
		snprintf(buf, len, "%.1f h", h);
	else
		snprintf(buf, len, "%.1f d", h / 24);
}

static void fmt_pct(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.1f %%", v);
}

static const char *met_mark(const struct app *a, enum dora_target_state s)
{
	if (s == TARGET_MET)
		return a->ascii ? "ok" : "\xe2\x9c\x93";
	if (s == TARGET_MISSED)
		return a->ascii ? "x" : "\xe2\x9c\x97";
	return "-";
}

static enum role met_role(enum dora_target_state s)
{
	return s == TARGET_MET ? ROLE_GOOD : s == TARGET_MISSED ? ROLE_BAD : ROLE_DIM;
}

struct row {
	const char *metric;
	char current[24], target[32];
	const char *elite;
	enum dora_tier tier;
	enum dora_target_state met;
};

static int draw_row(struct app *a, int y, const struct row *r, int year)
{
	char tier[32];
	if (r->tier == TIER_NA)
		snprintf(tier, sizeof tier, "n/a");
	else
		snprintf(tier, sizeof tier, "%s (%d)", dora_tier_name(r->tier), year);
	draw_text(a, y, 1, 22, ROLE_NORMAL, r->metric);
	draw_text(a, y, 23, 12, ROLE_ACCENT, r->current);
	draw_text(a, y, 35, 14, draw_tier_role(dora_tier_name(r->tier)), tier);
	char target[48];
	snprintf(target, sizeof target, "%s %s", r->target, met_mark(a, r->met));
	draw_text(a, y, 49, 15, met_role(r->met), target);
	draw_text(a, y, 64, COLS - 64, ROLE_DIM, r->elite);
	return 1;
}

static int draw_head(struct app *a, struct pane *p, int y, int height)
{
	(void)p;
	(void)height;
	const struct dora_report *r = &a->d.dora;
	if (!a->d.has_history) {
		draw_text(a, y, 1, COLS - 2, ROLE_WARN, "No history read: open shipdeck inside a git repository (or --repo PATH).");
		return 2;
	}
	char line[160];
	if (r->year)
		snprintf(line, sizeof line, "DORA, last %d days; tiers from the DORA %d report (%s)",
			 r->window_days, r->year, r->thresholds);
	else
		snprintf(line, sizeof line, "DORA, last %d days; no tier thresholds loaded", r->window_days);
	draw_text(a, y, 1, COLS - 2, ROLE_TITLE, line);
	draw_text(a, y + 1, 1, COLS - 2, ROLE_HEADING,
		  "metric                current     tier          target         elite");
	struct row rows[4] = {
		{"Deployment frequency", "", "", ">= 5 days/week", r->frequency.tier, r->df_met},
		{"Lead time (median)", "", "", "< 24 h", r->lead_time.tier, r->lt_met},
		{"Change failure rate", "", "", "<= 5 %", r->cfr.tier, r->cfr_met},
		{"Time to restore", "", "", "< 1 h", r->restore.tier, r->ttr_met},
	};
	if (isnan(r->frequency.per_week))
		snprintf(rows[0].current, sizeof rows[0].current, "n/a");
	else
		snprintf(rows[0].current, sizeof rows[0].current, "%.1f/week", r->frequency.per_week);
	snprintf(rows[0].target, sizeof rows[0].target, ">= %g/week", r->targets.deploys_per_week);
	fmt_hours(rows[1].current, sizeof rows[1].current, r->lead_time.median_hours);
	snprintf(rows[1].target, sizeof rows[1].target, "< %g h", r->targets.lead_time_hours);
	fmt_pct(rows[2].current, sizeof rows[2].current, r->cfr.rate);
	snprintf(rows[2].target, sizeof rows[2].target, "< %g %%", r->targets.cfr_percent);
	fmt_hours(rows[3].current, sizeof rows[3].current, r->restore.median_hours);
	snprintf(rows[3].target, sizeof rows[3].target, "< %g h", r->targets.restore_hours);
	int used = 2;
	for (int i = 0; i < 4; i++)
		used += draw_row(a, y + used, &rows[i], r->year);
	char rework[32];
	fmt_pct(rework, sizeof rework, r->rework.rate);
	snprintf(line, sizeof line, " Rework rate           %-11s no tiers (DORA publishes none)", rework);
	draw_text(a, y + used++, 0, COLS, ROLE_NORMAL, line);
	move(y + used, 0);
	clrtoeol();
	return used + 1;
}

static void trend_line(struct app *a, struct ui_list *l, const char *name, const double *v)
{
	struct strbuf sb = STRBUF_INIT;
	draw_sparkline(&sb, v, DORA_WEEKS, a->ascii);
	list_add(l, ROLE_NORMAL, false, 0, "  %-22s %s", name, sb_str(&sb));
	sb_free(&sb);
}

static void build_trend(struct app *a, struct ui_list *l)
{
	const struct dora_report *r = &a->d.dora;
	double dep[DORA_WEEKS], lt[DORA_WEEKS], cfr[DORA_WEEKS], ttr[DORA_WEEKS];
	for (int i = 0; i < DORA_WEEKS; i++) {
		dep[i] = r->weekly[i].deploys;
		lt[i] = r->weekly[i].lead_time_median_hours;
		cfr[i] = r->weekly[i].change_failure_rate;
		ttr[i] = r->weekly[i].time_to_restore_median_hours;
	}
	list_add(l, ROLE_HEADING, false, 0, "Trend by week, %s to %s", r->weekly[0].label,
		 r->weekly[DORA_WEEKS - 1].label);
	trend_line(a, l, "Deployments", dep);
	trend_line(a, l, "Lead time", lt);
	trend_line(a, l, "Change failure rate", cfr);
	trend_line(a, l, "Time to restore", ttr);
}

static void build_how(struct ui_list *l, const struct dora_report *r)
{
	list_add(l, ROLE_HEADING, false, 0, "How these were computed");
	list_add_wrapped(l, ROLE_DIM, 2, "  Frequency: %d deployments on %d days; tier from the median deployment days per full week (%d weeks).",
		 r->frequency.deploys, r->frequency.deploy_days, r->frequency.weeks);
	list_add_wrapped(l, ROLE_DIM, 2, "  Lead time: deploy time - author time of %d changes (commits with <= 1 parent, first deployment excluded), %d clamped at 0.",
		 r->lead_time.changes, r->lead_time.clamped);
	list_add_wrapped(l, ROLE_DIM, 2, "  Failures: %d of %d deployments (reverts shipped later, failed records, incidents).",
		 r->cfr.failed, r->cfr.deploys);
	list_add_wrapped(l, ROLE_DIM, 2, "  Restore: median over %d restored failures; rework: %d deployments restoring an earlier one.",
		 r->restore.restores, r->rework.rework);
}

static void build_deploys(struct app *a, struct ui_list *l)
{
	const struct dora_report *r = &a->d.dora;
	list_add(l, ROLE_HEADING, false, 0, "Deployments in the window, newest first (s sorts)");
	l->sort_names[0] = "time";
	l->sort_names[1] = "changes";
	l->sort_names[2] = "status";
	for (size_t i = 0; i < r->ndeploys; i++) {
		const struct dora_deploy_result *dr = &r->deploys[i];
		const struct dora_deploy *dd = &a->d.dora_in.deploys[dr->index];
		char when[24];
		char *ref = text_clean(dd->ref, TEXT_ONE_LINE);
		const char *status = dr->failed ? (dr->restored_by >= 0 ? "failed, restored" : "failed") :
				     dr->rework ? "ok, rework" : "ok";
		struct ui_line *line = list_add(l, dr->failed ? ROLE_BAD : ROLE_NORMAL, true, dr->index,
			"  %s  %-16.16s %.7s  %3d changes  %s", time_format_short(dd->time, when), ref,
			dd->commit, dr->changes, status);
		line->sort[0] = xasprintf("%020lld", (long long)(INT64_MAX / 2 - dd->time));
		line->sort[1] = xasprintf("%08d", 99999999 - dr->changes);
		line->sort[2] = xstrdup(status);
		free(ref);
	}
	if (r->ndeploys == 0 && a->d.dora_none)
		list_add(l, ROLE_WARN, false, 0, "  %s", a->d.dora_none);
}

static void build(struct app *a, struct pane *p)
{
	struct ui_list *l = &p->list;
	if (!a->d.has_history)
		return;
	build_trend(a, l);
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	build_how(l, &a->d.dora);
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	build_deploys(a, l);
}

/* The legend in the help pane: the scorecard's marks. */
static void help(struct app *a, struct ui_list *l)
{
	char key[16];
	app_action_key(a, ACT_PANE_DORA, key, sizeof key);
	list_add(l, ROLE_HEADING, false, 0, "DORA scorecard (key %s)", key[0] ? key : "none");
	list_add_wrapped(l, ROLE_NORMAL, 14, "  tier (year)   the band of that year's DORA report the figure falls in");
	char *marks = xasprintf("target %s %s", met_mark(a, TARGET_MET), met_mark(a, TARGET_MISSED));
	list_add_wrapped(l, ROLE_NORMAL, 14, "  %s%*s the team's target met, missed; - no figure to judge", marks,
			 13 - text_width(marks), "");
	free(marks);
	list_add_wrapped(l, ROLE_NORMAL, 14, "  elite         what the report's elite band asks for");
}

const struct pane_ops pane_dora = {
	.title = "DORA",
	.build = build,
	.draw_head = draw_head,
	.help = help,
};
