/* import_gitlab — GitLab pipelines: an array of single-pipeline objects
 * (GET /projects/:id/pipelines/:pipeline_id), or one of them. The list
 * endpoint's objects have no started_at/finished_at, so they cannot give a
 * duration: they are refused with a message saying what to export instead.
 * The traps: "canceled" with one l, millisecond timestamps, and statuses
 * that have not started yet (created, pending, waiting_for_resource, ...).
 * The `duration` field is not used: it leaves out time spent blocked, and
 * docs/metrics.md §7 defines duration as finished - started for every provider. */
#include "import.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "util.h"

struct gl_status {
	const char *name;
	const char *status;
	const char *conclusion;
};

static const struct gl_status gl_statuses[] = {
	{"success", "completed", "success"},
	{"failed", "completed", "failure"},
	{"canceled", "completed", "cancelled"},
	{"cancelled", "completed", "cancelled"},
	{"skipped", "completed", "skipped"},
	/* a pipeline stopped at a manual job waits for a person */
	{"manual", "completed", "action-required"},
	{"running", "running", NULL},
	{"created", "queued", NULL},
	{"pending", "queued", NULL},
	{"waiting_for_resource", "queued", NULL},
	{"preparing", "queued", NULL},
	{"scheduled", "queued", NULL},
	{"waiting_for_callback", "running", NULL},
	{"canceling", "running", NULL},
};

static int one_pipeline(struct import_rec *r, const cJSON *o, struct build *b)
{
	char *status = NULL;
	memset(b, 0, sizeof(*b));
	b->provider = xstrdup("gitlab");
	b->created = b->started = b->finished = SD_NO_TIME;
	if (!cJSON_IsObject(o))
		return imp_fail(r, NULL, "not an object");
	if (imp_id(r, o, "id", &b->run_id) < 0)
		return -1;
	if (imp_text(r, o, "name", &b->workflow) < 0 || imp_text(r, o, "ref", &b->branch) < 0 ||
	    imp_text(r, o, "sha", &b->commit) < 0 || imp_text(r, o, "web_url", &b->url) < 0 ||
	    imp_time(r, o, "created_at", &b->created) < 0 ||
	    imp_time(r, o, "started_at", &b->started) < 0 ||
	    imp_time(r, o, "finished_at", &b->finished) < 0 || imp_text(r, o, "status", &status) < 0)
		return -1;
	const struct gl_status *s = NULL;
	for (size_t i = 0; status && i < ARRAY_SIZE(gl_statuses); i++)
		if (streq(status, gl_statuses[i].name))
			s = &gl_statuses[i];
	if (!s) {
		int rc = status ? imp_fail(r, "status", "unknown status \"%.40s\"", status)
				: imp_fail(r, "status", "missing");
		free(status);
		return rc;
	}
	free(status);
	b->status = xstrdup(s->status);
	b->conclusion = xstrdup_or_null(s->conclusion);
	if (!streq(b->status, "completed"))
		b->finished = SD_NO_TIME;
	return 0;
}

/* True when no object has any timing key: the list endpoint's shape. */
static bool list_shape(const cJSON *arr)
{
	const cJSON *o;
	cJSON_ArrayForEach(o, arr) {
		if (cJSON_GetObjectItemCaseSensitive(o, "started_at") ||
		    cJSON_GetObjectItemCaseSensitive(o, "finished_at") ||
		    cJSON_GetObjectItemCaseSensitive(o, "duration"))
			return false;
	}
	return true;
}

static bool pipeline_shape(const cJSON *o)
{
	return imp_has(o, "sha") && imp_has(o, "ref") && imp_has(o, "status");
}

/* One pipeline, or an array of them (the first says). A Jenkins job's
 * "builds" array wins over the pipeline fields (src/importers.def tries
 * gitlab first). */
bool import_gitlab_detect(const cJSON *page)
{
	if (cJSON_IsArray(page))
		return pipeline_shape(page->child);
	return pipeline_shape(page) && !imp_has_array(page, "builds");
}

int import_gitlab(const cJSON *root, bool skip_bad, void *out, char *err, size_t errlen)
{
	struct import_batch *batch = out;
	struct import_rec r = {"", 0, ""};
	if (cJSON_IsObject(root)) {
		struct build b;
		r.array = "pipeline";
		return imp_finish(batch, skip_bad, &r, one_pipeline(&r, root, &b), &b, err, errlen);
	}
	if (!cJSON_IsArray(root)) {
		snprintf(err, errlen, "not GitLab pipelines: expected an array of pipeline objects");
		return -1;
	}
	if (list_shape(root)) {
		snprintf(err, errlen, "these are GitLab pipeline list entries, which have no start or"
			 " finish times; export each pipeline with GET"
			 " /projects/:id/pipelines/:pipeline_id and import an array of those");
		return -1;
	}
	const cJSON *o;
	cJSON_ArrayForEach(o, root) {
		struct build b;
		if (imp_finish(batch, skip_bad, &r, one_pipeline(&r, o, &b), &b, err, errlen) < 0)
			return -1;
		r.index++;
	}
	return 0;
}
