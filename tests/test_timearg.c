/* test_timearg — pins how typed times are read (issue 12): a time without
 * an offset is the team's wall-clock time (config `timezone`), on every
 * command that takes one (window --at, gate --at, --now, deploy record
 * --at, incident open --at / update --detected, build add --started /
 * --finished), and the output says which zone. Europe/Berlin and
 * America/New_York, including the nights their clocks change: a time the
 * clocks skip is refused with the time they jumped to, a time they repeat
 * with both offsets. Also the next good deployment window, across a
 * daylight-saving change and past a holiday. Every answer is worked out by
 * hand in a comment. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "loaders.h"
#include "datafiles.h"
#include "helpers.h"
#include "timeutil.h"
#include "util.h"

static int64_t T(const char *iso)
{
	int64_t t;
	cr_assert(time_parse_iso(iso, &t), "bad fixture time %s", iso);
	return t;
}

static void load_zone(const char *name, struct tz_zone *z)
{
	char why[240];
	if (!tz_load(name, z, why, sizeof why))
		cr_skip_test("no zoneinfo for %s on this system: %s", name, why);
}

/* ---- local wall-clock time to an instant (pure) -------------------------------- */

/* Wall-clock "YYYY-MM-DDTHH:MM" as seconds, as tz_local_to_utc takes it. */
static int64_t wall(const char *iso)
{
	int64_t t;
	bool zone;
	cr_assert(time_parse_wall(iso, &t, &zone) == TIME_OK && !zone, "bad wall time %s", iso);
	return t;
}

Test(local, berlin_winter_summer_and_both_changes)
{
	struct tz_zone z;
	load_zone("Europe/Berlin", &z);
	int64_t t[2];
	/* December: CET, UTC+1. 10:00 → 09:00Z. */
	cr_assert_eq(tz_local_to_utc(&z, wall("2026-12-05T10:00"), t), 1);
	cr_assert_eq(t[0], T("2026-12-05T09:00:00Z"));
	/* July: CEST, UTC+2. 10:00 → 08:00Z. */
	cr_assert_eq(tz_local_to_utc(&z, wall("2026-07-01T10:00"), t), 1);
	cr_assert_eq(t[0], T("2026-07-01T08:00:00Z"));
	/* 2026-03-29 (last Sunday of March) at 01:00Z = 02:00 CET the clocks
	 * jump to 03:00 CEST: 02:30 does not exist; 03:30 CEST is 01:30Z. */
	cr_assert_eq(tz_local_to_utc(&z, wall("2026-03-29T02:30"), t), 0);
	cr_assert_eq(tz_local_to_utc(&z, wall("2026-03-29T03:30"), t), 1);
	cr_assert_eq(t[0], T("2026-03-29T01:30:00Z"));
	/* 01:59 CET just before: 00:59Z. */
	cr_assert_eq(tz_local_to_utc(&z, wall("2026-03-29T01:59"), t), 1);
	cr_assert_eq(t[0], T("2026-03-29T00:59:00Z"));
	/* 2026-10-25 (last Sunday of October) at 01:00Z = 03:00 CEST the clocks
	 * go back to 02:00 CET: 02:30 happens at 00:30Z (CEST) and 01:30Z (CET). */
	cr_assert_eq(tz_local_to_utc(&z, wall("2026-10-25T02:30"), t), 2);
	cr_assert_eq(t[0], T("2026-10-25T00:30:00Z"));
	cr_assert_eq(t[1], T("2026-10-25T01:30:00Z"));
	tz_free(&z);
}

Test(local, new_york_both_changes)
{
	struct tz_zone z;
	load_zone("America/New_York", &z);
	int64_t t[2];
	/* December: EST, UTC-5. 10:00 → 15:00Z. */
	cr_assert_eq(tz_local_to_utc(&z, wall("2026-12-05T10:00"), t), 1);
	cr_assert_eq(t[0], T("2026-12-05T15:00:00Z"));
	/* 2026-03-08 (second Sunday of March) 02:00 EST → 03:00 EDT: 02:15 is
	 * skipped; 03:00 EDT (UTC-4) is 07:00Z. */
	cr_assert_eq(tz_local_to_utc(&z, wall("2026-03-08T02:15"), t), 0);
	cr_assert_eq(tz_local_to_utc(&z, wall("2026-03-08T03:00"), t), 1);
	cr_assert_eq(t[0], T("2026-03-08T07:00:00Z"));
	/* 2026-11-01 (first Sunday of November) 02:00 EDT → 01:00 EST: 01:30
	 * happens at 05:30Z (EDT, UTC-4) and 06:30Z (EST, UTC-5). */
	cr_assert_eq(tz_local_to_utc(&z, wall("2026-11-01T01:30"), t), 2);
	cr_assert_eq(t[0], T("2026-11-01T05:30:00Z"));
	cr_assert_eq(t[1], T("2026-11-01T06:30:00Z"));
	tz_free(&z);
}

Test(local, fixed_offset_is_one_answer)
{
	struct tz_zone z;
	load_zone("+05:30", &z);
	int64_t t[2];
	/* 09:00 at +05:30 is 03:30Z */
	cr_assert_eq(tz_local_to_utc(&z, wall("2026-11-27T09:00"), t), 1);
	cr_assert_eq(t[0], T("2026-11-27T03:30:00Z"));
	tz_free(&z);
}

/* ---- the next good window (pure) ---------------------------------------------------- */

struct wfix {
	struct window_table table;
	struct tz_zone zone;
	struct holidays hol;
};

static void wfix_init(struct wfix *f, const char *zone, const char *holidays)
{
	char why[240];
	cr_assert(window_table_parse(data_file("window.json", NULL), &f->table, why, sizeof why), "%s", why);
	load_zone(zone, &f->zone);
	cr_assert(holidays_parse(holidays, &f->hol, why, sizeof why), "%s", why);
}

static void wfix_free(struct wfix *f)
{
	window_table_free(&f->table);
	tz_free(&f->zone);
	holidays_free(&f->hol);
}

static void next_good_is(struct wfix *f, const char *from, const char *want_utc, const char *want_when)
{
	struct window_result w;
	int64_t at;
	cr_assert(window_next_good(&f->table, &f->zone, &f->hol, T(from), 56, &w, &at), "from %s", from);
	char iso[24];
	cr_assert_str_eq(time_format_iso(at, iso), want_utc, "from %s", from);
	cr_assert_str_eq(w.when, want_when, "from %s", from);
	cr_assert_eq(w.verdict, WINDOW_GOOD);
}

Test(next_good, weekend_to_tuesday_morning)
{
	struct wfix f;
	wfix_init(&f, "Europe/Berlin", "");
	/* Saturday 10:00 CET (09:00Z): Sat, Sun never, Mon risky; Tue 07:00 CET = 06:00Z */
	next_good_is(&f, "2026-12-05T09:00:00Z", "2026-12-08T06:00:00Z", "Tuesday 2026-12-08 07:00 CET");
	/* Tuesday 11:59 CET is good already: the answer is now */
	next_good_is(&f, "2026-12-08T10:59:00Z", "2026-12-08T10:59:00Z", "Tuesday 2026-12-08 11:59 CET");
	/* Tuesday 12:00 CET: risky afternoon → Wednesday 07:00 CET = 06:00Z */
	next_good_is(&f, "2026-12-08T11:00:00Z", "2026-12-09T06:00:00Z", "Wednesday 2026-12-09 07:00 CET");
	wfix_free(&f);
}

Test(next_good, across_the_spring_change)
{
	struct wfix f;
	wfix_init(&f, "Europe/Berlin", "");
	/* Saturday 2026-03-28 10:00 CET (09:00Z). Clocks go forward on Sunday
	 * the 29th, so Tuesday 07:00 is CEST (UTC+2): 05:00Z, not 06:00Z. */
	next_good_is(&f, "2026-03-28T09:00:00Z", "2026-03-31T05:00:00Z", "Tuesday 2026-03-31 07:00 CEST");
	wfix_free(&f);
}

Test(next_good, past_a_holiday_in_new_york)
{
	struct wfix f;
	wfix_init(&f, "America/New_York", "2026-12-08");
	/* Friday 2026-12-04 15:00Z = 10:00 EST: risky (Friday morning). Mon the
	 * 7th risky, Tue the 8th a holiday; Wednesday 07:00 EST = 12:00Z. */
	next_good_is(&f, "2026-12-04T15:00:00Z", "2026-12-09T12:00:00Z", "Wednesday 2026-12-09 07:00 EST");
	wfix_free(&f);
}

/* ---- through the command line ------------------------------------------------------- */

static char *home, *repo;

static void cli_setup(void)
{
	home = th_tmpdir();
	repo = th_make_repo(home, "shop");
}

static void cli_teardown(void)
{
	th_rmtree(home);
	free(home);
	free(repo);
}

static void zone_is(const char *zone)
{
	char *cfg = xasprintf("%s/.shipdeck.json", repo);
	char *text = xasprintf("{\"timezone\": \"%s\"}", zone);
	th_write(cfg, text);
	free(cfg);
	free(text);
}

TestSuite(cli, .init = cli_setup, .fini = cli_teardown, .timeout = 60);

#define NOW "2026-12-10T12:00:00Z"
#define RUN(...) th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", NOW, __VA_ARGS__, NULL})

static cJSON *json_of(struct th_run r)
{
	cr_assert_eq(r.status, 0, "status %d, stderr: %s", r.status, r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j, "not JSON: %s", r.out);
	th_run_free(&r);
	return j;
}

static const char *jstr(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static void refused(struct th_run r, const char *err_has)
{
	cr_assert_eq(r.status, 2, "status %d, stdout: %s", r.status, r.out);
	cr_assert(strstr(r.err, err_has), "stderr lacks '%s': %s", err_has, r.err);
	cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "one line: %s", r.err);
	th_run_free(&r);
}

Test(cli, window_at_is_read_in_the_team_zone)
{
	zone_is("Europe/Berlin");
	/* the case: 10:00 in Berlin in December is 09:00Z (not 10:00Z) */
	cJSON *j = json_of(RUN("window", "--at", "2026-12-05T10:00", "--json"));
	cr_assert_str_eq(jstr(j, "at"), "2026-12-05T09:00:00Z");
	cr_assert_str_eq(jstr(j, "local"), "2026-12-05T10:00:00+01:00");
	cr_assert_str_eq(jstr(j, "timezone"), "Europe/Berlin");
	/* and the next good window: Tuesday 07:00 CET (see next_good above) */
	cr_assert_str_eq(jstr(cJSON_GetObjectItem(j, "next_good"), "local"), "2026-12-08T07:00:00+01:00");
	cJSON_Delete(j);
	struct th_run r = RUN("window", "--at", "2026-12-05T10:00");
	cr_assert_eq(r.status, 0);
	cr_assert_str_eq(r.out, "window: never (Saturday 2026-12-05 10:00 CET, Europe/Berlin)\n"
				"  why: weekend: a problem would wait for people who are off, or wake them up\n"
				"  next good window: Tuesday 2026-12-08 07:00 CET\n");
	th_run_free(&r);
	/* an offset given is kept: 10:00Z is 11:00 CET */
	j = json_of(RUN("window", "--at", "2026-12-05T10:00Z", "--json"));
	cr_assert_str_eq(jstr(j, "local"), "2026-12-05T11:00:00+01:00");
	cJSON_Delete(j);
}

Test(cli, window_at_in_new_york_and_its_fall_back_night)
{
	zone_is("America/New_York");
	/* 10:00 EST is 15:00Z */
	cJSON *j = json_of(RUN("window", "--at", "2026-12-05T10:00", "--json"));
	cr_assert_str_eq(jstr(j, "at"), "2026-12-05T15:00:00Z");
	cJSON_Delete(j);
	/* 01:30 on 2026-11-01 happens twice (see new_york_both_changes) */
	refused(RUN("window", "--at", "2026-11-01T01:30"),
		"--at 2026-11-01T01:30: that time happens twice in America/New_York (the clocks turn back "
		"over it); write 2026-11-01T01:30-04:00 for the first, 2026-11-01T01:30-05:00 for the second");
	/* 02:15 on 2026-03-08 is skipped; the clocks jumped to 03:15 EDT */
	refused(RUN("window", "--at", "2026-03-08T02:15"),
		"--at 2026-03-08T02:15: there is no such time in America/New_York (the clocks jump over it "
		"that night); did you mean 2026-03-08T03:15-04:00?");
	/* with the offset written, the first reading is taken as given */
	j = json_of(RUN("window", "--at", "2026-11-01T01:30-04:00", "--json"));
	cr_assert_str_eq(jstr(j, "at"), "2026-11-01T05:30:00Z");
	cJSON_Delete(j);
}

Test(cli, berlin_spring_gap_on_deploy_record)
{
	zone_is("Europe/Berlin");
	refused(RUN("deploy", "record", "main", "--env", "production", "--at", "2026-03-29T02:30"),
		"did you mean 2026-03-29T03:30+02:00?");
	/* 03:30 CEST is 01:30Z */
	cJSON *j = json_of(RUN("deploy", "record", "main", "--env", "production", "--at", "2026-03-29T03:30",
			       "--json"));
	cr_assert_str_eq(jstr(cJSON_GetObjectItem(j, "deployment"), "at"), "2026-03-29T01:30:00Z");
	cJSON_Delete(j);
}

Test(cli, every_time_flag_uses_the_zone)
{
	zone_is("America/New_York");
	/* deploy record --at: 09:00 EST = 14:00Z */
	cJSON *j = json_of(RUN("deploy", "record", "main", "--env", "production", "--at", "2026-11-27T09:00",
			       "--json"));
	cr_assert_str_eq(jstr(cJSON_GetObjectItem(j, "deployment"), "at"), "2026-11-27T14:00:00Z");
	cJSON_Delete(j);
	/* incident open --at 09:30 EST = 14:30Z; update --detected 09:40 EST = 14:40Z */
	struct th_run r = RUN("incident", "open", "Checkout down", "--at", "2026-11-27T09:30");
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	r = RUN("incident", "update", "1", "--detected", "2026-11-27T09:40");
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	j = json_of(RUN("incident", "list", "--json"));
	const cJSON *inc = cJSON_IsArray(j) ? cJSON_GetArrayItem(j, 0)
					   : cJSON_GetArrayItem(cJSON_GetObjectItem(j, "incidents"), 0);
	cr_assert_str_eq(jstr(inc, "started_at"), "2026-11-27T14:30:00Z");
	cr_assert_str_eq(jstr(inc, "detected_at"), "2026-11-27T14:40:00Z");
	cJSON_Delete(j);
	/* build add: 10:00–10:12 EST = 15:00–15:12Z, 12 minutes */
	char *sha = th_rev(repo, "HEAD");
	r = RUN("build", "add", "--commit", sha, "--started", "2026-11-27T10:00", "--finished",
		"2026-11-27T10:12", "--conclusion", "success");
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	j = json_of(RUN("build", "list", "--json"));
	const cJSON *b = cJSON_IsArray(j) ? cJSON_GetArrayItem(j, 0)
					 : cJSON_GetArrayItem(cJSON_GetObjectItem(j, "builds"), 0);
	cr_assert_str_eq(jstr(b, "started"), "2026-11-27T15:00:00Z");
	cr_assert_str_eq(jstr(b, "finished"), "2026-11-27T15:12:00Z");
	cJSON_Delete(j);
	free(sha);
	/* --now without an offset too: 07:00 EST on 2026-12-10 = 12:00Z */
	r = th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", "2026-12-10T07:00",
							   "window", "--json", NULL});
	j = json_of(r);
	cr_assert_str_eq(jstr(j, "at"), "2026-12-10T12:00:00Z");
	cJSON_Delete(j);
}

Test(cli, a_bad_time_is_one_line)
{
	zone_is("Europe/Berlin");
	refused(RUN("window", "--at", "5 December"), "--at '5 December': not an ISO 8601 time");
	refused(RUN("gate", "1", "--at", "2026-02-30T10:00"), "not an ISO 8601 time");
}
