/* phase — a feature's place on the journey, inferred from evidence (docs/metrics.md §8),
 * and how long it has been there against what is normal for its size. Pure. */
#ifndef SD_PHASE_H
#define SD_PHASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum phase {
	PHASE_PLANNING,
	PHASE_DEVELOPMENT,
	PHASE_BUILD,
	PHASE_TESTING,
	PHASE_DEPLOYMENT,
	PHASE_SHIPPED,
	PHASE_COUNT
};

enum feature_size { SIZE_SMALL, SIZE_MEDIUM, SIZE_LARGE, SIZE_COUNT };

/* What is known about one feature. Times are SD_NO_TIME when absent; a time
 * after `now` counts as absent (every figure is as of now). */
struct phase_evidence {
	int64_t created_time;          /* the feature record: Planning starts here */
	bool has_commits;
	int64_t first_commit_time;
	const char *first_commit;      /* sha, for the event (may be NULL) */
	bool in_default_branch;
	int64_t merge_time;
	const char *merge_commit;
	int64_t build_success_time;    /* success of the merge or a later default-branch commit */
	const char *build;             /* build id, for the event */
	bool has_any_ci_data;          /* false: no CI data at all, so no build is awaited */
	int64_t staging_time;          /* shown, never a phase change */
	int64_t deploy_time;           /* first production deployment shipping it */
	const char *deploy;            /* tag or deployment id, for the event */
	int rollout_pct;               /* of that deployment (0..100) */
	int64_t rollout_complete_time; /* when it reached 100 % (SD_NO_TIME: use deploy_time at 100 %) */
	int64_t review_done_time;      /* post-deployment review recorded */
	bool manual;                   /* phase set by hand */
	enum phase manual_phase;
	int64_t manual_time;
	const char *manual_reason;
};

/* One phase change and what caused it. */
struct phase_event {
	enum phase phase;
	int64_t at;
	const char *kind;       /* "created", "commit", "merge", "build", "deployment",
	                         * "rollout", "review", "elapsed", "manual" */
	const char *evidence;   /* points into the evidence (sha, build, reason), or NULL */
};

struct phase_state {
	enum phase phase;       /* the one shown: manual when set, else inferred */
	int64_t since;          /* entry time of that phase */
	bool manual;
	enum phase inferred;    /* what the evidence says, also when manual */
	int64_t inferred_since;
	/* A manual phase older than the inferred evidence, naming another phase:
	 * shown so a stale hand-set phase does not hide progress. */
	bool manual_stale;
	bool rolling_out;       /* in Deployment below 100 % */
	int64_t staging_time;   /* a staging deployment to show, or SD_NO_TIME */
	struct phase_event events[PHASE_COUNT + 1];
	size_t nevents;
};

/* Infers the phase of one feature as of now. */
void phase_infer(const struct phase_evidence *ev, int64_t now, struct phase_state *out);

/* Expected time in each phase per size (data/phases.json). */
struct phase_range {
	bool known;
	double lo_days, hi_days;
	char unit[8];           /* "minutes", "days", "weeks": how to show it */
	char label[48];         /* "7–10", "20–30 min", "1–2 weeks", "same day" */
};

struct phase_durations {
	struct phase_range r[SIZE_COUNT][PHASE_COUNT];
};

struct phase_expect {
	bool known;
	double days_in_phase;
	double lo_days, hi_days;
	bool overdue;           /* days_in_phase > hi_days */
	char label[128];        /* "Development: day 12 of 7–10" */
};

/* Parses data/phases.json text; false with a reason in why. */
bool phase_durations_parse(const char *json, struct phase_durations *d, char *why, size_t whylen);
/* Days in the phase entered at `since` as of now, against the expected range. */
void phase_expect(const struct phase_durations *d, enum feature_size size, enum phase p,
		  int64_t since, int64_t now, struct phase_expect *out);

/* "Planning", "Development", "Build & Package", "Testing & Staging",
 * "Deployment", "Shipped". */
const char *phase_name(enum phase p);
/* "planning", "development", "build", "testing", "deployment", "shipped"
 * (the values of features.phase_manual). */
const char *phase_id(enum phase p);
bool phase_parse(const char *id, enum phase *out);
/* "small", "medium", "large". */
const char *size_id(enum feature_size s);
bool size_parse(const char *s, enum feature_size *out);

#endif
