/* cmd_advise — `advise strategy`, `advise rollback` and `window`: the I/O
 * side of advice.c. Reading the zoneinfo file, the holidays file and the
 * data tables happens here so that advice.c stays pure and testable. */
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
#include "text.h"
#include "timearg.h"
#include "timeutil.h"
#include "util.h"

#define USAGE_STRATEGY "advise strategy --users all|some|few --rollback-minutes N " \
	"--impact revenue|inconvenience|minor [--json]"
#define USAGE_ROLLBACK "advise rollback --severity critical|major|minor " \
	"--root-cause known|unknown --fix-minutes N [--json]"
#define USAGE_WINDOW "window [--at TIME] [--json]"

/* ---- loading ------------------------------------------------------------ */

bool tz_load(const char *name, struct tz_zone *z, char *why, size_t whylen)
{
	if (tz_fixed(name, z))
		return true;
	if (!tz_name_ok(name)) {
		snprintf(why, whylen, "timezone: not a zone name (use an IANA name such as "
			 "Europe/Berlin, UTC, or an offset such as +05:30)");
		return false;
	}
	const char *dir = getenv("TZDIR");
	char *path = xasprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	size_t len = 0;
	char reason[128];
	char *data = file_read(path, FILE_CAP_TIMEZONE, 0, &len, reason, sizeof reason);
	if (!data && errno == EISDIR)
		snprintf(why, whylen, "timezone '%s': a directory of zones, not a zone (%s holds "
			 "them: name one, such as '%s/<city>')", name, path, name);
	else if (!data && errno == ENOENT)
		snprintf(why, whylen, "timezone '%s': unknown zone (no %s)", name, path);
	else if (!data)
		snprintf(why, whylen, "timezone '%s': cannot read %s: %s", name, path, reason);
	free(path);
	if (!data)
		return false;
	bool ok = tz_parse_tzif(name, (const unsigned char *)data, len, z, why, whylen);
	free(data);
	return ok;
}

/* A list of dates, or else a file holding them (path: the value as a file
 * name, resolved against the config file that set it). */
static bool load_holidays(const char *value, const char *path, struct holidays *h, char *why,
			  size_t whylen)
{
	if (!value || !*value) {
		memset(h, 0, sizeof(*h));
		return true;
	}
	if (holidays_parse(value, h, why, whylen))
		return true;
	char reason[128] = "not a file name";
	char *data = strcmp(value, "-") == 0 ? NULL :
		file_read(path, FILE_CAP_HOLIDAYS, 0, NULL, reason, sizeof reason);
	char *shown = text_clean(path, TEXT_ONE_LINE);
	bool ok = data != NULL;
	if (!ok)
		snprintf(why, whylen, "holidays '%.80s': not a list of YYYY-MM-DD dates, nor a file "
			 "of them (%s)", shown, reason);
	/* The file may be anything the path names (a secret, say): a mistake in
	 * it is told by line, never by quoting its text. */
	int bad = ok ? holidays_parse_file(data, h) : 0;
	if (bad) {
		snprintf(why, whylen, "holidays file '%.80s': line %d is not a YYYY-MM-DD date "
			 "(dates separated by commas or new lines; '#' starts a comment)", shown, bad);
		ok = false;
	}
	free(shown);
	free(data);
	return ok;
}

bool window_setup_load(struct ctx *c, struct window_setup *ws)
{
	char why[240];
	memset(ws, 0, sizeof(*ws));
	if (!window_table_parse(data_file("window.json", NULL), &ws->table, why, sizeof(why))) {
		sd_error("%s", why);
		return false;
	}
	char *hpath = opt_path(&c->opt, OPT_HOLIDAYS);
	bool ok = tz_load(opt_str(&c->opt, OPT_TIMEZONE), &ws->zone, why, sizeof(why)) &&
		  load_holidays(opt_str(&c->opt, OPT_HOLIDAYS), hpath, &ws->holidays, why, sizeof(why));
	free(hpath);
	if (!ok) {
		char *shown = text_clean(why, TEXT_ONE_LINE);
		sd_error("%s", shown);
		free(shown);
		window_setup_free(ws);
		return false;
	}
	return true;
}

void window_setup_free(struct window_setup *ws)
{
	window_table_free(&ws->table);
	tz_free(&ws->zone);
	holidays_free(&ws->holidays);
}

bool checklists_setup(struct ctx *c, struct checklists *cl)
{
	char why[240];
	if (!checklists_load(cl, data_file("checklists.json", NULL), why, sizeof(why))) {
		sd_error("%s", why);
		return false;
	}
	if (!checklists_add_team(cl, opt_str(&c->opt, OPT_CHECKLISTS), why, sizeof(why))) {
		char *shown = text_clean(why, TEXT_ONE_LINE);
		sd_warn("config %s; only the standard items apply", shown);
		free(shown);
	}
	char *unknown = NULL;
	checklists_switch_off(cl, opt_str(&c->opt, OPT_CHECKLIST_OFF), &unknown);
	if (unknown) {
		struct strbuf ids = STRBUF_INIT;
		checklists_valid_ids(cl, &ids);
		sd_warn("config checklist_off: no checklist item %s, ignored (ids: %s)", unknown, sb_str(&ids));
		sb_free(&ids);
	}
	free(unknown);
	return true;
}

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

static int usage_error(const char *usage, const char *flag, const char *fmt, const char *arg)
{
	if (!arg) {
		/* The flag is absent: say that, not "got ''". */
		sd_error("missing --%s", flag);
		fprintf(stderr, "usage: shipdeck %s\n", usage);
		return EXIT_USAGE;
	}
	char *shown = text_clean(arg ? arg : "", TEXT_ONE_LINE);
	sd_error(fmt, shown);
	free(shown);
	fprintf(stderr, "usage: shipdeck %s\n", usage);
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

static int advise_strategy_cmd(struct ctx *c, int argc, char **argv)
{
	struct cmd_flag flags[] = {
		{"users", true, NULL}, {"rollback-minutes", true, NULL}, {"impact", true, NULL},
		{"json", false, NULL}, {NULL, false, NULL},
	};
	const char *pos[1];
	int npos;
	if (cmd_parse(c, argc, argv, flags, pos, 0, &npos, USAGE_STRATEGY) != 0)
		return EXIT_USAGE;
	enum users_affected users;
	enum business_impact impact;
	long long minutes;
	const char *u = cmd_flag(flags, "users"), *m = cmd_flag(flags, "rollback-minutes");
	const char *i = cmd_flag(flags, "impact");
	if (!u || !users_parse(u, &users))
		return usage_error(USAGE_STRATEGY, "users",
				   "--users must be all, some or few (got '%s')", u);
	if (!m || !parse_long(m, 0, 1000000, &minutes))
		return usage_error(USAGE_STRATEGY, "rollback-minutes",
				   "--rollback-minutes must be a whole number of minutes (got '%s')", m);
	if (!i || !impact_parse(i, &impact))
		return usage_error(USAGE_STRATEGY, "impact",
				   "--impact must be revenue, inconvenience or minor (got '%s')", i);
	struct advice_table t;
	if (!load_advice(&t))
		return EXIT_USAGE;
	struct strategy_advice a;
	advise_strategy(&t, users, (long)minutes, impact, &a);
	if (cmd_flag(flags, "json"))
		strategy_json(&a, users, (long)minutes, impact);
	else
		strategy_text(&a);
	strategy_advice_free(&a);
	advice_table_free(&t);
	return EXIT_OK;
}

/* ---- advise rollback ---------------------------------------------------------- */

static int advise_rollback_cmd(struct ctx *c, int argc, char **argv)
{
	struct cmd_flag flags[] = {
		{"severity", true, NULL}, {"root-cause", true, NULL}, {"fix-minutes", true, NULL},
		{"json", false, NULL}, {NULL, false, NULL},
	};
	const char *pos[1];
	int npos;
	if (cmd_parse(c, argc, argv, flags, pos, 0, &npos, USAGE_ROLLBACK) != 0)
		return EXIT_USAGE;
	enum severity sev;
	long long minutes;
	const char *s = cmd_flag(flags, "severity"), *r = cmd_flag(flags, "root-cause");
	const char *m = cmd_flag(flags, "fix-minutes");
	if (!s || !severity_parse(s, &sev))
		return usage_error(USAGE_ROLLBACK, "severity",
				   "--severity must be critical, major or minor (got '%s')", s);
	if (!r || (!streq(r, "known") && !streq(r, "unknown")))
		return usage_error(USAGE_ROLLBACK, "root-cause",
				   "--root-cause must be known or unknown (got '%s')", r);
	if (!m || !parse_long(m, 0, 1000000, &minutes))
		return usage_error(USAGE_ROLLBACK, "fix-minutes",
				   "--fix-minutes must be a whole number of minutes (got '%s')", m);
	struct advice_table t;
	if (!load_advice(&t))
		return EXIT_USAGE;
	struct recovery_advice a;
	bool known = streq(r, "known");
	advise_recovery(&t, sev, known, (long)minutes, &a);
	if (cmd_flag(flags, "json")) {
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

int cmd_advise(struct ctx *c, int argc, char **argv)
{
	if (argc >= 2 && streq(argv[1], "strategy"))
		return advise_strategy_cmd(c, argc - 1, argv + 1);
	if (argc >= 2 && streq(argv[1], "rollback"))
		return advise_rollback_cmd(c, argc - 1, argv + 1);
	if (argc >= 2) {
		char *shown = text_clean(argv[1], TEXT_ONE_LINE);
		sd_error("advise: unknown question '%s' (strategy or rollback)", shown);
		free(shown);
	} else {
		sd_error("advise: which question? strategy or rollback");
	}
	fprintf(stderr, "usage: shipdeck %s\n       shipdeck %s\n", USAGE_STRATEGY, USAGE_ROLLBACK);
	return EXIT_USAGE;
}

/* ---- window -------------------------------------------------------------------- */

int cmd_window(struct ctx *c, int argc, char **argv)
{
	struct cmd_flag flags[] = {{"at", true, NULL}, {"json", false, NULL}, {NULL, false, NULL}};
	const char *pos[1];
	int npos;
	if (cmd_parse(c, argc, argv, flags, pos, 0, &npos, USAGE_WINDOW) != 0)
		return EXIT_USAGE;
	int64_t at = c->now;
	const char *a = cmd_flag(flags, "at");
	if (a && !timearg_parse(c, "at", a, &at))
		return EXIT_USAGE;
	struct window_setup ws;
	if (!window_setup_load(c, &ws))
		return EXIT_USAGE;
	struct window_result w, next;
	window_judge(&ws.table, &ws.zone, &ws.holidays, at, &w);
	int64_t next_at;
	/* eight weeks: past any run of holidays a team would configure */
	bool has_next = w.verdict != WINDOW_GOOD &&
			window_next_good(&ws.table, &ws.zone, &ws.holidays, at, 56, &next, &next_at);
	char iso[24];
	if (cmd_flag(flags, "json")) {
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
