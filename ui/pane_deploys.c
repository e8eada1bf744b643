/* pane_deploys — deployments (from tags and records: strategy, rollout bar,
 * status, what each shipped, whether it failed and what restored it),
 * incidents with their timeline and durations, and the reviews due. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

#include "present.h"
#include "text.h"
#include "timeutil.h"
#include "tui.h"

/* The deployment's state word, and what else there is to say about it
 * (shown beside it on a wide screen, on the next line on a narrow one):
 * both decided in present.c, the words of the snapshot and `deploy list`. */
static void deploy_status(struct strbuf *sb, struct strbuf *detail, const struct app *a,
			  const struct dora_deploy_result *dr)
{
	struct deploy_verdict v;
	present_deploy_verdict(&a->d, dr->index, &v);
	sb_add(sb, present_deploy_state_word(v.state));
	present_deploy_detail(detail, &v);
}

static void build_deploys(struct app *a, struct ui_list *l)
{
	const struct dora_report *r = &a->d.dora;
	l->sort_names[0] = "time";
	l->sort_names[1] = "ref";
	l->sort_names[2] = "status";
	list_add(l, ROLE_HEADING, false, 0, "Production deployments, last %d days, newest first (s sorts)", r->window_days);
	for (size_t i = 0; i < r->ndeploys; i++) {
		const struct dora_deploy_result *dr = &r->deploys[i];
		const struct dora_deploy *dd = &a->d.dora_in.deploys[dr->index];
		const struct deploy_rec *rec = model_record_of_deploy(&a->d, dr->index);
		char when[24], bar[64] = "";
		char *ref = text_clean(dd->ref, TEXT_ONE_LINE);
		struct strbuf status = STRBUF_INIT, detail = STRBUF_INIT, rb = STRBUF_INIT;
		/* the bar is drawn where there is room for it; the share always */
		bool wide = COLS >= 100;
		if (rec && wide)
			draw_bar(&rb, rec->rollout, 10, a->ascii);
		else if (rec)
			sb_addf(&rb, "%3d%%", rec->rollout);
		snprintf(bar, sizeof bar, "%s", sb_str(&rb));
		deploy_status(&status, &detail, a, dr);
		if (detail.len && COLS >= 120)
			sb_addf(&status, "%s%s", detail.buf[0] == '(' ? " " : ", ", sb_str(&detail));
		/* with several services, whose it is before the ref (the refs of
		 * two repositories can be alike) */
		struct strbuf cell = STRBUF_INIT;
		present_deploy_service_cell(&cell, &a->d, dr->index, 10, a->ascii);
		char *svc = sb_detach(&cell);
		/* names give way first: the rollout, changes and status stay whole */
		struct ui_line *line = list_add(l, dr->failed ? ROLE_BAD : rec && rec->rollout < 100 ? ROLE_WARN : ROLE_NORMAL,
			true, dr->index, "  %s  " FLEX("%s") "%s" FLEX("%-14.14s") " " FLEX("%.7s") " " FLEX("%-10s") " %-*s %3d ch  %s",
			time_format_short(dd->time, when), svc, svc[0] ? " " : "",
			ref, dd->commit,
			/* the strategy, else where it came from: tag, or the tool it was
			   imported from (docs/metrics.md §1b) */
			rec && rec->strategy ? rec->strategy : rec && !rec->source ? "-" : present_deploy_source(rec),
			wide ? 17 : 4, bar, dr->changes,
			sb_str(&status));
		line->sort[0] = xasprintf("%020lld", (long long)(INT64_MAX / 2 - dd->time));
		line->sort[1] = xstrdup(ref);
		line->sort[2] = xstrdup(sb_str(&status));
		if (detail.len && COLS < 120)
			list_add_more(l, line->role, "%*s%s", 45, "", sb_str(&detail));
		sb_free(&status);
		sb_free(&detail);
		sb_free(&rb);
		free(ref);
		free(svc);
	}
	if (r->ndeploys == 0 && a->d.dora_none)
		list_add(l, ROLE_WARN, false, 0, "  %s", a->d.dora_none);
}

static void build_staging(struct app *a, struct ui_list *l)
{
	int n = 0;
	for (size_t i = 0; i < a->d.nrecords; i++) {
		const struct deploy_rec *rec = &a->d.records[i];
		if (!streq(rec->env, "staging"))
			continue;
		if (!n++)
			list_add(l, ROLE_HEADING, false, 0, "Staging");
		char when[24];
		char *ref = text_clean(rec->ref, TEXT_ONE_LINE);
		struct deploy_verdict v;
		present_record_verdict(&a->d, rec, &v);
		list_add(l, ROLE_NORMAL, false, 0, "  %s  %-14.14s %.7s %s", time_format_short(rec->at, when), ref,
			 rec->commit, present_deploy_state_word(v.state));
		free(ref);
	}
}

static void build_incidents(struct app *a, struct ui_list *l)
{
	list_add(l, ROLE_HEADING, false, 0, "Incidents, open first");
	if (a->d.nincidents == 0)
		list_add(l, ROLE_DIM, false, 0, "  none recorded (shipdeck incident open TITLE)");
	for (size_t i = 0; i < a->d.nincidents; i++) {
		const struct incident_rec *inc = &a->d.incidents[i];
		enum incident_state state = present_incident_state(inc, a->d.now);
		if (state == INCIDENT_NOT_STARTED)
			continue; /* has not happened as of now */
		bool open = state == INCIDENT_OPEN;
		struct incident_durations du;
		deploylog_durations(inc, &du);
		char when[24], d1[24], d2[24], d3[24];
		char *title = text_clean(inc->title, TEXT_ONE_LINE);
		list_add(l, open ? ROLE_BAD : ROLE_NORMAL, true, 100000 + inc->id, "  #%lld %s %-8s %s  %s%s%s%s",
			 (long long)inc->id, inc->severity, present_incident_word(state),
			 time_format_short(inc->started, when), title, inc->source ? " (from " : "",
			 inc->source ? present_incident_source(inc) : "", inc->source ? ")" : "");
		list_add(l, ROLE_DIM, false, 0, "      detect %s, decide %s%s%s%s, outage %s",
			 deploylog_format_duration(du.detect, d1, sizeof d1),
			 deploylog_format_duration(du.decide, d2, sizeof d2), inc->decision ? " (" : "",
			 inc->decision ? inc->decision : "", inc->decision ? ")" : "",
			 open ? "ongoing" : deploylog_format_duration(du.outage, d3, sizeof d3));
		free(title);
	}
}

static void build_reviews(struct app *a, struct ui_list *l)
{
	list_add(l, ROLE_HEADING, false, 0, "Reviews");
	int n = 0;
	for (size_t i = 0; i < a->d.nreviews; i++) {
		const struct review_due *r = &a->d.reviews[i];
		if (r->state == REVIEW_DONE)
			continue;
		n++;
		char when[24];
		struct strbuf what = STRBUF_INIT;
		if (r->incident)
			sb_add_clean(&what, a->d.incidents[r->index].title);
		else
			sb_add_clean(&what, a->d.records[r->index].ref);
		/* the title gives way first; the command to answer goes below
		 * when the line has no room for it */
		enum role role = r->state == REVIEW_OVERDUE ? ROLE_WARN : ROLE_NORMAL;
		char how[64];
		snprintf(how, sizeof how, "(shipdeck review %s %lld)", r->incident ? "incident" : "deploy",
			 (long long)r->subject_id);
		list_add(l, role, false, 0, "  %-8s %s %lld  " FLEX("%s") "  due %s  %d/%d answered%s%s",
			 deploylog_review_state_name(r->state), r->incident ? "incident" : "deployment",
			 (long long)r->subject_id, sb_str(&what), time_format_short(r->due, when), r->answered,
			 r->questions, COLS >= 120 ? " " : "", COLS >= 120 ? how : "");
		if (COLS < 120)
			list_add_more(l, role, "           %s", how);
		sb_free(&what);
	}
	if (!n)
		list_add(l, ROLE_DIM, false, 0, "  none due");
}

static void build(struct app *a, struct pane *p)
{
	struct ui_list *l = &p->list;
	if (!a->d.has_history)
		list_add(l, ROLE_WARN, false, 0, "No history read: open shipdeck inside a git repository (or --repo PATH).");
	else
		build_deploys(a, l);
	build_staging(a, l);
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	build_incidents(a, l);
	list_add(l, ROLE_NORMAL, false, 0, "%s", "");
	build_reviews(a, l);
}

/* The legend in the help pane: what the deployment rows abbreviate. */
static void help(struct app *a, struct ui_list *l)
{
	struct strbuf bar = STRBUF_INIT;
	draw_bar(&bar, 25, 10, a->ascii);
	char key[16];
	app_action_key(a, ACT_PANE_DEPLOYS, key, sizeof key);
	list_add(l, ROLE_HEADING, false, 0, "Deployments (key %s)", key[0] ? key : "none");
	list_add_wrapped(l, ROLE_NORMAL, 14, "  2 ch          changes (commits) the deployment shipped");
	list_add_wrapped(l, ROLE_NORMAL, 14, "  %s  the rollout share of a recorded deployment (the share alone below 100 columns)",
			 sb_str(&bar));
	list_add_wrapped(l, ROLE_NORMAL, 14, "  tag           a release tag with no deployment record; else the recorded strategy");
	list_add_wrapped(l, ROLE_NORMAL, 2, "  what restored a failed deployment goes on the line below it when it does not fit beside");
	sb_free(&bar);
}

const struct pane_ops pane_deploys = {
	.title = "Deploys",
	.build = build,
	.help = help,
};
