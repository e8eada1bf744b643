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

int feature_load(struct store *st, const char *id, struct feature *f)
{
	int rc = store_feature_find(st, id, f);
	if (rc == 0) {
		char *shown = text_clean(id, TEXT_ONE_LINE);
		sd_error("no feature '%s' (see 'shipdeck feature list')", shown);
		free(shown);
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

static char *empty_to_null(const char *v)
{
	return v && *v ? xstrdup(v) : NULL;
}

static int feature_add(struct ctx *c, int argc, char **argv)
{
	static const char usage[] =
		"feature add TITLE [--key K] [--branch B] [--size small|medium|large] [--owner NAME]";
	struct cmd_flag flags[] = {{"key", 1, NULL}, {"branch", 1, NULL}, {"size", 1, NULL},
				   {"owner", 1, NULL}, {NULL, 0, NULL}};
	const char *pos[1];
	int npos;
	if (cmd_parse(c, argc, argv, flags, pos, 1, &npos, usage) != 0)
		return EXIT_USAGE;
	if (npos != 1 || !*pos[0]) {
		sd_error("feature add needs a TITLE");
		fprintf(stderr, "usage: shipdeck %s\n", usage);
		return EXIT_USAGE;
	}
	if (check_size(cmd_flag(flags, "size")) != 0)
		return EXIT_USAGE;
	struct store *st = ctx_store(c);
	if (!st || store_begin(st) != 0)
		return st ? (sd_error("%s", store_errmsg(st)), EXIT_USAGE) : EXIT_USAGE;
	struct feature f = {
		.key = empty_to_null(cmd_flag(flags, "key")),
		.title = xstrdup(pos[0]),
		.branch = empty_to_null(cmd_flag(flags, "branch")),
		.size = xstrdup(cmd_flag(flags, "size") ? cmd_flag(flags, "size") : "medium"),
		.owner = empty_to_null(cmd_flag(flags, "owner")),
		.created_at = c->now,
		.phase_manual_at = SD_NO_TIME,
	};
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
	json_field_bool(out, "attention", (flags & FLAGS_ATTENTION) != 0);
	sb_add(out, ", \"flags\": [");
	for (int k = 0, n = 0; k < FLAG_COUNT; k++)
		if (flags & (1u << k)) {
			sb_add(out, n++ ? ", " : "");
			json_add_string(out, present_flag_word((enum feature_flag)k));
		}
	sb_add(out, "]");
	sb_free(&days);
}

static void feature_row(struct strbuf *out, const struct feature *f, const struct dash_feature *df)
{
	enum phase p = PHASE_PLANNING;
	struct strbuf cell = STRBUF_INIT;
	sb_addf(out, "%4lld  ", (long long)f->id);
	text_fit(out, f->key ? f->key : "-", 10, false, false);
	sb_add(out, "  ");
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

static int feature_list(struct ctx *c, int argc, char **argv)
{
	struct cmd_flag flags[] = {{"json", 0, NULL}, {NULL, 0, NULL}};
	const char *pos[1];
	int npos;
	if (cmd_parse(c, argc, argv, flags, pos, 0, &npos, "feature list [--json]") != 0)
		return EXIT_USAGE;
	struct store *st = ctx_store(c);
	struct feature *fs;
	size_t n;
	if (!st)
		return EXIT_USAGE;
	if (store_feature_list(st, &fs, &n) != 0) {
		sd_error("%s", store_errmsg(st));
		return EXIT_USAGE;
	}
	struct dash d;
	if (model_build(c, &d) != 0) {
		model_free(&d);
		features_free(fs, n);
		return EXIT_USAGE;
	}
	struct strbuf out = STRBUF_INIT;
	if (cmd_flag(flags, "json")) {
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
			feature_row(&out, &fs[i], dash_feature_of(&d, fs[i].id));
		if (n == 0)
			sb_add(&out, "no features yet: add one with 'shipdeck feature add TITLE'\n");
	}
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	features_free(fs, n);
	model_free(&d);
	return EXIT_OK;
}

static int feature_show(struct ctx *c, int argc, char **argv)
{
	struct cmd_flag flags[] = {{"json", 0, NULL}, {NULL, 0, NULL}};
	const char *pos[1];
	int npos;
	static const char usage[] = "feature show ID [--json]";
	if (cmd_parse(c, argc, argv, flags, pos, 1, &npos, usage) != 0)
		return EXIT_USAGE;
	if (npos != 1) {
		fprintf(stderr, "usage: shipdeck %s\n", usage);
		return EXIT_USAGE;
	}
	struct store *st = ctx_store(c);
	struct feature f = {0};
	if (!st || feature_load(st, pos[0], &f) != 0)
		return EXIT_USAGE;
	if (cmd_flag(flags, "json")) {
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

static int feature_set(struct ctx *c, int argc, char **argv)
{
	static const char usage[] =
		"feature set ID [--title T] [--key K] [--branch B] [--size S] [--owner NAME]";
	struct cmd_flag flags[] = {{"title", 1, NULL}, {"key", 1, NULL}, {"branch", 1, NULL},
				   {"size", 1, NULL}, {"owner", 1, NULL}, {NULL, 0, NULL}};
	const char *pos[1];
	int npos;
	if (cmd_parse(c, argc, argv, flags, pos, 1, &npos, usage) != 0)
		return EXIT_USAGE;
	bool any = false;
	for (struct cmd_flag *fl = flags; fl->name; fl++)
		any = any || fl->value;
	if (npos != 1 || !any) {
		sd_error(npos != 1 ? "feature set needs an ID" : "feature set needs a field to change");
		fprintf(stderr, "usage: shipdeck %s\n", usage);
		return EXIT_USAGE;
	}
	if (check_size(cmd_flag(flags, "size")) != 0)
		return EXIT_USAGE;
	const char *title = cmd_flag(flags, "title");
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
	set_field(&f.key, cmd_flag(flags, "key"), true);
	set_field(&f.branch, cmd_flag(flags, "branch"), true);
	set_field(&f.size, cmd_flag(flags, "size"), false);
	set_field(&f.owner, cmd_flag(flags, "owner"), true);
	int rc = finish_write(st, store_feature_update(st, &f));
	if (rc == EXIT_OK)
		printf("updated feature %lld\n", (long long)f.id);
	feature_free(&f);
	return rc;
}

static int feature_rm(struct ctx *c, int argc, char **argv)
{
	const char *pos[1];
	int npos;
	if (cmd_parse(c, argc, argv, NULL, pos, 1, &npos, "feature rm ID") != 0)
		return EXIT_USAGE;
	if (npos != 1) {
		fprintf(stderr, "usage: shipdeck feature rm ID\n");
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

static int feature_phase(struct ctx *c, int argc, char **argv)
{
	static const char usage[] = "feature phase ID PHASE --reason TEXT | feature phase ID --auto";
	struct cmd_flag flags[] = {{"reason", 1, NULL}, {"auto", 0, NULL}, {NULL, 0, NULL}};
	const char *pos[2] = {0};
	int npos;
	if (cmd_parse(c, argc, argv, flags, pos, 2, &npos, usage) != 0)
		return EXIT_USAGE;
	bool autop = cmd_flag(flags, "auto") != NULL;
	const char *reason = cmd_flag(flags, "reason");
	if (npos < 1 || (autop ? npos != 1 : npos != 2 || !reason || !*reason)) {
		sd_error(autop || npos < 2 ? "feature phase needs an ID and a PHASE with --reason, or --auto"
					   : "a phase set by hand needs --reason TEXT");
		fprintf(stderr, "usage: shipdeck %s\n", usage);
		return EXIT_USAGE;
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

int cmd_feature(struct ctx *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct ctx *, int, char **);
	} subs[] = {
		{"add", feature_add}, {"list", feature_list}, {"show", feature_show},
		{"set", feature_set}, {"rm", feature_rm}, {"phase", feature_phase},
	};
	if (argc < 2) {
		sd_error("feature needs a subcommand: add, list, show, set, rm or phase");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(c, argc - 1, argv + 1);
	sd_error("unknown feature subcommand '%s' (add, list, show, set, rm, phase)", argv[1]);
	return EXIT_USAGE;
}
