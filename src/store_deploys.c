/* store_deploys — SQL for recorded deployments, their rollout stages,
 * incidents and review answers. The unique index on (commit_sha, env,
 * service) (migration 9) is what makes a deployment recorded twice for one
 * service one row; callers wrap each command in
 * store_begin/store_commit. */
#include "store_deploys.h"

#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "timeutil.h"
#include "util.h"

/* ---- deployments ---------------------------------------------------------- */

#define DEPLOY_COLUMNS \
	"id, ref, commit_sha, env, strategy, rollout, status, kind, feature_id, at, note, recorded_by," \
	" source, source_id, origin, source_env, url"

static void read_deploy(sqlite3_stmt *s, struct deploy_rec *d)
{
	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(s, 0);
	d->ref = store_col_text(s, 1);
	d->commit = store_col_text(s, 2);
	d->env = store_col_text(s, 3);
	d->strategy = store_col_text(s, 4);
	d->rollout = sqlite3_column_int(s, 5);
	d->status = store_col_text(s, 6);
	d->kind = store_col_text(s, 7);
	d->feature_id = sqlite3_column_int64(s, 8); /* NULL reads as 0: none */
	d->at = sqlite3_column_int64(s, 9);
	d->note = store_col_text(s, 10);
	d->recorded_by = store_col_text(s, 11);
	d->source = store_col_text(s, 12);
	d->source_id = store_col_text(s, 13);
	d->origin = store_col_text(s, 14);
	d->source_env = store_col_text(s, 15);
	d->url = store_col_text(s, 16);
}

/* Binds every column but id, from index 1. */
static void bind_deploy(sqlite3_stmt *s, const struct deploy_rec *d)
{
	store_bind_text(s, 1, d->ref);
	store_bind_text(s, 2, d->commit);
	store_bind_text(s, 3, d->env);
	store_bind_text(s, 4, d->strategy);
	sqlite3_bind_int(s, 5, d->rollout);
	store_bind_text(s, 6, d->status ? d->status : "succeeded");
	store_bind_text(s, 7, d->kind ? d->kind : "normal");
	if (d->feature_id > 0)
		sqlite3_bind_int64(s, 8, d->feature_id);
	else
		sqlite3_bind_null(s, 8);
	sqlite3_bind_int64(s, 9, d->at);
	store_bind_text(s, 10, d->note);
	store_bind_text(s, 11, d->recorded_by);
	store_bind_text(s, 12, d->source);
	store_bind_text(s, 13, d->source_id);
	store_bind_text(s, 14, d->origin);
	store_bind_text(s, 15, d->source_env);
	store_bind_text(s, 16, d->url);
}

/* Steps a statement with no result rows; 0 or -1. */
static int step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, what);
}

/* Deletes the row id of table with the answers to its review (subject);
 * 1 done, 0 no such row, -1 error. */
static int delete_with_review(struct store *st, const char *table, const char *subject, int64_t id)
{
	sqlite3_stmt *s = store_prepare(st, "DELETE FROM reviews WHERE subject = ?1 AND subject_id = ?2");
	if (!s)
		return -1;
	store_bind_text(s, 1, subject);
	sqlite3_bind_int64(s, 2, id);
	if (step_done(st, s, "remove review answers") != 0)
		return -1;
	char *sql = xasprintf("DELETE FROM %s WHERE id = ?1", table);
	s = store_prepare(st, sql);
	free(sql);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (step_done(st, s, "remove record") != 0)
		return -1;
	return sqlite3_changes(st->db) > 0 ? 1 : 0;
}

int store_deploy_delete(struct store *st, int64_t id)
{
	return delete_with_review(st, "deployments", "deploy", id);
}

int store_incident_delete(struct store *st, int64_t id)
{
	return delete_with_review(st, "incidents", "incident", id);
}

static int one_deploy(struct store *st, sqlite3_stmt *s, struct deploy_rec *out)
{
	int rc = sqlite3_step(s);
	int ret = 0;
	if (rc == SQLITE_ROW) {
		read_deploy(s, out);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(st, "read deployment");
	}
	sqlite3_finalize(s);
	return ret;
}

int store_deploy_get(struct store *st, int64_t id, struct deploy_rec *out)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT " DEPLOY_COLUMNS " FROM deployments WHERE id = ?1");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return one_deploy(st, s, out);
}

int store_deploy_find_in(struct store *st, const char *commit, const char *env, const char *service,
			 bool home, struct deploy_rec *out)
{
	/* the key of the unique index deployments_per_service (migration 9);
	 * of a home row named and one naming none, the older wins */
	sqlite3_stmt *s = store_prepare(st, "SELECT " DEPLOY_COLUMNS " FROM deployments"
					" WHERE commit_sha = ?1 AND env = ?2"
					" AND (ifnull(service, '') = ifnull(?3, '') COLLATE NOCASE"
					"      OR (?4 AND service IS NULL)) ORDER BY id LIMIT 1");
	if (!s)
		return -1;
	store_bind_text(s, 1, commit);
	store_bind_text(s, 2, env);
	store_bind_text(s, 3, service);
	sqlite3_bind_int(s, 4, home);
	return one_deploy(st, s, out);
}

int store_deploy_find(struct store *st, const char *commit, const char *env, struct deploy_rec *out)
{
	return store_deploy_find_in(st, commit, env, st->run_service, st->run_service_home, out);
}

int store_deploy_insert_in(struct store *st, struct deploy_rec *d, const char *service)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO deployments (ref, commit_sha, env, strategy,"
					" rollout, status, kind, feature_id, at, note, recorded_by, source,"
					" source_id, origin, source_env, url, service) VALUES (?1, ?2, ?3, ?4,"
					" ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
	if (!s)
		return -1;
	bind_deploy(s, d);
	store_bind_text(s, 17, service);
	if (step_done(st, s, "insert deployment") != 0)
		return -1;
	d->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_deploy_insert(struct store *st, struct deploy_rec *d)
{
	/* NULL: the stamp of --service, if any, names it (store_service_stamp) */
	return store_deploy_insert_in(st, d, NULL);
}

int store_deploy_update(struct store *st, const struct deploy_rec *d)
{
	sqlite3_stmt *s = store_prepare(st, "UPDATE deployments SET ref = ?1, commit_sha = ?2, env = ?3,"
					" strategy = ?4, rollout = ?5, status = ?6, kind = ?7,"
					" feature_id = ?8, at = ?9, note = ?10, recorded_by = ?11,"
					" source = ?12, source_id = ?13, origin = ?14, source_env = ?15,"
					" url = ?16 WHERE id = ?17");
	if (!s)
		return -1;
	bind_deploy(s, d);
	sqlite3_bind_int64(s, 17, d->id);
	return step_done(st, s, "update deployment");
}

int store_deploys_list(struct store *st, const char *env, struct deploy_rec **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT " DEPLOY_COLUMNS " FROM deployments"
					" WHERE ?1 IS NULL OR env = ?1 ORDER BY at DESC, id DESC");
	if (!s)
		return -1;
	store_bind_text(s, 1, env);
	struct deploy_rec *v = NULL;
	size_t nv = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		grow_array((void **)&v, &cap, nv + 1, sizeof(*v));
		read_deploy(s, &v[nv++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		deploy_recs_free(v, nv);
		return store_fail(st, "list deployments");
	}
	*out = v;
	*n = nv;
	return 0;
}

int store_stage_add(struct store *st, int64_t deployment_id, int pct, int64_t at)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT OR IGNORE INTO rollout_stages (deployment_id, pct, at)"
					" VALUES (?1, ?2, ?3)");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, deployment_id);
	sqlite3_bind_int(s, 2, pct);
	sqlite3_bind_int64(s, 3, at);
	return step_done(st, s, "add rollout stage");
}

int store_stages_list(struct store *st, int64_t deployment_id, struct rollout_stage **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT deployment_id, pct, at FROM rollout_stages"
					" WHERE ?1 = 0 OR deployment_id = ?1"
					" ORDER BY deployment_id, at, pct");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, deployment_id);
	struct rollout_stage *v = NULL;
	size_t nv = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct rollout_stage r = {sqlite3_column_int64(s, 0), sqlite3_column_int(s, 1),
					  sqlite3_column_int64(s, 2)};
		VEC_PUSH(v, nv, cap, r);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(v);
		return store_fail(st, "list rollout stages");
	}
	*out = v;
	*n = nv;
	return 0;
}

/* ---- incidents -------------------------------------------------------------- */

#define INCIDENT_COLUMNS \
	"id, title, severity, deployment_id, deploy_ref, linked_auto, started_at, detected_at," \
	" paged_at, root_cause_at, decision, decided_at, restored_at, note, root_cause, source," \
	" source_id, origin, url"

static void read_incident(sqlite3_stmt *s, struct incident_rec *i)
{
	memset(i, 0, sizeof(*i));
	i->id = sqlite3_column_int64(s, 0);
	i->title = store_col_text(s, 1);
	i->severity = store_col_text(s, 2);
	i->deployment_id = sqlite3_column_int64(s, 3);
	i->deploy_ref = store_col_text(s, 4);
	i->linked_auto = sqlite3_column_int(s, 5) != 0;
	i->started = sqlite3_column_int64(s, 6);
	i->detected = store_col_time(s, 7);
	i->paged = store_col_time(s, 8);
	i->root_cause = store_col_time(s, 9);
	i->decision = store_col_text(s, 10);
	i->decided = store_col_time(s, 11);
	i->restored = store_col_time(s, 12);
	i->note = store_col_text(s, 13);
	i->cause = store_col_text(s, 14);
	i->source = store_col_text(s, 15);
	i->source_id = store_col_text(s, 16);
	i->origin = store_col_text(s, 17);
	i->url = store_col_text(s, 18);
}

static void bind_incident(sqlite3_stmt *s, const struct incident_rec *i)
{
	store_bind_text(s, 1, i->title);
	store_bind_text(s, 2, i->severity ? i->severity : "sev2");
	if (i->deployment_id > 0)
		sqlite3_bind_int64(s, 3, i->deployment_id);
	else
		sqlite3_bind_null(s, 3);
	store_bind_text(s, 4, i->deploy_ref);
	sqlite3_bind_int(s, 5, i->linked_auto);
	sqlite3_bind_int64(s, 6, i->started);
	store_bind_time(s, 7, i->detected);
	store_bind_time(s, 8, i->paged);
	store_bind_time(s, 9, i->root_cause);
	store_bind_text(s, 10, i->decision);
	store_bind_time(s, 11, i->decided);
	store_bind_time(s, 12, i->restored);
	store_bind_text(s, 13, i->note);
	store_bind_text(s, 14, i->cause);
	store_bind_text(s, 15, i->source);
	store_bind_text(s, 16, i->source_id);
	store_bind_text(s, 17, i->origin);
	store_bind_text(s, 18, i->url);
}

int store_incident_get(struct store *st, int64_t id, struct incident_rec *out)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT " INCIDENT_COLUMNS " FROM incidents WHERE id = ?1");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	int ret = 0;
	if (rc == SQLITE_ROW) {
		read_incident(s, out);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(st, "read incident");
	}
	sqlite3_finalize(s);
	return ret;
}

int store_incident_find_source(struct store *st, const char *source, const char *source_id,
			       struct incident_rec *out)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT " INCIDENT_COLUMNS " FROM incidents"
					" WHERE source = ?1 AND source_id = ?2");
	if (!s)
		return -1;
	store_bind_text(s, 1, source);
	store_bind_text(s, 2, source_id);
	int rc = sqlite3_step(s);
	int ret = 0;
	if (rc == SQLITE_ROW) {
		read_incident(s, out);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(st, "read incident");
	}
	sqlite3_finalize(s);
	return ret;
}

int store_incident_insert(struct store *st, struct incident_rec *i)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO incidents (title, severity, deployment_id,"
					" deploy_ref, linked_auto, started_at, detected_at, paged_at,"
					" root_cause_at, decision, decided_at, restored_at, note, root_cause,"
					" source, source_id, origin, url) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
					" ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
	if (!s)
		return -1;
	bind_incident(s, i);
	if (step_done(st, s, "insert incident") != 0)
		return -1;
	i->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_incident_update(struct store *st, const struct incident_rec *i)
{
	sqlite3_stmt *s = store_prepare(st, "UPDATE incidents SET title = ?1, severity = ?2,"
					" deployment_id = ?3, deploy_ref = ?4, linked_auto = ?5,"
					" started_at = ?6, detected_at = ?7, paged_at = ?8,"
					" root_cause_at = ?9, decision = ?10, decided_at = ?11,"
					" restored_at = ?12, note = ?13, root_cause = ?14, source = ?15,"
					" source_id = ?16, origin = ?17, url = ?18 WHERE id = ?19");
	if (!s)
		return -1;
	bind_incident(s, i);
	sqlite3_bind_int64(s, 19, i->id);
	return step_done(st, s, "update incident");
}

int store_incidents_list(struct store *st, struct incident_rec **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT " INCIDENT_COLUMNS " FROM incidents"
					" ORDER BY restored_at IS NOT NULL, started_at DESC, id DESC");
	if (!s)
		return -1;
	struct incident_rec *v = NULL;
	size_t nv = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		grow_array((void **)&v, &cap, nv + 1, sizeof(*v));
		read_incident(s, &v[nv++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		incident_recs_free(v, nv);
		return store_fail(st, "list incidents");
	}
	*out = v;
	*n = nv;
	return 0;
}

/* ---- reviews ------------------------------------------------------------------ */

int store_review_set(struct store *st, const struct review_answer *a)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT OR REPLACE INTO reviews (subject, subject_id,"
					" question, answer, by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!s)
		return -1;
	store_bind_text(s, 1, a->subject);
	sqlite3_bind_int64(s, 2, a->subject_id);
	sqlite3_bind_int(s, 3, a->question);
	store_bind_text(s, 4, a->answer);
	store_bind_text(s, 5, a->by);
	sqlite3_bind_int64(s, 6, a->at);
	return step_done(st, s, "record review answer");
}

int store_reviews_list(struct store *st, const char *subject, int64_t subject_id,
		       struct review_answer **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT subject, subject_id, question, answer, by, at"
					" FROM reviews WHERE ?1 IS NULL OR (subject = ?1 AND subject_id = ?2)"
					" ORDER BY subject, subject_id, question");
	if (!s)
		return -1;
	store_bind_text(s, 1, subject);
	sqlite3_bind_int64(s, 2, subject_id);
	struct review_answer *v = NULL;
	size_t nv = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct review_answer r = {
			store_col_text(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int(s, 2),
			store_col_text(s, 3), store_col_text(s, 4), sqlite3_column_int64(s, 5),
		};
		VEC_PUSH(v, nv, cap, r);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		review_answers_free(v, nv);
		return store_fail(st, "list reviews");
	}
	*out = v;
	*n = nv;
	return 0;
}
