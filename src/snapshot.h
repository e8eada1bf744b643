/* snapshot — renders a struct dash as text, markdown or JSON. */
#ifndef SD_SNAPSHOT_H
#define SD_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct dash;

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
/* Appends an instant as a JSON ISO 8601 string, or null for SD_NO_TIME. */
void json_add_time(struct strbuf *out, int64_t t);
/* Appends one JSON string literal (quotes, escapes; control bytes as \u00XX). */
void json_add_string(struct strbuf *out, const char *s);

/* The operations sections (snapshot_ops.c): what needs attention now, one
 * line each after bullet; returns how many. */
size_t snapshot_attention_lines(const struct dash *d, struct strbuf *out, const char *bullet);
void snapshot_ops_text(struct strbuf *out, const struct dash *d, const struct render *r);
/* Appends "window", "deploys_recent", "incidents" and "reviews_due". */
void snapshot_ops_json(struct strbuf *out, const struct dash *d);

#endif
