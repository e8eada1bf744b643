/* model_features — each feature's place on the journey (docs/metrics.md §8), its
 * checklists (§10) and its gate (§9–§10), from the store, the history and
 * the builds. The phase is read from evidence, never typed by hand (unless
 * someone set it with `feature phase`, which is shown as manual). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "datafiles.h"
#include "gitfeature.h"
#include "loaders.h"
#include "model.h"
#include "phase.h"
#include "services.h"
#include "store.h"
#include "store_services.h"
#include "text.h"
#include "timeutil.h"
#include "util.h"

/* ---- evidence ------------------------------------------------------------------ */

static bool build_succeeded(const struct build *b)
{
	return streq(b->status, "completed") && streq(b->conclusion, "success") &&
	       b->finished != SD_NO_TIME;
}

/* Is there CI data as of now? Builds older than the loaded ones are older
 * than now; of the loaded ones, a build queued after now does not exist yet
 * (so a snapshot of the past is the one that was true then). */
static bool ci_data_as_of(const struct dash *d)
{
	if (d->builds_before)
		return true;
	for (size_t i = 0; i < d->nbuilds; i++) {
		const struct build *b = &d->builds[i];
		int64_t queued = b->created != SD_NO_TIME ? b->created : b->started;
		if (queued == SD_NO_TIME || queued <= d->now)
			return true;
	}
	return false;
}

/* A re-run of the same CI run with a higher attempt decides its outcome
 * (docs/metrics.md §7), so an earlier attempt's success no longer counts. */
static bool superseded(const struct dash *d, const struct build *b)
{
	for (size_t i = 0; i < d->nbuilds; i++) {
		const struct build *o = &d->builds[i];
		int64_t began = o->started != SD_NO_TIME ? o->started : o->created;
		if (o->attempt > b->attempt && streq(o->provider, b->provider) && streq(o->run_id, b->run_id) &&
		    (began == SD_NO_TIME || began <= d->now))
			return true;
	}
	return false;
}

/* The first successful build of the merge or a later default-branch commit. */
static const struct build *first_success_after(const struct dash *d, const int *pos, int merge_pos,
					       int64_t now)
{
	const struct build *best = NULL;
	for (size_t i = 0; i < d->nbuilds; i++) {
		const struct build *b = &d->builds[i];
		if (pos[i] < 0 || pos[i] < merge_pos || !build_succeeded(b) || b->finished > now)
			continue;
		/* superseded() scans every build: ask it only of a new best */
		if ((!best || b->finished < best->finished) && !superseded(d, b))
			best = b;
	}
	return best;
}

/* When the deployment reached 100 %: its stage, else its own time when it
 * was recorded at 100 %; SD_NO_TIME while still rolling out. */
static int64_t rollout_done(const struct dash *d, const struct deploy_rec *rec)
{
	for (size_t i = 0; i < d->nstages; i++)
		if (d->stages[i].deployment_id == rec->id && d->stages[i].pct >= 100)
			return d->stages[i].at;
	return rec->rollout >= 100 ? rec->at : SD_NO_TIME;
}

/* The post-deployment review is done when every question is answered: the
 * time of the last answer. */
static int64_t review_done(const struct dash *d, const struct deploy_rec *rec)
{
	for (size_t i = 0; i < d->nreviews; i++)
		if (!d->reviews[i].incident && d->reviews[i].subject_id == rec->id &&
		    d->reviews[i].state == REVIEW_DONE) {
			int64_t last = SD_NO_TIME;
			for (size_t k = 0; k < d->nanswers; k++)
				if (streq(d->answers[k].subject, "deploy") && d->answers[k].subject_id == rec->id &&
				    (last == SD_NO_TIME || d->answers[k].at > last))
					last = d->answers[k].at;
			return last;
		}
	return SD_NO_TIME;
}

static void fill_rollout(const struct dash *d, const struct deploy_rec *rec, struct phase_evidence *ev)
{
	if (!rec)
		return;
	ev->rollout_pct = rec->rollout;
	ev->rollout_complete_time = rollout_done(d, rec);
	ev->review_done_time = review_done(d, rec);
}

/* The first staging deployment of the feature (named by --feature, or of
 * its merge commit). */
static int64_t staging_time(const struct dash *d, const struct feature *f, const struct feature_git *g)
{
	int64_t first = SD_NO_TIME;
	for (size_t i = 0; i < d->nrecords; i++) {
		const struct deploy_rec *r = &d->records[i];
		if (!streq(r->env, "staging"))
			continue;
		if (r->feature_id == f->id || (g->merged && streq(r->commit, g->merge_commit)))
			if (first == SD_NO_TIME || r->at < first)
				first = r->at;
	}
	return first;
}

struct evidence_strings {
	char build[64];
	char deploy[128];
};

static void fill_evidence(const struct dash *d, const struct feature *f, const struct feature_git *g,
			  const int *pos, struct phase_evidence *ev, struct evidence_strings *es)
{
	*ev = (struct phase_evidence){
		.created_time = f->created_at, .has_commits = g->has_commits,
		.first_commit_time = g->has_commits ? g->first_commit_time : SD_NO_TIME,
		.first_commit = g->has_commits ? g->first_commit : NULL,
		.in_default_branch = g->merged, .merge_time = g->merged ? g->merge_time : SD_NO_TIME,
		.merge_commit = g->merged ? g->merge_commit : NULL, .build_success_time = SD_NO_TIME,
		.has_any_ci_data = ci_data_as_of(d), .staging_time = SD_NO_TIME,
		.deploy_time = SD_NO_TIME, .rollout_pct = 100, .rollout_complete_time = SD_NO_TIME,
		.review_done_time = SD_NO_TIME, .manual_time = SD_NO_TIME,
	};
	if (g->merged) {
		const struct build *b = first_success_after(d, pos, g->chain_pos, d->now);
		if (b) {
			ev->build_success_time = b->finished;
			snprintf(es->build, sizeof es->build, "%s run %s", b->provider, b->run_id);
			ev->build = es->build;
		}
	}
	if (g->deploy >= 0 && (size_t)g->deploy < d->git.ndeploys) {
		const struct dora_deploy *dep = &d->git.deploys[g->deploy];
		ev->deploy_time = dep->time;
		snprintf(es->deploy, sizeof es->deploy, "%s", dep->ref);
		ev->deploy = es->deploy;
		fill_rollout(d, model_record_of_deploy(d, g->deploy), ev);
	}
	ev->staging_time = staging_time(d, f, g);
	enum phase mp;
	if (f->phase_manual && phase_parse(f->phase_manual, &mp)) {
		ev->manual = true;
		ev->manual_phase = mp;
		ev->manual_time = f->phase_manual_at;
		ev->manual_reason = f->phase_reason;
	}
}

/* ---- checklists ------------------------------------------------------------------ */

static const struct check_tick *find_tick(const struct check_tick *t, size_t n, int64_t fid,
					  const char *kind, const char *item)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].feature_id == fid && streq(t[i].kind, kind) && streq(t[i].item, item))
			return &t[i];
	return NULL;
}

/* One item as the feature has it: its tick or mark, else switched off by
 * config, else open. A stored tick or mark wins over the config. */
static struct dash_check check_of(const struct checklist *cl, size_t i, enum checklist_kind kind,
				  const struct check_tick *t)
{
	struct dash_check ch = {kind, cl->items[i].id, cl->items[i].text, false, NULL, SD_NO_TIME,
				NULL, false, false};
	if (t) {
		ch.done = !t->na;
		ch.na = t->na;
		ch.by = xstrdup_or_null(t->by);
		ch.at = t->at;
		ch.note = xstrdup_or_null(t->note);
	} else if (cl->off[i]) {
		ch.na = ch.na_config = true;
		ch.note = xstrdup(CHECK_OFF_REASON);
	}
	return ch;
}

static void add_checks(struct dash *d, struct dash_feature *df, enum checklist_kind kind,
		       const struct check_tick *ticks, size_t nticks, int *done, int *na, int *total)
{
	const struct checklist *cl = checklist_of(&d->checklists, kind);
	*done = *na = *total = 0;
	for (size_t i = 0; cl && i < cl->n; i++) {
		const struct check_tick *t = find_tick(ticks, nticks, df->id, checklist_kind_id(kind),
						       cl->items[i].id);
		struct dash_check ch = check_of(cl, i, kind, t);
		df->checks = xrealloc(df->checks, (df->nchecks + 1) * sizeof *df->checks);
		df->checks[df->nchecks++] = ch;
		(*total)++;
		*done += ch.done;
		*na += ch.na;
		if (!ch.done && !ch.na && kind == CHECKLIST_PREDEPLOY) {
			df->predeploy_open = xrealloc(df->predeploy_open,
						      (df->npredeploy_open + 1) * sizeof *df->predeploy_open);
			df->predeploy_open[df->npredeploy_open++] = xstrdup(cl->items[i].id);
		}
	}
}

/* ---- gate ---------------------------------------------------------------------- */

/* "github run 412 of abc1234", or "build 7 (recorded by hand) of abc1234":
 * a hand-recorded build's run id is made up, its row id is what
 * `build list` shows. */
static void build_words(const struct build *b, const char *commit, char *what, size_t len)
{
	if (streq(b->provider, "manual"))
		snprintf(what, len, "build %lld (recorded by hand) of %.7s", (long long)b->id, commit);
	else
		snprintf(what, len, "%s run %s of %.7s", b->provider, b->run_id, commit);
}

/* Open as of now: started, and not restored yet (a gate asked for an
 * earlier time sees an incident restored since as open). */
static enum gate_build build_state_of(const struct dash *d, const char *commit, char *what, size_t len)
{
	if (!ci_data_as_of(d))
		return GATE_BUILD_NO_CI;
	const struct build *latest = NULL;
	for (size_t i = 0; commit && *commit && i < d->nbuilds; i++) {
		const struct build *b = &d->builds[i];
		/* as of now: a build queued later does not exist yet */
		int64_t queued = b->created != SD_NO_TIME ? b->created : b->started;
		if (queued != SD_NO_TIME && queued > d->now)
			continue;
		if (b->commit && *b->commit && (str_starts(commit, b->commit) || str_starts(b->commit, commit)))
			latest = b; /* oldest first: the last match is the latest */
	}
	if (!latest)
		return GATE_BUILD_NONE;
	build_words(latest, commit, what, len);
	/* finished after now: as of now it was still running */
	if (!streq(latest->status, "completed") || (latest->finished != SD_NO_TIME && latest->finished > d->now))
		return GATE_BUILD_RUNNING;
	return build_succeeded(latest) ? GATE_BUILD_SUCCESS : GATE_BUILD_FAILURE;
}

/* The latest build of the feature's branch as of now that is not of the
 * judged commit: "github run 7 of def5678", so that a block for a missing
 * build can point at the build that was recorded instead. */
static bool other_branch_build(const struct dash *d, const struct dash_feature *df, char *what,
			       size_t len)
{
	const struct build *latest = NULL;
	for (size_t i = 0; df->branch && i < d->nbuilds; i++) {
		const struct build *b = &d->builds[i];
		int64_t queued = b->created != SD_NO_TIME ? b->created : b->started;
		if ((queued != SD_NO_TIME && queued > d->now) || !b->branch || !b->commit)
			continue;
		if (streq(b->branch, df->branch))
			latest = b; /* oldest first: the last match is the latest */
	}
	if (!latest)
		return false;
	build_words(latest, latest->commit, what, len);
	size_t used = strlen(what);
	snprintf(what + used, len - used, ", another commit");
	return true;
}

/* The open and not-applicable pre-deployment items, in the list's order. */
static void gate_items_of(const struct dash_feature *df,
			  struct checklist_item *open, size_t *nopen, struct gate_na *na, size_t *nna)
{
	*nopen = *nna = 0;
	for (size_t i = 0; i < df->nchecks; i++) {
		const struct dash_check *ch = &df->checks[i];
		if (ch->kind != CHECKLIST_PREDEPLOY || ch->done)
			continue;
		if (ch->na)
			na[(*nna)++] = (struct gate_na){ch->id, ch->note};
		else
			open[(*nopen)++] = (struct checklist_item){ch->id, ch->text};
	}
}

static void decide_gate(struct dash *d, struct dash_feature *df)
{
	struct checklist_item *open = xcalloc(df->nchecks + 1, sizeof *open);
	struct gate_na *na = xcalloc(df->nchecks + 1, sizeof *na);
	size_t nopen, nna;
	gate_items_of(df, open, &nopen, na, &nna);
	char what[128] = "", other[128] = "";
	const char **titles = xcalloc(d->nincidents + 1, sizeof *titles);
	int64_t *ids = xcalloc(d->nincidents + 1, sizeof *ids);
	size_t nt = 0;
	for (size_t i = 0; i < d->nincidents; i++)
		if (deploylog_incident_open(&d->incidents[i], d->now)) {
			ids[nt] = d->incidents[i].id;
			titles[nt++] = d->incidents[i].title;
		}
	struct gate_commit gc = {
		.sha = df->judged_commit, .branch = df->branch,
		.main = d->has_history ? d->git.default_branch : NULL,
		.merged = df->merge_commit != NULL, .branch_missing = df->branch_missing,
		.no_repository = !d->has_history,
	};
	enum gate_build build = build_state_of(d, df->judged_commit, what, sizeof what);
	struct gate_input in = {
		.open_items = open, .nopen = nopen, .ntotal = (size_t)df->predeploy_total,
		.na_items = na, .nna = nna, .feature_id = df->id,
		.window = d->has_window ? &d->window : NULL,
		.next_good = d->has_next_good ? &d->next_good : NULL,
		.commit = &gc,
		.build = build,
		.build_what = what[0] ? what : NULL,
		.build_other = build == GATE_BUILD_NONE && other_branch_build(d, df, other, sizeof other)
				       ? other : NULL,
		.incidents = titles,
		.incident_ids = ids,
		.nincidents = nt,
	};
	struct gate_result r = {0};
	gate_decide(&in, &r);
	df->gate_go = r.go;
	df->gate = xcalloc(r.n + 1, sizeof *df->gate);
	for (size_t i = 0; i < r.n; i++)
		df->gate[df->ngate++] = (struct dash_gate_reason){r.reasons[i].level, xstrdup(r.reasons[i].text)};
	gate_result_free(&r);
	free(open);
	free(na);
	free(titles);
	free(ids);
}

/* ---- one feature ------------------------------------------------------------------ */

static void copy_events(struct dash_feature *df, const struct phase_state *ps)
{
	df->events = xcalloc(ps->nevents + 1, sizeof *df->events);
	for (size_t i = 0; i < ps->nevents; i++)
		df->events[df->nevents++] = (struct dash_event){
			phase_id(ps->events[i].phase), ps->events[i].at, ps->events[i].kind,
			xstrdup_or_null(ps->events[i].evidence),
		};
}

static void apply_phase(struct dash *d, struct dash_feature *df, const struct feature *f,
			const struct phase_state *ps, const struct phase_durations *dur)
{
	df->phase = phase_id(ps->phase);
	df->phase_manual = ps->manual;
	df->phase_since = ps->since;
	df->manual_stale = ps->manual_stale;
	df->rolling_out = ps->rolling_out;
	df->staging_time = ps->staging_time;
	enum feature_size size = SIZE_MEDIUM;
	size_parse(f->size, &size);
	struct phase_expect pe;
	phase_expect(dur, size, ps->phase, ps->since, d->now, &pe);
	df->days_in_phase = pe.known || ps->since != SD_NO_TIME ? pe.days_in_phase : NAN;
	df->expected_lo = pe.known ? pe.lo_days : NAN;
	df->expected_hi = pe.known ? pe.hi_days : NAN;
	df->overdue = pe.overdue;
	snprintf(df->expected_label, sizeof df->expected_label, "%s", pe.label);
	copy_events(df, ps);
}

static void link_feature(const struct feature *f, struct feature_link *l)
{
	l->branch = f->branch;
	l->key = f->key;
	l->created = f->created_at;
}

/* ---- persisting phase changes ------------------------------------------------------ */

static bool event_known(const struct feature_event *ev, size_t n, int64_t fid, const struct dash_event *e)
{
	for (size_t i = 0; i < n; i++)
		if (ev[i].feature_id == fid && streq(ev[i].phase, e->phase) && ev[i].at == e->at)
			return true;
	return false;
}

/* The first inferred phase change not among the known ones, counting from
 * feature i, event k; false when there is none. */
static bool next_new_event(const struct dash *d, const struct feature_event *known, size_t nknown,
			   size_t *i, size_t *k)
{
	for (; *i < d->nfeatures; (*i)++, *k = 0) {
		const struct dash_feature *df = &d->features[*i];
		for (; *k < df->nevents; (*k)++) {
			const struct dash_event *e = &df->events[*k];
			if (!streq(e->kind, "manual") && !event_known(known, nknown, df->id, e))
				return true;
		}
	}
	return false;
}

/* Stores each inferred phase change not stored yet, so the phase history
 * survives a rewritten branch. Several snapshots may infer the same change
 * at once: the stored events are read again under the write lock (BEGIN
 * IMMEDIATE) and only what is still missing is written, so each change is
 * stored once. Returns false when the database stayed busy (nothing
 * written; the next run stores it). Read-only: nothing. */
static bool store_new_events(struct ctx *c, struct store *st, const struct dash *d)
{
	if (opt_bool(&c->opt, OPT_READ_ONLY))
		return true;
	struct feature_event *known;
	size_t nknown, i = 0, k = 0;
	if (store_events_list(st, 0, &known, &nknown) != 0)
		return true;
	bool any = next_new_event(d, known, nknown, &i, &k);
	feature_events_free(known, nknown);
	if (!any)
		return true; /* the common case takes no write lock */
	if (store_begin(st) != 0)
		return !store_busy(st);
	if (store_events_list(st, 0, &known, &nknown) != 0) {
		store_rollback(st);
		return true;
	}
	int rc = 0;
	for (i = 0, k = 0; rc == 0 && next_new_event(d, known, nknown, &i, &k); k++) {
		const struct dash_feature *df = &d->features[i];
		const struct dash_event *e = &df->events[k];
		struct feature_event fe = {df->id, (char *)e->phase, e->at, (char *)e->kind, e->evidence, false};
		rc = store_event_add(st, &fe);
	}
	feature_events_free(known, nknown);
	if (rc != 0 || store_commit(st) != 0)
		store_rollback(st);
	return true;
}

/* ---- all features -------------------------------------------------------------------- */

/* Items the repository's config switches off apply to every feature: said
 * once, as a note, rather than under each feature. */
static void note_switched_off(struct dash *d)
{
	struct strbuf ids = STRBUF_INIT;
	for (int k = 0; k < CHECKLIST_KIND_COUNT; k++) {
		const struct checklist *l = checklist_of(&d->checklists, (enum checklist_kind)k);
		for (size_t i = 0; i < l->n; i++)
			if (l->off[i])
				sb_addf(&ids, "%s%s", ids.len ? ", " : "", l->items[i].id);
	}
	if (ids.len) {
		d->notes = xrealloc(d->notes, (d->nnotes + 1) * sizeof *d->notes);
		d->notes[d->nnotes++] = xasprintf("not applicable here (config checklist_off): %s", sb_str(&ids));
	}
	sb_free(&ids);
}

static int load_tables(struct ctx *c, struct dash *d, struct phase_durations *dur)
{
	char why[256];
	if (!d->has_checklists && !checklists_setup(c, &d->checklists))
		return -1;
	d->has_checklists = true;
	note_switched_off(d);
	if (!phase_durations_parse(data_file("phases.json", NULL), dur, why, sizeof why))
		return ctx_fail(c, "data/phases.json: %s", why);
	struct window_setup ws;
	if (window_setup_load(c, &ws)) {
		window_judge(&ws.table, &ws.zone, &ws.holidays, d->now, &d->window);
		d->has_window = true;
		int64_t at;
		/* eight weeks: past any run of holidays a team would configure */
		d->has_next_good = d->window.verdict != WINDOW_GOOD &&
				   window_next_good(&ws.table, &ws.zone, &ws.holidays, d->now, 56,
						    &d->next_good, &at);
		window_setup_free(&ws);
	}
	return 0;
}

static void evidence_for_all(struct ctx *c, struct dash *d, const struct feature *fs,
			     struct feature_git *git, int *pos, int *first_dep, int64_t *first_landed)
{
	size_t n = d->nfeatures;
	struct feature_link *links = xcalloc(n + 1, sizeof *links);
	for (size_t i = 0; i < n; i++)
		link_feature(&fs[i], &links[i]);
	const char **commits = xcalloc(d->nbuilds + 1, sizeof *commits);
	for (size_t i = 0; i < d->nbuilds; i++)
		commits[i] = d->builds[i].commit;
	struct chain_query q = {commits, d->nbuilds, pos};
	for (size_t i = 0; i < n; i++)
		git[i] = (struct feature_git){.chain_pos = -1, .deploy = -1};
	for (size_t i = 0; i < d->nbuilds; i++)
		pos[i] = -1;
	char err[512];
	if (d->has_history && d->git.default_branch &&
	    gitfeature_evidence(d->features_repo ? d->features_repo : c->repo_path, d->git.default_branch,
				links, n, git, &q, err, sizeof err) != 0) {
		d->notes = xrealloc(d->notes, (d->nnotes + 1) * sizeof *d->notes);
		d->notes[d->nnotes++] = xasprintf("feature history: %s", err);
	}
	free(links);
	free(commits);
	/* the deployment that first shipped each feature, and each feature's
	 * first commit's and its landing (docs/metrics.md §2b), in one ask: the
	 * history scan's own answer (docs/metrics.md §2), not a graph walk per
	 * deployment */
	const char **ship = xcalloc(2 * n + 1, sizeof *ship);
	int *dep = xcalloc(2 * n + 1, sizeof *dep);
	int64_t *landed = xcalloc(2 * n + 1, sizeof *landed);
	for (size_t i = 0; i < n; i++) {
		ship[i] = git[i].ship_commit;
		ship[n + i] = git[i].has_commits ? git[i].first_commit : "";
	}
	if (d->has_history)
		model_first_deploys_landed(d, ship, 2 * n, dep, landed);
	for (size_t i = 0; i < n; i++) {
		git[i].deploy = d->has_history ? dep[i] : -1;
		first_dep[i] = d->has_history ? dep[n + i] : -1;
		first_landed[i] = d->has_history ? landed[n + i] : SD_NO_TIME;
	}
	free(ship);
	free(dep);
	free(landed);
}

/* docs/metrics.md §2b per feature: its first commit taken as the change
 * (authored at first_time), shipped by the deployment that first shipped
 * it and landed where the history scan says. */
static void feature_stages(const struct dash *d, struct dash_feature *df, int64_t first_time, int dep,
			   int64_t landed)
{
	struct dora_stages *s = &df->stages;
	*s = (struct dora_stages){.coding_and_review_hours = NAN, .waiting_hours = NAN, .coding_hours = NAN,
				  .pickup_hours = NAN, .review_hours = NAN};
	if (!d->has_history || !df->first_commit || first_time == SD_NO_TIME)
		return;
	struct dora_change ch = {.author_time = first_time, .commit_time = first_time, .landed = landed};
	/* the first deployment ships the whole past: no lead time (§2) */
	if (dep <= 0 || d->git.deploys[dep].time > d->now)
		return;
	ch.deploy = dep;
	metrics_change_stages(&d->dora_in, &ch, &s->coding_and_review_hours, &s->waiting_hours);
	s->changes = 1;
	/* its pull request, when one was imported: coding, pickup, review, waiting */
	int pr = model_pr_of_commit(d, df->first_commit);
	if (pr > 0 && (size_t)pr <= d->nprs) {
		struct dora_pr_stages ps;
		metrics_change_pr_stages(&d->dora_in, &ch, &d->prs[pr - 1], &ps);
		*s = (struct dora_stages){.changes = 1, .from_prs = true, .coding_and_review_hours = NAN,
					  .coding_hours = ps.coding, .pickup_hours = ps.pickup,
					  .review_hours = ps.review, .waiting_hours = ps.waiting};
	}
}

/* The service each feature belongs to (docs/metrics.md §13): the one it
 * names, or the home service when it names none; NULL when neither (a
 * service removed since, or no home): the feature is then in no service. */
static int feature_services(struct ctx *c, struct store *st, struct dash *d, const struct feature *fs,
			    size_t n)
{
	struct service_set set;
	struct record_service *rows = NULL;
	size_t nrows = 0;
	if (services_resolve(c, st, &set) != 0)
		return -1;
	if (!set.implicit && store_record_services(st, "features", &rows, &nrows) != 0) {
		service_set_free(&set);
		return ctx_fail(c, "%s", store_errmsg(st));
	}
	for (size_t i = 0; i < n; i++) {
		int at = services_of_record(&set, record_service_of(rows, nrows, fs[i].id));
		d->features[i].service = at >= 0 ? xstrdup(set.s[at].name) : NULL;
	}
	record_services_free(rows, nrows);
	service_set_free(&set);
	return 0;
}

int model_features(struct ctx *c, struct store *st, struct dash *d)
{
	struct phase_durations dur;
	if (load_tables(c, d, &dur) != 0)
		return -1;
	struct feature *fs;
	size_t n;
	struct check_tick *ticks;
	size_t nticks;
	if (store_feature_list(st, &fs, &n) != 0 || model_narrow_features(c, st, fs, &n) != 0 ||
	    store_ticks_list(st, 0, &ticks, &nticks) != 0)
		return ctx_fail(c, "%s", store_errmsg(st));
	struct feature_git *git = xcalloc(n + 1, sizeof *git);
	int *pos = xcalloc(d->nbuilds + 1, sizeof *pos);
	d->features = xcalloc(n + 1, sizeof *d->features);
	d->nfeatures = n;
	int *first_dep = xcalloc(n + 1, sizeof *first_dep);
	int64_t *first_landed = xcalloc(n + 1, sizeof *first_landed);
	evidence_for_all(c, d, fs, git, pos, first_dep, first_landed);
	for (size_t i = 0; i < n; i++) {
		struct dash_feature *df = &d->features[i];
		const struct feature *f = &fs[i];
		df->id = f->id;
		df->key = xstrdup_or_null(f->key);
		df->title = xstrdup(f->title);
		df->size = xstrdup(f->size);
		df->owner = xstrdup_or_null(f->owner);
		df->branch = xstrdup_or_null(f->branch);
		df->phase_reason = xstrdup_or_null(f->phase_reason);
		df->first_commit = git[i].has_commits ? xstrdup(git[i].first_commit) : NULL;
		df->merge_commit = git[i].merged ? xstrdup(git[i].merge_commit) : NULL;
		df->judged_commit = git[i].ship_commit[0] ? xstrdup(git[i].ship_commit) : NULL;
		df->branch_missing = d->has_history && f->branch && !git[i].branch_found;
		df->merge_how = git[i].merge_how;
		df->deploy = git[i].deploy;
		df->key_shared = git[i].key_shared;
		feature_stages(d, df, git[i].has_commits ? git[i].first_commit_time : SD_NO_TIME, first_dep[i],
			       first_landed[i]);
		struct phase_evidence ev;
		struct evidence_strings es;
		fill_evidence(d, f, &git[i], pos, &ev, &es);
		struct phase_state ps;
		phase_infer(&ev, d->now, &ps);
		apply_phase(d, df, f, &ps, &dur);
		add_checks(d, df, CHECKLIST_PLANNING, ticks, nticks, &df->planning_done, &df->planning_na,
			   &df->planning_total);
		add_checks(d, df, CHECKLIST_PREDEPLOY, ticks, nticks, &df->predeploy_done, &df->predeploy_na,
			   &df->predeploy_total);
		df->not_ready = ps.phase != PHASE_PLANNING &&
				df->planning_done + df->planning_na < df->planning_total;
		decide_gate(d, df);
	}
	free(git);
	free(pos);
	free(first_dep);
	free(first_landed);
	int rc = feature_services(c, st, d, fs, n);
	features_free(fs, n);
	check_ticks_free(ticks, nticks);
	if (rc != 0)
		return -1;
	if (!store_new_events(c, st, d))
		d->db_busy = true;
	return 0;
}

static void dash_feature_free(struct dash_feature *f)
{
	free(f->key);
	free(f->title);
	free(f->size);
	free(f->owner);
	free(f->branch);
	free(f->phase_reason);
	free(f->first_commit);
	free(f->merge_commit);
	free(f->judged_commit);
	free(f->service);
	for (size_t i = 0; i < f->npredeploy_open; i++)
		free(f->predeploy_open[i]);
	free(f->predeploy_open);
	for (size_t i = 0; i < f->nevents; i++)
		free(f->events[i].evidence);
	free(f->events);
	for (size_t i = 0; i < f->nchecks; i++) {
		free(f->checks[i].by);
		free(f->checks[i].note);
	}
	free(f->checks);
	for (size_t i = 0; i < f->ngate; i++)
		free(f->gate[i].text);
	free(f->gate);
}

void model_features_free(struct dash *d)
{
	for (size_t i = 0; i < d->nfeatures; i++)
		dash_feature_free(&d->features[i]);
	free(d->features);
	d->features = NULL;
	d->nfeatures = 0;
	if (d->has_checklists)
		checklists_free(&d->checklists);
	d->has_checklists = false;
}
