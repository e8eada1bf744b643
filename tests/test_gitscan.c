/* test_gitscan — pins the git history engine to spec §0–§3 on real
 * repositories built at test time with the git CLI (fixed dates) and a real
 * SQLite cache: which refs are history (pull-request refs and notes are
 * not), which tags are deployments (pattern with '!' exclusions, tags on
 * trees or blobs ignored), their times (tagger date vs committer date, time
 * zones converted, several tags on one commit = the earliest), what each
 * deployment ships (one pass; merges are not changes; a maintenance patch
 * tag ships only its own commit), reverts (full and abbreviated hashes,
 * shipped with the change or later, never shipped, unknown ignored),
 * recorded deployments merging with a tag or standing alone, shallow clones
 * and empty repositories, and the incremental cache: a warm start walks
 * nothing, a new tag walks only the new commits, and a moved tag, a
 * force-pushed branch, a changed pattern or changed records give exactly
 * what a full rescan gives. Times are written as hand-computed Unix
 * seconds: T0 = 2026-01-01T00:00:00Z = 1767225600 (date -u -d @1767225600). */
#include <criterion/criterion.h>
#include <fnmatch.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "gitrefs.h"
#include "gitrepo.h"
#include "gitscan.h"
#include "helpers.h"
#include "store.h"
#include "util.h"

#define T0 INT64_C(1767225600)
/* 2026-01-DD HH:00 UTC */
#define T(day, hour) (T0 + ((day) - 1) * INT64_C(86400) + (hour) * INT64_C(3600))

static char *tmp, *repo, *dbpath;
static struct store *st;
static char *pool[64];
static size_t npool;
static char err[512];

static char *keep(char *s)
{
	cr_assert_lt(npool, ARRAY_SIZE(pool));
	return pool[npool++] = s;
}

static void setup(void)
{
	tmp = th_tmpdir();
	repo = xasprintf("%s/r", tmp);
	th_sh(tmp, "mkdir r");
	cr_assert_eq(th_git(repo, "2026-01-01T00:00:00+0000", "init -q"), 0);
	dbpath = xasprintf("%s/cache.db", tmp);
	st = store_open(dbpath, STORE_CREATE, err, sizeof err);
	cr_assert_not_null(st, "%s", err);
}

static void teardown(void)
{
	store_close(st);
	th_rmtree(tmp);
	for (size_t i = 0; i < npool; i++)
		free(pool[i]);
	free(tmp);
	free(repo);
	free(dbpath);
}

TestSuite(gitscan, .init = setup, .fini = teardown);

/* A commit on the current branch with the message msg, dated (author and
 * committer) date; returns its sha. */
static const char *commit(const char *date, const char *msg)
{
	char *f = xasprintf("%s/msg", tmp);
	th_write(f, msg);
	cr_assert_eq(th_git(repo, date, "commit -q --allow-empty -F '%s'", f), 0);
	free(f);
	return keep(th_rev(repo, "HEAD"));
}

static void ltag(const char *name, const char *rev)
{
	cr_assert_eq(th_git(repo, "2030-01-01T00:00:00+0000", "tag -f %s %s", name, rev), 0);
}

/* An annotated tag whose tagger date is date. */
static void atag(const char *name, const char *rev, const char *date)
{
	cr_assert_eq(th_git(repo, date, "tag -f -a %s -m 'Release %s' %s", name, name, rev), 0);
}

static void sync_with(struct store *s, const struct gitscan_opts *o, struct gitscan_result *r)
{
	cr_assert_eq(gitscan_sync(s, repo, o, r, err, sizeof err), 0, "gitscan_sync: %s", err);
}

static void scan(const struct gitscan_opts *o, struct gitscan_result *r)
{
	sync_with(st, o, r);
}

/* A full scan into a fresh database: what every incremental run must equal. */
static void sync_fresh(const struct gitscan_opts *o, struct gitscan_result *r)
{
	char *p = xasprintf("%s/fresh-%zu.db", tmp, npool);
	keep(p);
	struct store *s2 = store_open(p, STORE_CREATE, err, sizeof err);
	cr_assert_not_null(s2, "%s", err);
	struct gitscan_opts full = o ? *o : (struct gitscan_opts){0};
	full.full = true;
	sync_with(s2, &full, r);
	store_close(s2);
}

static size_t changes_of(const struct gitscan_result *r, int deploy)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nchanges; i++)
		n += r->changes[i].deploy == deploy;
	return n;
}

static bool has_warning(const struct gitscan_result *r, const char *needle)
{
	for (size_t i = 0; i < r->nwarnings; i++)
		if (strstr(r->warnings[i], needle))
			return true;
	return false;
}

static void assert_same(const struct gitscan_result *a, const struct gitscan_result *b)
{
	cr_assert_eq(a->ndeploys, b->ndeploys);
	for (size_t i = 0; i < a->ndeploys; i++) {
		cr_assert_eq(a->deploys[i].time, b->deploys[i].time, "deploy %zu", i);
		cr_assert_str_eq(a->deploys[i].ref, b->deploys[i].ref);
		cr_assert_str_eq(a->deploys[i].commit, b->deploys[i].commit);
		cr_assert_eq(a->deploys[i].from_tag, b->deploys[i].from_tag);
		cr_assert_eq(a->deploys[i].from_record, b->deploys[i].from_record);
		cr_assert_eq(a->deploys[i].failed_record, b->deploys[i].failed_record);
		cr_assert_eq(a->deploys[i].hotfix, b->deploys[i].hotfix);
		cr_assert_eq(a->record_ids[i], b->record_ids[i]);
	}
	cr_assert_eq(a->nchanges, b->nchanges);
	for (size_t i = 0; i < a->nchanges; i++) {
		cr_assert_eq(a->changes[i].deploy, b->changes[i].deploy, "change %zu", i);
		cr_assert_eq(a->changes[i].author_time, b->changes[i].author_time, "change %zu", i);
		cr_assert_eq(a->changes[i].commit_time, b->changes[i].commit_time, "change %zu", i);
		cr_assert_eq(a->changes[i].landed, b->changes[i].landed, "change %zu: landing", i);
	}
	cr_assert_eq(a->nreverts, b->nreverts);
	for (size_t i = 0; i < a->nreverts; i++) {
		cr_assert_eq(a->reverts[i].reverted_deploy, b->reverts[i].reverted_deploy);
		cr_assert_eq(a->reverts[i].revert_deploy, b->reverts[i].revert_deploy);
		cr_assert_eq(a->reverts[i].revert_author_time, b->reverts[i].revert_author_time);
		cr_assert_eq(a->reverts[i].revert_pr, b->reverts[i].revert_pr);
		cr_assert_eq(a->reverts[i].reverted_pr, b->reverts[i].reverted_pr);
	}
	cr_assert_eq(a->commits_known, b->commits_known);
}

/* ---- which tags, and when ---------------------------------------------- */

Test(gitscan, tag_patterns)
{
	cr_assert(gitscan_tag_matches(NULL, "v1.2.0"));
	cr_assert_not(gitscan_tag_matches(NULL, "v1.2.0-rc1"));  /* default "v*,!*rc*" */
	cr_assert_not(gitscan_tag_matches(NULL, "1.2.0"));
	cr_assert(gitscan_tag_matches(" jq-* , !*rc* ", "jq-1.7.1"));
	cr_assert_not(gitscan_tag_matches("jq-*,!*rc*", "jq-1.7rc2"));
	cr_assert(gitscan_tag_matches("v*", "v1/hotfix"));       /* no FNM_PATHNAME */
	cr_assert(gitscan_tag_matches("!*rc*", "2.4.1"));        /* only exclusions: all else */
	cr_assert_not(gitscan_tag_matches("curl-*", "v8.0"));
	/* The prefix, suffix, substring and exact fast paths answer as
	 * fnmatch(3) with no flags does, on every pair below (a '*' crossing
	 * '/', a leading '.', the empty literal, escapes and classes left to
	 * fnmatch); a few answers worked out by hand first. */
	cr_assert(gitscan_tag_matches("*hotfix*", "v1.2-hotfix3"));
	cr_assert(gitscan_tag_matches("*-hf", "v1/2-hf"));
	cr_assert_not(gitscan_tag_matches("*-hf", "v1-hf2"));
	cr_assert(gitscan_tag_matches("v1.2.0", "v1.2.0"));
	cr_assert_not(gitscan_tag_matches("v1.2.0", "v1.2.0.1"));
	cr_assert(gitscan_tag_matches("*", ".hidden"));
	cr_assert_not(gitscan_tag_matches("v\\*", "v1"));       /* an escaped '*' is literal */
	static const char *const globs[] = {"v*", "*rc*", "*hotfix*", "*-hf", "v1.2.0", "*", "**",
					    "v*x", "v?", "[vw]*", "v\\*", "*.*", "rel/*", "*/*"};
	static const char *const names[] = {"v1", "v", "", "v1.2.0", "v1.2.0-rc1", "rc", "x-hotfix",
					    "hotfix", "a-hf", "-hf", "w1", "v*", ".v", "rel/2", "rel/", "vx"};
	for (size_t i = 0; i < ARRAY_SIZE(globs); i++)
		for (size_t j = 0; j < ARRAY_SIZE(names); j++)
			cr_assert_eq(gitscan_tag_matches(globs[i], names[j]), fnmatch(globs[i], names[j], 0) == 0,
				     "%s on %s", globs[i], names[j]);
}

Test(gitscan, annotated_uses_tagger_date_lightweight_committer_date)
{
	const char *c1 = commit("2026-01-02T10:00:00+0000", "one\n");
	ltag("v1.0", c1);
	const char *c2 = commit("2026-01-03T10:00:00+0000", "two\n");
	atag("v1.1", c2, "2026-01-05T09:00:00+0000");
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.ndeploys, 2);
	cr_assert_str_eq(r.deploys[0].ref, "v1.0");
	cr_assert_str_eq(r.deploys[0].commit, c1);
	cr_assert_eq(r.deploys[0].time, T(2, 10));  /* committer date of c1 */
	cr_assert(r.deploys[0].from_tag);
	cr_assert_not(r.deploys[0].from_record);
	cr_assert_str_eq(r.deploys[1].ref, "v1.1");
	cr_assert_eq(r.deploys[1].time, T(5, 9));   /* tagger date, not c2's 01-03 */
	cr_assert_eq(r.record_ids[0], 0);
	gitscan_result_free(&r);
}

Test(gitscan, several_tags_on_one_commit_are_one_deployment_at_the_earliest)
{
	const char *c1 = commit("2026-01-02T10:00:00+0000", "one\n");
	atag("v2.0", c1, "2026-01-04T00:00:00+0000");
	ltag("v2.0.0", c1);                          /* lightweight: c1's date 01-02 10:00 */
	const char *c2 = commit("2026-01-03T00:00:00+0000", "two\n");
	atag("v3", c2, "2026-01-06T00:00:00+0000");
	atag("v3.0", c2, "2026-01-04T12:00:00+0000");
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.ndeploys, 2);
	cr_assert_str_eq(r.deploys[0].ref, "v2.0, v2.0.0");
	cr_assert_eq(r.deploys[0].time, T(2, 10));   /* min(01-04 00:00, 01-02 10:00) */
	cr_assert_str_eq(r.deploys[1].ref, "v3, v3.0");
	cr_assert_eq(r.deploys[1].time, T(4, 12));   /* min(01-06, 01-04 12:00) */
	cr_assert_str_eq(r.deploys[1].commit, c2);
	gitscan_result_free(&r);
}

Test(gitscan, time_zones_are_converted_not_read_as_local)
{
	/* 2026-03-01T00:00Z = T0 + (31 + 28) days = 1767225600 + 5097600 = 1772323200.
	 * c1 10:00 +0530 = 04:30Z = 1772323200 + 16200 = 1772339400.
	 * v2's tagger 03:00 -0700 = 10:00Z = 1772323200 + 36000 = 1772359200:
	 * read as local time (03:00 < 10:00) it would sort before v1. */
	const char *c1 = commit("2026-03-01T10:00:00+0530", "one\n");
	ltag("v1", c1);
	const char *c2 = commit("2026-03-01T02:00:00-0700", "two\n"); /* 09:00Z = 1772355600 */
	atag("v2", c2, "2026-03-01T03:00:00-0700");
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.ndeploys, 2);
	cr_assert_str_eq(r.deploys[0].ref, "v1");
	cr_assert_eq(r.deploys[0].time, 1772339400);
	cr_assert_str_eq(r.deploys[1].ref, "v2");
	cr_assert_eq(r.deploys[1].time, 1772359200);
	cr_assert_eq(r.nchanges, 2);
	cr_assert_eq(r.changes[1].deploy, 1);
	cr_assert_eq(r.changes[1].author_time, 1772355600);
	cr_assert_eq(r.changes[1].commit_time, 1772355600);
	gitscan_result_free(&r);
}

Test(gitscan, rc_tags_and_exclusions_follow_the_pattern)
{
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1.0-rc1", c1);
	const char *c2 = commit("2026-01-03T00:00:00+0000", "two\n");
	ltag("v1.0", c2);
	const char *c3 = commit("2026-01-04T00:00:00+0000", "three\n");
	ltag("release-2", c3);
	const char *c4 = commit("2026-01-05T00:00:00+0000", "four\n");
	ltag("release-3-beta", c4);
	struct gitscan_result r;
	scan(NULL, &r);  /* default v*,!*rc*: only v1.0, which ships c1 and c2 */
	cr_assert_eq(r.ndeploys, 1);
	cr_assert_str_eq(r.deploys[0].ref, "v1.0");
	cr_assert_eq(changes_of(&r, 0), 2);
	cr_assert_eq(r.nchanges, 2);
	cr_assert_eq(r.commits_known, 4);  /* c3, c4 known but unshipped */
	gitscan_result_free(&r);

	struct gitscan_opts o = {.deploy_tags = "v*,release-*,!*beta*,!*rc*"};
	scan(&o, &r);
	cr_assert_eq(r.ndeploys, 2);
	cr_assert_str_eq(r.deploys[0].ref, "v1.0");
	cr_assert_str_eq(r.deploys[1].ref, "release-2");
	cr_assert_eq(changes_of(&r, 1), 1);
	gitscan_result_free(&r);
}

/* ---- what each deployment ships ----------------------------------------- */

Test(gitscan, merges_are_not_changes_and_the_first_deployment_is_marked)
{
	/* c1 [v1] -- c2 ----- m [v2]
	 *   \-- f1 -- f2 ---/
	 * v1 ships c1 (deployment 0: the metrics leave it out, spec §2).
	 * v2 ships m, c2, f1, f2: 4 commits, 3 changes (m has 2 parents). */
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	cr_assert_eq(th_git(repo, "2026-01-02T00:00:00+0000", "checkout -q -b feature"), 0);
	commit("2026-01-03T00:00:00+0000", "f1\n");
	commit("2026-01-04T00:00:00+0000", "f2\n");
	cr_assert_eq(th_git(repo, "2026-01-04T00:00:00+0000", "checkout -q main"), 0);
	commit("2026-01-05T00:00:00+0000", "two\n");
	cr_assert_eq(th_git(repo, "2026-01-06T00:00:00+0000", "merge -q --no-ff -m 'Merge feature' feature"), 0);
	ltag("v2", "HEAD");
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.ndeploys, 2);
	cr_assert_eq(r.deploys[1].time, T(6, 0));
	cr_assert_eq(r.commits_known, 5);
	cr_assert_eq(r.nchanges, 4);
	cr_assert_eq(changes_of(&r, 0), 1);
	cr_assert_eq(changes_of(&r, 1), 3);
	cr_assert_eq(r.changes[0].deploy, 0);
	cr_assert_eq(r.changes[0].author_time, T(2, 0));
	cr_assert_str_eq(r.default_branch, "main");
	gitscan_result_free(&r);
}

Test(gitscan, author_and_committer_times_are_kept_apart)
{
	cr_assert_eq(th_sh(repo, "GIT_AUTHOR_DATE='2026-01-01T08:00:00+0000' GIT_COMMITTER_DATE='2026-01-03T20:00:00+0000' "
			   "HOME='%s' git -c user.name=T -c user.email=t@e commit -q --allow-empty -m x", repo), 0);
	ltag("v1", "HEAD");
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.nchanges, 1);
	cr_assert_eq(r.changes[0].author_time, T(1, 8));
	cr_assert_eq(r.changes[0].commit_time, T(3, 20));
	cr_assert_eq(r.deploys[0].time, T(3, 20));
	gitscan_result_free(&r);
}

Test(gitscan, a_patch_tag_on_a_maintenance_branch_ships_only_its_commits)
{
	/* main:  c1 [v1.0, 01-01] -- c2 (01-02) -- c3 [v1.1, 01-04]
	 * maint:   \-- p1 [v1.0.1, 01-03]
	 * Order: v1.0, v1.0.1, v1.1. v1.0 ships c1; v1.0.1 ships p1 (c1 is
	 * taken); v1.1 ships c3 and c2, never p1 (main does not contain it). */
	const char *c1 = commit("2026-01-01T00:00:00+0000", "one\n");
	ltag("v1.0", c1);
	commit("2026-01-02T00:00:00+0000", "two\n");
	cr_assert_eq(th_git(repo, "2026-01-02T00:00:00+0000", "checkout -q -b maint/1.0 %s", c1), 0);
	const char *p1 = commit("2026-01-03T00:00:00+0000", "backport\n");
	ltag("v1.0.1", p1);
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "checkout -q main"), 0);
	commit("2026-01-04T00:00:00+0000", "three\n");
	ltag("v1.1", "HEAD");
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.ndeploys, 3);
	cr_assert_str_eq(r.deploys[1].ref, "v1.0.1");
	cr_assert_eq(changes_of(&r, 0), 1);
	cr_assert_eq(changes_of(&r, 1), 1);
	cr_assert_eq(changes_of(&r, 2), 2);
	gitscan_result_free(&r);
}

Test(gitscan, reverts_full_abbreviated_shipped_together_later_and_never)
{
	/* c1 [v1] c2 c3 [v2] c4 [v3] c7 [v4] c5 c6
	 * c3 reverts c2, both shipped by v2          -> (reverted 1, revert 1)
	 * c4 reverts c1 by a 7-hex abbreviation       -> (0, 2)
	 * c7 reverts c3 and c4 (two lines)            -> (1, 3), (2, 3)
	 * c6 reverts c5, neither ever shipped         -> (-1, -1)
	 * c6 also names an unknown hash (ignored) and has a "This reverts" that
	 * does not start its line (ignored). Sorted by revert, then reverted. */
	char msg[512];
	const char *c1 = commit("2026-01-02T00:00:00+0000", "Add A\n");
	atag("v1", c1, "2026-01-02T12:00:00+0000");
	const char *c2 = commit("2026-01-03T00:00:00+0000", "Add B\n");
	snprintf(msg, sizeof msg, "Revert \"Add B\"\n\nThis reverts commit %s.\n", c2);
	const char *c3 = commit("2026-01-04T00:00:00+0000", msg);
	ltag("v2", c3);
	snprintf(msg, sizeof msg, "Revert \"Add A\"\n\nThis reverts commit %.7s.\n", c1);
	const char *c4 = commit("2026-01-05T00:00:00+0000", msg);
	ltag("v3", c4);
	snprintf(msg, sizeof msg, "Undo both\n\nThis reverts commit %s.\nThis reverts commit %s.\n", c3, c4);
	commit("2026-01-06T00:00:00+0000", msg);
	ltag("v4", "HEAD");
	const char *c5 = commit("2026-01-07T00:00:00+0000", "Add C\n");
	snprintf(msg, sizeof msg, "Revert \"Add C\"\n\nThis reverts commit %s.\n"
		 "This reverts commit 0000000deadbeef.\nSee: This reverts commit %s\n"
		 "This reverts commit %.6s (too short)\n", c5, c1, c1);
	commit("2026-01-08T00:00:00+0000", msg);
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.ndeploys, 4);
	cr_assert_eq(r.nreverts, 5);
	int want[5][2] = {{-1, -1}, {1, 1}, {0, 2}, {1, 3}, {2, 3}};
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(r.reverts[i].reverted_deploy, want[i][0], "revert %d", i);
		cr_assert_eq(r.reverts[i].revert_deploy, want[i][1], "revert %d", i);
	}
	cr_assert_eq(r.reverts[0].revert_author_time, T(8, 0));
	cr_assert_eq(r.reverts[2].revert_author_time, T(5, 0));
	gitscan_result_free(&r);
}

/* Two commits whose ids share their first 7 hex digits (found by hashing
 * candidate commit objects with libgit2, ~20 000 tries for a 28-bit
 * collision, then writing only the two), both children of parent. */
static void colliding_commits(const char *parent, char a[41], char b[41])
{
	enum { NSLOT = 1 << 17 };
	uint32_t *seen = xcalloc(NSLOT, sizeof *seen);   /* prefix << 4 | used, by prefix hash */
	uint32_t *tries = xcalloc(NSLOT, sizeof *tries);
	git_repository *r;
	git_odb *odb;
	git_libgit2_init();
	cr_assert_eq(git_repository_open(&r, repo), 0);
	cr_assert_eq(git_repository_odb(&odb, r), 0);
	char buf[512];
	for (uint32_t n = 1;; n++) {
		int len = snprintf(buf, sizeof buf, "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent %s\n"
				   "author T <t@e> 1767484800 +0000\ncommitter T <t@e> 1767484800 +0000\n\n"
				   "candidate %u\n", parent, n);
		git_oid id;
		cr_assert_eq(git_odb_hash(&id, buf, (size_t)len, GIT_OBJECT_COMMIT), 0);
		uint32_t pre = (uint32_t)id.id[0] << 20 | (uint32_t)id.id[1] << 12 | (uint32_t)id.id[2] << 4 | id.id[3] >> 4;
		size_t i = (pre * 2654435761u) & (NSLOT - 1);
		while (seen[i] && (seen[i] >> 4) != pre)
			i = (i + 1) & (NSLOT - 1);
		if (!seen[i]) {
			seen[i] = pre << 4 | 1;
			tries[i] = n;
			continue;
		}
		for (int k = 0; k < 2; k++) {  /* write both: the earlier try and this one */
			uint32_t m = k ? n : tries[i];
			len = snprintf(buf, sizeof buf, "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent %s\n"
				       "author T <t@e> 1767484800 +0000\ncommitter T <t@e> 1767484800 +0000\n\n"
				       "candidate %u\n", parent, m);
			cr_assert_eq(git_odb_write(&id, odb, buf, (size_t)len, GIT_OBJECT_COMMIT), 0);
			git_oid_tostr(k ? b : a, 41, &id);
		}
		break;
	}
	git_odb_free(odb);
	git_repository_free(r);
	git_libgit2_shutdown();
	free(seen);
	free(tries);
	cr_assert_eq(strncmp(a, b, 7), 0);
	cr_assert_str_neq(a, b);
}

Test(gitscan, an_ambiguous_abbreviation_is_ignored)
{
	/* c1 [v1]; a and b share 7 hex digits, a on main, b on branch other.
	 * r (on a, tagged v2) says "This reverts commit <7 hex>": ambiguous,
	 * ignored; and "This reverts commit <b, one digit past the common
	 * prefix>": unique, b. b is shipped by no deployment (-1); r by v2 (1). */
	char a[41], b[41], msg[256];
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	colliding_commits(c1, a, b);
	size_t common = 7;
	while (a[common] == b[common])
		common++;
	cr_assert_eq(th_git(repo, "2026-01-05T00:00:00+0000", "update-ref refs/heads/other %s", b), 0);
	cr_assert_eq(th_git(repo, "2026-01-05T00:00:00+0000", "reset -q --hard %s", a), 0);
	snprintf(msg, sizeof msg, "Revert\n\nThis reverts commit %.7s.\nThis reverts commit %.*s.\n",
		 a, (int)common + 1, b);
	commit("2026-01-06T00:00:00+0000", msg);
	ltag("v2", "HEAD");
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.commits_known, 4);
	cr_assert_eq(r.nreverts, 1);
	cr_assert_eq(r.reverts[0].reverted_deploy, -1);
	cr_assert_eq(r.reverts[0].revert_deploy, 1);
	gitscan_result_free(&r);
}

/* ---- recorded deployments ---------------------------------------------- */

Test(gitscan, records_merge_with_a_tag_or_stand_alone)
{
	/* c1 [v1, tagger 01-02 12:00] c2 (01-03) c3 [v2, lightweight 01-04]
	 * record 7: c3 at 01-05, failed   -> replaces v2's time, keeps its name
	 * record 8: c2 at 01-03 12:00, hotfix, "hotfix-1" -> its own deployment
	 * Order: v1 (01-02 12:00), hotfix-1 (01-03 12:00), v2 (01-05); one
	 * change each. */
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	atag("v1", c1, "2026-01-02T12:00:00+0000");
	const char *c2 = commit("2026-01-03T00:00:00+0000", "two\n");
	const char *c3 = commit("2026-01-04T00:00:00+0000", "three\n");
	ltag("v2", c3);
	struct gitscan_record rec[] = {
		{.commit = c3, .time = T(5, 0), .ref = "deploy-9", .failed = true, .record_id = 7},
		{.commit = c2, .time = T(3, 12), .ref = "hotfix-1", .hotfix = true, .record_id = 8},
	};
	struct gitscan_opts o = {.records = rec, .nrecords = 2};
	struct gitscan_result r;
	scan(&o, &r);
	cr_assert_eq(r.ndeploys, 3);
	cr_assert_str_eq(r.deploys[0].ref, "v1");
	cr_assert_eq(r.record_ids[0], 0);
	cr_assert_str_eq(r.deploys[1].ref, "hotfix-1");
	cr_assert_str_eq(r.deploys[1].commit, c2);
	cr_assert_eq(r.deploys[1].time, T(3, 12));
	cr_assert(r.deploys[1].from_record);
	cr_assert_not(r.deploys[1].from_tag);
	cr_assert(r.deploys[1].hotfix);
	cr_assert_eq(r.record_ids[1], 8);
	cr_assert_str_eq(r.deploys[2].ref, "v2");
	cr_assert_eq(r.deploys[2].time, T(5, 0));
	cr_assert(r.deploys[2].from_tag && r.deploys[2].from_record && r.deploys[2].failed_record);
	cr_assert_not(r.deploys[2].hotfix);
	cr_assert_eq(r.record_ids[2], 7);
	for (int k = 0; k < 3; k++)
		cr_assert_eq(changes_of(&r, k), 1);
	gitscan_result_free(&r);

	/* Same records again: nothing to walk. */
	scan(&o, &r);
	cr_assert_eq(r.commits_walked, 0);
	gitscan_result_free(&r);

	/* Records gone: v2 back at 01-04 and shipping c2 too (2 changes). */
	struct gitscan_result full;
	scan(NULL, &r);
	sync_fresh(NULL, &full);
	cr_assert_eq(r.ndeploys, 2);
	cr_assert_eq(r.deploys[1].time, T(4, 0));
	cr_assert_eq(changes_of(&r, 1), 2);
	assert_same(&r, &full);
	gitscan_result_free(&r);
	gitscan_result_free(&full);
}

Test(gitscan, a_record_of_an_unknown_commit_ships_nothing_and_warns)
{
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	struct gitscan_record rec[] = {
		{.commit = "0123456789abcdef0123456789abcdef01234567", .time = T(3, 0), .ref = "ghost", .record_id = 3},
		{.commit = "not-a-sha", .time = T(3, 0), .record_id = 4},
	};
	struct gitscan_opts o = {.records = rec, .nrecords = 2};
	struct gitscan_result r;
	scan(&o, &r);
	cr_assert_eq(r.ndeploys, 2);              /* v1, ghost; "not-a-sha" dropped */
	cr_assert_str_eq(r.deploys[1].ref, "ghost");
	cr_assert_eq(changes_of(&r, 0), 1);
	cr_assert_eq(changes_of(&r, 1), 0);
	cr_assert(has_warning(&r, "ghost: commit 0123456789ab is not in the repository"));
	cr_assert(has_warning(&r, "recorded deployment 4: 'not-a-sha'"));
	gitscan_result_free(&r);
}

/* ---- odd repositories ------------------------------------------------- */

Test(gitscan, empty_repository)
{
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.ndeploys, 0);
	cr_assert_eq(r.nchanges, 0);
	cr_assert_eq(r.nreverts, 0);
	cr_assert_eq(r.commits_known, 0);
	cr_assert_str_eq(r.default_branch, "main");  /* HEAD names main, unborn */
	cr_assert(has_warning(&r, "no tag matches"));
	gitscan_result_free(&r);
}

Test(gitscan, no_matching_tags)
{
	commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("1.0", "HEAD");
	commit("2026-01-03T00:00:00+0000", "two\n");
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.ndeploys, 0);
	cr_assert_eq(r.nchanges, 0);
	cr_assert_eq(r.commits_known, 2);
	cr_assert(has_warning(&r, "no tag matches the deploy pattern 'v*,!*rc*' (1 tag(s)"));
	gitscan_result_free(&r);
}

Test(gitscan, shallow_clone_cuts_history_and_warns)
{
	/* source: c1 c2 [v1] c3 c4 [v2 annotated 01-06]. A --depth 2 clone has
	 * c3 and c4 only, and only tag v2 (v1 names a commit outside it). v2
	 * ships c4 and c3; c3's parent is missing and treated as a root. */
	commit("2026-01-01T00:00:00+0000", "one\n");
	commit("2026-01-02T00:00:00+0000", "two\n");
	ltag("v1", "HEAD");
	commit("2026-01-03T00:00:00+0000", "three\n");
	commit("2026-01-04T00:00:00+0000", "four\n");
	atag("v2", "HEAD", "2026-01-06T00:00:00+0000");
	cr_assert_eq(th_sh(tmp, "git clone -q --depth 2 'file://%s' shallow 2>/dev/null", repo), 0);
	char *src = repo;
	repo = xasprintf("%s/shallow", tmp);
	struct gitscan_result r;
	scan(NULL, &r);
	free(repo);
	repo = src;
	cr_assert_eq(r.ndeploys, 1);
	cr_assert_str_eq(r.deploys[0].ref, "v2");
	cr_assert_eq(r.deploys[0].time, T(6, 0));
	cr_assert_eq(r.nchanges, 2);
	cr_assert_eq(r.commits_known, 2);
	cr_assert(has_warning(&r, "shallow clone"));
	cr_assert_str_eq(r.default_branch, "main");  /* from refs/remotes/origin/HEAD */
	gitscan_result_free(&r);
}

Test(gitscan, tags_on_trees_and_blobs_are_ignored)
{
	th_sh(repo, "echo data > f");
	cr_assert_eq(th_git(repo, "2026-01-02T00:00:00+0000", "add f"), 0);
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	ltag("v-tree", "HEAD^{tree}");
	char *blob = keep(th_rev(repo, "HEAD:f"));
	atag("v-blob", blob, "2026-01-09T00:00:00+0000");
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.ndeploys, 1);
	cr_assert_str_eq(r.deploys[0].ref, "v1");
	cr_assert_eq(r.commits_known, 1);
	gitscan_result_free(&r);
}

Test(gitscan, pull_request_refs_and_notes_are_not_history)
{
	/* refs/pull/1/head names p1, a commit only that ref reaches, whose
	 * message reverts c1; refs/notes/commits is a notes commit. Neither is
	 * known: 2 commits (c1, c2), no revert. */
	char msg[256];
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "checkout -q -b pr"), 0);
	snprintf(msg, sizeof msg, "Revert\n\nThis reverts commit %s.\n", c1);
	const char *p1 = commit("2026-01-03T00:00:00+0000", msg);
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "update-ref refs/pull/1/head %s", p1), 0);
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "checkout -q main"), 0);
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "branch -q -D pr"), 0);
	commit("2026-01-04T00:00:00+0000", "two\n");
	cr_assert_eq(th_git(repo, "2026-01-04T00:00:00+0000", "notes add -m note %s", c1), 0);
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.commits_known, 2);
	cr_assert_eq(r.nreverts, 0);
	cr_assert_eq(r.ndeploys, 1);
	gitscan_result_free(&r);
}

Test(gitscan, default_branch_detection_and_override)
{
	commit("2026-01-02T00:00:00+0000", "one\n");
	cr_assert_eq(th_git(repo, "2026-01-02T00:00:00+0000", "checkout -q -b trunk"), 0);
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_str_eq(r.default_branch, "trunk");  /* the branch HEAD names */
	gitscan_result_free(&r);
	struct gitscan_opts o = {.default_branch = "develop"};
	scan(&o, &r);
	cr_assert_str_eq(r.default_branch, "develop");
	gitscan_result_free(&r);
}

Test(gitscan, resolve_refs_and_prefixes)
{
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	atag("v1", c1, "2026-01-03T00:00:00+0000");
	char out[41], prefix[9];
	cr_assert_eq(gitscan_resolve(repo, "v1", out, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(out, c1);  /* an annotated tag peels to its commit */
	cr_assert_eq(gitscan_resolve(repo, "main", out, err, sizeof err), 0);
	cr_assert_str_eq(out, c1);
	snprintf(prefix, sizeof prefix, "%.8s", c1);
	cr_assert_eq(gitscan_resolve(repo, prefix, out, err, sizeof err), 0);
	cr_assert_str_eq(out, c1);
	cr_assert_eq(gitscan_resolve(repo, "no-such-ref", out, err, sizeof err), -1);
	cr_assert(strstr(err, "no-such-ref"), "%s", err);
	cr_assert_eq(gitscan_resolve(tmp, "v1", out, err, sizeof err), -1);
	cr_assert(strstr(err, "not a git repository"), "%s", err);
}

Test(gitscan, works_without_a_store)
{
	commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", "HEAD");
	struct gitscan_result r;
	sync_with(NULL, NULL, &r);
	cr_assert_eq(r.ndeploys, 1);
	cr_assert_eq(r.commits_walked, 1);
	cr_assert_not(r.from_cache);
	gitscan_result_free(&r);
}

/* ---- the incremental cache ---------------------------------------------- */

Test(gitscan, warm_start_walks_nothing)
{
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	commit("2026-01-03T00:00:00+0000", "two\n");
	atag("v2", "HEAD", "2026-01-04T00:00:00+0000");
	commit("2026-01-05T00:00:00+0000", "unshipped\n");
	struct gitscan_result a, b;
	scan(NULL, &a);
	cr_assert_eq(a.commits_walked, 3);
	cr_assert_not(a.from_cache);
	scan(NULL, &b);
	cr_assert_eq(b.commits_walked, 0);
	cr_assert(b.from_cache);
	assert_same(&a, &b);
	gitscan_result_free(&a);
	gitscan_result_free(&b);
	/* --full ignores the cache. */
	struct gitscan_opts o = {.full = true};
	scan(&o, &a);
	cr_assert_eq(a.commits_walked, 3);
	gitscan_result_free(&a);
}

/* ---- finding the repository without libgit2 (issue 17) -------------------- */

/* realpath of dir without its trailing '/', kept */
static const char *real(const char *dir)
{
	char *r = realpath(dir, NULL);
	cr_assert_not_null(r, "%s", dir);
	return keep(r);
}

/* gitrefs_find_dirs on path: 0 (plain) must give libgit2's directories,
 * and a plain answer is expected exactly where `plain` says so. */
static void dirs_as_libgit2(const char *path, bool plain)
{
	char *gitdir = NULL, *commondir = NULL;
	int rc = gitrefs_find_dirs(path, &gitdir, &commondir);
	cr_assert_eq(rc, plain ? 0 : -1, "%s: %d", path, rc);
	if (rc == 0) {
		git_repository *r;
		cr_assert_eq(git_repository_open_ext(&r, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL), 0, "%s", path);
		cr_assert_str_eq(real(gitdir), real(git_repository_path(r)), "%s", path);
		cr_assert_str_eq(real(commondir), real(git_repository_commondir(r)), "%s", path);
		cr_assert_eq(gitdir[strlen(gitdir) - 1], '/');
		cr_assert_eq(commondir[strlen(commondir) - 1], '/');
		git_repository_free(r);
	}
	free(gitdir);
	free(commondir);
}

/* gitrepo_discover's answer, plain or not, is libgit2's: the work tree (or
 * git dir) and the common directory's real path. */
static void discovered_as_libgit2(const char *start, const char *name)
{
	struct gitrepo_found f = {0};
	cr_assert_eq(gitrepo_discover(start, &f, err, sizeof err), 0, "%s: %s", start, err);
	git_buf found = {0};
	git_repository *r;
	cr_assert_eq(git_repository_discover(&found, start, 0, NULL), 0);
	cr_assert_eq(git_repository_open(&r, found.ptr), 0);
	const char *wd = git_repository_workdir(r);
	char *want = xstrdup(wd ? wd : git_repository_path(r));
	want[strlen(want) - 1] = '\0';
	cr_assert_str_eq(f.path, want, "%s", start);
	cr_assert_str_eq(f.identity, real(git_repository_commondir(r)), "%s", start);
	cr_assert_str_eq(f.name, name, "%s", start);
	free(want);
	git_repository_free(r);
	git_buf_dispose(&found);
	free(f.path);
	free(f.name);
	free(f.identity);
}

Test(gitscan, repository_directories_are_found_as_libgit2_finds_them)
{
	git_libgit2_init();
	commit("2026-01-02T00:00:00+0000", "one\n");
	cr_assert_eq(th_sh(tmp, "git clone -q --bare r bare.git && git -C r worktree add -q ../wt 2>/dev/null && "
			   "git init -q --separate-git-dir sep.git sepwt && mkdir r/sub plain && "
			   "cp -r r moved && git -C moved config core.worktree '%s/elsewhere' && mkdir elsewhere && "
			   "cp -r r isbare && git -C isbare config core.bare true && "
			   "mkdir odd && echo 'nonsense' > odd/.git", tmp), 0);
	const char *at = keep(xasprintf("%s/", tmp));
	dirs_as_libgit2(repo, true);                              /* a .git directory */
	dirs_as_libgit2(keep(xasprintf("%sbare.git", at)), true); /* bare */
	dirs_as_libgit2(keep(xasprintf("%sr/.git", at)), true);   /* the git dir itself */
	dirs_as_libgit2(keep(xasprintf("%swt", at)), true);       /* a worktree: .git file, commondir */
	dirs_as_libgit2(keep(xasprintf("%ssepwt", at)), true);    /* .git file to a separate dir */
	dirs_as_libgit2(keep(xasprintf("%sr/sub", at)), false);   /* not the top: libgit2 searches */
	dirs_as_libgit2(keep(xasprintf("%splain", at)), false);
	dirs_as_libgit2(keep(xasprintf("%sodd", at)), false);     /* a .git file git refuses */
	/* plain ones, and those whose config moves the work tree (core.worktree)
	 * or has none (core.bare), which libgit2 is left to answer */
	discovered_as_libgit2(repo, "r");
	discovered_as_libgit2(keep(xasprintf("%swt", at)), "wt");
	/* sic: libgit2 opens sep.git itself, not bare: its parent is the work
	 * tree (found, not changed, here: a separate git dir is rare) */
	discovered_as_libgit2(keep(xasprintf("%ssepwt", at)), strrchr(real(tmp), '/') + 1);
	discovered_as_libgit2(keep(xasprintf("%sr/sub", at)), "r");
	discovered_as_libgit2(keep(xasprintf("%sbare.git", at)), "bare");
	discovered_as_libgit2(keep(xasprintf("%smoved", at)), "elsewhere");
	discovered_as_libgit2(keep(xasprintf("%sisbare", at)), "isbare");
	git_libgit2_shutdown();
}

/* A warm start reads HEAD and the refs from the files (no libgit2): in a
 * worktree (its own HEAD, its main repository's refs) and with a detached
 * HEAD it says what the cold scan said. */
Test(gitscan, a_warm_start_in_a_worktree_and_a_detached_head_equal_the_cold_scan)
{
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	commit("2026-01-03T00:00:00+0000", "two\n");
	ltag("v2", "HEAD");
	cr_assert_eq(th_sh(tmp, "git -C r worktree add -q -b trunk ../wt v1 2>/dev/null"), 0);
	char *saved = repo;
	repo = keep(xasprintf("%s/wt", tmp));
	struct gitscan_result cold, warm;
	scan(NULL, &cold);
	cr_assert_str_eq(cold.default_branch, "trunk"); /* the worktree's HEAD, not r's main */
	scan(NULL, &warm);
	cr_assert(warm.from_cache);
	cr_assert_eq(warm.commits_walked, 0);
	cr_assert_str_eq(warm.default_branch, "trunk");
	assert_same(&cold, &warm);
	gitscan_result_free(&cold);
	gitscan_result_free(&warm);
	repo = saved;
	/* detached, only master: the branch by name (spec §0: main, else master) */
	cr_assert_eq(th_git(repo, "2026-01-04T00:00:00+0000", "branch -q -m main master"), 0);
	cr_assert_eq(th_git(repo, "2026-01-04T00:00:00+0000", "checkout -q --detach master"), 0);
	struct gitscan_opts full = {.full = true};
	scan(&full, &cold);
	scan(NULL, &warm);
	cr_assert_str_eq(cold.default_branch, "master");
	cr_assert_str_eq(warm.default_branch, "master");
	cr_assert(warm.from_cache);
	assert_same(&cold, &warm);
	gitscan_result_free(&cold);
	gitscan_result_free(&warm);
}

/* A cache written before migration 14 (counts in git_commits' rows): a
 * copy of this run's cache into a version-13 database, the counts put back
 * into git_commits.changes (or left NULL: a cache from before the counts). */
static char *cache_at_13(const char *from, bool with_counts)
{
	char *path = keep(xasprintf("%s/v13-%d.db", tmp, (int)with_counts));
	cr_assert_eq(th_db_at_version(path, 13), 0);
	char *sql = xasprintf(
		"ATTACH '%s' AS cur;"
		"INSERT INTO git_meta SELECT * FROM cur.git_meta; INSERT INTO git_refs SELECT * FROM cur.git_refs;"
		"INSERT INTO git_deploys SELECT * FROM cur.git_deploys; INSERT INTO git_reverts SELECT * FROM cur.git_reverts;"
		"INSERT INTO git_pull_commits SELECT * FROM cur.git_pull_commits;"
		"INSERT INTO git_commits (seq, n, data, changes) SELECT c.seq, c.n, c.data, %s"
		" FROM cur.git_commits AS c JOIN cur.git_chunk_counts AS k USING (seq);",
		from, with_counts ? "k.changes" : "NULL");
	cr_assert_eq(th_sql_exec(path, sql), 0);
	free(sql);
	return path;
}

/* Migration 14 moves the change counts to git_chunk_counts: a cache with
 * counts stays warm (nothing walked, the same figures), one without is
 * rebuilt (every commit walked again: 4 here, worked out from the
 * fixture), and both equal the cold scan. */
Test(gitscan, migration_14_keeps_the_counts_or_rebuilds)
{
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	commit("2026-01-03T00:00:00+0000", "two\n");
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "checkout -q -b f HEAD~1"), 0);
	commit("2026-01-03T01:00:00+0000", "side\n");
	cr_assert_eq(th_git(repo, "2026-01-03T02:00:00+0000", "checkout -q main"), 0);
	cr_assert_eq(th_git(repo, "2026-01-03T02:00:00+0000", "merge -q --no-ff -m merge f"), 0);
	ltag("v2", "HEAD");
	struct gitscan_result cold, warm;
	scan(NULL, &cold);
	cr_assert_eq(cold.commits_walked, 4);
	cr_assert_eq(cold.deploy_changes[1], 2); /* two and side; the merge is no change */
	for (int with = 1; with >= 0; with--) {
		char *path = cache_at_13(dbpath, with);
		struct store *old = store_open(path, 0, err, sizeof err);
		cr_assert_not_null(old, "%s", err);
		sync_with(old, NULL, &warm);
		cr_assert_eq(warm.commits_walked, with ? 0 : 4, "with counts %d", with);
		cr_assert_eq(warm.from_cache, with);
		assert_same(&cold, &warm);
		cr_assert_eq(warm.deploy_changes[1], 2);
		gitscan_result_free(&warm);
		store_close(old);
	}
	gitscan_result_free(&cold);
}

/* The cache's refs digest, as stored. */
static char *digest_in(const char *path)
{
	char *d = th_sql_text(path, "SELECT value FROM git_meta WHERE key = 'refs_digest'");
	cr_assert_not_null(d);
	cr_assert_eq(strlen(d), 32, "%s", d);
	return keep(d);
}

/* A cache whose refs digest is another one (the byte-at-a-time FNV-1a
 * digest before issue 17's fourth step, here any other 32 hex digits)
 * stays warm when its refs are the repository's (nothing walked, the same
 * figures) and takes the new digest, the one a fresh scan writes; with a
 * branch moved under an old digest the one new commit is walked (1, from
 * the fixture) and the figures equal a fresh scan's. */
Test(gitscan, a_cache_with_another_refs_digest_stays_exact_and_takes_the_new_one)
{
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	commit("2026-01-03T00:00:00+0000", "two\n");
	atag("v2", "HEAD", "2026-01-04T00:00:00+0000");
	cr_assert_eq(th_git(repo, "2026-01-04T00:00:00+0000", "branch f HEAD~1"), 0);
	struct gitscan_result cold, warm, fresh;
	scan(NULL, &cold);
	const char *digest = digest_in(dbpath);
	const char *old = "cbf29ce484222325cbf29ce484222325";
	char *sql = xasprintf("UPDATE git_meta SET value = '%s' WHERE key = 'refs_digest'", old);
	cr_assert_eq(th_sql_exec(dbpath, sql), 0);
	scan(NULL, &warm);
	cr_assert_eq(warm.commits_walked, 0);
	cr_assert(warm.from_cache);
	assert_same(&cold, &warm);
	cr_assert_str_eq(digest_in(dbpath), digest);
	gitscan_result_free(&warm);
	/* a moved branch under the old digest is seen */
	cr_assert_eq(th_sql_exec(dbpath, sql), 0);
	cr_assert_eq(th_git(repo, "2026-01-05T00:00:00+0000", "checkout -q f"), 0);
	commit("2026-01-05T00:00:00+0000", "on f\n");
	cr_assert_eq(th_git(repo, "2026-01-05T00:00:00+0000", "checkout -q main"), 0);
	scan(NULL, &warm);
	cr_assert_eq(warm.commits_walked, 1);
	sync_fresh(NULL, &fresh);
	const char *fresh_path = pool[npool - 1];
	assert_same(&fresh, &warm);
	const char *now = digest_in(dbpath);
	cr_assert_str_eq(now, digest_in(fresh_path));
	cr_assert_str_neq(now, digest);
	free(sql);
	gitscan_result_free(&warm);
	gitscan_result_free(&fresh);
	gitscan_result_free(&cold);
}

/* A new ref named after every cached one (a tag no deploy pattern takes,
 * "zz-nightly", on a new commit): the cached rows are all there, in place,
 * but one short, so the refs differ and the new commit is walked (1, from
 * the fixture: one commit made after the first scan). */
Test(gitscan, a_new_ref_named_last_is_seen)
{
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	struct gitscan_result cold, warm, fresh;
	scan(NULL, &cold);
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "checkout -q -b side"), 0);
	commit("2026-01-03T00:00:00+0000", "nightly\n");
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "checkout -q main"), 0);
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "tag zz-nightly side"), 0);
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "branch -q -D side"), 0);
	scan(NULL, &warm);
	cr_assert_eq(warm.commits_walked, 1);
	cr_assert_not(warm.from_cache);
	cr_assert_eq(warm.commits_known, cold.commits_known + 1);
	sync_fresh(NULL, &fresh);
	assert_same(&fresh, &warm);
	gitscan_result_free(&warm);
	gitscan_result_free(&fresh);
	gitscan_result_free(&cold);
}

/* ---- the ref files (issue 17: gitrefs.c) ------------------------------------------ */

static int stop_at_first(void *arg, const struct gitref *r)
{
	(void)arg;
	(void)r;
	return 1;
}

static int collect_ref(void *arg, const struct gitref *r)
{
	struct strbuf *sb = arg;
	if (r->symbolic)
		sb_addf(sb, "symbolic %s -> %s\n", r->name, r->symbolic);
	else
		sb_addf(sb, "%s %s\n", r->target, r->name);
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text, sorted, joined again. */
static char *sorted_lines(const char *text)
{
	char *copy = xstrdup(text), **v = NULL;
	size_t n = 0, cap = 0;
	for (char *save, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		VEC_PUSH(v, n, cap, l);
	sort_array(v, n, sizeof *v, cmp_line);
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "");
	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "%s\n", v[i]);
	free(v);
	free(copy);
	return sb_detach(&sb);
}

/* The refs read from the files are those git for-each-ref lists: packed
 * refs (pack-refs --all), a loose ref that moved after packing (the loose
 * one wins), new loose branches and tags (nested directories too), an
 * annotated tag (its own id, not its commit's); refs/pull/ is not asked
 * for; a lock file, a malformed ref file and a name git refuses are
 * skipped as git skips them; origin/HEAD is symbolic. */
Test(gitscan, refs_are_read_as_git_for_each_ref_lists_them)
{
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	atag("v2", c1, "2026-01-03T00:00:00+0000");
	cr_assert_eq(th_sh(repo, "git branch old && git branch feature/a/b && git pack-refs --all"), 0);
	const char *c2 = commit("2026-01-04T00:00:00+0000", "two\n");
	cr_assert_eq(th_sh(repo, "git branch -f old HEAD && git branch new && git tag rel/2.0 && "
			   "git update-ref refs/remotes/origin/main HEAD && "
			   "git symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main && "
			   "git update-ref refs/pull/1/head HEAD && "
			   "cp .git/refs/heads/new .git/refs/heads/locked.lock && "
			   "echo garbage > .git/refs/tags/broken && "
			   "cp .git/refs/heads/new '.git/refs/heads/bad..name'"), 0);
	(void)c2;
	static const char *const prefixes[] = {"refs/heads/", "refs/remotes/", "refs/tags/"};
	char *gitdir = xasprintf("%s/.git/", repo);
	struct strbuf got = STRBUF_INIT;
	sb_add(&got, "");
	cr_assert_eq(gitrefs_each(gitdir, prefixes, 3, collect_ref, &got, err, sizeof err), 0, "%s", err);
	char *out = xasprintf("%s/refs.txt", tmp);
	cr_assert_eq(th_sh(repo, "git for-each-ref --format='%%(objectname) %%(refname)' refs/heads "
			   "refs/remotes refs/tags 2>/dev/null | grep -v ' refs/remotes/origin/HEAD$' > '%s'", out), 0);
	char *want = read_file(out, NULL);
	cr_assert_not_null(want);
	char *a = sorted_lines(sb_str(&got));
	struct strbuf w = STRBUF_INIT;
	sb_addf(&w, "%ssymbolic refs/remotes/origin/HEAD -> refs/remotes/origin/main\n", want);
	char *b = sorted_lines(sb_str(&w));
	cr_assert_str_eq(a, b);
	cr_assert(strstr(a, " refs/heads/feature/a/b\n"));  /* packed, nested */
	cr_assert(strstr(a, " refs/tags/rel/2.0\n"));       /* loose, nested */
	cr_assert_null(strstr(a, "refs/pull/"));
	cr_assert_null(strstr(a, "broken"));
	cr_assert_null(strstr(a, "lock"));
	/* stopping at the first ref fn wants */
	cr_assert_eq(gitrefs_each(gitdir, prefixes, 3, stop_at_first, NULL, err, sizeof err), 1);
	free(a);
	free(b);
	free(want);
	free(out);
	free(gitdir);
	sb_free(&got);
	sb_free(&w);
}

/* Issue 17: names are checked without libgit2 when they are plainly valid
 * (letters, digits, "/._-"), and by libgit2 otherwise: the refs listed are
 * exactly git's, whichever way a name went. Written into packed-refs by
 * hand (git makes none of the bad ones), one per rule of git
 * check-ref-format: "..", a component starting with '.', a '.' at the end,
 * ".lock" at a component's end, "//", a space, '?', a '/' at the end are
 * refused; '@', non-ASCII, dots inside, upper case are fine. A listing of
 * the tags alone (the first-run check, which skips to the first tag line)
 * gives the same tags. */
Test(gitscan, odd_ref_names_are_judged_as_git_judges_them)
{
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	static const char *const names[] = {
		"refs/heads/x.y-z_1", "refs/heads/UPPER/Case", "refs/heads/a@b", "refs/heads/caf\xc3\xa9",
		"refs/heads/a..b", "refs/heads/.dot", "refs/heads/end.", "refs/heads/x.lock",
		"refs/heads/d/e.lock/f", "refs/heads/a//b", "refs/heads/sp ace", "refs/heads/q?x",
		"refs/heads/trail/", "refs/tags/v1.0.lock", "refs/tags/v1.0", "refs/tags/.v2", "refs/tags/rel-3",
	};
	char *packed = xasprintf("%s/.git/packed-refs", repo);
	FILE *f = fopen(packed, "w");
	cr_assert_not_null(f);
	fprintf(f, "# pack-refs with: peeled fully-peeled \n");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		fprintf(f, "%s %s\n", c1, names[i]);
	fclose(f);
	cr_assert_eq(th_sh(repo, "rm -f .git/refs/heads/* 2>/dev/null; git symbolic-ref HEAD refs/heads/x.y-z_1"), 0);
	static const char *const prefixes[] = {"refs/heads/", "refs/remotes/", "refs/tags/"};
	static const char *const tags[] = {"refs/tags/"};
	char *gitdir = xasprintf("%s/.git/", repo);
	struct strbuf got = STRBUF_INIT, gottags = STRBUF_INIT;
	sb_add(&got, "");
	sb_add(&gottags, "");
	cr_assert_eq(gitrefs_each(gitdir, prefixes, 3, collect_ref, &got, err, sizeof err), 0, "%s", err);
	cr_assert_eq(gitrefs_each(gitdir, tags, 1, collect_ref, &gottags, err, sizeof err), 0, "%s", err);
	/* worked out by hand from the rules above */
	struct strbuf want = STRBUF_INIT;
	sb_addf(&want, "%s refs/heads/UPPER/Case\n%s refs/heads/a@b\n%s refs/heads/caf\xc3\xa9\n"
		"%s refs/heads/x.y-z_1\n%s refs/tags/rel-3\n%s refs/tags/v1.0\n", c1, c1, c1, c1, c1, c1);
	char *a = sorted_lines(sb_str(&got));
	cr_assert_str_eq(a, sb_str(&want));
	char *t = sorted_lines(sb_str(&gottags));
	char *want_tags = xasprintf("%s refs/tags/rel-3\n%s refs/tags/v1.0\n", c1, c1);
	cr_assert_str_eq(t, want_tags);
	free(want_tags);
	/* and git agrees (it dies on the names it calls dangerous, "//" and
	 * a '/' at the end: those go first) */
	char *out = xasprintf("%s/refs.txt", tmp);
	cr_assert_eq(th_sh(repo, "grep -v -e '//' -e '/$' .git/packed-refs > .git/p && mv .git/p .git/packed-refs"), 0);
	cr_assert_eq(th_sh(repo, "git for-each-ref --format='%%(objectname) %%(refname)' 2>/dev/null > '%s'", out), 0);
	char *gitsays = read_file(out, NULL), *g = sorted_lines(gitsays);
	cr_assert_str_eq(a, g);
	free(g);
	free(gitsays);
	free(out);
	free(t);
	free(a);
	sb_free(&want);
	sb_free(&got);
	sb_free(&gottags);
	free(gitdir);
	free(packed);
}

/* Issue 17: a warm start reads the changes of the deployments at or after
 * changes_since only, and counts every deployment's changes all the same.
 * c1 [v1] c2 c3 [v2] c4 c5 [v3], c6 unshipped, on 01-02 .. 01-07 (the
 * lightweight tags take their commit's time): v1 ships c1 (1), v2 c2 c3
 * (2), v3 c4 c5 (2); 5 changes in all. */
static void three_releases(const char **c)
{
	c[1] = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c[1]);
	c[2] = commit("2026-01-03T00:00:00+0000", "two\n");
	c[3] = commit("2026-01-04T00:00:00+0000", "three\n");
	ltag("v2", c[3]);
	c[4] = commit("2026-01-05T00:00:00+0000", "four\n");
	c[5] = commit("2026-01-06T00:00:00+0000", "five\n");
	ltag("v3", c[5]);
	c[6] = commit("2026-01-07T00:00:00+0000", "unshipped\n");
}

Test(gitscan, a_warm_start_reads_only_the_changes_asked_for)
{
	const char *c[7];
	three_releases(c);
	struct gitscan_result cold, warm;
	struct gitscan_opts o = {.changes_since = T(4, 0)};
	scan(&o, &cold);
	cr_assert_eq(cold.commits_walked, 6);
	cr_assert_eq(cold.nchanges, 5);  /* a walk has them all anyway */
	const int want[3] = {1, 2, 2};
	for (int since = 0; since < 3; since++) {
		/* v2 (01-04) and v3; v3 only (one second later); none */
		o.changes_since = since == 0 ? T(4, 0) : since == 1 ? T(4, 0) + 1 : INT64_MAX;
		scan(&o, &warm);
		cr_assert(warm.from_cache);
		cr_assert_eq(warm.commits_walked, 0);
		cr_assert_eq(warm.nchanges, since == 0 ? 4 : since == 1 ? 2 : 0, "since %d", since);
		for (size_t i = 0; i < warm.nchanges; i++)
			cr_assert_geq(warm.changes[i].deploy, since == 0 ? 1 : 2);
		cr_assert_eq(warm.nchanges_all, 5);
		cr_assert_eq(warm.commits_known, 6);
		cr_assert_eq(warm.ndeploys, 3);
		for (int i = 0; i < 3; i++) {
			cr_assert_eq(warm.deploy_changes[i], want[i], "deploy %d", i);
			cr_assert_eq(cold.deploy_changes[i], want[i], "deploy %d", i);
		}
		gitscan_result_free(&warm);
	}
	gitscan_result_free(&cold);
}

/* After a warm start (no commit loaded) the first deployment of a commit
 * is still the scan's: c1 -> v1 (0), c2 c3 -> v2 (1), c4 c5 -> v3 (2),
 * the unshipped c6, an unknown id and "" -> -1. When another run has
 * rewritten the cache since (a tag v1.5 on c2 inserts a deployment, so the
 * cache now says c3 -> 2), the warm result still answers in its own order
 * (from the commit graph). */
Test(gitscan, first_deploys_after_a_warm_start_are_the_scans)
{
	const char *c[7];
	three_releases(c);
	const char *ask[8] = {c[1], c[2], c[3], c[4], c[5], c[6],
			      "0123456789abcdef0123456789abcdef01234567", ""};
	const int want[8] = {0, 1, 1, 2, 2, -1, -1, -1};
	struct gitscan_result cold, warm, moved;
	scan(NULL, &cold);
	scan(NULL, &warm);
	cr_assert(warm.from_cache);
	cr_assert_null(warm.shipped);  /* nothing loaded: the cache is searched */
	int a[8], b[8];
	gitscan_first_deploys(&cold, st, ask, 8, a);
	gitscan_first_deploys(&warm, st, ask, 8, b);
	for (int i = 0; i < 8; i++) {
		cr_assert_eq(a[i], want[i], "walk, commit %d", i);
		cr_assert_eq(b[i], want[i], "warm, commit %d", i);
	}
	ltag("v1.5", c[2]);
	scan(NULL, &moved);
	int m[8];
	gitscan_first_deploys(&moved, st, ask, 8, m);
	cr_assert_eq(m[2], 2);  /* c3 -> v2, now the third deployment */
	gitscan_first_deploys(&warm, st, ask, 8, b);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(b[i], want[i], "warm after a rewrite, commit %d", i);
	gitscan_first_deploys(&warm, NULL, ask, 8, b);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(b[i], want[i], "warm without the store, commit %d", i);
	gitscan_result_free(&cold);
	gitscan_result_free(&warm);
	gitscan_result_free(&moved);
}

Test(gitscan, a_new_tag_walks_only_new_commits)
{
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	commit("2026-01-03T00:00:00+0000", "two\n");
	ltag("v2", "HEAD");
	struct gitscan_result r, full;
	scan(NULL, &r);
	cr_assert_eq(r.commits_walked, 2);
	gitscan_result_free(&r);
	char msg[256];
	snprintf(msg, sizeof msg, "Revert one\n\nThis reverts commit %.10s\n", c1);
	commit("2026-01-04T00:00:00+0000", msg);
	commit("2026-01-05T00:00:00+0000", "four\n");
	ltag("v3", "HEAD");
	scan(NULL, &r);
	cr_assert_eq(r.commits_walked, 2);  /* the two new commits only */
	cr_assert_eq(r.ndeploys, 3);
	cr_assert_eq(changes_of(&r, 2), 2);
	cr_assert_eq(r.nreverts, 1);
	cr_assert_eq(r.reverts[0].reverted_deploy, 0);
	cr_assert_eq(r.reverts[0].revert_deploy, 2);
	sync_fresh(NULL, &full);
	assert_same(&r, &full);
	gitscan_result_free(&r);
	gitscan_result_free(&full);
	/* A new commit on the branch and no tag: one commit walked, unshipped. */
	commit("2026-01-06T00:00:00+0000", "five\n");
	scan(NULL, &r);
	cr_assert_eq(r.commits_walked, 1);
	cr_assert_eq(r.commits_known, 5);
	cr_assert_eq(r.nchanges, 4);
	gitscan_result_free(&r);
}

Test(gitscan, a_moved_tag_recomputes)
{
	/* c1 c2 [v1] c3 [v2]: v1 ships c1 c2, v2 ships c3. Moving v1 (a
	 * lightweight tag, so its time becomes c1's) to c1 makes v2 ship c2 c3. */
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	const char *c2 = commit("2026-01-03T00:00:00+0000", "two\n");
	ltag("v1", c2);
	commit("2026-01-04T00:00:00+0000", "three\n");
	ltag("v2", "HEAD");
	struct gitscan_result r, full;
	scan(NULL, &r);
	cr_assert_eq(changes_of(&r, 0), 2);
	gitscan_result_free(&r);
	ltag("v1", c1);
	scan(NULL, &r);
	cr_assert_eq(r.deploys[0].time, T(2, 0));
	cr_assert_eq(changes_of(&r, 0), 1);
	cr_assert_eq(changes_of(&r, 1), 2);
	sync_fresh(NULL, &full);
	assert_same(&r, &full);
	gitscan_result_free(&r);
	gitscan_result_free(&full);
	/* Deleting v1: v2 ships everything. */
	cr_assert_eq(th_git(repo, "2026-01-05T00:00:00+0000", "tag -d v1"), 0);
	scan(NULL, &r);
	cr_assert_eq(r.ndeploys, 1);
	cr_assert_eq(changes_of(&r, 0), 3);
	gitscan_result_free(&r);
	/* ...and the next warm start reads the same from the cache (nothing
	 * left behind from the deployment that is gone). */
	scan(NULL, &r);
	cr_assert_eq(r.commits_walked, 0);
	sync_fresh(NULL, &full);
	assert_same(&r, &full);
	gitscan_result_free(&r);
	gitscan_result_free(&full);
}

Test(gitscan, a_deleted_tag_and_branch_leave_nothing_behind)
{
	/* c1 [v1] on main; c2 [v2] on branch rel. Deleting v2 and rel makes c2
	 * unreachable: 1 deployment, 1 known commit, now and on the next warm
	 * start. */
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "checkout -q -b rel"), 0);
	commit("2026-01-03T00:00:00+0000", "two\n");
	ltag("v2", "HEAD");
	cr_assert_eq(th_git(repo, "2026-01-03T00:00:00+0000", "checkout -q main"), 0);
	struct gitscan_result r, full;
	scan(NULL, &r);
	cr_assert_eq(r.commits_known, 2);
	gitscan_result_free(&r);
	cr_assert_eq(th_git(repo, "2026-01-04T00:00:00+0000", "tag -d v2"), 0);
	cr_assert_eq(th_git(repo, "2026-01-04T00:00:00+0000", "branch -q -D rel"), 0);
	for (int run = 0; run < 2; run++) {
		scan(NULL, &r);
		cr_assert_eq(r.ndeploys, 1);
		cr_assert_eq(r.commits_known, 1, "run %d", run);
		cr_assert_eq(r.commits_walked, 0);
		sync_fresh(NULL, &full);
		assert_same(&r, &full);
		gitscan_result_free(&r);
		gitscan_result_free(&full);
	}
}

Test(gitscan, a_force_pushed_branch_forgets_its_old_commits)
{
	/* c1 [v1] then x on main reverting c1 (unshipped: revert -1 of deploy
	 * 0). Reset main to c1 and commit y: x is gone from history, so is its
	 * revert; known commits: c1, y. */
	char msg[256];
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1", c1);
	snprintf(msg, sizeof msg, "Revert one\n\nThis reverts commit %s.\n", c1);
	commit("2026-01-03T00:00:00+0000", msg);
	struct gitscan_result r, full;
	scan(NULL, &r);
	cr_assert_eq(r.nreverts, 1);
	cr_assert_eq(r.reverts[0].reverted_deploy, 0);
	cr_assert_eq(r.reverts[0].revert_deploy, -1);
	gitscan_result_free(&r);
	cr_assert_eq(th_git(repo, "2026-01-04T00:00:00+0000", "reset -q --hard %s", c1), 0);
	commit("2026-01-04T00:00:00+0000", "other\n");
	scan(NULL, &r);
	cr_assert_eq(r.nreverts, 0);
	cr_assert_eq(r.commits_known, 2);
	sync_fresh(NULL, &full);
	assert_same(&r, &full);
	gitscan_result_free(&r);
	gitscan_result_free(&full);
}

Test(gitscan, a_changed_pattern_recomputes)
{
	const char *c1 = commit("2026-01-02T00:00:00+0000", "one\n");
	ltag("v1.0-rc1", c1);
	commit("2026-01-03T00:00:00+0000", "two\n");
	ltag("v1.0", "HEAD");
	struct gitscan_result r, full;
	scan(NULL, &r);
	cr_assert_eq(r.ndeploys, 1);
	cr_assert_eq(changes_of(&r, 0), 2);
	gitscan_result_free(&r);
	struct gitscan_opts o = {.deploy_tags = "v*"};
	scan(&o, &r);
	cr_assert_eq(r.ndeploys, 2);
	cr_assert_eq(changes_of(&r, 0), 1);
	cr_assert_eq(changes_of(&r, 1), 1);
	sync_fresh(&o, &full);
	assert_same(&r, &full);
	gitscan_result_free(&r);
	gitscan_result_free(&full);
	scan(NULL, &r);  /* and back */
	cr_assert_eq(r.ndeploys, 1);
	cr_assert_eq(changes_of(&r, 0), 2);
	gitscan_result_free(&r);
}
