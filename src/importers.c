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
	[IMPORT_KIND_PULL_REQUESTS] = {"pull request export", NULL},
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

/* The pages of a file: its documents, or the elements of slurped ones;
 * NULL with err set when a document fails the hygiene checks. */
static const cJSON **file_pages(enum import_kind kind, const struct import_json *j, size_t *n,
				char *err, size_t errlen)
{
	const cJSON **pages = NULL;
	size_t cap = 0;
	*n = 0;
	for (size_t k = 0; k < j->n; k++) {
		char why[512];
		if (import_json_check(j, j->docs[k], IMPORT_MAX_STRING, why, sizeof why) != 0) {
			if (j->n > 1)
				snprintf(err, errlen, "page %zu: %s", k + 1, why);
			else
				snprintf(err, errlen, "%s", why);
			free(pages);
			return NULL;
		}
		const cJSON *page;
		if (kinds[kind].slurped && kinds[kind].slurped(j->docs[k]))
			cJSON_ArrayForEach(page, j->docs[k])
				VEC_PUSH(pages, *n, cap, page);
		else
			VEC_PUSH(pages, *n, cap, j->docs[k]);
	}
	return pages;
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
	struct import_json j;
	if (import_json_read(text, len, true, &j, err, errlen) != 0)
		return -1;
	size_t npages;
	const cJSON **pages = file_pages(kind, &j, &npages, err, errlen);
	if (!pages) {
		import_json_free(&j);
		return -1;
	}
	int rc = 0;
	for (size_t k = 0; k < npages && rc == 0; k++) {
		/* "page 2: workflow_runs[3].created_at: ..." once there are pages */
		p->label[0] = '\0';
		if (npages > 1)
			snprintf(p->label, p->labellen, "page %zu: ", k + 1);
		rc = read_page(kind, pages[k], forced, skip_bad, batch, p, err, errlen);
	}
	p->label[0] = '\0';
	free(pages);
	import_json_free(&j);
	if (rc == 0) {
		if (forced != IMPORT_AUTO)
			p->format = forced;
		p->n = npages;
	}
	return rc;
}
