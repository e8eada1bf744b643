/* model — assembles everything a screen shows into one struct dash. */
#ifndef SD_MODEL_H
#define SD_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gitscan.h"
#include "metrics.h"

struct ctx;

/* One feature as every view shows it. */
struct dash_feature {
	int64_t id;
	char *key, *title, *size, *owner, *branch;
	const char *phase;        /* phase id: planning, development, build, testing, deployment, shipped */
	bool phase_manual;
	char *phase_reason;       /* why it was set by hand, or NULL */
	int64_t phase_since;      /* SD_NO_TIME when unknown */
	double days_in_phase;     /* NaN when unknown */
	double expected_lo, expected_hi; /* days; NaN when unknown */
	bool overdue;
	bool not_ready;           /* left Planning with planning items open */
	int planning_done, planning_total;
	int predeploy_done, predeploy_total;
	char **predeploy_open;    /* ids of open pre-deployment items */
	size_t npredeploy_open;
	bool gate_go;
};

struct dash {
	int64_t now;
	int window_days;
	char *repo_name;          /* NULL without a repository */
	char *repo_path;
	char *db_path;
	struct dash_feature *features;
	size_t nfeatures;
	char **notes;             /* what needs attention / why data is missing */
	size_t nnotes;

	/* History and DORA (spec §0-§6). dora_in points into git's arrays. */
	bool has_history;         /* a repository was scanned */
	struct gitscan_result git;
	struct dora_thresholds thresholds;
	struct dora_input dora_in;
	struct dora_report dora;
};

/* Builds the dashboard from the store (and, where present, the repository).
 * Returns 0, or -1 after printing one line of error. */
int model_build(struct ctx *c, struct dash *d);
void model_free(struct dash *d);

#endif
