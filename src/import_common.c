/* import_common — what every importer shares: untrusted JSON, the field
 * readers that know the traps (64-bit ids, null vs absent, Go's zero time),
 * failure-kind keywords, and the merge of a batch into the store. */
#include "import.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store_builds.h"
#include "text.h"
#include "timeutil.h"
#include "util.h"

/* ---- field readers ------------------------------------------------------ */

/* Where the window of a streamed array starts (import_rec_window): a reader
 * counts its records from 0 in each window it is given. */
static size_t window_start;

void import_rec_window(size_t start)
{
	window_start = start;
}

int imp_fail(struct import_rec *r, const char *key, const char *fmt, ...)
{
	char why[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	/* A message may quote the file ("unknown status \"...\""): a newline
	 * in it would forge another line in the list of skipped records. */
	char *clean = text_clean(why, TEXT_ONE_LINE);
	snprintf(r->msg, sizeof(r->msg), "%s[%zu]%s%s: %s", r->array, window_start + r->index,
		 key ? "." : "", key ? key : "", clean);
	free(clean);
	return -1;
}

/* The member, or NULL when absent or JSON null (the APIs use both). */
static const cJSON *member(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return v && !cJSON_IsNull(v) ? v : NULL;
}

/* "-12", "+7", "0042": a sign and digits only. */
static bool plain_integer(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* cJSON keeps numbers as doubles, exact only up to 2^53 (9007199254740993
 * reads as ...992), so a plain integer is read from its literal as written
 * (import_json_literal), exactly within 64 bits; other forms (1e3, 2.0)
 * only where their double is exact, below 2^53. */
enum json_whole import_json_whole(const cJSON *v, int64_t *out)
{
	const char *lit = import_json_literal(v);
	if (lit && plain_integer(lit)) {
		errno = 0;
		long long ll = strtoll(lit, NULL, 10);
		if (errno == ERANGE)
			return JSON_TOO_LARGE;
		*out = ll;
		return JSON_WHOLE;
	}
	double d = v->valuedouble;
	if (!isfinite(d) || d != floor(d))
		return JSON_NOT_WHOLE;
	if (fabs(d) >= 9007199254740992.0)
		return JSON_TOO_LARGE;
	*out = (int64_t)d;
	return JSON_WHOLE;
}

static int whole_fail(struct import_rec *r, const char *key, enum json_whole w)
{
	return w == JSON_TOO_LARGE ? imp_fail(r, key, "a whole number too large to read exactly")
			      : imp_fail(r, key, "not a whole number");
}

int imp_int(struct import_rec *r, const cJSON *o, const char *key, int64_t *out, bool *present)
{
	const cJSON *v = member(o, key);
	*present = false;
	if (!v)
		return 0;
	if (cJSON_IsNumber(v)) {
		enum json_whole w = import_json_whole(v, out);
		if (w != JSON_WHOLE)
			return whole_fail(r, key, w);
	} else if (cJSON_IsString(v)) {
		long long ll;
		if (!parse_long(v->valuestring, INT64_MIN, INT64_MAX, &ll))
			return imp_fail(r, key, "not a whole number");
		*out = ll;
	} else {
		return imp_fail(r, key, "not a number");
	}
	*present = true;
	return 0;
}

/* Digits as text without sign noise or leading zeros ("+007" -> "7",
 * "-0" -> "0"), whatever their length; NULL when s is not a plain integer. */
static char *canonical_integer(const char *s)
{
	if (!plain_integer(s))
		return NULL;
	bool neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	while (*s == '0' && s[1])
		s++;
	return xasprintf("%s%s", neg && !streq(s, "0") ? "-" : "", s);
}

/* A number or a string of digits as exact text (ids may pass 2^53 or even
 * 64 bits: as text they are never rounded into another id); NULL when v is
 * neither. */
static char *whole_text(const cJSON *v, enum json_whole *why)
{
	int64_t i;
	*why = JSON_NOT_WHOLE;
	const char *lit = cJSON_IsNumber(v) ? import_json_literal(v)
			: cJSON_IsString(v) ? v->valuestring : NULL;
	char *exact = lit ? canonical_integer(lit) : NULL;
	if (exact || !cJSON_IsNumber(v))
		return exact;
	*why = import_json_whole(v, &i);
	return *why == JSON_WHOLE ? xasprintf("%lld", (long long)i) : NULL;
}

int imp_id(struct import_rec *r, const cJSON *o, const char *key, char **out)
{
	const cJSON *v = member(o, key);
	*out = NULL;
	if (!v)
		return imp_fail(r, key, "missing");
	enum json_whole why;
	*out = whole_text(v, &why);
	return *out ? 0 : whole_fail(r, key, why);
}

int imp_text(struct import_rec *r, const cJSON *o, const char *key, char **out)
{
	const cJSON *v = member(o, key);
	*out = NULL;
	if (!v)
		return 0;
	if (cJSON_IsString(v)) {
		*out = xstrdup(v->valuestring);
		return 0;
	}
	enum json_whole why;
	if (cJSON_IsNumber(v) && (*out = whole_text(v, &why)) != NULL)
		return 0;
	return imp_fail(r, key, "not a string");
}

int imp_time(struct import_rec *r, const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = member(o, key);
	*out = SD_NO_TIME;
	if (!v)
		return 0;
	if (!cJSON_IsString(v))
		return imp_fail(r, key, "not an ISO 8601 time");
	const char *s = v->valuestring;
	/* gh prints an unset time as Go's zero time rather than leaving it out. */
	if (!*s || str_starts(s, "0001-01-01"))
		return 0;
	switch (time_parse_iso_status(s, out)) {
	case TIME_OK:
		return 0;
	case TIME_OUT_OF_RANGE:
		return imp_fail(r, key, TIME_RANGE_WHY);
	default:
		return imp_fail(r, key, "not an ISO 8601 time");
	}
}

bool imp_has(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) && cJSON_GetObjectItemCaseSensitive(o, key);
}

bool imp_has_array(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) && cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(o, key));
}

int imp_finish(struct import_batch *batch, bool skip_bad, struct import_rec *r, int rc,
	       struct build *b, char *err, size_t errlen)
{
	if (rc < 0) {
		build_free(b);
		if (!skip_bad) {
			snprintf(err, errlen, "%s", r->msg);
			return -1;
		}
		sb_addf(&batch->bad, "%s%s\n", batch->page_label, r->msg);
		batch->nbad++;
		return 0;
	}
	if (b->attempt < 1)
		b->attempt = 1;
	build_fill_durations(b);
	VEC_PUSH(batch->builds, batch->n, batch->cap, *b);
	return 0;
}

/* ---- untrusted JSON ----------------------------------------------------- */

/* "line 3, column 14" of a byte offset, for a person with an editor. */
static void line_col(const char *text, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* True when the text stops inside a string or with a bracket open: the
 * usual shape of a download cut short. */
static bool ends_early(const char *text, size_t len)
{
	int depth = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char ch = text[i];
		if (in_string) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_string = false;
		} else if (ch == '"') {
			in_string = true;
		} else if (ch == '{' || ch == '[') {
			depth++;
		} else if (ch == '}' || ch == ']') {
			depth--;
		}
	}
	return in_string || depth > 0;
}

/* ---- hygiene of untrusted JSON ------------------------------------------- */

/* What the hygiene walk refuses beyond duplicates and long strings: the
 * nodes import_json_read found with a NUL character, if any. */
struct hygiene {
	size_t max_string;
	const cJSON *nul_value;         /* a string value holding U+0000 */
	const cJSON *nul_key;           /* a member whose key holds U+0000 */
};

static int cmp_key_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends a cleaned member name, cut to 80 bytes, to a path. */
static void path_add_key(struct strbuf *path, const char *key)
{
	char cut[81];
	snprintf(cut, sizeof cut, "%s", key ? key : "");
	if (path->len)
		sb_addc(path, '.');
	sb_add_clean(path, cut);
}

static const char *path_or_document(const struct strbuf *path)
{
	return path->len ? sb_str(path) : "(document)";
}

/* The first name an object holds twice, or NULL. */
static const char *duplicate_key(const cJSON *node)
{
	size_t n = 0, i = 0;
	for (const cJSON *c = node->child; c; c = c->next)
		n++;
	if (n < 2)
		return NULL;
	/* Sorted names find a duplicate in n log n, whatever the object's size. */
	const char **names = xcalloc(n, sizeof *names);
	for (const cJSON *c = node->child; c; c = c->next)
		names[i++] = c->string ? c->string : "";
	sort_array(names, n, sizeof *names, cmp_key_ptr);
	const char *dup = NULL;
	for (i = 1; i < n && !dup; i++)
		if (strcmp(names[i - 1], names[i]) == 0)
			dup = names[i];
	free(names);
	return dup;
}

static int check_node(const cJSON *node, const struct hygiene *h, struct strbuf *path, char *err,
		      size_t errlen)
{
	/* cJSON stops a string at U+0000: "CI\u0000hidden" would read as "CI". */
	if (node == h->nul_value) {
		snprintf(err, errlen, "%s: a NUL character (\\u0000) in a string",
			 path_or_document(path));
		return -1;
	}
	if (cJSON_IsString(node) && strlen(node->valuestring) > h->max_string) {
		snprintf(err, errlen, "%s: a string of %zu bytes is longer than the %zu allowed",
			 path_or_document(path), strlen(node->valuestring), h->max_string);
		return -1;
	}
	if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
		return 0;
	for (const cJSON *c = node->child; c && h->nul_key; c = c->next)
		if (c == h->nul_key) {
			/* a key "name\u0000x" would be read as "name" */
			path_add_key(path, c->string);
			snprintf(err, errlen, "%s: a NUL character (\\u0000) in a key",
				 path_or_document(path));
			return -1;
		}
	const char *dup = cJSON_IsObject(node) ? duplicate_key(node) : NULL;
	if (dup) {
		path_add_key(path, dup);
		snprintf(err, errlen, "%s: duplicate key", path_or_document(path));
		return -1;
	}
	size_t i = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		size_t len = path->len;
		if (cJSON_IsObject(node))
			path_add_key(path, c->string);
		else
			sb_addf(path, "[%zu]", i);
		int rc = check_node(c, h, path, err, errlen);
		sb_truncate(path, len);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int check_tree(const cJSON *root, const struct hygiene *h, char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT;
	int rc = check_node(root, h, &path, err, errlen);
	sb_free(&path);
	return rc;
}

int import_check_json(const cJSON *root, size_t max_string, char *err, size_t errlen)
{
	struct hygiene h = {max_string, NULL, NULL};
	return check_tree(root, &h, err, errlen);
}

int import_json_check(const struct import_json *j, const cJSON *node, size_t max_string,
		      char *err, size_t errlen)
{
	struct hygiene h = {max_string, j->nul_value, j->nul_key};
	return check_tree(node, &h, err, errlen);
}

int import_json_check_at(const struct import_json *j, const cJSON *node, const char *path,
			 size_t max_string, char *err, size_t errlen)
{
	struct hygiene h = {max_string, j->nul_value, j->nul_key};
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, path);
	int rc = check_node(node, &h, &sb, err, errlen);
	sb_free(&sb);
	return rc;
}

/* ---- reading untrusted JSON text ------------------------------------------- */

/* cJSON gives neither the position of a value nor the text of a number, so
 * the text is walked beside the tree: the strings (keys included) and
 * numbers of a document come in the same order as a depth-first walk of
 * its tree meets them. Each number keeps its literal (in valuestring,
 * which cJSON leaves unused for numbers and cJSON_Delete frees), and the
 * strings holding U+0000 are noted for the hygiene walk. */
struct text_walk {
	const char *text;
	size_t pos, end;
	bool mismatch;                  /* the text and the tree disagree: refuse */
	const cJSON *nul_value, *nul_key;
};

/* The length of the number cJSON's parse_number reads at p: what strtod
 * takes of at most 63 number characters (sign, digits, fraction, exponent). */
static size_t number_len(const char *p, size_t avail)
{
	size_t n = avail < 63 ? avail : 63, i = 0, digits = 0;
	if (i < n && (p[i] == '-' || p[i] == '+'))
		i++;
	for (; i < n && isdigit((unsigned char)p[i]); i++)
		digits++;
	if (i < n && p[i] == '.')
		for (i++; i < n && isdigit((unsigned char)p[i]); i++)
			digits++;
	if (!digits)
		return 0;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		size_t j = i + 1;
		if (j < n && (p[j] == '-' || p[j] == '+'))
			j++;
		if (j < n && isdigit((unsigned char)p[j])) {
			while (j < n && isdigit((unsigned char)p[j]))
				j++;
			i = j;
		}
	}
	return i;
}

/* The next string or number token from w->pos: its start and length; false
 * at the end. *nul is set for a string holding the escape \u0000. */
static bool next_token(struct text_walk *w, bool *string, size_t *start, size_t *len, bool *nul)
{
	const char *t = w->text;
	for (size_t i = w->pos; i < w->end; i++) {
		if (t[i] == '"') {
			size_t j = i + 1;
			*nul = false;
			for (; j < w->end && t[j] != '"'; j++) {
				if (t[j] != '\\')
					continue;
				if (w->end - j >= 6 && memcmp(t + j + 1, "u0000", 5) == 0)
					*nul = true;
				j++;    /* the escaped byte cannot end the string */
			}
			*string = true;
			*start = i;
			*len = j + 1 - i;
			w->pos = j + 1;
			return true;
		}
		if (t[i] == '-' || isdigit((unsigned char)t[i])) {
			size_t n = number_len(t + i, w->end - i);
			*string = false;
			*start = i;
			*len = n ? n : 1;
			w->pos = i + *len;
			return true;
		}
	}
	w->pos = w->end;
	return false;
}

/* Takes the next token, which must be of the kind the tree says. */
static bool take(struct text_walk *w, bool string, size_t *start, size_t *len, bool *nul)
{
	bool is_string;
	if (!next_token(w, &is_string, start, len, nul) || is_string != string) {
		w->mismatch = true;
		return false;
	}
	return true;
}

static void walk_node(cJSON *node, bool member, struct text_walk *w)
{
	size_t start, len;
	bool nul;
	if (member && take(w, true, &start, &len, &nul) && nul && !w->nul_key)
		w->nul_key = node;
	if (w->mismatch)
		return;
	if (cJSON_IsString(node)) {
		if (take(w, true, &start, &len, &nul) && nul && !w->nul_value)
			w->nul_value = node;
	} else if (cJSON_IsNumber(node)) {
		if (take(w, false, &start, &len, &nul) && !node->valuestring)
			node->valuestring = xstrndup(w->text + start, len);
	} else {
		for (cJSON *c = node->child; c && !w->mismatch; c = c->next)
			walk_node(c, cJSON_IsObject(node), w);
	}
}

const char *import_json_literal(const cJSON *number)
{
	return cJSON_IsNumber(number) ? number->valuestring : NULL;
}

static bool json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void json_fail_at(const char *text, size_t off, const char *what, const char *after,
			 char *err, size_t errlen)
{
	size_t line, col;
	line_col(text, off, &line, &col);
	snprintf(err, errlen, "%s at byte %zu (line %zu, column %zu)%s", what, off, line, col, after);
}

/* Parses the one document at text[off..len); its end in *stop. */
static cJSON *parse_one(const char *text, size_t len, size_t off, size_t *stop, char *err,
			size_t errlen)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text + off, len - off, &end, false);
	size_t at = end && end >= text ? (size_t)(end - text) : len;
	*stop = at > len ? len : at;
	if (!root)
		json_fail_at(text, *stop, "not valid JSON", ends_early(text, len) ?
			     "; the file ends before the JSON does (truncated?)" : "", err, errlen);
	return root;
}

int import_json_text_ok(const char *text, size_t len, char *err, size_t errlen)
{
	/* No JSON text holds a NUL byte, and the C strings cJSON makes would
	 * stop at it. */
	const char *nul = memchr(text, '\0', len);
	if (!nul)
		return 0;
	json_fail_at(text, (size_t)(nul - text), "a NUL byte", ": not JSON text", err, errlen);
	return -1;
}

cJSON *import_json_parse_at(const char *text, size_t len, size_t off, size_t *stop,
			    struct import_json *j, char *err, size_t errlen)
{
	cJSON *root = parse_one(text, len, off, stop, err, errlen);
	if (!root)
		return NULL;
	struct text_walk w = {text, off, *stop, false, j->nul_value, j->nul_key};
	walk_node(root, false, &w);
	bool is_string, dummy;
	size_t s0, l0;
	if (w.mismatch || next_token(&w, &is_string, &s0, &l0, &dummy)) {
		snprintf(err, errlen, "could not follow the JSON text (document %zu)", j->n + 1);
		cJSON_Delete(root);
		return NULL;
	}
	j->nul_value = w.nul_value;
	j->nul_key = w.nul_key;
	return root;
}

int import_json_next(const char *text, size_t len, size_t stop, bool pages, size_t *next,
		     char *err, size_t errlen)
{
	while (stop < len && json_space(text[stop]))
		stop++;
	*next = stop;
	if (stop == len)
		return 0;
	/* gh api --paginate writes its pages one after another; anything
	 * else after a document is a mistake that must not pass unseen. */
	if (!pages || (text[stop] != '{' && text[stop] != '[')) {
		json_fail_at(text, stop, "content after the JSON document", pages ?
			     ": only whole JSON documents may follow one another" :
			     ": the file must hold one JSON document", err, errlen);
		return -1;
	}
	return 0;
}

int import_json_read(const char *text, size_t len, bool pages, struct import_json *j, char *err,
		     size_t errlen)
{
	memset(j, 0, sizeof *j);
	if (import_json_text_ok(text, len, err, errlen) != 0)
		return -1;
	size_t cap = 0, off = 0;
	do {
		size_t stop;
		cJSON *root = import_json_parse_at(text, len, off, &stop, j, err, errlen);
		if (!root)
			goto fail;
		VEC_PUSH(j->docs, j->n, cap, root);
		if (import_json_next(text, len, stop, pages, &off, err, errlen) != 0)
			goto fail;
	} while (off < len);
	return 0;
fail:
	import_json_free(j);
	return -1;
}

void import_json_free(struct import_json *j)
{
	for (size_t i = 0; i < j->n; i++)
		cJSON_Delete(j->docs[i]);
	free(j->docs);
	memset(j, 0, sizeof *j);
}

void import_batch_free(struct import_batch *batch)
{
	builds_free(batch->builds, batch->n);
	sb_free(&batch->bad);
	memset(batch, 0, sizeof(*batch));
}

/* ---- failure-kind keywords ---------------------------------------------- */

struct kw_kind {
	int kind;               /* index in build_failure_kinds */
	char **words;           /* lower case */
	size_t nwords;
};

struct keywords {
	struct kw_kind kinds[FK_COUNT];
	size_t nkinds;          /* in priority order: the file's key order */
};

void keywords_free(struct keywords *kw)
{
	if (!kw)
		return;
	for (size_t i = 0; i < kw->nkinds; i++) {
		for (size_t j = 0; j < kw->kinds[i].nwords; j++)
			free(kw->kinds[i].words[j]);
		free(kw->kinds[i].words);
	}
	free(kw);
}

static char *lower_dup(const char *s)
{
	char *d = xstrdup(s);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

struct keywords *keywords_load(const char *json, char *err, size_t errlen)
{
	cJSON *root = json ? cJSON_Parse(json) : NULL;
	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen, "keywords: not a JSON object");
		cJSON_Delete(root);
		return NULL;
	}
	struct keywords *kw = xcalloc(1, sizeof(*kw));
	const cJSON *item;
	cJSON_ArrayForEach(item, root) {
		if (item->string[0] == '_')     /* "_comment" and the like */
			continue;
		int k = build_failure_kind_index(item->string);
		if (k < 0 || k == FK_OTHER || !cJSON_IsArray(item)) {
			snprintf(err, errlen, "keywords: \"%s\" is not one of tests, quality, security,"
				 " config with a list of words", item->string);
			goto fail;
		}
		struct kw_kind *kk = &kw->kinds[kw->nkinds++];
		kk->kind = k;
		size_t cap = 0;
		const cJSON *w;
		cJSON_ArrayForEach(w, item) {
			if (!cJSON_IsString(w) || !*w->valuestring) {
				snprintf(err, errlen, "keywords: \"%s\" holds something other than words",
					 item->string);
				goto fail;
			}
			char *lw = lower_dup(w->valuestring);
			VEC_PUSH(kk->words, kk->nwords, cap, lw);
		}
		if (kw->nkinds == FK_COUNT - 1)
			break;
	}
	cJSON_Delete(root);
	return kw;
fail:
	cJSON_Delete(root);
	keywords_free(kw);
	return NULL;
}

/* Word ends: the string's end, a non-alphanumeric, or a camelCase hump. */
static bool word_end(const char *s, size_t n, size_t p)
{
	if (p >= n || !isalnum((unsigned char)s[p]))
		return true;
	return p > 0 && islower((unsigned char)s[p - 1]) && isupper((unsigned char)s[p]);
}

/* A keyword matches a whole word, case-insensitively, also with a plural or
 * verb ending ("test" in "Run tests", "unitTest" and "testing", not in
 * "latest"; "pip" not in "pipeline"). */
static bool word_match(const char *s, size_t n, const char *word)
{
	static const char *const endings[] = {"", "s", "es", "ing", "ed", "er", "ers"};
	size_t wl = strlen(word);
	for (size_t p = 0; p + wl <= n; p++) {
		if (p > 0 && !word_end(s, n, p) && isalnum((unsigned char)s[p - 1]))
			continue;
		if (strncasecmp(s + p, word, wl) != 0)
			continue;
		for (size_t e = 0; e < ARRAY_SIZE(endings); e++) {
			size_t el = strlen(endings[e]);
			if (p + wl + el <= n && strncasecmp(s + p + wl, endings[e], el) == 0 &&
			    word_end(s, n, p + wl + el))
				return true;
		}
	}
	return false;
}

static int classify_text(const struct keywords *kw, const char *s, size_t n)
{
	for (size_t i = 0; i < kw->nkinds; i++)
		for (size_t j = 0; j < kw->kinds[i].nwords; j++)
			if (word_match(s, n, kw->kinds[i].words[j]))
				return kw->kinds[i].kind;
	return -1;
}

/* One failed_jobs line is "job / step" or "job": the step that failed says
 * more than the job around it, so it is tried first. */
static int classify_line(const struct keywords *kw, const char *line, size_t n)
{
	for (size_t p = n; p >= 3; p--) {
		if (strncmp(line + p - 3, " / ", 3) == 0) {
			int k = classify_text(kw, line + p, n - p);
			if (k >= 0)
				return k;
			return classify_text(kw, line, p - 3);
		}
	}
	return classify_text(kw, line, n);
}

const char *keywords_classify(const struct keywords *kw, const char *failed_jobs,
			      const char *workflow)
{
	if (!kw)
		return build_failure_kinds[FK_OTHER];
	for (const char *p = failed_jobs; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		int k = classify_line(kw, p, n);
		if (k >= 0)
			return build_failure_kinds[k];
		p = nl ? nl + 1 : p + n;
	}
	if (workflow) {
		int k = classify_text(kw, workflow, strlen(workflow));
		if (k >= 0)
			return build_failure_kinds[k];
	}
	return build_failure_kinds[FK_OTHER];
}

void import_classify(struct build *b, const struct keywords *kw)
{
	if (b->failure_kind_manual)
		return;
	free(b->failure_kind);
	b->failure_kind = build_is_failure(b->conclusion)
		? xstrdup(keywords_classify(kw, b->failed_jobs, b->workflow)) : NULL;
}

/* ---- storing a batch ---------------------------------------------------- */

static bool has_line(const char *lines, const char *line, size_t n)
{
	for (const char *p = lines; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t m = nl ? (size_t)(nl - p) : strlen(p);
		if (m == n && strncmp(p, line, n) == 0)
			return true;
		p = nl ? nl + 1 : p + m;
	}
	return false;
}

/* The union of two failed_jobs lists (a jobs page may come in several pages). */
static char *union_lines(const char *a, const char *b)
{
	if (!a || !*a)
		return xstrdup_or_null(b);
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, a);
	for (const char *p = b; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t m = nl ? (size_t)(nl - p) : strlen(p);
		if (m && !has_line(a, p, m)) {
			sb_addc(&sb, '\n');
			sb_addn(&sb, p, m);
		}
		p = nl ? nl + 1 : p + m;
	}
	return sb_detach(&sb);
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || streq(a, b);
}

static bool build_same(const struct build *a, const struct build *b)
{
	return same_str(a->workflow, b->workflow) && same_str(a->branch, b->branch) &&
	       same_str(a->commit, b->commit) && same_str(a->status, b->status) &&
	       same_str(a->conclusion, b->conclusion) && a->created == b->created &&
	       a->started == b->started && a->finished == b->finished &&
	       same_str(a->failure_kind, b->failure_kind) &&
	       a->failure_kind_manual == b->failure_kind_manual &&
	       same_str(a->failed_jobs, b->failed_jobs) && same_str(a->url, b->url);
}

/* Builds the row to store from the stored one (old) and the incoming one. */
static void merge(struct build *out, const struct build *old, const struct build *in)
{
	if (in->partial || (streq(old->status, "completed") && !streq(in->status, "completed"))) {
		/* A jobs page knows only which jobs failed; an older export of a
		 * run (still running then) must not undo its completion. */
		build_copy(out, old);
	} else {
		build_copy(out, in);
		out->failure_kind_manual = old->failure_kind_manual;
		free(out->failure_kind);
		out->failure_kind = xstrdup_or_null(old->failure_kind);
	}
	char *jobs = union_lines(old->failed_jobs, in->failed_jobs);
	free(out->failed_jobs);
	out->failed_jobs = jobs;
	out->id = old->id;
	out->partial = false;
}

static int store_one(struct store *st, const struct build *in, const struct keywords *kw,
		     struct import_counts *counts)
{
	struct build old, row;
	int found = store_build_find(st, in->provider, in->run_id, in->attempt, &old);
	if (found < 0)
		return -1;
	if (!found) {
		build_copy(&row, in);
		row.partial = false;
		import_classify(&row, kw);
		int rc = store_build_insert(st, &row);
		build_free(&row);
		if (rc == 0)
			counts->added++;
		return rc;
	}
	merge(&row, &old, in);
	import_classify(&row, kw);
	int rc = 0;
	if (build_same(&row, &old)) {
		counts->unchanged++;
	} else if ((rc = store_build_update(st, &row)) == 0) {
		counts->updated++;
	}
	build_free(&row);
	build_free(&old);
	return rc;
}

int import_store(struct store *st, struct import_batch *batch, const struct keywords *kw,
		 struct import_counts *counts)
{
	memset(counts, 0, sizeof(*counts));
	/* Runs before jobs pages, so "runs.json jobs.json" and "jobs.json
	 * runs.json" store the same thing. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < batch->n; i++) {
			struct build *b = &batch->builds[i];
			if (b->partial != (pass == 1))
				continue;
			if (store_one(st, b, kw, counts) < 0)
				return -1;
		}
	return 0;
}
