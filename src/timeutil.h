/* timeutil — instants as Unix seconds; ISO 8601 in and out, UTC calendar helpers. */
#ifndef SD_TIMEUTIL_H
#define SD_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

#define SD_NO_TIME INT64_MIN

/* Parses ISO 8601: "2026-11-27", "2026-11-27T09:00[:00][.123]" with "Z",
 * "+05:30", "+0530" or "-07" (no zone: UTC), or "@<unix seconds>".
 * Returns false on anything else, including impossible dates. */
bool time_parse_iso(const char *s, int64_t *out);
/* Formats as "2026-11-27T09:00:00Z" into buf (at least 21 bytes). */
char *time_format_iso(int64_t t, char *buf);
/* "2026-11-27 09:00" UTC, for tables (buf at least 17 bytes). */
char *time_format_short(int64_t t, char *buf);
/* Days since the epoch of the UTC day holding t (floor, also before 1970). */
int64_t time_day(int64_t t);
/* The instant of Monday 00:00 UTC of the week holding t. */
int64_t time_week_start(int64_t t);
/* ISO week label "2026-W47" of the UTC day holding t (buf at least 9 bytes). */
char *time_iso_week(int64_t t, char *buf);
/* Weekday of t in UTC, 0 = Monday .. 6 = Sunday. */
int time_weekday(int64_t t);
/* Breaks t down in UTC. */
void time_utc_parts(int64_t t, int *year, int *month, int *day, int *hour, int *min, int *sec);
/* timegm without the libc dependency on TZ. */
int64_t time_from_utc(int year, int month, int day, int hour, int min, int sec);
/* "3 min ago", "2 h ago", "5 d ago" (buf at least 24 bytes). */
char *time_age(int64_t now, int64_t t, char *buf);

#endif
