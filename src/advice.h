/* advice — the deployment window, strategy, rollback-or-fix and go/no-go
 * rules (docs/metrics.md §9, §10). Pure: tables and zone data come in as text or bytes,
 * `at`/`now` are arguments, nothing here reads a file or the clock. */
#ifndef SD_ADVICE_H
#define SD_ADVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checklists.h"

/* ---- time zones ---------------------------------------------------------- */

/* One local-time type of a zone (offset east of UTC, DST flag, "CET"). */
struct tz_type {
	int32_t offset;
	bool dst;
	char abbr[16];
};

/* A POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3") for instants after the
 * last transition of a TZif file; only the Mm.w.d form is supported. */
struct tz_rule {
	struct tz_type std, dst;
	bool has_dst;
	int start_m, start_w, start_d, end_m, end_w, end_d;
	int32_t start_secs, end_secs;   /* local time of day of each switch */
};

/* A zone: a fixed offset, or the transitions of a TZif file. */
struct tz_zone {
	char name[64];
	int64_t *trans;         /* transition instants, ascending */
	unsigned char *trans_type;
	size_t ntrans;
	struct tz_type *types;
	size_t ntypes;
	struct tz_type fixed;   /* used when ntypes == 0 */
	bool has_rule;
	struct tz_rule rule;
};

/* True for names that need no zoneinfo: "UTC", "GMT", "Z", "+05:30",
 * "-0700", "+03"; fills z. */
bool tz_fixed(const char *name, struct tz_zone *z);
/* True when name may be looked up under a zoneinfo directory: no "..",
 * no leading "/", only letters, digits and "/_+-". */
bool tz_name_ok(const char *name);
/* Parses TZif data (version 1, or the 64-bit block of version 2+ and its
 * footer rule); false with a reason in why on malformed data. */
bool tz_parse_tzif(const char *name, const unsigned char *data, size_t len,
		   struct tz_zone *z, char *why, size_t whylen);
/* The local-time type in effect at instant t. */
const struct tz_type *tz_type_at(const struct tz_zone *z, int64_t t);
void tz_free(struct tz_zone *z);
/* The instants whose local time in z is `local` (a wall-clock time written
 * as if it were UTC seconds), ascending: 1 normally, 0 in a gap (clocks
 * jumped over it), 2 in an overlap (clocks turned back over it). */
int tz_local_to_utc(const struct tz_zone *z, int64_t local, int64_t out[2]);

/* ---- deployment window (docs/metrics.md §9) ---------------------------------------- */

enum window_verdict { WINDOW_GOOD, WINDOW_RISKY, WINDOW_NEVER };

struct window_rule {
	char id[32];
	unsigned days;          /* bit 0 = Monday .. bit 6 = Sunday */
	int from, to;           /* minutes of the local day; from > to wraps midnight */
	enum window_verdict verdict;
	char reason[240];
};

/* data/window.json: first matching rule wins; holidays before all rules. */
struct window_table {
	struct window_rule *rules;
	size_t nrules;
	struct window_rule holiday;
	struct window_rule fallback;
};

/* Holidays: local calendar days (days since 1970-01-01), sorted. */
struct holidays {
	int64_t *days;
	size_t n;
};

struct window_result {
	enum window_verdict verdict;
	char rule[32];          /* the matching rule's id, or "holiday" */
	char reason[240];       /* the table's reason */
	char when[64];          /* "Thursday 2026-11-26 12:00 CET" */
	char zone[64];          /* the zone's name, "Europe/Berlin" */
	char local_iso[32];     /* "2026-11-26T12:00:00+01:00" */
	int weekday;            /* local, 0 = Monday */
	int minute_of_day;      /* local */
	int32_t offset;         /* seconds east of UTC at that instant */
};

/* Parses data/window.json text; false with a reason on a bad table. */
bool window_table_parse(const char *json, struct window_table *t, char *why, size_t whylen);
void window_table_free(struct window_table *t);
/* Parses "2026-12-24,2026-12-25" or a file's text of such dates (separated
 * by commas, spaces or newlines; "#" starts a comment). */
bool holidays_parse(const char *text, struct holidays *h, char *why, size_t whylen);
/* The same for a file's text, whose words must never be quoted (the path may
 * name a secret): 0, or the line of the first word that is not a date. */
int holidays_parse_file(const char *text, struct holidays *h);
void holidays_free(struct holidays *h);
/* Judges instant `at` in zone z. */
void window_judge(const struct window_table *t, const struct tz_zone *z,
		  const struct holidays *h, int64_t at, struct window_result *out);
/* The first instant at or after `from`, within `days` days, whose verdict
 * is good; false when there is none. The rules change only at their from/to
 * minutes and at midnight, so only those local times are tried. */
bool window_next_good(const struct window_table *t, const struct tz_zone *z,
		      const struct holidays *h, int64_t from, int days, struct window_result *out,
		      int64_t *at);
/* "good", "risky", "never". */
const char *window_verdict_id(enum window_verdict v);

/* ---- advisor tables (data/advice.json) ----------------------------------- */

enum users_affected { USERS_ALL, USERS_SOME, USERS_FEW };
enum business_impact { IMPACT_REVENUE, IMPACT_INCONVENIENCE, IMPACT_MINOR };
enum deploy_strategy { STRATEGY_BIG_BANG, STRATEGY_ROLLING, STRATEGY_CANARY, STRATEGY_BLUE_GREEN };
enum rollback_band { ROLLBACK_FAST, ROLLBACK_MEDIUM, ROLLBACK_SLOW }; /* <5, 5–30, >30 min */
enum severity { SEVERITY_CRITICAL, SEVERITY_MAJOR, SEVERITY_MINOR };
enum recovery { RECOVERY_ROLLBACK, RECOVERY_FIX_FORWARD };

/* A decision rule: each mask holds the values it applies to (bit = enum
 * value; 0 = any); minutes bounds are inclusive, -1 = unbounded. */
struct advice_rule {
	unsigned users, impact, band, severity, root;
	long min_minutes, max_minutes;
	int outcome;            /* enum deploy_strategy or enum recovery */
	char reason[240];       /* "{minutes}" is replaced by the input */
};

struct canary_stage {
	int pct;
	int hold_minutes;       /* 0 at 100 % */
	char watch[160];
};

struct advice_table {
	struct advice_rule *strategy;
	size_t nstrategy;
	char band_note[3][240];
	struct canary_stage *canary;
	size_t ncanary;
	struct advice_rule *recovery;
	size_t nrecovery;
	int recovery_fallback;
	char recovery_fallback_reason[240];
};

/* Reasons of an answer, one line each (owned). */
struct reasons {
	char **lines;
	size_t n, cap;
};

struct strategy_advice {
	enum deploy_strategy strategy;
	enum rollback_band band;
	struct reasons why;
	const struct canary_stage *plan;  /* into the table; NULL unless canary */
	size_t nplan;
};

struct recovery_advice {
	enum recovery decision;
	struct reasons why;
};

bool advice_table_parse(const char *json, struct advice_table *t, char *why, size_t whylen);
void advice_table_free(struct advice_table *t);
/* < 5 fast, 5–30 medium, > 30 slow. */
enum rollback_band rollback_band_of(long minutes);
/* Strategy for the three answers (docs/metrics.md §9); free with strategy_advice_free. */
void advise_strategy(const struct advice_table *t, enum users_affected users,
		     long rollback_minutes, enum business_impact impact, struct strategy_advice *out);
void strategy_advice_free(struct strategy_advice *a);
/* Roll back or fix forward (docs/metrics.md §9); free with recovery_advice_free. */
void advise_recovery(const struct advice_table *t, enum severity sev, bool root_known,
		     long fix_minutes, struct recovery_advice *out);
void recovery_advice_free(struct recovery_advice *a);

/* Names as used on the command line and in JSON. */
const char *strategy_id(enum deploy_strategy s);   /* "canary", "blue-green", ... */
const char *recovery_id(enum recovery r);          /* "rollback", "fix-forward" */
bool users_parse(const char *s, enum users_affected *out);
bool impact_parse(const char *s, enum business_impact *out);
bool severity_parse(const char *s, enum severity *out);
const char *users_id(enum users_affected u);
const char *impact_id(enum business_impact i);
const char *severity_id(enum severity s);

void reasons_add(struct reasons *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reasons_free(struct reasons *r);

/* ---- go / no-go gate (docs/metrics.md §10, issue 4) -------------------------------- */

/* The latest build of the commit to deploy. */
enum gate_build {
	GATE_BUILD_NO_CI,       /* no CI data at all: not checked */
	GATE_BUILD_NONE,        /* CI data exists, none for this commit */
	GATE_BUILD_SUCCESS,
	GATE_BUILD_FAILURE,
	GATE_BUILD_RUNNING,
};

/* A pre-deployment item that does not apply, and why. */
struct gate_na {
	const char *id;
	const char *reason;
};

/* The commit the gate judges and how it was chosen (docs/advisor.md "The
 * gate"): the merge into the default branch, else the branch's tip. */
struct gate_commit {
	const char *sha;          /* 40 hex, or NULL when there is none */
	const char *branch;       /* the feature's branch, or NULL */
	const char *main;         /* the default branch, e.g. "main", or NULL */
	bool merged;              /* sha is the merge into main */
	bool branch_missing;      /* a branch is set but is not in the repository */
	bool no_repository;       /* there is no history to look in */
};

struct gate_input {
	const struct checklist_item *open_items;  /* open pre-deployment items */
	size_t nopen;
	size_t ntotal;                            /* pre-deployment items in all */
	const struct gate_na *na_items;           /* items marked not applicable */
	size_t nna;
	int64_t feature_id;                       /* named in the commands that clear a block; 0: none */
	const struct window_result *window;       /* NULL: not judged */
	const struct window_result *next_good;    /* the next good window when the window is
	                                           * not good now; NULL: none within the search */
	const struct gate_commit *commit;         /* NULL: not known (said as "the commit to deploy") */
	enum gate_build build;
	const char *build_what;                   /* "github run 412 of abc1234", or NULL */
	const char *build_other;                  /* when no build of the commit: the latest
	                                           * build of the branch, of another commit */
	const char *const *incidents;             /* titles of open production incidents */
	const int64_t *incident_ids;              /* their ids (or NULL) */
	size_t nincidents;
};

enum gate_level { GATE_OK, GATE_WARN, GATE_BLOCK };

struct gate_reason {
	enum gate_level level;
	char *text;             /* clean: outside text went through text_clean */
};

struct gate_result {
	bool go;
	struct gate_reason *reasons;
	size_t n, cap;
};

/* Go unless an item is open, the window says never, the build is not a
 * success while CI data exists, or a production incident is open; a risky
 * window and a commit not merged into the default branch warn but do not
 * block. Every reason is listed, and each block says what would clear it. */
void gate_decide(const struct gate_input *in, struct gate_result *out);
void gate_result_free(struct gate_result *r);
/* "ok", "warn", "block". */
const char *gate_level_id(enum gate_level l);

#endif
