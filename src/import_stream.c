/* import_stream — one big array of an untrusted document read an element
 * at a time, so that a 455 MB runs page never becomes one cJSON tree (a
 * tree costs about four times its text). A scan of strings and brackets
 * finds the array; each element is then parsed alone by
 * import_json_parse_at, with the same rules and messages as the whole
 * document would get. Anything the scan cannot follow is left to the
 * whole-tree reader, which gives the exact message. */
#include "import.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <string.h>

#define NOWHERE SIZE_MAX

static size_t skip_space(const char *t, size_t len, size_t p)
{
	while (p < len && (t[p] == ' ' || t[p] == '\t' || t[p] == '\n' || t[p] == '\r'))
		p++;
	return p;
}

/* Just past the string that opens at t[p] ('"'), or NOWHERE. */
static size_t string_end(const char *t, size_t len, size_t p)
{
	for (p++; p < len; p++) {
		if (t[p] == '\\')
			p++;
		else if (t[p] == '"')
			return p + 1;
	}
	return NOWHERE;
}

/* Just past the value that starts at t[p], or NOWHERE when the text ends
 * first. Only strings and brackets are followed: the parser judges the rest. */
static size_t value_end(const char *t, size_t len, size_t p)
{
	if (p >= len)
		return NOWHERE;
	if (t[p] == '"')
		return string_end(t, len, p);
	if (t[p] != '{' && t[p] != '[') {
		while (p < len && !strchr(",}] \t\r\n", t[p]))
			p++;
		return p;
	}
	size_t depth = 0;
	for (; p < len; p++) {
		char c = t[p];
		if (c == '"') {
			p = string_end(t, len, p);
			if (p == NOWHERE)
				return NOWHERE;
			p--;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			return p + 1;
		}
	}
	return NOWHERE;
}

static const char *wanted(const char *t, size_t key, size_t end, const char *const *names,
			  size_t nnames)
{
	for (size_t i = 0; i < nnames; i++) {
		size_t n = strlen(names[i]);
		if (end - key == n + 2 && memcmp(t + key + 1, names[i], n) == 0)
			return names[i];
	}
	return NULL;
}

enum json_span import_json_find_array(const char *text, size_t len, size_t off,
				      const char *const *names, size_t nnames,
				      struct json_array_span *s)
{
	size_t p = skip_space(text, len, off);
	s->member = NULL;
	if (p >= len || text[p] != '{')
		return SPAN_NONE;
	p = skip_space(text, len, p + 1);
	if (p < len && text[p] == '}')
		return SPAN_NONE;
	for (;;) {
		if (p >= len || text[p] != '"')
			return SPAN_NONE;
		size_t key = p, key_end = string_end(text, len, p);
		if (key_end == NOWHERE)
			return SPAN_NONE;
		p = skip_space(text, len, key_end);
		if (p >= len || text[p] != ':')
			return SPAN_NONE;
		p = skip_space(text, len, p + 1);
		size_t end = value_end(text, len, p);
		const char *name = s->member ? NULL : wanted(text, key, key_end, names, nnames);
		if (name && p < len && text[p] == '[') {
			s->member = name;
			s->open = p;
			s->close = end == NOWHERE ? NOWHERE : end - 1;
			if (end == NOWHERE)     /* a download cut short inside it */
				return SPAN_CUT;
		}
		if (end == NOWHERE)
			return SPAN_NONE;
		p = skip_space(text, len, end);
		if (p < len && text[p] == '}') {
			s->end = p + 1;
			return s->member ? SPAN_FOUND : SPAN_NONE;
		}
		if (p >= len || text[p] != ',')
			return SPAN_NONE;
		p = skip_space(text, len, p + 1);
	}
}

int import_json_each(const char *text, size_t len, const struct json_array_span *s,
		     int (*each)(cJSON *elem, const struct import_json *j, size_t i, void *arg,
				 char *err, size_t errlen),
		     void *arg, char *err, size_t errlen)
{
	size_t p = skip_space(text, len, s->open + 1);
	if (p == s->close)
		return 0;
	for (size_t i = 0;; i++) {
		if (p >= len)
			return -2;
		struct import_json j;
		size_t stop;
		memset(&j, 0, sizeof j);
		cJSON *elem = import_json_parse_at(text, len, p, &stop, &j, err, errlen);
		if (!elem)
			return -1;
		int rc = stop > s->close ? -2 : each(elem, &j, i, arg, err, errlen);
		cJSON_Delete(elem);
		if (rc != 0)
			return rc;
		p = skip_space(text, len, stop);
		if (p == s->close)
			return 0;
		if (p >= len || text[p] != ',')
			return -2;
		p = skip_space(text, len, p + 1);
	}
}
