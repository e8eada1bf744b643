/* store_builds — SQL for the builds table. Every row is one attempt of one
 * CI run: UNIQUE(provider, run_id, attempt) is what makes an import
 * idempotent. Callers wrap a whole command in store_begin/store_commit. */
#include "store_builds.h"

#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "timeutil.h"
#include "util.h"

#define BUILD_COLUMNS \
	"id, provider, run_id, attempt, workflow, branch, commit_sha, status, conclusion, " \
	"created_at, started_at, finished_at, failure_kind, failure_kind_manual, failed_jobs, url"

/* A short sha recorded by hand (build add --commit abc1234) still matches
 * the full sha a CI run names, and the other way round. */
#define COMMIT_MATCH \
	"(commit_sha = ?1" \
	" OR (length(commit_sha) BETWEEN 7 AND 39 AND substr(?1, 1, length(commit_sha)) = commit_sha)" \
	" OR (length(?1) BETWEEN 7 AND 39 AND substr(commit_sha, 1, length(?1)) = ?1))"

static void read_row(sqlite3_stmt *s, struct build *b)
{
	memset(b, 0, sizeof(*b));
	b->id = sqlite3_column_int64(s, 0);
	b->provider = store_col_text(s, 1);
	b->run_id = store_col_text(s, 2);
	b->attempt = sqlite3_column_int(s, 3);
	b->workflow = store_col_text(s, 4);
	b->branch = store_col_text(s, 5);
	b->commit = store_col_text(s, 6);
	b->status = store_col_text(s, 7);
	b->conclusion = store_col_text(s, 8);
	b->created = store_col_time(s, 9);
	b->started = store_col_time(s, 10);
	b->finished = store_col_time(s, 11);
	b->failure_kind = store_col_text(s, 12);
	b->failure_kind_manual = sqlite3_column_int(s, 13) != 0;
	b->failed_jobs = store_col_text(s, 14);
	b->url = store_col_text(s, 15);
	build_fill_durations(b);
}

/* Binds every column but id, from index 1. */
static void bind_fields(sqlite3_stmt *s, const struct build *b)
{
	store_bind_text(s, 1, b->provider);
	store_bind_text(s, 2, b->run_id);
	sqlite3_bind_int(s, 3, b->attempt > 0 ? b->attempt : 1);
	store_bind_text(s, 4, b->workflow);
	store_bind_text(s, 5, b->branch);
	store_bind_text(s, 6, b->commit);
	store_bind_text(s, 7, b->status);
	store_bind_text(s, 8, b->conclusion);
	store_bind_time(s, 9, b->created);
	store_bind_time(s, 10, b->started);
	store_bind_time(s, 11, b->finished);
	store_bind_text(s, 12, b->failure_kind);
	sqlite3_bind_int(s, 13, b->failure_kind_manual);
	store_bind_text(s, 14, b->failed_jobs);
	store_bind_text(s, 15, b->url);
}

/* Steps a query expected to give at most one row; 1, 0 or -1. */
static int one_row(struct store *st, sqlite3_stmt *s, struct build *out, const char *what)
{
	int rc = sqlite3_step(s);
	int ret = 0;
	if (rc == SQLITE_ROW) {
		read_row(s, out);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(st, what);
	}
	sqlite3_finalize(s);
	return ret;
}

/* Steps a query into an array; 0 or -1 (nothing returned on error). */
static int all_rows(struct store *st, sqlite3_stmt *s, struct build **out, size_t *n,
		    const char *what)
{
	struct build *v = NULL;
	size_t nv = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		grow_array((void **)&v, &cap, nv + 1, sizeof(*v));
		read_row(s, &v[nv++]);
	}
	int ret = 0;
	if (rc != SQLITE_DONE) {
		ret = store_fail(st, what);
		builds_free(v, nv);
		v = NULL;
		nv = 0;
	}
	sqlite3_finalize(s);
	*out = v;
	*n = nv;
	return ret;
}

int store_build_find(struct store *st, const char *provider, const char *run_id, int attempt,
		     struct build *out)
{
	/* once per record of an import: kept prepared (half of re-importing
	 * a file unchanged was preparing this) */
	static const char sql[] = "SELECT " BUILD_COLUMNS " FROM builds"
				  " WHERE provider = ?1 AND run_id = ?2 AND attempt = ?3";
	sqlite3_stmt *s = store_prepare_kept(st, sql);
	if (!s)
		return -1;
	store_bind_text(s, 1, provider);
	store_bind_text(s, 2, run_id);
	sqlite3_bind_int(s, 3, attempt > 0 ? attempt : 1);
	int rc = sqlite3_step(s), ret = 0;
	if (rc == SQLITE_ROW) {
		read_row(s, out);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(st, "find build");
	}
	sqlite3_reset(s);
	return ret;
}

int store_build_get(struct store *st, int64_t id, struct build *out)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT " BUILD_COLUMNS " FROM builds WHERE id = ?1");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return one_row(st, s, out, "get build");
}

int store_build_insert(struct store *st, struct build *b)
{
	static const char sql[] = "INSERT INTO builds (provider, run_id, attempt, workflow,"
				  " branch, commit_sha, status, conclusion, created_at, started_at,"
				  " finished_at, failure_kind, failure_kind_manual, failed_jobs, url)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
	sqlite3_stmt *s = store_prepare_kept(st, sql);
	if (!s)
		return -1;
	bind_fields(s, b);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "insert build");
	b->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_build_update(struct store *st, const struct build *b)
{
	static const char sql[] = "UPDATE builds SET provider = ?1, run_id = ?2, attempt = ?3,"
				  " workflow = ?4, branch = ?5, commit_sha = ?6, status = ?7,"
				  " conclusion = ?8, created_at = ?9, started_at = ?10,"
				  " finished_at = ?11, failure_kind = ?12, failure_kind_manual = ?13,"
				  " failed_jobs = ?14, url = ?15 WHERE id = ?16";
	sqlite3_stmt *s = store_prepare_kept(st, sql);
	if (!s)
		return -1;
	bind_fields(s, b);
	sqlite3_bind_int64(s, 16, b->id);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "update build");
}

int store_build_upsert(struct store *st, struct build *b)
{
	struct build old;
	int found = store_build_find(st, b->provider, b->run_id, b->attempt, &old);
	if (found < 0)
		return -1;
	if (!found)
		return store_build_insert(st, b) < 0 ? -1 : 1;
	b->id = old.id;
	build_free(&old);
	return store_build_update(st, b) < 0 ? -1 : 0;
}

int store_builds_list(struct store *st, int64_t since, struct build **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	/* Two statements, each reading index builds_by_start in order: the
	 * "?1 IS NULL OR" of one statement would make SQLite read and sort
	 * the whole table (a million builds) for the window's few thousand. */
	sqlite3_stmt *s = since == SD_NO_TIME
		? store_prepare(st, "SELECT " BUILD_COLUMNS " FROM builds"
			       " ORDER BY coalesce(started_at, created_at), provider, run_id, attempt")
		: store_prepare(st, "SELECT " BUILD_COLUMNS " FROM builds"
			       " WHERE coalesce(started_at, created_at) > ?1"
			       " ORDER BY coalesce(started_at, created_at), provider, run_id, attempt");
	if (!s)
		return -1;
	if (since != SD_NO_TIME)
		sqlite3_bind_int64(s, 1, since);
	return all_rows(st, s, out, n, "list builds");
}

int store_builds_before(struct store *st, int64_t since, bool *out)
{
	*out = false;
	if (since == SD_NO_TIME)
		return 0; /* store_builds_list(SD_NO_TIME) leaves none out */
	sqlite3_stmt *s = store_prepare(st, "SELECT EXISTS (SELECT 1 FROM builds"
					" WHERE coalesce(started_at, created_at) <= ?1)"
					" OR EXISTS (SELECT 1 FROM builds WHERE coalesce(started_at, created_at) IS NULL)");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, since);
	int rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW && sqlite3_column_int(s, 0) != 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, "builds before");
}

int store_build_delete(struct store *st, int64_t id)
{
	sqlite3_stmt *s = store_prepare(st, "DELETE FROM builds WHERE id = ?1");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "remove build");
	return sqlite3_changes(st->db) > 0 ? 1 : 0;
}

int store_build_set_failure_kind(struct store *st, int64_t id, const char *kind)
{
	sqlite3_stmt *s = store_prepare(st, "UPDATE builds SET failure_kind = ?1,"
					" failure_kind_manual = 1 WHERE id = ?2");
	if (!s)
		return -1;
	store_bind_text(s, 1, kind);
	sqlite3_bind_int64(s, 2, id);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "set failure kind");
	return sqlite3_changes(st->db) > 0 ? 1 : 0;
}

int store_build_latest_for_commit(struct store *st, const char *sha, struct build *out)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT " BUILD_COLUMNS " FROM builds WHERE " COMMIT_MATCH
					" ORDER BY coalesce(finished_at, started_at, created_at) DESC,"
					" attempt DESC, id DESC LIMIT 1");
	if (!s)
		return -1;
	store_bind_text(s, 1, sha);
	return one_row(st, s, out, "latest build of a commit");
}

int store_builds_for_commit(struct store *st, const char *sha, struct build **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT " BUILD_COLUMNS " FROM builds WHERE " COMMIT_MATCH
					" ORDER BY coalesce(finished_at, started_at, created_at), attempt, id");
	if (!s)
		return -1;
	store_bind_text(s, 1, sha);
	return all_rows(st, s, out, n, "builds of a commit");
}

int store_builds_count(struct store *st, int64_t *n)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT count(*) FROM builds");
	if (!s)
		return -1;
	int rc = sqlite3_step(s);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, "count builds");
}
