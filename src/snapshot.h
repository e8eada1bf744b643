/* snapshot — renders a struct dash as text, markdown or JSON. */
#ifndef SD_SNAPSHOT_H
#define SD_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonw.h"
#include "util.h"

struct dash;
struct dora_stages;

enum snap_format { SNAP_TEXT, SNAP_MARKDOWN, SNAP_JSON };

/* How to render: the same settings reach every section. */
struct render {
	enum snap_format format;
	int width;              /* columns for text (default 80) */
	bool ascii;             /* no UTF-8 line drawing or symbols */
};

/* Renders the whole dashboard into out. */
void snapshot_render(struct strbuf *out, const struct dash *d, const struct render *r);

/* A section heading in text ("── DORA ─────") or markdown ("## DORA"). */
void snap_heading(struct strbuf *out, const char *title, const struct render *r);

/* The DORA section (snapshot_dora.c): scorecard (current | tier | target |
 * elite), a sparkline per metric and the window's deployments. */
void snapshot_dora_text(struct strbuf *out, const struct dash *d, const struct render *r);
void snapshot_dora_markdown(struct strbuf *out, const struct dash *d, const struct render *r);
/* Appends `"dora": {...}, "deployments": [...]` (no braces around them). */
void snapshot_dora_json(struct strbuf *out, const struct dash *d);
/* A "stages" JSON value (docs/metrics.md §2b): an object, or null without a change. */
void snapshot_json_stages(struct strbuf *out, const struct dora_stages *st);

/* The operations sections (snapshot_ops.c): what needs attention now, one
 * line each after bullet; returns how many. */
size_t snapshot_attention_lines(const struct dash *d, struct strbuf *out, const struct render *r);
/* Outside text for markdown: one clean line, markup characters escaped. */
void snap_md_text(struct strbuf *out, const char *s);
void snapshot_ops_text(struct strbuf *out, const struct dash *d, const struct render *r);
/* Appends "window", "deploys_recent", "incidents" and "reviews_due". */
void snapshot_ops_json(struct strbuf *out, const struct dash *d);

#endif
