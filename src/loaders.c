/* loaders — the set-up the model needs from files and the config: the
 * team's time zone (a TZif file), holidays, the deployment window table
 * (data/window.json) and the checklist templates (data/checklists.json plus
 * the config's team items). advice.c and checklists.c stay pure; reading
 * happens here, and errors are kept in the context (ctx_fail, ctx_caution)
 * for the caller to show: the model, the dashboard and the commands all
 * call these without any command code. */
#include "loaders.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "datafiles.h"
#include "files.h"
#include "text.h"
#include "util.h"

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
		ctx_fail(c, "%s", why);
		return false;
	}
	char *hpath = opt_path(&c->opt, OPT_HOLIDAYS);
	bool ok = tz_load(opt_str(&c->opt, OPT_TIMEZONE), &ws->zone, why, sizeof(why)) &&
		  load_holidays(opt_str(&c->opt, OPT_HOLIDAYS), hpath, &ws->holidays, why, sizeof(why));
	free(hpath);
	if (!ok) {
		char *shown = text_clean(why, TEXT_ONE_LINE);
		ctx_fail(c, "%s", shown);
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
		ctx_fail(c, "%s", why);
		return false;
	}
	if (!checklists_add_team(cl, opt_str(&c->opt, OPT_CHECKLISTS), why, sizeof(why))) {
		char *shown = text_clean(why, TEXT_ONE_LINE);
		ctx_caution(c, "config %s; only the standard items apply", shown);
		free(shown);
	}
	char *unknown = NULL;
	checklists_switch_off(cl, opt_str(&c->opt, OPT_CHECKLIST_OFF), &unknown);
	if (unknown) {
		struct strbuf ids = STRBUF_INIT;
		checklists_valid_ids(cl, &ids);
		ctx_caution(c, "config checklist_off: no checklist item %s, ignored (ids: %s)", unknown,
			    sb_str(&ids));
		sb_free(&ids);
	}
	free(unknown);
	return true;
}
