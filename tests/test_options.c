/* test_options — pins the one options table and the config files: defaults
 * come from the table, the user's config is overridden by the repository's
 * .shipdeck.json, which is overridden by flags; unknown keys, wrong types
 * and out-of-range values are one-line warnings naming the file and key and
 * the rest applies; a file that is not a JSON object (truncated, duplicate
 * keys) is refused whole. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "helpers.h"
#include "options.h"

Test(options, defaults_from_table)
{
	struct options o;
	options_init(&o);
	cr_assert_eq(opt_int(&o, OPT_WINDOW_DAYS), 90);
	cr_assert_str_eq(opt_str(&o, OPT_DEPLOY_TAGS), "v*,!*rc*");
	cr_assert_str_eq(opt_str(&o, OPT_THRESHOLDS), "dora-2023");
	cr_assert_eq(opt_num(&o, OPT_HOURLY_COST), 100);
	cr_assert_eq(opt_int(&o, OPT_REVERT_WINDOW_DAYS), 14);
	cr_assert_null(opt_str(&o, OPT_DB));
	cr_assert_str_eq(o.v[OPT_WINDOW_DAYS].source, "default");
	options_free(&o);
}

Test(options, validates_values)
{
	struct options o;
	options_init(&o);
	char why[160];
	cr_assert_not(options_set(&o, OPT_WINDOW_DAYS, "0", "t", why, sizeof why));
	cr_assert_str_eq(why, "must be a whole number from 1 to 3650");
	cr_assert_not(options_set(&o, OPT_WINDOW_DAYS, "12x", "t", why, sizeof why));
	cr_assert_not(options_set(&o, OPT_THRESHOLDS, "dora-2019", "t", why, sizeof why));
	cr_assert_str_eq(why, "must be one of dora-2023|dora-2024");
	cr_assert(options_set(&o, OPT_THRESHOLDS, "dora-2024", "t", why, sizeof why));
	cr_assert_not(options_set(&o, OPT_ASCII, "maybe", "t", why, sizeof why));
	cr_assert_eq(opt_int(&o, OPT_WINDOW_DAYS), 90, "a refused value changes nothing");
	options_free(&o);
}

Test(options, flags_and_keys_are_unique)
{
	for (int i = 0; i < OPT_COUNT; i++)
		for (int j = i + 1; j < OPT_COUNT; j++) {
			if (opt_decls[i].flag && opt_decls[j].flag)
				cr_assert(strcmp(opt_decls[i].flag, opt_decls[j].flag), "flag %s twice", opt_decls[i].flag);
			if (opt_decls[i].key && opt_decls[j].key)
				cr_assert(strcmp(opt_decls[i].key, opt_decls[j].key), "key %s twice", opt_decls[i].key);
		}
}

Test(config, precedence_user_then_repo)
{
	struct options o;
	options_init(&o);
	struct strbuf w = STRBUF_INIT;
	config_apply_text(&o, "{\"window_days\": 30, \"hourly_cost\": 80, \"deploy_tags\": [\"rel-*\", \"!*beta*\"]}",
			  "/home/u/.config/shipdeck/config.json", 0, &w);
	config_apply_text(&o, "{\"window_days\": 60}", "/repo/.shipdeck.json", CONFIG_REPOSITORY, &w);
	cr_assert_eq(w.len, 0, "no warnings: %s", sb_str(&w));
	cr_assert_eq(opt_int(&o, OPT_WINDOW_DAYS), 60);
	cr_assert_str_eq(o.v[OPT_WINDOW_DAYS].source, "/repo/.shipdeck.json");
	cr_assert_eq(opt_num(&o, OPT_HOURLY_COST), 80);
	cr_assert_str_eq(opt_str(&o, OPT_DEPLOY_TAGS), "rel-*,!*beta*", "arrays join with commas");
	sb_free(&w);
	options_free(&o);
}

Test(config, mistakes_are_warnings)
{
	struct options o;
	options_init(&o);
	struct strbuf w = STRBUF_INIT;
	cr_assert_eq(config_apply_text(&o, "{\"windw_days\": 3, \"window_days\": \"ninety\", \"width\": 5, "
				       "\"ascii\": true, \"keys\": {\"quit\": \"x\"}}", "cfg.json", 0, &w), 0);
	const char *want =
		"cfg.json: windw_days: unknown key, ignored\n"
		"cfg.json: window_days: must be a whole number, ignored\n"
		"cfg.json: width: must be a whole number from 40 to 1000, ignored\n";
	cr_assert_str_eq(sb_str(&w), want);
	cr_assert(opt_bool(&o, OPT_ASCII), "good keys still apply");
	cr_assert_str_eq(opt_str(&o, OPT_KEYS), "{\"quit\":\"x\"}");
	sb_reset(&w);
	/* a file that is not a JSON object is refused whole, as git refuses a
	 * broken config */
	cr_assert_eq(config_apply_text(&o, "{\"window_days\": 7, \"ascii\": ", "broken.json", 0, &w), -1);
	cr_assert(str_starts(sb_str(&w), "broken.json: not valid JSON"), "%s", sb_str(&w));
	cr_assert_eq(opt_int(&o, OPT_WINDOW_DAYS), 90, "nothing of a refused file applies");
	sb_reset(&w);
	cr_assert_eq(config_apply_text(&o, "[1,2]", "arr.json", 0, &w), -1);
	cr_assert_str_eq(sb_str(&w), "arr.json: must hold a JSON object\n");
	sb_reset(&w);
	cr_assert_eq(config_apply_text(&o, "{\"width\": 90, \"width\": 100}", "dup.json", 0, &w), -1);
	cr_assert(strstr(sb_str(&w), "duplicate key"), "%s", sb_str(&w));
	sb_free(&w);
	options_free(&o);
}

Test(config, missing_file)
{
	struct options o;
	options_init(&o);
	struct strbuf w = STRBUF_INIT;
	cr_assert_eq(config_load(&o, "/nonexistent/shipdeck.json", false, &w), 0);
	cr_assert_eq(w.len, 0, "a missing default config is silent");
	cr_assert_eq(config_load(&o, "/nonexistent/shipdeck.json", CONFIG_MUST_EXIST, &w), -1);
	cr_assert(strstr(sb_str(&w), "/nonexistent/shipdeck.json: cannot read config"));
	sb_free(&w);
	options_free(&o);
}
