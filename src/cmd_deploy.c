/* cmd_deploy — `shipdeck deploy`, `incident` and `review`: how releases
 * went out, what went wrong, and what the team learned (docs/metrics.md §1, §3, §10).
 * Each write is one short transaction; the rules live in deploylog.c. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advice.h"
#include "loaders.h"
#include "checklists.h"
#include "commands.h"
#include "context.h"
#include "deploylog.h"
#include "gitscan.h"
#include "jsonw.h"
#include "model.h"
#include "present.h"
#include "store.h"
#include "store_deploys.h"
#include "text.h"
#include "timearg.h"
#include "timeutil.h"

#define BAR_CELLS 10

/* The names of the JSON documents (data/commands.schema.json describes
 * each); the number changes when a field changes meaning. */
#define SCHEMA_DEPLOY_RECORD "shipdeck.deploy-record/1"
#define SCHEMA_DEPLOY_LIST "shipdeck.deploy-list/1"
#define SCHEMA_INCIDENT_OPEN "shipdeck.incident-open/1"
#define SCHEMA_INCIDENT_LIST "shipdeck.incident-list/1"
#define SCHEMA_REVIEW_LIST "shipdeck.review-list/1"

/* ---- shared helpers ------------------------------------------------------- */


/* Opens the store and starts the command's one transaction. */
static struct store *begin_write(struct ctx *c)
{
	struct store *st = ctx_store(c);
	if (!st)
		return NULL;
	if (store_begin(st) != 0) {
		sd_error("%s", store_errmsg(st));
		return NULL;
	}
	return st;
}

/* Commits when rc is 0; otherwise (or when the commit fails) rolls back and
 * prints the store's error unless the caller printed one already. */
static int finish_write(struct store *st, int rc, bool printed)
{
	if (rc == 0 && store_commit(st) == 0)
		return EXIT_OK;
	if (!printed || rc == 0)
		sd_error("%s", store_errmsg(st));
	store_rollback(st);
	return EXIT_USAGE;
}

static bool parse_id(const char *s, int64_t *id)
{
	long long v;
	if (!s || !parse_long(s, 1, INT64_MAX, &v))
		return false;
	*id = v;
	return true;
}

/* A time flag: ISO 8601 in any zone (without one: the team's, see
 * src/timearg.c), or "now". A time after now is refused
 * unless allowed, because a typo in the year would otherwise quietly hide a
 * deployment from every figure (docs/metrics.md: a deployment after now does not exist). */
static int parse_time_flag(struct ctx *c, const char *flag, const char *value, bool allow_future,
			   int64_t *out)
{
	if (strcmp(value, "now") == 0) {
		*out = c->now;
		return 0;
	}
	if (!timearg_parse(c, flag, value, out))
		return -1;
	if (*out > c->now && !allow_future) {
		char t1[24], t2[24];
		sd_error("--%s %s is in the future (now is %s): use --allow-future if you mean it", flag,
			 time_format_iso(*out, t1), time_format_iso(c->now, t2));
		return -1;
	}
	return 0;
}

/* Like parse_time_flag for an optional flag: leaves *out alone when absent. */
static int opt_time(struct ctx *c, const struct cmd_args *a, const char *name, int64_t *out)
{
	const char *v = cmd_arg(a, name);
	if (!v)
		return 0;
	return parse_time_flag(c, name, v, cmd_arg(a, "allow-future") != NULL, out);
}

static bool check_choice(const char *flag, const char *v, bool (*ok)(const char *), const char *valid)
{
	if (!v || ok(v))
		return true;
	char *shown = text_clean(v, TEXT_ONE_LINE);
	sd_error("--%s %s: must be %s", flag, shown, valid);
	free(shown);
	return false;
}

/* Replaces *field with a copy of value ("" clears it); value may be *field. */
static void replace(char **field, const char *value)
{
	if (!value)
		return;
	char *copy = *value ? xstrdup(value) : NULL;
	free(*field);
	*field = copy;
}

static void print_clean(const char *prefix, const char *s, const char *suffix)
{
	char *t = text_clean(s, TEXT_ONE_LINE);
	printf("%s%s%s", prefix, t, suffix);
	free(t);
}

static void json_time(struct strbuf *out, const char *key, int64_t t)
{
	json_field_time(out, key, t);
}

static void json_str(struct strbuf *out, const char *key, const char *v)
{
	json_field_str(out, key, v);
}

static void json_secs(struct strbuf *out, const char *key, int64_t v)
{
	json_field_secs(out, key, v);
}

/* ---- deploy ------------------------------------------------------------------ */

static bool parse_pct(const char *v, int *out)
{
	long long p;
	if (!parse_long(v, 0, 100, &p)) {
		char *shown = text_clean(v, TEXT_ONE_LINE);
		sd_error("--rollout %s: must be a percentage from 0 to 100", shown);
		free(shown);
		return false;
	}
	*out = (int)p;
	return true;
}

/* One recorded deployment; "status" is the decided state (present.c), the
 * same word the snapshot and the dashboard show, "recorded_status" what was
 * typed. */
static void deploy_json(struct strbuf *out, const struct deploy_rec *d, const struct rollout_stage *stg,
			size_t nstg, const struct deploy_verdict *v)
{
	sb_addf(out, "{\"id\": %lld", (long long)d->id);
	json_time(out, "at", d->at);
	json_str(out, "env", d->env);
	json_str(out, "ref", d->ref);
	json_str(out, "commit", d->commit);
	json_str(out, "strategy", d->strategy);
	sb_addf(out, ", \"rollout\": %d", d->rollout);
	json_str(out, "status", present_deploy_state_word(v->state));
	json_str(out, "recorded_status", d->status);
	json_str(out, "failed_because", present_fail_word(v->why));
	json_field_bool(out, "linked_by_time", v->linked_by_time);
	json_field_num(out, "restore_hours", v->restore_hours);
	json_str(out, "restored_by", v->restored_by);
	/* docs/metrics.md §3b: "reverted by #131"; null when no pull request says it */
	json_field_num(out, "reverted_by_pr", v->reverted_by_pr > 0 ? (double)v->reverted_by_pr : NAN);
	json_field_num(out, "reverts_pr", v->reverts_pr > 0 ? (double)v->reverts_pr : NAN);
	json_field_bool(out, "rework", v->rework);
	json_str(out, "kind", d->kind);
	if (d->feature_id > 0)
		sb_addf(out, ", \"feature_id\": %lld", (long long)d->feature_id);
	else
		sb_add(out, ", \"feature_id\": null");
	json_str(out, "note", d->note);
	json_str(out, "recorded_by", d->recorded_by);
	json_str(out, "source", present_deploy_source(d));
	json_str(out, "source_id", d->source_id);
	json_str(out, "origin", d->origin);
	json_str(out, "source_env", d->source_env);
	json_str(out, "url", d->url);
	sb_add(out, ", \"stages\": [");
	bool first = true;
	for (size_t i = 0; i < nstg; i++) {
		if (stg[i].deployment_id != d->id)
			continue;
		char t[24];
		sb_addf(out, "%s{\"pct\": %d, \"at\": \"%s\"}", first ? "" : ", ", stg[i].pct,
			time_format_iso(stg[i].at, t));
		first = false;
	}
	sb_add(out, "]}");
}

/* Prints one deployment as JSON with its stages (for record/advance --json),
 * with its state decided from the whole model, as `deploy list` does. */
static int print_deploy_json(struct ctx *c, const struct deploy_rec *d, bool created)
{
	struct dash dash;
	if (cmd_model_build(c, &dash) != 0) {
		model_free(&dash);
		return EXIT_USAGE;
	}
	struct deploy_verdict v;
	present_record_verdict(&dash, d, &v);
	struct strbuf out = STRBUF_INIT;
	sb_add(&out, "{\"schema\": \"" SCHEMA_DEPLOY_RECORD "\"");
	json_field_bool(&out, "created", created);
	sb_add(&out, ", \"deployment\": ");
	deploy_json(&out, d, dash.stages, dash.nstages, &v);
	sb_add(&out, "}\n");
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	model_free(&dash);
	return EXIT_OK;
}

static void short_commit(const char *commit, char buf[8])
{
	snprintf(buf, 8, "%.7s", commit ? commit : "");
}

/* Resolves --feature ID|KEY inside the transaction; 0 when absent. */
static int resolve_feature(struct store *st, const char *v, int64_t *id)
{
	if (!v)
		return 0;
	struct feature f = {0};
	int rc = store_feature_find(st, v, &f);
	if (rc < 0) {
		sd_error("%s", store_errmsg(st));
		return -1;
	}
	if (rc == 0) {
		char *shown = text_clean(v, TEXT_ONE_LINE);
		sd_error("--feature %s: no such feature (see 'shipdeck feature list')", shown);
		free(shown);
		return -1;
	}
	*id = f.id;
	feature_free(&f);
	return 0;
}

/* Applies the flags of `deploy record` to d (new or existing); pct is
 * --rollout, or -1 when not given. */
static void apply_record_flags(struct ctx *c, const struct cmd_args *a, struct deploy_rec *d, bool created,
			       int pct)
{
	const char *v;
	bool have_rollout = pct >= 0;
	if (have_rollout)
		d->rollout = pct;
	replace(&d->strategy, cmd_arg(a, "strategy"));
	replace(&d->note, cmd_arg(a, "note"));
	if ((v = cmd_arg(a, "kind")) || created)
		replace(&d->kind, v ? v : "normal");
	if ((v = cmd_arg(a, "status"))) {
		replace(&d->status, v);
	} else if (created) {
		replace(&d->status, deploylog_default_status(d->rollout));
	} else if (have_rollout) {
		/* A corrected rollout moves the status with it, except a failure. */
		const char *s = deploylog_status_after(d->status, d->rollout);
		replace(&d->status, d->rollout < 100 && strcmp(s, "succeeded") == 0 ? "in-progress" : s);
	}
	replace(&d->recorded_by, ctx_user(c));
	/* docs/metrics.md §1b: recorded by hand, the deployment is a record
	 * now, and the record wins over the next import */
	replace(&d->source, "");
	replace(&d->source_id, "");
	replace(&d->origin, "");
	replace(&d->source_env, "");
	replace(&d->url, "");
}

static int deploy_record(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	if (a->npos != 1 || !*pos[0])
		return cmd_usage_error(a, "deploy record needs a REF (tag, branch or commit)");
	const char *env = cmd_arg(a, "env");
	if (!env)
		return cmd_usage_error(a, "deploy record needs --env production or staging");
	if (!check_choice("env", env, deploylog_env_ok, "production or staging") ||
	    !check_choice("strategy", cmd_arg(a, "strategy"), deploylog_strategy_ok,
			  "big-bang, rolling, canary or blue-green") ||
	    !check_choice("status", cmd_arg(a, "status"), deploylog_status_ok,
			  "in-progress, succeeded, failed or rolled-back") ||
	    !check_choice("kind", cmd_arg(a, "kind"), deploylog_kind_ok, "normal or hotfix"))
		return EXIT_USAGE;
	int pct = -1;
	if (cmd_arg(a, "rollout") && !parse_pct(cmd_arg(a, "rollout"), &pct))
		return EXIT_USAGE;
	int64_t at = SD_NO_TIME;
	if (opt_time(c, a, "at", &at) != 0)
		return EXIT_USAGE;
	if (!ctx_need_repo(c))
		return EXIT_USAGE;
	char commit[41], err[512];
	if (gitscan_resolve(c->repo_path, pos[0], commit, err, sizeof err) != 0) {
		char *shown = text_clean(err, TEXT_ONE_LINE);
		sd_error("%s", shown);
		free(shown);
		return EXIT_USAGE;
	}
	struct store *st = begin_write(c);
	if (!st)
		return EXIT_USAGE;
	struct deploy_rec d = {0};
	int found = store_deploy_find(st, commit, env, &d);
	int64_t feature_id = 0;
	int rc = found < 0 ? -1 : resolve_feature(st, cmd_arg(a, "feature"), &feature_id);
	bool printed = found >= 0;
	if (rc == 0) {
		if (!found) {
			d.commit = xstrdup(commit);
			d.env = xstrdup(env);
			d.rollout = 100;
			d.at = at != SD_NO_TIME ? at : c->now;
		} else if (at != SD_NO_TIME) {
			d.at = at;
		}
		replace(&d.ref, pos[0]);
		if (feature_id)
			d.feature_id = feature_id;
		apply_record_flags(c, a, &d, !found, pct);
	}
	if (rc == 0) {
		printed = false;
		rc = found ? store_deploy_update(st, &d) : store_deploy_insert(st, &d);
		/* The first stage is the deployment itself; a re-record with a new
		 * --rollout is a stage reached now (or at --at). */
		if (rc == 0 && (!found || pct >= 0))
			rc = store_stage_add(st, d.id, d.rollout, at != SD_NO_TIME ? at : found ? c->now : d.at);
	}
	int ret = finish_write(st, rc, printed);
	if (ret == EXIT_OK) {
		if (cmd_arg(a, "json")) {
			ret = print_deploy_json(c, &d, !found);
		} else {
			char sc[8], bar[32];
			short_commit(d.commit, sc);
			deploylog_rollout_bar(d.rollout, BAR_CELLS, bar, sizeof bar);
			printf("%s deployment %lld: ", found ? "updated" : "recorded", (long long)d.id);
			print_clean("", d.ref, "");
			printf(" (%s) to %s, %s %s\n", sc, d.env, d.status, bar);
			if (cmd_arg(a, "at"))
				timearg_print(c, "at", d.at);
		}
	}
	deploy_rec_free(&d);
	return ret;
}

/* Parses the ID argument of a record ("a deployment", "deploy list");
 * prints the error itself. */
static int record_id_arg(const char *arg, const char *what, const char *list, int64_t *id)
{
	if (parse_id(arg, id))
		return 0;
	char *shown = text_clean(arg, TEXT_ONE_LINE);
	sd_error("'%s' is not %s id (see 'shipdeck %s')", shown, what, list);
	free(shown);
	return -1;
}

/* Turns a store lookup's 1 / 0 / -1 into 0 or -1 with the error said. */
static int record_found(struct store *st, int rc, const char *what, int64_t id, const char *list)
{
	if (rc == 0)
		sd_error("no %s %lld (see 'shipdeck %s')", what, (long long)id, list);
	else if (rc < 0)
		sd_error("%s", store_errmsg(st));
	return rc == 1 ? 0 : -1;
}

/* Loads a deployment by the ID argument; prints the error itself. */
static int load_deploy(struct store *st, const char *arg, struct deploy_rec *d)
{
	int64_t id;
	if (record_id_arg(arg, "a deployment", "deploy list", &id) != 0)
		return -1;
	return record_found(st, store_deploy_get(st, id, d), "deployment", id, "deploy list");
}

/* The time of the last stage of deployment id, or SD_NO_TIME. */
static int last_stage_time(struct store *st, int64_t id, int64_t *out)
{
	struct rollout_stage *stg;
	size_t n;
	if (store_stages_list(st, id, &stg, &n) != 0)
		return -1;
	*out = SD_NO_TIME;
	for (size_t i = 0; i < n; i++)
		if (*out == SD_NO_TIME || stg[i].at > *out)
			*out = stg[i].at;
	free(stg);
	return 0;
}

static int deploy_advance(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	int pct;
	if (a->npos != 1 || !cmd_arg(a, "rollout"))
		return cmd_usage_error(a, "deploy advance needs an ID and --rollout PCT");
	if (!parse_pct(cmd_arg(a, "rollout"), &pct))
		return EXIT_USAGE;
	int64_t at = c->now;
	if (opt_time(c, a, "at", &at) != 0)
		return EXIT_USAGE;
	struct store *st = begin_write(c);
	if (!st)
		return EXIT_USAGE;
	struct deploy_rec d = {0};
	int64_t last;
	int rc = load_deploy(st, pos[0], &d);
	bool printed = true;
	if (rc == 0 && last_stage_time(st, d.id, &last) != 0)
		rc = -1, printed = false;
	char why[240];
	if (rc == 0 && deploylog_advance_check(&d, last, pct, at, why, sizeof why)) {
		sd_error("%s", why);
		rc = -1;
	}
	if (rc == 0) {
		printed = false;
		d.rollout = pct;
		replace(&d.status, deploylog_status_after(d.status, pct));
		rc = store_deploy_update(st, &d);
		if (rc == 0)
			rc = store_stage_add(st, d.id, pct, at);
	}
	int ret = finish_write(st, rc, printed);
	if (ret == EXIT_OK) {
		if (cmd_arg(a, "json")) {
			ret = print_deploy_json(c, &d, false);
		} else {
			char bar[32];
			deploylog_rollout_bar(d.rollout, BAR_CELLS, bar, sizeof bar);
			printf("deployment %lld: %s %s\n", (long long)d.id, bar, d.status);
		}
	}
	deploy_rec_free(&d);
	return ret;
}

static int deploy_set(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	bool any = false;
	for (struct cmd_flag *f = a->flags; f->name; f++)
		any = any || f->value;
	if (a->npos != 1 || !any)
		return cmd_usage_error(a, "%s", a->npos != 1 ? "deploy set needs an ID"
							       : "deploy set needs something to change");
	if (!check_choice("status", cmd_arg(a, "status"), deploylog_status_ok,
			  "in-progress, succeeded, failed or rolled-back") ||
	    !check_choice("kind", cmd_arg(a, "kind"), deploylog_kind_ok, "normal or hotfix") ||
	    !check_choice("strategy", cmd_arg(a, "strategy"), deploylog_strategy_ok,
			  "big-bang, rolling, canary or blue-green"))
		return EXIT_USAGE;
	struct store *st = begin_write(c);
	if (!st)
		return EXIT_USAGE;
	struct deploy_rec d = {0};
	int rc = load_deploy(st, pos[0], &d);
	bool printed = true;
	if (rc == 0) {
		printed = false;
		replace(&d.status, cmd_arg(a, "status"));
		replace(&d.kind, cmd_arg(a, "kind"));
		replace(&d.strategy, cmd_arg(a, "strategy"));
		replace(&d.note, cmd_arg(a, "note"));
		rc = store_deploy_update(st, &d);
	}
	int ret = finish_write(st, rc, printed);
	if (ret == EXIT_OK)
		printf("deployment %lld: %s, %s\n", (long long)d.id, d.status, d.kind);
	deploy_rec_free(&d);
	return ret;
}

static void deploy_row(struct strbuf *out, const struct deploy_rec *d, const struct deploy_verdict *v)
{
	char t[24], sc[8], bar[32];
	short_commit(d->commit, sc);
	deploylog_rollout_bar(d->rollout, BAR_CELLS, bar, sizeof bar);
	sb_addf(out, "%4lld  %s  ", (long long)d->id, time_format_short(d->at, t));
	text_fit(out, d->env, 10, false, true);
	sb_add(out, "  ");
	text_fit(out, present_deploy_source(d), 6, false, true);
	sb_add(out, "  ");
	char *ref = text_clean(d->ref, TEXT_ONE_LINE);
	text_fit(out, ref, 14, false, true);
	free(ref);
	sb_addf(out, "  %-7s  ", sc);
	text_fit(out, d->strategy ? d->strategy : "-", 10, false, true);
	sb_add(out, "  ");
	text_fit(out, bar, 17, false, true);
	/* the state last and whole: a narrow terminal cuts nothing that matters */
	sb_addf(out, "  %-6s  ", d->kind);
	present_deploy_status(out, v);
	sb_addc(out, '\n');
}

static int deploy_list(struct ctx *c, struct cmd_args *a)
{
	const char *env = cmd_arg(a, "env");
	if (!check_choice("env", env, deploylog_env_ok, "production or staging"))
		return EXIT_USAGE;
	/* The whole model: a deployment's state needs the history, incidents
	 * and reverts, decided once for every view (present.c). */
	struct dash dash;
	if (cmd_model_build(c, &dash) != 0) {
		model_free(&dash);
		return EXIT_USAGE;
	}
	bool json = cmd_arg(a, "json") != NULL;
	struct strbuf out = STRBUF_INIT;
	size_t shown = 0;
	if (json)
		sb_add(&out, "{\"schema\": \"" SCHEMA_DEPLOY_LIST "\", \"deployments\": [");
	for (size_t i = 0; i < dash.nrecords; i++) {
		const struct deploy_rec *d = &dash.records[i];
		if (env && !streq(d->env, env))
			continue;
		struct deploy_verdict v;
		present_record_verdict(&dash, d, &v);
		if (json) {
			sb_add(&out, shown ? ",\n  " : "\n  ");
			deploy_json(&out, d, dash.stages, dash.nstages, &v);
		} else {
			if (!shown)
				sb_add(&out, "  ID  TIME (UTC)        ENV         SOURCE  REF             COMMIT   STRATEGY    "
					     "ROLLOUT            KIND    STATUS\n");
			deploy_row(&out, d, &v);
		}
		shown++;
	}
	if (json)
		sb_add(&out, shown ? "\n]}\n" : "]}\n");
	else if (!shown)
		sb_add(&out, "no deployments recorded: record one with 'shipdeck deploy record REF --env production'\n");
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	model_free(&dash);
	return EXIT_OK;
}

/* ---- incident ------------------------------------------------------------------ */

/* Links an incident named with --deploy ID|REF: a recorded production
 * deployment by id or by the commit REF resolves to; otherwise the commit
 * goes to deploy_ref (a tag deployment the history scan knows). */
static int link_named(struct ctx *c, struct store *st, const char *v, struct incident_rec *inc)
{
	int64_t id;
	struct deploy_rec d = {0};
	int rc = 0;
	if (parse_id(v, &id) && (rc = store_deploy_get(st, id, &d)) == 1) {
		/* an id of a recorded deployment */
	} else if (rc < 0) {
		sd_error("%s", store_errmsg(st));
		return -1;
	} else {
		char commit[41], err[512];
		if (!c->repo_path || gitscan_resolve(c->repo_path, v, commit, err, sizeof err) != 0) {
			char *shown = text_clean(v, TEXT_ONE_LINE);
			sd_error("--deploy %s: neither a recorded deployment id nor a commit of the repository",
				 shown);
			free(shown);
			return -1;
		}
		rc = store_deploy_find(st, commit, "production", &d);
		if (rc < 0) {
			sd_error("%s", store_errmsg(st));
			return -1;
		}
		if (rc == 0) {
			inc->deploy_ref = xstrdup(commit);
			return 0;
		}
	}
	if (strcmp(d.env, "production") != 0) {
		sd_error("deployment %lld went to %s: incidents are linked to production deployments",
			 (long long)d.id, d.env);
		deploy_rec_free(&d);
		return -1;
	}
	inc->deployment_id = d.id;
	deploy_rec_free(&d);
	return 0;
}

/* Spec §3: an incident that names no deployment belongs to the latest
 * production deployment before its start. */
static int link_auto(struct store *st, struct incident_rec *inc)
{
	struct deploy_rec *d;
	size_t n;
	if (store_deploys_list(st, "production", &d, &n) != 0) {
		sd_error("%s", store_errmsg(st));
		return -1;
	}
	int k = deploylog_link_incident(d, n, inc->started);
	if (k >= 0) {
		inc->deployment_id = d[k].id;
		inc->linked_auto = true;
	}
	deploy_recs_free(d, n);
	return 0;
}

static void print_link(struct store *st, const struct incident_rec *inc)
{
	if (inc->deployment_id > 0) {
		struct deploy_rec d = {0};
		if (store_deploy_get(st, inc->deployment_id, &d) != 1)
			return;
		printf("linked %sto deployment %lld (", inc->linked_auto ? "automatically " : "",
		       (long long)d.id);
		print_clean("", d.ref, ")\n");
		deploy_rec_free(&d);
	} else if (inc->deploy_ref) {
		printf("linked to commit %.7s (not a recorded deployment)\n", inc->deploy_ref);
	} else {
		char t[24];
		printf("not linked: no production deployment recorded at or before %s\n",
		       time_format_iso(inc->started, t));
	}
}

static int incident_open(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	if (a->npos != 1 || !*pos[0])
		return cmd_usage_error(a, "incident open needs a TITLE");
	if (!check_choice("severity", cmd_arg(a, "severity"), deploylog_severity_ok,
			  "sev1, sev2, sev3 or sev4"))
		return EXIT_USAGE;
	struct incident_rec inc = {
		.title = xstrdup(pos[0]),
		.severity = xstrdup(cmd_arg(a, "severity") ? cmd_arg(a, "severity") : "sev2"),
		.note = xstrdup_or_null(cmd_arg(a, "note")),
		.started = c->now, .detected = SD_NO_TIME, .paged = SD_NO_TIME,
		.root_cause = SD_NO_TIME, .decided = SD_NO_TIME, .restored = SD_NO_TIME,
	};
	struct store *st = NULL;
	if (opt_time(c, a, "at", &inc.started) != 0 || !(st = begin_write(c))) {
		incident_rec_free(&inc);
		return EXIT_USAGE;
	}
	const char *named = cmd_arg(a, "deploy");
	int rc = named ? link_named(c, st, named, &inc) : link_auto(st, &inc);
	bool printed = rc != 0;
	if (rc == 0)
		rc = store_incident_insert(st, &inc);
	int ret = finish_write(st, rc, printed);
	if (ret == EXIT_OK) {
		if (cmd_arg(a, "json")) {
			struct strbuf out = STRBUF_INIT;
			sb_addf(&out, "{\"schema\": \"" SCHEMA_INCIDENT_OPEN "\", \"id\": %lld, \"deployment_id\": ",
				(long long)inc.id);
			if (inc.deployment_id > 0)
				sb_addf(&out, "%lld", (long long)inc.deployment_id);
			else
				sb_add(&out, "null");
			json_str(&out, "deploy_ref", inc.deploy_ref);
			sb_addf(&out, ", \"linked_auto\": %s}\n", inc.linked_auto ? "true" : "false");
			fputs(sb_str(&out), stdout);
			sb_free(&out);
		} else {
			printf("opened incident %lld: ", (long long)inc.id);
			print_clean("", inc.title, "\n");
			if (cmd_arg(a, "at"))
				timearg_print(c, "started", inc.started);
			print_link(st, &inc);
		}
	}
	incident_rec_free(&inc);
	return ret;
}

static int load_incident(struct store *st, const char *arg, struct incident_rec *inc)
{
	int64_t id;
	if (record_id_arg(arg, "an incident", "incident list", &id) != 0)
		return -1;
	return record_found(st, store_incident_get(st, id, inc), "incident", id, "incident list");
}

/* --root-cause took a time before it took words: an old script's time is
 * refused rather than kept as the cause. */
static bool looks_like_time(const char *v)
{
	int64_t t;
	return v && (strcmp(v, "now") == 0 || time_parse_iso(v, &t));
}

/* Reads the timeline flags of `incident update` into inc; -1 after an error. */
static int apply_update_flags(struct ctx *c, const struct cmd_args *a, struct incident_rec *inc)
{
	static const struct {
		const char *flag;
		size_t off;
	} times[] = {
		{"started-at", offsetof(struct incident_rec, started)},
		{"detected-at", offsetof(struct incident_rec, detected)},
		{"paged-at", offsetof(struct incident_rec, paged)},
		{"root-cause-at", offsetof(struct incident_rec, root_cause)},
		{"restored-at", offsetof(struct incident_rec, restored)},
	};
	for (size_t k = 0; k < ARRAY_SIZE(times); k++)
		if (opt_time(c, a, times[k].flag, (int64_t *)((char *)inc + times[k].off)) != 0)
			return -1;
	const char *decision = cmd_arg(a, "decision");
	if (decision) {
		/* The decision's time is when it is recorded, or --decided-at when typed up later. */
		int64_t at = c->now;
		if (opt_time(c, a, "decided-at", &at) != 0)
			return -1;
		replace(&inc->decision, decision);
		inc->decided = at;
	}
	replace(&inc->title, cmd_arg(a, "title"));
	replace(&inc->severity, cmd_arg(a, "severity"));
	replace(&inc->note, cmd_arg(a, "note"));
	replace(&inc->cause, cmd_arg(a, "root-cause"));
	return 0;
}

static void print_durations(const struct incident_rec *inc)
{
	struct incident_durations du;
	char b1[32], b2[32], b3[32];
	deploylog_durations(inc, &du);
	printf("time to detect %s, to decide %s, outage %s\n",
	       deploylog_format_duration(du.detect, b1, sizeof b1),
	       deploylog_format_duration(du.decide, b2, sizeof b2),
	       deploylog_format_duration(du.outage, b3, sizeof b3));
}

static int incident_update(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	bool any = false;
	for (struct cmd_flag *f = a->flags; f->name; f++)
		any = any || (f->value && strcmp(f->name, "allow-future") != 0 &&
			      strcmp(f->name, "decided-at") != 0);
	if (a->npos != 1 || !any)
		return cmd_usage_error(a, "%s", a->npos != 1 ? "incident update needs an ID"
							       : "incident update needs something to change");
	if (cmd_arg(a, "decided-at") && !cmd_arg(a, "decision"))
		return cmd_usage_error(a, "--decided-at is the time of the decision: give it with --decision");
	if (!check_choice("decision", cmd_arg(a, "decision"), deploylog_decision_ok,
			  "rollback or fix-forward") ||
	    !check_choice("severity", cmd_arg(a, "severity"), deploylog_severity_ok,
			  "sev1, sev2, sev3 or sev4"))
		return EXIT_USAGE;
	const char *title = cmd_arg(a, "title");
	if (title && !*title)
		return cmd_usage_error(a, "--title cannot be empty");
	if (looks_like_time(cmd_arg(a, "root-cause")))
		return cmd_usage_error(a, "--root-cause takes the cause in words; the time it was found "
					  "is --root-cause-at");
	struct store *st = begin_write(c);
	if (!st)
		return EXIT_USAGE;
	struct incident_rec inc = {0};
	int rc = load_incident(st, pos[0], &inc);
	if (rc == 0)
		rc = apply_update_flags(c, a, &inc);
	if (rc == 0 && inc.linked_auto && cmd_arg(a, "started-at")) {
		/* A link chosen by time follows a corrected start time. */
		inc.deployment_id = 0;
		inc.linked_auto = false;
		rc = link_auto(st, &inc);
	}
	char why[240];
	if (rc == 0 && deploylog_timeline_check(&inc, why, sizeof why)) {
		sd_error("incident %lld not updated: %s", (long long)inc.id, why);
		rc = -1;
	}
	bool printed = rc != 0;
	if (rc == 0)
		rc = store_incident_update(st, &inc);
	int ret = finish_write(st, rc, printed);
	if (ret == EXIT_OK) {
		printf("updated incident %lld (%s)\n", (long long)inc.id,
		       inc.restored == SD_NO_TIME ? "open" : "restored");
		if (inc.linked_auto && cmd_arg(a, "started-at"))
			print_link(st, &inc);
		print_durations(&inc);
	}
	incident_rec_free(&inc);
	return ret;
}

/* "08:56" when on the day the incident started, else "2026-11-28 08:56". */
static void add_step(struct strbuf *out, const char *label, int64_t t, int64_t started)
{
	char buf[24];
	if (t == SD_NO_TIME)
		return;
	time_format_short(t, buf);
	bool same_day = time_day(t) == time_day(started);
	sb_addf(out, ", %s %s", label, same_day ? buf + 11 : buf);
}

static void incident_text(struct strbuf *out, const struct incident_rec *inc,
			  const struct deploy_rec *d, size_t nd, int64_t now)
{
	char t[24], age[32];
	bool open = present_incident_state(inc, now) == INCIDENT_OPEN;
	if (open)
		sb_addf(out, "#%lld  %s  open for %s  ", (long long)inc->id, inc->severity,
			deploylog_format_duration(now - inc->started, age, sizeof age));
	else
		sb_addf(out, "#%lld  %s  restored %s  ", (long long)inc->id, inc->severity,
			time_age(now, inc->restored, age));
	sb_add_clean(out, inc->title);
	sb_addc(out, '\n');
	if (inc->source) {
		/* imported: which tool, its id and service (docs/metrics.md §1b) */
		sb_addf(out, "    from %s ", present_incident_source(inc));
		sb_add_clean(out, inc->source_id);
		if (inc->origin) {
			sb_add(out, ", ");
			sb_add_clean(out, inc->origin);
		}
		if (inc->url) {
			sb_add(out, ", ");
			sb_add_clean(out, inc->url);
		}
		sb_addc(out, '\n');
	}
	if (inc->deployment_id > 0) {
		sb_addf(out, "    deployment %lld", (long long)inc->deployment_id);
		for (size_t k = 0; k < nd; k++)
			if (d[k].id == inc->deployment_id) {
				sb_add(out, " ");
				sb_add_clean(out, d[k].ref);
			}
		sb_add(out, inc->linked_auto ? " (linked automatically)\n" : "\n");
	} else if (inc->deploy_ref) {
		sb_addf(out, "    commit %.7s\n", inc->deploy_ref);
	}
	sb_addf(out, "    timeline: started %s", time_format_short(inc->started, t));
	add_step(out, "detected", inc->detected, inc->started);
	add_step(out, "paged", inc->paged, inc->started);
	add_step(out, "root cause", inc->root_cause, inc->started);
	if (inc->decision) {
		char *label = xasprintf("decided %s", inc->decision);
		add_step(out, label, inc->decided, inc->started);
		free(label);
	}
	add_step(out, "restored", inc->restored, inc->started);
	struct incident_durations du;
	char b1[32], b2[32], b3[32];
	deploylog_durations(inc, &du);
	sb_addf(out, "\n    time to detect %s, to decide %s, outage %s\n",
		deploylog_format_duration(du.detect, b1, sizeof b1),
		deploylog_format_duration(du.decide, b2, sizeof b2),
		deploylog_format_duration(du.outage, b3, sizeof b3));
	if (inc->cause) {
		sb_add(out, "    root cause: ");
		sb_add_clean(out, inc->cause);
		sb_addc(out, '\n');
	}
	if (inc->note) {
		sb_add(out, "    note: ");
		sb_add_clean(out, inc->note);
		sb_addc(out, '\n');
	}
}

static void incident_json(struct strbuf *out, const struct incident_rec *inc, int64_t now)
{
	struct incident_durations du;
	deploylog_durations(inc, &du);
	enum incident_state state = present_incident_state(inc, now);
	sb_addf(out, "{\"id\": %lld", (long long)inc->id);
	json_str(out, "title", inc->title);
	json_str(out, "severity", inc->severity);
	json_str(out, "state", present_incident_word(state));
	json_field_bool(out, "open", state == INCIDENT_OPEN);
	if (inc->deployment_id > 0)
		sb_addf(out, ", \"deployment_id\": %lld", (long long)inc->deployment_id);
	else
		sb_add(out, ", \"deployment_id\": null");
	json_str(out, "deploy_ref", inc->deploy_ref);
	sb_addf(out, ", \"linked_auto\": %s", inc->linked_auto ? "true" : "false");
	json_time(out, "started_at", inc->started);
	json_time(out, "detected_at", inc->detected);
	json_time(out, "paged_at", inc->paged);
	json_time(out, "root_cause_at", inc->root_cause);
	json_str(out, "root_cause", inc->cause);
	json_str(out, "decision", inc->decision);
	json_time(out, "decided_at", inc->decided);
	json_time(out, "restored_at", inc->restored);
	json_secs(out, "time_to_detect_seconds", du.detect);
	json_secs(out, "time_to_decide_seconds", du.decide);
	json_secs(out, "outage_seconds", du.outage);
	json_str(out, "note", inc->note);
	json_str(out, "source", present_incident_source(inc));
	json_str(out, "source_id", inc->source_id);
	json_str(out, "origin", inc->origin);
	json_str(out, "url", inc->url);
	sb_add(out, "}");
}

static int incident_list(struct ctx *c, struct cmd_args *a)
{
	struct store *st = ctx_store(c);
	if (!st)
		return EXIT_USAGE;
	struct incident_rec *inc = NULL;
	struct deploy_rec *d = NULL;
	size_t n = 0, nd = 0;
	if (store_incidents_list(st, &inc, &n) != 0 || store_deploys_list(st, NULL, &d, &nd) != 0 ||
	    model_narrow_incidents(c, st, inc, &n) != 0) {
		sd_error("%s", store_errmsg(st));
		incident_recs_free(inc, n);
		return EXIT_USAGE;
	}
	bool only_open = cmd_arg(a, "open") != NULL, json = cmd_arg(a, "json") != NULL;
	struct strbuf out = STRBUF_INIT;
	size_t shown = 0;
	sb_add(&out, json ? "{\"schema\": \"" SCHEMA_INCIDENT_LIST "\", \"incidents\": [" : "");
	for (size_t i = 0; i < n; i++) {
		/* An incident "started" after now does not exist yet, and one
		 * restored after now is still open (docs/metrics.md §1). */
		enum incident_state state = present_incident_state(&inc[i], c->now);
		if (state == INCIDENT_NOT_STARTED || (only_open && state != INCIDENT_OPEN))
			continue;
		if (json) {
			sb_add(&out, shown ? ",\n  " : "\n  ");
			incident_json(&out, &inc[i], c->now);
		} else {
			incident_text(&out, &inc[i], d, nd, c->now);
		}
		shown++;
	}
	if (json)
		sb_add(&out, shown ? "\n]}\n" : "]}\n");
	else if (!shown)
		sb_add(&out, only_open ? "no open incidents\n" : "no incidents recorded\n");
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	incident_recs_free(inc, n);
	deploy_recs_free(d, nd);
	return EXIT_OK;
}

/* ---- review -------------------------------------------------------------------- */

struct pending_answer {
	int question;
	const char *text;
};

/* Reads every --answer N=TEXT (or --answer=N=TEXT) from argv, since the
 * parser keeps only the last value of a repeated flag. -1 after printing
 * a usage error. */
static int take_answers(const struct cmd_args *a, int nq, struct pending_answer **ans, size_t *na)
{
	size_t cap = 0;
	int argc = a->argc;
	char **argv = a->argv;
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--answer") == 0) {
			v = argv[++i]; /* the parser made sure there is one */
		} else if (str_starts(argv[i], "--answer=")) {
			v = argv[i] + strlen("--answer=");
		} else {
			continue;
		}
		const char *eq = strchr(v, '=');
		long long q = 0;
		char *num = eq ? xstrndup(v, (size_t)(eq - v)) : NULL;
		bool ok = num && parse_long(num, 1, nq, &q) && eq[1];
		free(num);
		if (!ok) {
			char *shown = text_clean(v, TEXT_ONE_LINE);
			sd_error("--answer %s: give N=TEXT with N from 1 to %d and a non-empty TEXT", shown, nq);
			free(shown);
			return -1;
		}
		struct pending_answer one = {(int)q, eq + 1};
		VEC_PUSH(*ans, *na, cap, one);
	}
	return 0;
}

/* Asks each question on the terminal (or reads one line per question from
 * a pipe); an empty line keeps the current answer. Returns the lines read. */
static size_t ask_questions(const struct checklist *cl, const struct review_answer *have, size_t nhave,
			    char ***lines)
{
	bool tty = isatty(STDIN_FILENO);
	char *line = NULL;
	size_t cap = 0;
	*lines = xcalloc(cl->n ? cl->n : 1, sizeof(char *));
	size_t got = 0;
	for (size_t q = 0; q < cl->n; q++) {
		if (tty) {
			if (q == 0)
				print_clean("", cl->title, "\n");
			printf("%zu/%zu ", q + 1, cl->n);
			print_clean("", cl->items[q].text, "\n");
			for (size_t k = 0; k < nhave; k++)
				if (have[k].question == (int)q + 1)
					print_clean("    (now: ", have[k].answer, "; Enter keeps it)\n");
			printf("> ");
			fflush(stdout);
		}
		ssize_t len = getline(&line, &cap, stdin);
		if (len < 0)
			break;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		(*lines)[q] = len > 0 ? xstrdup(line) : NULL;
		got++;
	}
	free(line);
	return got;
}

/* Checks that the subject exists and may be reviewed; prints the error. */
static int check_subject(struct store *st, bool incident, int64_t id)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)id);
	if (incident) {
		struct incident_rec inc = {0};
		int rc = load_incident(st, buf, &inc);
		incident_rec_free(&inc);
		return rc;
	}
	struct deploy_rec d = {0};
	if (load_deploy(st, buf, &d) != 0)
		return -1;
	int rc = 0;
	if (strcmp(d.env, "production") != 0) {
		sd_error("deployment %lld went to %s: post-deployment reviews are for production",
			 (long long)d.id, d.env);
		rc = -1;
	}
	deploy_rec_free(&d);
	return rc;
}

static int review_record(struct ctx *c, struct cmd_args *a, bool incident)
{
	struct checklists cls = {0};
	if (!cmd_checklists_setup(c, &cls))
		return EXIT_USAGE;
	const struct checklist *cl = checklist_of(&cls, incident ? CHECKLIST_POST_INCIDENT_REVIEW
								 : CHECKLIST_POST_DEPLOY_REVIEW);
	struct pending_answer *ans = NULL;
	size_t na = 0;
	char **lines = NULL;
	size_t nlines = 0;
	int ret = EXIT_USAGE;
	int64_t id = 0;
	struct store *st = NULL;
	struct review_answer *have = NULL;
	size_t nhave = 0;
	if (take_answers(a, (int)cl->n, &ans, &na) != 0)
		goto out;
	if (a->npos != 1 || !parse_id(a->pos[0], &id)) {
		cmd_usage_error(a, "review needs the ID of the deployment or incident");
		goto out;
	}
	if (!(st = begin_write(c)))
		goto out;
	const char *subject = incident ? "incident" : "deploy";
	int rc = check_subject(st, incident, id);
	bool printed = rc != 0;
	if (rc == 0 && na == 0) {
		if (store_reviews_list(st, subject, id, &have, &nhave) != 0) {
			rc = -1;
			printed = false;
		} else if ((nlines = ask_questions(cl, have, nhave, &lines)) == 0) {
			sd_error("no answers: give --answer N=TEXT, or run on a terminal to be asked");
			rc = -1;
			printed = true;
		}
	}
	int written = 0;
	for (size_t i = 0; rc == 0 && i < na + nlines; i++) {
		struct review_answer ra = {(char *)subject, id, 0, NULL, (char *)ctx_user(c), c->now};
		if (i < na) {
			ra.question = ans[i].question;
			ra.answer = (char *)ans[i].text;
		} else {
			ra.question = (int)(i - na) + 1;
			ra.answer = lines[i - na];
		}
		if (!ra.answer)
			continue;
		rc = store_review_set(st, &ra);
		written++;
		printed = false;
	}
	ret = finish_write(st, rc, printed);
	if (ret == EXIT_OK) {
		review_answers_free(have, nhave);
		have = NULL;
		nhave = 0;
		int done = 0;
		if (store_reviews_list(st, subject, id, &have, &nhave) == 0)
			for (size_t k = 0; k < nhave; k++)
				done += have[k].question >= 1 && (size_t)have[k].question <= cl->n;
		printf("review of %s %lld: %d answer(s) recorded, %d/%zu answered%s\n",
		       incident ? "incident" : "deployment", (long long)id, written, done, cl->n,
		       (size_t)done >= cl->n ? " (done)" : "");
	}
out:
	for (size_t i = 0; lines && i < cl->n; i++)
		free(lines[i]);
	free(lines);
	review_answers_free(have, nhave);
	free(ans);
	checklists_free(&cls);
	return ret;
}

static void review_subject_text(struct strbuf *out, const struct review_due *r,
				const struct deploy_rec *d, const struct incident_rec *inc)
{
	char sc[8];
	if (r->incident) {
		sb_addf(out, "incident %lld (%s): ", (long long)r->subject_id, inc[r->index].severity);
		sb_add_clean(out, inc[r->index].title);
	} else {
		short_commit(d[r->index].commit, sc);
		sb_addf(out, "deployment %lld: ", (long long)r->subject_id);
		sb_add_clean(out, d[r->index].ref);
		sb_addf(out, " (%s)", sc);
	}
}

static void review_json(struct strbuf *out, const struct review_due *r, const struct deploy_rec *d,
			const struct incident_rec *inc)
{
	sb_addf(out, "{\"subject\": \"%s\", \"id\": %lld, \"state\": \"%s\"",
		r->incident ? "incident" : "deploy", (long long)r->subject_id,
		deploylog_review_state_name(r->state));
	json_str(out, r->incident ? "title" : "ref",
		 r->incident ? inc[r->index].title : d[r->index].ref);
	json_time(out, "due_at", r->due);
	json_time(out, "overdue_after", r->overdue);
	sb_addf(out, ", \"answered\": %d, \"questions\": %d}", r->answered, r->questions);
}

static void review_row(struct strbuf *out, const struct review_due *r, const struct deploy_rec *d,
		       const struct incident_rec *inc, int64_t now)
{
	char t[24], when[24];
	static const char *const label[] = {[REVIEW_UPCOMING] = "upcoming", [REVIEW_DUE] = "DUE",
					    [REVIEW_OVERDUE] = "OVERDUE", [REVIEW_DONE] = "done"};
	sb_addf(out, "%-8s  ", label[r->state]);
	review_subject_text(out, r, d, inc);
	if (r->state == REVIEW_UPCOMING) {
		char in[32];
		sb_addf(out, "\n          due %s (in %s)", time_format_short(r->due, t),
			deploylog_format_duration(r->due - now, in, sizeof in));
	} else if (r->state == REVIEW_DUE) {
		sb_addf(out, "\n          due since %s, overdue after %s", time_format_short(r->due, t),
			time_format_short(r->overdue, when));
	} else {
		sb_addf(out, "\n          due %s (%s)", time_format_short(r->due, t), time_age(now, r->due, when));
	}
	sb_addf(out, ", %d/%d answered\n", r->answered, r->questions);
}

static int review_list(struct ctx *c, struct cmd_args *a)
{
	struct checklists cls = {0};
	if (!cmd_checklists_setup(c, &cls))
		return EXIT_USAGE;
	int dq = (int)checklist_of(&cls, CHECKLIST_POST_DEPLOY_REVIEW)->n;
	int iq = (int)checklist_of(&cls, CHECKLIST_POST_INCIDENT_REVIEW)->n;
	checklists_free(&cls);
	struct store *st = ctx_store(c);
	if (!st)
		return EXIT_USAGE;
	struct deploy_rec *d = NULL;
	struct incident_rec *inc = NULL;
	struct review_answer *answers = NULL;
	size_t nd = 0, ni = 0, na = 0;
	int ret = EXIT_OK;
	if (store_deploys_list(st, "production", &d, &nd) != 0 || store_incidents_list(st, &inc, &ni) != 0 ||
	    store_reviews_list(st, NULL, 0, &answers, &na) != 0 || model_narrow_deploys(c, st, d, &nd) != 0 ||
	    model_narrow_incidents(c, st, inc, &ni) != 0) {
		sd_error("%s", store_errmsg(st));
		ret = EXIT_USAGE;
		goto out;
	}
	struct review_due *r;
	size_t nr;
	deploylog_reviews(d, nd, inc, ni, answers, na, dq, iq, c->now, &r, &nr);
	bool all = cmd_arg(a, "all") != NULL, json = cmd_arg(a, "json") != NULL;
	struct strbuf out = STRBUF_INIT;
	size_t shown = 0;
	sb_add(&out, json ? "{\"schema\": \"" SCHEMA_REVIEW_LIST "\", \"reviews\": [" : "");
	for (size_t i = 0; i < nr; i++) {
		if (r[i].state == REVIEW_DONE && !all)
			continue;
		if (json) {
			sb_add(&out, shown ? ",\n  " : "\n  ");
			review_json(&out, &r[i], d, inc);
		} else {
			review_row(&out, &r[i], d, inc, c->now);
		}
		shown++;
	}
	if (json)
		sb_add(&out, shown ? "\n]}\n" : "]}\n");
	else if (!shown)
		sb_add(&out, "no reviews due\n");
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	free(r);
out:
	deploy_recs_free(d, nd);
	incident_recs_free(inc, ni);
	review_answers_free(answers, na);
	return ret;
}

static int review_deploy(struct ctx *c, struct cmd_args *a)
{
	return review_record(c, a, false);
}

static int review_incident(struct ctx *c, struct cmd_args *a)
{
	return review_record(c, a, true);
}

/* ---- show, rm, close: a record's life cycle --------------------------------------- */

/* Where an imported deployment came from (docs/metrics.md §1b). */
static void deploy_source_text(struct strbuf *out, const struct deploy_rec *d)
{
	sb_addf(out, "source      %s", present_deploy_source(d));
	if (d->source_id) {
		sb_add(out, " ");
		sb_add_clean(out, d->source_id);
	}
	if (d->origin) {
		sb_add(out, " in ");
		sb_add_clean(out, d->origin);
	}
	if (d->source_env && !streq(d->source_env, d->env)) {
		sb_add(out, " (environment ");
		sb_add_clean(out, d->source_env);
		sb_add(out, ")");
	}
	sb_addc(out, '\n');
	if (d->url) {
		sb_add(out, "url         ");
		sb_add_clean(out, d->url);
		sb_addc(out, '\n');
	}
}

/* The store and the deployment named by a command's one ID argument (`deploy
 * show ID`, `deploy rm ID`); NULL after printing why. */
static struct store *deploy_of_arg(struct ctx *c, struct cmd_args *a, const char *cmd, struct deploy_rec *d)
{
	if (a->npos != 1) {
		cmd_usage_error(a, "%s needs an ID", cmd);
		return NULL;
	}
	struct store *st = ctx_store(c);
	return st && load_deploy(st, a->pos[0], d) == 0 ? st : NULL;
}

static int deploy_show(struct ctx *c, struct cmd_args *a)
{
	struct deploy_rec d = {0};
	struct rollout_stage *stg = NULL;
	size_t n = 0;
	struct store *st = deploy_of_arg(c, a, "deploy show", &d);
	if (!st)
		return EXIT_USAGE;
	if (store_stages_list(st, d.id, &stg, &n) != 0) {
		sd_error("%s", store_errmsg(st));
		deploy_rec_free(&d);
		return EXIT_USAGE;
	}
	/* the state is the model's, as in `deploy list` and the snapshot */
	struct dash dash;
	if (cmd_model_build(c, &dash) != 0) {
		model_free(&dash);
		free(stg);
		deploy_rec_free(&d);
		return EXIT_USAGE;
	}
	struct deploy_verdict v;
	present_record_verdict(&dash, &d, &v);
	struct strbuf out = STRBUF_INIT;
	if (cmd_arg(a, "json")) {
		sb_add(&out, "{\"schema\": \"shipdeck.deploy-show/1\", \"deployment\": ");
		deploy_json(&out, &d, stg, n, &v);
		sb_add(&out, "}\n");
	} else {
		char t[24], bar[32];
		deploylog_rollout_bar(d.rollout, BAR_CELLS, bar, sizeof bar);
		sb_addf(&out, "deployment  %lld\nref         ", (long long)d.id);
		sb_add_clean(&out, d.ref);
		sb_addf(&out, "\ncommit      %s\nenv         %s\nat          %s\n", d.commit, d.env,
			time_format_iso(d.at, t));
		sb_addf(&out, "strategy    %s\nrollout     %s\nstatus      ", d.strategy ? d.strategy : "-", bar);
		present_deploy_status(&out, &v);
		sb_addf(&out, "\nkind        %s\n", d.kind);
		if (d.feature_id > 0)
			sb_addf(&out, "feature     %lld\n", (long long)d.feature_id);
		for (size_t i = 0; i < n; i++)
			sb_addf(&out, "stage       %3d %% at %s\n", stg[i].pct, time_format_iso(stg[i].at, t));
		if (d.note) {
			sb_add(&out, "note        ");
			sb_add_clean(&out, d.note);
			sb_addc(&out, '\n');
		}
		sb_add(&out, d.source ? "deployed by " : "recorded by ");
		sb_add_clean(&out, d.recorded_by ? d.recorded_by : "-");
		sb_addc(&out, '\n');
		deploy_source_text(&out, &d);
	}
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	model_free(&dash);
	free(stg);
	deploy_rec_free(&d);
	return EXIT_OK;
}

/* After a deployment is removed its incidents keep their story: one linked
 * by time is linked again by time (spec §3: the latest production
 * deployment before its start); one that named it keeps the commit. */
static int relink_incidents(struct store *st, const struct deploy_rec *gone, struct incident_rec *inc,
			    size_t n, struct strbuf *said)
{
	for (size_t i = 0; i < n; i++) {
		if (inc[i].deployment_id != gone->id)
			continue;
		bool by_time = inc[i].linked_auto;
		inc[i].deployment_id = 0;
		inc[i].linked_auto = false;
		if (by_time ? link_auto(st, &inc[i]) != 0 : (replace(&inc[i].deploy_ref, gone->commit), 0))
			return -1;
		if (store_incident_update(st, &inc[i]) != 0)
			return -1;
		sb_addf(said, "incident %lld: ", (long long)inc[i].id);
		if (inc[i].deployment_id > 0)
			sb_addf(said, "linked by time to deployment %lld now\n", (long long)inc[i].deployment_id);
		else if (inc[i].deploy_ref)
			sb_addf(said, "linked to commit %.7s now (no recorded deployment)\n", inc[i].deploy_ref);
		else
			sb_add(said, "not linked to a deployment now\n");
	}
	return 0;
}

static int deploy_rm(struct ctx *c, struct cmd_args *a)
{
	struct deploy_rec d = {0};
	struct store *st = deploy_of_arg(c, a, "deploy rm", &d);
	if (!st)
		return EXIT_USAGE;
	char *ref = text_clean(d.ref, TEXT_ONE_LINE), t[24];
	char *q = xasprintf("remove deployment %lld (%s to %s, %s)", (long long)d.id, ref, d.env,
			    time_format_short(d.at, t));
	free(ref);
	int ret = EXIT_USAGE;
	if (!cmd_confirm(a, q) || !begin_write(c))
		goto out;
	struct incident_rec *inc = NULL;
	size_t n = 0;
	struct strbuf said = STRBUF_INIT;
	int rc = store_incidents_list(st, &inc, &n);
	bool printed = false;
	if (rc == 0 && (rc = store_deploy_delete(st, d.id)) == 0) {
		sd_error("deployment %lld was removed meanwhile", (long long)d.id);
		printed = true;
		rc = -1;
	} else if (rc == 1) {
		rc = relink_incidents(st, &d, inc, n, &said);
	}
	ret = finish_write(st, rc, printed);
	if (ret == EXIT_OK)
		printf("removed deployment %lld\n%s", (long long)d.id, sb_str(&said));
	sb_free(&said);
	incident_recs_free(inc, n);
out:
	free(q);
	deploy_rec_free(&d);
	return ret;
}

/* The store and the incident named by a command's one ID argument
 * (`incident show ID`, `incident rm ID`); NULL after printing why. */
static struct store *incident_of_arg(struct ctx *c, struct cmd_args *a, const char *cmd,
				     struct incident_rec *inc)
{
	if (a->npos != 1) {
		cmd_usage_error(a, "%s needs an ID", cmd);
		return NULL;
	}
	struct store *st = ctx_store(c);
	return st && load_incident(st, a->pos[0], inc) == 0 ? st : NULL;
}

static int incident_show(struct ctx *c, struct cmd_args *a)
{
	struct incident_rec inc = {0};
	struct store *st = incident_of_arg(c, a, "incident show", &inc);
	if (!st)
		return EXIT_USAGE;
	struct deploy_rec d = {0};
	size_t nd = inc.deployment_id > 0 && store_deploy_get(st, inc.deployment_id, &d) == 1;
	struct strbuf out = STRBUF_INIT;
	if (cmd_arg(a, "json")) {
		incident_json(&out, &inc, c->now);
		sb_addc(&out, '\n');
	} else {
		incident_text(&out, &inc, &d, nd, c->now);
	}
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	deploy_rec_free(&d);
	incident_rec_free(&inc);
	return EXIT_OK;
}

static int incident_rm(struct ctx *c, struct cmd_args *a)
{
	struct incident_rec inc = {0};
	struct store *st = incident_of_arg(c, a, "incident rm", &inc);
	if (!st)
		return EXIT_USAGE;
	char *title = text_clean(inc.title, TEXT_ONE_LINE);
	char *q = xasprintf("remove incident %lld (%s: %s)", (long long)inc.id, inc.severity, title);
	free(title);
	int ret = EXIT_USAGE;
	if (cmd_confirm(a, q) && begin_write(c)) {
		int rc = store_incident_delete(st, inc.id);
		if (rc == 0)
			sd_error("incident %lld was removed meanwhile", (long long)inc.id);
		ret = finish_write(st, rc == 1 ? 0 : -1, rc == 0);
		if (ret == EXIT_OK)
			printf("removed incident %lld\n", (long long)inc.id);
	}
	free(q);
	incident_rec_free(&inc);
	return ret;
}

static int incident_close(struct ctx *c, struct cmd_args *a)
{
	if (a->npos != 1)
		return cmd_usage_error(a, "incident close needs an ID");
	int64_t at = c->now;
	if (opt_time(c, a, "at", &at) != 0)
		return EXIT_USAGE;
	struct store *st = begin_write(c);
	if (!st)
		return EXIT_USAGE;
	struct incident_rec inc = {0};
	int rc = load_incident(st, a->pos[0], &inc);
	char why[240], t[24];
	if (rc == 0 && inc.restored != SD_NO_TIME) {
		sd_error("incident %lld is closed already (restored %s); to change the time: "
			 "incident update %lld --restored-at TIME", (long long)inc.id,
			 time_format_iso(inc.restored, t), (long long)inc.id);
		rc = -1;
	}
	if (rc == 0) {
		inc.restored = at;
		if (deploylog_timeline_check(&inc, why, sizeof why)) {
			sd_error("incident %lld not closed: %s", (long long)inc.id, why);
			rc = -1;
		}
	}
	bool printed = rc != 0;
	if (rc == 0)
		rc = store_incident_update(st, &inc);
	int ret = finish_write(st, rc, printed);
	if (ret == EXIT_OK) {
		if (cmd_arg(a, "json")) {
			struct strbuf out = STRBUF_INIT;
			incident_json(&out, &inc, c->now);
			printf("%s\n", sb_str(&out));
			sb_free(&out);
		} else {
			printf("closed incident %lld (restored %s)\n", (long long)inc.id,
			       time_format_iso(inc.restored, t));
			print_durations(&inc);
		}
	}
	incident_rec_free(&inc);
	return ret;
}

/* `review show deploy|incident ID`: every question with its answer. */
static int review_show(struct ctx *c, struct cmd_args *a)
{
	int64_t id;
	bool incident = a->npos == 2 && strcmp(a->pos[0], "incident") == 0;
	if (a->npos != 2 || (!incident && strcmp(a->pos[0], "deploy") != 0) || !parse_id(a->pos[1], &id))
		return cmd_usage_error(a, "review show needs deploy ID or incident ID");
	struct checklists cls = {0};
	if (!cmd_checklists_setup(c, &cls))
		return EXIT_USAGE;
	const struct checklist *cl = checklist_of(&cls, incident ? CHECKLIST_POST_INCIDENT_REVIEW
								 : CHECKLIST_POST_DEPLOY_REVIEW);
	struct store *st = ctx_store(c);
	struct review_answer *have = NULL;
	size_t nhave = 0;
	int ret = EXIT_USAGE;
	if (!st || check_subject(st, incident, id) != 0)
		goto out;
	if (store_reviews_list(st, a->pos[0], id, &have, &nhave) != 0) {
		sd_error("%s", store_errmsg(st));
		goto out;
	}
	bool json = cmd_arg(a, "json") != NULL;
	struct strbuf out = STRBUF_INIT;
	int answered = 0;
	if (json)
		sb_addf(&out, "{\"subject\": \"%s\", \"id\": %lld, \"questions\": [", a->pos[0], (long long)id);
	else
		sb_addf(&out, "review of %s %lld\n", incident ? "incident" : "deployment", (long long)id);
	for (size_t q = 0; q < cl->n; q++) {
		const struct review_answer *ans = NULL;
		for (size_t k = 0; k < nhave; k++)
			if (have[k].question == (int)q + 1)
				ans = &have[k];
		answered += ans != NULL;
		if (json) {
			sb_addf(&out, "%s{\"n\": %zu", q ? ", " : "", q + 1);
			json_str(&out, "question", cl->items[q].text);
			json_str(&out, "answer", ans ? ans->answer : NULL);
			json_str(&out, "by", ans ? ans->by : NULL);
			json_time(&out, "at", ans ? ans->at : SD_NO_TIME);
			sb_add(&out, "}");
			continue;
		}
		sb_addf(&out, "%zu/%zu ", q + 1, cl->n);
		sb_add_clean(&out, cl->items[q].text);
		sb_add(&out, "\n    ");
		sb_add_clean(&out, ans ? ans->answer : "(not answered)");
		if (ans) {
			char t[24];
			sb_add(&out, "  (");
			sb_add_clean(&out, ans->by ? ans->by : "?");
			sb_addf(&out, ", %s)", time_format_short(ans->at, t));
		}
		sb_addc(&out, '\n');
	}
	if (json)
		sb_addf(&out, "], \"answered\": %d, \"questions_count\": %zu}\n", answered, cl->n);
	else
		sb_addf(&out, "%d/%zu answered\n", answered, cl->n);
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	ret = EXIT_OK;
out:
	review_answers_free(have, nhave);
	checklists_free(&cls);
	return ret;
}

/* ---- the command table ------------------------------------------------------- */

#define STATUSES "in-progress|succeeded|failed|rolled-back"
#define STRATEGIES "big-bang|rolling|canary|blue-green"
#define SEVERITIES "sev1|sev2|sev3|sev4"
#define END_OPTS {NULL, NULL, NULL, 0, NULL}
#define ALLOW_FUTURE {"allow-future", NULL, "accept a time after now", 0, NULL}

static const struct cmd_entry deploy_record_entry = {
	.name = "record", .args = "REF", .maxpos = 1, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"env", "production|staging", "where it went", CMD_OPT_REQUIRED, NULL},
		{"strategy", STRATEGIES, "how it went out", 0, NULL},
		{"rollout", "PCT", "the share of traffic reached (default 100)", 0, NULL},
		{"status", STATUSES, "how it went (default: from the rollout)", 0, NULL},
		{"kind", "normal|hotfix", "a hotfix counts as rework", 0, NULL},
		{"feature", "ID", "the feature it shipped (number or key)", 0, NULL},
		{"at", "TIME", "when (default: now)", 0, NULL},
		{"note", "TEXT", "a note", 0, NULL},
		ALLOW_FUTURE, END_OPTS},
	.help = "record a deployment of REF (a tag, branch or commit); again for the same commit updates it",
	.run = deploy_record,
};
static const struct cmd_entry deploy_advance_entry = {
	.name = "advance", .args = "ID", .maxpos = 1, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"rollout", "PCT", "the share of traffic reached now", CMD_OPT_REQUIRED, NULL},
		{"at", "TIME", "when (default: now)", 0, NULL},
		ALLOW_FUTURE, END_OPTS},
	.help = "record the next rollout stage (a canary's 5, 25, 50, 100 %)", .run = deploy_advance,
};
static const struct cmd_entry deploy_set_entry = {
	.name = "set", .args = "ID", .maxpos = 1,
	.opts = (const struct cmd_opt[]){
		{"status", STATUSES, "failed and rolled-back count as failed deployments", 0, NULL},
		{"kind", "normal|hotfix", "a hotfix counts as rework", 0, NULL},
		{"strategy", STRATEGIES, "how it went out", 0, NULL},
		{"note", "TEXT", "a note", 0, NULL},
		END_OPTS},
	.help = "change a deployment's status, kind, strategy or note", .run = deploy_set,
};
#define YES {"yes", NULL, "do not ask (needed when not on a terminal)", 0, NULL}

static const struct cmd_entry deploy_show_entry = {
	.name = "show", .args = "ID", .maxpos = 1, .formats = "text|json",
	.help = "show one deployment with its rollout stages", .run = deploy_show,
};
static const struct cmd_entry deploy_rm_entry = {
	.name = "rm", .args = "ID", .maxpos = 1,
	.opts = (const struct cmd_opt[]){YES, END_OPTS},
	.help = "remove a deployment recorded by mistake (its incidents are linked again)", .run = deploy_rm,
};
static const struct cmd_entry deploy_list_entry = {
	.name = "list", .maxpos = 0, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"env", "production|staging", "only this environment", 0, NULL},
		END_OPTS},
	.help = "list deployments, newest first, with the rollout as a bar", .run = deploy_list,
};

const struct cmd_entry cmd_deploy_entry = {
	.name = "deploy",
	.help = "record how releases went out: environment, strategy, rollout stages, status",
	.subs = (const struct cmd_entry *const[]){&deploy_record_entry, &deploy_advance_entry,
						   &deploy_set_entry, &deploy_list_entry,
						   &deploy_show_entry, &deploy_rm_entry,
						   &cmd_deploy_import_entry, NULL},
};

static const struct cmd_entry incident_open_entry = {
	.name = "open", .args = "TITLE", .maxpos = 1, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"severity", SEVERITIES, "how bad (default sev2)", 0, NULL},
		{"deploy", "ID|REF", "the deployment that caused it (default: the latest before it)", 0, NULL},
		{"at", "TIME", "when it started (default: now)", 0, NULL},
		{"note", "TEXT", "a note", 0, NULL},
		ALLOW_FUTURE, END_OPTS},
	.help = "open an incident, linked to the deployment that caused it", .run = incident_open,
};
static const struct cmd_entry incident_update_entry = {
	.name = "update", .args = "ID", .maxpos = 1,
	.opts = (const struct cmd_opt[]){
		{"detected-at", "TIME", "when it was noticed", 0, NULL},
		{"paged-at", "TIME", "when someone was paged", 0, NULL},
		{"root-cause", "TEXT", "the root cause in words (empty: none)", 0, NULL},
		{"root-cause-at", "TIME", "when the cause was found", 0, NULL},
		{"decision", "rollback|fix-forward", "what was decided", 0, NULL},
		{"decided-at", "TIME", "when it was decided (with --decision; default: now)", 0, NULL},
		{"restored-at", "TIME", "when service was restored", 0, NULL},
		{"started-at", "TIME", "a corrected start time", 0, NULL},
		{"severity", SEVERITIES, "a new severity", 0, NULL},
		{"title", "TEXT", "a new title", 0, NULL},
		{"note", "TEXT", "a note (empty: none)", 0, NULL},
		ALLOW_FUTURE,
		{"detected", "TIME", NULL, CMD_OPT_ALIAS, "detected-at"},
		{"paged", "TIME", NULL, CMD_OPT_ALIAS, "paged-at"},
		{"restored", "TIME", NULL, CMD_OPT_ALIAS, "restored-at"},
		{"started", "TIME", NULL, CMD_OPT_ALIAS, "started-at"},
		{"at", "TIME", NULL, CMD_OPT_ALIAS, "decided-at"},
		END_OPTS},
	.help = "fill in an incident's timeline and root cause, decision, severity, title or note",
	.run = incident_update,
};
static const struct cmd_entry incident_close_entry = {
	.name = "close", .args = "ID", .maxpos = 1, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"at", "TIME", "when service was restored (default: now)", 0, NULL},
		ALLOW_FUTURE, END_OPTS},
	.help = "close an incident: service is restored", .run = incident_close,
};
static const struct cmd_entry incident_show_entry = {
	.name = "show", .args = "ID", .maxpos = 1, .formats = "text|json",
	.help = "show one incident with its timeline", .run = incident_show,
};
static const struct cmd_entry incident_rm_entry = {
	.name = "rm", .args = "ID", .maxpos = 1,
	.opts = (const struct cmd_opt[]){YES, END_OPTS},
	.help = "remove an incident recorded by mistake", .run = incident_rm,
};
static const struct cmd_entry incident_list_entry = {
	.name = "list", .maxpos = 0, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"open", NULL, "only open incidents", 0, NULL},
		END_OPTS},
	.help = "list incidents with their timeline, time to detect, to decide and outage",
	.run = incident_list,
};

const struct cmd_entry cmd_incident_entry = {
	.name = "incident",
	.help = "record incidents, their timeline, time to detect, to decide and outage",
	.subs = (const struct cmd_entry *const[]){&incident_open_entry, &incident_update_entry,
						   &incident_close_entry, &incident_list_entry,
						   &incident_show_entry, &incident_rm_entry,
						   &cmd_incident_import_entry, NULL},
};

#define ANSWER {"answer", "N=TEXT", "the answer to question N (default: asked on the terminal)", \
		CMD_OPT_REPEAT, NULL}

static const struct cmd_entry review_deploy_entry = {
	.name = "deploy", .args = "ID", .maxpos = 1,
	.opts = (const struct cmd_opt[]){ANSWER, END_OPTS},
	.help = "answer the post-deployment review of a production deployment", .run = review_deploy,
};
static const struct cmd_entry review_incident_entry = {
	.name = "incident", .args = "ID", .maxpos = 1,
	.opts = (const struct cmd_opt[]){ANSWER, END_OPTS},
	.help = "answer the post-incident review", .run = review_incident,
};
static const struct cmd_entry review_list_entry = {
	.name = "list", .maxpos = 0, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"all", NULL, "done reviews too", 0, NULL},
		END_OPTS},
	.help = "list due and overdue reviews", .run = review_list,
};

static const struct cmd_entry review_show_entry = {
	.name = "show", .args = "deploy|incident ID", .maxpos = 2, .formats = "text|json",
	.help = "show a review's questions and answers", .run = review_show,
};

const struct cmd_entry cmd_review_entry = {
	.name = "review",
	.help = "answer the post-deployment and post-incident reviews; list due and overdue ones",
	.subs = (const struct cmd_entry *const[]){&review_deploy_entry, &review_incident_entry,
						   &review_list_entry, &review_show_entry, NULL},
};
