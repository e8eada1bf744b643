/* pane_help — generated from the key table and the bindings in force (after
 * the config's "keys"), plus each pane's legend, so it cannot drift. */
#include "tui.h"

/* Makes the lines from `first` on one stop for the cursor (the first
 * line, the rest continuing it), so j/k and G bring a legend into view
 * whole: below the last key there would be nothing to move to, and a
 * legend past the page could not be scrolled to. */
static void section(struct ui_list *l, size_t first)
{
	if (first >= l->n)
		return;
	l->lines[first].selectable = true;
	l->lines[first].id = -1;
	for (size_t k = first + 1; k < l->n; k++)
		l->lines[k].follows = true;
}

static void build(struct app *a, struct pane *p)
{
	struct ui_list *l = &p->list;
	list_add(l, ROLE_HEADING, false, 0, "Keys in force (change them in config: \"keys\": {\"quit\": \"x\"})");
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	for (int act = 0; act < ACT_COUNT; act++) {
		const char *keys = app_action_keys(a, act);
		list_add(l, keys[0] ? ROLE_NORMAL : ROLE_DIM, true, act, "  %-16s %-16s %s",
			 keys[0] ? keys : "(none)", app_action_name(act), app_action_help(act));
	}
	/* each pane's legend: what its abbreviations and marks mean */
	for (int i = 0; i < PANE_COUNT; i++)
		if (a->panes[i].ops->help) {
			list_add(l, ROLE_NORMAL, false, 0, "%s", "");
			size_t first = l->n;
			a->panes[i].ops->help(a, l);
			section(l, first);
		}
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	size_t first = l->n;
	list_add(l, ROLE_DIM, false, 0, "Mouse: click a tab to switch panes, a line to select it; the wheel scrolls.");
	list_add(l, ROLE_DIM, false, 0, "Every figure is explained in shipdeck(1) and docs/metrics.md.");
	section(l, first);
}

const struct pane_ops pane_help = {
	.title = "Help",
	.build = build,
};
