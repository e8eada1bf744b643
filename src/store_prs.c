/* store_prs — imported pull requests: one row each, their commits in a
 * table of their own (a commit is looked up by its id when a change is
 * linked to its pull request). */
#include "store_prs.h"

#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "timeutil.h"
#include "util.h"

#define PR_COLUMNS "id, source, origin, number, title, author, head_ref, base_ref, opened_at, merged_at," \
		   " merge_commit, first_review_at, first_reviewer, reviewed_untimed, first_authored_at"

static void read_row(sqlite3_stmt *s, struct pr_rec *p)
{
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(s, 0);
	p->source = store_col_text(s, 1);
	p->origin = store_col_text(s, 2);
	p->number = sqlite3_column_int64(s, 3);
	p->title = store_col_text(s, 4);
	p->author = store_col_text(s, 5);
	p->head_ref = store_col_text(s, 6);
	p->base_ref = store_col_text(s, 7);
	p->opened = store_col_time(s, 8);
	p->merged = store_col_time(s, 9);
	p->merge_commit = store_col_text(s, 10);
	p->first_review = store_col_time(s, 11);
	p->first_reviewer = store_col_text(s, 12);
	p->reviewed_untimed = sqlite3_column_int(s, 13) != 0;
	p->first_authored = store_col_time(s, 14);
}

static int load_commits(struct store *st, struct pr_rec *p)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT sha FROM pull_request_commits WHERE pull_request = ? ORDER BY sha");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, p->id);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		pr_rec_add_commit(p, (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "pull_request_commits");
}

int store_pr_find(struct store *st, const char *source, const char *origin, int64_t number,
		  struct pr_rec *out)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT " PR_COLUMNS " FROM pull_requests"
				      " WHERE source = ? AND ifnull(origin, '') = ifnull(?, '') AND number = ?");
	if (!s)
		return -1;
	store_bind_text(s, 1, source);
	store_bind_text(s, 2, origin);
	sqlite3_bind_int64(s, 3, number);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read_row(s, out);
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_fail(st, "pull_requests");
	if (load_commits(st, out) != 0) {
		pr_rec_free(out);
		return -1;
	}
	return 1;
}

static int save_commits(struct store *st, const struct pr_rec *p)
{
	sqlite3_stmt *del = store_prepare(st, "DELETE FROM pull_request_commits WHERE pull_request = ?");
	if (!del)
		return -1;
	sqlite3_bind_int64(del, 1, p->id);
	int rc = sqlite3_step(del) == SQLITE_DONE ? 0 : store_fail(st, "pull_request_commits");
	sqlite3_finalize(del);
	sqlite3_stmt *s = rc ? NULL : store_prepare(st, "INSERT INTO pull_request_commits (pull_request, sha) VALUES (?, ?)");
	if (!s)
		return -1;
	for (size_t i = 0; i < p->ncommits && rc == 0; i++) {
		sqlite3_bind_int64(s, 1, p->id);
		store_bind_text(s, 2, p->commits[i]);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_fail(st, "pull_request_commits");
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc;
}

/* Binds the fields after the id, from column 1 on: source .. reviewed_untimed, imported_at,
 * first_authored_at. */
static void bind_fields(sqlite3_stmt *s, const struct pr_rec *p, int64_t now)
{
	store_bind_text(s, 1, p->source);
	store_bind_text(s, 2, p->origin);
	sqlite3_bind_int64(s, 3, p->number);
	store_bind_text(s, 4, p->title);
	store_bind_text(s, 5, p->author);
	store_bind_text(s, 6, p->head_ref);
	store_bind_text(s, 7, p->base_ref);
	store_bind_time(s, 8, p->opened);
	store_bind_time(s, 9, p->merged);
	store_bind_text(s, 10, p->merge_commit);
	store_bind_time(s, 11, p->first_review);
	store_bind_text(s, 12, p->first_reviewer);
	sqlite3_bind_int(s, 13, p->reviewed_untimed);
	sqlite3_bind_int64(s, 14, now);
	store_bind_time(s, 15, p->first_authored);
}

int store_pr_insert(struct store *st, struct pr_rec *p, int64_t now)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO pull_requests (source, origin, number, title, author,"
				      " head_ref, base_ref, opened_at, merged_at, merge_commit, first_review_at,"
				      " first_reviewer, reviewed_untimed, imported_at, first_authored_at)"
				      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!s)
		return -1;
	bind_fields(s, p, now);
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_fail(st, "pull_requests");
	sqlite3_finalize(s);
	if (rc == 0) {
		p->id = sqlite3_last_insert_rowid(st->db);
		rc = save_commits(st, p);
	}
	return rc;
}

int store_pr_update(struct store *st, const struct pr_rec *p, int64_t now)
{
	sqlite3_stmt *s = store_prepare(st, "UPDATE pull_requests SET source = ?, origin = ?, number = ?, title = ?,"
				      " author = ?, head_ref = ?, base_ref = ?, opened_at = ?, merged_at = ?,"
				      " merge_commit = ?, first_review_at = ?, first_reviewer = ?,"
				      " reviewed_untimed = ?, imported_at = ?, first_authored_at = ? WHERE id = ?");
	if (!s)
		return -1;
	bind_fields(s, p, now);
	sqlite3_bind_int64(s, 16, p->id);
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_fail(st, "pull_requests");
	sqlite3_finalize(s);
	return rc == 0 ? save_commits(st, p) : rc;
}

int store_prs_load(struct store *st, struct pr_rec **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT " PR_COLUMNS " FROM pull_requests ORDER BY merged_at, id");
	if (!s)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct pr_rec p;
		read_row(s, &p);
		VEC_PUSH(*out, *n, cap, p);
	}
	sqlite3_finalize(s);
	for (size_t i = 0; rc == SQLITE_DONE && i < *n; i++)
		if (load_commits(st, &(*out)[i]) != 0)
			rc = SQLITE_ERROR;
	if (rc != SQLITE_DONE) {
		if (rc != SQLITE_ERROR)
			store_fail(st, "pull_requests");
		pr_recs_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}
