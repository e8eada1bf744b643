/* store — the release database; the only module that speaks SQL. */
#ifndef SD_STORE_H
#define SD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct store;

enum {
	STORE_CREATE = 1,    /* create the file (0600, or 0660 with STORE_SHARED) */
	STORE_READONLY = 2,  /* open read-only; never migrate */
	STORE_SHARED = 4,    /* a team database: group-writable */
};

/* Opens (and creates/migrates) the database at path. On failure returns NULL
 * and writes one line saying what and where into err. */
struct store *store_open(const char *path, int flags, char *err, size_t errlen);
void store_close(struct store *st);
/* The message of the last failure ("database is locked", "features[3]: ..."). */
const char *store_errmsg(const struct store *st);
/* The schema version this build writes. */
int store_schema_version(void);
const char *store_path(const struct store *st);
/* Opened read-only because this user may not write the file (a team member
 * with read access): reads work, writes say so. */
bool store_no_write_access(const struct store *st);

/* Whether this thread is inside a write transaction (of any store): work
 * that would write from other threads meanwhile must not start them (they
 * would wait for this one's transaction, which waits for them). */
bool store_write_held(void);
/* One transaction per command: begin (IMMEDIATE, so writers queue on the busy
 * timeout instead of failing mid-way), then commit or rollback. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);
/* True when the last failure was the database staying busy: another writer
 * held it for the whole busy timeout. */
bool store_busy(const struct store *st);
/* How long a writer waits for another one before giving up (ms): the
 * commands wait 10 s; the dashboard waits a moment and keeps its keys. */
void store_set_busy_timeout(struct store *st, int ms);

/* ---- settings ---------------------------------------------------------- */
/* Returns a malloc'd value or NULL. */
char *store_setting_get(struct store *st, const char *key);
int store_setting_set(struct store *st, const char *key, const char *value);

/* ---- features ---------------------------------------------------------- */
struct feature {
	int64_t id;
	char *key;           /* FEAT-12, or NULL */
	char *title;
	char *branch;        /* or NULL */
	char *size;          /* small | medium | large */
	char *owner;         /* or NULL */
	int64_t created_at;
	char *phase_manual;  /* a phase set by hand, or NULL for inferred */
	char *phase_reason;
	int64_t phase_manual_at;
};
void feature_free(struct feature *f);
void features_free(struct feature *f, size_t n);
/* Inserts f and sets f->id. */
int store_feature_add(struct store *st, struct feature *f);
/* All features by id. */
int store_feature_list(struct store *st, struct feature **out, size_t *n);
/* Finds a feature: a whole number is an id, anything else a key compared
 * ignoring case (the one rule; keys cannot be whole numbers). 1 found, 0
 * not found, -1 error. */
int store_feature_find(struct store *st, const char *id_or_key, struct feature *out);
/* Finds a feature by key alone, ignoring case; 1 found, 0 not, -1 error. */
int store_feature_find_key(struct store *st, const char *key, struct feature *out);
/* True when key is a whole number, which would read as an id. */
bool store_feature_key_is_id(const char *key);
int store_feature_update(struct store *st, const struct feature *f);
/* 1 deleted, 0 no such feature, -1 error. */
int store_feature_delete(struct store *st, int64_t id);

/* ---- checklist ticks ---------------------------------------------------- */
struct check_tick {
	int64_t feature_id;
	char *kind;
	char *item;
	char *by;
	int64_t at;
	char *note;             /* for a not-applicable item: the reason */
	bool na;                /* not applicable rather than ticked */
};
void check_ticks_free(struct check_tick *t, size_t n);
/* Ticks and not-applicable marks of one feature (feature_id > 0) or of all (0). */
int store_ticks_list(struct store *st, int64_t feature_id, struct check_tick **out, size_t *n);
/* Ticks the item, or marks it not applicable when t->na (replacing either). */
int store_tick_set(struct store *st, const struct check_tick *t);
/* The tick or mark of one item: 1 found (free with check_tick_clear), 0 none, -1 error. */
int store_tick_get(struct store *st, int64_t feature_id, const char *kind, const char *item,
		   struct check_tick *out);
void check_tick_clear(struct check_tick *t);
/* Clears a tick or a not-applicable mark: 1 removed, 0 there was none. */
int store_tick_clear(struct store *st, int64_t feature_id, const char *kind, const char *item);

/* ---- feature events ---------------------------------------------------- */
struct feature_event {
	int64_t feature_id;
	char *phase;
	int64_t at;
	char *evidence_kind;
	char *evidence;
	bool manual;
};
void feature_events_free(struct feature_event *e, size_t n);
int store_events_list(struct store *st, int64_t feature_id, struct feature_event **out, size_t *n);
int store_event_add(struct store *st, const struct feature_event *e);

/* ---- generic rows, for export and import ------------------------------ */
enum sd_vtype { SDV_NULL, SDV_INT, SDV_TEXT };
struct sd_value {
	enum sd_vtype type;
	int64_t i;
	const char *s;
};
/* The release-record tables, parents before children (export order). */
extern const char *const store_record_tables[];
typedef int (*store_row_fn)(void *arg, const char *table, int ncols,
			    const char *const *names, const struct sd_value *vals);
/* Calls fn for every row of every record table, in primary-key order. */
int store_dump(struct store *st, store_row_fn fn, void *arg);
/* Column names of a record table (NULL-terminated, static for the store's life). */
const char *const *store_table_columns(struct store *st, const char *table);
/* Inside a transaction: empties every record table and the git cache. */
int store_restore_clear(struct store *st);
/* Inside a transaction: inserts one row. On a constraint or type failure the
 * error message names the column when SQLite does ("size: ..."). */
int store_restore_row(struct store *st, const char *table, int ncols,
		      const char *const *names, const struct sd_value *vals);

/* ---- whose the database is (store_repo.c) ------------------------------ */
struct store_repo {
	char *git_dir;   /* the repository's identity (gitrepo.h) */
	char *name;      /* its folder's name when it was claimed */
	int64_t since;
};
void store_repo_free(struct store_repo *r);
/* The repository the database belongs to: 1 found (out filled), 0 none yet, -1 error. */
int store_repository_get(struct store *st, struct store_repo *out);
/* Makes the database belong to git_dir unless it belongs to one already
 * (outside a transaction: one statement); 1 claimed, 0 not (already
 * claimed, or read-only), -1 error. */
int store_repository_claim(struct store *st, const char *git_dir, const char *name, int64_t now);

/* A look inside a database file that neither writes nor migrates it. */
struct store_peek {
	char *git_dir;   /* its repository, or NULL when none is recorded */
	char **commits;  /* up to 200 commit ids it names (40 hex) */
	size_t ncommits;
};
/* 0 ok; -1 when the file cannot be read as a shipdeck database. */
int store_peek(const char *path, struct store_peek *out);
void store_peek_free(struct store_peek *p);

/* How many release records the database holds, by kind. */
struct store_counts {
	int64_t features, ticks, builds, deployments, incidents, reviews, settings;
};
int store_record_counts(struct store *st, struct store_counts *out);

/* A record that names a commit: a build or a deployment. */
struct commit_ref {
	enum { COMMIT_REF_BUILD, COMMIT_REF_DEPLOYMENT } kind;
	int64_t id;
	char *commit;    /* as stored (40 hex when it was resolved) */
	char *label;     /* "github run 7000000012", "v1.4.0 to production" */
};
void commit_refs_free(struct commit_ref *r, size_t n);
/* Every build and deployment that names a commit, builds first, by id. */
int store_commit_refs(struct store *st, struct commit_ref **out, size_t *n);

/* Runs SQLite's integrity check; returns 0 when "ok", else -1 with the report in errmsg. */
int store_integrity_check(struct store *st);
/* Compares the tables and columns with the schema this build creates;
 * returns the number of differences, each described on a line of report. */
int store_schema_check(struct store *st, struct strbuf *report);

#endif
