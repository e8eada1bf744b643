/* model — assembles everything a screen shows into one struct dash. */
#ifndef SD_MODEL_H
#define SD_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "advice.h"
#include "buildstats.h"
#include "checklists.h"
#include "deploylog.h"
#include "gitscan.h"
#include "metrics.h"
#include "model_services.h"

struct ctx;

/* One phase change of a feature, with what caused it. */
struct dash_event {
	const char *phase;        /* phase id */
	int64_t at;
	const char *kind;         /* commit, merge, build, deployment, rollout, review, manual ... */
	char *evidence;           /* a sha, build, ref or reason; may be NULL */
};

/* One checklist item of a feature: ticked (done), not applicable (na) or open. */
struct dash_check {
	enum checklist_kind kind;
	const char *id, *text;    /* point into dash.checklists */
	bool done;
	char *by;                 /* who ticked it or marked it N/A; NULL when switched off */
	int64_t at;
	char *note;               /* the tick's note, or why it is not applicable */
	bool na;                  /* not applicable: marked so, or switched off by config */
	bool na_config;           /* switched off by config `checklist_off` (no mark stored) */
};

/* The reason shown for an item switched off by config. */
#define CHECK_OFF_REASON "switched off for this repository (config checklist_off)"

struct dash_gate_reason {
	enum gate_level level;
	char *text;
};

/* One feature as every view shows it. */
struct dash_feature {
	int64_t id;
	char *key, *title, *size, *owner, *branch;
	/* The service it belongs to (docs/metrics.md §13), as the services
	 * list names it; NULL: none (it names a service removed since). */
	char *service;
	const char *phase;        /* phase id: planning, development, build, testing, deployment, shipped */
	bool phase_manual;
	char *phase_reason;       /* why it was set by hand, or NULL */
	int64_t phase_since;      /* SD_NO_TIME when unknown */
	double days_in_phase;     /* NaN when unknown */
	double expected_lo, expected_hi; /* days; NaN when unknown */
	bool overdue;
	bool not_ready;           /* left Planning with planning items open */
	int planning_done, planning_na, planning_total;   /* total counts every item */
	int predeploy_done, predeploy_na, predeploy_total;
	char **predeploy_open;    /* ids of open pre-deployment items */
	size_t npredeploy_open;
	bool gate_go;

	char expected_label[128]; /* "Development: day 12 of 7–10" */
	bool manual_stale;        /* a hand-set phase older than newer evidence */
	bool rolling_out;
	int64_t staging_time;
	char *first_commit, *merge_commit;
	char *judged_commit;      /* what the gate judges: the merge, else the branch tip; or NULL */
	bool branch_missing;      /* a branch is set but the repository does not have it */
	const char *merge_how;
	int deploy;               /* index into git.deploys that shipped it, or -1 */
	/* Where its lead time went (docs/metrics.md §2b): the stages of its
	 * first commit, once a deployment (not the first) shipped it. */
	struct dora_stages stages;
	bool key_shared;
	struct dash_event *events;
	size_t nevents;
	struct dash_check *checks; /* planning then pre-deployment items */
	size_t nchecks;
	struct dash_gate_reason *gate;
	size_t ngate;
};

struct dash {
	int64_t now;
	int window_days;
	char *repo_name;          /* NULL without a repository */
	char *repo_path;
	char *db_path;
	struct dash_feature *features;
	size_t nfeatures;
	char **notes;             /* what needs attention / why data is missing */
	size_t nnotes;
	bool db_busy;             /* a write was skipped: the database stayed busy (figures are right) */

	/* The deployment window now (docs/metrics.md §9). */
	bool has_window;
	struct window_result window;
	bool has_next_good;       /* when the window is not good now: the next good one */
	struct window_result next_good;
	bool has_checklists;
	struct checklists checklists;

	/* Builds (docs/metrics.md §7), oldest first, and their health. */
	struct build *builds;
	size_t nbuilds;
	bool builds_before;       /* the database holds builds older than these (CI data, docs/metrics.md §8) */
	struct build_health health;
	bool has_health;

	/* Recorded deployments (all environments, newest first), their rollout
	 * stages, incidents (open first), review answers and reviews due. */
	struct deploy_rec *records;
	size_t nrecords;
	struct rollout_stage *stages;
	size_t nstages;
	struct incident_rec *incidents;
	size_t nincidents;
	size_t open_incidents;
	struct review_answer *answers;
	size_t nanswers;
	struct review_due *reviews;
	size_t nreviews;
	size_t reviews_overdue;
	struct dora_incident *dora_incidents;

	/* History and DORA (docs/metrics.md §0-§6). dora_in points into git's arrays. */
	bool has_history;         /* a repository was scanned */
	struct gitscan_result git;
	struct dora_thresholds thresholds;
	struct dora_input dora_in;
	struct dora_report dora;
	/* Why the window holds no deployment, with what would show some (the
	 * one sentence every view prints), or NULL when it holds some. */
	char *dora_none;
	bool has_thresholds;

	/* Services (docs/metrics.md §13, model_services.h). With one, the
	 * top-level history and figures above are that service's; with several
	 * (team), they are the team's pool of the services'. */
	struct dash_service *services;
	size_t nservices;
	/* Every service's name, also when --service narrows the dash to one
	 * (what the dashboard offers to choose from); none without services. */
	char **service_names;
	size_t nservice_names;
	bool team;
	int *deploy_service;      /* team: the service of each pooled deployment */
	int features_service;     /* whose history the features are read in */
	const char *features_repo;/* its repository (points into services) */

	/* Imported pull requests (docs/metrics.md §2b, model_prs.c): what
	 * the stages need of each, and which commit belongs to which. */
	struct dora_pr *prs;
	size_t nprs;
	struct pr_link *pr_links;
	size_t npr_links;
	struct pr_ref *pr_refs;   /* per pull request: its number and merge commit */
};

/* Builds the dashboard from the store (and, where present, the repository).
 * Returns 0, or -1 after printing one line of error. */
int model_build(struct ctx *c, struct dash *d);
/* Loads recorded deployments, incidents and reviews (model_records.c). */
int model_records(struct ctx *c, struct store *st, struct dash *d);
/* The recorded production deployments as the history scan takes them. */
struct gitscan_record *model_gitscan_records(const struct dash *d, size_t *n);
/* Links incidents to deployments for DORA, after the scan. */
void model_dora_incidents(struct dash *d);
void model_records_free(struct dash *d);
/* The record merged into deployment index i of the scan, or NULL. */
const struct deploy_rec *model_record_of_deploy(const struct dash *d, int i);
/* Infers each feature's phase, checklist state and gate (model_features.c). */
int model_features(struct ctx *c, struct store *st, struct dash *d);
void model_features_free(struct dash *d);
void model_free(struct dash *d);
/* Reads the imported pull requests (model_prs.c); 0 or -1 (the store's error). */
int model_prs_load(struct store *st, struct dash *d);
/* Sets each change's pull request (dora_change.pr) by its commit id. */
void model_prs_link(const struct dash *d, struct dora_change *ch, size_t n);
/* The pull request (index + 1 into d->prs) of a 40-hex commit, or 0. */
int model_pr_of_commit(const struct dash *d, const char *hex);
/* "Reverts #N" lines git could not resolve (git->pr_reverts), resolved
 * against the imported pull requests' merge commits and added to
 * git->reverts (docs/metrics.md §3b); cache: the history cache git was
 * read with (or NULL). */
void model_prs_reverts(const struct dash *d, struct store *cache, struct gitscan_result *git);
void model_prs_free(struct dash *d);

#endif
