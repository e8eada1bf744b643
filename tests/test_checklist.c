/* test_checklist — pins checklists, not-applicable items and the gate's
 * explanations (issue 12), through the real binary on git repositories made
 * at test time: an item marked `--na REASON` stops blocking the gate, shows
 * as N/A with its reason in `checklist` (text and JSON), the gate, the
 * snapshot (text, markdown, JSON) and survives export → import, and blocks
 * again after `uncheck`; config `checklist_off` switches an item off for the
 * repository (an unknown id is a warning naming the valid ids); ticking a
 * ticked item says who ticked it and when and changes nothing; and every
 * block of the gate names what it judged (the commit: the merge, else the
 * branch tip, which is said to be unmerged; the build it found or looked
 * for) and what would clear it, the window block naming the next good
 * window in the team's zone (also in the snapshot's JSON). */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "util.h"

static char *home, *repo, *tip, *old_tip;

/* main: one commit (th_make_repo). Branch feat/login: two commits, the
 * second its tip; not merged. */
static void setup(void)
{
	home = th_tmpdir();
	repo = th_make_repo(home, "shop");
	th_git(repo, "2026-11-30T09:00:00+0000", "checkout -q -b feat/login");
	th_git(repo, "2026-11-30T09:00:00+0000", "commit -q --allow-empty -m 'Login form'");
	old_tip = th_rev(repo, "HEAD");
	th_git(repo, "2026-11-30T10:00:00+0000", "commit -q --allow-empty -m 'Login errors'");
	tip = th_rev(repo, "HEAD");
	th_git(repo, "2026-11-30T10:00:00+0000", "checkout -q main");
	/* "by" in every tick is $USER: fixed so the answers can name it */
	setenv("USER", "dana", 1);
}

static void teardown(void)
{
	th_rmtree(home);
	free(home);
	free(repo);
	free(tip);
	free(old_tip);
}

TestSuite(checklist, .init = setup, .fini = teardown, .timeout = 60);

/* Tuesday 2026-12-01 09:00 UTC: a good window (Tuesday morning), so only the
 * checklist, the commit and the build decide the gate. */
#define NOW "2026-12-01T09:00:00Z"
#define RUN(...) th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", NOW, __VA_ARGS__, NULL})

static void expect(struct th_run *r, int status, const char *out_has)
{
	cr_assert_eq(r->status, status, "status %d, stdout: %s\nstderr: %s", r->status, r->out, r->err);
	if (out_has)
		cr_assert(strstr(r->out, out_has), "stdout lacks '%s':\n%s", out_has, r->out);
}

static void run_ok(struct th_run r, const char *out_has)
{
	expect(&r, 0, out_has);
	th_run_free(&r);
}

static void run_expect(struct th_run r, int status, const char *out_has)
{
	expect(&r, status, out_has);
	th_run_free(&r);
}

/* The seven pre-deployment items other than migrations-reversible. */
static void tick_all_but_migrations(void)
{
	run_ok(RUN("check", "LOG-1", "staging-tests", "monitoring-dashboards", "rollback-plan",
		   "team-available", "incident-standby", "communication-plan", "feature-flags"),
	       "ticked feature-flags");
}

static void add_feature_with_tip_build(void)
{
	run_ok(RUN("feature", "add", "Login", "--key", "LOG-1", "--branch", "feat/login"), NULL);
	run_ok(RUN("build", "add", "--commit", tip, "--branch", "feat/login", "--started",
		   "2026-11-30T10:05:00Z", "--finished", "2026-11-30T10:15:00Z", "--conclusion", "success"),
	       NULL);
}

static cJSON *json_of(struct th_run r)
{
	expect(&r, 0, NULL);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j, "not JSON: %s", r.out);
	th_run_free(&r);
	return j;
}

/* arr: a checklist document ({"schema", "items": [...]}) or an array. */
static const cJSON *item_in(const cJSON *arr, const char *id)
{
	if (cJSON_IsObject(arr) && cJSON_GetObjectItem(arr, "items"))
		arr = cJSON_GetObjectItem(arr, "items");
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(it, "id")), id) == 0)
			return it;
	return NULL;
}

Test(checklist, na_lifecycle_on_every_surface)
{
	add_feature_with_tip_build();
	tick_all_but_migrations();
	/* 7 of 8 ticked: the one open item blocks */
	run_expect(RUN("gate", "LOG-1"), 1, "block open item migrations-reversible");
	run_ok(RUN("check", "LOG-1", "migrations-reversible", "--na", "no database in this project"),
	       "marked migrations-reversible not applicable: no database in this project");

	/* gate: 7 done + 1 N/A of 8, nothing open → the checklist passes; the
	 * branch is not merged (a warning) and its tip's build succeeded → go */
	struct th_run r = RUN("gate", "LOG-1");
	expect(&r, 0, "GO: LOG-1 Login");
	cr_assert(strstr(r.out, "ok    pre-deployment checklist: 7 of 8 items done, 1 not applicable"), "%s", r.out);
	cr_assert(strstr(r.out, "ok    item migrations-reversible is not applicable: no database in this project"),
		  "%s", r.out);
	th_run_free(&r);

	/* checklist, text and JSON */
	r = RUN("checklist", "LOG-1", "--kind", "predeploy");
	expect(&r, 0, "[-] migrations-reversible  Database migrations tested and reversible  "
		      "N/A: no database in this project  (dana, 2026-12-01 09:00)");
	th_run_free(&r);
	cJSON *j = json_of(RUN("checklist", "LOG-1", "--json"));
	const cJSON *m = item_in(j, "migrations-reversible");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(m, "state")), "na");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(m, "na_reason")), "no database in this project");
	cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(m, "done")));
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(item_in(j, "staging-tests"), "state")), "done");
	cJSON_Delete(j);

	/* snapshot: a line under the feature (text), its flags cell (markdown),
	 * counts and reasons (JSON) */
	r = RUN("snapshot", "--width", "100");
	expect(&r, 0, "             N/A migrations-reversible: no database in this project\n");
	th_run_free(&r);
	r = RUN("snapshot", "--format", "markdown");
	expect(&r, 0, "N/A migrations-reversible: no database in this project |");
	th_run_free(&r);
	j = json_of(RUN("snapshot", "--format", "json"));
	const cJSON *pre = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "features"), 0), "predeploy");
	cr_assert_eq(cJSON_GetObjectItem(pre, "done")->valueint, 7);
	cr_assert_eq(cJSON_GetObjectItem(pre, "na")->valueint, 1);
	cr_assert_eq(cJSON_GetObjectItem(pre, "total")->valueint, 8);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(pre, "open")), 0);
	const cJSON *na0 = cJSON_GetArrayItem(cJSON_GetObjectItem(pre, "not_applicable"), 0);
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(na0, "reason")), "no database in this project");
	cJSON_Delete(j);

	/* export → import into a new database keeps the mark */
	r = RUN("export");
	expect(&r, 0, NULL);
	cJSON *doc = cJSON_Parse(r.out);
	const cJSON *rows = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "tables"), "checklist_items");
	int na_rows = 0;
	const cJSON *row;
	cJSON_ArrayForEach(row, rows)
		na_rows += strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(row, "state")), "na") == 0;
	cr_assert_eq(na_rows, 1, "one row of 8 is N/A");
	cr_assert_eq(cJSON_GetArraySize(rows), 8);
	cJSON_Delete(doc);
	char *file = xasprintf("%s/export.json", home), *db2 = xasprintf("%s/copy.db", home);
	th_write(file, r.out);
	th_run_free(&r);
	run_ok(th_shipdeck(home, NULL, (const char *const[]){"--db", db2, "import", file, NULL}), NULL);
	r = th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--db", db2, "--now", NOW,
							   "checklist", "LOG-1", NULL});
	expect(&r, 0, "N/A: no database in this project");
	th_run_free(&r);
	free(file);
	free(db2);

	/* uncheck: open again, and the gate blocks on it again */
	run_ok(RUN("uncheck", "LOG-1", "migrations-reversible"),
	       "cleared migrations-reversible (it was marked not applicable by dana at 2026-12-01 09:00 UTC); "
	       "it is open again");
	run_expect(RUN("gate", "LOG-1"), 1, "block open item migrations-reversible");
	run_ok(RUN("uncheck", "LOG-1", "migrations-reversible"),
	       "migrations-reversible was neither ticked nor marked not applicable");
}

Test(checklist, na_needs_a_reason_and_not_with_note)
{
	run_ok(RUN("feature", "add", "Login", "--key", "LOG-1"), NULL);
	struct th_run r = RUN("check", "LOG-1", "rollback-plan", "--na", "");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--na needs a reason"), "%s", r.err);
	th_run_free(&r);
	r = RUN("check", "LOG-1", "rollback-plan", "--na", "x", "--note", "y");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--na takes the reason itself"), "%s", r.err);
	th_run_free(&r);
	/* an unknown item among known ones: nothing is written */
	r = RUN("check", "LOG-1", "rollback-plan", "no-such-item", "--na", "x");
	cr_assert_eq(r.status, 2);
	th_run_free(&r);
	run_ok(RUN("checklist", "LOG-1", "--kind", "predeploy"), "[ ] rollback-plan");
}

Test(checklist, retick_says_who_and_when_and_changes_nothing)
{
	run_ok(RUN("feature", "add", "Login", "--key", "LOG-1"), NULL);
	run_ok(RUN("check", "LOG-1", "staging-tests", "--note", "green"), "ticked staging-tests");
	/* a day later, someone else ticks it again */
	setenv("USER", "sam", 1);
	struct th_run r = th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now",
		"2026-12-02T10:00:00Z", "check", "LOG-1", "staging-tests", NULL});
	expect(&r, 0, "staging-tests was already ticked by dana at 2026-12-01 09:00 UTC; left as it was\n");
	th_run_free(&r);
	/* the first tick stands: dana, 09:00 on the 1st, note "green" */
	run_ok(RUN("checklist", "LOG-1", "--kind", "predeploy"),
	       "[x] staging-tests          All tests passed in staging  (dana, 2026-12-01 09:00) — green");
	/* marking a ticked item N/A replaces the tick and says whose it was */
	run_ok(RUN("check", "LOG-1", "staging-tests", "--na", "no staging"),
	       "marked staging-tests not applicable: no staging (it was ticked by dana at 2026-12-01 09:00 UTC)");
	run_ok(RUN("check", "LOG-1", "staging-tests", "--na", "again"),
	       "staging-tests was already marked not applicable by sam at 2026-12-01 09:00 UTC: no staging; "
	       "left as it was");
}

Test(checklist, config_switches_items_off)
{
	char *cfg = xasprintf("%s/.shipdeck.json", repo);
	/* db-migrations is not an id (the item is migrations-reversible): a warning */
	th_write(cfg, "{\"checklist_off\": [\"migrations-reversible\", \"db-migrations\"]}");
	add_feature_with_tip_build();
	tick_all_but_migrations();
	struct th_run r = RUN("gate", "LOG-1");
	expect(&r, 0, "ok    item migrations-reversible is not applicable: switched off for this repository "
		      "(config checklist_off)");
	cr_assert(strstr(r.err, "config checklist_off: no checklist item 'db-migrations', ignored (ids: "
				"planning: problem-data"), "%s", r.err);
	cr_assert(strstr(r.err, "predeploy: staging-tests migrations-reversible"), "%s", r.err);
	th_run_free(&r);
	run_ok(RUN("checklist", "LOG-1", "--kind", "predeploy"),
	       "[-] migrations-reversible  Database migrations tested and reversible  N/A: switched off");
	/* said once in the snapshot's notes, not under every feature */
	r = RUN("snapshot");
	expect(&r, 0, "not applicable here (config checklist_off): migrations-reversible");
	cr_assert_null(strstr(r.out, "N/A migrations-reversible"), "%s", r.out);
	th_run_free(&r);
	/* a tick wins over the config; unchecking it goes back to "switched off" */
	run_ok(RUN("check", "LOG-1", "migrations-reversible"), "ticked migrations-reversible");
	run_ok(RUN("checklist", "LOG-1", "--kind", "predeploy"), "[x] migrations-reversible");
	run_ok(RUN("uncheck", "LOG-1", "migrations-reversible"), "unticked migrations-reversible");
	run_ok(RUN("gate", "LOG-1"), "7 of 8 items done, 1 not applicable");
	free(cfg);
}

/* ---- the gate explains -------------------------------------------------------------- */

static void tick_everything(void)
{
	tick_all_but_migrations();
	run_ok(RUN("check", "LOG-1", "migrations-reversible"), NULL);
}

Test(checklist, gate_unmerged_branch_judges_its_tip)
{
	/* the case: a successful build of the branch tip, branch not merged */
	add_feature_with_tip_build();
	tick_everything();
	char *judging = xasprintf("warn  commit: judging %.7s, the tip of branch feat/login, which is not "
				  "merged into main", tip);
	char *build = xasprintf("ok    build: build 1 (recorded by hand) of %.7s succeeded", tip);
	struct th_run r = RUN("gate", "LOG-1");
	expect(&r, 0, judging);
	cr_assert(strstr(r.out, build), "%s", r.out);
	th_run_free(&r);
	cJSON *j = json_of(RUN("gate", "LOG-1", "--json"));
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(j, "commit")), tip);
	cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "merged")));
	cJSON_Delete(j);
	free(judging);
	free(build);
}

Test(checklist, gate_no_build_of_the_tip_names_the_one_found)
{
	run_ok(RUN("feature", "add", "Login", "--key", "LOG-1", "--branch", "feat/login"), NULL);
	run_ok(RUN("build", "add", "--commit", old_tip, "--branch", "feat/login", "--started",
		   "2026-11-30T09:05:00Z", "--finished", "2026-11-30T09:15:00Z", "--conclusion", "success"),
	       NULL);
	tick_everything();
	char *want = xasprintf("block build: no build of %.7s recorded: the latest build of the branch is "
			       "build 1 (recorded by hand) of %.7s, another commit; record its CI run "
			       "(shipdeck build add --commit %.7s ..., or build import)", tip, old_tip, tip);
	run_expect(RUN("gate", "LOG-1"), 1, want);
	free(want);
}

Test(checklist, gate_merged_judges_the_merge)
{
	add_feature_with_tip_build();
	tick_everything();
	th_git(repo, "2026-11-30T11:00:00+0000", "merge -q --no-ff -m 'Merge feat/login' feat/login");
	char *merge = th_rev(repo, "HEAD");
	/* the build of the tip is not a build of the merge */
	char *judging = xasprintf("ok    commit: judging %.7s, where branch feat/login was merged into main", merge);
	char *none = xasprintf("block build: no build of %.7s recorded: the latest build of the branch is "
			       "build 1 (recorded by hand) of %.7s, another commit", merge, tip);
	struct th_run r = RUN("gate", "LOG-1");
	expect(&r, 1, judging);
	cr_assert(strstr(r.out, none), "%s", r.out);
	th_run_free(&r);
	/* a failed build of the merge: named, with what clears it */
	run_ok(RUN("build", "add", "--commit", merge, "--branch", "main", "--started",
		   "2026-11-30T11:05:00Z", "--finished", "2026-11-30T11:20:00Z", "--conclusion", "failure"),
	       NULL);
	char *failed = xasprintf("block build: build 2 (recorded by hand) of %.7s failed; a successful run of "
				 "it, or of a newer commit that is then judged, clears this", merge);
	run_expect(RUN("gate", "LOG-1"), 1, failed);
	free(failed);
	free(judging);
	free(none);
	free(merge);
}

Test(checklist, gate_missing_branch_and_open_items_say_what_to_do)
{
	run_ok(RUN("feature", "add", "Search", "--key", "SR-1", "--branch", "feat/gone"), NULL);
	run_ok(RUN("build", "add", "--commit", tip, "--started", "2026-11-30T10:05:00Z", "--finished",
		   "2026-11-30T10:15:00Z", "--conclusion", "success"), NULL);
	struct th_run r = RUN("gate", "SR-1");
	expect(&r, 1, "block pre-deployment checklist: 8 of 8 items open (with any item open, don't "
		      "deploy): tick each when it is true (shipdeck check 1 ITEM), or mark one that does not "
		      "apply (shipdeck check 1 ITEM --na REASON)");
	cr_assert(strstr(r.out, "warn  commit: none to judge: branch feat/gone is not in the repository "
				"(push or fetch it, or fix the name: shipdeck feature set 1 --branch NAME)"), "%s", r.out);
	cr_assert(strstr(r.out, "block build: no commit to look for a build of: branch feat/gone is not in "
				"the repository"), "%s", r.out);
	th_run_free(&r);
}

Test(checklist, gate_open_incident_says_how_to_close)
{
	add_feature_with_tip_build();
	tick_everything();
	run_ok(RUN("incident", "open", "Checkout down", "--at", "2026-12-01T08:30:00Z"), NULL);
	run_expect(RUN("gate", "LOG-1"), 1,
		   "block open production incident 1: Checkout down; once service is back, record it "
		   "(shipdeck incident update 1 --restored TIME)");
}

Test(checklist, gate_window_names_the_next_good_one)
{
	char *cfg = xasprintf("%s/.shipdeck.json", repo);
	th_write(cfg, "{\"timezone\": \"Europe/Berlin\"}");
	add_feature_with_tip_build();
	tick_everything();
	/* Saturday 2026-12-05 10:00 in Berlin (09:00 UTC): weekend, never. By
	 * hand: Saturday and Sunday are never, Monday is risky all day, so the
	 * first good minute is Tuesday 2026-12-08 07:00 CET. */
	struct th_run r = RUN("gate", "LOG-1", "--at", "2026-12-05T10:00");
	expect(&r, 1, "NO-GO: LOG-1 Login at Saturday 2026-12-05 10:00 CET (Europe/Berlin)\n");
	cr_assert(strstr(r.out, "block window never (Saturday 2026-12-05 10:00 CET): weekend: a problem would "
				"wait for people who are off, or wake them up; the next good window opens Tuesday "
				"2026-12-08 07:00 CET (Europe/Berlin)"), "%s", r.out);
	th_run_free(&r);
	r = RUN("gate", "LOG-1", "--at", "2026-12-05T10:00", "--json");
	expect(&r, 1, NULL);
	cJSON *j = cJSON_Parse(r.out);
	th_run_free(&r);
	const cJSON *next = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "window"), "next_good");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(next, "local")), "2026-12-08T07:00:00+01:00");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(j, "at")), "2026-12-05T09:00:00Z");
	cJSON_Delete(j);
	/* the snapshot as of then says the same */
	j = json_of(th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", "2026-12-05T10:00",
		"snapshot", "--format", "json", NULL}));
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "window"), "next_good")),
			 "Tuesday 2026-12-08 07:00 CET");
	cJSON_Delete(j);
	free(cfg);
}
