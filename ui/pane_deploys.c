/* pane_deploys — deployments (from tags and records), with what each
 * shipped, whether it failed and what restored it. Recorded strategies,
 * rollout bars, incidents and reviews join when they are recorded. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

#include "text.h"
#include "timeutil.h"
#include "tui.h"

static void build(struct app *a, struct ui_list *l)
{
	if (!a->d.has_history) {
		list_add(l, ROLE_WARN, false, 0, "No history read: open shipdeck inside a git repository (or --repo PATH).");
		return;
	}
	const struct dora_report *r = &a->d.dora;
	l->sort_names[0] = "time";
	l->sort_names[1] = "ref";
	list_add(l, ROLE_HEADING, false, 0, "Deployments in the last %d days, newest first", r->window_days);
	for (size_t i = 0; i < r->ndeploys; i++) {
		const struct dora_deploy_result *dr = &r->deploys[i];
		const struct dora_deploy *dd = &a->d.dora_in.deploys[dr->index];
		char when[24];
		char *ref = text_clean(dd->ref, TEXT_ONE_LINE);
		struct strbuf status = STRBUF_INIT;
		if (dr->failed) {
			sb_add(&status, "FAILED");
			if (dr->restored_by >= 0) {
				char *by = text_clean(a->d.dora_in.deploys[dr->restored_by].ref, TEXT_ONE_LINE);
				sb_addf(&status, ", restored by %s after %.1f h", by, dr->restore_hours);
				free(by);
			}
		} else {
			sb_add(&status, dr->rework ? "ok (restores an earlier one)" : "ok");
		}
		struct ui_line *line = list_add(l, dr->failed ? ROLE_BAD : ROLE_NORMAL, true, dr->index,
			"  %s  %-18.18s %.7s  %-6s %3d changes  %s", time_format_short(dd->time, when), ref,
			dd->commit, dd->from_record ? "record" : "tag", dr->changes, sb_str(&status));
		line->sort[0] = xasprintf("%020lld", (long long)(INT64_MAX / 2 - dd->time));
		line->sort[1] = xstrdup(ref);
		sb_free(&status);
		free(ref);
	}
	if (r->ndeploys == 0)
		list_add(l, ROLE_WARN, false, 0, "  none in the window: tags matching '%s' are deployments (--deploy-tags)",
			 a->d.dora_in.deploy_tags ? a->d.dora_in.deploy_tags : "v*,!*rc*");
}

const struct pane_ops pane_deploys = {"deploys", "Deploys", build, NULL, NULL, NULL};
