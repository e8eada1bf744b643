/* cmd_misc — info, snapshot, export, import and demo. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build-config.h"
#include "commands.h"
#include "context.h"
#include "datafiles.h"
#include "dump.h"
#include "files.h"
#include "gitrepo.h"
#include "gitscan.h"
#include "metrics.h"
#include "model.h"
#include "paths.h"
#include "snapshot.h"
#include "store.h"
#include "text.h"
#include "timeutil.h"

static bool file_exists(const char *path)
{
	struct stat sb;
	return path && stat(path, &sb) == 0;
}

static void info_path(const char *label, const char *path, bool show_state)
{
	char *p = text_clean(path ? path : "(none)", TEXT_ONE_LINE);
	printf("%-14s %s%s\n", label, p,
	       show_state && path ? (file_exists(path) ? "" : "  (not present)") : "");
	free(p);
}

static void info_options(const struct ctx *c)
{
	printf("\nsettings (value and where it came from):\n");
	for (int i = 0; i < OPT_COUNT; i++) {
		const struct opt_decl *d = &opt_decls[i];
		if (!d->key || d->type == OPT_JSON)
			continue;
		char *v = text_clean(c->opt.v[i].text ? c->opt.v[i].text : "(unset)", TEXT_ONE_LINE);
		char *s = text_clean(c->opt.v[i].source, TEXT_ONE_LINE);
		printf("  %-30s %-20s %s\n", d->key, v, s);
		free(v);
		free(s);
	}
}

/* ---- JSON of info and sync (small on purpose: json_add_* of snapshot.h) ---- */

static void json_key(struct strbuf *out, bool *first, const char *key)
{
	sb_addf(out, "%s\"%s\": ", *first ? "{" : ", ", key);
	*first = false;
}

static void json_kv_str(struct strbuf *out, bool *first, const char *key, const char *v)
{
	json_key(out, first, key);
	json_add_string(out, v);
}

static void json_kv_num(struct strbuf *out, bool *first, const char *key, double v)
{
	json_key(out, first, key);
	sb_addf(out, "%.15g", v);
}

static void info_json(const struct ctx *c, const char *datadir)
{
	struct strbuf out = STRBUF_INIT;
	bool first = true;
	json_kv_str(&out, &first, "version", PACKAGE_VERSION);
	json_kv_str(&out, &first, "repository", c->repo_path);
	json_kv_str(&out, &first, "database", c->db_path);
	json_key(&out, &first, "database_present");
	sb_add(&out, file_exists(c->db_path) ? "true" : "false");
	json_kv_str(&out, &first, "user_config", c->user_config);
	json_kv_str(&out, &first, "repo_config", c->repo_config);
	json_kv_str(&out, &first, "data_dir", datadir && *datadir ? datadir : NULL);
	json_kv_num(&out, &first, "schema", store_schema_version());
	json_key(&out, &first, "now");
	json_add_time(&out, c->now);
	json_key(&out, &first, "settings");
	bool in = true;
	for (int i = 0; i < OPT_COUNT; i++) {
		const struct opt_decl *d = &opt_decls[i];
		if (!d->key || d->type == OPT_JSON)
			continue;
		json_key(&out, &in, d->key);
		bool f2 = true;
		json_kv_str(&out, &f2, "value", c->opt.v[i].text);
		json_kv_str(&out, &f2, "source", c->opt.v[i].source);
		sb_add(&out, "}");
	}
	sb_add(&out, in ? "{}}\n" : "}}\n");
	fputs(sb_str(&out), stdout);
	sb_free(&out);
}

static int cmd_info(struct ctx *c, struct cmd_args *a)
{
	const char *datadir = getenv("SHIPDECK_DATA_DIR");
	if (cmd_arg(a, "json")) {
		info_json(c, datadir);
		return EXIT_OK;
	}
	char now[24];
	printf("shipdeck %s\n", PACKAGE_VERSION);
	info_path("repository", c->repo_path, false);
	info_path("database", c->db_path, true);
	info_path("user config", c->user_config, true);
	info_path("repo config", c->repo_config, true);
	info_path("data", datadir && *datadir ? datadir : "(built in; installed copy in " SD_PKGDATADIR ")", false);
	printf("%-14s %d\n", "schema", store_schema_version());
	printf("%-14s %s\n", "now", time_format_iso(c->now, now));
	info_options(c);
	return EXIT_OK;
}

static enum snap_format parse_format(const char *f)
{
	return streq(f, "json") ? SNAP_JSON : streq(f, "markdown") ? SNAP_MARKDOWN : SNAP_TEXT;
}

/* The snapshot in a format: the command's --format, else the global one
 * (`shipdeck --snapshot --format json`). */
static int snapshot_run(struct ctx *c, const char *format)
{
	if (!c->repo_path && !opt_str(&c->opt, OPT_DB)) {
		ctx_need_repo(c);
		return EXIT_USAGE;
	}
	struct dash d;
	if (model_build(c, &d) != 0) {
		model_free(&d);
		return EXIT_USAGE;
	}
	struct render r = {
		.format = parse_format(format),
		.width = (int)opt_int(&c->opt, OPT_WIDTH),
		.ascii = opt_bool(&c->opt, OPT_ASCII),
	};
	struct strbuf out = STRBUF_INIT;
	snapshot_render(&out, &d, &r);
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	model_free(&d);
	return EXIT_OK;
}

int cmd_snapshot_default(struct ctx *c)
{
	return snapshot_run(c, opt_str(&c->opt, OPT_FORMAT));
}

static int cmd_snapshot(struct ctx *c, struct cmd_args *a)
{
	const char *f = cmd_arg(a, "format");
	return snapshot_run(c, f ? f : opt_str(&c->opt, OPT_FORMAT));
}

static void sync_json(const struct gitscan_result *g, double seconds)
{
	struct strbuf out = STRBUF_INIT;
	bool first = true;
	json_kv_str(&out, &first, "default_branch", g->default_branch);
	json_kv_num(&out, &first, "commits_known", (double)g->commits_known);
	json_kv_num(&out, &first, "commits_read", (double)g->commits_walked);
	json_kv_num(&out, &first, "deployments", (double)g->ndeploys);
	for (int k = 0; k < 2; k++) {
		const struct dora_deploy *d = !g->ndeploys ? NULL : k ? &g->deploys[g->ndeploys - 1] : &g->deploys[0];
		json_key(&out, &first, k ? "latest" : "first");
		if (!d) {
			sb_add(&out, "null");
			continue;
		}
		bool f2 = true;
		json_kv_str(&out, &f2, "ref", d->ref);
		json_key(&out, &f2, "time");
		json_add_time(&out, d->time);
		sb_add(&out, "}");
	}
	json_kv_num(&out, &first, "changes", (double)g->nchanges);
	json_kv_num(&out, &first, "reverts", (double)g->nreverts);
	json_key(&out, &first, "warnings");
	for (size_t i = 0; i < g->nwarnings; i++) {
		sb_add(&out, i ? ", " : "[");
		json_add_string(&out, g->warnings[i]);
	}
	sb_add(&out, g->nwarnings ? "]" : "[]");
	json_kv_num(&out, &first, "seconds", seconds);
	sb_add(&out, "}\n");
	fputs(sb_str(&out), stdout);
	sb_free(&out);
}

static void print_sync_summary(const struct gitscan_result *g, double seconds)
{
	char *branch = text_clean(g->default_branch ? g->default_branch : "(none)", TEXT_ONE_LINE);
	printf("default branch   %s\n", branch);
	free(branch);
	printf("commits          %zu known, %zu read now%s\n", g->commits_known, g->commits_walked,
	       g->from_cache ? " (nothing new)" : "");
	printf("deployments      %zu\n", g->ndeploys);
	if (g->ndeploys) {
		const struct dora_deploy *first = &g->deploys[0], *last = &g->deploys[g->ndeploys - 1];
		char a[24], b[24];
		char *fr = text_clean(first->ref, TEXT_ONE_LINE), *lr = text_clean(last->ref, TEXT_ONE_LINE);
		printf("                 first %s (%s), latest %s (%s)\n", fr, time_format_short(first->time, a),
		       lr, time_format_short(last->time, b));
		free(fr);
		free(lr);
	}
	printf("changes          %zu shipped commits with at most one parent\n", g->nchanges);
	printf("reverts          %zu\n", g->nreverts);
	for (size_t i = 0; i < g->nwarnings; i++) {
		char *w = text_clean(g->warnings[i], TEXT_ONE_LINE);
		printf("warning          %s\n", w);
		free(w);
	}
	printf("took             %.2f s\n", seconds);
}

static int cmd_sync(struct ctx *c, struct cmd_args *a)
{
	if (!ctx_need_repo(c))
		return EXIT_USAGE;
	struct store *st = ctx_store(c);
	if (!st)
		return EXIT_USAGE;
	/* The same recorded deployments as every view passes, or the cache
	 * would be recomputed back and forth between sync and the dashboard. */
	struct dash recs = {0};
	if (model_records(c, st, &recs) != 0) {
		model_records_free(&recs);
		return EXIT_USAGE;
	}
	size_t nrec;
	struct gitscan_record *rec = model_gitscan_records(&recs, &nrec);
	struct gitscan_opts o = {
		.deploy_tags = opt_str(&c->opt, OPT_DEPLOY_TAGS),
		.default_branch = opt_str(&c->opt, OPT_DEFAULT_BRANCH),
		.full = cmd_arg(a, "full") != NULL,
		.records = rec,
		.nrecords = nrec,
	};
	struct gitscan_result g = {0};
	char err[1024];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = gitscan_sync(st, c->repo_path, &o, &g, err, sizeof err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(rec);
	model_records_free(&recs);
	if (recs.has_checklists)
		checklists_free(&recs.checklists);
	if (rc != 0) {
		sd_error("%s", err);
		return EXIT_USAGE;
	}
	double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (cmd_arg(a, "json"))
		sync_json(&g, took);
	else
		print_sync_summary(&g, took);
	gitscan_result_free(&g);
	return EXIT_OK;
}

/* What to do about a database that fails its checks. */
static void doctor_advice(const char *path)
{
	char *db = text_clean(path, TEXT_ONE_LINE);
	printf("  what to do: keep the file (cp '%s' '%s.broken'), then either restore your last\n"
	       "  export (shipdeck --db NEW.db import backup.json) or salvage what is readable\n"
	       "  (sqlite3 '%s' .recover | sqlite3 NEW.db) and point --db at the new file.\n", db, db, db);
	free(db);
}

static int doctor_database(struct ctx *c)
{
	char err[1024];
	char *shown = text_clean(c->db_path ? c->db_path : "(none)", TEXT_ONE_LINE);
	printf("database    %s\n", shown);
	free(shown);
	if (!c->db_path)
		return 0;
	struct store *st = store_open(c->db_path, STORE_READONLY, err, sizeof err);
	if (!st) {
		char *e = text_clean(err, TEXT_ONE_LINE);
		printf("  cannot open: %s\n", e);
		free(e);
		struct stat sb;
		/* copying a FIFO or /dev/zero aside would hang or never end */
		if (lstat(c->db_path, &sb) == 0 && !S_ISREG(sb.st_mode))
			printf("  what to do: give --db the path of a database file.\n");
		else
			doctor_advice(c->db_path);
		return 1;
	}
	int problems = 0;
	if (store_integrity_check(st) == 0) {
		printf("  integrity   ok\n");
	} else {
		char *e = text_clean(store_errmsg(st), TEXT_ONE_LINE);
		printf("  integrity   FAILED: %s\n", e);
		free(e);
		problems++;
	}
	struct strbuf report = STRBUF_INIT;
	int diffs = store_schema_check(st, &report);
	if (diffs == 0)
		printf("  schema      ok (version %d)\n", store_schema_version());
	else
		printf("  schema      %d difference(s):\n%s", diffs, sb_str(&report));
	sb_free(&report);
	store_close(st);
	if (problems || diffs)
		doctor_advice(c->db_path);
	return problems + diffs;
}

static int doctor_repository(struct ctx *c)
{
	char *shown = text_clean(c->repo_path ? c->repo_path : "(none)", TEXT_ONE_LINE);
	printf("repository  %s\n", shown);
	free(shown);
	if (!c->repo_path)
		return 0;
	size_t n;
	char err[1024];
	if (gitrepo_check(c->repo_path, &n, err, sizeof err) != 0) {
		char *e = text_clean(err, TEXT_ONE_LINE);
		printf("  history     FAILED after %zu commits: %s\n", n, e);
		printf("  what to do: 'git fsck' shows what is missing; 'git fetch' from the team's\n"
		       "  remote usually brings it back. shipdeck's database is not affected.\n");
		free(e);
		return 1;
	}
	printf("  history     ok (%zu commits readable)\n", n);
	return 0;
}

static int cmd_doctor(struct ctx *c, struct cmd_args *a)
{
	(void)a;
	int problems = doctor_database(c) + doctor_repository(c);
	printf(problems ? "%d problem(s) found\n" : "all good\n", problems);
	return problems ? EXIT_NOGO : EXIT_OK;
}

static int cmd_export(struct ctx *c, struct cmd_args *a)
{
	(void)a;
	struct store *st = ctx_store(c);
	if (!st)
		return EXIT_USAGE;
	struct strbuf out = STRBUF_INIT;
	int rc = dump_export(st, &out);
	if (rc == 0)
		fputs(sb_str(&out), stdout);
	else
		sd_error("export: %s", store_errmsg(st));
	sb_free(&out);
	return rc == 0 ? EXIT_OK : EXIT_USAGE;
}

static int cmd_import(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	if (a->npos != 1)
		return cmd_usage_error(a, "import needs a FILE");
	size_t len;
	char why[128];
	char *json = file_read(pos[0], 0, FILE_STDIN_OK, &len, why, sizeof why);
	if (!json) {
		sd_error("%s: %s", pos[0], why);
		return EXIT_USAGE;
	}
	struct store *st = ctx_store(c);
	char err[1024];
	int rc = st ? dump_import(st, json, len, err, sizeof err) : -1;
	if (st && rc != 0) {
		char *e = text_clean(err, TEXT_ONE_LINE);
		sd_error("%s: %s (nothing was imported)", pos[0], e);
		free(e);
	} else if (st) {
		char *from = text_clean(pos[0], TEXT_ONE_LINE), *into = text_clean(store_path(st), TEXT_ONE_LINE);
		printf("imported %s into %s\n", from, into);
		free(from);
		free(into);
	}
	free(json);
	return rc == 0 ? EXIT_OK : EXIT_USAGE;
}

/* ---- demo ---------------------------------------------------------------------- */

/* Runs the built-in demo script with sh, feeding it on stdin so that it
 * works from the build tree and after install alike. */
static int run_demo_script(const char *self, const char *dir, bool reset)
{
	size_t len;
	const char *script = data_file("make-demo.sh", &len);
	if (!script) {
		sd_error("the demo script is missing from this build");
		return -1;
	}
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		dup2(STDERR_FILENO, STDOUT_FILENO); /* progress goes to stderr */
		execlp("sh", "sh", "-s", "--", self, dir, reset ? "reset" : "keep", (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fds[1], script + off, len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fds[1]);
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static char *self_path(const char *argv0)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = '\0';
		return xstrdup(buf);
	}
	return xstrdup(argv0);
}

static int cmd_demo(struct ctx *c, struct cmd_args *a)
{
	char *data = paths_data_dir();
	char *dir = cmd_arg(a, "dir") ? xstrdup(cmd_arg(a, "dir")) : xasprintf("%s/demo", data);
	free(data);
	char *self = self_path(c->argv0);
	int rc = EXIT_OK;
	if (paths_mkdir_p(dir, 0700) != 0) {
		sd_error("%s: cannot create the demo directory: %s", dir, strerror(errno));
		rc = EXIT_USAGE;
	} else if (run_demo_script(self, dir, cmd_arg(a, "reset") != NULL) != 0) {
		sd_error("building the demo in %s failed (is git installed?)", dir);
		rc = EXIT_USAGE;
	}
	if (rc == EXIT_OK && !cmd_arg(a, "no-open")) {
		char *repo = xasprintf("%s/storefront", dir);
		char *db = xasprintf("%s/demo.db", dir);
		fflush(NULL);
		execl(self, self, "--repo", repo, "--db", db, (char *)NULL);
		sd_error("cannot start %s: %s", self, strerror(errno));
		free(repo);
		free(db);
		rc = EXIT_USAGE;
	}
	if (rc == EXIT_OK)
		printf("demo ready: shipdeck --repo %s/storefront --db %s/demo.db\n", dir, dir);
	free(self);
	free(dir);
	return rc;
}

/* ---- the command table ------------------------------------------------------- */

const struct cmd_entry cmd_info_entry = {
	.name = "info", .maxpos = 0, .formats = "text|json",
	.help = "print the config, database, repository and data paths in use", .run = cmd_info,
};
const struct cmd_entry cmd_sync_entry = {
	.name = "sync", .maxpos = 0, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"full", NULL, "read the history from scratch, ignoring what is cached", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "read the repository's new history now and summarize it", .run = cmd_sync,
};
const struct cmd_entry cmd_snapshot_entry = {
	.name = "snapshot", .maxpos = 0, .formats = "text|markdown|json",
	.help = "print the dashboard as text, markdown or JSON (same as --snapshot; --width N before it)",
	.run = cmd_snapshot,
};
const struct cmd_entry cmd_export_entry = {
	.name = "export", .maxpos = 0,
	.help = "print the whole release database as one JSON document", .run = cmd_export,
};
const struct cmd_entry cmd_import_entry = {
	.name = "import", .args = "FILE", .maxpos = 1,
	.help = "replace the release database with an export document", .run = cmd_import,
};
const struct cmd_entry cmd_doctor_entry = {
	.name = "doctor", .maxpos = 0,
	.help = "check the database (integrity, schema) and the repository, and say what to do",
	.run = cmd_doctor,
};
const struct cmd_entry cmd_demo_entry = {
	.name = "demo", .maxpos = 0,
	.opts = (const struct cmd_opt[]){
		{"reset", NULL, "build the demo again from scratch", 0, NULL},
		{"no-open", NULL, "build it, print how to open it, and exit", 0, NULL},
		{"dir", "DIR", "where to build it (default: $XDG_DATA_HOME/shipdeck/demo)", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "build a demo repository and database, and open it", .run = cmd_demo,
};
