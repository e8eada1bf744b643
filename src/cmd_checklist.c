/* cmd_checklist — `checklist`, `check` and `gate`: the pre-deployment
 * discipline of the seed guide. With ANY pre-deployment item open, the gate
 * says no-go (spec §10); its exit status lets a pipeline ask before it
 * deploys (0 go, 1 no-go, 2 error). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "commands.h"
#include "context.h"
#include "model.h"
#include "snapshot.h"
#include "store.h"
#include "text.h"
#include "timeutil.h"

static const struct dash_feature *find_in_dash(const struct dash *d, const struct feature *f)
{
	for (size_t i = 0; i < d->nfeatures; i++)
		if (d->features[i].id == f->id)
			return &d->features[i];
	return NULL;
}

/* Loads the feature named on the command line; prints the error itself. */
static int feature_arg(struct ctx *c, const char *id, struct feature *f)
{
	struct store *st = ctx_store(c);
	return st ? feature_load(st, id, f) : -1;
}

/* ---- checklist ---------------------------------------------------------------- */

static void check_line_text(struct strbuf *out, const struct dash_check *ch)
{
	char when[24];
	sb_addf(out, "  [%c] %-22s ", ch->done ? 'x' : ' ', ch->id);
	sb_add_clean(out, ch->text);
	if (ch->done) {
		sb_add(out, "  (");
		sb_add_clean(out, ch->by ? ch->by : "?");
		if (ch->at != SD_NO_TIME)
			sb_addf(out, ", %s", time_format_short(ch->at, when));
		sb_add(out, ")");
		if (ch->note) {
			sb_add(out, " — ");
			sb_add_clean(out, ch->note);
		}
	}
	sb_addc(out, '\n');
}

static void check_json(struct strbuf *out, const struct dash_check *ch)
{
	char when[24];
	sb_addf(out, "{\"kind\": \"%s\", \"id\": ", checklist_kind_id(ch->kind));
	json_add_string(out, ch->id);
	sb_add(out, ", \"text\": ");
	json_add_string(out, ch->text);
	sb_addf(out, ", \"done\": %s, \"by\": ", ch->done ? "true" : "false");
	json_add_string(out, ch->by);
	sb_add(out, ", \"at\": ");
	if (ch->at == SD_NO_TIME)
		sb_add(out, "null");
	else
		sb_addf(out, "\"%s\"", time_format_iso(ch->at, when));
	sb_add(out, ", \"note\": ");
	json_add_string(out, ch->note);
	sb_add(out, "}");
}

int cmd_checklist(struct ctx *c, int argc, char **argv)
{
	static const char usage[] = "checklist FEATURE [--kind planning|predeploy] [--json]";
	struct cmd_flag flags[] = {{"kind", 1, NULL}, {"json", 0, NULL}, {NULL, 0, NULL}};
	const char *pos[1];
	int npos;
	if (cmd_parse(c, argc, argv, flags, pos, 1, &npos, usage) != 0)
		return EXIT_USAGE;
	if (npos != 1) {
		fprintf(stderr, "usage: shipdeck %s\n", usage);
		return EXIT_USAGE;
	}
	enum checklist_kind kind = CHECKLIST_KIND_COUNT;
	if (cmd_flag(flags, "kind") && (!checklist_kind_parse(cmd_flag(flags, "kind"), &kind) ||
					(kind != CHECKLIST_PLANNING && kind != CHECKLIST_PREDEPLOY))) {
		sd_error("--kind %s: must be planning or predeploy", cmd_flag(flags, "kind"));
		return EXIT_USAGE;
	}
	struct feature f = {0};
	if (feature_arg(c, pos[0], &f) != 0)
		return EXIT_USAGE;
	struct dash d;
	int rc = model_build(c, &d);
	const struct dash_feature *df = rc == 0 ? find_in_dash(&d, &f) : NULL;
	if (df) {
		struct strbuf out = STRBUF_INIT;
		bool json = cmd_flag(flags, "json") != NULL;
		sb_add(&out, json ? "[" : "");
		int shown = 0;
		for (size_t i = 0; i < df->nchecks; i++) {
			const struct dash_check *ch = &df->checks[i];
			if (kind != CHECKLIST_KIND_COUNT && ch->kind != kind)
				continue;
			if (json) {
				sb_add(&out, shown ? ",\n  " : "\n  ");
				check_json(&out, ch);
			} else {
				if (i == 0 || df->checks[i - 1].kind != ch->kind) {
					const char *t = checklist_of(&d.checklists, ch->kind)->title;
					size_t tl = strlen(t);
					bool punct = tl && strchr("?:.!", t[tl - 1]);
					sb_addf(&out, "%s%s%s\n", shown ? "\n" : "", t, punct ? "" : ":");
				}
				check_line_text(&out, ch);
			}
			shown++;
		}
		sb_add(&out, json ? (shown ? "\n]\n" : "]\n") : "");
		fputs(sb_str(&out), stdout);
		sb_free(&out);
	}
	model_free(&d);
	feature_free(&f);
	return df ? EXIT_OK : EXIT_USAGE;
}

/* ---- check ---------------------------------------------------------------------- */

/* Finds the item in planning, pre-deployment and sprint lists (or the one
 * --kind names); prints the valid ids when there is no such item. */
static const struct checklist_item *find_item(const struct checklists *cl, const char *kind_flag,
					      const char *id, enum checklist_kind *kind)
{
	static const enum checklist_kind search[] = {CHECKLIST_PLANNING, CHECKLIST_PREDEPLOY, CHECKLIST_SPRINT};
	if (kind_flag) {
		if (!checklist_kind_parse(kind_flag, kind)) {
			sd_error("--kind %s: must be planning, predeploy or sprint", kind_flag);
			return NULL;
		}
		char *why = NULL;
		const struct checklist_item *it = checklist_find(cl, *kind, id, &why);
		if (!it)
			sd_error("%s", why);
		free(why);
		return it;
	}
	for (size_t k = 0; k < ARRAY_SIZE(search); k++) {
		char *why = NULL;
		const struct checklist_item *it = checklist_find(cl, search[k], id, &why);
		free(why);
		if (it) {
			*kind = search[k];
			return it;
		}
	}
	struct strbuf valid = STRBUF_INIT;
	for (size_t k = 0; k < ARRAY_SIZE(search); k++) {
		const struct checklist *l = checklist_of(cl, search[k]);
		sb_addf(&valid, "%s%s:", k ? "; " : "", checklist_kind_id(search[k]));
		for (size_t i = 0; i < l->n; i++)
			sb_addf(&valid, " %s", l->items[i].id);
	}
	char *clean = text_clean(id, TEXT_ONE_LINE);
	sd_error("unknown checklist item '%s' (valid ids: %s)", clean, sb_str(&valid));
	free(clean);
	sb_free(&valid);
	return NULL;
}

/* Ticks (or unticks) every item in one transaction: all or nothing. */
static int write_ticks(struct ctx *c, const struct feature *f, const enum checklist_kind *kinds,
		       const char *const *items, int n, bool undo, const char *note)
{
	struct store *st = ctx_store(c);
	if (store_begin(st) != 0) {
		sd_error("%s", store_errmsg(st));
		return EXIT_USAGE;
	}
	int *changed = xcalloc((size_t)n, sizeof *changed);
	bool failed = false;
	for (int i = 0; i < n && !failed; i++) {
		struct check_tick t = {f->id, (char *)checklist_kind_id(kinds[i]), (char *)items[i],
				       (char *)ctx_user(c), c->now, (char *)note};
		changed[i] = undo ? store_tick_clear(st, f->id, t.kind, items[i]) : store_tick_set(st, &t);
		failed = changed[i] < 0;
	}
	if (failed || store_commit(st) != 0) {
		sd_error("%s (nothing was ticked)", store_errmsg(st));
		store_rollback(st);
		free(changed);
		return EXIT_USAGE;
	}
	for (int i = 0; i < n; i++)
		printf(undo ? (changed[i] ? "unticked %s\n" : "%s was not ticked\n") : "ticked %s\n", items[i]);
	free(changed);
	return EXIT_OK;
}

#define MAX_ITEMS 64

int cmd_check(struct ctx *c, int argc, char **argv)
{
	static const char usage[] = "check FEATURE ITEM... [--undo] [--note TEXT] [--kind KIND]";
	struct cmd_flag flags[] = {{"undo", 0, NULL}, {"note", 1, NULL}, {"kind", 1, NULL}, {NULL, 0, NULL}};
	const char *pos[MAX_ITEMS + 1];
	int npos;
	if (cmd_parse(c, argc, argv, flags, pos, MAX_ITEMS + 1, &npos, usage) != 0)
		return EXIT_USAGE;
	if (npos < 2) {
		sd_error("check needs a FEATURE and an ITEM (see 'shipdeck checklist FEATURE')");
		fprintf(stderr, "usage: shipdeck %s\n", usage);
		return EXIT_USAGE;
	}
	struct feature f = {0};
	if (feature_arg(c, pos[0], &f) != 0)
		return EXIT_USAGE;
	struct checklists cl;
	int rc = EXIT_USAGE;
	if (checklists_setup(c, &cl)) {
		enum checklist_kind kinds[MAX_ITEMS];
		int found = 0;
		while (found < npos - 1 && find_item(&cl, cmd_flag(flags, "kind"), pos[found + 1], &kinds[found]))
			found++;
		if (found == npos - 1)
			rc = write_ticks(c, &f, kinds, pos + 1, npos - 1, cmd_flag(flags, "undo") != NULL,
					 cmd_flag(flags, "note"));
		checklists_free(&cl);
	}
	feature_free(&f);
	return rc;
}

/* ---- gate ------------------------------------------------------------------------ */

static void gate_text(const struct dash *d, const struct dash_feature *df)
{
	char when[24];
	char *key = text_clean(df->key ? df->key : "", TEXT_ONE_LINE);
	char *title = text_clean(df->title, TEXT_ONE_LINE);
	printf("%s: %s%s%s at %s UTC\n", df->gate_go ? "GO" : "NO-GO", key, *key ? " " : "", title,
	       time_format_short(d->now, when));
	for (size_t i = 0; i < df->ngate; i++)
		printf("  %-5s %s\n", gate_level_id(df->gate[i].level), df->gate[i].text);
	free(key);
	free(title);
}

static void gate_json(const struct dash *d, const struct dash_feature *df)
{
	struct strbuf out = STRBUF_INIT;
	char when[24];
	sb_addf(&out, "{\"feature\": %lld, \"key\": ", (long long)df->id);
	json_add_string(&out, df->key);
	sb_addf(&out, ", \"at\": \"%s\", \"gate\": \"%s\", \"reasons\": [", time_format_iso(d->now, when),
		df->gate_go ? "go" : "no-go");
	for (size_t i = 0; i < df->ngate; i++) {
		sb_addf(&out, "%s{\"level\": \"%s\", \"text\": ", i ? ", " : "", gate_level_id(df->gate[i].level));
		json_add_string(&out, df->gate[i].text);
		sb_add(&out, "}");
	}
	sb_addf(&out, "], \"window\": %s}\n", d->has_window ? "" : "null");
	if (d->has_window) {
		out.len -= 2; /* replace the "}\n" closing with the window object */
		out.buf[out.len] = '\0';
		sb_addf(&out, "{\"verdict\": \"%s\", \"reason\": ", window_verdict_id(d->window.verdict));
		json_add_string(&out, d->window.reason);
		sb_add(&out, "}}\n");
	}
	fputs(sb_str(&out), stdout);
	sb_free(&out);
}

int cmd_gate(struct ctx *c, int argc, char **argv)
{
	static const char usage[] = "gate FEATURE [--at TIME] [--json]";
	struct cmd_flag flags[] = {{"at", 1, NULL}, {"json", 0, NULL}, {NULL, 0, NULL}};
	const char *pos[1];
	int npos;
	if (cmd_parse(c, argc, argv, flags, pos, 1, &npos, usage) != 0)
		return EXIT_USAGE;
	if (npos != 1) {
		fprintf(stderr, "usage: shipdeck %s\n", usage);
		return EXIT_USAGE;
	}
	const char *at = cmd_flag(flags, "at");
	enum time_parse_status ts = at ? time_parse_iso_status(at, &c->now) : TIME_OK;
	if (ts != TIME_OK) {
		sd_error("--at %s: %s", at, ts == TIME_OUT_OF_RANGE ? TIME_RANGE_WHY
			 : "not an ISO 8601 time (e.g. 2026-11-27T09:00-07:00)");
		return EXIT_USAGE;
	}
	struct feature f = {0};
	if (feature_arg(c, pos[0], &f) != 0)
		return EXIT_USAGE;
	struct dash d;
	int rc = EXIT_USAGE;
	if (model_build(c, &d) == 0) {
		const struct dash_feature *df = find_in_dash(&d, &f);
		if (cmd_flag(flags, "json"))
			gate_json(&d, df);
		else
			gate_text(&d, df);
		rc = df->gate_go ? EXIT_OK : EXIT_NOGO;
	}
	model_free(&d);
	feature_free(&f);
	return rc;
}
