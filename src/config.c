/* config — the user's config.json and the repository's .shipdeck.json.
 * A file that is not a JSON object (truncated, duplicate keys, absurd
 * strings) is refused, as git refuses a broken config: nothing of it could
 * be trusted. Mistakes inside a good file (an unknown key, a wrong type, a
 * value out of range) are one-line warnings and the rest applies (tmux's
 * rule): a typo in a shared .shipdeck.json must not lock the team out. */
#include "config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "import.h"
#include "text.h"

static void warn(struct strbuf *w, const char *source, const char *key, const char *why)
{
	sb_add_clean(w, source); /* a path holds whatever the repository's directory is named */
	sb_add(w, ": ");
	if (key) {
		sb_add_clean(w, key);
		sb_add(w, ": ");
	}
	/* why may quote the file (a key path cut at a buffer's end, in the
	 * middle of a character): it is cleaned like the rest of the line */
	sb_add_clean(w, why);
	sb_addc(w, '\n');
}

/* Joins an array of strings with commas (deploy_tags, holidays). */
static char *join_string_array(const cJSON *arr)
{
	struct strbuf sb = STRBUF_INIT;
	const cJSON *el;
	cJSON_ArrayForEach(el, arr) {
		if (!cJSON_IsString(el)) {
			sb_free(&sb);
			return NULL;
		}
		sb_addf(&sb, "%s%s", sb.len ? "," : "", el->valuestring);
	}
	return sb_detach(&sb);
}

/* Text of a JSON value for an option of type t, or NULL when the type is wrong. */
static char *value_text(const cJSON *v, const struct opt_decl *d)
{
	enum opt_type t = d->type;
	switch (t) {
	case OPT_BOOL:
		return cJSON_IsBool(v) ? xstrdup(cJSON_IsTrue(v) ? "true" : "false") : NULL;
	case OPT_INT:
	case OPT_NUM:
		if (!cJSON_IsNumber(v))
			return NULL;
		return xasprintf("%.17g", v->valuedouble);
	case OPT_STR:
		if (cJSON_IsArray(v))
			return join_string_array(v);
		/* fallthrough */
	case OPT_ENUM:
		return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
	case OPT_JSON:
		/* "services" is a list; the other JSON keys are objects */
		if (d->arg && streq(d->arg, "ARRAY"))
			return cJSON_IsArray(v) ? cJSON_PrintUnformatted(v) : NULL;
		return cJSON_IsObject(v) ? cJSON_PrintUnformatted(v) : NULL;
	}
	return NULL;
}

static const char *type_word(const struct opt_decl *d)
{
	enum opt_type t = d->type;
	if (t == OPT_JSON && d->arg && streq(d->arg, "ARRAY"))
		return "an array";
	switch (t) {
	case OPT_BOOL: return "true or false";
	case OPT_INT: return "a whole number";
	case OPT_NUM: return "a number";
	case OPT_STR: return "a string";
	case OPT_ENUM: return "a string";
	case OPT_JSON: return "an object";
	}
	return "?";
}

static void apply_key(struct options *o, const cJSON *item, const char *source, unsigned flags,
		      struct strbuf *w)
{
	int id = options_by_key(item->string);
	if (id < 0) {
		warn(w, source, item->string, "unknown key, ignored");
		return;
	}
	const struct opt_decl *d = &opt_decls[id];
	/* The repository's config is a tracked file anyone who can push writes:
	 * a key naming a file or a database there could redirect the team's
	 * records or read any file the user can (options.def, the scope). */
	if ((flags & CONFIG_REPOSITORY) && d->scope != SCOPE_REPO) {
		warn(w, source, item->string, "ignored: a repository's config may only describe the "
		     "repository (set it in your own config or on the command line)");
		return;
	}
	char *text = value_text(item, d);
	if (!text) {
		char why[96];
		snprintf(why, sizeof why, "must be %s, ignored", type_word(d));
		warn(w, source, item->string, why);
		return;
	}
	char why[160];
	if (!options_set(o, (enum opt_id)id, text, source, why, sizeof why)) {
		char full[200];
		snprintf(full, sizeof full, "%s, ignored", why);
		warn(w, source, item->string, full);
	} else {
		o->v[id].from_file = true;
	}
	free(text);
}

int config_apply_text(struct options *o, const char *text, const char *source, unsigned flags,
		      struct strbuf *w)
{
	const char *src = options_source(o, source);
	cJSON *root = cJSON_ParseWithOpts(text, NULL, 1);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		char why[96];
		snprintf(why, sizeof why, "not valid JSON (near byte %ld)",
			 at && at >= text ? (long)(at - text) : 0L);
		warn(w, source, NULL, why);
		return -1;
	}
	char bad[300];
	/* A duplicate key could show a reviewer one value and apply another. */
	if (import_check_json(root, IMPORT_MAX_STRING, bad, sizeof bad) != 0 || !cJSON_IsObject(root)) {
		warn(w, source, NULL, cJSON_IsObject(root) ? bad : "must hold a JSON object");
		cJSON_Delete(root);
		return -1;
	}
	const cJSON *item;
	cJSON_ArrayForEach(item, root)
		apply_key(o, item, src, flags, w);
	cJSON_Delete(root);
	return 0;
}

int config_load(struct options *o, const char *path, unsigned flags, struct strbuf *w)
{
	bool must_exist = flags & CONFIG_MUST_EXIST;
	char why[128];
	char *text = file_read(path, FILE_CAP_CONFIG, 0, NULL, why, sizeof why);
	if (!text) {
		if (errno == ENOENT && !must_exist)
			return 0;
		char full[160];
		snprintf(full, sizeof full, "cannot read config: %s", why);
		warn(w, path, NULL, full);
		return must_exist ? -1 : 0;
	}
	int rc = config_apply_text(o, text, path, flags, w);
	free(text);
	return rc;
}

int config_string_pairs(const char *json, void (*fn)(void *arg, const char *key, const char *value),
			void *arg)
{
	cJSON *root = json ? cJSON_Parse(json) : NULL;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return -1;
	}
	const cJSON *item;
	cJSON_ArrayForEach(item, root)
		if (cJSON_IsString(item))
			fn(arg, item->string, item->valuestring);
	cJSON_Delete(root);
	return 0;
}
