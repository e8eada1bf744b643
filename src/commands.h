/* commands — the command table: every subcommand is one line here. */
#ifndef SD_COMMANDS_H
#define SD_COMMANDS_H

struct ctx;

typedef int (*cmd_fn)(struct ctx *c, int argc, char **argv);

struct command {
	const char *name;
	cmd_fn run;
	const char *usage;      /* "feature add TITLE [--key K] ..." */
	const char *help;       /* one line */
};

extern const struct command commands[];

struct store;
struct feature;
/* Loads the feature a command argument names (id or key); prints the error
 * itself and returns -1 when there is none. */
int feature_load(struct store *st, const char *id, struct feature *f);

int cmd_info(struct ctx *c, int argc, char **argv);
int cmd_feature(struct ctx *c, int argc, char **argv);
int cmd_export(struct ctx *c, int argc, char **argv);
int cmd_import(struct ctx *c, int argc, char **argv);
int cmd_demo(struct ctx *c, int argc, char **argv);
int cmd_snapshot(struct ctx *c, int argc, char **argv);
int cmd_sync(struct ctx *c, int argc, char **argv);
int cmd_advise(struct ctx *c, int argc, char **argv);
int cmd_window(struct ctx *c, int argc, char **argv);
int cmd_checklist(struct ctx *c, int argc, char **argv);
int cmd_check(struct ctx *c, int argc, char **argv);
int cmd_uncheck(struct ctx *c, int argc, char **argv);
int cmd_gate(struct ctx *c, int argc, char **argv);
int cmd_doctor(struct ctx *c, int argc, char **argv);
int cmd_init(struct ctx *c, int argc, char **argv);
int cmd_build(struct ctx *c, int argc, char **argv);

#endif
