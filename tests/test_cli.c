/* test_cli — pins the command line through the real binary: exit statuses
 * (0 ok, 2 usage or error), the one-line errors for a missing repository and
 * bad database paths (with nothing created elsewhere), --help and the man
 * page listing exactly the commands that exist, feature commands end to end,
 * export → import → export byte-identical, import errors leaving the
 * database unchanged, config warnings, and --now making snapshots
 * reproducible. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "util.h"

static char *home;

static void setup(void)
{
	home = th_tmpdir();
}

static void teardown(void)
{
	th_rmtree(home);
	free(home);
}

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 60);

#define RUN(...) th_shipdeck(home, NULL, (const char *const[]){__VA_ARGS__, NULL})

static void expect(struct th_run *r, int status, const char *out_has, const char *err_has)
{
	cr_assert_eq(r->status, status, "status %d, stderr: %s, stdout: %s", r->status, r->err, r->out);
	if (out_has)
		cr_assert(strstr(r->out, out_has), "stdout lacks '%s': %s", out_has, r->out);
	if (err_has)
		cr_assert(strstr(r->err, err_has), "stderr lacks '%s': %s", err_has, r->err);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

Test(cli, help_and_version)
{
	struct th_run r = RUN("--help");
	expect(&r, 0, "usage: shipdeck", NULL);
	cr_assert(strstr(r.out, "--window-days N"));
	th_run_free(&r);
	r = RUN("--version");
	expect(&r, 0, "shipdeck ", NULL);
	th_run_free(&r);
}

Test(cli, usage_errors_exit_2)
{
	struct th_run r = RUN("--bogus");
	expect(&r, 2, NULL, "unknown option '--bogus'");
	cr_assert(strstr(r.err, "usage: shipdeck"));
	th_run_free(&r);
	r = RUN("frobnicate");
	expect(&r, 2, NULL, "unknown command 'frobnicate'");
	th_run_free(&r);
	r = RUN("--window-days", "0", "info");
	expect(&r, 2, NULL, "--window-days 0: must be a whole number from 1 to 3650");
	th_run_free(&r);
	r = RUN("--now", "yesterday", "info");
	expect(&r, 2, NULL, "not an ISO 8601 time");
	th_run_free(&r);
	r = RUN("--db");
	expect(&r, 2, NULL, "needs an argument");
	th_run_free(&r);
}

Test(cli, outside_a_repository)
{
	struct th_run r = RUN("--snapshot");
	expect(&r, 2, NULL, "not inside a git repository");
	cr_assert(strstr(r.err, "shipdeck demo"), "hints at the demo: %s", r.err);
	cr_assert_eq(count_lines(r.err), 1, "one line: %s", r.err);
	th_run_free(&r);
	r = RUN("--repo", "/nonexistent/repo", "info");
	expect(&r, 2, NULL, "/nonexistent/repo: no such repository");
	th_run_free(&r);
	r = RUN("--repo", home, "info");
	expect(&r, 2, NULL, "not a git repository");
	th_run_free(&r);
}

Test(cli, database_path_errors)
{
	char *missing = xasprintf("%s/nope/x.db", home);
	struct th_run r = RUN("--db", missing, "feature", "list");
	expect(&r, 2, NULL, missing);
	cr_assert_eq(count_lines(r.err), 1, "%s", r.err);
	struct stat sb;
	char *nope = xasprintf("%s/nope", home);
	cr_assert_neq(stat(nope, &sb), 0, "must not create the directory");
	th_run_free(&r);
	r = RUN("--db", home, "feature", "list");
	expect(&r, 2, NULL, "is a directory");
	th_run_free(&r);
	char *ro = xasprintf("%s/ro", home);
	th_sh(home, "mkdir ro && chmod 555 ro");
	char *rodb = xasprintf("%s/x.db", ro);
	r = RUN("--db", rodb, "feature", "list");
	if (geteuid() != 0) /* root writes anywhere */
		expect(&r, 2, NULL, rodb);
	th_run_free(&r);
	free(missing);
	free(nope);
	free(ro);
	free(rodb);
}

Test(cli, default_database_location)
{
	char *repo = th_make_repo(home, "shop");
	struct th_run r = RUN("--repo", repo, "feature", "add", "Gift cards");
	expect(&r, 0, "added feature 1", NULL);
	th_run_free(&r);
	char *db = xasprintf("%s/.local/share/shipdeck/shop.db", home);
	struct stat sb;
	cr_assert_eq(stat(db, &sb), 0, "database at the XDG default: %s", db);
	cr_assert_eq(sb.st_mode & 0777, 0600);
	r = RUN("--repo", repo, "info");
	expect(&r, 0, db, NULL);
	cr_assert(strstr(r.out, "shop"));
	th_run_free(&r);
	free(db);
	free(repo);
}

Test(cli, feature_commands)
{
	char *db = xasprintf("%s/f.db", home);
	struct th_run r = RUN("--db", db, "feature", "add", "Gift cards", "--key", "FEAT-20", "--size", "small",
			      "--owner", "dana", "--branch", "feature/gift");
	expect(&r, 0, "added feature 1 (FEAT-20)", NULL);
	th_run_free(&r);
	r = RUN("--db", db, "feature", "add", "Bad", "--size", "huge");
	expect(&r, 2, NULL, "--size huge: must be small, medium or large");
	th_run_free(&r);
	r = RUN("--db", db, "feature", "add", "Again", "--key", "FEAT-20");
	expect(&r, 2, NULL, "UNIQUE");
	th_run_free(&r);
	r = RUN("--db", db, "feature", "set", "FEAT-20", "--title", "Gift cards v2", "--owner", "");
	expect(&r, 0, "updated feature 1", NULL);
	th_run_free(&r);
	r = RUN("--db", db, "feature", "show", "1", "--json");
	expect(&r, 0, "\"title\": \"Gift cards v2\"", NULL);
	cr_assert(strstr(r.out, "\"owner\": null"), "empty clears: %s", r.out);
	th_run_free(&r);
	r = RUN("--db", db, "feature", "list");
	expect(&r, 0, "FEAT-20", NULL);
	cr_assert(strstr(r.out, "Gift cards v2"));
	th_run_free(&r);
	r = RUN("--db", db, "feature", "phase", "1", "testing");
	expect(&r, 2, NULL, "--reason");
	th_run_free(&r);
	r = RUN("--db", db, "feature", "phase", "1", "testing", "--reason", "QA sign-off");
	expect(&r, 0, "phase set to testing", NULL);
	th_run_free(&r);
	r = RUN("--db", db, "feature", "phase", "1", "--auto");
	expect(&r, 0, "phase inferred again", NULL);
	th_run_free(&r);
	r = RUN("--db", db, "feature", "show", "FEAT-99");
	expect(&r, 2, NULL, "no feature 'FEAT-99'");
	th_run_free(&r);
	r = RUN("--db", db, "feature", "rm", "FEAT-20");
	expect(&r, 0, "removed feature 1", NULL);
	th_run_free(&r);
	r = RUN("--db", db, "feature", "list", "--json");
	expect(&r, 0, "\"features\": []", NULL);
	th_run_free(&r);
	free(db);
}

Test(cli, export_import_round_trip_and_refusal)
{
	char *db = xasprintf("%s/e.db", home);
	struct th_run r = RUN("--db", db, "feature", "add", "One", "--key", "K-1");
	th_run_free(&r);
	r = RUN("--db", db, "feature", "add", "Two \xe2\x80\x94 unicode");
	th_run_free(&r);
	r = RUN("--db", db, "export");
	expect(&r, 0, "\"shipdeck.export/1\"", NULL);
	char *first = xstrdup(r.out);
	th_run_free(&r);
	char *file = xasprintf("%s/backup.json", home);
	th_write(file, first);
	r = RUN("--db", db, "import", file);
	expect(&r, 0, "imported", NULL);
	th_run_free(&r);
	r = RUN("--db", db, "export");
	cr_assert_str_eq(r.out, first, "export -> import -> export must be byte-identical");
	th_run_free(&r);
	th_write(file, "{\"schema\": \"shipdeck.export/1\", \"version\": 1, \"tables\": {\"features\": "
		       "[{\"id\": 1, \"title\": \"x\", \"created_at\": 1}, {\"id\": 2, \"title\": \"y\", "
		       "\"created_at\": 1, \"size\": \"gigantic\"}]}}");
	r = RUN("--db", db, "import", file);
	expect(&r, 2, NULL, "features[1].size");
	cr_assert(strstr(r.err, "nothing was imported"));
	th_run_free(&r);
	r = RUN("--db", db, "export");
	cr_assert_str_eq(r.out, first, "a refused import changes nothing");
	th_run_free(&r);
	free(first);
	free(file);
	free(db);
}

Test(cli, config_warnings_and_precedence)
{
	char *repo = th_make_repo(home, "cfg");
	th_sh(home, "mkdir -p .config/shipdeck && echo '{\"window_days\": 30, \"colour\": 1}' > .config/shipdeck/config.json");
	th_sh(repo, "echo '{\"window_days\": 45}' > .shipdeck.json");
	struct th_run r = RUN("--repo", repo, "info");
	expect(&r, 0, "window_days", "config.json: colour: unknown key, ignored");
	cr_assert(strstr(r.out, "45"), "repo config wins over user config: %s", r.out);
	th_run_free(&r);
	r = RUN("--repo", repo, "--window-days", "7", "--snapshot");
	expect(&r, 0, "window 7 days", NULL);
	th_run_free(&r);
	char *missing = xasprintf("%s/missing.json", home);
	r = RUN("--config", missing, "--repo", repo, "info");
	expect(&r, 2, NULL, "cannot read config");
	th_run_free(&r);
	free(missing);
	free(repo);
}

Test(cli, snapshot_formats_are_reproducible)
{
	char *repo = th_make_repo(home, "snap");
	struct th_run r = RUN("--repo", repo, "feature", "add", "Search", "--key", "FEAT-3");
	th_run_free(&r);
	const char *formats[] = {"text", "markdown", "json"};
	for (int i = 0; i < 3; i++) {
		struct th_run a = RUN("--repo", repo, "--now", "2026-11-27T09:00:00Z", "--snapshot", "--format", formats[i]);
		struct th_run b = RUN("--repo", repo, "--now", "2026-11-27T09:00:00Z", "--snapshot", "--format", formats[i]);
		expect(&a, 0, "FEAT-3", NULL);
		cr_assert_str_eq(a.out, b.out, "%s snapshot must not depend on the clock", formats[i]);
		for (const char *p = a.out; *p; p++)
			cr_assert(*p != '\x1b', "no escape codes in a piped snapshot");
		th_run_free(&a);
		th_run_free(&b);
	}
	r = RUN("--repo", repo, "--now", "2026-11-27T09:00:00Z", "--snapshot", "--format", "json");
	expect(&r, 0, "\"now\": \"2026-11-27T09:00:00Z\"", NULL);
	cr_assert(strstr(r.out, "\"schema\": \"shipdeck.snapshot/2\""));
	cr_assert(strstr(r.out, "\"repository\": \"snap\""));
	th_run_free(&r);
	free(repo);
}

/* The names of the commands in --help's "Commands:" section. */
static char **help_commands(const char *help, int *n)
{
	const char *p = strstr(help, "Commands:\n");
	cr_assert_not_null(p);
	p += strlen("Commands:\n");
	char **names = xcalloc(64, sizeof *names);
	*n = 0;
	while (str_starts(p, "  ")) {
		p += 2;
		size_t len = strcspn(p, " \n");
		if (len)
			names[(*n)++] = xstrndup(p, len);
		p = strchr(p, '\n') + 1;
		while (str_starts(p, "      "))
			p = strchr(p, '\n') + 1; /* wrapped help text */
	}
	return names;
}

Test(cli, help_and_man_page_agree)
{
	struct th_run r = RUN("--help");
	int n;
	char **names = help_commands(r.out, &n);
	cr_assert_gt(n, 3);
	const char *src = getenv("SD_SRCDIR");
	char *manpath = xasprintf("%s/man/shipdeck.1", src ? src : ".");
	char *man = read_file(manpath, NULL);
	cr_assert_not_null(man, "%s", manpath);
	/* every command in --help is a ".TP / .B name" entry at the top level of
	 * COMMANDS (sub-entries sit inside .RS/.RE), and vice versa */
	const char *cmds = strstr(man, ".SH COMMANDS\n");
	cr_assert_not_null(cmds);
	const char *end = strstr(cmds + 1, "\n.SH ");
	cr_assert_not_null(end);
	int in_man = 0, depth = 0;
	bool after_tp = false;
	for (const char *p = cmds; p < end; p = strchr(p, '\n') + 1) {
		if (str_starts(p, ".RS"))
			depth++;
		else if (str_starts(p, ".RE"))
			depth--;
		else if (after_tp && depth == 0 && p[0] == '.' && p[1] == 'B') {
			const char *word = strchr(p, ' ') + 1; /* .B, .BI or .BR */
			size_t len = strcspn(word, " \n");
			bool found = false;
			for (int i = 0; i < n; i++)
				found = found || (strlen(names[i]) == len && strncmp(names[i], word, len) == 0);
			cr_assert(found, "man page documents '%.*s', which --help does not list", (int)len, word);
			in_man++;
		}
		after_tp = str_starts(p, ".TP");
	}
	cr_assert_eq(in_man, n, "man page has %d commands, --help %d", in_man, n);
	/* every long option in --help is in the man page */
	for (const char *p = strstr(r.out, "Global options"); (p = strstr(p, "  --"));) {
		p += 4;
		size_t len = strcspn(p, " \n");
		struct strbuf nb = STRBUF_INIT; /* roff spells every '-' of a flag "\\-" */
		sb_add(&nb, "\\-\\-");
		for (size_t k = 0; k < len; k++)
			sb_add(&nb, p[k] == '-' ? "\\-" : (char[2]){p[k], 0});
		char *needle = sb_detach(&nb);
		cr_assert(strstr(man, needle), "man page lacks --%.*s", (int)len, p);
		free(needle);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(man);
	free(manpath);
	th_run_free(&r);
}
