/* store_builds — the builds table: CI runs imported or recorded by hand. */
#ifndef SD_STORE_BUILDS_H
#define SD_STORE_BUILDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buildstats.h"

struct store;

/* Finds one attempt of a run; 1 found (out filled), 0 none, -1 error. */
int store_build_find(struct store *st, const char *provider, const char *run_id, int attempt,
		     struct build *out);
/* Finds a build by row id; 1 found, 0 none, -1 error. */
int store_build_get(struct store *st, int64_t id, struct build *out);
/* Inserts b (a new provider/run_id/attempt) and sets b->id; 0 or -1. */
int store_build_insert(struct store *st, struct build *b);
/* Rewrites the row b->id with every field of b; 0 or -1. */
int store_build_update(struct store *st, const struct build *b);
/* Inserts or replaces by (provider, run_id, attempt); sets b->id.
 * Returns 1 when inserted, 0 when an existing row was replaced, -1 on error. */
int store_build_upsert(struct store *st, struct build *b);
/* Builds whose start (or queueing time, before a start) is after since
 * (SD_NO_TIME: all), oldest first. */
int store_builds_list(struct store *st, int64_t since, struct build **out, size_t *n);
/* Whether the database holds a build store_builds_list(since) leaves out
 * (one that started, or was queued, at or before since, or has neither
 * time): two index lookups, where counting a million builds reads them all. */
int store_builds_before(struct store *st, int64_t since, bool *out);
/* Removes a build; 1 done, 0 no such build, -1 error. */
int store_build_delete(struct store *st, int64_t id);
/* Sets a failure kind by hand (never overwritten by a re-import);
 * 1 done, 0 no such build, -1 error. */
int store_build_set_failure_kind(struct store *st, int64_t id, const char *kind);
/* The latest build (by finish, else start, else queueing time; then attempt)
 * of a commit; a 7-39 digit prefix on either side matches. 1, 0 or -1. */
int store_build_latest_for_commit(struct store *st, const char *sha, struct build *out);
/* Every build of a commit (prefixes match as above), oldest first. */
int store_builds_for_commit(struct store *st, const char *sha, struct build **out, size_t *n);

/* How many builds the database holds (reads them all: a snapshot asks
 * store_builds_before instead). */
int store_builds_count(struct store *st, int64_t *n);

#endif
