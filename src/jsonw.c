/* jsonw — the one JSON writer (see jsonw.h). The number rule is documented
 * for users in the schemas of data/ ("numbers have at most two decimals"):
 * two decimals keep hours to 36 s and percentages to 0.01, and never print
 * `1e+03`, which some shell tools mis-read. */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "timeutil.h"

void json_add_string(struct strbuf *out, const char *s)
{
	if (!s) {
		sb_add(out, "null");
		return;
	}
	sb_addc(out, '"');
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		int n = utf8_decode(p, &cp);
		if (cp == '"' || cp == '\\')
			sb_addf(out, "\\%c", (char)cp);
		else if (cp == '\n')
			sb_add(out, "\\n");
		else if (cp == '\t')
			sb_add(out, "\\t");
		else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
			 (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
			sb_addf(out, "\\u%04x", (unsigned)cp); /* never raw: a pager would obey it */
		else if (cp == 0xFFFD && n == 1)
			sb_add(out, "\\ufffd"); /* invalid UTF-8 in, valid JSON out */
		else
			sb_addn(out, (const char *)p, (size_t)n);
		p += n;
	}
	sb_addc(out, '"');
}

void json_add_time(struct strbuf *out, int64_t t)
{
	char buf[24];
	if (t == SD_NO_TIME)
		sb_add(out, "null");
	else
		sb_addf(out, "\"%s\"", time_format_iso(t, buf));
}

void json_add_num(struct strbuf *out, double v)
{
	if (isnan(v) || isinf(v)) {
		sb_add(out, "null");
		return;
	}
	char buf[64];
	snprintf(buf, sizeof buf, "%.2f", v);
	size_t n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	sb_add(out, streq(buf, "-0") ? "0" : buf);
}

void json_add_int(struct strbuf *out, long long v)
{
	sb_addf(out, "%lld", v);
}

void json_add_bool(struct strbuf *out, bool b)
{
	sb_add(out, b ? "true" : "false");
}

static void key(struct strbuf *out, const char *k)
{
	sb_add(out, ", ");
	json_add_string(out, k);
	sb_add(out, ": ");
}

void json_field_str(struct strbuf *out, const char *k, const char *v)
{
	key(out, k);
	json_add_string(out, v);
}

void json_field_time(struct strbuf *out, const char *k, int64_t t)
{
	key(out, k);
	json_add_time(out, t);
}

void json_field_num(struct strbuf *out, const char *k, double v)
{
	key(out, k);
	json_add_num(out, v);
}

void json_field_int(struct strbuf *out, const char *k, long long v)
{
	key(out, k);
	json_add_int(out, v);
}

void json_field_bool(struct strbuf *out, const char *k, bool b)
{
	key(out, k);
	json_add_bool(out, b);
}

void json_field_secs(struct strbuf *out, const char *k, int64_t secs)
{
	key(out, k);
	if (secs == SD_NO_TIME)
		sb_add(out, "null");
	else
		json_add_int(out, (long long)secs);
}

void json_member(struct strbuf *out, bool *first, const char *key)
{
	sb_addf(out, "%s\"%s\": ", *first ? "{" : ", ", key);
	*first = false;
}

void json_member_str(struct strbuf *out, bool *first, const char *key, const char *v)
{
	json_member(out, first, key);
	json_add_string(out, v);
}

void json_member_num(struct strbuf *out, bool *first, const char *key, double v)
{
	json_member(out, first, key);
	sb_addf(out, "%.15g", v);
}
