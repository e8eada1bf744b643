/* cmd_help — `help` and `completion`: both read the command table and
 * nothing else (no repository, config or database), so they work anywhere
 * and can never act. The completion scripts are generated here from the
 * same entries --help prints, so a new flag completes the day it is parsed. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "text.h"

static int cmd_help(struct ctx *c, struct cmd_args *a)
{
	(void)c;
	return cmd_help_main(a->npos, (char **)a->pos);
}

static int cmd_completion(struct ctx *c, struct cmd_args *a)
{
	(void)c;
	if (a->npos != 1)
		return cmd_usage_error(a, "completion needs a shell: bash or zsh");
	if (cmd_completion_script(stdout, a->pos[0]) != 0) {
		char *shown = text_clean(a->pos[0], TEXT_ONE_LINE);
		int rc = cmd_usage_error(a, "no completion for '%s': bash or zsh", shown);
		free(shown);
		return rc;
	}
	return EXIT_OK;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help", .args = "[COMMAND [SUBCOMMAND]]", .maxpos = 2,
	.help = "show what a command does and takes, without running it", .run = cmd_help,
	.opens_nothing = true,
};
const struct cmd_entry cmd_completion_entry = {
	.name = "completion", .args = "bash|zsh", .maxpos = 1,
	.help = "print the shell completion script (make install puts it in place)",
	.run = cmd_completion, .opens_nothing = true,
};

/* ---- what both scripts need from the table ------------------------------------- */

/* How the value of a flag completes: from its choices, as a file or a
 * directory, or not at all. */
enum value_kind { VALUE_NONE, VALUE_CHOICES, VALUE_FILE, VALUE_DIR };

static enum value_kind value_kind(const char *arg)
{
	if (!arg)
		return VALUE_NONE;
	if (strchr(arg, '|') && !strchr(arg, '='))
		return strcmp(arg, "ID|REF") == 0 ? VALUE_NONE : VALUE_CHOICES;
	if (strcmp(arg, "DIR") == 0)
		return VALUE_DIR;
	if (strcmp(arg, "PATH") == 0 || strcmp(arg, "FILE") == 0)
		return VALUE_FILE;
	return VALUE_NONE;
}

/* "a|b|c" → "a b c" */
static void add_choices(struct strbuf *sb, const char *arg)
{
	for (const char *p = arg; *p; p++)
		sb_addc(sb, *p == '|' ? ' ' : *p);
}

static bool takes_files(const struct cmd_entry *e)
{
	return e->args && strstr(e->args, "FILE");
}

/* ---- bash ---------------------------------------------------------------------------- */

static void bash_flags_case(struct strbuf *sb, const char *key, const struct cmd_entry *e)
{
	sb_addf(sb, "\t\"%s\") echo \"", key);
	bool first = true;
	for (const struct cmd_opt *o = e->opts; o && o->name; o++)
		if (!(o->flags & CMD_OPT_ALIAS)) {
			sb_addf(sb, "%s--%s", first ? "" : " ", o->name);
			first = false;
		}
	if (e->formats)
		sb_addf(sb, "%s--json --format", first ? "" : " ");
	sb_add(sb, " --help\" ;;\n");
}

static void bash_value_case(struct strbuf *sb, const char *key, const char *flag, const char *arg)
{
	enum value_kind k = value_kind(arg);
	sb_addf(sb, "\t\"%s --%s\") echo \"", key, flag);
	if (k == VALUE_CHOICES)
		add_choices(sb, arg);
	else
		sb_add(sb, k == VALUE_FILE ? "@file" : k == VALUE_DIR ? "@dir" : "@none");
	sb_add(sb, "\" ;;\n");
}

static void bash_values_of(struct strbuf *sb, const char *key, const struct cmd_entry *e)
{
	for (const struct cmd_opt *o = e->opts; o && o->name; o++)
		if (o->arg)
			bash_value_case(sb, key, o->name, o->arg);
	if (e->formats)
		bash_value_case(sb, key, "format", e->formats);
}

/* Calls fn for every command and subcommand with its "cmd" or "cmd sub" key. */
static void each_entry(struct strbuf *sb,
		       void (*fn)(struct strbuf *, const char *, const struct cmd_entry *))
{
	for (const struct cmd_entry *const *c = commands; *c; c++) {
		if (!(*c)->subs) {
			fn(sb, (*c)->name, *c);
			continue;
		}
		for (const struct cmd_entry *const *s = (*c)->subs; *s; s++) {
			char *key = xasprintf("%s %s", (*c)->name, (*s)->name);
			fn(sb, key, *s);
			free(key);
		}
	}
}

static void bash_globals(struct strbuf *flags, struct strbuf *values)
{
	for (int i = 0; i < OPT_COUNT; i++) {
		const struct opt_decl *d = &opt_decls[i];
		if (!d->flag)
			continue;
		sb_addf(flags, " --%s", d->flag);
		if (d->type != OPT_BOOL)
			bash_value_case(values, "", d->flag, d->type == OPT_ENUM ? d->arg :
					strcmp(d->arg, "PATH") == 0 ? "PATH" : "TEXT");
	}
}

static void bash_files_case(struct strbuf *sb, const char *key, const struct cmd_entry *e)
{
	if (takes_files(e))
		sb_addf(sb, "\t\"%s\") return 0 ;;\n", key);
}

static const char bash_body[] =
	"_shipdeck() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= sub= i=1 w v\n"
	"\t[ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	"\tCOMPREPLY=()\n"
	"\twhile [ \"$i\" -lt \"$COMP_CWORD\" ]; do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tcase $w in\n"
	"\t\t-*) v=$(_shipdeck_values \"${cmd}${sub:+ $sub}\" \"$w\")\n"
	"\t\t    [ -z \"$v\" ] && v=$(_shipdeck_values \"\" \"$w\")\n"
	"\t\t    [ -n \"$v\" ] && i=$((i + 1)) ;;\n"
	"\t\t*) if [ -z \"$cmd\" ]; then cmd=$w\n"
	"\t\t    elif [ -z \"$sub\" ] && { [ \"$cmd\" = help ] || [ -n \"$(_shipdeck_subs \"$cmd\")\" ]; }\n"
	"\t\t    then sub=$w; fi ;;\n"
	"\t\tesac\n"
	"\t\ti=$((i + 1))\n"
	"\tdone\n"
	"\tlocal key=${cmd}${sub:+ $sub}\n"
	"\tcase $prev in\n"
	"\t-*) v=$(_shipdeck_values \"$key\" \"$prev\")\n"
	"\t    [ -z \"$v\" ] && v=$(_shipdeck_values \"\" \"$prev\")\n"
	"\t    case $v in\n"
	"\t    '') ;;\n"
	"\t    @none) return 0 ;;\n"
	"\t    @file) COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n"
	"\t    @dir) COMPREPLY=($(compgen -d -- \"$cur\")); return 0 ;;\n"
	"\t    *) COMPREPLY=($(compgen -W \"$v\" -- \"$cur\")); return 0 ;;\n"
	"\t    esac ;;\n"
	"\tesac\n"
	"\tif [ -z \"$cmd\" ]; then\n"
	"\t\tcase $cur in\n"
	"\t\t-*) COMPREPLY=($(compgen -W \"$(_shipdeck_flags '')\" -- \"$cur\")) ;;\n"
	"\t\t*) COMPREPLY=($(compgen -W \"$(_shipdeck_commands)\" -- \"$cur\")) ;;\n"
	"\t\tesac\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\tif [ -z \"$sub\" ] && [ -n \"$(_shipdeck_subs \"$cmd\")\" ]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$(_shipdeck_subs \"$cmd\")\" -- \"$cur\"))\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\tcase $cur in\n"
	"\t-*) COMPREPLY=($(compgen -W \"$(_shipdeck_flags \"$key\")\" -- \"$cur\")) ;;\n"
	"\t*) if [ \"$cmd\" = help ]; then\n"
	"\t\tif [ -z \"$sub\" ]; then COMPREPLY=($(compgen -W \"$(_shipdeck_commands)\" -- \"$cur\"))\n"
	"\t\telse COMPREPLY=($(compgen -W \"$(_shipdeck_subs \"$sub\")\" -- \"$cur\")); fi\n"
	"\t    elif [ \"$cmd\" = completion ]; then COMPREPLY=($(compgen -W \"bash zsh\" -- \"$cur\"))\n"
	"\t    elif _shipdeck_files \"$key\"; then COMPREPLY=($(compgen -f -- \"$cur\")); fi ;;\n"
	"\tesac\n"
	"\treturn 0\n"
	"}\n"
	"complete -F _shipdeck shipdeck\n";

static void bash_script(struct strbuf *sb)
{
	sb_add(sb, "# bash completion for shipdeck; generated by `shipdeck completion bash`\n"
		   "# from the command table (src/commands.h): do not edit.\n\n");
	sb_add(sb, "_shipdeck_commands() {\n\techo \"");
	for (const struct cmd_entry *const *c = commands; *c; c++)
		sb_addf(sb, "%s%s", c == commands ? "" : " ", (*c)->name);
	sb_add(sb, "\"\n}\n\n_shipdeck_subs() {\n\tcase $1 in\n");
	for (const struct cmd_entry *const *c = commands; *c; c++) {
		if (!(*c)->subs)
			continue;
		sb_addf(sb, "\t%s) echo \"", (*c)->name);
		for (const struct cmd_entry *const *s = (*c)->subs; *s; s++)
			sb_addf(sb, "%s%s", s == (*c)->subs ? "" : " ", (*s)->name);
		sb_add(sb, "\" ;;\n");
	}
	struct strbuf gflags = STRBUF_INIT, gvalues = STRBUF_INIT;
	bash_globals(&gflags, &gvalues);
	sb_addf(sb, "\tesac\n}\n\n_shipdeck_flags() {\n\tcase $1 in\n\t\"\") echo \"%s\" ;;\n",
		sb_str(&gflags) + 1);
	each_entry(sb, bash_flags_case);
	sb_add(sb, "\tesac\n}\n\n# The completions of a flag's value: words, @file, @dir or @none;\n"
		   "# nothing when the flag takes no value.\n_shipdeck_values() {\n\tcase \"$1 $2\" in\n");
	sb_add(sb, sb_str(&gvalues));
	each_entry(sb, bash_values_of);
	sb_add(sb, "\tesac\n}\n\n_shipdeck_files() {\n\tcase $1 in\n");
	each_entry(sb, bash_files_case);
	sb_add(sb, "\tesac\n\treturn 1\n}\n\n");
	sb_add(sb, bash_body);
	sb_free(&gflags);
	sb_free(&gvalues);
}

/* ---- zsh ------------------------------------------------------------------------------ */

/* Text inside a single-quoted _arguments spec: no quote, no brackets, no colon. */
static void zsh_text(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\'')
			sb_add(sb, "'\\''");
		else if (*s == '[' || *s == ']')
			sb_addc(sb, *s == '[' ? '(' : ')');
		else if (*s == ':')
			sb_add(sb, " -");
		else
			sb_addc(sb, *s);
	}
}

static void zsh_value(struct strbuf *sb, const char *arg)
{
	enum value_kind k = value_kind(arg);
	sb_add(sb, ":");
	zsh_text(sb, k == VALUE_CHOICES ? "value" : arg);
	sb_add(sb, ":");
	if (k == VALUE_CHOICES) {
		sb_addc(sb, '(');
		add_choices(sb, arg);
		sb_addc(sb, ')');
	} else if (k == VALUE_FILE || k == VALUE_DIR) {
		sb_add(sb, k == VALUE_DIR ? "_files -/" : "_files");
	} else {
		sb_add(sb, " ");
	}
}

static void zsh_opt(struct strbuf *sb, const char *indent, bool repeat, const char *name,
		    const char *help, const char *arg)
{
	sb_addf(sb, "%s'%s--%s[", indent, repeat ? "*" : "", name);
	zsh_text(sb, help);
	sb_add(sb, "]");
	if (arg)
		zsh_value(sb, arg);
	sb_add(sb, "' \\\n");
}

static void zsh_arguments(struct strbuf *sb, const char *indent, const struct cmd_entry *e)
{
	sb_addf(sb, "%s_arguments -s \\\n", indent);
	char *inner = xasprintf("%s\t", indent);
	for (const struct cmd_opt *o = e->opts; o && o->name; o++)
		if (!(o->flags & CMD_OPT_ALIAS))
			zsh_opt(sb, inner, (o->flags & CMD_OPT_REPEAT) != 0, o->name, o->help, o->arg);
	if (e->formats) {
		zsh_opt(sb, inner, false, "json", "print JSON", NULL);
		zsh_opt(sb, inner, false, "format", "output format", e->formats);
	}
	zsh_opt(sb, inner, false, "help", "show this command's help", NULL);
	if (takes_files(e))
		sb_addf(sb, "%s'*:file:_files' \\\n", inner);
	else if (e == &cmd_completion_entry)
		sb_addf(sb, "%s'1:shell:(bash zsh)' \\\n", inner);
	sb_addf(sb, "%s&& return\n", inner);
	free(inner);
}

static void zsh_describe(struct strbuf *sb, const char *indent, const char *tag,
			 const struct cmd_entry *const *list)
{
	sb_addf(sb, "%slocal -a items; items=(\n", indent);
	for (; *list; list++) {
		sb_addf(sb, "%s\t'%s:", indent, (*list)->name);
		zsh_text(sb, (*list)->help);
		sb_add(sb, "'\n");
	}
	sb_addf(sb, "%s)\n%s_describe -t %s '%s' items && return\n", indent, indent, tag, tag);
}

static void zsh_command(struct strbuf *sb, const struct cmd_entry *c)
{
	sb_addf(sb, "\t\t%s)\n", c->name);
	if (!c->subs) {
		if (c == &cmd_help_entry)
			sb_add(sb, "\t\t\t(( CURRENT == 2 )) && _shipdeck_commands && return\n");
		else
			zsh_arguments(sb, "\t\t\t", c);
		sb_add(sb, "\t\t\t;;\n");
		return;
	}
	sb_add(sb, "\t\t\tif (( CURRENT == 2 )); then\n");
	zsh_describe(sb, "\t\t\t\t", "subcommands", c->subs);
	sb_add(sb, "\t\t\t\treturn\n\t\t\tfi\n\t\t\tshift words; (( CURRENT-- ))\n\t\t\tcase $words[1] in\n");
	for (const struct cmd_entry *const *s = c->subs; *s; s++) {
		sb_addf(sb, "\t\t\t%s)\n", (*s)->name);
		zsh_arguments(sb, "\t\t\t\t", *s);
		sb_add(sb, "\t\t\t\t;;\n");
	}
	sb_add(sb, "\t\t\tesac\n\t\t\t;;\n");
}

static void zsh_script(struct strbuf *sb)
{
	sb_add(sb, "#compdef shipdeck\n# zsh completion for shipdeck; generated by `shipdeck completion zsh`\n"
		   "# from the command table (src/commands.h): do not edit.\n\n");
	sb_add(sb, "_shipdeck_commands() {\n");
	zsh_describe(sb, "\t", "commands", commands);
	sb_add(sb, "}\n\n_shipdeck() {\n\tlocal curcontext=\"$curcontext\" state line\n"
		   "\ttypeset -A opt_args\n\t_arguments -C \\\n");
	for (int i = 0; i < OPT_COUNT; i++) {
		const struct opt_decl *d = &opt_decls[i];
		if (d->flag)
			zsh_opt(sb, "\t\t", false, d->flag, d->help, d->type == OPT_BOOL ? NULL : d->arg);
	}
	sb_add(sb, "\t\t'1: :->command' \\\n\t\t'*:: :->args' && return\n"
		   "\tcase $state in\n\tcommand) _shipdeck_commands ;;\n\targs)\n\t\tcase $words[1] in\n");
	for (const struct cmd_entry *const *c = commands; *c; c++)
		zsh_command(sb, *c);
	sb_add(sb, "\t\tesac\n\t\t;;\n\tesac\n}\n\n_shipdeck \"$@\"\n");
}

int cmd_completion_script(FILE *out, const char *shell)
{
	struct strbuf sb = STRBUF_INIT;
	if (strcmp(shell, "bash") == 0)
		bash_script(&sb);
	else if (strcmp(shell, "zsh") == 0)
		zsh_script(&sb);
	else
		return -1;
	fputs(sb_str(&sb), out);
	sb_free(&sb);
	return 0;
}
