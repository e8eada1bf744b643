/* store_paths — SQL for the monorepo rule's cache (migration 12,
 * docs/metrics.md §13): which commits touch a path service's globs, where
 * its last walk started, and its placed changes and reverts per generation
 * of the history cache. Read and written by gitpaths.c only. */
#ifndef SD_STORE_PATHS_H
#define SD_STORE_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"

struct store;

/* A walked commit that touches the globs or reverts something. */
struct path_commit {
	unsigned char id[20];
	bool touches;
	int64_t author_time, commit_time;
	char *reverts;          /* targets of its revert lines, comma-separated, or NULL */
};
void path_commits_free(struct path_commit *c, size_t n);

/* The cached rows of globs; 0 or -1. */
int store_path_commits(struct store *st, const char *globs, struct path_commit **out, size_t *n);
/* The deployment commits the last walk of globs started from; 0 or -1. */
int store_path_tips(struct store *st, const char *globs, unsigned char (**out)[20], size_t *n);
/* The placed result of globs if it was saved for this generation: 1 (out
 * filled, malloc'd), 0 none, -1 error. */
int store_path_result(struct store *st, const char *globs, int64_t generation, struct dora_change **changes,
		      size_t *nchanges, struct dora_revert **reverts, size_t *nreverts);

/* What one walk learned, saved in one transaction: rows of globs not in
 * keep go (a service's globs changed), the new rows join the cached ones
 * (or replace them all: fresh), the tips are replaced, and the result is
 * kept for generation (< 0: not kept). 0, or -1 (the caller's figures
 * stand). */
struct path_save {
	const char *globs;
	const char *const *keep;     /* the globs of every service using this cache */
	size_t nkeep;
	bool fresh;
	const struct path_commit *rows;
	size_t nrows;
	const unsigned char (*tips)[20];
	size_t ntips;
	int64_t generation;
	const struct dora_change *changes;
	size_t nchanges;
	const struct dora_revert *reverts;
	size_t nreverts;
};
int store_path_save(struct store *st, const struct path_save *s);

#endif
