/* test_stages — pins where lead time goes from git alone (docs/metrics.md
 * §2b): each shipped change's landing on the default branch (the commit time
 * of the oldest commit of its first-parent chain that reaches the change),
 * found by the history scan on a repository built at test time with the git
 * CLI, and the two stages it splits lead time into, "coding and review"
 * (landed − author time) and "waiting to deploy" (deployment − landed). One
 * case per way a change reaches production: a --no-ff merge, a squash
 * commit, a fast-forward, a direct commit, a maintenance branch never merged
 * to the default branch (no landing: it landed at its deployment), and a
 * merge landed after the deployment that shipped it (landed at the
 * deployment, too). Then the incremental cache: a later merge lands a commit
 * an earlier run cached as unlanded, a warm start keeps every landing, and a
 * force-pushed default branch gives what a cold scan gives; and how the
 * views split the bar and word the stages (present.c). Every expected
 * figure below was worked out by hand from the dates written here:
 * T(d, h) = 2026-01-d h:00 UTC = 1767225600 + (d − 1)·86400 + h·3600. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gitscan.h"
#include "helpers.h"
#include "metrics.h"
#include "present.h"
#include "store.h"
#include "timeutil.h"
#include "util.h"

#define T0 INT64_C(1767225600)
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

TestSuite(stages, .init = setup, .fini = teardown);

/* "2026-01-DDTHH:00:00+0000" */
static const char *iso(int day, int hour)
{
	return keep(xasprintf("2026-01-%02dT%02d:00:00+0000", day, hour));
}

/* A commit on the current branch, authored at (ad, ah) and committed at
 * (cd, ch); returns its sha. */
static const char *commit_at(int ad, int ah, int cd, int ch, const char *msg)
{
	cr_assert_eq(th_git(repo, iso(cd, ch), "commit -q --allow-empty -m '%s' --date=%s", msg, iso(ad, ah)), 0);
	return keep(th_rev(repo, "HEAD"));
}

static void git_at(int day, int hour, const char *cmd)
{
	cr_assert_eq(th_git(repo, iso(day, hour), "%s", cmd), 0, "git %s", cmd);
}

/* An annotated tag whose tagger date is (day, hour). */
static void atag(const char *name, const char *rev, int day, int hour)
{
	cr_assert_eq(th_git(repo, iso(day, hour), "tag -f -a %s -m 'Release %s' %s", name, name, rev), 0);
}

static void scan_into(struct store *s, bool full, struct gitscan_result *r)
{
	struct gitscan_opts o = {.full = full};
	cr_assert_eq(gitscan_sync(s, repo, &o, r, err, sizeof err), 0, "gitscan_sync: %s", err);
}

/* A full scan into a fresh database: what every incremental run must equal. */
static void scan_fresh(struct gitscan_result *r)
{
	char *p = keep(xasprintf("%s/fresh-%zu.db", tmp, npool));
	struct store *s2 = store_open(p, STORE_CREATE, err, sizeof err);
	cr_assert_not_null(s2, "%s", err);
	scan_into(s2, true, r);
	store_close(s2);
}

/* The change whose author time is at (there is one per case here). */
static const struct dora_change *change_authored(const struct gitscan_result *r, int64_t at)
{
	const struct dora_change *hit = NULL;
	for (size_t i = 0; i < r->nchanges; i++)
		if (r->changes[i].author_time == at) {
			cr_assert_null(hit, "two changes authored at %lld", (long long)at);
			hit = &r->changes[i];
		}
	cr_assert_not_null(hit, "no change authored at %lld", (long long)at);
	return hit;
}

static int deploy_named(const struct gitscan_result *r, const char *ref)
{
	for (size_t i = 0; i < r->ndeploys; i++)
		if (streq(r->deploys[i].ref, ref))
			return (int)i;
	cr_assert_fail("no deployment %s", ref);
	return -1;
}

static struct dora_input input_of(const struct gitscan_result *r)
{
	return (struct dora_input){
		.deploys = r->deploys, .ndeploys = r->ndeploys, .changes = r->changes, .nchanges = r->nchanges,
		.now = T(28, 0), .window_days = 90, .revert_window_days = 14,
	};
}

/* The stages of the change authored at `at`: hand-worked hours. */
static void assert_stages(const struct gitscan_result *r, int64_t at, const char *ref, int64_t landed,
			  double coding, double waiting)
{
	const struct dora_change *c = change_authored(r, at);
	cr_assert_eq(c->deploy, deploy_named(r, ref), "change authored %lld ships with %s", (long long)at, ref);
	cr_assert_eq(c->landed, landed, "landed %lld, expected %lld", (long long)c->landed, (long long)landed);
	struct dora_input in = input_of(r);
	double cr, w;
	metrics_change_stages(&in, c, &cr, &w);
	cr_assert_float_eq(cr, coding, 1e-9, "coding and review %g h, expected %g h", cr, coding);
	cr_assert_float_eq(w, waiting, 1e-9, "waiting %g h, expected %g h", w, waiting);
}

/* The history of every case: v1 on the root (first deployment: no
 * changes), then on main a --no-ff merge of f1, a squash commit S, a
 * fast-forward to g1 and a direct commit d1, released as v2; v2.1 on a
 * maintenance branch never merged back; v2.2 on a release branch merged to
 * main a day after it shipped (M2). */
static void build_history(bool merge_release)
{
	const char *c0 = commit_at(1, 0, 1, 0, "root");
	atag("v1", c0, 1, 0);
	/* --no-ff: f1 authored T(2,0), merged T(3,0) */
	git_at(2, 0, "checkout -q -b feat");
	commit_at(2, 0, 2, 0, "f1");
	git_at(3, 0, "checkout -q main");
	git_at(3, 0, "merge -q --no-ff feat -m 'Merge feat'");
	/* squash: S authored T(2,12), committed on main T(4,0) */
	commit_at(2, 12, 4, 0, "S squashed");
	/* fast-forward: g1 authored T(4,1), committed T(4,6) on a branch, main moved to it */
	git_at(4, 6, "checkout -q -b ff");
	commit_at(4, 1, 4, 6, "g1");
	git_at(4, 7, "checkout -q main");
	git_at(4, 7, "merge -q --ff-only ff");
	/* direct: d1 authored T(5,0), committed T(5,2) */
	const char *d1 = commit_at(5, 0, 5, 2, "d1");
	atag("v2", d1, 6, 0);
	/* maintenance branch, never merged: m1 T(7,0), tagged T(7,12) */
	git_at(7, 0, "checkout -q -b maint");
	const char *m1 = commit_at(7, 0, 7, 0, "m1");
	atag("v2.1", m1, 7, 12);
	/* release branch from d1: r1 T(8,0), tagged T(8,6), merged to main T(9,0) */
	git_at(8, 0, "checkout -q -b rel main");
	const char *r1 = commit_at(8, 0, 8, 0, "r1");
	atag("v2.2", r1, 8, 6);
	git_at(9, 0, "checkout -q main");
	if (merge_release)
		git_at(9, 0, "merge -q --no-ff rel -m 'Merge rel'");
}

/* Hand-worked (hours): f1 landed with the merge T(3,0): 24 + 72 (v2 at
 * T(6,0)); S is its own landing T(4,0): 36 + 48; g1 landed when main
 * reached it, its commit T(4,6): 5 + 42; d1 at its commit T(5,2): 2 + 22;
 * m1 never landed: at v2.1's T(7,12): 12 + 0; r1 landed T(9,0), after v2.2
 * shipped it at T(8,6): it counts as landed then: 6 + 0. */
static void assert_every_case(const struct gitscan_result *r)
{
	assert_stages(r, T(2, 0), "v2", T(3, 0), 24, 72);
	assert_stages(r, T(2, 12), "v2", T(4, 0), 36, 48);
	assert_stages(r, T(4, 1), "v2", T(4, 6), 5, 42);
	assert_stages(r, T(5, 0), "v2", T(5, 2), 2, 22);
	assert_stages(r, T(7, 0), "v2.1", SD_NO_TIME, 12, 0);
	assert_stages(r, T(8, 0), "v2.2", T(9, 0), 6, 0);
}

Test(stages, each_way_of_landing_splits_lead_time_as_worked_by_hand)
{
	build_history(true);
	struct gitscan_result r;
	scan_into(st, false, &r);
	cr_assert_eq(r.ndeploys, 4);
	assert_every_case(&r);
	gitscan_result_free(&r);
}

/* The window's medians: coding and review over 24, 36, 5, 2, 12, 6 →
 * sorted 2 5 6 12 24 36 → (6 + 12) / 2 = 9 h; waiting over 72, 48, 42, 22,
 * 0, 0 → (22 + 42) / 2 = 32 h; lead time (the sums 96, 84, 47, 24, 12, 6)
 * → (24 + 47) / 2 = 35.5 h. */
Test(stages, the_window_reports_the_median_of_each_stage)
{
	build_history(true);
	struct gitscan_result r;
	scan_into(st, false, &r);
	struct dora_input in = input_of(&r);
	struct dora_report rep;
	metrics_dora(&in, &rep);
	cr_assert_eq(rep.lead_time.changes, 6);
	cr_assert_float_eq(rep.lead_time.median_hours, 35.5, 1e-9);
	cr_assert_eq(rep.lead_time.stages.changes, 6);
	cr_assert_float_eq(rep.lead_time.stages.coding_and_review_hours, 9.0, 1e-9);
	cr_assert_float_eq(rep.lead_time.stages.waiting_hours, 32.0, 1e-9);
	dora_report_free(&rep);
	gitscan_result_free(&r);
}

Test(stages, no_changes_no_stages)
{
	const char *c0 = commit_at(1, 0, 1, 0, "root");
	atag("v1", c0, 1, 0);
	struct gitscan_result r;
	scan_into(st, false, &r);
	struct dora_input in = input_of(&r);
	struct dora_report rep;
	metrics_dora(&in, &rep);
	cr_assert_eq(rep.lead_time.stages.changes, 0);
	cr_assert(isnan(rep.lead_time.stages.coding_and_review_hours));
	cr_assert(isnan(rep.lead_time.stages.waiting_hours));
	dora_report_free(&rep);
	gitscan_result_free(&r);
}

static int cmp_change(const void *a, const void *b)
{
	const struct dora_change *x = a, *y = b;
	if (x->deploy != y->deploy)
		return x->deploy - y->deploy;
	return (x->author_time > y->author_time) - (x->author_time < y->author_time);
}

/* Same changes with the same landings (order aside). */
static void assert_same_landings(const struct gitscan_result *a, const struct gitscan_result *b)
{
	cr_assert_eq(a->nchanges, b->nchanges);
	struct dora_change *x = xmalloc((a->nchanges + 1) * sizeof *x), *y = xmalloc((b->nchanges + 1) * sizeof *y);
	memcpy(x, a->changes, a->nchanges * sizeof *x);
	memcpy(y, b->changes, b->nchanges * sizeof *y);
	sort_array(x, a->nchanges, sizeof *x, cmp_change);
	sort_array(y, b->nchanges, sizeof *y, cmp_change);
	for (size_t i = 0; i < a->nchanges; i++) {
		cr_assert_eq(x[i].deploy, y[i].deploy, "change %zu", i);
		cr_assert_eq(x[i].author_time, y[i].author_time, "change %zu", i);
		cr_assert_eq(x[i].landed, y[i].landed, "change %zu: landed %lld vs %lld", i,
			     (long long)x[i].landed, (long long)y[i].landed);
	}
	free(x);
	free(y);
}

/* r1 ships with v2.2 before main has it: the first run caches it unlanded.
 * The merge M2 (T(9,0)) then lands it: the incremental run walks only M2,
 * and must still give r1 its landing, as a cold scan does; the warm start
 * after it reads the landing back from the cache. */
Test(stages, a_merge_after_the_cache_lands_a_cached_commit)
{
	build_history(false);
	struct gitscan_result r;
	scan_into(st, false, &r);
	cr_assert_eq(change_authored(&r, T(8, 0))->landed, SD_NO_TIME);
	gitscan_result_free(&r);

	git_at(9, 0, "merge -q --no-ff rel -m 'Merge rel'");
	scan_into(st, false, &r);
	cr_assert_eq(r.commits_walked, 1, "only the merge is new (walked %zu)", r.commits_walked);
	assert_every_case(&r);
	struct gitscan_result fresh;
	scan_fresh(&fresh);
	assert_same_landings(&r, &fresh);
	gitscan_result_free(&r);

	scan_into(st, false, &r);
	cr_assert(r.from_cache);
	cr_assert_eq(r.commits_walked, 0);
	assert_every_case(&r);
	assert_same_landings(&r, &fresh);
	gitscan_result_free(&r);
	gitscan_result_free(&fresh);
}

/* A changed deployment order re-walks what follows the common part: the
 * commits walked again keep their landings, and new commits on main land.
 * Then main is force-pushed to a history without the merge of feat: f1 is
 * no longer on main, and the run gives what a cold scan gives. */
Test(stages, new_deployments_and_a_force_push_give_what_a_cold_scan_gives)
{
	build_history(true);
	struct gitscan_result r, fresh;
	scan_into(st, false, &r);
	gitscan_result_free(&r);

	/* e1 authored T(10,0) committed T(10,1) on main, tagged v3 at T(11,0):
	 * 1 + 23 hours. v2.1 is re-dated before v2, so the order changes
	 * from v2 on and everything after v1 is walked again. */
	const char *e1 = commit_at(10, 0, 10, 1, "e1");
	atag("v3", e1, 11, 0);
	const char *v21 = keep(th_rev(repo, "maint"));
	atag("v2.1", v21, 5, 12);
	scan_into(st, false, &r);
	cr_assert_gt(r.commits_walked, 1);
	assert_stages(&r, T(10, 0), "v3", T(10, 1), 1, 23);
	scan_fresh(&fresh);
	assert_same_landings(&r, &fresh);
	gitscan_result_free(&r);
	gitscan_result_free(&fresh);

	/* force push: main back to the root, then h1 (T(12,0)) on top */
	git_at(12, 0, "reset -q --hard v1");
	const char *h1 = commit_at(12, 0, 12, 0, "h1");
	(void)h1;
	scan_into(st, false, &r);
	scan_fresh(&fresh);
	assert_same_landings(&r, &fresh);
	/* f1 is no longer on main: v2 ships it unlanded, at v2's time */
	cr_assert_eq(change_authored(&r, T(2, 0))->landed, SD_NO_TIME);
	gitscan_result_free(&r);
	gitscan_result_free(&fresh);
}

/* The bar splits 20 cells by the medians, by largest remainder: 9 and 32 h
 * → 20·9/41 = 4.39 and 20·32/41 = 15.61 → 4 and 15 (19), the one cell
 * left to the larger remainder (.61): 4 + 16. The words name each stage
 * after its fill and the largest median. */
Test(stages, the_bar_and_words_split_by_the_medians)
{
	struct dora_stages s = {.changes = 6, .coding_and_review_hours = 9, .waiting_hours = 32,
				.coding_hours = NAN, .pickup_hours = NAN, .review_hours = NAN};
	struct stage_split sp;
	present_stages(&s, &sp);
	cr_assert_eq(sp.n, 2);
	cr_assert_str_eq(sp.source, "git");
	cr_assert_eq(sp.largest, 1);
	struct strbuf sb = STRBUF_INIT;
	present_stage_bar(&sb, &sp, 20, true);
	cr_assert_str_eq(sb_str(&sb), "####================");
	sb_reset(&sb);
	present_stage_words(&sb, &sp, true, true);
	cr_assert_str_eq(sb_str(&sb), "# coding and review 9 h, = waiting to deploy 32 h; largest: waiting to deploy");
	sb_reset(&sb);
	s.changes = 0;
	present_stages(&s, &sp);
	present_stage_words(&sb, &sp, true, true);
	cr_assert_str_eq(sb_str(&sb), "n/a");
	sb_free(&sb);
}
