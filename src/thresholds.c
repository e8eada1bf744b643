/* thresholds — loads the DORA tier cut-offs of data/thresholds.json.
 *
 * The cut-offs are data, not literals in code (docs/metrics.md §6): each report year
 * publishes new clusters, and a team may want the other year's set. The
 * file is checked when loaded so that a typo cannot make every team elite. */
#include "metrics.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "datafiles.h"

/* Reads obj.group.key as a finite non-negative number. */
static bool get_num(const cJSON *set, const char *group, const char *key,
		    double *out, char *err, size_t errlen)
{
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(set, group);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(g, key);
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0) {
		snprintf(err, errlen, "thresholds: %s.%s must be a number >= 0", group, key);
		return false;
	}
	*out = v->valuedouble;
	return true;
}

static bool read_set(const cJSON *set, struct dora_thresholds *t, char *err, size_t errlen)
{
	const cJSON *year = cJSON_GetObjectItemCaseSensitive(set, "year");
	if (!cJSON_IsNumber(year) || year->valuedouble < 2014 || year->valuedouble > 2100) {
		snprintf(err, errlen, "thresholds %s: \"year\" must be a report year", t->name);
		return false;
	}
	t->year = (int)year->valuedouble;
	static const char df[] = "deployment_frequency", lt[] = "lead_time_hours",
		cfr[] = "change_failure_percent", ttr[] = "time_to_restore_hours";
	if (!get_num(set, df, "elite_median_days_per_week", &t->df_elite_days, err, errlen) ||
	    !get_num(set, df, "high_median_days_per_week", &t->df_high_days, err, errlen) ||
	    !get_num(set, df, "medium_deploys_per_30_days", &t->df_medium_per_30d, err, errlen) ||
	    !get_num(set, lt, "elite_below", &t->lt_elite_h, err, errlen) ||
	    !get_num(set, lt, "high_below", &t->lt_high_h, err, errlen) ||
	    !get_num(set, lt, "medium_below", &t->lt_medium_h, err, errlen) ||
	    !get_num(set, cfr, "elite_at_most", &t->cfr_elite, err, errlen) ||
	    !get_num(set, cfr, "high_at_most", &t->cfr_high, err, errlen) ||
	    !get_num(set, cfr, "medium_at_most", &t->cfr_medium, err, errlen) ||
	    !get_num(set, ttr, "elite_below", &t->ttr_elite_h, err, errlen) ||
	    !get_num(set, ttr, "high_below", &t->ttr_high_h, err, errlen) ||
	    !get_num(set, ttr, "medium_below", &t->ttr_medium_h, err, errlen))
		return false;
	/* Contiguous bands need ordered cut-offs (the published 2024 table is
	 * not: see docs/metrics.md); an unordered set would skip a tier. */
	if (t->df_elite_days < t->df_high_days || t->lt_elite_h > t->lt_high_h ||
	    t->lt_high_h > t->lt_medium_h || t->cfr_elite > t->cfr_high ||
	    t->cfr_high > t->cfr_medium || t->ttr_elite_h > t->ttr_high_h ||
	    t->ttr_high_h > t->ttr_medium_h) {
		snprintf(err, errlen, "thresholds %s: cut-offs must be ordered elite, high, medium",
			 t->name);
		return false;
	}
	return true;
}

int thresholds_load(const char *json_text, const char *name,
		    struct dora_thresholds *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	cJSON *root = json_text ? cJSON_Parse(json_text) : NULL;
	if (!root) {
		snprintf(err, errlen, "thresholds: not valid JSON");
		return -1;
	}
	int rc = -1;
	const cJSON *sets = cJSON_GetObjectItemCaseSensitive(root, "sets");
	if (!name) {
		const cJSON *def = cJSON_GetObjectItemCaseSensitive(root, "default");
		name = cJSON_IsString(def) ? def->valuestring : "dora-2023";
	}
	const cJSON *set = cJSON_GetObjectItemCaseSensitive(sets, name);
	if (strlen(name) >= sizeof out->name) {
		snprintf(err, errlen, "thresholds: name too long");
	} else if (!cJSON_IsObject(set)) {
		snprintf(err, errlen, "thresholds: no set called \"%s\"", name);
	} else {
		snprintf(out->name, sizeof out->name, "%s", name);
		if (read_set(set, out, err, errlen))
			rc = 0;
	}
	cJSON_Delete(root);
	return rc;
}

int thresholds_load_default(const char *name, struct dora_thresholds *out,
			    char *err, size_t errlen)
{
	size_t len;
	return thresholds_load(data_file("thresholds.json", &len), name, out, err, errlen);
}
