/* snapshot_base — the render settings and the pieces every snapshot
 * section shares (src/snapshot_base.c). */
#ifndef SD_SNAPSHOT_BASE_H
#define SD_SNAPSHOT_BASE_H

#include <stdbool.h>

#include "util.h"

enum snap_format { SNAP_TEXT, SNAP_MARKDOWN, SNAP_JSON };

/* How to render: the same settings reach every section. */
struct render {
	enum snap_format format;
	int width;              /* columns for text (default 80) */
	bool ascii;             /* no UTF-8 line drawing or symbols */
};

/* A section heading in text ("── DORA ─────") or markdown ("## DORA"). */
void snap_heading(struct strbuf *out, const char *title, const struct render *r);
/* Outside text for markdown: one clean line, markup characters escaped. */
void snap_md_text(struct strbuf *out, const char *s);

#endif
