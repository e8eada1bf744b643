/* cmd_doctor — `shipdeck doctor`: is there a repository and a database, are
 * they whole (SQLite's integrity check, the schema, every commit readable),
 * and do the records fit the repository (feature branches that exist,
 * builds and deployments of commits it has). Every command it suggests
 * quotes its paths with text_shell_quote, so a path with a quote, a space or
 * a newline pastes back as that path and nothing else. Nothing is written:
 * the database is opened read-only, and never created. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "context.h"
#include "gitfeature.h"
#include "gitrepo.h"
#include "gitscan.h"
#include "jsonw.h"
#include "store.h"
#include "text.h"

/* At most this many records of one kind are named; the rest are counted. */
#define DOCTOR_MAX_NAMED 5

/* One thing doctor found: decided once, then rendered as text or JSON. */
struct finding {
	const char *check;   /* what was checked: "integrity", "branch", ... (JSON) */
	const char *label;   /* its text column; NULL: the detail alone, indented */
	bool problem;        /* counts as a problem (exit 1) */
	char *detail;        /* what was found, one line, from outside text cleaned */
	char *advice;        /* what to do (may hold "\n  " continuation lines), or NULL */
};

struct doctor_report {
	char *db_path, *repo_path;       /* cleaned, or NULL */
	char *belongs_to;                /* the repository the database was made for */
	const char *owner;               /* "this repository", "another repository", NULL */
	struct finding *f;
	size_t n, cap;
	int problems;
};

static struct finding *add_finding(struct doctor_report *r, const char *check, const char *label,
				   bool problem, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct finding *add_finding(struct doctor_report *r, const char *check, const char *label,
				   bool problem, const char *fmt, ...)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->f = xrealloc(r->f, r->cap * sizeof *r->f);
	}
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	struct finding *f = &r->f[r->n++];
	*f = (struct finding){check, label, problem, sb_detach(&sb), NULL};
	r->problems += problem;
	return f;
}

/* Text from outside (paths, errors, keys, labels) on one clean line. */
static char *clean(const char *s)
{
	return text_clean(s ? s : "(none)", TEXT_ONE_LINE);
}

/* "... and N more" after the named ones: each of the N is a problem too. */
static struct finding *add_more(struct doctor_report *r, const char *check, int more, const char *what)
{
	struct finding *f = add_finding(r, check, check, false, "... and %d more %s like these", more, what);
	r->problems += more;
	return f;
}

/* What to do about a database that fails its checks. */
static void database_advice(struct finding *f, const char *path)
{
	char *db = text_shell_quote(path);
	char *broken = xasprintf("%s.broken", path);
	char *qbroken = text_shell_quote(broken);
	f->advice = xasprintf("keep the file (cp %s %s), then either restore your last\n"
			      "  export (shipdeck --db NEW.db import backup.json) or salvage what is readable\n"
			      "  (sqlite3 %s .recover | sqlite3 NEW.db) and point --db at the new file.",
			      db, qbroken, db);
	free(db);
	free(broken);
	free(qbroken);
}

static void check_database(struct doctor_report *r, struct store *st, const char *path)
{
	struct finding *last;
	if (store_integrity_check(st) == 0) {
		last = add_finding(r, "integrity", "integrity", false, "ok");
	} else {
		char *e = clean(store_errmsg(st));
		last = add_finding(r, "integrity", "integrity", true, "FAILED: %s", e);
		free(e);
	}
	bool failed = last->problem;
	struct strbuf report = STRBUF_INIT;
	int diffs = store_schema_check(st, &report);
	if (diffs == 0) {
		last = add_finding(r, "schema", "schema", false, "ok (version %d)", store_schema_version());
	} else {
		/* one difference a line; the names in it come from the file */
		char *e = text_clean(sb_str(&report), TEXT_KEEP_NEWLINES);
		size_t len = strlen(e);
		if (len && e[len - 1] == '\n')
			e[len - 1] = '\0';
		last = add_finding(r, "schema", "schema", true, "%d difference(s):\n%s", diffs, e);
		free(e);
		failed = true;
	}
	sb_free(&report);
	if (failed)
		database_advice(last, path);
}

/* Opens the database read-only for the checks below; NULL (after saying
 * why) when there is none or it cannot be opened. */
static struct store *doctor_database(struct ctx *c, struct doctor_report *r)
{
	struct stat sb;
	if (!c->db_path) {
		add_finding(r, "database", NULL, true, "none: no repository to name one and no --db given");
		return NULL;
	}
	if (stat(c->db_path, &sb) != 0) {
		add_finding(r, "database", NULL, true,
			    "not created yet: nothing has been recorded for this repository (the first\n"
			    "  command that records something creates it, e.g. 'shipdeck sync')");
		return NULL;
	}
	char err[1024];
	struct store *st = store_open(c->db_path, STORE_READONLY, err, sizeof err);
	if (!st) {
		char *e = clean(err);
		struct finding *f = add_finding(r, "database", NULL, true, "cannot open: %s", e);
		free(e);
		/* copying a FIFO or /dev/zero aside would hang or never end */
		if (lstat(c->db_path, &sb) == 0 && !S_ISREG(sb.st_mode))
			f->advice = xstrdup("give --db the path of a database file.");
		else
			database_advice(f, c->db_path);
		return NULL;
	}
	check_database(r, st, c->db_path);
	struct store_repo sr;
	if (store_repository_get(st, &sr) == 1) {
		r->belongs_to = clean(sr.git_dir);
		r->owner = !c->repo_id ? NULL : streq(sr.git_dir, c->repo_id) ? "this repository" : "another repository";
	}
	store_repo_free(&sr);
	return st;
}

/* No repository is a problem only when there is nothing else to check: a
 * database given with --db can be checked on its own. */
static void doctor_repository(struct ctx *c, struct doctor_report *r, bool checked_database)
{
	if (!c->repo_path) {
		add_finding(r, "repository", NULL, !checked_database,
			    "none: not inside a git repository; run doctor in one, or give\n"
			    "  --repo PATH (history, deployments and feature branches come from it)");
		return;
	}
	size_t n;
	char err[1024];
	if (gitrepo_check(c->repo_path, &n, err, sizeof err) != 0) {
		char *e = clean(err);
		struct finding *f = add_finding(r, "history", "history", true, "FAILED after %zu commits: %s", n, e);
		free(e);
		f->advice = xstrdup("'git fsck' shows what is missing; 'git fetch' from the team's\n"
				    "  remote usually brings it back. shipdeck's database is not affected.");
		return;
	}
	add_finding(r, "history", "history", false, "ok (%zu commits readable)", n);
}

/* A feature's branch that is neither a branch here nor merged into the
 * default branch is a typo or a branch of another clone: its phase can
 * only come from hand-set evidence. A merged branch deleted afterwards is
 * the normal end of a branch and is not flagged. */
static void name_missing_branches(struct doctor_report *r, struct feature **which,
				  const struct feature_git *ev, size_t nl)
{
	int missing = 0;
	for (size_t i = 0; i < nl; i++) {
		if (ev[i].branch_found || ev[i].merged || missing++ >= DOCTOR_MAX_NAMED)
			continue;
		const struct feature *f = which[i];
		char *id = f->key ? clean(f->key) : xasprintf("%lld", (long long)f->id);
		char *branch = clean(f->branch);
		char *qid = text_shell_quote(f->key ? f->key : id);
		add_finding(r, "branch", "branch", true,
			    "feature %s: branch %s is not in this repository and nothing of it\n"
			    "              was merged (fix it: shipdeck feature set %s --branch BRANCH)",
			    id, branch, qid);
		free(id);
		free(branch);
		free(qid);
	}
	if (missing > DOCTOR_MAX_NAMED)
		add_more(r, "branch", missing - DOCTOR_MAX_NAMED, "feature(s)");
	if (!missing)
		add_finding(r, "branches", "branches", false, "ok (%zu feature branch(es) found or merged)", nl);
}

static void doctor_branches(struct ctx *c, struct doctor_report *r, struct store *st)
{
	struct feature *fs;
	size_t n;
	if (store_feature_list(st, &fs, &n) != 0) {
		char *e = clean(store_errmsg(st));
		add_finding(r, "features", "features", true, "cannot be read: %s", e);
		free(e);
		return;
	}
	struct feature_link *links = xcalloc(n + 1, sizeof *links);
	struct feature **which = xcalloc(n + 1, sizeof *which);
	size_t nl = 0;
	for (size_t i = 0; i < n; i++)
		if (fs[i].branch && *fs[i].branch) {
			links[nl] = (struct feature_link){fs[i].branch, fs[i].key, fs[i].created_at};
			which[nl++] = &fs[i];
		}
	if (nl > 0) {
		struct gitscan_opts o = {.deploy_tags = opt_str(&c->opt, OPT_DEPLOY_TAGS),
					 .default_branch = opt_str(&c->opt, OPT_DEFAULT_BRANCH)};
		struct gitscan_result g = {0};
		struct feature_git *ev = xcalloc(nl, sizeof *ev);
		char err[512];
		if (gitscan_sync(NULL, c->repo_path, &o, &g, err, sizeof err) != 0 ||
		    gitfeature_evidence(c->repo_path, g.default_branch, links, nl, ev, NULL, err, sizeof err) != 0) {
			char *e = clean(err);
			add_finding(r, "branches", "branches", true, "cannot be read: %s", e);
			free(e);
		} else {
			name_missing_branches(r, which, ev, nl);
		}
		free(ev);
		gitscan_result_free(&g);
	}
	free(links);
	free(which);
	features_free(fs, n);
}

/* Builds and deployments of commits this clone lacks: imported from another
 * repository's CI, or recorded in a clone that was not pushed. They count
 * for nothing in the figures until the commit is here. */
static void doctor_commits(struct ctx *c, struct doctor_report *r, struct store *st)
{
	struct commit_ref *refs;
	size_t n;
	if (store_commit_refs(st, &refs, &n) != 0) {
		char *e = clean(store_errmsg(st));
		add_finding(r, "records", "records", true, "cannot be read: %s", e);
		free(e);
		return;
	}
	const char **hex = xcalloc(n + 1, sizeof *hex);
	bool *have = xcalloc(n + 1, sizeof *have);
	for (size_t i = 0; i < n; i++)
		hex[i] = refs[i].commit;
	int missing = 0;
	struct finding *last = NULL;
	size_t checked = n;
	if (gitrepo_have_commits(c->repo_path, hex, n, have) != 0) {
		add_finding(r, "records", "records", true, "the repository cannot be read");
		checked = 0;
	}
	for (size_t i = 0; i < checked; i++) {
		if (have[i] || missing++ >= DOCTOR_MAX_NAMED)
			continue;
		char *label = clean(refs[i].label), *commit = clean(refs[i].commit);
		last = add_finding(r, "commit", "commit", true, "%s %lld (%s): commit %.12s is not in this repository",
				   refs[i].kind == COMMIT_REF_BUILD ? "build" : "deployment", (long long)refs[i].id,
				   label, commit);
		free(label);
		free(commit);
	}
	if (missing > DOCTOR_MAX_NAMED)
		last = add_more(r, "commit", missing - DOCTOR_MAX_NAMED, "record(s)");
	if (last)
		last->advice = xstrdup("'git fetch' brings commits the team has pushed; records of another\n"
				       "  repository's commits belong in that repository's database.");
	else if (checked)
		add_finding(r, "records", "records", false,
			    "ok (the %zu build(s) and deployment(s) name commits of this repository)", n);
	free(hex);
	free(have);
	commit_refs_free(refs, n);
}

static const char *doctor_verdict(const struct doctor_report *r, bool have_repo)
{
	if (r->problems)
		return "problems found";
	return have_repo ? "all good" : "the database is fine; no repository was checked";
}

/* The findings from the repository on belong under "repository" in the text. */
static bool is_repository_check(const char *check)
{
	return !streq(check, "database") && !streq(check, "integrity") && !streq(check, "schema");
}

static void print_finding(const struct finding *f)
{
	if (f->label)
		printf("  %-11s %s\n", f->label, f->detail);
	else
		printf("  %s\n", f->detail);
	if (f->advice)
		printf("  what to do: %s\n", f->advice);
}

static void doctor_text(const struct doctor_report *r, bool have_repo)
{
	printf("database    %s\n", r->db_path ? r->db_path : "(none)");
	size_t i = 0;
	for (; i < r->n && !is_repository_check(r->f[i].check); i++)
		print_finding(&r->f[i]);
	if (r->belongs_to)
		printf("  belongs to  %s%s\n", r->belongs_to,
		       !r->owner ? "" : streq(r->owner, "this repository") ? " (this repository)"
		       : " (another repository: its records are not this one's)");
	printf("repository  %s\n", r->repo_path ? r->repo_path : "(none)");
	for (; i < r->n; i++)
		print_finding(&r->f[i]);
	if (r->problems)
		printf("%d problem(s) found\n", r->problems);
	else
		printf("%s\n", doctor_verdict(r, have_repo));
}

/* Text written for a terminal (continuation lines) as one JSON line. */
static void json_field_flat(struct strbuf *out, const char *key, const char *text)
{
	if (!text) {
		json_field_str(out, key, NULL);
		return;
	}
	struct strbuf flat = STRBUF_INIT;
	for (const char *p = text; *p; p++) {
		if (*p != '\n') {
			sb_addc(&flat, *p);
			continue;
		}
		while (p[1] == ' ')
			p++;
		sb_addc(&flat, ' ');
	}
	json_field_str(out, key, sb_str(&flat));
	sb_free(&flat);
}

static void doctor_json(const struct doctor_report *r, bool have_repo)
{
	struct strbuf out = STRBUF_INIT;
	sb_add(&out, "{\"schema\": \"shipdeck.doctor/1\"");
	json_field_str(&out, "database", r->db_path);
	json_field_str(&out, "belongs_to", r->belongs_to);
	json_field_str(&out, "owner", r->owner);
	json_field_str(&out, "repository", r->repo_path);
	sb_add(&out, ", \"checks\": [");
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = &r->f[i];
		sb_add(&out, i ? ", {\"check\": " : "{\"check\": ");
		json_add_string(&out, f->check);
		json_field_bool(&out, "problem", f->problem);
		json_field_flat(&out, "detail", f->detail);
		json_field_flat(&out, "advice", f->advice);
		sb_addc(&out, '}');
	}
	sb_addc(&out, ']');
	json_field_int(&out, "problems", r->problems);
	json_field_str(&out, "verdict", doctor_verdict(r, have_repo));
	sb_add(&out, "}\n");
	fputs(sb_str(&out), stdout);
	sb_free(&out);
}

static void report_free(struct doctor_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->f[i].detail);
		free(r->f[i].advice);
	}
	free(r->f);
	free(r->db_path);
	free(r->repo_path);
	free(r->belongs_to);
}

static int cmd_doctor(struct ctx *c, struct cmd_args *a)
{
	struct doctor_report r = {0};
	r.db_path = c->db_path ? clean(c->db_path) : NULL;
	r.repo_path = c->repo_path ? clean(c->repo_path) : NULL;
	struct store *st = doctor_database(c, &r);
	doctor_repository(c, &r, st != NULL);
	if (st && c->repo_path) {
		doctor_branches(c, &r, st);
		doctor_commits(c, &r, st);
	}
	store_close(st);
	if (streq(cmd_format(a), "json"))
		doctor_json(&r, c->repo_path != NULL);
	else
		doctor_text(&r, c->repo_path != NULL);
	int rc = r.problems ? EXIT_NOGO : EXIT_OK;
	report_free(&r);
	return rc;
}

const struct cmd_entry cmd_doctor_entry = {
	.name = "doctor", .maxpos = 0,
	.formats = "text|json",
	.help = "check the database, the repository and the records that name it, and say what to do",
	.run = cmd_doctor,
};
