/* helpers — temporary directories, git repositories and the shipdeck
 * binary, for tests that use real parts. */
#ifndef SD_TEST_HELPERS_H
#define SD_TEST_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

#include "files.h"

/* A fresh directory under $TMPDIR, removed by th_rmtree. */
char *th_tmpdir(void);
void th_rmtree(const char *dir);
/* Runs a shell command (sh -c) in dir; returns its exit status. */
int th_sh(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes a file. */
void th_write(const char *path, const char *text);

/* The result of running the shipdeck binary. */
struct th_run {
	int status;     /* exit status, or -1 */
	char *out;      /* stdout */
	char *err;      /* stderr */
};
/* Runs $SD_BIN with the arguments (a NULL-terminated list), stdin from
 * /dev/null (or stdin_file), HOME and XDG dirs pointed into home. */
struct th_run th_shipdeck(const char *home, const char *stdin_file, const char *const *args);
void th_run_free(struct th_run *r);
/* Starts $SD_BIN like th_shipdeck without waiting: stdout and stderr go to
 * out_path; returns the process id (wait with th_wait_status). */
int th_shipdeck_spawn(const char *home, const char *out_path, const char *const *args);
/* Waits for a process from th_shipdeck_spawn: its exit status, or -1. */
int th_wait_status(int pid);

/* Runs $SD_BIN as th_shipdeck with `--db db` before the arguments. */
struct th_run th_shipdeck_db(const char *home, const char *db, const char *const *args);

/* ---- the database file, read and written beside shipdeck -------------- */
/* The first column of every row of sql on the database file at path,
 * joined by "|": "NULL" for a NULL, "(no row)" for none, "(error: ...)"
 * when sql fails (malloc'd: a caller compares it with the answer it
 * worked out). */
char *th_sql_text(const char *path, const char *sql);
/* Runs sql on the file; 0, or -1 with sqlite's message on stderr. */
int th_sql_exec(const char *path, const char *sql);
/* Applies data/schema.sql's migrations 1..v by hand, as an older shipdeck
 * would have, and sets user_version to v; 0 or -1 (which migration failed
 * on stderr). */
int th_db_at_version(const char *path, int v);

/* git with a fixed identity and dates: `th_git(repo, "2026-01-02T10:00:00+0000", "commit ...")`. */
int th_git(const char *repo, const char *date, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Makes a repository with one commit on main; returns its path (in dir). */
char *th_make_repo(const char *dir, const char *name);
/* The full sha of a revision. */
char *th_rev(const char *repo, const char *rev);

#endif
