/* test_store — pins the release database: the schema is created at the
 * current version, every earlier version migrates forward with its data
 * kept, a newer database is refused and left byte-for-byte alone, a failed
 * write rolls back completely, STRICT tables refuse wrong types, and bad
 * paths (missing directory, a directory, not a database) are one-line errors.
 * And the builds a snapshot reads (issue 17): the window's builds, in order,
 * through index builds_by_start (no scan or sort of a million builds), and
 * whether any build is left out, by hand-worked times. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datafiles.h"
#include "helpers.h"
#include "store.h"
#include "store_builds.h"
#include "timeutil.h"
#include "util.h"

static char *dir;

static void setup(void)
{
	dir = th_tmpdir();
}

static void teardown(void)
{
	th_rmtree(dir);
	free(dir);
}

static struct store *open_new(const char *name)
{
	char err[512] = "";
	char *path = xasprintf("%s/%s", dir, name);
	struct store *st = store_open(path, STORE_CREATE, err, sizeof err);
	cr_assert_not_null(st, "open failed: %s", err);
	free(path);
	return st;
}

static int sqlite_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_open(path, &db);
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return v;
}

TestSuite(store, .init = setup, .fini = teardown);

Test(store, creates_schema_private_and_in_wal)
{
	struct store *st = open_new("a.db");
	store_close(st);
	char *path = xasprintf("%s/a.db", dir);
	struct stat sb;
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600, "mode is %o", sb.st_mode & 0777);
	cr_assert_eq(sqlite_int(path, "PRAGMA user_version"), store_schema_version());
	cr_assert_gt(store_schema_version(), 0);
	cr_assert_eq(sqlite_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'features'"), 1);
	sqlite3 *db;
	sqlite3_open(path, &db);
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL);
	sqlite3_step(s);
	cr_assert_str_eq((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(path);
}

Test(store, migrates_from_every_earlier_version)
{
	for (int v = 0; v < store_schema_version(); v++) {
		char *path = xasprintf("%s/v%d.db", dir, v);
		cr_assert_eq(th_db_at_version(path, v), 0);
		if (v >= 1)
			cr_assert_eq(th_sql_exec(path, "INSERT INTO features(title, created_at) VALUES ('kept', 1)"), 0);
		char err[512] = "";
		struct store *st = store_open(path, STORE_CREATE, err, sizeof err);
		cr_assert_not_null(st, "from version %d: %s", v, err);
		store_close(st);
		cr_assert_eq(sqlite_int(path, "PRAGMA user_version"), store_schema_version());
		if (v >= 1)
			cr_assert_eq(sqlite_int(path, "SELECT count(*) FROM features WHERE title = 'kept'"), 1);
		free(path);
	}
}

Test(store, refuses_newer_database_untouched)
{
	char *path = xasprintf("%s/new.db", dir);
	cr_assert_eq(th_db_at_version(path, store_schema_version()), 0);
	sqlite3 *db;
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL);
	sqlite3_close(db);
	size_t before_len, after_len;
	char *before = read_file(path, &before_len);
	char err[512] = "";
	cr_assert_null(store_open(path, STORE_CREATE, err, sizeof err));
	cr_assert(strstr(err, "newer"), "message: %s", err);
	cr_assert(strstr(err, path), "names the file: %s", err);
	char *after = read_file(path, &after_len);
	cr_assert_eq(before_len, after_len);
	cr_assert_eq(memcmp(before, after, before_len), 0, "file changed");
	cr_assert_eq(sqlite_int(path, "PRAGMA user_version"), 999);
	free(before);
	free(after);
	free(path);
}

Test(store, rollback_leaves_nothing)
{
	struct store *st = open_new("tx.db");
	cr_assert_eq(store_begin(st), 0);
	struct feature f = {.title = "one", .size = "small", .created_at = 10,
			    .phase_manual_at = SD_NO_TIME};
	cr_assert_eq(store_feature_add(st, &f), 0);
	struct feature bad = {.title = "two", .size = "huge", .created_at = 10,
			      .phase_manual_at = SD_NO_TIME};
	cr_assert_eq(store_feature_add(st, &bad), -1, "CHECK(size) must refuse 'huge'");
	store_rollback(st);
	struct feature *fs;
	size_t n;
	cr_assert_eq(store_feature_list(st, &fs, &n), 0);
	cr_assert_eq(n, 0, "the first insert must be rolled back too");
	features_free(fs, n);
	store_close(st);
}

Test(store, features_crud_and_lookup_by_key)
{
	struct store *st = open_new("crud.db");
	struct feature f = {.key = "FEAT-1", .title = "Checkout", .size = "large", .owner = "dana",
			    .created_at = 100, .phase_manual_at = SD_NO_TIME};
	cr_assert_eq(store_feature_add(st, &f), 0);
	cr_assert_eq(f.id, 1);
	struct feature got = {0};
	cr_assert_eq(store_feature_find(st, "feat-1", &got), 1, "keys match without case");
	cr_assert_str_eq(got.title, "Checkout");
	cr_assert_str_eq(got.size, "large");
	free(got.title);
	got.title = xstrdup("Checkout v2");
	cr_assert_eq(store_feature_update(st, &got), 0);
	feature_free(&got);
	cr_assert_eq(store_feature_find(st, "1", &got), 1);
	cr_assert_str_eq(got.title, "Checkout v2");
	feature_free(&got);
	cr_assert_eq(store_feature_find(st, "FEAT-9", &got), 0);
	struct feature dup = {.key = "FEAT-1", .title = "x", .created_at = 1, .phase_manual_at = SD_NO_TIME};
	cr_assert_eq(store_feature_add(st, &dup), -1, "keys are unique");
	cr_assert_eq(store_feature_delete(st, 1), 1);
	cr_assert_eq(store_feature_delete(st, 1), 0);
	store_close(st);
}

Test(store, ticks_and_events)
{
	struct store *st = open_new("ticks.db");
	struct feature f = {.title = "t", .created_at = 1, .phase_manual_at = SD_NO_TIME};
	store_feature_add(st, &f);
	struct check_tick t = {f.id, "predeploy", "staging-tests", "dana", 50, "green", false};
	cr_assert_eq(store_tick_set(st, &t), 0);
	cr_assert_eq(store_tick_set(st, &t), 0, "ticking twice updates");
	struct check_tick *ts;
	size_t n;
	store_ticks_list(st, f.id, &ts, &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(ts[0].by, "dana");
	check_ticks_free(ts, n);
	cr_assert_eq(store_tick_clear(st, f.id, "predeploy", "staging-tests"), 1);
	cr_assert_eq(store_tick_clear(st, f.id, "predeploy", "staging-tests"), 0);
	struct feature_event e = {f.id, "development", 60, "commit", "abc", false};
	cr_assert_eq(store_event_add(st, &e), 0);
	struct feature_event *es;
	store_events_list(st, f.id, &es, &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(es[0].phase, "development");
	feature_events_free(es, n);
	/* deleting the feature cascades */
	store_feature_delete(st, f.id);
	store_events_list(st, 0, &es, &n);
	cr_assert_eq(n, 0);
	feature_events_free(es, n);
	store_close(st);
}

Test(store, bad_paths_are_one_line_errors)
{
	char err[512];
	char *missing = xasprintf("%s/no/such/dir/x.db", dir);
	cr_assert_null(store_open(missing, STORE_CREATE, err, sizeof err));
	cr_assert(strstr(err, missing) && !strchr(err, '\n'), "%s", err);
	free(missing);
	cr_assert_null(store_open(dir, STORE_CREATE, err, sizeof err));
	cr_assert(strstr(err, "is a directory"), "%s", err);
	char *junk = xasprintf("%s/junk.db", dir);
	th_write(junk, "this is not an sqlite database, just text long enough to have a header........");
	cr_assert_null(store_open(junk, STORE_CREATE, err, sizeof err));
	cr_assert(strstr(err, "not a shipdeck database") || strstr(err, "not a database"), "%s", err);
	char *ro_missing = xasprintf("%s/absent.db", dir);
	cr_assert_null(store_open(ro_missing, STORE_READONLY, err, sizeof err));
	struct stat sb;
	cr_assert_neq(stat(ro_missing, &sb), 0, "read-only open must not create");
	free(junk);
	free(ro_missing);
}

Test(store, strict_tables_refuse_wrong_types)
{
	struct store *st = open_new("strict.db");
	cr_assert_eq(store_begin(st), 0);
	const char *names[] = {"title", "created_at"};
	struct sd_value vals[] = {{SDV_TEXT, 0, "t"}, {SDV_TEXT, 0, "yesterday"}};
	cr_assert_eq(store_restore_row(st, "features", 2, names, vals), -1);
	cr_assert(str_starts(store_errmsg(st), "created_at:"), "%s", store_errmsg(st));
	store_rollback(st);
	store_close(st);
}

Test(store, readonly_refuses_writes)
{
	struct store *st = open_new("ro.db");
	store_close(st);
	char *path = xasprintf("%s/ro.db", dir);
	char err[512];
	st = store_open(path, STORE_READONLY, err, sizeof err);
	cr_assert_not_null(st, "%s", err);
	cr_assert_eq(store_begin(st), -1);
	cr_assert(strstr(store_errmsg(st), "read-only"));
	store_close(st);
	free(path);
}

/* Stores a completed build of run id at the given start and queueing
 * times (SD_NO_TIME: none). */
static void put_build(struct store *st, const char *id, int64_t started, int64_t created)
{
	struct build b = {.provider = "github", .run_id = (char *)id, .attempt = 1,
			  .status = "completed", .conclusion = "success",
			  .created = created, .started = started, .finished = SD_NO_TIME};
	cr_assert_eq(store_build_insert(st, &b), 0, "%s", store_errmsg(st));
}

Test(store, the_window_s_builds_are_read_through_an_index)
{
	/* a started 100; b queued 150, never started; c 200; d no time at
	 * all; e and f both 300 (ordered by run id: e "5" before f "6").
	 * After 150: c, e, f (b's 150 is not after it). Left out: a, b, d. */
	struct store *st = open_new("b.db");
	put_build(st, "1", 100, 90);
	put_build(st, "2", SD_NO_TIME, 150);
	put_build(st, "6", 300, 250);
	put_build(st, "3", 200, 190);
	put_build(st, "4", SD_NO_TIME, SD_NO_TIME);
	put_build(st, "5", 300, 280);
	struct build *b;
	size_t n;
	cr_assert_eq(store_builds_list(st, 150, &b, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(b[0].run_id, "3");
	cr_assert_str_eq(b[1].run_id, "5");
	cr_assert_str_eq(b[2].run_id, "6");
	builds_free(b, n);
	cr_assert_eq(store_builds_list(st, SD_NO_TIME, &b, &n), 0);
	cr_assert_eq(n, 6);
	builds_free(b, n);
	bool before;
	cr_assert_eq(store_builds_before(st, 150, &before), 0);
	cr_assert(before);                 /* a and b */
	cr_assert_eq(store_builds_before(st, 50, &before), 0);
	cr_assert(before);                 /* d: no time at all */
	cr_assert_eq(store_build_delete(st, 5), 1);  /* d is row 5 */
	cr_assert_eq(store_builds_before(st, 50, &before), 0);
	cr_assert_not(before);
	cr_assert_eq(store_builds_before(st, SD_NO_TIME, &before), 0);
	cr_assert_not(before);             /* the list left nothing out */
	store_close(st);

	/* The plan of the window's query: the index, in order, no sort. */
	char *path = xasprintf("%s/b.db", dir);
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *q;
	cr_assert_eq(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT id FROM builds"
					" WHERE coalesce(started_at, created_at) > 150"
					" ORDER BY coalesce(started_at, created_at), provider, run_id, attempt",
					-1, &q, NULL), SQLITE_OK);
	struct strbuf plan = STRBUF_INIT;
	while (sqlite3_step(q) == SQLITE_ROW)
		sb_addf(&plan, "%s\n", (const char *)sqlite3_column_text(q, 3));
	sqlite3_finalize(q);
	sqlite3_close(db);
	cr_assert(strstr(sb_str(&plan), "builds_by_start"), "%s", sb_str(&plan));
	cr_assert_null(strstr(sb_str(&plan), "TEMP B-TREE"), "%s", sb_str(&plan));
	sb_free(&plan);
	free(path);
}
