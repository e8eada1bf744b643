/* store_services — the services table (migration 5) and which service a
 * record belongs to: the SQL side of docs/metrics.md §13. */
#ifndef SD_STORE_SERVICES_H
#define SD_STORE_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* One service as stored (or as read from the config's "services"). A NULL
 * field is unset: deploy_tags NULL takes the global pattern, paths NULL is
 * the whole repository, branch NULL is detected. */
struct service {
	char *name;
	char *repo;          /* the repository's path (absolute once added) */
	char *deploy_tags;   /* comma globs, '!' excludes (docs/metrics.md §1) */
	char *paths;         /* comma globs from the repository root (docs/metrics.md §13) */
	char *branch;
	char *origins;       /* comma globs of the names CI and incident tools give it */
	char *ci_names;      /* comma globs of workflow or job names that claim a run */
	int64_t created_at;
	bool from_config;    /* read from the config, not the database */
	bool implicit;       /* the repository shipdeck stands in, no service configured */
};
void service_clear(struct service *s);
void services_free(struct service *s, size_t n);

/* Every stored service, by name. */
int store_services_list(struct store *st, struct service **out, size_t *n);
/* 1 found (out filled), 0 none, -1 error; the name is compared ignoring case. */
int store_service_get(struct store *st, const char *name, struct service *out);
/* Inserts s; -1 with the store's message (e.g. the name is taken). */
int store_service_add(struct store *st, const struct service *s);
/* 1 removed, 0 no such service, -1 error. Records that name it are kept. */
int store_service_delete(struct store *st, const char *name);

/* How many records name the service (features, builds, deployments,
 * incidents, reviews); home: also count the records that name none (they
 * belong to the database's own repository's service). */
struct service_counts {
	int64_t features, builds, deployments, incidents, reviews;
};
int store_service_counts(struct store *st, const char *name, bool home, struct service_counts *out);
/* For the rest of this connection, every record added without a service
 * belongs to `name` (--service; a valid service name), and a deployment is
 * looked up among that service's (home: the service of records naming
 * none, which are its too). 0 or -1. */
int store_service_stamp(struct store *st, const char *name, bool home);

/* Gives a stored build (provider, run, attempt) to a service unless it has
 * one already (a record keeps the service it was made for). 0 or -1. */
int store_build_claim(struct store *st, const char *provider, const char *run_id, int attempt,
		      const char *service);

/* Gives row `id` of a record table ("deployments", "incidents") to a
 * service unless it names one already (a record keeps the service it was
 * made for, or the one --service stamped on it). 0 or -1. */
int store_record_claim(struct store *st, const char *table, int64_t id, const char *service);

/* The service column of every row of a record table ("deployments",
 * "incidents", "features", "builds"), by id. */
struct record_service {
	int64_t id;
	char *service;       /* NULL: names none (the home service) */
};
int store_record_services(struct store *st, const char *table, struct record_service **out, size_t *n);
void record_services_free(struct record_service *r, size_t n);
/* The service a row names (NULL: none, or no such row); r sorted by id. */
const char *record_service_of(const struct record_service *r, size_t n, int64_t id);

#endif
