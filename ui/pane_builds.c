/* pane_builds — build health: the summary a lead reads aloud, a duration
 * sparkline per day, failure kinds, the cost of waiting, and the table of
 * recent builds (s sorts by time, duration or outcome). */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "present.h"
#include "text.h"
#include "timeutil.h"
#include "tui.h"

static int draw_head(struct app *a, struct pane *p, int y, int height)
{
	(void)p;
	(void)height;
	const struct build_health *h = &a->d.health;
	if (!a->d.has_health || h->count == 0) {
		draw_text(a, y, 1, COLS - 2, ROLE_WARN,
			  "No builds in the window: import CI runs with 'shipdeck build import FILE' (gh, GitHub, GitLab, Jenkins JSON).");
		return 2;
	}
	/* units, plurals and numbers as the snapshot words them (present.c) */
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "Build time: ");
	if (h->has_duration) {
		sb_add(&sb, "median ");
		present_minutes(&sb, h->median_minutes);
		sb_addf(&sb, " (%s), p90 ", h->tier);
		present_minutes(&sb, h->p90_minutes);
	} else {
		sb_add(&sb, "n/a (no finished build)");
	}
	sb_add(&sb, "; ");
	present_count(&sb, h->count, "build", "builds");
	sb_add(&sb, " in ");
	present_count(&sb, h->window_days, "day", "days");
	sb_addf(&sb, ", %d running", h->running);
	/* a summary line too long for the screen wraps: its figures stay whole */
	int used = draw_wrapped(a, y, 1, COLS - 2, draw_tier_role(h->tier), sb_str(&sb), 2);
	sb_reset(&sb);
	if (h->has_failure_rate) {
		sb_add(&sb, "Failures: ");
		present_percent(&sb, h->failure_rate);
		sb_add(&sb, " of ");
		present_count(&sb, h->judged, "run", "runs");
		const char *sep = " (";
		for (int k = 0; k < FK_COUNT; k++)
			if (h->kinds[k]) {
				sb_addf(&sb, "%s%s %d", sep, build_failure_kinds[k], h->kinds[k]);
				sep = ", ";
			}
		sb_add(&sb, *sep == ',' ? ")" : "");
	} else {
		sb_add(&sb, "Failures: n/a");
	}
	used += draw_wrapped(a, y + used, 1, COLS - 2,
			     h->has_failure_rate && h->failure_rate > 15 ? ROLE_WARN : ROLE_NORMAL, sb_str(&sb), 2);
	sb_reset(&sb);
	if (h->has_wait) {
		sb_add(&sb, "Waiting: ");
		present_hours(&sb, h->wait_hours_per_week);
		sb_add(&sb, " a week = ");
		present_money(&sb, h->cost_per_year);
		sb_add(&sb, " a year at ");
		present_money(&sb, h->hourly_cost);
		sb_add(&sb, "/h; under 10 min would save ");
		present_money(&sb, h->saving_per_year);
	} else {
		sb_add(&sb, "Waiting: n/a (no finished build in the last 7 days)");
	}
	used += draw_wrapped(a, y + used, 1, COLS - 2, ROLE_NORMAL, sb_str(&sb), 2);
	sb_reset(&sb);
	sb_add(&sb, "Median per day, 30 days: ");
	double days[BH_DAYS];
	for (int i = 0; i < BH_DAYS; i++)
		days[i] = h->daily_has[i] ? h->daily_minutes[i] : NAN;
	draw_sparkline(&sb, days, BH_DAYS, a->ascii);
	draw_text(a, y + used++, 1, COLS - 2, ROLE_ACCENT, sb_str(&sb));
	sb_free(&sb);
	return used + 1;
}

static void build_slowest(struct ui_list *l, const struct build_health *h)
{
	if (h->nslowest == 0)
		return;
	list_add(l, ROLE_HEADING, false, 0, "Slowest workflows (median)");
	for (int i = 0; i < h->nslowest; i++) {
		char *name = text_clean(h->slowest[i].name[0] ? h->slowest[i].name : "(unnamed)", TEXT_ONE_LINE);
		struct strbuf m = STRBUF_INIT;
		present_minutes(&m, h->slowest[i].median_minutes);
		list_add(l, ROLE_NORMAL, false, 0, "  %-30.30s %8s  %d %s", name, sb_str(&m),
			 h->slowest[i].count, present_plural(h->slowest[i].count, "build", "builds"));
		sb_free(&m);
		free(name);
	}
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
}

static void build(struct app *a, struct pane *p)
{
	struct ui_list *l = &p->list;
	if (!a->d.has_health)
		return;
	build_slowest(l, &a->d.health);
	struct ui_list *self = l;
	self->sort_names[0] = "time";
	self->sort_names[1] = "duration";
	self->sort_names[2] = "outcome";
	list_add(l, ROLE_HEADING, false, 0, "Recent builds, newest first (s sorts)");
	int64_t since = a->d.now - (int64_t)a->d.window_days * 86400;
	for (size_t k = a->d.nbuilds; k-- > 0;) {
		const struct build *b = &a->d.builds[k];
		int64_t t = b->started != SD_NO_TIME ? b->started : b->created;
		if (t != SD_NO_TIME && t <= since)
			continue;
		char when[24] = "                ";
		if (t != SD_NO_TIME)
			time_format_short(t, when);
		char dur[32];
		struct strbuf ds = STRBUF_INIT;
		if (b->duration_s != SD_NO_TIME)
			present_minutes(&ds, b->duration_s / 60.0);
		else
			sb_add(&ds, "running");
		snprintf(dur, sizeof dur, "%s", sb_str(&ds));
		sb_free(&ds);
		const char *outcome = b->conclusion ? b->conclusion : b->status;
		char *wf = text_clean(b->workflow ? b->workflow : "", TEXT_ONE_LINE);
		char *br = text_clean(b->branch ? b->branch : "", TEXT_ONE_LINE);
		enum role r = streq(b->conclusion, "success") ? ROLE_NORMAL : b->conclusion ? ROLE_BAD : ROLE_WARN;
		/* names give way first: the duration, outcome and kind stay whole */
		struct ui_line *line = list_add(l, r, true, b->id,
						"  %s  " FLEX("%-16.16s") " " FLEX("%-14.14s") " " FLEX("%.7s") "  %-8s %-9s %s",
						when, wf, br, b->commit ? b->commit : "", dur, outcome,
						b->failure_kind ? b->failure_kind : "");
		line->sort[0] = xasprintf("%020lld", (long long)(INT64_MAX / 2 - t));
		line->sort[1] = xasprintf("%020lld", (long long)(INT64_MAX / 2 - (b->duration_s == SD_NO_TIME ? 0 : b->duration_s)));
		line->sort[2] = xstrdup(outcome ? outcome : "");
		free(wf);
		free(br);
	}
}

const struct pane_ops pane_builds = {
	.title = "Builds",
	.build = build,
	.draw_head = draw_head,
};
