/* dump — the whole release database as one JSON document, and back. */
#ifndef SD_DUMP_H
#define SD_DUMP_H

#include "util.h"

struct store;

#define EXPORT_SCHEMA "shipdeck.export/1"

/* Appends the export document to out; 0 or -1 (message in store_errmsg). */
int dump_export(struct store *st, struct strbuf *out);
/* Replaces every release record with the document's (all len bytes of
 * json: one document, nothing after it), in one transaction. On error
 * nothing changes and err holds "what: where" with the JSON path of the
 * problem (e.g. "features[3].size: CHECK constraint failed"). */
int dump_import(struct store *st, const char *json, size_t len, char *err, size_t errlen);

#endif
