/* cmdtable — everything the command table gives: the parser, dispatch,
 * usage lines, `--help` and `help CMD`. Each command declares its
 * arguments and flags once (a struct cmd_entry beside its function); this
 * file is the only reader, so a flag cannot be parsed without being in the
 * help, or shown without being parsed. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "loaders.h"
#include "model.h"
#include "text.h"

/* The commands in --help order: each entry lives beside its function. */
const struct cmd_entry *const commands[] = {
	&cmd_init_entry, &cmd_info_entry, &cmd_service_entry, &cmd_feature_entry, &cmd_sync_entry, &cmd_snapshot_entry,
	&cmd_checklist_entry, &cmd_check_entry, &cmd_uncheck_entry, &cmd_gate_entry, &cmd_build_entry,
	&cmd_deploy_entry, &cmd_incident_entry, &cmd_review_entry, &cmd_pr_entry, &cmd_window_entry,
	&cmd_advise_entry, &cmd_export_entry, &cmd_import_entry, &cmd_doctor_entry,
	&cmd_demo_entry, &cmd_help_entry, &cmd_completion_entry, NULL,
};

const struct cmd_entry *cmd_find(const struct cmd_entry *const *list, const char *name)
{
	for (; list && *list; list++)
		if (strcmp((*list)->name, name) == 0)
			return *list;
	return NULL;
}

/* ---- usage and help ---------------------------------------------------------- */

static bool opt_hidden(const struct cmd_opt *o)
{
	return (o->flags & CMD_OPT_ALIAS) != 0;
}

static void add_opt_usage(struct strbuf *sb, const struct cmd_opt *o)
{
	bool req = (o->flags & CMD_OPT_REQUIRED) != 0;
	sb_addf(sb, " %s--%s%s%s%s%s", req ? "" : "[", o->name, o->arg ? " " : "", o->arg ? o->arg : "",
		req ? "" : "]", (o->flags & CMD_OPT_REPEAT) ? "..." : "");
}

/* "build add --commit REV ..." (no "shipdeck "); a group lists its subcommands. */
static void add_usage(struct strbuf *sb, const struct cmd_entry *parent, const struct cmd_entry *e)
{
	if (parent)
		sb_addf(sb, "%s ", parent->name);
	sb_add(sb, e->name);
	if (e->subs) {
		for (const struct cmd_entry *const *s = e->subs; *s; s++)
			sb_addf(sb, "%c%s", s == e->subs ? ' ' : '|', (*s)->name);
		sb_add(sb, " ...");
		return;
	}
	if (e->args)
		sb_addf(sb, " %s", e->args);
	for (const struct cmd_opt *o = e->opts; o && o->name; o++)
		if (!opt_hidden(o))
			add_opt_usage(sb, o);
	/* text|json needs only --json in the synopsis; --format is in the options */
	if (e->formats && strcmp(e->formats, "text|json") != 0)
		sb_addf(sb, " [--format %s]", e->formats);
	if (e->formats)
		sb_add(sb, " [--json]");
}

void cmd_print_usage(FILE *out, const struct cmd_entry *parent, const struct cmd_entry *e)
{
	struct strbuf sb = STRBUF_INIT;
	add_usage(&sb, parent, e);
	fprintf(out, "usage: shipdeck %s\n", sb_str(&sb));
	sb_free(&sb);
}

int cmd_usage_error(const struct cmd_args *a, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	sd_error("%s", sb_str(&sb));
	sb_free(&sb);
	cmd_print_usage(stderr, a->parent, a->entry);
	return EXIT_USAGE;
}

static void print_opt_line(FILE *out, const char *left, const char *help)
{
	if (strlen(left) > 23)
		fprintf(out, "  %s\n  %-24s %s\n", left, "", help);
	else
		fprintf(out, "  %-24s %s\n", left, help);
}

static void print_opts(FILE *out, const struct cmd_entry *e)
{
	if (!(e->opts && e->opts->name) && !e->formats)
		return;
	fprintf(out, "\nOptions:\n");
	char left[96];
	for (const struct cmd_opt *o = e->opts; o && o->name; o++) {
		if (opt_hidden(o))
			continue;
		snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		print_opt_line(out, left, o->help);
	}
	if (e->formats) {
		print_opt_line(out, "--json", "print JSON (the same as --format json)");
		snprintf(left, sizeof left, "--format %s", e->formats);
		/* a command with one format (export) has no other to default to */
		print_opt_line(out, left, strchr(e->formats, '|') ? "output format (default text)" : "output format (the only one)");
	}
}

/* The help of one command or subcommand: usage, what it does, its flags. */
static void print_command_help(FILE *out, const struct cmd_entry *parent, const struct cmd_entry *e)
{
	cmd_print_usage(out, parent, e);
	fprintf(out, "\n%s\n", e->help);
	if (e->subs) {
		fprintf(out, "\nSubcommands:\n");
		struct strbuf sb = STRBUF_INIT;
		for (const struct cmd_entry *const *s = e->subs; *s; s++) {
			sb_reset(&sb);
			add_usage(&sb, e, *s);
			fprintf(out, "  %s\n      %s\n", sb_str(&sb), (*s)->help);
		}
		sb_free(&sb);
		fprintf(out, "\n'shipdeck help %s SUBCOMMAND' shows a subcommand's options.\n", e->name);
		return;
	}
	print_opts(out, e);
	fprintf(out, "\nGlobal options (such as --repo and --db) go before the command: "
		     "see 'shipdeck --help'.\n");
}

void cmd_print_main_help(FILE *out)
{
	fprintf(out, "usage: shipdeck [global options] [command [args]]\n\n"
		     "A release dashboard for the terminal: feature phases, build health, the\n"
		     "pre-deployment gate and DORA metrics, from git history and a release database.\n"
		     "With no command it opens the dashboard (or prints the snapshot when not on a terminal).\n\n"
		     "Commands:\n");
	struct strbuf sb = STRBUF_INIT;
	for (const struct cmd_entry *const *c = commands; *c; c++) {
		sb_reset(&sb);
		add_usage(&sb, NULL, *c);
		fprintf(out, "  %s\n      %s\n", sb_str(&sb), (*c)->help);
	}
	for (const struct cmd_entry *const *c = commands; *c; c++) {
		if (!(*c)->subs)
			continue;
		fprintf(out, "\n%s subcommands:\n", (*c)->name);
		for (const struct cmd_entry *const *s = (*c)->subs; *s; s++) {
			sb_reset(&sb);
			add_usage(&sb, *c, *s);
			fprintf(out, "  %s\n      %s\n", sb_str(&sb), (*s)->help);
		}
	}
	sb_free(&sb);
	fprintf(out, "\n'shipdeck help COMMAND [SUBCOMMAND]' or 'shipdeck COMMAND --help' shows one command.\n");
	fprintf(out, "\nGlobal options (before the command):\n");
	options_print_help(out);
	fprintf(out, "\nConfig: $XDG_CONFIG_HOME/shipdeck/config.json, then the repository's .shipdeck.json,\n"
		     "then the command line. See shipdeck(1).\n");
}

static void print_clean_name(const char *what, const char *name)
{
	char *shown = text_clean(name, TEXT_ONE_LINE);
	sd_error(what, shown);
	free(shown);
}

/* Comma-separated names of a group's subcommands, for error lines. */
static char *sub_names(const struct cmd_entry *e)
{
	struct strbuf sb = STRBUF_INIT;
	for (const struct cmd_entry *const *s = e->subs; *s; s++)
		sb_addf(&sb, "%s%s", s == e->subs ? "" : ", ", (*s)->name);
	return sb_detach(&sb);
}

/* `shipdeck help [COMMAND [SUBCOMMAND]]`. */
static int help_for(int argc, char **argv)
{
	if (argc == 0) {
		cmd_print_main_help(stdout);
		return EXIT_OK;
	}
	const struct cmd_entry *e = cmd_find(commands, argv[0]);
	if (!e) {
		print_clean_name("no command '%s' (see 'shipdeck help')", argv[0]);
		return EXIT_USAGE;
	}
	if (argc == 1) {
		print_command_help(stdout, NULL, e);
		return EXIT_OK;
	}
	const struct cmd_entry *s = e->subs ? cmd_find(e->subs, argv[1]) : NULL;
	if (!s || argc > 2) {
		char *subs = e->subs ? sub_names(e) : NULL;
		char *shown = text_clean(argv[argc > 2 && s ? 2 : 1], TEXT_ONE_LINE);
		if (subs)
			sd_error("%s has no subcommand '%s' (%s)", e->name, shown, subs);
		else
			sd_error("%s has no subcommands", e->name);
		free(shown);
		free(subs);
		return EXIT_USAGE;
	}
	print_command_help(stdout, e, s);
	return EXIT_OK;
}

static const struct cmd_opt *find_opt(const struct cmd_entry *e, const char *name, size_t n)
{
	for (const struct cmd_opt *o = e->opts; o && o->name; o++)
		if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
			return o;
	return NULL;
}

/* Does "--name" (no "=") take the next word as its value? */
static bool takes_value(const struct cmd_entry *e, const char *name)
{
	const struct cmd_opt *o = find_opt(e, name, strlen(name));
	if (o)
		return o->arg != NULL;
	if (e->formats && strcmp(name, "format") == 0)
		return true;
	int id = options_by_flag(name);
	return id >= 0 && opt_decls[id].type != OPT_BOOL;
}

int cmd_help_if_asked(int argc, char **argv)
{
	if (argc < 1)
		return -1;
	bool asks = argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
	if (strcmp(argv[0], "help") == 0)
		return asks ? help_for(1, argv) : help_for(argc - 1, argv + 1);
	const struct cmd_entry *e = cmd_find(commands, argv[0]), *parent = NULL;
	if (!e)
		return -1;
	int i = 1;
	const struct cmd_entry *s = e->subs && argc > 1 ? cmd_find(e->subs, argv[1]) : NULL;
	if (s) {
		parent = e;
		e = s;
		i = 2;
	}
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_command_help(stdout, parent, e);
			return EXIT_OK;
		}
		if (a[0] == '-' && a[1] == '-' && !strchr(a, '=') && takes_value(e, a + 2))
			i++;
	}
	return -1;
}

int cmd_help_main(int argc, char **argv)
{
	return help_for(argc, argv);
}

/* ---- parsing ------------------------------------------------------------------- */

static void fill_flags(const struct cmd_entry *e, struct cmd_flag *out)
{
	int n = 0;
	for (const struct cmd_opt *o = e->opts; o && o->name && n < CMD_MAX_FLAGS - 2; o++)
		if (!opt_hidden(o))
			out[n++] = (struct cmd_flag){o->name, o->arg != NULL, NULL};
	if (e->formats) {
		out[n++] = (struct cmd_flag){"json", false, NULL};
		out[n++] = (struct cmd_flag){"format", true, NULL};
	}
	out[n] = (struct cmd_flag){NULL, false, NULL};
}

static struct cmd_flag *slot(struct cmd_args *a, const char *name, size_t n)
{
	for (struct cmd_flag *f = a->flags; f->name; f++)
		if (strlen(f->name) == n && strncmp(f->name, name, n) == 0)
			return f;
	return NULL;
}

/* A global option after the command: the ones that change what a command
 * does (the snapshot's --format and --json, --snapshot) would be quietly
 * ignored by a command that has its own output, so they are refused. */
static int late_global(struct ctx *c, struct cmd_args *a, int *i)
{
	const char *value;
	const char *arg = a->argv[*i];
	int id = ctx_read_option(a->argc, a->argv, i, &value);
	if (id == OPT_FORMAT || id == OPT_AS_JSON || id == OPT_SNAPSHOT || id == OPT_HELP ||
	    id == OPT_VERSION || id < 0) {
		size_t n = strcspn(arg, "=");
		return cmd_usage_error(a, "unknown option '%.*s'", (int)n, arg);
	}
	if (!value)
		return cmd_usage_error(a, "option '--%s' needs an argument (%s)", opt_decls[id].flag,
				       opt_decls[id].arg);
	return ctx_apply_late_option(c, id, value) == 0 ? 0 : EXIT_USAGE;
}

static int parse_flag(struct ctx *c, struct cmd_args *a, int *i)
{
	const char *name = a->argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const struct cmd_opt *o = find_opt(a->entry, name, n);
	struct cmd_flag *f = NULL;
	if (o)
		f = opt_hidden(o) ? slot(a, o->alias, strlen(o->alias)) : slot(a, name, n);
	else if (a->entry->formats && ((n == 4 && !strncmp(name, "json", 4)) ||
				       (n == 6 && !strncmp(name, "format", 6))))
		f = slot(a, name, n);
	if (!f)
		return late_global(c, a, i);
	if (!f->has_arg) {
		if (eq)
			return cmd_usage_error(a, "option '--%s' takes no value", f->name);
		f->value = "1";
		return 0;
	}
	if (!eq && *i + 1 >= a->argc)
		return cmd_usage_error(a, "option '--%.*s' needs an argument", (int)n, name);
	f->value = eq ? eq + 1 : a->argv[++*i];
	return 0;
}

static bool choice_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);
	for (const char *p = choices; *p;) {
		size_t len = strcspn(p, "|");
		if (len == n && strncmp(p, v, n) == 0)
			return true;
		p += len + (p[len] == '|');
	}
	return false;
}

/* --json is --format json: after this both say the same. */
static int settle_format(struct cmd_args *a)
{
	if (!a->entry->formats)
		return 0;
	struct cmd_flag *json = slot(a, "json", 4), *format = slot(a, "format", 6);
	if (format->value && !choice_ok(a->entry->formats, format->value)) {
		char *shown = text_clean(format->value, TEXT_ONE_LINE);
		int rc = cmd_usage_error(a, "--format %s: must be %s", shown, a->entry->formats);
		free(shown);
		return rc;
	}
	if (json->value && format->value && strcmp(format->value, "json") != 0)
		return cmd_usage_error(a, "--json and --format %s disagree", format->value);
	if (json->value)
		format->value = "json";
	if (format->value && strcmp(format->value, "json") == 0)
		json->value = "1";
	return 0;
}

static int parse_args(struct ctx *c, struct cmd_args *a)
{
	fill_flags(a->entry, a->flags);
	a->pos = xcalloc((size_t)a->argc + 1, sizeof *a->pos);
	a->npos = 0;
	bool only_pos = false;
	for (int i = 1; i < a->argc; i++) {
		const char *arg = a->argv[i];
		if (!only_pos && strcmp(arg, "--") == 0) {
			only_pos = true;
		} else if (!only_pos && arg[0] == '-' && arg[1] == '-') {
			if (parse_flag(c, a, &i) != 0)
				return EXIT_USAGE;
		} else if (!only_pos && arg[0] == '-' && arg[1] != '\0') {
			return cmd_usage_error(a, "unknown option '%s'", arg);
		} else if (a->entry->maxpos >= 0 && a->npos >= a->entry->maxpos) {
			char *shown = text_clean(arg, TEXT_ONE_LINE);
			int rc = cmd_usage_error(a, "unexpected argument '%s'", shown);
			free(shown);
			return rc;
		} else {
			a->pos[a->npos++] = arg;
		}
	}
	return settle_format(a);
}

const char *cmd_arg(const struct cmd_args *a, const char *name)
{
	return cmd_flag(a->flags, name);
}

const char *cmd_format(const struct cmd_args *a)
{
	const char *f = cmd_arg(a, "format");
	return f ? f : "text";
}

/* ---- dispatch ------------------------------------------------------------------- */

/* Finds the entry argv names, moving past a group's subcommand; NULL after
 * printing why. */
static const struct cmd_entry *resolve(int *argc, char ***argv, const struct cmd_entry **parent)
{
	const struct cmd_entry *e = cmd_find(commands, (*argv)[0]);
	*parent = NULL;
	if (!e) {
		print_clean_name("unknown command '%s'", (*argv)[0]);
		fputs("usage: shipdeck [global options] [command [args]]  (see 'shipdeck --help')\n", stderr);
		return NULL;
	}
	if (!e->subs)
		return e;
	char *subs = sub_names(e);
	const struct cmd_entry *s = *argc > 1 ? cmd_find(e->subs, (*argv)[1]) : NULL;
	if (*argc < 2) {
		sd_error("%s needs a subcommand: %s", e->name, subs);
	} else if (!s) {
		char *shown = text_clean((*argv)[1], TEXT_ONE_LINE);
		sd_error("unknown %s subcommand '%s' (%s)", e->name, shown, subs);
		free(shown);
	}
	free(subs);
	if (!s) {
		fprintf(stderr, "see 'shipdeck help %s'\n", e->name);
		return NULL;
	}
	*parent = e;
	(*argc)--;
	(*argv)++;
	return s;
}

bool cmd_opens_nothing(int argc, char **argv)
{
	const struct cmd_entry *e = argc > 0 ? cmd_find(commands, argv[0]) : NULL;
	return e && e->opens_nothing;
}

/* --json, --format and --snapshot before a command: the output flags of a
 * command that has them, refused for one that has not (never ignored). */
static int output_flags_before(struct ctx *c, struct cmd_args *a)
{
	if (opt_bool(&c->opt, OPT_SNAPSHOT))
		return cmd_usage_error(a, "--snapshot prints the dashboard and takes no command");
	if (strcmp(c->opt.v[OPT_FORMAT].source, "command line") != 0)
		return 0;
	if (!a->entry->formats)
		return cmd_usage_error(a, "unknown option '--%s'", opt_bool(&c->opt, OPT_AS_JSON) ? "json" : "format");
	struct cmd_flag *format = slot(a, "format", 6);
	if (!format->value)
		format->value = opt_str(&c->opt, OPT_FORMAT);
	return settle_format(a);
}

int cmd_dispatch(struct ctx *c, int argc, char **argv)
{
	struct cmd_args a = {0};
	a.entry = resolve(&argc, &argv, &a.parent);
	if (!a.entry)
		return EXIT_USAGE;
	a.argc = argc;
	a.argv = argv;
	int rc = parse_args(c, &a);
	if (rc == 0)
		rc = output_flags_before(c, &a);
	if (rc == 0)
		rc = a.entry->run(c, &a);
	ctx_report(c);          /* anything kept that the command did not show */
	free(a.pos);
	return rc;
}

int cmd_model_build(struct ctx *c, struct dash *d)
{
	int rc = model_build(c, d);
	ctx_report(c);
	return rc;
}

bool cmd_checklists_setup(struct ctx *c, struct checklists *cl)
{
	bool ok = checklists_setup(c, cl);
	ctx_report(c);
	return ok;
}

bool cmd_confirm(const struct cmd_args *a, const char *question)
{
	if (cmd_arg(a, "yes"))
		return true;
	if (!isatty(STDIN_FILENO)) {
		sd_error("%s: not asked, as standard input is not a terminal; give --yes to go ahead",
			 question);
		return false;
	}
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	char line[16];
	if (!fgets(line, sizeof line, stdin))
		return false;
	if (line[0] == 'y' || line[0] == 'Y')
		return true;
	fprintf(stderr, "nothing removed\n");
	return false;
}
