/* import_ops — what `deploy import` and `incident import` share: the table
 * of formats, detection, pages, environment and severity names, the GitHub
 * status resolution, folding one commit's deployments into one, and the
 * merge into the store (docs/metrics.md §1b). The JSON text is read with
 * import_common's hygiene (duplicate keys, NUL characters, 64-bit ids). */
#include "import_ops.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"
#include "store.h"
#include "store_deploys.h"
#include "store_services.h"
#include "text.h"
#include "timeutil.h"

/* ---- environments and severities (docs/metrics.md §1b) -------------------- */

struct ops_envmap {
	char **names;                   /* lower case */
	const char **envs;              /* "production", "staging" or NULL (skip) */
	size_t n;
};

/* The names every team means the same by. */
static const char *const builtin_envs[][2] = {
	{"production", "production"}, {"prod", "production"}, {"live", "production"},
	{"staging", "staging"}, {"stage", "staging"},
};

static const char *env_word(const char *v)
{
	if (streq(v, "production"))
		return "production";
	if (streq(v, "staging"))
		return "staging";
	return NULL;
}

struct ops_envmap *ops_envmap_load(const char *config_json, char *err, size_t errlen)
{
	struct ops_envmap *m = xcalloc(1, sizeof *m);
	if (!config_json)
		return m;
	cJSON *root = cJSON_Parse(config_json);
	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen, "config environments: must be an object {\"name\": "
			 "\"production|staging|skip\"}");
		cJSON_Delete(root);
		ops_envmap_free(m);
		return NULL;
	}
	size_t cap = 0, capv = 0, nv = 0;
	const cJSON *item;
	cJSON_ArrayForEach(item, root) {
		const char *v = cJSON_IsString(item) ? item->valuestring : "";
		if (!env_word(v) && !streq(v, "skip")) {
			char *k = text_clean(item->string, TEXT_ONE_LINE);
			snprintf(err, errlen, "config environments: \"%.60s\" must map to production,"
				 " staging or skip", k);
			free(k);
			cJSON_Delete(root);
			ops_envmap_free(m);
			return NULL;
		}
		char *name = xstrdup(item->string);
		for (char *p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		const char *env = env_word(v);
		VEC_PUSH(m->names, m->n, cap, name);
		VEC_PUSH(m->envs, nv, capv, env);
	}
	cJSON_Delete(root);
	return m;
}

void ops_envmap_free(struct ops_envmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->names[i]);
	free(m->names);
	free(m->envs);
	free(m);
}

const char *ops_env_map(const struct ops_envmap *m, const char *name, bool *from_config)
{
	*from_config = false;
	if (!name)
		return NULL;
	for (size_t i = 0; m && i < m->n; i++)
		if (strcasecmp(m->names[i], name) == 0) {
			*from_config = true;
			return m->envs[i];
		}
	for (size_t i = 0; i < ARRAY_SIZE(builtin_envs); i++)
		if (strcasecmp(builtin_envs[i][0], name) == 0)
			return builtin_envs[i][1];
	return NULL;
}

const char *ops_severity_of_priority(const char *name)
{
	static const char *const sev[] = {"sev1", "sev2", "sev3", "sev4", "sev4"};
	if (!name)
		return NULL;
	const char *p = name;
	/* "P1", "SEV1", "SEV-1", "Sev 2", "S3": a level word, then one digit */
	if (strncasecmp(p, "sev", 3) == 0)
		p += 3;
	else if (*p == 'P' || *p == 'p' || *p == 'S' || *p == 's')
		p++;
	else
		return NULL;
	if (*p == '-' || *p == ' ')
		p++;
	if (*p < '1' || *p > '5' || isalnum((unsigned char)p[1]))
		return NULL;
	return sev[*p - '1'];
}

/* ---- shared helpers for the parsers -------------------------------------- */

bool ops_is_commit(const char *s)
{
	if (!s || strlen(s) != 40)
		return false;
	for (const char *p = s; *p; p++)
		if (!isxdigit((unsigned char)*p))
			return false;
	return true;
}

char *ops_url_project(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	if (!p)
		return NULL;
	p = strchr(p + 3, '/');
	if (!p || !p[1])
		return NULL;
	p++;
	const char *end = strstr(p, "/-/");
	size_t n = end ? (size_t)(end - p) : strcspn(p, "?#");
	while (n && p[n - 1] == '/')
		n--;
	return n ? xstrndup(p, n) : NULL;
}

char *ops_where(const struct ops_batch *b, const struct import_rec *r)
{
	return xasprintf("%s%s%s%s[%zu]", b->file_label ? b->file_label : "",
			 b->file_label ? ": " : "", b->page_label, r->array, r->index);
}

void ops_skip(struct ops_batch *b, const struct import_rec *r, const char *fmt, ...)
{
	char why[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	char *where = ops_where(b, r);
	sb_addf(&b->skipped, "%s: %s\n", where, why);
	b->nskipped++;
	free(where);
}

int ops_bad(struct ops_batch *b, const struct import_rec *r, char *err, size_t errlen)
{
	if (!b->skip_bad) {
		snprintf(err, errlen, "%s", r->msg);
		return -1;
	}
	sb_addf(&b->bad, "%s%s%s%s\n", b->file_label ? b->file_label : "", b->file_label ? ": " : "",
		b->page_label, r->msg);
	b->nbad++;
	return 0;
}

/* ---- detection: one function per row of src/importers.def ------------------ */

static bool has(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) && cJSON_GetObjectItemCaseSensitive(o, key);
}

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* The record a page's shape is judged by: the first element of an array,
 * the element of a wrapper's list ("incidents", "data"), or the object. */
static const cJSON *first_record(const cJSON *page, const char *list, const char *one)
{
	const cJSON *v = list ? get(page, list) : NULL;
	if (!v && one)
		v = get(page, one);
	if (!v)
		v = page;
	return cJSON_IsArray(v) ? v->child : v;
}

bool ops_github_detect(const cJSON *page)
{
	const cJSON *o = first_record(page, NULL, NULL);
	if (has(o, "deployment_url") && has(o, "state"))
		return true;    /* a deployment status */
	return has(o, "sha") && cJSON_IsString(get(o, "environment")) &&
	       (has(o, "statuses_url") || has(o, "task") || has(o, "production_environment"));
}

bool ops_gitlab_detect(const cJSON *page)
{
	const cJSON *o = first_record(page, NULL, NULL);
	return has(o, "sha") && cJSON_IsObject(get(o, "environment")) &&
	       (has(o, "iid") || has(o, "deployable") || has(o, "status"));
}

bool ops_argocd_detect(const cJSON *page)
{
	/* argocd app get -o json: the Application */
	if (cJSON_IsObject(get(page, "metadata")) && cJSON_IsObject(get(page, "status")))
		return true;
	const cJSON *o = first_record(page, NULL, NULL);
	return has(o, "deployedAt") || ((has(o, "revision") || has(o, "revisions")) && has(o, "id") &&
					(has(o, "source") || has(o, "sources")));
}

bool ops_pagerduty_detect(const cJSON *page)
{
	if (cJSON_IsArray(get(page, "incidents")) || cJSON_IsObject(get(page, "incident")))
		return true;
	const cJSON *o = first_record(page, NULL, NULL);
	return has(o, "incident_number") || (has(o, "urgency") && has(o, "service"));
}

bool ops_opsgenie_detect(const cJSON *page)
{
	const cJSON *data = get(page, "data");
	if (cJSON_IsArray(data) && !data->child)
		return has(page, "requestId");  /* an empty page of alerts */
	const cJSON *o = first_record(page, "data", NULL);
	return has(o, "tinyId") || (has(o, "alias") && has(o, "message"));
}

/* ---- pages ---------------------------------------------------------------------- */

void ops_mark(const struct ops_batch *b, struct ops_mark *m)
{
	*m = (struct ops_mark){b->ndeploys, b->nstatuses, b->nincidents, b->bad.len, b->nbad,
			       b->skipped.len, b->nskipped, b->formats};
}

static void ops_deploy_free(struct ops_deploy *d)
{
	deploy_rec_free(&d->rec);
	free(d->service);
	free(d->where);
}

static void ops_status_free(struct ops_status *s)
{
	free(s->deployment_id);
	free(s->id);
	free(s->state);
	free(s->where);
}

void ops_rewind(struct ops_batch *b, const struct ops_mark *m)
{
	for (size_t i = m->ndeploys; i < b->ndeploys; i++)
		ops_deploy_free(&b->deploys[i]);
	for (size_t i = m->nstatuses; i < b->nstatuses; i++)
		ops_status_free(&b->statuses[i]);
	for (size_t i = m->nincidents; i < b->nincidents; i++) {
		incident_rec_free(&b->incidents[i].rec);
		free(b->incidents[i].service);
		free(b->incidents[i].where);
	}
	b->ndeploys = m->ndeploys;
	b->nstatuses = m->nstatuses;
	b->nincidents = m->nincidents;
	sb_truncate(&b->bad, m->bad);
	b->nbad = m->nbad;
	sb_truncate(&b->skipped, m->skipped);
	b->nskipped = m->nskipped;
	b->formats = m->formats;
}

void ops_batch_free(struct ops_batch *b)
{
	struct ops_mark zero = {0};
	ops_rewind(b, &zero);
	free(b->deploys);
	free(b->statuses);
	free(b->incidents);
	sb_free(&b->bad);
	sb_free(&b->skipped);
	sb_free(&b->left_out);
	free(b->services.home);
	free(b->services.forced);
	memset(&b->services, 0, sizeof b->services);
	b->deploys = NULL;
	b->statuses = NULL;
	b->incidents = NULL;
	b->capdeploys = b->capstatuses = b->capincidents = 0;
}

/* ---- settling: GitHub statuses, one deployment per commit and environment ---- */

/* Later of two statuses: by time, then by id (ids grow; compared as numbers
 * written in full, so "10" is after "9"). */
static bool status_after(const struct ops_status *a, const struct ops_status *b)
{
	if (a->at != b->at)
		return a->at > b->at;
	size_t la = strlen(a->id), lb = strlen(b->id);
	return la != lb ? la > lb : strcmp(a->id, b->id) > 0;
}

/* docs/metrics.md §1b: GitHub's states in shipdeck's words. */
static const char *github_state(const char *state, bool *finished)
{
	*finished = true;
	if (streq(state, "success") || streq(state, "inactive"))
		return "succeeded";
	if (streq(state, "failure") || streq(state, "error"))
		return "failed";
	*finished = false;      /* queued, pending, in_progress */
	return "in-progress";
}

static void replace(char **field, const char *value)
{
	char *copy = xstrdup_or_null(value);  /* value may be *field itself */
	free(*field);
	*field = copy;
}

/* The deployment's latest status other than "inactive" decides (inactive
 * only says a later deployment replaced a successful one); with only
 * inactive ones it succeeded; with none it was requested and is still in
 * progress. A finished state dates the deployment. */
static void resolve_github(struct ops_batch *b, struct ops_deploy *d, bool *matched)
{
	const struct ops_status *latest = NULL;
	bool inactive = false;
	for (size_t i = 0; i < b->nstatuses; i++) {
		const struct ops_status *s = &b->statuses[i];
		if (!streq(s->deployment_id, d->rec.source_id))
			continue;
		matched[i] = true;
		if (streq(s->state, "inactive"))
			inactive = true;
		else if (!latest || status_after(s, latest))
			latest = s;
	}
	bool finished = false;
	const char *st = latest ? github_state(latest->state, &finished) : inactive ? "succeeded"
									   : "in-progress";
	replace(&d->rec.status, st);
	d->rec.at = latest && finished ? latest->at : d->created;
	d->needs_status = false;
}

static bool deploy_better(const struct ops_deploy *a, const struct ops_deploy *b)
{
	/* the first that succeeded is when the commit reached the environment */
	bool sa = streq(a->rec.status, "succeeded"), sb = streq(b->rec.status, "succeeded");
	if (sa != sb)
		return sa;
	return sa ? a->rec.at < b->rec.at : a->rec.at > b->rec.at;
}

/* Whether two service names are one service (names ignore case; NULL is
 * no service known). */
static bool same_service(const char *a, const char *b)
{
	return a && b ? strcasecmp(a, b) == 0 : a == b;
}

/* docs/metrics.md §1b: one commit, one environment, one deployment (of one
 * service, §13: two services may each deploy one commit). */
static void fold(struct ops_batch *b)
{
	size_t kept = 0;
	for (size_t i = 0; i < b->ndeploys; i++) {
		struct ops_deploy *d = &b->deploys[i];
		size_t k = 0;
		for (; k < kept; k++)
			if (streq(b->deploys[k].rec.commit, d->rec.commit) &&
			    streq(b->deploys[k].rec.env, d->rec.env) &&
			    same_service(b->deploys[k].service, d->service))
				break;
		if (k == kept) {
			if (kept != i)
				b->deploys[kept] = *d;
			kept++;
			continue;
		}
		struct ops_deploy *w = &b->deploys[k], *loser = d;
		if (deploy_better(d, w)) {
			struct ops_deploy t = *w;
			*w = *d;
			*d = t;
			loser = d;
		}
		char when[24];
		sb_addf(&b->skipped, "%s: the same commit %.7s to %s as %s, which is the deployment"
			" (%s %s at %s)\n", loser->where, w->rec.commit, w->rec.env, w->where,
			w->rec.source_id ? w->rec.source_id : "-", w->rec.status,
			time_format_iso(w->rec.at, when));
		b->nskipped++;
		ops_deploy_free(loser);
	}
	b->ndeploys = kept;
}

void ops_settle(struct ops_batch *b)
{
	bool *matched = xcalloc(b->nstatuses + 1, sizeof *matched);
	for (size_t i = 0; i < b->ndeploys; i++)
		if (b->deploys[i].needs_status)
			resolve_github(b, &b->deploys[i], matched);
	/* statuses of deployments not in the files stay for the store */
	size_t kept = 0;
	for (size_t i = 0; i < b->nstatuses; i++) {
		char *key = xasprintf("\n%s\n", b->statuses[i].deployment_id);
		if (strstr(sb_str(&b->left_out), key))
			matched[i] = true;
		free(key);
		if (matched[i])
			ops_status_free(&b->statuses[i]);
		else
			b->statuses[kept++] = b->statuses[i];
	}
	b->nstatuses = kept;
	free(matched);
	fold(b);
}

/* ---- storing ------------------------------------------------------------------------ */

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && streq(a, b));
}

static bool deploy_same(const struct deploy_rec *a, const struct deploy_rec *b)
{
	return same(a->ref, b->ref) && same(a->status, b->status) && a->at == b->at &&
	       same(a->source_id, b->source_id) && same(a->origin, b->origin) &&
	       same(a->source_env, b->source_env) && same(a->url, b->url) &&
	       same(a->recorded_by, b->recorded_by);
}

/* What the tool knows replaces what it said before; what a person set
 * (kind, strategy, rollout, note, feature) stays. A finished deployment
 * never goes back to in progress from an older export. */
static void merge_deploy(struct deploy_rec *row, const struct deploy_rec *in)
{
	bool older = !streq(row->status, "in-progress") && streq(in->status, "in-progress");
	replace(&row->ref, in->ref);
	if (!older) {
		replace(&row->status, in->status);
		row->at = in->at;
	}
	replace(&row->source_id, in->source_id);
	replace(&row->origin, in->origin);
	replace(&row->source_env, in->source_env);
	replace(&row->url, in->url);
	if (in->recorded_by)
		replace(&row->recorded_by, in->recorded_by);
}

static void deploy_copy(struct deploy_rec *out, const struct deploy_rec *in)
{
	*out = *in;
	out->ref = xstrdup_or_null(in->ref);
	out->commit = xstrdup_or_null(in->commit);
	out->env = xstrdup_or_null(in->env);
	out->strategy = xstrdup_or_null(in->strategy);
	out->status = xstrdup_or_null(in->status);
	out->kind = xstrdup_or_null(in->kind);
	out->note = xstrdup_or_null(in->note);
	out->recorded_by = xstrdup_or_null(in->recorded_by);
	out->source = xstrdup_or_null(in->source);
	out->source_id = xstrdup_or_null(in->source_id);
	out->origin = xstrdup_or_null(in->origin);
	out->source_env = xstrdup_or_null(in->source_env);
	out->url = xstrdup_or_null(in->url);
}

/* The stored deployment an imported one is (docs/metrics.md §1b, §13): of
 * its commit and environment, by the service its origin maps to (the home
 * service's rows naming none included), else — imported before that
 * service was configured — the row naming none that the same tool's record
 * made. With no service mapped: by this run's service. 1, 0 or -1. */
static int find_imported(struct store *st, const struct ops_batch *b, const struct ops_deploy *d,
			 struct deploy_rec *old)
{
	if (!d->service)
		return store_deploy_find(st, d->rec.commit, d->rec.env, old);
	bool home = same_service(d->service, b->services.home);
	int found = store_deploy_find_in(st, d->rec.commit, d->rec.env, d->service, home, old);
	if (found != 0 || home)
		return found;
	found = store_deploy_find_in(st, d->rec.commit, d->rec.env, NULL, false, old);
	if (found == 1 && !(same(old->source, d->rec.source) && same(old->source_id, d->rec.source_id))) {
		deploy_rec_free(old);
		memset(old, 0, sizeof *old);
		found = 0;
	}
	return found;
}

static int store_deploy(struct store *st, struct ops_batch *b, const struct ops_deploy *d,
			struct ops_counts *c)
{
	struct deploy_rec old = {0};
	int found = find_imported(st, b, d, &old);
	if (found < 0)
		return -1;
	int rc = 0;
	if (!found) {
		struct deploy_rec row;
		deploy_copy(&row, &d->rec);
		/* no rollout stage: the tools know none (docs/metrics.md §1b) */
		rc = store_deploy_insert_in(st, &row, d->service);
		c->added += rc == 0;
		deploy_rec_free(&row);
	} else if (!same(old.source, d->rec.source)) {
		/* docs/metrics.md §1b: a record typed with shipdeck wins; between
		 * tools, the first one imported */
		if (old.source)
			sb_addf(&b->skipped, "%s: commit %.7s to %s is deployment %lld, imported from"
				" %s first: the first tool wins\n", d->where, d->rec.commit, d->rec.env,
				(long long)old.id, old.source);
		else
			sb_addf(&b->skipped, "%s: commit %.7s to %s is deployment %lld, recorded with"
				" shipdeck: the record wins\n", d->where, d->rec.commit, d->rec.env,
				(long long)old.id);
		b->nskipped++;
	} else {
		struct deploy_rec row;
		deploy_copy(&row, &old);
		merge_deploy(&row, &d->rec);
		if (deploy_same(&row, &old)) {
			c->unchanged++;
		} else if ((rc = store_deploy_update(st, &row)) == 0) {
			c->updated++;
		}
		/* imported before its service was configured: it gets it now */
		if (rc == 0 && d->service)
			rc = store_record_claim(st, "deployments", old.id, d->service);
		deploy_rec_free(&row);
	}
	deploy_rec_free(&old);
	return rc;
}

/* A status whose deployment is not in the files: it updates the deployment
 * an earlier import stored, if any. */
static int store_status(struct store *st, struct ops_batch *b, const struct ops_status *s,
			struct ops_counts *c)
{
	struct deploy_rec *all = NULL;
	size_t n = 0;
	if (store_deploys_list(st, NULL, &all, &n) != 0)
		return -1;
	const struct deploy_rec *hit = NULL;
	for (size_t i = 0; i < n && !hit; i++)
		if (same(all[i].source, "github") && same(all[i].source_id, s->deployment_id))
			hit = &all[i];
	int rc = 0;
	if (!hit) {
		sb_addf(&b->skipped, "%s: a status of GitHub deployment %s, which is neither in the"
			" files nor imported before\n", s->where, s->deployment_id);
		b->nskipped++;
	} else {
		bool finished;
		const char *state = streq(s->state, "inactive") ? hit->status
				   : github_state(s->state, &finished);
		struct deploy_rec row;
		deploy_copy(&row, hit);
		struct deploy_rec in = row;
		in.status = (char *)state;
		in.at = !streq(s->state, "inactive") && finished ? s->at : hit->at;
		merge_deploy(&row, &in);
		if (deploy_same(&row, hit))
			c->unchanged++;
		else if ((rc = store_deploy_update(st, &row)) == 0)
			c->updated++;
		deploy_rec_free(&row);
	}
	deploy_recs_free(all, n);
	return rc;
}

static void incident_copy(struct incident_rec *out, const struct incident_rec *in)
{
	*out = *in;
	out->title = xstrdup_or_null(in->title);
	out->severity = xstrdup_or_null(in->severity);
	out->deploy_ref = xstrdup_or_null(in->deploy_ref);
	out->cause = xstrdup_or_null(in->cause);
	out->decision = xstrdup_or_null(in->decision);
	out->note = xstrdup_or_null(in->note);
	out->source = xstrdup_or_null(in->source);
	out->source_id = xstrdup_or_null(in->source_id);
	out->origin = xstrdup_or_null(in->origin);
	out->url = xstrdup_or_null(in->url);
}

static bool incident_same(const struct incident_rec *a, const struct incident_rec *b)
{
	return same(a->title, b->title) && same(a->severity, b->severity) &&
	       a->detected == b->detected && a->paged == b->paged && a->restored == b->restored &&
	       same(a->origin, b->origin) && same(a->url, b->url);
}

/* docs/metrics.md §1b: the tool's title, severity and restore replace what
 * it said before (a restore is never undone by an older export); a step of
 * the timeline is only filled when empty, so what a person corrected, and
 * the start, the link, the decision and the root cause, stay. */
static void merge_incident(struct incident_rec *row, const struct incident_rec *in)
{
	replace(&row->title, in->title);
	replace(&row->severity, in->severity);
	if (in->restored != SD_NO_TIME)
		row->restored = in->restored;
	if (row->detected == SD_NO_TIME)
		row->detected = in->detected;
	if (row->paged == SD_NO_TIME)
		row->paged = in->paged;
	replace(&row->origin, in->origin);
	replace(&row->url, in->url);
}

static int store_incident(struct store *st, struct ops_batch *b, const struct ops_incident *inc,
			  const struct deploy_rec *deps, size_t nd, struct ops_counts *c)
{
	struct incident_rec old = {0}, row;
	int found = store_incident_find_source(st, inc->rec.source, inc->rec.source_id, &old);
	if (found < 0)
		return -1;
	int rc = 0;
	if (!found) {
		incident_copy(&row, &inc->rec);
		/* linked as `incident open` without --deploy links (docs/deployments.md) */
		int k = deploylog_link_incident(deps, nd, row.started);
		row.deployment_id = k >= 0 ? deps[k].id : 0;
		row.linked_auto = k >= 0;
		rc = store_incident_insert(st, &row);
		c->added += rc == 0;
		if (rc == 0 && inc->service)
			rc = store_record_claim(st, "incidents", row.id, inc->service);
	} else {
		incident_copy(&row, &old);
		merge_incident(&row, &inc->rec);
		char why[200];
		if (deploylog_timeline_check(&row, why, sizeof why)) {
			sb_addf(&b->skipped, "%s: incident %lld would read \"%s\": it stays as it is\n",
				inc->where, (long long)old.id, why);
			b->nskipped++;
		} else if (incident_same(&row, &old)) {
			c->unchanged++;
		} else if ((rc = store_incident_update(st, &row)) == 0) {
			c->updated++;
		}
		if (rc == 0 && inc->service)
			rc = store_record_claim(st, "incidents", old.id, inc->service);
		incident_rec_free(&old);
	}
	incident_rec_free(&row);
	return rc;
}

/* docs/metrics.md §13: an imported incident links only to a deployment of
 * its own service; a record naming none belongs to the home service. The
 * deployments of all are copied shallowly into mine (not owned). */
static size_t deploys_of_service(const struct ops_batch *b, const struct ops_incident *inc,
				 const struct deploy_rec *deps, size_t nd,
				 const struct record_service *rs, size_t nrs, struct deploy_rec *mine)
{
	const struct ops_services *sv = &b->services;
	const char *want = inc->service ? inc->service : sv->forced ? sv->forced : sv->home;
	size_t n = 0;
	for (size_t i = 0; i < nd; i++) {
		const char *has = record_service_of(rs, nrs, deps[i].id);
		if (!sv->active || same_service(has ? has : sv->home, want))
			mine[n++] = deps[i];
	}
	return n;
}

static int store_incidents(struct store *st, struct ops_batch *b, struct ops_counts *c)
{
	struct deploy_rec *deps = NULL;
	size_t nd = 0, nrs = 0;
	struct record_service *rs = NULL;
	if (store_deploys_list(st, NULL, &deps, &nd) != 0)
		return -1;
	if (b->services.active && store_record_services(st, "deployments", &rs, &nrs) != 0) {
		deploy_recs_free(deps, nd);
		return -1;
	}
	struct deploy_rec *mine = xcalloc(nd ? nd : 1, sizeof *mine);
	int rc = 0;
	for (size_t i = 0; i < b->nincidents && rc == 0; i++) {
		size_t n = deploys_of_service(b, &b->incidents[i], deps, nd, rs, nrs, mine);
		rc = store_incident(st, b, &b->incidents[i], mine, n, c);
	}
	free(mine);
	record_services_free(rs, nrs);
	deploy_recs_free(deps, nd);
	return rc;
}

int ops_store(struct store *st, struct ops_batch *b, struct ops_counts *c)
{
	memset(c, 0, sizeof *c);
	if (b->kind == IMPORT_KIND_INCIDENTS)
		return store_incidents(st, b, c);
	for (size_t i = 0; i < b->ndeploys; i++)
		if (store_deploy(st, b, &b->deploys[i], c) != 0)
			return -1;
	for (size_t i = 0; i < b->nstatuses; i++)
		if (store_status(st, b, &b->statuses[i], c) != 0)
			return -1;
	return 0;
}
