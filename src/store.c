/* store — opening, migrating and the small tables (settings, features,
 * checklist ticks, phase events), plus generic rows for export/import.
 * The builds and git cache tables live in store_builds.c and store_git.c.
 *
 * Concurrency on a shared box: WAL lets readers work while one writer
 * writes; a busy timeout plus BEGIN IMMEDIATE makes writers queue instead of
 * failing half-way with "database is locked". */
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datafiles.h"
#include "dbfiles.h"
#include "files.h"
#include "timeutil.h"
#include "util.h"

#define BUSY_TIMEOUT_MS 10000

const char *const store_record_tables[] = {
	"settings", "services", "features", "feature_events", "checklist_items", "builds",
	"deployments", "rollout_stages", "incidents", "reviews", NULL,
};

static const char *const cache_tables[] = {
	"git_meta", "git_refs", "git_deploys", "git_commits", "git_chunk_counts", "git_reverts",
	"git_pull_commits", NULL,
};

/* vsnprintf into the error buffer; a long path is cut, never overflowed. */
static void set_err(struct store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct store *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->err, sizeof st->err, fmt, ap);
	va_end(ap);
}

int store_fail(struct store *st, const char *what)
{
	set_err(st, "%s%s%s", what ? what : "", what ? ": " : "",
		 st->db ? sqlite3_errmsg(st->db) : "no database");
	return -1;
}

const char *store_errmsg(const struct store *st)
{
	return st->err;
}

const char *store_path(const struct store *st)
{
	return st->path;
}

sqlite3_stmt *store_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_fail(st, "prepare");
		return NULL;
	}
	return s;
}

sqlite3_stmt *store_prepare_kept(struct store *st, const char *sql)
{
	size_t i = 0;
	for (; i < ARRAY_SIZE(st->kept) && st->kept_sql[i]; i++)
		if (st->kept_sql[i] == sql)
			return st->kept[i];
	if (i == ARRAY_SIZE(st->kept)) {
		/* a programming error: a slot more in struct store */
		fprintf(stderr, "store_prepare_kept: more than %zu kept statements\n", i);
		abort();
	}
	sqlite3_stmt *s = store_prepare(st, sql);
	if (s) {
		st->kept_sql[i] = sql;
		st->kept[i] = s;
	}
	return s;
}

int store_exec(struct store *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		set_err(st, "%s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

void store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

void store_bind_time(sqlite3_stmt *s, int i, int64_t v)
{
	if (v == SD_NO_TIME)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

char *store_col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? xstrdup((const char *)t) : NULL;
}

int64_t store_col_time(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? SD_NO_TIME : sqlite3_column_int64(s, i);
}

/* ---- schema and migrations ---------------------------------------------- */

/* Finds the text of "-- migration N" up to the next marker. */
static char *migration_sql(const char *schema, int n)
{
	char marker[32];
	snprintf(marker, sizeof marker, "-- migration %d\n", n);
	const char *start = strstr(schema, marker);
	if (!start)
		return NULL;
	start += strlen(marker);
	const char *end = strstr(start, "-- migration ");
	return xstrndup(start, end ? (size_t)(end - start) : strlen(start));
}

static int count_migrations(const char *schema)
{
	int n = 0;
	char marker[32];
	for (;;) {
		snprintf(marker, sizeof marker, "-- migration %d\n", n + 1);
		if (!strstr(schema, marker))
			return n;
		n++;
	}
}

int store_schema_version(void)
{
	const char *schema = data_file("schema.sql", NULL);
	return schema ? count_migrations(schema) : 0;
}

static int user_version(struct store *st)
{
	sqlite3_stmt *s = store_prepare(st, "PRAGMA user_version");
	if (!s)
		return -1;
	int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : store_fail(st, NULL);
	sqlite3_finalize(s);
	return v;
}

/* Refuses a database from a newer shipdeck before anything (even the switch
 * to WAL, which rewrites the header) touches the file. */
static int check_version(struct store *st)
{
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	int have = user_version(st);
	if (have < 0)
		return -1;
	if (have > store_schema_version()) {
		set_err(st, "%s: database schema version %d is newer than this shipdeck understands (%d); "
			"use a newer shipdeck \xe2\x80\x94 the file was not changed", st->path, have,
			store_schema_version());
		return -1;
	}
	return 0;
}

static int apply_migrations(struct store *st, const char *schema, int have, int target);

/* Applies each missing migration in its own transaction, so a failure
 * leaves the database at the last complete version. */
static int migrate(struct store *st)
{
	const char *schema = data_file("schema.sql", NULL);
	int target = schema ? count_migrations(schema) : 0;
	int have = user_version(st);
	if (have < 0)
		return -1;
	if (have > target) {
		snprintf(st->err, sizeof st->err,
			 "%s: database schema version %d is newer than this shipdeck understands (%d); "
			 "use a newer shipdeck — the file was not changed", st->path, have, target);
		return -1;
	}
	/* A migration that rebuilds a table (SQLite cannot drop a constraint)
	 * drops the old one: with foreign keys on, that would cascade to the
	 * rows referring to it. They are off while migrations run (the pragma
	 * is a no-op inside a transaction) and checked before each commits. */
	if (have < target && !st->readonly && store_exec(st, "PRAGMA foreign_keys = OFF") != 0)
		return -1;
	int rc = apply_migrations(st, schema, have, target);
	if (store_exec(st, "PRAGMA foreign_keys = ON") != 0)
		return -1;
	return rc;
}

/* Fails when a migration left a row pointing at nothing. */
static int check_foreign_keys(struct store *st)
{
	sqlite3_stmt *s = store_prepare(st, "PRAGMA foreign_key_check");
	if (!s)
		return -1;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		set_err(st, "table %s row %lld refers to a missing %s row",
			(const char *)sqlite3_column_text(s, 0), (long long)sqlite3_column_int64(s, 1),
			(const char *)sqlite3_column_text(s, 2));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int apply_migrations(struct store *st, const char *schema, int have, int target)
{
	for (int v = have + 1; v <= target; v++) {
		if (st->readonly) {
			snprintf(st->err, sizeof st->err,
				 "%s: database needs an upgrade (version %d to %d) but is opened read-only",
				 st->path, have, target);
			return -1;
		}
		char *sql = migration_sql(schema, v);
		char pragma[48];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", v);
		int rc = store_exec(st, "BEGIN IMMEDIATE");
		if (rc == 0)
			rc = store_exec(st, sql);
		if (rc == 0)
			rc = check_foreign_keys(st);
		if (rc == 0)
			rc = store_exec(st, pragma);
		if (rc == 0)
			rc = store_exec(st, "COMMIT");
		free(sql);
		if (rc != 0) {
			char why[sizeof st->err];
			snprintf(why, sizeof why, "%s", st->err);
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			set_err(st, "%s: migration to version %d failed: %s",
				 st->path, v, why);
			return -1;
		}
	}
	return 0;
}

/* ---- opening -------------------------------------------------------------- */

/* Creates the file ourselves so its mode is right from the first byte and a
 * symlink planted in a shared directory is never followed. */
static int create_db_file(const char *path, int flags, char *err, size_t errlen)
{
	mode_t mode = (flags & STORE_SHARED) ? 0660 : 0600;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		snprintf(err, errlen, "%s: cannot create database: %s", path, strerror(errno));
		return -1;
	}
	if (flags & STORE_SHARED) {
		fchmod(fd, mode); /* the umask may have taken the group bits */
		dbfiles_take_dir_group(fd, path); /* what a setgid directory would do */
	}
	close(fd);
	return 0;
}

/* SQLite opens the database and its -wal, -shm and -journal files with
 * O_NOFOLLOW and fails with a vague "unable to open"; saying which link is
 * in the way tells the user what to remove (in a shared directory it may
 * have been planted to make someone overwrite their own files). Anything
 * else that is not a regular file is refused before SQLite touches it too:
 * reading a FIFO blocks for ever (doctor and --read-only hung), and SQLite
 * would create "/dev/zero-journal" beside a device. */
static int refuse_strange_files(const char *path, char *err, size_t errlen)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		char *p = xasprintf("%s%s", path, suffixes[i]);
		struct stat sb;
		const char *refusal = lstat(p, &sb) == 0 ? file_type_refusal(sb.st_mode) : NULL;
		if (refusal && S_ISLNK(sb.st_mode))
			snprintf(err, errlen, "%s: is a symbolic link; shipdeck never follows one at the "
				 "database path (remove it, or give --db the real file)", p);
		else if (refusal)
			snprintf(err, errlen, "%s: %s; a database is one (give --db a file's path)",
				 p, refusal);
		free(p);
		if (refusal)
			return -1;
	}
	return 0;
}

static int check_db_path(const char *path, int flags, char *err, size_t errlen)
{
	struct stat sb;
	if (refuse_strange_files(path, err, errlen) != 0)
		return -1;
	if (lstat(path, &sb) == 0)
		return 0;
	if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!(flags & STORE_CREATE) || (flags & STORE_READONLY)) {
		snprintf(err, errlen, "%s: no such database", path);
		return -1;
	}
	return create_db_file(path, flags, err, errlen);
}

static int keep_companions(struct store *st);

static int configure_connection(struct store *st)
{
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(st->db, 1);
	if (store_exec(st, "PRAGMA foreign_keys = ON") != 0)
		return -1;
	if (st->readonly)
		return 0;
	/* WAL lets people read while someone writes; NORMAL sync is safe in WAL. */
	if (store_exec(st, "PRAGMA journal_mode = WAL") != 0 ||
	    store_exec(st, "PRAGMA synchronous = NORMAL") != 0)
		return -1;
	return keep_companions(st);
}

/* A database the group may open keeps its -wal and -shm when the last
 * connection closes: SQLite would delete them and the next member re-create
 * them as themselves (src/dbfiles.c says why that goes wrong). The WAL is
 * cut back to nothing at that close, and to 4 MiB after a checkpoint. */
static int keep_companions(struct store *st)
{
	if (!dbfiles_group_shared(st->path))
		return 0;
	int on = 1;
	sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
	return store_exec(st, "PRAGMA journal_size_limit = 4194304");
}

/* Distinguishes "not a database" and friends from a generic failure. */
static void describe_open_error(struct store *st, char *err, size_t errlen)
{
	int code = st->db ? sqlite3_errcode(st->db) & 0xff : SQLITE_CANTOPEN;
	const char *hint = "";
	if (code == SQLITE_NOTADB)
		hint = " (the file is not a shipdeck database; move it aside or use --db)";
	else if (code == SQLITE_CORRUPT)
		hint = " (the database is damaged; run 'shipdeck doctor')";
	else if (code == SQLITE_READONLY || code == SQLITE_PERM)
		hint = " (no write permission; try --read-only)";
	snprintf(err, errlen, "%s%s", st->err, hint);
}

/* Reads the header through SQLite's own descriptor: one of ours, closed,
 * would drop the POSIX locks this process holds on the file (src/dbfiles.c). */
static bool header_says_wal(sqlite3 *db)
{
	sqlite3_file *f = NULL;
	unsigned char h[100];
	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f ||
	    !f->pMethods || f->pMethods->xRead(f, h, (int)sizeof h, 0) != SQLITE_OK)
		return false;
	return memcmp(h, "SQLite format 3", 16) == 0 && h[18] == 2 && h[19] == 2;
}

struct store *store_open(const char *path, int flags, char *err, size_t errlen)
{
	if (check_db_path(path, flags, err, errlen) != 0)
		return NULL;
	struct store *st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	/* a member with read access only: a snapshot, never "attempt to write
	 * a readonly database" half-way through one */
	st->no_write_access = !(flags & STORE_READONLY) && !dbfiles_writable(path);
	st->readonly = (flags & STORE_READONLY) || st->no_write_access;
	if ((flags & STORE_SHARED) && !st->readonly)
		dbfiles_share(path);
	int oflags = (st->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		     SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_FULLMUTEX;
	int rc = sqlite3_open_v2(path, &st->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		set_err(st, "%s: cannot open database: %s", path,
			 st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		describe_open_error(st, err, errlen);
		store_close(st);
		return NULL;
	}
	dbfiles_prepare(path, header_says_wal(st->db));
	if (check_version(st) != 0 || configure_connection(st) != 0 || migrate(st) != 0) {
		if (!strstr(st->err, path)) {
			char why[sizeof st->err];
			snprintf(why, sizeof why, "%s", st->err);
			set_err(st, "%s: %s", path, why);
		}
		describe_open_error(st, err, errlen);
		store_close(st);
		return NULL;
	}
	dbfiles_after_open(path);
	return st;
}

bool store_no_write_access(const struct store *st)
{
	return st->no_write_access;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	store_rollback(st); /* a transaction left open: nothing of it is kept */
	for (size_t i = 0; i < ARRAY_SIZE(st->columns); i++) {
		if (!st->columns[i])
			continue;
		for (const char **c = st->columns[i]; *c; c++)
			free((char *)*c);
		free(st->columns[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(st->kept); i++)
		sqlite3_finalize(st->kept[i]);
	sqlite3_close(st->db);
	free(st->run_service);
	free(st->path);
	free(st);
}

/* ---- transactions --------------------------------------------------------- */

/* Threads of one process (services scanning at once: model_services.c)
 * write one transaction at a time, whatever file each writes: SQLite would
 * make them wait on each other's file locks anyway, and serialized they
 * never see SQLITE_BUSY from their own process. Recursive: one thread may
 * hold transactions on two databases (a command's, and a history cache). */
static pthread_mutex_t write_lock;
static pthread_once_t write_lock_once = PTHREAD_ONCE_INIT;

static void write_lock_init(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&write_lock, &a);
	pthread_mutexattr_destroy(&a);
}

static _Thread_local int write_lock_depth; /* how often this thread holds it */

static void write_lock_take(void)
{
	pthread_once(&write_lock_once, write_lock_init);
	pthread_mutex_lock(&write_lock);
	write_lock_depth++;
}

static void write_lock_give(void)
{
	write_lock_depth--;
	pthread_mutex_unlock(&write_lock);
}

bool store_write_held(void)
{
	return write_lock_depth > 0;
}

int store_begin(struct store *st)
{
	if (st->no_write_access) {
		set_err(st, "%s: you may only read this database (no write permission), so nothing "
			"was written", st->path);
		return -1;
	}
	if (st->readonly) {
		set_err(st, "%s: opened read-only, nothing can be written", st->path);
		return -1;
	}
	if (st->tx_depth++ > 0)
		return 0; /* nested: the outermost transaction decides */
	write_lock_take();
	if (store_exec(st, "BEGIN IMMEDIATE") != 0) {
		st->tx_depth = 0;
		write_lock_give();
		return -1;
	}
	return 0;
}

int store_commit(struct store *st)
{
	if (st->tx_depth == 0 || --st->tx_depth > 0)
		return 0;
	int rc = 0;
	if (store_exec(st, "COMMIT") != 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		rc = -1;
	}
	write_lock_give();
	return rc;
}

bool store_busy(const struct store *st)
{
	int code = st->db ? sqlite3_errcode(st->db) & 0xff : SQLITE_OK;
	return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

void store_set_busy_timeout(struct store *st, int ms)
{
	sqlite3_busy_timeout(st->db, ms);
}

void store_rollback(struct store *st)
{
	if (st->tx_depth == 0)
		return;
	st->tx_depth = 0;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	write_lock_give();
}

/* ---- settings -------------------------------------------------------------- */

char *store_setting_get(struct store *st, const char *key)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT value FROM settings WHERE key = ?");
	if (!s)
		return NULL;
	store_bind_text(s, 1, key);
	char *v = sqlite3_step(s) == SQLITE_ROW ? store_col_text(s, 0) : NULL;
	sqlite3_finalize(s);
	return v;
}

/* Runs a prepared statement to completion; 0 or -1 with the error recorded. */
static int step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	int ret = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_fail(st, what);
	sqlite3_finalize(s);
	return ret;
}

int store_setting_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = store_prepare(st,
		"INSERT INTO settings(key, value) VALUES (?, ?) "
		"ON CONFLICT(key) DO UPDATE SET value = excluded.value");
	if (!s)
		return -1;
	store_bind_text(s, 1, key);
	store_bind_text(s, 2, value);
	return step_done(st, s, "settings");
}

/* ---- features --------------------------------------------------------------- */

void feature_free(struct feature *f)
{
	if (!f)
		return;
	free(f->key);
	free(f->title);
	free(f->branch);
	free(f->size);
	free(f->owner);
	free(f->phase_manual);
	free(f->phase_reason);
	memset(f, 0, sizeof *f);
}

void features_free(struct feature *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		feature_free(&f[i]);
	free(f);
}

#define FEATURE_COLUMNS "id, key, title, branch, size, owner, created_at, phase_manual, phase_reason, phase_manual_at"

static void feature_from_row(sqlite3_stmt *s, struct feature *f)
{
	f->id = sqlite3_column_int64(s, 0);
	f->key = store_col_text(s, 1);
	f->title = store_col_text(s, 2);
	f->branch = store_col_text(s, 3);
	f->size = store_col_text(s, 4);
	f->owner = store_col_text(s, 5);
	f->created_at = store_col_time(s, 6);
	f->phase_manual = store_col_text(s, 7);
	f->phase_reason = store_col_text(s, 8);
	f->phase_manual_at = store_col_time(s, 9);
}

static void bind_feature(sqlite3_stmt *s, const struct feature *f)
{
	store_bind_text(s, 1, f->key);
	store_bind_text(s, 2, f->title);
	store_bind_text(s, 3, f->branch);
	store_bind_text(s, 4, f->size ? f->size : "medium");
	store_bind_text(s, 5, f->owner);
	store_bind_time(s, 6, f->created_at);
	store_bind_text(s, 7, f->phase_manual);
	store_bind_text(s, 8, f->phase_reason);
	store_bind_time(s, 9, f->phase_manual_at);
}

int store_feature_add(struct store *st, struct feature *f)
{
	sqlite3_stmt *s = store_prepare(st,
		"INSERT INTO features(key, title, branch, size, owner, created_at, phase_manual, "
		"phase_reason, phase_manual_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!s)
		return -1;
	bind_feature(s, f);
	if (step_done(st, s, "feature") != 0)
		return -1;
	f->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_feature_update(struct store *st, const struct feature *f)
{
	sqlite3_stmt *s = store_prepare(st,
		"UPDATE features SET key = ?, title = ?, branch = ?, size = ?, owner = ?, created_at = ?, "
		"phase_manual = ?, phase_reason = ?, phase_manual_at = ? WHERE id = ?");
	if (!s)
		return -1;
	bind_feature(s, f);
	sqlite3_bind_int64(s, 10, f->id);
	return step_done(st, s, "feature");
}

int store_feature_list(struct store *st, struct feature **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st, "SELECT " FEATURE_COLUMNS " FROM features ORDER BY id");
	if (!s)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		grow_array((void **)out, &cap, *n + 1, sizeof **out);
		feature_from_row(s, &(*out)[(*n)++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		features_free(*out, *n);
		*out = NULL, *n = 0;
		return store_fail(st, "features");
	}
	return 0;
}

static int find_one(struct store *st, sqlite3_stmt *s, struct feature *out)
{
	int rc = sqlite3_step(s);
	int found = rc == SQLITE_ROW;
	if (found)
		feature_from_row(s, out);
	sqlite3_finalize(s);
	if (!found && rc != SQLITE_DONE)
		return store_fail(st, "features");
	return found;
}

int store_feature_find_key(struct store *st, const char *key, struct feature *out)
{
	sqlite3_stmt *s = store_prepare(st,
		"SELECT " FEATURE_COLUMNS " FROM features WHERE key = ? COLLATE NOCASE");
	if (!s)
		return -1;
	store_bind_text(s, 1, key);
	return find_one(st, s, out);
}

bool store_feature_key_is_id(const char *key)
{
	long long id;
	return parse_long(key, 0, INT64_MAX, &id);
}

int store_feature_find(struct store *st, const char *id_or_key, struct feature *out)
{
	/* The one rule (docs/ARCHITECTURE.md, shipdeck(1) FEATURES): a whole
	 * number is an id, anything else a key compared ignoring case. New keys
	 * cannot be whole numbers, so the two never meet. */
	long long id;
	if (!parse_long(id_or_key, 1, INT64_MAX, &id))
		return store_feature_find_key(st, id_or_key, out);
	sqlite3_stmt *s = store_prepare(st, "SELECT " FEATURE_COLUMNS " FROM features WHERE id = ?");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return find_one(st, s, out);
}

int store_feature_delete(struct store *st, int64_t id)
{
	sqlite3_stmt *s = store_prepare(st, "DELETE FROM features WHERE id = ?");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (step_done(st, s, "feature") != 0)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

/* ---- checklist ticks ----------------------------------------------------------- */

void check_tick_clear(struct check_tick *t)
{
	free(t->kind);
	free(t->item);
	free(t->by);
	free(t->note);
	memset(t, 0, sizeof *t);
}

void check_ticks_free(struct check_tick *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		check_tick_clear(&t[i]);
	free(t);
}

static struct check_tick tick_row(sqlite3_stmt *s)
{
	return (struct check_tick){
		sqlite3_column_int64(s, 0), store_col_text(s, 1), store_col_text(s, 2),
		store_col_text(s, 3), store_col_time(s, 4), store_col_text(s, 5),
		streq((const char *)sqlite3_column_text(s, 6), "na"),
	};
}

int store_ticks_list(struct store *st, int64_t feature_id, struct check_tick **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st,
		"SELECT feature_id, kind, item, by, at, note, state FROM checklist_items "
		"WHERE (done = 1 OR state = 'na') AND (?1 = 0 OR feature_id = ?1) "
		"ORDER BY feature_id, kind, item");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, feature_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct check_tick t = tick_row(s);
		VEC_PUSH(*out, *n, cap, t);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		check_ticks_free(*out, *n);
		*out = NULL, *n = 0;
		return store_fail(st, "checklist");
	}
	return 0;
}

int store_tick_set(struct store *st, const struct check_tick *t)
{
	sqlite3_stmt *s = store_prepare(st,
		"INSERT INTO checklist_items(feature_id, kind, item, done, by, at, note, state) "
		"VALUES (?1, ?2, ?3, ?7 = 'done', ?4, ?5, ?6, ?7) ON CONFLICT(feature_id, kind, item) "
		"DO UPDATE SET done = excluded.done, by = excluded.by, at = excluded.at, "
		"note = excluded.note, state = excluded.state");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, t->feature_id);
	store_bind_text(s, 2, t->kind);
	store_bind_text(s, 3, t->item);
	store_bind_text(s, 4, t->by);
	store_bind_time(s, 5, t->at);
	store_bind_text(s, 6, t->note);
	store_bind_text(s, 7, t->na ? "na" : "done");
	return step_done(st, s, "checklist");
}

int store_tick_get(struct store *st, int64_t feature_id, const char *kind, const char *item,
		   struct check_tick *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = store_prepare(st,
		"SELECT feature_id, kind, item, by, at, note, state FROM checklist_items "
		"WHERE feature_id = ? AND kind = ? AND item = ? AND (done = 1 OR state = 'na')");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, feature_id);
	store_bind_text(s, 2, kind);
	store_bind_text(s, 3, item);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = tick_row(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, "checklist");
	return rc == SQLITE_ROW;
}

int store_tick_clear(struct store *st, int64_t feature_id, const char *kind, const char *item)
{
	sqlite3_stmt *s = store_prepare(st,
		"DELETE FROM checklist_items WHERE feature_id = ? AND kind = ? AND item = ?");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, feature_id);
	store_bind_text(s, 2, kind);
	store_bind_text(s, 3, item);
	if (step_done(st, s, "checklist") != 0)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

/* ---- feature events ---------------------------------------------------------------- */

void feature_events_free(struct feature_event *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].phase);
		free(e[i].evidence_kind);
		free(e[i].evidence);
	}
	free(e);
}

int store_events_list(struct store *st, int64_t feature_id, struct feature_event **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_prepare(st,
		"SELECT feature_id, phase, at, evidence_kind, evidence, manual FROM feature_events "
		"WHERE (?1 = 0 OR feature_id = ?1) ORDER BY feature_id, at, id");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, feature_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct feature_event e = {
			sqlite3_column_int64(s, 0), store_col_text(s, 1), store_col_time(s, 2),
			store_col_text(s, 3), store_col_text(s, 4), sqlite3_column_int(s, 5) != 0,
		};
		VEC_PUSH(*out, *n, cap, e);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		feature_events_free(*out, *n);
		*out = NULL, *n = 0;
		return store_fail(st, "feature events");
	}
	return 0;
}

int store_event_add(struct store *st, const struct feature_event *e)
{
	sqlite3_stmt *s = store_prepare(st,
		"INSERT INTO feature_events(feature_id, phase, at, evidence_kind, evidence, manual) "
		"VALUES (?, ?, ?, ?, ?, ?)");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, e->feature_id);
	store_bind_text(s, 2, e->phase);
	store_bind_time(s, 3, e->at);
	store_bind_text(s, 4, e->evidence_kind);
	store_bind_text(s, 5, e->evidence);
	sqlite3_bind_int(s, 6, e->manual);
	return step_done(st, s, "feature events");
}

/* ---- generic rows: export and import ------------------------------------------------ */

static int table_index(const char *table)
{
	for (int i = 0; store_record_tables[i]; i++)
		if (strcmp(store_record_tables[i], table) == 0)
			return i;
	return -1;
}

const char *const *store_table_columns(struct store *st, const char *table)
{
	int t = table_index(table);
	if (t < 0)
		return NULL;
	if (st->columns[t])
		return st->columns[t];
	/* The table name comes from our own list, never from input. */
	char *sql = xasprintf("SELECT name FROM pragma_table_info('%s') ORDER BY cid", table);
	sqlite3_stmt *s = store_prepare(st, sql);
	free(sql);
	if (!s)
		return NULL;
	const char **cols = NULL;
	size_t n = 0, cap = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *name = xstrdup((const char *)sqlite3_column_text(s, 0));
		VEC_PUSH(cols, n, cap, name);
	}
	sqlite3_finalize(s);
	VEC_PUSH(cols, n, cap, NULL);
	st->columns[t] = cols;
	return cols;
}

static int dump_table(struct store *st, const char *table, store_row_fn fn, void *arg)
{
	const char *const *cols = store_table_columns(st, table);
	if (!cols)
		return -1;
	int ncols = 0;
	while (cols[ncols])
		ncols++;
	/* Rows in primary-key order make the export byte-stable. */
	char *sql = xasprintf("SELECT * FROM %s ORDER BY %s", table,
			      strcmp(table, "settings") == 0 ? "key" : "rowid");
	if (strcmp(table, "checklist_items") == 0 || strcmp(table, "rollout_stages") == 0 ||
	    strcmp(table, "reviews") == 0) {
		free(sql);
		sql = xasprintf("SELECT * FROM %s ORDER BY 1, 2, 3", table);
	}
	sqlite3_stmt *s = store_prepare(st, sql);
	free(sql);
	if (!s)
		return -1;
	struct sd_value *vals = xcalloc((size_t)ncols, sizeof *vals);
	int rc, ret = 0;
	while (ret == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (int i = 0; i < ncols; i++) {
			int type = sqlite3_column_type(s, i);
			vals[i].type = type == SQLITE_NULL ? SDV_NULL : type == SQLITE_INTEGER ? SDV_INT : SDV_TEXT;
			vals[i].i = sqlite3_column_int64(s, i);
			vals[i].s = (const char *)sqlite3_column_text(s, i);
		}
		ret = fn(arg, table, ncols, cols, vals);
	}
	free(vals);
	sqlite3_finalize(s);
	return ret;
}

int store_dump(struct store *st, store_row_fn fn, void *arg)
{
	/* One read transaction: the export is a consistent picture even while
	 * others write (inside a caller's transaction, that one: import writes
	 * its backup and replaces the records under one lock). */
	bool own = st->tx_depth == 0;
	if (own && store_exec(st, "BEGIN") != 0)
		return -1;
	int ret = 0;
	for (int i = 0; ret == 0 && store_record_tables[i]; i++)
		ret = dump_table(st, store_record_tables[i], fn, arg);
	if (own)
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return ret;
}

int store_restore_clear(struct store *st)
{
	/* Children first, so foreign keys never dangle mid-way. */
	int n = 0;
	while (store_record_tables[n])
		n++;
	for (int i = n - 1; i >= 0; i--) {
		char *sql = xasprintf("DELETE FROM %s", store_record_tables[i]);
		int rc = store_exec(st, sql);
		free(sql);
		if (rc != 0)
			return -1;
	}
	for (int i = 0; cache_tables[i]; i++) {
		char *sql = xasprintf("DELETE FROM %s", cache_tables[i]);
		int rc = store_exec(st, sql);
		free(sql);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* "CHECK constraint failed: size" → "size: CHECK constraint failed";
 * "cannot store TEXT value in INTEGER column features.created_at" → "created_at: ...". */
static void name_failed_column(struct store *st)
{
	const char *msg = sqlite3_errmsg(st->db);
	const char *col = NULL;
	size_t len = 0;
	const char *p;
	if ((p = strstr(msg, "constraint failed: "))) {
		col = p + strlen("constraint failed: ");
		const char *dot = strchr(col, '.');
		if (dot && !strchr(col, ' '))
			col = dot + 1;
		len = strcspn(col, " ,");
	} else if ((p = strstr(msg, " column "))) {
		col = p + strlen(" column ");
		const char *dot = strchr(col, '.');
		if (dot)
			col = dot + 1;
		len = strcspn(col, " ,");
	}
	if (strstr(msg, "features_key_nocase"))
		set_err(st, "key: another feature has this key (keys are unique ignoring case)");
	else if (col && len)
		set_err(st, "%.*s: %s", (int)len, col, msg);
	else
		set_err(st, "%s", msg);
}

int store_restore_row(struct store *st, const char *table, int ncols,
		      const char *const *names, const struct sd_value *vals)
{
	const char *const *cols = store_table_columns(st, table);
	if (!cols) {
		set_err(st, "unknown table");
		return -1;
	}
	struct strbuf sql = STRBUF_INIT;
	sb_addf(&sql, "INSERT INTO %s(", table);
	for (int i = 0; i < ncols; i++) {
		bool known = false;
		for (const char *const *c = cols; *c; c++)
			known = known || strcmp(*c, names[i]) == 0;
		if (!known) {
			set_err(st, "%s: no such column", names[i]);
			sb_free(&sql);
			return -1;
		}
		sb_addf(&sql, "%s\"%s\"", i ? ", " : "", names[i]);
	}
	sb_add(&sql, ") VALUES (");
	for (int i = 0; i < ncols; i++)
		sb_add(&sql, i ? ", ?" : "?");
	sb_add(&sql, ")");
	sqlite3_stmt *s = store_prepare(st, sb_str(&sql));
	sb_free(&sql);
	if (!s)
		return -1;
	for (int i = 0; i < ncols; i++) {
		if (vals[i].type == SDV_NULL)
			sqlite3_bind_null(s, i + 1);
		else if (vals[i].type == SDV_INT)
			sqlite3_bind_int64(s, i + 1, vals[i].i);
		else
			sqlite3_bind_text(s, i + 1, vals[i].s, -1, SQLITE_TRANSIENT);
	}
	int rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		name_failed_column(st);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_integrity_check(struct store *st)
{
	sqlite3_stmt *s = store_prepare(st, "PRAGMA integrity_check");
	if (!s)
		return -1;
	struct strbuf report = STRBUF_INIT;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		sb_addf(&report, "%s%s", report.len ? "; " : "", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	int ok = rc == SQLITE_DONE && streq(sb_str(&report), "ok");
	if (!ok)
		set_err(st, "%s", rc == SQLITE_DONE ? sb_str(&report) : sqlite3_errmsg(st->db));
	sb_free(&report);
	return ok ? 0 : -1;
}

/* ---- schema check (doctor) -------------------------------------------------------- */

/* "name:type,name:type,..." of a table's columns, or "" when it is absent. */
static char *table_shape(sqlite3 *db, const char *table)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info(?) ORDER BY cid", -1, &s,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, table, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(s) == SQLITE_ROW)
			sb_addf(&sb, "%s%s:%s", sb.len ? "," : "", sqlite3_column_text(s, 0),
				sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	return sb_detach(&sb);
}

/* Builds the expected schema in memory by running every migration. */
static sqlite3 *reference_schema(void)
{
	sqlite3 *ref = NULL;
	if (sqlite3_open(":memory:", &ref) != SQLITE_OK)
		return NULL;
	const char *schema = data_file("schema.sql", NULL);
	for (int v = 1; schema && v <= count_migrations(schema); v++) {
		char *sql = migration_sql(schema, v);
		sqlite3_exec(ref, sql, NULL, NULL, NULL);
		free(sql);
	}
	return ref;
}

int store_schema_check(struct store *st, struct strbuf *report)
{
	sqlite3 *ref = reference_schema();
	if (!ref) {
		sb_add(report, "cannot build the reference schema in memory\n");
		return 1;
	}
	int problems = 0, have = user_version(st);
	if (have != store_schema_version()) {
		sb_addf(report, "schema version is %d, this shipdeck writes %d\n", have, store_schema_version());
		problems++;
	}
	sqlite3_stmt *s = NULL;
	sqlite3_prepare_v2(ref, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1, &s, NULL);
	while (s && sqlite3_step(s) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(s, 0);
		char *want = table_shape(ref, table), *got = table_shape(st->db, table);
		if (!*got) {
			sb_addf(report, "table %s is missing\n", table);
			problems++;
		} else if (strcmp(want, got) != 0) {
			sb_addf(report, "table %s has columns %s; expected %s\n", table, got, want);
			problems++;
		}
		free(want);
		free(got);
	}
	sqlite3_finalize(s);
	sqlite3_close(ref);
	return problems;
}
