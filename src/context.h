/* context — what every command gets: options, paths, the clock, the store. */
#ifndef SD_CONTEXT_H
#define SD_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "say.h"
#include "util.h"

/* Exit statuses (man page, EXIT STATUS). */
enum { EXIT_OK = 0, EXIT_NOGO = 1, EXIT_USAGE = 2 };

struct store;
struct tz_zone;
struct ctx_flag;

/* One message of a module that does not print (the model, its loaders,
 * opening the store): kept for the caller, who shows it. */
struct ctx_said {
	bool warning;
	char *text;             /* cleaned for the terminal */
};

struct ctx {
	struct options opt;
	int64_t now;            /* the one "now" of the program (--now or the clock) */
	char *repo_path;        /* work tree (or git dir of a bare repo); NULL if none */
	char *repo_name;
	char *repo_id;          /* real path of its git directory: which repository (gitrepo.h) */
	char *db_path;
	bool db_legacy;
	char *deploy_tags_note; /* set when the deploy pattern was guessed from the tags (first run) */         /* the default database under its pre-issue-12 name <name>.db */
	char *user_config;      /* path tried for the user config */
	char *repo_config;      /* path tried for .shipdeck.json */
	struct store *store;    /* opened by ctx_store() */
	struct tz_zone *zone;   /* the team's zone, loaded by timearg_zone() */
	struct strbuf warnings; /* config warnings, one per line */
	const char *argv0;
	struct ctx_flag *flags; /* global flags parsed, until ctx_resolve applies them */
	int nflags;
	bool asked_help, asked_version;
	struct ctx_said *said;  /* kept messages, in order (ctx_fail, ctx_caution) */
	size_t nsaid;
};

/* Parses the global options at the front of argv, loads the configs and
 * resolves the repository and database. Returns the index of the first
 * non-option argument (the command), or -1 after printing an error (exit 2). */
int ctx_init(struct ctx *c, int argc, char **argv);
/* ctx_init in two steps, so that help is printed before anything is
 * opened: ctx_parse only reads the global flags (returns the command's
 * index or -1); ctx_resolve applies them and, with find_repo, finds the
 * repository, reads the config files and names the database (0 or -1). */
int ctx_parse(struct ctx *c, int argc, char **argv);
int ctx_resolve(struct ctx *c, bool find_repo);
void ctx_free(struct ctx *c);
/* Opens the store on first use (creating it unless --read-only); NULL after
 * keeping one line of error in c (ctx_fail): for the model and the
 * dashboard, which print nothing. */
struct store *ctx_open_store(struct ctx *c);
/* ctx_open_store for a command: prints what it kept (ctx_report). */
struct store *ctx_store(struct ctx *c);
/* Requires a repository: prints the "not a git repository" hint when absent. */
bool ctx_need_repo(struct ctx *c);
/* Who is acting: $USER, else git's user.name, else "unknown". */
const char *ctx_user(struct ctx *c);
/* ---- per-command options ------------------------------------------------ */
/* A command's flag as parsed: "--name VALUE" (has_arg) or "--name". */
struct cmd_flag {
	const char *name;
	bool has_arg;
	const char *value;      /* filled: the argument, or "1" for a bare flag */
};
/* The value of a flag in a parsed table, or NULL. */
const char *cmd_flag(const struct cmd_flag *flags, const char *name);
/* Reads the global option at argv[*i] ("--name[=value]"), moving *i past
 * its value: the option id (value NULL when missing), or -1 if none. */
int ctx_read_option(int argc, char **argv, int *i, const char **value);
/* Applies a global option given after the command; -1 after one line of error. */
int ctx_apply_late_option(struct ctx *c, int id, const char *value);

#endif
