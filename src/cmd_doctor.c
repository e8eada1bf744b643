/* cmd_doctor — `shipdeck doctor`: is there a repository and a database, are
 * they whole (SQLite's integrity check, the schema, every commit readable),
 * and do the records fit the repository (feature branches that exist,
 * builds and deployments of commits it has). Every command it suggests
 * quotes its paths with text_shell_quote, so a path with a quote, a space or
 * a newline pastes back as that path and nothing else. Nothing is written:
 * the database is opened read-only, and never created. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "context.h"
#include "gitfeature.h"
#include "gitrepo.h"
#include "gitscan.h"
#include "store.h"
#include "text.h"

/* At most this many records of one kind are named; the rest are counted. */
#define DOCTOR_MAX_NAMED 5

static void print_clean(const char *fmt, const char *value)
{
	char *v = text_clean(value ? value : "(none)", TEXT_ONE_LINE);
	printf(fmt, v);
	free(v);
}

/* What to do about a database that fails its checks. */
static void database_advice(const char *path)
{
	char *db = text_shell_quote(path);
	char *broken = xasprintf("%s.broken", path);
	char *qbroken = text_shell_quote(broken);
	printf("  what to do: keep the file (cp %s %s), then either restore your last\n"
	       "  export (shipdeck --db NEW.db import backup.json) or salvage what is readable\n"
	       "  (sqlite3 %s .recover | sqlite3 NEW.db) and point --db at the new file.\n", db, qbroken, db);
	free(db);
	free(broken);
	free(qbroken);
}

static int check_database(struct store *st, const char *path)
{
	int problems = 0;
	if (store_integrity_check(st) == 0) {
		printf("  integrity   ok\n");
	} else {
		print_clean("  integrity   FAILED: %s\n", store_errmsg(st));
		problems++;
	}
	struct strbuf report = STRBUF_INIT;
	int diffs = store_schema_check(st, &report);
	if (diffs == 0)
		printf("  schema      ok (version %d)\n", store_schema_version());
	else
		printf("  schema      %d difference(s):\n%s", diffs, sb_str(&report));
	sb_free(&report);
	if (problems || diffs)
		database_advice(path);
	return problems + diffs;
}

/* Opens the database read-only for the checks below; NULL (after saying
 * why, counted in *problems) when there is none or it cannot be opened. */
static struct store *doctor_database(struct ctx *c, int *problems)
{
	print_clean("database    %s\n", c->db_path);
	struct stat sb;
	if (!c->db_path) {
		printf("  none: no repository to name one and no --db given\n");
		(*problems)++;
		return NULL;
	}
	if (stat(c->db_path, &sb) != 0) {
		printf("  not created yet: nothing has been recorded for this repository (the first\n"
		       "  command that records something creates it, e.g. 'shipdeck sync')\n");
		(*problems)++;
		return NULL;
	}
	char err[1024];
	struct store *st = store_open(c->db_path, STORE_READONLY, err, sizeof err);
	if (!st) {
		print_clean("  cannot open: %s\n", err);
		/* copying a FIFO or /dev/zero aside would hang or never end */
		if (lstat(c->db_path, &sb) == 0 && !S_ISREG(sb.st_mode))
			printf("  what to do: give --db the path of a database file.\n");
		else
			database_advice(c->db_path);
		(*problems)++;
		return NULL;
	}
	*problems += check_database(st, c->db_path);
	struct store_repo r;
	if (store_repository_get(st, &r) == 1) {
		print_clean("  belongs to  %s", r.git_dir);
		printf("%s\n", !c->repo_id ? "" : streq(r.git_dir, c->repo_id) ? " (this repository)"
			       : " (another repository: its records are not this one's)");
	}
	store_repo_free(&r);
	return st;
}

/* No repository is a problem only when there is nothing else to check: a
 * database given with --db can be checked on its own. */
static int doctor_repository(struct ctx *c, bool checked_database)
{
	print_clean("repository  %s\n", c->repo_path);
	if (!c->repo_path) {
		printf("  none: not inside a git repository; run doctor in one, or give\n"
		       "  --repo PATH (history, deployments and feature branches come from it)\n");
		return checked_database ? 0 : 1;
	}
	size_t n;
	char err[1024];
	if (gitrepo_check(c->repo_path, &n, err, sizeof err) != 0) {
		printf("  history     FAILED after %zu commits: ", n);
		print_clean("%s\n", err);
		printf("  what to do: 'git fsck' shows what is missing; 'git fetch' from the team's\n"
		       "  remote usually brings it back. shipdeck's database is not affected.\n");
		return 1;
	}
	printf("  history     ok (%zu commits readable)\n", n);
	return 0;
}

/* A feature's branch that is neither a branch here nor merged into the
 * default branch is a typo or a branch of another clone: its phase can
 * only come from hand-set evidence. A merged branch deleted afterwards is
 * the normal end of a branch and is not flagged. */
static int doctor_branches(struct ctx *c, struct store *st)
{
	struct feature *fs;
	size_t n;
	if (store_feature_list(st, &fs, &n) != 0) {
		print_clean("  features    cannot be read: %s\n", store_errmsg(st));
		return 1;
	}
	struct feature_link *links = xcalloc(n + 1, sizeof *links);
	struct feature **which = xcalloc(n + 1, sizeof *which);
	size_t nl = 0;
	for (size_t i = 0; i < n; i++)
		if (fs[i].branch && *fs[i].branch) {
			links[nl] = (struct feature_link){fs[i].branch, fs[i].key, fs[i].created_at};
			which[nl++] = &fs[i];
		}
	int problems = 0;
	bool unreadable = false;
	if (nl > 0) {
		struct gitscan_opts o = {.deploy_tags = opt_str(&c->opt, OPT_DEPLOY_TAGS),
					 .default_branch = opt_str(&c->opt, OPT_DEFAULT_BRANCH)};
		struct gitscan_result g = {0};
		struct feature_git *ev = xcalloc(nl, sizeof *ev);
		char err[512];
		if (gitscan_sync(NULL, c->repo_path, &o, &g, err, sizeof err) != 0 ||
		    gitfeature_evidence(c->repo_path, g.default_branch, links, nl, ev, NULL, err, sizeof err) != 0) {
			print_clean("  branches    cannot be read: %s\n", err);
			unreadable = true;
		}
		for (size_t i = 0; i < nl && !unreadable; i++) {
			if (ev[i].branch_found || ev[i].merged)
				continue;
			if (problems++ >= DOCTOR_MAX_NAMED)
				continue;
			const struct feature *f = which[i];
			char *id = f->key ? text_clean(f->key, TEXT_ONE_LINE) : xasprintf("%lld", (long long)f->id);
			char *branch = text_clean(f->branch, TEXT_ONE_LINE);
			char *qid = text_shell_quote(f->key ? f->key : id);
			printf("  branch      feature %s: branch %s is not in this repository and nothing of it\n"
			       "              was merged (fix it: shipdeck feature set %s --branch BRANCH)\n",
			       id, branch, qid);
			free(id);
			free(branch);
			free(qid);
		}
		if (problems > DOCTOR_MAX_NAMED)
			printf("  branch      ... and %d more feature(s) like these\n", problems - DOCTOR_MAX_NAMED);
		if (!problems && !unreadable)
			printf("  branches    ok (%zu feature branch(es) found or merged)\n", nl);
		free(ev);
		gitscan_result_free(&g);
	}
	free(links);
	free(which);
	features_free(fs, n);
	return problems + unreadable;
}

/* Builds and deployments of commits this clone lacks: imported from another
 * repository's CI, or recorded in a clone that was not pushed. They count
 * for nothing in the figures until the commit is here. */
static int doctor_commits(struct ctx *c, struct store *st)
{
	struct commit_ref *refs;
	size_t n;
	if (store_commit_refs(st, &refs, &n) != 0) {
		print_clean("  records     cannot be read: %s\n", store_errmsg(st));
		return 1;
	}
	const char **hex = xcalloc(n + 1, sizeof *hex);
	bool *have = xcalloc(n + 1, sizeof *have);
	for (size_t i = 0; i < n; i++)
		hex[i] = refs[i].commit;
	int missing = 0;
	bool unreadable = gitrepo_have_commits(c->repo_path, hex, n, have) != 0;
	if (unreadable)
		printf("  records     the repository cannot be read\n");
	for (size_t i = 0; i < n && !unreadable; i++) {
		if (have[i] || missing++ >= DOCTOR_MAX_NAMED)
			continue;
		char *label = text_clean(refs[i].label, TEXT_ONE_LINE), *commit = text_clean(refs[i].commit, TEXT_ONE_LINE);
		printf("  commit      %s %lld (%s): commit %.12s is not in this repository\n",
		       refs[i].kind == COMMIT_REF_BUILD ? "build" : "deployment", (long long)refs[i].id, label,
		       commit);
		free(label);
		free(commit);
	}
	if (missing > DOCTOR_MAX_NAMED)
		printf("  commit      ... and %d more record(s) like these\n", missing - DOCTOR_MAX_NAMED);
	if (missing)
		printf("  what to do: 'git fetch' brings commits the team has pushed; records of another\n"
		       "  repository's commits belong in that repository's database.\n");
	else if (n)
		printf("  records     ok (the %zu build(s) and deployment(s) name commits of this repository)\n", n);
	free(hex);
	free(have);
	commit_refs_free(refs, n);
	return missing + unreadable;
}

static int cmd_doctor(struct ctx *c, struct cmd_args *a)
{
	(void)a;
	int problems = 0;
	struct store *st = doctor_database(c, &problems);
	problems += doctor_repository(c, st != NULL);
	if (st && c->repo_path) {
		problems += doctor_branches(c, st);
		problems += doctor_commits(c, st);
	}
	store_close(st);
	if (problems)
		printf("%d problem(s) found\n", problems);
	else
		printf(c->repo_path ? "all good\n" : "the database is fine; no repository was checked\n");
	return problems ? EXIT_NOGO : EXIT_OK;
}

const struct cmd_entry cmd_doctor_entry = {
	.name = "doctor", .maxpos = 0,
	.help = "check the database, the repository and the records that name it, and say what to do",
	.run = cmd_doctor,
};
