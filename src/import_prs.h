/* import_prs — merged pull requests from `gh pr list --json ...` and
 * GitLab merge request pages (`pr import`, docs/metrics.md §2b): the
 * registry's readers (src/importers.def, kind pull requests), the batch
 * they fill and its merge into the store. The accepted shapes and
 * what each field gives: docs/metrics.md §2b. */
#ifndef SD_IMPORT_PRS_H
#define SD_IMPORT_PRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "import.h"
#include "pullreq.h"
#include "util.h"

struct store;

struct pr_item {
	struct pr_rec rec;
	char *where;                    /* "page 2: [3]" for messages */
};

struct pr_batch {
	/* set by the caller */
	bool skip_bad;
	const char *origin;             /* --origin: when the export names no repository */
	/* results */
	unsigned formats;               /* bit per enum import_format seen */
	size_t pages;
	struct pr_item *items;
	size_t n, cap;
	struct strbuf bad;              /* bad records skipped with skip_bad */
	size_t nbad;
	struct strbuf skipped;          /* records left out by a rule, with why */
	size_t nskipped;
	/* while parsing */
	char page_label[32];
	const char *file_label;         /* the file's name in messages, or NULL */
};

/* Parses one file (one JSON document, several pages one after another, or
 * `--slurp`'s array of pages) of one format and appends to b. On a syntax
 * error, an unknown format or a bad record without skip_bad: -1 with one
 * line in err and b as it was. (src/import_prs_parse.c) */
int pr_parse(const char *text, size_t len, enum import_format format, struct pr_batch *b,
	     char *err, size_t errlen);

/* Where a batch stood before a file, to put it back when the file is refused. */
struct pr_mark {
	size_t n, bad, nbad, skipped, nskipped;
	unsigned formats;
};
void pr_mark(const struct pr_batch *b, struct pr_mark *m);
void pr_rewind(struct pr_batch *b, const struct pr_mark *m);
void pr_batch_free(struct pr_batch *b);

struct pr_counts {
	size_t added, updated, unchanged;
};
/* Stores a batch inside the caller's transaction: a pull request the
 * database holds (same tool, repository and number) is rewritten when a
 * field changed, else left alone. 0, or -1 with the store's error. */
int pr_store(struct store *st, const struct pr_batch *b, int64_t now, struct pr_counts *counts);

#endif
