/* import_ops_parse — one deployment or incident file into a batch, through
 * the importer registry's page loop (src/importers.c). Apart from
 * import_ops.c, whose helpers the registry's readers call, so that no file
 * is reached back by what it reaches (tests/layers.py). */
#include "import_ops.h"

#include "import.h"

int ops_parse(const char *text, size_t len, enum import_format format, struct ops_batch *b,
	      char *err, size_t errlen)
{
	struct ops_mark m;
	ops_mark(b, &m);
	struct import_pages p = {.label = b->page_label, .labellen = sizeof b->page_label};
	/* the registry reads the pages (one format per file, "page 2: " in
	 * messages) and hands each to the format's reader below */
	if (import_read_pages(b->kind, text, len, format, b->skip_bad, b, &p, err, errlen) != 0) {
		ops_rewind(b, &m);
		return -1;
	}
	if (p.format != IMPORT_AUTO)
		b->formats |= 1u << p.format;
	b->pages += p.n;
	return 0;
}
