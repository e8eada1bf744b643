/* importers — the registry of importers (src/importers.def): --format names,
 * detection of a page's format among the importers of one kind, and the one
 * page loop every kind of import shares (pages, slurped pages, one format
 * per file, "page 2: " in messages). Each importer's own file says what its
 * format looks like (detect) and reads it (read). */
#include "import.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const struct importer importers[IMPORT_FORMAT_COUNT] = {
	[IMPORT_AUTO] = {IMPORT_KIND_COUNT, "auto", NULL, NULL},
#define IMPORTER(e, k, n, d, r) [IMPORT_##e] = {IMPORT_KIND_##k, n, d, r},
#include "importers.def"
#undef IMPORTER
};

const char *const import_format_names[IMPORT_FORMAT_COUNT] = {
	"auto",
#define IMPORTER(e, k, n, d, r) n,
#include "importers.def"
#undef IMPORTER
};

/* `gh api --paginate --slurp` wraps a file's pages in one array: an array
 * whose every element is a runs or jobs page. */
static bool builds_slurped(const cJSON *root)
{
	if (!cJSON_IsArray(root) || !root->child)
		return false;
	const cJSON *page;
	cJSON_ArrayForEach(page, root)
		if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(page, "workflow_runs")) &&
		    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(page, "jobs")))
			return false;
	return true;
}

/* `gh api --paginate --slurp` of deployments or statuses: an array whose
 * every element is an array (a page). */
static bool arrays_slurped(const cJSON *root)
{
	if (!cJSON_IsArray(root) || !root->child)
		return false;
	const cJSON *page;
	cJSON_ArrayForEach(page, root)
		if (!cJSON_IsArray(page))
			return false;
	return true;
}

/* Slurped PagerDuty or Opsgenie pages: an array of objects each holding
 * the page's "incidents" or "data" array. */
static bool wrapped_slurped(const cJSON *root)
{
	if (!cJSON_IsArray(root) || !root->child)
		return false;
	const cJSON *page;
	cJSON_ArrayForEach(page, root)
		if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(page, "incidents")) &&
		    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(page, "data")))
			return false;
	return true;
}

/* What each kind of import is called in messages, and how its pages may be
 * wrapped in one array (NULL: never). */
static const struct {
	const char *what;
	bool (*slurped)(const cJSON *root);
} kinds[IMPORT_KIND_COUNT] = {
	[IMPORT_KIND_BUILDS] = {"CI export", builds_slurped},
	[IMPORT_KIND_DEPLOYMENTS] = {"deployment export", arrays_slurped},
	[IMPORT_KIND_INCIDENTS] = {"incident export", wrapped_slurped},
	[IMPORT_KIND_PULL_REQUESTS] = {"pull request export", arrays_slurped},
};

int import_format_by_name(const char *name)
{
	for (int i = 0; i < IMPORT_FORMAT_COUNT; i++)
		if (streq(name, import_format_names[i]))
			return i;
	return -1;
}

int import_format_of_kind(enum import_kind kind, const char *name)
{
	int f = import_format_by_name(name);
	return f == IMPORT_AUTO || (f > 0 && importers[f].kind == kind) ? f : -1;
}

int import_detect(enum import_kind kind, const cJSON *page)
{
	for (int i = 1; i < IMPORT_FORMAT_COUNT; i++)
		if (importers[i].kind == kind && importers[i].detect(page))
			return i;
	return -1;
}

void import_format_list(enum import_kind kind, const char *sep, const char *last, char *out,
			size_t outlen)
{
	struct strbuf sb = STRBUF_INIT;
	int n = 0, total = 0;
	for (int i = 1; i < IMPORT_FORMAT_COUNT; i++)
		total += importers[i].kind == kind;
	for (int i = 1; i < IMPORT_FORMAT_COUNT; i++) {
		if (importers[i].kind != kind)
			continue;
		if (n > 0)
			sb_add(&sb, n == total - 1 ? last : sep);
		sb_add(&sb, importers[i].name);
		n++;
	}
	snprintf(out, outlen, "%s", sb_str(&sb));
	sb_free(&sb);
}

/* The format of one page: the forced one, or what it looks like; one file
 * holds one format (*file_format: IMPORT_AUTO until a page says). */
static int page_format(enum import_kind kind, const cJSON *root, enum import_format forced,
		       enum import_format *file_format, char *err, size_t errlen)
{
	if (cJSON_IsArray(root) && !root->child)
		return 0;       /* "[]": an empty page fits any format */
	int detected = forced != IMPORT_AUTO ? (int)forced : import_detect(kind, root);
	if (detected < 0) {
		char names[256];
		import_format_list(kind, ", ", ", ", names, sizeof names);
		snprintf(err, errlen, "not a known %s (formats: %s); use --format to name one",
			 kinds[kind].what, names);
		return -1;
	}
	if (*file_format != IMPORT_AUTO && (enum import_format)detected != *file_format) {
		snprintf(err, errlen, "a %s page after %s pages: one format per file",
			 import_format_names[detected], import_format_names[*file_format]);
		return -1;
	}
	*file_format = (enum import_format)detected;
	return 0;
}

/* One page of a file; errors say which page when there are several. */
static int read_page(enum import_kind kind, const cJSON *root, enum import_format forced,
		     bool skip_bad, void *batch, struct import_pages *p, char *err, size_t errlen)
{
	char why[512];
	int rc = page_format(kind, root, forced, &p->format, why, sizeof why);
	enum import_format f = forced != IMPORT_AUTO ? forced : p->format;
	if (rc == 0 && !(cJSON_IsArray(root) && !root->child))
		rc = importers[f].read(root, skip_bad, batch, why, sizeof why);
	if (rc != 0)
		snprintf(err, errlen, "%s%s", p->label, why);
	return rc;
}

/* Where the page loop is in a file: its documents are read one at a time. */
struct doc_at {
	size_t index;               /* the document's number, from 1 */
	bool more;                  /* another document follows it */
};

/* "page 2: " before a document's hygiene message once there are several. */
static void doc_fail(const struct doc_at *d, const char *why, char *err, size_t errlen)
{
	if (d->index > 1 || d->more)
		snprintf(err, errlen, "page %zu: %s", d->index, why);
	else
		snprintf(err, errlen, "%s", why);
}

/* Page k of a file (from 0), of which the document being read holds npages. */
static void page_label(struct import_pages *p, const struct doc_at *d, size_t npages)
{
	p->label[0] = '\0';
	if (p->n > 0 || npages > 1 || d->more)
		snprintf(p->label, p->labellen, "page %zu: ", p->n + 1);
}

/* One document as one tree: its pages are the document, or the elements of
 * slurped pages. */
static int read_whole(enum import_kind kind, const char *text, size_t len, size_t off,
		      enum import_format forced, bool skip_bad, void *batch, struct import_pages *p,
		      struct doc_at *d, size_t *next, char *err, size_t errlen)
{
	struct import_json j;
	size_t stop;
	char why[512];
	memset(&j, 0, sizeof j);
	cJSON *root = import_json_parse_at(text, len, off, &stop, &j, err, errlen);
	if (!root)
		return -1;
	int rc = import_json_next(text, len, stop, true, next, err, errlen);
	d->more = *next < len;
	if (rc == 0 && (rc = import_json_check(&j, root, IMPORT_MAX_STRING, why, sizeof why)) != 0)
		doc_fail(d, why, err, errlen);
	bool slurped = kinds[kind].slurped && kinds[kind].slurped(root);
	size_t npages = slurped ? (size_t)cJSON_GetArraySize(root) : 1;
	const cJSON *page = slurped ? root->child : root;
	for (; rc == 0 && page; page = slurped ? page->next : NULL) {
		page_label(p, d, npages);
		rc = read_page(kind, page, forced, skip_bad, batch, p, err, errlen);
		p->n++;
	}
	cJSON_Delete(root);
	return rc;
}

/* The array a format's reader walks one record at a time, whose records a
 * streamed page may hand it one by one (no page-wide rule over them). */
static const char *record_array(int format)
{
	switch (format) {
	case IMPORT_GITHUB_RUNS:
		return "workflow_runs";
	case IMPORT_GITHUB_JOBS:
		return "jobs";
	case IMPORT_JENKINS:
		return "builds";
	default:
		return NULL;
	}
}

struct streamed {
	enum import_kind kind;
	enum import_format forced;
	bool skip_bad;
	void *batch;
	struct import_pages *p;
	const struct doc_at *d;
	cJSON *frame, *array;       /* the document without the array's elements */
	size_t read;                /* elements read */
};

/* One element: checked where it sits, then read as the page with only it. */
static int read_element(cJSON *elem, const struct import_json *j, size_t i, void *arg, char *err,
			size_t errlen)
{
	struct streamed *s = arg;
	char why[512], *path = xasprintf("%s[%zu]", s->array->string, i);
	int rc = import_json_check_at(j, elem, path, IMPORT_MAX_STRING, why, sizeof why);
	free(path);
	if (rc != 0) {
		doc_fail(s->d, why, err, errlen);
		return -1;
	}
	cJSON_AddItemToArray(s->array, elem);
	import_rec_window(i);
	rc = read_page(s->kind, s->frame, s->forced, s->skip_bad, s->batch, s->p, err, errlen);
	import_rec_window(0);
	cJSON_DetachItemViaPointer(s->array, elem);
	s->read++;
	return rc;
}

/* The frame of a streamed document: its text without the array's elements. */
static cJSON *parse_frame(const char *text, const struct json_array_span *a, size_t off,
			  struct import_json *fj)
{
	size_t head = a->open + 1 - off, tail = a->end - a->close, stop;
	char *frame = xmalloc(head + tail + 1), why[512];
	memcpy(frame, text + off, head);
	memcpy(frame + head, text + a->close, tail);
	frame[head + tail] = '\0';
	memset(fj, 0, sizeof *fj);
	cJSON *root = import_json_parse_at(frame, head + tail, 0, &stop, fj, why, sizeof why);
	if (root && stop != head + tail) {
		cJSON_Delete(root);
		root = NULL;
	}
	/* the number literals were copied by the walk; the text can go */
	free(frame);
	return root;
}

static int parse_only(cJSON *elem, const struct import_json *j, size_t i, void *arg, char *err,
		      size_t errlen)
{
	(void)elem, (void)j, (void)i, (void)arg, (void)err, (void)errlen;
	return 0;
}

/* A download cut short inside the big array: its first syntax error is
 * found an element at a time, as the whole-tree parser would find it,
 * when the text before the array is JSON (else, or when the text ends
 * between two elements, 1: the whole-tree parser says it). -1 with the
 * message in err. */
static int find_cut(const char *text, size_t len, size_t off, const struct json_array_span *a,
		    char *err, size_t errlen)
{
	size_t head = a->open + 1 - off, stop;
	char *frame = xmalloc(head + 3), why[512];
	memcpy(frame, text + off, head);
	memcpy(frame + head, "]}", 3);
	struct import_json fj;
	memset(&fj, 0, sizeof fj);
	cJSON *root = import_json_parse_at(frame, head + 2, 0, &stop, &fj, why, sizeof why);
	bool head_ok = root && stop == head + 2;
	cJSON_Delete(root);
	free(frame);
	if (!head_ok)
		return 1;
	return import_json_each(text, len, a, parse_only, NULL, err, errlen) == -1 ? -1 : 1;
}

/* A document whose records sit in one array its format reads one at a
 * time: 1 when it is not one (read it whole), else 0 or -1 with err set. */
static int read_streamed(enum import_kind kind, const char *text, size_t len, size_t off,
			 enum import_format forced, bool skip_bad, void *batch,
			 struct import_pages *p, struct doc_at *d, size_t *next, char *err,
			 size_t errlen)
{
	static const char *const names[] = {"workflow_runs", "jobs", "builds"};
	struct json_array_span a;
	struct import_json fj;
	char why[512];
	enum json_span span = kind == IMPORT_KIND_BUILDS
		? import_json_find_array(text, len, off, names, ARRAY_SIZE(names), &a) : SPAN_NONE;
	if (span == SPAN_CUT)
		return find_cut(text, len, off, &a, err, errlen);
	if (span != SPAN_FOUND)
		return 1;
	cJSON *frame = parse_frame(text, &a, off, &fj);
	int f = !frame ? -1 : forced != IMPORT_AUTO ? (int)forced : import_detect(kind, frame);
	const char *member = f > 0 ? record_array(f) : NULL;
	if (!member || !streq(member, a.member)) {
		cJSON_Delete(frame);
		return 1;
	}
	if (import_json_next(text, len, a.end, true, next, err, errlen) != 0) {
		cJSON_Delete(frame);
		return -1;
	}
	d->more = *next < len;
	int rc = import_json_check(&fj, frame, IMPORT_MAX_STRING, why, sizeof why);
	if (rc != 0)
		doc_fail(d, why, err, errlen);
	struct streamed s = {kind, forced, skip_bad, batch, p, d, frame,
			     cJSON_GetObjectItemCaseSensitive(frame, a.member), 0};
	page_label(p, d, 1);
	if (rc == 0)
		rc = import_json_each(text, len, &a, read_element, &s, err, errlen);
	if (rc == 0 && s.read == 0)     /* "[]": the page still says its format */
		rc = read_page(kind, frame, forced, skip_bad, batch, p, err, errlen);
	p->n++;
	cJSON_Delete(frame);
	if (rc == -2) {
		/* the text between the elements is not JSON: the whole-tree
		 * parser says where, as it would have */
		struct import_json j;
		size_t stop;
		memset(&j, 0, sizeof j);
		cJSON *root = import_json_parse_at(text, len, off, &stop, &j, err, errlen);
		if (root)
			snprintf(err, errlen, "could not follow the JSON text (document %zu)", d->index);
		cJSON_Delete(root);
		rc = -1;
	}
	return rc;
}

int import_read_pages(enum import_kind kind, const char *text, size_t len,
		      enum import_format forced, bool skip_bad, void *batch,
		      struct import_pages *p, char *err, size_t errlen)
{
	p->format = IMPORT_AUTO;
	p->n = 0;
	if (forced != IMPORT_AUTO && (forced >= IMPORT_FORMAT_COUNT || importers[forced].kind != kind)) {
		snprintf(err, errlen, "unknown format");
		return -1;
	}
	if (import_json_text_ok(text, len, err, errlen) != 0)
		return -1;
	/* A document at a time: a file of many pages never holds all their
	 * trees, and a big page streams its records (read_streamed). */
	struct doc_at d = {0, false};
	size_t off = 0, next = len;
	int rc;
	do {
		d.index++;
		rc = read_streamed(kind, text, len, off, forced, skip_bad, batch, p, &d, &next, err,
				   errlen);
		if (rc == 1)
			rc = read_whole(kind, text, len, off, forced, skip_bad, batch, p, &d, &next, err,
					errlen);
		off = next;
	} while (rc == 0 && off < len);
	p->label[0] = '\0';
	if (rc == 0 && forced != IMPORT_AUTO)
		p->format = forced;
	return rc;
}
