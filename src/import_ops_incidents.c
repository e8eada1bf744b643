/* import_ops_incidents — the incident exports `incident import` reads:
 * PagerDuty's /incidents pages and Opsgenie's /v2/alerts pages. Which
 * field gives which step of the timeline, and the severities, are
 * docs/metrics.md §1b. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "import_ops.h"
#include "timeutil.h"

static const cJSON *get(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	return v && !cJSON_IsNull(v) ? v : NULL;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void new_incident(struct ops_incident *x, const char *source)
{
	memset(x, 0, sizeof *x);
	x->rec.source = xstrdup(source);
	x->rec.detected = x->rec.paged = x->rec.root_cause = SD_NO_TIME;
	x->rec.decided = x->rec.restored = SD_NO_TIME;
}

/* A record the file holds twice (pages that overlap while new incidents
 * arrive): the first one stays. */
static bool seen(struct ops_batch *b, struct import_rec *r, const struct ops_incident *x)
{
	for (size_t i = 0; i < b->nincidents; i++)
		if (streq(b->incidents[i].rec.source_id, x->rec.source_id)) {
			ops_skip(b, r, "the same %s as %s (pages that overlap)",
				 streq(x->rec.source, "opsgenie") ? "alert" : "incident",
				 b->incidents[i].where);
			return true;
		}
	return false;
}

static int finish(struct ops_batch *b, struct import_rec *r, int rc, bool skip,
		  struct ops_incident *x, char *err, size_t errlen)
{
	char why[200];
	if (rc == 0 && !skip && deploylog_timeline_check(&x->rec, why, sizeof why))
		rc = imp_fail(r, NULL, "%s", why);
	if (rc == 0 && !skip && !seen(b, r, x)) {
		x->where = ops_where(b, r);
		VEC_PUSH(b->incidents, b->nincidents, b->capincidents, *x);
		return 0;
	}
	incident_rec_free(&x->rec);
	return rc == 0 ? 0 : ops_bad(b, r, err, errlen);
}

/* The records of a page: wrapper.key as an array or one object, or the
 * page itself as an array or one record. */
static const cJSON *first_record(const cJSON *page, const char *list, const char *one, bool *array)
{
	const cJSON *v = get(page, list);
	if (!v)
		v = get(page, one);
	if (!v)
		v = page;
	*array = cJSON_IsArray(v);
	return *array ? v->child : v;
}

/* ---- PagerDuty --------------------------------------------------------------- */

/* docs/metrics.md §1b: the priority's name when it says a level, else the
 * urgency (high: sev2, low: sev3). */
static const char *pd_severity(const cJSON *o)
{
	const cJSON *p = get(o, "priority");
	const char *sev = ops_severity_of_priority(str(p, "name"));
	if (!sev)
		sev = ops_severity_of_priority(str(p, "summary"));
	if (sev)
		return sev;
	const char *u = str(o, "urgency");
	return u && streq(u, "low") ? "sev3" : "sev2";
}

static int pd_fields(struct ops_batch *b, struct import_rec *r, const cJSON *o,
		     struct ops_incident *x, bool *skip)
{
	char *status = NULL;
	int64_t resolved = SD_NO_TIME, changed = SD_NO_TIME;
	int rc = imp_text(r, o, "id", &x->rec.source_id);
	if (rc == 0 && x->rec.source_id == NULL)
		rc = imp_fail(r, "id", "missing");
	if (rc == 0)
		rc = imp_text(r, o, "title", &x->rec.title);
	if (rc == 0 && !x->rec.title)
		rc = imp_text(r, o, "summary", &x->rec.title);
	if (rc == 0 && !x->rec.title)
		rc = imp_fail(r, "title", "missing");
	if (rc == 0)
		rc = imp_text(r, o, "status", &status);
	if (rc == 0 && !status)
		rc = imp_fail(r, "status", "missing");
	if (rc == 0 && !streq(status, "triggered") && !streq(status, "acknowledged") &&
	    !streq(status, "resolved"))
		rc = imp_fail(r, "status", "unknown status \"%.40s\"", status);
	if (rc == 0)
		rc = imp_time(r, o, "created_at", &x->rec.started);
	if (rc == 0 && x->rec.started == SD_NO_TIME)
		rc = imp_fail(r, "created_at", "missing");
	if (rc == 0)
		rc = imp_time(r, o, "resolved_at", &resolved);
	if (rc == 0)
		rc = imp_time(r, o, "last_status_change_at", &changed);
	bool done = rc == 0 && streq(status, "resolved");
	if (done && resolved == SD_NO_TIME)
		resolved = changed;
	if (done && resolved == SD_NO_TIME)
		rc = imp_fail(r, "resolved_at", "missing for a resolved incident (and no last_status_change_at)");
	const cJSON *reason = get(o, "resolve_reason");
	if (rc == 0 && streq(str(reason, "type") ? str(reason, "type") : "", "merge_resolve_reason")) {
		/* merged into another incident: that one is the outage */
		const char *into = str(get(reason, "incident"), "id");
		ops_skip(b, r, "merged into incident %s: that one is the outage", into ? into : "?");
		*skip = true;
	}
	if (rc == 0 && !*skip) {
		x->rec.severity = xstrdup(pd_severity(o));
		x->rec.detected = x->rec.started;
		/* a high-urgency incident pages when it triggers; low urgency does not */
		const char *u = str(o, "urgency");
		x->rec.paged = u && streq(u, "low") ? SD_NO_TIME : x->rec.started;
		x->rec.restored = done ? resolved : SD_NO_TIME;
		const char *svc = str(get(o, "service"), "summary");
		x->rec.origin = xstrdup_or_null(svc ? svc : b->origin);
		x->rec.url = xstrdup_or_null(str(o, "html_url"));
	}
	free(status);
	return rc;
}

int ops_parse_pagerduty(const cJSON *page, bool skip_bad, void *batch, char *err, size_t errlen)
{
	struct ops_batch *b = batch;
	b->skip_bad = skip_bad;
	bool array;
	const cJSON *o = first_record(page, "incidents", "incident", &array);
	struct import_rec r = {.array = get(page, "incidents") ? "incidents" : get(page, "incident") ?
				     "incident" : ""};
	for (; o; o = array ? o->next : NULL) {
		struct ops_incident x;
		bool skip = false;
		new_incident(&x, "pagerduty");
		int rc = cJSON_IsObject(o) ? pd_fields(b, &r, o, &x, &skip)
					   : imp_fail(&r, NULL, "not an object");
		if (finish(b, &r, rc, skip, &x, err, errlen) != 0)
			return -1;
		r.index++;
	}
	return 0;
}

/* ---- Opsgenie ---------------------------------------------------------------- */

/* The restore of a closed alert: createdAt + report.closeTime (ms), else
 * updatedAt. */
static int og_closed(struct import_rec *r, const cJSON *o, int64_t created, int64_t *out)
{
	int64_t ms = 0, updated = SD_NO_TIME;
	bool present = false;
	int rc = imp_int(r, get(o, "report"), "closeTime", &ms, &present);
	if (rc != 0)
		return imp_fail(r, "report.closeTime", "not a whole number");
	if (present && (ms < 0 || ms > INT64_C(400) * 365 * 86400 * 1000))
		return imp_fail(r, "report.closeTime", "not a duration in milliseconds");
	if (present) {
		*out = created + ms / 1000;
		return 0;
	}
	rc = imp_time(r, o, "updatedAt", &updated);
	if (rc == 0 && updated == SD_NO_TIME)
		rc = imp_fail(r, "report.closeTime", "missing for a closed alert (and no updatedAt)");
	*out = updated;
	return rc;
}

static int og_fields(struct ops_batch *b, struct import_rec *r, const cJSON *o,
		     struct ops_incident *x)
{
	char *status = NULL, *prio = NULL;
	int rc = imp_text(r, o, "id", &x->rec.source_id);
	if (rc == 0 && !x->rec.source_id)
		rc = imp_fail(r, "id", "missing");
	if (rc == 0)
		rc = imp_text(r, o, "message", &x->rec.title);
	if (rc == 0 && !x->rec.title)
		rc = imp_fail(r, "message", "missing");
	if (rc == 0)
		rc = imp_text(r, o, "status", &status);
	if (rc == 0 && !status)
		rc = imp_fail(r, "status", "missing");
	if (rc == 0 && !streq(status, "open") && !streq(status, "closed"))
		rc = imp_fail(r, "status", "unknown status \"%.40s\"", status);
	if (rc == 0)
		rc = imp_time(r, o, "createdAt", &x->rec.started);
	if (rc == 0 && x->rec.started == SD_NO_TIME)
		rc = imp_fail(r, "createdAt", "missing");
	if (rc == 0)
		rc = imp_text(r, o, "priority", &prio);
	const char *sev = prio ? ops_severity_of_priority(prio) : "sev3";
	if (rc == 0 && !sev)
		rc = imp_fail(r, "priority", "not one of P1-P5");
	if (rc == 0 && streq(status, "closed"))
		rc = og_closed(r, o, x->rec.started, &x->rec.restored);
	if (rc == 0) {
		x->rec.severity = xstrdup(sev);
		x->rec.detected = x->rec.started;
		const char *entity = str(o, "entity");
		const char *origin = entity && *entity ? entity : str(o, "source");
		x->rec.origin = xstrdup_or_null(origin ? origin : b->origin);
	}
	free(status);
	free(prio);
	return rc;
}

int ops_parse_opsgenie(const cJSON *page, bool skip_bad, void *batch, char *err, size_t errlen)
{
	struct ops_batch *b = batch;
	b->skip_bad = skip_bad;
	bool array;
	const cJSON *o = first_record(page, "data", "data", &array);
	struct import_rec r = {.array = get(page, "data") ? "data" : ""};
	for (; o; o = array ? o->next : NULL) {
		struct ops_incident x;
		new_incident(&x, "opsgenie");
		int rc = cJSON_IsObject(o) ? og_fields(b, &r, o, &x) : imp_fail(&r, NULL, "not an object");
		if (finish(b, &r, rc, false, &x, err, errlen) != 0)
			return -1;
		r.index++;
	}
	return 0;
}
