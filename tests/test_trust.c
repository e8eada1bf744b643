/* test_trust — pins issue 13's "strange files", "the repository's config is
 * untrusted" and "no process left behind", with the real binary.
 * Strange files: a FIFO, a device and a directory given as the database
 * (to doctor, --read-only, a snapshot and a write), as the holidays file,
 * the config file, a CI export and an export are each refused at once with
 * one line naming the kind of file, exit 2 (doctor: 1), and nothing created
 * beside them (no "-journal" next to a device); a holidays file holding a
 * secret is reported by line number, the secret never printed; a time zone
 * naming a directory says so; a config over the 1 MiB cap is refused. Every
 * case runs under the suite's timeout, so a hang fails the test.
 * Repository config: a .shipdeck.json setting db, holidays, shared and
 * read_only gets one warning per key and none of them applies (`info` shows
 * the defaults), while window_days from the same file does; a relative db in
 * the user's config is beside that config, whatever the current directory
 * (the database appears there, not in the subfolder the command ran from).
 * No process left behind: a dashboard on a pseudo-terminal that is not its
 * controlling terminal (so closing it sends no SIGHUP) exits by itself
 * within 2 s of the terminal's closing, and the database takes a write at
 * once afterwards. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "util.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOW "--now=2026-11-26T11:00:00Z"

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

/* Every case is a command that used to hang (a FIFO) or to read without
 * bound (/dev/zero): the timeout turns a hang into a failure. */
TestSuite(trust, .init = setup, .fini = teardown, .timeout = 60);

static char *in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void expect_refusal(const struct th_run *r, int status, const char *what, const char *has)
{
	cr_assert_eq(r->status, status, "%s: exit %d\n%s%s", what, r->status, r->out, r->err);
	cr_assert_eq(count_lines(r->err), 1, "%s: one line wanted:\n%s", what, r->err);
	cr_assert(strstr(r->err, has), "%s: wanted '%s' in:\n%s", what, has, r->err);
}

static void write_user_config(const char *json)
{
	cr_assert_eq(th_sh(dir, "mkdir -p .config/shipdeck"), 0);
	char *path = in_dir(".config/shipdeck/config.json");
	th_write(path, json);
	free(path);
}

/* ---- strange files ------------------------------------------------------------------ */

/* A character device of our own (the same as /dev/zero) when root may make
 * one, so that a failing test cannot leave a file in /dev; /dev/null else. */
static char *a_device(void)
{
	char *dev = in_dir("zero");
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 5)) == 0)
		return dev;
	free(dev);
	return xstrdup("/dev/null");
}

Test(trust, database_that_is_not_a_regular_file_is_refused_before_sqlite)
{
	char *fifo = in_dir("fifo.db"), *dev = a_device(), *sub = in_dir("folder.db");
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert_eq(mkdir(sub, 0700), 0);
	const struct {
		const char *path, *kind;
	} cases[] = {{fifo, "is a FIFO"}, {dev, "is a device"}, {sub, "is a directory"}};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *p = cases[i].path;
		struct th_run r = th_shipdeck(dir, NULL, ARGS("--db", p, "--read-only", "--snapshot"));
		expect_refusal(&r, 2, p, cases[i].kind);
		th_run_free(&r);
		r = th_shipdeck(dir, NULL, ARGS("--db", p, NOW, "feature", "add", "X"));
		expect_refusal(&r, 2, p, cases[i].kind);
		th_run_free(&r);
		r = th_shipdeck(dir, NULL, ARGS("--db", p, "doctor"));
		cr_assert_eq(r.status, 1, "doctor %s: exit %d\n%s%s", p, r.status, r.out, r.err);
		cr_assert(strstr(r.out, cases[i].kind), "%s", r.out);
		/* copying a FIFO or a device aside is no advice */
		cr_assert_null(strstr(r.out, "cp "), "%s", r.out);
		th_run_free(&r);
		/* SQLite never ran: nothing beside the path (/dev/zero-journal as root) */
		static const char *const suffixes[] = {"-journal", "-wal", "-shm"};
		for (size_t k = 0; k < ARRAY_SIZE(suffixes); k++) {
			char *side = xasprintf("%s%s", p, suffixes[k]);
			struct stat sb;
			cr_assert_eq(lstat(side, &sb), -1, "%s was created", side);
			free(side);
		}
	}
	free(fifo);
	free(dev);
	free(sub);
}

Test(trust, holidays_file_that_is_strange_or_secret)
{
	char *fifo = in_dir("fifo"), *secret = in_dir("secret"), *dev = a_device();
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	th_write(secret, "SECRET-TOKEN-4242\n");
	const struct {
		const char *path, *has;
	} cases[] = {
		{fifo, "is a FIFO"}, {dev, "is a device"}, {dir, "is a directory"},
		/* the content is never quoted: told by its line */
		{secret, "line 1 is not a YYYY-MM-DD date"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *cfg = xasprintf("{\"holidays\": \"%s\"}", cases[i].path);
		write_user_config(cfg);
		struct th_run r = th_shipdeck(dir, NULL, ARGS(NOW, "window", "--at", "2026-11-26T11:00:00Z"));
		expect_refusal(&r, 2, cases[i].path, cases[i].has);
		cr_assert_null(strstr(r.err, "SECRET"), "%s", r.err);
		cr_assert_null(strstr(r.out, "SECRET"), "%s", r.out);
		th_run_free(&r);
		free(cfg);
	}
	/* A real holidays file still works, relative to the config that names
	 * it: 2026-11-26 is a holiday, so 11:00Z that day is a no-go. */
	char *hol = in_dir(".config/shipdeck/team-holidays.txt");
	th_write(hol, "# team days off\n2026-11-26\n");
	write_user_config("{\"holidays\": \"team-holidays.txt\"}");
	struct th_run r = th_shipdeck(dir, NULL, ARGS(NOW, "window", "--at", "2026-11-26T11:00:00Z",
						      "--json"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "holiday"), "%s", r.out);
	th_run_free(&r);
	free(hol);
	free(fifo);
	free(secret);
	free(dev);
}

Test(trust, small_files_have_a_cap)
{
	/* 1 MiB + 1 byte of JSON whitespace around an empty object */
	char *big = in_dir("big.json");
	FILE *f = fopen(big, "w");
	cr_assert(f);
	fputc('{', f);
	for (int i = 0; i < 1024 * 1024 - 1; i++)
		fputc(' ', f);
	fputc('}', f);
	fclose(f);
	struct th_run r = th_shipdeck(dir, NULL, ARGS("--config", big, "info"));
	expect_refusal(&r, 2, "big config", "is larger than 1 MiB");
	th_run_free(&r);
	free(big);
}

Test(trust, timezone_naming_a_directory_says_so)
{
	char *zones = in_dir("zoneinfo"), *europe = in_dir("zoneinfo/Europe");
	cr_assert_eq(mkdir(zones, 0700), 0);
	cr_assert_eq(mkdir(europe, 0700), 0);
	write_user_config("{\"timezone\": \"Europe\"}");
	setenv("TZDIR", zones, 1); /* th_shipdeck's child inherits it */
	struct th_run r = th_shipdeck(dir, NULL, ARGS(NOW, "window"));
	unsetenv("TZDIR");
	expect_refusal(&r, 2, "timezone", "a directory of zones, not a zone");
	cr_assert_null(strstr(r.err, "Input/output error"), "%s", r.err);
	th_run_free(&r);
	free(zones);
	free(europe);
}

Test(trust, config_ci_export_and_export_that_are_fifos)
{
	char *fifo = in_dir("fifo"), *db = in_dir("t.db");
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	struct th_run r = th_shipdeck(dir, NULL, ARGS("--config", fifo, "info"));
	expect_refusal(&r, 2, "config", "is a FIFO, not a regular file");
	th_run_free(&r);
	r = th_shipdeck(dir, NULL, ARGS("--db", db, NOW, "build", "import", fifo));
	expect_refusal(&r, 2, "build import", "is a FIFO, not a regular file");
	th_run_free(&r);
	r = th_shipdeck(dir, NULL, ARGS("--db", db, NOW, "import", dir));
	expect_refusal(&r, 2, "import", "is a directory, not a regular file");
	th_run_free(&r);
	/* "-" is still standard input (here /dev/null: an empty document) */
	r = th_shipdeck(dir, NULL, ARGS("--db", db, NOW, "import", "-"));
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert_null(strstr(r.err, "regular file"), "%s", r.err);
	th_run_free(&r);
	free(fifo);
	free(db);
}

/* ---- the repository's config ------------------------------------------------------- */

Test(trust, repository_config_may_not_name_files)
{
	char *repo = th_make_repo(dir, "app");
	char *cfg = xasprintf("%s/.shipdeck.json", repo), *sub = xasprintf("%s/sub", repo);
	char *secret = in_dir("secret");
	th_write(secret, "SECRET-TOKEN-4242\n");
	char *json = xasprintf("{\"db\": \"team.db\", \"holidays\": \"%s\", \"shared\": true, "
			       "\"read_only\": true, \"window_days\": 30}", secret);
	th_write(cfg, json);
	cr_assert_eq(mkdir(sub, 0700), 0);
	const char *const args[] = {"--repo", sub, "info", NULL};
	struct th_run r = th_shipdeck(dir, NULL, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(count_lines(r.err), 4, "one warning per key:\n%s", r.err);
	const char *keys[] = {"db: ignored", "holidays: ignored", "shared: ignored", "read_only: ignored"};
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		cr_assert(strstr(r.err, keys[i]), "%s", r.err);
	/* window_days describes the repository: it applies */
	cr_assert(strstr(r.out, "window_days                    30"), "%s", r.out);
	cr_assert(strstr(r.out, "db                             (unset)"), "%s", r.out);
	cr_assert(strstr(r.out, "shared                         false"), "%s", r.out);
	cr_assert(strstr(r.out, "read_only                      false"), "%s", r.out);
	cr_assert(strstr(r.out, "/.local/share/shipdeck/app-"), "%s", r.out);
	cr_assert_null(strstr(r.out, "SECRET"), "%s", r.out);
	th_run_free(&r);
	/* the same keys from the user's config apply */
	char *user = xasprintf("{\"window_days\": 20, \"shared\": true}");
	write_user_config(user);
	r = th_shipdeck(dir, NULL, args);
	cr_assert(strstr(r.out, "shared                         true"), "%s", r.out);
	th_run_free(&r);
	free(user);
	free(json);
	free(secret);
	free(sub);
	free(cfg);
	free(repo);
}

Test(trust, relative_db_in_user_config_is_beside_it)
{
	char *repo = th_make_repo(dir, "app");
	char *sub = xasprintf("%s/sub", repo);
	cr_assert_eq(mkdir(sub, 0700), 0);
	cr_assert_eq(th_sh(dir, "mkdir -p .config/shipdeck/data"), 0);
	write_user_config("{\"db\": \"data/team.db\"}");
	/* th_shipdeck runs in dir; --repo sub stands in for "from a subfolder" */
	const char *const add[] = {"--repo", sub, NOW, "feature", "add", "X", NULL};
	struct th_run r = th_shipdeck(dir, NULL, add);
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	char *want = in_dir(".config/shipdeck/data/team.db");
	struct stat sb;
	cr_assert_eq(stat(want, &sb), 0, "no database beside the config");
	cr_assert_eq(th_sh(dir, "test ! -e data/team.db && test ! -e '%s/data'", sub), 0,
		     "a database appeared relative to the current directory");
	/* the same from inside the subfolder, by the shell's current directory */
	cr_assert_eq(th_sh(sub, "HOME='%s' XDG_CONFIG_HOME='%s/.config' GIT_CONFIG_NOSYSTEM=1 '%s' "
			   "%s feature add Y >/dev/null 2>&1 && test ! -e data",
			   dir, dir, getenv("SD_BIN"), NOW), 0);
	r = th_shipdeck(dir, NULL, ARGS("--db", want, "feature", "list"));
	cr_assert(strstr(r.out, "X") && strstr(r.out, "Y"), "%s", r.out);
	th_run_free(&r);
	free(want);
	free(sub);
	free(repo);
}

/* ---- no process left behind --------------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Reads the terminal until the dashboard has drawn its status bar. */
static bool wait_for_screen(int master, const char *text, double secs, struct strbuf *seen)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (seconds_since(&t0) < secs) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		if (poll(&p, 1, 100) > 0) {
			char buf[4096];
			ssize_t n = read(master, buf, sizeof buf);
			if (n > 0)
				sb_addn(seen, buf, (size_t)n);
		}
		if (strstr(sb_str(seen), text))
			return true;
	}
	return false;
}

/* The child: a new session with the terminal as stdin/stdout/stderr but not
 * as its controlling terminal, as under `su` in a tmux window: when the
 * terminal goes, no SIGHUP comes. */
static void run_dashboard(int master, const char *pts, const char *db)
{
	close(master); /* the parent's close must be the last one */
	setsid();
	int fd = open(pts, O_RDWR | O_NOCTTY);
	if (fd < 0)
		_exit(126);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	setenv("TERM", "xterm", 1);
	setenv("HOME", dir, 1);
	setenv("XDG_CONFIG_HOME", dir, 1);
	execl(getenv("SD_BIN"), "shipdeck", "--db", db, "--no-sync", NOW, (char *)NULL);
	_exit(127);
}

Test(trust, dashboard_exits_when_its_terminal_goes_without_sighup)
{
	char *db = in_dir("t.db");
	struct th_run r = th_shipdeck(dir, NULL, ARGS("--db", db, NOW, "feature", "add", "Alpha"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	cr_assert(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
	char *pts = xstrdup(ptsname(master));
	pid_t pid = fork();
	if (pid == 0)
		run_dashboard(master, pts, db);
	struct strbuf seen = STRBUF_INIT;
	bool drawn = wait_for_screen(master, "Alpha", 15, &seen);
	close(master);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int st = 0;
	pid_t done = 0;
	while ((done = waitpid(pid, &st, WNOHANG)) == 0 && seconds_since(&t0) < 2.0)
		usleep(20000);
	double took = seconds_since(&t0);
	if (done == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	cr_assert(drawn, "the dashboard never drew its board:\n%s", sb_str(&seen));
	cr_assert_neq(done, 0, "still running 2 s after its terminal went away");
	cr_assert(WIFEXITED(st), "ended by signal %d, not by itself", WTERMSIG(st));
	cr_log_info("dashboard gone %.2f s after its terminal", took);
	/* and the database is free: a write goes through at once */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = th_shipdeck(dir, NULL, ARGS("--db", db, NOW, "feature", "add", "Beta"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(seconds_since(&t0) < 2.0, "the write waited for a lock");
	th_run_free(&r);
	sb_free(&seen);
	free(pts);
	free(db);
}
