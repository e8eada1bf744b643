/* store_deploys — the deployments, rollout_stages, incidents and reviews
 * tables, and the commands that write them (deploy, incident, review). */
#ifndef SD_STORE_DEPLOYS_H
#define SD_STORE_DEPLOYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deploylog.h"

struct store;
struct ctx;

/* ---- deployments -------------------------------------------------------- */
/* A deployment by row id; 1 found (out filled), 0 none, -1 error. */
int store_deploy_get(struct store *st, int64_t id, struct deploy_rec *out);
/* The deployment of a commit (40 hex) to env by the service this run's
 * records belong to (store_service_stamp; none: the home service's rows,
 * which name none): one row per commit, env and service (migration 9,
 * docs/metrics.md §13). 1, 0 or -1. */
int store_deploy_find(struct store *st, const char *commit, const char *env, struct deploy_rec *out);
/* The same for a service named explicitly (NULL: rows naming none; home:
 * rows naming none count as that service's too). 1, 0 or -1. */
int store_deploy_find_in(struct store *st, const char *commit, const char *env, const char *service,
			 bool home, struct deploy_rec *out);
/* Inserts d and sets d->id; 0 or -1. */
int store_deploy_insert(struct store *st, struct deploy_rec *d);
/* The same, as a deployment of `service` (NULL: of this run's service). */
int store_deploy_insert_in(struct store *st, struct deploy_rec *d, const char *service);
/* Rewrites the row d->id with every field of d; 0 or -1. */
int store_deploy_update(struct store *st, const struct deploy_rec *d);
/* Removes a deployment with its rollout stages and review answers; its
 * incidents lose the link (the caller relinks them). 1, 0 or -1. */
int store_deploy_delete(struct store *st, int64_t id);
/* Deployments to env (NULL: all), newest first (time, then id); 0 or -1. */
int store_deploys_list(struct store *st, const char *env, struct deploy_rec **out, size_t *n);
/* Records that deployment_id reached pct at `at`; a stage already recorded
 * keeps its first time (a pipeline that retries a step changes nothing). */
int store_stage_add(struct store *st, int64_t deployment_id, int pct, int64_t at);
/* Stages of one deployment (> 0) or of all (0), by deployment, time, pct. */
int store_stages_list(struct store *st, int64_t deployment_id, struct rollout_stage **out, size_t *n);

/* ---- incidents ---------------------------------------------------------- */
/* An incident by id; 1, 0 or -1. */
int store_incident_get(struct store *st, int64_t id, struct incident_rec *out);
/* The incident a tool knows as source_id (docs/metrics.md §1b); 1, 0 or -1. */
int store_incident_find_source(struct store *st, const char *source, const char *source_id,
			       struct incident_rec *out);
/* Inserts i and sets i->id; 0 or -1. */
int store_incident_insert(struct store *st, struct incident_rec *i);
/* Rewrites the row i->id; 0 or -1. */
int store_incident_update(struct store *st, const struct incident_rec *i);
/* Removes an incident with its review answers; 1, 0 or -1. */
int store_incident_delete(struct store *st, int64_t id);
/* All incidents: open ones first, then each group newest start first. */
int store_incidents_list(struct store *st, struct incident_rec **out, size_t *n);

/* ---- reviews ------------------------------------------------------------ */
/* Inserts or replaces the answer to (subject, subject_id, question). */
int store_review_set(struct store *st, const struct review_answer *a);
/* Answers of one subject (subject NULL: all), by subject, id, question. */
int store_reviews_list(struct store *st, const char *subject, int64_t subject_id,
		       struct review_answer **out, size_t *n);

#endif
