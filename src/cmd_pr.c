/* cmd_pr — `shipdeck pr import`: merged pull requests from `gh pr list
 * --json ...` or GitLab merge request pages (a file, or a pipe from the
 * CLI), for the stages of lead time (docs/metrics.md §2b). Every file is
 * parsed before anything is written, and everything is written in one
 * transaction: a refused import leaves the database exactly as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "context.h"
#include "files.h"
#include "import_prs.h"
#include "store.h"
#include "text.h"

static int parse_prs(const char *text, size_t len, int format, void *batch, char *err, size_t errlen)
{
	return pr_parse(text, len, (enum import_format)format, batch, err, errlen);
}

static void print_summary(const struct cmd_args *a, const struct pr_batch *b, const struct pr_counts *k)
{
	size_t total = k->added + k->updated + k->unchanged;
	printf("imported %zu pull request%s", total, total == 1 ? "" : "s");
	if (total) {
		printf(" (%zu new, %zu updated", k->added, k->updated);
		if (k->unchanged)
			printf(", %zu unchanged", k->unchanged);
		printf(")");
	}
	if (a->npos == 1) {
		char *name = text_clean(streq(a->pos[0], "-") ? "stdin" : a->pos[0], TEXT_ONE_LINE);
		printf(" from %s", name);
		free(name);
	} else {
		printf(" from %d files", a->npos);
	}
	int n = 0;
	printf(" [");
	for (int f = 1; f < IMPORT_FORMAT_COUNT; f++)
		if (b->formats & (1u << f))
			printf("%s%s", n++ ? ", " : "", import_format_names[f]);
	printf("%s", n ? "" : "empty");
	if (b->pages > 1)
		printf(", %zu pages", b->pages);
	printf("]\n");
	if (b->nskipped) {
		printf("skipped %zu:\n", b->nskipped);
		fflush(stdout);
		text_print_lines(stdout, sb_str(&b->skipped));
	}
}

static int store_all(struct store *st, const struct pr_batch *b, int64_t now, struct pr_counts *k)
{
	if (store_begin(st) != 0)
		return -1;
	if (pr_store(st, b, now, k) != 0 || store_commit(st) != 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

static int pr_import(struct ctx *c, struct cmd_args *a)
{
	if (a->npos == 0)
		return cmd_usage_error(a, "pr import needs a FILE (\"-\" reads stdin)");
	const char *fname = cmd_arg(a, "format");
	int format = fname ? import_format_of_kind(IMPORT_KIND_PULL_REQUESTS, fname) : IMPORT_AUTO;
	if (format < 0) {
		char *clean = text_clean(fname, TEXT_ONE_LINE);
		char names[256];
		import_format_list(IMPORT_KIND_PULL_REQUESTS, ", ", " or ", names, sizeof names);
		sd_error("--format %s: must be auto, %s", clean, names);
		free(clean);
		return EXIT_USAGE;
	}
	struct pr_batch b = {.skip_bad = cmd_arg(a, "skip-bad") != NULL, .origin = cmd_arg(a, "origin")};
	int ret = EXIT_USAGE;
	if (cmd_parse_files(a, format, parse_prs, &b, &b.file_label) != 0)
		goto out;
	struct store *st = ctx_store(c);
	if (!st)
		goto out;
	struct pr_counts k;
	if (store_all(st, &b, c->now, &k) != 0) {
		sd_error("%s; nothing imported", store_errmsg(st));
		goto out;
	}
	if (b.nbad) {
		sd_warn("skipped %zu bad record%s:", b.nbad, b.nbad == 1 ? "" : "s");
		text_print_lines(stderr, sb_str(&b.bad));
	}
	print_summary(a, &b, &k);
	ret = EXIT_OK;
out:
	pr_batch_free(&b);
	return ret;
}

static const struct cmd_entry pr_import_entry = {
	.name = "import", .args = "FILE...", .maxpos = -1,
	.opts = (const struct cmd_opt[]){
		{"format", "auto|gh-prs|gitlab-mrs", "the file's format (default: detected)", 0, NULL},
		{"origin", "NAME", "the repository when the file names none (gh pr list without url)", 0, NULL},
		{"skip-bad", NULL, "skip bad records instead of refusing the whole import", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "import merged pull requests from gh pr list --json or GitLab merge requests (\"-\" reads stdin)",
	.run = pr_import,
};

const struct cmd_entry cmd_pr_entry = {
	.name = "pr",
	.help = "import merged pull requests: where lead time goes (coding, pickup, review)",
	.subs = (const struct cmd_entry *const[]){&pr_import_entry, NULL},
};
