/* import_github — GitHub Actions: REST "list workflow runs" and "list jobs
 * for a workflow run" pages, and `gh run list --json ...` arrays. The traps:
 * updated_at is the finish only of a completed run (it moves while a run is
 * in progress); a re-run keeps its id with a new run_attempt; gh prints a
 * missing conclusion as "" and an unset time as Go's zero time. */
#include "import.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "util.h"

/* GitHub's run/job status: queued, requested, waiting and pending have not
 * started executing. */
static const char *map_status(const char *s)
{
	if (streq(s, "completed"))
		return "completed";
	if (streq(s, "in_progress"))
		return "running";
	if (streq(s, "queued") || streq(s, "requested") || streq(s, "waiting") || streq(s, "pending"))
		return "queued";
	return NULL;
}

/* GitHub's conclusions to ours; *startup is set for startup_failure (the
 * workflow file itself is broken: a config failure). NULL for unknown. */
static const char *map_conclusion(const char *s, bool *startup)
{
	static const char *const map[][2] = {
		{"success", "success"}, {"failure", "failure"}, {"cancelled", "cancelled"},
		{"skipped", "skipped"}, {"neutral", "neutral"},
		{"action_required", "action-required"}, {"timed_out", "timed-out"},
		/* a stale check was superseded before it ran */
		{"stale", "skipped"}, {"startup_failure", "failure"},
	};
	*startup = streq(s, "startup_failure");
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (streq(s, map[i][0]))
			return map[i][1];
	return NULL;
}

/* Status and conclusion fields of one record. */
static int read_state(struct import_rec *r, const cJSON *o, const char *skey, const char *ckey,
		      struct build *b)
{
	char *status = NULL, *conclusion = NULL;
	if (imp_text(r, o, skey, &status) < 0 || imp_text(r, o, ckey, &conclusion) < 0)
		goto fail;
	if (!status) {
		imp_fail(r, skey, "missing");
		goto fail;
	}
	const char *st = map_status(status);
	if (!st) {
		imp_fail(r, skey, "unknown status \"%.40s\"", status);
		goto fail;
	}
	b->status = xstrdup(st);
	if (conclusion && *conclusion) {
		bool startup;
		const char *c = map_conclusion(conclusion, &startup);
		if (!c) {
			imp_fail(r, ckey, "unknown conclusion \"%.40s\"", conclusion);
			goto fail;
		}
		/* A conclusion only exists once the run has completed. */
		if (streq(st, "completed"))
			b->conclusion = xstrdup(c);
		if (startup)
			b->failed_jobs = xstrdup("startup failure");
	}
	free(status);
	free(conclusion);
	return 0;
fail:
	free(status);
	free(conclusion);
	return -1;
}

static int require_id(struct import_rec *r, const cJSON *o, const char *key, struct build *b)
{
	return imp_id(r, o, key, &b->run_id);
}

static int read_attempt(struct import_rec *r, const cJSON *o, const char *key, struct build *b)
{
	int64_t a;
	bool present;
	if (imp_int(r, o, key, &a, &present) < 0)
		return -1;
	if (present && (a < 1 || a > 1000000))
		return imp_fail(r, key, "not an attempt number");
	b->attempt = present ? (int)a : 1;
	return 0;
}

/* The finish: updated_at means "last changed", which is the finish only
 * once the run has completed. */
static void finish_from_updated(struct build *b, int64_t updated)
{
	b->finished = streq(b->status, "completed") ? updated : SD_NO_TIME;
}

/* ---- list workflow runs ------------------------------------------------- */

static int one_run(struct import_rec *r, const cJSON *o, struct build *b)
{
	int64_t updated;
	memset(b, 0, sizeof(*b));
	b->provider = xstrdup("github");
	b->created = b->started = b->finished = SD_NO_TIME;
	if (!cJSON_IsObject(o))
		return imp_fail(r, NULL, "not an object");
	if (require_id(r, o, "id", b) < 0 || read_attempt(r, o, "run_attempt", b) < 0 ||
	    imp_text(r, o, "name", &b->workflow) < 0 || imp_text(r, o, "head_branch", &b->branch) < 0 ||
	    imp_text(r, o, "head_sha", &b->commit) < 0 || imp_text(r, o, "html_url", &b->url) < 0 ||
	    read_state(r, o, "status", "conclusion", b) < 0 ||
	    imp_time(r, o, "created_at", &b->created) < 0 ||
	    imp_time(r, o, "run_started_at", &b->started) < 0 ||
	    imp_time(r, o, "updated_at", &updated) < 0)
		return -1;
	/* Pages from before run_started_at existed: the run started when created. */
	if (b->started == SD_NO_TIME && !cJSON_GetObjectItemCaseSensitive(o, "run_started_at") &&
	    !streq(b->status, "queued"))
		b->started = b->created;
	finish_from_updated(b, updated);
	return 0;
}

/* A runs page, or one run (GET .../runs/{id}). */
bool import_github_runs_detect(const cJSON *page)
{
	return imp_has_array(page, "workflow_runs") ||
	       (imp_has(page, "run_attempt") && imp_has(page, "head_sha"));
}

int import_github_runs(const cJSON *root, bool skip_bad, void *out, char *err, size_t errlen)
{
	struct import_batch *batch = out;
	const cJSON *runs = cJSON_GetObjectItemCaseSensitive(root, "workflow_runs");
	struct import_rec r = {"workflow_runs", 0, ""};
	if (!runs && cJSON_IsObject(root)) {       /* one run: GET .../runs/{id} */
		struct build b;
		r.array = "run";
		return imp_finish(batch, skip_bad, &r, one_run(&r, root, &b), &b, err, errlen);
	}
	if (!cJSON_IsArray(runs)) {
		snprintf(err, errlen, "not a GitHub workflow runs page: no \"workflow_runs\" array");
		return -1;
	}
	const cJSON *o;
	cJSON_ArrayForEach(o, runs) {
		struct build b;
		if (imp_finish(batch, skip_bad, &r, one_run(&r, o, &b), &b, err, errlen) < 0)
			return -1;
		r.index++;
	}
	return 0;
}

/* ---- list jobs for a run ------------------------------------------------ */

/* "https://github.com/o/r/actions/runs/42/job/7" -> ".../actions/runs/42". */
static char *run_url_of_job(const char *job_url)
{
	const char *p = job_url ? strstr(job_url, "/job/") : NULL;
	return p ? xstrndup(job_url, (size_t)(p - job_url)) : xstrdup_or_null(job_url);
}

/* Failed steps of a failed job as "job / step" lines; the job alone when no
 * step says it failed (a job can fail before its first step). */
static void failed_names(const cJSON *job, const char *name, struct strbuf *out)
{
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(job, "steps");
	bool any = false;
	const cJSON *s;
	cJSON_ArrayForEach(s, steps) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(s, "conclusion");
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(s, "name");
		if (!cJSON_IsString(c) || !cJSON_IsString(n))
			continue;
		if (streq(c->valuestring, "failure") || streq(c->valuestring, "timed_out")) {
			sb_addf(out, "%s%s / %s", out->len ? "\n" : "", name, n->valuestring);
			any = true;
		}
	}
	if (!any)
		sb_addf(out, "%s%s", out->len ? "\n" : "", name);
}

/* The partial build a job belongs to, made on first sight. */
static struct build *run_of_job(struct import_batch *batch, size_t first, const char *run_id,
				int attempt)
{
	for (size_t i = batch->n; i > first; i--) {
		struct build *b = &batch->builds[i - 1];
		if (b->partial && b->attempt == attempt && streq(b->run_id, run_id))
			return b;
	}
	return NULL;
}

static int64_t min_time(int64_t a, int64_t b)
{
	return a == SD_NO_TIME ? b : b == SD_NO_TIME ? a : (a < b ? a : b);
}

static int64_t max_time(int64_t a, int64_t b)
{
	return a == SD_NO_TIME ? b : b == SD_NO_TIME ? a : (a > b ? a : b);
}

/* Folds one job into its run's partial build. A run is completed when all
 * its jobs are; it failed when one failed. Used only for runs the database
 * does not know: a known run keeps its own times and outcome. */
static void fold_job(struct build *run, const struct build *job, bool first_job)
{
	run->created = min_time(run->created, job->created);
	run->started = min_time(run->started, job->started);
	run->finished = max_time(run->finished, job->finished);
	if (first_job) {
		run->status = xstrdup(job->status);
		run->conclusion = xstrdup_or_null(job->conclusion);
	} else if (!streq(run->status, job->status)) {
		const char *s = streq(run->status, "running") || streq(job->status, "running")
			? "running" : "queued";
		free(run->status);
		run->status = xstrdup(s);
	}
	if (!first_job && job->conclusion) {
		static const char *const rank[] = {"failure", "timed-out", "cancelled", "action-required",
						   "success", "neutral", "skipped"};
		size_t ra = ARRAY_SIZE(rank), rb = ARRAY_SIZE(rank);
		for (size_t i = 0; i < ARRAY_SIZE(rank); i++) {
			if (streq(run->conclusion, rank[i]))
				ra = i;
			if (streq(job->conclusion, rank[i]))
				rb = i;
		}
		if (rb < ra) {
			free(run->conclusion);
			run->conclusion = xstrdup(job->conclusion);
		}
	}
	if (!streq(run->status, "completed")) {
		free(run->conclusion);
		run->conclusion = NULL;
		run->finished = SD_NO_TIME;
	}
}

static int one_job(struct import_rec *r, const cJSON *o, struct build *job, struct strbuf *failed)
{
	memset(job, 0, sizeof(*job));
	job->created = job->started = job->finished = SD_NO_TIME;
	char *name = NULL;
	if (!cJSON_IsObject(o))
		return imp_fail(r, NULL, "not an object");
	if (require_id(r, o, "run_id", job) < 0 || read_attempt(r, o, "run_attempt", job) < 0 ||
	    imp_text(r, o, "workflow_name", &job->workflow) < 0 ||
	    imp_text(r, o, "head_branch", &job->branch) < 0 ||
	    imp_text(r, o, "head_sha", &job->commit) < 0 || imp_text(r, o, "html_url", &job->url) < 0 ||
	    imp_text(r, o, "name", &name) < 0 || read_state(r, o, "status", "conclusion", job) < 0 ||
	    imp_time(r, o, "created_at", &job->created) < 0 ||
	    imp_time(r, o, "started_at", &job->started) < 0 ||
	    imp_time(r, o, "completed_at", &job->finished) < 0) {
		free(name);
		return -1;
	}
	if (!streq(job->status, "completed"))
		job->finished = SD_NO_TIME;
	if (build_is_failure(job->conclusion))
		failed_names(o, name ? name : "(job)", failed);
	free(name);
	return 0;
}

bool import_github_jobs_detect(const cJSON *page)
{
	return imp_has_array(page, "jobs");
}

int import_github_jobs(const cJSON *root, bool skip_bad, void *out, char *err, size_t errlen)
{
	struct import_batch *batch = out;
	const cJSON *jobs = cJSON_GetObjectItemCaseSensitive(root, "jobs");
	if (!cJSON_IsArray(jobs)) {
		snprintf(err, errlen, "not a GitHub jobs page: no \"jobs\" array");
		return -1;
	}
	/* A run with more jobs than a page holds continues on the next page. */
	size_t first = batch->first;
	struct import_rec r = {"jobs", 0, ""};
	const cJSON *o;
	cJSON_ArrayForEach(o, jobs) {
		struct build job;
		struct strbuf failed = STRBUF_INIT;
		int rc = one_job(&r, o, &job, &failed);
		if (rc < 0) {
			sb_free(&failed);
			if (imp_finish(batch, skip_bad, &r, rc, &job, err, errlen) < 0)
				return -1;
			r.index++;
			continue;
		}
		struct build *run = run_of_job(batch, first, job.run_id, job.attempt);
		bool first_job = !run;
		if (!run) {
			struct build b = {0};
			b.provider = xstrdup("github");
			b.run_id = xstrdup(job.run_id);
			b.attempt = job.attempt;
			b.workflow = xstrdup_or_null(job.workflow);
			b.branch = xstrdup_or_null(job.branch);
			b.commit = xstrdup_or_null(job.commit);
			b.url = run_url_of_job(job.url);
			b.created = b.started = b.finished = SD_NO_TIME;
			b.partial = true;
			VEC_PUSH(batch->builds, batch->n, batch->cap, b);
			run = &batch->builds[batch->n - 1];
		}
		fold_job(run, &job, first_job);
		if (failed.len) {
			char *all = run->failed_jobs ? xasprintf("%s\n%s", run->failed_jobs, failed.buf)
						     : sb_detach(&failed);
			free(run->failed_jobs);
			run->failed_jobs = all;
		}
		build_fill_durations(run);
		sb_free(&failed);
		build_free(&job);
		r.index++;
	}
	return 0;
}

/* ---- gh run list --json ------------------------------------------------- */

static int one_gh(struct import_rec *r, const cJSON *o, struct build *b)
{
	int64_t updated;
	memset(b, 0, sizeof(*b));
	b->provider = xstrdup("github");      /* databaseId is the REST run id */
	b->created = b->started = b->finished = SD_NO_TIME;
	if (!cJSON_IsObject(o))
		return imp_fail(r, NULL, "not an object");
	if (require_id(r, o, "databaseId", b) < 0 || read_attempt(r, o, "attempt", b) < 0 ||
	    imp_text(r, o, "workflowName", &b->workflow) < 0 ||
	    imp_text(r, o, "headBranch", &b->branch) < 0 || imp_text(r, o, "headSha", &b->commit) < 0 ||
	    imp_text(r, o, "url", &b->url) < 0 || read_state(r, o, "status", "conclusion", b) < 0 ||
	    imp_time(r, o, "createdAt", &b->created) < 0 ||
	    imp_time(r, o, "startedAt", &b->started) < 0 ||
	    imp_time(r, o, "updatedAt", &updated) < 0)
		return -1;
	if (!b->workflow && imp_text(r, o, "name", &b->workflow) < 0)
		return -1;
	finish_from_updated(b, updated);
	return 0;
}

/* `gh run list --json`: an array of runs with gh's own names. */
bool import_gh_detect(const cJSON *page)
{
	const cJSON *first = cJSON_IsArray(page) ? page->child : NULL;
	return imp_has(first, "databaseId") || imp_has(first, "workflowName") ||
	       imp_has(first, "headSha");
}

int import_gh(const cJSON *root, bool skip_bad, void *out, char *err, size_t errlen)
{
	struct import_batch *batch = out;
	if (!cJSON_IsArray(root)) {
		snprintf(err, errlen, "not gh run list output: expected a JSON array");
		return -1;
	}
	struct import_rec r = {"", 0, ""};
	const cJSON *o;
	cJSON_ArrayForEach(o, root) {
		struct build b;
		if (imp_finish(batch, skip_bad, &r, one_gh(&r, o, &b), &b, err, errlen) < 0)
			return -1;
		r.index++;
	}
	return 0;
}
