/* store_internal — shared by src/store*.c only: the SQLite handle and the
 * small statement helpers every table's file uses. */
#ifndef SD_STORE_INTERNAL_H
#define SD_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3 *db;
	char *path;
	bool readonly;
	bool no_write_access; /* readonly because the file is not ours to write */
	int tx_depth;
	char err[1024];
	const char **columns[16]; /* cached column lists of record tables */
	/* The service the records of this run belong to (--service, stamped
	 * by store_service_stamp), and whether it is the home service, whose
	 * records may also name none: a deployment is looked up within it. */
	char *run_service;
	bool run_service_home;
	/* statements kept prepared for the run (store_prepare_kept) */
	const char *kept_sql[8];
	sqlite3_stmt *kept[8];
};

/* Records sqlite's message (prefixed by what) as the store's error; returns -1. */
int store_fail(struct store *st, const char *what);
/* Prepares sql or records the error; NULL on failure. */
sqlite3_stmt *store_prepare(struct store *st, const char *sql);
/* store_prepare for a statement run once per record (a million in one
 * import): prepared the first time and kept until store_close, found again
 * by the address of sql (a string literal). Reset it after use with
 * sqlite3_reset, never finalize it. NULL on failure. */
sqlite3_stmt *store_prepare_kept(struct store *st, const char *sql);
/* Executes SQL with no results; 0 or -1. */
int store_exec(struct store *st, const char *sql);
/* Binds text or NULL. */
void store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Binds an int64, or NULL for SD_NO_TIME. */
void store_bind_time(sqlite3_stmt *s, int i, int64_t v);
/* Column as a malloc'd string, or NULL. */
char *store_col_text(sqlite3_stmt *s, int i);
/* Column as int64, or SD_NO_TIME when NULL. */
int64_t store_col_time(sqlite3_stmt *s, int i);

#endif
