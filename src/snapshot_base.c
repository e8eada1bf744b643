/* snapshot_base — what every snapshot section shares: the heading of a
 * section and outside text made safe for markdown. Below snapshot.c and its
 * sections (snapshot_builds.c, snapshot_dora.c, snapshot_ops.c), so that
 * neither calls back into the other. */
#include "snapshot_base.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* ---- markdown text ---- */

void snap_md_text(struct strbuf *out, const char *s)
{
	/* Outside text is one clean line, and every character markdown would
	 * read as markup is escaped: a title with '*' or '|' stays text, and a
	 * '|' cannot split a table row. */
	char *c = text_clean(s ? s : "", TEXT_ONE_LINE);
	for (const char *p = c; *p; p++) {
		if (strchr("\\`*_[]<>|#~!", *p))
			sb_addc(out, '\\');
		sb_addc(out, *p);
	}
	free(c);
}

/* ---- headings ------------------------------------------------------------------ */

void snap_heading(struct strbuf *out, const char *title, const struct render *r)
{
	if (r->format == SNAP_MARKDOWN) {
		sb_addf(out, "\n## %s\n\n", title);
		return;
	}
	const char *rule = r->ascii ? "-" : "\xe2\x94\x80";
	sb_addf(out, "\n%s%s %s ", rule, rule, title);
	int used = 4 + text_width(title);
	sb_addrep(out, rule, r->width - used > 0 ? r->width - used : 0);
	sb_addc(out, '\n');
}
