/* snapshot_ops — the operations part of the snapshot: what needs attention
 * now (open incidents, overdue reviews, a risky window), recent
 * deployments with their strategy and rollout, incidents with their
 * timeline, and the reviews due. Text, markdown and JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "model.h"
#include "present.h"
#include "snapshot_base.h"
#include "snapshot_sections.h"
#include "text.h"
#include "timeutil.h"

#define RECENT_SECONDS (7 * 86400LL)

/* Outside text in the format asked for: clean text, or escaped markdown. */
static void add_text(struct strbuf *out, const char *s, const struct render *r)
{
	if (r->format == SNAP_MARKDOWN)
		snap_md_text(out, s);
	else
		sb_add_clean(out, s);
}

/* A short label of a review's subject ("deployment 2 v1.12.0"). */
static void review_subject(struct strbuf *out, const struct dash *d, const struct review_due *rv,
			   const struct render *r)
{
	if (rv->incident) {
		const struct incident_rec *i = &d->incidents[rv->index];
		sb_addf(out, "incident %lld (%s): ", (long long)i->id, i->severity);
		add_text(out, i->title, r);
	} else {
		const struct deploy_rec *rec = &d->records[rv->index];
		sb_addf(out, "deployment %lld ", (long long)rec->id);
		add_text(out, rec->ref, r);
	}
}

/* ---- attention --------------------------------------------------------------- */

static const char *bullet_of(const struct render *r)
{
	return r->format == SNAP_MARKDOWN ? "- " : r->ascii ? "! " : "\xe2\x96\xb8 ";
}

/* The features that need attention (docs/metrics.md §11), the same ones the
 * board counts. */
static size_t feature_attention(const struct dash *d, struct strbuf *out, const struct render *r)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nfeatures; i++) {
		const struct dash_feature *f = &d->features[i];
		unsigned flags = present_feature_flags(f) & FLAGS_ATTENTION;
		if (!flags)
			continue;
		sb_add(out, bullet_of(r));
		if (f->key) {
			add_text(out, f->key, r);
			sb_addc(out, ' ');
		}
		add_text(out, f->title, r);
		sb_add(out, ": ");
		present_flag_words(out, flags);
		sb_addc(out, '\n');
		n++;
	}
	return n;
}

size_t snapshot_attention_lines(const struct dash *d, struct strbuf *out, const struct render *r)
{
	size_t n = 0;
	const char *bullet = bullet_of(r);
	for (size_t i = 0; i < d->nincidents; i++) {
		const struct incident_rec *inc = &d->incidents[i];
		if (present_incident_state(inc, d->now) != INCIDENT_OPEN)
			continue;
		char age[24];
		sb_addf(out, "%sopen incident #%lld (%s, started %s): ", bullet, (long long)inc->id,
			inc->severity, time_age(d->now, inc->started, age));
		add_text(out, inc->title, r);
		sb_addc(out, '\n');
		n++;
	}
	for (size_t i = 0; i < d->nreviews; i++) {
		if (d->reviews[i].state != REVIEW_OVERDUE)
			continue;
		sb_addf(out, "%soverdue review of ", bullet);
		review_subject(out, d, &d->reviews[i], r);
		sb_addf(out, " (%d/%d answered)\n", d->reviews[i].answered, d->reviews[i].questions);
		n++;
	}
	n += feature_attention(d, out, r);
	if (d->has_window && d->window.verdict != WINDOW_GOOD) {
		sb_addf(out, "%swindow %s now: ", bullet, window_verdict_id(d->window.verdict));
		add_text(out, d->window.reason, r);
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
	struct deploy_verdict v;
	present_deploy_verdict(d, (int)i, &v);
	char when[24];
	bool md = r->format == SNAP_MARKDOWN;
	sb_addf(out, "%s%s  ", md ? "- " : "  ", present_date(dep->time, d->now, when));
	struct strbuf ref = STRBUF_INIT;
	if (md) {
		snap_md_text(out, dep->ref);
	} else {
		sb_add_clean(&ref, dep->ref);
		text_fit(out, sb_str(&ref), 14, false, r->ascii);
	}
	sb_free(&ref);
	sb_addc(out, ' ');
	/* the state first, so a narrow column cuts the detail, not the word */
	struct strbuf st = STRBUF_INIT;
	present_deploy_status(&st, &v);
	if (md)
		snap_md_text(out, sb_str(&st));
	else
		sb_add(out, sb_str(&st));
	sb_free(&st);
	if (rec && rec->source) {
		/* imported: its tool and where it came from there (docs/metrics.md §1b) */
		sb_addf(out, ", %s", present_deploy_source(rec));
		if (rec->origin) {
			sb_addc(out, ' ');
			add_text(out, rec->origin, r);
		}
	} else if (rec) {
		sb_addf(out, ", %s, ", rec->strategy ? rec->strategy : "no strategy");
		sb_addf(out, "%d %% rolled out", rec->rollout);
	} else {
		sb_add(out, ", tag");
	}
	sb_addc(out, '\n');
}

static void incident_line(struct strbuf *out, const struct dash *d, const struct incident_rec *inc,
			  const struct render *r)
{
	struct incident_durations du;
	deploylog_durations(inc, &du);
	char when[24], a[24], b[24];
	enum incident_state state = present_incident_state(inc, d->now);
	bool md = r->format == SNAP_MARKDOWN;
	sb_addf(out, "%s#%lld %s %-8s  ", md ? "- " : "  ", (long long)inc->id, inc->severity,
		present_incident_word(state));
	add_text(out, inc->title, r);
	if (inc->source)
		sb_addf(out, " (from %s)", present_incident_source(inc));
	/* a list item's second line is indented under its text in markdown */
	sb_addf(out, md ? "  \n  started %s" : "\n      started %s", present_date(inc->started, d->now, when));
	sb_addf(out, ", detect %s", deploylog_format_duration(du.detect, a, sizeof a));
	if (inc->decision)
		sb_addf(out, ", %s", inc->decision);
	sb_addf(out, ", outage %s\n", state == INCIDENT_OPEN ? "ongoing" :
		deploylog_format_duration(du.outage, b, sizeof b));
}

void snapshot_ops_text(struct strbuf *out, const struct dash *d, const struct render *r)
{
	bool md = r->format == SNAP_MARKDOWN;
	snap_heading(out, "Deployments & incidents", r);
	int shown = 0;
	for (size_t k = d->has_history ? d->git.ndeploys : 0; k-- > 0;) {
		if (d->git.deploys[k].time > d->now || d->git.deploys[k].time <= d->now - RECENT_SECONDS)
			continue;
		if (!shown++)
			sb_add(out, md ? "Last 7 days:\n\n" : "Last 7 days:\n");
		deploy_line(out, d, k, r);
	}
	if (!shown)
		sb_add(out, "No production deployment in the last 7 days.\n");
	int listed = 0;
	for (size_t i = 0; i < d->nincidents && listed < 5; i++) {
		if (present_incident_state(&d->incidents[i], d->now) == INCIDENT_NOT_STARTED)
			continue;
		if (!listed++)
			sb_add(out, md ? "\nIncidents:\n\n" : "Incidents:\n");
		incident_line(out, d, &d->incidents[i], r);
	}
	int due = 0;
	for (size_t i = 0; i < d->nreviews; i++) {
		if (d->reviews[i].state == REVIEW_DONE || d->reviews[i].state == REVIEW_UPCOMING)
			continue;
		if (!due++)
			sb_add(out, md ? "\nReviews due:\n\n" : "Reviews due:\n");
		sb_addf(out, "%s%s ", md ? "- " : "  ", deploylog_review_state_name(d->reviews[i].state));
		review_subject(out, d, &d->reviews[i], r);
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
		struct deploy_verdict v;
		present_deploy_verdict(d, (int)k, &v);
		sb_add(out, n++ ? ", {\"ref\": " : "{\"ref\": ");
		json_add_string(out, dep->ref);
		json_field_str(out, "commit", dep->commit);
		json_field_time(out, "time", dep->time);
		json_field_str(out, "env", "production");
		json_field_str(out, "source", present_deploy_source(rec));
		json_field_str(out, "origin", rec ? rec->origin : NULL);
		json_field_str(out, "strategy", rec ? rec->strategy : NULL);
		sb_add(out, ", \"rollout\": ");
		if (rec)
			json_add_int(out, rec->rollout);
		else
			sb_add(out, "null");
		json_field_str(out, "status", present_deploy_state_word(v.state));
		json_field_str(out, "recorded_status", rec ? rec->status : NULL);
		json_field_str(out, "kind", rec ? rec->kind : NULL);
		sb_add(out, "}");
	}
	sb_add(out, "]");
}

static void incident_json(struct strbuf *out, const struct dash *d, const struct incident_rec *inc)
{
	struct incident_durations du;
	deploylog_durations(inc, &du);
	enum incident_state state = present_incident_state(inc, d->now);
	sb_addf(out, "{\"id\": %lld", (long long)inc->id);
	json_field_str(out, "title", inc->title);
	json_field_str(out, "severity", inc->severity);
	json_field_str(out, "source", present_incident_source(inc));
	json_field_str(out, "origin", inc->origin);
	json_field_str(out, "state", present_incident_word(state));
	json_field_bool(out, "open", state == INCIDENT_OPEN);
	json_field_num(out, "age_hours", (double)(d->now - inc->started) / 3600.0);
	sb_add(out, ", \"deployment\": ");
	if (inc->deployment_id)
		json_add_int(out, inc->deployment_id);
	else
		json_add_string(out, inc->deploy_ref);
	json_field_bool(out, "linked_auto", inc->linked_auto);
	sb_add(out, ", \"timeline\": {\"started\": ");
	json_add_time(out, inc->started);
	json_field_time(out, "detected", inc->detected);
	json_field_time(out, "paged", inc->paged);
	json_field_time(out, "root_cause", inc->root_cause);
	json_field_time(out, "decided", inc->decided);
	json_field_time(out, "restored", inc->restored);
	sb_add(out, "}");
	json_field_str(out, "decision", inc->decision);
	sb_add(out, ", \"minutes\": {\"to_detect\": ");
	json_add_num(out, du.detect == SD_NO_TIME ? NAN : (double)(du.detect / 60));
	json_field_num(out, "to_decide", du.decide == SD_NO_TIME ? NAN : (double)(du.decide / 60));
	json_field_num(out, "outage", du.outage == SD_NO_TIME ? NAN : (double)(du.outage / 60));
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
		sb_addf(out, "%s{\"subject\": \"%s\"", n++ ? ", " : "", r->incident ? "incident" : "deploy");
		json_field_int(out, "id", r->subject_id);
		json_field_str(out, "state", deploylog_review_state_name(r->state));
		json_field_time(out, "due", r->due);
		json_field_int(out, "answered", r->answered);
		json_field_int(out, "questions", r->questions);
		sb_add(out, "}");
	}
	sb_add(out, "]");
}

/* The counts behind "Needs attention now", as the board counts them. */
static void attention_json(struct strbuf *out, const struct dash *d)
{
	struct attention at;
	present_attention(d, &at);
	sb_add(out, "\"attention\": {\"features\": ");
	json_add_int(out, (long long)at.features);
	json_field_int(out, "open_incidents", (long long)at.open_incidents);
	json_field_int(out, "overdue_reviews", (long long)at.overdue_reviews);
	json_field_bool(out, "window_risky", at.window_risky);
	sb_add(out, "}");
}

void snapshot_ops_json(struct strbuf *out, const struct dash *d)
{
	attention_json(out, d);
	sb_add(out, ",\n  \"window\": ");
	if (d->has_window) {
		sb_addf(out, "{\"verdict\": \"%s\"", window_verdict_id(d->window.verdict));
		json_field_str(out, "reason", d->window.reason);
		json_field_str(out, "when", d->window.when);
		/* when the window is not good now: when it next is, in the team's zone */
		json_field_str(out, "next_good", d->has_next_good ? d->next_good.when : NULL);
		sb_add(out, "}");
	} else {
		sb_add(out, "null");
	}
	sb_add(out, ",\n  ");
	deploys_recent_json(out, d);
	sb_add(out, ",\n  \"incidents\": [");
	size_t n = 0;
	for (size_t i = 0; i < d->nincidents; i++) {
		if (present_incident_state(&d->incidents[i], d->now) == INCIDENT_NOT_STARTED)
			continue; /* has not happened as of now */
		sb_add(out, n++ ? ",\n    " : "\n    ");
		incident_json(out, d, &d->incidents[i]);
	}
	sb_add(out, n ? "\n  ],\n  " : "],\n  ");
	reviews_json(out, d);
}
