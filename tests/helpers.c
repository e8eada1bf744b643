/* helpers — shared by every test file: real directories, real git, the real binary. */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "datafiles.h"
#include "util.h"

char *th_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/shipdeck-test-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		abort();
	}
	return tmpl;
}

void th_rmtree(const char *dir)
{
	if (dir && strstr(dir, "shipdeck-test-"))
		th_sh("/", "rm -rf '%s'", dir);
}

int th_sh(const char *dir, const char *fmt, ...)
{
	struct strbuf cmd = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_addf(&cmd, "cd '%s' && ", dir);
	sb_vaddf(&cmd, fmt, ap);
	va_end(ap);
	int st = system(sb_str(&cmd));
	sb_free(&cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void th_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		abort();
	}
	fputs(text, f);
	fclose(f);
}

static char *slurp_fd(int fd)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		sb_addn(&sb, buf, (size_t)n);
	return sb_detach(&sb);
}

static void child_env(const char *home)
{
	char *cfg = xasprintf("%s/.config", home);
	char *data = xasprintf("%s/.local/share", home);
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", cfg, 1);
	setenv("XDG_DATA_HOME", data, 1);
	unsetenv("NO_COLOR");
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
}

struct th_run th_shipdeck(const char *home, const char *stdin_file, const char *const *args)
{
	struct th_run r = {-1, NULL, NULL};
	const char *bin = getenv("SD_BIN");
	if (!bin)
		bin = "./shipdeck";
	char *outp = xasprintf("%s/.out.XXXXXX", home), *errp = xasprintf("%s/.err.XXXXXX", home);
	int ofd = mkstemp(outp), efd = mkstemp(errp);
	pid_t pid = fork();
	if (pid == 0) {
		int in = open(stdin_file ? stdin_file : "/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		child_env(home);
		if (chdir(home) != 0)
			_exit(126);
		int n = 0;
		while (args[n])
			n++;
		char **argv = xcalloc((size_t)n + 2, sizeof *argv);
		argv[0] = (char *)bin;
		for (int i = 0; i < n; i++)
			argv[i + 1] = (char *)args[i];
		execv(bin, argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	lseek(ofd, 0, SEEK_SET);
	lseek(efd, 0, SEEK_SET);
	r.out = slurp_fd(ofd);
	r.err = slurp_fd(efd);
	close(ofd);
	close(efd);
	unlink(outp);
	unlink(errp);
	free(outp);
	free(errp);
	return r;
}

int th_shipdeck_spawn(const char *home, const char *out_path, const char *const *args)
{
	const char *bin = getenv("SD_BIN");
	if (!bin)
		bin = "./shipdeck";
	pid_t pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(in, 0);
		dup2(out, 1);
		dup2(out, 2);
		child_env(home);
		if (chdir(home) != 0)
			_exit(126);
		int n = 0;
		while (args[n])
			n++;
		char **argv = xcalloc((size_t)n + 2, sizeof *argv);
		argv[0] = (char *)bin;
		for (int i = 0; i < n; i++)
			argv[i + 1] = (char *)args[i];
		execv(bin, argv);
		_exit(127);
	}
	return (int)pid;
}

int th_wait_status(int pid)
{
	int st;
	if (waitpid((pid_t)pid, &st, 0) != (pid_t)pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void th_run_free(struct th_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

int th_git(const char *repo, const char *date, const char *fmt, ...)
{
	struct strbuf cmd = STRBUF_INIT;
	sb_addf(&cmd, "GIT_CONFIG_NOSYSTEM=1 HOME='%s' GIT_AUTHOR_DATE='%s' GIT_COMMITTER_DATE='%s' "
		"git -c user.name=Tester -c user.email=t@example.com -c init.defaultBranch=main "
		"-c commit.gpgsign=false -c tag.gpgsign=false ", repo, date, date);
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&cmd, fmt, ap);
	va_end(ap);
	sb_add(&cmd, " >/dev/null 2>&1");
	int rc = th_sh(repo, "%s", sb_str(&cmd));
	sb_free(&cmd);
	return rc;
}

char *th_make_repo(const char *dir, const char *name)
{
	char *repo = xasprintf("%s/%s", dir, name);
	th_sh(dir, "mkdir -p '%s'", name);
	th_git(repo, "2026-01-01T10:00:00+0000", "init -q");
	th_sh(repo, "echo hello > README");
	th_git(repo, "2026-01-01T10:00:00+0000", "add README");
	th_git(repo, "2026-01-01T10:00:00+0000", "commit -q -m 'Initial commit'");
	return repo;
}

char *th_rev(const char *repo, const char *rev)
{
	char *cmd = xasprintf("git -C '%s' rev-parse '%s'", repo, rev);
	FILE *p = popen(cmd, "r");
	free(cmd);
	char buf[64] = "";
	if (p) {
		if (!fgets(buf, sizeof buf, p))
			buf[0] = '\0';
		pclose(p);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return xstrdup(buf);
}

struct th_run th_shipdeck_db(const char *home, const char *db, const char *const *args)
{
	int n = 0;
	while (args[n])
		n++;
	const char **all = xcalloc((size_t)n + 3, sizeof *all);
	all[0] = "--db";
	all[1] = db;
	for (int i = 0; i < n; i++)
		all[i + 2] = args[i];
	struct th_run r = th_shipdeck(home, NULL, all);
	free(all);
	return r;
}

char *th_sql_text(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s = NULL;
	struct strbuf sb = STRBUF_INIT;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		sb_addf(&sb, "(error: %s)", sqlite3_errmsg(db));
	} else {
		int rows = 0;
		while (sqlite3_step(s) == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(s, 0);
			sb_addf(&sb, "%s%s", rows++ ? "|" : "", t ? (const char *)t : "NULL");
		}
		if (!rows)
			sb_add(&sb, "(no row)");
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return sb_detach(&sb);
}
int th_sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;
	int rc = sqlite3_open(path, &db) == SQLITE_OK ? sqlite3_exec(db, sql, NULL, NULL, &err) : SQLITE_ERROR;
	if (rc != SQLITE_OK)
		fprintf(stderr, "%s: %s\n", sql, err ? err : sqlite3_errmsg(db));
	sqlite3_free(err);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

int th_db_at_version(const char *path, int v)
{
	const char *schema = data_file("schema.sql", NULL);
	for (int i = 1; i <= v; i++) {
		char marker[32];
		snprintf(marker, sizeof marker, "-- migration %d\n", i);
		const char *start = schema ? strstr(schema, marker) : NULL;
		if (!start) {
			fprintf(stderr, "schema.sql has no migration %d\n", i);
			return -1;
		}
		start += strlen(marker);
		const char *end = strstr(start, "-- migration ");
		char *sql = xstrndup(start, end ? (size_t)(end - start) : strlen(start));
		int rc = th_sql_exec(path, sql);
		free(sql);
		if (rc != 0) {
			fprintf(stderr, "migration %d failed\n", i);
			return -1;
		}
	}
	char pragma[48];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v);
	return th_sql_exec(path, pragma);
}
