/* commands — the command table (tmux's cmd_entry): every command and
 * subcommand is one struct beside the function that runs it, holding its
 * arguments, flags and one line of help. The parser, --help, `help CMD`,
 * shell completion and the man page check all read these tables, so the
 * usage is written once. */
#ifndef SD_COMMANDS_H
#define SD_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

#include "context.h"

/* A flag must be given (shown without brackets in the usage). */
#define CMD_OPT_REQUIRED 1u
/* An old spelling kept working: parsed as `alias`, never shown. */
#define CMD_OPT_ALIAS 2u
/* May be given more than once (the command reads every one from argv). */
#define CMD_OPT_REPEAT 4u

/* One flag of a command. */
struct cmd_opt {
	const char *name;      /* without "--" */
	const char *arg;       /* "ID", "TIME", choices "a|b|c"; NULL: a bare flag */
	const char *help;      /* one line */
	unsigned flags;        /* CMD_OPT_* */
	const char *alias;     /* CMD_OPT_ALIAS: the flag this spelling stands for */
};

/* The most flags one command takes, with --json and --format. */
#define CMD_MAX_FLAGS 24

/* What the parser made of a command's arguments. */
struct cmd_args {
	const struct cmd_entry *entry;
	const struct cmd_entry *parent;   /* the group of a subcommand, else NULL */
	struct cmd_flag flags[CMD_MAX_FLAGS + 1]; /* ends with name NULL */
	const char **pos;      /* positional arguments */
	int npos;
	int argc;              /* as typed, argv[0] the (sub)command's name */
	char **argv;
};

typedef int (*cmd_fn)(struct ctx *c, struct cmd_args *a);

struct cmd_entry {
	const char *name;
	const char *args;      /* positional synopsis ("ID", "FILE..."); NULL: none */
	int maxpos;            /* most positional arguments (-1: any number) */
	const struct cmd_opt *opts; /* ends with name NULL; may be NULL */
	/* "text|json" or "text|markdown|json": the command takes --json and
	 * --format (one JSON convention); NULL: neither. */
	const char *formats;
	const char *help;      /* one line */
	cmd_fn run;            /* NULL for a group of subcommands */
	const struct cmd_entry *const *subs; /* a group's subcommands, NULL-ended */
	bool opens_nothing;    /* needs no repository, config or database (help, completion) */
};

/* The model and its loaders keep their errors in the context (ctx_fail);
 * a command builds them through these, which print what was kept (one
 * line, as before) right away. */
struct dash;
struct checklists;
int cmd_model_build(struct ctx *c, struct dash *d);
bool cmd_checklists_setup(struct ctx *c, struct checklists *cl);

/* The top-level commands, in --help order; ends with NULL. */
extern const struct cmd_entry *const commands[];

/* The command or subcommand named name in a NULL-ended list, or NULL. */
const struct cmd_entry *cmd_find(const struct cmd_entry *const *list, const char *name);
/* The value of a parsed flag (the argument, or "1" for a bare flag), or NULL. */
const char *cmd_arg(const struct cmd_args *a, const char *name);
/* The output format asked for: "text" (default), "markdown" or "json". */
const char *cmd_format(const struct cmd_args *a);
/* Prints "usage: shipdeck <group> <name> ..." to out. */
void cmd_print_usage(FILE *out, const struct cmd_entry *parent, const struct cmd_entry *e);
/* Prints the one error line and the command's usage line; returns EXIT_USAGE. */
int cmd_usage_error(const struct cmd_args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* If argv (argv[0] the command) asks for help anywhere — `help ...`,
 * --help or -h — prints it and returns the exit status; -1 otherwise.
 * Nothing is opened, read or written. */
int cmd_help_if_asked(int argc, char **argv);
/* `shipdeck help [COMMAND [SUBCOMMAND]]`: argv are the words after help. */
int cmd_help_main(int argc, char **argv);
/* The whole --help text. */
void cmd_print_main_help(FILE *out);
/* Runs argv[0] (a command, maybe a group with its subcommand). */
int cmd_dispatch(struct ctx *c, int argc, char **argv);
/* Does the command at argv[0] need no repository, config or database? */
bool cmd_opens_nothing(int argc, char **argv);
/* Prints the bash or zsh completion script; -1 for another shell. */
int cmd_completion_script(FILE *out, const char *shell);

/* The entries each cmd_*.c file declares. */
extern const struct cmd_entry cmd_info_entry, cmd_sync_entry, cmd_snapshot_entry,
	cmd_export_entry, cmd_import_entry, cmd_doctor_entry, cmd_demo_entry, cmd_init_entry;
extern const struct cmd_entry cmd_feature_entry, cmd_build_entry, cmd_deploy_entry,
	cmd_incident_entry, cmd_review_entry, cmd_advise_entry, cmd_window_entry;
extern const struct cmd_entry cmd_checklist_entry, cmd_check_entry, cmd_uncheck_entry, cmd_gate_entry;
extern const struct cmd_entry cmd_help_entry, cmd_completion_entry;
/* `deploy import` and `incident import` (src/cmd_import_ops.c). */
extern const struct cmd_entry cmd_deploy_import_entry, cmd_incident_import_entry;
extern const struct cmd_entry cmd_service_entry;
/* `pr import` (src/cmd_pr.c). */
extern const struct cmd_entry cmd_pr_entry;

/* Runs the snapshot as the default command does (no arguments). */
int cmd_snapshot_default(struct ctx *c);

/* An importer's parser of one file's text (ops_parse, pr_parse) into its
 * batch; 0, or -1 with one line in err. */
typedef int (*cmd_parse_fn)(const char *text, size_t len, int format, void *batch, char *err, size_t errlen);
/* Reads each FILE argument ("-": stdin) into batch with parse, the file's
 * name in *label (the batch's file_label) for messages when there are
 * several; the first file refused: one line "FILE: why; nothing imported"
 * and -1 (src/cmd_import_ops.c). */
int cmd_parse_files(struct cmd_args *a, int format, cmd_parse_fn parse, void *batch, const char **label);

struct service_claims;
/* The import summary's lines on mapping records to services
 * (docs/metrics.md §13: a record no service claims is said, never
 * dropped): noun "run", "deployment", ...; by: what mapped them; flags:
 * the `service add` flags that would claim the rest. */
void cmd_print_claims(const struct service_claims *k, const char *noun, const char *by, const char *flags);

struct store;
struct feature;
/* Loads the feature a command argument names (id or key); prints the error
 * itself and returns -1 when there is none. */
int feature_load(struct store *st, const char *id, struct feature *f);

/* Asks "question [y/N]" on a terminal, or needs --yes elsewhere: true to go
 * on. Prints why not. */
bool cmd_confirm(const struct cmd_args *a, const char *question);

#endif
