/* dump — the whole release database as one JSON document, and back. */
#ifndef SD_DUMP_H
#define SD_DUMP_H

#include "util.h"

struct store;

#define EXPORT_SCHEMA "shipdeck.export/1"

/* Appends the export document to out; 0 or -1 (message in store_errmsg). */
int dump_export(struct store *st, struct strbuf *out);
struct store_counts;
/* A read and checked export document. */
struct dump_doc;
/* Parses and checks a document (all len bytes of json: one document,
 * nothing after it; nothing is written); 0, or -1 with "what: where" in err. */
int dump_read(const char *json, size_t len, struct dump_doc **doc, char *err, size_t errlen);
void dump_doc_free(struct dump_doc *doc);
/* The repository the export was made from (its identity), or NULL. */
const char *dump_doc_repository(const struct dump_doc *doc);
/* How many records of each kind the document holds. */
void dump_doc_counts(const struct dump_doc *doc, struct store_counts *out);
/* Replaces every release record with the document's, in one transaction
 * (nested in the caller's when there is one); 0 or -1 with err. */
int dump_apply(struct store *st, const struct dump_doc *doc, char *err, size_t errlen);
/* dump_read + dump_apply. Replaces every release record with the document's, in one transaction.
 * On error nothing changes and err holds "what: where" with the JSON path
 * of the problem (e.g. "features[3].size: CHECK constraint failed"). */
int dump_import(struct store *st, const char *json, size_t len, char *err, size_t errlen);

#endif
