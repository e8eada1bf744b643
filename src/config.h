/* config — reads a JSON config file into the options table. */
#ifndef SD_CONFIG_H
#define SD_CONFIG_H

#include <stdbool.h>

#include "options.h"
#include "util.h"

/* Applies the keys of the JSON config at path to o. A missing file is fine
 * unless must_exist. Unknown keys, wrong types and values out of range are
 * one-line warnings appended to warnings ("file: key: why"). Returns -1,
 * with the reason as the last line of warnings, when the file is not a JSON
 * object (nothing of it applied) or a file that must exist cannot be read. */
int config_load(struct options *o, const char *path, bool must_exist, struct strbuf *warnings);
/* Same, from JSON text already in memory (used by the fuzz target and tests). */
int config_apply_text(struct options *o, const char *text, const char *source, struct strbuf *warnings);

/* Calls fn for each "key": "string" member of a JSON object given as text
 * (an OPT_JSON option such as "keys"); returns -1 when it is not one. */
int config_string_pairs(const char *json, void (*fn)(void *arg, const char *key, const char *value),
			void *arg);

#endif
