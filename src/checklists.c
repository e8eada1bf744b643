/* checklists — item ids are stable because the database stores ticks by id
 * (checklist_items.item, reviews.question); the text may be reworded freely.
 * Team items come after the standard ones so that a config can add to the
 * guide's lists but never hide one of its items (docs/metrics.md §10). */
#include "checklists.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

static const char *const kind_ids[CHECKLIST_KIND_COUNT] = {
	"planning", "predeploy", "post_deploy_review", "post_incident_review", "sprint",
};

const char *checklist_kind_id(enum checklist_kind kind)
{
	return kind < CHECKLIST_KIND_COUNT ? kind_ids[kind] : "?";
}

bool checklist_kind_parse(const char *s, enum checklist_kind *out)
{
	if (!s)
		return false;
	if (strcmp(s, "pre-deployment") == 0 || strcmp(s, "pre_deployment") == 0) {
		*out = CHECKLIST_PREDEPLOY;
		return true;
	}
	for (int k = 0; k < CHECKLIST_KIND_COUNT; k++) {
		const char *id = kind_ids[k];
		size_t n = strlen(id);
		if (strlen(s) != n)
			continue;
		size_t i = 0;
		while (i < n && (s[i] == id[i] || (s[i] == '-' && id[i] == '_')))
			i++;
		if (i == n) {
			*out = (enum checklist_kind)k;
			return true;
		}
	}
	return false;
}

bool checklist_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > 40 || id[0] == '-' || id[0] == '_')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = id[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return false;
	}
	return true;
}

static void list_push(struct checklist *l, const char *id, const char *text, bool team)
{
	if (l->n == l->cap) {
		/* items and team are parallel arrays: they grow together. */
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
		l->team = xrealloc(l->team, l->cap * sizeof(*l->team));
		l->off = xrealloc(l->off, l->cap * sizeof(*l->off));
	}
	l->items[l->n].id = xstrdup(id);
	l->items[l->n].text = xstrdup(text);
	l->team[l->n] = team;
	l->off[l->n] = false;
	l->n++;
}

static bool list_has(const struct checklist *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].id, id) == 0)
			return true;
	return false;
}

/* Reads [{"id", "text"}, ...] into a scratch list; the caller adopts it only
 * when the whole array is valid, so a bad config never half-applies. */
static bool read_items(const cJSON *arr, const char *kind, const struct checklist *existing,
		       struct checklist *into, bool team, char *why, size_t whylen)
{
	if (!cJSON_IsArray(arr)) {
		snprintf(why, whylen, "%s: expected an array of {\"id\", \"text\"}", kind);
		return false;
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "id"));
		const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "text"));
		if (!id || !text || !*text) {
			snprintf(why, whylen, "%s: every item needs a string \"id\" and \"text\"", kind);
			return false;
		}
		if (!checklist_id_ok(id)) {
			snprintf(why, whylen, "%s: item id '%.40s' must be 1-40 of a-z, 0-9, '-', '_'",
				 kind, id);
			return false;
		}
		if ((existing && list_has(existing, id)) || list_has(into, id)) {
			snprintf(why, whylen, "%s: item id '%s' is used twice", kind, id);
			return false;
		}
		list_push(into, id, text, team);
	}
	return true;
}

static void list_free(struct checklist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free((char *)l->items[i].id);
		free((char *)l->items[i].text);
	}
	free(l->items);
	free(l->team);
	free(l->off);
	free(l->title);
	memset(l, 0, sizeof(*l));
}

void checklists_free(struct checklists *cl)
{
	for (int k = 0; k < CHECKLIST_KIND_COUNT; k++)
		list_free(&cl->kinds[k]);
}

bool checklists_load(struct checklists *cl, const char *json, char *why, size_t whylen)
{
	memset(cl, 0, sizeof(*cl));
	cJSON *root = json ? cJSON_Parse(json) : NULL;
	if (!cJSON_IsObject(root)) {
		snprintf(why, whylen, "checklists.json: not a JSON object");
		cJSON_Delete(root);
		return false;
	}
	bool ok = true;
	for (int k = 0; k < CHECKLIST_KIND_COUNT && ok; k++) {
		const cJSON *kind = cJSON_GetObjectItemCaseSensitive(root, kind_ids[k]);
		const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(kind, "title"));
		if (!title) {
			snprintf(why, whylen, "checklists.json: \"%s\" needs a \"title\"", kind_ids[k]);
			ok = false;
			break;
		}
		cl->kinds[k].title = xstrdup(title);
		ok = read_items(cJSON_GetObjectItemCaseSensitive(kind, "items"), kind_ids[k], NULL,
				&cl->kinds[k], false, why, whylen);
	}
	cJSON_Delete(root);
	if (!ok)
		checklists_free(cl);
	return ok;
}

bool checklists_add_team(struct checklists *cl, const char *json, char *why, size_t whylen)
{
	if (!json || !*json)
		return true;
	cJSON *root = cJSON_Parse(json);
	if (!cJSON_IsObject(root)) {
		snprintf(why, whylen, "checklists: expected an object such as "
			 "{\"predeploy\": [{\"id\": \"...\", \"text\": \"...\"}]}");
		cJSON_Delete(root);
		return false;
	}
	struct checklist extra[CHECKLIST_KIND_COUNT];
	memset(extra, 0, sizeof(extra));
	bool ok = true;
	const cJSON *kind;
	cJSON_ArrayForEach(kind, root) {
		enum checklist_kind k;
		if (!checklist_kind_parse(kind->string, &k)) {
			snprintf(why, whylen, "checklists: unknown kind '%.40s' (valid: planning, "
				 "predeploy, post_deploy_review, post_incident_review, sprint)", kind->string);
			ok = false;
			break;
		}
		if (!read_items(kind, kind_ids[k], &cl->kinds[k], &extra[k], true, why, whylen)) {
			ok = false;
			break;
		}
	}
	cJSON_Delete(root);
	for (int k = 0; k < CHECKLIST_KIND_COUNT; k++) {
		for (size_t i = 0; ok && i < extra[k].n; i++)
			list_push(&cl->kinds[k], extra[k].items[i].id, extra[k].items[i].text, true);
		list_free(&extra[k]);
	}
	return ok;
}

/* Marks id off in every kind that has it; true when some kind had it. */
static bool switch_off_one(struct checklists *cl, const char *id)
{
	bool found = false;
	for (int k = 0; k < CHECKLIST_KIND_COUNT; k++) {
		struct checklist *l = &cl->kinds[k];
		for (size_t i = 0; i < l->n; i++)
			if (strcmp(l->items[i].id, id) == 0)
				l->off[i] = found = true;
	}
	return found;
}

void checklists_switch_off(struct checklists *cl, const char *ids, char **unknown)
{
	*unknown = NULL;
	struct strbuf bad = STRBUF_INIT;
	const char *p = ids ? ids : "";
	while (*p) {
		size_t n = strcspn(p, ",");
		char *id = xstrndup(p, n);
		char *trimmed = id;
		while (*trimmed == ' ')
			trimmed++;
		for (char *e = trimmed + strlen(trimmed); e > trimmed && e[-1] == ' '; )
			*--e = '\0';
		if (*trimmed && !switch_off_one(cl, trimmed)) {
			/* config text: cleaned before it is echoed in a warning */
			sb_add(&bad, bad.len ? ", '" : "'");
			sb_add_clean(&bad, trimmed);
			sb_addc(&bad, '\'');
		}
		free(id);
		p += n + (p[n] == ',');
	}
	*unknown = bad.len ? sb_detach(&bad) : NULL;
	sb_free(&bad);
}

void checklists_valid_ids(const struct checklists *cl, struct strbuf *out)
{
	static const enum checklist_kind kinds[] = {CHECKLIST_PLANNING, CHECKLIST_PREDEPLOY, CHECKLIST_SPRINT};
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		const struct checklist *l = &cl->kinds[kinds[k]];
		sb_addf(out, "%s%s:", k ? "; " : "", kind_ids[kinds[k]]);
		for (size_t i = 0; i < l->n; i++) {
			sb_addc(out, ' ');
			sb_add_clean(out, l->items[i].id);
		}
	}
}

const struct checklist *checklist_of(const struct checklists *cl, enum checklist_kind kind)
{
	return &cl->kinds[kind];
}

const struct checklist_item *checklist_find(const struct checklists *cl, enum checklist_kind kind,
					    const char *id, char **why)
{
	const struct checklist *l = &cl->kinds[kind];
	for (size_t i = 0; i < l->n; i++)
		if (id && strcmp(l->items[i].id, id) == 0)
			return &l->items[i];
	if (why) {
		struct strbuf sb = STRBUF_INIT;
		/* The id came from the command line: it is cleaned before it is echoed. */
		char *shown = xstrndup(id ? id : "", id ? strnlen(id, 60) : 0);
		sb_addf(&sb, "unknown %s item '", kind_ids[kind]);
		sb_add_clean(&sb, shown);
		free(shown);
		sb_add(&sb, "' (valid: ");
		for (size_t i = 0; i < l->n; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", l->items[i].id);
		sb_add(&sb, l->n ? ")" : "none)");
		*why = sb_detach(&sb);
	}
	return NULL;
}
