/* snapshot — renders a struct dash as text, markdown or JSON (src/snapshot.c
 * places the sections of src/snapshot_sections.h, which share
 * src/snapshot_base.h). */
#ifndef SD_SNAPSHOT_H
#define SD_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonw.h"
#include "snapshot_base.h"
#include "snapshot_sections.h"
#include "util.h"

struct dash;

/* Renders the whole dashboard into out. */
void snapshot_render(struct strbuf *out, const struct dash *d, const struct render *r);

#endif
