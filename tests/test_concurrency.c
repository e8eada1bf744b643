/* test_concurrency — pins issue 8's "many users, one database": 8 writer
 * processes × 120 writes each (a third checklist ticks through `check`, a
 * third deployment records through `deploy record` of distinct commits with
 * --allow-future off, a third `build import`s of small distinct files)
 * against ONE database, while a ninth process runs the real binary's
 * `--snapshot --format json` over and over. Writers are forked children
 * that run the real binary for every eighth write and call the command
 * functions in-process for the others, each write with its own context and
 * connection exactly as one invocation would (960 spawns do not fit the
 * time budget on a 2-core machine, least of all under the sanitizers).
 * Pinned: no write fails (no "database is locked", no
 * stderr at all), every one of the 960 writes is in the database
 * afterwards (320 ticks, 320 deployments, 320 builds, each by its key),
 * every snapshot is valid JSON whose counts never go down from one
 * snapshot to the next and whose build conclusions add up to its build
 * count. Also: --shared creates the database 0660 whatever the umask, and
 * a symlink planted at the database path (dangling, or aimed at a victim
 * file) or at its -wal and -shm is never followed: one line of error naming
 * the link, the victim unchanged, nothing created at the link's target. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checklists.h"
#include "commands.h"
#include "context.h"
#include "datafiles.h"
#include "helpers.h"
#include "store_deploys.h"
#include "util.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOW "--now=2026-03-01T12:00:00Z"
#define WRITERS 8
/* 120, not more: the test must finish well within its timeout under the
 * sanitizers on a loaded 2-core machine (200 took ~150 s there). */
#define WRITES 120
#define FEATURES_PER_WRITER 4
/* Writes j = 0..119 of a writer: j % 3 == 0 ticks (40), 1 deploys (40), 2 builds (40). */
#define TICKS_PER_WRITER 40
#define DEPLOYS_PER_WRITER 40
#define BUILDS_PER_WRITER 40

static char *dir;

static void setup(void)
{
	dir = th_tmpdir();
	/* The in-process writers read the same environment the binary would. */
	char *cfg = xasprintf("%s/.config", dir), *data = xasprintf("%s/.local/share", dir);
	setenv("HOME", dir, 1);
	setenv("XDG_CONFIG_HOME", cfg, 1);
	setenv("XDG_DATA_HOME", data, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	free(cfg);
	free(data);
}

static void teardown(void)
{
	th_rmtree(dir);
	free(dir);
}

TestSuite(concurrency, .init = setup, .fini = teardown, .timeout = 150);

/* ---- running commands in-process (one context and connection per write) ---------- */

static int run_command(int argc, char **argv)
{
	struct ctx c;
	int cmd = ctx_init(&c, argc, argv), rc = 2;
	if (cmd >= 0 && cmd < argc)
		rc = cmd_dispatch(&c, argc - cmd, argv + cmd);
	ctx_free(&c);
	return rc;
}

/* Every eighth write of each writer runs the real binary, the others call
 * the command in-process: both kinds of process meet on one file, and the
 * test stays well under a minute even in the sanitizer build. */
static bool use_binary;

static int run_write(const char *const *args)
{
	if (use_binary) {
		struct th_run r = th_shipdeck(dir, NULL, args);
		if (*r.err)
			fputs(r.err, stderr);
		int rc = r.status;
		th_run_free(&r);
		return rc;
	}
	char *argv[32];
	int argc = 0;
	argv[argc++] = xstrdup("shipdeck");
	for (; args[argc - 1] && argc < 31; argc++)
		argv[argc] = xstrdup(args[argc - 1]);
	argv[argc] = NULL;
	int rc = run_command(argc, argv);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return rc;
}

/* ---- the repository: 540 commits made with one fast-import --------------------------- */

#define NCOMMITS (WRITERS * DEPLOYS_PER_WRITER + 4)

static char **make_commits(const char *repo)
{
	char *stream = xasprintf("%s/../stream", repo);
	FILE *f = fopen(stream, "w");
	cr_assert_not_null(f);
	for (int k = 1; k <= NCOMMITS; k++) {
		char msg[32];
		snprintf(msg, sizeof msg, "change %d", k);
		/* 2026-01-01T00:00:00Z = 1767225600, one commit a minute. */
		fprintf(f, "commit refs/heads/main\ncommitter T <t@example.com> %d +0000\n"
			"data %zu\n%s\n%s", 1767225600 + 60 * k, strlen(msg), msg,
			k == 1 ? "from refs/heads/main^0\n" : "");
		fprintf(f, "M 644 inline f\ndata %zu\n%s\n\n", strlen(msg), msg);
	}
	fclose(f);
	cr_assert_eq(th_sh(repo, "git fast-import --quiet < ../stream >/dev/null 2>&1"), 0);
	free(stream);
	char **shas = xcalloc(NCOMMITS, sizeof *shas);
	char *cmd = xasprintf("git -C '%s' rev-list --reverse main~%d..main", repo, NCOMMITS);
	FILE *p = popen(cmd, "r");
	free(cmd);
	char line[64];
	int n = 0;
	while (n < NCOMMITS && fgets(line, sizeof line, p)) {
		line[strcspn(line, "\n")] = '\0';
		shas[n++] = xstrdup(line);
	}
	pclose(p);
	cr_assert_eq(n, NCOMMITS);
	return shas;
}

/* ---- the writers --------------------------------------------------------------------------- */

struct plan {
	const char *repo, *db;
	char **shas;
	const char *items[32];   /* every item id of planning, predeploy, sprint */
	const char *kinds[32];
	size_t nitems;
};

static int writer(const struct plan *pl, int w)
{
	char user[32];
	snprintf(user, sizeof user, "writer%d", w);
	setenv("USER", user, 1);
	int failures = 0, tick = 0, deploy = 0, build = 0;
	for (int j = 0; j < WRITES; j++) {
		int rc;
		use_binary = j % 8 == 7;
		if (j % 3 == 0) {
			char feat[16];
			snprintf(feat, sizeof feat, "F%d-%zu", w, (size_t)tick / pl->nitems);
			size_t it = (size_t)tick % pl->nitems;
			rc = run_write(ARGS("--repo", pl->repo, "--db", pl->db, NOW, "check", feat,
						 pl->items[it], "--kind", pl->kinds[it]));
			tick++;
		} else if (j % 3 == 1) {
			int k = w * DEPLOYS_PER_WRITER + deploy++;
			/* Distinct times from 2026-02-01T00:00:00Z (1769904000), all before now. */
			int64_t t = 1769904000 + 60 * (int64_t)k;
			char iso[32];
			struct tm tm;
			time_t tt = (time_t)t;
			gmtime_r(&tt, &tm);
			strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
			rc = run_write(ARGS("--repo", pl->repo, "--db", pl->db, NOW, "deploy", "record",
						 pl->shas[k], "--env", "production", "--at", iso));
		} else {
			int id = 100000 + w * 1000 + build++;
			char *file = xasprintf("%s/run-%d.json", dir, id);
			char *json = xasprintf(
				"{\"total_count\":1,\"workflow_runs\":[{\"id\":%d,\"name\":\"CI\",\"run_attempt\":1,"
				"\"status\":\"completed\",\"conclusion\":\"%s\",\"head_branch\":\"main\","
				"\"head_sha\":\"%s\",\"created_at\":\"2026-02-10T10:00:00Z\","
				"\"run_started_at\":\"2026-02-10T10:00:00Z\",\"updated_at\":\"2026-02-10T10:0%d:00Z\"}]}",
				id, id % 5 ? "success" : "failure", pl->shas[id % NCOMMITS], 1 + id % 9);
			th_write(file, json);
			rc = run_write(ARGS("--repo", pl->repo, "--db", pl->db, NOW, "build", "import", file));
			free(json);
			free(file);
		}
		if (rc != 0) {
			fprintf(stderr, "writer %d: write %d failed with %d\n", w, j, rc);
			failures++;
		}
	}
	return failures ? 1 : 0;
}

/* ---- the reader ---------------------------------------------------------------------------- */

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* Checks one snapshot; returns a message or NULL. prev holds the counts
 * of the one before (builds, ticks, deployments). */
static char *check_snapshot(const char *json, double prev[3])
{
	cJSON *root = cJSON_Parse(json);
	if (!root)
		return xasprintf("not JSON: %.200s", json);
	char *why = NULL;
	const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
	const cJSON *builds = cJSON_GetObjectItemCaseSensitive(root, "builds");
	const cJSON *features = cJSON_GetObjectItemCaseSensitive(root, "features");
	const cJSON *deploys = cJSON_GetObjectItemCaseSensitive(root, "deployments");
	if (!cJSON_IsString(schema) || !streq(schema->valuestring, "shipdeck.snapshot/2") ||
	    !cJSON_IsObject(builds) || !cJSON_IsArray(features) || !cJSON_IsArray(deploys)) {
		why = xasprintf("not a whole snapshot: %.200s", json);
	} else {
		double count = num(builds, "count"), sum = 0, ticks = 0;
		const cJSON *c;
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(builds, "conclusions"))
			sum += cJSON_IsNumber(c) ? c->valuedouble : 0;
		const cJSON *f;
		cJSON_ArrayForEach(f, features) {
			ticks += num(cJSON_GetObjectItemCaseSensitive(f, "planning"), "done");
			ticks += num(cJSON_GetObjectItemCaseSensitive(f, "predeploy"), "done");
		}
		double now[3] = {count, ticks, (double)cJSON_GetArraySize(deploys)};
		if (sum != count)
			why = xasprintf("build conclusions add up to %g, the count says %g", sum, count);
		for (int i = 0; i < 3 && !why; i++)
			if (now[i] < prev[i])
				why = xasprintf("count %d went down from %g to %g", i, prev[i], now[i]);
		memcpy(prev, now, sizeof now);
	}
	cJSON_Delete(root);
	return why;
}

/* Snapshots until the stop file appears, then one more; writes the number
 * of snapshots or the first problem to report. */
static int reader(const struct plan *pl, const char *stop, const char *report)
{
	double prev[3] = {0, 0, 0};
	int n = 0;
	char *why = NULL;
	for (bool last = false; !why;) {
		last = access(stop, F_OK) == 0;
		struct th_run r = th_shipdeck(dir, NULL, ARGS("--repo", pl->repo, "--db", pl->db, NOW,
							      "--snapshot", "--format", "json"));
		if (r.status != 0 || *r.err)
			why = xasprintf("snapshot %d: exit %d: %s", n, r.status, r.err);
		else
			why = check_snapshot(r.out, prev);
		th_run_free(&r);
		n++;
		if (last)
			break;
		usleep(20000); /* leave the writers most of the machine */
	}
	char *text = why ? xasprintf("FAIL %s\n", why) : xasprintf("OK %d\n", n);
	th_write(report, text);
	free(text);
	int rc = why ? 1 : 0;
	free(why);
	return rc;
}

/* ---- the test --------------------------------------------------------------------------------- */

static pid_t spawn(int (*fn)(const struct plan *, int), const struct plan *pl, int w, const char *errfile)
{
	fflush(NULL);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		int out = open("/dev/null", O_WRONLY), err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(out, 1);
		dup2(err, 2);
		_exit(fn(pl, w));
	}
	return pid;
}

static const struct plan *reader_plan;
static char *reader_stop, *reader_report;
static int run_reader(const struct plan *pl, int w)
{
	(void)w;
	return reader(pl, reader_stop, reader_report);
}

static cJSON *table(cJSON *doc, const char *name)
{
	cJSON *t = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "tables"), name);
	cr_assert(cJSON_IsArray(t), "no table %s", name);
	return t;
}

static bool has_row(cJSON *t, const char *k1, const char *v1, const char *k2, double v2)
{
	cJSON *row;
	cJSON_ArrayForEach(row, t) {
		cJSON *a = cJSON_GetObjectItem(row, k1), *b = k2 ? cJSON_GetObjectItem(row, k2) : NULL;
		if (cJSON_IsString(a) && streq(a->valuestring, v1) && (!k2 || (cJSON_IsNumber(b) && b->valuedouble == v2)))
			return true;
	}
	return false;
}

Test(concurrency, eight_writers_and_a_reader_lose_nothing)
{
	char *repo = th_make_repo(dir, "r"), *db = xasprintf("%s/team.db", dir);
	char **shas = make_commits(repo);
	struct plan pl = {.repo = repo, .db = db, .shas = shas};
	struct checklists cl;
	memset(&cl, 0, sizeof cl);
	char why[256];
	cr_assert(checklists_load(&cl, data_file("checklists.json", NULL), why, sizeof why), "%s", why);
	const enum checklist_kind kinds[] = {CHECKLIST_PLANNING, CHECKLIST_PREDEPLOY, CHECKLIST_SPRINT};
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		const struct checklist *l = checklist_of(&cl, kinds[k]);
		for (size_t i = 0; i < l->n && pl.nitems < ARRAY_SIZE(pl.items); i++) {
			pl.items[pl.nitems] = l->items[i].id;
			pl.kinds[pl.nitems++] = checklist_kind_id(kinds[k]);
		}
	}
	cr_assert_geq(pl.nitems * FEATURES_PER_WRITER, (size_t)TICKS_PER_WRITER);
	fflush(stdout);
	int saved = dup(1), null = open("/dev/null", O_WRONLY);
	dup2(null, 1); /* "added feature ..." 32 times is noise in the test log */
	for (int w = 0; w < WRITERS; w++)
		for (int f = 0; f < FEATURES_PER_WRITER; f++) {
			char key[16], title[32];
			snprintf(key, sizeof key, "F%d-%d", w, f);
			snprintf(title, sizeof title, "Feature %d of writer %d", f, w);
			cr_assert_eq(run_write(ARGS("--repo", repo, "--db", db, NOW, "feature", "add", title,
							 "--key", key)), 0);
		}
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(null);

	reader_plan = &pl;
	reader_stop = xasprintf("%s/stop", dir);
	reader_report = xasprintf("%s/reader.report", dir);
	char *rerr = xasprintf("%s/reader.err", dir);
	pid_t rpid = spawn(run_reader, &pl, 0, rerr);
	pid_t pids[WRITERS];
	char *errs[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		errs[w] = xasprintf("%s/writer%d.err", dir, w);
		pids[w] = spawn(writer, &pl, w, errs[w]);
	}
	for (int w = 0; w < WRITERS; w++) {
		int st;
		cr_assert_eq(waitpid(pids[w], &st, 0), pids[w]);
		char *err = read_file(errs[w], NULL);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d: %s", w, err ? err : "");
		cr_assert_str_empty(err, "writer %d wrote to stderr: %s", w, err);
		free(err);
		free(errs[w]);
	}
	th_write(reader_stop, "");
	int st;
	cr_assert_eq(waitpid(rpid, &st, 0), rpid);
	char *report = read_file(reader_report, NULL);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "reader: %s", report ? report : "(no report)");
	int nsnap = 0;
	cr_assert(report && sscanf(report, "OK %d", &nsnap) == 1 && nsnap >= 2, "reader: %s", report);
	cr_log_info("the reader checked %d snapshots during the writes", nsnap);
	free(report);

	/* Every write is there, by its key. */
	struct th_run e = th_shipdeck(dir, NULL, ARGS("--db", db, NOW, "export"));
	cr_assert_eq(e.status, 0, "%s", e.err);
	cJSON *doc = cJSON_Parse(e.out);
	cr_assert_not_null(doc);
	cJSON *ticks = table(doc, "checklist_items"), *deps = table(doc, "deployments"),
	      *builds = table(doc, "builds");
	cr_assert_eq(cJSON_GetArraySize(ticks), WRITERS * TICKS_PER_WRITER);     /* 8 × 40 = 320 */
	cr_assert_eq(cJSON_GetArraySize(deps), WRITERS * DEPLOYS_PER_WRITER);    /* 8 × 40 = 320 */
	cr_assert_eq(cJSON_GetArraySize(builds), WRITERS * BUILDS_PER_WRITER);   /* 8 × 40 = 320 */
	for (int k = 0; k < WRITERS * DEPLOYS_PER_WRITER; k++)
		cr_assert(has_row(deps, "commit_sha", shas[k], NULL, 0), "deployment of commit %d lost", k);
	for (int w = 0; w < WRITERS; w++)
		for (int b = 0; b < BUILDS_PER_WRITER; b++) {
			char id[16];
			snprintf(id, sizeof id, "%d", 100000 + w * 1000 + b);
			cr_assert(has_row(builds, "run_id", id, NULL, 0), "build %s lost", id);
		}
	cJSON *row;
	int by_writer[WRITERS] = {0};
	cJSON_ArrayForEach(row, ticks) {
		cJSON *by = cJSON_GetObjectItem(row, "by");
		int w;
		cr_assert(cJSON_IsString(by) && sscanf(by->valuestring, "writer%d", &w) == 1 && w >= 0 &&
			  w < WRITERS);
		by_writer[w]++;
	}
	for (int w = 0; w < WRITERS; w++)
		cr_assert_eq(by_writer[w], TICKS_PER_WRITER, "writer %d has %d ticks", w, by_writer[w]);
	cJSON_Delete(doc);
	th_run_free(&e);

	checklists_free(&cl);
	for (int k = 0; k < NCOMMITS; k++)
		free(shas[k]);
	free(shas);
	free(rerr);
	free(reader_stop);
	free(reader_report);
	free(db);
	free(repo);
}

/* ---- shared databases --------------------------------------------------------------------- */

Test(concurrency, shared_database_is_0660_whatever_the_umask)
{
	char *db = xasprintf("%s/team.db", dir), *priv = xasprintf("%s/mine.db", dir);
	mode_t old = umask(077); /* the strictest a user might have */
	struct th_run r = th_shipdeck(dir, NULL, ARGS("--shared", "--db", db, NOW, "feature", "add", "X"));
	struct th_run p = th_shipdeck(dir, NULL, ARGS("--db", priv, NOW, "feature", "add", "X"));
	umask(old);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(p.status, 0, "%s", p.err);
	struct stat sb;
	cr_assert_eq(stat(db, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0660, "shared database mode %o", sb.st_mode & 07777);
	cr_assert_eq(stat(priv, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0600, "private database mode %o", sb.st_mode & 07777);
	th_run_free(&r);
	th_run_free(&p);
	free(db);
	free(priv);
}

Test(concurrency, symlink_at_the_database_path_is_not_followed)
{
	/* A shared directory (sticky, world-writable like /tmp) where someone
	 * planted links where the team's database will go. */
	char *shared = xasprintf("%s/shared", dir);
	cr_assert_eq(mkdir(shared, 01777), 0);
	char *victim = xasprintf("%s/victim.txt", dir), *db = xasprintf("%s/team.db", shared);
	char *target = xasprintf("%s/created-by-attacker.db", dir), *db2 = xasprintf("%s/dangling.db", shared);
	th_write(victim, "precious\n");
	cr_assert_eq(symlink(victim, db), 0);
	cr_assert_eq(symlink(target, db2), 0);
	/* A real team database whose -wal and -shm are links to the victim:
	 * SQLite would write pages there. */
	char *db3 = xasprintf("%s/real.db", shared), *wal = xasprintf("%s-wal", db3),
	     *shm = xasprintf("%s-shm", db3);
	struct th_run made = th_shipdeck(dir, NULL, ARGS("--shared", "--db", db3, NOW, "feature", "add", "A"));
	cr_assert_eq(made.status, 0, "%s", made.err);
	th_run_free(&made);
	/* a team database keeps its -wal and -shm: the attacker replaces them */
	cr_assert_eq(unlink(wal), 0);
	cr_assert_eq(unlink(shm), 0);
	cr_assert_eq(symlink(victim, wal), 0);
	cr_assert_eq(symlink(victim, shm), 0);

	const char *const cases[][3] = {
		{db, db, "aimed at a file"}, {db2, db2, "dangling"}, {db3, wal, "-wal and -shm links"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct th_run r = th_shipdeck(dir, NULL, ARGS("--shared", "--db", cases[i][0], NOW,
							      "feature", "add", "X"));
		cr_assert_eq(r.status, 2, "%s: exit %d: %s%s", cases[i][2], r.status, r.out, r.err);
		size_t lines = 0;
		for (const char *s = r.err; *s; s++)
			lines += *s == '\n';
		cr_assert_eq(lines, 1, "%s: %s", cases[i][2], r.err);
		cr_assert(strstr(r.err, "is a symbolic link"), "%s: %s", cases[i][2], r.err);
		th_run_free(&r);
		struct stat sb;
		cr_assert_eq(lstat(cases[i][1], &sb), 0);
		cr_assert(S_ISLNK(sb.st_mode), "%s: the link was replaced", cases[i][2]);
	}
	char *v = read_file(victim, NULL);
	cr_assert_str_eq(v, "precious\n");
	free(v);
	struct stat sb;
	cr_assert_eq(stat(target, &sb), -1, "a file was created through the dangling link");
	cr_assert_eq(errno, ENOENT);
	/* Nothing beside the links and the real database either. */
	cr_assert_eq(th_sh(shared, "test $(ls -A | wc -l) -eq 5"), 0);
	free(db3);
	free(wal);
	free(shm);
	free(victim);
	free(db);
	free(target);
	free(db2);
	free(shared);
}
