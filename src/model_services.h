/* model_services — the history and DORA figures of each service and of the
 * team (docs/metrics.md §13), over the per-repository history scan. */
#ifndef SD_MODEL_SERVICES_H
#define SD_MODEL_SERVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "gitpaths.h"
#include "gitscan.h"
#include "metrics.h"

struct ctx;
struct store;
struct dash;

/* One service's history and figures as the views show them. */
struct dash_service {
	char *name, *repo, *deploy_tags, *paths;
	bool ok;                     /* its repository was read */
	char *error;                 /* why not (missing or broken repository) */
	bool top;                    /* the dash's top-level history is this service's */
	struct gitscan_result git;   /* unless top */
	struct gitpaths_result pathres;
	struct dora_incident *incidents;
	size_t nincidents;
	struct dora_input in;        /* unless top */
	struct dora_report dora;     /* unless top */
	int *team_index;             /* per deployment: its index in the team's pool */
	struct store *cache;         /* its history cache (the database's, or its own file) */
	bool own_cache;              /* cache is its own file: closed with the dash */
};

/* The figures of service i (the top-level ones for a `top` service). */
const struct dora_report *dash_service_dora(const struct dash *d, size_t i);
const struct dora_input *dash_service_input(const struct dash *d, size_t i);
const struct gitscan_result *dash_service_git(const struct dash *d, size_t i);

/* How far each service's scan is, for whoever shows it (`sync` on a
 * terminal); the model itself prints nothing. */
enum scan_state { SCAN_WAITING, SCAN_READING, SCAN_PATHS, SCAN_DONE, SCAN_FAILED };
struct scan_progress {
	const char *name, *repo;
	enum scan_state state;
	size_t commits;          /* read so far (a warm start reads none) */
	size_t path_commits;     /* a path service's: the commits its path walk judged so far */
	double seconds;          /* when done or failed */
	const char *error;       /* when failed: one line */
};
/* Called on the calling thread every tenth of a second while services
 * scan, and once when all are done. */
struct scan_watch {
	void (*fn)(void *arg, const struct scan_progress *p, size_t n, double elapsed);
	void *arg;
};

/* Reads every service's history, several at once (one thread and one
 * libgit2 repository each), and computes its figures and the team's
 * (full: ignore the caches, as `sync --full`; watch may be NULL). 0, or
 * -1 after one line. */
int model_services_load(struct ctx *c, struct store *st, struct dash *d, bool full,
			const struct scan_watch *watch);
void model_services_free(struct dash *d);
/* For each commit, the index into d->git.deploys of the deployment that
 * first shipped it, or -1, and its landing (docs/metrics.md §2b), as
 * gitscan_first_deploys_landed (the team's pool maps the home service's). */
void model_first_deploys_landed(const struct dash *d, const char *const *hex, size_t n, int *out,
				int64_t *landed);

/* --service NAME: keep only that service's records (deployments and
 * incidents of the dash, builds, features); 0 or -1 after one line. */
struct build;
struct feature;
struct deploy_rec;
struct incident_rec;
int model_narrow_deploys(struct ctx *c, struct store *st, struct deploy_rec *r, size_t *n);
int model_narrow_incidents(struct ctx *c, struct store *st, struct incident_rec *r, size_t *n);
int model_narrow_records(struct ctx *c, struct store *st, struct dash *d);
int model_narrow_builds(struct ctx *c, struct store *st, struct build *b, size_t *n);
int model_narrow_features(struct ctx *c, struct store *st, struct feature *fs, size_t *n);

#endif
