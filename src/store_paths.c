/* store_paths — the monorepo rule's cache (migration 12): see store_paths.h. */
#include "store_paths.h"

#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_internal.h"
#include "util.h"

void path_commits_free(struct path_commit *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].reverts);
	free(c);
}

int store_path_commits(struct store *st, const char *globs, struct path_commit **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT commit_id, touches, author_time, commit_time, reverts"
					    " FROM git_path_commits WHERE globs = ?1");
	if (!s)
		return -1;
	store_bind_text(s, 1, globs);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct path_commit c = {.touches = sqlite3_column_int(s, 1) != 0,
					.author_time = sqlite3_column_int64(s, 2),
					.commit_time = sqlite3_column_int64(s, 3), .reverts = store_col_text(s, 4)};
		if (sqlite3_column_bytes(s, 0) != 20) {
			free(c.reverts);
			continue;
		}
		memcpy(c.id, sqlite3_column_blob(s, 0), 20);
		VEC_PUSH(*out, *n, cap, c);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		path_commits_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(st, "path cache");
	}
	return 0;
}

int store_path_tips(struct store *st, const char *globs, unsigned char (**out)[20], size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT commit_id FROM git_path_tips WHERE globs = ?1");
	if (!s)
		return -1;
	store_bind_text(s, 1, globs);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 0) != 20)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		memcpy((*out)[(*n)++], sqlite3_column_blob(s, 0), 20);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return store_fail(st, "path cache");
	}
	return 0;
}

/* The result is kept as int64 fields, four per change (then its 20-byte
 * id) and five per revert. */
enum { CHANGE_FIELDS = 4, REVERT_FIELDS = 5, CHANGE_BYTES = CHANGE_FIELDS * 8 + 20 };

static void *pack_changes(const struct dora_change *c, size_t n, int *bytes)
{
	unsigned char *v = xcalloc(n * CHANGE_BYTES + 1, 1);
	for (size_t i = 0; i < n; i++) {
		int64_t f[CHANGE_FIELDS] = {c[i].deploy, c[i].author_time, c[i].commit_time, c[i].landed};
		memcpy(v + i * CHANGE_BYTES, f, sizeof f);
		memcpy(v + i * CHANGE_BYTES + sizeof f, c[i].id, 20);
	}
	*bytes = (int)(n * CHANGE_BYTES);
	return v;
}

static void *pack_reverts(const struct dora_revert *r, size_t n, int *bytes)
{
	int64_t *v = xcalloc(n * REVERT_FIELDS + 1, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		int64_t *f = &v[i * REVERT_FIELDS];
		f[0] = r[i].reverted_deploy, f[1] = r[i].revert_deploy, f[2] = r[i].revert_author_time;
		f[3] = r[i].revert_pr, f[4] = r[i].reverted_pr;
	}
	*bytes = (int)(n * REVERT_FIELDS * sizeof *v);
	return v;
}

static size_t unpack(sqlite3_stmt *s, int col, size_t fields, int64_t **out)
{
	size_t bytes = (size_t)sqlite3_column_bytes(s, col);
	size_t n = bytes / (fields * sizeof(int64_t));
	*out = xcalloc(n * fields + 1, sizeof **out);
	if (n)
		memcpy(*out, sqlite3_column_blob(s, col), n * fields * sizeof(int64_t));
	return n;
}

int store_path_result(struct store *st, const char *globs, int64_t generation, struct dora_change **changes,
		      size_t *nchanges, struct dora_revert **reverts, size_t *nreverts)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT changes, reverts FROM git_path_results"
					    " WHERE globs = ?1 AND generation = ?2");
	if (!s)
		return -1;
	store_bind_text(s, 1, globs);
	sqlite3_bind_int64(s, 2, generation);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return rc == SQLITE_DONE ? 0 : store_fail(st, "path cache");
	}
	size_t n = (size_t)sqlite3_column_bytes(s, 0) / CHANGE_BYTES;
	const unsigned char *blob = sqlite3_column_blob(s, 0);
	*changes = xcalloc(n + 1, sizeof **changes);
	for (size_t i = 0; i < n; i++) {
		int64_t f[CHANGE_FIELDS];
		memcpy(f, blob + i * CHANGE_BYTES, sizeof f);
		(*changes)[i] = (struct dora_change){.deploy = (int)f[0], .author_time = f[1],
						     .commit_time = f[2], .landed = f[3]};
		memcpy((*changes)[i].id, blob + i * CHANGE_BYTES + sizeof f, 20);
	}
	*nchanges = n;
	int64_t *v;
	n = unpack(s, 1, REVERT_FIELDS, &v);
	*reverts = xcalloc(n + 1, sizeof **reverts);
	for (size_t i = 0; i < n; i++) {
		const int64_t *f = &v[i * REVERT_FIELDS];
		(*reverts)[i] = (struct dora_revert){.reverted_deploy = (int)f[0], .revert_deploy = (int)f[1],
						     .revert_author_time = f[2], .revert_pr = (int)f[3],
						     .reverted_pr = (int)f[4]};
	}
	*nreverts = n;
	free(v);
	sqlite3_finalize(s);
	return 1;
}

static int exec_globs(struct store *st, const char *sql, const char *globs)
{
	sqlite3_stmt *s = store_prepare(st, sql);
	if (!s)
		return -1;
	store_bind_text(s, 1, globs);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "path cache");
}

static int save_rows(struct store *st, const struct path_save *p)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT OR REPLACE INTO git_path_commits (globs, commit_id, touches,"
					    " author_time, commit_time, reverts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!s)
		return -1;
	int rc = SQLITE_DONE;
	for (size_t i = 0; i < p->nrows && rc == SQLITE_DONE; i++) {
		const struct path_commit *c = &p->rows[i];
		store_bind_text(s, 1, p->globs);
		sqlite3_bind_blob(s, 2, c->id, 20, SQLITE_STATIC);
		sqlite3_bind_int(s, 3, c->touches);
		sqlite3_bind_int64(s, 4, c->author_time);
		sqlite3_bind_int64(s, 5, c->commit_time);
		store_bind_text(s, 6, c->reverts);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "path cache");
}

static int save_tips(struct store *st, const struct path_save *p)
{
	if (exec_globs(st, "DELETE FROM git_path_tips WHERE globs = ?1", p->globs) != 0)
		return -1;
	sqlite3_stmt *s = store_prepare(st, "INSERT OR IGNORE INTO git_path_tips (globs, commit_id) VALUES (?1, ?2)");
	if (!s)
		return -1;
	int rc = SQLITE_DONE;
	for (size_t i = 0; i < p->ntips && rc == SQLITE_DONE; i++) {
		store_bind_text(s, 1, p->globs);
		sqlite3_bind_blob(s, 2, p->tips[i], 20, SQLITE_STATIC);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "path cache");
}

static int save_result(struct store *st, const struct path_save *p)
{
	if (exec_globs(st, "DELETE FROM git_path_results WHERE globs = ?1", p->globs) != 0)
		return -1;
	if (p->generation < 0)
		return 0;
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO git_path_results (globs, generation, changes, reverts)"
					    " VALUES (?1, ?2, ?3, ?4)");
	if (!s)
		return -1;
	int nc, nr;
	void *c = pack_changes(p->changes, p->nchanges, &nc), *r = pack_reverts(p->reverts, p->nreverts, &nr);
	store_bind_text(s, 1, p->globs);
	sqlite3_bind_int64(s, 2, p->generation);
	sqlite3_bind_blob(s, 3, c, nc, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, r, nr, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	free(c);
	free(r);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "path cache");
}

/* Drops the rows of globs no service using this cache has any more. */
static int drop_other_globs(struct store *st, const struct path_save *p)
{
	static const char *const tables[] = {"git_path_commits", "git_path_tips", "git_path_results"};
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
		/* the table names are our own constants */
		char *sql = xasprintf("SELECT DISTINCT globs FROM %s", tables[t]);
		sqlite3_stmt *s = store_prepare(st, sql);
		free(sql);
		if (!s)
			return -1;
		char **gone = NULL;
		size_t ngone = 0, cap = 0;
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			const char *g = (const char *)sqlite3_column_text(s, 0);
			bool kept = false;
			for (size_t k = 0; g && k < p->nkeep && !kept; k++)
				kept = streq(g, p->keep[k]);
			if (!kept) {
				char *copy = store_col_text(s, 0);
				VEC_PUSH(gone, ngone, cap, copy);
			}
		}
		sqlite3_finalize(s);
		for (size_t k = 0; k < ngone && rc == SQLITE_DONE; k++) {
			sql = xasprintf("DELETE FROM %s WHERE globs IS ?1", tables[t]);
			if (exec_globs(st, sql, gone[k]) != 0)
				rc = SQLITE_ERROR;
			free(sql);
		}
		for (size_t k = 0; k < ngone; k++)
			free(gone[k]);
		free(gone);
		if (rc != SQLITE_DONE)
			return rc == SQLITE_ERROR ? -1 : store_fail(st, "path cache");
	}
	return 0;
}

int store_path_save(struct store *st, const struct path_save *p)
{
	if (store_begin(st) != 0)
		return -1;
	int rc = drop_other_globs(st, p);
	if (rc == 0 && p->fresh)
		rc = exec_globs(st, "DELETE FROM git_path_commits WHERE globs = ?1", p->globs);
	if (rc == 0)
		rc = save_rows(st, p);
	if (rc == 0)
		rc = save_tips(st, p);
	if (rc == 0)
		rc = save_result(st, p);
	if (rc == 0 && store_commit(st) != 0)
		rc = -1;
	if (rc != 0)
		store_rollback(st);
	return rc;
}
