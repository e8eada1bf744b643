/* test_import_ops — pins `deploy import` and `incident import` on the
 * hand-written exports in tests/fixtures/ops (README there lists each
 * trap), every answer worked out by hand in the comments: GitHub
 * deployments whose state comes from their latest status (in two files, in
 * one, or none at all: in progress), "inactive" after a success, an id past
 * 2^53, upper-case hex and time offsets; GitLab's statuses that never
 * reached the environment and its tier; Argo CD's Helm revisions and
 * several sources; PagerDuty's merged incidents, custom priority names and
 * low urgency that does not page; Opsgenie's closeTime in milliseconds and
 * pages that overlap. Environment names and severities map as
 * docs/metrics.md §1b says, re-deployments of one commit fold into one.
 * Against a real SQLite file: a re-import updates and never duplicates, a
 * record typed with shipdeck wins, the first tool wins, a finished
 * deployment never goes back, an incident keeps what a person added. Through
 * the real binary on a real repository: imported deployments and incidents
 * enter the DORA figures with the tags, a bad record names its JSON path,
 * and a refused import leaves the database exactly as it was. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datafiles.h"
#include "helpers.h"
#include "import_ops.h"
#include "store.h"
#include "store_deploys.h"
#include "timeutil.h"
#include "util.h"

static char *dir;

static void setup(void)
{
	dir = th_tmpdir();
	setenv("XDG_CONFIG_HOME", dir, 1);
	setenv("XDG_DATA_HOME", dir, 1);
}

static void teardown(void)
{
	th_rmtree(dir);
	free(dir);
}

TestSuite(ops, .init = setup, .fini = teardown);

static char *fixture_path(const char *name)
{
	const char *src = getenv("SD_SRCDIR");
	return xasprintf("%s/tests/fixtures/ops/%s", src ? src : ".", name);
}

static int parse_text(const char *text, enum import_format f, struct ops_batch *b, char *err)
{
	return ops_parse(text, strlen(text), f, b, err, 512);
}

static void parse_fixture(const char *name, struct ops_batch *b)
{
	size_t len;
	char *path = fixture_path(name);
	char *text = read_file(path, &len);
	cr_assert_not_null(text, "cannot read %s", path);
	char err[512] = "";
	cr_assert_eq(ops_parse(text, len, IMPORT_AUTO, b, err, sizeof err), 0, "%s: %s", name, err);
	free(text);
	free(path);
}

static int64_t T(int y, int mo, int d, int h, int mi, int s)
{
	return time_from_utc(y, mo, d, h, mi, s);
}

static const struct deploy_rec *by_id(const struct ops_batch *b, const char *id)
{
	for (size_t i = 0; i < b->ndeploys; i++)
		if (streq(b->deploys[i].rec.source_id, id))
			return &b->deploys[i].rec;
	cr_assert_fail("no deployment %s", id);
	return NULL;
}

static const struct incident_rec *inc_by_id(const struct ops_batch *b, const char *id)
{
	for (size_t i = 0; i < b->nincidents; i++)
		if (streq(b->incidents[i].rec.source_id, id))
			return &b->incidents[i].rec;
	cr_assert_fail("no incident %s", id);
	return NULL;
}

static void want(const struct deploy_rec *d, const char *env, const char *status, int64_t at)
{
	cr_assert_str_eq(d->env, env, "deployment %s", d->source_id);
	cr_assert_str_eq(d->status, status, "deployment %s", d->source_id);
	cr_assert_eq(d->at, at, "deployment %s at %lld", d->source_id, (long long)d->at);
}

/* ---- GitHub ----------------------------------------------------------------- */

/* github-deployments.json (2 pages) with github-statuses.json (8 pages):
 * 101 A production: in_progress 09:01, success 09:05 -> succeeded at 09:05.
 * 102 B "prod": created 10:00+02:00, failure 08:10Z -> failed at 08:10Z.
 * 103 C "review/fix-login" -> left out (its status with it, unsaid).
 * 104 D staging: success 12:03, then inactive 13:00 -> succeeded at 12:03.
 * 105 A again (11-23, success 15:02) -> folded into 101, the first success.
 * 106 E "Production-EU", production_environment true -> production; only
 *     queued -> in progress, dated by its creation 07:59.
 * 107 F "live", no status at all -> in progress at its creation 09:00.
 * 9007199254740993 G (upper-case hex): error at 10:01-08:00 = 18:01Z.
 * A status of deployment 999 is in neither file: left out, said so.
 * Kept 6, left out 3 (103, 105, 999), 2 + 8 = 10 pages. */
Test(ops, github_deployments_and_statuses)
{
	struct ops_batch b = {.kind = IMPORT_KIND_DEPLOYMENTS};
	parse_fixture("github-deployments.json", &b);
	parse_fixture("github-statuses.json", &b);
	ops_settle(&b);
	cr_assert_eq(b.ndeploys, 6);
	cr_assert_eq(b.pages, 10);
	cr_assert_eq(b.nskipped, 2, "%s", sb_str(&b.skipped)); /* 999 is said when stored */
	cr_assert_eq(b.nstatuses, 1);
	cr_assert_str_eq(b.statuses[0].deployment_id, "999");
	const struct deploy_rec *d = by_id(&b, "101");
	want(d, "production", "succeeded", T(2026, 11, 20, 9, 5, 0));
	cr_assert_str_eq(d->origin, "octo/shop");
	cr_assert_str_eq(d->recorded_by, "alice");
	cr_assert_str_eq(d->source, "github");
	want(by_id(&b, "102"), "production", "failed", T(2026, 11, 21, 8, 10, 0));
	cr_assert_str_eq(by_id(&b, "102")->source_env, "prod");
	want(by_id(&b, "104"), "staging", "succeeded", T(2026, 11, 22, 12, 3, 0));
	want(by_id(&b, "106"), "production", "in-progress", T(2026, 11, 24, 7, 59, 0));
	want(by_id(&b, "107"), "production", "in-progress", T(2026, 11, 24, 9, 0, 0));
	d = by_id(&b, "9007199254740993");
	want(d, "production", "failed", T(2026, 11, 25, 18, 1, 0));
	cr_assert_str_eq(d->commit, "abcdefabcdefabcdefabcdefabcdefabcdefabcd");
	cr_assert(strstr(sb_str(&b.skipped), "page 1: [2]: environment \"review/fix-login\""),
		  "%s", sb_str(&b.skipped));
	cr_assert(strstr(sb_str(&b.skipped), "page 2: [0]: the same commit aaaaaaa to production"),
		  "%s", sb_str(&b.skipped));
	ops_batch_free(&b);
}

/* Without statuses every deployment is in progress, dated by its creation;
 * of A's two (101 at 11-20 09:00, 105 at 11-23 15:00) neither succeeded, so
 * the latest stands for the commit: 105. */
Test(ops, github_deployments_alone)
{
	struct ops_batch b = {.kind = IMPORT_KIND_DEPLOYMENTS};
	parse_fixture("github-deployments.json", &b);
	ops_settle(&b);
	cr_assert_eq(b.ndeploys, 6);
	want(by_id(&b, "105"), "production", "in-progress", T(2026, 11, 23, 15, 0, 0));
	want(by_id(&b, "102"), "production", "in-progress", T(2026, 11, 21, 8, 0, 0));
	ops_batch_free(&b);
}

/* github-combined.json: 201's statuses inside it, success 09:04 after
 * pending 09:00:30 (listed newest first, as the API lists them) ->
 * succeeded at 09:04; 202 with "statuses": [] -> in progress at 10:00. */
Test(ops, github_combined)
{
	struct ops_batch b = {.kind = IMPORT_KIND_DEPLOYMENTS};
	parse_fixture("github-combined.json", &b);
	ops_settle(&b);
	cr_assert_eq(b.ndeploys, 2);
	want(by_id(&b, "201"), "production", "succeeded", T(2026, 11, 26, 9, 4, 0));
	want(by_id(&b, "202"), "production", "in-progress", T(2026, 11, 26, 10, 0, 0));
	ops_batch_free(&b);
}

/* ---- GitLab ------------------------------------------------------------------- */

/* gitlab-deployments.json (2 pages):
 * 41 H success, created 10:00:00.123+01:00, finished 09:04:30Z -> 09:04:30.
 * 42 I running -> in progress at its creation 08:00.
 * 43 J "review/feat-x" -> left out.
 * 44 K "prod-eu" with tier production, failed, finished_at null ->
 *    dated by updated_at 07:06.
 * 45 H again -> folded into 41.  46 canceled, 47 created -> left out.
 * 48 N "stage" success finished 12:02 -> staging.
 * Kept 4, left out 4. The project is the pipeline page's path. */
Test(ops, gitlab_deployments)
{
	struct ops_batch b = {.kind = IMPORT_KIND_DEPLOYMENTS};
	parse_fixture("gitlab-deployments.json", &b);
	ops_settle(&b);
	cr_assert_eq(b.ndeploys, 4);
	cr_assert_eq(b.nskipped, 4, "%s", sb_str(&b.skipped));
	const struct deploy_rec *d = by_id(&b, "41");
	want(d, "production", "succeeded", T(2026, 11, 20, 9, 4, 30));
	cr_assert_str_eq(d->origin, "group/shop");
	cr_assert_str_eq(d->recorded_by, "carol");
	cr_assert_str_eq(d->url, "https://gitlab.example.com/group/shop/-/jobs/741");
	want(by_id(&b, "42"), "production", "in-progress", T(2026, 11, 21, 8, 0, 0));
	want(by_id(&b, "44"), "production", "failed", T(2026, 11, 22, 7, 6, 0));
	want(by_id(&b, "48"), "staging", "succeeded", T(2026, 11, 24, 12, 2, 0));
	cr_assert(strstr(sb_str(&b.skipped), "page 2: [1]: status canceled"), "%s", sb_str(&b.skipped));
	ops_batch_free(&b);
}

/* ---- Argo CD --------------------------------------------------------------------- */

/* argocd-history.json with --origin shop-api:
 * id 0 O deployed 11-20 11:00 by bob -> succeeded, ref "main".
 * id 1 revision 1.4.2 (a Helm chart) -> left out.
 * id 2 revisions [P, "0.3.1"]: one commit -> P at 12:00+05:30 = 06:30Z.
 * id 3 O again -> folded into id 0.  id 4 two commits -> left out. */
Test(ops, argocd_history)
{
	struct ops_batch b = {.kind = IMPORT_KIND_DEPLOYMENTS, .origin = "shop-api"};
	parse_fixture("argocd-history.json", &b);
	ops_settle(&b);
	cr_assert_eq(b.ndeploys, 2);
	cr_assert_eq(b.nskipped, 3, "%s", sb_str(&b.skipped));
	const struct deploy_rec *d = by_id(&b, "shop-api#0");
	want(d, "production", "succeeded", T(2026, 11, 20, 11, 0, 0));
	cr_assert_str_eq(d->ref, "main");
	cr_assert_str_eq(d->recorded_by, "bob");
	d = by_id(&b, "shop-api#2");
	want(d, "production", "succeeded", T(2026, 11, 21, 6, 30, 0));
	cr_assert_str_eq(d->recorded_by, "automated");
	ops_batch_free(&b);
}

/* argocd-app.json (`app get`): history id 5 S at 11-24 10:00; the failed
 * sync of T now (operationState, started 10:00, finished 10:02) -> a failed
 * deployment at 10:02. The application's name and namespace come from the
 * file; --env staging puts both in staging. */
Test(ops, argocd_app)
{
	struct ops_batch b = {.kind = IMPORT_KIND_DEPLOYMENTS, .origin = "ignored", .env = "staging"};
	parse_fixture("argocd-app.json", &b);
	ops_settle(&b);
	cr_assert_eq(b.ndeploys, 2);
	const struct deploy_rec *d = by_id(&b, "shop-web#5");
	want(d, "staging", "succeeded", T(2026, 11, 24, 10, 0, 0));
	cr_assert_str_eq(d->origin, "shop-web");
	cr_assert_str_eq(d->source_env, "shop-prod");
	want(by_id(&b, "shop-web#sync@2026-11-25T10:00:00Z"), "staging", "failed",
	     T(2026, 11, 25, 10, 2, 0));
	ops_batch_free(&b);
}

/* ---- PagerDuty and Opsgenie ------------------------------------------------------ */

/* pagerduty-incidents.json (2 pages):
 * PABC001 P1 -> sev1; 09:30 to resolved_at 10:15 (45 min); high urgency
 *   pages at once: paged 09:30.
 * PABC002 low urgency, no priority -> sev3, open, never paged; created
 *   09:00-05:00 = 14:00Z.
 * PABC003 merged into PABC001 -> left out.
 * PABC004 "SEV-2" -> sev2; no resolved_at: last_status_change_at 08:20.
 * page 2 repeats PABC004 -> left out once.
 * PABC005 "Critical" says no level: high urgency -> sev2, open. */
Test(ops, pagerduty)
{
	struct ops_batch b = {.kind = IMPORT_KIND_INCIDENTS};
	parse_fixture("pagerduty-incidents.json", &b);
	cr_assert_eq(b.nincidents, 4);
	cr_assert_eq(b.nskipped, 2, "%s", sb_str(&b.skipped));
	const struct incident_rec *i = inc_by_id(&b, "PABC001");
	cr_assert_str_eq(i->severity, "sev1");
	cr_assert_eq(i->started, T(2026, 11, 20, 9, 30, 0));
	cr_assert_eq(i->detected, i->started);
	cr_assert_eq(i->paged, i->started);
	cr_assert_eq(i->restored, T(2026, 11, 20, 10, 15, 0));
	cr_assert_str_eq(i->origin, "Shop API");
	cr_assert_str_eq(i->url, "https://acme.pagerduty.com/incidents/PABC001");
	i = inc_by_id(&b, "PABC002");
	cr_assert_str_eq(i->severity, "sev3");
	cr_assert_eq(i->started, T(2026, 11, 21, 14, 0, 0));
	cr_assert_eq(i->paged, SD_NO_TIME);
	cr_assert_eq(i->restored, SD_NO_TIME);
	i = inc_by_id(&b, "PABC004");
	cr_assert_str_eq(i->severity, "sev2");
	cr_assert_eq(i->restored, T(2026, 11, 22, 8, 20, 0));
	i = inc_by_id(&b, "PABC005");
	cr_assert_str_eq(i->severity, "sev2");
	cr_assert_eq(i->restored, SD_NO_TIME);
	cr_assert(strstr(sb_str(&b.skipped), "incidents[2]: merged into incident PABC001"), "%s",
		  sb_str(&b.skipped));
	ops_batch_free(&b);
}

/* opsgenie-alerts.json:
 * ...e1 P1, created 09:00:00.436, closeTime 3 600 000 ms -> restored
 *   10:00:00 (the milliseconds cut), entity shop-api.
 * ...e2 P5 -> sev4, open though acknowledged; count 79 is one alert; no
 *   entity: the source, Datadog.
 * ...e3 P3, created 10:00+01:00 = 09:00Z, no report: updatedAt 10:30Z;
 *   an empty entity gives way to the source.
 * data[3] repeats ...e1 -> left out. */
Test(ops, opsgenie)
{
	struct ops_batch b = {.kind = IMPORT_KIND_INCIDENTS};
	parse_fixture("opsgenie-alerts.json", &b);
	cr_assert_eq(b.nincidents, 3);
	cr_assert_eq(b.nskipped, 1);
	const struct incident_rec *i = inc_by_id(&b, "70413a06-38d6-4c85-92b8-5ebc900d42e1");
	cr_assert_str_eq(i->severity, "sev1");
	cr_assert_eq(i->started, T(2026, 11, 20, 9, 0, 0));
	cr_assert_eq(i->restored, T(2026, 11, 20, 10, 0, 0));
	cr_assert_str_eq(i->origin, "shop-api");
	i = inc_by_id(&b, "70413a06-38d6-4c85-92b8-5ebc900d42e2");
	cr_assert_str_eq(i->severity, "sev4");
	cr_assert_eq(i->restored, SD_NO_TIME);
	cr_assert_str_eq(i->origin, "Datadog");
	i = inc_by_id(&b, "70413a06-38d6-4c85-92b8-5ebc900d42e3");
	cr_assert_str_eq(i->severity, "sev3");
	cr_assert_eq(i->started, T(2026, 11, 21, 9, 0, 0));
	cr_assert_eq(i->restored, T(2026, 11, 21, 10, 30, 0));
	cr_assert_str_eq(i->origin, "Isengard");
	ops_batch_free(&b);
}

/* ---- names, formats, bad records ---------------------------------------------------- */

Test(ops, severity_names)
{
	cr_assert_str_eq(ops_severity_of_priority("P1"), "sev1");
	cr_assert_str_eq(ops_severity_of_priority("p4"), "sev4");
	cr_assert_str_eq(ops_severity_of_priority("P5"), "sev4");
	cr_assert_str_eq(ops_severity_of_priority("SEV-1"), "sev1");
	cr_assert_str_eq(ops_severity_of_priority("Sev 2"), "sev2");
	cr_assert_str_eq(ops_severity_of_priority("S3"), "sev3");
	cr_assert_null(ops_severity_of_priority("Critical"));
	cr_assert_null(ops_severity_of_priority("P12"));
	cr_assert_null(ops_severity_of_priority("P0"));
}

/* The config wins over the built-in names and over GitHub's own mark. */
Test(ops, environment_config)
{
	char err[256];
	struct ops_envmap *m = ops_envmap_load("{\"prod-eu\": \"production\", \"QA\": \"staging\","
					       " \"production\": \"skip\"}", err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	bool cfg;
	cr_assert_str_eq(ops_env_map(m, "PROD-EU", &cfg), "production");
	cr_assert(cfg);
	cr_assert_str_eq(ops_env_map(m, "qa", &cfg), "staging");
	cr_assert_null(ops_env_map(m, "production", &cfg));
	cr_assert(cfg);
	cr_assert_str_eq(ops_env_map(m, "Live", &cfg), "production");
	cr_assert_null(ops_env_map(m, "dev", &cfg));
	struct ops_batch b = {.kind = IMPORT_KIND_DEPLOYMENTS, .envs = m};
	parse_fixture("github-deployments.json", &b);
	/* 101, 105 and G say "production" (skip), 106's "Production-EU" is no
	 * config name: production_environment decides. */
	cr_assert(strstr(sb_str(&b.skipped), "(config environments: skip)"), "%s", sb_str(&b.skipped));
	ops_settle(&b);
	cr_assert_eq(b.ndeploys, 4);
	by_id(&b, "106");
	ops_batch_free(&b);
	ops_envmap_free(m);
	cr_assert_null(ops_envmap_load("{\"x\": \"prod\"}", err, sizeof err));
	cr_assert(strstr(err, "\"x\" must map to production, staging or skip"), "%s", err);
}

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"

Test(ops, formats_and_errors)
{
	struct ops_batch b = {.kind = IMPORT_KIND_DEPLOYMENTS};
	char err[512] = "";
	cr_assert_eq(parse_text("{\"incidents\": []}", IMPORT_AUTO, &b, err), -1);
	cr_assert_str_eq(err, "not a known deployment export (formats: github-deployments, gitlab-deployments,"
			 " argocd);"
			 " use --format to name one");
	cr_assert_eq(parse_text("[]", IMPORT_AUTO, &b, err), 0, "%s", err);
	cr_assert_eq(b.formats, 0u);
	/* one format per file */
	const char *mixed = "[{\"id\": 1, \"sha\": \"" SHA_A "\", \"environment\": \"production\","
			    " \"task\": \"deploy\", \"created_at\": \"2026-11-20T09:00:00Z\"}]\n"
			    "[{\"id\": 2, \"sha\": \"" SHA_A "\", \"status\": \"success\","
			    " \"environment\": {\"name\": \"production\"}, \"created_at\": \"2026-11-20T09:00:00Z\"}]";
	cr_assert_eq(parse_text(mixed, IMPORT_AUTO, &b, err), -1);
	cr_assert_str_eq(err, "page 2: a gitlab-deployments page after github-deployments pages: one"
			 " format per file");
	cr_assert_eq(b.ndeploys, 0);
	/* a bad record names its page and JSON path; nested statuses too */
	const char *bad = "[]\n[{\"id\": 1, \"sha\": \"abc\", \"environment\": \"production\","
			  " \"task\": \"deploy\", \"created_at\": \"2026-11-20T09:00:00Z\"}]";
	cr_assert_eq(parse_text(bad, IMPORT_AUTO, &b, err), -1);
	cr_assert_str_eq(err, "page 2: [0].sha: not a full commit id (40 hex digits)");
	const char *nested = "[{\"id\": 1, \"sha\": \"" SHA_A "\", \"environment\": \"production\","
			     " \"task\": \"deploy\", \"created_at\": \"2026-11-20T09:00:00Z\", \"statuses\":"
			     " [{\"id\": 5, \"state\": \"success\", \"created_at\": \"2026-11-20T09:01:00Z\"},"
			     " {\"id\": 6, \"state\": \"exploded\", \"created_at\": \"2026-11-20T09:02:00Z\"}]}]";
	cr_assert_eq(parse_text(nested, IMPORT_AUTO, &b, err), -1);
	cr_assert_str_eq(err, "[0].statuses[1].state: unknown state \"exploded\"");
	cr_assert_eq(b.ndeploys, 0);
	cr_assert_eq(b.nstatuses, 0);
	/* with skip_bad the bad status is listed and the rest kept */
	b.skip_bad = true;
	cr_assert_eq(parse_text(nested, IMPORT_AUTO, &b, err), 0, "%s", err);
	cr_assert_eq(b.ndeploys, 1);
	cr_assert_eq(b.nstatuses, 1);
	cr_assert_eq(b.nbad, 1);
	ops_settle(&b);
	want(&b.deploys[0].rec, "production", "succeeded", T(2026, 11, 20, 9, 1, 0));
	ops_batch_free(&b);
	/* incidents: the deployment formats are not incident formats */
	struct ops_batch i = {.kind = IMPORT_KIND_INCIDENTS};
	cr_assert_eq(parse_text("{\"incidents\": [{\"id\": \"P1\", \"title\": \"x\", \"status\":"
				" \"resolved\", \"created_at\": \"2026-11-20T09:00:00Z\"}]}", IMPORT_AUTO, &i,
				err), -1);
	cr_assert_str_eq(err, "incidents[0].resolved_at: missing for a resolved incident (and no"
			 " last_status_change_at)");
	cr_assert_eq(parse_text("{\"incidents\": [{\"id\": \"P1\", \"title\": \"x\", \"status\":"
				" \"resolved\", \"created_at\": \"2026-11-20T09:00:00Z\", \"resolved_at\":"
				" \"2026-11-20T08:00:00Z\"}]}", IMPORT_AUTO, &i, err), -1);
	cr_assert(strstr(err, "incidents[0]: restored"), "%s", err);
	cr_assert_eq(parse_text(mixed, IMPORT_GITHUB_DEPLOYMENTS, &i, err), -1);
	cr_assert_str_eq(err, "unknown format");
	cr_assert_eq(parse_text(mixed, IMPORT_AUTO, &i, err), -1);
	cr_assert_str_eq(err, "page 1: not a known incident export (formats: pagerduty, opsgenie);"
			 " use --format to name one");
	ops_batch_free(&i);
}

/* ---- the store ------------------------------------------------------------------------ */

static struct store *open_db(void)
{
	char err[512] = "";
	char *path = xasprintf("%s/ops.db", dir);
	struct store *st = store_open(path, STORE_CREATE, err, sizeof err);
	cr_assert_not_null(st, "%s", err);
	free(path);
	return st;
}

/* Parses the fixtures named (NULL-terminated) as one import and stores it. */
static struct ops_counts import(struct store *st, enum import_kind kind, struct strbuf *skipped, ...)
{
	struct ops_batch b = {.kind = kind, .origin = "shop-api"};
	va_list ap;
	va_start(ap, skipped);
	for (const char *name; (name = va_arg(ap, const char *)) != NULL;)
		parse_fixture(name, &b);
	va_end(ap);
	ops_settle(&b);
	struct ops_counts c;
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(ops_store(st, &b, &c), 0, "%s", store_errmsg(st));
	cr_assert_eq(store_commit(st), 0);
	if (skipped)
		sb_add(skipped, sb_str(&b.skipped));
	ops_batch_free(&b);
	return c;
}

static struct deploy_rec find(struct store *st, const char *commit, const char *env)
{
	struct deploy_rec d = {0};
	cr_assert_eq(store_deploy_find(st, commit, env, &d), 1, "no %s to %s", commit, env);
	return d;
}

/* Deployments first (all in progress), then their statuses in a second
 * import: the stored rows are completed, not duplicated; A's row becomes
 * 101 (the first success) though 105 stood for it before. Again: nothing
 * changes. The status of 999 is said, nothing else. */
Test(ops, store_reimport_and_statuses_later)
{
	struct store *st = open_db();
	struct ops_counts c = import(st, IMPORT_KIND_DEPLOYMENTS, NULL, "github-deployments.json", NULL);
	cr_assert_eq(c.added, 6);
	struct deploy_rec d = find(st, SHA_A, "production");
	cr_assert_str_eq(d.status, "in-progress");
	cr_assert_str_eq(d.source_id, "105");
	deploy_rec_free(&d);
	struct strbuf sk = STRBUF_INIT;
	c = import(st, IMPORT_KIND_DEPLOYMENTS, &sk, "github-statuses.json", NULL);
	/* statuses of 101 (not in this import: stored as 105), 102, 104, 105,
	 * 106, G update their rows; 101's own statuses find no row under 101. */
	cr_assert(strstr(sb_str(&sk), "deployment 999, which is neither"), "%s", sb_str(&sk));
	d = find(st, SHA_A, "production");
	cr_assert_str_eq(d.status, "succeeded");
	deploy_rec_free(&d);
	sb_free(&sk);
	c = import(st, IMPORT_KIND_DEPLOYMENTS, NULL, "github-deployments.json", "github-statuses.json", NULL);
	cr_assert_eq(c.added, 0);
	d = find(st, SHA_A, "production");
	cr_assert_str_eq(d.source_id, "101");
	cr_assert_eq(d.at, T(2026, 11, 20, 9, 5, 0));
	deploy_rec_free(&d);
	c = import(st, IMPORT_KIND_DEPLOYMENTS, NULL, "github-deployments.json", "github-statuses.json", NULL);
	cr_assert_eq(c.added + c.updated, 0);
	cr_assert_eq(c.unchanged, 6);
	struct deploy_rec *all;
	size_t n;
	cr_assert_eq(store_deploys_list(st, NULL, &all, &n), 0);
	cr_assert_eq(n, 6);
	deploy_recs_free(all, n);
	/* an older export (no statuses: in progress) never undoes a finish */
	c = import(st, IMPORT_KIND_DEPLOYMENTS, NULL, "github-deployments.json", NULL);
	d = find(st, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", "production");
	cr_assert_str_eq(d.status, "failed");
	cr_assert_eq(d.at, T(2026, 11, 21, 8, 10, 0));
	deploy_rec_free(&d);
	store_close(st);
}

/* docs/metrics.md §1b: a record typed with shipdeck wins over an import,
 * and the first tool imported wins over another. Argo CD's O commit
 * ("aaa...2") is recorded by hand first; GitLab's H ("999...1") is
 * imported from GitLab first, then Argo CD claims nothing of it. */
Test(ops, store_record_and_first_tool_win)
{
	struct store *st = open_db();
	struct deploy_rec rec = {.ref = "v2.0.0", .commit = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2",
				 .env = "production", .rollout = 100, .status = "succeeded",
				 .kind = "hotfix", .at = T(2026, 11, 20, 12, 0, 0)};
	cr_assert_eq(store_deploy_insert(st, &rec), 0);
	struct strbuf sk = STRBUF_INIT;
	struct ops_counts c = import(st, IMPORT_KIND_DEPLOYMENTS, &sk, "argocd-history.json", NULL);
	cr_assert_eq(c.added, 1);       /* P only */
	cr_assert(strstr(sb_str(&sk), "is deployment 1, recorded with shipdeck: the record wins"),
		  "%s", sb_str(&sk));
	struct deploy_rec d = find(st, rec.commit, "production");
	cr_assert_null(d.source);
	cr_assert_str_eq(d.ref, "v2.0.0");
	cr_assert_eq(d.at, rec.at);
	deploy_rec_free(&d);
	sb_free(&sk);
	c = import(st, IMPORT_KIND_DEPLOYMENTS, NULL, "gitlab-deployments.json", NULL);
	cr_assert_eq(c.added, 4);
	/* what a person set on an imported deployment stays on re-import */
	d = find(st, "9999999999999999999999999999999999999991", "production");
	free(d.kind);
	d.kind = xstrdup("hotfix");
	cr_assert_eq(store_deploy_update(st, &d), 0);
	deploy_rec_free(&d);
	c = import(st, IMPORT_KIND_DEPLOYMENTS, NULL, "gitlab-deployments.json", NULL);
	cr_assert_eq(c.unchanged, 4);
	d = find(st, "9999999999999999999999999999999999999991", "production");
	cr_assert_str_eq(d.kind, "hotfix");
	cr_assert_str_eq(d.source, "gitlab");
	deploy_rec_free(&d);
	store_close(st);
}

/* Incidents: linked by time as `incident open` links (PABC001 at 11-20
 * 09:30 -> the GitHub deployment of A at 09:05; PABC002 at 11-21 14:00 ->
 * B at 08:10); a re-import changes nothing; what a person added (root
 * cause, decision, a corrected detection) stays, while the tool's title
 * and severity are the tool's. */
Test(ops, store_incidents)
{
	struct store *st = open_db();
	import(st, IMPORT_KIND_DEPLOYMENTS, NULL, "github-deployments.json", "github-statuses.json", NULL);
	struct ops_counts c = import(st, IMPORT_KIND_INCIDENTS, NULL, "pagerduty-incidents.json", NULL);
	cr_assert_eq(c.added, 4);
	struct incident_rec i = {0};
	cr_assert_eq(store_incident_find_source(st, "pagerduty", "PABC001", &i), 1);
	struct deploy_rec a = find(st, SHA_A, "production");
	cr_assert_eq(i.deployment_id, a.id);
	cr_assert(i.linked_auto);
	deploy_rec_free(&a);
	i.detected = T(2026, 11, 20, 9, 35, 0);
	i.paged = T(2026, 11, 20, 9, 36, 0);
	i.decision = xstrdup("rollback");
	i.decided = T(2026, 11, 20, 9, 50, 0);
	i.cause = xstrdup("a bad cache key");
	free(i.severity);
	i.severity = xstrdup("sev3");
	cr_assert_eq(store_incident_update(st, &i), 0);
	incident_rec_free(&i);
	c = import(st, IMPORT_KIND_INCIDENTS, NULL, "pagerduty-incidents.json", NULL);
	cr_assert_eq(c.added, 0);
	cr_assert_eq(c.updated, 1);     /* the severity goes back to the tool's */
	cr_assert_eq(c.unchanged, 3);
	cr_assert_eq(store_incident_find_source(st, "pagerduty", "PABC001", &i), 1);
	cr_assert_str_eq(i.severity, "sev1");
	cr_assert_str_eq(i.cause, "a bad cache key");
	cr_assert_str_eq(i.decision, "rollback");
	cr_assert_eq(i.detected, T(2026, 11, 20, 9, 35, 0));
	incident_rec_free(&i);
	c = import(st, IMPORT_KIND_INCIDENTS, NULL, "opsgenie-alerts.json", NULL);
	cr_assert_eq(c.added, 3);
	struct incident_rec *all;
	size_t n;
	cr_assert_eq(store_incidents_list(st, &all, &n), 0);
	cr_assert_eq(n, 7);
	incident_recs_free(all, n);
	store_close(st);
}

/* The migration that added the source columns, found by its text so that a
 * renumbering cannot fool the test. */
static int source_migration(const char *schema)
{
	const char *at = strstr(schema, "ALTER TABLE deployments ADD COLUMN source TEXT");
	cr_assert_not_null(at);
	int n = 0;
	for (const char *p = schema; (p = strstr(p, "-- migration ")) && p < at; p++)
		n = atoi(p + strlen("-- migration "));
	return n;
}

/* A database of the version before: a deployment and an incident typed
 * with shipdeck come through the migration as they were, their source
 * NULL ("record"), and an import then sits beside them. */
Test(ops, migration_keeps_records)
{
	const char *schema = data_file("schema.sql", NULL);
	int before = source_migration(schema) - 1;
	char *path = xasprintf("%s/ops.db", dir);
	cr_assert_eq(th_db_at_version(path, before), 0);
	char *sql = xasprintf("INSERT INTO deployments (ref, commit_sha, env, at) VALUES ('v1', '%s',"
			      " 'production', 100);"
			      " INSERT INTO incidents (title, started_at, deployment_id) VALUES ('down', 200, 1);",
			      SHA_A);
	cr_assert_eq(th_sql_exec(path, sql), 0);
	free(sql);
	free(path);
	struct store *st = open_db();
	struct deploy_rec d = find(st, SHA_A, "production");
	cr_assert_str_eq(d.ref, "v1");
	cr_assert_null(d.source);
	cr_assert_str_eq(deploylog_source(d.source), "record");
	deploy_rec_free(&d);
	struct incident_rec i = {0};
	cr_assert_eq(store_incident_get(st, 1, &i), 1);
	cr_assert_str_eq(i.title, "down");
	cr_assert_null(i.source);
	incident_rec_free(&i);
	struct ops_counts c = import(st, IMPORT_KIND_INCIDENTS, NULL, "opsgenie-alerts.json", NULL);
	cr_assert_eq(c.added, 3);
	store_close(st);
}

/* ---- the real binary on a real repository ----------------------------------------------- */

static char *home, *repo, *sha1, *sha2, *sha3;

static void cli_setup(void)
{
	home = th_tmpdir();
	repo = th_make_repo(home, "shop");
	/* v1.0.0 on the first commit (a tag deployment); two more commits that
	 * only GitHub's deployments know about. */
	th_git(repo, "2026-11-20T08:00:00+0000", "tag v1.0.0");
	th_git(repo, "2026-11-21T08:00:00+0000", "commit -q --allow-empty -m 'Gift cards'");
	th_git(repo, "2026-11-22T08:00:00+0000", "commit -q --allow-empty -m 'Wishlist'");
	sha1 = th_rev(repo, "v1.0.0");
	sha2 = th_rev(repo, "HEAD~1");
	sha3 = th_rev(repo, "HEAD");
}

static void cli_teardown(void)
{
	th_rmtree(home);
	free(home);
	free(repo);
	free(sha1);
	free(sha2);
	free(sha3);
}

TestSuite(cli, .init = cli_setup, .fini = cli_teardown, .timeout = 60);

#define NOW "2026-11-27T12:00:00Z"
#define RUN(...) th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", NOW, __VA_ARGS__, NULL})

static char *write_github(const char *name, const char *body)
{
	char *path = xasprintf("%s/%s", home, name);
	th_write(path, body);
	return path;
}

static char *github_of(const char *id, const char *sha, const char *env, const char *created,
		       const char *state, const char *at)
{
	return xasprintf("{\"id\": %s, \"sha\": \"%s\", \"ref\": \"main\", \"task\": \"deploy\","
			 " \"environment\": \"%s\", \"created_at\": \"%s\", \"repository_url\":"
			 " \"https://api.github.com/repos/octo/shop\", \"statuses\": [{\"id\": 9%s,"
			 " \"state\": \"%s\", \"created_at\": \"%s\"}]}", id, sha, env, created, id,
			 state, at);
}

/* The tag v1.0.0 (11-20 08:00) and GitHub's deployments of the next two
 * commits (11-21 09:00 succeeded, 11-22 09:00 failed) are three
 * deployments in one computation: 3 deploys, 1 failed = 33.3 %. GitHub's
 * deployment of v1.0.0's own commit at 11-20 10:00 replaces the tag's time
 * as a record does (docs/metrics.md §1) and says "github". An incident
 * imported from PagerDuty at 11-21 10:00 links to the 11-21 deployment by
 * time: it fails too (2 of 3), restored after 30 min. */
Test(cli, imports_enter_dora)
{
	char *d1 = github_of("1", sha1, "production", "2026-11-20T10:00:00Z", "success", "2026-11-20T10:00:00Z");
	char *d2 = github_of("2", sha2, "prod", "2026-11-21T09:00:00Z", "success", "2026-11-21T09:00:00Z");
	char *d3 = github_of("3", sha3, "live", "2026-11-22T09:00:00Z", "failure", "2026-11-22T09:00:00Z");
	char *body = xasprintf("[%s, %s]\n[%s]\n", d1, d2, d3);
	char *path = write_github("gh.json", body);
	struct th_run r = RUN("deploy", "import", path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "imported 3 deployments (3 new, 0 updated) from "), "%s", r.out);
	cr_assert(strstr(r.out, "[github-deployments, 2 pages]"), "%s", r.out);
	th_run_free(&r);
	r = RUN("--snapshot", "--format", "json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"deploys\": 3"), "%s", r.out);
	cr_assert(strstr(r.out, "\"failed\": 1"), "%s", r.out);
	cr_assert(strstr(r.out, "\"rate\": 33.33"), "%s", r.out);
	cr_assert(strstr(r.out, "\"ref\": \"v1.0.0\", \"commit\": \""), "%s", r.out);
	cr_assert(strstr(r.out, "\"time\": \"2026-11-20T10:00:00Z\", \"source\": \"github\","
			 " \"origin\": \"octo/shop\""), "%s", r.out);
	cr_assert(!strstr(r.out, "\"source\": \"tag\""), "%s", r.out);
	th_run_free(&r);
	char *pd = write_github("pd.json", "{\"incidents\": [{\"id\": \"PX1\", \"title\": \"Cart \\u001b[31mred\","
			       " \"status\": \"resolved\", \"urgency\": \"high\", \"created_at\":"
			       " \"2026-11-21T11:00:00+01:00\", \"resolved_at\": \"2026-11-21T10:30:00Z\","
			       " \"service\": {\"summary\": \"Shop\"}}]}");
	r = RUN("incident", "import", pd);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "imported 1 incident (1 new, 0 updated) from "), "%s", r.out);
	th_run_free(&r);
	r = RUN("--snapshot");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "(from pagerduty)"), "%s", r.out);
	cr_assert(!strchr(r.out, '\x1b'), "a control character reached the terminal");
	th_run_free(&r);
	r = RUN("--snapshot", "--format", "json");
	cr_assert(strstr(r.out, "\"failed\": 2"), "%s", r.out);
	cr_assert(strstr(r.out, "\"source\": \"pagerduty\", \"origin\": \"Shop\""), "%s", r.out);
	th_run_free(&r);
	r = RUN("deploy", "list", "--json");
	cr_assert(strstr(r.out, "\"source\": \"github\", \"source_id\": \"2\", \"origin\": \"octo/shop\","
			 " \"source_env\": \"prod\""), "%s", r.out);
	th_run_free(&r);
	/* recorded by hand afterwards, the deployment is a record, and the
	 * record wins over the next import (docs/metrics.md §1b) */
	r = RUN("deploy", "record", sha3, "--env", "production", "--status", "succeeded");
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	r = RUN("deploy", "import", path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "imported 2 deployments (0 new, 0 updated, 2 unchanged)"), "%s", r.out);
	cr_assert(strstr(r.out, "recorded with shipdeck: the record wins"), "%s", r.out);
	th_run_free(&r);
	r = RUN("deploy", "show", "3");
	cr_assert(strstr(r.out, "source      record\n"), "%s", r.out);
	cr_assert(strstr(r.out, "status      succeeded"), "%s", r.out);
	th_run_free(&r);
	free(d1);
	free(d2);
	free(d3);
	free(body);
	free(path);
	free(pd);
}

static char *dump_db(void)
{
	struct th_run r = RUN("deploy", "list", "--json");
	char *out = r.out;
	r.out = NULL;
	struct th_run i = RUN("incident", "list", "--json");
	char *all = xasprintf("%s%s", out, i.out);
	free(out);
	th_run_free(&r);
	th_run_free(&i);
	return all;
}

/* A bad record refuses everything (exit 2, one line naming the file, the
 * page and the JSON path) and the database stays exactly as it was; with
 * --skip-bad the others go in and the bad one is listed. */
Test(cli, bad_record_changes_nothing)
{
	char *good = github_of("1", sha2, "production", "2026-11-21T09:00:00Z", "success", "2026-11-21T09:00:00Z");
	char *body = xasprintf("[%s]\n[{\"id\": 2, \"sha\": \"%s\", \"environment\": \"production\","
			       " \"task\": \"deploy\", \"created_at\": \"yesterday\"}]\n", good, sha3);
	char *path = write_github("bad.json", body);
	char *before = dump_db();
	struct th_run r = RUN("deploy", "import", path);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "bad.json: page 2: [0].created_at: not an ISO 8601 time; nothing imported"),
		  "%s", r.err);
	th_run_free(&r);
	char *after = dump_db();
	cr_assert_str_eq(before, after);
	r = RUN("deploy", "import", "--skip-bad", path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.err, "skipped 1 bad record:"), "%s", r.err);
	cr_assert(strstr(r.err, "page 2: [0].created_at"), "%s", r.err);
	cr_assert(strstr(r.out, "imported 1 deployment (1 new, 0 updated)"), "%s", r.out);
	th_run_free(&r);
	r = RUN("deploy", "import", "--format", "jenkins", path);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--format jenkins: must be auto, github-deployments,"
		  " gitlab-deployments or argocd"), "%s", r.err);
	th_run_free(&r);
	free(good);
	free(body);
	free(path);
	free(before);
	free(after);
}

/* ---- services (docs/metrics.md §13) ------------------------------------------------ */

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static char *sd_ok(const char *db, const char *const *args)
{
	struct th_run r = th_shipdeck_db(dir, db, args);
	cr_assert_eq(r.status, 0, "status %d\nout: %s\nerr: %s", r.status, r.out, r.err);
	char *out = xstrdup(r.out);
	th_run_free(&r);
	return out;
}

/* One GitHub deployment of `sha` to production from repository `from`,
 * succeeded at `at` (its only status). */
static void gh_deploy(struct strbuf *sb, int id, const char *from, char sha, const char *at)
{
	sb_addf(sb, "%s{\"id\": %d, \"sha\": \"%040d\", \"ref\": \"main\", \"task\": \"deploy\", \"environment\": \"production\","
		" \"created_at\": \"%s\", \"repository_url\": \"https://api.github.com/repos/%s\","
		" \"statuses\": [{\"id\": %d, \"state\": \"success\", \"created_at\": \"%s\"}]}",
		sb->len > 1 ? "," : "", id, sha - '0', at, from, id * 10, at);
}

static void pd_incident(struct strbuf *sb, const char *id, const char *service, const char *at)
{
	sb_addf(sb, "%s{\"id\": \"%s\", \"title\": \"t %s\", \"created_at\": \"%s\", \"status\": \"triggered\","
		" \"urgency\": \"high\", \"service\": {\"summary\": \"%s\"}}",
		sb->len > 15 ? "," : "", id, id, at, service);
}

/* Two services in their own repositories, one with `origins` naming its
 * GitHub repository and its PagerDuty service. Worked by hand:
 * - deployment 1 (acme/api) → api: the origin's last component "api" is
 *   the repository folder's name; 2 (acme/webapp) → web by its origins;
 *   3 (acme/other) → no service, said in the summary; 4 (acme/webapp)
 *   deploys api's commit of 1: with no service configured it folds into 1
 *   (one commit, one environment), with services it is web's own row.
 * - incident PD1 ("Web Frontend", 10:30) → web, linked to web's deployment
 *   at 09:00 although api deployed later (10:00): an incident links only to
 *   a deployment of its own service. PD2 ("api", 10:30) → api's at 10:00.
 *   PD3 ("Payments") no service: it links to the deployment of no service.
 * - imported before the services existed, a re-import gives them now. */
Test(ops, imported_records_map_to_their_services)
{
	char *api = th_make_repo(dir, "api"), *web = th_make_repo(dir, "web");
	char *db = xasprintf("%s/team.db", dir), *deploys = xasprintf("%s/d.json", dir),
	     *incidents = xasprintf("%s/i.json", dir);
	struct strbuf d = STRBUF_INIT, i = STRBUF_INIT;
	sb_add(&d, "[");
	gh_deploy(&d, 1, "acme/api", '1', "2026-11-20T10:00:00Z");
	gh_deploy(&d, 2, "acme/webapp", '2', "2026-11-20T09:00:00Z");
	gh_deploy(&d, 3, "acme/other", '3', "2026-11-20T08:00:00Z");
	gh_deploy(&d, 4, "acme/webapp", '1', "2026-11-20T07:00:00Z");
	sb_add(&d, "]");
	th_write(deploys, sb_str(&d));
	sb_add(&i, "{\"incidents\": [");
	pd_incident(&i, "PD1", "Web Frontend", "2026-11-20T10:30:00Z");
	pd_incident(&i, "PD2", "api", "2026-11-20T10:30:00Z");
	pd_incident(&i, "PD3", "Payments", "2026-11-20T10:30:00Z");
	sb_add(&i, "]}");
	th_write(incidents, sb_str(&i));

	/* with no service configured nothing is mapped or said */
	char *out = sd_ok(db, ARGS("deploy", "import", deploys));
	cr_assert(strstr(out, "service") == NULL, "%s", out);
	free(out);
	free(sd_ok(db, ARGS("service", "add", "api", "--repo", api)));
	free(sd_ok(db, ARGS("service", "add", "web", "--repo", web, "--origins", "acme/webapp,Web Frontend")));

	out = sd_ok(db, ARGS("deploy", "import", deploys));
	cr_assert(strstr(out, "(1 new, 0 updated, 3 unchanged)") != NULL, "%s", out);
	cr_assert(strstr(out, "  1 deployment no service claims (first: acme/other, production): kept with no service")
		  != NULL, "%s", out);
	cr_assert(strstr(out, "  3 deployments mapped to a service by repository, project or application") != NULL,
		  "%s", out);
	free(out);
	char *got = th_sql_text(db, "SELECT group_concat(source_id || '=' || coalesce(service, '-'), ' ')"
				 " FROM (SELECT * FROM deployments ORDER BY source_id)");
	cr_assert_str_eq(got, "1=api 2=web 3=- 4=web");
	free(got);

	out = sd_ok(db, ARGS("incident", "import", incidents));
	cr_assert(strstr(out, "  1 incident no service claims (first: Payments, no name)") != NULL, "%s", out);
	free(out);
	got = th_sql_text(db, "SELECT group_concat(i.source_id || '=' || coalesce(i.service, '-') || '>' ||"
			   " d.source_id, ' ') FROM (SELECT * FROM incidents ORDER BY source_id) i"
			   " JOIN deployments d ON d.id = i.deployment_id");
	cr_assert_str_eq(got, "PD1=web>2 PD2=api>1 PD3=->3");
	free(got);

	/* --service: every record this run adds is that service's */
	sb_free(&i);
	sb_add(&i, "{\"incidents\": [");
	pd_incident(&i, "PD4", "Payments", "2026-11-20T11:00:00Z");
	sb_add(&i, "]}");
	th_write(incidents, sb_str(&i));
	free(sd_ok(db, ARGS("--service", "web", "incident", "import", incidents)));
	got = th_sql_text(db, "SELECT i.service || '>' || d.source_id FROM incidents i"
			   " JOIN deployments d ON d.id = i.deployment_id WHERE i.source_id = 'PD4'");
	cr_assert_str_eq(got, "web>2");
	free(got);
	sb_free(&d);
	sb_free(&i);
	free(api);
	free(web);
	free(db);
	free(deploys);
	free(incidents);
}
