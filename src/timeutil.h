/* timeutil — instants as Unix seconds; ISO 8601 in and out, UTC calendar helpers. */
#ifndef SD_TIMEUTIL_H
#define SD_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

#define SD_NO_TIME INT64_MIN

/* The instants shipdeck accepts from outside: 1970-01-01T00:00:00Z to
 * 9999-12-31T23:59:59Z. Inside them every time prints as a four-digit year
 * and exports as a plain integer, so it survives export -> import. */
#define SD_TIME_MIN INT64_C(0)
#define SD_TIME_MAX INT64_C(253402300799)
/* True for an instant inside SD_TIME_MIN..SD_TIME_MAX. */
bool time_in_range(int64_t t);

/* Why time_parse_iso refused a text. */
enum time_parse_status { TIME_OK, TIME_NOT_ISO, TIME_OUT_OF_RANGE };
/* Parses ISO 8601: "2026-11-27", "2026-11-27T09:00[:00][.123]" with "Z",
 * "+05:30", "+0530" or "-07" (no zone: UTC), or "@<unix seconds>".
 * Returns false on anything else, including impossible dates and instants
 * outside the years 1970-9999. */
bool time_parse_iso(const char *s, int64_t *out);
/* time_parse_iso saying why: TIME_OUT_OF_RANGE for a well-formed time
 * outside the years 1970-9999 (*out is then left alone). */
enum time_parse_status time_parse_iso_status(const char *s, int64_t *out);
/* "outside the years 1970-9999", for messages. */
#define TIME_RANGE_WHY "outside the years 1970-9999"
/* As time_parse_iso_status, but says whether the text gave a zone: without
 * one, *out is the wall-clock time written as if it were UTC, for the
 * caller to read in the team's zone (src/timearg.c). "@<seconds>" has one. */
enum time_parse_status time_parse_wall(const char *s, int64_t *out, bool *has_zone);
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
