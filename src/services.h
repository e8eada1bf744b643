/* services — which services a database's records and figures are about
 * (docs/metrics.md §13): the stored ones and the config's "services"; with
 * none, the repository shipdeck stands in is the one implicit service. */
#ifndef SD_SERVICES_H
#define SD_SERVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "store_services.h"

struct ctx;
struct store;

struct service_set {
	struct service *s;
	size_t n;
	bool implicit;   /* no service configured: s[0] is the repository shipdeck stands in */
	/* The service of records that name none (every record of a database
	 * older than services): the one whose repository the database belongs
	 * to, else the only one; -1 when neither (such records then show in no
	 * service, and the views say so). */
	int home;
	char **warnings; /* e.g. a config service whose name is taken */
	size_t nwarnings;
};

/* A service name: 1 to 64 letters, digits, '.', '_' or '-'. */
bool service_name_ok(const char *name);
/* Fills out with the effective services; -1 after printing one line. */
int services_resolve(struct ctx *c, struct store *st, struct service_set *out);
void service_set_free(struct service_set *set);
/* --service NAME: checks that the service exists (-1 after printing one
 * line when not) and makes the records this run adds belong to it. */
int services_apply_flag(struct ctx *c, struct store *st);
/* The index of the service called name (ignoring case), or -1. */
int services_find(const struct service_set *set, const char *name);
/* The index of the service a record naming `name` belongs to (NULL: home). */
int services_of_record(const struct service_set *set, const char *name);

/* Whether a path (from the repository root) belongs to a service with these
 * path globs: comma-separated fnmatch globs without FNM_PATHNAME, '!'
 * excludes; NULL or empty is the whole repository (docs/metrics.md §13). */
bool service_paths_match(const char *globs, const char *path);
/* Checks a comma glob list typed by a user: -1 with a reason in why when a
 * glob is empty or holds a control character. */
int service_globs_check(const char *globs, char *why, size_t whylen);

/* The service that claims a record imported from elsewhere (a CI run, a
 * deployment or incident of another tool), by its origin — GitHub
 * `repository.full_name`, GitLab project path, Jenkins job, PagerDuty
 * service, … — and, in a monorepo, the workflow or job name (may be NULL).
 * A service claims it when the origin matches its `origins` globs (unset:
 * the origin's last path component, without ".git", is the repository's
 * folder name) and, when it has `ci_names`, the name matches one of them.
 * Of several claimants, those with matching `ci_names` win; the index of
 * the one left, or -1 when none or several claim it (the importer reports
 * such a record; it never drops it silently). With no service configured
 * the implicit service claims everything. */
int service_for_origin(const struct service_set *set, const char *origin, const char *name);

/* The origin of an imported CI run, for service_for_origin: the GitHub
 * repository (`owner/repo`, as repository.full_name, from the run's URL
 * https://github.com/owner/repo/actions/...), the GitLab project path (from
 * https://host/group/sub/project/-/pipelines/N), the Jenkins job path (its
 * workflow, "folder/job"); NULL when none can be told (malloc'd). */
char *service_build_origin(const char *provider, const char *url, const char *workflow);

/* What mapping imported runs to services did (docs/metrics.md §13). */
struct service_claims {
	size_t claimed, unclaimed;
	char *example;        /* the first unclaimed record's origin and name */
	char *home;           /* the service unclaimed records count for, or NULL */
};
struct build;
/* Gives each of n imported builds (already stored, inside the caller's
 * transaction) to the service its origin and workflow name map to; a
 * build no service claims keeps none and is counted. Nothing to do with no
 * service configured. 0, or -1 with the store's error. */
int services_claim_builds(struct ctx *c, struct store *st, const struct build *b, size_t n,
			  struct service_claims *out);
struct ops_batch;
/* Maps each deployment and incident of an import batch, before it is
 * settled, to the service its origin claims (a deployment's environment
 * name stands for the run's name: ci_names pick among services sharing a
 * repository), and tells the batch the home service and --service, so that
 * deployments fold per service and an incident links only to a deployment
 * of its own service. Nothing is written here: ops_store gives the records
 * their services. 0, or -1 after one line. */
int services_map_ops(struct ctx *c, struct store *st, struct ops_batch *b);
/* What the mapping did to a settled batch, for the summary. */
void services_count_ops(const struct ops_batch *b, struct service_claims *out);
void service_claims_free(struct service_claims *k);

/* --service NAME on a command that lists or reports: which records it
 * keeps (those of that service; with no service configured, all). */
struct service_filter {
	bool active;
	int idx;
	struct service_set set;
	struct store *st;
	struct record_service *rows[5];
	size_t nrows[5];
	bool loaded[5];
};
/* 0 (f->active when --service narrows), or -1 after one line of error. */
int service_filter_open(struct ctx *c, struct store *st, struct service_filter *f);
/* Does the filter keep row id of table (features, builds, deployments,
 * incidents, reviews)? Always true when inactive. */
bool service_filter_keeps(struct service_filter *f, const char *table, int64_t id);
void service_filter_close(struct service_filter *f);

#endif
