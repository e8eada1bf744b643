/* import_ops_deploys — the deployment exports `deploy import` reads:
 * GitHub Deployments (deployments and their statuses, alone or combined),
 * GitLab's /projects/:id/deployments and Argo CD's application history.
 * Field by field what each gives is docs/metrics.md §1b and
 * docs/deployments.md, "Importing deployments and incidents". */
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

/* Maps a tool's environment name; NULL after leaving the record out. */
static const char *map_env(struct ops_batch *b, struct import_rec *r, const char *name,
			   const char *tool_says)
{
	bool cfg;
	const char *env = ops_env_map(b->envs, name, &cfg);
	/* the tool's own mark (GitHub's production_environment, GitLab's tier)
	 * decides a name neither the config nor the built-in names know */
	if (!env && !cfg && tool_says)
		env = tool_says;
	if (!env)
		ops_skip(b, r, "environment \"%s\" is neither production nor staging%s", name ? name : "",
			 cfg ? " (config environments: skip)" : " (config environments can map it)");
	return env;
}

/* Starts a deployment of source from its commit; -1 (r->msg set) when the
 * commit is not a full commit id. */
static int new_deploy(struct import_rec *r, const char *source, const char *key, const char *sha,
		      struct ops_deploy *d)
{
	memset(d, 0, sizeof *d);
	d->rec.source = xstrdup(source);
	d->rec.kind = xstrdup("normal");
	d->rec.rollout = 100;
	if (!sha)
		return imp_fail(r, key, "missing");
	if (!ops_is_commit(sha))
		return imp_fail(r, key, "not a full commit id (40 hex digits)");
	d->rec.commit = xstrdup(sha);
	for (char *p = d->rec.commit; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	return 0;
}

/* A deployment the export names no ref for is called by its commit, as
 * the history engine calls a record's commit (its first 12 digits). */
static void replace_ref(struct ops_deploy *d)
{
	free(d->rec.ref);
	d->rec.ref = xstrndup(d->rec.commit, 12);
}

static void keep(struct ops_batch *b, struct import_rec *r, struct ops_deploy *d)
{
	d->where = ops_where(b, r);
	if (!d->rec.ref || !*d->rec.ref)
		replace_ref(d);
	VEC_PUSH(b->deploys, b->ndeploys, b->capdeploys, *d);
}

/* Ends one record: kept, left out by a rule (skip), or bad. */
static int finish(struct ops_batch *b, struct import_rec *r, int rc, bool skip,
		  struct ops_deploy *d, char *err, size_t errlen)
{
	if (rc == 0 && !skip) {
		keep(b, r, d);
		return 0;
	}
	deploy_rec_free(&d->rec);
	return rc == 0 ? 0 : ops_bad(b, r, err, errlen);
}

/* ---- GitHub ------------------------------------------------------------------ */

static const char *const github_states[] = {
	"error", "failure", "inactive", "in_progress", "queued", "pending", "success",
};

/* The id at the end of ".../deployments/42". */
static char *id_of_url(const char *url)
{
	const char *p = url ? strstr(url, "/deployments/") : NULL;
	if (!p)
		return NULL;
	p += strlen("/deployments/");
	size_t n = strspn(p, "0123456789");
	return n && (!p[n] || p[n] == '/') ? xstrndup(p, n) : NULL;
}

/* One status; deployment_id is the deployment around it in the combined
 * shape, else NULL (then deployment_url names it). */
static int github_status(struct ops_batch *b, struct import_rec *r, const cJSON *o,
			 const char *deployment_id)
{
	struct ops_status s = {0};
	char *url = NULL;
	int rc = imp_id(r, o, "id", &s.id);
	if (rc == 0)
		rc = imp_text(r, o, "state", &s.state);
	if (rc == 0 && !s.state)
		rc = imp_fail(r, "state", "missing");
	bool known = false;
	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(github_states); i++)
		known |= streq(s.state, github_states[i]);
	if (rc == 0 && !known)
		rc = imp_fail(r, "state", "unknown state \"%.40s\"", s.state);
	if (rc == 0)
		rc = imp_time(r, o, "created_at", &s.at);
	if (rc == 0 && s.at == SD_NO_TIME)
		rc = imp_fail(r, "created_at", "missing");
	if (rc == 0 && !deployment_id) {
		rc = imp_text(r, o, "deployment_url", &url);
		s.deployment_id = id_of_url(url);
		if (rc == 0 && !s.deployment_id)
			rc = imp_fail(r, "deployment_url", "does not name a deployment (…/deployments/ID)");
	} else if (rc == 0) {
		s.deployment_id = xstrdup(deployment_id);
	}
	free(url);
	if (rc == 0) {
		s.where = ops_where(b, r);
		VEC_PUSH(b->statuses, b->nstatuses, b->capstatuses, s);
		return 0;
	}
	free(s.id);
	free(s.state);
	free(s.deployment_id);
	return -1;
}

/* "octo/app" of https://api.github.com/repos/octo/app. */
static char *github_repo(const char *url)
{
	const char *p = url ? strstr(url, "/repos/") : NULL;
	return p && p[7] ? xstrdup(p + 7) : NULL;
}

static int github_fields(struct ops_batch *b, struct import_rec *r, const cJSON *o,
			 struct ops_deploy *d, bool *skip)
{
	char *env = NULL, *created_env = NULL;
	int rc = imp_id(r, o, "id", &d->rec.source_id);
	if (rc == 0)
		rc = imp_text(r, o, "ref", &d->rec.ref);
	if (rc == 0)
		rc = imp_text(r, o, "environment", &env);
	if (rc == 0 && !env)
		rc = imp_fail(r, "environment", "missing");
	if (rc == 0)
		rc = imp_text(r, o, "original_environment", &created_env);
	if (rc == 0)
		rc = imp_time(r, o, "created_at", &d->created);
	if (rc == 0 && d->created == SD_NO_TIME)
		rc = imp_fail(r, "created_at", "missing");
	const cJSON *prod = get(o, "production_environment");
	if (rc == 0 && prod && !cJSON_IsBool(prod))
		rc = imp_fail(r, "production_environment", "not true or false");
	if (rc == 0) {
		const char *e = map_env(b, r, env, cJSON_IsTrue(prod) ? "production" : NULL);
		*skip = !e;
		d->rec.env = xstrdup_or_null(e);
		d->rec.source_env = env;
		env = NULL;
		d->rec.origin = github_repo(str(o, "repository_url"));
		if (!d->rec.origin)
			d->rec.origin = xstrdup_or_null(b->origin);
		d->rec.recorded_by = xstrdup_or_null(str(get(o, "creator"), "login"));
		d->rec.at = d->created;
		d->rec.status = xstrdup("in-progress");
		d->needs_status = true;
	}
	free(env);
	free(created_env);
	return rc;
}

static int github_deployment(struct ops_batch *b, struct import_rec *r, const cJSON *o, char *err,
			     size_t errlen)
{
	struct ops_deploy d;
	bool skip = false;
	int rc = new_deploy(r, "github", "sha", str(o, "sha"), &d);
	if (rc == 0 && get(o, "sha") && !cJSON_IsString(get(o, "sha")))
		rc = imp_fail(r, "sha", "not a string");
	if (rc == 0)
		rc = github_fields(b, r, o, &d, &skip);
	/* the combined shape: the deployment's statuses inside it */
	const cJSON *sts = get(o, "statuses");
	if (rc == 0 && sts && !cJSON_IsArray(sts))
		rc = imp_fail(r, "statuses", "not an array");
	char *id = xstrdup_or_null(d.rec.source_id);
	if (rc == 0 && skip)
		sb_addf(&b->left_out, "\n%s\n", id);
	if (finish(b, r, rc, skip, &d, err, errlen) != 0) {
		free(id);
		return -1;
	}
	if (rc != 0 || skip || !sts) {
		free(id);
		return 0;
	}
	char path[96];
	snprintf(path, sizeof path, "%s[%zu].statuses", r->array, r->index);
	struct import_rec sr = {.array = path};
	const cJSON *s;
	int out = 0;
	cJSON_ArrayForEach(s, sts) {
		if (github_status(b, &sr, s, id) != 0 && ops_bad(b, &sr, err, errlen) != 0) {
			out = -1;
			break;
		}
		sr.index++;
	}
	free(id);
	return out;
}

int ops_parse_github(const cJSON *page, bool skip_bad, void *batch, char *err, size_t errlen)
{
	struct ops_batch *b = batch;
	b->skip_bad = skip_bad;
	struct import_rec r = {.array = ""};
	/* a page of deployments or statuses, or one of them alone */
	const cJSON *o = cJSON_IsArray(page) ? page->child : page;
	for (; o; o = cJSON_IsArray(page) ? o->next : NULL) {
		if (!cJSON_IsObject(o)) {
			imp_fail(&r, NULL, "not an object");
			if (ops_bad(b, &r, err, errlen) != 0)
				return -1;
		} else if (cJSON_GetObjectItemCaseSensitive(o, "deployment_url")) {
			if (github_status(b, &r, o, NULL) != 0 && ops_bad(b, &r, err, errlen) != 0)
				return -1;
		} else if (github_deployment(b, &r, o, err, errlen) != 0) {
			return -1;
		}
		r.index++;
	}
	return 0;
}

/* ---- GitLab ------------------------------------------------------------------ */

/* GitLab's statuses: success and failed happened; running is in progress;
 * created and blocked (waiting for a manual job or an approval), canceled
 * and skipped never reached the environment. */
static int gitlab_status(struct ops_batch *b, struct import_rec *r, const char *st, bool *skip,
			 const char **out)
{
	*out = NULL;
	if (!st)
		return imp_fail(r, "status", "missing");
	if (streq(st, "success"))
		*out = "succeeded";
	else if (streq(st, "failed"))
		*out = "failed";
	else if (streq(st, "running"))
		*out = "in-progress";
	else if (streq(st, "created") || streq(st, "blocked") || streq(st, "canceled") ||
		 streq(st, "skipped")) {
		ops_skip(b, r, "status %s: it never reached the environment", st);
		*skip = true;
	} else {
		return imp_fail(r, "status", "unknown status \"%.40s\"", st);
	}
	return 0;
}

/* The project's path from the deployment's job or pipeline page. */
static char *gitlab_project(const cJSON *o)
{
	const cJSON *job = get(o, "deployable");
	char *p = ops_url_project(str(get(job, "pipeline"), "web_url"));
	return p ? p : ops_url_project(str(job, "web_url"));
}

static int gitlab_fields(struct ops_batch *b, struct import_rec *r, const cJSON *o,
			 struct ops_deploy *d, bool *skip)
{
	int64_t finished = SD_NO_TIME, updated = SD_NO_TIME;
	char *st = NULL;
	const char *status = NULL;
	const cJSON *env = get(o, "environment");
	int rc = imp_id(r, o, "id", &d->rec.source_id);
	if (rc == 0)
		rc = imp_text(r, o, "ref", &d->rec.ref);
	if (rc == 0)
		rc = imp_text(r, o, "status", &st);
	if (rc == 0)
		rc = imp_time(r, o, "created_at", &d->created);
	if (rc == 0 && d->created == SD_NO_TIME)
		rc = imp_fail(r, "created_at", "missing");
	if (rc == 0)
		rc = imp_time(r, o, "finished_at", &finished);
	if (rc == 0)
		rc = imp_time(r, o, "updated_at", &updated);
	if (rc == 0 && !cJSON_IsString(get(env, "name")))
		rc = imp_fail(r, "environment.name", "missing");
	if (rc == 0)
		rc = gitlab_status(b, r, st, skip, &status);
	if (rc == 0 && !*skip) {
		const char *tier = str(env, "tier");
		const char *name = str(env, "name");
		const char *e = map_env(b, r, name, tier && (streq(tier, "production") ||
							      streq(tier, "staging")) ? tier : NULL);
		*skip = !e;
		d->rec.env = xstrdup_or_null(e);
		d->rec.source_env = xstrdup(name);
		d->rec.status = xstrdup(status);
		/* a finished deployment is dated by its end; one running by its start */
		int64_t end = finished != SD_NO_TIME ? finished : updated;
		d->rec.at = streq(status, "in-progress") || end == SD_NO_TIME ? d->created : end;
		d->rec.origin = gitlab_project(o);
		if (!d->rec.origin)
			d->rec.origin = xstrdup_or_null(b->origin);
		d->rec.recorded_by = xstrdup_or_null(str(get(o, "user"), "username"));
		d->rec.url = xstrdup_or_null(str(get(o, "deployable"), "web_url"));
	}
	free(st);
	return rc;
}

int ops_parse_gitlab(const cJSON *page, bool skip_bad, void *batch, char *err, size_t errlen)
{
	struct ops_batch *b = batch;
	b->skip_bad = skip_bad;
	struct import_rec r = {.array = ""};
	const cJSON *o = cJSON_IsArray(page) ? page->child : page;
	for (; o; o = cJSON_IsArray(page) ? o->next : NULL) {
		struct ops_deploy d;
		bool skip = false;
		int rc;
		if (!cJSON_IsObject(o)) {
			memset(&d, 0, sizeof d);
			rc = imp_fail(&r, NULL, "not an object");
		} else {
			rc = new_deploy(&r, "gitlab", "sha", str(o, "sha"), &d);
			if (rc == 0)
				rc = gitlab_fields(b, &r, o, &d, &skip);
		}
		if (finish(b, &r, rc, skip, &d, err, errlen) != 0)
			return -1;
		r.index++;
	}
	return 0;
}

/* ---- Argo CD ----------------------------------------------------------------- */

/* The one commit of a history entry: "revision", or for an application of
 * several sources the only "revisions" entry that is a commit. NULL with
 * the entry left out when there is none or several. */
static const char *argo_revision(struct ops_batch *b, struct import_rec *r, const cJSON *o)
{
	const char *rev = str(o, "revision");
	if (rev) {
		if (!ops_is_commit(rev))
			ops_skip(b, r, "revision \"%.60s\" is not a commit (a Helm chart version?)", rev);
		return ops_is_commit(rev) ? rev : NULL;
	}
	const cJSON *revs = get(o, "revisions"), *v;
	const char *found = NULL;
	int n = 0;
	cJSON_ArrayForEach(v, revs)
		if (cJSON_IsString(v) && ops_is_commit(v->valuestring) && n++ == 0)
			found = v->valuestring;
	if (n != 1)
		ops_skip(b, r, n ? "several commits (an application of several sources): shipdeck"
			 " cannot tell which one is this repository's" : "no revision that is a commit");
	return n == 1 ? found : NULL;
}

static int argo_entry(struct ops_batch *b, struct import_rec *r, const cJSON *o, const char *app,
		      const char *ns, char *err, size_t errlen)
{
	struct ops_deploy d;
	memset(&d, 0, sizeof d);
	char *id = NULL;
	int rc = cJSON_IsObject(o) ? 0 : imp_fail(r, NULL, "not an object");
	if (rc == 0)
		rc = imp_id(r, o, "id", &id);
	int64_t at = SD_NO_TIME;
	if (rc == 0)
		rc = imp_time(r, o, "deployedAt", &at);
	if (rc == 0 && at == SD_NO_TIME)
		rc = imp_fail(r, "deployedAt", "missing");
	const cJSON *rv = get(o, "revision");
	if (rc == 0 && rv && !cJSON_IsString(rv))
		rc = imp_fail(r, "revision", "not a string");
	const char *rev = rc == 0 ? argo_revision(b, r, o) : NULL;
	bool skip = rc == 0 && !rev;
	if (rc == 0 && rev)
		rc = new_deploy(r, "argocd", "revision", rev, &d);
	if (rc == 0 && !skip) {
		d.rec.source_id = xasprintf("%s#%s", app ? app : "", id);
		d.rec.at = d.created = at;
		d.rec.status = xstrdup("succeeded");
		d.rec.env = xstrdup(b->env ? b->env : "production");
		d.rec.source_env = xstrdup_or_null(ns);
		d.rec.origin = xstrdup_or_null(app);
		d.rec.ref = xstrdup_or_null(str(get(o, "source"), "targetRevision"));
		const cJSON *by = get(o, "initiatedBy");
		d.rec.recorded_by = xstrdup_or_null(cJSON_IsTrue(get(by, "automated")) ? "automated"
										    : str(by, "username"));
	}
	free(id);
	return finish(b, r, rc, skip, &d, err, errlen);
}

/* A sync running or failed now (`app get`'s status.operationState): a
 * deployment of its revision, in progress or failed. */
static int argo_operation(struct ops_batch *b, const cJSON *op, const char *app, const char *ns,
			  char *err, size_t errlen)
{
	const char *phase = str(op, "phase");
	if (!phase || (!streq(phase, "Running") && !streq(phase, "Failed") && !streq(phase, "Error")))
		return 0;       /* Succeeded is in the history */
	struct import_rec r = {.array = "status.operationState"};
	r.index = 0;
	const char *rev = str(get(op, "syncResult"), "revision");
	if (!rev)
		rev = str(get(get(op, "operation"), "sync"), "revision");
	struct ops_deploy d;
	int rc = new_deploy(&r, "argocd", "operation.sync.revision", rev, &d);
	int64_t started = SD_NO_TIME, finished = SD_NO_TIME;
	if (rc == 0)
		rc = imp_time(&r, op, "startedAt", &started);
	if (rc == 0)
		rc = imp_time(&r, op, "finishedAt", &finished);
	if (rc == 0 && started == SD_NO_TIME)
		rc = imp_fail(&r, "startedAt", "missing");
	if (rc == 0) {
		char when[24];
		bool running = streq(phase, "Running");
		d.rec.source_id = xasprintf("%s#sync@%s", app ? app : "", time_format_iso(started, when));
		d.created = started;
		d.rec.at = running || finished == SD_NO_TIME ? started : finished;
		d.rec.status = xstrdup(running ? "in-progress" : "failed");
		d.rec.env = xstrdup(b->env ? b->env : "production");
		d.rec.source_env = xstrdup_or_null(ns);
		d.rec.origin = xstrdup_or_null(app);
	}
	return finish(b, &r, rc, false, &d, err, errlen);
}

int ops_parse_argocd(const cJSON *page, bool skip_bad, void *batch, char *err, size_t errlen)
{
	struct ops_batch *b = batch;
	b->skip_bad = skip_bad;
	const cJSON *hist = page;
	const char *app = b->origin, *ns = NULL;
	const char *label = "";
	if (cJSON_IsObject(page)) {
		/* argocd app get APP -o json: the Application */
		const cJSON *status = get(page, "status");
		hist = get(status, "history");
		app = str(get(page, "metadata"), "name");
		if (!app)
			app = b->origin;
		ns = str(get(get(page, "spec"), "destination"), "namespace");
		label = "status.history";
		if (hist && !cJSON_IsArray(hist)) {
			snprintf(err, errlen, "status.history: not an array");
			return -1;
		}
		if (argo_operation(b, get(status, "operationState"), app, ns, err, errlen) != 0)
			return -1;
	}
	struct import_rec r = {.array = label};
	const cJSON *o;
	cJSON_ArrayForEach(o, hist) {
		if (argo_entry(b, &r, o, app, ns, err, errlen) != 0)
			return -1;
		r.index++;
	}
	return 0;
}
