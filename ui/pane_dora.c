/* pane_dora — the DORA scorecard as in the guide: metric | current | tier |
 * target | elite, tier colours, a 12-week sparkline per metric, the report
 * year of the thresholds, how each figure was computed, and the window's
 * deployments. It shows the same struct dora_report the snapshot prints.
 * With several services the scorecard on top is the team's, and the list
 * below starts with one block per service (the same rows as the snapshot's
 * blocks, docs/metrics.md §13): j/k step from block to block, Enter shows
 * that service alone (as S and the picker do). */
#include <curses.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "present.h"
#include "text.h"
#include "timeutil.h"
#include "tui.h"

static enum role met_role(enum dora_target_state s)
{
	return s == TARGET_MET ? ROLE_GOOD : s == TARGET_MISSED ? ROLE_BAD : ROLE_DIM;
}

/* One scorecard row as present.c words it: the same cells as the snapshot. */
static int draw_row(struct app *a, int y, const struct score_row *r)
{
	draw_text(a, y, 1, 22, ROLE_NORMAL, r->name);
	draw_text(a, y, 23, 12, ROLE_ACCENT, r->current);
	draw_text(a, y, 35, 14, r->tier_id == TIER_NA ? ROLE_DIM : draw_tier_role(dora_tier_name(r->tier_id)),
		  r->tier);
	char target[48];
	const char *mark = present_met_mark(r->met, a->ascii);
	snprintf(target, sizeof target, "%s%s%s", r->target, *mark ? " " : "", mark);
	draw_text(a, y, 49, 15, met_role(r->met), target);
	draw_text(a, y, 64, COLS - 64, ROLE_DIM, r->elite);
	return 1;
}

/* Where lead time goes, under its row: the bar with the largest stage, then
 * each stage's median (present.c words them as the snapshot does), on two
 * lines when they do not fit on one (four stages at 80 columns). */
static int draw_stages(struct app *a, int y)
{
	struct stage_split sp;
	struct strbuf bar = STRBUF_INIT, words = STRBUF_INIT;
	present_stages(&a->d.dora.lead_time.stages, &sp);
	if (!sp.n)
		return 0;
	present_stage_bar(&bar, &sp, STAGE_BAR_WIDTH, a->ascii);
	sb_add(&bar, "  ");
	present_stage_largest(&bar, &sp);
	present_stage_words(&words, &sp, a->ascii, false);
	draw_text(a, y, 3, 20, ROLE_DIM, "where it goes");
	draw_text(a, y, 23, COLS - 24, ROLE_NORMAL, sb_str(&bar));
	int used = 1 + draw_wrapped(a, y + 1, 23, COLS - 24, ROLE_NORMAL, sb_str(&words), 2);
	sb_free(&bar);
	sb_free(&words);
	return used;
}

/* The thresholds the model loaded, for present_scorecard. */
static const struct dora_thresholds *thresholds(const struct app *a)
{
	return a->d.dora_in.th ? &a->d.thresholds : NULL;
}

/* "team of 2 services": the first heading cell above the team's rows. */
static const char *team_name(const struct app *a, char *buf, size_t len)
{
	snprintf(buf, len, "team of %zu services", a->d.nservices);
	return buf;
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
	int used = 1;
	if (opt_str(&a->c->opt, OPT_SERVICE) && a->d.nservices == 1) {
		/* narrowed to one service: say whose figures these are */
		struct strbuf title = STRBUF_INIT;
		present_service_title(&title, &a->d.services[0]);
		draw_text(a, y + used++, 1, COLS - 2, ROLE_TITLE, sb_str(&title));
		sb_free(&title);
	}
	char head[96], team[32];
	snprintf(head, sizeof head, "%-22s%s", a->d.team ? team_name(a, team, sizeof team) : "metric",
		 "current     tier          target         elite");
	draw_text(a, y + used++, 1, COLS - 2, ROLE_HEADING, head);
	struct score_row rows[SCORE_COUNT];
	/* the thresholds the model loaded (dora_in.th pointed into the dash the
	 * model was built in, which the app copied) */
	present_scorecard(r, thresholds(a), a->ascii, rows);
	for (int i = 0; i < SCORE_COUNT; i++) {
		used += draw_row(a, y + used, &rows[i]);
		if (i == SCORE_LT)
			used += draw_stages(a, y + used);
	}
	move(y + used, 0);
	clrtoeol();
	return used + 1;
}

static void trend_line(struct app *a, struct ui_list *l, enum score_metric m)
{
	double v[DORA_WEEKS];
	struct strbuf sb = STRBUF_INIT, now = STRBUF_INIT;
	present_week_values(&a->d.dora, m, v);
	present_sparkline(&sb, v, DORA_WEEKS, a->ascii);
	present_trend_summary(&now, &a->d.dora, m);
	list_add(l, ROLE_NORMAL, false, 0, "  %-22s %s %s", present_trend_name(m), sb_str(&sb), sb_str(&now));
	sb_free(&sb);
	sb_free(&now);
}

/* A line's id that is neither a deployment (>= 0) nor a service (-1 - i). */
#define SECTION_ID INT64_MIN

/* Makes the lines from `first` on one section the cursor stops on: its
 * heading, and the rest continuing it. Without a line to stop on, a
 * section between the service blocks and the deployments could scroll
 * past unseen (the cursor pulls the view from one to the other). */
static void section(struct ui_list *l, size_t first)
{
	if (first >= l->n)
		return;
	l->lines[first].selectable = true;
	l->lines[first].id = SECTION_ID;
	for (size_t k = first + 1; k < l->n; k++)
		l->lines[k].follows = true;
}

static void build_trend(struct app *a, struct ui_list *l)
{
	size_t first = l->n;
	const struct dora_report *r = &a->d.dora;
	list_add(l, ROLE_HEADING, false, 0, "Trend by week, %s to %s", r->weekly[0].label,
		 r->weekly[DORA_WEEKS - 1].label);
	for (int m = 0; m < SCORE_REWORK; m++)
		trend_line(a, l, (enum score_metric)m);
	section(l, first);
}

static void build_how(struct ui_list *l, const struct dora_report *r)
{
	size_t first = l->n;
	list_add(l, ROLE_HEADING, false, 0, "How these were computed");
	list_add_wrapped(l, ROLE_DIM, 2, "  Frequency: %d deployments on %d days; tier from the median deployment days per full week (%d weeks).",
		 r->frequency.deploys, r->frequency.deploy_days, r->frequency.weeks);
	list_add_wrapped(l, ROLE_DIM, 2, "  Lead time: deploy time - author time of %d changes (commits with <= 1 parent, first deployment excluded), %d clamped at 0.",
		 r->lead_time.changes, r->lead_time.clamped);
	list_add_wrapped(l, ROLE_DIM, 2, "  Failures: %d of %d deployments (reverts shipped later, failed records, incidents).",
		 r->cfr.failed, r->cfr.deploys);
	list_add_wrapped(l, ROLE_DIM, 2, "  Restore: median over %d restored failures; rework: %d deployments restoring an earlier one.",
		 r->restore.restores, r->rework.rework);
	section(l, first);
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
		struct deploy_verdict v;
		struct strbuf st = STRBUF_INIT;
		present_deploy_verdict(&a->d, dr->index, &v);
		present_deploy_detail(&st, &v);
		const char *status = present_deploy_state_word(v.state);
		/* with several services, whose it is before the ref (the refs of
		 * two repositories can be alike) */
		struct strbuf cell = STRBUF_INIT;
		present_deploy_service_cell(&cell, &a->d, dr->index, 10, a->ascii);
		char *svc = sb_detach(&cell);
		/* the state before the ref, so 80 columns never cut it */
		struct ui_line *line = list_add(l, dr->failed ? ROLE_BAD : ROLE_NORMAL, true, dr->index,
			"  %s  %-11s %3d ch  " FLEX("%s") "%s%-16.16s %.7s  %s",
			present_date(dd->time, a->d.now, when), status, dr->changes, svc,
			svc[0] ? " " : "", ref, dd->commit, sb_str(&st));
		free(svc);
		line->sort[0] = xasprintf("%020lld", (long long)(INT64_MAX / 2 - dd->time));
		line->sort[1] = xasprintf("%08d", 99999999 - dr->changes);
		line->sort[2] = xstrdup(status);
		sb_free(&st);
		free(ref);
	}
	if (r->ndeploys == 0 && a->d.dora_none)
		list_add(l, ROLE_WARN, false, 0, "  %s", a->d.dora_none);
}

/* A scorecard row as a list line, in the columns of the team's rows above. */
static void service_row(struct app *a, struct ui_list *l, const struct score_row *r)
{
	struct strbuf sb = STRBUF_INIT, target = STRBUF_INIT;
	const char *mark = present_met_mark(r->met, a->ascii);
	sb_addf(&target, "%s%s%s", r->target, *mark ? " " : "", mark);
	sb_addc(&sb, ' ');
	text_fit(&sb, r->name, 22, false, a->ascii);
	text_fit(&sb, r->current, 12, false, a->ascii);
	text_fit(&sb, r->tier, 14, false, a->ascii);
	text_fit(&sb, sb_str(&target), 15, false, a->ascii);
	sb_add(&sb, r->elite);
	struct ui_line *line = list_add_more(l, ROLE_NORMAL, "%s", sb_str(&sb));
	/* the same colours as the team's rows (draw_row) */
	line->cells[0] = (struct ui_cell){23, 12, ROLE_ACCENT, xstrdup(r->current)};
	line->cells[1] = (struct ui_cell){35, 14, r->tier_id == TIER_NA ? ROLE_DIM : draw_tier_role(dora_tier_name(r->tier_id)),
					  xstrdup(r->tier)};
	line->cells[2] = (struct ui_cell){49, 15, met_role(r->met), sb_detach(&target)};
	line->cells[3] = (struct ui_cell){64, 40, ROLE_DIM, xstrdup(r->elite)};
	sb_free(&sb);
}

/* The counts behind a service's figures, one line: "2 deployments on 2
 * days, 1 change, 0 of 2 failed, 0 restored, 0 rework". */
static void service_counts(struct ui_list *l, const struct dora_report *r)
{
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "  ");
	present_count(&sb, r->frequency.deploys, "deployment", "deployments");
	sb_add(&sb, " on ");
	present_count(&sb, r->frequency.deploy_days, "day", "days");
	sb_add(&sb, ", ");
	present_count(&sb, r->lead_time.changes, "change", "changes");
	sb_addf(&sb, ", %d of %d failed, %d restored, %d rework", r->cfr.failed, r->cfr.deploys,
		r->restore.restores, r->rework.rework);
	list_add_more(l, ROLE_DIM, "%s", sb_str(&sb));
	sb_free(&sb);
}

/* One block per service below the team's scorecard (docs/metrics.md §13):
 * its title (the line the cursor stops on; its id is -1 - the service's
 * index), its five rows and its counts; one whose repository could not be
 * read says why. */
static void build_services(struct app *a, struct ui_list *l)
{
	for (size_t i = 0; a->d.team && i < a->d.nservices; i++) {
		const struct dash_service *s = &a->d.services[i];
		struct strbuf title = STRBUF_INIT;
		present_service_title(&title, s);
		list_add(l, ROLE_TITLE, true, -1 - (int64_t)i, " %s", sb_str(&title));
		sb_free(&title);
		if (!s->ok) {
			char *why = text_clean(s->error ? s->error : "no repository", TEXT_ONE_LINE);
			list_add_more(l, ROLE_WARN, "  not read: %s", why);
			free(why);
			list_add(l, ROLE_NORMAL, false, 0, "%s", "");
			continue;
		}
		struct score_row rows[SCORE_COUNT];
		present_scorecard(dash_service_dora(&a->d, i), thresholds(a), a->ascii, rows);
		for (int m = 0; m < SCORE_COUNT; m++)
			service_row(a, l, &rows[m]);
		service_counts(l, dash_service_dora(&a->d, i));
		list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	}
}

/* What the model noted while reading (a tag pattern matching nothing, a
 * deployment's commit missing, a service whose repository cannot be read):
 * the snapshot's "Needs attention now" bullets, here in full, each cleaned
 * (they quote outside text) and wrapped. The board counts them. */
static void build_notes(struct app *a, struct ui_list *l)
{
	if (!a->d.nnotes)
		return;
	size_t first = l->n;
	list_add(l, ROLE_HEADING, false, 0, "Notes (%zu)", a->d.nnotes);
	for (size_t i = 0; i < a->d.nnotes; i++) {
		char *clean = text_clean(a->d.notes[i], TEXT_ONE_LINE);
		list_add_wrapped(l, ROLE_WARN, 4, "  %s %s", a->ascii ? "!" : "\xe2\x96\xb8", clean);
		free(clean);
	}
	section(l, first);
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
}

static void build(struct app *a, struct pane *p)
{
	struct ui_list *l = &p->list;
	if (!a->d.has_history) {
		build_notes(a, l);
		return;
	}
	/* the notes after the services' blocks (one of them may be why a
	 * block is empty), before the trend */
	build_services(a, l);
	build_notes(a, l);
	build_trend(a, l);
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	build_how(l, &a->d.dora);
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	build_deploys(a, l);
}

/* Enter on a service's block shows that service alone. */
static bool key(struct app *a, struct pane *p, enum action act)
{
	const struct ui_line *line = list_current(&p->list);
	if (act != ACT_ENTER || !line || line->id >= 0 || line->id == SECTION_ID || !a->d.team)
		return false;
	size_t i = (size_t)(-1 - line->id);
	if (i < a->d.nservices)
		app_show_service(a, app_service_index(a, a->d.services[i].name));
	return true;
}

/* The legend in the help pane: the scorecard's marks. */
static void help(struct app *a, struct ui_list *l)
{
	char key[16];
	app_action_key(a, ACT_PANE_DORA, key, sizeof key);
	list_add(l, ROLE_HEADING, false, 0, "DORA scorecard (key %s)", key[0] ? key : "none");
	list_add_wrapped(l, ROLE_NORMAL, 14, "  tier (year)   the band of that year's DORA report the figure falls in");
	char *marks = xasprintf("target %s %s", present_met_mark(TARGET_MET, a->ascii), present_met_mark(TARGET_MISSED, a->ascii));
	list_add_wrapped(l, ROLE_NORMAL, 14, "  %s%*s the team's target met, missed; - no figure to judge", marks,
			 13 - text_width(marks), "");
	free(marks);
	list_add_wrapped(l, ROLE_NORMAL, 14, "  elite         what the report's elite band asks for");
	list_add_wrapped(l, ROLE_NORMAL, 14, "  services      with several, the team's scorecard on top, then a block per service: j/k step, Enter shows that one alone");
}

const struct pane_ops pane_dora = {
	.title = "DORA",
	.build = build,
	.draw_head = draw_head,
	.key = key,
	.help = help,
};
