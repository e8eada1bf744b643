/* test_firstrun — pins a first run with no flags and no config (issue 12):
 * on repositories made at test time with each tag habit — a name prefix
 * with release candidates (proj-1.1rc1), curl's underscore versions
 * (curl-8_1_0), v tags, bare numbers, and no tags — the deploy pattern is
 * the repository's own (proj-*,!*rc*, curl-*, the default, [0-9]*, none),
 * a note says so and how to keep it, and `info` names its source; a pattern
 * someone set is never replaced; when the newest deployment is older than
 * the window, the note names the window that would show it (worked out by
 * hand below); `init` writes what it found only with --yes (not on a
 * terminal) and never over an existing file. tagpattern_guess is also
 * pinned on the real tag lists of jq, curl and libgit2 (abridged). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "tagpattern.h"
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

TestSuite(firstrun, .init = setup, .fini = teardown, .timeout = 60);

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
/* Every run is as of one instant, so the ages below are fixed. */
#define NOW "--now", "2026-06-01T00:00:00Z"

static void expect(struct th_run *r, int status, const char *out_has, const char *err_has)
{
	cr_assert_eq(r->status, status, "status %d, stderr: %s, stdout: %s", r->status, r->err, r->out);
	if (out_has)
		cr_assert(strstr(r->out, out_has), "stdout lacks '%s': %s", out_has, r->out);
	if (err_has)
		cr_assert(strstr(r->err, err_has), "stderr lacks '%s': %s", err_has, r->err);
}

/* A repository with one commit per tag, each a day apart from 2026-01-02
 * 10:00 UTC (lightweight tags: a tag's time is its commit's). */
static char *repo_with_tags(const char *name, const char *const *tags)
{
	char *repo = th_make_repo(home, name);
	for (int i = 0; tags[i]; i++) {
		char date[48];
		snprintf(date, sizeof date, "2026-01-%02dT10:00:00+0000", 2 + i);
		cr_assert_eq(th_git(repo, date, "commit -q --allow-empty -m 'release %d'", i), 0);
		cr_assert_eq(th_git(repo, date, "tag '%s'", tags[i]), 0);
	}
	return repo;
}

static struct th_run snapshot(const char *repo)
{
	return th_shipdeck(home, NULL, ARGS("--repo", repo, NOW, "--snapshot", "--width", "200"));
}

static void habit(const char *name, const char *const *tags, const char *want_pattern, const char *want_count)
{
	char *repo = repo_with_tags(name, tags);
	struct th_run r = snapshot(repo);
	char *note = xasprintf("so this run uses '%s', which %s tags match; keep it with 'shipdeck init'",
			       want_pattern, want_count);
	expect(&r, 0, note, NULL);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--repo", repo, "info"));
	expect(&r, 0, "guessed from the repository's tags", NULL);
	cr_assert(strstr(r.out, want_pattern), "%s", r.out);
	th_run_free(&r);
	free(note);
	free(repo);
}

Test(firstrun, prefix_tags_with_release_candidates)
{
	habit("proj", ARGS("proj-1.0", "proj-1.1rc1", "proj-1.1", "proj-1.2rc1", "proj-1.2"),
	      "proj-*,!*rc*", "3 of the repository's 5");
}

Test(firstrun, curl_style_underscore_versions)
{
	habit("curl", ARGS("curl-8_0_0", "curl-8_1_0", "curl-8_1_1", "rc-8_2_0-1", "before_rename"),
	      "curl-*", "3 of the repository's 5");
}

Test(firstrun, bare_numbers)
{
	habit("bare", ARGS("1.0.0", "1.1.0", "2.0.0"), "[0-9]*", "3 of the repository's 3");
}

Test(firstrun, v_tags_keep_the_default_and_say_nothing)
{
	char *repo = repo_with_tags("vee", ARGS("v1.0.0", "v1.1.0-rc1", "v1.1.0"));
	struct th_run r = snapshot(repo);
	expect(&r, 0, NULL, NULL);
	cr_assert_null(strstr(r.out, "so this run uses"), "%s", r.out);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--repo", repo, "info"));
	cr_assert(strstr(r.out, "v*,!*rc*"), "%s", r.out);
	cr_assert_null(strstr(r.out, "guessed"), "%s", r.out);
	th_run_free(&r);
	free(repo);
}

Test(firstrun, no_tags_says_why_there_are_no_deployments)
{
	char *repo = repo_with_tags("none", ARGS("not-a-release"));
	struct th_run r = snapshot(repo);
	expect(&r, 0, "no tag matches the deploy pattern", NULL);
	cr_assert_null(strstr(r.out, "so this run uses"), "%s", r.out);
	th_run_free(&r);
	free(repo);
}

Test(firstrun, a_pattern_someone_set_is_kept)
{
	char *repo = repo_with_tags("set", ARGS("jq-1.0", "jq-1.1"));
	struct th_run r = th_shipdeck(home, NULL, ARGS("--repo", repo, NOW, "--deploy-tags", "rel-*", "--snapshot"));
	expect(&r, 0, "no tag matches the deploy pattern 'rel-*'", NULL);
	cr_assert_null(strstr(r.out, "so this run uses"), "%s", r.out);
	th_run_free(&r);
	free(repo);
}

/* proj-1.2 is on 2026-01-06 10:00 UTC (the fifth commit: 2 + 4). As of
 * 2026-06-01 00:00 that is 145 days 14 h, so 145 whole days: outside the
 * 90-day window; rounded up to a month, 150 days would show it. */
Test(firstrun, an_old_newest_deployment_names_the_window_that_shows_it)
{
	char *repo = repo_with_tags("old", ARGS("proj-1.0", "proj-1.1rc1", "proj-1.1", "proj-1.2rc1", "proj-1.2"));
	struct th_run r = snapshot(repo);
	expect(&r, 0, "no deployment in the last 90 days: the newest, proj-1.2, was on 2026-01-06 10:00 UTC "
		      "(145 days ago); --window-days 150", NULL);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--repo", repo, NOW, "--window-days", "150", "--snapshot"));
	expect(&r, 0, NULL, NULL);
	cr_assert_null(strstr(r.out, "no deployment in the last"), "150 days show it: %s", r.out);
	th_run_free(&r);
	free(repo);
}

Test(firstrun, init_writes_what_it_found_with_yes_only)
{
	char *repo = repo_with_tags("keep", ARGS("proj-1.0", "proj-1.1rc1", "proj-1.1", "proj-1.2rc1", "proj-1.2"));
	char *cfg = xasprintf("%s/.shipdeck.json", repo);
	struct th_run r = th_shipdeck(home, NULL, ARGS("--repo", repo, NOW, "init"));
	expect(&r, 2, "\"deploy_tags\": \"proj-*,!*rc*\"", "give --yes");
	struct stat sb;
	cr_assert_neq(stat(cfg, &sb), 0, "written without --yes");
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--repo", repo, NOW, "init", "--yes"));
	expect(&r, 0, "wrote it", NULL);
	th_run_free(&r);
	char *text = read_file(cfg, NULL);
	cr_assert(text && strstr(text, "\"deploy_tags\": \"proj-*,!*rc*\""), "%s", text);
	cr_assert(strstr(text, "\"window_days\": 150"), "the window that holds proj-1.2: %s", text);
	cr_assert(strstr(text, "\"timezone\": "), "%s", text);
	/* The file is now the source, and the note is gone. */
	r = th_shipdeck(home, NULL, ARGS("--repo", repo, NOW, "--snapshot"));
	expect(&r, 0, NULL, NULL);
	cr_assert_null(strstr(r.out, "so this run uses"), "%s", r.out);
	cr_assert_null(strstr(r.out, "no deployment in the last"), "%s", r.out);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--repo", repo, NOW, "init", "--yes"));
	expect(&r, 2, NULL, "already exists");
	th_run_free(&r);
	char *again = read_file(cfg, NULL);
	cr_assert_str_eq(again, text, "an existing file was changed");
	free(again);
	free(text);
	free(cfg);
	free(repo);
}

static void guess_is(const char *const *names, const char *want, size_t want_matched)
{
	size_t n = 0, matched;
	while (names[n])
		n++;
	char *got = tagpattern_guess(names, n, &matched);
	cr_assert_str_eq(got ? got : "(none)", want);
	cr_assert_eq(matched, want_matched, "%s matches %zu", want, matched);
	free(got);
}

Test(firstrun, guesses_on_real_tag_lists)
{
	/* jq's tags (abridged): 10 jq-*, 4 of them rc's, and one stray bare rc. */
	guess_is(ARGS("1.6rc2", "jq-1.5", "jq-1.5rc1", "jq-1.5rc2", "jq-1.6", "jq-1.6rc1", "jq-1.7",
		      "jq-1.7.1", "jq-1.7rc1", "jq-1.8.0", "jq-1.8.1"), "jq-*,!*rc*", 6);
	/* curl's: curl-*, beside rc-*, tiny-curl-* and two named tags. */
	guess_is(ARGS("before_ftp_statemachine", "curl-8_1_0", "curl-8_2_0", "curl-8_21_0", "curl_7_6-pre3",
		      "rc-8_22_0-1", "rc-8_22_0-2", "tiny-curl-8_4_0"), "curl-*", 3);
	/* libgit2's v tags with rc's: the default's own shape. */
	guess_is(ARGS("v0.21.0", "v0.21.0-rc1", "v1.9.0", "v1.9.1"), "v*,!*rc*", 3);
	guess_is(ARGS("2.4.1", "2.5.0", "2.6.0-rc1"), "[0-9]*,!*rc*", 2);
	guess_is(ARGS("latest", "stable"), "(none)", 0);
}
