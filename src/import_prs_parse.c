/* import_prs_parse — one pull request file into a batch, through the
 * importer registry's page loop (src/importers.c). Apart from
 * import_prs.c, whose readers the registry calls, so that no file is
 * reached back by what it reaches (tests/layers.py). */
#include "import_prs.h"

int pr_parse(const char *text, size_t len, enum import_format format, struct pr_batch *b,
	     char *err, size_t errlen)
{
	struct pr_mark m;
	pr_mark(b, &m);
	struct import_pages p = {.label = b->page_label, .labellen = sizeof b->page_label};
	if (import_read_pages(IMPORT_KIND_PULL_REQUESTS, text, len, format, b->skip_bad, b, &p, err,
			      errlen) != 0) {
		pr_rewind(b, &m);
		return -1;
	}
	if (p.format != IMPORT_AUTO)
		b->formats |= 1u << p.format;
	b->pages += p.n;
	return 0;
}
