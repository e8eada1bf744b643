/* pane_builds — build health: the summary a lead reads aloud, a duration
 * sparkline per day, failure kinds, the cost of waiting, and the table of
 * recent builds (s sorts by time, duration or outcome). */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "timeutil.h"
#include "tui.h"

static void money(char *buf, size_t len, double v)
{
	long long whole = llround(v);
	char digits[32];
	snprintf(digits, sizeof digits, "%lld", whole);
	size_t n = strlen(digits), o = 0;
	buf[o++] = '$';
	for (size_t i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

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
	char line[256];
	if (h->has_duration)
		snprintf(line, sizeof line, "Build time: median %.0f min (%s), p90 %.0f min; %d builds in %d days, %d running",
			 h->median_minutes, h->tier, h->p90_minutes, h->count, h->window_days, h->running);
	else
		snprintf(line, sizeof line, "Build time: n/a (no finished build); %d builds, %d running", h->count, h->running);
	/* a summary line too long for the screen wraps: its figures stay whole */
	int used = draw_wrapped(a, y, 1, COLS - 2, draw_tier_role(h->tier), line, 2);
	struct strbuf sb = STRBUF_INIT;
	if (h->has_failure_rate) {
		sb_addf(&sb, "Failures: %.0f %% of %d runs", h->failure_rate, h->judged);
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
		char cost[32], save[32];
		money(cost, sizeof cost, h->cost_per_year);
		money(save, sizeof save, h->saving_per_year);
		sb_addf(&sb, "Waiting: %.1f h a week = %s a year at %g/h; under 10 min would save %s",
			h->wait_hours_per_week, cost, h->hourly_cost, save);
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
		list_add(l, ROLE_NORMAL, false, 0, "  %-30.30s %5.0f min  %d builds", name,
			 h->slowest[i].median_minutes, h->slowest[i].count);
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
		if (b->duration_s != SD_NO_TIME)
			snprintf(dur, sizeof dur, "%3lld min", (long long)(b->duration_s / 60));
		else
			snprintf(dur, sizeof dur, "running");
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
