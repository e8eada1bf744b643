/* present — how shipdeck says a figure, a state or a date. Every unit,
 * number format, status word, sparkline level, scorecard cell and
 * "needs attention" flag is decided here once; the snapshot, the commands
 * and the dashboard only place what it returns (docs/vocabulary.md lists
 * the words, docs/metrics.md the rules behind them). */
#ifndef SD_PRESENT_H
#define SD_PRESENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "util.h"

/* ---- numbers, units, dates ------------------------------------------------ */

/* One decimal, ".0" dropped: "12", "12.5". */
void present_num1(struct strbuf *out, double v);
/* A duration in the unit a person reads best: "2.5 min", "45 min", "3.5 h",
 * "110 d"; "n/a" for NaN. Minutes below 1 h, hours below 48 h, else days. */
void present_hours(struct strbuf *out, double hours);
void present_minutes(struct strbuf *out, double minutes);
/* "20 %", "12.5 %"; "n/a" for NaN. */
void present_percent(struct strbuf *out, double pct);
/* "$41,600": whole units with thousands separators. */
void present_money(struct strbuf *out, double amount);
/* "build" or "builds" for n. */
const char *present_plural(long long n, const char *one, const char *many);
/* "1 build", "3 builds". */
void present_count(struct strbuf *out, long long n, const char *one, const char *many);
/* A date for a list: "06-20 11:58" in now's year, "2025-07-01" (10 columns,
 * padded to 11) otherwise, so a list spanning years says which. */
char *present_date(int64_t t, int64_t now, char buf[24]);

/* ---- sparklines ------------------------------------------------------------ */

/* The one scaling rule: from 0 to the largest value. -1 for no data (drawn
 * blank), 0 for a zero (the lowest bar), 1..7 for anything above zero, so
 * a small value never reads as nothing and an empty week never as half. */
int present_spark_level(double v, double max);
/* n cells of ▁..█ (or _.-:=+*# with ascii) by present_spark_level. */
void present_sparkline(struct strbuf *out, const double *v, int n, bool ascii);

/* ---- the DORA scorecard ------------------------------------------------- */

enum score_metric { SCORE_DF, SCORE_LT, SCORE_CFR, SCORE_TTR, SCORE_REWORK, SCORE_COUNT };

/* One row as every view shows it: current | tier | target | elite. */
struct score_row {
	const char *name;               /* "Lead time (median)" */
	char current[32];               /* "3.5 h", "n/a" */
	char tier[32];                  /* "high (2023)", "n/a", "no tiers" */
	char target[40];                /* "< 7 d", without the met mark */
	char elite[40];                 /* "< 24 h" from the thresholds data, "-" */
	enum dora_tier tier_id;
	enum dora_target_state met;
};
/* The five rows; th is the thresholds in use (NULL: no elite column). */
void present_scorecard(const struct dora_report *r, const struct dora_thresholds *th, bool ascii,
		       struct score_row rows[SCORE_COUNT]);
/* "✓" / "✗" ("ok" / "NO" in ascii), "" without data. */
const char *present_met_mark(enum dora_target_state s, bool ascii);
/* The 12 weekly values of a metric (NaN: no data), oldest first. */
void present_week_values(const struct dora_report *r, enum score_metric m, double v[DORA_WEEKS]);
/* "Deployments", "Lead time", "Change failure rate", "Time to restore". */
const char *present_trend_name(enum score_metric m);
/* "this week 2", "this week 3.5 h". */
void present_trend_summary(struct strbuf *out, const struct dora_report *r, enum score_metric m);

/* ---- where lead time goes (docs/metrics.md §2b) ---------------------------- */

enum stage_id { STAGE_CODING_REVIEW, STAGE_CODING, STAGE_PICKUP, STAGE_REVIEW, STAGE_WAITING, STAGE_COUNT };
#define STAGE_MAX 4

/* The stages a set of changes is split into, in the order of the work:
 * from git alone coding and review, waiting to deploy; with pull requests
 * coding, pickup, review, waiting to deploy. */
struct stage_split {
	int n;                          /* 0: no change, nothing to split */
	enum stage_id id[STAGE_MAX];
	double hours[STAGE_MAX];        /* the median of each (NaN: n/a) */
	int largest;                    /* index of the largest median, or -1 */
	const char *source;             /* "git", "pull requests"; NULL when n is 0 */
};
void present_stages(const struct dora_stages *s, struct stage_split *out);
/* "coding and review", "coding", "pickup", "review", "waiting to deploy". */
const char *present_stage_name(enum stage_id id);
/* The JSON field: "coding_and_review_hours", ..., "waiting_hours". */
const char *present_stage_field(enum stage_id id);
/* A bar of width cells split by the stages' medians, each stage in its own
 * fill (█ ▓ ▒ ░, or # = - . with ascii); empty without data. */
void present_stage_bar(struct strbuf *out, const struct stage_split *s, int width, bool ascii);
/* "█ coding and review 9 h, ░ waiting to deploy 32 h; largest: waiting to
 * deploy" (each stage after its fill in the bar), or "n/a"; without the
 * largest when with_largest is false. */
void present_stage_words(struct strbuf *out, const struct stage_split *s, bool ascii, bool with_largest);
/* "largest: waiting to deploy", or "" when no stage has a median. */
void present_stage_largest(struct strbuf *out, const struct stage_split *s);
/* "Where lead time goes (medians, from git): " — the words before the bar. */
void present_stage_title(struct strbuf *out, const struct stage_split *s);
/* The bar width every view uses. */
#define STAGE_BAR_WIDTH 20

/* ---- states ------------------------------------------------------------- */

/* A deployment's state as of now (docs/vocabulary.md). */
enum deploy_state {
	DEPLOY_SCHEDULED,       /* dated after now: does not exist yet */
	DEPLOY_IN_PROGRESS,     /* rolling out, nothing wrong known */
	DEPLOY_SUCCEEDED,       /* out, nothing wrong known */
	DEPLOY_FAILED,          /* failed (revert, record or incident), not restored */
	DEPLOY_RESTORED,        /* failed, then restored */
	DEPLOY_ROLLED_BACK,     /* recorded as rolled back */
	DEPLOY_STATE_COUNT
};

struct deploy_verdict {
	enum deploy_state state;
	enum dora_fail_source why;      /* FAIL_NONE unless it failed */
	bool linked_by_time;            /* its incident named no deployment */
	bool rework;                    /* restores an earlier one, or a hotfix */
	double restore_hours;           /* NaN: not restored */
	const char *restored_by;        /* the restoring deployment's ref, or NULL */
	int reverted_by_pr;             /* failed by a revert: the revert's own pull request, or 0 */
	int reverts_pr;                 /* failed by a revert of pull request N ("Reverts #N"), or 0 */
};

/* The verdict on production deployment i of the history (d->git.deploys). */
void present_deploy_verdict(const struct dash *d, int i, struct deploy_verdict *out);
/* The verdict on a recorded deployment, whatever its environment: a
 * production record takes the verdict of the deployment it merged into. */
void present_record_verdict(const struct dash *d, const struct deploy_rec *rec,
			    struct deploy_verdict *out);
/* "in-progress", "succeeded", "failed", "restored", "rolled-back", "scheduled". */
const char *present_deploy_state_word(enum deploy_state s);
/* The state word first, then why: "failed (incident, linked by time)",
 * "restored (revert, by v1.7.1, after 1 h)", "restored (reverted by #131,
 * in v1.7.1, after 1 h)", "succeeded, rework". */
void present_deploy_status(struct strbuf *out, const struct deploy_verdict *v);
/* What follows the word: "(incident, linked by time)", "(revert, by v1.7.1,
 * after 1 h), rework", "rework", or nothing. */
void present_deploy_detail(struct strbuf *out, const struct deploy_verdict *v);
/* "revert", "record", "incident", or NULL. */
const char *present_fail_word(enum dora_fail_source s);
/* Where a deployment comes from, the same word on every surface
 * (docs/metrics.md §1b): "tag" for a tag no record names (rec NULL),
 * "record" for one recorded with shipdeck, else the tool it was imported
 * from ("github", "gitlab", "argocd"). */
const char *present_deploy_source(const struct deploy_rec *rec);
/* "record" for an incident opened with shipdeck, else its tool
 * ("pagerduty", "opsgenie"). */
const char *present_incident_source(const struct incident_rec *inc);

enum incident_state { INCIDENT_OPEN, INCIDENT_RESTORED, INCIDENT_NOT_STARTED };
/* Open as of now (a restore after now has not happened yet). */
enum incident_state present_incident_state(const struct incident_rec *i, int64_t now);
/* "open", "restored", "not started". */
const char *present_incident_word(enum incident_state s);

/* ---- features ----------------------------------------------------------- */

enum feature_flag {
	FLAG_OVERDUE,           /* longer in its phase than its size's norm */
	FLAG_NOT_READY,         /* left Planning with planning items open */
	FLAG_STALE_PHASE,       /* hand-set phase older than newer evidence */
	FLAG_NO_GO,             /* in Testing or Deployment with the gate at no-go */
	FLAG_MANUAL,            /* phase set by hand */
	FLAG_KEY_SHARED,        /* its key names another feature's commits too */
	FLAG_ROLLING_OUT,       /* shipped below 100 % */
	FLAG_COUNT
};
/* The flags that make a feature need attention now. */
#define FLAGS_ATTENTION ((1u << FLAG_OVERDUE) | (1u << FLAG_NOT_READY) | \
			 (1u << FLAG_STALE_PHASE) | (1u << FLAG_NO_GO))

/* A bit per enum feature_flag. */
unsigned present_feature_flags(const struct dash_feature *f);
bool present_feature_needs_attention(const struct dash_feature *f);
/* "overdue", "not-ready", "stale-phase", "no-go", "manual", "key-shared",
 * "rolling-out": one word per flag, the same in text and JSON. */
const char *present_flag_word(enum feature_flag fl);
/* The words of the flags in mask, joined by ", ". */
void present_flag_words(struct strbuf *out, unsigned mask);
/* The JSON fields of the flags in mask: `, "attention": BOOL, "flags":
 * [WORDS]`, as the snapshot and `feature show --json` both write them. */
void present_json_flags(struct strbuf *out, unsigned mask);
/* "day 12 of 7–10 days", "week 3 of 3–4 weeks", "" when unknown: the
 * phase module's label without its "Phase: " prefix. */
void present_days_label(struct strbuf *out, const struct dash_feature *f, bool ascii);

/* What needs attention now: counted once for the board and the snapshot. */
struct attention {
	size_t features;                /* present_feature_needs_attention */
	size_t open_incidents;
	size_t overdue_reviews;
	bool window_risky;              /* the deployment window is not good now */
};
void present_attention(const struct dash *d, struct attention *out);
/* The operations part of it in sentence case, as every other line speaks:
 * "1 open incident, 2 overdue reviews"; "" when neither. */
void present_attention_ops(struct strbuf *out, const struct attention *at);

/* ---- services (docs/metrics.md §13) ------------------------------------------ */

/* A service's title, "Service api (paths svc/api/...; tags api-v...)" or
 * "Service billing (whole repository; tags v*)", its outside text cleaned. */
void present_service_title(struct strbuf *out, const struct dash_service *s);
/* The service a record belongs to as a short tag: its name, cleaned, or
 * "-" when it belongs to none. The views put it in brackets. */
void present_service_tag(struct strbuf *out, const char *service);
/* The service of deployment `index` of the dash's list, as the services
 * list names it (with one service, that one); NULL without services. */
const char *present_deploy_service(const struct dash *d, int index);
/* That service's name in exactly `width` columns (cut by display width,
 * cleaned) for a list's column; nothing with one service (nothing to tell
 * apart). */
void present_deploy_service_cell(struct strbuf *out, const struct dash *d, int index, int width, bool ascii);

#endif
