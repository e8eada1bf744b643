/* cmd_import_ops — `shipdeck deploy import` and `shipdeck incident import`:
 * deployments and incidents from the files GitHub, GitLab, Argo CD,
 * PagerDuty and Opsgenie export (or a pipe from their CLIs). Every file is
 * parsed before anything is written, and everything is written in one
 * transaction: a refused import leaves the database exactly as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "context.h"
#include "files.h"
#include "import_ops.h"
#include "services.h"
#include "store.h"
#include "text.h"

int cmd_parse_files(struct cmd_args *a, int format, cmd_parse_fn parse, void *batch, const char **label)
{
	for (int i = 0; i < a->npos; i++) {
		size_t len;
		char err[512];
		const char *path = a->pos[i];
		char *name = text_clean(streq(path, "-") ? "stdin" : path, TEXT_ONE_LINE);
		char *text = file_read(path, 0, FILE_STDIN_OK, &len, err, sizeof err);
		*label = a->npos > 1 ? name : NULL;
		int rc = 0;
		if (!text) {
			sd_error("%s: %s", name, err);
			rc = -1;
		} else if (parse(text, len, format, batch, err, sizeof err) != 0) {
			char *why = text_clean(err, TEXT_ONE_LINE);
			sd_error("%s: %s; nothing imported", name, why);
			free(why);
			rc = -1;
		}
		*label = NULL;
		free(text);
		free(name);
		if (rc)
			return -1;
	}
	return 0;
}

static int parse_ops(const char *text, size_t len, int format, void *batch, char *err, size_t errlen)
{
	return ops_parse(text, len, (enum import_format)format, batch, err, errlen);
}

static void formats_seen(struct strbuf *out, unsigned formats)
{
	int n = 0;
	for (int f = 1; f < IMPORT_FORMAT_COUNT; f++)
		if (formats & (1u << f))
			sb_addf(out, "%s%s", n++ ? ", " : "", import_format_names[f]);
	if (!n)
		sb_add(out, "empty");
}

static void print_summary(const struct cmd_args *a, const struct ops_batch *b,
			  const struct ops_counts *k)
{
	const char *what = b->kind == IMPORT_KIND_DEPLOYMENTS ? "deployment" : "incident";
	size_t total = k->added + k->updated + k->unchanged;
	printf("imported %zu %s%s", total, what, total == 1 ? "" : "s");
	if (total) {
		printf(" (%zu new, %zu updated", k->added, k->updated);
		if (k->unchanged)
			printf(", %zu unchanged", k->unchanged);
		printf(")");
	}
	struct strbuf f = STRBUF_INIT;
	formats_seen(&f, b->formats);
	char *name = text_clean(a->npos == 1 && !streq(a->pos[0], "-") ? a->pos[0] :
				a->npos == 1 ? "stdin" : "", TEXT_ONE_LINE);
	if (a->npos == 1)
		printf(" from %s", name);
	else
		printf(" from %d files", a->npos);
	printf(" [%s%s", sb_str(&f), b->pages > 1 ? ", " : "");
	if (b->pages > 1)
		printf("%zu pages", b->pages);
	printf("]\n");
	if (b->nskipped) {
		printf("skipped %zu (docs/metrics.md §1b):\n", b->nskipped);
		fflush(stdout);
		text_print_lines(stdout, sb_str(&b->skipped));
	}
	sb_free(&f);
	free(name);
}

static struct ops_envmap *load_envs(struct ctx *c)
{
	char err[256];
	struct ops_envmap *m = ops_envmap_load(opt_str(&c->opt, OPT_ENVIRONMENTS), err, sizeof err);
	if (!m) {
		char *clean = text_clean(err, TEXT_ONE_LINE);
		sd_error("%s", clean);
		free(clean);
	}
	return m;
}

static int store_all(struct store *st, struct ops_batch *b, struct ops_counts *k)
{
	if (store_begin(st) != 0)
		return -1;
	if (ops_store(st, b, k) != 0 || store_commit(st) != 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

static int run_import(struct ctx *c, struct cmd_args *a, enum import_kind kind)
{
	const char *what = kind == IMPORT_KIND_DEPLOYMENTS ? "deploy" : "incident";
	if (a->npos == 0)
		return cmd_usage_error(a, "%s import needs a FILE (\"-\" reads stdin)", what);
	const char *fname = cmd_arg(a, "format");
	int format = fname ? import_format_of_kind(kind, fname) : IMPORT_AUTO;
	if (format < 0) {
		char *clean = text_clean(fname, TEXT_ONE_LINE);
		char names[256];
		import_format_list(kind, ", ", " or ", names, sizeof names);
		sd_error("--format %s: must be auto, %s", clean, names);
		free(clean);
		return EXIT_USAGE;
	}
	const char *env = kind == IMPORT_KIND_DEPLOYMENTS ? cmd_arg(a, "env") : NULL;
	if (env && !streq(env, "production") && !streq(env, "staging")) {
		sd_error("--env: must be production or staging");
		return EXIT_USAGE;
	}
	struct service_claims claims = {0};
	struct ops_batch b = {.kind = kind, .skip_bad = cmd_arg(a, "skip-bad") != NULL,
			      .origin = cmd_arg(a, "origin"), .env = env};
	struct ops_envmap *envs = kind == IMPORT_KIND_DEPLOYMENTS ? load_envs(c) : NULL;
	int ret = EXIT_USAGE;
	if (kind == IMPORT_KIND_DEPLOYMENTS && !envs)
		goto out;
	b.envs = envs;
	if (cmd_parse_files(a, format, parse_ops, &b, &b.file_label) != 0)
		goto out;
	struct store *st = ctx_store(c);
	if (!st || services_map_ops(c, st, &b) != 0)
		goto out;
	ops_settle(&b);
	services_count_ops(&b, &claims);
	struct ops_counts k;
	if (store_all(st, &b, &k) != 0) {
		sd_error("%s; nothing imported", store_errmsg(st));
		goto out;
	}
	if (b.nbad) {
		sd_warn("skipped %zu bad record%s:", b.nbad, b.nbad == 1 ? "" : "s");
		text_print_lines(stderr, sb_str(&b.bad));
	}
	print_summary(a, &b, &k);
	if (kind == IMPORT_KIND_DEPLOYMENTS)
		cmd_print_claims(&claims, "deployment", "repository, project or application",
				 "--origins or --ci-names");
	else
		cmd_print_claims(&claims, "incident", "the tool's service", "--origins");
	ret = EXIT_OK;
out:
	service_claims_free(&claims);
	ops_batch_free(&b);
	ops_envmap_free(envs);
	return ret;
}

static int deploy_import(struct ctx *c, struct cmd_args *a)
{
	return run_import(c, a, IMPORT_KIND_DEPLOYMENTS);
}

static int incident_import(struct ctx *c, struct cmd_args *a)
{
	return run_import(c, a, IMPORT_KIND_INCIDENTS);
}

#define SKIP_BAD {"skip-bad", NULL, "skip bad records instead of refusing the whole import", 0, NULL}

const struct cmd_entry cmd_deploy_import_entry = {
	.name = "import", .args = "FILE...", .maxpos = -1,
	.opts = (const struct cmd_opt[]){
		{"format", "auto|github-deployments|gitlab-deployments|argocd", "the file's format (default: detected)", 0, NULL},
		{"env", "production|staging", "Argo CD's environment (default production)", 0, NULL},
		{"origin", "NAME", "the repository, project or application when the file names none", 0, NULL},
		SKIP_BAD,
		{NULL, NULL, NULL, 0, NULL}},
	.help = "import deployments from GitHub, GitLab or Argo CD JSON (\"-\" reads stdin)",
	.run = deploy_import,
};

const struct cmd_entry cmd_incident_import_entry = {
	.name = "import", .args = "FILE...", .maxpos = -1,
	.opts = (const struct cmd_opt[]){
		{"format", "auto|pagerduty|opsgenie", "the file's format (default: detected)", 0, NULL},
		{"origin", "NAME", "the service when the file names none", 0, NULL},
		SKIP_BAD,
		{NULL, NULL, NULL, 0, NULL}},
	.help = "import incidents from PagerDuty incidents or Opsgenie alerts JSON (\"-\" reads stdin)",
	.run = incident_import,
};
