/* timearg — one parser for the times people type. "window --at
 * 2026-12-05T10:00" in a team that works in Berlin means 10:00 in Berlin,
 * not in UTC; the zone comes from config `timezone` (docs/advisor.md
 * "Times"). A wall-clock time on a night the clocks change is ambiguous or
 * impossible, and a wrong guess would misplace a record by an hour, so such
 * a time is refused with the two readings spelled out. */
#include "timearg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "loaders.h"
#include "context.h"
#include "text.h"
#include "timeutil.h"
#include "util.h"

const struct tz_zone *timearg_zone(struct ctx *c)
{
	if (c->zone)
		return c->zone;
	char why[240];
	struct tz_zone *z = xcalloc(1, sizeof *z);
	if (!tz_load(opt_str(&c->opt, OPT_TIMEZONE), z, why, sizeof why)) {
		char *shown = text_clean(why, TEXT_ONE_LINE);
		sd_error("%s", shown);
		free(shown);
		free(z);
		return NULL;
	}
	c->zone = z;
	return z;
}

/* "2026-10-25T02:30+02:00": instant t written at the given offset. */
static void format_at_offset(int64_t t, int32_t offset, char *buf, size_t len)
{
	int y, mo, d, h, mi, s;
	time_utc_parts(t + offset, &y, &mo, &d, &h, &mi, &s);
	int32_t off = offset < 0 ? -offset : offset;
	int n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d", y, mo, d, h, mi);
	if (s && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, ":%02d", s);
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%c%02d:%02d", offset < 0 ? '-' : '+',
			 (int)(off / 3600), (int)(off % 3600 / 60));
}

static bool refuse_gap(const struct tz_zone *z, const char *flag, const char *shown, int64_t local)
{
	/* the clocks jumped: the same reading at the offset before the jump
	 * lands after it, at the time the clocks jumped to */
	int64_t t = local - tz_type_at(z, local - 86400)->offset;
	char meant[40];
	format_at_offset(t, tz_type_at(z, t)->offset, meant, sizeof meant);
	sd_error("--%s %s: there is no such time in %s (the clocks jump over it that night); "
		 "did you mean %s?", flag, shown, z->name, meant);
	return false;
}

static bool refuse_overlap(const struct tz_zone *z, const char *flag, const char *shown,
			   const int64_t t[2])
{
	char first[40], second[40];
	format_at_offset(t[0], tz_type_at(z, t[0])->offset, first, sizeof first);
	format_at_offset(t[1], tz_type_at(z, t[1])->offset, second, sizeof second);
	sd_error("--%s %s: that time happens twice in %s (the clocks turn back over it); write %s "
		 "for the first, %s for the second", flag, shown, z->name, first, second);
	return false;
}

/* The instant of a wall-clock time in the team's zone; false after one
 * error line when it has none or two. */
static bool read_wall(struct ctx *c, const char *flag, const char *shown, int64_t v, int64_t *out)
{
	const struct tz_zone *z = timearg_zone(c);
	int64_t t[2];
	int n = z ? tz_local_to_utc(z, v, t) : -1;
	if (n == 0)
		return refuse_gap(z, flag, shown, v);
	if (n == 2)
		return refuse_overlap(z, flag, shown, t);
	if (n == 1 && !time_in_range(t[0])) {
		sd_error("--%s '%s': %s", flag, shown, TIME_RANGE_WHY);
		return false;
	}
	if (n == 1)
		*out = t[0];
	return n == 1;
}

bool timearg_parse(struct ctx *c, const char *flag, const char *value, int64_t *out)
{
	int64_t v;
	bool has_zone = true;
	char *shown = text_clean(value ? value : "", TEXT_ONE_LINE);
	enum time_parse_status ts = value ? time_parse_wall(value, &v, &has_zone) : TIME_NOT_ISO;
	bool ok = false;
	if (ts == TIME_OUT_OF_RANGE)
		sd_error("--%s '%s': %s", flag, shown, TIME_RANGE_WHY);
	else if (ts != TIME_OK)
		sd_error("--%s '%s': not an ISO 8601 time (like 2026-11-27T09:00, read in the team's "
			 "zone, or 2026-11-27T09:00-07:00)", flag, shown);
	else if (has_zone)
		*out = v, ok = true;
	else
		ok = read_wall(c, flag, shown, v, out);
	free(shown);
	return ok;
}

char *timearg_local(struct ctx *c, int64_t t)
{
	const struct tz_zone *z = timearg_zone(c);
	if (!z) {
		char when[24];
		return xasprintf("%s UTC", time_format_short(t, when));
	}
	static const char *const days[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
					    "Friday", "Saturday", "Sunday"};
	const struct tz_type *type = tz_type_at(z, t);
	int y, mo, d, h, mi, s;
	time_utc_parts(t + type->offset, &y, &mo, &d, &h, &mi, &s);
	bool same = strcmp(type->abbr, z->name) == 0;
	return xasprintf("%s %04d-%02d-%02d %02d:%02d %s%s%s%s", days[time_weekday(t + type->offset)],
			 y, mo, d, h, mi, type->abbr, same ? "" : " (", same ? "" : z->name, same ? "" : ")");
}

void timearg_print(struct ctx *c, const char *label, int64_t t)
{
	char *when = timearg_local(c, t);
	printf("  %s %s\n", label, when);
	free(when);
}
