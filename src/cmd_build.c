/* cmd_build — `shipdeck build import|add|list|set|stats`: CI runs in, build
 * health out. Every write is one transaction, so a failed import leaves the
 * database exactly as it was. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildstats.h"
#include "commands.h"
#include "context.h"
#include "datafiles.h"
#include "files.h"
#include "gitscan.h"
#include "import.h"
#include "jsonw.h"
#include "model.h"
#include "services.h"
#include "snapshot.h"
#include "store.h"
#include "store_builds.h"
#include "text.h"
#include "timearg.h"
#include "timeutil.h"

#define DAY 86400

/* The config's "keywords" table, else data/keywords.json. */
static struct keywords *load_keywords(struct ctx *c)
{
	char err[256];
	const char *over = opt_str(&c->opt, OPT_KEYWORDS);
	const char *json = over ? over : data_file("keywords.json", NULL);
	struct keywords *kw = keywords_load(json, err, sizeof err);
	if (!kw)
		sd_error("%s%s", over ? "config " : "data/", err);
	return kw;
}

/* ---- build import ------------------------------------------------------- */

struct import_file {
	const char *path;
	struct import_batch batch;
	struct import_counts counts;
	struct service_claims claims;   /* which services its runs went to */
};

static void print_bad(const char *path, const struct import_batch *b)
{
	char *name = text_clean(path, TEXT_ONE_LINE);
	sd_warn("%s: skipped %zu bad record%s:", name, b->nbad, b->nbad == 1 ? "" : "s");
	text_print_lines(stderr, sb_str(&b->bad));
	free(name);
}

static int parse_files(struct import_file *files, int nfiles, int format, bool skip_bad)
{
	for (int i = 0; i < nfiles; i++) {
		size_t len;
		char err[512];
		char *text = file_read(files[i].path, 0, FILE_STDIN_OK, &len, err, sizeof err);
		char *name = text_clean(files[i].path, TEXT_ONE_LINE);
		int rc = 0;
		if (!text) {
			sd_error("%s: %s", name, err);
			rc = -1;
		} else if (import_parse(text, len, (enum import_format)format, skip_bad,
					&files[i].batch, err, sizeof err) != 0) {
			char *why = text_clean(err, TEXT_ONE_LINE);
			sd_error("%s: %s; nothing imported", name, why);
			free(why);
			rc = -1;
		}
		free(text);
		free(name);
		if (rc)
			return -1;
	}
	return 0;
}

static int store_files(struct ctx *c, struct store *st, struct import_file *files, int nfiles,
		       const struct keywords *kw)
{
	if (store_begin(st) != 0)
		return -1;
	/* Jobs pages only add failed job names to runs: store them last. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < nfiles; i++) {
			if ((files[i].batch.format == IMPORT_GITHUB_JOBS) != (pass == 1))
				continue;
			if (import_store(st, &files[i].batch, kw, &files[i].counts) != 0 ||
			    services_claim_builds(c, st, files[i].batch.builds, files[i].batch.n,
						  &files[i].claims) != 0) {
				store_rollback(st);
				return -1;
			}
		}
	if (store_commit(st) != 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

static void print_summary(const struct import_file *f)
{
	const struct import_counts *k = &f->counts;
	size_t total = k->added + k->updated + k->unchanged;
	char *name = text_clean(streq(f->path, "-") ? "stdin" : f->path, TEXT_ONE_LINE);
	printf("imported %zu build%s", total, total == 1 ? "" : "s");
	if (total) {
		printf(" (%zu new, %zu updated", k->added, k->updated);
		if (k->unchanged)
			printf(", %zu unchanged", k->unchanged);
		printf(")");
	}
	printf(" from %s [%s", name,
	       f->batch.format == IMPORT_AUTO ? "empty" : import_format_names[f->batch.format]);
	if (f->batch.pages > 1)
		printf(", %zu pages", f->batch.pages);
	printf("]\n");
	/* docs/builds.md, "Times that cannot be": kept, but never as 0 s */
	if (f->batch.backwards)
		printf("  %zu build%s finished before %s started: kept without a duration\n",
		       f->batch.backwards, f->batch.backwards == 1 ? "" : "s",
		       f->batch.backwards == 1 ? "it" : "they");
	cmd_print_claims(&f->claims, "run", "repository and workflow name", "--origins or --ci-names");
	free(name);
}

static int build_import(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	int npos = a->npos, ret = EXIT_USAGE;
	struct import_file *files = NULL;
	struct keywords *kw = NULL;
	if (npos == 0) {
		cmd_usage_error(a, "build import needs a FILE (\"-\" reads stdin)");
		goto out;
	}
	const char *fname = cmd_arg(a, "format");
	int format = fname ? import_format_of_kind(IMPORT_KIND_BUILDS, fname) : IMPORT_AUTO;
	if (format < 0) {
		char names[256];
		import_format_list(IMPORT_KIND_BUILDS, ", ", " or ", names, sizeof names);
		sd_error("--format %s: must be %s", fname, names);
		goto out;
	}
	bool skip_bad = cmd_arg(a, "skip-bad") != NULL;
	files = xcalloc((size_t)npos, sizeof(*files));
	for (int i = 0; i < npos; i++)
		files[i].path = pos[i];
	if (parse_files(files, npos, format, skip_bad) != 0 || !(kw = load_keywords(c)))
		goto out;
	struct store *st = ctx_store(c);
	if (!st)
		goto out;
	if (store_files(c, st, files, npos, kw) != 0) {
		sd_error("%s; nothing imported", store_errmsg(st));
		goto out;
	}
	for (int i = 0; i < npos; i++) {
		if (files[i].batch.nbad)
			print_bad(files[i].path, &files[i].batch);
		print_summary(&files[i]);
	}
	ret = EXIT_OK;
out:
	for (int i = 0; files && i < npos; i++) {
		import_batch_free(&files[i].batch);
		service_claims_free(&files[i].claims);
	}
	free(files);
	keywords_free(kw);
	return ret;
}

/* ---- build add ------------------------------------------------------------ */

static bool is_sha(const char *s)
{
	size_t n = strlen(s);
	if (n < 7 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* --commit takes any revision, as `deploy record` does: in a repository it
 * is resolved to its full commit id now; outside one only a commit id (7 to
 * 40 hex digits) can be recorded, as written. */
static int resolve_commit(struct ctx *c, const char *rev, char sha[41])
{
	char err[512];
	if (c->repo_path && gitscan_resolve(c->repo_path, rev, sha, err, sizeof err) == 0)
		return 0;
	if (is_sha(rev)) {
		/* CI may have built a commit this clone has not fetched yet. */
		if (c->repo_path)
			sd_warn("--commit %s is not in the repository (yet): recorded as written", rev);
		snprintf(sha, 41, "%s", rev);
		return 0;
	}
	char *shown = text_clean(c->repo_path ? err : rev, TEXT_ONE_LINE);
	if (c->repo_path)
		sd_error("--commit: %s", shown);
	else
		sd_error("--commit %s: not a commit id, and no repository to resolve it in (use --repo PATH)",
			 shown);
	free(shown);
	return -1;
}

/* A time without an offset is read in the team's zone (src/timearg.c). */
static int parse_time_flag(struct ctx *c, const char *name, const char *v, int64_t *out)
{
	return timearg_parse(c, name, v, out) ? 0 : -1;
}

static bool check_kind(const char *kind)
{
	if (build_failure_kind_index(kind) < 0) {
		sd_error("--failure-kind %s: must be tests, quality, security, config or other", kind);
		return false;
	}
	return true;
}

/* Checks the flags of build add and fills b; prints the error itself. */
static int add_fill(struct ctx *c, const struct cmd_args *a, struct build *b)
{
	const char *rev = cmd_arg(a, "commit"), *con = cmd_arg(a, "conclusion");
	const char *kind = cmd_arg(a, "failure-kind");
	const char *wf = cmd_arg(a, "workflow");
	if (!rev || !cmd_arg(a, "started-at") || !cmd_arg(a, "finished-at") || !con) {
		sd_error("build add needs --commit, --started-at, --finished-at and --conclusion");
		return -1;
	}
	char sha[41];
	if (resolve_commit(c, rev, sha) != 0)
		return -1;
	if (parse_time_flag(c, "started-at", cmd_arg(a, "started-at"), &b->started) != 0 ||
	    parse_time_flag(c, "finished-at", cmd_arg(a, "finished-at"), &b->finished) != 0)
		return -1;
	if (b->finished < b->started) {
		sd_error("--finished-at is before --started-at");
		return -1;
	}
	if (build_conclusion_index(con) < 0) {
		sd_error("--conclusion %s: must be success, failure, cancelled, skipped, neutral,"
			 " action-required or timed-out", con);
		return -1;
	}
	if (kind && !check_kind(kind))
		return -1;
	if (kind && !build_is_failure(con)) {
		sd_error("--failure-kind applies to a failed build only");
		return -1;
	}
	char when[24];
	b->provider = xstrdup("manual");
	/* The same commit, start and workflow recorded twice is one build. */
	b->run_id = xasprintf("%s@%s%s%s", sha, time_format_iso(b->started, when), wf ? "/" : "",
			      wf ? wf : "");
	b->attempt = 1;
	b->commit = xstrdup(sha);
	b->workflow = xstrdup_or_null(wf);
	b->branch = xstrdup_or_null(cmd_arg(a, "branch"));
	b->status = xstrdup("completed");
	b->conclusion = xstrdup(con);
	b->created = b->started;
	b->failure_kind = xstrdup_or_null(kind);
	b->failure_kind_manual = kind != NULL;
	build_fill_durations(b);
	return 0;
}

static int build_add(struct ctx *c, struct cmd_args *a)
{
	struct build b = {0};
	if (add_fill(c, a, &b) != 0) {
		cmd_print_usage(stderr, a->parent, a->entry);
		build_free(&b);
		return EXIT_USAGE;
	}
	struct keywords *kw = load_keywords(c);
	struct store *st = kw ? ctx_store(c) : NULL;
	int ret = EXIT_USAGE;
	if (st) {
		struct import_batch batch = {0};
		struct import_counts counts;
		VEC_PUSH(batch.builds, batch.n, batch.cap, b);
		memset(&b, 0, sizeof(b));
		if (store_begin(st) != 0 || import_store(st, &batch, kw, &counts) != 0 ||
		    store_commit(st) != 0) {
			sd_error("%s", store_errmsg(st));
			store_rollback(st);
		} else {
			struct build *x = &batch.builds[0];
			struct build saved;
			if (store_build_find(st, x->provider, x->run_id, 1, &saved) == 1) {
				printf("%s build %lld: %s, %lld min, commit %.7s\n",
				       counts.added ? "recorded" : "updated", (long long)saved.id,
				       saved.conclusion, (long long)(saved.duration_s / 60), saved.commit);
				timearg_print(c, "started", saved.started);
				build_free(&saved);
			}
			ret = EXIT_OK;
		}
		import_batch_free(&batch);
	}
	build_free(&b);
	keywords_free(kw);
	return ret;
}

/* ---- build list ----------------------------------------------------------- */

static void add_duration(struct strbuf *out, int64_t s)
{
	if (s == SD_NO_TIME)
		sb_add(out, "-");
	else if (s < 3600)
		sb_addf(out, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else
		sb_addf(out, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
}

static void json_int(struct strbuf *out, int64_t v)
{
	if (v == SD_NO_TIME)
		sb_add(out, "null");
	else
		sb_addf(out, "%lld", (long long)v);
}

static void build_json(struct strbuf *out, const struct build *b)
{
	sb_addf(out, "{\"id\": %lld, \"provider\": ", (long long)b->id);
	json_add_string(out, b->provider);
	sb_add(out, ", \"run_id\": ");
	json_add_string(out, b->run_id);
	sb_addf(out, ", \"attempt\": %d, \"workflow\": ", b->attempt);
	json_add_string(out, b->workflow);
	sb_add(out, ", \"branch\": ");
	json_add_string(out, b->branch);
	sb_add(out, ", \"commit\": ");
	json_add_string(out, b->commit);
	sb_add(out, ", \"status\": ");
	json_add_string(out, b->status);
	sb_add(out, ", \"conclusion\": ");
	json_add_string(out, b->conclusion);
	sb_add(out, ", \"created\": ");
	json_add_time(out, b->created);
	sb_add(out, ", \"started\": ");
	json_add_time(out, b->started);
	sb_add(out, ", \"finished\": ");
	json_add_time(out, b->finished);
	sb_add(out, ", \"duration_s\": ");
	json_int(out, b->duration_s);
	sb_add(out, ", \"queue_s\": ");
	json_int(out, b->queue_s);
	sb_add(out, ", \"failure_kind\": ");
	json_add_string(out, b->failure_kind);
	sb_addf(out, ", \"failure_kind_manual\": %s, \"failed_jobs\": [",
		b->failure_kind_manual ? "true" : "false");
	int k = 0;
	for (const char *p = b->failed_jobs; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);
		sb_add(out, k++ ? ", " : "");
		json_add_string(out, line);
		free(line);
		p += n + (nl ? 1 : 0);
	}
	sb_add(out, "], \"url\": ");
	json_add_string(out, b->url);
	sb_add(out, "}");
}

static void build_line(struct strbuf *out, const struct build *b, bool ascii)
{
	char when[24];
	int64_t t = b->started != SD_NO_TIME ? b->started : b->created;
	char *wf = text_clean(b->workflow ? b->workflow : "-", TEXT_ONE_LINE);
	char *br = text_clean(b->branch ? b->branch : "-", TEXT_ONE_LINE);
	char *sha = text_clean(b->commit ? b->commit : "-", TEXT_ONE_LINE);
	struct strbuf cell = STRBUF_INIT;
	sb_addf(out, "%5lld  %s  ", (long long)b->id,
		t == SD_NO_TIME ? "                " : time_format_short(t, when));
	text_fit(out, wf, 18, false, ascii);
	sb_add(out, "  ");
	text_fit(out, br, 14, false, ascii);
	sb_add(out, "  ");
	/* seven characters of the sha, git's own short form, never "…" */
	sb_addf(out, "%-7.7s", sha);
	sb_add(out, "  ");
	if (b->attempt > 1)
		sb_addf(&cell, "%s #%d", b->conclusion ? b->conclusion : b->status, b->attempt);
	else
		sb_add(&cell, b->conclusion ? b->conclusion : b->status);
	text_fit(out, sb_str(&cell), 15, false, ascii);
	sb_add(out, "  ");
	sb_reset(&cell);
	add_duration(&cell, b->duration_s);
	text_fit(out, sb_str(&cell), 7, true, ascii);
	if (b->failure_kind)
		sb_addf(out, "  %s%s", b->failure_kind, b->failure_kind_manual ? " (set)" : "");
	while (out->len && out->buf[out->len - 1] == ' ')
		out->buf[--out->len] = '\0';
	sb_addc(out, '\n');
	sb_free(&cell);
	free(wf);
	free(br);
	free(sha);
}

static int build_list(struct ctx *c, struct cmd_args *a)
{
	long long days = opt_int(&c->opt, OPT_WINDOW_DAYS);
	const char *since = cmd_arg(a, "since");
	if (since && !parse_long(since, 1, 36500, &days)) {
		sd_error("--since %s: must be a whole number of days from 1 to 36500", since);
		return EXIT_USAGE;
	}
	struct store *st = ctx_store(c);
	struct build *b;
	size_t n;
	if (!st)
		return EXIT_USAGE;
	if (store_builds_list(st, c->now - days * DAY, &b, &n) != 0 || model_narrow_builds(c, st, b, &n) != 0) {
		sd_error("%s", store_errmsg(st));
		return EXIT_USAGE;
	}
	bool json = cmd_arg(a, "json") != NULL, ascii = opt_bool(&c->opt, OPT_ASCII);
	struct strbuf out = STRBUF_INIT;
	size_t shown = 0;
	sb_add(&out, json ? "{\"schema\": \"shipdeck.build-list/1\", \"builds\": [" : "");
	for (size_t i = 0; i < n; i++) {
		/* As of now: a build that starts later does not exist yet. */
		int64_t t = b[i].started != SD_NO_TIME ? b[i].started : b[i].created;
		if (t > c->now)
			continue;
		if (json) {
			sb_add(&out, shown ? ",\n  " : "\n  ");
			build_json(&out, &b[i]);
		} else {
			build_line(&out, &b[i], ascii);
		}
		shown++;
	}
	if (json)
		sb_add(&out, shown ? "\n]}\n" : "]}\n");
	else if (!shown)
		sb_addf(&out, "no builds in the last %lld days: import some with"
			" 'shipdeck build import FILE'\n", days);
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	builds_free(b, n);
	return EXIT_OK;
}

/* ---- build set ------------------------------------------------------------ */

static int build_set(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	long long id;
	const char *kind = cmd_arg(a, "failure-kind");
	if (a->npos != 1 || !kind)
		return cmd_usage_error(a, "build set needs an ID and --failure-kind");
	if (!parse_long(pos[0], 1, INT64_MAX, &id)) {
		sd_error("build set: '%s' is not a build id (see 'shipdeck build list')", pos[0]);
		return EXIT_USAGE;
	}
	if (!check_kind(kind))
		return EXIT_USAGE;
	struct store *st = ctx_store(c);
	if (!st)
		return EXIT_USAGE;
	struct build b;
	int rc = store_begin(st) == 0 ? store_build_get(st, id, &b) : -1;
	if (rc == 1) {
		bool failed = build_is_failure(b.conclusion);
		char *con = text_clean(b.conclusion ? b.conclusion : b.status, TEXT_ONE_LINE);
		build_free(&b);
		if (!failed) {
			sd_error("build %lld did not fail (%s): a failure kind is for failed builds", id, con);
			free(con);
			store_rollback(st);
			return EXIT_USAGE;
		}
		free(con);
		rc = store_build_set_failure_kind(st, id, kind);
	}
	if (rc == 1 && store_commit(st) == 0) {
		printf("build %lld: failure kind %s (set by hand)\n", id, kind);
		return EXIT_OK;
	}
	if (rc == 0)
		sd_error("no build %lld (see 'shipdeck build list')", id);
	else
		sd_error("%s", store_errmsg(st));
	store_rollback(st);
	return EXIT_USAGE;
}

/* ---- build show, build rm ------------------------------------------------- */

/* Loads the build the ID argument names; prints the error itself. */
static int load_build(struct ctx *c, const struct cmd_args *a, struct build *b)
{
	long long id;
	if (a->npos != 1)
		return cmd_usage_error(a, "%s needs a build ID", a->entry->name), -1;
	if (!parse_long(a->pos[0], 1, INT64_MAX, &id)) {
		char *shown = text_clean(a->pos[0], TEXT_ONE_LINE);
		sd_error("'%s' is not a build id (see 'shipdeck build list')", shown);
		free(shown);
		return -1;
	}
	struct store *st = ctx_store(c);
	int rc = st ? store_build_get(st, id, b) : -1;
	if (rc == 0)
		sd_error("no build %lld (see 'shipdeck build list')", id);
	else if (rc < 0 && st)
		sd_error("%s", store_errmsg(st));
	return rc == 1 ? 0 : -1;
}

static void show_field(const char *label, const char *value)
{
	char *v = text_clean(value ? value : "-", TEXT_ONE_LINE);
	printf("%-13s %s\n", label, v);
	free(v);
}

static void show_time(const char *label, int64_t t)
{
	char buf[24];
	show_field(label, t == SD_NO_TIME ? NULL : time_format_iso(t, buf));
}

static void build_text(const struct build *b)
{
	char buf[64];
	struct strbuf dur = STRBUF_INIT;
	snprintf(buf, sizeof buf, "%lld", (long long)b->id);
	show_field("build", buf);
	show_field("provider", b->provider);
	snprintf(buf, sizeof buf, "#%d", b->attempt);
	show_field("run", b->run_id);
	show_field("attempt", buf);
	show_field("workflow", b->workflow);
	show_field("branch", b->branch);
	show_field("commit", b->commit);
	show_field("status", b->status);
	show_field("conclusion", b->conclusion);
	show_time("queued", b->created);
	show_time("started", b->started);
	show_time("finished", b->finished);
	add_duration(&dur, b->duration_s);
	show_field("duration", sb_str(&dur));
	sb_reset(&dur);
	add_duration(&dur, b->queue_s);
	show_field("queued for", sb_str(&dur));
	sb_reset(&dur);
	if (b->failure_kind)
		sb_addf(&dur, "%s%s", b->failure_kind, b->failure_kind_manual ? " (set by hand)" : "");
	show_field("failure kind", b->failure_kind ? sb_str(&dur) : NULL);
	for (const char *p = b->failed_jobs; p && *p;) {
		size_t n = strcspn(p, "\n");
		char *job = xstrndup(p, n);
		show_field("failed job", job);
		free(job);
		p += n + (p[n] == '\n');
	}
	show_field("url", b->url);
	sb_free(&dur);
}

static int build_show(struct ctx *c, struct cmd_args *a)
{
	struct build b = {0};
	if (load_build(c, a, &b) != 0)
		return EXIT_USAGE;
	if (cmd_arg(a, "json")) {
		struct strbuf out = STRBUF_INIT;
		build_json(&out, &b);
		printf("%s\n", sb_str(&out));
		sb_free(&out);
	} else {
		build_text(&b);
	}
	build_free(&b);
	return EXIT_OK;
}

static int build_rm(struct ctx *c, struct cmd_args *a)
{
	struct build b = {0};
	if (load_build(c, a, &b) != 0)
		return EXIT_USAGE;
	char *wf = text_clean(b.workflow ? b.workflow : b.provider, TEXT_ONE_LINE);
	char *q = xasprintf("remove build %lld (%s, commit %.7s, %s)", (long long)b.id, wf,
			    b.commit ? b.commit : "-", b.conclusion ? b.conclusion : b.status);
	int ret = EXIT_USAGE;
	struct store *st = c->store;
	if (cmd_confirm(a, q)) {
		int rc = store_begin(st) == 0 ? store_build_delete(st, b.id) : -1;
		if (rc == 1 && store_commit(st) == 0) {
			printf("removed build %lld\n", (long long)b.id);
			ret = EXIT_OK;
		} else {
			if (rc == 0)
				sd_error("build %lld was removed meanwhile", (long long)b.id);
			else
				sd_error("%s (nothing removed)", store_errmsg(st));
			store_rollback(st);
		}
	}
	free(q);
	free(wf);
	build_free(&b);
	return ret;
}

/* ---- build stats ---------------------------------------------------------- */

static int build_stats(struct ctx *c, struct cmd_args *a)
{
	struct store *st = ctx_store(c);
	struct build *b;
	size_t n;
	int wd = (int)opt_int(&c->opt, OPT_WINDOW_DAYS);
	if (!st)
		return EXIT_USAGE;
	if (store_builds_list(st, buildstats_since(c->now, wd), &b, &n) != 0 ||
	    model_narrow_builds(c, st, b, &n) != 0) {
		sd_error("%s", store_errmsg(st));
		return EXIT_USAGE;
	}
	struct build_health h;
	buildstats_compute(b, n, c->now, wd, opt_num(&c->opt, OPT_HOURLY_COST), &h);
	struct render ro = {SNAP_TEXT, (int)opt_int(&c->opt, OPT_WIDTH), opt_bool(&c->opt, OPT_ASCII)};
	const char *f = cmd_format(a);
	struct strbuf out = STRBUF_INIT;
	if (streq(f, "json")) {
		sb_add(&out, "{");
		snapshot_builds_json(&out, &h);
		sb_add(&out, "}\n");
	} else if (streq(f, "markdown")) {
		ro.format = SNAP_MARKDOWN;
		snapshot_builds_markdown(&out, &h, &ro);
	} else {
		snapshot_builds_text(&out, &h, &ro);
	}
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	build_health_free(&h);
	builds_free(b, n);
	return EXIT_OK;
}

/* ---- the command table ------------------------------------------------------- */

static const struct cmd_entry build_import_entry = {
	.name = "import", .args = "FILE...", .maxpos = -1,
	.opts = (const struct cmd_opt[]){
		{"format", "github-runs|github-jobs|gh|gitlab|jenkins",
		 "the CI file's format (default: detected)", 0, NULL},
		{"skip-bad", NULL, "skip bad records instead of refusing the whole import", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "import CI runs from GitHub, gh, GitLab or Jenkins JSON (\"-\" reads stdin)",
	.run = build_import,
};
static const struct cmd_entry build_add_entry = {
	.name = "add", .maxpos = 0,
	.opts = (const struct cmd_opt[]){
		{"commit", "REV", "the commit built: a sha, branch or tag", CMD_OPT_REQUIRED, NULL},
		{"started-at", "TIME", "when the build started", CMD_OPT_REQUIRED, NULL},
		{"finished-at", "TIME", "when it finished", CMD_OPT_REQUIRED, NULL},
		{"conclusion", "success|failure|cancelled|skipped|neutral|action-required|timed-out",
		 "how it ended", CMD_OPT_REQUIRED, NULL},
		{"workflow", "NAME", "the workflow or pipeline", 0, NULL},
		{"branch", "BRANCH", "the branch built", 0, NULL},
		{"failure-kind", "tests|quality|security|config|other", "why a failed build failed", 0, NULL},
		{"started", "TIME", NULL, CMD_OPT_ALIAS, "started-at"},
		{"finished", "TIME", NULL, CMD_OPT_ALIAS, "finished-at"},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "record a build by hand", .run = build_add,
};
static const struct cmd_entry build_list_entry = {
	.name = "list", .maxpos = 0, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"since", "DAYS", "builds of the last DAYS days (default: the window)", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "list builds, one a line", .run = build_list,
};
static const struct cmd_entry build_set_entry = {
	.name = "set", .args = "ID", .maxpos = 1,
	.opts = (const struct cmd_opt[]){
		{"failure-kind", "tests|quality|security|config|other", "the failure kind; a re-import keeps it",
		 CMD_OPT_REQUIRED, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "correct a failed build's failure kind", .run = build_set,
};
static const struct cmd_entry build_show_entry = {
	.name = "show", .args = "ID", .maxpos = 1, .formats = "text|json",
	.help = "show one build", .run = build_show,
};
static const struct cmd_entry build_rm_entry = {
	.name = "rm", .args = "ID", .maxpos = 1,
	.opts = (const struct cmd_opt[]){
		{"yes", NULL, "do not ask (needed when not on a terminal)", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "remove a build recorded or imported by mistake", .run = build_rm,
};
static const struct cmd_entry build_stats_entry = {
	.name = "stats", .maxpos = 0, .formats = "text|markdown|json",
	.help = "build health: durations and tiers, failures, trend, waiting cost", .run = build_stats,
};

const struct cmd_entry cmd_build_entry = {
	.name = "build",
	.help = "import CI runs, record builds, show build health",
	.subs = (const struct cmd_entry *const[]){&build_import_entry, &build_add_entry,
						   &build_list_entry, &build_show_entry,
						   &build_set_entry, &build_rm_entry,
						   &build_stats_entry, NULL},
};
