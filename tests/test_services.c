/* test_services — pins the team's services (issue 14, docs/metrics.md §13):
 * a database of the schema before services (version 4, records in every
 * table) migrates without loss, its records naming no service and the
 * repository shipdeck stands in being the one implicit service; the store
 * adds, finds (ignoring case), refuses a taken name and removes services,
 * and counts the records that name one; the path rule (fnmatch without
 * FNM_PATHNAME from the repository root, '!' excludes, exclusions alone
 * match every other path, none is the whole repository) and the origin rule
 * that maps imported records to a service; and through the real binary
 * `service add|list|show|rm`: bad names, globs and repositories are one
 * line and exit 2 with the database unchanged, `rm` asks (needs --yes off a
 * terminal) and says what it removes, the config's "services" are listed
 * beside the database's. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datafiles.h"
#include "helpers.h"
#include "services.h"
#include "store.h"
#include "store_services.h"
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

TestSuite(services, .init = setup, .fini = teardown, .timeout = 60);

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void expect_sql(const char *path, const char *sql, const char *want)
{
	char *got = th_sql_text(path, sql);
	cr_assert_str_eq(got, want, "%s", sql);
	free(got);
}

/* ---- migration ------------------------------------------------------------------ */

Test(services, a_database_of_today_migrates_into_the_implicit_service)
{
	char *repo = th_make_repo(home, "shop");
	char *db = xasprintf("%s/shop.db", home);
	cr_assert_eq(th_db_at_version(db, 4), 0);
	char *head = th_rev(repo, "HEAD");
	char *sql = xasprintf(
		"INSERT INTO features(id, key, title, created_at) VALUES (1, 'SHOP-1', 'Cart', 1);"
		"INSERT INTO builds(provider, run_id, status, commit_sha) VALUES ('github', '7', 'completed', '%s');"
		"INSERT INTO deployments(id, ref, commit_sha, env, at) VALUES (1, 'v1', '%s', 'production', 1767261600);"
		"INSERT INTO incidents(title, deployment_id, started_at, root_cause) VALUES ('down', 1, 1767265200, 'a typo');"
		"INSERT INTO reviews(subject, subject_id, question, answer, at) VALUES ('deploy', 1, 1, 'fine', 1);",
		head, head);
	cr_assert_eq(th_sql_exec(db, sql), 0);
	free(sql);

	struct th_run r = th_shipdeck(home, NULL, ARGS("--repo", repo, "--db", db, "service", "list", "--json"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* one implicit service: the repository shipdeck stands in */
	cr_assert(strstr(r.out, "{\"name\": \"shop\", \"repo\": \"") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "\"source\": \"implicit\", \"home\": true}") != NULL, "%s", r.out);
	th_run_free(&r);

	char *v = xasprintf("%d", store_schema_version());
	expect_sql(db, "PRAGMA user_version", v);
	free(v);
	/* every record is kept and names no service: it belongs to the home one */
	expect_sql(db, "SELECT key || ' ' || title || ' ' || coalesce(service, 'NULL') FROM features", "SHOP-1 Cart NULL");
	expect_sql(db, "SELECT run_id || ' ' || coalesce(service, 'NULL') FROM builds", "7 NULL");
	expect_sql(db, "SELECT ref || ' ' || coalesce(service, 'NULL') FROM deployments", "v1 NULL");
	expect_sql(db, "SELECT root_cause || ' ' || coalesce(service, 'NULL') FROM incidents", "a typo NULL");
	expect_sql(db, "SELECT answer || ' ' || coalesce(service, 'NULL') FROM reviews", "fine NULL");
	expect_sql(db, "SELECT count(*) FROM services", "0");

	/* the migrated database still shows what it showed: its deployment and
	 * its incident, through the one implicit service */
	r = th_shipdeck(home, NULL, ARGS("--repo", repo, "--db", db, "--now", "2026-01-02T10:00:00Z",
					 "--format", "json", "--snapshot"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"failed\": 1") != NULL, "%s", r.out);
	th_run_free(&r);

	/* a service added now that is the database's repository takes the old records */
	r = th_shipdeck(home, NULL, ARGS("--repo", repo, "--db", db, "service", "add", "web", "--repo", repo));
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--repo", repo, "--db", db, "service", "show", "WEB", "--json"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"home\": true}, \"records\": {\"features\": 1, \"builds\": 1, \"deployments\": 1, "
			 "\"incidents\": 1, \"reviews\": 1}") != NULL, "%s", r.out);
	th_run_free(&r);
	free(head);
	free(db);
	free(repo);
}

/* ---- the store ------------------------------------------------------------------- */

Test(services, store_adds_finds_refuses_and_removes)
{
	char *path = xasprintf("%s/s.db", home);
	char err[512];
	struct store *st = store_open(path, STORE_CREATE, err, sizeof err);
	cr_assert_not_null(st, "%s", err);
	struct service a = {.name = "api", .repo = "/r/api", .deploy_tags = "api-*", .paths = "svc/api/*",
			    .created_at = 5};
	cr_assert_eq(store_service_add(st, &a), 0, "%s", store_errmsg(st));
	/* a name is taken ignoring case */
	struct service b = {.name = "API", .repo = "/r/other", .created_at = 6};
	cr_assert_eq(store_service_add(st, &b), -1);
	/* a name with a space or a slash is refused by the table itself */
	struct service bad = {.name = "a b", .repo = "/r", .created_at = 6};
	cr_assert_eq(store_service_add(st, &bad), -1);
	cr_assert(strstr(store_errmsg(st), "name") != NULL, "%s", store_errmsg(st));
	struct service got;
	cr_assert_eq(store_service_get(st, "Api", &got), 1);
	cr_assert_str_eq(got.name, "api");
	cr_assert_str_eq(got.paths, "svc/api/*");
	cr_assert_null(got.branch);
	service_clear(&got);
	cr_assert_eq(th_sql_exec(path, "INSERT INTO features(title, created_at, service) VALUES ('x', 1, 'api'), ('y', 1, NULL)"), 0);
	struct service_counts k;
	cr_assert_eq(store_service_counts(st, "api", false, &k), 0);
	cr_assert_eq(k.features, 1);
	cr_assert_eq(store_service_counts(st, "api", true, &k), 0);
	cr_assert_eq(k.features, 2);
	cr_assert_eq(store_service_delete(st, "API"), 1);
	cr_assert_eq(store_service_delete(st, "api"), 0);
	/* its records are kept */
	expect_sql(path, "SELECT count(*) FROM features WHERE service = 'api'", "1");
	store_close(st);
	free(path);
}

/* ---- the rules -------------------------------------------------------------------- */

Test(services, path_rule)
{
	/* no paths: the whole repository */
	cr_assert(service_paths_match(NULL, "anything/at/all.c"));
	cr_assert(service_paths_match("", "x"));
	/* fnmatch without FNM_PATHNAME: '*' crosses '/', so "lib/" then '*' is all of lib/ */
	cr_assert(service_paths_match("lib/*", "lib/a/b/c.c"));
	cr_assert_not(service_paths_match("lib/*", "src/lib/a.c"));
	cr_assert_not(service_paths_match("lib/*", "libx/a.c"));
	/* several globs, spaces trimmed, '!' excludes */
	cr_assert(service_paths_match(" svc/api/* , shared/* ,!shared/web/*", "shared/proto/a.proto"));
	cr_assert_not(service_paths_match("svc/api/*,shared/*,!shared/web/*", "shared/web/x.js"));
	cr_assert_not(service_paths_match("svc/api/*", "svc/web/x.js"));
	/* exclusions alone: every other path */
	cr_assert(service_paths_match("!docs/*", "src/a.c"));
	cr_assert_not(service_paths_match("!docs/*", "docs/a.md"));
}

static struct service_set two_services(void)
{
	struct service_set set = {0};
	set.n = 3;
	set.s = xcalloc(3, sizeof *set.s);
	set.s[0] = (struct service){.name = xstrdup("api"), .repo = xstrdup("/src/mono"),
				    .origins = xstrdup("acme/mono"), .ci_names = xstrdup("api-*,!*nightly*")};
	set.s[1] = (struct service){.name = xstrdup("web"), .repo = xstrdup("/src/mono"),
				    .origins = xstrdup("acme/mono"), .ci_names = xstrdup("web-*")};
	set.s[2] = (struct service){.name = xstrdup("billing"), .repo = xstrdup("/src/billing.git")};
	set.home = -1;
	return set;
}

Test(services, origin_rule)
{
	struct service_set set = two_services();
	/* the monorepo's runs go by workflow name */
	cr_assert_eq(service_for_origin(&set, "acme/mono", "api-tests"), 0);
	cr_assert_eq(service_for_origin(&set, "ACME/Mono", "web-build"), 1);
	/* a name neither claims, or one the '!' takes away: no service */
	cr_assert_eq(service_for_origin(&set, "acme/mono", "docs"), -1);
	cr_assert_eq(service_for_origin(&set, "acme/mono", "api-nightly"), -1);
	/* without origins set: the repository's folder name, without .git */
	cr_assert_eq(service_for_origin(&set, "acme/billing", "anything"), 2);
	cr_assert_eq(service_for_origin(&set, "group/sub/billing", NULL), 2);
	cr_assert_eq(service_for_origin(&set, "acme/unknown", "api-tests"), -1);
	cr_assert_eq(service_for_origin(&set, NULL, "api-tests"), -1);
	service_set_free(&set);
	/* with no service configured, the implicit one takes everything */
	struct service_set one = {0};
	one.n = 1;
	one.s = xcalloc(1, sizeof *one.s);
	one.s[0] = (struct service){.name = xstrdup("shop"), .implicit = true};
	one.implicit = true;
	cr_assert_eq(service_for_origin(&one, "acme/whatever", NULL), 0);
	service_set_free(&one);
}

/* ---- the commands ---------------------------------------------------------------- */

static struct th_run sd(const char *db, const char *const *args)
{
	return th_shipdeck_db(home, db, args);
}

static void expect(struct th_run r, int status, const char *out_has, const char *err_has)
{
	cr_assert_eq(r.status, status, "status %d\nout: %s\nerr: %s", r.status, r.out, r.err);
	if (out_has)
		cr_assert(strstr(r.out, out_has) != NULL, "want <%s> in:\n%s", out_has, r.out);
	if (err_has)
		cr_assert(strstr(r.err, err_has) != NULL, "want <%s> in:\n%s", err_has, r.err);
	th_run_free(&r);
}

Test(services, commands_add_list_show_rm)
{
	char *mono = th_make_repo(home, "mono");
	char *db = xasprintf("%s/team.db", home);
	expect(sd(db, ARGS("service", "list")), 0, "(implicit: no service configured)", NULL);
	expect(sd(db, ARGS("service", "add", "api", "--repo", mono, "--paths", "svc/api/*,shared/*",
			   "--deploy-tags", "api-v*")), 0, "added service api: ", NULL);
	expect(sd(db, ARGS("service", "add", "web", "--repo", mono, "--paths", "svc/web/*", "--deploy-tags",
			   "web-v*", "--branch", "main")), 0, "added service web", NULL);
	/* bad input: one line, exit 2, nothing written */
	expect(sd(db, ARGS("service", "add", "a/b", "--repo", mono)), 2, NULL,
	       "service name 'a/b': use 1 to 64 letters");
	expect(sd(db, ARGS("service", "add", "x", "--repo", home)), 2, NULL, "not a git repository");
	expect(sd(db, ARGS("service", "add", "x", "--repo", mono, "--paths", "a/*,!")), 2, NULL,
	       "--paths 'a/*,!': '!' needs a glob after it");
	expect(sd(db, ARGS("service", "add", "API", "--repo", mono)), 2, NULL, "a service 'api' exists already");
	expect(sd(db, ARGS("service", "add", "x")), 2, NULL, NULL);
	expect_sql(db, "SELECT group_concat(name) FROM services", "api,web");

	char *list = xasprintf("api              %s  paths svc/api/*,shared/*\nweb              %s  paths svc/web/*\n",
			       mono, mono);
	expect(sd(db, ARGS("service", "list")), 0, list, NULL);
	free(list);
	expect(sd(db, ARGS("service", "show", "web")), 0, "deploy tags  web-v*\npaths        svc/web/*\nbranch       main\n",
	       NULL);
	expect(sd(db, ARGS("service", "show", "nope")), 2, NULL, "no service 'nope'");

	/* --service: a record added with it belongs to that service; an
	 * unknown service is one line, exit 2, nothing written */
	expect(sd(db, ARGS("--service", "WEB", "feature", "add", "Dark mode")), 0, NULL, NULL);
	expect(sd(db, ARGS("feature", "add", "Search", "--service", "api")), 0, NULL, NULL);
	expect(sd(db, ARGS("feature", "add", "Untagged")), 0, NULL, NULL);
	expect(sd(db, ARGS("--service", "nope", "feature", "add", "Lost")), 2, NULL,
	       "--service nope: no such service");
	expect_sql(db, "SELECT group_concat(title || '=' || coalesce(service, 'NULL'), ' ') FROM features",
		   "Dark mode=web Search=api Untagged=NULL");
	expect(sd(db, ARGS("service", "show", "web", "--json")), 0,
	       "\"records\": {\"features\": 1, \"builds\": 0", NULL);

	/* rm asks; off a terminal it needs --yes, and says what it removes */
	expect(sd(db, ARGS("service", "rm", "web")), 2, NULL,
	       "remove service web (its definition: ");
	expect(sd(db, ARGS("service", "rm", "web")), 2, NULL,
	       "its records stay in the database under its name (1 feature, 0 builds");
	expect_sql(db, "SELECT count(*) FROM services", "2");
	expect(sd(db, ARGS("service", "rm", "web", "--yes")), 0, "removed service web; its records are kept", NULL);
	expect_sql(db, "SELECT group_concat(name) FROM services", "api");

	/* the config's services are listed beside the database's, a relative
	 * repository relative to the config file; a taken name is ignored */
	char *cfg = xasprintf("%s/cfg.json", home);
	th_write(cfg, "{\"services\": [{\"name\": \"web\", \"repo\": \"mono\", \"paths\": [\"svc/web/*\"]},"
		      " {\"name\": \"api\", \"repo\": \"mono\"}, {\"repo\": \"mono\"}]}");
	struct th_run r = th_shipdeck(home, NULL, ARGS("--config", cfg, "--db", db, "service", "list", "--json"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *want = xasprintf("{\"name\": \"web\", \"repo\": \"%s/mono\", \"deploy_tags\": null, \"paths\": \"svc/web/*\"", home);
	cr_assert(strstr(r.out, want) != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "\"source\": \"config\"") != NULL, "%s", r.out);
	cr_assert(strstr(r.err, "config services[1]: a service 'api' is in the database already, ignored") != NULL,
		  "%s", r.err);
	cr_assert(strstr(r.err, "config services[2]: needs a \"name\"") != NULL, "%s", r.err);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--config", cfg, "--db", db, "service", "rm", "web", "--yes"));
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "defined in the config") != NULL, "%s", r.err);
	th_run_free(&r);
	free(want);
	free(cfg);
	free(db);
	free(mono);
}
