/* buildstats — build health (docs/metrics.md §7) from an array of builds: no I/O, no clock. */
#ifndef SD_BUILDSTATS_H
#define SD_BUILDSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One CI run attempt, normalized from any provider. Strings are owned
 * (build_free); times are Unix seconds or SD_NO_TIME. */
struct build {
	int64_t id;             /* database row id; 0 before it is stored */
	char *provider;         /* github | gitlab | jenkins | manual */
	char *run_id;           /* the provider's id, as text (may exceed 2^31) */
	int attempt;            /* re-runs keep run_id with a new attempt (>= 1) */
	char *workflow;         /* or NULL */
	char *branch;           /* or NULL */
	char *commit;           /* or NULL */
	char *status;           /* queued | running | completed */
	char *conclusion;       /* success, failure, ... (build_conclusions), or NULL */
	int64_t created;        /* when it was queued */
	int64_t started;        /* when it began to execute */
	int64_t finished;       /* only for completed runs */
	int64_t duration_s;     /* finished - started of a completed, not skipped build;
	                           SD_NO_TIME when there is none */
	int64_t queue_s;        /* started - created, SD_NO_TIME when unknown */
	char *failure_kind;     /* tests | quality | security | config | other, or NULL */
	bool failure_kind_manual; /* set by hand: a re-import never overwrites it */
	char *failed_jobs;      /* failed job/step names, one a line, or NULL */
	char *url;              /* or NULL */
	bool partial;           /* made from a jobs page: only failed_jobs is
	                           authoritative when the run itself is known */
};

/* Conclusions, in the order of build_health.conclusions. */
enum build_conclusion {
	BC_SUCCESS, BC_FAILURE, BC_CANCELLED, BC_SKIPPED, BC_NEUTRAL,
	BC_ACTION_REQUIRED, BC_TIMED_OUT, BC_COUNT
};
extern const char *const build_conclusions[BC_COUNT];

/* Failure kinds, in the order of build_health.kinds. */
enum build_failure_kind { FK_TESTS, FK_QUALITY, FK_SECURITY, FK_CONFIG, FK_OTHER, FK_COUNT };
extern const char *const build_failure_kinds[FK_COUNT];

/* Index of a conclusion name, or -1. */
int build_conclusion_index(const char *name);
/* Index of a failure kind name, or -1. */
int build_failure_kind_index(const char *name);
/* True for the conclusions that count as a failed run (failure, timed-out). */
bool build_is_failure(const char *conclusion);
/* True for a completed build whose finish is before its start: it is
 * kept, without a duration. */
bool build_finished_before_started(const struct build *b);
/* Recomputes duration_s and queue_s from the times (docs/metrics.md §7). */
void build_fill_durations(struct build *b);
void build_free(struct build *b);
void builds_free(struct build *b, size_t n);
/* A deep copy. */
void build_copy(struct build *dst, const struct build *src);

/* Build-time tier of a median duration in minutes: fast, decent, slow, broken. */
const char *build_tier(double median_minutes);

#define BH_WEEKS 12
#define BH_DAYS 30
#define BH_SLOWEST 5

struct bh_week {
	int64_t start;          /* Monday 00:00 UTC */
	int count;              /* builds that started in the week (up to now) */
	bool has_median;
	double median_minutes;
	int judged;             /* runs with a pass/fail outcome (latest attempt) */
	int failed;
};

struct bh_workflow {
	char *name;             /* owned; "" for builds without a workflow name */
	double median_minutes;
	int count;              /* builds with a duration */
};

/* Everything the build panes and the snapshot show. A figure with no sample
 * has its has_* flag false (n/a, JSON null), never 0. */
struct build_health {
	int64_t now;
	int window_days;
	double hourly_cost;
	int count;              /* builds (attempts) in the window */
	int running;            /* of those, queued or running as of now */
	int timed;              /* of those, with a duration */
	bool has_duration;
	double median_minutes, p90_minutes;
	const char *tier;       /* NULL without durations */
	int runs;               /* runs in the window whose latest attempt concluded */
	int conclusions[BC_COUNT]; /* per run, latest attempt */
	int judged;             /* runs concluded success, failure or timed-out */
	int failed;             /* runs concluded failure or timed-out */
	bool has_failure_rate;
	double failure_rate;    /* percent: 100 * failed / judged (like DORA's rates) */
	int kinds[FK_COUNT];    /* of the failed runs */
	bool has_wait;          /* builds with a duration in the last 7 days */
	double wait_hours_per_week;
	double cost_per_year;
	double saving_per_year; /* if every build took under 10 min */
	struct bh_workflow slowest[BH_SLOWEST];
	int nslowest;
	struct bh_week weekly[BH_WEEKS]; /* oldest first; the last holds now */
	bool daily_has[BH_DAYS];
	double daily_minutes[BH_DAYS];   /* median per UTC day; the last is today */
};

/* Computes the build health as of now over (now - window_days, now]. */
void buildstats_compute(const struct build *b, size_t n, int64_t now, int window_days,
			double hourly_cost, struct build_health *out);
void build_health_free(struct build_health *h);
/* The earliest instant buildstats_compute looks at (window, 12 weeks, 30
 * days): load builds after it. */
int64_t buildstats_since(int64_t now, int window_days);

/* Failure rate of one week in percent, when it has judged runs. */
bool bh_week_failure_rate(const struct bh_week *w, double *rate);

#endif
