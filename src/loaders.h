/* loaders — the model's set-up read from files and the config: zone,
 * holidays, window table, checklist templates (src/loaders.c). Errors are
 * kept in the context, never printed (ctx_fail in src/context.h). */
#ifndef SD_LOADERS_H
#define SD_LOADERS_H

#include <stdbool.h>
#include <stddef.h>

#include "advice.h"
#include "checklists.h"

struct ctx;

/* What judging the window needs: the table, the team's zone, its holidays. */
struct window_setup {
	struct window_table table;
	struct tz_zone zone;
	struct holidays holidays;
};

/* Loads a zone: a fixed name or offset (tz_fixed), else $TZDIR or
 * /usr/share/zoneinfo/<name>; false with a reason in why. */
bool tz_load(const char *name, struct tz_zone *z, char *why, size_t whylen);
/* Loads data/window.json, config `timezone` and config `holidays` (a list
 * of dates or a file of them); false after keeping one error in c
 * (ctx_fail). */
bool window_setup_load(struct ctx *c, struct window_setup *ws);
void window_setup_free(struct window_setup *ws);
/* Loads data/checklists.json plus config `checklists`; a bad team list is
 * a warning (the standard items still apply), a bad data file an error
 * (false): both kept in c (ctx_caution, ctx_fail). */
bool checklists_setup(struct ctx *c, struct checklists *cl);

#endif
