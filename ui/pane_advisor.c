/* pane_advisor — the deployment window now, the three strategy questions
 * answered in place (h/l or Space change the answer under the cursor), and
 * the rollback-or-fix-forward questions; the advice and its reasons update
 * as you answer. The rules are the same tables `shipdeck advise` uses. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "advice.h"
#include "datafiles.h"
#include "tui.h"

/* Fields (line ids) and their answers. */
enum { F_USERS, F_ROLLBACK, F_IMPACT, F_SEVERITY, F_ROOT, F_FIX, F_COUNT };

static const long rollback_minutes[] = {2, 10, 45};
static const char *const rollback_names[] = {"under 5 min", "5-30 min", "over 30 min"};
static const long fix_minutes[] = {5, 20, 60};
static const char *const fix_names[] = {"10 min or less", "11-30 min", "over 30 min"};
static const int nanswers[F_COUNT] = {3, 3, 3, 3, 2, 3};

/* The pane's own state: the answer chosen for each field. */
struct advisor_state {
	int answers[F_COUNT];
};

static const char *answer_name(int field, int v)
{
	static const char *const root[] = {"known", "unknown"};
	switch (field) {
	case F_USERS: return users_id((enum users_affected)v);
	case F_ROLLBACK: return rollback_names[v];
	case F_IMPACT: return impact_id((enum business_impact)v);
	case F_SEVERITY: return severity_id((enum severity)v);
	case F_ROOT: return root[v];
	case F_FIX: return fix_names[v];
	}
	return "?";
}

static int draw_head(struct app *a, struct pane *p, int y, int height)
{
	(void)p;
	(void)height;
	if (!a->d.has_window) {
		draw_text(a, y, 1, COLS - 2, ROLE_WARN, "Window: unknown (see the status bar for why)");
		return 2;
	}
	const struct window_result *w = &a->d.window;
	enum role r = w->verdict == WINDOW_GOOD ? ROLE_GOOD : w->verdict == WINDOW_RISKY ? ROLE_WARN : ROLE_BAD;
	char line[320];
	snprintf(line, sizeof line, "Deploy now? %s - %s", window_verdict_id(w->verdict), w->when);
	draw_text(a, y, 1, COLS - 2, r, line);
	draw_text(a, y + 1, 3, COLS - 4, ROLE_NORMAL, w->reason);
	int used = 2;
	if (a->d.has_next_good) { /* the model looked for it only when now is not good */
		snprintf(line, sizeof line, "next good window: %s", a->d.next_good.when);
		draw_text(a, y + used++, 3, COLS - 4, ROLE_NORMAL, line);
	}
	move(y + used, 0);
	clrtoeol();
	return used + 1;
}

static void question(const struct advisor_state *s, struct ui_list *l, int field, const char *text)
{
	list_add(l, ROLE_NORMAL, true, field, "  %-34s < %s >", text, answer_name(field, s->answers[field]));
}

static void reasons(struct ui_list *l, const struct reasons *r)
{
	for (size_t i = 0; i < r->n; i++)
		list_add_wrapped(l, ROLE_DIM, 5, "    why: %s", r->lines[i]);
}

static void build(struct app *a, struct pane *p)
{
	(void)a;
	struct ui_list *l = &p->list;
	const struct advisor_state *s = p->state;
	struct advice_table t;
	char why[256];
	if (!advice_table_parse(data_file("advice.json", NULL), &t, why, sizeof why)) {
		list_add(l, ROLE_BAD, false, 0, "data/advice.json: %s", why);
		return;
	}
	const int *ans = s->answers;
	list_add(l, ROLE_HEADING, false, 0, "Which strategy? (h/l or Space change an answer)");
	question(s, l, F_USERS, "Users affected");
	question(s, l, F_ROLLBACK, "Time to roll back");
	question(s, l, F_IMPACT, "Business impact");
	struct strategy_advice sa;
	advise_strategy(&t, (enum users_affected)ans[F_USERS], rollback_minutes[ans[F_ROLLBACK]],
			(enum business_impact)ans[F_IMPACT], &sa);
	list_add(l, ROLE_ACCENT, false, 0, "  => %s", strategy_id(sa.strategy));
	reasons(l, &sa.why);
	for (size_t i = 0; i < sa.nplan; i++)
		list_add(l, ROLE_NORMAL, false, 0, "    %3d %%  hold %3d min  %s", sa.plan[i].pct,
			 sa.plan[i].hold_minutes, sa.plan[i].watch);
	strategy_advice_free(&sa);
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	list_add(l, ROLE_HEADING, false, 0, "Something broke: roll back or fix forward?");
	question(s, l, F_SEVERITY, "Severity");
	question(s, l, F_ROOT, "Root cause");
	question(s, l, F_FIX, "Time to write and ship a fix");
	struct recovery_advice ra;
	advise_recovery(&t, (enum severity)ans[F_SEVERITY], ans[F_ROOT] == 0, fix_minutes[ans[F_FIX]], &ra);
	list_add(l, ra.decision == RECOVERY_ROLLBACK ? ROLE_WARN : ROLE_ACCENT, false, 0, "  => %s",
		 recovery_id(ra.decision));
	reasons(l, &ra.why);
	recovery_advice_free(&ra);
	advice_table_free(&t);
}

static bool key(struct app *a, struct pane *p, enum action act)
{
	struct advisor_state *s = p->state;
	const struct ui_line *line = list_current(&p->list);
	if (!line || (act != ACT_LEFT && act != ACT_RIGHT && act != ACT_TOGGLE && act != ACT_ENTER))
		return false;
	int field = (int)line->id;
	int step = act == ACT_LEFT ? -1 : 1;
	s->answers[field] = (s->answers[field] + step + nanswers[field]) % nanswers[field];
	app_rebuild(a);
	return true;
}

const struct pane_ops pane_advisor = {
	.title = "Advisor",
	.state_size = sizeof(struct advisor_state),
	.build = build,
	.draw_head = draw_head,
	.key = key,
};
