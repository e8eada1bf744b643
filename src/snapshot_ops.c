/* snapshot_ops — the operations part of the snapshot: what needs attention
 * now (open incidents, overdue reviews, a risky window), recent
 * deployments with their strategy and rollout, incidents with their
 * timeline, and the reviews due. Text, markdown and JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "snapshot.h"
#include "text.h"
#include "timeutil.h"

#define RECENT_SECONDS (7 * 86400LL)

static void json_minutes(struct strbuf *out, int64_t secs)
{
	if (secs == SD_NO_TIME)
		sb_add(out, "null");
	else
		sb_addf(out, "%lld", (long long)(secs / 60));
}

/* A short label of a review's subject ("deployment 2 v1.12.0"). */
static void review_subject(struct strbuf *out, const struct dash *d, const struct review_due *r)
{
	if (r->incident) {
		const struct incident_rec *i = &d->incidents[r->index];
		sb_addf(out, "incident %lld (%s): ", (long long)i->id, i->severity);
		sb_add_clean(out, i->title);
	} else {
		const struct deploy_rec *rec = &d->records[r->index];
		sb_addf(out, "deployment %lld ", (long long)rec->id);
		sb_add_clean(out, rec->ref);
	}
}

/* ---- attention --------------------------------------------------------------- */

size_t snapshot_attention_lines(const struct dash *d, struct strbuf *out, const char *bullet)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nincidents; i++) {
		const struct incident_rec *inc = &d->incidents[i];
		if (!deploylog_incident_open(inc, d->now))
			continue;
		char age[24];
		sb_addf(out, "%sOPEN incident #%lld (%s, started %s): ", bullet, (long long)inc->id, inc->severity,
			time_age(d->now, inc->started, age));
		sb_add_clean(out, inc->title);
		sb_addc(out, '\n');
		n++;
	}
	for (size_t i = 0; i < d->nreviews; i++) {
		if (d->reviews[i].state != REVIEW_OVERDUE)
			continue;
		sb_addf(out, "%soverdue review of ", bullet);
		review_subject(out, d, &d->reviews[i]);
		sb_addf(out, " (%d/%d answered)\n", d->reviews[i].answered, d->reviews[i].questions);
		n++;
	}
	if (d->has_window && d->window.verdict != WINDOW_GOOD) {
		sb_addf(out, "%swindow %s now: ", bullet, window_verdict_id(d->window.verdict));
		sb_add_clean(out, d->window.reason);
		sb_addc(out, '\n');
		n++;
	}
	return n;
}

/* ---- text and markdown --------------------------------------------------------- */

static void deploy_line(struct strbuf *out, const struct dash *d, size_t i, const struct render *r)
{
	const struct dora_deploy *dep = &d->git.deploys[i];
	const struct deploy_rec *rec = model_record_of_deploy(d, (int)i);
	char when[24];
	sb_addf(out, "%s%s  ", r->format == SNAP_MARKDOWN ? "- " : "  ", time_format_short(dep->time, when));
	struct strbuf ref = STRBUF_INIT;
	sb_add_clean(&ref, dep->ref);
	text_fit(out, sb_str(&ref), 14, false, r->ascii);
	sb_free(&ref);
	if (rec) {
		sb_addf(out, " %-10s ", rec->strategy ? rec->strategy : "-");
		char bar[64];
		deploylog_rollout_bar(rec->rollout, 10, bar, sizeof bar);
		sb_addf(out, "%s %s%s", bar, rec->status, streq(rec->kind, "hotfix") ? ", hotfix" : "");
	} else {
		sb_add(out, " tag");
	}
	sb_addc(out, '\n');
}

static void incident_line(struct strbuf *out, const struct dash *d, const struct incident_rec *inc,
			  const struct render *r)
{
	struct incident_durations du;
	deploylog_durations(inc, &du);
	char when[24], a[24], b[24];
	bool open = deploylog_incident_open(inc, d->now);
	sb_addf(out, "%s#%lld %s %s  ", r->format == SNAP_MARKDOWN ? "- " : "  ", (long long)inc->id,
		inc->severity, open ? "OPEN    " : "restored");
	sb_add_clean(out, inc->title);
	sb_addf(out, "\n%s    started %s", r->format == SNAP_MARKDOWN ? "  " : "  ", time_format_short(inc->started, when));
	sb_addf(out, ", detect %s", deploylog_format_duration(du.detect, a, sizeof a));
	if (inc->decision)
		sb_addf(out, ", %s", inc->decision);
	sb_addf(out, ", outage %s\n", open ? "ongoing" : deploylog_format_duration(du.outage, b, sizeof b));
}

void snapshot_ops_text(struct strbuf *out, const struct dash *d, const struct render *r)
{
	snap_heading(out, "Deployments & incidents", r);
	int shown = 0;
	for (size_t k = d->has_history ? d->git.ndeploys : 0; k-- > 0;) {
		if (d->git.deploys[k].time > d->now || d->git.deploys[k].time <= d->now - RECENT_SECONDS)
			continue;
		if (!shown++)
			sb_add(out, r->format == SNAP_MARKDOWN ? "Last 7 days:\n\n" : "Last 7 days:\n");
		deploy_line(out, d, k, r);
	}
	if (!shown)
		sb_add(out, "No production deployment in the last 7 days.\n");
	if (d->nincidents) {
		sb_add(out, r->format == SNAP_MARKDOWN ? "\nIncidents:\n\n" : "Incidents:\n");
		for (size_t i = 0; i < d->nincidents && i < 5; i++)
			incident_line(out, d, &d->incidents[i], r);
	}
	int due = 0;
	for (size_t i = 0; i < d->nreviews; i++) {
		if (d->reviews[i].state == REVIEW_DONE || d->reviews[i].state == REVIEW_UPCOMING)
			continue;
		if (!due++)
			sb_add(out, r->format == SNAP_MARKDOWN ? "\nReviews due:\n\n" : "Reviews due:\n");
		sb_addf(out, "%s%s ", r->format == SNAP_MARKDOWN ? "- " : "  ",
			deploylog_review_state_name(d->reviews[i].state));
		review_subject(out, d, &d->reviews[i]);
		sb_addc(out, '\n');
	}
}

/* ---- JSON -------------------------------------------------------------------------- */

static void deploys_recent_json(struct strbuf *out, const struct dash *d)
{
	sb_add(out, "\"deploys_recent\": [");
	int n = 0;
	for (size_t k = d->has_history ? d->git.ndeploys : 0; k-- > 0;) {
		const struct dora_deploy *dep = &d->git.deploys[k];
		if (dep->time > d->now || dep->time <= d->now - RECENT_SECONDS)
			continue;
		const struct deploy_rec *rec = model_record_of_deploy(d, (int)k);
		sb_add(out, n++ ? ", {\"ref\": " : "{\"ref\": ");
		json_add_string(out, dep->ref);
		sb_addf(out, ", \"commit\": \"%s\", \"time\": ", dep->commit);
		json_add_time(out, dep->time);
		sb_addf(out, ", \"env\": \"production\", \"source\": \"%s\", \"strategy\": ", rec ? "record" : "tag");
		json_add_string(out, rec ? rec->strategy : NULL);
		if (rec)
			sb_addf(out, ", \"rollout\": %d, \"status\": \"%s\", \"kind\": \"%s\"}", rec->rollout,
				rec->status, rec->kind);
		else
			sb_add(out, ", \"rollout\": null, \"status\": null, \"kind\": null}");
	}
	sb_add(out, "]");
}

static void incident_json(struct strbuf *out, const struct dash *d, const struct incident_rec *inc)
{
	struct incident_durations du;
	deploylog_durations(inc, &du);
	bool open = deploylog_incident_open(inc, d->now);
	sb_addf(out, "{\"id\": %lld, \"title\": ", (long long)inc->id);
	json_add_string(out, inc->title);
	sb_addf(out, ", \"severity\": \"%s\", \"open\": %s, \"age_hours\": %.1f, \"deployment\": ", inc->severity,
		open ? "true" : "false", (double)(d->now - inc->started) / 3600.0);
	if (inc->deployment_id)
		sb_addf(out, "%lld", (long long)inc->deployment_id);
	else
		json_add_string(out, inc->deploy_ref);
	sb_addf(out, ", \"linked_auto\": %s, \"timeline\": {\"started\": ", inc->linked_auto ? "true" : "false");
	json_add_time(out, inc->started);
	sb_add(out, ", \"detected\": ");
	json_add_time(out, inc->detected);
	sb_add(out, ", \"paged\": ");
	json_add_time(out, inc->paged);
	sb_add(out, ", \"root_cause\": ");
	json_add_time(out, inc->root_cause);
	sb_add(out, ", \"decided\": ");
	json_add_time(out, inc->decided);
	sb_add(out, ", \"restored\": ");
	json_add_time(out, inc->restored);
	sb_add(out, "}, \"decision\": ");
	json_add_string(out, inc->decision);
	sb_add(out, ", \"minutes\": {\"to_detect\": ");
	json_minutes(out, du.detect);
	sb_add(out, ", \"to_decide\": ");
	json_minutes(out, du.decide);
	sb_add(out, ", \"outage\": ");
	json_minutes(out, du.outage);
	sb_add(out, "}}");
}

static void reviews_json(struct strbuf *out, const struct dash *d)
{
	sb_add(out, "\"reviews_due\": [");
	int n = 0;
	for (size_t i = 0; i < d->nreviews; i++) {
		const struct review_due *r = &d->reviews[i];
		if (r->state == REVIEW_DONE)
			continue;
		sb_addf(out, "%s{\"subject\": \"%s\", \"id\": %lld, \"state\": \"%s\", \"due\": ", n++ ? ", " : "",
			r->incident ? "incident" : "deploy", (long long)r->subject_id,
			deploylog_review_state_name(r->state));
		json_add_time(out, r->due);
		sb_addf(out, ", \"answered\": %d, \"questions\": %d}", r->answered, r->questions);
	}
	sb_add(out, "]");
}

void snapshot_ops_json(struct strbuf *out, const struct dash *d)
{
	sb_add(out, "\"window\": ");
	if (d->has_window) {
		sb_addf(out, "{\"verdict\": \"%s\", \"reason\": ", window_verdict_id(d->window.verdict));
		json_add_string(out, d->window.reason);
		sb_add(out, ", \"when\": ");
		json_add_string(out, d->window.when);
		/* when the window is not good now: when it next is, in the team's zone */
		sb_add(out, ", \"next_good\": ");
		json_add_string(out, d->has_next_good ? d->next_good.when : NULL);
		sb_add(out, "}");
	} else {
		sb_add(out, "null");
	}
	sb_add(out, ",\n  ");
	deploys_recent_json(out, d);
	sb_add(out, ",\n  \"incidents\": [");
	for (size_t i = 0; i < d->nincidents; i++) {
		sb_add(out, i ? ",\n    " : "\n    ");
		incident_json(out, d, &d->incidents[i]);
	}
	sb_add(out, d->nincidents ? "\n  ],\n  " : "],\n  ");
	reviews_json(out, d);
}
