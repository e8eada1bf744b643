/* pane_feature — one feature (Enter on a board card): its journey as a
 * timeline of phase events with their evidence, its checklists (Space ticks
 * or unticks an item, written at once to the database, in one transaction),
 * and its gate verdict with every reason. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "context.h"
#include "phase.h"
#include "present.h"
#include "store.h"
#include "text.h"
#include "timeutil.h"
#include "tui.h"

/* Line ids: checklist items are encoded so Space can find them again. */
#define CHECK_ID(i) (1000 + (int64_t)(i))

static int draw_head(struct app *a, struct pane *self, int y, int height)
{
	(void)self;
	(void)height;
	const struct dash_feature *f = app_feature(a);
	if (!f) {
		draw_text(a, y, 1, COLS - 2, ROLE_DIM, "No feature selected: pick one on the board (1) and press Enter.");
		return 2;
	}
	struct strbuf sb = STRBUF_INIT;
	sb_add_clean(&sb, f->key ? f->key : "");
	sb_add(&sb, f->key ? "  " : "");
	sb_add_clean(&sb, f->title);
	draw_text(a, y, 1, COLS - 2, ROLE_TITLE, sb_str(&sb));
	sb_reset(&sb);
	enum phase p = PHASE_PLANNING;
	phase_parse(f->phase, &p);
	sb_addf(&sb, "%s%s   size %s", phase_name(p), f->phase_manual ? " (set by hand)" : "", f->size);
	if (a->d.team) { /* several services: whose it is, as its card says */
		sb_add(&sb, "   service ");
		present_service_tag(&sb, f->service);
	}
	if (f->owner) {
		sb_add(&sb, "   owner ");
		sb_add_clean(&sb, f->owner);
	}
	if (f->branch) {
		sb_add(&sb, "   branch ");
		sb_add_clean(&sb, f->branch);
	}
	draw_text(a, y + 1, 1, COLS - 2, ROLE_NORMAL, sb_str(&sb));
	sb_reset(&sb);
	sb_add(&sb, f->expected_label[0] ? f->expected_label : "days in phase unknown");
	/* the flags in the words of the snapshot and `feature list` (present.c) */
	unsigned flags = present_feature_flags(f);
	if (flags) {
		sb_add(&sb, "   flags: ");
		present_flag_words(&sb, flags);
	}
	draw_text(a, y + 2, 1, COLS - 2, f->overdue || f->not_ready ? ROLE_WARN : ROLE_DIM, sb_str(&sb));
	sb_free(&sb);
	draw_text(a, y + 3, 1, COLS - 2, f->gate_go ? ROLE_GOOD : ROLE_BAD,
		  f->gate_go ? "Gate: go" : "Gate: no-go (see the reasons below)");
	move(y + 4, 0);
	clrtoeol();
	return 5;
}

static void build_journey(struct ui_list *l, const struct dash_feature *f)
{
	list_add(l, ROLE_HEADING, false, 0, "Journey");
	for (size_t i = 0; i < f->nevents; i++) {
		const struct dash_event *e = &f->events[i];
		enum phase p = PHASE_PLANNING;
		phase_parse(e->phase, &p);
		char when[24];
		char *ev = text_clean(e->evidence ? e->evidence : "", TEXT_ONE_LINE);
		list_add(l, ROLE_NORMAL, false, 0, "  %s  %-18s %s %.40s",
			 e->at == SD_NO_TIME ? "                " : time_format_short(e->at, when),
			 phase_name(p), e->kind, ev);
		free(ev);
	}
}

/* Where its lead time went: the snapshot's bar and words (present.c). */
static void build_stages(struct app *a, struct ui_list *l, const struct dash_feature *f)
{
	struct stage_split sp;
	struct strbuf sb = STRBUF_INIT;
	present_stages(&f->stages, &sp);
	if (sp.n) {
		present_stage_bar(&sb, &sp, STAGE_BAR_WIDTH, a->ascii);
		sb_addc(&sb, ' ');
	}
	present_stage_words(&sb, &sp, a->ascii, true);
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	list_add(l, ROLE_HEADING, false, 0, "Where its lead time went (first commit to production)");
	if (sp.n)
		list_add_wrapped(l, ROLE_NORMAL, 2, "  %s", sb_str(&sb));
	else
		list_add_wrapped(l, ROLE_DIM, 2, "  n/a: not shipped yet (or by the first deployment, which has no lead time)");
	sb_free(&sb);
}

static void build_checks(struct app *a, struct ui_list *l, const struct dash_feature *f)
{
	enum checklist_kind last = CHECKLIST_KIND_COUNT;
	for (size_t i = 0; i < f->nchecks; i++) {
		const struct dash_check *ch = &f->checks[i];
		if (ch->kind != last) {
			list_add(l, ROLE_NORMAL, false, 0, "%s", "");
			list_add(l, ROLE_HEADING, false, 0, "%s  (Space ticks)",
				 checklist_of(&a->d.checklists, ch->kind)->title);
			last = ch->kind;
		}
		char *text = text_clean(ch->text, TEXT_ONE_LINE);
		char *by = text_clean(ch->by ? ch->by : "", TEXT_ONE_LINE);
		char *why = text_clean(ch->na && ch->note ? ch->note : "", TEXT_ONE_LINE);
		if (ch->na)
			list_add(l, ROLE_DIM, true, CHECK_ID(i), "  [-] %s   N/A: %s%s%s", text, why,
				 *by ? " - " : "", by);
		else
			list_add(l, ch->done ? ROLE_GOOD : ROLE_NORMAL, true, CHECK_ID(i), "  [%s] %s%s%s",
				 ch->done ? "x" : " ", text, ch->done ? "   - " : "", by);
		free(text);
		free(by);
		free(why);
	}
}

static void build_gate(struct ui_list *l, const struct dash_feature *f)
{
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	list_add(l, ROLE_HEADING, false, 0, "Gate: %s", f->gate_go ? "go" : "no-go");
	for (size_t i = 0; i < f->ngate; i++) {
		enum role r = f->gate[i].level == GATE_BLOCK ? ROLE_BAD : f->gate[i].level == GATE_WARN ? ROLE_WARN : ROLE_GOOD;
		list_add(l, r, false, 0, "  %-5s %s", gate_level_id(f->gate[i].level), f->gate[i].text);
	}
}

static void build(struct app *a, struct pane *p)
{
	struct ui_list *l = &p->list;
	const struct dash_feature *f = app_feature(a);
	if (!f)
		return;
	build_journey(l, f);
	build_stages(a, l, f);
	build_checks(a, l, f);
	build_gate(l, f);
}

/* Ticks or unticks the item under the cursor, in one transaction. */
static void toggle(struct app *a, struct pane *p)
{
	const struct dash_feature *f = app_feature(a);
	const struct ui_line *line = list_current(&p->list);
	if (!f || !line || line->id < CHECK_ID(0) || (size_t)(line->id - CHECK_ID(0)) >= f->nchecks)
		return;
	if (opt_bool(&a->c->opt, OPT_READ_ONLY)) {
		app_status(a, true, "read-only: nothing can be ticked");
		return;
	}
	const struct dash_check *ch = &f->checks[line->id - CHECK_ID(0)];
	struct store *st = a->c->store;
	char id[64];
	snprintf(id, sizeof id, "%s", ch->id);
	/* Space clears a tick or a stored N/A mark; an item switched off by
	 * config has no mark to clear, so Space ticks it */
	bool was = ch->done || (ch->na && !ch->na_config);
	bool was_na = ch->na && !ch->na_config;
	struct check_tick t = {f->id, (char *)checklist_kind_id(ch->kind), id, (char *)ctx_user(a->c),
			       a->c->now, NULL, false};
	int rc = store_begin(st);
	if (rc == 0)
		rc = was ? (store_tick_clear(st, f->id, t.kind, id) < 0 ? -1 : 0) : store_tick_set(st, &t);
	if (rc == 0)
		rc = store_commit(st);
	if (rc != 0) {
		store_rollback(st);
		app_status(a, true, "%s", store_errmsg(st));
		return;
	}
	app_reload(a);
	app_status(a, false, "%s %s", was_na ? "cleared the N/A mark of" : was ? "unticked" : "ticked", id);
}

static bool key(struct app *a, struct pane *p, enum action act)
{
	if (act == ACT_TOGGLE) {
		toggle(a, p);
		return true;
	}
	return false;
}

const struct pane_ops pane_feature = {
	.title = "Feature",
	.build = build,
	.draw_head = draw_head,
	.key = key,
};
