/* import_jenkins — a Jenkins job's
 * api/json?tree=builds[number,result,building,timestamp,duration,url,
 * actions[lastBuiltRevision[SHA1,branch[name]]]]. The traps: times are epoch
 * MILLISECONDS (past 2^31, so read as 64-bit), duration is milliseconds,
 * result is null while building, and build numbers repeat across jobs (the
 * run id is the job path from the url plus the number). */
#include "import.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "util.h"

/* Floor division: a millisecond instant before 1970 still lands in its second. */
static int64_t ms_to_s(int64_t ms)
{
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

/* "https://ci/job/shop/job/main/42/" -> "shop/main" (folders and
 * multibranch jobs nest /job/ segments); NULL when there is none. */
static char *job_path(const char *url)
{
	struct strbuf sb = STRBUF_INIT;
	for (const char *p = url ? strstr(url, "/job/") : NULL; p; p = strstr(p, "/job/")) {
		p += 5;
		size_t n = strcspn(p, "/");
		if (sb.len)
			sb_addc(&sb, '/');
		sb_addn(&sb, p, n);
		p += n;
	}
	if (!sb.len) { /* "/job//": the buffer may exist with nothing in it */
		sb_free(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

/* "refs/remotes/origin/main" and "origin/main" name branch main. */
static char *short_branch(const char *name)
{
	static const char *const prefixes[] = {"refs/remotes/origin/", "refs/heads/", "origin/"};
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (str_starts(name, prefixes[i]))
			return xstrdup(name + strlen(prefixes[i]));
	return xstrdup(name);
}

/* The first action with a lastBuiltRevision names the commit and branch. */
static void revision(const cJSON *o, struct build *b)
{
	const cJSON *act;
	cJSON_ArrayForEach(act, cJSON_GetObjectItemCaseSensitive(o, "actions")) {
		const cJSON *rev = cJSON_GetObjectItemCaseSensitive(act, "lastBuiltRevision");
		if (!cJSON_IsObject(rev))
			continue;
		const cJSON *sha = cJSON_GetObjectItemCaseSensitive(rev, "SHA1");
		if (cJSON_IsString(sha))
			b->commit = xstrdup(sha->valuestring);
		const cJSON *br = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rev, "branch"), 0);
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(br, "name");
		if (cJSON_IsString(name))
			b->branch = short_branch(name->valuestring);
		return;
	}
}

static int map_result(struct import_rec *r, const char *result, struct build *b)
{
	static const char *const map[][2] = {
		{"SUCCESS", "success"}, {"FAILURE", "failure"}, {"ABORTED", "cancelled"},
		/* UNSTABLE: the build ran but tests failed (Jenkins' own meaning) */
		{"UNSTABLE", "failure"}, {"NOT_BUILT", "skipped"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (streq(result, map[i][0])) {
			b->conclusion = xstrdup(map[i][1]);
			if (streq(result, "UNSTABLE"))
				b->failed_jobs = xstrdup("unstable: test failures");
			return 0;
		}
	return imp_fail(r, "result", "unknown result \"%.40s\"", result);
}

static int one_build(struct import_rec *r, const cJSON *o, const char *job, struct build *b)
{
	int64_t number, ts, dur;
	bool has_number, has_ts, has_dur;
	char *result = NULL;
	memset(b, 0, sizeof(*b));
	b->provider = xstrdup("jenkins");
	b->created = b->started = b->finished = SD_NO_TIME;
	if (!cJSON_IsObject(o))
		return imp_fail(r, NULL, "not an object");
	if (imp_int(r, o, "number", &number, &has_number) < 0 ||
	    imp_int(r, o, "timestamp", &ts, &has_ts) < 0 ||
	    imp_int(r, o, "duration", &dur, &has_dur) < 0 || imp_text(r, o, "url", &b->url) < 0 ||
	    imp_text(r, o, "result", &result) < 0)
		goto fail;
	if (!has_number) {
		imp_fail(r, "number", "missing");
		goto fail;
	}
	if (has_dur && dur < 0) {
		imp_fail(r, "duration", "negative");
		goto fail;
	}
	/* Milliseconds of the years 1970-9999, and an end inside them too (this
	 * also keeps ts + dur from overflowing). */
	if (has_ts && (ts < SD_TIME_MIN * 1000 || ts > SD_TIME_MAX * 1000 + 999)) {
		imp_fail(r, "timestamp", TIME_RANGE_WHY);
		goto fail;
	}
	if (has_ts && has_dur && dur > SD_TIME_MAX * 1000 + 999 - ts) {
		imp_fail(r, "duration", "ends " TIME_RANGE_WHY);
		goto fail;
	}
	char *path = job_path(b->url);
	b->workflow = path ? path : xstrdup_or_null(job);
	b->run_id = b->workflow ? xasprintf("%s#%lld", b->workflow, (long long)number)
				: xasprintf("%lld", (long long)number);
	revision(o, b);
	if (has_ts)
		b->started = ms_to_s(ts);
	bool building = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "building"));
	if (building) {
		b->status = xstrdup("running");
	} else if (!result) {
		b->status = xstrdup("queued");
	} else {
		b->status = xstrdup("completed");
		if (map_result(r, result, b) < 0)
			goto fail;
		/* Both ends in milliseconds, each floored to its second. */
		if (has_ts && has_dur)
			b->finished = ms_to_s(ts + dur);
	}
	free(result);
	return 0;
fail:
	free(result);
	return -1;
}

/* A job with its builds (`/job/NAME/api/json?tree=builds[...]`). */
bool import_jenkins_detect(const cJSON *page)
{
	return imp_has_array(page, "builds");
}

int import_jenkins(const cJSON *root, bool skip_bad, void *out, char *err, size_t errlen)
{
	struct import_batch *batch = out;
	const cJSON *builds = cJSON_GetObjectItemCaseSensitive(root, "builds");
	if (!cJSON_IsArray(builds)) {
		snprintf(err, errlen, "not a Jenkins job: no \"builds\" array");
		return -1;
	}
	/* With fullName or name in the tree, that names the job when a url is absent. */
	const cJSON *jn = cJSON_GetObjectItemCaseSensitive(root, "fullName");
	if (!cJSON_IsString(jn))
		jn = cJSON_GetObjectItemCaseSensitive(root, "name");
	const char *job = cJSON_IsString(jn) ? jn->valuestring : NULL;
	struct import_rec r = {"builds", 0, ""};
	const cJSON *o;
	cJSON_ArrayForEach(o, builds) {
		struct build b;
		if (imp_finish(batch, skip_bad, &r, one_build(&r, o, job, &b), &b, err, errlen) < 0)
			return -1;
		r.index++;
	}
	return 0;
}
