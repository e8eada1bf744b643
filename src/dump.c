/* dump — export/import. The export is deterministic (tables in a fixed
 * order, rows by primary key, columns in schema order), so export → import
 * → export is byte-identical and two exports can be diffed. The git cache
 * is not exported: it is derived from the repository and rebuilt on sync. */
#include "dump.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"
#include "store.h"
#include "text.h"
#include "timeutil.h"

#define DUMP_MAX_STRING (1024 * 1024)

struct export_state {
	cJSON *tables;
};

/* An integer in digits, exactly: cJSON would print it from a double, which
 * rounds past 2^53 and writes 1e+17 where import expects digits. */
static void add_integer(cJSON *row, const char *name, int64_t v)
{
	char digits[24];
	snprintf(digits, sizeof digits, "%lld", (long long)v);
	cJSON_AddRawToObject(row, name, digits);
}

static int export_row(void *arg, const char *table, int ncols, const char *const *names,
		      const struct sd_value *vals)
{
	struct export_state *es = arg;
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(es->tables, table);
	cJSON *row = cJSON_CreateObject();
	for (int i = 0; i < ncols; i++) {
		if (vals[i].type == SDV_NULL)
			cJSON_AddNullToObject(row, names[i]);
		else if (vals[i].type == SDV_INT)
			add_integer(row, names[i], vals[i].i);
		else
			cJSON_AddStringToObject(row, names[i], vals[i].s);
	}
	cJSON_AddItemToArray(arr, row);
	return 0;
}

/* cJSON prints UTF-8 as it finds it. An export must be valid JSON (UTF-8,
 * RFC 8259) and safe to print on a terminal, so what cJSON leaves raw is
 * mended here: C1 controls, DEL and bidi controls escaped as \uXXXX
 * (lossless), and each byte that is not UTF-8 written as U+FFFD itself (not
 * "\ufffd", so that export -> import -> export stays byte-identical).
 * Outside strings cJSON writes only ASCII, so a byte-level pass cannot
 * touch the structure. */
static void add_safe_json(struct strbuf *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	while (*p) {
		uint32_t cp;
		int n = utf8_decode(p, &cp);
		if (cp == 0xFFFD && n == 1)
			sb_add(out, "\xef\xbf\xbd");
		else if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
			 (cp >= 0x2066 && cp <= 0x2069))
			sb_addf(out, "\\u%04x", (unsigned)cp);
		else
			sb_addn(out, (const char *)p, (size_t)n);
		p += n;
	}
}

int dump_export(struct store *st, struct strbuf *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "schema", EXPORT_SCHEMA);
	cJSON_AddNumberToObject(root, "version", store_schema_version());
	/* Whose records these are, so that an import into another repository's
	 * database is refused (issue 12): null when none is recorded. */
	struct store_repo repo;
	int have = store_repository_get(st, &repo);
	if (have < 0) {
		cJSON_Delete(root);
		return -1;
	}
	if (have)
		cJSON_AddStringToObject(root, "repository", repo.git_dir);
	else
		cJSON_AddNullToObject(root, "repository");
	store_repo_free(&repo);
	struct export_state es = {cJSON_AddObjectToObject(root, "tables")};
	for (int i = 0; store_record_tables[i]; i++)
		cJSON_AddArrayToObject(es.tables, store_record_tables[i]);
	int rc = store_dump(st, export_row, &es);
	if (rc == 0) {
		char *text = cJSON_Print(root);
		add_safe_json(out, text);
		sb_addc(out, '\n');
		cJSON_free(text);
	}
	cJSON_Delete(root);
	return rc;
}

/* ---- import ------------------------------------------------------------------ */

static bool known_table(const char *name)
{
	for (int i = 0; store_record_tables[i]; i++)
		if (strcmp(store_record_tables[i], name) == 0)
			return true;
	return false;
}

/* A column named "at" or "..._at" holds an instant (data/schema.sql). */
static bool time_column(const char *name)
{
	size_t n = strlen(name);
	return strcmp(name, "at") == 0 || (n > 3 && strcmp(name + n - 3, "_at") == 0);
}

/* Converts one JSON member to a value; false with err set on a wrong type. */
static bool to_value(const cJSON *v, struct sd_value *out, const char *path, char *err, size_t errlen)
{
	enum json_whole w = JSON_NOT_WHOLE;
	if (cJSON_IsNull(v)) {
		out->type = SDV_NULL;
	} else if (cJSON_IsString(v)) {
		out->type = SDV_TEXT;
		out->s = v->valuestring;
	} else if (cJSON_IsNumber(v) && (w = import_json_whole(v, &out->i)) == JSON_WHOLE) {
		out->type = SDV_INT;
	} else if (cJSON_IsBool(v)) {
		out->type = SDV_INT;
		out->i = cJSON_IsTrue(v);
	} else {
		snprintf(err, errlen, "%s: %s", path, w == JSON_TOO_LARGE ? "a whole number too large to read exactly"
			 : "must be a string, a whole number or null");
		return false;
	}
	/* An instant outside the years 1970-9999 would print with a negative or
	 * five-digit year: refused like at every other door. */
	if (out->type == SDV_INT && time_column(v->string) && !time_in_range(out->i)) {
		snprintf(err, errlen, "%s: %s", path, TIME_RANGE_WHY);
		return false;
	}
	return true;
}

static int import_row(struct store *st, const char *table, int index, const cJSON *row,
		      char *err, size_t errlen)
{
	char path[160];
	snprintf(path, sizeof path, "%s[%d]", table, index);
	if (!cJSON_IsObject(row)) {
		snprintf(err, errlen, "%s: must be an object", path);
		return -1;
	}
	int n = cJSON_GetArraySize(row), i = 0;
	const char **names = xcalloc((size_t)n + 1, sizeof *names);
	struct sd_value *vals = xcalloc((size_t)n + 1, sizeof *vals);
	const cJSON *m;
	int rc = 0;
	cJSON_ArrayForEach(m, row) {
		char mpath[256];
		snprintf(mpath, sizeof mpath, "%s.%.80s", path, m->string);
		for (int j = 0; j < i && rc == 0; j++)
			if (strcmp(names[j], m->string) == 0) {
				snprintf(err, errlen, "%s: duplicate key", mpath);
				rc = -1;
			}
		if (rc == 0 && !to_value(m, &vals[i], mpath, err, errlen))
			rc = -1;
		if (rc != 0)
			break;
		names[i++] = m->string;
	}
	if (rc == 0 && store_restore_row(st, table, i, names, vals) != 0) {
		snprintf(err, errlen, "%s.%s", path, store_errmsg(st));
		rc = -1;
	}
	free(names);
	free(vals);
	return rc;
}

static int import_tables(struct store *st, const cJSON *tables, char *err, size_t errlen)
{
	/* Parents before children, whatever order the document uses. */
	for (int t = 0; store_record_tables[t]; t++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(tables, store_record_tables[t]);
		if (!arr)
			continue;
		if (!cJSON_IsArray(arr)) {
			snprintf(err, errlen, "tables.%s: must be an array", store_record_tables[t]);
			return -1;
		}
		int i = 0;
		const cJSON *row;
		cJSON_ArrayForEach(row, arr)
			if (import_row(st, store_record_tables[t], i++, row, err, errlen) != 0)
				return -1;
	}
	return 0;
}

static int check_document(const cJSON *root, char *err, size_t errlen)
{
	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen, "(document): must be a JSON object");
		return -1;
	}
	const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
	if (!cJSON_IsString(schema) || strcmp(schema->valuestring, EXPORT_SCHEMA) != 0) {
		snprintf(err, errlen, "schema: must be \"%s\" (is this a shipdeck export?)", EXPORT_SCHEMA);
		return -1;
	}
	/* Older exports import too: every migration so far only adds tables
	 * and constraints, so their rows still fit (keys are mended below). */
	const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "version");
	/* An older export still imports: later migrations only add columns
	 * with defaults, so its rows are complete rows of today's schema. */
	if (!cJSON_IsNumber(version) || version->valuedouble < 1 ||
	    version->valuedouble > store_schema_version() ||
	    version->valuedouble != floor(version->valuedouble)) {
		snprintf(err, errlen, "version: must be 1 to %d (this shipdeck's database version)",
			 store_schema_version());
		return -1;
	}
	const cJSON *repo = cJSON_GetObjectItemCaseSensitive(root, "repository");
	if (repo && !cJSON_IsNull(repo) && !cJSON_IsString(repo)) {
		snprintf(err, errlen, "repository: must be a string or null");
		return -1;
	}
	const cJSON *tables = cJSON_GetObjectItemCaseSensitive(root, "tables");
	if (!cJSON_IsObject(tables)) {
		snprintf(err, errlen, "tables: must be an object");
		return -1;
	}
	const cJSON *t;
	cJSON_ArrayForEach(t, tables)
		if (!known_table(t->string)) {
			snprintf(err, errlen, "tables.%.80s: unknown table", t->string);
			return -1;
		}
	return 0;
}

/* An export made before keys were unique ignoring case (version 1 or 2) may hold
 * JQ-1 and jq-1: the later one becomes jq-1~<id>, as migration 3 does to a
 * database (data/schema.sql), so it imports without loss. */
static void mend_v1_keys(cJSON *features)
{
	cJSON *a, *b;
	cJSON_ArrayForEach(a, features) {
		cJSON *ka = cJSON_GetObjectItemCaseSensitive(a, "key");
		cJSON *ia = cJSON_GetObjectItemCaseSensitive(a, "id");
		if (!cJSON_IsString(ka) || !cJSON_IsNumber(ia))
			continue;
		bool older_twin = false;
		cJSON_ArrayForEach(b, features) {
			cJSON *kb = cJSON_GetObjectItemCaseSensitive(b, "key");
			cJSON *ib = cJSON_GetObjectItemCaseSensitive(b, "id");
			older_twin = older_twin || (b != a && cJSON_IsString(kb) && cJSON_IsNumber(ib) &&
						    ib->valuedouble < ia->valuedouble &&
						    strcasecmp(kb->valuestring, ka->valuestring) == 0);
		}
		if (older_twin) {
			char *mended = xasprintf("%s~%lld", ka->valuestring, (long long)ia->valuedouble);
			cJSON_ReplaceItemInObjectCaseSensitive(a, "key", cJSON_CreateString(mended));
			free(mended);
		}
	}
}

struct dump_doc {
	struct import_json j;
	cJSON *root;
};

int dump_read(const char *json, size_t len, struct dump_doc **out, char *err, size_t errlen)
{
	*out = NULL;
	struct import_json j;
	if (import_json_read(json, len, false, &j, err, errlen) != 0)
		return -1;
	cJSON *root = j.docs[0];
	/* No field written through the commands can exceed 1 MiB (an argument
	 * is at most 128 KiB), so a longer one is not an export of ours.
	 * The tables go first so that paths read "features[3].title" as elsewhere. */
	const cJSON *tables = cJSON_GetObjectItemCaseSensitive(root, "tables");
	int rc = tables ? import_json_check(&j, tables, DUMP_MAX_STRING, err, errlen) : 0;
	if (rc == 0)
		rc = import_json_check(&j, root, DUMP_MAX_STRING, err, errlen);
	if (rc == 0)
		rc = check_document(root, err, errlen);
	if (rc != 0) {
		import_json_free(&j);
		return -1;
	}
	cJSON *features = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "tables"),
							   "features");
	if (cJSON_GetObjectItemCaseSensitive(root, "version")->valuedouble < 3 && cJSON_IsArray(features))
		mend_v1_keys(features);
	*out = xcalloc(1, sizeof **out);
	(*out)->j = j;
	(*out)->root = root;
	return 0;
}

void dump_doc_free(struct dump_doc *doc)
{
	if (!doc)
		return;
	import_json_free(&doc->j);
	free(doc);
}

const char *dump_doc_repository(const struct dump_doc *doc)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(doc->root, "repository");
	return cJSON_IsString(r) ? r->valuestring : NULL;
}

void dump_doc_counts(const struct dump_doc *doc, struct store_counts *out)
{
	const cJSON *tables = cJSON_GetObjectItemCaseSensitive(doc->root, "tables");
	memset(out, 0, sizeof *out);
	out->features = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tables, "features"));
	out->ticks = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tables, "checklist_items"));
	out->builds = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tables, "builds"));
	out->deployments = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tables, "deployments"));
	out->incidents = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tables, "incidents"));
	out->reviews = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tables, "reviews"));
	out->settings = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tables, "settings"));
}

int dump_apply(struct store *st, const struct dump_doc *doc, char *err, size_t errlen)
{
	if (store_begin(st) != 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		return -1;
	}
	int rc = store_restore_clear(st);
	if (rc != 0)
		snprintf(err, errlen, "%s", store_errmsg(st));
	if (rc == 0)
		rc = import_tables(st, cJSON_GetObjectItemCaseSensitive(doc->root, "tables"), err, errlen);
	if (rc == 0 && store_commit(st) != 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		rc = -1;
	}
	if (rc != 0)
		store_rollback(st);
	return rc;
}

int dump_import(struct store *st, const char *json, size_t len, char *err, size_t errlen)
{
	struct dump_doc *doc;
	if (dump_read(json, len, &doc, err, errlen) != 0)
		return -1;
	int rc = dump_apply(st, doc, err, errlen);
	dump_doc_free(doc);
	return rc;
}
