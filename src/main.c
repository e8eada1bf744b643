/* main — the command table and dispatch. Every subcommand is one line in
 * `commands`; --help and the man page check (tests/test_cli.c) read it. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "build-config.h"
#include "commands.h"
#include "context.h"
#include "gitrepo.h"
#include "store_deploys.h"
#include "ui.h"

const struct command commands[] = {
	{"init", cmd_init, "init [--yes]",
	 "write the repository's .shipdeck.json (release-tag pattern, time zone, window) after showing it"},
	{"info", cmd_info, "info", "print the config, database (and whose it is), repository and data paths in use"},
	{"feature", cmd_feature, "feature add|list|show|set|rm|phase ...", "manage features (see below)"},
	{"sync", cmd_sync, "sync [--full]",
	 "read the repository's new history now (--full: from scratch) and summarize it"},
	{"snapshot", cmd_snapshot, "snapshot [--format text|markdown|json] [--width N]",
	 "print the dashboard as text (same as --snapshot)"},
	{"checklist", cmd_checklist, "checklist FEATURE [--kind planning|predeploy] [--json]",
	 "a feature's planning and pre-deployment items, who ticked them and when"},
	{"check", cmd_check, "check FEATURE ITEM... [--note TEXT | --na REASON] [--undo] [--kind KIND]",
	 "tick checklist items, or mark them not applicable (--na), all in one transaction"},
	{"uncheck", cmd_uncheck, "uncheck FEATURE ITEM... [--kind KIND]",
	 "clear a tick or a not-applicable mark: the item is open again"},
	{"gate", cmd_gate, "gate FEATURE [--at TIME] [--json]",
	 "go or no-go for deploying a feature, with every reason (exit 0 go, 1 no-go)"},
	{"build", cmd_build, "build import|add|list|set|stats ...", "import CI runs, record builds, show build health (see below)"},
	{"deploy", cmd_deploy, "deploy record|advance|set|list ...",
	 "record how releases went out: environment, strategy, rollout stages, status (see below)"},
	{"incident", cmd_incident, "incident open|update|list ...",
	 "record incidents, their timeline, time to detect, to decide and outage"},
	{"review", cmd_review, "review deploy|incident ID [--answer N=TEXT]... | review list",
	 "answer the post-deployment and post-incident reviews; list due and overdue ones"},
	{"window", cmd_window, "window [--at TIME] [--json]",
	 "is this a good time to deploy? the verdict and why, in the team's time zone"},
	{"advise", cmd_advise, "advise strategy|rollback ...", "which deployment strategy; roll back or fix forward (see below)"},
	{"export", cmd_export, "export", "print the whole release database as one JSON document"},
	{"import", cmd_import, "import FILE [--replace] [--force]",
	 "replace the release database with an export (--replace when it holds records; a backup is kept)"},
	{"doctor", cmd_doctor, "doctor",
	 "check the database (integrity, schema) and the repository, and say what to do"},
	{"demo", cmd_demo, "demo [--reset] [--no-open]", "build a demo repository and database, and open it"},
	{NULL, NULL, NULL, NULL},
};

static const char *const feature_usage[] = {
	"feature add TITLE [--key K] [--branch B] [--size small|medium|large] [--owner NAME]",
	"feature list [--json]",
	"feature show ID [--json]",
	"feature set ID [--title T] [--key K] [--branch B] [--size S] [--owner NAME]",
	"feature rm ID",
	"feature phase ID PHASE --reason TEXT | feature phase ID --auto",
	NULL,
};

static const char *const build_usage[] = {
	"build import FILE... [--format github-runs|github-jobs|gh|gitlab|jenkins] [--skip-bad]",
	"build add --commit SHA --started T --finished T --conclusion C [--workflow W] [--branch B] [--failure-kind K]",
	"build list [--json] [--since DAYS]",
	"build set ID --failure-kind tests|quality|security|config|other",
	"build stats [--format text|markdown|json]",
	NULL,
};

static const char *const deploy_usage[] = {
	"deploy record REF --env production|staging [--strategy big-bang|rolling|canary|blue-green] [--rollout PCT] [--status in-progress|succeeded|failed|rolled-back] [--kind normal|hotfix] [--feature ID] [--at TIME] [--note TEXT] [--allow-future] [--json]",
	"deploy advance ID --rollout PCT [--at TIME] [--allow-future] [--json]",
	"deploy set ID [--status S] [--kind normal|hotfix] [--strategy S] [--note TEXT]",
	"deploy list [--env production|staging] [--json]",
	"incident open TITLE [--severity sev1|sev2|sev3|sev4] [--deploy ID|REF] [--at TIME] [--note TEXT] [--allow-future] [--json]",
	"incident update ID [--detected T] [--paged T] [--root-cause T] [--decision rollback|fix-forward [--at T]] [--restored T] [--started T] [--severity S] [--title TEXT] [--note TEXT] [--allow-future]",
	"incident list [--open] [--json]",
	"review deploy ID [--answer N=TEXT]...",
	"review incident ID [--answer N=TEXT]...",
	"review list [--all] [--json]",
	NULL,
};

static const char *const advise_usage[] = {
	"advise strategy --users all|some|few --rollback-minutes N --impact revenue|inconvenience|minor [--json]",
	"advise rollback --severity critical|major|minor --root-cause known|unknown --fix-minutes N [--json]",
	NULL,
};

static void print_help(void)
{
	printf("usage: shipdeck [global options] [command [args]]\n\n"
	       "A release dashboard for the terminal: feature phases, build health, the\n"
	       "pre-deployment gate and DORA metrics, from git history and a release database.\n"
	       "With no command it opens the dashboard (or prints the snapshot when not on a terminal).\n\n"
	       "Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		printf("  %s\n      %s\n", c->usage, c->help);
	printf("\nFeature commands:\n");
	for (int i = 0; feature_usage[i]; i++)
		printf("  %s\n", feature_usage[i]);
	printf("\nBuild commands:\n");
	for (int i = 0; build_usage[i]; i++)
		printf("  %s\n", build_usage[i]);
	printf("\nDeployment, incident and review commands:\n");
	for (int i = 0; deploy_usage[i]; i++)
		printf("  %s\n", deploy_usage[i]);
	printf("\nAdvisor commands:\n");
	for (int i = 0; advise_usage[i]; i++)
		printf("  %s\n", advise_usage[i]);
	printf("\nGlobal options (before the command):\n");
	options_print_help(stdout);
	printf("\nConfig: $XDG_CONFIG_HOME/shipdeck/config.json, then the repository's .shipdeck.json,\n"
	       "then the command line. See shipdeck(1).\n");
}

static const struct command *find_command(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* With no command: the TUI on a terminal, the snapshot anywhere else, so
 * `shipdeck | mail` and cron jobs never get escape codes. */
static int run_default(struct ctx *c)
{
	if (opt_bool(&c->opt, OPT_SNAPSHOT) || !isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		return cmd_snapshot(c, 0, NULL);
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

int main(int argc, char **argv)
{
	/* libgit2 held for the whole run: each module's own init/shutdown pair
	 * is then a no-op instead of a full start (about 4 ms each: it parses
	 * the system CA bundle), three of them on every snapshot. */
	gitrepo_library_hold();
	struct ctx c;
	int cmd = ctx_init(&c, argc, argv);
	int rc;
	if (cmd < 0) {
		rc = EXIT_USAGE;
	} else if (opt_bool(&c.opt, OPT_HELP)) {
		print_help();
		rc = EXIT_OK;
	} else if (opt_bool(&c.opt, OPT_VERSION)) {
		printf("shipdeck %s\n", PACKAGE_VERSION);
		rc = EXIT_OK;
	} else {
		print_config_warnings(&c);
		if (cmd >= argc) {
			rc = run_default(&c);
		} else {
			const struct command *command = find_command(argv[cmd]);
			if (!command) {
				sd_error("unknown command '%s'", argv[cmd]);
				fputs("usage: shipdeck [global options] [command [args]]  (see 'shipdeck --help')\n", stderr);
				rc = EXIT_USAGE;
			} else {
				rc = command->run(&c, argc - cmd, argv + cmd);
			}
		}
	}
	ctx_free(&c);
	gitrepo_library_release();
	return rc;
}
