/* checklists — the checklist templates of data/checklists.json plus a team's
 * own items from config (docs/metrics.md §10), with stable item ids. */
#ifndef SD_CHECKLISTS_H
#define SD_CHECKLISTS_H

#include <stdbool.h>
#include <stddef.h>

enum checklist_kind {
	CHECKLIST_PLANNING,
	CHECKLIST_PREDEPLOY,
	CHECKLIST_POST_DEPLOY_REVIEW,
	CHECKLIST_POST_INCIDENT_REVIEW,
	CHECKLIST_SPRINT,
	CHECKLIST_KIND_COUNT
};

struct checklist_item {
	const char *id;
	const char *text;       /* team items are outside text: clean before display */
};

struct checklist {
	char *title;
	struct checklist_item *items;
	bool *team;             /* per item: added by the team's config */
	bool *off;              /* per item: switched off by config `checklist_off` */
	size_t n, cap;
};

struct checklists {
	struct checklist kinds[CHECKLIST_KIND_COUNT];
};

/* Loads the standard templates from data/checklists.json text. */
bool checklists_load(struct checklists *cl, const char *json, char *why, size_t whylen);
/* Appends a team's items (config `checklists`: {"predeploy": [{"id", "text"}]})
 * after the standard ones; on error nothing is added and why says what. */
bool checklists_add_team(struct checklists *cl, const char *json, char *why, size_t whylen);
void checklists_free(struct checklists *cl);
/* Switches items off for this repository (config `checklist_off`: ids
 * separated by commas, each looked up in every kind): such an item is not
 * applicable until someone ticks it. Ids that name no item are listed in
 * *unknown ("db-migrations, x"; caller frees), else *unknown is NULL. */
void checklists_switch_off(struct checklists *cl, const char *ids, char **unknown);
struct strbuf;
/* "planning: a b; predeploy: c d; sprint: e": the ids `check` accepts. */
void checklists_valid_ids(const struct checklists *cl, struct strbuf *out);
/* The items of one kind. */
const struct checklist *checklist_of(const struct checklists *cl, enum checklist_kind kind);
/* Finds an item by id; NULL with "unknown predeploy item 'x' (valid: a, b)"
 * in *why (caller frees) when there is none. */
const struct checklist_item *checklist_find(const struct checklists *cl, enum checklist_kind kind,
					    const char *id, char **why);
/* "planning", "predeploy", "post_deploy_review", "post_incident_review", "sprint"
 * (the ids stored in the database). */
const char *checklist_kind_id(enum checklist_kind kind);
/* Accepts the ids above, with '-' for '_' too, and "pre-deployment". */
bool checklist_kind_parse(const char *s, enum checklist_kind *out);
/* True for a well-formed item id: 1–40 of [a-z0-9_-], starting with a letter or digit. */
bool checklist_id_ok(const char *id);

#endif
