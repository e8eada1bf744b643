/* cmd_checklist — `checklist`, `check` and `gate`: the pre-deployment
 * discipline of the seed guide. With ANY pre-deployment item open, the gate
 * says no-go (docs/metrics.md §10); its exit status lets a pipeline ask before it
 * deploys (0 go, 1 no-go, 2 error). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "loaders.h"
#include "commands.h"
#include "context.h"
#include "model.h"
#include "jsonw.h"
#include "present.h"
#include "store.h"
#include "text.h"
#include "timearg.h"
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

/* "open", "done" or "na": an item's state as JSON and tests name it. */
static const char *check_state_id(const struct dash_check *ch)
{
	return ch->done ? "done" : ch->na ? "na" : "open";
}

static void check_line_text(struct strbuf *out, const struct dash_check *ch)
{
	char when[24];
	sb_addf(out, "  [%c] %-22s ", ch->done ? 'x' : ch->na ? '-' : ' ', ch->id);
	sb_add_clean(out, ch->text);
	if (ch->na) {
		sb_add(out, "  N/A: ");
		sb_add_clean(out, ch->note ? ch->note : "(no reason given)");
	}
	if (ch->done || (ch->na && ch->by)) {
		sb_add(out, "  (");
		sb_add_clean(out, ch->by ? ch->by : "?");
		if (ch->at != SD_NO_TIME)
			sb_addf(out, ", %s", time_format_short(ch->at, when));
		sb_add(out, ")");
		if (ch->done && ch->note) {
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
	json_add_string(out, ch->done ? ch->note : NULL);
	sb_addf(out, ", \"state\": \"%s\", \"na_reason\": ", check_state_id(ch));
	json_add_string(out, ch->na ? ch->note : NULL);
	sb_addf(out, ", \"na_by_config\": %s}", ch->na_config ? "true" : "false");
}

static int cmd_checklist(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	if (a->npos != 1)
		return cmd_usage_error(a, "checklist needs a FEATURE");
	enum checklist_kind kind = CHECKLIST_KIND_COUNT;
	if (cmd_arg(a, "kind") && (!checklist_kind_parse(cmd_arg(a, "kind"), &kind) ||
					(kind != CHECKLIST_PLANNING && kind != CHECKLIST_PREDEPLOY))) {
		sd_error("--kind %s: must be planning or predeploy", cmd_arg(a, "kind"));
		return EXIT_USAGE;
	}
	struct feature f = {0};
	if (feature_arg(c, pos[0], &f) != 0)
		return EXIT_USAGE;
	struct dash d;
	int rc = cmd_model_build(c, &d);
	const struct dash_feature *df = rc == 0 ? find_in_dash(&d, &f) : NULL;
	if (df) {
		struct strbuf out = STRBUF_INIT;
		bool json = cmd_arg(a, "json") != NULL;
		sb_add(&out, json ? "{\"schema\": \"shipdeck.checklist/1\", \"items\": [" : "");
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
		sb_add(&out, json ? (shown ? "\n]}\n" : "]}\n") : "");
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
	checklists_valid_ids(cl, &valid);
	char *clean = text_clean(id, TEXT_ONE_LINE);
	sd_error("unknown checklist item '%s' (valid ids: %s)", clean, sb_str(&valid));
	free(clean);
	sb_free(&valid);
	return NULL;
}

/* What `check` does to each item. */
enum check_action { ACT_TICK, ACT_NA, ACT_CLEAR };

/* "sam at 2026-11-24 10:00 UTC" (cleaned: the name is outside text). */
static void add_who_when(struct strbuf *out, const struct check_tick *t)
{
	char when[24];
	sb_add_clean(out, t->by ? t->by : "someone");
	if (t->at != SD_NO_TIME)
		sb_addf(out, " at %s UTC", time_format_short(t->at, when));
}

/* Says what happened to one item; the item as it was is `was` (found: 1). */
static void say_change(struct strbuf *out, enum check_action act, const char *item, int found,
		       const struct check_tick *was, const char *reason)
{
	bool had_tick = found == 1 && !was->na, had_na = found == 1 && was->na;
	if (act == ACT_TICK && had_tick) {
		sb_addf(out, "%s was already ticked by ", item);
		add_who_when(out, was);
		sb_add(out, "; left as it was\n");
	} else if (act == ACT_NA && had_na) {
		sb_addf(out, "%s was already marked not applicable by ", item);
		add_who_when(out, was);
		sb_add(out, ": ");
		sb_add_clean(out, was->note ? was->note : "");
		sb_add(out, "; left as it was (uncheck it first to give another reason)\n");
	} else if (act == ACT_CLEAR) {
		if (!found)
			sb_addf(out, "%s was neither ticked nor marked not applicable\n", item);
		else
			sb_addf(out, "%s %s (it was %s by ", had_na ? "cleared" : "unticked", item,
				had_na ? "marked not applicable" : "ticked");
		if (found) {
			add_who_when(out, was);
			sb_add(out, "); it is open again\n");
		}
	} else {
		if (act == ACT_TICK)
			sb_addf(out, "ticked %s", item);
		else {
			sb_addf(out, "marked %s not applicable: ", item);
			sb_add_clean(out, reason);
		}
		if (found) {
			sb_addf(out, " (it was %s by ", had_na ? "marked not applicable" : "ticked");
			add_who_when(out, was);
			sb_add(out, ")");
		}
		sb_addc(out, '\n');
	}
}

/* Applies act to one item inside the open transaction: 0, or -1. */
static int change_one(struct ctx *c, const struct feature *f, enum checklist_kind kind,
		      const char *item, enum check_action act, const char *text, struct strbuf *out)
{
	struct store *st = ctx_store(c);
	const char *k = checklist_kind_id(kind);
	struct check_tick was;
	int found = store_tick_get(st, f->id, k, item, &was);
	int rc = found < 0 ? -1 : 0;
	bool same = found == 1 && ((act == ACT_TICK && !was.na) || (act == ACT_NA && was.na));
	if (rc == 0 && act == ACT_CLEAR && found == 1)
		rc = store_tick_clear(st, f->id, k, item) < 0 ? -1 : 0;
	else if (rc == 0 && act != ACT_CLEAR && !same) {
		struct check_tick t = {f->id, (char *)k, (char *)item, (char *)ctx_user(c), c->now,
				       (char *)text, act == ACT_NA};
		rc = store_tick_set(st, &t);
	}
	if (rc == 0)
		say_change(out, act, item, found, &was, text);
	if (found == 1)
		check_tick_clear(&was);
	return rc;
}

/* Changes every item in one transaction: all or nothing. */
static int write_ticks(struct ctx *c, const struct feature *f, const enum checklist_kind *kinds,
		       const char *const *items, int n, enum check_action act, const char *text)
{
	struct store *st = ctx_store(c);
	if (store_begin(st) != 0) {
		sd_error("%s", store_errmsg(st));
		return EXIT_USAGE;
	}
	struct strbuf out = STRBUF_INIT;
	bool failed = false;
	for (int i = 0; i < n && !failed; i++)
		failed = change_one(c, f, kinds[i], items[i], act, text, &out) != 0;
	if (failed || store_commit(st) != 0) {
		sd_error("%s (nothing was changed)", store_errmsg(st));
		store_rollback(st);
		sb_free(&out);
		return EXIT_USAGE;
	}
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	return EXIT_OK;
}

#define MAX_ITEMS 64

/* check and uncheck: FEATURE ITEM..., each item found before anything is written. */
static int change_items(struct ctx *c, const char *const *pos, int npos, const char *kind_flag,
			enum check_action act, const char *text)
{
	struct feature f = {0};
	if (feature_arg(c, pos[0], &f) != 0)
		return EXIT_USAGE;
	struct checklists cl;
	int rc = EXIT_USAGE;
	if (cmd_checklists_setup(c, &cl)) {
		enum checklist_kind kinds[MAX_ITEMS];
		int found = 0;
		while (found < npos - 1 && find_item(&cl, kind_flag, pos[found + 1], &kinds[found]))
			found++;
		if (found == npos - 1)
			rc = write_ticks(c, &f, kinds, pos + 1, npos - 1, act, text);
		checklists_free(&cl);
	}
	feature_free(&f);
	return rc;
}

static int cmd_check(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	int npos = a->npos;
	if (npos < 2)
		return cmd_usage_error(a, "check needs a FEATURE and an ITEM (see 'shipdeck checklist FEATURE')");
	const char *na = cmd_arg(a, "na"), *note = cmd_arg(a, "note");
	bool undo = cmd_arg(a, "undo") != NULL;
	if (na && (note || undo)) {
		sd_error("--na takes the reason itself: give it without %s", note ? "--note" : "--undo");
		return EXIT_USAGE;
	}
	if (na && !*na) {
		sd_error("--na needs a reason, e.g. --na 'this project has no database'");
		return EXIT_USAGE;
	}
	enum check_action act = undo ? ACT_CLEAR : na ? ACT_NA : ACT_TICK;
	return change_items(c, pos, npos, cmd_arg(a, "kind"), act, na ? na : note);
}

static int cmd_uncheck(struct ctx *c, struct cmd_args *a)
{
	if (a->npos < 2)
		return cmd_usage_error(a, "uncheck needs a FEATURE and an ITEM (see 'shipdeck checklist FEATURE')");
	return change_items(c, a->pos, a->npos, cmd_arg(a, "kind"), ACT_CLEAR, NULL);
}

/* ---- gate ------------------------------------------------------------------------ */

static void gate_text(struct ctx *c, const struct dash *d, const struct dash_feature *df)
{
	char *key = text_clean(df->key ? df->key : "", TEXT_ONE_LINE);
	char *title = text_clean(df->title, TEXT_ONE_LINE);
	char *when = timearg_local(c, d->now);
	printf("%s: %s%s%s at %s\n", df->gate_go ? "GO" : "NO-GO", key, *key ? " " : "", title, when);
	free(when);
	struct strbuf flags = STRBUF_INIT;
	present_flag_words(&flags, present_feature_flags(df));
	if (flags.len)
		printf("  flags %s\n", sb_str(&flags));
	sb_free(&flags);
	for (size_t i = 0; i < df->ngate; i++)
		printf("  %-5s %s\n", gate_level_id(df->gate[i].level), df->gate[i].text);
	free(key);
	free(title);
}

static void window_json(struct strbuf *out, const struct window_result *w)
{
	sb_addf(out, "{\"verdict\": \"%s\", \"when\": ", window_verdict_id(w->verdict));
	json_add_string(out, w->when);
	sb_addf(out, ", \"local\": \"%s\", \"timezone\": ", w->local_iso);
	json_add_string(out, w->zone);
	sb_add(out, ", \"reason\": ");
	json_add_string(out, w->reason);
}

static void gate_json(const struct dash *d, const struct dash_feature *df)
{
	struct strbuf out = STRBUF_INIT;
	sb_addf(&out, "{\"schema\": \"shipdeck.gate/1\", \"feature\": %lld", (long long)df->id);
	json_field_str(&out, "key", df->key);
	json_field_time(&out, "at", d->now);
	json_field_str(&out, "gate", df->gate_go ? "go" : "no-go");
	json_field_str(&out, "commit", df->judged_commit);
	json_field_str(&out, "branch", df->branch);
	json_field_bool(&out, "merged", df->merge_commit != NULL);
	json_field_str(&out, "phase", df->phase);
	/* the feature's flags as the board and the snapshot show them */
	unsigned flags = present_feature_flags(df);
	json_field_bool(&out, "attention", (flags & FLAGS_ATTENTION) != 0);
	sb_add(&out, ", \"flags\": [");
	for (int k = 0, n = 0; k < FLAG_COUNT; k++)
		if (flags & (1u << k)) {
			sb_add(&out, n++ ? ", " : "");
			json_add_string(&out, present_flag_word((enum feature_flag)k));
		}
	sb_add(&out, "], \"reasons\": [");
	for (size_t i = 0; i < df->ngate; i++) {
		sb_addf(&out, "%s{\"level\": \"%s\"", i ? ", " : "", gate_level_id(df->gate[i].level));
		json_field_str(&out, "text", df->gate[i].text);
		sb_add(&out, "}");
	}
	sb_add(&out, "], \"window\": ");
	if (d->has_window) {
		window_json(&out, &d->window);
		sb_add(&out, ", \"next_good\": ");
		if (d->window.verdict == WINDOW_GOOD) {
			window_json(&out, &d->window); /* the window is good now: it is the next good one */
			sb_add(&out, "}");
		} else if (d->has_next_good) {
			window_json(&out, &d->next_good);
			sb_add(&out, "}");
		} else {
			sb_add(&out, "null");
		}
		sb_add(&out, "}");
	} else {
		sb_add(&out, "null");
	}
	sb_add(&out, "}\n");
	fputs(sb_str(&out), stdout);
	sb_free(&out);
}

static int cmd_gate(struct ctx *c, struct cmd_args *a)
{
	const char **pos = a->pos;
	if (a->npos != 1)
		return cmd_usage_error(a, "gate needs a FEATURE");
	const char *at = cmd_arg(a, "at");
	if (at && !timearg_parse(c, "at", at, &c->now))
		return EXIT_USAGE;
	struct feature f = {0};
	if (feature_arg(c, pos[0], &f) != 0)
		return EXIT_USAGE;
	struct dash d;
	int rc = EXIT_USAGE;
	if (cmd_model_build(c, &d) == 0) {
		const struct dash_feature *df = find_in_dash(&d, &f);
		if (cmd_arg(a, "json"))
			gate_json(&d, df);
		else
			gate_text(c, &d, df);
		rc = df->gate_go ? EXIT_OK : EXIT_NOGO;
	}
	model_free(&d);
	feature_free(&f);
	return rc;
}

/* ---- the command table ------------------------------------------------------- */

const struct cmd_entry cmd_checklist_entry = {
	.name = "checklist", .args = "FEATURE", .maxpos = 1, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"kind", "planning|predeploy", "only this list", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "a feature's planning and pre-deployment items, who ticked them and when",
	.run = cmd_checklist,
};
const struct cmd_entry cmd_check_entry = {
	.name = "check", .args = "FEATURE ITEM...", .maxpos = MAX_ITEMS + 1,
	.opts = (const struct cmd_opt[]){
		{"note", "TEXT", "a note kept with each tick", 0, NULL},
		{"na", "REASON", "mark the items not applicable, for this reason", 0, NULL},
		{"undo", NULL, "clear the items instead (as uncheck does)", 0, NULL},
		{"kind", "planning|predeploy|sprint", "the list the items are in (default: found)", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "tick checklist items, or mark them not applicable (--na), all in one transaction",
	.run = cmd_check,
};
const struct cmd_entry cmd_uncheck_entry = {
	.name = "uncheck", .args = "FEATURE ITEM...", .maxpos = MAX_ITEMS + 1,
	.opts = (const struct cmd_opt[]){
		{"kind", "planning|predeploy|sprint", "the list the items are in (default: found)", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "clear a tick or a not-applicable mark: the item is open again", .run = cmd_uncheck,
};
const struct cmd_entry cmd_gate_entry = {
	.name = "gate", .args = "FEATURE", .maxpos = 1, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"at", "TIME", "judge as of this time instead of now", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "go or no-go for deploying a feature, with every reason (exit 0 go, 1 no-go)",
	.run = cmd_gate,
};
