/* test_import_traps — pins "all of a file or none" (issue 13) for CI
 * exports, on hand-written files in tests/fixtures/ci (README there) and
 * through the real binary on real SQLite files: several whole JSON
 * documents one after another are pages of one file (`gh api --paginate`;
 * with --slurp, one array of pages), imported in one transaction, a run's jobs continuing on the next page;
 * anything else after a document is refused with its byte, line and
 * column; one format per file; a bad record names its page; ids past 2^53
 * (and past 64 bits) are kept exactly as text, never merged with their
 * neighbour; "\u0000" in a string or a key and a raw NUL byte are refused
 * with the path or position; times outside the years 1970-9999 are refused
 * with the field's path, in every importer and at `deploy record --at`,
 * `build add`, `--now` and `window --at`; a build that finished before it started is kept without a
 * duration (never as a 0-second build) and the import summary says so. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildstats.h"
#include "helpers.h"
#include "import.h"
#include "timeutil.h"
#include "util.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

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

TestSuite(traps, .init = setup, .fini = teardown, .timeout = 60);

static char *fixture_path(const char *name)
{
	const char *src = getenv("SD_SRCDIR");
	return xasprintf("%s/tests/fixtures/ci/%s", src ? src : ".", name);
}

static int parse_fixture(const char *name, bool skip_bad, struct import_batch *b, char *err)
{
	size_t len;
	char *path = fixture_path(name);
	char *text = read_file(path, &len);
	cr_assert_not_null(text, "cannot read %s", path);
	int rc = import_parse(text, len, IMPORT_AUTO, skip_bad, b, err, 512);
	free(text);
	free(path);
	return rc;
}

static int parse_text(const char *text, enum import_format f, struct import_batch *b, char *err)
{
	return import_parse(text, strlen(text), f, false, b, err, 512);
}

static int64_t T(int y, int mo, int d, int h, int mi, int s)
{
	return time_from_utc(y, mo, d, h, mi, s);
}

static struct th_run sd(const char *const *args)
{
	return th_shipdeck(dir, NULL, args);
}

static long count_builds(const char *db)
{
	struct th_run r = sd(ARGS("--db", db, "build", "list", "--json", "--since", "36500"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	long n = 0;
	for (const char *p = r.out; (p = strstr(p, "\"run_id\"")) != NULL; p++)
		n++;
	th_run_free(&r);
	return n;
}

/* ---- pages ------------------------------------------------------------------ */

/* paginate.json: three pages (2, 2 and 1 runs), the first two back to back
 * as gh writes them. Durations run_started_at -> updated_at: 10:00:00 ->
 * 10:04:00 = 240 s, 11:00 -> 11:10 = 600 s, 12:00:00 -> 12:02:30 = 150 s,
 * 13:00 -> 13:20 = 1200 s (failed), 14:00 -> 14:07 = 420 s. */
Test(traps, paginate_pages_are_one_file)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse_fixture("paginate.json", false, &b, err), 0, "%s", err);
	cr_assert_eq(b.n, 5);
	cr_assert_eq(b.pages, 3);
	cr_assert_eq(b.format, IMPORT_GITHUB_RUNS);
	const int64_t want[] = {240, 600, 150, 1200, 420};
	for (size_t i = 0; i < 5; i++) {
		char id[32];
		snprintf(id, sizeof id, "5000000000%zu", i + 1);
		cr_assert_str_eq(b.builds[i].run_id, id);
		cr_assert_eq(b.builds[i].duration_s, want[i], "run %zu: %lld", i,
			     (long long)b.builds[i].duration_s);
	}
	cr_assert_str_eq(b.builds[3].conclusion, "failure");
	import_batch_free(&b);
}

/* paginate-slurp.json: the same three pages as `gh api --paginate --slurp`
 * writes them, in one array: the same 5 runs. A page that is not a runs or
 * jobs page makes the array an ordinary document (here: no known format). */
Test(traps, slurped_pages_are_pages_too)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse_fixture("paginate-slurp.json", false, &b, err), 0, "%s", err);
	cr_assert_eq(b.n, 5);
	cr_assert_eq(b.pages, 3);
	cr_assert_str_eq(b.builds[4].run_id, "50000000005");
	cr_assert_eq(b.builds[4].duration_s, 420);
	cr_assert_eq(parse_text("[{\"workflow_runs\": []}, {\"other\": 1}]", IMPORT_AUTO, &b, err), -1);
	cr_assert(str_starts(err, "not a known CI export"), "%s", err);
	import_batch_free(&b);
}

/* paginate-jobs.json: run 50000000004's two jobs on two pages. One run,
 * not two: started at the first job's start 13:00:10, finished at the last
 * job's end 13:19:50 = 1180 s, failed in "test / Run unit tests". */
Test(traps, paginate_jobs_of_one_run_on_two_pages)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse_fixture("paginate-jobs.json", false, &b, err), 0, "%s", err);
	cr_assert_eq(b.n, 1);
	cr_assert_eq(b.pages, 2);
	cr_assert_str_eq(b.builds[0].run_id, "50000000004");
	cr_assert_eq(b.builds[0].started, T(2026, 11, 23, 13, 0, 10));
	cr_assert_eq(b.builds[0].finished, T(2026, 11, 23, 13, 19, 50));
	cr_assert_eq(b.builds[0].duration_s, 1180);
	cr_assert_str_eq(b.builds[0].conclusion, "failure");
	cr_assert_str_eq(b.builds[0].failed_jobs, "test / Run unit tests");
	import_batch_free(&b);
}

/* paginate-bad.json: page 2's second run has created_at "yesterday". */
Test(traps, a_bad_record_names_its_page)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse_fixture("paginate-bad.json", false, &b, err), -1);
	cr_assert_str_eq(err, "page 2: workflow_runs[1].created_at: not an ISO 8601 time");
	cr_assert_eq(b.n, 0, "nothing of page 1 is kept either");
	/* --skip-bad: the 2 runs of page 1 and the first of page 2 */
	cr_assert_eq(parse_fixture("paginate-bad.json", true, &b, err), 0, "%s", err);
	cr_assert_eq(b.n, 3);
	cr_assert_str_eq(sb_str(&b.bad), "page 2: workflow_runs[1].created_at: not an ISO 8601 time\n");
	import_batch_free(&b);
}

/* paginate-mixed.json: a runs page, then a jobs page. */
Test(traps, one_format_per_file)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse_fixture("paginate-mixed.json", false, &b, err), -1);
	cr_assert_str_eq(err, "page 2: a github-jobs page after github-runs pages: one format per file");
	cr_assert_eq(b.n, 0);
	/* empty pages fit any format: "[][]" is two pages of nothing */
	cr_assert_eq(parse_text("[][]", IMPORT_AUTO, &b, err), 0, "%s", err);
	cr_assert_eq(b.pages, 2);
	cr_assert_eq(b.n, 0);
	import_batch_free(&b);
}

/* trailing.json: one page on 3 lines of 38, 299 and 3 bytes with their
 * newlines (38 + 299 + 3 = 340), then the stray line "gh: API rate limit
 * exceeded (HTTP 403)" that `gh ... >file 2>&1` leaves: byte 340, line 4,
 * column 1. Other stray content, counted by hand: "[]]" -> byte 2;
 * "{} x" -> byte 3 (the space is skipped); "[] 42" -> byte 3. */
Test(traps, content_after_a_document_is_refused_with_its_position)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse_fixture("trailing.json", false, &b, err), -1);
	cr_assert_str_eq(err, "content after the JSON document at byte 340 (line 4, column 1):"
			 " only whole JSON documents may follow one another");
	cr_assert_eq(b.n, 0);
	cr_assert_eq(parse_text("[]]", IMPORT_AUTO, &b, err), -1);
	cr_assert(str_starts(err, "content after the JSON document at byte 2 (line 1, column 3)"), "%s", err);
	cr_assert_eq(parse_text("{} x", IMPORT_GH, &b, err), -1);
	cr_assert(str_starts(err, "content after the JSON document at byte 3 (line 1, column 4)"), "%s", err);
	cr_assert_eq(parse_text("[] 42", IMPORT_AUTO, &b, err), -1);
	cr_assert(str_starts(err, "content after the JSON document at byte 3 "), "%s", err);
	/* a second page that is cut short is a syntax error at its end */
	cr_assert_eq(parse_text("[]\n[{\"databaseId\": 1", IMPORT_AUTO, &b, err), -1);
	cr_assert(str_starts(err, "not valid JSON at byte "), "%s", err);
	cr_assert(strstr(err, "truncated"), "%s", err);
	import_batch_free(&b);
}

/* "[]" NUL "[]": the NUL is byte 2, line 1, column 3. cJSON would stop there. */
Test(traps, a_nul_byte_is_refused)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(import_parse("[]\0[]", 5, IMPORT_AUTO, false, &b, err, sizeof err), -1);
	cr_assert_str_eq(err, "a NUL byte at byte 2 (line 1, column 3): not JSON text");
	import_batch_free(&b);
}

/* ---- ids past 2^53 ---------------------------------------------------------- */

/* big-ids.json: 2^53 + 1 and 2^53 (one double apart from nothing: as doubles
 * they are the same number) and a 30-digit id past 64 bits. */
Test(traps, ids_past_2_53_are_kept_exactly)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse_fixture("big-ids.json", false, &b, err), 0, "%s", err);
	cr_assert_eq(b.n, 3);
	cr_assert_str_eq(b.builds[0].run_id, "9007199254740993");
	cr_assert_str_eq(b.builds[1].run_id, "9007199254740992");
	cr_assert_str_eq(b.builds[2].run_id, "123456789012345678901234567890");
	import_batch_free(&b);
}

Test(traps, ids_written_otherwise)
{
	struct import_batch b = {0};
	char err[512] = "";
	/* a string of digits is the same id as the number; leading zeros are noise */
	cr_assert_eq(parse_text("[{\"databaseId\": \"00042\", \"status\": \"queued\"},"
				"{\"databaseId\": \"9007199254740993\", \"status\": \"queued\"}]",
				IMPORT_GH, &b, err), 0, "%s", err);
	cr_assert_str_eq(b.builds[0].run_id, "42");
	cr_assert_str_eq(b.builds[1].run_id, "9007199254740993");
	/* 1e17 is a whole number, but its double cannot say which one */
	cr_assert_eq(parse_text("[{\"databaseId\": 1e17, \"status\": \"queued\"}]", IMPORT_GH, &b, err), -1);
	cr_assert_str_eq(err, "[0].databaseId: a whole number too large to read exactly");
	cr_assert_eq(parse_text("[{\"databaseId\": 1e3, \"status\": \"queued\"}]", IMPORT_GH, &b, err), 0,
		     "%s", err);
	cr_assert_str_eq(b.builds[2].run_id, "1000");
	/* Jenkins build numbers are read exactly too: job "ci" (from fullName) #2^53+1 */
	cr_assert_eq(parse_text("{\"fullName\": \"ci\", \"builds\": [{\"number\": 9007199254740993,"
				" \"building\": true}]}", IMPORT_AUTO, &b, err), 0, "%s", err);
	cr_assert_str_eq(b.builds[3].run_id, "ci#9007199254740993");
	/* the attempt number past 64 bits */
	cr_assert_eq(parse_text("[{\"databaseId\": 1, \"attempt\": 99999999999999999999, \"status\":"
				" \"queued\"}]", IMPORT_GH, &b, err), -1);
	cr_assert_str_eq(err, "[0].attempt: a whole number too large to read exactly");
	import_batch_free(&b);
}

/* Today's bug: the two ids became one build. Through the binary, two rows. */
Test(traps, command_keeps_neighbouring_big_ids_apart)
{
	char *db = xasprintf("%s/big.db", dir), *f = fixture_path("big-ids.json");
	struct th_run r = sd(ARGS("--db", db, "build", "import", f));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "imported 3 builds (3 new, 0 updated)"), "%s", r.out);
	th_run_free(&r);
	r = sd(ARGS("--db", db, "export"));
	cr_assert(strstr(r.out, "\"run_id\":\t\"9007199254740993\""), "%s", r.out);
	cr_assert(strstr(r.out, "\"run_id\":\t\"9007199254740992\""), "%s", r.out);
	th_run_free(&r);
	cr_assert_eq(count_builds(db), 3);
	free(db);
	free(f);
}

/* ---- NUL characters ----------------------------------------------------------- */

Test(traps, nul_in_a_string_or_key_is_refused_with_its_path)
{
	struct import_batch b = {0};
	char err[512] = "";
	/* nul-string.json: "name": "CI\u0000hidden" would read as "CI" */
	cr_assert_eq(parse_fixture("nul-string.json", false, &b, err), -1);
	cr_assert_str_eq(err, "workflow_runs[0].name: a NUL character (\\u0000) in a string");
	/* nul-key.json: "name\u0000x" would read as the key "name" */
	cr_assert_eq(parse_fixture("nul-key.json", false, &b, err), -1);
	cr_assert_str_eq(err, "workflow_runs[0].name: a NUL character (\\u0000) in a key");
	/* not fooled by an escaped backslash before "u0000", nor by \u0001 */
	cr_assert_eq(parse_text("[{\"databaseId\": 1, \"status\": \"queued\", \"workflowName\":"
				" \"a\\\\u0000\\u0001\"}]", IMPORT_GH, &b, err), 0, "%s", err);
	cr_assert_str_eq(b.builds[0].workflow, "a\\u0000\x01");
	/* in a later page, with the page */
	cr_assert_eq(parse_text("[]\n[{\"databaseId\": 1, \"status\": \"queued\", \"url\": \"x\\u0000\"}]",
				IMPORT_AUTO, &b, err), -1);
	cr_assert_str_eq(err, "page 2: [0].url: a NUL character (\\u0000) in a string");
	cr_assert_eq(b.n, 1);
	import_batch_free(&b);
}

/* ---- times outside 1970-9999 ---------------------------------------------------- */

/* far-time.json: run 0 was created at "@100000000000000000" (year ~3e9),
 * run 1 at 1969-12-31T23:59:59Z, one second before 1970. */
Test(traps, times_outside_1970_9999_are_refused_with_the_path)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse_fixture("far-time.json", false, &b, err), -1);
	cr_assert_str_eq(err, "workflow_runs[0].created_at: outside the years 1970-9999");
	cr_assert_eq(parse_fixture("far-time.json", true, &b, err), 0, "%s", err);
	cr_assert_eq(b.n, 0);
	cr_assert_str_eq(sb_str(&b.bad), "workflow_runs[0].created_at: outside the years 1970-9999\n"
			 "workflow_runs[1].created_at: outside the years 1970-9999\n");
	/* gh: year 0002 (0001-01-01 is Go's zero time: no time at all) */
	cr_assert_eq(parse_text("[{\"databaseId\": 1, \"status\": \"queued\", \"createdAt\":"
				" \"0002-01-01T00:00:00Z\"}]", IMPORT_GH, &b, err), -1);
	cr_assert_str_eq(err, "[0].createdAt: outside the years 1970-9999");
	/* GitLab: 9999-12-31T23:30 at -01:00 is 10000-01-01T00:30Z */
	cr_assert_eq(parse_text("{\"id\": 1, \"sha\": \"a\", \"ref\": \"main\", \"status\": \"running\","
				" \"started_at\": \"9999-12-31T23:30:00-01:00\"}", IMPORT_AUTO, &b, err), -1);
	cr_assert_str_eq(err, "pipeline[0].started_at: outside the years 1970-9999");
	import_batch_free(&b);
}

/* Jenkins milliseconds: -1000 is 1969-12-31T23:59:59Z; 253402300799000 is
 * 9999-12-31T23:59:59Z, and a 1000 ms duration ends in the year 10000. */
Test(traps, jenkins_times_outside_1970_9999)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse_text("{\"builds\": [{\"number\": 1, \"result\": \"SUCCESS\", \"timestamp\": -1000,"
				" \"duration\": 5}]}", IMPORT_AUTO, &b, err), -1);
	cr_assert_str_eq(err, "builds[0].timestamp: outside the years 1970-9999");
	cr_assert_eq(parse_text("{\"builds\": [{\"number\": 1, \"result\": \"SUCCESS\", \"timestamp\":"
				" 253402300799000, \"duration\": 1000}]}", IMPORT_AUTO, &b, err), -1);
	cr_assert_str_eq(err, "builds[0].duration: ends outside the years 1970-9999");
	cr_assert_eq(parse_text("{\"builds\": [{\"number\": 1, \"result\": \"SUCCESS\", \"timestamp\":"
				" 253402300799000, \"duration\": 999}]}", IMPORT_AUTO, &b, err), 0, "%s", err);
	cr_assert_eq(b.builds[0].finished, SD_TIME_MAX);
	import_batch_free(&b);
}

/* The reproduction: accepted before, then exported as 1e+17. */
Test(traps, command_times_outside_1970_9999)
{
	char *db = xasprintf("%s/t.db", dir), *f = fixture_path("far-time.json");
	struct th_run r = sd(ARGS("--db", db, "build", "import", f));
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "workflow_runs[0].created_at: outside the years 1970-9999; nothing"
			 " imported"), "%s", r.err);
	th_run_free(&r);
	r = sd(ARGS("--db", db, "deploy", "record", "v1", "--env", "production", "--at",
		    "@100000000000000000", "--allow-future"));
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.err, "shipdeck: --at '@100000000000000000': outside the years 1970-9999\n");
	th_run_free(&r);
	/* every time flag says which rule a time broke */
	r = sd(ARGS("--db", db, "--now", "1969-12-31T23:59:59Z", "build", "list"));
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.err, "shipdeck: --now '1969-12-31T23:59:59Z': outside the years 1970-9999\n");
	th_run_free(&r);
	r = sd(ARGS("--db", db, "window", "--at", "@253402300800"));
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--at '@253402300800': outside the years 1970-9999"), "%s", r.err);
	th_run_free(&r);
	r = sd(ARGS("--db", db, "build", "add", "--commit", "abcdef1", "--started-at", "@-1",
		    "--finished-at", "2026-11-21T10:14:00Z", "--conclusion", "success"));
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--started-at '@-1': outside the years 1970-9999"), "%s", r.err);
	th_run_free(&r);
	free(db);
	free(f);
}

/* ---- finished before started ----------------------------------------------------- */

/* backwards.json: run 1 took 10:00 -> 10:10 = 600 s; run 2 "finished" at
 * 11:05, five minutes before it started at 11:10. Counted as 0 s it would
 * make the median (0 + 600) / 2 = 300 s = 5 min; kept without a duration
 * the median is run 1's 10 min, from 1 timed build of 2. */
Test(traps, finished_before_started_is_kept_without_a_duration)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse_fixture("backwards.json", false, &b, err), 0, "%s", err);
	cr_assert_eq(b.n, 2);
	cr_assert_eq(b.backwards, 1);
	cr_assert_eq(b.builds[0].duration_s, 600);
	cr_assert_eq(b.builds[1].duration_s, SD_NO_TIME);
	cr_assert_eq(b.builds[1].finished, T(2026, 11, 23, 11, 5, 0), "the times are kept as given");
	struct build_health h;
	buildstats_compute(b.builds, b.n, T(2026, 11, 24, 0, 0, 0), 30, 100, &h);
	cr_assert_eq(h.count, 2);
	cr_assert_eq(h.timed, 1);
	cr_assert_float_eq(h.median_minutes, 10.0, 1e-9);
	build_health_free(&h);
	import_batch_free(&b);
}

Test(traps, command_says_which_builds_have_no_duration)
{
	char *db = xasprintf("%s/b.db", dir), *f = fixture_path("backwards.json");
	struct th_run r = sd(ARGS("--db", db, "build", "import", f));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "imported 2 builds (2 new, 0 updated) from "), "%s", r.out);
	cr_assert(strstr(r.out, "\n  1 build finished before it started: kept without a duration\n"),
		  "%s", r.out);
	th_run_free(&r);
	r = sd(ARGS("--db", db, "build", "list", "--json", "--since", "36500"));
	cr_assert(strstr(r.out, "\"duration_s\": null"), "%s", r.out);
	th_run_free(&r);
	free(db);
	free(f);
}

/* ---- gh api --paginate through the binary -------------------------------------------- */

static void write_pages(const char *path, const int *sizes, size_t npages, bool bad_last)
{
	struct strbuf sb = STRBUF_INIT;
	int id = 0;
	for (size_t p = 0; p < npages; p++) {
		sb_addf(&sb, "{\"total_count\": 250, \"workflow_runs\": [");
		for (int i = 0; i < sizes[p]; i++, id++) {
			bool bad = bad_last && p == npages - 1 && i == sizes[p] - 1;
			sb_addf(&sb, "%s{\"id\": %d, \"name\": \"CI\", \"status\": \"completed\","
				" \"conclusion\": \"success\", \"created_at\": \"%s\","
				" \"run_started_at\": \"2026-11-20T10:00:00Z\","
				" \"updated_at\": \"2026-11-20T10:05:00Z\"}", i ? "," : "", 70000 + id,
				bad ? "soon" : "2026-11-20T10:00:00Z");
		}
		sb_add(&sb, "]}");  /* gh writes the next page right after */
	}
	th_write(path, sb_str(&sb));
	sb_free(&sb);
}

/* The reproduction: 250 runs in pages of 100, 100 and 50 gave 100. */
Test(traps, command_imports_every_page_in_one_transaction)
{
	char *db = xasprintf("%s/p.db", dir), *f = xasprintf("%s/runs.json", dir);
	const int sizes[] = {100, 100, 50};
	write_pages(f, sizes, 3, false);
	struct th_run r = sd(ARGS("--db", db, "build", "import", f));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "imported 250 builds (250 new, 0 updated) from "), "%s", r.out);
	cr_assert(strstr(r.out, "[github-runs, 3 pages]"), "%s", r.out);
	th_run_free(&r);
	cr_assert_eq(count_builds(db), 250);
	/* the last run of the last page is bad: nothing of the 250 goes in */
	char *db2 = xasprintf("%s/p2.db", dir);
	write_pages(f, sizes, 3, true);
	r = sd(ARGS("--db", db2, "build", "import", f));
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "page 3: workflow_runs[49].created_at: not an ISO 8601 time;"
			 " nothing imported"), "%s", r.err);
	th_run_free(&r);
	cr_assert_eq(count_builds(db2), 0);
	free(db);
	free(db2);
	free(f);
}

/* ---- a big page, a run at a time (issue 17) ---------------------------------- */

/* cJSON's allocations while a page is read: bytes live at most. */
static long cjson_live, cjson_peak;

static void *counting_malloc(size_t n)
{
	void *p = malloc(n);
	cjson_live += (long)malloc_usable_size(p);
	if (cjson_live > cjson_peak)
		cjson_peak = cjson_live;
	return p;
}

static void counting_free(void *p)
{
	/* the number literals (xstrndup) are freed here too: live may go
	 * below what was counted, never above */
	cjson_live -= p ? (long)malloc_usable_size(p) : 0;
	free(p);
}

/* 20 000 runs, ids 1..20000, run i started at 2026-01-01 00:00 + i min. */
static char *runs_page(size_t n, size_t bad)
{
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "{\"total_count\": 20000, \"workflow_runs\": [\n");
	for (size_t i = 1; i <= n; i++) {
		int64_t t = T(2026, 1, 1, 0, 0, 0) + (int64_t)i * 60;
		char at[32];
		time_format_iso(t, at);
		sb_addf(&sb, "%s{\"id\": %zu, \"run_attempt\": 1, \"name\": \"CI\", \"head_branch\": \"main\","
			" \"head_sha\": \"%040zx\", \"status\": \"%s\", \"conclusion\": \"success\","
			" \"created_at\": \"%s\", \"run_started_at\": \"%s\", \"updated_at\": \"%s\"}",
			i > 1 ? ",\n" : "", i, i, i == bad ? "done" : "completed", at, at, at);
	}
	sb_add(&sb, "]}\n");
	return sb_detach(&sb);
}

/* A tree of the whole page would hold 20 000 x 11 members, each a 64-byte
 * cJSON node at least: 14 MB. Read a run at a time, cJSON never holds more
 * than the frame and one run (a few KB); 1 MB leaves room. */
Test(traps, a_big_page_is_read_a_run_at_a_time)
{
	char *text = runs_page(20000, 0), err[512] = "";
	struct import_batch b = {0};
	cJSON_Hooks hooks = {counting_malloc, counting_free};
	cjson_live = cjson_peak = 0;
	cJSON_InitHooks(&hooks);
	int rc = import_parse(text, strlen(text), IMPORT_AUTO, false, &b, err, sizeof err);
	cJSON_InitHooks(NULL);
	cr_assert_eq(rc, 0, "%s", err);
	cr_assert_eq(b.n, 20000);
	cr_assert_str_eq(b.builds[19999].run_id, "20000");
	cr_assert_lt(cjson_peak, 1L << 20, "cJSON held %ld bytes at once", cjson_peak);
	cr_assert_gt(cjson_peak, 0, "the counting hooks saw cJSON work");
	import_batch_free(&b);
	free(text);
}

/* The bad run is the 12 345th (index 12344): its message counts from the
 * start of the array, not of the window the reader saw. */
Test(traps, a_bad_run_of_a_big_page_names_its_index)
{
	char *text = runs_page(20000, 12345), err[512] = "";
	struct import_batch b = {0};
	cr_assert_eq(import_parse(text, strlen(text), IMPORT_AUTO, false, &b, err, sizeof err), -1);
	cr_assert_str_eq(err, "workflow_runs[12344].status: unknown status \"done\"");
	cr_assert_eq(b.n, 0);
	cr_assert_eq(import_parse(text, strlen(text), IMPORT_AUTO, true, &b, err, sizeof err), 0);
	cr_assert_eq(b.n, 19999);
	cr_assert_str_eq(sb_str(&b.bad), "workflow_runs[12344].status: unknown status \"done\"\n");
	import_batch_free(&b);
	free(text);
}

/* A streamed page's members after its array still count for every record:
 * Jenkins's "fullName" names the job of builds without a url (job#number). */
Test(traps, members_after_a_streamed_array_apply_to_every_record)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse_text("{\"builds\": [{\"number\": 7, \"result\": \"SUCCESS\"},"
				" {\"number\": 8, \"result\": \"FAILURE\"}], \"fullName\": \"team/app\"}",
				IMPORT_AUTO, &b, err), 0, "%s", err);
	cr_assert_eq(b.n, 2);
	cr_assert_str_eq(b.builds[0].run_id, "team/app#7");
	cr_assert_str_eq(b.builds[1].run_id, "team/app#8");
	cr_assert_str_eq(b.builds[1].conclusion, "failure");
	import_batch_free(&b);
}

/* Hygiene inside a streamed array names the path from the document's root,
 * and a second array of the same name is still a duplicate key. */
Test(traps, a_streamed_array_keeps_the_hygiene_paths)
{
	struct import_batch b = {0};
	char err[512] = "";
	cr_assert_eq(parse_text("{\"workflow_runs\": [{\"id\": 1, \"status\": \"completed\"},"
				" {\"id\": 2, \"id\": 3, \"status\": \"completed\"}]}",
				IMPORT_AUTO, &b, err), -1);
	cr_assert_str_eq(err, "workflow_runs[1].id: duplicate key");
	cr_assert_eq(parse_text("{\"workflow_runs\": [{\"id\": 1, \"status\": \"completed\"}],"
				" \"workflow_runs\": []}", IMPORT_AUTO, &b, err), -1);
	cr_assert_str_eq(err, "workflow_runs: duplicate key");
	cr_assert_eq(b.n, 0);
}

/* A big page cut short (a download that stopped): refused with the same
 * position the whole-tree reader gives, found a run at a time (the tree of
 * the 19 999 runs before the cut is never built). Cut 100 bytes before the
 * end, the text ends in the last run's updated_at string after "2026-":
 * cJSON names the byte after that string's opening quote, cut - 5 (as the
 * binary before streaming said of the same file). */
Test(traps, a_big_page_cut_short_is_refused_a_run_at_a_time)
{
	char *text = runs_page(20000, 0), err[512] = "";
	size_t cut = strlen(text) - 100;
	struct import_batch b = {0};
	cJSON_Hooks hooks = {counting_malloc, counting_free};
	cjson_live = cjson_peak = 0;
	cJSON_InitHooks(&hooks);
	int rc = import_parse(text, cut, IMPORT_AUTO, true, &b, err, sizeof err);
	cJSON_InitHooks(NULL);
	cr_assert_eq(rc, -1);
	char *want = xasprintf("not valid JSON at byte %zu (line 20001, column 189)", cut - 5);
	cr_assert(strncmp(err, want, strlen(want)) == 0, "%s (cut %zu)", err, cut);
	cr_assert(strstr(err, "the file ends before the JSON does (truncated?)"), "%s", err);
	cr_assert_eq(b.n, 0);
	cr_assert_lt(cjson_peak, 1L << 20, "cJSON held %ld bytes at once", cjson_peak);
	free(want);
	free(text);
}
