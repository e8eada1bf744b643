/* test_snapshot — pins the snapshot's header and features section in all
 * three formats, rendered from a hand-built struct dash: text fits the width
 * and carries no escape bytes even when a title is hostile, markdown escapes
 * table pipes, and JSON has the schema name, now, repository and window. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "snapshot.h"
#include "text.h"
#include "timeutil.h"

static struct dash make_dash(void)
{
	struct dash d = {0};
	time_parse_iso("2026-11-27T09:00:00Z", &d.now);
	d.window_days = 90;
	d.repo_name = "storefront";
	static struct dash_feature fs[2];
	memset(fs, 0, sizeof fs);
	fs[0] = (struct dash_feature){
		.id = 1, .key = "FEAT-12", .title = "Checkout \x1b]0;owned\x07redesign | v2",
		.size = "medium", .phase = "development", .phase_since = d.now - 11 * 86400 - 3600,
		.days_in_phase = 11.04, .expected_lo = 7, .expected_hi = 10, .overdue = true,
		.planning_total = 7, .planning_done = 7, .predeploy_total = 8,
		.expected_label = "Development: day 12 of 7\xe2\x80\x93" "10 days",
	};
	fs[1] = (struct dash_feature){
		.id = 2, .title = "Dark mode", .size = "small", .phase = "planning",
		.phase_since = SD_NO_TIME, .days_in_phase = NAN, .expected_lo = NAN, .expected_hi = NAN,
		.gate_go = false,
	};
	d.features = fs;
	d.nfeatures = 2;
	return d;
}

static char *render(enum snap_format f, int width)
{
	struct dash d = make_dash();
	struct render r = {f, width, false};
	struct strbuf out = STRBUF_INIT;
	snapshot_render(&out, &d, &r);
	return sb_detach(&out);
}

static bool has_control_bytes(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			return true;
	return false;
}

Test(snapshot, text_header_and_features)
{
	char *t = render(SNAP_TEXT, 80);
	cr_assert(str_starts(t, "shipdeck \xe2\x80\x94 storefront"), "%s", t);
	cr_assert(strstr(t, "as of 2026-11-27 09:00 UTC\n"), "%s", t);
	cr_assert(strstr(t, "window 90 days\n"));
	cr_assert(strstr(t, "Development (1)\n"));
	cr_assert(strstr(t, "Planning (1)\n"));
	/* 11.04 days in phase is day 12, against 7-10 for a medium feature */
	cr_assert(strstr(t, "day 12 of 7\xe2\x80\x93" "10 days"), "%s", t);
	cr_assert(strstr(t, "overdue"));
	cr_assert_not(has_control_bytes(t), "escape bytes in: %s", t);
	cr_assert(strstr(t, "]0;owned"), "the text stays, harmless");
	/* Development comes before Planning? No: phases are in journey order. */
	cr_assert_lt(strstr(t, "Planning (1)"), strstr(t, "Development (1)"));
	for (char *line = t; *line;) {
		char *nl = strchr(line, '\n');
		*nl = '\0';
		cr_assert_leq(text_width(line), 80, "line too wide: '%s'", line);
		line = nl + 1;
	}
	free(t);
}

Test(snapshot, text_respects_width)
{
	char *t = render(SNAP_TEXT, 120);
	bool wide = false;
	for (char *line = t; *line;) {
		char *nl = strchr(line, '\n');
		*nl = '\0';
		cr_assert_leq(text_width(line), 120);
		wide = wide || text_width(line) > 80;
		line = nl + 1;
	}
	cr_assert(wide, "a wider snapshot uses the room");
	free(t);
}

Test(snapshot, markdown)
{
	char *t = render(SNAP_MARKDOWN, 80);
	cr_assert(str_starts(t, "# shipdeck \xe2\x80\x94 storefront\n"), "%s", t);
	cr_assert(strstr(t, "## Features"));
	cr_assert(strstr(t, "| Development | FEAT-12 | Checkout \\]0;ownedredesign \\| v2 | day 12 of 7\xe2\x80\x93" "10 days | overdue |"), "%s", t);
	cr_assert_not(has_control_bytes(t));
	free(t);
}

Test(snapshot, json)
{
	char *t = render(SNAP_JSON, 80);
	cJSON *root = cJSON_Parse(t);
	cr_assert_not_null(root, "not JSON: %s", t);
	cr_assert_str_eq(cJSON_GetObjectItem(root, "schema")->valuestring, "shipdeck.snapshot/2");
	cr_assert_str_eq(cJSON_GetObjectItem(root, "now")->valuestring, "2026-11-27T09:00:00Z");
	cr_assert_str_eq(cJSON_GetObjectItem(root, "repository")->valuestring, "storefront");
	cr_assert_eq(cJSON_GetObjectItem(root, "window_days")->valueint, 90);
	cJSON *fs = cJSON_GetObjectItem(root, "features");
	cr_assert_eq(cJSON_GetArraySize(fs), 2);
	cJSON *f0 = cJSON_GetArrayItem(fs, 0);
	cr_assert_str_eq(cJSON_GetObjectItem(f0, "title")->valuestring, "Checkout \x1b]0;owned\x07redesign | v2",
			 "JSON keeps the text, escaped");
	cr_assert_not_null(strstr(t, "\\u001b]0;owned\\u0007"));
	cr_assert_str_eq(cJSON_GetObjectItem(f0, "phase")->valuestring, "development");
	cr_assert_eq(cJSON_GetObjectItem(f0, "days_in_phase")->valuedouble, 11.0);
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(f0, "overdue")));
	cJSON *exp = cJSON_GetObjectItem(f0, "expected_days");
	cr_assert_eq(cJSON_GetArrayItem(exp, 0)->valuedouble, 7);
	cr_assert_eq(cJSON_GetArrayItem(exp, 1)->valuedouble, 10);
	cJSON *f1 = cJSON_GetArrayItem(fs, 1);
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(f1, "key")));
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(f1, "days_in_phase")), "no data is null, never 0");
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(f1, "expected_days")));
	cJSON_Delete(root);
	free(t);
}
