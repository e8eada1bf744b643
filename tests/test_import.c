/* test_import — pins CI import on hand-written exports in tests/fixtures/ci
 * (README there), each trap with its duration worked out by hand: GitHub's
 * updated_at is a finish only for completed runs, re-runs are separate
 * attempts of one id, jobs pages add failed step names; gh's "" conclusion
 * and zero time; GitLab's "canceled", milliseconds, offsets and the list
 * endpoint refused; Jenkins' epoch milliseconds, null result while building
 * and ids past 2^31. Also: format detection, errors with positions and
 * record indexes, --skip-bad, an empty array, failure-kind keywords, and
 * against a real SQLite file: idempotent upserts, newer state wins, a
 * manual kind survives re-import, and a failed command leaves the database
 * exactly as it was. The importer registry (src/importers.def): each CI
 * format is one row of kind "builds", detected and read through the table,
 * and `build import --format` offers exactly those rows. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "context.h"
#include "datafiles.h"
#include "helpers.h"
#include "import.h"
#include "store.h"
#include "store_builds.h"
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

TestSuite(import, .init = setup, .fini = teardown);

static char *fixture_path(const char *name)
{
	const char *src = getenv("SD_SRCDIR");
	return xasprintf("%s/tests/fixtures/ci/%s", src ? src : ".", name);
}

static char *fixture(const char *name, size_t *len)
{
	char *path = fixture_path(name);
	char *text = read_file(path, len);
	cr_assert_not_null(text, "cannot read %s", path);
	free(path);
	return text;
}

/* Parses a fixture; returns the status and leaves err filled. */
static int parse(const char *name, enum import_format f, bool skip_bad, struct import_batch *b,
		 char *err)
{
	size_t len;
	char *text = fixture(name, &len);
	int rc = import_parse(text, len, f, skip_bad, b, err, 512);
	free(text);
	return rc;
}

static int64_t T(int y, int mo, int d, int h, int mi, int s)
{
	return time_from_utc(y, mo, d, h, mi, s);
}

/* ---- GitHub --------------------------------------------------------------- */

Test(import, github_runs_page)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("github-runs.json", IMPORT_AUTO, false, &b, err), 0, "%s", err);
	cr_assert_eq(b.format, IMPORT_GITHUB_RUNS);
	cr_assert_eq(b.n, 5);
	/* [0] id past 2^31; 10:00:30 -> 10:12:30 = 720 s; queue 10:00:00 -> 10:00:30 = 30 s */
	cr_assert_str_eq(b.builds[0].run_id, "30433642101");
	cr_assert_str_eq(b.builds[0].provider, "github");
	cr_assert_eq(b.builds[0].started, T(2026, 11, 20, 10, 0, 30));
	cr_assert_eq(b.builds[0].duration_s, 720);
	cr_assert_eq(b.builds[0].queue_s, 30);
	cr_assert_str_eq(b.builds[0].conclusion, "success");
	/* [1] attempt 1: 11:01:00 -> 11:21:00 = 1200 s, failure; queue 60 s */
	cr_assert_eq(b.builds[1].attempt, 1);
	cr_assert_eq(b.builds[1].duration_s, 1200);
	cr_assert_eq(b.builds[1].queue_s, 60);
	/* [2] same id, attempt 2: 12:00:00 -> 12:09:00 = 540 s; created is the
	 * first attempt's (11:00), so no queue time (it would say 3600 s) */
	cr_assert_str_eq(b.builds[2].run_id, "30433642202");
	cr_assert_eq(b.builds[2].attempt, 2);
	cr_assert_eq(b.builds[2].duration_s, 540);
	cr_assert_eq(b.builds[2].queue_s, SD_NO_TIME);
	/* [3] in progress: updated_at 13:05 is NOT a finish */
	cr_assert_str_eq(b.builds[3].status, "running");
	cr_assert_null(b.builds[3].conclusion);
	cr_assert_eq(b.builds[3].finished, SD_NO_TIME);
	cr_assert_eq(b.builds[3].duration_s, SD_NO_TIME);
	/* [4] timed_out -> timed-out, 14:00 -> 14:45 = 2700 s */
	cr_assert_str_eq(b.builds[4].conclusion, "timed-out");
	cr_assert_eq(b.builds[4].duration_s, 2700);
	import_batch_free(&b);
}

Test(import, github_jobs_page)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("github-jobs.json", IMPORT_AUTO, false, &b, err), 0, "%s", err);
	cr_assert_eq(b.format, IMPORT_GITHUB_JOBS);
	cr_assert_eq(b.n, 2);   /* two runs: 30433642202 attempt 1 and 30433642505 */
	cr_assert(b.builds[0].partial);
	cr_assert_str_eq(b.builds[0].run_id, "30433642202");
	cr_assert_str_eq(b.builds[0].failed_jobs, "test / Run unit tests");
	cr_assert_str_eq(b.builds[0].conclusion, "failure");
	/* jobs 11:01:00 .. 11:21:00: the run as its jobs see it, 1200 s */
	cr_assert_eq(b.builds[0].duration_s, 1200);
	cr_assert_str_eq(b.builds[0].url, "https://github.com/acme/shop/actions/runs/30433642202");
	/* the second run is known only from its job: 15:00 -> 15:04 = 240 s */
	cr_assert_str_eq(b.builds[1].failed_jobs, "style / Run eslint");
	cr_assert_eq(b.builds[1].duration_s, 240);
	cr_assert_str_eq(b.builds[1].workflow, "Checks");
	import_batch_free(&b);
}

Test(import, gh_run_list)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("gh.json", IMPORT_AUTO, false, &b, err), 0, "%s", err);
	cr_assert_eq(b.format, IMPORT_GH);
	cr_assert_eq(b.n, 4);
	/* the same run as the REST page's [0]: same provider and id */
	cr_assert_str_eq(b.builds[0].provider, "github");
	cr_assert_str_eq(b.builds[0].run_id, "30433642101");
	cr_assert_eq(b.builds[0].duration_s, 720);
	/* [1] conclusion "" is no conclusion, in progress: no finish */
	cr_assert_null(b.builds[1].conclusion);
	cr_assert_str_eq(b.builds[1].status, "running");
	cr_assert_eq(b.builds[1].finished, SD_NO_TIME);
	/* [2] 10:00:20 -> 10:03:20 = 180 s, queue 20 s */
	cr_assert_eq(b.builds[2].duration_s, 180);
	cr_assert_eq(b.builds[2].queue_s, 20);
	cr_assert_str_eq(b.builds[2].workflow, "Lint");
	/* [3] startedAt is Go's zero time: not started */
	cr_assert_str_eq(b.builds[3].status, "queued");
	cr_assert_eq(b.builds[3].started, SD_NO_TIME);
	import_batch_free(&b);
}

/* ---- GitLab --------------------------------------------------------------- */

Test(import, gitlab_pipelines)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("gitlab.json", IMPORT_AUTO, false, &b, err), 0, "%s", err);
	cr_assert_eq(b.format, IMPORT_GITLAB);
	cr_assert_eq(b.n, 6);
	/* [0] 10:00:05.900 -> 10:15:05.100: milliseconds dropped, 900 s (the
	 * duration field says 899 and is not used); queue 10:00:00.123 -> 5 s */
	cr_assert_str_eq(b.builds[0].run_id, "2147483650");
	cr_assert_str_eq(b.builds[0].provider, "gitlab");
	cr_assert_eq(b.builds[0].duration_s, 900);
	cr_assert_eq(b.builds[0].queue_s, 5);
	cr_assert_str_eq(b.builds[0].branch, "main");
	/* [1] "canceled": 11:00:02 -> 11:03:02.500 = 180 s */
	cr_assert_str_eq(b.builds[1].conclusion, "cancelled");
	cr_assert_eq(b.builds[1].duration_s, 180);
	/* [2] start 13:00:10+01:00 = 12:00:10Z, finish 12:30:10Z = 1800 s */
	cr_assert_str_eq(b.builds[2].conclusion, "failure");
	cr_assert_eq(b.builds[2].started, T(2026, 11, 20, 12, 0, 10));
	cr_assert_eq(b.builds[2].duration_s, 1800);
	cr_assert_str_eq(b.builds[3].status, "running");
	cr_assert_eq(b.builds[3].duration_s, SD_NO_TIME);
	cr_assert_str_eq(b.builds[4].conclusion, "action-required");
	cr_assert_str_eq(b.builds[5].status, "queued");
	import_batch_free(&b);
}

Test(import, gitlab_list_endpoint_is_refused)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("gitlab-list.json", IMPORT_AUTO, false, &b, err), -1);
	cr_assert(strstr(err, "no start or finish times"), "%s", err);
	cr_assert(strstr(err, "/pipelines/:pipeline_id"), "%s", err);
	cr_assert_eq(b.n, 0);
	import_batch_free(&b);
}

/* ---- Jenkins -------------------------------------------------------------- */

Test(import, jenkins_job)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("jenkins.json", IMPORT_AUTO, false, &b, err), 0, "%s", err);
	cr_assert_eq(b.format, IMPORT_JENKINS);
	cr_assert_eq(b.n, 5);
	/* [0] building, result null: running since 1795190400000 ms = 16:00:00 */
	cr_assert_str_eq(b.builds[0].status, "running");
	cr_assert_null(b.builds[0].conclusion);
	cr_assert_eq(b.builds[0].started, T(2026, 11, 20, 16, 0, 0));
	cr_assert_str_eq(b.builds[0].branch, "main");
	/* [1] UNSTABLE: failure of kind tests. ts 1795168800250 ms = 10:00:00.250,
	 * + 754500 ms = 10:12:34.750; each end floored: 10:00:00 -> 10:12:34 = 754 s */
	cr_assert_str_eq(b.builds[1].run_id, "shop/main#127");
	cr_assert_str_eq(b.builds[1].workflow, "shop/main");
	cr_assert_str_eq(b.builds[1].conclusion, "failure");
	cr_assert_eq(b.builds[1].started, 1795168800);
	cr_assert_eq(b.builds[1].duration_s, 754);
	cr_assert_str_eq(b.builds[1].commit, "0718293a4b5c6d7e8f9012345678901a2b3c4d5e");
	cr_assert_str_eq(b.builds[1].branch, "main");
	/* [2] ABORTED -> cancelled, 60000 ms = 60 s */
	cr_assert_str_eq(b.builds[2].conclusion, "cancelled");
	cr_assert_eq(b.builds[2].duration_s, 60);
	/* [3] 09:00:00.999 + 1500.001 s = 09:25:01.000: 09:00:00 -> 09:25:01 = 1501 s */
	cr_assert_eq(b.builds[3].duration_s, 1501);
	/* [4] NOT_BUILT -> skipped, which has no duration */
	cr_assert_str_eq(b.builds[4].conclusion, "skipped");
	cr_assert_eq(b.builds[4].duration_s, SD_NO_TIME);
	import_batch_free(&b);
}

/* ---- errors --------------------------------------------------------------- */

Test(import, truncated_file_gives_a_position_and_imports_nothing)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("github-runs.json", IMPORT_AUTO, false, &b, err), 0);
	size_t n = b.n;
	cr_assert_eq(parse("truncated.json", IMPORT_AUTO, false, &b, err), -1);
	/* truncated.json is the first 700 bytes of github-runs.json, cut inside
	 * "pull_request" on line 25: cJSON points at that string's first byte,
	 * 695 (its quote is byte 694, column 16) */
	cr_assert(strstr(err, "at byte 695 (line 25, column 17)"), "%s", err);
	cr_assert(strstr(err, "truncated"), "%s", err);
	cr_assert_eq(b.n, n);
	import_batch_free(&b);
}

Test(import, syntax_error_in_the_middle_names_line_and_column)
{
	struct import_batch b = {0};
	char err[512] = "";
	const char *text = "[\n  {\"databaseId\": 1,\n   \"status\" \"completed\"}\n]\n";
	cr_assert_eq(import_parse(text, strlen(text), IMPORT_AUTO, false, &b, err, sizeof err), -1);
	/* the missing ':' is found at the second quote of line 3: byte 34 */
	cr_assert(strstr(err, "line 3"), "%s", err);
	cr_assert_null(strstr(err, "truncated"), "%s", err);
	import_batch_free(&b);
}

Test(import, unknown_format_names_the_formats)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("unknown.json", IMPORT_AUTO, false, &b, err), -1);
	cr_assert(strstr(err, "github-runs, github-jobs, gh, gitlab, jenkins"), "%s", err);
	import_batch_free(&b);
}

/* Every builds row of the registry is what `build import --format` offers,
 * in the table's order; detection answers with the row that reads it. */
Test(import, registry_rows_are_the_format_choices)
{
	const struct cmd_entry *build = cmd_find(commands, "build");
	cr_assert_not_null(build);
	const struct cmd_entry *imp = cmd_find(build->subs, "import");
	cr_assert_not_null(imp);
	const char *choices = NULL;
	for (const struct cmd_opt *o = imp->opts; o && o->name; o++)
		if (streq(o->name, "format"))
			choices = o->arg;
	char names[256];
	import_format_list(IMPORT_KIND_BUILDS, "|", "|", names, sizeof names);
	cr_assert_str_eq(choices, names);
	cr_assert_str_eq(names, "github-runs|github-jobs|gh|gitlab|jenkins");
	cr_assert_eq(import_format_of_kind(IMPORT_KIND_BUILDS, "gh"), IMPORT_GH);
	cr_assert_eq(import_format_of_kind(IMPORT_KIND_BUILDS, "auto"), IMPORT_AUTO);
	cr_assert_eq(import_format_of_kind(IMPORT_KIND_BUILDS, "nope"), -1);
	cr_assert_eq(import_format_of_kind(IMPORT_KIND_DEPLOYMENTS, "gh"), -1);
	for (int f = 1; f < IMPORT_FORMAT_COUNT; f++)
		cr_assert_str_eq(importers[f].name, import_format_names[f]);
}

/* A Jenkins job that also carries pipeline-like fields is Jenkins: the
 * "builds" array decides, as before the table (gitlab's row comes first). */
Test(import, jenkins_builds_array_wins_over_pipeline_fields)
{
	struct import_batch b = {0};
	char err[512] = "";
	const char *text = "{\"sha\": \"a\", \"ref\": \"main\", \"status\": \"x\", \"builds\": []}";
	cr_assert_eq(import_parse(text, strlen(text), IMPORT_AUTO, false, &b, err, sizeof err), 0,
		     "%s", err);
	cr_assert_eq(b.format, IMPORT_JENKINS);
	import_batch_free(&b);
}

Test(import, forced_format_that_does_not_fit)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("jenkins.json", IMPORT_GITHUB_RUNS, false, &b, err), -1);
	cr_assert_eq(b.n, 0);
	cr_assert_eq(parse("github-runs.json", IMPORT_JENKINS, false, &b, err), -1);
	cr_assert(strstr(err, "builds"), "%s", err);
	import_batch_free(&b);
}

Test(import, empty_array_is_zero_builds)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("empty.json", IMPORT_AUTO, false, &b, err), 0, "%s", err);
	cr_assert_eq(b.n, 0);
	cr_assert_eq(parse("empty.json", IMPORT_GITLAB, false, &b, err), 0, "%s", err);
	import_batch_free(&b);
}

Test(import, bad_timestamp_refuses_the_file_naming_the_record)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("bad-time.json", IMPORT_AUTO, false, &b, err), -1);
	cr_assert_str_eq(err, "workflow_runs[2].created_at: not an ISO 8601 time");
	cr_assert_eq(b.n, 0);
	import_batch_free(&b);
}

Test(import, skip_bad_keeps_the_good_records_and_lists_the_bad)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("bad-time.json", IMPORT_AUTO, true, &b, err), 0, "%s", err);
	cr_assert_eq(b.n, 3);
	cr_assert_eq(b.nbad, 1);
	cr_assert_str_eq(sb_str(&b.bad), "workflow_runs[2].created_at: not an ISO 8601 time\n");
	cr_assert_str_eq(b.builds[2].run_id, "40000000004");
	import_batch_free(&b);
}

/* 2^53 + 1 cannot be a double: an id that is not a whole number is a bad record. */
Test(import, ids_are_read_as_64_bit_and_checked)
{
	struct import_batch b = {0};
	char err[512] = "";
	const char *ok = "[{\"databaseId\": 9007199254740991, \"status\": \"queued\"}]";
	cr_assert_eq(import_parse(ok, strlen(ok), IMPORT_GH, false, &b, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(b.builds[0].run_id, "9007199254740991");
	const char *frac = "[{\"databaseId\": 12.5, \"status\": \"queued\"}]";
	cr_assert_eq(import_parse(frac, strlen(frac), IMPORT_GH, false, &b, err, sizeof err), -1);
	cr_assert_str_eq(err, "[0].databaseId: not a whole number");
	import_batch_free(&b);
}

/* ---- failure kinds -------------------------------------------------------- */

Test(import, keywords_classify_failed_names)
{
	char err[256];
	struct keywords *kw = keywords_load(data_file("keywords.json", NULL), err, sizeof err);
	cr_assert_not_null(kw, "%s", err);
	cr_assert_str_eq(keywords_classify(kw, "test / Run unit tests", "CI"), "tests");
	cr_assert_str_eq(keywords_classify(kw, "style / Run eslint", NULL), "quality");
	cr_assert_str_eq(keywords_classify(kw, "build / Install dependencies", NULL), "config");
	cr_assert_str_eq(keywords_classify(kw, "npm audit", NULL), "security");
	cr_assert_str_eq(keywords_classify(kw, "unstable: test failures", NULL), "tests");
	/* the failed step says more than the job around it */
	cr_assert_str_eq(keywords_classify(kw, "unit-tests / Set up job", NULL), "config");
	/* whole words: "latest" is no test, "pipeline" no pip */
	cr_assert_str_eq(keywords_classify(kw, "deploy latest", "MR pipeline"), "other");
	/* camelCase humps are word starts */
	cr_assert_str_eq(keywords_classify(kw, "runUnitTests", NULL), "tests");
	/* no failed names: the workflow name decides */
	cr_assert_str_eq(keywords_classify(kw, NULL, "Lint"), "quality");
	cr_assert_str_eq(keywords_classify(kw, NULL, "Nightly"), "other");
	keywords_free(kw);
}

Test(import, keywords_override_replaces_the_table)
{
	char err[256];
	struct keywords *kw = keywords_load("{\"tests\": [\"pipeline\"]}", err, sizeof err);
	cr_assert_not_null(kw, "%s", err);
	cr_assert_str_eq(keywords_classify(kw, NULL, "MR pipeline"), "tests");
	cr_assert_str_eq(keywords_classify(kw, "lint", NULL), "other");
	keywords_free(kw);
	cr_assert_null(keywords_load("{\"speed\": [\"x\"]}", err, sizeof err));
	cr_assert(strstr(err, "speed"), "%s", err);
}

/* ---- the store ------------------------------------------------------------ */

static char *db_path(void)
{
	return xasprintf("%s/release.db", dir);
}

static struct store *open_db(void)
{
	char err[512] = "";
	char *path = db_path();
	struct store *st = store_open(path, STORE_CREATE, err, sizeof err);
	cr_assert_not_null(st, "%s", err);
	free(path);
	return st;
}

static size_t count_builds(struct store *st)
{
	struct build *b;
	size_t n;
	cr_assert_eq(store_builds_list(st, SD_NO_TIME, &b, &n), 0);
	builds_free(b, n);
	return n;
}

static struct keywords *default_kw(void)
{
	char err[256];
	struct keywords *kw = keywords_load(data_file("keywords.json", NULL), err, sizeof err);
	cr_assert_not_null(kw, "%s", err);
	return kw;
}

static void import_into(struct store *st, const char *text, struct import_counts *counts)
{
	struct import_batch b = {0};
	char err[512] = "";
	struct keywords *kw = default_kw();
	cr_assert_eq(import_parse(text, strlen(text), IMPORT_AUTO, false, &b, err, sizeof err), 0,
		     "%s", err);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(import_store(st, &b, kw, counts), 0, "%s", store_errmsg(st));
	cr_assert_eq(store_commit(st), 0);
	import_batch_free(&b);
	keywords_free(kw);
}

static void import_fixture(struct store *st, const char *name, struct import_counts *counts)
{
	size_t len;
	char *text = fixture(name, &len);
	import_into(st, text, counts);
	free(text);
}

Test(import, importing_twice_is_idempotent)
{
	struct store *st = open_db();
	struct import_counts k;
	import_fixture(st, "github-runs.json", &k);
	cr_assert_eq(k.added, 5);
	import_fixture(st, "github-runs.json", &k);
	cr_assert_eq(k.added, 0);
	cr_assert_eq(k.updated, 0);
	cr_assert_eq(k.unchanged, 5);
	/* gh's view of run 30433642101 is the same build */
	import_fixture(st, "gh.json", &k);
	cr_assert_eq(k.added, 3);
	cr_assert_eq(k.unchanged, 1);
	cr_assert_eq(count_builds(st), 8);
	store_close(st);
}

/* Run 7 seen running, then completed: the newer state replaces the older.
 * An older export (running again) after that changes nothing. */
Test(import, newer_state_replaces_older_and_never_back)
{
	static const char running[] =
		"[{\"databaseId\": 7, \"attempt\": 1, \"status\": \"in_progress\", \"conclusion\": \"\","
		" \"workflowName\": \"CI\", \"createdAt\": \"2026-11-20T10:00:00Z\","
		" \"startedAt\": \"2026-11-20T10:00:00Z\", \"updatedAt\": \"2026-11-20T10:05:00Z\"}]";
	static const char done[] =
		"[{\"databaseId\": 7, \"attempt\": 1, \"status\": \"completed\", \"conclusion\": \"failure\","
		" \"workflowName\": \"CI\", \"createdAt\": \"2026-11-20T10:00:00Z\","
		" \"startedAt\": \"2026-11-20T10:00:00Z\", \"updatedAt\": \"2026-11-20T10:25:00Z\"}]";
	struct store *st = open_db();
	struct import_counts k;
	struct build b;
	import_into(st, running, &k);
	cr_assert_eq(k.added, 1);
	import_into(st, done, &k);
	cr_assert_eq(k.updated, 1);
	cr_assert_eq(store_build_find(st, "github", "7", 1, &b), 1);
	cr_assert_str_eq(b.status, "completed");
	cr_assert_eq(b.duration_s, 1500);       /* 10:00 -> 10:25 */
	cr_assert_str_eq(b.failure_kind, "other");
	build_free(&b);
	import_into(st, running, &k);
	cr_assert_eq(k.unchanged, 1);
	cr_assert_eq(store_build_find(st, "github", "7", 1, &b), 1);
	cr_assert_str_eq(b.status, "completed");
	build_free(&b);
	store_close(st);
}

/* The jobs page names the failed step of attempt 1 ("Run unit tests"), so
 * its kind becomes tests; the kind set by hand on another build survives a
 * re-import of everything. */
Test(import, jobs_classify_and_a_manual_kind_survives)
{
	struct store *st = open_db();
	struct import_counts k;
	struct build b;
	import_fixture(st, "github-runs.json", &k);
	cr_assert_eq(store_build_find(st, "github", "30433642202", 1, &b), 1);
	cr_assert_str_eq(b.failure_kind, "other");      /* workflow "CI" says nothing */
	build_free(&b);
	import_fixture(st, "github-jobs.json", &k);
	cr_assert_eq(k.updated, 1);     /* 30433642202 attempt 1 gets its failed step */
	cr_assert_eq(k.added, 1);       /* 30433642505 is known only from its jobs */
	cr_assert_eq(store_build_find(st, "github", "30433642202", 1, &b), 1);
	cr_assert_str_eq(b.failure_kind, "tests");
	cr_assert_str_eq(b.failed_jobs, "test / Run unit tests");
	cr_assert_eq(b.duration_s, 1200);       /* the run's own times kept */
	int64_t id = b.id;
	build_free(&b);
	cr_assert_eq(store_build_set_failure_kind(st, id, "config"), 1);
	import_fixture(st, "github-runs.json", &k);
	import_fixture(st, "github-jobs.json", &k);
	cr_assert_eq(store_build_get(st, id, &b), 1);
	cr_assert_str_eq(b.failure_kind, "config");
	cr_assert(b.failure_kind_manual);
	cr_assert_str_eq(b.failed_jobs, "test / Run unit tests");
	build_free(&b);
	store_close(st);
}

Test(import, latest_build_of_a_commit)
{
	struct store *st = open_db();
	struct import_counts k;
	struct build b;
	import_fixture(st, "github-runs.json", &k);
	/* attempts 1 (finished 11:21) and 2 (12:09) of b2c3d4e: the re-run is latest */
	cr_assert_eq(store_build_latest_for_commit(st, "b2c3d4e5f60718293a4b5c6d7e8f901234567890", &b), 1);
	cr_assert_eq(b.attempt, 2);
	cr_assert_str_eq(b.conclusion, "success");
	build_free(&b);
	/* a short sha matches too */
	cr_assert_eq(store_build_latest_for_commit(st, "b2c3d4e", &b), 1);
	cr_assert_eq(b.attempt, 2);
	build_free(&b);
	cr_assert_eq(store_build_latest_for_commit(st, "ffffffff", &b), 0);
	struct build *all;
	size_t n;
	cr_assert_eq(store_builds_for_commit(st, "b2c3d4e", &all, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(all[0].attempt, 1);        /* oldest first */
	builds_free(all, n);
	int64_t total;
	cr_assert_eq(store_builds_count(st, &total), 0);
	cr_assert_eq(total, 5);
	store_close(st);
}

/* A store failure half-way (a status the schema refuses, after a good
 * build) rolls back: the database holds exactly what it held before. */
Test(import, a_failed_store_rolls_back_everything)
{
	struct store *st = open_db();
	struct import_counts k;
	import_fixture(st, "github-runs.json", &k);
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse("gitlab.json", IMPORT_AUTO, false, &b, err), 0);
	free(b.builds[3].status);
	b.builds[3].status = xstrdup("exploded");
	struct keywords *kw = default_kw();
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(import_store(st, &b, kw, &k), -1);
	store_rollback(st);
	cr_assert_eq(count_builds(st), 5);
	import_batch_free(&b);
	keywords_free(kw);
	store_close(st);
}

/* ---- the command ---------------------------------------------------------- */

/* Runs `shipdeck --db DB --now ... build ARGS...` in-process; stdout goes to
 * *out (may be NULL). Returns the exit status. */
static int run_build(char **out, const char *const *args)
{
	char *db = db_path();
	char *argv[32];
	int argc = 0;
	argv[argc++] = (char *)"shipdeck";
	argv[argc++] = (char *)"--db";
	argv[argc++] = db;
	argv[argc++] = (char *)"--now";
	argv[argc++] = (char *)"2026-11-22T00:00:00Z";
	for (int i = 0; args[i]; i++)
		argv[argc++] = (char *)args[i];
	argv[argc] = NULL;
	char *capture = xasprintf("%s/stdout", dir);
	fflush(stdout);
	int saved = dup(1);
	int fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	close(fd);
	struct ctx c;
	int cmd = ctx_init(&c, argc, argv);
	int rc = cmd < 0 ? 2 : cmd_dispatch(&c, argc - cmd, argv + cmd);
	ctx_free(&c);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	if (out)
		*out = read_file(capture, NULL);
	free(capture);
	free(db);
	return rc;
}

static size_t db_count(void)
{
	struct store *st = open_db();
	size_t n = count_builds(st);
	store_close(st);
	return n;
}

Test(import, command_imports_and_summarizes)
{
	char *runs = fixture_path("github-runs.json"), *out;
	cr_assert_eq(run_build(&out, (const char *const[]){"build", "import", runs, NULL}), 0);
	cr_assert(strstr(out, "imported 5 builds (5 new, 0 updated) from "), "%s", out);
	cr_assert(strstr(out, "[github-runs]"), "%s", out);
	free(out);
	free(runs);
}

/* One transaction per command: a good file and a bad one in one command
 * import nothing, and the database is as before. */
Test(import, command_with_a_bad_record_imports_nothing)
{
	char *runs = fixture_path("github-runs.json"), *bad = fixture_path("bad-time.json");
	char *gl = fixture_path("gitlab.json");
	cr_assert_eq(run_build(NULL, (const char *const[]){"build", "import", runs, NULL}), 0);
	cr_assert_eq(run_build(NULL, (const char *const[]){"build", "import", gl, bad, NULL}), 2);
	cr_assert_eq(db_count(), 5);
	cr_assert_eq(run_build(NULL, (const char *const[]){"build", "import", gl, bad, "--skip-bad",
				NULL}), 0);
	cr_assert_eq(db_count(), 5 + 6 + 3);
	free(runs);
	free(bad);
	free(gl);
}

Test(import, command_add_list_and_set)
{
	char *out;
	const char *const add[] = {"build", "add", "--commit", "abcdef1", "--started",
				   "2026-11-21T10:00:00Z", "--finished", "2026-11-21T10:14:00Z",
				   "--conclusion", "failure", "--workflow", "e2e", NULL};
	cr_assert_eq(run_build(&out, add), 0);
	cr_assert(strstr(out, "recorded build 1: failure, 14 min"), "%s", out);
	free(out);
	cr_assert_eq(run_build(&out, add), 0);       /* the same build again: one row */
	free(out);
	cr_assert_eq(db_count(), 1);
	cr_assert_eq(run_build(&out, (const char *const[]){"build", "list", NULL}), 0);
	/* e2e matches the tests keywords */
	cr_assert(strstr(out, "e2e"), "%s", out);
	cr_assert(strstr(out, "abcdef1"), "%s", out);
	cr_assert(strstr(out, "14m00s  tests"), "%s", out);
	free(out);
	cr_assert_eq(run_build(NULL, (const char *const[]){"build", "set", "1", "--failure-kind",
				"config", NULL}), 0);
	cr_assert_eq(run_build(&out, (const char *const[]){"build", "list", "--json", NULL}), 0);
	cr_assert(strstr(out, "\"failure_kind\": \"config\", \"failure_kind_manual\": true"), "%s", out);
	cr_assert(strstr(out, "\"duration_s\": 840"), "%s", out);
	free(out);
	cr_assert_eq(run_build(NULL, (const char *const[]){"build", "set", "99", "--failure-kind",
				"config", NULL}), 2);
	cr_assert_eq(run_build(NULL, (const char *const[]){"build", "set", "1", "--failure-kind",
				"flaky", NULL}), 2);
	const char *const ok[] = {"build", "add", "--commit", "abcdef2", "--started",
				  "2026-11-21T11:00:00Z", "--finished", "2026-11-21T11:05:00Z",
				  "--conclusion", "success", NULL};
	cr_assert_eq(run_build(NULL, ok), 0);
	/* build 2 succeeded: it has no failure to classify */
	cr_assert_eq(run_build(NULL, (const char *const[]){"build", "set", "2", "--failure-kind",
				"tests", NULL}), 2);
	cr_assert_eq(run_build(NULL, (const char *const[]){"build", "add", "--commit", "xyz",
				"--started", "2026-11-21T10:00:00Z", "--finished",
				"2026-11-21T10:14:00Z", "--conclusion", "failure", NULL}), 2);
}

/* The config's "keywords" replace data/keywords.json: with tests = ["pipeline"]
 * the failed GitLab pipeline "MR pipeline" is a test failure (the default
 * tables say other). Its "hourly_cost" reaches the figures: the 1800 s of
 * 2147483652, the 900 s, 180 s of the others in the last 7 days before
 * 2026-11-22: (900 + 180 + 1800) / 3600 = 0.8 h × 52 × 80 = 3328 a year. */
Test(import, config_keywords_and_hourly_cost)
{
	char *cfgdir = xasprintf("%s/shipdeck", dir), *cfg = xasprintf("%s/config.json", cfgdir);
	char *gl = fixture_path("gitlab.json"), *out;
	cr_assert_eq(th_sh(dir, "mkdir -p '%s'", cfgdir), 0);
	th_write(cfg, "{\"keywords\": {\"tests\": [\"pipeline\"]}, \"hourly_cost\": 80}\n");
	cr_assert_eq(run_build(NULL, (const char *const[]){"build", "import", gl, NULL}), 0);
	struct store *st = open_db();
	struct build b;
	cr_assert_eq(store_build_find(st, "gitlab", "2147483652", 1, &b), 1);
	cr_assert_str_eq(b.failure_kind, "tests");
	build_free(&b);
	store_close(st);
	cr_assert_eq(run_build(&out, (const char *const[]){"build", "stats", "--format", "json", NULL}), 0);
	cr_assert(strstr(out, "\"cost_per_year\": 3328,"), "%s", out);
	cr_assert(strstr(out, "\"hourly_cost\": 80"), "%s", out);
	free(out);
	free(gl);
	free(cfg);
	free(cfgdir);
}
