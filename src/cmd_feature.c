/* cmd_feature — `shipdeck feature ...`: the features a team tracks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "context.h"
#include "phase.h"
#include "jsonw.h"
#include "model.h"
#include "present.h"
#include "store.h"
#include "text.h"
#include "timeutil.h"

/* Runs one write as its own transaction; prints the store's error on failure. */
static int finish_write(struct store *st, int rc)
{
	if (rc == 0 && store_commit(st) == 0)
		return EXIT_OK;
	sd_error("%s", store_errmsg(st));
	store_rollback(st);
	return EXIT_USAGE;
}

/* A number that finds no id may be a key made before keys could not be
 * numbers: the rule stays (a number is an id), and the message says how to
 * reach that feature. */
static void not_found(struct store *st, const char *id)
{
	char *shown = text_clean(id, TEXT_ONE_LINE);
	struct feature k = {0};
	if (store_feature_key_is_id(id) && store_feature_find_key(st, id, &k) == 1)
		sd_error("no feature with id %s; feature %lld has the key '%s' (a number names an id: "
			 "use %lld, or give it another key with 'shipdeck feature set %lld --key K')",
			 shown, (long long)k.id, shown, (long long)k.id, (long long)k.id);
	else
		sd_error("no feature '%s' (see 'shipdeck feature list')", shown);
	feature_free(&k);
	free(shown);
}

int feature_load(struct store *st, const char *id, struct feature *f)
{
	int rc = store_feature_find(st, id, f);
	if (rc == 0) {
		not_found(st, id);
	} else if (rc < 0) {
		sd_error("%s", store_errmsg(st));
	}
	return rc == 1 ? 0 : -1;
}

static int check_size(const char *size)
{
	enum feature_size parsed;
	if (size && !size_parse(size, &parsed)) {
		sd_error("--size %s: must be small, medium or large", size);
		return -1;
	}
	return 0;
}

/* Keys are unique ignoring case (JQ-1 and jq-1 would be one feature to every
 * lookup) and are never whole numbers (which name ids). self: the feature
 * being changed, 0 for a new one. 0 ok, -1 after saying why. */
static int check_key(struct store *st, const char *key, int64_t self)
{
	if (!key || !*key)
		return 0;
	char *shown = text_clean(key, TEXT_ONE_LINE);
	struct feature other = {0};
	int rc = 0;
	if (store_feature_key_is_id(key)) {
		sd_error("--key %s: a key cannot be a whole number, which names a feature id "
			 "(use e.g. GH-%s)", shown, shown);
		rc = -1;
	} else if ((rc = store_feature_find_key(st, key, &other)) == 1 && other.id != self) {
		char *k = text_clean(other.key, TEXT_ONE_LINE), *t = text_clean(other.title, TEXT_ONE_LINE);
		sd_error("--key %s: feature %lld already has the key %s (\"%s\"); keys are unique "
			 "ignoring case", shown, (long long)other.id, k, t);
		free(k);
		free(t);
		rc = -1;
	} else if (rc < 0) {
		sd_error("%s", store_errmsg(st));
	} else {
		rc = 0;
	}
	feature_free(&other);
	free(shown);
	return rc;
}

static char *empty_to_null(const char *v)
{
	return v && *v ? xstrdup(v) : NULL;
}

static int feature_add(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	if (a->npos != 1 || !*pos[0])
		return cmd_usage_error(a, "feature add needs a TITLE");
	if (check_size(cmd_arg(a, "size")) != 0)
		return EXIT_USAGE;
	struct store *st = ctx_store(c);
	if (!st || store_begin(st) != 0)
		return st ? (sd_error("%s", store_errmsg(st)), EXIT_USAGE) : EXIT_USAGE;
	struct feature f = {
		.key = empty_to_null(cmd_arg(a, "key")),
		.title = xstrdup(pos[0]),
		.branch = empty_to_null(cmd_arg(a, "branch")),
		.size = xstrdup(cmd_arg(a, "size") ? cmd_arg(a, "size") : "medium"),
		.owner = empty_to_null(cmd_arg(a, "owner")),
		.created_at = c->now,
		.phase_manual_at = SD_NO_TIME,
	};
	if (check_key(st, f.key, 0) != 0) {
		store_rollback(st);
		feature_free(&f);
		return EXIT_USAGE;
	}
	int rc = finish_write(st, store_feature_add(st, &f));
	if (rc == EXIT_OK) {
		printf("added feature %lld", (long long)f.id);
		if (f.key) {
			printf(" (");
			char *k = text_clean(f.key, TEXT_ONE_LINE);
			printf("%s)", k);
			free(k);
		}
		printf("\n");
	}
	feature_free(&f);
	return rc;
}

/* A feature's stored fields, the object left open for more members. */
static void feature_json_open(struct strbuf *out, const struct feature *f)
{
	char t1[24];
	sb_addf(out, "{\"id\": %lld, \"key\": ", (long long)f->id);
	json_add_string(out, f->key);
	sb_add(out, ", \"title\": ");
	json_add_string(out, f->title);
	sb_add(out, ", \"branch\": ");
	json_add_string(out, f->branch);
	sb_add(out, ", \"size\": ");
	json_add_string(out, f->size);
	sb_add(out, ", \"owner\": ");
	json_add_string(out, f->owner);
	sb_addf(out, ", \"created_at\": \"%s\", \"phase_manual\": ", time_format_iso(f->created_at, t1));
	json_add_string(out, f->phase_manual);
	sb_add(out, ", \"phase_reason\": ");
	json_add_string(out, f->phase_reason);
}

static void feature_json(struct strbuf *out, const struct feature *f)
{
	feature_json_open(out, f);
	sb_add(out, "}");
}

static void print_field(const char *label, const char *value)
{
	char *v = text_clean(value ? value : "-", TEXT_ONE_LINE);
	printf("%-8s %s\n", label, v);
	free(v);
}

/* The model's view of feature id: its phase, days and flags, decided once
 * for the list, the snapshot and the board (present.c). */
static const struct dash_feature *dash_feature_of(const struct dash *d, int64_t id)
{
	for (size_t i = 0; i < d->nfeatures; i++)
		if (d->features[i].id == id)
			return &d->features[i];
	return NULL;
}

static void feature_state_json(struct strbuf *out, const struct dash_feature *df)
{
	struct strbuf days = STRBUF_INIT;
	if (df)
		present_days_label(&days, df, false);
	json_field_str(out, "phase", df ? df->phase : NULL);
	json_field_str(out, "days_label", days.len ? sb_str(&days) : NULL);
	unsigned flags = df ? present_feature_flags(df) : 0;
	present_json_flags(out, flags);
	/* as the snapshot's features[].service (docs/metrics.md §13) */
	json_field_str(out, "service", df ? df->service : NULL);
	sb_free(&days);
}

static void feature_row(struct strbuf *out, const struct feature *f, const struct dash_feature *df,
			bool team)
{
	enum phase p = PHASE_PLANNING;
	struct strbuf cell = STRBUF_INIT;
	sb_addf(out, "%4lld  ", (long long)f->id);
	text_fit(out, f->key ? f->key : "-", 10, false, false);
	sb_add(out, "  ");
	/* with several services, the feature's, as the board's card says it */
	if (team) {
		present_service_tag(&cell, df ? df->service : NULL);
		text_fit(out, sb_str(&cell), 10, false, false);
		sb_add(out, "  ");
		sb_reset(&cell);
	}
	text_fit(out, f->size, 6, false, false);
	sb_add(out, "  ");
	text_fit(out, df && phase_parse(df->phase, &p) ? phase_name(p) : "-", 17, false, false);
	sb_add(out, "  ");
	if (df)
		present_days_label(&cell, df, false);
	text_fit(out, cell.len ? sb_str(&cell) : "-", 22, false, false);
	sb_add(out, "  ");
	sb_add_clean(out, f->title);
	sb_reset(&cell);
	if (df)
		present_flag_words(&cell, present_feature_flags(df));
	if (cell.len)
		sb_addf(out, "  [%s]", sb_str(&cell));
	sb_addc(out, '\n');
	sb_free(&cell);
}

static int feature_list(struct ctx *c, struct cmd_args *a)
{
	struct store *st = ctx_store(c);
	struct feature *fs;
	size_t n;
	if (!st)
		return EXIT_USAGE;
	if (store_feature_list(st, &fs, &n) != 0 || model_narrow_features(c, st, fs, &n) != 0) {
		sd_error("%s", store_errmsg(st));
		return EXIT_USAGE;
	}
	struct dash d;
	if (cmd_model_build(c, &d) != 0) {
		model_free(&d);
		features_free(fs, n);
		return EXIT_USAGE;
	}
	struct strbuf out = STRBUF_INIT;
	if (cmd_arg(a, "json")) {
		sb_add(&out, "{\"schema\": \"shipdeck.feature-list/1\", \"features\": [");
		for (size_t i = 0; i < n; i++) {
			sb_add(&out, i ? ",\n  " : "\n  ");
			feature_json_open(&out, &fs[i]);
			feature_state_json(&out, dash_feature_of(&d, fs[i].id));
			sb_add(&out, "}");
		}
		sb_add(&out, n ? "\n]}\n" : "]}\n");
	} else {
		for (size_t i = 0; i < n; i++)
			feature_row(&out, &fs[i], dash_feature_of(&d, fs[i].id), d.team);
		if (n == 0)
			sb_add(&out, "no features yet: add one with 'shipdeck feature add TITLE'\n");
	}
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	features_free(fs, n);
	model_free(&d);
	return EXIT_OK;
}

static int feature_show(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	if (a->npos != 1)
		return cmd_usage_error(a, "feature show needs an ID");
	struct store *st = ctx_store(c);
	struct feature f = {0};
	if (!st || feature_load(st, pos[0], &f) != 0)
		return EXIT_USAGE;
	if (cmd_arg(a, "json")) {
		struct strbuf out = STRBUF_INIT;
		sb_add(&out, "{\"schema\": \"shipdeck.feature-show/1\", \"feature\": ");
		feature_json(&out, &f);
		sb_add(&out, "}");
		printf("%s\n", sb_str(&out));
		sb_free(&out);
	} else {
		char idbuf[24], when[24];
		snprintf(idbuf, sizeof idbuf, "%lld", (long long)f.id);
		print_field("id", idbuf);
		print_field("key", f.key);
		print_field("title", f.title);
		print_field("branch", f.branch);
		print_field("size", f.size);
		print_field("owner", f.owner);
		print_field("created", time_format_iso(f.created_at, when));
		if (f.phase_manual) {
			print_field("phase", f.phase_manual);
			print_field("reason", f.phase_reason);
		}
	}
	feature_free(&f);
	return EXIT_OK;
}

/* Replaces *field with value ("" clears an optional field). */
static void set_field(char **field, const char *value, bool optional)
{
	if (!value)
		return;
	free(*field);
	*field = optional ? empty_to_null(value) : xstrdup(value);
}

static int feature_set(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	bool any = false;
	for (struct cmd_flag *fl = a->flags; fl->name; fl++)
		any = any || fl->value;
	if (a->npos != 1 || !any)
		return cmd_usage_error(a, "%s", a->npos != 1 ? "feature set needs an ID"
							      : "feature set needs a field to change");
	if (check_size(cmd_arg(a, "size")) != 0)
		return EXIT_USAGE;
	const char *title = cmd_arg(a, "title");
	if (title && !*title) {
		sd_error("--title cannot be empty");
		return EXIT_USAGE;
	}
	struct store *st = ctx_store(c);
	struct feature f = {0};
	if (!st || store_begin(st) != 0)
		return st ? (sd_error("%s", store_errmsg(st)), EXIT_USAGE) : EXIT_USAGE;
	if (feature_load(st, pos[0], &f) != 0) {
		store_rollback(st);
		return EXIT_USAGE;
	}
	set_field(&f.title, title, false);
	set_field(&f.key, cmd_arg(a, "key"), true);
	set_field(&f.branch, cmd_arg(a, "branch"), true);
	set_field(&f.size, cmd_arg(a, "size"), false);
	set_field(&f.owner, cmd_arg(a, "owner"), true);
	if (check_key(st, cmd_arg(a, "key"), f.id) != 0) {
		store_rollback(st);
		feature_free(&f);
		return EXIT_USAGE;
	}
	int rc = finish_write(st, store_feature_update(st, &f));
	if (rc == EXIT_OK)
		printf("updated feature %lld\n", (long long)f.id);
	feature_free(&f);
	return rc;
}

static int feature_rm(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	if (a->npos != 1)
		return cmd_usage_error(a, "feature rm needs an ID");
	struct store *st = ctx_store(c);
	struct feature f = {0};
	if (!st || store_begin(st) != 0)
		return st ? (sd_error("%s", store_errmsg(st)), EXIT_USAGE) : EXIT_USAGE;
	if (feature_load(st, pos[0], &f) != 0) {
		store_rollback(st);
		return EXIT_USAGE;
	}
	int rc = store_feature_delete(st, f.id);
	rc = finish_write(st, rc < 0 ? -1 : 0);
	if (rc == EXIT_OK)
		printf("removed feature %lld\n", (long long)f.id);
	feature_free(&f);
	return rc;
}

/* Sets or clears a hand-set phase; the change is kept in the phase history. */
static int apply_phase(struct ctx *c, struct store *st, struct feature *f, const char *phase,
		       const char *reason)
{
	free(f->phase_manual);
	free(f->phase_reason);
	f->phase_manual = xstrdup_or_null(phase);
	f->phase_reason = xstrdup_or_null(reason);
	f->phase_manual_at = phase ? c->now : SD_NO_TIME;
	if (store_feature_update(st, f) != 0)
		return -1;
	if (!phase)
		return 0;
	struct feature_event e = {f->id, (char *)phase, c->now, "manual", (char *)reason, true};
	return store_event_add(st, &e);
}

static int feature_phase(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	int npos = a->npos;
	bool autop = cmd_arg(a, "auto") != NULL;
	const char *reason = cmd_arg(a, "reason");
	if (npos < 1 || (autop ? npos != 1 : npos != 2 || !reason || !*reason)) {
		return cmd_usage_error(a, "%s", autop || npos < 2
					       ? "feature phase needs an ID and a PHASE with --reason, or --auto"
					       : "a phase set by hand needs --reason TEXT");
	}
	enum phase parsed;
	if (!autop && !phase_parse(pos[1], &parsed)) {
		sd_error("unknown phase '%s': use planning, development, build, testing, deployment or shipped",
			 pos[1]);
		return EXIT_USAGE;
	}
	struct store *st = ctx_store(c);
	struct feature f = {0};
	if (!st || store_begin(st) != 0)
		return st ? (sd_error("%s", store_errmsg(st)), EXIT_USAGE) : EXIT_USAGE;
	if (feature_load(st, pos[0], &f) != 0) {
		store_rollback(st);
		return EXIT_USAGE;
	}
	int rc = finish_write(st, apply_phase(c, st, &f, autop ? NULL : pos[1], reason));
	if (rc == EXIT_OK)
		printf(autop ? "feature %lld: phase inferred again\n" : "feature %lld: phase set to %s\n",
		       (long long)f.id, pos[1]);
	feature_free(&f);
	return rc;
}

/* ---- the command table ------------------------------------------------------- */

static const struct cmd_entry feature_add_entry = {
	.name = "add", .args = "TITLE", .maxpos = 1,
	.opts = (const struct cmd_opt[]){
		{"key", "KEY", "a short key such as FEAT-12, linking commits and branches to it", 0, NULL},
		{"branch", "BRANCH", "the feature's branch", 0, NULL},
		{"size", "small|medium|large", "decides the expected days in each phase (default medium)", 0, NULL},
		{"owner", "NAME", "who owns it", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "add a feature", .run = feature_add,
};
static const struct cmd_entry feature_list_entry = {
	.name = "list", .maxpos = 0, .formats = "text|json",
	.help = "list the features", .run = feature_list,
};
static const struct cmd_entry feature_show_entry = {
	.name = "show", .args = "ID", .maxpos = 1, .formats = "text|json",
	.help = "show one feature (ID: its number or its key)", .run = feature_show,
};
static const struct cmd_entry feature_set_entry = {
	.name = "set", .args = "ID", .maxpos = 1,
	.opts = (const struct cmd_opt[]){
		{"title", "TITLE", "a new title", 0, NULL},
		{"key", "KEY", "a new key (empty: none)", 0, NULL},
		{"branch", "BRANCH", "a new branch (empty: none)", 0, NULL},
		{"size", "small|medium|large", "a new size", 0, NULL},
		{"owner", "NAME", "a new owner (empty: none)", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "change a feature's fields; an empty value clears an optional one", .run = feature_set,
};
static const struct cmd_entry feature_rm_entry = {
	.name = "rm", .args = "ID", .maxpos = 1,
	.help = "remove a feature with its checklist and phase history", .run = feature_rm,
};
static const struct cmd_entry feature_phase_entry = {
	.name = "phase", .args = "ID [PHASE]", .maxpos = 2,
	.opts = (const struct cmd_opt[]){
		{"reason", "TEXT", "why the phase is set by hand (needed with PHASE)", 0, NULL},
		{"auto", NULL, "let the history decide the phase again", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "set a feature's phase by hand (planning, development, build, testing, deployment, "
		"shipped), or --auto",
	.run = feature_phase,
};

const struct cmd_entry cmd_feature_entry = {
	.name = "feature",
	.help = "manage the features the team tracks",
	.subs = (const struct cmd_entry *const[]){&feature_add_entry, &feature_list_entry,
						   &feature_show_entry, &feature_set_entry,
						   &feature_rm_entry, &feature_phase_entry, NULL},
};
