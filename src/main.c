/* main — the order of things: global flags, then help (which never opens
 * anything), then the repository, config and database, then the command.
 * Each command's usage lives in its entry (commands.h); --help, completion
 * and the man page check read them. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "build-config.h"
#include "commands.h"
#include "context.h"
#include "gitrefs.h"
#include "ui.h"


/* With no command: the TUI on a terminal, the snapshot anywhere else, so
 * `shipdeck | mail` and cron jobs never get escape codes. */
static int run_default(struct ctx *c)
{
	if (opt_bool(&c->opt, OPT_SNAPSHOT) || opt_bool(&c->opt, OPT_AS_JSON) || !isatty(STDOUT_FILENO) ||
	    !isatty(STDIN_FILENO))
		return cmd_snapshot_default(c);
	if (!c->repo_path && !opt_str(&c->opt, OPT_DB)) {
		ctx_need_repo(c);
		return EXIT_USAGE;
	}
	return ui_run(c);
}

/* Config mistakes are warnings, one line each, and never stop the command. */
static void print_config_warnings(const struct ctx *c)
{
	const char *p = sb_str(&c->warnings);
	while (*p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		fprintf(stderr, "shipdeck: warning: %.*s\n", n, p);
		p += n + (nl != NULL);
	}
}

/* Help and version answer before anything is opened: `sync --help` must
 * not sync, `demo --help` must not build a demo. -1 when not asked. */
static int answer_without_opening(struct ctx *c, int cmd, int argc, char **argv)
{
	if (c->asked_help)
		return cmd_help_main(argc - cmd, argv + cmd);
	if (c->asked_version) {
		printf("shipdeck %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	return cmd < argc ? cmd_help_if_asked(argc - cmd, argv + cmd) : -1;
}

static int run(struct ctx *c, int cmd, int argc, char **argv)
{
	int rc = answer_without_opening(c, cmd, argc, argv);
	if (rc >= 0)
		return rc;
	bool opens_nothing = cmd < argc && cmd_opens_nothing(argc - cmd, argv + cmd);
	if (ctx_resolve(c, !opens_nothing) != 0)
		return EXIT_USAGE;
	print_config_warnings(c);
	return cmd >= argc ? run_default(c) : cmd_dispatch(c, argc - cmd, argv + cmd);
}

int main(int argc, char **argv)
{
	struct ctx c;
	int cmd = ctx_parse(&c, argc, argv);
	int rc = cmd < 0 ? EXIT_USAGE : run(&c, cmd, argc, argv);
	ctx_free(&c);
	gitrefs_libgit2_end(); /* libgit2 was started at its first need, if any (gitrefs.h) */
	return rc;
}
