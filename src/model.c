/* model — the one place that gathers data for the views. The TUI and the
 * snapshot both render the struct built here, so they cannot disagree. */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "store.h"
#include "timeutil.h"
#include "util.h"

static void add_note(struct dash *d, char *note)
{
	d->notes = xrealloc(d->notes, (d->nnotes + 1) * sizeof *d->notes);
	d->notes[d->nnotes++] = note;
}

static void fill_feature(struct dash_feature *df, struct feature *f)
{
	df->id = f->id;
	df->key = f->key, f->key = NULL;
	df->title = f->title, f->title = NULL;
	df->size = f->size, f->size = NULL;
	df->owner = f->owner, f->owner = NULL;
	df->branch = f->branch, f->branch = NULL;
	df->phase_manual = f->phase_manual != NULL;
	df->phase = f->phase_manual ? f->phase_manual : "planning";
	df->phase_reason = f->phase_reason, f->phase_reason = NULL;
	df->phase_since = f->phase_manual ? f->phase_manual_at : f->created_at;
	df->days_in_phase = NAN;
	df->expected_lo = df->expected_hi = NAN;
}

static const char *const phase_ids[] = {
	"planning", "development", "build", "testing", "deployment", "shipped",
};

/* Phase ids point into this static table, so the strings outlive the feature rows. */
static const char *stable_phase(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(phase_ids); i++)
		if (streq(phase_ids[i], id))
			return phase_ids[i];
	return phase_ids[0];
}

static int load_features(struct ctx *c, struct store *st, struct dash *d)
{
	struct feature *fs;
	size_t n;
	if (store_feature_list(st, &fs, &n) != 0) {
		sd_error("%s", store_errmsg(st));
		return -1;
	}
	d->features = xcalloc(n, sizeof *d->features);
	d->nfeatures = n;
	for (size_t i = 0; i < n; i++) {
		struct dash_feature *df = &d->features[i];
		fill_feature(df, &fs[i]);
		df->phase = stable_phase(df->phase);
		if (df->phase_since != SD_NO_TIME)
			df->days_in_phase = (double)(c->now - df->phase_since) / 86400.0;
	}
	features_free(fs, n);
	return 0;
}

static struct dora_targets targets_from(const struct ctx *c)
{
	return (struct dora_targets){
		opt_num(&c->opt, OPT_TARGET_DEPLOYS_PER_WEEK),
		opt_num(&c->opt, OPT_TARGET_LEAD_TIME_HOURS),
		opt_num(&c->opt, OPT_TARGET_CFR_PERCENT),
		opt_num(&c->opt, OPT_TARGET_RESTORE_HOURS),
	};
}

/* Reads the history (incrementally: the git cache in the store makes a
 * warm start walk nothing) and computes the DORA figures. */
static int load_history(struct ctx *c, struct store *st, struct dash *d)
{
	struct gitscan_opts o = {
		.deploy_tags = opt_str(&c->opt, OPT_DEPLOY_TAGS),
		.default_branch = opt_str(&c->opt, OPT_DEFAULT_BRANCH),
	};
	char err[1024];
	if (gitscan_sync(st, c->repo_path, &o, &d->git, err, sizeof err) != 0) {
		sd_error("%s", err);
		return -1;
	}
	d->has_history = true;
	for (size_t i = 0; i < d->git.nwarnings; i++)
		add_note(d, xstrdup(d->git.warnings[i]));
	bool have_th = thresholds_load_default(opt_str(&c->opt, OPT_THRESHOLDS), &d->thresholds,
					       err, sizeof err) == 0;
	if (!have_th)
		add_note(d, xasprintf("thresholds: %s", err));
	d->dora_in = (struct dora_input){
		.deploys = d->git.deploys, .ndeploys = d->git.ndeploys,
		.changes = d->git.changes, .nchanges = d->git.nchanges,
		.reverts = d->git.reverts, .nreverts = d->git.nreverts,
		.now = c->now,
		.window_days = (int)opt_int(&c->opt, OPT_WINDOW_DAYS),
		.revert_window_days = (int)opt_int(&c->opt, OPT_REVERT_WINDOW_DAYS),
		.lead_from_committer = streq(opt_str(&c->opt, OPT_LEAD_FROM), "committer"),
		.th = have_th ? &d->thresholds : NULL,
		.targets = targets_from(c),
		.deploy_tags = opt_str(&c->opt, OPT_DEPLOY_TAGS),
	};
	metrics_dora(&d->dora_in, &d->dora);
	return 0;
}

int model_build(struct ctx *c, struct dash *d)
{
	memset(d, 0, sizeof *d);
	d->now = c->now;
	d->window_days = (int)opt_int(&c->opt, OPT_WINDOW_DAYS);
	d->repo_name = xstrdup_or_null(c->repo_name);
	d->repo_path = xstrdup_or_null(c->repo_path);
	d->db_path = xstrdup_or_null(c->db_path);
	struct store *st = ctx_store(c);
	if (!st)
		return -1;
	if (load_features(c, st, d) != 0)
		return -1;
	if (c->repo_path && !opt_bool(&c->opt, OPT_NO_SYNC) && load_history(c, st, d) != 0)
		return -1;
	if (d->nfeatures == 0)
		add_note(d, xstrdup("no features yet: add one with 'shipdeck feature add TITLE'"));
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
	for (size_t i = 0; i < f->npredeploy_open; i++)
		free(f->predeploy_open[i]);
	free(f->predeploy_open);
}

void model_free(struct dash *d)
{
	for (size_t i = 0; i < d->nfeatures; i++)
		dash_feature_free(&d->features[i]);
	free(d->features);
	for (size_t i = 0; i < d->nnotes; i++)
		free(d->notes[i]);
	free(d->notes);
	if (d->has_history) {
		dora_report_free(&d->dora);
		gitscan_result_free(&d->git);
	}
	free(d->repo_name);
	free(d->repo_path);
	free(d->db_path);
	memset(d, 0, sizeof *d);
}
