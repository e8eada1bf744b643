/* test_team_sync — pins what a team's services do to the data and to
 * `shipdeck sync` (issue 14, docs/metrics.md §13): a database of today
 * (schema 8, rows in deployments, their rollout stages, incidents and
 * reviews) migrates to one deployment per commit, environment and service
 * keeping every row, id and link; two services record a deployment of one
 * commit, while one service recording it again still updates its one row
 * (with --service, and without it for the home service's rows that name
 * none); `sync` scans every service's repository, reports a broken one in
 * one line naming the service and its path and still syncs and shows the
 * others (exit status 2); the path services' cache (migration 12) gives
 * the figures of a cold read warm, incrementally after new commits and
 * tags, and after a service's globs change, keeping rows of its globs only. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datafiles.h"
#include "helpers.h"
#include "store.h"
#include "util.h"

static char *home;

static void setup(void)
{
	home = th_tmpdir();
}

static void teardown(void)
{
	th_rmtree(home);
	free(home);
}

TestSuite(team_sync, .init = setup, .fini = teardown, .timeout = 120);

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOW "2026-03-01T00:00:00Z"

static void expect_sql(const char *path, const char *sql, const char *want)
{
	char *got = th_sql_text(path, sql);
	cr_assert_str_eq(got, want, "%s", sql);
	free(got);
}

static struct th_run run(const char *const *args)
{
	return th_shipdeck(home, NULL, args);
}

static void run_ok(const char *const *args)
{
	struct th_run r = run(args);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	th_run_free(&r);
}

static void commit_file(const char *repo, const char *date, const char *file, const char *text, const char *msg)
{
	th_sh(repo, "mkdir -p \"$(dirname '%s')\" && printf '%%s\\n' '%s' > '%s'", file, text, file);
	th_git(repo, date, "add -A");
	th_git(repo, date, "commit -q -m '%s'", msg);
}

/* ---- migration 9: one deployment per commit, environment and service ---------- */

Test(team_sync, a_database_of_today_keeps_every_deployment_and_link)
{
	char *repo = th_make_repo(home, "shop");
	char *db = xasprintf("%s/shop.db", home);
	cr_assert_eq(th_db_at_version(db, 8), 0);
	char *head = th_rev(repo, "HEAD");
	/* two deployments (production and staging of one commit, allowed
	 * before), a stage of each, an incident and a review answer naming
	 * deployment 2, one row stamped with a service: after the rebuild
	 * every id and link must be where it was */
	char *sql = xasprintf(
		"INSERT INTO features(id, key, title, created_at) VALUES (1, 'SHOP-1', 'Cart', 1);"
		"INSERT INTO deployments(id, ref, commit_sha, env, at, feature_id, source, origin, service)"
		" VALUES (1, 'v1', '%s', 'staging', 1767261600, 1, NULL, NULL, NULL),"
		"        (2, 'v1', '%s', 'production', 1767265200, NULL, 'github', 'acme/shop', 'shop');"
		"INSERT INTO rollout_stages(deployment_id, pct, at) VALUES (1, 100, 1767261600), (2, 5, 1767265200);"
		"INSERT INTO incidents(id, title, deployment_id, started_at) VALUES (7, 'down', 2, 1767268800);"
		"INSERT INTO reviews(subject, subject_id, question, answer, at) VALUES ('deploy', 2, 1, 'fine', 1);",
		head, head);
	cr_assert_eq(th_sql_exec(db, sql), 0);
	free(sql);

	run_ok(ARGS("--repo", repo, "--db", db, "deploy", "list", "--json"));

	char *v = xasprintf("%d", store_schema_version());
	expect_sql(db, "PRAGMA user_version", v);
	free(v);
	expect_sql(db, "SELECT id || ' ' || env || ' ' || coalesce(feature_id, '-') || ' ' || coalesce(source, '-')"
		       " || ' ' || coalesce(origin, '-') || ' ' || coalesce(service, '-') FROM deployments ORDER BY id",
		   "1 staging 1 - - -|2 production - github acme/shop shop");
	/* the rebuild dropped the old table with foreign keys off: nothing cascaded */
	expect_sql(db, "SELECT deployment_id || ':' || pct FROM rollout_stages ORDER BY deployment_id",
		   "1:100|2:5");
	expect_sql(db, "SELECT id || ':' || deployment_id FROM incidents", "7:2");
	expect_sql(db, "SELECT subject_id || ':' || answer FROM reviews", "2:fine");
	/* the rebuilt table is the one foreign keys name, and the new index is there */
	expect_sql(db, "SELECT count(*) FROM pragma_foreign_key_check", "0");
	expect_sql(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deployments'",
		   "deployments_per_service");
	/* and doctor finds the schema it expects */
	struct th_run r = run(ARGS("--repo", repo, "--db", db, "doctor"));
	cr_assert(strstr(r.out, "deployments has columns") == NULL, "%s", r.out);
	th_run_free(&r);
	free(head);
	free(db);
	free(repo);
}

/* A monorepo with two path services; C1 touches both, tagged api-v1 and web-v1. */
static char *make_shared_commit_repo(void)
{
	char *repo = th_make_repo(home, "mono");
	th_sh(repo, "mkdir -p svc/api svc/web && echo a > svc/api/a.txt && echo w > svc/web/w.txt");
	th_git(repo, "2026-01-05T10:00:00+0000", "add -A");
	th_git(repo, "2026-01-05T10:00:00+0000", "commit -q -m C1");
	th_git(repo, "2026-01-05T12:00:00+0000", "tag api-v1");
	th_git(repo, "2026-01-05T12:00:00+0000", "tag web-v1");
	return repo;
}

Test(team_sync, two_services_record_one_commit_and_each_dedupes)
{
	char *repo = make_shared_commit_repo();
	char *db = xasprintf("%s/team.db", home);
	run_ok(ARGS("--db", db, "service", "add", "api", "--repo", repo, "--paths", "svc/api/*",
		    "--deploy-tags", "api-*"));
	run_ok(ARGS("--db", db, "service", "add", "web", "--repo", repo, "--paths", "svc/web/*",
		    "--deploy-tags", "web-*"));
	run_ok(ARGS("--repo", repo, "--db", db, "--service", "api", "deploy", "record", "api-v1", "--env",
		    "production", "--at", "2026-01-05T12:00:00Z"));
	/* the same commit deployed by the other service: a row of its own (it
	 * was "UNIQUE constraint failed" before migration 9) */
	run_ok(ARGS("--repo", repo, "--db", db, "--service", "web", "deploy", "record", "web-v1", "--env",
		    "production", "--at", "2026-01-05T12:30:00Z"));
	/* api again with a new rollout: its one row is updated, not doubled */
	run_ok(ARGS("--repo", repo, "--db", db, "--service", "API", "deploy", "record", "api-v1", "--env",
		    "production", "--rollout", "50", "--at", "2026-01-05T13:00:00Z"));
	expect_sql(db, "SELECT service || ' ' || ref || ' ' || rollout FROM deployments ORDER BY id",
		   "api api-v1 50|web web-v1 100");
	/* the database refuses a second api row whatever the case of its name */
	char *sql = xasprintf("INSERT INTO deployments(ref, commit_sha, env, at, service)"
			      " SELECT ref, commit_sha, env, at, 'Api' FROM deployments WHERE id = 1");
	sqlite3 *h;
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_CONSTRAINT);
	sqlite3_close(h);
	free(sql);
	free(db);
	free(repo);
}

Test(team_sync, the_home_service_finds_its_rows_that_name_none)
{
	/* one repository, recorded before any service was added (rows name
	 * none), then made the service "shop" (its home): recording the same
	 * commit with --service shop updates that row */
	char *repo = th_make_repo(home, "shop");
	char *db = xasprintf("%s/shop.db", home);
	run_ok(ARGS("--repo", repo, "--db", db, "deploy", "record", "HEAD", "--env", "production", "--at",
		    "2026-01-05T12:00:00Z"));
	run_ok(ARGS("--repo", repo, "--db", db, "service", "add", "shop", "--repo", repo));
	run_ok(ARGS("--repo", repo, "--db", db, "--service", "shop", "deploy", "record", "HEAD", "--env",
		    "production", "--rollout", "40", "--at", "2026-01-05T13:00:00Z"));
	expect_sql(db, "SELECT coalesce(service, 'NULL') || ' ' || rollout FROM deployments", "NULL 40");
	free(db);
	free(repo);
}

/* ---- sync: every service's repository, at once -------------------------------- */

/* A repository with n commits, each tagged v1..vn (lightweight). */
static char *make_tagged_repo(const char *name, int n)
{
	char *repo = th_make_repo(home, name);
	for (int i = 1; i <= n; i++) {
		char date[40], file[16], tag[16];
		snprintf(date, sizeof date, "2026-01-%02dT09:00:00+0000", 10 + i);
		snprintf(file, sizeof file, "f%d.txt", i);
		snprintf(tag, sizeof tag, "v%d", i);
		commit_file(repo, date, file, name, file);
		th_git(repo, date, "tag %s", tag);
	}
	return repo;
}

static cJSON *json_of(struct th_run *r)
{
	cJSON *j = cJSON_Parse(r->out);
	cr_assert_not_null(j, "%s\n%s", r->out, r->err);
	return j;
}

static const cJSON *member(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	cr_assert_not_null(v, "no %s", k);
	return v;
}

static const cJSON *named(const cJSON *arr, const char *name)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, arr)
		if (strcmp(member(s, "name")->valuestring, name) == 0)
			return s;
	cr_assert_fail("no service %s", name);
	return NULL;
}

Test(team_sync, sync_reads_every_service_and_a_broken_one_leaves_the_others)
{
	/* alpha: 3 tagged commits; beta: 2; gamma: a repository that is gone
	 * by the time of the sync (added while it existed) */
	char *alpha = make_tagged_repo("alpha", 3), *beta = make_tagged_repo("beta", 2);
	char *gamma = make_tagged_repo("gamma", 1);
	char *db = xasprintf("%s/team.db", home);
	run_ok(ARGS("--db", db, "service", "add", "alpha", "--repo", alpha));
	run_ok(ARGS("--db", db, "service", "add", "beta", "--repo", beta));
	run_ok(ARGS("--db", db, "service", "add", "gamma", "--repo", gamma));
	th_sh(home, "rm -rf gamma");

	struct th_run r = run(ARGS("--db", db, "--now", NOW, "sync", "--json"));
	/* one failed: exit 2, one line on stderr naming the service and its path */
	cr_assert_eq(r.status, 2, "%s", r.err);
	char *want = xasprintf("shipdeck: service gamma: repository %s: not a git repository (the other "
			       "services were synced)\n", gamma);
	cr_assert_str_eq(r.err, want);
	free(want);
	cJSON *j = json_of(&r);
	cr_assert_eq(member(j, "failed")->valueint, 1);
	/* th_make_repo's first commit plus the tagged ones: 4 and 3, all read now */
	const cJSON *a = named(member(j, "services"), "alpha"), *b = named(member(j, "services"), "beta");
	cr_assert_eq(member(a, "commits_known")->valueint, 4);
	cr_assert_eq(member(a, "commits_read")->valueint, 4);
	cr_assert_eq(member(a, "deployments")->valueint, 3);
	cr_assert_eq(member(b, "commits_read")->valueint, 3);
	cr_assert_eq(member(b, "deployments")->valueint, 2);
	cr_assert(cJSON_IsString(member(named(member(j, "services"), "gamma"), "error")));
	cJSON_Delete(j);
	th_run_free(&r);

	/* each repository was synced into its cache: the next sync reads nothing */
	r = run(ARGS("--db", db, "--now", NOW, "sync", "--json"));
	cr_assert_eq(r.status, 2);
	j = json_of(&r);
	cr_assert_eq(member(named(member(j, "services"), "alpha"), "commits_read")->valueint, 0);
	cr_assert_eq(member(named(member(j, "services"), "beta"), "commits_read")->valueint, 0);
	cJSON_Delete(j);
	th_run_free(&r);

	/* the snapshot shows the other two, and says which one is left out */
	r = run(ARGS("--db", db, "--now", NOW, "--snapshot", "--format", "json"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	j = json_of(&r);
	cr_assert_eq(cJSON_GetArraySize(member(named(member(j, "services"), "alpha"), "deployments")), 3);
	cr_assert_eq(cJSON_GetArraySize(member(named(member(j, "services"), "beta"), "deployments")), 2);
	cJSON_Delete(j);
	cr_assert(strstr(r.out, "service gamma: ") != NULL, "%s", r.out);
	th_run_free(&r);

	/* text: a block per service that synced, nothing on stderr but the failure
	 * (stderr is no terminal here: no progress lines) */
	r = run(ARGS("--db", db, "--now", NOW, "sync"));
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.out, "service          alpha: ") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "service          beta: ") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "gamma") == NULL, "%s", r.out);
	cr_assert(strchr(r.err, '\033') == NULL && strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "%s", r.err);
	th_run_free(&r);

	/* and with every repository back, sync succeeds */
	free(make_tagged_repo("gamma", 1));
	run_ok(ARGS("--db", db, "--now", NOW, "sync"));
	free(db);
	free(alpha);
	free(beta);
	free(gamma);
}

/* ---- the path services' cache: cold = warm = incremental = after new globs ------ */

static void stage_one(const char *repo)
{
	/* C0 root: both services' files; C1 api; C2 web; api-v1, web-v1 on C0, api-v2, web-v2 on C2 */
	th_sh(repo, "mkdir -p svc/api svc/web && echo a > svc/api/a.txt && echo w > svc/web/w.txt");
	th_git(repo, "2026-01-01T10:00:00+0000", "add -A");
	th_git(repo, "2026-01-01T10:00:00+0000", "commit -q -m C0");
	th_git(repo, "2026-01-01T12:00:00+0000", "tag api-v1");
	th_git(repo, "2026-01-01T12:00:00+0000", "tag web-v1");
	commit_file(repo, "2026-01-05T10:00:00+0000", "svc/api/a.txt", "a1", "C1");
	commit_file(repo, "2026-01-06T10:00:00+0000", "svc/web/w.txt", "w1", "C2");
	th_git(repo, "2026-01-06T12:00:00+0000", "tag api-v2");
	th_git(repo, "2026-01-06T12:00:00+0000", "tag web-v2");
}

static void stage_two(const char *repo)
{
	/* C3 on a branch touches both, merged after C4 (README only); C5
	 * reverts C1; api-v3 and web-v3 on C5 */
	th_git(repo, "2026-01-07T10:00:00+0000", "checkout -q -b feat");
	th_sh(repo, "echo b > svc/api/b.txt && echo x > svc/web/x.txt");
	th_git(repo, "2026-01-07T10:00:00+0000", "add -A");
	th_git(repo, "2026-01-07T10:00:00+0000", "commit -q -m C3");
	th_git(repo, "2026-01-08T10:00:00+0000", "checkout -q main");
	commit_file(repo, "2026-01-08T10:00:00+0000", "README", "r", "C4");
	th_git(repo, "2026-01-09T10:00:00+0000", "merge -q --no-ff -m M feat");
	char *c1 = th_rev(repo, ":/^C1");
	th_sh(repo, "echo a > svc/api/a.txt");
	th_git(repo, "2026-01-10T10:00:00+0000", "commit -q -a -m 'Revert C1' -m 'This reverts commit %s.'", c1);
	free(c1);
	th_git(repo, "2026-01-10T12:00:00+0000", "tag api-v3");
	th_git(repo, "2026-01-10T12:00:00+0000", "tag web-v3");
}

static void add_path_services(const char *db, const char *repo, const char *api_paths)
{
	run_ok(ARGS("--db", db, "service", "add", "api", "--repo", repo, "--paths", api_paths, "--deploy-tags",
		    "api-*"));
	run_ok(ARGS("--db", db, "service", "add", "web", "--repo", repo, "--paths", "svc/web/*", "--deploy-tags",
		    "web-*"));
}

/* The services' figures and deployments as the snapshot gives them. */
static char *services_json(const char *db)
{
	struct th_run r = run(ARGS("--db", db, "--now", NOW, "--snapshot", "--format", "json"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = json_of(&r);
	th_run_free(&r);
	struct strbuf sb = STRBUF_INIT;
	const cJSON *s;
	cJSON_ArrayForEach(s, member(j, "services")) {
		char *dora = cJSON_PrintUnformatted(member(s, "dora"));
		char *deps = cJSON_PrintUnformatted(member(s, "deployments"));
		sb_addf(&sb, "%s %s %s\n", member(s, "name")->valuestring, dora, deps);
		free(dora);
		free(deps);
	}
	cJSON_Delete(j);
	return sb_detach(&sb);
}

Test(team_sync, path_cache_gives_the_cold_figures_warm_incrementally_and_after_new_globs)
{
	char *repo = th_make_repo(home, "mono");
	stage_one(repo);
	/* B: synced at stage one, then again after stage two (the walk starts
	 * from the new tags and stops at the old ones) */
	char *b = xasprintf("%s/b.db", home);
	add_path_services(b, repo, "svc/api/*");
	run_ok(ARGS("--db", b, "--now", NOW, "sync"));
	stage_two(repo);
	run_ok(ARGS("--db", b, "--now", NOW, "sync"));
	/* A: cold, everything at once */
	char *a = xasprintf("%s/a.db", home);
	add_path_services(a, repo, "svc/api/*");
	char *cold = services_json(a);
	char *warm = services_json(a);
	char *incremental = services_json(b);
	cr_assert_str_eq(warm, cold);
	cr_assert_str_eq(incremental, cold);
	/* worked by hand: api-v1 and web-v1 (on the root) ship no change, as
	 * first deployments; api's changes are C1 (api-v2), C3 and C5 (the
	 * revert touches svc/api/a.txt; both api-v3); the revert of C1 fails
	 * api-v2, restored by api-v3 4 days (96 h) later; web's are C2 (web-v2)
	 * and C3 (web-v3), nothing of web is reverted */
	char *web = strstr(cold, "\nweb ");
	cr_assert_not_null(web, "%s", cold);
	*web = '\0';
	cr_assert(strstr(cold, "\"lead_time\":{\"changes\":3,") != NULL, "%s", cold);
	cr_assert(strstr(cold, "\"change_failure_rate\":{\"failed\":1,\"deploys\":3,") != NULL, "%s", cold);
	cr_assert(strstr(cold, "\"time_to_restore\":{\"restores\":1,\"median_hours\":96,") != NULL, "%s", cold);
	cr_assert(strstr(web + 1, "\"lead_time\":{\"changes\":2,") != NULL, "%s", web + 1);
	cr_assert(strstr(web + 1, "\"change_failure_rate\":{\"failed\":0,\"deploys\":3,") != NULL, "%s", web + 1);
	*web = '\n';

	/* the caches hold the walk's rows, its tips and the result, for the
	 * service's globs only */
	char *cache = xasprintf("%s/b.db.cache/api.db", home);
	expect_sql(cache, "SELECT DISTINCT globs FROM git_path_commits", "svc/api/*");
	expect_sql(cache, "SELECT count(*) FROM git_path_tips", "3");
	expect_sql(cache, "SELECT count(*) FROM git_path_results WHERE globs = 'svc/api/*'", "1");
	/* C0 (adds svc/api/a.txt to th_make_repo's first commit; api-v1's own,
	 * shipping nothing as a first deployment), C1, C3, C5 touch api; C5
	 * also reverts: four rows, one with a revert line */
	expect_sql(cache, "SELECT sum(touches) || ' ' || count(reverts) FROM git_path_commits", "4 1");

	/* C: api first made with other globs (everything under svc/), then
	 * with its own: the rows of the old globs go, the figures are A's */
	char *c = xasprintf("%s/c.db", home);
	add_path_services(c, repo, "svc/*");
	run_ok(ARGS("--db", c, "--now", NOW, "sync"));
	run_ok(ARGS("--db", c, "service", "rm", "api", "--yes"));
	run_ok(ARGS("--db", c, "service", "add", "api", "--repo", repo, "--paths", "svc/api/*", "--deploy-tags",
		    "api-*"));
	char *after = services_json(c);
	cr_assert_str_eq(after, cold);
	char *ccache = xasprintf("%s/c.db.cache/api.db", home);
	expect_sql(ccache, "SELECT DISTINCT globs FROM git_path_commits", "svc/api/*");
	free(ccache);
	free(after);
	free(c);
	free(cache);
	free(cold);
	free(warm);
	free(incremental);
	free(a);
	free(b);
	free(repo);
}

static void add_path_service(const char *db, const char *repo, const char *name, const char *paths)
{
	run_ok(ARGS("--db", db, "service", "add", name, "--repo", repo, "--paths", paths, "--deploy-tags",
		    "api-*,web-*"));
}

Test(team_sync, path_services_of_one_scan_share_it)
{
	/* api and web deploying the same tags of one monorepo scan it once
	 * and walk it once (the first service's cache): each one's figures
	 * must be those of a database holding it alone, cold, after new
	 * commits, and after `sync --full` */
	char *repo = th_make_repo(home, "mono");
	stage_one(repo);
	char *g = xasprintf("%s/g.db", home), *a = xasprintf("%s/a.db", home), *w = xasprintf("%s/w.db", home);
	add_path_service(g, repo, "api", "svc/api/*");
	add_path_service(g, repo, "web", "svc/web/*");
	add_path_service(a, repo, "api", "svc/api/*");
	add_path_service(w, repo, "web", "svc/web/*");
	run_ok(ARGS("--db", g, "--now", NOW, "sync"));
	stage_two(repo);
	for (int round = 0; round < 2; round++) {
		run_ok(ARGS("--db", g, "--now", NOW, "sync", round ? "--full" : "--json"));
		char *both = services_json(g), *api = services_json(a), *web = services_json(w);
		char *split = strstr(both, "\nweb ");
		cr_assert_not_null(split, "%s", both);
		cr_assert_str_eq(split + 1, web);
		split[1] = '\0';
		cr_assert_str_eq(both, api);
		free(both);
		free(api);
		free(web);
	}
	/* one cache for both: the leader's, holding both services' globs */
	char *cache = xasprintf("%s/g.db.cache/api.db", home), *unused = xasprintf("%s/g.db.cache/web.db", home);
	expect_sql(cache, "SELECT group_concat(globs, ' ') FROM (SELECT DISTINCT globs FROM git_path_tips ORDER BY globs)",
		   "svc/api/* svc/web/*");
	cr_assert_neq(access(unused, F_OK), 0, "%s exists", unused);
	free(cache);
	free(unused);
	free(g);
	free(a);
	free(w);
	free(repo);
}

/* The figures of the services in db, each line "name dora deployments". */
static char *service_line(const char *all, const char *name)
{
	char *key = xasprintf("%s ", name);
	const char *p = all;
	while (p && strncmp(p, key, strlen(key)) != 0)
		p = (p = strchr(p, '\n')) ? p + 1 : NULL;
	free(key);
	cr_assert_not_null(p, "no service %s in %s", name, all);
	return xstrndup(p, strcspn(p, "\n"));
}

static void expect_as_alone(const char *both_db, const char *api_db, const char *web_db)
{
	char *both = services_json(both_db), *api = services_json(api_db), *web = services_json(web_db);
	char *b_api = service_line(both, "api"), *b_web = service_line(both, "web");
	char *a_api = service_line(api, "api"), *w_web = service_line(web, "web");
	cr_assert_str_eq(b_api, a_api);
	cr_assert_str_eq(b_web, w_web);
	free(b_api), free(b_web), free(a_api), free(w_web);
	free(both), free(api), free(web);
}

Test(team_sync, path_services_with_other_tags_share_one_walk)
{
	/* api (api-* tags) and web (web-* tags) of one monorepo: their scans
	 * differ, so each reads the history, but one walk judges the commits
	 * both scans handed over, each commit only for the services whose
	 * deployments reach it. C6 touches both services' folders and only
	 * api-v4 ships it at first: web must not keep a row for it (when
	 * web-v4 later ships it, the incremental walk reads it again: a kept
	 * row would count it twice). Each one's figures must be those of a
	 * database holding it alone, cold, incrementally and after --full. */
	char *repo = th_make_repo(home, "mono");
	stage_one(repo);
	stage_two(repo);
	th_sh(repo, "echo 6 > svc/api/six.txt && echo 6 > svc/web/six.txt");
	th_git(repo, "2026-01-11T10:00:00+0000", "add -A");
	th_git(repo, "2026-01-11T10:00:00+0000", "commit -q -m C6");
	th_git(repo, "2026-01-11T12:00:00+0000", "tag api-v4");
	char *g = xasprintf("%s/g.db", home), *a = xasprintf("%s/a.db", home), *w = xasprintf("%s/w.db", home);
	add_path_services(g, repo, "svc/api/*");
	run_ok(ARGS("--db", a, "service", "add", "api", "--repo", repo, "--paths", "svc/api/*", "--deploy-tags",
		    "api-*"));
	run_ok(ARGS("--db", w, "service", "add", "web", "--repo", repo, "--paths", "svc/web/*", "--deploy-tags",
		    "web-*"));
	run_ok(ARGS("--db", g, "--now", NOW, "sync", "--full"));
	expect_as_alone(g, a, w);
	/* each keeps its own cache, with its own globs: web has no row of C6 */
	char *acache = xasprintf("%s/g.db.cache/api.db", home), *wcache = xasprintf("%s/g.db.cache/web.db", home);
	expect_sql(acache, "SELECT DISTINCT globs FROM git_path_tips", "svc/api/*");
	expect_sql(wcache, "SELECT DISTINCT globs FROM git_path_tips", "svc/web/*");
	/* web's rows: C0 (root, adds svc/web/w.txt), C2, C3 touch it; C5
	 * reverts (a row for its revert line): four, not C6 */
	expect_sql(wcache, "SELECT count(*) FROM git_path_commits", "4");
	th_git(repo, "2026-01-12T12:00:00+0000", "tag web-v4 api-v4");
	run_ok(ARGS("--db", g, "--now", NOW, "sync"));
	expect_as_alone(g, a, w);
	/* worked by hand: web's changes are C2 (web-v2), C3 (web-v3) and C6 (web-v4), once each */
	char *both = services_json(g), *web = service_line(both, "web");
	cr_assert(strstr(web, "\"lead_time\":{\"changes\":3,") != NULL, "%s", web);
	run_ok(ARGS("--db", g, "--now", NOW, "sync", "--full"));
	expect_as_alone(g, a, w);
	free(both);
	free(web);
	free(acache);
	free(wcache);
	free(g);
	free(a);
	free(w);
	free(repo);
}

Test(team_sync, a_thread_in_a_write_transaction_is_known)
{
	/* model_services.c scans on one thread (no cache-writing threads)
	 * while this one holds a write transaction: they would wait for it */
	char *path = xasprintf("%s/w.db", home), err[256];
	struct store *a = store_open(path, STORE_CREATE, err, sizeof err);
	cr_assert_not_null(a, "%s", err);
	cr_assert(!store_write_held());
	cr_assert_eq(store_begin(a), 0);
	cr_assert(store_write_held());
	cr_assert_eq(store_begin(a), 0); /* nested */
	cr_assert_eq(store_commit(a), 0);
	cr_assert(store_write_held());
	cr_assert_eq(store_commit(a), 0);
	cr_assert(!store_write_held());
	cr_assert_eq(store_begin(a), 0);
	store_rollback(a);
	cr_assert(!store_write_held());
	cr_assert_eq(store_begin(a), 0);
	store_close(a); /* a transaction left open is rolled back, the lock given */
	cr_assert(!store_write_held());
	free(path);
}
