/* cmd_advise — `advise strategy`, `advise rollback` and `window`: the
 * commands over advice.c (pure) and src/loaders.c (the zone, holidays and
 * window table, read from files). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "checklists.h"
#include "context.h"
#include "datafiles.h"
#include "files.h"
#include "jsonw.h"
#include "loaders.h"
#include "text.h"
#include "timearg.h"
#include "timeutil.h"
#include "util.h"

#include "commands.h"

/* ---- output helpers ------------------------------------------------------- */

static void print_clean(const char *prefix, const char *s)
{
	char *t = text_clean(s, TEXT_ONE_LINE);
	printf("%s%s\n", prefix, t);
	free(t);
}

static void json_reasons(struct strbuf *out, const struct reasons *r)
{
	sb_add(out, "[");
	for (size_t i = 0; i < r->n; i++) {
		sb_add(out, i ? ", " : "");
		json_add_string(out, r->lines[i]);
	}
	sb_add(out, "]");
}

static void print_json(struct strbuf *out)
{
	sb_addc(out, '\n');
	fputs(sb_str(out), stdout);
	sb_free(out);
}

static int usage_error(const struct cmd_args *a, const char *flag, const char *fmt, const char *arg)
{
	if (!arg) /* The flag is absent: say that, not "got ''". */
		return cmd_usage_error(a, "missing --%s", flag);
	char *shown = text_clean(arg, TEXT_ONE_LINE);
	struct strbuf msg = STRBUF_INIT;
	sb_addf(&msg, fmt, shown);
	cmd_usage_error(a, "%s", sb_str(&msg));
	sb_free(&msg);
	free(shown);
	return EXIT_USAGE;
}

static bool load_advice(struct advice_table *t)
{
	char why[240];
	if (advice_table_parse(data_file("advice.json", NULL), t, why, sizeof(why)))
		return true;
	sd_error("%s", why);
	return false;
}

static char *hold_text(int minutes, char *buf, size_t cap)
{
	if (minutes == 0)
		snprintf(buf, cap, "-");
	else if (minutes % 60 == 0)
		snprintf(buf, cap, "hold %d h", minutes / 60);
	else
		snprintf(buf, cap, "hold %d min", minutes);
	return buf;
}

/* ---- advise strategy -------------------------------------------------------- */

static void strategy_text(const struct strategy_advice *a)
{
	printf("strategy: %s\n", strategy_id(a->strategy));
	for (size_t i = 0; i < a->why.n; i++)
		print_clean("  why: ", a->why.lines[i]);
	if (!a->nplan)
		return;
	printf("rollout plan:\n");
	for (size_t i = 0; i < a->nplan; i++) {
		char hold[32], *watch = text_clean(a->plan[i].watch, TEXT_ONE_LINE);
		printf("  %3d %%  %-11s watch: %s\n", a->plan[i].pct,
		       hold_text(a->plan[i].hold_minutes, hold, sizeof(hold)), watch);
		free(watch);
	}
}

static void strategy_json(const struct strategy_advice *a, enum users_affected users,
			  long minutes, enum business_impact impact)
{
	static const char *const bands[] = {"fast", "medium", "slow"};
	struct strbuf out = STRBUF_INIT;
	sb_addf(&out, "{\"schema\": \"shipdeck.advise-strategy/1\", \"advice\": \"strategy\", \"answers\": {\"users\": \"%s\", "
		"\"rollback_minutes\": %ld, \"impact\": \"%s\"}, \"strategy\": \"%s\", "
		"\"rollback_band\": \"%s\", \"reasons\": ", users_id(users), minutes,
		impact_id(impact), strategy_id(a->strategy), bands[a->band]);
	json_reasons(&out, &a->why);
	sb_add(&out, ", \"plan\": [");
	for (size_t i = 0; i < a->nplan; i++) {
		sb_addf(&out, "%s{\"pct\": %d, \"hold_minutes\": %d, \"watch\": ", i ? ", " : "",
			a->plan[i].pct, a->plan[i].hold_minutes);
		json_add_string(&out, a->plan[i].watch);
		sb_add(&out, "}");
	}
	sb_add(&out, "]}");
	print_json(&out);
}

static int advise_strategy_cmd(struct ctx *c, struct cmd_args *args)
{
	(void)c;
	enum users_affected users;
	enum business_impact impact;
	long long minutes;
	const char *u = cmd_arg(args, "users"), *m = cmd_arg(args, "rollback-minutes");
	const char *i = cmd_arg(args, "impact");
	if (!u || !users_parse(u, &users))
		return usage_error(args, "users",
				   "--users must be all, some or few (got '%s')", u);
	if (!m || !parse_long(m, 0, 1000000, &minutes))
		return usage_error(args, "rollback-minutes",
				   "--rollback-minutes must be a whole number of minutes (got '%s')", m);
	if (!i || !impact_parse(i, &impact))
		return usage_error(args, "impact",
				   "--impact must be revenue, inconvenience or minor (got '%s')", i);
	struct advice_table t;
	if (!load_advice(&t))
		return EXIT_USAGE;
	struct strategy_advice a;
	advise_strategy(&t, users, (long)minutes, impact, &a);
	if (cmd_arg(args, "json"))
		strategy_json(&a, users, (long)minutes, impact);
	else
		strategy_text(&a);
	strategy_advice_free(&a);
	advice_table_free(&t);
	return EXIT_OK;
}

/* ---- advise rollback ---------------------------------------------------------- */

static int advise_rollback_cmd(struct ctx *c, struct cmd_args *args)
{
	(void)c;
	enum severity sev;
	long long minutes;
	const char *s = cmd_arg(args, "severity"), *r = cmd_arg(args, "root-cause");
	const char *m = cmd_arg(args, "fix-minutes");
	if (!s || !severity_parse(s, &sev))
		return usage_error(args, "severity",
				   "--severity must be critical, major or minor (got '%s')", s);
	if (!r || (!streq(r, "known") && !streq(r, "unknown")))
		return usage_error(args, "root-cause",
				   "--root-cause must be known or unknown (got '%s')", r);
	if (!m || !parse_long(m, 0, 1000000, &minutes))
		return usage_error(args, "fix-minutes",
				   "--fix-minutes must be a whole number of minutes (got '%s')", m);
	struct advice_table t;
	if (!load_advice(&t))
		return EXIT_USAGE;
	struct recovery_advice a;
	bool known = streq(r, "known");
	advise_recovery(&t, sev, known, (long)minutes, &a);
	if (cmd_arg(args, "json")) {
		struct strbuf out = STRBUF_INIT;
		sb_addf(&out, "{\"schema\": \"shipdeck.advise-rollback/1\", \"advice\": \"rollback\", \"answers\": {\"severity\": \"%s\", "
			"\"root_cause\": \"%s\", \"fix_minutes\": %lld}, \"decision\": \"%s\", "
			"\"reasons\": ", severity_id(sev), known ? "known" : "unknown", minutes,
			recovery_id(a.decision));
		json_reasons(&out, &a.why);
		sb_add(&out, "}");
		print_json(&out);
	} else {
		printf("decision: %s\n", a.decision == RECOVERY_ROLLBACK ? "roll back" : "fix forward");
		for (size_t i = 0; i < a.why.n; i++)
			print_clean("  why: ", a.why.lines[i]);
	}
	recovery_advice_free(&a);
	advice_table_free(&t);
	return EXIT_OK;
}

/* ---- window -------------------------------------------------------------------- */

static int cmd_window(struct ctx *c, struct cmd_args *a)
{
	int64_t at = c->now;
	const char *at_flag = cmd_arg(a, "at");
	if (at_flag && !timearg_parse(c, "at", at_flag, &at))
		return EXIT_USAGE;
	struct window_setup ws;
	bool have_window = window_setup_load(c, &ws);
	ctx_report(c);
	if (!have_window)
		return EXIT_USAGE;
	struct window_result w, next;
	window_judge(&ws.table, &ws.zone, &ws.holidays, at, &w);
	int64_t next_at;
	/* eight weeks: past any run of holidays a team would configure */
	bool has_next = w.verdict != WINDOW_GOOD &&
			window_next_good(&ws.table, &ws.zone, &ws.holidays, at, 56, &next, &next_at);
	char iso[24];
	if (cmd_arg(a, "json")) {
		struct strbuf out = STRBUF_INIT;
		sb_addf(&out, "{\"schema\": \"shipdeck.window/1\", \"at\": \"%s\", \"timezone\": ",
			time_format_iso(at, iso));
		json_add_string(&out, ws.zone.name);
		sb_addf(&out, ", \"local\": \"%s\", \"when\": ", w.local_iso);
		json_add_string(&out, w.when);
		sb_addf(&out, ", \"verdict\": \"%s\", \"rule\": ", window_verdict_id(w.verdict));
		json_add_string(&out, w.rule);
		sb_add(&out, ", \"reason\": ");
		json_add_string(&out, w.reason);
		sb_add(&out, ", \"next_good\": ");
		if (has_next) {
			sb_addf(&out, "{\"at\": \"%s\", \"local\": \"%s\", \"when\": ",
				time_format_iso(next_at, iso), next.local_iso);
			json_add_string(&out, next.when);
			sb_add(&out, "}");
		} else {
			/* good now: this is the good window; else none within the search */
			sb_add(&out, "null");
		}
		sb_add(&out, "}");
		print_json(&out);
	} else {
		char *zone = text_clean(ws.zone.name, TEXT_ONE_LINE);
		char *when = text_clean(w.when, TEXT_ONE_LINE);
		printf("window: %s (%s, %s)\n", window_verdict_id(w.verdict), when, zone);
		print_clean("  why: ", w.reason);
		if (has_next)
			print_clean("  next good window: ", next.when);
		else if (w.verdict != WINDOW_GOOD)
			printf("  next good window: none in the next 8 weeks\n");
		free(zone);
		free(when);
	}
	window_setup_free(&ws);
	return EXIT_OK;
}

/* ---- the command table ------------------------------------------------------- */

static const struct cmd_entry advise_strategy_entry = {
	.name = "strategy", .maxpos = 0, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"users", "all|some|few", "how many users the change reaches", CMD_OPT_REQUIRED, NULL},
		{"rollback-minutes", "N", "how long a rollback takes", CMD_OPT_REQUIRED, NULL},
		{"impact", "revenue|inconvenience|minor", "what a failure costs", CMD_OPT_REQUIRED, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "which deployment strategy, with a rollout plan", .run = advise_strategy_cmd,
};
static const struct cmd_entry advise_rollback_entry = {
	.name = "rollback", .maxpos = 0, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"severity", "critical|major|minor", "how bad the incident is", CMD_OPT_REQUIRED, NULL},
		{"root-cause", "known|unknown", "whether the cause is known", CMD_OPT_REQUIRED, NULL},
		{"fix-minutes", "N", "how long a fix forward would take", CMD_OPT_REQUIRED, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "roll back or fix forward", .run = advise_rollback_cmd,
};

const struct cmd_entry cmd_advise_entry = {
	.name = "advise",
	.help = "which deployment strategy; roll back or fix forward",
	.subs = (const struct cmd_entry *const[]){&advise_strategy_entry, &advise_rollback_entry, NULL},
};
const struct cmd_entry cmd_window_entry = {
	.name = "window", .maxpos = 0, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"at", "TIME", "judge this time instead of now", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "is this a good time to deploy? the verdict and why, in the team's time zone",
	.run = cmd_window,
};
