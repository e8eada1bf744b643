/* context — what every command gets: options, paths, the clock, the store. */
#ifndef SD_CONTEXT_H
#define SD_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "util.h"

/* Exit statuses (man page, EXIT STATUS). */
enum { EXIT_OK = 0, EXIT_NOGO = 1, EXIT_USAGE = 2 };

struct store;
struct tz_zone;

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
};

/* Parses the global options at the front of argv, loads the configs and
 * resolves the repository and database. Returns the index of the first
 * non-option argument (the command), or -1 after printing an error (exit 2). */
int ctx_init(struct ctx *c, int argc, char **argv);
void ctx_free(struct ctx *c);
/* Opens the store on first use (creating it unless --read-only); NULL after
 * printing one line of error. */
struct store *ctx_store(struct ctx *c);
/* Requires a repository: prints the "not a git repository" hint when absent. */
bool ctx_need_repo(struct ctx *c);
/* Who is acting: $USER, else git's user.name, else "unknown". */
const char *ctx_user(struct ctx *c);
/* Prints "shipdeck: <message>" to stderr. */
void sd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- per-command options ------------------------------------------------ */
/* A command's own flag: "--name VALUE" (has_arg) or "--name". */
struct cmd_flag {
	const char *name;
	bool has_arg;
	const char *value;      /* filled: the argument, or "1" for a bare flag */
};
/* Parses argv[1..] of a command: its own flags (table ends with name NULL),
 * global options (applied to c), and positional arguments (collected in
 * pos, at most maxpos). Prints usage errors; returns -1 on error. */
int cmd_parse(struct ctx *c, int argc, char **argv, struct cmd_flag *flags,
	      const char **pos, int maxpos, int *npos, const char *usage);
/* The value of a flag in a parsed table, or NULL. */
const char *cmd_flag(const struct cmd_flag *flags, const char *name);

#endif
