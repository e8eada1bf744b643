/* cmd_misc — info, snapshot, export, import and demo (sync: cmd_sync.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build-config.h"
#include "commands.h"
#include "jsonw.h"
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

/* ---- JSON of info (members written with jsonw.c) ---- */

static void info_json(const struct ctx *c, const char *datadir)
{
	struct strbuf out = STRBUF_INIT;
	bool first = true;
	json_member_str(&out, &first, "version", PACKAGE_VERSION);
	json_member_str(&out, &first, "repository", c->repo_path);
	json_member_str(&out, &first, "database", c->db_path);
	json_member(&out, &first, "database_present");
	sb_add(&out, file_exists(c->db_path) ? "true" : "false");
	json_member_str(&out, &first, "user_config", c->user_config);
	json_member_str(&out, &first, "repo_config", c->repo_config);
	json_member_str(&out, &first, "data_dir", datadir && *datadir ? datadir : NULL);
	json_member_num(&out, &first, "schema", store_schema_version());
	json_member(&out, &first, "now");
	json_add_time(&out, c->now);
	json_member(&out, &first, "settings");
	bool in = true;
	for (int i = 0; i < OPT_COUNT; i++) {
		const struct opt_decl *d = &opt_decls[i];
		if (!d->key || d->type == OPT_JSON)
			continue;
		json_member(&out, &in, d->key);
		bool f2 = true;
		json_member_str(&out, &f2, "value", c->opt.v[i].text);
		json_member_str(&out, &f2, "source", c->opt.v[i].source);
		sb_add(&out, "}");
	}
	sb_add(&out, in ? "{}}\n" : "}}\n");
	fputs(sb_str(&out), stdout);
	sb_free(&out);
}

/* Which repository the database belongs to, read without writing to it. */
static void info_owner(const struct ctx *c)
{
	struct store_peek p = {0};
	if (!c->db_path || !file_exists(c->db_path) || store_peek(c->db_path, &p) != 0) {
		store_peek_free(&p);
		return;
	}
	const char *whose = !p.git_dir ? "(no repository recorded yet)"
			    : !c->repo_id ? ""
			    : streq(p.git_dir, c->repo_id) ? "  (this repository)"
			    : "  (NOT this repository)";
	char *shown = text_clean(p.git_dir ? p.git_dir : "", TEXT_ONE_LINE);
	printf("%-14s %s%s%s\n", "belongs to", shown, whose,
	       c->db_legacy ? "; named the old way (<folder>.db), kept for it" : "");
	free(shown);
	store_peek_free(&p);
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
	info_owner(c);
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
	if (cmd_model_build(c, &d) != 0) {
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

/* "6 features, 27 builds, ..." of the kinds that have any; "nothing" when none. */
static void describe_counts(struct strbuf *sb, const struct store_counts *n)
{
	const struct {
		int64_t v;
		const char *one, *many;
	} kinds[] = {
		{n->features, "feature", "features"}, {n->ticks, "checklist tick", "checklist ticks"},
		{n->builds, "build", "builds"}, {n->deployments, "deployment", "deployments"},
		{n->incidents, "incident", "incidents"}, {n->reviews, "review answer", "review answers"},
		{n->settings, "setting", "settings"},
	};
	size_t start = sb->len;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].v)
			sb_addf(sb, "%s%lld %s", sb->len > start ? ", " : "", (long long)kinds[i].v,
				kinds[i].v == 1 ? kinds[i].one : kinds[i].many);
	if (sb->len == start)
		sb_add(sb, "no records");
}

static bool counts_empty(const struct store_counts *n)
{
	return !(n->features || n->ticks || n->builds || n->deployments || n->incidents || n->reviews ||
		 n->settings);
}

/* An export made from another repository would mix two teams' records. */
static int check_import_owner(struct ctx *c, struct store *st, const char *file,
			      const struct dump_doc *doc, bool force)
{
	const char *from = dump_doc_repository(doc);
	struct store_repo r;
	int have = store_repository_get(st, &r);
	if (have < 0) {
		sd_error("%s", store_errmsg(st));
		return -1;
	}
	const char *into = have ? r.git_dir : c->repo_id;
	int rc = 0;
	if (from && into && !streq(from, into) && !force) {
		sd_error("%s was exported from the repository %s, and this database belongs to %s; "
			 "nothing was imported (give --force to import it anyway)", file, from, into);
		rc = -1;
	}
	store_repo_free(&r);
	return rc;
}

/* Writes the replaced records (an export, so 'import --replace' brings
 * them back) next to the database; returns its path, or NULL after saying
 * why. */
static char *write_backup(struct ctx *c, struct store *st, const struct strbuf *doc)
{
	char stamp[24];
	time_format_iso(c->now, stamp);
	for (char *p = stamp; *p; p++)
		if (*p == ':')
			*p = '-';
	char *path = xasprintf("%s.before-import-%s.json", store_path(st), stamp);
	int fd = -1;
	for (int i = 2; (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 &&
			errno == EEXIST && i < 100; i++) {
		free(path);
		path = xasprintf("%s.before-import-%s-%d.json", store_path(st), stamp, i);
	}
	bool ok = fd >= 0 && write_all(fd, doc->buf, doc->len) == 0;
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (!ok) {
		sd_error("%s: cannot write the backup: %s; nothing was imported", path, strerror(errno));
		if (fd >= 0)
			unlink(path);
		free(path);
		path = NULL;
	}
	return path;
}

/* What the database held before the import, counted and exported inside
 * the import's transaction, so the backup is exactly what is replaced. */
struct import_before {
	struct store_counts counts;
	struct strbuf doc;
	bool empty;
};

static int read_before(struct store *st, struct import_before *b)
{
	if (store_record_counts(st, &b->counts) != 0) {
		sd_error("%s", store_errmsg(st));
		return -1;
	}
	b->empty = counts_empty(&b->counts);
	if (!b->empty && dump_export(st, &b->doc) != 0) {
		sd_error("backup before import: %s", store_errmsg(st));
		return -1;
	}
	return 0;
}

/* Into a database that held records: refused without --replace, saying
 * what would be replaced; with it, the backup is written. */
static int check_replace(struct ctx *c, struct store *st, const char *file, const struct dump_doc *doc,
			 const struct import_before *b, bool replace, char **backup)
{
	if (b->empty)
		return 0;
	if (replace) {
		*backup = write_backup(c, st, &b->doc);
		return *backup ? 0 : -1;
	}
	struct store_counts incoming;
	dump_doc_counts(doc, &incoming);
	struct strbuf msg = STRBUF_INIT;
	sb_add(&msg, "the database holds ");
	describe_counts(&msg, &b->counts);
	sb_addf(&msg, "; importing %s would replace them all with ", file);
	describe_counts(&msg, &incoming);
	sb_add(&msg, ". Nothing was changed: give --replace to do it (a backup is written first)");
	sd_error("%s", sb_str(&msg));
	sb_free(&msg);
	return -1;
}

static void print_imported(struct store *st, const char *file, const struct dump_doc *doc,
			   const char *backup)
{
	struct store_counts n;
	dump_doc_counts(doc, &n);
	struct strbuf counts = STRBUF_INIT;
	describe_counts(&counts, &n);
	char *from = text_clean(file, TEXT_ONE_LINE), *into = text_clean(store_path(st), TEXT_ONE_LINE);
	printf("imported %s into %s: %s\n", from, into, sb_str(&counts));
	if (backup) {
		char *b = text_clean(backup, TEXT_ONE_LINE);
		char *qdb = text_shell_quote(store_path(st)), *qb = text_shell_quote(backup);
		printf("the records it replaced are in %s\n(to bring them back: shipdeck --db %s import "
		       "--replace %s)\n", b, qdb, qb);
		free(b);
		free(qdb);
		free(qb);
	}
	free(from);
	free(into);
	sb_free(&counts);
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
	char err[1024];
	struct dump_doc *doc = NULL;
	if (dump_read(json, len, &doc, err, sizeof err) != 0) {
		sd_error("%s: %s (nothing was imported)", pos[0], err);
		free(json);
		return EXIT_USAGE;
	}
	free(json);
	/* One transaction from the checks to the last row: what was counted and
	 * backed up is what is replaced. The rows go in before the --replace
	 * check, so a broken document says what is wrong with it first. */
	struct store *st = ctx_store(c);
	char *backup = NULL;
	struct import_before before = {.doc = STRBUF_INIT};
	int rc = st && store_begin(st) == 0 ? 0 : -1;
	if (st && rc != 0)
		sd_error("%s", store_errmsg(st));
	if (rc == 0)
		rc = check_import_owner(c, st, pos[0], doc, cmd_arg(a, "force") != NULL);
	if (rc == 0)
		rc = read_before(st, &before);
	if (rc == 0 && dump_apply(st, doc, err, sizeof err) != 0) {
		sd_error("%s: %s (nothing was imported)", pos[0], err);
		rc = -1;
	}
	if (rc == 0)
		rc = check_replace(c, st, pos[0], doc, &before, cmd_arg(a, "replace") != NULL, &backup);
	if (rc == 0 && store_commit(st) != 0) {
		sd_error("%s", store_errmsg(st));
		rc = -1;
	}
	if (rc != 0 && st)
		store_rollback(st);
	if (rc != 0 && backup)
		unlink(backup); /* nothing was replaced: the copy would only mislead */
	if (rc == 0)
		print_imported(st, pos[0], doc, backup);
	free(backup);
	sb_free(&before.doc);
	dump_doc_free(doc);
	return rc == 0 ? EXIT_OK : EXIT_USAGE;
}

/* ---- demo ---------------------------------------------------------------------- */

/* Runs the built-in demo script with sh, feeding it on stdin so that it
 * works from the build tree and after install alike. */
static int run_demo_script(const char *self, const char *dir, const char *db, bool reset)
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
		execlp("sh", "sh", "-s", "--", self, dir, reset ? "reset" : "keep", db, (char *)NULL);
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

/* The demo's repository, and the database shipdeck finds for it by
 * default (its identity is the real path of DIR/storefront/.git, which
 * the script is about to make), so that `shipdeck` inside it opens it. */
static void demo_paths(const char *dir, char **repo, char **db)
{
	char *real = realpath(dir, NULL);
	*repo = xasprintf("%s/storefront", real ? real : dir);
	char *identity = xasprintf("%s/.git", *repo);
	*db = paths_default_db(identity);
	free(identity);
	free(real);
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
	char *repo = NULL, *db = NULL;
	if (paths_mkdir_p(dir, 0700) != 0) {
		sd_error("%s: cannot create the demo directory: %s", dir, strerror(errno));
		rc = EXIT_USAGE;
	} else {
		demo_paths(dir, &repo, &db);
		char *dbdir = paths_dirname(db);
		if (paths_mkdir_p(dbdir, 0700) != 0 ||
		    run_demo_script(self, dir, db, cmd_arg(a, "reset") != NULL) != 0) {
			sd_error("building the demo in %s failed (is git installed?)", dir);
			rc = EXIT_USAGE;
		}
		free(dbdir);
	}
	if (rc == EXIT_OK && !cmd_arg(a, "no-open")) {
		fflush(NULL);
		execl(self, self, "--repo", repo, "--db", db, (char *)NULL);
		sd_error("cannot start %s: %s", self, strerror(errno));
		rc = EXIT_USAGE;
	}
	if (rc == EXIT_OK) {
		char *q = text_shell_quote(repo);
		printf("demo ready: cd %s && shipdeck\n", q);
		free(q);
	}
	free(repo);
	free(db);
	free(self);
	free(dir);
	return rc;
}

/* ---- the command table ------------------------------------------------------- */

const struct cmd_entry cmd_info_entry = {
	.name = "info", .maxpos = 0, .formats = "text|json",
	.help = "print the config, database, repository and data paths in use", .run = cmd_info,
};
const struct cmd_entry cmd_snapshot_entry = {
	.name = "snapshot", .maxpos = 0, .formats = "text|markdown|json",
	.help = "print the dashboard as text, markdown or JSON (same as --snapshot; --width N before it)",
	.run = cmd_snapshot,
};
const struct cmd_entry cmd_export_entry = {
	/* the export is JSON whatever is asked: --json is accepted, not needed */
	.name = "export", .maxpos = 0, .formats = "json",
	.help = "print the whole release database as one JSON document", .run = cmd_export,
};
const struct cmd_entry cmd_import_entry = {
	.name = "import", .args = "FILE", .maxpos = 1,
	.opts = (const struct cmd_opt[]){
		{"replace", NULL, "replace the records the database holds (a backup is written first)", 0, NULL},
		{"force", NULL, "import an export made from another repository", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "replace the release database with an export document", .run = cmd_import,
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
