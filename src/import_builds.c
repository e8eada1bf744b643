/* import_builds — a CI file to builds: the builds' side of the importer
 * registry's page loop (src/importers.c). Apart from import_common.c, so
 * that the readers it reaches (import_github.c, ...) never reach back. */
#include "import.h"

#include "util.h"

int import_parse(const char *text, size_t len, enum import_format format, bool skip_bad,
		 struct import_batch *batch, char *err, size_t errlen)
{
	size_t n0 = batch->n, bad0 = batch->bad.len, nbad0 = batch->nbad;
	struct import_pages pages = {.label = batch->page_label, .labellen = sizeof batch->page_label};
	batch->first = n0;
	if (import_read_pages(IMPORT_KIND_BUILDS, text, len, format, skip_bad, batch, &pages, err,
			      errlen) != 0) {
		for (size_t i = n0; i < batch->n; i++)
			build_free(&batch->builds[i]);
		batch->n = n0;
		sb_truncate(&batch->bad, bad0);
		batch->nbad = nbad0;
		return -1;
	}
	batch->format = pages.format;
	batch->pages = pages.n;
	for (size_t i = n0; i < batch->n; i++)
		batch->backwards += build_finished_before_started(&batch->builds[i]);
	return 0;
}

