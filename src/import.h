/* import — CI run exports (GitHub, gh, GitLab, Jenkins) to normalized builds. */
#ifndef SD_IMPORT_H
#define SD_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buildstats.h"
#include "util.h"

struct store;

enum import_format {
	IMPORT_AUTO, IMPORT_GITHUB_RUNS, IMPORT_GITHUB_JOBS, IMPORT_GH, IMPORT_GITLAB,
	IMPORT_JENKINS, IMPORT_FORMAT_COUNT
};
/* "auto", "github-runs", "github-jobs", "gh", "gitlab", "jenkins". */
extern const char *const import_format_names[IMPORT_FORMAT_COUNT];
/* The format of a --format name, or -1. */
int import_format_by_name(const char *name);

/* The builds of one or more parsed files, before they are stored. */
struct import_batch {
	struct build *builds;
	size_t n, cap;
	enum import_format format;  /* of the last file parsed (IMPORT_AUTO: empty) */
	struct strbuf bad;          /* skipped records, one line each */
	size_t nbad;
};

/* Parses one file's JSON and appends its builds to batch. On a syntax error,
 * an unknown format or (without skip_bad) a bad record, returns -1 with one
 * line in err and leaves batch as it was; with skip_bad a bad record is
 * listed in batch->bad and the others are kept. */
int import_parse(const char *text, size_t len, enum import_format format, bool skip_bad,
		 struct import_batch *batch, char *err, size_t errlen);
void import_batch_free(struct import_batch *batch);

/* The longest string a CI export may hold in one field (64 KiB): a run's
 * name or URL is far shorter, and a 50 MB field is an attack, not data. */
#define IMPORT_MAX_STRING 65536
struct cJSON;
/* Hygiene for any untrusted JSON document: refuses an object with a
 * duplicate key (readers would silently see only one value) and a string
 * longer than max_string bytes. 0, or -1 with "path: why" in err (keys are
 * cleaned for the terminal and cut to 80 bytes). */
int import_check_json(const struct cJSON *root, size_t max_string, char *err, size_t errlen);

/* Failure-kind keyword tables (data/keywords.json or a config override). */
struct keywords;
/* Parses a keyword table; NULL with one line in err. */
struct keywords *keywords_load(const char *json, char *err, size_t errlen);
void keywords_free(struct keywords *kw);
/* The failure kind of a failed build: its failed step names, then job
 * names, then the workflow name, by the tables' order; "other" if none match. */
const char *keywords_classify(const struct keywords *kw, const char *failed_jobs,
			      const char *workflow);

struct import_counts {
	size_t added, updated, unchanged;
};
/* Stores a batch inside the caller's transaction: merges each build with the
 * stored attempt (a jobs page only adds failed job names; a completed run
 * never goes back to running), classifies failures unless a kind was set by
 * hand. 0, or -1 with the store's error. */
int import_store(struct store *st, struct import_batch *batch, const struct keywords *kw,
		 struct import_counts *counts);
/* Sets b->failure_kind from kw unless it was set by hand: NULL for a build
 * that did not fail. */
void import_classify(struct build *b, const struct keywords *kw);

/* ---- for src/import_*.c only -------------------------------------------- */
struct cJSON;

/* Where a record sits, for messages like "workflow_runs[3].created_at: ...". */
struct import_rec {
	const char *array;
	size_t index;
	char msg[300];
};

/* Each sets msg and returns -1 on a bad field; an absent or null field
 * gives NULL / SD_NO_TIME / *present = false and returns 0. */
int imp_text(struct import_rec *r, const struct cJSON *o, const char *key, char **out);
int imp_int(struct import_rec *r, const struct cJSON *o, const char *key, int64_t *out,
	    bool *present);
int imp_time(struct import_rec *r, const struct cJSON *o, const char *key, int64_t *out);
/* Records a bad-record message; returns -1. */
int imp_fail(struct import_rec *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends one finished record to the batch (or drops it on rc < 0). Returns
 * -1 when the whole import must stop (a bad record without skip_bad). */
int imp_finish(struct import_batch *batch, bool skip_bad, struct import_rec *r, int rc,
	       struct build *b, char *err, size_t errlen);

/* One provider's parser: root is the whole document. */
int import_github_runs(const struct cJSON *root, bool skip_bad, struct import_batch *batch,
		       char *err, size_t errlen);
int import_github_jobs(const struct cJSON *root, bool skip_bad, struct import_batch *batch,
		       char *err, size_t errlen);
int import_gh(const struct cJSON *root, bool skip_bad, struct import_batch *batch, char *err,
	      size_t errlen);
int import_gitlab(const struct cJSON *root, bool skip_bad, struct import_batch *batch, char *err,
		  size_t errlen);
int import_jenkins(const struct cJSON *root, bool skip_bad, struct import_batch *batch,
		   char *err, size_t errlen);

#endif
