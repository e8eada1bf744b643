/* options — the declared options, their values and where each value came from. */
#ifndef SD_OPTIONS_H
#define SD_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

enum opt_type { OPT_BOOL, OPT_INT, OPT_NUM, OPT_STR, OPT_ENUM, OPT_JSON };
/* Which config files may set a key (options.def says why). */
enum opt_scope { SCOPE_NONE, SCOPE_REPO, SCOPE_USER, SCOPE_FILE };

enum opt_id {
#define OPTION(id, flag, key, scope, type, def, min, max, arg, help) OPT_##id,
#include "options.def"
#undef OPTION
	OPT_COUNT
};

struct opt_decl {
	const char *flag;     /* long flag without "--", or NULL */
	const char *key;      /* config key, or NULL */
	enum opt_scope scope;
	enum opt_type type;
	const char *def;      /* default as text, or NULL for "unset" */
	double min, max;      /* range for INT/NUM (both 0: unbounded) */
	const char *arg;      /* argument name, or the choices of an ENUM */
	const char *help;
};

/* One option's current value. Values are kept as text (the parsed number
 * alongside) so that `info` and `export` can show them as given. */
struct opt_value {
	char *text;           /* NULL: unset */
	double num;           /* INT, NUM and BOOL (0/1) */
	const char *source;   /* "default", "command line", or a file path */
	bool from_file;       /* source is a config file (a relative path is relative to it) */
};

struct options {
	struct opt_value v[OPT_COUNT];
	char *sources[4];     /* owned copies of file paths used as sources */
	int nsources;
};

extern const struct opt_decl opt_decls[OPT_COUNT];

/* Fills every option with its default. */
void options_init(struct options *o);
void options_free(struct options *o);
/* Checks and stores a value given as text; on error returns false and writes
 * a one-line reason ("must be a whole number from 1 to 3650") into why. */
bool options_set(struct options *o, enum opt_id id, const char *text, const char *source,
		 char *why, size_t whylen);
/* The id of a long flag or config key; -1 when there is none. */
int options_by_flag(const char *flag);
int options_by_key(const char *key);
/* Remembers a path for the lifetime of o and returns the stable copy. */
const char *options_source(struct options *o, const char *path);

const char *opt_str(const struct options *o, enum opt_id id);
/* A value that names a file, as a path to open: relative to the config file
 * that set it, else as given (malloc'd; NULL when unset). */
char *opt_path(const struct options *o, enum opt_id id);
long long opt_int(const struct options *o, enum opt_id id);
double opt_num(const struct options *o, enum opt_id id);
bool opt_bool(const struct options *o, enum opt_id id);

/* Prints the option lines of --help. */
void options_print_help(FILE *out);

#endif
