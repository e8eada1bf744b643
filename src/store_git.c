/* store_git — the git history cache. Only gitscan uses it; everything here
 * can be dropped and rebuilt by a full scan, so errors are plain failures
 * and the caller's transaction keeps the cache consistent. */
#include "store_git.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "timeutil.h"
#include "util.h"

bool store_git_writable(const struct store *st)
{
	return !st->readonly;
}

int store_git_read_begin(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		return 0;
	return store_exec(st, "BEGIN") == 0 ? 1 : -1;
}

void store_git_read_end(struct store *st, int started)
{
	if (started > 0)
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
}

char *store_git_meta_get(struct store *st, const char *key)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT value FROM git_meta WHERE key = ?");
	if (!s)
		return NULL;
	store_bind_text(s, 1, key);
	char *v = sqlite3_step(s) == SQLITE_ROW ? store_col_text(s, 0) : NULL;
	sqlite3_finalize(s);
	return v;
}

int store_git_meta_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT OR REPLACE INTO git_meta (key, value) VALUES (?, ?)");
	if (!s)
		return -1;
	store_bind_text(s, 1, key);
	store_bind_text(s, 2, value);
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_fail(st, "git_meta");
	sqlite3_finalize(s);
	return rc;
}

int store_git_meta_replace(struct store *st, const char *key, const char *was, const char *value)
{
	sqlite3_stmt *s = store_prepare(st, "UPDATE git_meta SET value = ? WHERE key = ? AND value = ?");
	if (!s)
		return -1;
	store_bind_text(s, 1, value);
	store_bind_text(s, 2, key);
	store_bind_text(s, 3, was);
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_fail(st, "git_meta");
	sqlite3_finalize(s);
	return rc;
}

/* Copies a 40-hex column into buf, or "" when NULL or malformed. */
static void col_hex(sqlite3_stmt *s, int i, char buf[41])
{
	const unsigned char *t = sqlite3_column_text(s, i);
	buf[0] = '\0';
	if (t && strlen((const char *)t) == 40)
		memcpy(buf, t, 41);
}

int store_git_refs_each(struct store *st, bool tags_only, int (*fn)(void *arg, const struct git_ref_row *r),
			void *arg)
{
	sqlite3_stmt *s = store_prepare(st, tags_only
		? "SELECT name, target, peeled, at FROM git_refs WHERE name >= 'refs/tags/' AND name < 'refs/tags0' ORDER BY name"
		: "SELECT name, target, peeled, at FROM git_refs ORDER BY name");
	if (!s)
		return -1;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct git_ref_row r;
		r.name = (char *)sqlite3_column_text(s, 0); /* SQLite's, until the next step */
		if (!r.name)
			continue;
		col_hex(s, 1, r.target);
		col_hex(s, 2, r.peeled);
		r.time = store_col_time(s, 3);
		if (fn(arg, &r) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "git_refs");
}

int store_git_refs_save(struct store *st, const struct git_ref_row *rows, size_t n)
{
	if (store_exec(st, "DELETE FROM git_refs") != 0)
		return -1;
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO git_refs (name, target, peeled, at) VALUES (?, ?, ?, ?)");
	if (!s)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		store_bind_text(s, 1, rows[i].name);
		store_bind_text(s, 2, rows[i].target);
		store_bind_text(s, 3, rows[i].peeled[0] ? rows[i].peeled : NULL);
		store_bind_time(s, 4, rows[i].time);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_fail(st, "git_refs");
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc;
}

int store_git_deploys_load(struct store *st, char (**out)[41], size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT commit_sha FROM git_deploys ORDER BY seq");
	if (!s)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		grow_array((void **)out, &cap, *n + 1, sizeof **out);
		col_hex(s, 0, (*out)[(*n)++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return store_fail(st, "git_deploys");
	}
	return 0;
}

int store_git_deploys_save(struct store *st, const struct git_deploy_row *rows, size_t n)
{
	if (store_exec(st, "DELETE FROM git_deploys") != 0)
		return -1;
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO git_deploys (seq, commit_sha, ref, at) VALUES (?, ?, ?, ?)");
	if (!s)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_bind_int64(s, 1, (int64_t)i);
		store_bind_text(s, 2, rows[i].commit);
		store_bind_text(s, 3, rows[i].ref ? rows[i].ref : "");
		sqlite3_bind_int64(s, 4, rows[i].time);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_fail(st, "git_deploys");
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc;
}

/* Packed commit record: id, author time, committer time, parent count,
 * landing time (docs/metrics.md §2b; INT64_MIN: none). */
#define REC_SIZE 46

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	for (int i = bytes; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

/* Calls fn for each record of the rows a prepared statement yields (seq,
 * n, data); fn returning > 0 stops with 0, < 0 stops with -1. */
static int commit_rows(struct store *st, sqlite3_stmt *s,
		       int (*fn)(void *arg, const struct git_commit_row *r), void *arg)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int32_t seq = sqlite3_column_int(s, 0);
		int64_t n = sqlite3_column_int64(s, 1);
		const unsigned char *p = sqlite3_column_blob(s, 2);
		if (n < 0 || sqlite3_column_bytes(s, 2) != n * REC_SIZE)
			continue; /* not ours: dropped, and a scan walks those commits again */
		for (int64_t i = 0; i < n; i++, p += REC_SIZE) {
			struct git_commit_row r = {.seq = seq};
			memcpy(r.sha, p, 20);
			r.author_time = (int64_t)get_le(p + 20, 8);
			r.commit_time = (int64_t)get_le(p + 28, 8);
			r.parents = (int32_t)get_le(p + 36, 2);
			r.landed = (int64_t)get_le(p + 38, 8);
			int stop = fn(arg, &r);
			if (stop != 0) {
				sqlite3_finalize(s);
				return stop > 0 ? 1 : -1;
			}
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "git_commits");
}

int store_git_commits_load(struct store *st, int (*fn)(void *arg, const struct git_commit_row *r),
			   void *arg)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT seq, n, data FROM git_commits ORDER BY seq");
	if (!s)
		return -1;
	int rc = commit_rows(st, s, fn, arg);
	return rc > 0 ? -1 : rc;
}

int store_git_commits_load_from(struct store *st, int32_t from_seq,
				int (*fn)(void *arg, const struct git_commit_row *r), void *arg)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT seq, n, data FROM git_commits WHERE seq >= ? ORDER BY seq");
	if (!s)
		return -1;
	sqlite3_bind_int(s, 1, from_seq);
	int rc = commit_rows(st, s, fn, arg);
	return rc > 0 ? -1 : rc;
}

int store_git_commits_search(struct store *st, int (*fn)(void *arg, const struct git_commit_row *r),
			     void *arg)
{
	/* Two statements, each in primary-key order: one sorted statement
	 * would copy every packed row into SQLite's sorter first. */
	static const char *const sql[] = {
		"SELECT seq, n, data FROM git_commits WHERE seq < 0",
		"SELECT seq, n, data FROM git_commits WHERE seq >= 0 ORDER BY seq DESC",
	};
	int rc = 0;
	for (size_t i = 0; i < 2 && rc == 0; i++) {
		sqlite3_stmt *s = store_prepare(st, sql[i]);
		rc = s ? commit_rows(st, s, fn, arg) : -1;
	}
	return rc > 0 ? 0 : rc;
}

int store_git_chunks_load(struct store *st, int (*fn)(void *arg, int32_t seq, int64_t n, int64_t changes),
			  void *arg)
{
	/* A table of their own (migration 14): in git_commits the counts
	 * shared their rows with the packed commits, and reading them read
	 * half the database's pages. */
	sqlite3_stmt *s = store_prepare(st, "SELECT seq, n, changes FROM git_chunk_counts ORDER BY seq");
	if (!s)
		return -1;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(s, 1), changes = sqlite3_column_int64(s, 2);
		if (n < 0 || changes < 0 || changes > n)
			continue; /* not ours */
		if (fn(arg, sqlite3_column_int(s, 0), n, changes) != 0) {
			sqlite3_finalize(s);
			return -1;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "git_chunk_counts");
}

int store_git_commits_count(struct store *st, size_t *n)
{
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT coalesce(sum(n), 0) FROM git_commits WHERE n >= 0");
	if (!s)
		return -1;
	int rc = sqlite3_step(s) == SQLITE_ROW ? 0 : store_fail(st, "git_commits");
	if (rc == 0)
		*n = (size_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc;
}

int store_git_commits_save(struct store *st, int32_t seq, const struct git_commit_row *rows, size_t n)
{
	unsigned char *data = xmalloc(n * REC_SIZE + 1);
	int64_t changes = 0;
	for (size_t i = 0; i < n; i++) {
		changes += rows[i].parents <= 1;
		unsigned char *p = data + i * REC_SIZE;
		memcpy(p, rows[i].sha, 20);
		put_le(p + 20, (uint64_t)rows[i].author_time, 8);
		put_le(p + 28, (uint64_t)rows[i].commit_time, 8);
		put_le(p + 36, (uint64_t)rows[i].parents, 2);
		put_le(p + 38, (uint64_t)rows[i].landed, 8);
	}
	sqlite3_stmt *s = store_prepare(st, "INSERT OR REPLACE INTO git_commits (seq, n, data) VALUES (?, ?, ?)");
	int rc = -1;
	if (s) {
		sqlite3_bind_int(s, 1, seq);
		sqlite3_bind_int64(s, 2, (int64_t)n);
		sqlite3_bind_blob64(s, 3, data, (sqlite3_uint64)(n * REC_SIZE), SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_fail(st, "git_commits");
		sqlite3_finalize(s);
	}
	free(data);
	s = rc == 0 ? store_prepare(st, "INSERT OR REPLACE INTO git_chunk_counts (seq, n, changes) VALUES (?, ?, ?)")
		    : NULL;
	if (s) {
		sqlite3_bind_int(s, 1, seq);
		sqlite3_bind_int64(s, 2, (int64_t)n);
		sqlite3_bind_int64(s, 3, changes);
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_fail(st, "git_chunk_counts");
		sqlite3_finalize(s);
	} else if (rc == 0) {
		rc = -1;
	}
	return rc;
}

int store_git_forget(struct store *st, int from_seq)
{
	static const char *const sql[] = {
		"DELETE FROM git_commits WHERE seq < 0 OR seq >= ?",
		"DELETE FROM git_chunk_counts WHERE seq < 0 OR seq >= ?",
	};
	int rc = 0;
	for (size_t i = 0; i < 2 && rc == 0; i++) {
		sqlite3_stmt *s = store_prepare(st, sql[i]);
		if (!s)
			return -1;
		sqlite3_bind_int(s, 1, from_seq);
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_fail(st, "git_commits");
		sqlite3_finalize(s);
	}
	return rc;
}

/* "3,5" -> {3, 5}; anything else in the text ends the list (a cache fact:
 * a damaged one only costs a rescan's accuracy, never memory safety). */
static void parse_brought(const char *t, struct git_revert_row *r)
{
	size_t cap = 0;
	while (t && *t) {
		char *end;
		long v = strtol(t, &end, 10);
		if (end == t || v < -1 || v > INT32_MAX)
			break;
		VEC_PUSH(r->brought, r->nbrought, cap, (int32_t)v);
		t = *end == ',' ? end + 1 : end;
	}
}

int store_git_reverts_load(struct store *st, struct git_revert_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT revert_sha, deploy_seq, target, author_time, resolved, resolved_seq,"
				      " revert_pr, brought FROM git_reverts");
	if (!s)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct git_revert_row r = {0};
		const unsigned char *t = sqlite3_column_text(s, 2);
		if (sqlite3_column_bytes(s, 0) != 20 || !t || strlen((const char *)t) > 40)
			continue;
		memcpy(r.sha, sqlite3_column_blob(s, 0), 20);
		r.seq = sqlite3_column_int(s, 1);
		snprintf(r.target, sizeof r.target, "%s", (const char *)t);
		r.author_time = sqlite3_column_int64(s, 3);
		if (sqlite3_column_bytes(s, 4) == 20 && sqlite3_column_type(s, 5) == SQLITE_INTEGER) {
			r.has_resolved = true;
			memcpy(r.resolved, sqlite3_column_blob(s, 4), 20);
			r.resolved_seq = sqlite3_column_int(s, 5);
		}
		r.pr = sqlite3_column_int(s, 6);
		r.merge = sqlite3_column_type(s, 7) == SQLITE_TEXT;
		if (r.merge)
			parse_brought((const char *)sqlite3_column_text(s, 7), &r);
		VEC_PUSH(*out, *n, cap, r);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_git_reverts_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(st, "git_reverts");
	}
	return 0;
}

void store_git_reverts_free(struct git_revert_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].brought);
	free(rows);
}

static void bind_brought(sqlite3_stmt *s, int col, const struct git_revert_row *r, struct strbuf *sb)
{
	if (!r->merge) {
		sqlite3_bind_null(s, col);
		return;
	}
	sb_reset(sb);
	sb_add(sb, "");
	for (size_t k = 0; k < r->nbrought; k++)
		sb_addf(sb, "%s%d", k ? "," : "", (int)r->brought[k]);
	sqlite3_bind_text(s, col, sb_str(sb), -1, SQLITE_TRANSIENT);
}

int store_git_reverts_save(struct store *st, const struct git_revert_row *rows, size_t n)
{
	if (store_exec(st, "DELETE FROM git_reverts") != 0)
		return -1;
	sqlite3_stmt *s = store_prepare(st, "INSERT OR REPLACE INTO git_reverts"
				      " (revert_sha, deploy_seq, target, author_time, resolved, resolved_seq, revert_pr, brought)"
				      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!s)
		return -1;
	int rc = 0;
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_bind_blob(s, 1, rows[i].sha, 20, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, rows[i].seq);
		sqlite3_bind_text(s, 3, rows[i].target, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, rows[i].author_time);
		if (rows[i].has_resolved) {
			sqlite3_bind_blob(s, 5, rows[i].resolved, 20, SQLITE_STATIC);
			sqlite3_bind_int(s, 6, rows[i].resolved_seq);
		} else {
			sqlite3_bind_null(s, 5);
			sqlite3_bind_null(s, 6);
		}
		if (rows[i].pr > 0)
			sqlite3_bind_int(s, 7, rows[i].pr);
		else
			sqlite3_bind_null(s, 7);
		bind_brought(s, 8, &rows[i], &sb);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_fail(st, "git_reverts");
		sqlite3_reset(s);
	}
	sb_free(&sb);
	sqlite3_finalize(s);
	return rc;
}

int store_git_pulls_load(struct store *st, struct git_pull_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT sha, deploy_seq, number FROM git_pull_commits");
	if (!s)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct git_pull_row r = {0};
		if (sqlite3_column_bytes(s, 0) != 20)
			continue;
		memcpy(r.sha, sqlite3_column_blob(s, 0), 20);
		r.seq = sqlite3_column_int(s, 1);
		r.number = sqlite3_column_int(s, 2);
		VEC_PUSH(*out, *n, cap, r);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return store_fail(st, "git_pull_commits");
	}
	return 0;
}

int store_git_pulls_save(struct store *st, const struct git_pull_row *rows, size_t n)
{
	if (store_exec(st, "DELETE FROM git_pull_commits") != 0)
		return -1;
	sqlite3_stmt *s = store_prepare(st, "INSERT OR REPLACE INTO git_pull_commits (sha, deploy_seq, number)"
				      " VALUES (?, ?, ?)");
	if (!s)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_bind_blob(s, 1, rows[i].sha, 20, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, rows[i].seq);
		sqlite3_bind_int(s, 3, rows[i].number);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_fail(st, "git_pull_commits");
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc;
}

/* The missing commits live in git_meta ("missing": one line "deploy|walk
 * SEQ HEX" each): a cache fact like the others, so the schema (and the
 * export's version) does not change for it. */
int store_git_missing_load(struct store *st, struct git_missing_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	char *text = store_git_meta_get(st, "missing");
	size_t cap = 0;
	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char kind[8], hex[41];
		int seq;
		struct git_missing_row r = {0};
		bool ok = len < 80 && sscanf(p, "%7s %d %40s", kind, &seq, hex) == 3 && strlen(hex) == 40;
		for (int i = 0; ok && i < 20; i++) {
			unsigned v;
			ok = sscanf(hex + 2 * i, "%2x", &v) == 1;
			r.sha[i] = (unsigned char)v;
		}
		if (ok && (strcmp(kind, "deploy") == 0 || strcmp(kind, "walk") == 0)) {
			r.deploy = kind[0] == 'd';
			r.seq = seq;
			VEC_PUSH(*out, *n, cap, r); /* anything else is not ours: dropped */
		}
		p += len + (eol != NULL);
	}
	free(text);
	return 0;
}

int store_git_missing_save(struct store *st, const struct git_missing_row *rows, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "");
	for (size_t i = 0; i < n; i++) {
		sb_addf(&sb, "%s %d ", rows[i].deploy ? "deploy" : "walk", (int)rows[i].seq);
		for (int k = 0; k < 20; k++)
			sb_addf(&sb, "%02x", rows[i].sha[k]);
		sb_add(&sb, "\n");
	}
	int rc = store_git_meta_set(st, "missing", sb_str(&sb));
	sb_free(&sb);
	return rc;
}

int store_git_clear(struct store *st)
{
	return store_exec(st, "DELETE FROM git_meta; DELETE FROM git_refs; DELETE FROM git_deploys;"
			  " DELETE FROM git_commits; DELETE FROM git_chunk_counts; DELETE FROM git_reverts; DELETE FROM git_pull_commits;");
}
