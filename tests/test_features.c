/* test_features — pins the feature journey end to end (spec §8–§10, issue 4)
 * on git repositories built at test time, through the real binary: every
 * phase rule of §8 read back from `snapshot --format json` with a hand-worked
 * phase, phase_since, days_in_phase, expected_days and overdue (Planning with
 * no commit; Development while the default branch lacks the commits; Build &
 * Package after the merge until a successful build of the merge or a later
 * default-branch commit, a build before the merge not counting; Testing &
 * Staging after such a build, or at the merge when there is no CI data at
 * all, a staging record changing nothing; Deployment from a tag's time (the
 * tagger date of an annotated tag) or a recorded production deployment, whose
 * time replaces its tag's, kept while a canary is below 100 %; Shipped at the
 * review after 100 % or 24 h after it); the linking edge cases (a branch
 * deleted after its merge, a branch merged twice, a branch name reused, a
 * squash merge found by its key, one commit naming two features' keys, keys
 * in branch names, a build named by a short commit id, a feature deployed by
 * a tag on a maintenance branch, a stale hand-set phase, an unknown
 * checklist item, readiness); and every reason of the go/no-go gate with
 * its exit status (open items by name, the window at its edges in UTC, at a
 * holiday and in the team's own zone, the latest build of the merge as of
 * the gate's time, open incidents). What the snapshot JSON does not carry
 * (key shared, manual phase stale, how the merge was found) is read from
 * the model built in process over the same database and repository. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "helpers.h"
#include "model.h"
#include "util.h"

static char *home, *repo;

static void setup(void)
{
	home = th_tmpdir();
	repo = th_make_repo(home, "app"); /* main: "Initial commit" at 2026-01-01T10:00Z */
}

static void teardown(void)
{
	th_rmtree(home);
	free(home);
	free(repo);
}

TestSuite(phases, .init = setup, .fini = teardown, .timeout = 60);
TestSuite(edges, .init = setup, .fini = teardown, .timeout = 60);
TestSuite(gate, .init = setup, .fini = teardown, .timeout = 60);

/* Features are recorded on 2026-11-01 00:00 UTC unless a test says otherwise. */
#define CREATED "2026-11-01T00:00:00Z"

#define RUN(now, ...) th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", now, __VA_ARGS__, NULL})

static void ok(struct th_run *r)
{
	cr_assert_eq(r->status, 0, "status %d, stderr: %s", r->status, r->err);
}

/* Runs a command that must succeed and forgets its output. */
#define DO(now, ...)                                  \
	do {                                          \
		struct th_run r_ = RUN(now, __VA_ARGS__); \
		ok(&r_);                              \
		th_run_free(&r_);                     \
	} while (0)

static void commit(const char *date, const char *msg)
{
	cr_assert_eq(th_git(repo, date, "commit -q --allow-empty -m '%s'", msg), 0, "commit %s", msg);
}

static void git(const char *date, const char *cmd)
{
	cr_assert_eq(th_git(repo, date, "%s", cmd), 0, "git %s", cmd);
}

/* Branch off main, one commit, back to main, merge with git's own message. */
static void branch_with_commit(const char *branch, const char *date, const char *msg)
{
	char cmd[200];
	snprintf(cmd, sizeof cmd, "checkout -q -b %s main", branch);
	git(date, cmd);
	commit(date, msg);
	git(date, "checkout -q main");
}

static void merge(const char *branch, const char *date)
{
	char cmd[200];
	snprintf(cmd, sizeof cmd, "merge -q --no-ff -m \"Merge branch '%s'\" %s", branch, branch);
	git(date, cmd);
}

static cJSON *snapshot(const char *now)
{
	struct th_run r = RUN(now, "snapshot", "--format", "json");
	ok(&r);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j, "not JSON: %s", r.out);
	th_run_free(&r);
	return j;
}

static const cJSON *feature_of(const cJSON *snap, int id)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(snap, "features"))
		if ((int)cJSON_GetObjectItem(f, "id")->valuedouble == id)
			return f;
	cr_assert_fail("no feature %d in the snapshot", id);
	return NULL;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	cr_assert(cJSON_IsNumber(v), "%s is not a number", key);
	return v->valuedouble;
}

static bool jbool(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	cr_assert(cJSON_IsBool(v), "%s is not a boolean", key);
	return cJSON_IsTrue(v);
}

/* JSON numbers carry at most two decimals (src/jsonw.c): within half a cent. */
static void near(double got, double want, const char *what)
{
	cr_assert(fabs(got - want) <= 0.005 + 1e-9, "%s: %g, want %g", what, got, want);
}

/* One feature's phase as the snapshot shows it; lo < 0: no expected range. */
static void expect_phase(const cJSON *snap, int id, const char *phase, const char *since, double days,
			 double lo, double hi, bool overdue)
{
	const cJSON *f = feature_of(snap, id);
	cr_assert_str_eq(jstr(f, "phase"), phase, "feature %d", id);
	cr_assert_str_eq(jstr(f, "phase_since"), since, "feature %d", id);
	near(jnum(f, "days_in_phase"), days, "days_in_phase");
	const cJSON *ex = cJSON_GetObjectItem(f, "expected_days");
	if (lo < 0) {
		cr_assert(cJSON_IsNull(ex), "feature %d has an expected range", id);
	} else {
		cr_assert_eq(cJSON_GetArraySize(ex), 2);
		near(cJSON_GetArrayItem(ex, 0)->valuedouble, lo, "expected lo");
		near(cJSON_GetArrayItem(ex, 1)->valuedouble, hi, "expected hi");
	}
	cr_assert_eq(jbool(f, "overdue"), overdue, "feature %d overdue", id);
}

/* The stored phase events (from `export`), to look up with has_event. */
static cJSON *stored_events(const char *now)
{
	struct th_run r = RUN(now, "export");
	ok(&r);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j, "not JSON: %s", r.out);
	th_run_free(&r);
	return j;
}

/* Is there an event of feature id entering phase, with that evidence? */
static bool has_event(const cJSON *exported, int id, const char *phase, const char *evidence)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(cJSON_GetObjectItem(exported, "tables"), "feature_events"))
		if ((int)jnum(e, "feature_id") == id && streq(jstr(e, "phase"), phase) &&
		    (!evidence || streq(jstr(e, "evidence"), evidence)))
			return true;
	return false;
}

/* The model, built in process over the same repository and database, for
 * what the snapshot does not print. */
struct model_run {
	struct ctx c;
	struct dash d;
};

static void model_at(struct model_run *m, const char *now)
{
	char *cfg = xasprintf("%s/.config", home), *data = xasprintf("%s/.local/share", home);
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", cfg, 1);
	setenv("XDG_DATA_HOME", data, 1);
	free(cfg);
	free(data);
	char *argv[] = {"shipdeck", "--repo", repo, "--now", (char *)now, "--read-only", "snapshot", NULL};
	cr_assert_geq(ctx_init(&m->c, 7, argv), 0);
	cr_assert_eq(model_build(&m->c, &m->d), 0);
}

static void model_done(struct model_run *m)
{
	model_free(&m->d);
	ctx_free(&m->c);
}

static const struct dash_feature *model_feature(const struct model_run *m, int id)
{
	for (size_t i = 0; i < m->d.nfeatures; i++)
		if (m->d.features[i].id == id)
			return &m->d.features[i];
	cr_assert_fail("no feature %d in the model", id);
	return NULL;
}

static const char *const planning_items[] = {
	"problem-data", "success-measurable", "edge-cases", "failure-behaviour",
	"technical-constraints", "out-of-scope", "reviewed-together",
};

/* ---- §8 phase rules ------------------------------------------------------------ */

Test(phases, planning_development_and_readiness)
{
	DO(CREATED, "feature", "add", "Planned", "--key", "FEAT-9");                        /* 1, medium */
	DO(CREATED, "feature", "add", "Quick", "--branch", "feat-quick", "--size", "small"); /* 2 */
	DO(CREATED, "feature", "add", "Slow", "--branch", "feat-slow", "--size", "small");   /* 3 */
	branch_with_commit("feat-quick", "2026-11-18T00:00:00+0000", "Quick work");
	branch_with_commit("feat-slow", "2026-11-16T12:00:00+0000", "Slow work");
	git("2026-11-17T12:00:00+0000", "checkout -q feat-slow");
	commit("2026-11-17T12:00:00+0000", "More slow work");
	git("2026-11-17T12:00:00+0000", "checkout -q main");
	/* Feature 3's planning is done; feature 2's is not. */
	struct th_run r = th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", CREATED,
		"check", "3", planning_items[0], planning_items[1], planning_items[2], planning_items[3],
		planning_items[4], planning_items[5], planning_items[6], NULL});
	ok(&r);
	th_run_free(&r);

	cJSON *s = snapshot("2026-11-20T12:00:00Z");
	/* 1: no commit mentions FEAT-9: Planning since it was recorded.
	 *    11-01 00:00 -> 11-20 12:00 = 19.5 days; medium planning 3-5: overdue. */
	expect_phase(s, 1, "planning", "2026-11-01T00:00:00Z", 19.5, 3, 5, true);
	/* 2: a commit main lacks, 11-18 00:00 -> 11-20 12:00 = 2.5 days; small development
	 *    2-3: not overdue. Out of Planning with 0 of 7 planning items: not ready. */
	expect_phase(s, 2, "development", "2026-11-18T00:00:00Z", 2.5, 2, 3, false);
	cr_assert(jbool(feature_of(s, 2), "not_ready"));
	/* 3: from its first commit, 11-16 12:00 -> 11-20 12:00 = 4.0 days > 3: overdue;
	 *    all 7 planning items ticked: ready. */
	expect_phase(s, 3, "development", "2026-11-16T12:00:00Z", 4.0, 2, 3, true);
	cr_assert_not(jbool(feature_of(s, 3), "not_ready"));
	cr_assert_eq(jnum(cJSON_GetObjectItem(feature_of(s, 3), "planning"), "done"), 7);
	/* In Planning, open planning items are not a flag: that is where they belong. */
	cr_assert_not(jbool(feature_of(s, 1), "not_ready"));
	cJSON_Delete(s);
	/* The development event names the first commit. */
	char *first = th_rev(repo, "feat-slow~1");
	cJSON *ev = stored_events("2026-11-20T12:00:00Z");
	cr_assert(has_event(ev, 3, "development", first));
	cJSON_Delete(ev);
	free(first);

	/* Evidence after now does not exist yet: at 11-17 00:00 feature 2 had no
	 * commit (Planning, 16.0 days, small planning 1-2: overdue). */
	s = snapshot("2026-11-17T00:00:00Z");
	expect_phase(s, 2, "planning", "2026-11-01T00:00:00Z", 16.0, 1, 2, true);
	cJSON_Delete(s);

	/* The text snapshot says it too, attention items first. */
	r = RUN("2026-11-20T12:00:00Z", "snapshot", "--width", "100");
	ok(&r);
	cr_assert(strstr(r.out, "Development (2)"), "%s", r.out);
	cr_assert(strstr(r.out, "not-ready"), "%s", r.out);
	th_run_free(&r);
}

/* main: Initial (01-01) - M1 "Merge feat-b" (11-12 10:00) - C2 "Docs" (11-13 08:00)
 *       - M2 "Merge feat-c" (11-16 10:00); feat-b's commit 11-10, feat-c's 11-15.
 * Builds: Initial success 11-11 09:00-09:10 (CI data exists, for an older commit);
 * M1 failure 11-12 10:05-10:25; C2 success 11-13 08:05-08:25; M2 success 11-16 10:05-10:20. */
Test(phases, build_until_a_successful_build_of_the_merge_or_later)
{
	DO(CREATED, "feature", "add", "Bee", "--branch", "feat-b");  /* 1, medium */
	DO(CREATED, "feature", "add", "Cee", "--branch", "feat-c");  /* 2, medium */
	char *init = th_rev(repo, "main");
	branch_with_commit("feat-b", "2026-11-10T10:00:00+0000", "B work");
	merge("feat-b", "2026-11-12T10:00:00+0000");
	char *m1 = th_rev(repo, "main");
	commit("2026-11-13T08:00:00+0000", "Docs");
	char *c2 = th_rev(repo, "main");
	branch_with_commit("feat-c", "2026-11-15T10:00:00+0000", "C work");
	merge("feat-c", "2026-11-16T10:00:00+0000");
	char *m2 = th_rev(repo, "main");
	DO(CREATED, "build", "add", "--commit", init, "--started", "2026-11-11T09:00Z",
	   "--finished", "2026-11-11T09:10Z", "--conclusion", "success");
	DO(CREATED, "build", "add", "--commit", m1, "--started", "2026-11-12T10:05Z",
	   "--finished", "2026-11-12T10:25Z", "--conclusion", "failure");
	DO(CREATED, "build", "add", "--commit", c2, "--started", "2026-11-13T08:05Z",
	   "--finished", "2026-11-13T08:25Z", "--conclusion", "success");
	DO(CREATED, "build", "add", "--commit", m2, "--started", "2026-11-16T10:05Z",
	   "--finished", "2026-11-16T10:20Z", "--conclusion", "success");
	/* medium build: 20-30 minutes = 20/1440 .. 30/1440 days */
	const double blo = 20.0 / 1440, bhi = 30.0 / 1440;

	/* 11-12 12:00: feature 1 merged at 10:00; its merge's build failed and the
	 * older commit's success does not count: Build & Package, 2 h = 0.083 d
	 * (shown 0.0) > 30 min: overdue. Feature 2's commit (11-15) is in the future:
	 * Planning since it was recorded, 11.5 days, medium 3-5: overdue. */
	cJSON *s = snapshot("2026-11-12T12:00:00Z");
	expect_phase(s, 1, "build", "2026-11-12T10:00:00Z", 0.0, blo, bhi, true);
	expect_phase(s, 2, "planning", "2026-11-01T00:00:00Z", 11.5, 3, 5, true);
	cJSON_Delete(s);

	/* 11-14 12:00: the LATER main commit C2 built successfully at 11-13 08:25:
	 * Testing & Staging since then, 1 d 3 h 35 min = 1.149 d (shown 1.1); medium 3-5. */
	s = snapshot("2026-11-14T12:00:00Z");
	expect_phase(s, 1, "testing", "2026-11-13T08:25:00Z", 1.1, 3, 5, false);
	cJSON_Delete(s);

	/* 11-16 10:10: feature 2 merged at 10:00, its build (started 10:05) has not
	 * finished, and C2's success is older than the merge: Build & Package for
	 * 10 min = 0.0069 d (shown 0.0), under 30 min: not overdue. */
	s = snapshot("2026-11-16T10:10:00Z");
	expect_phase(s, 2, "build", "2026-11-16T10:00:00Z", 0.0, blo, bhi, false);
	cJSON_Delete(s);

	/* 11-17 10:20: M2's success at 11-16 10:20: Testing for exactly 1.0 day. */
	s = snapshot("2026-11-17T10:20:00Z");
	expect_phase(s, 2, "testing", "2026-11-16T10:20:00Z", 1.0, 3, 5, false);
	expect_phase(s, 1, "testing", "2026-11-13T08:25:00Z", 4.0, 3, 5, false); /* 11-13 08:25 + 4 d 1 h 55 min */
	cJSON_Delete(s);
	cJSON *ev = stored_events("2026-11-17T10:20:00Z");
	cr_assert(has_event(ev, 2, "build", m2));
	cJSON_Delete(ev);
	free(init);
	free(m1);
	free(c2);
	free(m2);
}

/* No builds at all: no build is awaited (§8.4), and a tag or a recorded
 * production deployment moves the feature on; a staging record does not.
 * main: Initial (v1.0.0) - Md (11-03 10:00, annotated tag v1.1.0 dated 11-03 14:00)
 *       - Me (11-05 10:00, recorded canary). */
Test(phases, testing_deployment_and_shipped_without_ci)
{
	DO(CREATED, "feature", "add", "Dee", "--branch", "feat-d", "--size", "small"); /* 1 */
	DO(CREATED, "feature", "add", "Eee", "--branch", "feat-e");                    /* 2, medium */
	git("2026-01-01T10:00:00+0000", "tag v1.0.0");
	branch_with_commit("feat-d", "2026-11-02T10:00:00+0000", "D work");
	merge("feat-d", "2026-11-03T10:00:00+0000");
	git("2026-11-03T14:00:00+0000", "tag -a v1.1.0 -m 'Release 1.1.0'"); /* tagger date 14:00 */
	branch_with_commit("feat-e", "2026-11-05T09:00:00+0000", "E work");
	merge("feat-e", "2026-11-05T10:00:00+0000");
	char *me = th_rev(repo, "main");

	/* 11-03 12:00: merged 2 h ago, no CI data: Testing since the merge,
	 * 0.083 d (shown 0.0); small testing 1-1. */
	cJSON *s = snapshot("2026-11-03T12:00:00Z");
	expect_phase(s, 1, "testing", "2026-11-03T10:00:00Z", 0.0, 1, 1, false);
	cJSON_Delete(s);
	/* 11-03 20:00: v1.1.0 shipped it at its tagger date 14:00 (not the commit's
	 * 10:00): Deployment for 6 h = 0.25 d (shown 0.2); small "same day" 0-1. */
	s = snapshot("2026-11-03T20:00:00Z");
	expect_phase(s, 1, "deployment", "2026-11-03T14:00:00Z", 0.2, 0, 1, false);
	cJSON_Delete(s);
	/* A tag records no rollout: at 100 % from 14:00, Shipped 24 h later. */
	s = snapshot("2026-11-04T13:59:00Z");
	expect_phase(s, 1, "deployment", "2026-11-03T14:00:00Z", 0.9, 0, 1, false);
	cJSON_Delete(s);
	s = snapshot("2026-11-04T14:00:00Z");
	expect_phase(s, 1, "shipped", "2026-11-04T14:00:00Z", 0.0, -1, -1, false);
	cJSON_Delete(s);

	/* Feature 2: a staging deployment at 11:00 is not production. */
	DO("2026-11-05T11:00:00Z", "deploy", "record", me, "--env", "staging", "--at", "2026-11-05T11:00Z");
	s = snapshot("2026-11-05T11:30:00Z");
	expect_phase(s, 2, "testing", "2026-11-05T10:00:00Z", 0.0, 3, 5, false);
	cJSON_Delete(s);
	/* A canary at 5 % at 12:00, a commit no tag names: a deployment of its own. */
	DO("2026-11-05T12:00:00Z", "deploy", "record", me, "--env", "production", "--strategy", "canary",
	   "--rollout", "5", "--at", "2026-11-05T12:00Z");
	/* 11-08 12:00: three days later, still below 100 %: Deployment, not Shipped,
	 * 3.0 days; medium deployment 1-3: 3.0 is not over 3. */
	s = snapshot("2026-11-08T12:00:00Z");
	expect_phase(s, 2, "deployment", "2026-11-05T12:00:00Z", 3.0, 1, 3, false);
	cJSON_Delete(s);
	DO("2026-11-08T13:00:00Z", "deploy", "advance", "2", "--rollout", "100", "--at", "2026-11-08T13:00Z");
	/* 11-08 14:00: at 100 % since 13:00, no review, not 24 h: still Deployment,
	 * 3 d 2 h = 3.083 d (shown 3.0) > 3: overdue. */
	s = snapshot("2026-11-08T14:00:00Z");
	expect_phase(s, 2, "deployment", "2026-11-05T12:00:00Z", 3.0, 1, 3, true);
	cJSON_Delete(s);
	DO("2026-11-08T15:00:00Z", "review", "deploy", "2", "--answer", "1=yes", "--answer", "2=flat",
	   "--answer", "3=happy", "--answer", "4=none", "--answer", "5=same");
	/* The review is done at 15:00: Shipped since then (1 h = 0.04 d, shown 0.0). */
	s = snapshot("2026-11-08T16:00:00Z");
	expect_phase(s, 2, "shipped", "2026-11-08T15:00:00Z", 0.0, -1, -1, false);
	/* CI data recorded later (a build on 11-20) did not exist on 11-03: as of
	 * then, no build was awaited and feature 1 was in Testing, as above. */
	DO("2026-11-20T10:00:00Z", "build", "add", "--commit", me, "--started", "2026-11-20T09:00Z",
	   "--finished", "2026-11-20T09:10Z", "--conclusion", "failure");
	cJSON *then = snapshot("2026-11-03T12:00:00Z");
	expect_phase(then, 1, "testing", "2026-11-03T10:00:00Z", 0.0, 1, 1, false);
	cJSON_Delete(then);
	/* Staging is not a deployment in DORA either: in the 90-day window, the
	 * canary (11-05 12:00) and v1.1.0 (11-03 14:00), newest first; v1.0.0 is
	 * older than the window. */
	const cJSON *deps = cJSON_GetObjectItem(s, "deployments");
	cr_assert_eq(cJSON_GetArraySize(deps), 2);
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(deps, 0), "time"), "2026-11-05T12:00:00Z");
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(deps, 0), "source"), "record");
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(deps, 1), "ref"), "v1.1.0");
	cJSON_Delete(s);
	free(me);
}

/* A recorded production deployment of a tagged commit replaces the tag's
 * time and brings its rollout (spec §1): v2.0.0 is tagged 11-03 14:00 but
 * went out as a 25 % canary at 16:00. */
Test(phases, recorded_deployment_of_a_tag_replaces_its_time)
{
	DO(CREATED, "feature", "add", "Canary", "--branch", "feat-k", "--size", "small"); /* 1 */
	git("2026-01-01T10:00:00+0000", "tag v1.0.0");
	branch_with_commit("feat-k", "2026-11-02T10:00:00+0000", "K work");
	merge("feat-k", "2026-11-03T10:00:00+0000");
	git("2026-11-03T14:00:00+0000", "tag -a v2.0.0 -m 'Release 2.0.0'");
	DO("2026-11-03T16:00:00Z", "deploy", "record", "v2.0.0", "--env", "production", "--strategy", "canary",
	   "--rollout", "25", "--at", "2026-11-03T16:00Z");
	/* 15:00: after the tag, before the recorded time: still Testing (no CI),
	 * since the merge at 10:00 (5 h, shown 0.2). */
	cJSON *s = snapshot("2026-11-03T15:00:00Z");
	expect_phase(s, 1, "testing", "2026-11-03T10:00:00Z", 0.2, 1, 1, false);
	cJSON_Delete(s);
	/* Two days on, at 25 %: Deployment since 16:00, 2.0 days > small's 1: overdue. */
	s = snapshot("2026-11-05T16:00:00Z");
	expect_phase(s, 1, "deployment", "2026-11-03T16:00:00Z", 2.0, 0, 1, true);
	const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(s, "deployments"), 0);
	cr_assert_str_eq(jstr(d, "ref"), "v2.0.0");
	cr_assert_str_eq(jstr(d, "time"), "2026-11-03T16:00:00Z");
	cr_assert_str_eq(jstr(d, "source"), "record");
	cJSON_Delete(s);
	/* 100 % at 11-05 17:00, no review: Shipped 24 h later, 11-06 17:00. */
	DO("2026-11-05T17:00:00Z", "deploy", "advance", "1", "--rollout", "100", "--at", "2026-11-05T17:00Z");
	s = snapshot("2026-11-06T16:59:00Z");
	expect_phase(s, 1, "deployment", "2026-11-03T16:00:00Z", 3.0, 0, 1, true);
	cJSON_Delete(s);
	s = snapshot("2026-11-06T17:00:00Z");
	expect_phase(s, 1, "shipped", "2026-11-06T17:00:00Z", 0.0, -1, -1, false);
	cJSON_Delete(s);
}

/* ---- issue 4 edge cases ------------------------------------------------------ */

/* main, built in date order: Initial (01-01) - Mgone (11-03 10:00) -
 * Mt1 (11-05 10:00) - Mu1 (11-05 11:00) - Mt2 (11-07 10:00) - Mu2 (11-07 11:00)
 * - squash "FEAT-30: ..." (11-09 10:00) - "FEAT-40 FEAT-41: ..." (11-10 10:00).
 * No CI data, so a merged feature is in Testing from the merge that brought
 * the last of its work in. */
Test(edges, deleted_twice_merged_squashed_and_shared_keys)
{
	DO(CREATED, "feature", "add", "Gone", "--branch", "feat-gone");                   /* 1 */
	DO(CREATED, "feature", "add", "Twice", "--branch", "feat-twice");                 /* 2 */
	DO(CREATED, "feature", "add", "Twice gone", "--branch", "feat-twice2");           /* 3 */
	DO(CREATED, "feature", "add", "Squash", "--branch", "feat-sq", "--key", "FEAT-30"); /* 4 */
	DO(CREATED, "feature", "add", "Settings", "--key", "FEAT-40");                    /* 5 */
	DO(CREATED, "feature", "add", "Profile", "--key", "FEAT-41");                     /* 6 */

	/* 1: merged 11-03 10:00, then the branch is deleted: found by "Merge branch 'feat-gone'". */
	branch_with_commit("feat-gone", "2026-11-02T10:00:00+0000", "Gone work");
	char *gone = th_rev(repo, "feat-gone");
	merge("feat-gone", "2026-11-03T10:00:00+0000");
	char *mgone = th_rev(repo, "main");
	git("2026-11-03T10:00:00+0000", "branch -D feat-gone");

	/* 2 and 3: each merged twice (11-05 and 11-07), more work in between;
	 * feat-twice2 is deleted afterwards. All of the work is in main from the
	 * second merge. */
	branch_with_commit("feat-twice", "2026-11-04T10:00:00+0000", "Twice part 1");
	char *t1 = th_rev(repo, "feat-twice");
	branch_with_commit("feat-twice2", "2026-11-04T11:00:00+0000", "Twice2 part 1");
	char *u1 = th_rev(repo, "feat-twice2");
	merge("feat-twice", "2026-11-05T10:00:00+0000");
	merge("feat-twice2", "2026-11-05T11:00:00+0000");
	git("2026-11-06T10:00:00+0000", "checkout -q feat-twice");
	commit("2026-11-06T10:00:00+0000", "Twice part 2");
	git("2026-11-06T11:00:00+0000", "checkout -q feat-twice2");
	commit("2026-11-06T11:00:00+0000", "Twice2 part 2");
	git("2026-11-06T11:00:00+0000", "checkout -q main");
	merge("feat-twice", "2026-11-07T10:00:00+0000");
	char *mt2 = th_rev(repo, "main");
	merge("feat-twice2", "2026-11-07T11:00:00+0000");
	char *mu2 = th_rev(repo, "main");
	git("2026-11-07T11:00:00+0000", "branch -D feat-twice2");

	/* 4: squash merge; the branch tip never becomes an ancestor of main. */
	branch_with_commit("feat-sq", "2026-11-08T10:00:00+0000", "wip");
	char *wip = th_rev(repo, "feat-sq");
	git("2026-11-09T10:00:00+0000", "merge -q --squash feat-sq");
	commit("2026-11-09T10:00:00+0000", "FEAT-30: search filters (#12)");
	char *sq = th_rev(repo, "main");

	/* 5 and 6: one commit names both keys. */
	commit("2026-11-10T10:00:00+0000", "FEAT-40 FEAT-41: shared settings page");
	char *shared = th_rev(repo, "main");

	cJSON *s = snapshot("2026-11-20T12:00:00Z");
	/* 1: Testing since the merge 11-03 10:00: 17.083 d (shown 17.0), medium 3-5. */
	expect_phase(s, 1, "testing", "2026-11-03T10:00:00Z", 17.0, 3, 5, true);
	/* 2, 3: Testing since the second merge: 13.083 / 13.041 d. */
	expect_phase(s, 2, "testing", "2026-11-07T10:00:00Z", 13.0, 3, 5, true);
	expect_phase(s, 3, "testing", "2026-11-07T11:00:00Z", 13.0, 3, 5, true);
	/* 4: the squash commit 11-09 10:00 names FEAT-30: 11.083 d (shown 11.0). */
	expect_phase(s, 4, "testing", "2026-11-09T10:00:00Z", 11.0, 3, 5, true);
	/* 5, 6: both counted at the shared commit, 11-10 10:00: 10.083 d. */
	expect_phase(s, 5, "testing", "2026-11-10T10:00:00Z", 10.0, 3, 5, true);
	expect_phase(s, 6, "testing", "2026-11-10T10:00:00Z", 10.0, 3, 5, true);
	cJSON_Delete(s);

	/* The evidence: the merge commits, and where development started. */
	const char *now = "2026-11-20T12:00:00Z";
	cJSON *ev = stored_events(now);
	cr_assert(has_event(ev, 1, "testing", mgone));
	cr_assert(has_event(ev, 1, "development", gone));
	cr_assert(has_event(ev, 2, "testing", mt2));
	cr_assert(has_event(ev, 2, "development", t1), "a twice-merged feature started at its first commit");
	cr_assert(has_event(ev, 3, "testing", mu2));
	cr_assert(has_event(ev, 3, "development", u1));
	cr_assert(has_event(ev, 4, "testing", sq));
	cr_assert(has_event(ev, 4, "development", wip), "a squashed branch started at its own first commit");
	cr_assert(has_event(ev, 5, "testing", shared));
	cr_assert(has_event(ev, 6, "testing", shared));
	cJSON_Delete(ev);

	struct model_run m;
	model_at(&m, now);
	cr_assert_str_eq(model_feature(&m, 1)->merge_how, "merge message");
	cr_assert_str_eq(model_feature(&m, 2)->merge_how, "merge");
	cr_assert_str_eq(model_feature(&m, 3)->merge_how, "merge message");
	cr_assert_str_eq(model_feature(&m, 4)->merge_how, "key in subject");
	cr_assert(model_feature(&m, 5)->key_shared, "one commit, two features' keys: flagged");
	cr_assert(model_feature(&m, 6)->key_shared);
	cr_assert_not(model_feature(&m, 4)->key_shared);
	cr_assert_not(model_feature(&m, 1)->key_shared);
	model_done(&m);
	free(gone);
	free(mgone);
	free(t1);
	free(u1);
	free(mt2);
	free(mu2);
	free(sq);
	free(wip);
	free(shared);
}

/* A branch name used again after its first merge: the second feature's
 * work starts at its own first commit, not at the old branch's. */
Test(edges, branch_name_reused_after_its_merge)
{
	DO(CREATED, "feature", "add", "Login", "--branch", "feat-login"); /* 1, medium */
	branch_with_commit("feat-login", "2026-11-02T10:00:00+0000", "Old login");
	merge("feat-login", "2026-11-03T10:00:00+0000");
	git("2026-11-03T10:00:00+0000", "branch -D feat-login");
	commit("2026-11-04T10:00:00+0000", "Other work");
	branch_with_commit("feat-login", "2026-11-05T10:00:00+0000", "New login");
	char *fresh = th_rev(repo, "feat-login");
	merge("feat-login", "2026-11-06T10:00:00+0000");
	char *m = th_rev(repo, "main");
	/* 11-08 10:00: Testing (no CI data) since the last merge, 2.0 days. */
	cJSON *s = snapshot("2026-11-08T10:00:00Z");
	expect_phase(s, 1, "testing", "2026-11-06T10:00:00Z", 2.0, 3, 5, false);
	cJSON_Delete(s);
	cJSON *ev = stored_events("2026-11-08T10:00:00Z");
	cr_assert(has_event(ev, 1, "testing", m));
	cr_assert(has_event(ev, 1, "development", fresh), "the reused branch started at 'New login'");
	cJSON_Delete(ev);
	free(fresh);
	free(m);
}

/* Keys are matched as words in branch names too ("feature/FEAT-12-login",
 * "hotfix-FEAT-13"), never as part of a longer key; a build recorded with a
 * short commit id counts for the phase as it does for the gate. */
Test(edges, keys_in_branch_names_and_short_build_ids)
{
	DO(CREATED, "feature", "add", "Login", "--key", "FEAT-12");  /* 1 */
	DO(CREATED, "feature", "add", "Crash", "--key", "FEAT-13");  /* 2 */
	DO(CREATED, "feature", "add", "Other", "--key", "FEAT-1");   /* 3 */
	DO(CREATED, "feature", "add", "Short", "--branch", "feat-s"); /* 4, medium */
	branch_with_commit("feature/FEAT-12-login", "2026-11-10T10:00:00+0000", "Login form");
	branch_with_commit("hotfix-FEAT-13", "2026-11-10T11:00:00+0000", "Crash fix");
	branch_with_commit("FEAT-12-3", "2026-11-10T12:00:00+0000", "Not FEAT-1");
	branch_with_commit("feat-s", "2026-11-10T10:00:00+0000", "S work");
	merge("feat-s", "2026-11-11T10:00:00+0000");
	char *ms = th_rev(repo, "main");
	char prefix[8];
	snprintf(prefix, sizeof prefix, "%.7s", ms);
	DO(CREATED, "build", "add", "--commit", prefix, "--started", "2026-11-11T11:00Z",
	   "--finished", "2026-11-11T11:10Z", "--conclusion", "success");
	/* 11-12 12:00: 1 and 2 in Development from their branches' commits
	 * (2 d 2 h and 2 d 1 h: 2.0 days, medium 7-10); FEAT-1 is named by no
	 * branch and no subject: Planning, 11.5 days. 4: the merge's build
	 * (named by 7 hex digits) succeeded at 11:10: Testing for 1 d 50 min
	 * = 1.03 d (shown 1.0). */
	cJSON *s = snapshot("2026-11-12T12:00:00Z");
	expect_phase(s, 1, "development", "2026-11-10T10:00:00Z", 2.0, 7, 10, false);
	expect_phase(s, 2, "development", "2026-11-10T11:00:00Z", 2.0, 7, 10, false);
	expect_phase(s, 3, "planning", "2026-11-01T00:00:00Z", 11.5, 3, 5, true);
	expect_phase(s, 4, "testing", "2026-11-11T11:10:00Z", 1.0, 3, 5, false);
	cJSON_Delete(s);
	free(ms);
}

/* A fix merged into release-1.x (never into main) and tagged there ships. */
Test(edges, deployed_by_a_tag_on_a_maintenance_branch)
{
	DO(CREATED, "feature", "add", "Hotfix", "--branch", "feat-m", "--size", "small"); /* 1 */
	git("2026-01-01T10:00:00+0000", "tag v1.0.0");
	git("2026-01-02T10:00:00+0000", "checkout -q -b release-1.x main");
	git("2026-11-11T10:00:00+0000", "checkout -q -b feat-m release-1.x");
	commit("2026-11-11T10:00:00+0000", "Fix the rounding");
	git("2026-11-12T10:00:00+0000", "checkout -q release-1.x");
	git("2026-11-12T10:00:00+0000", "merge -q --no-ff -m \"Merge branch 'feat-m' into release-1.x\" feat-m");
	git("2026-11-12T12:00:00+0000", "tag -a v1.0.1 -m 'Patch release'");
	git("2026-11-12T12:00:00+0000", "checkout -q main");
	commit("2026-11-12T13:00:00+0000", "Unrelated main work");

	/* 11-11 12:00: not in main: Development since the fix, 2 h (shown 0.0);
	 * small 2-3 days. */
	cJSON *s = snapshot("2026-11-11T12:00:00Z");
	expect_phase(s, 1, "development", "2026-11-11T10:00:00Z", 0.0, 2, 3, false);
	cJSON_Delete(s);
	/* 11-12 18:00: v1.0.1 (tagger date 12:00) contains it: Deployment for 6 h. */
	s = snapshot("2026-11-12T18:00:00Z");
	expect_phase(s, 1, "deployment", "2026-11-12T12:00:00Z", 0.2, 0, 1, false);
	cJSON_Delete(s);
	/* 24 h after the tag: Shipped. */
	s = snapshot("2026-11-13T12:00:00Z");
	expect_phase(s, 1, "shipped", "2026-11-13T12:00:00Z", 0.0, -1, -1, false);
	cJSON_Delete(s);
}

Test(edges, manual_phase_stale_or_not_and_auto)
{
	DO(CREATED, "feature", "add", "Manual stale", "--branch", "feat-man");  /* 1 */
	DO(CREATED, "feature", "add", "Manual fresh", "--branch", "feat-man2"); /* 2 */
	struct th_run r = RUN("2026-11-02T00:00:00Z", "feature", "phase", "1", "testing", "--reason", "QA said so");
	ok(&r);
	th_run_free(&r);
	branch_with_commit("feat-man2", "2026-11-03T10:00:00+0000", "Fresh work");
	DO("2026-11-04T00:00:00Z", "feature", "phase", "2", "testing", "--reason", "QA has a build");
	branch_with_commit("feat-man", "2026-11-13T10:00:00+0000", "Stale work");

	const char *now = "2026-11-20T12:00:00Z";
	cJSON *s = snapshot(now);
	/* 1: set by hand 11-02 00:00 (18.5 days, medium testing 3-5); the evidence
	 * (Development from 11-13 10:00) is newer: shown manual, flagged stale. */
	expect_phase(s, 1, "testing", "2026-11-02T00:00:00Z", 18.5, 3, 5, true);
	cr_assert(jbool(feature_of(s, 1), "phase_manual"));
	/* 2: set 11-04 00:00 after its evidence (Development 11-03 10:00): 16.5 d. */
	expect_phase(s, 2, "testing", "2026-11-04T00:00:00Z", 16.5, 3, 5, true);
	cr_assert(jbool(feature_of(s, 2), "phase_manual"));
	cJSON_Delete(s);
	struct model_run m;
	model_at(&m, now);
	cr_assert(model_feature(&m, 1)->manual_stale, "manual phase older than the evidence");
	cr_assert_not(model_feature(&m, 2)->manual_stale);
	model_done(&m);
	r = RUN(now, "snapshot", "--width", "100");
	ok(&r);
	cr_assert(strstr(r.out, "manual"), "%s", r.out);
	th_run_free(&r);

	/* --auto gives the evidence back: Development since 11-03 10:00 = 17.083 d. */
	DO(now, "feature", "phase", "2", "--auto");
	s = snapshot(now);
	expect_phase(s, 2, "development", "2026-11-03T10:00:00Z", 17.0, 7, 10, true);
	cr_assert_not(jbool(feature_of(s, 2), "phase_manual"));
	cJSON_Delete(s);
	/* A phase set by hand needs a reason, and a real phase. */
	r = RUN(now, "feature", "phase", "1", "testing");
	cr_assert_eq(r.status, 2);
	th_run_free(&r);
	r = RUN(now, "feature", "phase", "1", "qa", "--reason", "x");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "unknown phase 'qa'"), "%s", r.err);
	th_run_free(&r);
}

Test(edges, unknown_checklist_item_lists_the_valid_ids)
{
	DO(CREATED, "feature", "add", "Item", "--key", "FEAT-1");
	struct th_run r = RUN(CREATED, "check", "FEAT-1", "staging-tests", "no-such-item");
	cr_assert_eq(r.status, 2, "status %d", r.status);
	cr_assert(strstr(r.err, "unknown checklist item 'no-such-item'"), "%s", r.err);
	/* every list's ids, so the right one can be copied */
	cr_assert(strstr(r.err, "problem-data"), "%s", r.err);
	cr_assert(strstr(r.err, "reviewed-together"), "%s", r.err);
	cr_assert(strstr(r.err, "staging-tests"), "%s", r.err);
	cr_assert(strstr(r.err, "feature-flags"), "%s", r.err);
	cr_assert(strstr(r.err, "timeline"), "%s", r.err);
	cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "one line: %s", r.err);
	th_run_free(&r);
	/* all or nothing: the good item before the bad one was not ticked */
	r = RUN(CREATED, "checklist", "FEAT-1", "--kind", "predeploy", "--json");
	ok(&r);
	cJSON *doc = cJSON_Parse(r.out);
	cr_assert_str_eq(jstr(doc, "schema"), "shipdeck.checklist/1");
	cJSON *j = cJSON_DetachItemFromObject(doc, "items");
	cJSON_Delete(doc);
	cr_assert_eq(cJSON_GetArraySize(j), 8);
	const cJSON *it;
	cJSON_ArrayForEach(it, j)
		cr_assert_not(jbool(it, "done"), "%s", jstr(it, "id"));
	cJSON_Delete(j);
	th_run_free(&r);
	/* a ticked item records who and when */
	DO("2026-11-02T09:00:00Z", "check", "FEAT-1", "staging-tests", "--note", "green");
	r = RUN(CREATED, "checklist", "FEAT-1", "--kind", "predeploy", "--json");
	ok(&r);
	doc = cJSON_Parse(r.out);
	j = cJSON_DetachItemFromObject(doc, "items");
	cJSON_Delete(doc);
	const cJSON *first = cJSON_GetArrayItem(j, 0);
	cr_assert_str_eq(jstr(first, "id"), "staging-tests");
	cr_assert(jbool(first, "done"));
	cr_assert_str_eq(jstr(first, "at"), "2026-11-02T09:00:00Z");
	cr_assert_str_eq(jstr(first, "note"), "green");
	cJSON_Delete(j);
	th_run_free(&r);
}

/* ---- the gate ---------------------------------------------------------------- */

static const char *const predeploy_items[] = {
	"staging-tests", "migrations-reversible", "monitoring-dashboards", "rollback-plan",
	"team-available", "incident-standby", "communication-plan", "feature-flags",
};

/* Gate JSON at a time; checks the exit status against the verdict. */
static cJSON *gate_at(const char *at, int want_status)
{
	struct th_run r = RUN(CREATED, "gate", "1", "--at", at, "--json");
	cr_assert_eq(r.status, want_status, "gate at %s: status %d, stdout %s stderr %s", at, r.status,
		     r.out, r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j, "not JSON: %s", r.out);
	cr_assert_str_eq(jstr(j, "gate"), want_status == 0 ? "go" : "no-go");
	th_run_free(&r);
	return j;
}

/* The reason whose text starts with prefix, checked for its level. */
static const char *reason(const cJSON *g, const char *level, const char *prefix)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(g, "reasons"))
		if (str_starts(jstr(it, "text"), prefix)) {
			cr_assert_str_eq(jstr(it, "level"), level, "%s", jstr(it, "text"));
			return jstr(it, "text");
		}
	cr_assert_fail("no reason starting '%s'", prefix);
	return NULL;
}

static void window_is(const cJSON *g, const char *verdict, const char *reason_has)
{
	const cJSON *w = cJSON_GetObjectItem(g, "window");
	cr_assert_str_eq(jstr(w, "verdict"), verdict);
	cr_assert(strstr(jstr(w, "reason"), reason_has), "%s", jstr(w, "reason"));
}

static void write_config(const char *json)
{
	th_sh(home, "mkdir -p .config/shipdeck");
	char *path = xasprintf("%s/.config/shipdeck/config.json", home);
	th_write(path, json);
	free(path);
}

/* A merged feature (merge Mg at 11-03 10:00), with all items ticked. */
static char *gate_fixture(void)
{
	DO(CREATED, "feature", "add", "Gate", "--branch", "feat-g", "--key", "FEAT-7"); /* 1 */
	branch_with_commit("feat-g", "2026-11-02T10:00:00+0000", "G work");
	merge("feat-g", "2026-11-03T10:00:00+0000");
	struct th_run r = th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", CREATED,
		"check", "1", predeploy_items[0], predeploy_items[1], predeploy_items[2], predeploy_items[3],
		predeploy_items[4], predeploy_items[5], predeploy_items[6], predeploy_items[7], NULL});
	ok(&r);
	th_run_free(&r);
	return th_rev(repo, "main");
}

Test(gate, open_items_by_name)
{
	char *mg = gate_fixture();
	DO(CREATED, "check", "1", "rollback-plan", "feature-flags", "--undo");
	/* Thursday 10:00 UTC: a good window, no CI data, no incident; two items open. */
	cJSON *g = gate_at("2026-11-26T10:00:00Z", 1);
	const char *t = reason(g, "block", "pre-deployment checklist: ");
	cr_assert(strstr(t, "2 of 8 items open"), "%s", t);
	cr_assert(strstr(reason(g, "block", "open item rollback-plan"), "Rollback plan documented and tested"));
	reason(g, "block", "open item feature-flags");
	reason(g, "warn", "build: no CI data recorded");
	reason(g, "ok", "no open production incident");
	reason(g, "ok", "window good");
	cJSON_Delete(g);
	/* The snapshot names the same two open items. */
	cJSON *s = snapshot("2026-11-26T10:00:00Z");
	const cJSON *pre = cJSON_GetObjectItem(feature_of(s, 1), "predeploy");
	cr_assert_eq(jnum(pre, "done"), 6);
	cr_assert_eq(jnum(pre, "total"), 8);
	const cJSON *open = cJSON_GetObjectItem(pre, "open");
	cr_assert_eq(cJSON_GetArraySize(open), 2);
	cr_assert_str_eq(cJSON_GetArrayItem(open, 0)->valuestring, "rollback-plan");
	cr_assert_str_eq(cJSON_GetArrayItem(open, 1)->valuestring, "feature-flags");
	cr_assert_str_eq(jstr(feature_of(s, 1), "gate"), "no-go");
	cJSON_Delete(s);
	/* Ticked again: go, exit 0. */
	DO(CREATED, "check", "1", "rollback-plan", "feature-flags");
	g = gate_at("2026-11-26T10:00:00Z", 0);
	reason(g, "ok", "pre-deployment checklist: all 8 items done");
	cJSON_Delete(g);
	/* The text form says the same. */
	struct th_run r = RUN(CREATED, "gate", "FEAT-7", "--at", "2026-11-26T10:00:00Z");
	cr_assert_eq(r.status, 0);
	cr_assert(str_starts(r.out, "GO: FEAT-7 Gate"), "%s", r.out);
	th_run_free(&r);
	free(mg);
}

Test(gate, window_edges_in_utc)
{
	free(gate_fixture());
	/* Thursday 11:59 good, 12:00 afternoon: risky warns, still go. */
	cJSON *g = gate_at("2026-11-26T11:59:00Z", 0);
	window_is(g, "good", "Tuesday-Thursday morning");
	reason(g, "ok", "window good (Thursday 2026-11-26 11:59 UTC)");
	cJSON_Delete(g);
	g = gate_at("2026-11-26T12:00:00Z", 0);
	window_is(g, "risky", "afternoon");
	reason(g, "warn", "window risky (Thursday 2026-11-26 12:00 UTC)");
	cJSON_Delete(g);
	/* Friday 11:59 is already risky (Friday), 12:00 is the Friday afternoon. */
	g = gate_at("2026-11-27T11:59:00Z", 0);
	window_is(g, "risky", "Friday: little of the week");
	cJSON_Delete(g);
	g = gate_at("2026-11-27T12:00:00Z", 0);
	window_is(g, "risky", "Friday afternoon");
	cJSON_Delete(g);
	/* Tuesday 20:00 is night (never: no-go), 06:59 still night, 07:00 good. */
	g = gate_at("2026-11-24T20:00:00Z", 1);
	window_is(g, "never", "night");
	reason(g, "block", "window never (Tuesday 2026-11-24 20:00 UTC)");
	cJSON_Delete(g);
	g = gate_at("2026-11-24T19:59:00Z", 0);
	window_is(g, "risky", "afternoon");
	cJSON_Delete(g);
	g = gate_at("2026-11-24T06:59:00Z", 1);
	window_is(g, "never", "night");
	cJSON_Delete(g);
	g = gate_at("2026-11-24T07:00:00Z", 0);
	window_is(g, "good", "morning");
	cJSON_Delete(g);
	/* Saturday: weekend, never. */
	g = gate_at("2026-11-28T10:00:00Z", 1);
	window_is(g, "never", "weekend");
	cJSON_Delete(g);
}

Test(gate, holiday_and_the_teams_zone)
{
	free(gate_fixture());
	write_config("{\"holidays\": \"2026-11-24, 2026-12-25\"}");
	/* Tuesday 10:00 would be good; it is a team holiday: never, no-go. */
	cJSON *g = gate_at("2026-11-24T10:00:00Z", 1);
	window_is(g, "never", "holiday");
	cJSON_Delete(g);
	g = gate_at("2026-11-25T10:00:00Z", 0);
	window_is(g, "good", "morning");
	cJSON_Delete(g);

	/* Los Angeles is UTC-8 in November (PST). 17:00Z is Tuesday 09:00 there:
	 * good, though 17:00 in UTC would be a risky afternoon. */
	write_config("{\"timezone\": \"America/Los_Angeles\"}");
	g = gate_at("2026-11-24T17:00:00Z", 0);
	window_is(g, "good", "morning");
	reason(g, "ok", "window good (Tuesday 2026-11-24 09:00 PST)");
	cJSON_Delete(g);
	/* 14:59Z is 06:59 there: night, no-go (a risky afternoon in UTC). */
	g = gate_at("2026-11-24T14:59:00Z", 1);
	window_is(g, "never", "night");
	cJSON_Delete(g);
	/* 2026-11-25 03:30Z is still Tuesday 19:30 there: risky afternoon, not
	 * Wednesday night as on the server. */
	g = gate_at("2026-11-25T03:30:00Z", 0);
	window_is(g, "risky", "afternoon");
	reason(g, "warn", "window risky (Tuesday 2026-11-24 19:30 PST)");
	cJSON_Delete(g);
	/* Friday 20:00Z is 12:00 there: the Friday afternoon starts in LA. */
	g = gate_at("2026-11-27T19:59:00Z", 0);
	window_is(g, "risky", "Friday: little of the week");
	cJSON_Delete(g);
	g = gate_at("2026-11-27T20:00:00Z", 0);
	window_is(g, "risky", "Friday afternoon");
	cJSON_Delete(g);
	/* The holiday is a day of the team's calendar: 2026-11-24 in LA runs
	 * from 08:00Z to 08:00Z the next day. */
	write_config("{\"timezone\": \"America/Los_Angeles\", \"holidays\": \"2026-11-24\"}");
	g = gate_at("2026-11-24T07:59:00Z", 1); /* Monday 23:59 PST: night, not the holiday */
	window_is(g, "never", "night");
	cJSON_Delete(g);
	g = gate_at("2026-11-24T17:00:00Z", 1); /* Tuesday 09:00 PST: the holiday */
	window_is(g, "never", "holiday");
	cJSON_Delete(g);
	g = gate_at("2026-11-25T17:00:00Z", 0); /* Wednesday 09:00 PST */
	window_is(g, "good", "morning");
	cJSON_Delete(g);
}

Test(gate, latest_build_of_the_merge_and_incidents)
{
	char *mg = gate_fixture();
	DO(CREATED, "feature", "add", "Unmerged", "--branch", "feat-u"); /* 2 */
	branch_with_commit("feat-u", "2026-11-20T10:00:00+0000", "U work");
	/* No CI data: the build is not checked (a warning), go. */
	cJSON *g = gate_at("2026-11-26T10:00:00Z", 0);
	reason(g, "warn", "build: no CI data recorded");
	cJSON_Delete(g);
	/* The merge's build failed at 11-25 09:10: no-go. */
	DO(CREATED, "build", "add", "--commit", mg, "--started", "2026-11-25T09:00Z",
	   "--finished", "2026-11-25T09:10Z", "--conclusion", "failure");
	g = gate_at("2026-11-26T10:00:00Z", 1);
	const char *t = reason(g, "block", "build: build ");
	cr_assert(strstr(t, "failed"), "%s", t);
	cJSON_Delete(g);
	/* A re-run succeeded at 11:10: the latest build decides, go again; as of
	 * 11-25 10:00 that success had not happened yet. */
	DO(CREATED, "build", "add", "--commit", mg, "--started", "2026-11-25T11:00Z",
	   "--finished", "2026-11-25T11:10Z", "--conclusion", "success");
	g = gate_at("2026-11-26T10:00:00Z", 0);
	t = reason(g, "ok", "build: build ");
	cr_assert(strstr(t, "succeeded"), "%s", t);
	cJSON_Delete(g);
	/* As of Wednesday 10:30 the re-run had not started: the failure is the latest. */
	g = gate_at("2026-11-25T10:30:00Z", 1);
	cr_assert(strstr(reason(g, "block", "build: build "), "failed"));
	cJSON_Delete(g);
	/* As of 11:05 it had started, not finished: still running, no-go. */
	g = gate_at("2026-11-25T11:05:00Z", 1);
	cr_assert(strstr(reason(g, "block", "build: build "), "still running"));
	cJSON_Delete(g);
	/* CI data exists but none for an unmerged feature's commit: no-go. */
	struct th_run r = RUN(CREATED, "gate", "2", "--at", "2026-11-26T10:00:00Z", "--json");
	cr_assert_eq(r.status, 1, "%s", r.out);
	cJSON *g2 = cJSON_Parse(r.out);
	/* it judges the branch tip (not merged), and says so */
	reason(g2, "block", "build: no build of ");
	reason(g2, "warn", "commit: judging ");
	cJSON_Delete(g2);
	th_run_free(&r);

	/* An open production incident blocks; restored, it does not. */
	DO("2026-11-26T09:00:00Z", "incident", "open", "Checkout \x1b[31mdown", "--severity", "sev1",
	   "--at", "2026-11-26T09:00Z");
	g = gate_at("2026-11-26T10:00:00Z", 1);
	t = reason(g, "block", "open production incident 1: ");
	cr_assert_not(strchr(t, '\x1b'), "outside text is cleaned: %s", t);
	cr_assert(strstr(t, "Checkout"), "%s", t);
	cJSON_Delete(g);
	/* As of 08:59 the incident had not started. */
	g = gate_at("2026-11-26T08:59:00Z", 0);
	reason(g, "ok", "no open production incident");
	cJSON_Delete(g);
	DO("2026-11-26T09:40:00Z", "incident", "update", "1", "--restored", "2026-11-26T09:30Z");
	g = gate_at("2026-11-26T10:00:00Z", 0);
	reason(g, "ok", "no open production incident");
	cJSON_Delete(g);
	/* As of 09:15 it was still open. */
	g = gate_at("2026-11-26T09:15:00Z", 1);
	reason(g, "block", "open production incident 1: ");
	cJSON_Delete(g);
	/* Every reason at once: items, never window, failed build, incident. */
	DO(CREATED, "check", "1", "team-available", "--undo");
	DO(CREATED, "build", "add", "--commit", mg, "--started", "2026-11-28T09:00Z",
	   "--finished", "2026-11-28T09:10Z", "--conclusion", "failure");
	DO("2026-11-28T10:00:00Z", "incident", "open", "Search slow", "--at", "2026-11-28T09:30Z");
	g = gate_at("2026-11-28T10:00:00Z", 1);
	reason(g, "block", "open item team-available");
	reason(g, "block", "window never (Saturday");
	cr_assert(strstr(reason(g, "block", "build: build "), "failed"));
	reason(g, "block", "open production incident 2: Search slow");
	cJSON_Delete(g);
	free(mg);
}
