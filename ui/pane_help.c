/* pane_help — generated from the one key table, so it cannot drift. */
#include "tui.h"

static void build(struct app *a, struct ui_list *l)
{
	(void)a;
	list_add(l, ROLE_HEADING, false, 0, "Keys (change them in config: \"keys\": {\"quit\": \"x\"})");
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	for (int act = 0; act < ACT_COUNT; act++)
		list_add(l, ROLE_NORMAL, true, act, "  %-16s %-16s %s", app_action_keys(act),
			 app_action_name(act), app_action_help(act));
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	list_add(l, ROLE_DIM, false, 0, "Mouse: click a tab to switch panes, a line to select it; the wheel scrolls.");
	list_add(l, ROLE_DIM, false, 0, "Every figure is explained in shipdeck(1) and docs/metrics.md.");
}

const struct pane_ops pane_help = {"help", "Help", build, NULL, NULL, NULL};
