/* deploylog — recorded deployments, incidents and reviews as plain structs,
 * and the pure rules about them (docs/metrics.md §1, §3, §10): incident durations and
 * timeline checks, linking an incident to a deployment, which reviews are
 * due. No I/O, no clock: `now` is always an argument. */
#ifndef SD_DEPLOYLOG_H
#define SD_DEPLOYLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One row of the deployments table. Strings are owned (deploy_rec_free). */
struct deploy_rec {
	int64_t id;
	char *ref;              /* as typed: a tag, branch or commit prefix */
	char *commit;           /* 40 hex, resolved when recorded */
	char *env;              /* production | staging */
	char *strategy;         /* big-bang | rolling | canary | blue-green, or NULL */
	int rollout;            /* percent, 0..100 */
	char *status;           /* in-progress | succeeded | failed | rolled-back */
	char *kind;             /* normal | hotfix */
	int64_t feature_id;     /* 0: none */
	int64_t at;
	char *note;
	char *recorded_by;
	/* Imported (docs/metrics.md §1b): the tool, its id, what the record
	 * belongs to there, its environment name and link; all NULL for a
	 * deployment recorded with shipdeck. */
	char *source;           /* github | gitlab | argocd, or NULL */
	char *source_id;
	char *origin;           /* repository, project or application */
	char *source_env;
	char *url;
};

/* One rollout stage of a deployment: the percentage reached, and when. */
struct rollout_stage {
	int64_t deployment_id;
	int pct;
	int64_t at;
};

/* One row of the incidents table; SD_NO_TIME for a step not yet reached. */
struct incident_rec {
	int64_t id;
	char *title;
	char *severity;         /* sev1..sev4 */
	int64_t deployment_id;  /* 0: none */
	char *deploy_ref;       /* a commit no recorded deployment names, or NULL */
	bool linked_auto;       /* deployment chosen by time, not named */
	int64_t started;
	int64_t detected;
	int64_t paged;
	int64_t root_cause;     /* when the cause was found */
	char *cause;            /* the root cause in words, or NULL */
	char *decision;         /* rollback | fix-forward, or NULL */
	int64_t decided;
	int64_t restored;
	char *note;
	/* Imported (docs/metrics.md §1b); all NULL for one opened with shipdeck. */
	char *source;           /* pagerduty | opsgenie, or NULL */
	char *source_id;
	char *origin;           /* service, entity or alert source */
	char *url;
};

/* One answered review question (1-based, in checklist order). */
struct review_answer {
	char *subject;          /* deploy | incident */
	int64_t subject_id;
	int question;
	char *answer;
	char *by;
	int64_t at;
};

void deploy_rec_free(struct deploy_rec *d);
/* Where a record came from, as every surface says it: "record" (typed
 * with shipdeck) or the tool ("github", "pagerduty", ...). */
const char *deploylog_source(const char *source);
void deploy_recs_free(struct deploy_rec *d, size_t n);
void incident_rec_free(struct incident_rec *i);
void incident_recs_free(struct incident_rec *i, size_t n);
void review_answers_free(struct review_answer *a, size_t n);

/* True for the values the schema accepts. */
bool deploylog_env_ok(const char *s);
bool deploylog_strategy_ok(const char *s);
bool deploylog_status_ok(const char *s);
bool deploylog_kind_ok(const char *s);
bool deploylog_severity_ok(const char *s);
bool deploylog_decision_ok(const char *s);

/* Status a deployment gets when none is given: still rolling out below 100 %. */
const char *deploylog_default_status(int rollout);
/* Checks advancing d to pct at time at: the rollout never goes down, a
 * stage is never before the deployment or the previous stage, and a failed
 * or rolled-back deployment does not advance. NULL when fine, else the
 * reason (static text with the numbers filled into why). */
const char *deploylog_advance_check(const struct deploy_rec *d, int64_t last_stage_at, int pct,
				    int64_t at, char *why, size_t whylen);
/* The status after reaching pct: succeeded at 100 % unless failed or
 * rolled back; otherwise unchanged. */
const char *deploylog_status_after(const char *status, int pct);
/* "[#####.....] 50%": width cells of '#' and '.', then the percentage. */
void deploylog_rollout_bar(int pct, int width, char *buf, size_t buflen);

/* The latest production deployment at or before `started` (ties: the later
 * ref, then the higher id); -1 when none. Staging ones never count. */
int deploylog_link_incident(const struct deploy_rec *d, size_t n, int64_t started);

/* Durations of an incident in seconds, SD_NO_TIME where a step is missing. */
struct incident_durations {
	int64_t detect;         /* detected - started */
	int64_t decide;         /* decided - detected */
	int64_t outage;         /* restored - started */
};
/* Open as of now: started, and not restored yet (a restore after now has
 * not happened for a figure computed as of now). */
bool deploylog_incident_open(const struct incident_rec *i, int64_t now);
void deploylog_durations(const struct incident_rec *i, struct incident_durations *out);
/* Checks a timeline: every step at or after the start; paged, root cause,
 * decision and restore at or after detection. NULL when consistent, else a
 * one-line reason ("restored 09:00 is before detected 09:10") in why. */
const char *deploylog_timeline_check(const struct incident_rec *i, char *why, size_t whylen);
/* "18 min", "2 h 05 min", "3 d 4 h" for seconds >= 0; "-" for SD_NO_TIME. */
char *deploylog_format_duration(int64_t secs, char *buf, size_t buflen);

/* ---- reviews (docs/metrics.md §10) ----------------------------------------------- */

/* A post-deployment review is due this long after a production deployment. */
#define REVIEW_DEPLOY_DUE_SECS (24 * 3600)
/* A post-incident review is due once restored and overdue this long after. */
#define REVIEW_INCIDENT_GRACE_SECS (5 * 24 * 3600)

enum review_state {
	REVIEW_UPCOMING,        /* not yet due */
	REVIEW_DUE,             /* due, not yet overdue */
	REVIEW_OVERDUE,         /* past its deadline with questions unanswered */
	REVIEW_DONE,            /* every question answered */
};

struct review_due {
	bool incident;          /* false: a deployment */
	int64_t subject_id;
	size_t index;           /* into the deployments or incidents given */
	int64_t due;            /* when the review is due */
	int64_t overdue;        /* after this it is overdue */
	int answered;           /* questions answered */
	int questions;
	enum review_state state;
};

/* The reviews of production deployments at or before now and of restored
 * incidents, with their state as of now; answers may be of any subject.
 * Ordered overdue first, then due, upcoming, done; each by due time. The
 * caller frees *out. */
void deploylog_reviews(const struct deploy_rec *d, size_t nd, const struct incident_rec *inc,
		       size_t ni, const struct review_answer *a, size_t na, int deploy_questions,
		       int incident_questions, int64_t now, struct review_due **out, size_t *n);
/* "upcoming", "due", "overdue", "done". */
const char *deploylog_review_state_name(enum review_state s);

#endif
