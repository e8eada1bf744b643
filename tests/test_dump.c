/* test_dump — pins export and import: export → import → export is
 * byte-identical; a malformed or wrong-schema document is refused with the
 * JSON path of the problem and leaves the database exactly as it was; an
 * export is one document (content after it, a NUL byte, a "\u0000" in a
 * string, an instant outside the years 1970-9999 are refused with their
 * position or path), and integers are written and read exactly, past 2^53. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "helpers.h"
#include "store.h"
#include "timeutil.h"
#include "util.h"

static char *dir;
static struct store *st;

static void setup(void)
{
	dir = th_tmpdir();
	char *path = xasprintf("%s/d.db", dir);
	char err[512];
	st = store_open(path, STORE_CREATE, err, sizeof err);
	cr_assert_not_null(st, "%s", err);
	free(path);
	struct feature a = {.key = "FEAT-1", .title = "Caf\xc3\xa9 \"quotes\"\n", .size = "small",
			    .owner = "dana", .created_at = 1764000000, .phase_manual_at = SD_NO_TIME};
	struct feature b = {.title = "No key", .size = "large", .created_at = 1764000100,
			    .phase_manual = "testing", .phase_reason = "QA said so",
			    .phase_manual_at = 1764000200};
	store_feature_add(st, &a);
	store_feature_add(st, &b);
	struct check_tick t = {a.id, "predeploy", "rollback-plan", "sam", 1764000300, NULL, false};
	store_tick_set(st, &t);
	store_setting_set(st, "team", "storefront");
}

static void teardown(void)
{
	store_close(st);
	th_rmtree(dir);
	free(dir);
}

TestSuite(dump, .init = setup, .fini = teardown);

static char *export_text(void)
{
	struct strbuf out = STRBUF_INIT;
	cr_assert_eq(dump_export(st, &out), 0, "%s", store_errmsg(st));
	return sb_detach(&out);
}

Test(dump, round_trip_is_byte_identical)
{
	char *first = export_text();
	cr_assert(strstr(first, "\"schema\":\t\"shipdeck.export/1\""), "%s", first);
	cr_assert(strstr(first, "\"rollback-plan\""));
	char err[512] = "";
	cr_assert_eq(dump_import(st, first, strlen(first), err, sizeof err), 0, "%s", err);
	char *second = export_text();
	cr_assert_str_eq(first, second);
	free(first);
	free(second);
}

static void refused(const char *doc, const char *want_prefix)
{
	char *before = export_text();
	char err[512] = "";
	cr_assert_eq(dump_import(st, doc, strlen(doc), err, sizeof err), -1, "accepted: %s", doc);
	cr_assert(str_starts(err, want_prefix), "error '%s' should start with '%s'", err, want_prefix);
	cr_assert_null(strchr(err, '\n'), "one line");
	char *after = export_text();
	cr_assert_str_eq(before, after, "database changed by a refused import");
	free(before);
	free(after);
}

#define HEAD "{\"schema\": \"shipdeck.export/1\", \"version\": 1, \"tables\": "

Test(dump, refuses_with_json_path_and_changes_nothing)
{
	refused("{\"schema\": ", "not valid JSON");
	refused("[]", "(document)");
	refused("{\"schema\": \"other\"}", "schema:");
	refused("{\"schema\": \"shipdeck.export/1\", \"version\": 99, \"tables\": {}}", "version:");
	refused(HEAD "{\"bogus\": []}}", "tables.bogus: unknown table");
	refused(HEAD "{\"features\": {}}}", "tables.features: must be an array");
	/* the fourth feature (index 3) has a size the schema refuses */
	refused(HEAD "{\"features\": ["
		"{\"id\": 1, \"title\": \"a\", \"created_at\": 1},"
		"{\"id\": 2, \"title\": \"b\", \"created_at\": 1},"
		"{\"id\": 3, \"title\": \"c\", \"created_at\": 1},"
		"{\"id\": 4, \"title\": \"d\", \"created_at\": 1, \"size\": \"huge\"}]}}",
		"features[3].size:");
	refused(HEAD "{\"features\": [{\"id\": 1, \"title\": \"a\", \"created_at\": \"soon\"}]}}",
		"features[0].created_at:");
	refused(HEAD "{\"features\": [{\"id\": 1, \"title\": \"a\", \"created_at\": 1.5}]}}",
		"features[0].created_at: must be a string, a whole number or null");
	refused(HEAD "{\"features\": [{\"id\": 1, \"title\": \"a\", \"title\": \"b\", \"created_at\": 1}]}}",
		"features[0].title: duplicate key");
	refused(HEAD "{\"features\": [{\"id\": 1, \"nope\": 2}]}}", "features[0].nope: no such column");
	refused(HEAD "{\"checklist_items\": [{\"feature_id\": 42, \"kind\": \"k\", \"item\": \"i\"}]}}",
		"checklist_items[0].");
}

/* The export is 1 document; "{}" after it starts right at its end (the
 * export ends in a newline, which is whitespace). */
Test(dump, one_document_only)
{
	char *doc = export_text();
	size_t n = strlen(doc);
	char *two = xasprintf("%s{}", doc);
	char want[128];
	snprintf(want, sizeof want, "content after the JSON document at byte %zu (line ", n);
	refused(two, want);
	char err[512] = "";
	cr_assert_eq(dump_import(st, two, strlen(two), err, sizeof err), -1);
	cr_assert(strstr(err, ": the file must hold one JSON document"), "%s", err);
	/* a NUL byte after the document: C string functions would stop there */
	char *nul = xmalloc(n + 3);
	memcpy(nul, doc, n);
	memcpy(nul + n, "\0{}", 3);
	cr_assert_eq(dump_import(st, nul, n + 3, err, sizeof err), -1);
	snprintf(want, sizeof want, "a NUL byte at byte %zu ", n);
	cr_assert(str_starts(err, want), "%s", err);
	free(nul);
	free(two);
	free(doc);
}

Test(dump, nul_character_and_times_out_of_range_are_refused_with_their_path)
{
	refused(HEAD "{\"features\": [{\"id\": 1, \"title\": \"CI\\u0000hidden\", \"created_at\": 1}]}}",
		"features[0].title: a NUL character (\\u0000) in a string");
	refused(HEAD "{\"features\": [{\"id\": 1, \"title\\u0000x\": \"a\", \"created_at\": 1}]}}",
		"features[0].title: a NUL character (\\u0000) in a key");
	/* -1 is 1969-12-31T23:59:59Z; 253402300800 is 10000-01-01T00:00:00Z */
	refused(HEAD "{\"features\": [{\"id\": 1, \"title\": \"a\", \"created_at\": -1}]}}",
		"features[0].created_at: outside the years 1970-9999");
	refused(HEAD "{\"features\": [{\"id\": 1, \"title\": \"a\", \"created_at\": 1}],"
		" \"feature_events\": [{\"id\": 1, \"feature_id\": 1, \"phase\": \"testing\","
		" \"at\": 253402300800}]}}", "feature_events[0].at: outside the years 1970-9999");
	/* 1e17 was how export wrote such a time: a whole number, but not in digits */
	refused(HEAD "{\"features\": [{\"id\": 1, \"title\": \"a\", \"created_at\": 1e17}]}}",
		"features[0].created_at: a whole number too large to read exactly");
	refused(HEAD "{\"features\": [{\"id\": 9223372036854775808, \"title\": \"a\", \"created_at\": 1}]}}",
		"features[0].id: a whole number too large to read exactly");
}

/* 2^53 + 1 as a double is 2^53: read from its digits it stays itself, and
 * 253402300799 (9999-12-31T23:59:59Z) is the last instant accepted. */
Test(dump, integers_are_exact_past_2_53)
{
	const char *doc = HEAD "{\"features\": [{\"id\": 9007199254740993, \"title\": \"a\","
		" \"created_at\": 253402300799}]}}";
	char err[512] = "";
	cr_assert_eq(dump_import(st, doc, strlen(doc), err, sizeof err), 0, "%s", err);
	char *out = export_text();
	cr_assert(strstr(out, "\"id\":\t9007199254740993,"), "%s", out);
	cr_assert(strstr(out, "\"created_at\":\t253402300799,"), "%s", out);
	cr_assert_eq(dump_import(st, out, strlen(out), err, sizeof err), 0, "%s", err);
	char *again = export_text();
	cr_assert_str_eq(out, again);
	free(out);
	free(again);
}
