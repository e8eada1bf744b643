/* test_hostile — pins issue 8's promises about input nobody should trust,
 * through the real binary on real SQLite files and real git repositories:
 * truncated, 10 000-level deep, 50 MB-string, wrongly typed and
 * duplicate-key JSON given to `build import`, `import` and the config file
 * (a 50 MB config is over its 1 MiB cap; a 100 000-byte string in a small
 * one is over the string limit) each get exactly one line on stderr (an error with exit 2; for the
 * config, a wrong type inside a good file is one warning, the value
 * ignored) and leave the database byte-for-byte as it was
 * (`export` and `build list --json` before and after); a repository, CI
 * export, feature, checklist note, deployment, incident and review full of
 * ESC/CSI/OSC/BEL/BS/CR, C1 controls, bidi overrides and invalid UTF-8 give
 * no raw control byte, bidi control or invalid UTF-8 in any text, markdown
 * or JSON output (checked here by an independent byte-level validator, and
 * the JSON parsed back with cJSON keeping the escaped characters); a file
 * that is not SQLite, a truncated database, a read-only database file or
 * directory, a full disk (RLIMIT_FSIZE), a repository with a missing object
 * and one with a corrupt pack each get one clear line and exit 2 (doctor:
 * its report and exit 1; the damaged repositories: a warning that the
 * figures are incomplete) with the database file unchanged; a 10 MB commit
 * message, a 5 000-character branch name and non-UTF-8 author names give
 * the right figures. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "util.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOW "--now=2026-01-10T00:00:00Z"
#define MB50 (50u * 1024u * 1024u)

static char *dir;

static void setup(void)
{
	dir = th_tmpdir();
}

static void teardown(void)
{
	th_sh("/", "chmod -R u+rwx '%s' 2>/dev/null", dir);
	th_rmtree(dir);
	free(dir);
}

TestSuite(hostile, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers --------------------------------------------------------------------- */

static struct th_run sd(const char *const *args)
{
	return th_shipdeck(dir, NULL, args);
}

static char *path_in(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static char *fixture(const char *name)
{
	const char *src = getenv("SD_SRCDIR");
	return xasprintf("%s/tests/fixtures/ci/%s", src ? src : "..", name);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Exit 2 and exactly one "shipdeck: ..." line on stderr. */
static void expect_one_line_error(const struct th_run *r, const char *what)
{
	cr_assert_eq(r->status, 2, "%s: exit %d, stderr: %s", what, r->status, r->err);
	cr_assert_eq(count_lines(r->err), 1, "%s: stderr is not one line: %s", what, r->err);
	cr_assert(str_starts(r->err, "shipdeck: "), "%s: %s", what, r->err);
	cr_assert(r->err[strlen(r->err) - 1] == '\n', "%s", what);
}

/* What a user could see of the database: the export and the builds. */
static char *db_state(const char *db)
{
	struct th_run e = sd(ARGS("--db", db, NOW, "export"));
	cr_assert_eq(e.status, 0, "export: %s", e.err);
	struct th_run b = sd(ARGS("--db", db, NOW, "build", "list", "--json", "--since", "3650"));
	cr_assert_eq(b.status, 0, "build list: %s", b.err);
	char *s = xasprintf("%s\n----\n%s", e.out, b.out);
	th_run_free(&e);
	th_run_free(&b);
	return s;
}

static char *file_bytes(const char *path, size_t *len)
{
	char *s = read_file(path, len);
	cr_assert_not_null(s, "%s: %s", path, strerror(errno));
	return s;
}

/* Writes prefix, n copies of fill, suffix. */
static void write_padded(const char *path, const char *prefix, char fill, size_t n, const char *suffix)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	fputs(prefix, f);
	char block[65536];
	memset(block, fill, sizeof block);
	for (size_t left = n; left;) {
		size_t k = left < sizeof block ? left : sizeof block;
		fwrite(block, 1, k, f);
		left -= k;
	}
	fputs(suffix, f);
	cr_assert_eq(fclose(f), 0);
}

static void write_nested(const char *path, const char *prefix, int depth, const char *suffix)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	fputs(prefix, f);
	for (int i = 0; i < depth; i++)
		fputc('[', f);
	for (int i = 0; i < depth; i++)
		fputc(']', f);
	fputs(suffix, f);
	cr_assert_eq(fclose(f), 0);
}

/* ---- an independent validator for terminal output ----------------------------------- */

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs,
 * no surrogates, nothing past U+10FFFF), or 0. */
static int utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		return (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		unsigned char lo = p[0] == 0xE0 ? 0xA0 : 0x80, hi = p[0] == 0xED ? 0x9F : 0xBF;
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		unsigned char lo = p[0] == 0xF0 ? 0x90 : 0x80, hi = p[0] == 0xF4 ? 0x8F : 0xBF;
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* No C0 control but '\n' (and '\t' between JSON tokens, where json says
 * so: cJSON_Print indents with tabs, and a tab inside a string is escaped),
 * no DEL, no C1 control (U+0080–U+009F), no bidi override or isolate
 * (U+202A–U+202E, U+2066–U+2069), valid UTF-8 only. */
static void assert_safe(const char *what, const char *s, bool json)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t off = (size_t)(p - (const unsigned char *)s);
		cr_assert(!(*p < 0x20 && *p != '\n' && !(json && *p == '\t')) && *p != 0x7F,
			  "%s: raw control byte 0x%02x at byte %zu: ...%.60s", what, *p, off,
			  off > 30 ? (const char *)p - 30 : s);
		int n = utf8_len(p);
		cr_assert(n > 0, "%s: invalid UTF-8 byte 0x%02x at byte %zu", what, *p, off);
		cr_assert(!(p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F),
			  "%s: C1 control U+%04X at byte %zu", what, p[1], off);
		cr_assert(!(p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) &&
			  !(p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9),
			  "%s: bidi control at byte %zu", what, off);
		p += n;
	}
}

static void assert_terminal_safe(const char *what, const char *s)
{
	assert_safe(what, s, false);
}

/* ---- bad JSON: build import ----------------------------------------------------------- */

#define RUN_OK "\"name\":\"CI\"," RUN_REST
#define RUN_REST "\"run_attempt\":1,\"status\":\"completed\",\"conclusion\":\"success\"," \
	"\"head_branch\":\"main\",\"head_sha\":\"0123456789abcdef0123456789abcdef01234567\"," \
	"\"created_at\":\"2026-01-05T10:00:00Z\",\"run_started_at\":\"2026-01-05T10:00:00Z\"," \
	"\"updated_at\":\"2026-01-05T10:05:00Z\""

/* Imports the GitHub fixture so that "unchanged" is about a database with
 * builds in it, then returns the state. */
static char *builds_db(const char *db)
{
	char *gh = fixture("github-runs.json");
	struct th_run r = sd(ARGS("--db", db, NOW, "build", "import", gh));
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	free(gh);
	return db_state(db);
}

static void build_import_refused(const char *db, const char *before, const char *file,
				 const char *what, const char *must_say)
{
	struct th_run r = sd(ARGS("--db", db, NOW, "build", "import", file));
	expect_one_line_error(&r, what);
	cr_assert(strstr(r.err, must_say), "%s: message lacks '%s': %s", what, must_say, r.err);
	cr_assert(strstr(r.err, "nothing imported"), "%s: %s", what, r.err);
	char *after = db_state(db);
	cr_assert_str_eq(after, before, "%s changed the database", what);
	free(after);
	th_run_free(&r);
}

Test(hostile, build_import_truncated_json)
{
	char *db = path_in("t.db"), *before = builds_db(db), *f = fixture("truncated.json");
	build_import_refused(db, before, f, "truncated", "truncated?");
	free(f);
	free(before);
	free(db);
}

Test(hostile, build_import_10000_deep)
{
	char *db = path_in("t.db"), *before = builds_db(db), *f = path_in("deep.json");
	write_nested(f, "{\"total_count\":1,\"workflow_runs\":", 10000, "}");
	build_import_refused(db, before, f, "deep", "not valid JSON");
	free(f);
	free(before);
	free(db);
}

Test(hostile, build_import_50mb_string)
{
	char *db = path_in("t.db"), *before = builds_db(db), *f = path_in("huge.json");
	write_padded(f, "{\"total_count\":1,\"workflow_runs\":[{\"id\":77," RUN_OK ",\"display_title\":\"",
		     'x', MB50, "\"}]}");
	build_import_refused(db, before, f, "huge", "workflow_runs[0].display_title: a string of 52428800 bytes");
	free(f);
	free(before);
	free(db);
}

Test(hostile, build_import_wrong_types)
{
	char *db = path_in("t.db"), *before = builds_db(db), *f = path_in("typed.json");
	th_write(f, "{\"total_count\":1,\"workflow_runs\":[{\"id\":\"seventy-seven\"," RUN_OK "}]}");
	build_import_refused(db, before, f, "id as text", "workflow_runs[0].id");
	th_write(f, "{\"total_count\":1,\"workflow_runs\":[{\"id\":77,\"name\":\"CI\",\"status\":\"completed\","
		 "\"conclusion\":\"success\",\"created_at\":1767607200,\"updated_at\":\"2026-01-05T10:05:00Z\"}]}");
	build_import_refused(db, before, f, "time as number", "workflow_runs[0].created_at: not an ISO 8601 time");
	th_write(f, "{\"total_count\":1,\"workflow_runs\":[{\"id\":77,\"name\":[\"CI\"]," RUN_REST "}]}");
	build_import_refused(db, before, f, "name as array", "workflow_runs[0].name: not a string");
	th_write(f, "{\"total_count\":1,\"workflow_runs\":{\"id\":77}}");
	build_import_refused(db, before, f, "runs as object", "not a known CI export");
	free(f);
	free(before);
	free(db);
}

Test(hostile, build_import_duplicate_keys)
{
	char *db = path_in("t.db"), *before = builds_db(db), *f = path_in("dup.json");
	/* A reader taking the first "id" and a reviewer reading the second
	 * would disagree about which run this is. */
	th_write(f, "{\"total_count\":1,\"workflow_runs\":[{\"id\":77,\"id\":78," RUN_OK "}]}");
	build_import_refused(db, before, f, "duplicate id", "workflow_runs[0].id: duplicate key");
	th_write(f, "{\"workflow_runs\":[],\"total_count\":0,\"workflow_runs\":[{\"id\":77," RUN_OK "}]}");
	build_import_refused(db, before, f, "duplicate array", "workflow_runs: duplicate key");
	free(f);
	free(before);
	free(db);
}

Test(hostile, skipped_record_cannot_forge_a_line)
{
	/* With --skip-bad each skipped record is one line under the warning; a
	 * value quoted in the reason must not add a line of its own (found by
	 * tests/fuzz/fuzz_import.c). */
	char *db = path_in("t.db"), *f = path_in("forge.json");
	th_write(f, "{\"id\":3,\"status\":\"succ\\u0001\\nworkflow_runs[9].id: forged\",\"ref\":\"main\","
		 "\"sha\":\"aa\",\"created_at\":\"2026-01-01T10:00:00Z\",\"finished_at\":\"2026-01-01T10:15:00Z\"}");
	struct th_run r = sd(ARGS("--db", db, NOW, "build", "import", "--skip-bad", f));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(count_lines(r.err), 2, "one warning and one skipped record: %s", r.err);
	cr_assert(strstr(r.err, "skipped 1 bad record"), "%s", r.err);
	assert_terminal_safe("skip-bad", r.err);
	th_run_free(&r);
	r = sd(ARGS("--db", db, NOW, "build", "import", f));
	expect_one_line_error(&r, "the same without --skip-bad");
	th_run_free(&r);
	free(f);
	free(db);
}

/* ---- bad JSON: import (export documents) ------------------------------------------------ */

/* A database with a feature, a tick and builds; returns its export. */
static char *records_db(const char *db)
{
	struct th_run r = sd(ARGS("--db", db, NOW, "feature", "add", "Login revamp", "--key", "FEAT-1"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	r = sd(ARGS("--db", db, NOW, "check", "FEAT-1", "staging-tests"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	return builds_db(db);
}

static void import_refused(const char *db, const char *before, const char *file, const char *what,
			   const char *must_say)
{
	struct th_run r = sd(ARGS("--db", db, NOW, "import", file));
	expect_one_line_error(&r, what);
	cr_assert(strstr(r.err, must_say), "%s: message lacks '%s': %s", what, must_say, r.err);
	cr_assert(strstr(r.err, "nothing was imported"), "%s: %s", what, r.err);
	char *after = db_state(db);
	cr_assert_str_eq(after, before, "%s changed the database", what);
	free(after);
	th_run_free(&r);
}

static char *export_of(const char *db)
{
	struct th_run e = sd(ARGS("--db", db, NOW, "export"));
	cr_assert_eq(e.status, 0);
	char *s = xstrdup(e.out);
	th_run_free(&e);
	return s;
}

Test(hostile, import_truncated_deep_and_huge)
{
	char *db = path_in("t.db"), *before = records_db(db), *f = path_in("doc.json");
	char *doc = export_of(db);
	/* The export itself goes back in: the refusals below are about the
	 * damage, not about the document. */
	th_write(f, doc);
	struct th_run ok = sd(ARGS("--db", db, NOW, "import", "--replace", f));
	cr_assert_eq(ok.status, 0, "%s", ok.err);
	th_run_free(&ok);

	doc[strlen(doc) / 2] = '\0';
	th_write(f, doc);
	import_refused(db, before, f, "truncated", "not valid JSON");

	write_nested(f, "{\"schema\":\"shipdeck.export/1\",\"version\":1,\"tables\":{\"features\":", 10000, "}}");
	import_refused(db, before, f, "deep", "not valid JSON");

	write_padded(f, "{\"schema\":\"shipdeck.export/1\",\"version\":1,\"tables\":{\"features\":"
		     "[{\"id\":1,\"title\":\"", 'x', MB50, "\",\"size\":\"medium\",\"created_at\":0}]}}");
	import_refused(db, before, f, "huge", "features[0].title: a string of 52428800 bytes");
	free(doc);
	free(f);
	free(before);
	free(db);
}

/* The export with one change made through cJSON. */
static void write_changed_export(const char *path, const char *doc, const char *table,
				 const char *field, cJSON *value)
{
	cJSON *root = cJSON_Parse(doc);
	cr_assert_not_null(root);
	cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "tables"), table), 0);
	cr_assert_not_null(row, "no %s row", table);
	cJSON_ReplaceItemInObject(row, field, value);
	char *text = cJSON_Print(root);
	th_write(path, text);
	cJSON_free(text);
	cJSON_Delete(root);
}

Test(hostile, import_wrong_types_and_duplicate_keys)
{
	char *db = path_in("t.db"), *before = records_db(db), *f = path_in("doc.json");
	char *doc = export_of(db);

	write_changed_export(f, doc, "features", "created_at", cJSON_CreateString("yesterday"));
	import_refused(db, before, f, "created_at as text", "features[0].created_at");
	write_changed_export(f, doc, "features", "title", cJSON_CreateArray());
	import_refused(db, before, f, "title as array", "features[0].title");
	write_changed_export(f, doc, "builds", "started_at", cJSON_CreateNumber(1.5));
	import_refused(db, before, f, "time as fraction", "builds[0].started_at");

	/* cJSON_Print writes "title":<TAB>"..."; a second title before it. */
	char *at = strstr(doc, "\"title\":");
	cr_assert_not_null(at);
	struct strbuf dup = STRBUF_INIT;
	sb_addn(&dup, doc, (size_t)(at - doc));
	sb_add(&dup, "\"title\": \"Shadow\", ");
	sb_add(&dup, at);
	th_write(f, sb_str(&dup));
	import_refused(db, before, f, "duplicate title", "features[0].title: duplicate key");
	sb_free(&dup);
	free(doc);
	free(f);
	free(before);
	free(db);
}

/* ---- bad JSON: the config file --------------------------------------------------------- */

/* A config file that is not a JSON object is refused as git refuses a
 * broken config: one line of error, exit 2, the database untouched. */
static void config_refused(const char *db, const char *before, const char *cfg, const char *what,
			   const char *must_say)
{
	struct th_run r = sd(ARGS("--config", cfg, "--db", db, NOW, "feature", "add", "Should not land"));
	cr_assert_eq(r.status, 2, "%s: %s", what, r.err);
	cr_assert_eq(count_lines(r.err), 1, "%s: stderr: %s", what, r.err);
	cr_assert(str_starts(r.err, "shipdeck: ") && !str_starts(r.err, "shipdeck: warning"), "%s: %s", what, r.err);
	cr_assert(strstr(r.err, must_say), "%s: lacks '%s': %s", what, must_say, r.err);
	th_run_free(&r);
	char *after = export_of(db);
	cr_assert_str_eq(after, before, "%s: the database changed", what);
	free(after);
}

/* Mistakes inside a good file are warnings and never stop a command
 * (a typo in a shared .shipdeck.json must not lock the team out): one
 * warning line, the value ignored, the command's own output and the
 * database as without it. */
static void config_ignored(const char *db, const char *before, const char *cfg, const char *what,
			   const char *must_say)
{
	struct th_run r = sd(ARGS("--config", cfg, "--db", db, NOW, "export"));
	cr_assert_eq(r.status, 0, "%s: %s", what, r.err);
	cr_assert_eq(count_lines(r.err), 1, "%s: stderr: %s", what, r.err);
	cr_assert(str_starts(r.err, "shipdeck: warning: "), "%s: %s", what, r.err);
	cr_assert(strstr(r.err, must_say), "%s: lacks '%s': %s", what, must_say, r.err);
	cr_assert_str_eq(r.out, before, "%s", what);
	th_run_free(&r);
	/* window_days 30 in every bad file: the default 90 must still rule. */
	r = sd(ARGS("--config", cfg, "--db", db, NOW, "info"));
	cr_assert_eq(r.status, 0);
	const char *line = strstr(r.out, "\n  window_days ");
	cr_assert_not_null(line, "%s", r.out);
	cr_assert(strncmp(line + strcspn(line + 1, "0123456789") + 1, "90 ", 3) == 0,
		  "%s: window_days applied from a refused file: %.80s", what, line + 1);
	th_run_free(&r);
}

Test(hostile, config_truncated_deep_huge_typed_duplicate)
{
	char *db = path_in("t.db"), *cfg = path_in("config.json");
	char *state = records_db(db), *before = export_of(db);
	free(state);

	th_write(cfg, "{\"window_days\": 30, \"timez");
	config_refused(db, before, cfg, "truncated", "not valid JSON");

	FILE *f = fopen(cfg, "wb");
	fputs("{\"window_days\": 30, \"keys\": ", f);
	for (int i = 0; i < 10000; i++)
		fputs("{\"a\":", f);
	fputs("1", f);
	for (int i = 0; i <= 10000; i++)
		fputc('}', f);
	fclose(f);
	config_refused(db, before, cfg, "deep", "not valid JSON");

	/* a config file is small: 50 MB is refused before it is read */
	write_padded(cfg, "{\"window_days\": 30, \"timezone\": \"", 'x', MB50, "\"}");
	config_refused(db, before, cfg, "huge", "cannot read config: is larger than 1 MiB");
	write_padded(cfg, "{\"window_days\": 30, \"timezone\": \"", 'x', 100000, "\"}");
	config_refused(db, before, cfg, "long string", "timezone: a string of 100000 bytes");

	th_write(cfg, "{\"window_days\": \"30\"}");
	config_ignored(db, before, cfg, "typed", "window_days: must be a whole number");

	th_write(cfg, "{\"window_days\": 30, \"window_days\": 31}");
	config_refused(db, before, cfg, "duplicate", "window_days: duplicate key");
	free(before);
	free(cfg);
	free(db);
}

/* ---- terminal safety --------------------------------------------------------------------- */

/* Everything a terminal could be made to obey, plus bytes that are not UTF-8:
 * SGR, OSC 0 (title), OSC 52 (clipboard), raw and UTF-8 C1 CSI, BEL, BS, CR,
 * RLO/PDF, LRI/PDI, a lone continuation byte, 0xFF, an overlong '/'. */
#define EVIL "A\x1b[31mRED\x1b[0m\x1b]0;owned\x07\x1b]52;c;cGF3bmVk\x07\x9b" "2J\xc2\x9b" "1m" \
	"\x08\x08\rB\xe2\x80\xae" "evil\xe2\x80\xac\xe2\x81\xa6iso\xe2\x81\xa9\x80\xff\xc0\xafZ"

static void git_ok(const char *repo, const char *date, const char *cmd)
{
	cr_assert_eq(th_git(repo, date, "%s", cmd), 0, "git %s", cmd);
}

/* A commit whose message and author name are EVIL (git keeps the bytes). */
static void evil_commit(const char *repo, const char *date, const char *file)
{
	char *msg = xasprintf("%s/../evil-msg", repo), *name = xasprintf("%s/../evil-name", repo);
	th_write(msg, EVIL " subject\n\nbody " EVIL "\n");
	th_write(name, EVIL);
	cr_assert_eq(th_sh(repo, "echo %s > %s && git add %s && GIT_CONFIG_NOSYSTEM=1 HOME=. "
			   "GIT_AUTHOR_NAME=\"$(cat ../evil-name)\" GIT_AUTHOR_EMAIL=e@x "
			   "GIT_COMMITTER_NAME=\"$(cat ../evil-name)\" GIT_COMMITTER_EMAIL=e@x "
			   "GIT_AUTHOR_DATE=%s GIT_COMMITTER_DATE=%s git -c commit.gpgsign=false "
			   "commit -q -F ../evil-msg >/dev/null 2>&1", file, file, file, date, date), 0);
	free(msg);
	free(name);
}

/* Plants a ref whose name git itself would refuse (control bytes). */
static void plant_ref(const char *repo, const char *ref, const char *sha)
{
	char *path = xasprintf("%s/.git/%s", repo, ref);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	th_sh("/", "mkdir -p '%s'", path);
	*slash = '/';
	char *line = xasprintf("%s\n", sha);
	th_write(path, line);
	free(line);
	free(path);
}

static void check_output(const char *what, const struct th_run *r, bool json)
{
	cr_assert(r->status == 0 || r->status == 1, "%s: exit %d: %s", what, r->status, r->err);
	assert_safe(what, r->out, json);
	assert_terminal_safe(what, r->err);
	if (json) {
		cJSON *root = cJSON_Parse(r->out);
		cr_assert_not_null(root, "%s: not JSON: %.200s", what, r->out);
		cJSON_Delete(root);
	}
}

/* True when some string in the tree holds ESC: JSON keeps outside text,
 * escaped, instead of losing it. */
static bool json_holds_esc(const cJSON *n)
{
	if (cJSON_IsString(n) && strchr(n->valuestring, '\x1b'))
		return true;
	for (const cJSON *c = n->child; c; c = c->next)
		if (json_holds_esc(c))
			return true;
	return false;
}

Test(hostile, no_control_byte_reaches_any_output)
{
	/* The repository's directory is hostile too (git clone names it after
	 * the URL), and so is the branch HEAD names, the default branch. */
	char *repo = th_make_repo(dir, "evil-" EVIL), *db = path_in("evil.db");
	git_ok(repo, "2026-01-02T10:00:00+0000", "checkout -q -b feat/login");
	evil_commit(repo, "2026-01-02T10:00:00+0000", "a.txt");
	evil_commit(repo, "2026-01-02T11:00:00+0000", "b.txt");
	char *feat = th_rev(repo, "HEAD");
	git_ok(repo, "2026-01-03T10:00:00+0000", "checkout -q main");
	evil_commit(repo, "2026-01-03T10:00:00+0000", "c.txt");
	git_ok(repo, "2026-01-03T11:00:00+0000", "merge -q --no-ff -m 'Merge feat/login' feat/login");
	git_ok(repo, "2026-01-03T12:00:00+0000", "tag v1.0");
	char *head = th_rev(repo, "HEAD");
	plant_ref(repo, "refs/heads/" EVIL, feat);
	plant_ref(repo, "refs/tags/v1.1-" EVIL, head);
	plant_ref(repo, "refs/heads/trunk-" EVIL, head);
	char *head_file = xasprintf("%s/.git/HEAD", repo), *cfg = xasprintf("%s/.shipdeck.json", repo);
	th_write(head_file, "ref: refs/heads/trunk-" EVIL "\n");
	/* A config mistake: its warning quotes the file's path. */
	th_write(cfg, "{\"window_days\": \"ninety\", \"" EVIL "\": 1}");
	free(head_file);
	free(cfg);

	char *ci = path_in("ci.json");
	th_write(ci, "{\"total_count\":2,\"workflow_runs\":["
		 "{\"id\":1,\"name\":\"CI \\u001b]0;x\\u0007\\u009b\\u202e" "\xff\",\"run_attempt\":1,"
		 "\"status\":\"completed\",\"conclusion\":\"failure\",\"head_branch\":\"feat\\u001b[2J\","
		 "\"head_sha\":\"deadbeef\\u0008\",\"html_url\":\"http://x/\\u001b]8;;http://evil\\u0007\","
		 "\"display_title\":\"\\r\\u001b[A\",\"created_at\":\"2026-01-03T10:00:00Z\","
		 "\"run_started_at\":\"2026-01-03T10:00:00Z\",\"updated_at\":\"2026-01-03T10:30:00Z\"},"
		 "{\"id\":2,\"name\":\"" EVIL "\",\"run_attempt\":1,\"status\":\"completed\","
		 "\"conclusion\":\"success\",\"head_branch\":\"main\",\"head_sha\":\"abc\","
		 "\"created_at\":\"2026-01-03T11:00:00Z\",\"run_started_at\":\"2026-01-03T11:00:00Z\","
		 "\"updated_at\":\"2026-01-03T11:05:00Z\"}]}");

	const char *const setup_cmds[][16] = {
		{"feature", "add", EVIL, "--key", "FEAT-1", "--branch", "feat/login", "--owner", EVIL, NULL},
		{"feature", "add", "Second " EVIL, "--key", "FEAT-2", "--branch", EVIL, NULL},
		{"check", "FEAT-1", "staging-tests", "--note", EVIL, NULL},
		{"build", "import", ci, NULL},
		{"deploy", "record", "v1.0", "--env", "production", "--at", "2026-01-03T13:00:00Z",
		 "--note", EVIL, NULL},
		{"incident", "open", EVIL, "--deploy", "1", "--at", "2026-01-03T14:00:00Z", "--note", EVIL, NULL},
		{"review", "deploy", "1", "--answer", "1=" EVIL, NULL},
		{"feature", "phase", "FEAT-2", "testing", "--reason", EVIL, NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(setup_cmds); i++) {
		const char *args[24] = {"--repo", repo, "--db", db, NOW};
		size_t n = 5;
		for (size_t k = 0; setup_cmds[i][k]; k++)
			args[n++] = setup_cmds[i][k];
		args[n] = NULL;
		struct th_run r = sd(args);
		check_output(setup_cmds[i][0], &r, false);
		cr_assert_eq(r.status, 0, "%s %s: %s", setup_cmds[i][0], setup_cmds[i][1], r.err);
		th_run_free(&r);
	}

	static const struct {
		const char *args[6];
		bool json;
	} views[] = {
		{{"sync", NULL}, false},
		{{"sync", "--full", NULL}, false},
		{{NULL}, false},
		{{"--snapshot", NULL}, false},
		{{"--snapshot", "--format", "markdown", NULL}, false},
		{{"--snapshot", "--format", "json", NULL}, true},
		{{"--snapshot", "--ascii", NULL}, false},
		{{"feature", "list", NULL}, false},
		{{"feature", "list", "--json", NULL}, true},
		{{"feature", "show", "FEAT-1", NULL}, false},
		{{"feature", "show", "FEAT-1", "--json", NULL}, true},
		{{"feature", "show", "FEAT-2", NULL}, false},
		{{"build", "list", "--since", "3650", NULL}, false},
		{{"build", "list", "--since", "3650", "--json", NULL}, true},
		{{"build", "stats", NULL}, false},
		{{"build", "stats", "--format", "markdown", NULL}, false},
		{{"build", "stats", "--format", "json", NULL}, true},
		{{"deploy", "list", NULL}, false},
		{{"deploy", "list", "--json", NULL}, true},
		{{"incident", "list", NULL}, false},
		{{"incident", "list", "--json", NULL}, true},
		{{"review", "list", "--all", NULL}, false},
		{{"review", "list", "--all", "--json", NULL}, true},
		{{"checklist", "FEAT-1", NULL}, false},
		{{"checklist", "FEAT-1", "--json", NULL}, true},
		{{"gate", "FEAT-1", NULL}, false},
		{{"gate", "FEAT-1", "--json", NULL}, true},
		{{"export", NULL}, true},
		{{"doctor", NULL}, false},
		{{"info", NULL}, false},
	};
	bool saw_text = false, saw_esc = false;
	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		const char *args[16] = {"--repo", repo, "--db", db, NOW};
		size_t n = 5;
		for (size_t k = 0; views[i].args[k]; k++)
			args[n++] = views[i].args[k];
		args[n] = NULL;
		struct th_run r = sd(args);
		char what[96];
		snprintf(what, sizeof what, "%s %s %s", views[i].args[0] ? views[i].args[0] : "(default)",
			 views[i].args[0] && views[i].args[1] ? views[i].args[1] : "",
			 views[i].args[0] && views[i].args[1] && views[i].args[2] ? views[i].args[2] : "");
		check_output(what, &r, views[i].json);
		/* The hostile text did arrive, cleaned ("RED" survives the SGR). */
		saw_text |= strstr(r.out, "RED") != NULL;
		if (views[i].json) {
			cJSON *root = cJSON_Parse(r.out);
			saw_esc |= json_holds_esc(root);
			cJSON_Delete(root);
		}
		th_run_free(&r);
	}
	cr_assert(saw_text, "no output showed the hostile text at all: the test proves nothing");
	cr_assert(saw_esc, "no JSON output kept an escaped ESC");
	free(ci);
	free(feat);
	free(head);
	free(db);
	free(repo);
}

/* ---- damaged databases ------------------------------------------------------------------ */

/* Runs shipdeck in a child with limits: as an unprivileged user when the
 * tests run as root (for whom permissions do not apply), and with a largest
 * file size (RLIMIT_FSIZE, SIGXFSZ ignored) when fsize > 0, which is how a
 * full disk looks to a writer: write() fails with EFBIG. */
static struct th_run sd_limited(const char *const *args, bool drop_root, rlim_t fsize)
{
	struct th_run r = {-1, NULL, NULL};
	char *outp = path_in(".o.XXXXXX"), *errp = path_in(".e.XXXXXX");
	int ofd = mkstemp(outp), efd = mkstemp(errp);
	const char *bin = getenv("SD_BIN") ? getenv("SD_BIN") : "./shipdeck";
	pid_t pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		if (drop_root && geteuid() == 0 &&
		    (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0))
			_exit(125);
		if (fsize > 0) {
			struct rlimit rl = {fsize, fsize};
			signal(SIGXFSZ, SIG_IGN);
			if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
				_exit(125);
		}
		setenv("HOME", dir, 1);
		setenv("XDG_CONFIG_HOME", dir, 1);
		setenv("XDG_DATA_HOME", dir, 1);
		/* like every other run of the binary here: from the test's own
		 * directory, not from a checkout the test happens to run in */
		if (chdir(dir) != 0)
			_exit(126);
		int n = 0;
		while (args[n])
			n++;
		char **argv = xcalloc((size_t)n + 2, sizeof *argv);
		argv[0] = (char *)bin;
		for (int i = 0; i < n; i++)
			argv[i + 1] = (char *)args[i];
		execv(bin, argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	size_t len;
	r.out = read_file(outp, &len);
	r.err = read_file(errp, &len);
	close(ofd);
	close(efd);
	unlink(outp);
	unlink(errp);
	free(outp);
	free(errp);
	return r;
}

static struct th_run sd_unprivileged(const char *const *args)
{
	return sd_limited(args, true, 0);
}

/* As root the read-only tests run shipdeck as nobody, who must be able to
 * reach the binary and the test directory; where it cannot, say so. */
static void need_unprivileged(void)
{
	chmod(dir, 0755);
	struct th_run r = sd_unprivileged(ARGS("--version"));
	int st = r.status;
	th_run_free(&r);
	if (st != 0)
		cr_skip_test("cannot run %s as nobody (exit %d): the permission tests need it when run as root",
			     getenv("SD_BIN") ? getenv("SD_BIN") : "./shipdeck", st);
}

/* A populated database with its WAL folded in, so the file alone is the database. */
static void make_db(const char *db)
{
	char *s = records_db(db);
	free(s);
	struct th_run r = sd(ARGS("--db", db, NOW, "doctor"));
	th_run_free(&r);
}

static void expect_file_unchanged(const char *path, const char *before, size_t len, const char *what)
{
	size_t now_len;
	char *now = file_bytes(path, &now_len);
	cr_assert(now_len == len && memcmp(now, before, len) == 0, "%s: the database file changed", what);
	free(now);
}

Test(hostile, not_a_sqlite_file)
{
	char *db = path_in("notes.db");
	write_padded(db, "These are my notes, not a database.\n", 'n', 8192, "\n");
	size_t len;
	char *before = file_bytes(db, &len);
	struct th_run r = sd(ARGS("--db", db, NOW, "feature", "add", "X"));
	expect_one_line_error(&r, "feature add on a text file");
	cr_assert(strstr(r.err, "not a shipdeck database") || strstr(r.err, "not a database"), "%s", r.err);
	th_run_free(&r);
	r = sd(ARGS("--db", db, NOW, "--snapshot"));
	expect_one_line_error(&r, "snapshot on a text file");
	th_run_free(&r);
	r = sd(ARGS("--db", db, NOW, "doctor"));
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "cannot open") && strstr(r.out, "what to do"), "%s", r.out);
	th_run_free(&r);
	expect_file_unchanged(db, before, len, "not sqlite");
	free(before);
	free(db);
}

Test(hostile, truncated_database)
{
	char *db = path_in("t.db");
	make_db(db);
	size_t full;
	char *bytes = file_bytes(db, &full);
	cr_assert_gt(full, 8192u);
	/* Cut after the first pages: the header survives, the tables do not. */
	size_t len = full / 2 - (full / 2) % 1024 + 100;
	FILE *f = fopen(db, "wb");
	fwrite(bytes, 1, len, f);
	fclose(f);
	free(bytes);
	char *before = file_bytes(db, &len);
	static const char *const cmds[][3] = {
		{"feature", "list", NULL}, {"build", "list", NULL}, {"export", NULL, NULL},
		{"feature", "add", "X"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		const char *args[8] = {"--db", db, NOW, cmds[i][0], cmds[i][1], cmds[i][2], NULL};
		struct th_run r = sd(args);
		cr_assert_neq(r.status, -1, "%s crashed", cmds[i][0]);
		if (r.status != 0) /* SQLite may still read the pages that are left */
			expect_one_line_error(&r, cmds[i][0]);
		th_run_free(&r);
	}
	struct th_run r = sd(ARGS("--db", db, NOW, "doctor"));
	cr_assert_eq(r.status, 1, "doctor: %s%s", r.out, r.err);
	cr_assert(strstr(r.out, "FAILED") || strstr(r.out, "cannot open"), "%s", r.out);
	cr_assert(strstr(r.out, "what to do"), "%s", r.out);
	th_run_free(&r);
	expect_file_unchanged(db, before, len, "truncated");
	free(before);
	free(db);
}

Test(hostile, read_only_database_file)
{
	need_unprivileged();
	char *sub = path_in("ro"), *db = path_in("ro/t.db");
	th_sh(dir, "mkdir ro");
	make_db(db);
	char *state = db_state(db);
	/* The directory is writable (for anyone, in case we run as root and
	 * drop to nobody); the file is not. */
	chmod(dir, 0755);
	chmod(sub, 0777);
	chmod(db, 0444);
	size_t len;
	char *before = file_bytes(db, &len);
	struct th_run r = sd_unprivileged(ARGS("--db", db, NOW, "feature", "add", "Y"));
	expect_one_line_error(&r, "feature add on a read-only file");
	th_run_free(&r);
	r = sd_unprivileged(ARGS("--db", db, NOW, "check", "FEAT-1", "rollback-plan"));
	expect_one_line_error(&r, "check on a read-only file");
	th_run_free(&r);
	r = sd_unprivileged(ARGS("--db", db, NOW, "--read-only", "feature", "list"));
	cr_assert_neq(r.status, -1);
	cr_assert(r.status == 0 || count_lines(r.err) == 1, "%s", r.err);
	th_run_free(&r);
	r = sd_unprivileged(ARGS("--db", db, NOW, "doctor"));
	cr_assert(r.status == 0 || r.status == 1, "doctor: %d %s", r.status, r.err);
	th_run_free(&r);
	expect_file_unchanged(db, before, len, "read-only file");
	chmod(db, 0644);
	char *after = db_state(db);
	cr_assert_str_eq(after, state);
	free(after);
	free(state);
	free(before);
	free(db);
	free(sub);
}

Test(hostile, read_only_database_directory)
{
	need_unprivileged();
	char *sub = path_in("rodir"), *db = path_in("rodir/t.db");
	th_sh(dir, "mkdir rodir");
	make_db(db);
	char *state = db_state(db);
	chmod(dir, 0755);
	chmod(db, 0666);
	chmod(sub, 0555);
	size_t len;
	char *before = file_bytes(db, &len);
	struct th_run r = sd_unprivileged(ARGS("--db", db, NOW, "feature", "add", "Y"));
	expect_one_line_error(&r, "feature add in a read-only directory");
	th_run_free(&r);
	char *other = path_in("rodir/new.db");
	r = sd_unprivileged(ARGS("--db", other, NOW, "feature", "add", "Y"));
	expect_one_line_error(&r, "a new database in a read-only directory");
	cr_assert(strstr(r.err, "cannot create database"), "%s", r.err);
	th_run_free(&r);
	r = sd_unprivileged(ARGS("--db", db, NOW, "doctor"));
	cr_assert(r.status == 0 || r.status == 1, "doctor: %d %s", r.status, r.err);
	th_run_free(&r);
	expect_file_unchanged(db, before, len, "read-only directory");
	chmod(sub, 0755);
	char *after = db_state(db);
	cr_assert_str_eq(after, state);
	free(after);
	free(other);
	free(state);
	free(before);
	free(db);
	free(sub);
}

Test(hostile, full_disk)
{
	char *db = path_in("t.db");
	make_db(db);
	char *state = db_state(db);
	size_t len;
	char *before = file_bytes(db, &len);
	/* 3 000 runs: far more than the room left under the limit. */
	char *ci = path_in("many.json");
	FILE *f = fopen(ci, "wb");
	fputs("{\"total_count\":3000,\"workflow_runs\":[", f);
	for (int i = 0; i < 3000; i++)
		fprintf(f, "%s{\"id\":%d," RUN_OK ",\"display_title\":\"run %d of many, padded to take room\"}",
			i ? "," : "", 500000 + i, i);
	fputs("]}", f);
	fclose(f);
	rlim_t limit = (rlim_t)len + 16384;
	struct th_run r = sd_limited(ARGS("--db", db, NOW, "build", "import", ci), false, limit);
	expect_one_line_error(&r, "import on a full disk");
	cr_assert(strstr(r.err, "full") || strstr(r.err, "disk") || strstr(r.err, "I/O"), "%s", r.err);
	th_run_free(&r);
	r = sd_limited(ARGS("--db", db, NOW, "feature", "add", "Z"), false, (rlim_t)1);
	cr_assert_neq(r.status, -1, "feature add crashed on a full disk");
	th_run_free(&r);
	expect_file_unchanged(db, before, len, "full disk");
	r = sd(ARGS("--db", db, NOW, "doctor"));
	cr_assert_eq(r.status, 0, "doctor after a full disk: %s", r.out);
	th_run_free(&r);
	char *after = db_state(db);
	cr_assert_str_eq(after, state, "a failed write on a full disk changed the records");
	free(after);
	free(ci);
	free(state);
	free(before);
	free(db);
}

/* ---- damaged repositories --------------------------------------------------------------- */

/* A repository of five commits with a release tag, synced into a database. */
static char *synced_repo(const char *db)
{
	char *repo = th_make_repo(dir, "r");
	for (int i = 2; i <= 5; i++) {
		char date[32];
		snprintf(date, sizeof date, "2026-01-0%dT10:00:00+0000", i);
		th_sh(repo, "echo %d > f%d", i, i);
		th_git(repo, date, "add f%d", i);
		th_git(repo, date, "commit -q -m 'change %d'", i);
	}
	th_git(repo, "2026-01-05T12:00:00+0000", "tag v1.0");
	struct th_run r = sd(ARGS("--repo", repo, "--db", db, NOW, "feature", "add", "Kept"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	r = sd(ARGS("--repo", repo, "--db", db, NOW, "sync"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	/* The first view records the feature's inferred phase (an event row):
	 * "unchanged" is measured from the database as people see it. */
	r = sd(ARGS("--repo", repo, "--db", db, NOW, "--snapshot"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	return repo;
}

/* The history scan reads what it can, like a shallow clone's cut, and says
 * plainly that the figures are incomplete; doctor
 * finds the damage and exits 1; the release records are untouched. */
static void damaged_repo_checks(const char *repo, const char *db, const char *what)
{
	char *before = export_of(db);
	struct th_run r = sd(ARGS("--repo", repo, "--db", db, NOW, "sync", "--full"));
	cr_assert_eq(r.status, 0, "%s: sync: %s", what, r.err);
	cr_assert(strstr(r.out, "warning          ") && strstr(r.out, "cannot be read (missing or damaged"),
		  "%s: %s", what, r.out);
	th_run_free(&r);
	/* The snapshot reads the cache the full sync left; it must not crash.
	 * libgit2 1.5 leaks a 16-byte list node when a first-parent revwalk
	 * (gitfeature.c's walk_chain) meets a missing object; under the
	 * sanitizer build that leak would become the exit status. The
	 * suppression names only libgit2's own frames, so a leak of shipdeck's
	 * still fails. */
	char *supp = path_in("lsan.supp"), *opts = NULL;
	th_write(supp, "leak:libgit2.so\n");
	const char *old = getenv("LSAN_OPTIONS");
	char *saved = old ? xstrdup(old) : NULL;
	opts = xasprintf("suppressions=%s:print_suppressions=0", supp);
	setenv("LSAN_OPTIONS", opts, 1);
	r = sd(ARGS("--repo", repo, "--db", db, NOW, "--snapshot"));
	if (saved)
		setenv("LSAN_OPTIONS", saved, 1);
	else
		unsetenv("LSAN_OPTIONS");
	cr_assert_eq(r.status, 0, "%s: snapshot: %s", what, r.err);
	th_run_free(&r);
	free(saved);
	free(opts);
	free(supp);
	r = sd(ARGS("--repo", repo, "--db", db, NOW, "doctor"));
	cr_assert_eq(r.status, 1, "%s: doctor: %s%s", what, r.out, r.err);
	cr_assert(strstr(r.out, "history     FAILED") && strstr(r.out, "git fsck"), "%s", r.out);
	cr_assert(strstr(r.out, "integrity   ok"), "%s", r.out);
	th_run_free(&r);
	char *after = export_of(db);
	cr_assert_str_eq(after, before, "%s: the database changed", what);
	free(after);
	free(before);
}

Test(hostile, repository_with_a_missing_object)
{
	char *db = path_in("t.db"), *repo = synced_repo(db);
	char *sha = th_rev(repo, "HEAD~2");
	char *obj = xasprintf("%s/.git/objects/%.2s/%s", repo, sha, sha + 2);
	cr_assert_eq(unlink(obj), 0, "%s: %s", obj, strerror(errno));
	damaged_repo_checks(repo, db, "missing object");
	free(obj);
	free(sha);
	free(repo);
	free(db);
}

Test(hostile, repository_with_a_corrupt_pack)
{
	char *db = path_in("t.db"), *repo = synced_repo(db);
	cr_assert_eq(th_git(repo, "2026-01-06T10:00:00+0000", "gc -q"), 0);
	/* Overwrite the middle of the pack, where the compressed objects are. */
	cr_assert_eq(th_sh(repo, "p=$(ls .git/objects/pack/*.pack) && chmod u+w \"$p\" && "
			   "s=$(stat -c %%s \"$p\") && printf 'CORRUPTCORRUPTCORRUPTCORRUPT' | "
			   "dd of=\"$p\" bs=1 seek=$((s / 2)) conv=notrunc 2>/dev/null && "
			   "dd if=/dev/zero of=\"$p\" bs=1 seek=12 count=$((s / 2 - 12)) conv=notrunc 2>/dev/null"), 0);
	damaged_repo_checks(repo, db, "corrupt pack");
	free(repo);
	free(db);
}

/* ---- hostile repositories: size and encoding ---------------------------------------------- */

Test(hostile, huge_message_long_branch_non_utf8_author)
{
	char *repo = th_make_repo(dir, "big"), *db = path_in("t.db");
	/* A 10 MB commit message on main, by an author whose name is Latin-1. */
	char *msg = path_in("msg");
	write_padded(msg, "Huge change\n\n", 'm', 10u * 1024u * 1024u, "\n");
	char *latin1 = path_in("latin1");
	th_write(latin1, "Jos\xe9 M\xfcller");
	free(latin1);
	cr_assert_eq(th_sh(repo, "echo 2 > f && git add f && GIT_CONFIG_NOSYSTEM=1 HOME=. "
			   "GIT_AUTHOR_NAME=\"$(cat ../latin1)\" GIT_AUTHOR_EMAIL=j@x GIT_COMMITTER_NAME=c "
			   "GIT_COMMITTER_EMAIL=c@x GIT_AUTHOR_DATE=2026-01-02T10:00:00+0000 "
			   "GIT_COMMITTER_DATE=2026-01-02T10:00:00+0000 git -c commit.gpgsign=false "
			   "commit -q -F ../msg >/dev/null 2>&1"), 0);
	th_git(repo, "2026-01-03T10:00:00+0000", "tag v1.0");
	char *head = th_rev(repo, "HEAD");
	/* A 5 000-character branch name, in packed-refs (no file system takes
	 * it as a path), holding one more commit. */
	th_git(repo, "2026-01-04T10:00:00+0000", "commit -q --allow-empty -m 'on the long branch'");
	char *tip = th_rev(repo, "HEAD");
	th_git(repo, "2026-01-04T10:00:00+0000", "reset -q --hard v1.0");
	struct strbuf name = STRBUF_INIT;
	for (int i = 0; i < 500; i++)
		sb_add(&name, "feature-xx");
	cr_assert_eq(name.len, 5000u);
	char *packed = xasprintf("%s/.git/packed-refs", repo);
	FILE *f = fopen(packed, "ab");
	fprintf(f, "%s refs/heads/%s\n", tip, sb_str(&name));
	fclose(f);

	struct th_run r = sd(ARGS("--repo", repo, "--db", db, NOW, "feature", "add", "Long",
				  "--key", "FEAT-9", "--branch", sb_str(&name)));
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	r = sd(ARGS("--repo", repo, "--db", db, NOW, "sync"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* By hand: the initial commit and the huge one on main, plus the long
	 * branch's tip = 3 commits known; v1.0 is the one deployment; it ships
	 * the initial and the huge commit (one parent at most each) = 2 changes. */
	cr_assert(strstr(r.out, "commits          3 known"), "%s", r.out);
	cr_assert(strstr(r.out, "deployments      1\n"), "%s", r.out);
	cr_assert(strstr(r.out, "changes          2 shipped"), "%s", r.out);
	assert_terminal_safe("sync", r.out);
	th_run_free(&r);
	static const char *const views[][4] = {
		{"--snapshot", NULL}, {"--snapshot", "--format", "json", NULL}, {"feature", "list", NULL},
		{"feature", "show", "FEAT-9", NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		const char *args[10] = {"--repo", repo, "--db", db, NOW};
		size_t n = 5;
		for (size_t k = 0; k < 4 && views[i][k]; k++)
			args[n++] = views[i][k];
		args[n] = NULL;
		r = sd(args);
		cr_assert_eq(r.status, 0, "%s: %s", views[i][0], r.err);
		assert_terminal_safe(views[i][0], r.out);
		th_run_free(&r);
	}
	sb_free(&name);
	free(packed);
	free(tip);
	free(head);
	free(msg);
	free(db);
	free(repo);
}
