/* test_cache — pins issue 13's "the cache is never stale": whatever changes
 * what history the scan can see, the next incremental run of the real
 * binary prints byte for byte the JSON snapshot that a cold sync
 * on a new database prints. The new database holds the same release records
 * (export, then import: import empties the git cache), so the only
 * difference between the two runs is the cache. Cases, each on repositories
 * built at test time with the git CLI: a shallow clone deepened and then
 * unshallowed (recorded deployments below the old cut), a fetch that brings
 * a recorded deployment's commit (by id, so no ref moves, then a plain
 * fetch), a history grafted (`git replace --graft`, `.git/info/grafts`) or
 * a commit replaced (`git replace`) and the graft or replacement removed
 * again, a changed deploy pattern, and recorded deployments added, marked
 * failed and moved in time. Each case also checks by hand-worked counts
 * that the change is really seen (so the comparison cannot pass by both
 * runs ignoring it): JSON "changes" of a deployment counts its shipped
 * commits with at most one parent, and the first deployment counts 0
 * (docs/metrics.md §1). Commit i of a linear history is dated
 * 2026-01-i 00:00 UTC. Every case also runs a warm snapshot (nothing new)
 * after the incremental one: it must print the same (issue 17: a warm start
 * reads per-deployment change counts and the changes of the deployments
 * near the window only), and the window's edges are walked deployment by
 * deployment (a_warm_start_at_every_window_edge_gives_what_a_cold_sync_gives). */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "util.h"

#define NOW "--now=2026-03-01T00:00:00Z"

static char *tmp;
static int ndb;

static void setup(void)
{
	tmp = th_tmpdir();
	ndb = 0;
}

static void teardown(void)
{
	th_rmtree(tmp);
	free(tmp);
}

TestSuite(cache, .init = setup, .fini = teardown, .timeout = 120);

/* ---- running the binary -------------------------------------------------------- */

/* Runs shipdeck with args (NULL-terminated) and returns its stdout; the
 * run must succeed. */
static char *run_ok(const char *const *args)
{
	struct th_run r = th_shipdeck(tmp, NULL, args);
	cr_assert_eq(r.status, 0, "shipdeck %s %s: %s", args[0], args[1], r.err);
	free(r.err);
	return r.out;
}

/* One snapshot run, with the deploy pattern tags (NULL: the default). */
static char *snapshot_as(const char *repo, const char *db, const char *tags, const char *format)
{
	if (!tags)
		return run_ok((const char *const[]){"--repo", repo, "--db", db, NOW,
						    "snapshot", "--format", format, NULL});
	return run_ok((const char *const[]){"--repo", repo, "--db", db, NOW, "--deploy-tags", tags,
					    "snapshot", "--format", format, NULL});
}

/* What a user compares: the JSON snapshot, which holds every figure, note
 * and deployment the text one shows (both render one model). */
static char *snapshot(const char *repo, const char *db, const char *tags)
{
	return snapshot_as(repo, db, tags, "json");
}

/* The same snapshot from a new database with db's records: a cold sync. */
static char *cold_snapshot(const char *repo, const char *db, const char *tags)
{
	char *doc = run_ok((const char *const[]){"--db", db, "export", NULL});
	char *file = xasprintf("%s/export-%d.json", tmp, ndb);
	char *fresh = xasprintf("%s/cold-%d.db", tmp, ndb++);
	th_write(file, doc);
	free(run_ok((const char *const[]){"--db", fresh, "import", file, NULL}));
	char *snap = snapshot(repo, fresh, tags);
	free(doc);
	free(file);
	free(fresh);
	return snap;
}

/* The incremental snapshot (returned) must equal the cold one, byte for
 * byte, and so must the warm one that follows (nothing new: it reads the
 * cache's counts and only the changes near the window, issue 17). */
static char *assert_as_cold(const char *repo, const char *db, const char *tags)
{
	char *inc = snapshot(repo, db, tags);
	char *warm = snapshot(repo, db, tags);
	char *cold = cold_snapshot(repo, db, tags);
	cr_assert_str_eq(inc, cold, "incremental and cold snapshots differ");
	cr_assert_str_eq(warm, cold, "warm and cold snapshots differ");
	free(cold);
	free(warm);
	return inc;
}

/* The JSON "changes" of the deployment whose commit (or ref) is key, from
 * a snapshot(); -1 when there is no such deployment. */
static int changes_of(const char *snap, const char *key)
{
	cJSON *root = cJSON_Parse(snap);
	cr_assert_not_null(root);
	int n = -1;
	const cJSON *d;
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(root, "deployments")) {
		const char *commit = cJSON_GetStringValue(cJSON_GetObjectItem(d, "commit"));
		const char *ref = cJSON_GetStringValue(cJSON_GetObjectItem(d, "ref"));
		if ((commit && streq(commit, key)) || (ref && streq(ref, key)))
			n = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(d, "changes"));
	}
	cJSON_Delete(root);
	return n;
}

/* ---- repositories ----------------------------------------------------------------- */

/* A repository in tmp/name with commits 1..n on main, commit i dated
 * 2026-01-i; shas[i] is commit i's id (shas[0] unused). */
static char *linear_repo(const char *name, int n, char **shas)
{
	char *repo = xasprintf("%s/%s", tmp, name);
	th_sh(tmp, "mkdir %s", name);
	cr_assert_eq(th_git(repo, "2026-01-01T00:00:00+0000", "init -q"), 0);
	for (int i = 1; i <= n; i++) {
		char date[40];
		snprintf(date, sizeof date, "2026-01-%02dT00:00:00+0000", i);
		cr_assert_eq(th_git(repo, date, "commit -q --allow-empty -m 'commit %d'", i), 0);
		shas[i] = th_rev(repo, "HEAD");
	}
	return repo;
}

static void free_shas(char **shas, int n)
{
	for (int i = 0; i <= n; i++)
		free(shas[i]);
}

/* Records a production deployment of sha (resolved in src) at the ISO time. */
static void record(const char *src, const char *db, const char *sha, const char *at)
{
	free(run_ok((const char *const[]){"--repo", src, "--db", db, NOW, "deploy", "record", sha,
					  "--env", "production", "--at", at, NULL}));
}

/* ---- the shallow cut moves -------------------------------------------------------- */

Test(cache, deepening_and_unshallowing_give_what_a_cold_sync_gives)
{
	/* Source: commits 1..30, tag v30 on 30; records of commits 5 (01-05
	 * 12:00) and 10 (01-10 12:00). Order: record 5, record 10, v30 — the
	 * same before and after every fetch, and no ref moves, so only the
	 * shallow cut tells the cache what changed.
	 * depth 5 (26..30): both records' commits absent, ship nothing;
	 *   v30 ships 26..30 = 5 (record 5 is the first deployment).
	 * deepen 10 (16..30): v30 ships 16..30 = 15.
	 * unshallow: record 5 ships 1..5 (first: 0), record 10 ships 6..10 = 5,
	 *   v30 ships 11..30 = 20. */
	char *c[31] = {0};
	char *src = linear_repo("src", 30, c);
	cr_assert_eq(th_git(src, "2026-01-30T00:00:00+0000", "tag v30"), 0);
	char *db = xasprintf("%s/team.db", tmp);
	record(src, db, c[5], "2026-01-05T12:00:00Z");
	record(src, db, c[10], "2026-01-10T12:00:00Z");
	cr_assert_eq(th_sh(tmp, "git clone -q --depth 5 'file://%s' clone 2>/dev/null", src), 0);
	char *clone = xasprintf("%s/clone", tmp);

	char *snap = assert_as_cold(clone, db, NULL);
	cr_assert_eq(changes_of(snap, "v30"), 5);
	cr_assert_eq(changes_of(snap, c[10]), 0);
	cr_assert(strstr(snap, "is not in the repository"));
	free(snap);

	cr_assert_eq(th_sh(clone, "git fetch -q --deepen 10 2>/dev/null"), 0);
	snap = assert_as_cold(clone, db, NULL);
	cr_assert_eq(changes_of(snap, "v30"), 15);
	free(snap);

	cr_assert_eq(th_sh(clone, "git fetch -q --unshallow 2>/dev/null"), 0);
	snap = assert_as_cold(clone, db, NULL);
	cr_assert_eq(changes_of(snap, "v30"), 20);
	cr_assert_eq(changes_of(snap, c[10]), 5);
	cr_assert_eq(changes_of(snap, c[5]), 0);
	cr_assert_null(strstr(snap, "is not in the repository"));
	cr_assert_null(strstr(snap, "shallow clone"));
	free(snap);
	free_shas(c, 30);
	free(src);
	free(clone);
	free(db);
}

/* ---- a recorded deployment's commit arrives --------------------------------------- */

Test(cache, a_fetch_that_brings_a_recorded_commit_gives_what_a_cold_sync_gives)
{
	/* Clone of 1..3 (tag v1 on 2). Then the source gets 4 and 5, and a
	 * record of 4 (01-04 12:00) is made from the source: in the clone it
	 * ships nothing. Fetching 4 by id moves no ref; after it the record
	 * ships 3 and 4 = 2 (v1, the first, counts 0). A plain fetch then
	 * brings 5 (origin/main moves): unshipped, the record still ships 2. */
	char *c[6] = {0};
	char *src = linear_repo("src", 3, c);
	cr_assert_eq(th_git(src, "2026-01-02T00:00:00+0000", "tag v1 HEAD~1"), 0);
	cr_assert_eq(th_sh(tmp, "git clone -q 'file://%s' clone 2>/dev/null", src), 0);
	char *clone = xasprintf("%s/clone", tmp);
	for (int i = 4; i <= 5; i++) {
		char date[40];
		snprintf(date, sizeof date, "2026-01-%02dT00:00:00+0000", i);
		cr_assert_eq(th_git(src, date, "commit -q --allow-empty -m 'commit %d'", i), 0);
		c[i] = th_rev(src, "HEAD");
	}
	char *db = xasprintf("%s/team.db", tmp);
	record(src, db, c[4], "2026-01-04T12:00:00Z");

	char *snap = assert_as_cold(clone, db, NULL);
	cr_assert_eq(changes_of(snap, c[4]), 0);
	cr_assert(strstr(snap, "is not in the repository"));
	free(snap);

	cr_assert_eq(th_sh(clone, "git fetch -q origin %s 2>/dev/null", c[4]), 0);
	char *main_before = th_rev(clone, "origin/main");
	cr_assert_str_eq(main_before, c[3], "the fetch by id must move no ref");
	free(main_before);
	snap = assert_as_cold(clone, db, NULL);
	cr_assert_eq(changes_of(snap, c[4]), 2);
	cr_assert_null(strstr(snap, "is not in the repository"));
	free(snap);

	cr_assert_eq(th_sh(clone, "git fetch -q 2>/dev/null"), 0);
	snap = assert_as_cold(clone, db, NULL);
	cr_assert_eq(changes_of(snap, c[4]), 2);
	free(snap);
	free_shas(c, 5);
	free(src);
	free(clone);
	free(db);
}

/* ---- grafts and replacements ------------------------------------------------------ */

/* `git commit-tree` dated date with the given arguments: the new commit's id. */
static char *commit_tree(const char *repo, const char *date, const char *args)
{
	cr_assert_eq(th_sh(repo, "GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE='%s' GIT_COMMITTER_DATE='%s' "
			   "git -c user.name=Tester -c user.email=t@example.com commit-tree %s > .made",
			   date, date, args), 0);
	char *path = xasprintf("%s/.made", repo);
	char *id = read_file(path, NULL);
	cr_assert_not_null(id);
	id[strcspn(id, "\n")] = '\0';
	cr_assert_eq(strlen(id), 40);
	unlink(path);
	free(path);
	return id;
}

/* Commits 1..4, v1 on 2, v2 on 4, and an orphan commit dated 2025-12-20
 * that no ref reaches: v2 ships 3 and 4 = 2. Returns the orphan's id. */
static char *graft_fixture(const char *repo, char **c)
{
	cr_assert_eq(th_git(repo, "2026-01-02T00:00:00+0000", "tag v1 %s", c[2]), 0);
	cr_assert_eq(th_git(repo, "2026-01-04T00:00:00+0000", "tag v2 %s", c[4]), 0);
	char *args = xasprintf("-m orphan %s^{tree}", c[1]);
	char *orphan = commit_tree(repo, "2025-12-20T00:00:00+0000", args);
	free(args);
	return orphan;
}

Test(cache, a_grafted_history_gives_what_a_cold_sync_gives)
{
	/* `git replace --graft 3 orphan`: 3's parent is the orphan, so v2
	 * ships 3, 4 and the orphan = 3; deleting the replacement gives 2
	 * again. The same graft written in .git/info/grafts: 3, then 2 once
	 * the file is gone. */
	char *c[5] = {0};
	char *repo = linear_repo("r", 4, c);
	char *orphan = graft_fixture(repo, c);
	char *db = xasprintf("%s/team.db", tmp);
	char *snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, "v2"), 2);
	free(snap);

	cr_assert_eq(th_git(repo, "2026-02-01T00:00:00+0000", "replace --graft %s %s", c[3], orphan), 0);
	snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, "v2"), 3);
	free(snap);
	cr_assert_eq(th_git(repo, "2026-02-01T00:00:00+0000", "replace -d %s", c[3]), 0);
	snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, "v2"), 2);
	free(snap);

	char *grafts = xasprintf("%s/.git/info/grafts", repo);
	char *line = xasprintf("%s %s\n", c[3], orphan);
	th_sh(repo, "mkdir -p .git/info");
	th_write(grafts, line);
	snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, "v2"), 3);
	free(snap);
	unlink(grafts);
	snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, "v2"), 2);
	free(snap);
	free(grafts);
	free(line);
	free(orphan);
	free_shas(c, 4);
	free(repo);
	free(db);
}

Test(cache, a_replaced_commit_gives_what_a_cold_sync_gives)
{
	/* `git replace 3 X` where X is "commit 3 bis", authored 2025-12-25,
	 * whose parent is the orphan: v2 (01-04) ships 3 (read as X), 4 and
	 * the orphan = 3, and 3's lead time is now from 12-25. */
	char *c[5] = {0};
	char *repo = linear_repo("r", 4, c);
	char *orphan = graft_fixture(repo, c);
	char *db = xasprintf("%s/team.db", tmp);
	free(assert_as_cold(repo, db, NULL));
	char *args = xasprintf("-p %s -m 'commit 3 bis' %s^{tree}", orphan, c[3]);
	char *bis = commit_tree(repo, "2025-12-25T00:00:00+0000", args);
	cr_assert_eq(th_git(repo, "2026-02-01T00:00:00+0000", "replace %s %s", c[3], bis), 0);
	free(args);
	free(bis);
	char *snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, "v2"), 3);
	free(snap);
	cr_assert_eq(th_git(repo, "2026-02-01T00:00:00+0000", "replace -d %s", c[3]), 0);
	snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, "v2"), 2);
	free(snap);
	free(orphan);
	free_shas(c, 4);
	free(repo);
	free(db);
}

/* ---- the pattern and the records ---------------------------------------------------- */

Test(cache, a_changed_pattern_gives_what_a_cold_sync_gives)
{
	/* v1.0-rc1 on 2, v1.0 on 3, v1.1 on 5. Default pattern (no rc): v1.0
	 * first (0), v1.1 ships 4 and 5 = 2. 'v*': v1.0-rc1 first, v1.0
	 * ships 3 = 1, v1.1 = 2. 'v1.1': one deployment, 0. */
	char *c[6] = {0};
	char *repo = linear_repo("r", 5, c);
	cr_assert_eq(th_git(repo, "2026-01-02T00:00:00+0000", "tag v1.0-rc1 %s", c[2]), 0);
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "tag v1.0 %s", c[3]), 0);
	cr_assert_eq(th_git(repo, "2026-01-05T00:00:00+0000", "tag v1.1 %s", c[5]), 0);
	char *db = xasprintf("%s/team.db", tmp);
	char *snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, "v1.1"), 2);
	cr_assert_eq(changes_of(snap, "v1.0-rc1"), -1);
	free(snap);
	snap = assert_as_cold(repo, db, "v*");
	cr_assert_eq(changes_of(snap, "v1.0"), 1);
	cr_assert_eq(changes_of(snap, "v1.1"), 2);
	free(snap);
	snap = assert_as_cold(repo, db, "v1.1");
	cr_assert_eq(changes_of(snap, "v1.1"), 0);
	free(snap);
	snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, "v1.1"), 2);
	free(snap);
	free_shas(c, 5);
	free(repo);
	free(db);
}

Test(cache, changed_records_give_what_a_cold_sync_gives)
{
	/* v1 on 2, v2 on 6. A record of 4 (01-04 12:00) splits v2: it ships
	 * 3, 4 = 2 and v2 ships 5, 6 = 2. Marked failed: the same split.
	 * A record of v1's commit at 01-05 12:00, with the record of 4 between
	 * it and v1's tag, is a redeployment of its own (docs/metrics.md §3b):
	 * v1 keeps its time and ships 1, 2 (first: 0), the record of 4 still
	 * ships 3, 4 = 2, the redeployment ships nothing and rolls the record
	 * of 4 back, v2 ships 5, 6 = 2. */
	char *c[7] = {0};
	char *repo = linear_repo("r", 6, c);
	cr_assert_eq(th_git(repo, "2026-01-02T00:00:00+0000", "tag v1 %s", c[2]), 0);
	cr_assert_eq(th_git(repo, "2026-01-06T00:00:00+0000", "tag v2 %s", c[6]), 0);
	char *db = xasprintf("%s/team.db", tmp);
	char *snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, "v2"), 4);
	free(snap);
	record(repo, db, c[4], "2026-01-04T12:00:00Z");
	snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, c[4]), 2);
	cr_assert_eq(changes_of(snap, "v2"), 2);
	free(snap);
	free(run_ok((const char *const[]){"--repo", repo, "--db", db, NOW, "deploy", "set", "1",
					  "--status", "failed", NULL}));
	snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, c[4]), 2);
	free(snap);
	record(repo, db, c[2], "2026-01-05T12:00:00Z");
	snap = assert_as_cold(repo, db, NULL);
	cr_assert_eq(changes_of(snap, c[4]), 2);
	cr_assert_eq(changes_of(snap, "v1"), 0);
	cr_assert_eq(changes_of(snap, "v2"), 2);
	cr_assert(strstr(snap, "\"failed_because\": \"rollback\""), "%s", snap);
	free(snap);
	free_shas(c, 6);
	free(repo);
	free(db);
}

/* ---- the window's edges (issue 17) ------------------------------------------------ */

/* One snapshot at --now now with --window-days days. */
static char *snapshot_at(const char *repo, const char *db, const char *now, const char *days)
{
	char *flag = xasprintf("--now=%s", now);
	char *snap = run_ok((const char *const[]){"--repo", repo, "--db", db, flag, "--window-days", days,
						  "snapshot", "--format", "json", NULL});
	free(flag);
	return snap;
}

/* A history of 40 commits, commit i (1..40) dated 2025-06-01 + 7·(i-1)
 * days at 12:00 UTC, a release tag on every fourth (v1 on 4 ... v10 on 40:
 * lightweight, so each deploys at its commit's time, every 28 days), and
 * the author of every odd commit a day earlier than its committer (so the
 * lead times of a deployment's changes differ, and a median moves when one
 * deployment's changes are missing). A warm snapshot reads the changes of
 * the deployments since metrics_changes_since only: at every --now from
 * one second before to one second after each release plus 7, 30, 90 and
 * 365 days (the window's start on, just inside and just outside a
 * deployment, with the trend's 12 weeks longer or shorter than the window)
 * it must print what a cold sync on a new database prints. */
/* A suite of its own for the longer timeout: libcriterion 2.4 leaks 48
 * bytes (LeakSanitizer) for a .timeout given to one Test. */
TestSuite(cache_edges, .init = setup, .fini = teardown, .timeout = 300);
Test(cache_edges, a_warm_start_at_every_window_edge_gives_what_a_cold_sync_gives)
{
	char *repo = xasprintf("%s/r", tmp);
	th_sh(tmp, "mkdir r");
	cr_assert_eq(th_git(repo, "2025-06-01T00:00:00+0000", "init -q"), 0);
	int64_t day0 = 1748779200; /* 2025-06-01T12:00:00Z */
	for (int i = 1; i <= 40; i++) {
		int64_t t = day0 + (int64_t)(i - 1) * 7 * 86400;
		char date[32], author[64];
		snprintf(date, sizeof date, "@%lld +0000", (long long)t);
		snprintf(author, sizeof author, "@%lld +0000", (long long)(t - (i % 2) * 86400));
		char *cmd = xasprintf("GIT_AUTHOR_DATE='%s' GIT_COMMITTER_DATE='%s' git -c user.name=T "
				      "-c user.email=t@example.com commit -q --allow-empty -m 'commit %d'",
				      author, date, i);
		cr_assert_eq(th_sh(repo, "%s", cmd), 0);
		free(cmd);
		if (i % 4 == 0)
			cr_assert_eq(th_sh(repo, "git tag v%d", i / 4), 0);
	}
	char *db = xasprintf("%s/team.db", tmp);
	free(snapshot(repo, db, NULL)); /* the cache: every later run is warm */
	static const char *const days[] = {"7", "30", "90", "365"};
	static const int release[] = {3, 6, 9, 10};
	int n = 0;
	for (size_t k = 0; k < ARRAY_SIZE(days); k++) {
		for (size_t r = 0; r < ARRAY_SIZE(release); r++) {
			for (int off = -1; off <= 1; off++) {
				int64_t t = day0 + (int64_t)(release[r] * 4 - 1) * 7 * 86400 +
					    atoi(days[k]) * 86400LL + off;
				char now[32];
				time_t tt = (time_t)t;
				strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&tt));
				char *warm = snapshot_at(repo, db, now, days[k]);
				char *fresh = xasprintf("%s/cold-%d.db", tmp, n++);
				char *cold = snapshot_at(repo, fresh, now, days[k]);
				cr_assert_str_eq(warm, cold, "warm and cold differ at %s, %s days", now, days[k]);
				free(warm);
				free(cold);
				free(fresh);
			}
		}
	}
	free(repo);
	free(db);
}
