/* test_width — pins "width is a promise" (issue 13): every line of the text
 * snapshot, made by the real binary from a real repository and database
 * full of hostile widths (a 60 000-character workflow name, a 5 000-byte
 * branch, CJK workflow names, feature titles, keys, owners, tags,
 * deployment notes and incident titles, emoji), fits --width 40, 80 and
 * 120, with UTF-8 drawing and with --ascii. Display widths are measured
 * here with the C library's wcwidth in the C.UTF-8 locale, not with
 * shipdeck's own table, so the two must agree for the test to pass. The
 * test also checks that the long names are there (cut, with their "…" or
 * "~"), so that a snapshot that dropped them could not pass. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "helpers.h"
#include "util.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOW "--now=2026-11-27T12:00:00Z"

static char *dir, *repo, *db;

static char *repeat(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		sb_add(&sb, s);
	return sb_detach(&sb);
}

static void ok(const char *const *args)
{
	struct th_run r = th_shipdeck(dir, NULL, args);
	cr_assert_eq(r.status, 0, "%s: %s", args[4], r.err);
	th_run_free(&r);
}

/* Builds with hostile names: a failed one, so that failure lines show too. */
static void import_builds(void)
{
	char *huge = repeat("W", 60000), *cjk = repeat("\xe7\x95\x8c", 300); /* 界 */
	char *branch = repeat("b", 5000), *emoji = repeat("\xf0\x9f\x98\x80", 100);
	const char *names[] = {huge, cjk, emoji, "CI"};
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "{\"workflow_runs\": [");
	for (int i = 0; i < 8; i++) {
		sb_addf(&sb, "%s{\"id\": %d, \"name\": \"%s\", \"head_branch\": \"%s\","
			" \"status\": \"completed\", \"conclusion\": \"%s\","
			" \"created_at\": \"2026-11-2%dT10:00:00Z\","
			" \"run_started_at\": \"2026-11-2%dT10:00:00Z\","
			" \"updated_at\": \"2026-11-2%dT10:%02d:00Z\"}", i ? "," : "", 100 + i, names[i % 4],
			i % 2 ? branch : cjk, i % 3 ? "success" : "failure", i % 7, i % 7, i % 7, 10 + i * 5);
	}
	sb_add(&sb, "]}");
	char *f = xasprintf("%s/runs.json", dir);
	th_write(f, sb_str(&sb));
	ok(ARGS("--db", db, NOW, "build", "import", f));
	free(f);
	sb_free(&sb);
	free(huge);
	free(cjk);
	free(branch);
	free(emoji);
}

static void setup(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	dir = th_tmpdir();
	repo = th_make_repo(dir, "repo");
	db = xasprintf("%s/w.db", dir);
	/* a tag (a deployment) with a long CJK name, on a second commit */
	char *tag = repeat("\xe6\xa8\x99", 60); /* 標 */
	th_sh(repo, "echo two > two && git add two");
	th_git(repo, "2026-11-25T10:00:00+0000", "commit -q -m '%s'", tag);
	th_git(repo, "2026-11-25T10:00:00+0000", "tag 'v1-%s'", tag);
	char *title = repeat("Title ", 120), *cjk_title = repeat("\xe9\xa1\x8c", 200); /* 題 */
	char *key = repeat("\xe3\x82\xad", 40), *owner = repeat("o", 300);           /* キ */
	ok(ARGS("--db", db, "--repo", repo, NOW, "feature", "add", title, "--owner", owner));
	ok(ARGS("--db", db, "--repo", repo, NOW, "feature", "add", cjk_title, "--key", key,
		"--branch", cjk_title));
	char *note = repeat("\xe6\xb3\xa8", 300);                                    /* 注 */
	char *ref = xasprintf("v1-%s", tag);
	ok(ARGS("--db", db, "--repo", repo, NOW, "deploy", "record", ref, "--env", "production",
		"--at", "2026-11-25T11:00:00Z", "--note", note));
	char *incident = repeat("\xe4\xba\x8b\xe6\x95\x85", 200);                     /* 事故 */
	ok(ARGS("--db", db, "--repo", repo, NOW, "incident", "open", incident, "--at",
		"2026-11-25T12:00:00Z", "--note", note));
	import_builds();
	free(tag);
	free(title);
	free(cjk_title);
	free(key);
	free(owner);
	free(note);
	free(ref);
	free(incident);
}

static void teardown(void)
{
	th_rmtree(dir);
	free(dir);
	free(repo);
	free(db);
}

TestSuite(width, .init = setup, .fini = teardown, .timeout = 120);

/* Display columns of one line by the C library's wcwidth; -1 for a byte
 * sequence that is not UTF-8 or a character with no width (a control). */
static int line_width(const char *s, size_t n)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	int w = 0;
	for (size_t i = 0; i < n;) {
		wchar_t wc;
		size_t len = mbrtowc(&wc, s + i, n - i, &st);
		if (len == (size_t)-1 || len == (size_t)-2 || len == 0)
			return -1;
		int cw = wcwidth(wc);
		if (cw < 0)
			return -1;
		w += cw;
		i += len;
	}
	return w;
}

static void check_snapshot(int width, bool ascii)
{
	char wbuf[16];
	snprintf(wbuf, sizeof wbuf, "%d", width);
	struct th_run r = th_shipdeck(dir, NULL, ascii
		? ARGS("--db", db, "--repo", repo, NOW, "--ascii", "snapshot", "--width", wbuf)
		: ARGS("--db", db, "--repo", repo, NOW, "snapshot", "--width", wbuf));
	cr_assert_eq(r.status, 0, "%s", r.err);
	size_t lines = 0, cut = 0;
	const char *ellipsis = ascii ? "~" : "\xe2\x80\xa6";
	for (const char *p = r.out; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		int w = line_width(p, n);
		cr_assert(w >= 0 && w <= width, "--width %d%s, line %zu is %d columns: %.*s", width,
			  ascii ? " --ascii" : "", lines + 1, w, (int)(n < 300 ? n : 300), p);
		if (n >= strlen(ellipsis) && memcmp(p + n - strlen(ellipsis), ellipsis, strlen(ellipsis)) == 0)
			cut++;
		lines++;
		p += n + (nl ? 1 : 0);
	}
	/* the hostile names are in the snapshot, cut to fit */
	cr_assert(strstr(r.out, "Slowest:"), "%s", r.out);
	cr_assert(strstr(r.out, "WWWWWWWWWW"), "%s", r.out);
	cr_assert(strstr(r.out, "\xe7\x95\x8c\xe7\x95\x8c"), "%s", r.out);
	cr_assert(strstr(r.out, "\xe9\xa1\x8c\xe9\xa1\x8c"), "%s", r.out);
	cr_assert_gt(cut, 0, "no line was cut: %s", r.out);
	cr_assert_gt(lines, 20, "%s", r.out);
	th_run_free(&r);
}

Test(width, every_line_fits_40_80_120)
{
	const int widths[] = {40, 80, 120};
	for (size_t i = 0; i < 3; i++) {
		check_snapshot(widths[i], false);
		check_snapshot(widths[i], true);
	}
}

/* A norm's unit is never cut (issue 11): a feature in Build & Package for
 * four days reads "day 5 (expected 20–30 min)" — days against a build-time
 * norm, worked by hand: set on 2026-11-23T12:00Z, now 2026-11-27T12:00Z is
 * 4 days later, the fifth day; a medium feature's build norm is 20–30 min
 * (data/phases.json) — and the label is whole in the days column at 80
 * columns, its flags too (the column widens to its widest label, and flags
 * that no longer fit go on their own line). */
Test(width, the_days_column_keeps_the_unit)
{
	struct th_run r = th_shipdeck(dir, NULL, ARGS("--db", db, "--repo", repo, "--now=2026-11-23T12:00:00Z",
						      "feature", "add", "Gift cards", "--key", "GC-1", "--size", "medium"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	r = th_shipdeck(dir, NULL, ARGS("--db", db, "--repo", repo, "--now=2026-11-23T12:00:00Z", "feature", "phase",
					"GC-1", "build", "--reason", "waiting for the packager"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	r = th_shipdeck(dir, NULL, ARGS("--db", db, "--repo", repo, NOW, "snapshot", "--width", "80"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *line = strstr(r.out, "  GC-1 ");
	cr_assert(line, "%s", r.out);
	char *one = xstrndup(line, strcspn(line, "\n"));
	cr_assert(strstr(one, "day 5 (expected 20\xe2\x80\x93" "30 min)"), "the label is cut: '%s'", one);
	free(one);
	th_run_free(&r);
}
