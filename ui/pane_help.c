/* pane_help — generated from the key table and the bindings in force (after
 * the config's "keys"), plus each pane's legend, so it cannot drift. */
#include "tui.h"

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
			a->panes[i].ops->help(a, l);
		}
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	list_add(l, ROLE_DIM, false, 0, "Mouse: click a tab to switch panes, a line to select it; the wheel scrolls.");
	list_add(l, ROLE_DIM, false, 0, "Every figure is explained in shipdeck(1) and docs/metrics.md.");
}

const struct pane_ops pane_help = {
	.title = "Help",
	.build = build,
};
