/* fuzz_import_prs — libFuzzer target for `pr import`: every input is parsed
 * as gh's pull requests, GitLab's merge requests and by detection, with and
 * without --skip-bad. The oracle beyond "no crash, no leak, no UB": a
 * refused file leaves the batch exactly as it was and its error is one
 * line; every pull request kept is merged no earlier than opened, has a
 * number, a title and lower-case 40-hex commits (sorted, distinct), and a
 * first review (when it has one) at or before its merge; and reading the
 * same file again into the batch keeps nothing new (each is the same pull
 * request as before: re-reading never duplicates). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import_prs.h"
#include "timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool lower_hex40(const char *s)
{
	if (!s || strlen(s) != 40)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

static void check_kept(const struct pr_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct pr_rec *p = &b->items[i].rec;
		if (p->number <= 0 || !p->title || !p->source || !b->items[i].where ||
		    p->opened == SD_NO_TIME || p->merged == SD_NO_TIME || p->merged < p->opened)
			abort();
		if (p->merge_commit && !lower_hex40(p->merge_commit))
			abort();
		for (size_t k = 0; k < p->ncommits; k++)
			if (!lower_hex40(p->commits[k]) || (k && strcmp(p->commits[k - 1], p->commits[k]) >= 0))
				abort();
		if (p->first_review != SD_NO_TIME && p->first_review > p->merged)
			abort();
	}
}

static void one(const char *text, size_t size, int format, bool skip)
{
	struct pr_batch b = {.skip_bad = skip, .origin = "fuzz"};
	char err[512] = "";
	if (pr_parse(text, size, (enum import_format)format, &b, err, sizeof err) != 0) {
		if (b.n || b.nbad || b.nskipped || b.bad.len || b.skipped.len || !err[0] || strchr(err, '\n'))
			abort();
	} else {
		check_kept(&b);
		size_t kept = b.n;
		if (pr_parse(text, size, (enum import_format)format, &b, err, sizeof err) != 0 || b.n != kept)
			abort();
	}
	pr_batch_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the bytes exactly, with a terminator after them as file_read gives */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (int f = 0; f < IMPORT_FORMAT_COUNT; f++)
		for (int skip = 0; skip < 2; skip++)
			if (f == IMPORT_AUTO || importers[f].kind == IMPORT_KIND_PULL_REQUESTS)
				one(text, size, f, skip);
	free(text);
	return 0;
}
