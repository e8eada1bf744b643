/* fuzz_import — libFuzzer target for the CI importers: every input is parsed
 * as each format and by auto-detection, with and without --skip-bad, and
 * each failed build is classified with the standard keyword tables. The
 * oracle beyond "no crash, no leak, no UB": a refused document leaves the
 * batch exactly as it was, and every error is one line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buildstats.h"
#include "datafiles.h"
#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct keywords *keywords(void)
{
	static struct keywords *kw;
	if (!kw) {
		char err[256];
		kw = keywords_load(data_file("keywords.json", NULL), err, sizeof err);
		if (!kw)
			abort();
	}
	return kw;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The importer reads files, which may hold NUL bytes: give it exactly
	 * the bytes, with a terminator after them as read_file does. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (int f = 0; f < IMPORT_FORMAT_COUNT; f++) {
		for (int skip = 0; skip < 2; skip++) {
			struct import_batch batch = {0};
			char err[512] = "";
			if (import_parse(text, size, (enum import_format)f, skip, &batch, err, sizeof err) != 0) {
				if (batch.n != 0 || batch.nbad != 0 || !err[0] || strchr(err, '\n'))
					abort();
			} else {
				for (size_t i = 0; i < batch.n; i++)
					import_classify(&batch.builds[i], keywords());
			}
			import_batch_free(&batch);
		}
	}
	free(text);
	return 0;
}
