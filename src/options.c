/* options — values are checked here, once, whatever brought them (a flag,
 * the user's config or the repository's .shipdeck.json). */
#include "options.h"

#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "util.h"

const struct opt_decl opt_decls[OPT_COUNT] = {
#define OPTION(id, flag, key, scope, type, def, min, max, arg, help) \
	[OPT_##id] = {flag, key, SCOPE_##scope, type, def, min, max, arg, help},
#include "options.def"
#undef OPTION
};

void options_init(struct options *o)
{
	memset(o, 0, sizeof *o);
	for (int i = 0; i < OPT_COUNT; i++) {
		char why[128];
		if (opt_decls[i].def)
			options_set(o, (enum opt_id)i, opt_decls[i].def, "default", why, sizeof why);
		o->v[i].source = "default";
	}
}

void options_free(struct options *o)
{
	for (int i = 0; i < OPT_COUNT; i++)
		free(o->v[i].text);
	for (int i = 0; i < o->nsources; i++)
		free(o->sources[i]);
	memset(o, 0, sizeof *o);
}

const char *options_source(struct options *o, const char *path)
{
	for (int i = 0; i < o->nsources; i++)
		if (strcmp(o->sources[i], path) == 0)
			return o->sources[i];
	if (o->nsources == (int)ARRAY_SIZE(o->sources))
		return "config";
	o->sources[o->nsources] = xstrdup(path);
	return o->sources[o->nsources++];
}

static bool enum_has(const char *choices, const char *v)
{
	size_t n = strlen(v);
	for (const char *p = choices; p && *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, v, n) == 0)
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

static bool parse_bool(const char *t, double *num)
{
	if (streq(t, "true") || streq(t, "1") || streq(t, "yes"))
		return (*num = 1), true;
	if (streq(t, "false") || streq(t, "0") || streq(t, "no"))
		return (*num = 0), true;
	return false;
}

static bool check_value(const struct opt_decl *d, const char *t, double *num, char *why, size_t wl)
{
	long long ll;
	bool bounded = d->min != 0 || d->max != 0;
	switch (d->type) {
	case OPT_BOOL:
		if (parse_bool(t, num))
			return true;
		snprintf(why, wl, "must be true or false");
		return false;
	case OPT_INT:
		if (parse_long(t, bounded ? (long long)d->min : -(1LL << 62),
			       bounded ? (long long)d->max : (1LL << 62), &ll))
			return (*num = (double)ll), true;
		snprintf(why, wl, "must be a whole number from %.0f to %.0f", d->min, d->max);
		return false;
	case OPT_NUM:
		if (parse_double(t, num) && (!bounded || (*num >= d->min && *num <= d->max)))
			return true;
		snprintf(why, wl, "must be a number from %g to %g", d->min, d->max);
		return false;
	case OPT_ENUM:
		if (enum_has(d->arg, t))
			return true;
		snprintf(why, wl, "must be one of %s", d->arg);
		return false;
	case OPT_STR:
	case OPT_JSON:
		return true;
	}
	return false;
}

bool options_set(struct options *o, enum opt_id id, const char *text, const char *source,
		 char *why, size_t whylen)
{
	double num = 0;
	if (!check_value(&opt_decls[id], text, &num, why, whylen))
		return false;
	free(o->v[id].text);
	o->v[id].text = xstrdup(text);
	o->v[id].num = num;
	o->v[id].source = source;
	o->v[id].from_file = false; /* config.c marks the values it sets */
	return true;
}

int options_by_flag(const char *flag)
{
	for (int i = 0; i < OPT_COUNT; i++)
		if (opt_decls[i].flag && strcmp(opt_decls[i].flag, flag) == 0)
			return i;
	return -1;
}

int options_by_key(const char *key)
{
	for (int i = 0; i < OPT_COUNT; i++)
		if (opt_decls[i].key && strcmp(opt_decls[i].key, key) == 0)
			return i;
	return -1;
}

const char *opt_str(const struct options *o, enum opt_id id)
{
	return o->v[id].text;
}

char *opt_path(const struct options *o, enum opt_id id)
{
	const char *v = o->v[id].text;
	if (!v)
		return NULL;
	if (v[0] == '/' || !o->v[id].from_file)
		return xstrdup(v);
	char *dir = paths_dirname(o->v[id].source);
	char *p = xasprintf("%s/%s", dir, v);
	free(dir);
	return p;
}

long long opt_int(const struct options *o, enum opt_id id)
{
	return (long long)o->v[id].num;
}

double opt_num(const struct options *o, enum opt_id id)
{
	return o->v[id].num;
}

bool opt_bool(const struct options *o, enum opt_id id)
{
	return o->v[id].num != 0;
}

void options_print_help(FILE *out)
{
	for (int i = 0; i < OPT_COUNT; i++) {
		const struct opt_decl *d = &opt_decls[i];
		if (!d->flag)
			continue;
		char left[64];
		if (d->type == OPT_BOOL)
			snprintf(left, sizeof left, "--%s", d->flag);
		else
			snprintf(left, sizeof left, "--%s %s", d->flag, d->arg);
		if (strlen(left) > 24)
			fprintf(out, "  %s\n  %-24s %s\n", left, "", d->help);
		else
			fprintf(out, "  %-24s %s\n", left, d->help);
	}
}
