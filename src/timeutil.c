/* timeutil — all calendar arithmetic is done here in integers, in UTC, so
 * the server's TZ never leaks into a figure (docs/metrics.md: "never read as local"). */
#include "timeutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dim[m - 1];
}

int64_t time_from_utc(int year, int month, int day, int hour, int min, int sec)
{
	return days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* *written: false when the text ends without a zone (a wall-clock time). */
static bool parse_zone(const char *p, int *offset, bool *written)
{
	*written = *p != '\0';
	if (*p == '\0' || strcmp(p, "Z") == 0 || strcmp(p, "z") == 0) {
		*offset = 0;
		return true;
	}
	if (*p != '+' && *p != '-')
		return false;
	int sign = *p++ == '-' ? -1 : 1, hh, mm = 0;
	if (!digits(&p, 2, &hh))
		return false;
	if (*p == ':')
		p++;
	if (*p && !digits(&p, 2, &mm))
		return false;
	if (*p || hh > 23 || mm > 59)
		return false;
	*offset = sign * (hh * 3600 + mm * 60);
	return true;
}

bool time_in_range(int64_t t)
{
	return t >= SD_TIME_MIN && t <= SD_TIME_MAX;
}

/* "@<seconds>": digits with an optional sign; past 64 bits is out of range
 * rather than junk, so that the message says what is wrong with it. */
static enum time_parse_status parse_epoch(const char *s, int64_t *out)
{
	const char *p = s + 1 + (s[1] == '-' || s[1] == '+');
	if (!isdigit((unsigned char)*p))
		return TIME_NOT_ISO;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p)
		return TIME_NOT_ISO;
	errno = 0;
	long long v = strtoll(s + 1, NULL, 10);
	if (errno == ERANGE || !time_in_range(v))
		return TIME_OUT_OF_RANGE;
	*out = v;
	return TIME_OK;
}

bool time_parse_iso(const char *s, int64_t *out)
{
	return time_parse_iso_status(s, out) == TIME_OK;
}

enum time_parse_status time_parse_iso_status(const char *s, int64_t *out)
{
	bool has_zone;
	return time_parse_wall(s, out, &has_zone);
}

enum time_parse_status time_parse_wall(const char *s, int64_t *out, bool *has_zone)
{
	*has_zone = true;
	if (!s)
		return TIME_NOT_ISO;
	if (s[0] == '@')
		return parse_epoch(s, out);
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, offset;
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d))
		return TIME_NOT_ISO;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return TIME_NOT_ISO;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return TIME_NOT_ISO;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &se))
				return TIME_NOT_ISO;
			if (*p == '.' || *p == ',') /* fractions of a second are dropped */
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
		if (h > 23 || mi > 59 || se > 60)
			return TIME_NOT_ISO;
	}
	if (!parse_zone(p, &offset, has_zone))
		return TIME_NOT_ISO;
	/* "0001-01-01", or a zone that carries 9999-12-31T23:00 into year 10000.
	 * A wall-clock time is checked here as if UTC, and again by its reader
	 * once the team's zone has made it an instant. */
	int64_t t = time_from_utc(y, mo, d, h, mi, se) - offset;
	if (!time_in_range(t))
		return TIME_OUT_OF_RANGE;
	*out = t;
	return TIME_OK;
}

void time_utc_parts(int64_t t, int *year, int *month, int *day, int *hour, int *min, int *sec)
{
	int64_t days = time_day(t);
	int64_t rem = t - days * 86400;
	civil_from_days(days, year, month, day);
	*hour = (int)(rem / 3600);
	*min = (int)(rem % 3600 / 60);
	*sec = (int)(rem % 60);
}

/* Copies at most size-1 bytes of src and a NUL: years past 9999 are cut,
 * never written past the caller's buffer. */
static char *copy_out(char *buf, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(buf, src, n);
	buf[n] = '\0';
	return buf;
}

char *time_format_iso(int64_t t, char *buf)
{
	int y, mo, d, h, mi, s;
	time_utc_parts(t, &y, &mo, &d, &h, &mi, &s);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
	return copy_out(buf, tmp, 21);
}

char *time_format_short(int64_t t, char *buf)
{
	int y, mo, d, h, mi, s;
	time_utc_parts(t, &y, &mo, &d, &h, &mi, &s);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
	return copy_out(buf, tmp, 17);
}

int64_t time_day(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

int time_weekday(int64_t t)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int64_t w = (time_day(t) + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

int64_t time_week_start(int64_t t)
{
	return (time_day(t) - time_weekday(t)) * 86400;
}

char *time_iso_week(int64_t t, char *buf)
{
	/* The ISO week belongs to the year of its Thursday. */
	int64_t thursday = time_day(t) - time_weekday(t) + 3;
	int y, m, d;
	civil_from_days(thursday, &y, &m, &d);
	int64_t jan1 = days_from_civil(y, 1, 1);
	int week = (int)((thursday - jan1) / 7) + 1;
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-W%02d", y, week);
	return copy_out(buf, tmp, 9);
}

char *time_age(int64_t now, int64_t t, char *buf)
{
	int64_t d = now - t;
	if (d < 0)
		snprintf(buf, 24, "in the future");
	else if (d < 60)
		snprintf(buf, 24, "just now");
	else if (d < 3600)
		snprintf(buf, 24, "%lld min ago", (long long)(d / 60));
	else if (d < 86400)
		snprintf(buf, 24, "%lld h ago", (long long)(d / 3600));
	else
		snprintf(buf, 24, "%lld d ago", (long long)(d / 86400));
	return buf;
}
