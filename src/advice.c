/* advice — the seed guide's release lessons as tables: when to deploy, how,
 * and whether to roll back. The rules live in data/ so that a team can read
 * (and change) exactly what the code applies; this file only evaluates them.
 *
 * Time zones: the window must be judged in the team's zone, never the
 * server's, and a test must not depend on the process's TZ. So instead of
 * setenv("TZ")/localtime_r (process-global state that a second thread or a
 * test runner would see change under it) the zone's TZif data is parsed
 * here from bytes the caller read; fixed offsets need no data at all. */
#include "advice.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "timeutil.h"
#include "util.h"

/* ======================================================================
 * Time zones
 * ==================================================================== */

static void set_fixed(struct tz_zone *z, const char *name, int32_t offset, const char *abbr)
{
	memset(z, 0, sizeof(*z));
	snprintf(z->name, sizeof(z->name), "%s", name);
	z->fixed.offset = offset;
	snprintf(z->fixed.abbr, sizeof(z->fixed.abbr), "%s", abbr);
}

bool tz_fixed(const char *name, struct tz_zone *z)
{
	if (!name)
		return false;
	if (strcmp(name, "UTC") == 0 || strcmp(name, "GMT") == 0 || strcmp(name, "Z") == 0 ||
	    strcmp(name, "Etc/UTC") == 0 || strcmp(name, "Etc/GMT") == 0) {
		set_fixed(z, name, 0, strcmp(name, "GMT") == 0 ? "GMT" : "UTC");
		return true;
	}
	/* "+05:30", "+0530", "+05" (the forms of ISO 8601 offsets). */
	const char *p = name;
	if (*p != '+' && *p != '-')
		return false;
	int sign = *p++ == '-' ? -1 : 1;
	if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9'))
		return false;
	int hh = (p[0] - '0') * 10 + (p[1] - '0'), mm = 0;
	p += 2;
	if (*p == ':')
		p++;
	if (*p) {
		if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9') || p[2])
			return false;
		mm = (p[0] - '0') * 10 + (p[1] - '0');
	}
	if (hh > 23 || mm > 59 || (p[-1] == ':' && !*p))
		return false;
	char abbr[16];
	snprintf(abbr, sizeof(abbr), "%c%02d:%02d", sign < 0 ? '-' : '+', hh, mm);
	set_fixed(z, name, sign * (hh * 3600 + mm * 60), abbr);
	return true;
}

bool tz_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= sizeof(((struct tz_zone *)0)->name) || name[0] == '/' ||
	    strstr(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '/' || ch == '_' || ch == '+' || ch == '-'))
			return false;
	}
	return true;
}

void tz_free(struct tz_zone *z)
{
	free(z->trans);
	free(z->trans_type);
	free(z->types);
	z->trans = NULL;
	z->trans_type = NULL;
	z->types = NULL;
	z->ntrans = z->ntypes = 0;
}

static int64_t be_int(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	if (bytes == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

/* ---- POSIX TZ rule of the TZif footer ---- */

static bool rule_name(const char **pp, char *abbr, size_t cap)
{
	const char *p = *pp, *start;
	size_t n;
	if (*p == '<') {
		start = ++p;
		while (*p && *p != '>')
			p++;
		if (*p != '>')
			return false;
		n = (size_t)(p - start);
		p++;
	} else {
		start = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			p++;
		n = (size_t)(p - start);
	}
	if (n < 3 || n >= cap)
		return false;
	memcpy(abbr, start, n);
	abbr[n] = '\0';
	*pp = p;
	return true;
}

/* [+-]hh[:mm[:ss]] as seconds. */
static bool rule_hms(const char **pp, int32_t *out)
{
	const char *p = *pp;
	int sign = 1;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	long parts[3] = {0, 0, 0};
	for (int i = 0; i < 3; i++) {
		if (!(*p >= '0' && *p <= '9'))
			return false;
		long v = 0;
		while (*p >= '0' && *p <= '9' && v < 1000)
			v = v * 10 + (*p++ - '0');
		parts[i] = v;
		if (*p != ':' || i == 2)
			break;
		p++;
	}
	if (parts[0] > 167 || parts[1] > 59 || parts[2] > 59)
		return false;
	*out = (int32_t)(sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]));
	*pp = p;
	return true;
}

/* ",Mm.w.d[/time]" */
static bool rule_date(const char **pp, int *m, int *w, int *d, int32_t *secs)
{
	const char *p = *pp;
	if (*p++ != ',' || *p++ != 'M')
		return false;
	int v[3];
	for (int i = 0; i < 3; i++) {
		if (!(*p >= '0' && *p <= '9'))
			return false;
		v[i] = 0;
		while (*p >= '0' && *p <= '9' && v[i] < 100)
			v[i] = v[i] * 10 + (*p++ - '0');
		if (i < 2 && *p++ != '.')
			return false;
	}
	if (v[0] < 1 || v[0] > 12 || v[1] < 1 || v[1] > 5 || v[2] > 6)
		return false;
	*m = v[0];
	*w = v[1];
	*d = v[2];
	*secs = 7200;
	if (*p == '/') {
		p++;
		if (!rule_hms(&p, secs))
			return false;
	}
	*pp = p;
	return true;
}

static bool rule_parse(const char *s, struct tz_rule *r)
{
	memset(r, 0, sizeof(*r));
	const char *p = s;
	int32_t off;
	if (!rule_name(&p, r->std.abbr, sizeof(r->std.abbr)) || !rule_hms(&p, &off))
		return false;
	r->std.offset = -off; /* POSIX offsets are west of UTC */
	if (!*p)
		return true;
	if (!rule_name(&p, r->dst.abbr, sizeof(r->dst.abbr)))
		return false;
	r->has_dst = true;
	r->dst.dst = true;
	r->dst.offset = r->std.offset + 3600;
	if (*p && *p != ',') {
		if (!rule_hms(&p, &off))
			return false;
		r->dst.offset = -off;
	}
	if (!rule_date(&p, &r->start_m, &r->start_w, &r->start_d, &r->start_secs) ||
	    !rule_date(&p, &r->end_m, &r->end_w, &r->end_d, &r->end_secs) || *p)
		return false;
	return true;
}

/* Day number (since 1970-01-01) of weekday d (0 = Sunday) of week w (5 = last) of month m. */
static int64_t rule_day(int year, int m, int w, int d)
{
	int64_t first = time_from_utc(year, m, 1, 0, 0, 0) / 86400;
	int64_t next = m == 12 ? time_from_utc(year + 1, 1, 1, 0, 0, 0) / 86400
			       : time_from_utc(year, m + 1, 1, 0, 0, 0) / 86400;
	int wd_first = (time_weekday(first * 86400) + 1) % 7; /* Sunday = 0 */
	int64_t day = first + (d - wd_first + 7) % 7 + (int64_t)(w - 1) * 7;
	while (day >= next)
		day -= 7;
	return day;
}

static const struct tz_type *rule_type_at(const struct tz_rule *r, int64_t t)
{
	if (!r->has_dst)
		return &r->std;
	int y, mo, d, h, mi, s;
	time_utc_parts(t + r->std.offset, &y, &mo, &d, &h, &mi, &s);
	/* The switch to DST happens at a standard-time wall clock, the switch
	 * back at a daylight-time wall clock. */
	int64_t start = rule_day(y, r->start_m, r->start_w, r->start_d) * 86400 + r->start_secs -
			r->std.offset;
	int64_t end = rule_day(y, r->end_m, r->end_w, r->end_d) * 86400 + r->end_secs - r->dst.offset;
	bool in_dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
	return in_dst ? &r->dst : &r->std;
}

/* ---- TZif ---- */

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

static bool tzif_header(const unsigned char *p, size_t len, struct tzif_counts *c)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return false;
	uint32_t *f[] = {&c->isut, &c->isstd, &c->leap, &c->time, &c->type, &c->chars};
	for (int i = 0; i < 6; i++)
		*f[i] = (uint32_t)be_int(p + 20 + 4 * i, 4);
	return true;
}

static size_t tzif_block_len(const struct tzif_counts *c, int tbytes)
{
	return (size_t)c->time * (size_t)(tbytes + 1) + (size_t)c->type * 6 + c->chars +
	       (size_t)c->leap * (size_t)(tbytes + 4) + c->isstd + c->isut;
}

static bool tzif_block(const unsigned char *p, const struct tzif_counts *c, int tbytes,
		       struct tz_zone *z)
{
	if (c->type == 0 || c->type > 256 || c->time > 100000 || c->chars > 4096)
		return false;
	z->ntrans = c->time;
	z->trans = xcalloc(c->time ? c->time : 1, sizeof(*z->trans));
	z->trans_type = xcalloc(c->time ? c->time : 1, 1);
	for (uint32_t i = 0; i < c->time; i++) {
		z->trans[i] = be_int(p + (size_t)i * tbytes, tbytes);
		if (i && z->trans[i] <= z->trans[i - 1])
			return false;
	}
	p += (size_t)c->time * tbytes;
	for (uint32_t i = 0; i < c->time; i++) {
		z->trans_type[i] = p[i];
		if (p[i] >= c->type)
			return false;
	}
	p += c->time;
	const unsigned char *chars = p + (size_t)c->type * 6;
	z->ntypes = c->type;
	z->types = xcalloc(c->type, sizeof(*z->types));
	for (uint32_t i = 0; i < c->type; i++, p += 6) {
		z->types[i].offset = (int32_t)be_int(p, 4);
		z->types[i].dst = p[4] != 0;
		unsigned idx = p[5];
		if (idx >= c->chars)
			return false;
		size_t n = strnlen((const char *)chars + idx, c->chars - idx);
		if (n >= sizeof(z->types[i].abbr))
			n = sizeof(z->types[i].abbr) - 1;
		memcpy(z->types[i].abbr, chars + idx, n);
		z->types[i].abbr[n] = '\0';
		if (z->types[i].offset < -26 * 3600 || z->types[i].offset > 26 * 3600)
			return false;
	}
	return true;
}

bool tz_parse_tzif(const char *name, const unsigned char *data, size_t len,
		   struct tz_zone *z, char *why, size_t whylen)
{
	memset(z, 0, sizeof(*z));
	snprintf(z->name, sizeof(z->name), "%s", name ? name : "");
	struct tzif_counts c;
	if (!data || !tzif_header(data, len, &c)) {
		snprintf(why, whylen, "%s: not a TZif time zone file", z->name);
		return false;
	}
	size_t v1 = tzif_block_len(&c, 4);
	const unsigned char *block = data + 44;
	int tbytes = 4;
	size_t end = 44 + v1;
	bool ok = end <= len;
	if (ok && data[4] >= '2') {
		/* Version 2+: the 64-bit block after a second header is the one to use. */
		ok = tzif_header(data + end, len - end, &c);
		block = data + end + 44;
		tbytes = 8;
		end += 44 + (ok ? tzif_block_len(&c, 8) : 0);
		ok = ok && end <= len;
	}
	ok = ok && tzif_block(block, &c, tbytes, z);
	if (ok && tbytes == 8 && end < len && data[end] == '\n') {
		/* The footer "\nRULE\n" covers instants after the last transition
		 * (slim TZif files stop their table in 2007); no rule: last type. */
		const char *footer = (const char *)data + end + 1;
		const char *nl = memchr(footer, '\n', len - end - 1);
		if (nl && nl > footer && nl - footer < 64) {
			char rule[64];
			memcpy(rule, footer, (size_t)(nl - footer));
			rule[nl - footer] = '\0';
			z->has_rule = rule_parse(rule, &z->rule);
		}
	}
	if (!ok) {
		tz_free(z);
		snprintf(why, whylen, "%s: malformed TZif time zone file", z->name);
	}
	return ok;
}

const struct tz_type *tz_type_at(const struct tz_zone *z, int64_t t)
{
	if (z->ntypes == 0)
		return &z->fixed;
	if (z->ntrans == 0 || t < z->trans[0]) {
		if (z->ntrans == 0 && z->has_rule)
			return rule_type_at(&z->rule, t);
		/* Before the first transition: the first standard-time type (RFC 8536). */
		for (size_t i = 0; i < z->ntypes; i++)
			if (!z->types[i].dst)
				return &z->types[i];
		return &z->types[0];
	}
	if (t >= z->trans[z->ntrans - 1] && z->has_rule)
		return rule_type_at(&z->rule, t);
	size_t lo = 0, hi = z->ntrans; /* last transition <= t */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return &z->types[z->trans_type[lo]];
}

/* A transition moves the offset by hours at most and zones do not change
 * twice within a day, so the offsets in effect a day either side of the
 * wall time are the only candidates: each one that maps back to itself is
 * an answer. */
int tz_local_to_utc(const struct tz_zone *z, int64_t local, int64_t out[2])
{
	int32_t cand[3] = {tz_type_at(z, local - 86400)->offset, tz_type_at(z, local)->offset,
			   tz_type_at(z, local + 86400)->offset};
	int n = 0;
	for (int i = 0; i < 3; i++) {
		bool seen = false;
		for (int k = 0; k < i; k++)
			seen |= cand[k] == cand[i];
		int64_t t = local - cand[i];
		if (seen || tz_type_at(z, t)->offset != cand[i])
			continue;
		if (n == 1 && out[0] == t)
			continue;
		if (n < 2)
			out[n++] = t;
	}
	if (n == 2 && out[0] > out[1]) {
		int64_t x = out[0];
		out[0] = out[1];
		out[1] = x;
	}
	return n;
}

/* ======================================================================
 * Small JSON helpers for the tables
 * ==================================================================== */

static const char *jstr(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static bool copy_text(char *dst, size_t cap, const char *src)
{
	if (!src || strlen(src) >= cap)
		return false;
	memcpy(dst, src, strlen(src) + 1);
	return true;
}

/* Turns ["a", "b"] into a bit mask by the names in `names` (n of them);
 * an absent array is 0 (any). */
static bool jmask(const cJSON *o, const char *key, const char *const *names, int n, unsigned *out)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = 0;
	if (!arr)
		return true;
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
		return false;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		const char *s = cJSON_GetStringValue(it);
		int i = 0;
		while (s && i < n && strcmp(s, names[i]) != 0)
			i++;
		if (!s || i == n)
			return false;
		*out |= 1u << i;
	}
	return true;
}

static int name_index(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* ======================================================================
 * Deployment window
 * ==================================================================== */

static const char *const day_ids[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const day_names[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
					 "Friday", "Saturday", "Sunday"};
static const char *const verdict_ids[3] = {"good", "risky", "never"};

const char *window_verdict_id(enum window_verdict v)
{
	return v <= WINDOW_NEVER ? verdict_ids[v] : "?";
}

/* "HH:MM" (00:00–24:00) as minutes of the day. */
static bool parse_hhmm(const char *s, int *out)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return false;
	for (int i = 0; i < 5; i++)
		if (i != 2 && !(s[i] >= '0' && s[i] <= '9'))
			return false;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return false;
	*out = h * 60 + m;
	return true;
}

static bool window_verdict_rule(const cJSON *o, struct window_rule *r)
{
	int v = name_index(jstr(o, "verdict"), verdict_ids, 3);
	if (v < 0 || !copy_text(r->reason, sizeof(r->reason), jstr(o, "reason")))
		return false;
	r->verdict = (enum window_verdict)v;
	return true;
}

bool window_table_parse(const char *json, struct window_table *t, char *why, size_t whylen)
{
	memset(t, 0, sizeof(*t));
	cJSON *root = json ? cJSON_Parse(json) : NULL;
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
	bool ok = cJSON_IsObject(root) && cJSON_IsArray(rules);
	const char *bad = "window.json: needs \"holiday\", \"rules\" and \"fallback\"";
	if (ok) {
		ok = window_verdict_rule(cJSON_GetObjectItemCaseSensitive(root, "holiday"), &t->holiday) &&
		     window_verdict_rule(cJSON_GetObjectItemCaseSensitive(root, "fallback"), &t->fallback);
		snprintf(t->holiday.id, sizeof(t->holiday.id), "holiday");
		snprintf(t->fallback.id, sizeof(t->fallback.id), "fallback");
	}
	size_t cap = 0;
	const cJSON *it;
	if (ok)
		cJSON_ArrayForEach(it, rules) {
			struct window_rule r;
			memset(&r, 0, sizeof(r));
			ok = copy_text(r.id, sizeof(r.id), jstr(it, "id")) &&
			     jmask(it, "days", day_ids, 7, &r.days) && r.days != 0 &&
			     parse_hhmm(jstr(it, "from"), &r.from) && parse_hhmm(jstr(it, "to"), &r.to) &&
			     r.from != r.to && window_verdict_rule(it, &r);
			if (!ok) {
				bad = "window.json: a rule needs \"id\", \"days\", \"from\" and \"to\" "
				      "(HH:MM, different), \"verdict\" (good|risky|never) and \"reason\"";
				break;
			}
			VEC_PUSH(t->rules, t->nrules, cap, r);
		}
	cJSON_Delete(root);
	if (!ok) {
		snprintf(why, whylen, "%s", bad);
		window_table_free(t);
	}
	return ok;
}

void window_table_free(struct window_table *t)
{
	free(t->rules);
	t->rules = NULL;
	t->nrules = 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Reads the dates of text into h; returns NULL, or where the first word
 * that is not a date starts (h is then emptied). */
static const char *parse_days(const char *text, struct holidays *h, size_t *badlen)
{
	memset(h, 0, sizeof(*h));
	size_t cap = 0;
	const char *p = text ? text : "";
	while (*p) {
		if (*p == '#') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (*p == ',' || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			p++;
			continue;
		}
		size_t n = strcspn(p, ", \t\r\n#");
		char date[16];
		int64_t t;
		if (n != 10 || (memcpy(date, p, n), date[n] = '\0', !time_parse_iso(date, &t))) {
			holidays_free(h);
			*badlen = n;
			return p;
		}
		int64_t day = time_day(t);
		VEC_PUSH(h->days, h->n, cap, day);
		p += n;
	}
	if (h->n)
		sort_array(h->days, h->n, sizeof(*h->days), cmp_i64);
	return NULL;
}

bool holidays_parse(const char *text, struct holidays *h, char *why, size_t whylen)
{
	size_t n = 0;
	const char *bad = parse_days(text, h, &n);
	if (bad)
		snprintf(why, whylen, "holidays: '%.*s' is not a date (YYYY-MM-DD)",
			 (int)(n > 20 ? 20 : n), bad);
	return !bad;
}

int holidays_parse_file(const char *text, struct holidays *h)
{
	size_t n = 0;
	const char *bad = parse_days(text, h, &n);
	if (!bad)
		return 0;
	int line = 1;
	for (const char *p = text; p < bad; p++)
		line += *p == '\n';
	return line;
}

void holidays_free(struct holidays *h)
{
	free(h->days);
	h->days = NULL;
	h->n = 0;
}

static bool is_holiday(const struct holidays *h, int64_t day)
{
	return h && h->n && search_array(&day, h->days, h->n, sizeof(*h->days), cmp_i64);
}

static bool rule_holds(const struct window_rule *r, int wday, int minute)
{
	if (!(r->days & (1u << wday)))
		return false;
	if (r->from < r->to)
		return minute >= r->from && minute < r->to;
	return minute >= r->from || minute < r->to; /* wraps past midnight */
}

void window_judge(const struct window_table *t, const struct tz_zone *z,
		  const struct holidays *h, int64_t at, struct window_result *out)
{
	memset(out, 0, sizeof(*out));
	const struct tz_type *type = tz_type_at(z, at);
	int64_t local = at + type->offset;
	int y, mo, d, hh, mi, s;
	time_utc_parts(local, &y, &mo, &d, &hh, &mi, &s);
	out->offset = type->offset;
	snprintf(out->zone, sizeof(out->zone), "%s", z->name);
	out->weekday = time_weekday(local);
	out->minute_of_day = hh * 60 + mi;
	snprintf(out->when, sizeof(out->when), "%s %04d-%02d-%02d %02d:%02d %s",
		 day_names[out->weekday], y, mo, d, hh, mi, type->abbr);
	int32_t off = type->offset < 0 ? -type->offset : type->offset;
	snprintf(out->local_iso, sizeof(out->local_iso), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
		 y, mo, d, hh, mi, s, type->offset < 0 ? '-' : '+', (int)(off / 3600),
		 (int)(off % 3600 / 60));
	const struct window_rule *r = &t->fallback;
	if (is_holiday(h, time_day(local))) {
		r = &t->holiday;
	} else {
		for (size_t i = 0; i < t->nrules; i++)
			if (rule_holds(&t->rules[i], out->weekday, out->minute_of_day)) {
				r = &t->rules[i];
				break;
			}
	}
	out->verdict = r->verdict;
	snprintf(out->rule, sizeof(out->rule), "%s", r->id);
	snprintf(out->reason, sizeof(out->reason), "%s", r->reason);
}

/* Local minutes of the day at which some rule begins or ends, plus midnight
 * (a holiday begins and ends there), ascending and unique. */
static size_t boundary_minutes(const struct window_table *t, int *out, size_t cap)
{
	size_t n = 0;
	out[n++] = 0;
	for (size_t i = 0; i < t->nrules && n + 2 <= cap; i++) {
		int m[2] = {t->rules[i].from % 1440, t->rules[i].to % 1440};
		for (int k = 0; k < 2; k++) {
			size_t j = 0;
			while (j < n && out[j] != m[k])
				j++;
			if (j == n)
				out[n++] = m[k];
		}
	}
	sort_array(out, n, sizeof(*out), cmp_int);
	return n;
}

/* A wall time in z as an instant; in a gap, the instant the clocks jumped
 * to (02:30 on a spring-forward night is 03:30). */
static int64_t local_instant(const struct tz_zone *z, int64_t local)
{
	int64_t t[2];
	if (tz_local_to_utc(z, local, t) > 0)
		return t[0];
	return local - tz_type_at(z, local - 86400)->offset;
}

bool window_next_good(const struct window_table *t, const struct tz_zone *z,
		      const struct holidays *h, int64_t from, int days, struct window_result *out,
		      int64_t *at)
{
	window_judge(t, z, h, from, out);
	if (out->verdict == WINDOW_GOOD) {
		*at = from;
		return true;
	}
	int mins[64];
	size_t nm = boundary_minutes(t, mins, ARRAY_SIZE(mins));
	int64_t first_day = time_day(from + tz_type_at(z, from)->offset);
	for (int64_t day = first_day; day <= first_day + days; day++)
		for (size_t i = 0; i < nm; i++) {
			int64_t cand = local_instant(z, day * 86400 + mins[i] * 60);
			if (cand <= from)
				continue;
			window_judge(t, z, h, cand, out);
			if (out->verdict == WINDOW_GOOD) {
				*at = cand;
				return true;
			}
		}
	return false;
}

/* ======================================================================
 * Strategy and rollback-or-fix
 * ==================================================================== */

static const char *const users_ids[3] = {"all", "some", "few"};
static const char *const impact_ids[3] = {"revenue", "inconvenience", "minor"};
static const char *const band_ids[3] = {"fast", "medium", "slow"};
static const char *const strategy_ids[4] = {"big-bang", "rolling", "canary", "blue-green"};
static const char *const severity_ids[3] = {"critical", "major", "minor"};
static const char *const root_ids[2] = {"known", "unknown"};
static const char *const recovery_ids[2] = {"rollback", "fix-forward"};

const char *strategy_id(enum deploy_strategy s) { return s <= STRATEGY_BLUE_GREEN ? strategy_ids[s] : "?"; }
const char *recovery_id(enum recovery r) { return r <= RECOVERY_FIX_FORWARD ? recovery_ids[r] : "?"; }
const char *users_id(enum users_affected u) { return u <= USERS_FEW ? users_ids[u] : "?"; }
const char *impact_id(enum business_impact i) { return i <= IMPACT_MINOR ? impact_ids[i] : "?"; }
const char *severity_id(enum severity s) { return s <= SEVERITY_MINOR ? severity_ids[s] : "?"; }

bool users_parse(const char *s, enum users_affected *out)
{
	int i = name_index(s, users_ids, 3);
	if (i >= 0)
		*out = (enum users_affected)i;
	return i >= 0;
}

bool impact_parse(const char *s, enum business_impact *out)
{
	int i = name_index(s, impact_ids, 3);
	if (i < 0 && s && strcmp(s, "barely-noticeable") == 0)
		i = IMPACT_MINOR;
	if (i >= 0)
		*out = (enum business_impact)i;
	return i >= 0;
}

bool severity_parse(const char *s, enum severity *out)
{
	int i = name_index(s, severity_ids, 3);
	if (i >= 0)
		*out = (enum severity)i;
	return i >= 0;
}

enum rollback_band rollback_band_of(long minutes)
{
	return minutes < 5 ? ROLLBACK_FAST : minutes <= 30 ? ROLLBACK_MEDIUM : ROLLBACK_SLOW;
}

void reasons_add(struct reasons *r, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	VEC_PUSH(r->lines, r->n, r->cap, sb_detach(&sb));
}

void reasons_free(struct reasons *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lines[i]);
	free(r->lines);
	memset(r, 0, sizeof(*r));
}

/* Adds a table reason with "{minutes}" replaced. */
static void add_reason(struct reasons *r, const char *text, long minutes)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text, *hit;
	while ((hit = strstr(p, "{minutes}"))) {
		sb_addn(&sb, p, (size_t)(hit - p));
		sb_addf(&sb, "%ld", minutes);
		p = hit + strlen("{minutes}");
	}
	sb_add(&sb, p);
	VEC_PUSH(r->lines, r->n, r->cap, sb_detach(&sb));
}

static bool jminutes(const cJSON *o, const char *key, long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = -1;
	if (!v)
		return true;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e6)
		return false;
	*out = (long)v->valuedouble;
	return true;
}

static bool parse_rules(const cJSON *arr, bool strategy, struct advice_rule **out, size_t *n)
{
	size_t cap = 0;
	const cJSON *it;
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
		return false;
	cJSON_ArrayForEach(it, arr) {
		struct advice_rule r;
		memset(&r, 0, sizeof(r));
		bool ok = copy_text(r.reason, sizeof(r.reason), jstr(it, "reason"));
		if (strategy) {
			r.outcome = name_index(jstr(it, "strategy"), strategy_ids, 4);
			ok = ok && jmask(it, "users", users_ids, 3, &r.users) &&
			     jmask(it, "impact", impact_ids, 3, &r.impact) &&
			     jmask(it, "rollback", band_ids, 3, &r.band);
			r.min_minutes = r.max_minutes = -1;
		} else {
			r.outcome = name_index(jstr(it, "decision"), recovery_ids, 2);
			ok = ok && jmask(it, "severity", severity_ids, 3, &r.severity) &&
			     jmask(it, "root_cause", root_ids, 2, &r.root) &&
			     jminutes(it, "min_minutes", &r.min_minutes) &&
			     jminutes(it, "max_minutes", &r.max_minutes);
		}
		if (!ok || r.outcome < 0) {
			free(*out);
			*out = NULL;
			*n = 0;
			return false;
		}
		VEC_PUSH(*out, *n, cap, r);
	}
	return true;
}

bool advice_table_parse(const char *json, struct advice_table *t, char *why, size_t whylen)
{
	memset(t, 0, sizeof(*t));
	cJSON *root = json ? cJSON_Parse(json) : NULL;
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "strategy");
	const cJSON *rc = cJSON_GetObjectItemCaseSensitive(root, "recovery");
	const char *bad = "advice.json: not an object with \"strategy\" and \"recovery\"";
	bool ok = cJSON_IsObject(st) && cJSON_IsObject(rc);
	if (ok && !parse_rules(cJSON_GetObjectItemCaseSensitive(st, "rules"), true, &t->strategy,
			       &t->nstrategy)) {
		ok = false;
		bad = "advice.json: a strategy rule needs \"strategy\", \"reason\" and known values";
	}
	const cJSON *notes = cJSON_GetObjectItemCaseSensitive(st, "rollback_notes");
	for (int b = 0; ok && b < 3; b++)
		if (!copy_text(t->band_note[b], sizeof(t->band_note[b]), jstr(notes, band_ids[b]))) {
			ok = false;
			bad = "advice.json: \"rollback_notes\" needs fast, medium and slow";
		}
	const cJSON *stage;
	size_t cap = 0;
	int last = 0;
	if (ok)
		cJSON_ArrayForEach(stage, cJSON_GetObjectItemCaseSensitive(st, "canary")) {
			struct canary_stage c;
			memset(&c, 0, sizeof(c));
			const cJSON *pct = cJSON_GetObjectItemCaseSensitive(stage, "pct");
			const cJSON *hold = cJSON_GetObjectItemCaseSensitive(stage, "hold_minutes");
			c.pct = cJSON_IsNumber(pct) ? pct->valueint : -1;
			c.hold_minutes = cJSON_IsNumber(hold) ? hold->valueint : -1;
			if (c.pct <= last || c.pct > 100 || c.hold_minutes < 0 ||
			    !copy_text(c.watch, sizeof(c.watch), jstr(stage, "watch"))) {
				ok = false;
				break;
			}
			last = c.pct;
			VEC_PUSH(t->canary, t->ncanary, cap, c);
		}
	if (ok && last != 100) {
		ok = false;
		bad = "advice.json: \"canary\" stages must rise to 100 % with \"hold_minutes\" and \"watch\"";
	}
	if (ok && !parse_rules(cJSON_GetObjectItemCaseSensitive(rc, "rules"), false, &t->recovery,
			       &t->nrecovery)) {
		ok = false;
		bad = "advice.json: a recovery rule needs \"decision\", \"reason\" and known values";
	}
	const cJSON *fb = cJSON_GetObjectItemCaseSensitive(rc, "fallback");
	if (ok) {
		t->recovery_fallback = name_index(jstr(fb, "decision"), recovery_ids, 2);
		ok = t->recovery_fallback >= 0 &&
		     copy_text(t->recovery_fallback_reason, sizeof(t->recovery_fallback_reason),
			       jstr(fb, "reason"));
		if (!ok)
			bad = "advice.json: \"recovery\" needs a \"fallback\" decision and reason";
	}
	cJSON_Delete(root);
	if (!ok) {
		snprintf(why, whylen, "%s", bad);
		advice_table_free(t);
	}
	return ok;
}

void advice_table_free(struct advice_table *t)
{
	free(t->strategy);
	free(t->canary);
	free(t->recovery);
	memset(t, 0, sizeof(*t));
}

static bool in_mask(unsigned mask, int value)
{
	return mask == 0 || (mask & (1u << value));
}

static bool minutes_hold(const struct advice_rule *r, long minutes)
{
	return (r->min_minutes < 0 || minutes >= r->min_minutes) &&
	       (r->max_minutes < 0 || minutes <= r->max_minutes);
}

void advise_strategy(const struct advice_table *t, enum users_affected users,
		     long rollback_minutes, enum business_impact impact, struct strategy_advice *out)
{
	memset(out, 0, sizeof(*out));
	out->band = rollback_band_of(rollback_minutes);
	int chosen = -1;
	for (size_t i = 0; i < t->nstrategy; i++) {
		const struct advice_rule *r = &t->strategy[i];
		if (!in_mask(r->users, users) || !in_mask(r->impact, impact) || !in_mask(r->band, out->band))
			continue;
		if (chosen < 0)
			chosen = r->outcome;
		if (r->outcome == chosen)
			add_reason(&out->why, r->reason, rollback_minutes);
	}
	if (chosen < 0) {
		/* A team table with a gap: the most careful strategy, and say why. */
		chosen = STRATEGY_CANARY;
		reasons_add(&out->why, "no rule matches these answers, so the careful choice applies: canary");
	}
	out->strategy = (enum deploy_strategy)chosen;
	add_reason(&out->why, t->band_note[out->band], rollback_minutes);
	if (out->strategy == STRATEGY_CANARY) {
		out->plan = t->canary;
		out->nplan = t->ncanary;
	}
}

void strategy_advice_free(struct strategy_advice *a)
{
	reasons_free(&a->why);
}

void advise_recovery(const struct advice_table *t, enum severity sev, bool root_known,
		     long fix_minutes, struct recovery_advice *out)
{
	memset(out, 0, sizeof(*out));
	int root = root_known ? 0 : 1, chosen = -1;
	for (size_t i = 0; i < t->nrecovery; i++) {
		const struct advice_rule *r = &t->recovery[i];
		if (!in_mask(r->severity, sev) || !in_mask(r->root, root) || !minutes_hold(r, fix_minutes))
			continue;
		if (chosen < 0)
			chosen = r->outcome;
		if (r->outcome == chosen)
			add_reason(&out->why, r->reason, fix_minutes);
	}
	if (chosen < 0) {
		chosen = t->recovery_fallback;
		add_reason(&out->why, t->recovery_fallback_reason, fix_minutes);
	}
	out->decision = (enum recovery)chosen;
}

void recovery_advice_free(struct recovery_advice *a)
{
	reasons_free(&a->why);
}

/* ======================================================================
 * Gate
 * ==================================================================== */

const char *gate_level_id(enum gate_level l)
{
	return l == GATE_OK ? "ok" : l == GATE_WARN ? "warn" : "block";
}

static void gate_add(struct gate_result *g, enum gate_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void gate_add(struct gate_result *g, enum gate_level level, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	/* Item texts and incident titles are outside text: clean once, here,
	 * so every view (terminal, JSON, CI log) gets the same safe line. */
	char *raw = sb_detach(&sb);
	struct gate_reason r = {level, text_clean(raw, TEXT_ONE_LINE)};
	free(raw);
	VEC_PUSH(g->reasons, g->n, g->cap, r);
	if (level == GATE_BLOCK)
		g->go = false;
}

/* "`shipdeck check 3 ITEM`": the command that clears a block, with the
 * feature's id (a key may hold characters a shell would read). */
static void feature_word(const struct gate_input *in, char *buf, size_t len)
{
	if (in->feature_id > 0)
		snprintf(buf, len, "%lld", (long long)in->feature_id);
	else
		snprintf(buf, len, "FEATURE");
}

static void gate_items(const struct gate_input *in, struct gate_result *g)
{
	char fid[24];
	feature_word(in, fid, sizeof fid);
	size_t done = in->ntotal - in->nopen - in->nna;
	if (in->nopen == 0 && in->nna == 0)
		gate_add(g, GATE_OK, "pre-deployment checklist: all %zu items done", in->ntotal);
	else if (in->nopen == 0)
		gate_add(g, GATE_OK, "pre-deployment checklist: %zu of %zu items done, %zu not applicable",
			 done, in->ntotal, in->nna);
	else
		gate_add(g, GATE_BLOCK, "pre-deployment checklist: %zu of %zu items open (with any item "
			 "open, don't deploy): tick each when it is true (shipdeck check %s ITEM), or mark "
			 "one that does not apply (shipdeck check %s ITEM --na REASON)", in->nopen,
			 in->ntotal, fid, fid);
	for (size_t i = 0; i < in->nopen; i++)
		gate_add(g, GATE_BLOCK, "open item %s: %s", in->open_items[i].id,
			 in->open_items[i].text ? in->open_items[i].text : "");
	for (size_t i = 0; i < in->nna; i++)
		gate_add(g, GATE_OK, "item %s is not applicable: %s", in->na_items[i].id,
			 in->na_items[i].reason ? in->na_items[i].reason : "(no reason given)");
}

/* True when the time's own words already name the zone ("... UTC"). */
static bool zone_named(const struct window_result *w)
{
	size_t n = strlen(w->zone), m = strlen(w->when);
	return !*w->zone || (m >= n && strcmp(w->when + m - n, w->zone) == 0);
}

static void gate_window(const struct gate_input *in, struct gate_result *g)
{
	const struct window_result *w = in->window;
	enum gate_level lv = w->verdict == WINDOW_NEVER ? GATE_BLOCK :
			     w->verdict == WINDOW_RISKY ? GATE_WARN : GATE_OK;
	if (w->verdict == WINDOW_GOOD)
		gate_add(g, lv, "window good (%s): %s", w->when, w->reason);
	else if (in->next_good)
		gate_add(g, lv, "window %s (%s): %s; the next good window opens %s%s%s%s",
			 window_verdict_id(w->verdict), w->when, w->reason, in->next_good->when,
			 zone_named(in->next_good) ? "" : " (", zone_named(in->next_good) ? "" : in->next_good->zone,
			 zone_named(in->next_good) ? "" : ")");
	else
		gate_add(g, lv, "window %s (%s): %s; no good window in the next weeks (holidays?)",
			 window_verdict_id(w->verdict), w->when, w->reason);
}

/* "abc1234, the merge of feat/x into main" / "abc1234, the tip of branch
 * feat/x" / NULL: what the gate judged, in words. */
static char *commit_words(const struct gate_commit *c)
{
	if (!c || !c->sha)
		return NULL;
	const char *main = c->main ? c->main : "the default branch";
	if (c->merged && c->branch)
		return xasprintf("%.7s, where branch %s was merged into %s", c->sha, c->branch, main);
	if (c->merged)
		return xasprintf("%.7s, where the feature was merged into %s", c->sha, main);
	return xasprintf("%.7s, the tip of branch %s", c->sha, c->branch ? c->branch : "(found by key)");
}

/* Why there is no commit to judge, and what would give one. */
static char *no_commit_words(const struct gate_commit *c, const char *fid)
{
	if (!c || c->no_repository)
		return xasprintf("there is no repository to find the commit in (run shipdeck inside "
				 "the repository, or give --repo PATH)");
	if (c->branch_missing)
		return xasprintf("branch %s is not in the repository (push or fetch it, or fix the name: "
				 "shipdeck feature set %s --branch NAME)", c->branch, fid);
	return xasprintf("no branch and no merge of this feature were found (name its branch: "
			 "shipdeck feature set %s --branch NAME)", fid);
}

static void gate_commit_line(const struct gate_input *in, struct gate_result *g)
{
	char fid[24];
	feature_word(in, fid, sizeof fid);
	const struct gate_commit *c = in->commit;
	char *words = commit_words(c);
	if (!c) {
		/* a caller that judges a commit it does not describe */
	} else if (words && c->merged) {
		gate_add(g, GATE_OK, "commit: judging %s", words);
	} else if (words) {
		gate_add(g, GATE_WARN, "commit: judging %s, which is not merged into %s: deploying it "
			 "ships work %s does not have (once it is merged, the merge commit is judged)",
			 words, c->main ? c->main : "the default branch", c->main ? c->main : "that branch");
	} else {
		char *why = no_commit_words(c, fid);
		gate_add(g, GATE_WARN, "commit: none to judge: %s", why);
		free(why);
	}
	free(words);
}

static void gate_build(const struct gate_input *in, struct gate_result *g)
{
	char fid[24];
	feature_word(in, fid, sizeof fid);
	const char *what = in->build_what ? in->build_what : "the build of the commit to deploy";
	const char *sha = in->commit ? in->commit->sha : NULL;
	switch (in->build) {
	case GATE_BUILD_NO_CI:
		if (sha)
			gate_add(g, GATE_WARN, "build: no CI data recorded, so the build of %.7s was not "
				 "checked", sha);
		else
			gate_add(g, GATE_WARN, "build: no CI data recorded, so the build was not checked");
		break;
	case GATE_BUILD_NONE:
		if (sha) {
			gate_add(g, GATE_BLOCK, "build: no build of %.7s recorded%s%s; record its CI run "
				 "(shipdeck build add --commit %.7s ..., or build import)", sha,
				 in->build_other ? ": the latest build of the branch is " : "",
				 in->build_other ? in->build_other : "", sha);
		} else if (in->commit) {
			char *why = no_commit_words(in->commit, fid);
			gate_add(g, GATE_BLOCK, "build: no commit to look for a build of: %s", why);
			free(why);
		} else {
			gate_add(g, GATE_BLOCK, "build: no build recorded for the commit to deploy");
		}
		break;
	case GATE_BUILD_SUCCESS:
		gate_add(g, GATE_OK, "build: %s succeeded", what);
		break;
	case GATE_BUILD_FAILURE:
		gate_add(g, GATE_BLOCK, "build: %s failed; a successful run of it, or of a newer commit "
			 "that is then judged, clears this", what);
		break;
	case GATE_BUILD_RUNNING:
		gate_add(g, GATE_BLOCK, "build: %s is still running; wait until it succeeds", what);
		break;
	}
}

static void gate_incidents(const struct gate_input *in, struct gate_result *g)
{
	if (in->nincidents == 0)
		gate_add(g, GATE_OK, "no open production incident");
	for (size_t i = 0; i < in->nincidents; i++) {
		const char *title = in->incidents[i] ? in->incidents[i] : "";
		if (in->incident_ids)
			gate_add(g, GATE_BLOCK, "open production incident %lld: %s; once service is back, "
				 "record it (shipdeck incident update %lld --restored TIME)",
				 (long long)in->incident_ids[i], title, (long long)in->incident_ids[i]);
		else
			gate_add(g, GATE_BLOCK, "open production incident: %s", title);
	}
}

void gate_decide(const struct gate_input *in, struct gate_result *out)
{
	memset(out, 0, sizeof(*out));
	out->go = true;
	gate_items(in, out);
	if (in->window)
		gate_window(in, out);
	gate_commit_line(in, out);
	gate_build(in, out);
	gate_incidents(in, out);
}

void gate_result_free(struct gate_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->reasons[i].text);
	free(r->reasons);
	memset(r, 0, sizeof(*r));
}
