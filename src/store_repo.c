/* store_repo — whose a database is and what it holds: the repository it
 * belongs to (migration 3), a look inside a database file without opening it
 * for writing or migrating it (to decide whether a database named the old
 * way belongs to this repository), and the count of its records (what an
 * import would replace). */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void store_repo_free(struct store_repo *r)
{
	if (!r)
		return;
	free(r->git_dir);
	free(r->name);
	memset(r, 0, sizeof *r);
}

int store_repository_get(struct store *st, struct store_repo *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = store_prepare(st, "SELECT git_dir, name, since FROM repository WHERE id = 1");
	if (!s)
		return -1;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->git_dir = store_col_text(s, 0);
		out->name = store_col_text(s, 1);
		out->since = store_col_time(s, 2);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, "repository");
	return rc == SQLITE_ROW;
}

int store_repository_claim(struct store *st, const char *git_dir, const char *name, int64_t now)
{
	if (st->readonly)
		return 0;
	/* First come: a database that belongs to a repository keeps it. */
	sqlite3_stmt *s = store_prepare(st,
		"INSERT INTO repository(id, git_dir, name, since) VALUES (1, ?, ?, ?) "
		"ON CONFLICT(id) DO NOTHING");
	if (!s)
		return -1;
	store_bind_text(s, 1, git_dir);
	store_bind_text(s, 2, name);
	sqlite3_bind_int64(s, 3, now);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "repository");
	return sqlite3_changes(st->db) > 0;
}

/* ---- a look inside a file, read-only, any schema version ------------------------- */

static bool has_table(sqlite3 *db, const char *table)
{
	sqlite3_stmt *s = NULL;
	bool found = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &s,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
		found = sqlite3_step(s) == SQLITE_ROW;
	}
	sqlite3_finalize(s);
	return found;
}

/* Up to max distinct commit ids the database names (deployments, builds,
 * the git cache): enough to tell whose history it was made from. */
static void peek_commits(sqlite3 *db, struct store_peek *out, size_t max)
{
	static const char *const sources[][2] = {
		{"deployments", "SELECT DISTINCT commit_sha FROM deployments"},
		{"builds", "SELECT DISTINCT commit_sha FROM builds WHERE commit_sha IS NOT NULL"},
		{"git_deploys", "SELECT DISTINCT commit_sha FROM git_deploys"},
	};
	size_t cap = 0;
	for (size_t i = 0; i < ARRAY_SIZE(sources) && out->ncommits < max; i++) {
		sqlite3_stmt *s = NULL;
		if (!has_table(db, sources[i][0]) ||
		    sqlite3_prepare_v2(db, sources[i][1], -1, &s, NULL) != SQLITE_OK) {
			sqlite3_finalize(s);
			continue;
		}
		while (out->ncommits < max && sqlite3_step(s) == SQLITE_ROW) {
			const char *hex = (const char *)sqlite3_column_text(s, 0);
			if (hex && strlen(hex) == 40) {
				char *copy = xstrdup(hex);
				VEC_PUSH(out->commits, out->ncommits, cap, copy);
			}
		}
		sqlite3_finalize(s);
	}
}

int store_peek(const char *path, struct store_peek *out)
{
	memset(out, 0, sizeof *out);
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 10000);
	sqlite3_stmt *s = NULL;
	int ret = 0;
	if (has_table(db, "repository") &&
	    sqlite3_prepare_v2(db, "SELECT git_dir FROM repository WHERE id = 1", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		out->git_dir = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (!has_table(db, "features"))
		ret = -1; /* not a shipdeck database (or not readable) */
	else
		peek_commits(db, out, 200);
	sqlite3_close(db);
	return ret;
}

void store_peek_free(struct store_peek *p)
{
	if (!p)
		return;
	free(p->git_dir);
	for (size_t i = 0; i < p->ncommits; i++)
		free(p->commits[i]);
	free(p->commits);
	memset(p, 0, sizeof *p);
}

/* ---- what the database holds --------------------------------------------------- */

int store_record_counts(struct store *st, struct store_counts *out)
{
	static const char *const tables[] = {"features", "checklist_items", "builds", "deployments",
					     "incidents", "reviews", "settings"};
	int64_t *fields[] = {&out->features, &out->ticks, &out->builds, &out->deployments,
			     &out->incidents, &out->reviews, &out->settings};
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
		/* The table names are our own constants, never input. */
		char *sql = xasprintf("SELECT count(*) FROM %s", tables[i]);
		sqlite3_stmt *s = store_prepare(st, sql);
		free(sql);
		if (!s)
			return -1;
		if (sqlite3_step(s) == SQLITE_ROW)
			*fields[i] = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	return 0;
}

/* ---- which commits the records name (doctor) ----------------------------------- */

void commit_refs_free(struct commit_ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].commit);
		free(r[i].label);
	}
	free(r);
}

int store_commit_refs(struct store *st, struct commit_ref **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st,
		"SELECT 'build', id, commit_sha, provider || ' run ' || run_id FROM builds "
		"WHERE commit_sha IS NOT NULL "
		"UNION ALL SELECT 'deployment', id, commit_sha, ref || ' to ' || env FROM deployments "
		"ORDER BY 1, 2");
	if (!s)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct commit_ref r = {
			streq((const char *)sqlite3_column_text(s, 0), "build") ? COMMIT_REF_BUILD
										 : COMMIT_REF_DEPLOYMENT,
			sqlite3_column_int64(s, 1), store_col_text(s, 2), store_col_text(s, 3),
		};
		VEC_PUSH(*out, *n, cap, r);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		commit_refs_free(*out, *n);
		*out = NULL, *n = 0;
		return store_fail(st, "records");
	}
	return 0;
}
