/* test_dump — pins export and import: export → import → export is
 * byte-identical; a malformed or wrong-schema document is refused with the
 * JSON path of the problem and leaves the database exactly as it was. */
#include <criterion/criterion.h>
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
	struct check_tick t = {a.id, "predeploy", "rollback-plan", "sam", 1764000300, NULL};
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
