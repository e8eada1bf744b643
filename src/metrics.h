/* metrics — DORA figures (docs/metrics.md §1–§6) from plain arrays: no I/O, no clock. */
#ifndef SD_METRICS_H
#define SD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- input: filled by the model from gitscan's result and the store ---- */

/* One production deployment (tag and/or record, merged per docs/metrics.md §1). The
 * array is in deployment order: by time, ties by ref. */
struct dora_deploy {
	int64_t time;
	const char *ref;        /* tag name(s) or the recorded ref, for display */
	const char *commit;     /* 40 hex */
	bool from_tag;
	bool from_record;
	bool failed_record;     /* recorded status failed or rolled-back */
	bool hotfix;            /* recorded kind hotfix, or a tag matching rework_tags */
	bool rollback;          /* deploys older code than the deployment before it (docs/metrics.md §3b) */
	int rolled_back;        /* when rollback: the index of that deployment (the one that failed) */
};

/* A shipped commit with at most one parent: `deploy` is the index of the
 * deployment that first shipped it. Commits of the first deployment are
 * included here; the metrics leave them out (docs/metrics.md §2). */
struct dora_change {
	int deploy;
	int64_t author_time;
	int64_t commit_time;
	/* Commit time of the first commit of the default branch's first-parent
	 * chain that reaches it (docs/metrics.md §2b), or SD_NO_TIME. */
	int64_t landed;
	unsigned char id[20];   /* the commit's id (links it to its pull request) */
	int pr;                 /* its pull request: index + 1 into dora_input.prs, 0: none (§2b) */
};

/* A change's pull request as the stages need it (docs/metrics.md §2b). */
struct dora_pr {
	int64_t opened, merged;
	int64_t first_review;   /* by someone other than the author; SD_NO_TIME: none, or untimed */
	bool review_untimed;    /* reviewed, but when is unknown */
};

/* "This reverts commit X": the deployment that first shipped X and the one
 * that first shipped the revert (-1 when either never shipped). */
struct dora_revert {
	int reverted_deploy;
	int revert_deploy;
	int64_t revert_author_time;
	int revert_pr;          /* the pull request the reverting commit names (its own subject), or 0 */
	int reverted_pr;        /* a "Reverts #N" line's N (docs/metrics.md §3b), or 0 */
};

/* A recorded incident linked to a deployment (index, or -1 if none). */
struct dora_incident {
	int deploy;
	int64_t started;
	int64_t restored;       /* SD_NO_TIME while open */
	bool by_time;           /* linked by time before (a team's pool links per service) */
};


/* ---- thresholds (data/thresholds.json, loaded by thresholds.c) ---------- */

/* Tier cut-offs of one DORA report (docs/metrics.md §6). Kept as data so that a new
 * report year is a JSON edit, not a code change. */
struct dora_thresholds {
	char name[32];                  /* "dora-2023" */
	int year;                       /* the report's year, shown on screen */
	double df_elite_days;           /* median deploy days per week >= this */
	double df_high_days;
	double df_medium_per_30d;       /* deployments per 30 days >= this */
	double lt_elite_h, lt_high_h, lt_medium_h;      /* median lead time < */
	double cfr_elite, cfr_high, cfr_medium;         /* percent, <= */
	double ttr_elite_h, ttr_high_h, ttr_medium_h;   /* median restore < */
};

/* Fills out from the JSON text of data/thresholds.json: the set called name
 * (NULL: the file's default). Returns 0, or -1 with a message in err. */
int thresholds_load(const char *json_text, const char *name,
		    struct dora_thresholds *out, char *err, size_t errlen);
/* thresholds_load over data_file("thresholds.json"). */
int thresholds_load_default(const char *name, struct dora_thresholds *out,
			    char *err, size_t errlen);

/* ---- analysis ------------------------------------------------------------ */

enum dora_tier { TIER_NA, TIER_LOW, TIER_MEDIUM, TIER_HIGH, TIER_ELITE };

/* Whether a current value meets the team's target (n/a without data). */
enum dora_target_state { TARGET_NA, TARGET_MET, TARGET_MISSED };

/* The team's own targets (config target_*; defaults of the seed scorecard). */
struct dora_targets {
	double deploys_per_week;        /* at least */
	double lead_time_hours;         /* median under */
	double cfr_percent;             /* under */
	double restore_hours;           /* median under */
};
#define DORA_TARGETS_DEFAULT {1.0, 168.0, 15.0, 1.0}

/* Everything the DORA figures are computed from; `now` is an argument like
 * everywhere in the analysis, so tests and snapshots are reproducible. */
struct dora_input {
	const struct dora_deploy *deploys;      /* in deployment order */
	size_t ndeploys;
	const struct dora_change *changes;
	size_t nchanges;
	/* Per deployment, the changes it first shipped, or NULL: counted from
	 * changes. Given, changes need only hold those of the deployments at
	 * or after metrics_changes_since (the others are only counted). */
	const int *deploy_changes;
	const struct dora_revert *reverts;
	size_t nreverts;
	const struct dora_pr *prs;              /* the changes' pull requests (dora_change.pr) */
	size_t nprs;
	const struct dora_incident *incidents;  /* deploy -1: linked by time */
	size_t nincidents;
	int64_t now;
	int window_days;                /* window (now - window_days, now] */
	int revert_window_days;         /* later reverts are not failures */
	bool lead_from_committer;
	const struct dora_thresholds *th;       /* NULL: no tiers */
	struct dora_targets targets;
	const char *deploy_tags;        /* pattern in effect, for the hint; may be NULL */
};

/* Why a deployment counts as failed (the first that applies, in this order
 * of precedence for its restore time: incident, then git (a revert or a
 * rollback, the first found), record). */
enum dora_fail_source { FAIL_NONE, FAIL_REVERT, FAIL_RECORD, FAIL_INCIDENT, FAIL_ROLLBACK };

/* What the analysis says about one deployment. */
struct dora_deploy_result {
	int index;                      /* into dora_input.deploys */
	int changes;                    /* 0 for the first deployment (docs/metrics.md §2) */
	bool failed;
	enum dora_fail_source fail_source;
	int restored_by;                /* earliest restoring deployment, or -1 */
	int restored_by_pr;             /* a revert restored it: the revert's own pull request, or 0 */
	int restored_reverts_pr;        /* a revert restored it: the pull request it reverts, or 0 */
	double restore_hours;           /* NaN: not restored (or not failed) */
	bool rework;                    /* restores an earlier one, or a hotfix */
	bool incident_linked_by_time;   /* its incident named no deployment */
	bool in_window;
};

#define DORA_WEEKS 12

/* Where lead time goes (docs/metrics.md §2b): the median of each stage over
 * a set of changes, hours; NaN where unknown. From git alone: coding and
 * review, waiting to deploy. */
struct dora_stages {
	int changes;                    /* changes the medians are over */
	double coding_and_review_hours;
	double waiting_hours;
	/* With pull-request data: coding, pickup, review (NaN without). */
	double coding_hours, pickup_hours, review_hours;
	bool from_prs;                  /* the split comes from pull requests */
};

/* One change's stages from git alone (docs/metrics.md §2b), hours, each
 * clamped at 0: landed − start (author time, or committer time with
 * lead_from_committer) and deployment − landed, where a change that did not
 * land on the default branch before its deployment landed at its time. */
void metrics_change_stages(const struct dora_input *in, const struct dora_change *c,
			   double *coding_and_review, double *waiting);
/* The stages of a change with its pull request (docs/metrics.md §2b),
 * hours, each clamped at 0, NaN where unknown: coding (opened − start,
 * where a squash commit starts at its pull request's first authored
 * commit when that is earlier),
 * pickup (first review − opened; NaN without a review), review (merged −
 * first review, or merged − opened without a review; NaN for an untimed
 * one), waiting to deploy (deployment − merged). */
struct dora_pr_stages {
	double coding, pickup, review, waiting;
};
void metrics_change_pr_stages(const struct dora_input *in, const struct dora_change *c, const struct dora_pr *p,
			      struct dora_pr_stages *out);

/* One ISO week of the trend; NaN where the week has no sample. */
struct dora_week {
	char label[12];                 /* "2026-W47" */
	int64_t start;                  /* Monday 00:00 UTC */
	int deploys;
	double lead_time_median_hours;
	double change_failure_rate;     /* percent */
	double time_to_restore_median_hours;
};

/* The figures of docs/metrics.md §1–§6 as of in->now. NaN means "no data" (n/a). */
struct dora_report {
	char thresholds[32];            /* thresholds set name, "" when none */
	int year;                       /* its report year, 0 when none */
	int64_t now;
	int window_days;
	int64_t window_start;           /* exclusive */
	int existing_deploys;           /* deployments at or before now, all time */
	int latest_deploy;              /* index of the newest of them, or -1 */
	struct {
		int deploys;
		double per_week;        /* NaN when no deployment exists at all */
		int deploy_days;        /* distinct UTC days with a deployment */
		int weeks;              /* full weeks inside the window */
		double median_deploy_days_per_week;
		enum dora_tier tier;
	} frequency;
	struct {
		int changes;
		double median_hours, p90_hours;
		int clamped;
		enum dora_tier tier;
		struct dora_stages stages;
	} lead_time;
	struct {
		int failed, deploys;
		double rate;            /* percent */
		enum dora_tier tier;
	} cfr;
	struct {
		int restores;
		double median_hours;
		enum dora_tier tier;
	} restore;
	struct {
		int rework, deploys;
		double rate;            /* percent; DORA publishes no tiers */
	} rework;
	struct dora_targets targets;
	enum dora_target_state df_met, lt_met, cfr_met, ttr_met;
	int incidents_linked_by_time;
	struct dora_week weekly[DORA_WEEKS];    /* oldest first, the last holds now */
	struct dora_deploy_result *deploys;     /* the window's, newest first */
	size_t ndeploys;
	/* Every input deployment's result, in input order (index i is
	 * dora_input.deploys[i]): what a list outside the window reads, so that
	 * a deployment's verdict is decided here once. */
	struct dora_deploy_result *all;
	size_t nall;
};

/* The earliest deployment time whose changes a figure reads: the start of
 * the window or of the weekly trend, whichever is earlier. The changes of
 * earlier deployments are only counted (dora_input.deploy_changes). */
int64_t metrics_changes_since(int64_t now, int window_days);
/* Computes every DORA figure of docs/metrics.md §1–§6; free with dora_report_free. */
void metrics_dora(const struct dora_input *in, struct dora_report *out);
void dora_report_free(struct dora_report *r);
/* "elite", "high", "medium", "low" or "n/a". */
const char *dora_tier_name(enum dora_tier t);

#endif
