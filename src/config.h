/* config — reads a JSON config file into the options table. */
#ifndef SD_CONFIG_H
#define SD_CONFIG_H

#include <stdbool.h>

#include "options.h"
#include "util.h"

enum config_flags {
	CONFIG_MUST_EXIST = 1,  /* a missing or unreadable file is an error (--config) */
	CONFIG_REPOSITORY = 2,  /* the repository's .shipdeck.json: only REPO-scope keys */
};

/* Applies the keys of the JSON config at path to o. A missing file is fine
 * unless CONFIG_MUST_EXIST. Unknown keys, wrong types, values out of range
 * and, with CONFIG_REPOSITORY, keys only the user may set (options.def's
 * scope) are one-line warnings appended to warnings ("file: key: why").
 * Returns -1, with the reason as the last line of warnings, when the file is
 * not a JSON object (nothing of it applied) or a file that must exist cannot
 * be read. */
int config_load(struct options *o, const char *path, unsigned flags, struct strbuf *warnings);
/* Same, from JSON text already in memory (used by the fuzz target and tests). */
int config_apply_text(struct options *o, const char *text, const char *source, unsigned flags,
		      struct strbuf *warnings);

/* Calls fn for each "key": "string" member of a JSON object given as text
 * (an OPT_JSON option such as "keys"); returns -1 when it is not one. */
int config_string_pairs(const char *json, void (*fn)(void *arg, const char *key, const char *value),
			void *arg);

#endif
