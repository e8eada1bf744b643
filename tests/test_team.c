/* test_team — pins a team's services (issue 14, docs/metrics.md §13) through
 * the real binary on repositories built at test time: a monorepo with two
 * path services whose per-service and team figures were worked out by hand
 * below (a change touching both services counts for both; a merge brings
 * the changes it merges; a tag of one service deploys nothing of the other;
 * a revert fails only the service of the change it reverts; the team pools
 * deployments, changes, failures and restores, two services deploying on
 * one day make one deployment day); and three repositories with different
 * tag habits, where each whole-repository service's "dora" object equals
 * that of a database made for its repository alone. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
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

TestSuite(team, .init = setup, .fini = teardown, .timeout = 90);

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOW "2026-03-01T00:00:00Z"

static void run_ok(const char *const *args)
{
	struct th_run r = th_shipdeck(home, NULL, args);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	th_run_free(&r);
}

static cJSON *snapshot(const char *const *args)
{
	struct th_run r = th_shipdeck(home, NULL, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j, "%s", r.out);
	th_run_free(&r);
	return j;
}

static const cJSON *get(const cJSON *o, const char *path)
{
	char *copy = xstrdup(path);
	const cJSON *at = o;
	for (char *save = NULL, *k = strtok_r(copy, ".", &save); k && at; k = strtok_r(NULL, ".", &save))
		at = (k[0] >= '0' && k[0] <= '9') ? cJSON_GetArrayItem(at, atoi(k))
						   : cJSON_GetObjectItemCaseSensitive(at, k);
	free(copy);
	cr_assert_not_null(at, "no %s", path);
	return at;
}

static double num(const cJSON *o, const char *path)
{
	const cJSON *v = get(o, path);
	cr_assert(cJSON_IsNumber(v), "%s is not a number", path);
	return v->valuedouble;
}

static const cJSON *service_named(const cJSON *snap, const char *name)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, get(snap, "services"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(s, "name")->valuestring, name) == 0)
			return s;
	cr_assert_fail("no service %s", name);
	return NULL;
}

/* The refs of a list of deployments, newest first, joined by spaces. */
static char *refs(const cJSON *deployments)
{
	struct strbuf sb = STRBUF_INIT;
	const cJSON *d;
	cJSON_ArrayForEach(d, deployments)
		sb_addf(&sb, "%s%s", sb.len ? " " : "", cJSON_GetObjectItemCaseSensitive(d, "ref")->valuestring);
	return sb_detach(&sb);
}

static void commit_file(const char *repo, const char *date, const char *file, const char *text, const char *msg)
{
	th_sh(repo, "mkdir -p \"$(dirname '%s')\" && printf '%%s\\n' '%s' > '%s'", file, text, file);
	th_git(repo, date, "add -A");
	th_git(repo, date, "commit -q -m '%s'", msg);
}

/* The monorepo (all times UTC, author = committer time):
 *   C0 01-01 10:00 root: svc/api/a.txt, svc/web/w.txt, README
 *      tags api-v1, web-v1 (annotated, 01-01 12:00)
 *   C1 01-05 10:00 svc/api/a.txt              (api)
 *   C2 01-06 10:00 svc/web/w.txt              (web)
 *   C3 01-07 10:00 svc/api/b.txt svc/web/x.txt (both)
 *      tag web-v2 (01-07 12:00)
 *   C4 01-08 10:00 on branch feat: svc/api/c.txt (api, brought by M)
 *   C5 01-08 12:00 on main: README             (neither)
 *   M  01-09 10:00 merge feat                  (a merge: no change)
 *      tag api-v2 (01-10 10:00)
 *   C6 01-11 10:00 "This reverts commit C1": svc/api/a.txt (api)
 *      tag api-v3 (01-11 12:00), web-v3 (01-12 10:00)
 */
static char *make_monorepo(void)
{
	char *repo = xasprintf("%s/mono", home);
	th_sh(home, "mkdir -p mono");
	th_git(repo, "2026-01-01T10:00:00+0000", "init -q");
	th_sh(repo, "mkdir -p svc/api svc/web && echo a > svc/api/a.txt && echo w > svc/web/w.txt && echo r > README");
	th_git(repo, "2026-01-01T10:00:00+0000", "add -A");
	th_git(repo, "2026-01-01T10:00:00+0000", "commit -q -m C0");
	th_git(repo, "2026-01-01T12:00:00+0000", "tag -a api-v1 -m api-v1");
	th_git(repo, "2026-01-01T12:00:00+0000", "tag -a web-v1 -m web-v1");
	commit_file(repo, "2026-01-05T10:00:00+0000", "svc/api/a.txt", "a1", "C1");
	commit_file(repo, "2026-01-06T10:00:00+0000", "svc/web/w.txt", "w1", "C2");
	th_sh(repo, "echo b > svc/api/b.txt && echo x > svc/web/x.txt");
	th_git(repo, "2026-01-07T10:00:00+0000", "add -A");
	th_git(repo, "2026-01-07T10:00:00+0000", "commit -q -m C3");
	th_git(repo, "2026-01-07T12:00:00+0000", "tag -a web-v2 -m web-v2");
	th_git(repo, "2026-01-08T10:00:00+0000", "checkout -q -b feat");
	commit_file(repo, "2026-01-08T10:00:00+0000", "svc/api/c.txt", "c", "C4");
	th_git(repo, "2026-01-08T12:00:00+0000", "checkout -q main");
	commit_file(repo, "2026-01-08T12:00:00+0000", "README", "r2", "C5");
	th_git(repo, "2026-01-09T10:00:00+0000", "merge -q --no-ff -m M feat");
	th_git(repo, "2026-01-10T10:00:00+0000", "tag -a api-v2 -m api-v2");
	char *c1 = th_rev(repo, "HEAD~1^1~2"); /* M^1 = C5, ~1 C3, ~2 C1 */
	char *c1b = th_rev(repo, ":/^C1");
	cr_assert_str_eq(c1, c1b);
	char *msg = xasprintf("Revert C1\n\nThis reverts commit %s.", c1);
	th_sh(repo, "echo a > svc/api/a.txt");
	th_git(repo, "2026-01-11T10:00:00+0000", "commit -q -a -m '%s'", msg);
	th_git(repo, "2026-01-11T12:00:00+0000", "tag -a api-v3 -m api-v3");
	th_git(repo, "2026-01-12T10:00:00+0000", "tag -a web-v3 -m web-v3");
	free(msg);
	free(c1);
	free(c1b);
	return repo;
}

Test(team, monorepo_path_services_and_the_team)
{
	char *repo = make_monorepo();
	char *db = xasprintf("%s/team.db", home);
	run_ok(ARGS("--db", db, "service", "add", "api", "--repo", repo, "--paths", "svc/api/*",
		    "--deploy-tags", "api-*"));
	run_ok(ARGS("--db", db, "service", "add", "web", "--repo", repo, "--paths", "svc/web/*",
		    "--deploy-tags", "web-*"));
	cJSON *j = snapshot(ARGS("--db", db, "--now", NOW, "--snapshot", "--format", "json"));
	const cJSON *api = service_named(j, "api"), *web = service_named(j, "web");

	/* api: deployments api-v1, api-v2, api-v3 (web-v2 names C3, which
	 * touches svc/api/b.txt, but it is web's tag). Changes: v1 none (the
	 * first deployment); v2 C1 (120 h), C3 (72 h), C4 by the merge (48 h);
	 * C2 and C5 are not api's, M is a merge; v3 C6 (2 h). Lead times
	 * 2, 48, 72, 120: median 60 h, p90 rank 4 = 120 h. C6 reverts C1
	 * (first shipped by api-v2, authored a day later): api-v2 failed,
	 * api-v3 restored it after 26 h (01-10 10:00 -> 01-11 12:00) and is
	 * rework: 1 of 3 = 33.33 %. */
	char *r = refs(get(api, "deployments"));
	cr_assert_str_eq(r, "api-v3 api-v2 api-v1");
	free(r);
	cr_assert_eq(num(api, "dora.deployment_frequency.deploys"), 3);
	cr_assert_eq(num(api, "dora.lead_time.changes"), 4);
	cr_assert_eq(num(api, "dora.lead_time.median_hours"), 60);
	cr_assert_eq(num(api, "dora.lead_time.p90_hours"), 120);
	cr_assert_eq(num(api, "dora.change_failure_rate.failed"), 1);
	cr_assert_eq(num(api, "dora.change_failure_rate.rate"), 33.33);
	cr_assert_eq(num(api, "dora.time_to_restore.median_hours"), 26);
	cr_assert_eq(num(api, "dora.rework_rate.rework"), 1);
	cr_assert_eq(num(api, "deployments.1.changes"), 3);
	cr_assert(cJSON_IsTrue(get(api, "deployments.1.failed")));

	/* web: web-v1, web-v2, web-v3. Changes: v2 C2 (26 h) and C3 (2 h; it
	 * counts for both services); v3 ships C4, C5, M, C6 and none is web's,
	 * yet it is a deployment. Median 14 h, p90 rank 2 = 26 h. C6 reverts C1,
	 * which web's walk ships in web-v2 but which is not web's: no failure. */
	r = refs(get(web, "deployments"));
	cr_assert_str_eq(r, "web-v3 web-v2 web-v1");
	free(r);
	cr_assert_eq(num(web, "dora.deployment_frequency.deploys"), 3);
	cr_assert_eq(num(web, "dora.lead_time.changes"), 2);
	cr_assert_eq(num(web, "dora.lead_time.median_hours"), 14);
	cr_assert_eq(num(web, "dora.lead_time.p90_hours"), 26);
	cr_assert_eq(num(web, "dora.change_failure_rate.failed"), 0);
	cr_assert_eq(num(web, "deployments.0.changes"), 0);

	/* the team: 6 deployments (api-v1 and web-v1 are two, at one instant)
	 * on 5 days (01-01 counts once; 01-07, 01-10, 01-11, 01-12); changes
	 * 4 + 2 = 6 with lead times 2, 2, 26, 48, 72, 120: median 37 h, p90
	 * rank 6 = 120 h; 1 failure of 6 = 16.67 %, restored in 26 h; rework
	 * 1 of 6. */
	cr_assert_eq(num(j, "dora.deployment_frequency.deploys"), 6);
	cr_assert_eq(num(j, "dora.deployment_frequency.deploy_days"), 5);
	cr_assert_eq(num(j, "dora.lead_time.changes"), 6);
	cr_assert_eq(num(j, "dora.lead_time.median_hours"), 37);
	cr_assert_eq(num(j, "dora.lead_time.p90_hours"), 120);
	cr_assert_eq(num(j, "dora.change_failure_rate.failed"), 1);
	cr_assert_eq(num(j, "dora.change_failure_rate.rate"), 16.67);
	cr_assert_eq(num(j, "dora.time_to_restore.median_hours"), 26);
	cr_assert_eq(num(j, "dora.rework_rate.rework"), 1);
	r = refs(get(j, "deployments"));
	cr_assert_str_eq(r, "web-v3 api-v3 api-v2 web-v2 web-v1 api-v1");
	free(r);
	cJSON_Delete(j);

	/* the text and markdown snapshots: the team's scorecard, then one block
	 * per service with its own figures */
	struct th_run t = th_shipdeck(home, NULL, ARGS("--db", db, "--now", NOW, "--snapshot", "--width", "100"));
	cr_assert_eq(t.status, 0, "%s", t.err);
	cr_assert(strstr(t.out, "The team: 2 services pooled (each one below).") != NULL, "%s", t.out);
	cr_assert(strstr(t.out, "Service api (paths svc/api/*; tags api-*):") != NULL, "%s", t.out);
	cr_assert(strstr(t.out, "Service web (paths svc/web/*; tags web-*):") != NULL, "%s", t.out);
	cr_assert(strstr(t.out, "6 deployments on 5 days") != NULL, "%s", t.out);
	cr_assert(strstr(t.out, "3 deployments on 3 days") != NULL, "%s", t.out);
	cr_assert(strstr(t.out, "1 of 3 failed, 1 restored; 1 rework.") != NULL, "%s", t.out);
	th_run_free(&t);
	t = th_shipdeck(home, NULL, ARGS("--db", db, "--now", NOW, "--snapshot", "--format", "markdown"));
	cr_assert_eq(t.status, 0, "%s", t.err);
	cr_assert(strstr(t.out, "**Service web (paths svc/web/\\*; tags web-\\*)**") != NULL, "%s", t.out);
	th_run_free(&t);

	/* --service on the lists: each record belongs to the service it names */
	run_ok(ARGS("--db", db, "--service", "api", "incident", "open", "API down", "--at", "2026-01-10T11:00:00Z"));
	run_ok(ARGS("--db", db, "--service", "web", "incident", "open", "Web slow", "--at", "2026-01-12T11:00:00Z"));
	t = th_shipdeck(home, NULL, ARGS("--db", db, "--now", NOW, "--service", "web", "incident", "list"));
	cr_assert_eq(t.status, 0, "%s", t.err);
	cr_assert(strstr(t.out, "Web slow") != NULL && strstr(t.out, "API down") == NULL, "%s", t.out);
	th_run_free(&t);
	t = th_shipdeck(home, NULL, ARGS("--db", db, "--now", NOW, "incident", "list"));
	cr_assert(strstr(t.out, "Web slow") != NULL && strstr(t.out, "API down") != NULL, "%s", t.out);
	th_run_free(&t);

	/* --service narrows the snapshot to one service: its figures on top */
	j = snapshot(ARGS("--db", db, "--now", NOW, "--service", "web", "--snapshot", "--format", "json"));
	cr_assert_eq(num(j, "dora.deployment_frequency.deploys"), 3);
	cr_assert_eq(num(j, "dora.lead_time.median_hours"), 14);
	cr_assert_eq(cJSON_GetArraySize(get(j, "services")), 1);
	cJSON_Delete(j);
	free(db);
	free(repo);
}

/* Three habits: lightweight v-tags with a revert; annotated rel- tags;
 * bare numbers with release candidates. */
static char *make_repo_with_tags(const char *name, int habit)
{
	char *repo = th_make_repo(home, name);
	static const char *const days[] = {"2026-01-05", "2026-01-12", "2026-01-20", "2026-02-02", "2026-02-10"};
	for (int i = 0; i < 5; i++) {
		char date[40], file[16], tag[24];
		snprintf(date, sizeof date, "%sT09:00:00+0000", days[i]);
		snprintf(file, sizeof file, "f%d.txt", i);
		commit_file(repo, date, file, name, file);
		snprintf(date, sizeof date, "%sT15:00:00+0000", days[i]);
		if (habit == 0) {
			snprintf(tag, sizeof tag, "v1.%d", i);
			th_git(repo, date, "tag %s", tag);
		} else if (habit == 1) {
			snprintf(tag, sizeof tag, "rel-%d", i);
			th_git(repo, date, "tag -a %s -m %s", tag, tag);
		} else {
			snprintf(tag, sizeof tag, "2.%drc1", i);
			th_git(repo, date, "tag %s", tag);
			snprintf(tag, sizeof tag, "2.%d", i);
			th_git(repo, date, "tag -a %s -m %s", tag, tag);
		}
		if (habit == 0 && i == 2) { /* revert of f1's commit, shipped by v1.3 */
			char *f1 = th_rev(repo, "HEAD~1");
			th_git(repo, "2026-01-25T09:00:00+0000", "revert --no-edit %s", f1);
			free(f1);
		}
	}
	return repo;
}

Test(team, a_whole_repository_service_is_its_repository_alone)
{
	static const char *const names[] = {"alpha", "beta", "gamma"};
	static const char *const tags[] = {"v*", "rel-*", "[0-9]*,!*rc*"};
	char *team = xasprintf("%s/team.db", home);
	char *repos[3];
	for (int i = 0; i < 3; i++) {
		repos[i] = make_repo_with_tags(names[i], i);
		run_ok(ARGS("--db", team, "service", "add", names[i], "--repo", repos[i], "--deploy-tags", tags[i]));
	}
	cJSON *cold = snapshot(ARGS("--db", team, "--now", NOW, "--snapshot", "--format", "json"));
	/* a warm start (every cache filled) says the same */
	cJSON *tj = snapshot(ARGS("--db", team, "--now", NOW, "--snapshot", "--format", "json"));
	char *a = cJSON_PrintUnformatted(get(cold, "services")), *b = cJSON_PrintUnformatted(get(tj, "services"));
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
	cJSON_Delete(cold);
	double deploys = 0;
	for (int i = 0; i < 3; i++) {
		char *alone = xasprintf("%s/%s.db", home, names[i]);
		cJSON *aj = snapshot(ARGS("--repo", repos[i], "--db", alone, "--deploy-tags", tags[i], "--now", NOW,
					  "--snapshot", "--format", "json"));
		const cJSON *svc = service_named(tj, names[i]);
		char *want = cJSON_PrintUnformatted(get(aj, "dora"));
		char *got = cJSON_PrintUnformatted(get(svc, "dora"));
		cr_assert_str_eq(got, want, "service %s", names[i]);
		free(want);
		free(got);
		want = cJSON_PrintUnformatted(get(aj, "deployments"));
		got = cJSON_PrintUnformatted(get(svc, "deployments"));
		cr_assert_str_eq(got, want, "service %s", names[i]);
		free(want);
		free(got);
		/* and the repository alone has the same single service */
		want = cJSON_PrintUnformatted(get(aj, "dora"));
		got = cJSON_PrintUnformatted(get(aj, "services.0.dora"));
		cr_assert_str_eq(got, want);
		free(want);
		free(got);
		deploys += num(aj, "dora.deployment_frequency.deploys");
		cJSON_Delete(aj);
		free(alone);
	}
	/* 5 deployments each; alpha's v1.1 failed: its f1 change was reverted 12.75 days later (inside 14), shipped by v1.3 */
	cr_assert_eq(deploys, 15);
	cr_assert_eq(num(tj, "dora.deployment_frequency.deploys"), 15);
	cr_assert_eq(num(tj, "dora.change_failure_rate.failed"), 1);
	/* three repositories deploying on the same five days: five deploy days */
	cr_assert_eq(num(tj, "dora.deployment_frequency.deploy_days"), 5);
	cJSON_Delete(tj);
	for (int i = 0; i < 3; i++)
		free(repos[i]);
	free(team);
}

static char *sql_text(const char *db, const char *sql)
{
	char *cmd = xasprintf("sqlite3 '%s' \"%s\"", db, sql);
	FILE *p = popen(cmd, "r");
	free(cmd);
	struct strbuf sb = STRBUF_INIT;
	char buf[512];
	while (p && fgets(buf, sizeof buf, p))
		sb_add(&sb, buf);
	if (p)
		pclose(p);
	return sb_detach(&sb);
}

static const char *run_json(struct strbuf *sb, long id, const char *name, const char *repo)
{
	sb_addf(sb, "%s{\"id\": %ld, \"name\": \"%s\", \"run_attempt\": 1, \"status\": \"completed\", "
		"\"conclusion\": \"success\", \"head_branch\": \"main\", "
		"\"head_sha\": \"a1b2c3d4e5f60718293a4b5c6d7e8f9012345678\", \"created_at\": \"2026-02-20T10:00:00Z\", "
		"\"run_started_at\": \"2026-02-20T10:00:30Z\", \"updated_at\": \"2026-02-20T10:12:30Z\", "
		"\"html_url\": \"https://github.com/%s/actions/runs/%ld\"}", sb->buf[sb->len - 1] == '[' ? "" : ", ", id, name, repo, id);
	return sb_str(sb);
}

/* CI runs map to a service by repository (the GitHub owner/repo of the run,
 * the GitLab project path) and, in the monorepo, by workflow name; a run no
 * service claims is said in the summary and kept (with no service). */
Test(team, ci_runs_map_to_services)
{
	if (th_sh(home, "command -v sqlite3 >/dev/null") != 0)
		cr_skip("no sqlite3 shell");
	char *billing = th_make_repo(home, "billing"), *mono = th_make_repo(home, "mono");
	char *db = xasprintf("%s/team.db", home);
	run_ok(ARGS("--db", db, "service", "add", "billing", "--repo", billing));
	run_ok(ARGS("--db", db, "service", "add", "api", "--repo", mono, "--paths", "svc/api/*", "--origins",
		    "acme/mono", "--ci-names", "api-*"));
	run_ok(ARGS("--db", db, "service", "add", "web", "--repo", mono, "--paths", "svc/web/*", "--origins",
		    "acme/mono", "--ci-names", "web-*"));
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "{\"total_count\": 4, \"workflow_runs\": [");
	run_json(&sb, 101, "CI", "acme/billing");
	run_json(&sb, 102, "api-tests", "acme/mono");
	run_json(&sb, 103, "web-build", "ACME/mono");
	run_json(&sb, 104, "docs", "acme/mono");
	sb_add(&sb, "]}");
	char *runs = xasprintf("%s/runs.json", home);
	th_write(runs, sb_str(&sb));
	sb_free(&sb);
	struct th_run r = th_shipdeck(home, NULL, ARGS("--db", db, "build", "import", runs));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "  1 run no service claims (first: acme/mono, docs): kept with no service; give a "
			 "service --origins or --ci-names that match\n") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "  3 runs mapped to a service by repository and workflow name\n") != NULL, "%s", r.out);
	th_run_free(&r);
	char *got = sql_text(db, "SELECT group_concat(run_id || '=' || coalesce(service, 'none'), ' ') FROM "
				 "(SELECT * FROM builds ORDER BY run_id)");
	cr_assert_str_eq(got, "101=billing 102=api 103=web 104=none\n");
	free(got);
	/* --service on the list: the builds of that service only */
	r = th_shipdeck(home, NULL, ARGS("--db", db, "--now", "2026-02-21T00:00:00Z", "--service", "web", "build",
					 "list", "--json"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"103\"") != NULL && strstr(r.out, "\"102\"") == NULL, "%s", r.out);
	th_run_free(&r);
	/* a GitLab pipeline by its project path */
	char *gl = xasprintf("%s/gl.json", home);
	th_write(gl, "[{\"id\": 7001, \"iid\": 1, \"project_id\": 9, \"sha\": \"d4e5f60718293a4b5c6d7e8f9012345678901a2b\", "
		     "\"ref\": \"main\", \"status\": \"success\", \"created_at\": \"2026-02-20T10:00:00Z\", "
		     "\"updated_at\": \"2026-02-20T10:15:00Z\", \"started_at\": \"2026-02-20T10:00:05Z\", "
		     "\"finished_at\": \"2026-02-20T10:15:00Z\", \"duration\": 895, "
		     "\"web_url\": \"https://gitlab.example.com/acme/billing/-/pipelines/7001\"}]");
	r = th_shipdeck(home, NULL, ARGS("--db", db, "build", "import", gl));
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	got = sql_text(db, "SELECT coalesce(service, 'none') FROM builds WHERE run_id = '7001'");
	cr_assert_str_eq(got, "billing\n");
	free(got);
	free(gl);
	free(runs);
	free(db);
	free(billing);
	free(mono);
}

/* Every surface names a record's service with several services, as the
 * dashboard's cards and lists do (docs/metrics.md §13): the text and
 * markdown snapshots' features and deployments, and `feature list` (its
 * JSON as the snapshot's features[].service). A feature added with
 * --service api is api's; one added without names none ("-"). */
Test(team, the_snapshot_and_the_commands_name_the_service)
{
	char *repo = make_monorepo();
	char *db = xasprintf("%s/team.db", home);
	run_ok(ARGS("--db", db, "service", "add", "api", "--repo", repo, "--paths", "svc/api/*",
		    "--deploy-tags", "api-*"));
	run_ok(ARGS("--db", db, "service", "add", "web", "--repo", repo, "--paths", "svc/web/*",
		    "--deploy-tags", "web-*"));
	run_ok(ARGS("--db", db, "--service", "api", "feature", "add", "Checkout"));
	run_ok(ARGS("--db", db, "feature", "add", "Loose"));
	struct th_run r = th_shipdeck(home, NULL, ARGS("--db", db, "--now", NOW, "--snapshot", "--width", "100",
						       "--window-days", "90"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "  #1         [api] Checkout") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "  #2         [-] Loose") != NULL, "%s", r.out);
	/* the newest deployment, web-v3, with its service before the ref */
	cr_assert(strstr(r.out, "2026-01-12 10:00 web        web-v3 ") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "2026-01-11 12:00 api        api-v3 ") != NULL, "%s", r.out);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--db", db, "--now", NOW, "--snapshot", "--format", "markdown"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "| Phase | Key | Service | Title | Days | Flags |") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "| api | Checkout |") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "| Time (UTC) | Service | Deployment |") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "| 2026-01-12 10:00 | web | web-v3 |") != NULL, "%s", r.out);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--db", db, "--now", NOW, "feature", "list"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "   1  -           api         medium") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "   2  -           -           medium") != NULL, "%s", r.out);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--db", db, "--now", NOW, "feature", "list", "--json"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"service\": \"api\"") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "\"service\": null") != NULL, "%s", r.out);
	th_run_free(&r);
	free(db);
	free(repo);
}
