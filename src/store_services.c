/* store_services — the services table (migration 5) and the per-record
 * service column: docs/metrics.md §13. */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "store_services.h"
#include "util.h"

void service_clear(struct service *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->repo);
	free(s->deploy_tags);
	free(s->paths);
	free(s->branch);
	free(s->origins);
	free(s->ci_names);
	memset(s, 0, sizeof *s);
}

void services_free(struct service *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		service_clear(&s[i]);
	free(s);
}

#define SERVICE_COLS "name, repo, deploy_tags, paths, branch, origins, ci_names, created_at"

static void read_row(sqlite3_stmt *s, struct service *out)
{
	memset(out, 0, sizeof *out);
	out->name = store_col_text(s, 0);
	out->repo = store_col_text(s, 1);
	out->deploy_tags = store_col_text(s, 2);
	out->paths = store_col_text(s, 3);
	out->branch = store_col_text(s, 4);
	out->origins = store_col_text(s, 5);
	out->ci_names = store_col_text(s, 6);
	out->created_at = store_col_time(s, 7);
}

int store_services_list(struct store *st, struct service **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT " SERVICE_COLS " FROM services ORDER BY name");
	if (!s)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct service sv;
		read_row(s, &sv);
		VEC_PUSH(*out, *n, cap, sv);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		services_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(st, "services");
	}
	return 0;
}

int store_service_get(struct store *st, const char *name, struct service *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = store_prepare(st, "SELECT " SERVICE_COLS " FROM services WHERE name = ?");
	if (!s)
		return -1;
	store_bind_text(s, 1, name);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read_row(s, out);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, "services");
	return rc == SQLITE_ROW;
}

int store_service_add(struct store *st, const struct service *sv)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO services(" SERVICE_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!s)
		return -1;
	store_bind_text(s, 1, sv->name);
	store_bind_text(s, 2, sv->repo);
	store_bind_text(s, 3, sv->deploy_tags);
	store_bind_text(s, 4, sv->paths);
	store_bind_text(s, 5, sv->branch);
	store_bind_text(s, 6, sv->origins);
	store_bind_text(s, 7, sv->ci_names);
	sqlite3_bind_int64(s, 8, sv->created_at);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "services");
}

int store_service_delete(struct store *st, const char *name)
{
	sqlite3_stmt *s = store_prepare(st, "DELETE FROM services WHERE name = ?");
	if (!s)
		return -1;
	store_bind_text(s, 1, name);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "services");
	return sqlite3_changes(st->db) > 0;
}

int store_service_counts(struct store *st, const char *name, bool home, struct service_counts *out)
{
	static const char *const tables[] = {"features", "builds", "deployments", "incidents", "reviews"};
	int64_t *fields[] = {&out->features, &out->builds, &out->deployments, &out->incidents,
			     &out->reviews};
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
		/* The table names are our own constants, never input. */
		char *sql = xasprintf("SELECT count(*) FROM %s WHERE service = ? COLLATE NOCASE%s", tables[i],
				      home ? " OR service IS NULL" : "");
		sqlite3_stmt *s = store_prepare(st, sql);
		free(sql);
		if (!s)
			return -1;
		store_bind_text(s, 1, name);
		if (sqlite3_step(s) == SQLITE_ROW)
			*fields[i] = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	return 0;
}

int store_service_stamp(struct store *st, const char *name, bool home)
{
	static const char *const tables[] = {"features", "builds", "deployments", "incidents", "reviews"};
	free(st->run_service);
	st->run_service = xstrdup(name);
	st->run_service_home = home;
	if (st->readonly)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
		/* Temporary (this connection only): every record this run adds
		 * without a service gets the one --service names. The name is a
		 * stored service's: letters, digits, '.', '_' and '-' only. */
		char *sql = xasprintf("CREATE TEMP TRIGGER IF NOT EXISTS stamp_%s AFTER INSERT ON main.%s "
				      "WHEN NEW.service IS NULL BEGIN UPDATE %s SET service = '%s' "
				      "WHERE rowid = NEW.rowid; END", tables[i], tables[i], tables[i], name);
		int rc = store_exec(st, sql);
		free(sql);
		if (rc != 0)
			return -1;
	}
	return 0;
}

int store_record_services(struct store *st, const char *table, struct record_service **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	/* The table name is one of our own constants, never input. */
	char *sql = xasprintf("SELECT rowid, service FROM %s ORDER BY rowid", table);
	sqlite3_stmt *s = store_prepare(st, sql);
	free(sql);
	if (!s)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct record_service r = {sqlite3_column_int64(s, 0), store_col_text(s, 1)};
		VEC_PUSH(*out, *n, cap, r);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		record_services_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(st, table);
	}
	return 0;
}

void record_services_free(struct record_service *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].service);
	free(r);
}

const char *record_service_of(const struct record_service *r, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && r[lo].id == id ? r[lo].service : NULL;
}

int store_record_claim(struct store *st, const char *table, int64_t id, const char *service)
{
	/* The table name is one of our own constants, never input. */
	char *sql = xasprintf("UPDATE %s SET service = ? WHERE rowid = ? AND service IS NULL", table);
	sqlite3_stmt *s = store_prepare(st, sql);
	free(sql);
	if (!s)
		return -1;
	store_bind_text(s, 1, service);
	sqlite3_bind_int64(s, 2, id);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, table);
}

int store_build_claim(struct store *st, const char *provider, const char *run_id, int attempt,
		      const char *service)
{
	sqlite3_stmt *s = store_prepare(st, "UPDATE builds SET service = ? WHERE provider = ? AND run_id = ? "
					    "AND attempt = ? AND service IS NULL");
	if (!s)
		return -1;
	store_bind_text(s, 1, service);
	store_bind_text(s, 2, provider);
	store_bind_text(s, 3, run_id);
	sqlite3_bind_int(s, 4, attempt);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "builds");
}
