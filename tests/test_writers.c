/* test_writers — pins issue 13's writers on a shared database: (1) twelve
 * snapshot processes started at once on a new database store each
 * inferred phase change once (15 events, hand-worked below; the race
 * stored up to 75); (2) a tick, a build import and a deployment record made
 * while `sync --full` is in the middle of its walk land at once, and the
 * sync still finishes: the walk holds no write lock. To be sure the writes
 * happen mid-walk, whatever the machine's load, the walk is paused at a
 * known commit: the test serves that commit's loose object through a named
 * pipe, so the sync blocks in open() until the test opens the pipe, and
 * the test checks in /proc that the sync is waiting there before and after
 * the writes (skipped with a reason where /proc does not say where a
 * process waits). bench/writers-during-sync.sh runs the same writes during
 * a `sync --full` of the 100 000-commit bench history (too slow to build
 * for the suite: about 90 s here). */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "util.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOW "--now=2026-03-01T00:00:00Z"

static char *tmp, *repo, *db;

static void setup(void)
{
	tmp = th_tmpdir();
	repo = xasprintf("%s/r", tmp);
	db = xasprintf("%s/team.db", tmp);
	th_sh(tmp, "mkdir r");
	cr_assert_eq(th_git(repo, "2026-01-01T00:00:00+0000", "init -q"), 0);
	cr_assert_eq(th_git(repo, "2026-01-01T00:00:00+0000", "commit -q --allow-empty -m init"), 0);
}

static void teardown(void)
{
	th_rmtree(tmp);
	free(tmp);
	free(repo);
	free(db);
}

TestSuite(writers, .init = setup, .fini = teardown, .timeout = 180);

static char *run_ok(const char *const *args)
{
	struct th_run r = th_shipdeck(tmp, NULL, args);
	cr_assert_eq(r.status, 0, "shipdeck %s %s %s: %s", args[0], args[1], args[2], r.err);
	cr_assert_str_eq(r.err, "", "stderr of shipdeck %s", args[4]);
	free(r.err);
	return r.out;
}

/* ---- phase events ------------------------------------------------------------------ */

/* Feature `name` on branch feat/name: its commit on day d, merged on d+1,
 * tagged tag on d+2 (dates 2026-01-DD). */
static void shipped_feature(const char *name, int d, const char *tag)
{
	char day[3][40];
	for (int i = 0; i < 3; i++)
		snprintf(day[i], sizeof day[i], "2026-01-%02dT00:00:00+0000", d + i);
	cr_assert_eq(th_git(repo, day[0], "checkout -q -b feat/%s main", name), 0);
	cr_assert_eq(th_git(repo, day[0], "commit -q --allow-empty -m 'work on %s'", name), 0);
	cr_assert_eq(th_git(repo, day[1], "checkout -q main"), 0);
	cr_assert_eq(th_git(repo, day[1], "merge -q --no-ff feat/%s -m 'Merge feat/%s'", name, name), 0);
	cr_assert_eq(th_git(repo, day[2], "tag -a %s -m %s", tag, tag), 0);
	char *branch = xasprintf("feat/%s", name);
	free(run_ok(ARGS("--repo", repo, "--db", db, "--now=2026-01-01T00:00:00Z", "feature", "add", name,
			 "--branch", branch)));
	free(branch);
}

/* The feature_events rows of an export of the database. */
static int exported_events(void)
{
	char *doc = run_ok(ARGS("--db", db, "export"));
	cJSON *root = cJSON_Parse(doc);
	cr_assert_not_null(root);
	int n = cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "tables"), "feature_events"));
	cJSON_Delete(root);
	free(doc);
	return n;
}

Test(writers, twelve_snapshots_at_once_store_each_phase_change_once)
{
	/* Three features, each created 01-01, worked on, merged and tagged
	 * (a: days 2-4, b: 5-7, c: 8-10). Each has five inferred changes:
	 * planning (created), development (its commit), testing (the merge:
	 * no builds), deployment (the tag) and shipped (a day after it) —
	 * 3 x 5 = 15 rows however many snapshots run at once. */
	shipped_feature("a", 2, "v1");
	shipped_feature("b", 5, "v2");
	shipped_feature("c", 8, "v3");
	cr_assert_eq(exported_events(), 0);
	enum { N = 12 };
	int pids[N];
	char *outs[N];
	for (int i = 0; i < N; i++) {
		outs[i] = xasprintf("%s/snap-%d.out", tmp, i);
		pids[i] = th_shipdeck_spawn(tmp, outs[i], ARGS("--repo", repo, "--db", db, NOW,
							   "snapshot", "--format", "json"));
	}
	for (int i = 0; i < N; i++) {
		int st = th_wait_status(pids[i]);
		char *out = read_file(outs[i], NULL);
		cr_assert_eq(st, 0, "snapshot %d: %s", i, out ? out : "");
		free(out);
		free(outs[i]);
	}
	cr_assert_eq(exported_events(), 15);
	/* and one more snapshot adds nothing */
	free(run_ok(ARGS("--repo", repo, "--db", db, NOW, "snapshot", "--format", "json")));
	cr_assert_eq(exported_events(), 15);
}

/* ---- writers during a walk ------------------------------------------------------------ */

/* Where process pid waits in the kernel ("" when /proc does not say). */
static void wchan_of(int pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/wchan", pid);
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
}

/* True once pid waits for the other end of a named pipe (its open() of
 * the pipe blocks until a writer comes); false after 60 s. */
static bool waits_on_fifo(int pid)
{
	char w[128];
	for (int i = 0; i < 1200; i++) {
		wchan_of(pid, w, sizeof w);
		if (streq(w, "wait_for_partner") || streq(w, "pipe_wait") || streq(w, "fifo_open"))
			return true;
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return false;
}

/* A commit on branch `slow` whose loose object becomes a named pipe: the
 * walk reads it last (after the deployments), and blocks there. Returns
 * the pipe's path. */
static char *pausing_commit(void)
{
	cr_assert_eq(th_git(repo, "2026-01-02T00:00:00+0000", "tag v1"), 0);
	cr_assert_eq(th_git(repo, "2026-01-02T00:00:00+0000", "repack -adq"), 0);
	cr_assert_eq(th_sh(repo, "GIT_CONFIG_NOSYSTEM=1 git -c user.name=T -c user.email=t@example.com "
			   "commit-tree -p HEAD -m slow HEAD^{tree} > .slow && git update-ref refs/heads/slow "
			   "$(cat .slow)"), 0);
	char *sha = th_rev(repo, "slow");
	char *obj = xasprintf("%s/.git/objects/%.2s/%s", repo, sha, sha + 2);
	cr_assert_eq(unlink(obj), 0);
	cr_assert_eq(mkfifo(obj, 0600), 0);
	free(sha);
	return obj;
}

Test(writers, a_tick_an_import_and_a_record_during_a_sync_walk_land_at_once)
{
	free(run_ok(ARGS("--repo", repo, "--db", db, NOW, "feature", "add", "Pause")));
	char *fifo = pausing_commit();
	char *runs = xasprintf("%s/runs.json", tmp);
	th_write(runs, "{\"workflow_runs\": [{\"id\": 7, \"run_attempt\": 1, \"name\": \"CI\","
		 " \"head_branch\": \"main\", \"head_sha\": \"0123456789abcdef0123456789abcdef01234567\","
		 " \"status\": \"completed\", \"conclusion\": \"success\","
		 " \"created_at\": \"2026-01-02T10:00:00Z\", \"run_started_at\": \"2026-01-02T10:00:00Z\","
		 " \"updated_at\": \"2026-01-02T10:05:00Z\"}]}");
	char *out = xasprintf("%s/sync.out", tmp);
	int sync = th_shipdeck_spawn(tmp, out, ARGS("--repo", repo, "--db", db, NOW, "sync", "--full"));
	if (!waits_on_fifo(sync)) {
		int fd = open(fifo, O_WRONLY | O_NONBLOCK);
		if (fd >= 0)
			close(fd);
		th_wait_status(sync);
		cr_skip("/proc/PID/wchan does not say where the sync waits: cannot pause it mid-walk");
	}
	/* The sync is paused inside its walk: each write must land now. */
	free(run_ok(ARGS("--repo", repo, "--db", db, NOW, "check", "1", "problem-data")));
	free(run_ok(ARGS("--repo", repo, "--db", db, NOW, "build", "import", runs)));
	free(run_ok(ARGS("--repo", repo, "--db", db, NOW, "deploy", "record", "v1", "--env", "staging")));
	cr_assert(waits_on_fifo(sync), "the sync must still be paused in its walk");
	int fd = open(fifo, O_WRONLY);
	cr_assert_geq(fd, 0);
	close(fd);
	int st = th_wait_status(sync);
	char *log = read_file(out, NULL);
	cr_assert_eq(st, 0, "sync: %s", log ? log : "");
	cr_assert(strstr(log, "read now"), "%s", log);
	free(log);
	char *doc = run_ok(ARGS("--db", db, "export"));
	cJSON *root = cJSON_Parse(doc);
	const cJSON *tables = cJSON_GetObjectItem(root, "tables");
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(tables, "checklist_items")), 1);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(tables, "builds")), 1);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(tables, "deployments")), 1);
	cJSON_Delete(root);
	free(doc);
	free(fifo);
	free(runs);
	free(out);
}
