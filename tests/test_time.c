/* test_time — pins the calendar arithmetic every figure relies on: ISO 8601
 * parsing with zone offsets (a +0530 time is converted, never read as local),
 * ISO week labels across year ends, Monday week starts and day numbers before
 * 1970, and the range of accepted instants (the years 1970-9999). Expected
 * values were computed by hand and checked with `date -u -d`. */
#include <criterion/criterion.h>
#include <string.h>

#include "timeutil.h"

static int64_t parse(const char *s)
{
	int64_t t = 0;
	cr_assert(time_parse_iso(s, &t), "should parse: %s", s);
	return t;
}

Test(time, parses_utc_forms)
{
	/* 2026-11-27T09:00:00Z: days from 1970-01-01 to 2026-11-27 = 20784 (56 * 365 + 14 leap days + 304 days of Jan-Oct + 26); 20784*86400 + 9*3600 */
	cr_assert_eq(parse("2026-11-27T09:00:00Z"), 20784LL * 86400 + 9 * 3600);
	cr_assert_eq(parse("2026-11-27T09:00Z"), 20784LL * 86400 + 9 * 3600);
	cr_assert_eq(parse("2026-11-27 09:00:00"), 20784LL * 86400 + 9 * 3600);
	cr_assert_eq(parse("2026-11-27"), 20784LL * 86400);
	cr_assert_eq(parse("2026-11-27T09:00:00.123Z"), 20784LL * 86400 + 9 * 3600);
	cr_assert_eq(parse("@1764234000"), 1764234000);
}

Test(time, converts_offsets)
{
	/* 09:00 at -07:00 is 16:00 UTC; 09:00 at +05:30 is 03:30 UTC. */
	int64_t day = 20784LL * 86400;
	cr_assert_eq(parse("2026-11-27T09:00-07:00"), day + 16 * 3600);
	cr_assert_eq(parse("2026-11-27T09:00:00+0530"), day + 3 * 3600 + 30 * 60);
	cr_assert_eq(parse("2026-11-27T09:00:00+05"), day + 4 * 3600);
}

Test(time, rejects_junk)
{
	int64_t t;
	const char *bad[] = {"", "2026", "2026-13-01", "2026-02-29", "2026-11-27T25:00",
			     "2026-11-27T09:00+99:00", "yesterday", "2026-11-27X", "@", "@12x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_not(time_parse_iso(bad[i], &t), "should reject: '%s'", bad[i]);
	cr_assert(time_parse_iso("2024-02-29", &t), "2024 is a leap year");
}

/* The years 1970-9999 (issue 13): 0 is 1970-01-01T00:00:00Z and
 * 253402300799 is 9999-12-31T23:59:59Z (days_from_civil(10000, 1, 1) =
 * 2932897 days, * 86400 - 1). One second outside either end, an offset that
 * carries a time across an end, and @seconds past 64 bits are out of range,
 * not junk; and "@-" or "@1e17" are junk. */
Test(time, accepts_only_the_years_1970_to_9999)
{
	int64_t t = 42;
	cr_assert_eq(parse("1970-01-01T00:00:00Z"), 0);
	cr_assert_eq(parse("9999-12-31T23:59:59Z"), INT64_C(253402300799));
	cr_assert_eq(SD_TIME_MAX, INT64_C(2932897) * 86400 - 1);
	cr_assert_eq(parse("@0"), 0);
	cr_assert_eq(parse("@+253402300799"), SD_TIME_MAX);
	cr_assert_eq(parse("1970-01-01T01:00:00+01:00"), 0);
	const char *out[] = {"1969-12-31T23:59:59Z", "@-1", "@253402300800", "@100000000000000000",
			     "@99999999999999999999", "0001-01-01", "1970-01-01T00:59:59+01:00",
			     "9999-12-31T23:30:00-01:00"};
	for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
		cr_assert_eq(time_parse_iso_status(out[i], &t), TIME_OUT_OF_RANGE, "%s", out[i]);
		cr_assert_not(time_parse_iso(out[i], &t), "%s", out[i]);
	}
	cr_assert_eq(t, 42, "a refused time leaves *out alone");
	const char *junk[] = {"@-", "@1e17", "@ 12", "@--1"};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
		cr_assert_eq(time_parse_iso_status(junk[i], &t), TIME_NOT_ISO, "%s", junk[i]);
}

Test(time, formats_round_trip)
{
	char buf[32];
	cr_assert_str_eq(time_format_iso(parse("2026-11-27T09:05:07+01:00"), buf), "2026-11-27T08:05:07Z");
	cr_assert_str_eq(time_format_iso(-1, buf), "1969-12-31T23:59:59Z");
	cr_assert_str_eq(time_format_short(parse("2026-01-02T03:04:59Z"), buf), "2026-01-02 03:04");
}

Test(time, weeks_and_weekdays)
{
	char buf[16];
	/* 2026-11-27 is a Friday (4 with Monday = 0); its week starts Monday 2026-11-23. */
	int64_t fri = parse("2026-11-27T23:59:59Z");
	cr_assert_eq(time_weekday(fri), 4);
	cr_assert_eq(time_week_start(fri), parse("2026-11-23"));
	cr_assert_str_eq(time_iso_week(fri, buf), "2026-W48");
	/* ISO weeks at year ends: 2026-12-31 (Thu) is 2026-W53; 2027-01-03 (Sun) too;
	 * 2027-01-04 (Mon) is 2027-W01; 2025-12-29 (Mon) is 2026-W01. */
	cr_assert_str_eq(time_iso_week(parse("2026-12-31"), buf), "2026-W53");
	cr_assert_str_eq(time_iso_week(parse("2027-01-03T12:00Z"), buf), "2026-W53");
	cr_assert_str_eq(time_iso_week(parse("2027-01-04"), buf), "2027-W01");
	cr_assert_str_eq(time_iso_week(parse("2025-12-29"), buf), "2026-W01");
	/* Before the epoch: 1969-12-31 was a Wednesday (2). */
	cr_assert_eq(time_day(-1), -1);
	cr_assert_eq(time_weekday(-1), 2);
}

Test(time, ages)
{
	char buf[32];
	cr_assert_str_eq(time_age(1000, 1000, buf), "just now");
	cr_assert_str_eq(time_age(1000 + 120, 1000, buf), "2 min ago");
	cr_assert_str_eq(time_age(1000 + 7200, 1000, buf), "2 h ago");
	cr_assert_str_eq(time_age(1000 + 3 * 86400, 1000, buf), "3 d ago");
}
