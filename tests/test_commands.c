/* test_commands — pins the command table through the real binary. Help
 * never acts: every command and subcommand that --help lists answers
 * `CMD --help`, `CMD -h`, `help CMD` (and `CMD SUB --help`, `CMD SUB -h`,
 * `help CMD SUB`) with its own usage and exit 0, in an empty home, inside
 * a repository, and leaves every directory exactly as it was (no database,
 * no demo, no cache). One JSON convention: every usage line that offers
 * --json prints a JSON document with --json and with --format json, and
 * --format is refused where it means nothing. Completion: the bash script
 * `completion bash` prints completes commands, subcommands, every flag of
 * every subcommand (read back from --help) and flag values; the zsh script
 * names them all. The lists come from --help, so a new command is covered
 * the day it is added. Records have a life cycle: show (text and JSON) for
 * builds, deployments, incidents and reviews; rm asks, needs --yes off a
 * terminal, and DORA follows (figures worked out by hand below); incident
 * close; --root-cause takes words; build add --commit takes a branch. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "util.h"

static char *home, *outside, *repo;

static void setup(void)
{
	home = th_tmpdir();
	outside = th_tmpdir();
	repo = th_make_repo(outside, "shop");
}

static void teardown(void)
{
	th_rmtree(home);
	th_rmtree(outside);
	free(home);
	free(outside);
	free(repo);
}

TestSuite(commands, .init = setup, .fini = teardown, .timeout = 120);

#define RUN(...) th_shipdeck(home, NULL, (const char *const[]){__VA_ARGS__, NULL})

/* ---- reading --help --------------------------------------------------------- */

/* One usage line of --help: "build add --commit REV ..." split in words. */
struct usage {
	char *line;
	char *cmd, *sub; /* sub NULL for a command without subcommands */
};

static struct usage *usages;
static size_t nusages;

static void add_usage(const char *line, size_t len, bool sub)
{
	struct usage u = {xstrndup(line, len), NULL, NULL};
	size_t n1 = strcspn(u.line, " ");
	u.cmd = xstrndup(u.line, n1);
	if (sub) {
		const char *s = u.line + n1 + 1;
		u.sub = xstrndup(s, strcspn(s, " "));
	}
	size_t cap = nusages;
	VEC_PUSH(usages, nusages, cap, u);
}

/* Is there an "X subcommands:" section for the command word at p? */
static bool has_subs(const char *help, const char *p)
{
	char *head = xasprintf("\n%.*s subcommands:\n", (int)strcspn(p, " \n"), p);
	bool yes = strstr(help, head) != NULL;
	free(head);
	return yes;
}

/* Reads the "Commands:" section (commands without subcommands) and every
 * "X subcommands:" section of --help. */
static void read_help(void)
{
	struct th_run r = RUN("--help");
	cr_assert_eq(r.status, 0);
	nusages = 0;
	usages = NULL;
	bool in_cmds = false, in_subs = false;
	for (const char *p = r.out; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == 0) {
			in_cmds = in_subs = false;
		} else if (strncmp(p, "Commands:", len) == 0) {
			in_cmds = true;
		} else if (len > 13 && strncmp(p + len - 13, " subcommands:", 13) == 0) {
			in_subs = true;
		} else if ((in_cmds || in_subs) && len > 2 && p[2] != ' ') {
			if (in_subs || !has_subs(r.out, p + 2))
				add_usage(p + 2, len - 2, in_subs);
		}
		p += len + (nl != NULL);
	}
	th_run_free(&r);
}

static void free_help(void)
{
	for (size_t i = 0; i < nusages; i++) {
		free(usages[i].line);
		free(usages[i].cmd);
		free(usages[i].sub);
	}
	free(usages);
}

/* ---- help never acts -------------------------------------------------------- */

/* Every path under dir, one a line (empty when dir is empty). */
static char *listing(const char *dir)
{
	char *cmd = xasprintf("cd '%s' && find . -mindepth 1 | sort", dir);
	FILE *p = popen(cmd, "r");
	free(cmd);
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		sb_addn(&sb, buf, n);
	pclose(p);
	return sb_detach(&sb);
}

static void expect_help(const struct usage *u, const char *const *args)
{
	struct th_run r = th_shipdeck(home, NULL, args);
	char *want = xasprintf("usage: shipdeck %s%s%s", u->cmd, u->sub ? " " : "", u->sub ? u->sub : "");
	cr_assert_eq(r.status, 0, "%s: status %d, stderr %s", u->line, r.status, r.err);
	cr_assert(str_starts(r.out, want), "%s: help starts '%.60s'", u->line, r.out);
	cr_assert_str_eq(r.err, "", "%s: %s", u->line, r.err);
	free(want);
	th_run_free(&r);
}

/* Runs the help forms of one usage line, before any global option and
 * after `--repo REPO` (a repository whose database does not exist yet);
 * then nothing may have changed in the home or the repository. */
static void help_forms(const struct usage *u, const char *home_before, const char *repo_before)
{
	for (int with_repo = 0; with_repo < 2; with_repo++) {
		/* outside a repository --help alone: the paths differ only in the repository */
		for (int form = with_repo ? 0 : 2; form < 3; form++) {
			const char *v[8];
			int k = 0;
			if (with_repo) {
				v[k++] = "--repo";
				v[k++] = repo;
			}
			if (form == 1)
				v[k++] = "help";
			v[k++] = u->cmd;
			if (u->sub)
				v[k++] = u->sub;
			if (form != 1)
				v[k++] = form == 0 ? "-h" : "--help";
			v[k] = NULL;
			expect_help(u, v);
		}
	}
	char *home_after = listing(home), *repo_after = listing(repo);
	cr_assert_str_eq(home_after, home_before, "%s created files in the home", u->line);
	cr_assert_str_eq(repo_after, repo_before, "%s changed the repository", u->line);
	free(home_after);
	free(repo_after);
}

Test(commands, help_never_acts)
{
	read_help();
	cr_assert_gt(nusages, 30, "read %zu usage lines from --help", nusages);
	char *home_before = listing(home), *repo_before = listing(repo);
	cr_assert_str_eq(home_before, "", "the home starts empty");
	for (size_t i = 0; i < nusages; i++)
		help_forms(&usages[i], home_before, repo_before);
	/* a group alone, as help or with --help, shows its subcommands */
	struct th_run r = RUN("build", "--help");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "build import FILE..."), "%s", r.out);
	th_run_free(&r);
	r = RUN("help");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "Commands:"));
	th_run_free(&r);
	free(home_before);
	free(repo_before);
	free_help();
}

Test(commands, help_is_the_same_everywhere_and_refuses_unknown_names)
{
	struct th_run a = RUN("help", "deploy", "record"), b = RUN("deploy", "record", "--help");
	cr_assert_str_eq(a.out, b.out);
	cr_assert(strstr(a.out, "--env production|staging"), "%s", a.out);
	th_run_free(&a);
	th_run_free(&b);
	a = RUN("help", "frobnicate");
	cr_assert_eq(a.status, 2);
	cr_assert(strstr(a.err, "no command 'frobnicate'"), "%s", a.err);
	th_run_free(&a);
	a = RUN("help", "build", "frob");
	cr_assert_eq(a.status, 2);
	cr_assert(strstr(a.err, "build has no subcommand 'frob' (import, add"), "%s", a.err);
	th_run_free(&a);
	a = RUN("build");
	cr_assert_eq(a.status, 2);
	cr_assert(strstr(a.err, "build needs a subcommand: import, add, list"), "%s", a.err);
	th_run_free(&a);
	a = RUN("deploy", "frob");
	cr_assert_eq(a.status, 2);
	cr_assert(strstr(a.err, "unknown deploy subcommand 'frob'"), "%s", a.err);
	th_run_free(&a);
}

/* -h as the value of a flag is that value, not a request for help. */
Test(commands, a_flag_value_that_looks_like_help_is_a_value)
{
	struct th_run r = RUN("--repo", repo, "feature", "add", "--owner", "-h", "Gift cards");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "added feature 1"), "%s", r.out);
	th_run_free(&r);
	r = RUN("--repo", repo, "feature", "show", "1", "--json");
	cr_assert(strstr(r.out, "\"owner\": \"-h\""), "%s", r.out);
	th_run_free(&r);
}

/* ---- one JSON convention ------------------------------------------------------ */

/* A value for a placeholder of a usage line; the second run of a command
 * (form 1) works on the second record of each kind, as the first run may
 * have closed or advanced the first. */
static const char *placeholder(const char *word, int form)
{
	static const struct {
		const char *name, *value;
	} map[] = {
		{"FEATURE", "1"}, {"REF", "main"}, {"TITLE", "Checkout down"},
		{"N", "10"}, {"PCT", "100"}, {"TIME", "2026-11-27T09:00:00Z"}, {"REV", "main"},
		{"NAME", "shop"}, /* a service: the implicit one is the repository's folder */
	};
	if (strchr(word, '|'))
		return NULL; /* choices: the caller takes the first */
	if (strcmp(word, "ID") == 0)
		return form ? "2" : "1";
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(map[i].name, word) == 0)
			return map[i].value;
	cr_assert_fail("no value for placeholder '%s'", word);
	return NULL;
}

/* argv for a usage line: its command words, required arguments and
 * required flags with values, then extra (NULL-ended). Optional [groups]
 * are left out. */
static char **usage_argv(const struct usage *u, int form, const char *extra, const char *extra2)
{
	char **v = xcalloc(64, sizeof *v);
	int n = 0;
	v[n++] = xstrdup("--repo");
	v[n++] = xstrdup(repo);
	v[n++] = xstrdup("--now");
	v[n++] = xstrdup("2026-11-27T12:00:00Z");
	char *line = xstrdup(u->line);
	int depth = 0;
	for (char *tok = strtok(line, " "); tok; tok = strtok(NULL, " ")) {
		bool skip = depth > 0 || tok[0] == '[';
		for (char *c = tok; *c; c++)
			depth += (*c == '[') - (*c == ']');
		if (skip || strcmp(tok, "...") == 0)
			continue;
		if (tok[0] == '-' || (tok[0] >= 'a' && tok[0] <= 'z' && !strchr(tok, '|'))) {
			v[n++] = xstrdup(tok);
			continue;
		}
		const char *val = placeholder(tok, form);
		v[n++] = val ? xstrdup(val) : xstrndup(tok, strcspn(tok, "|"));
	}
	free(line);
	v[n++] = xstrdup(extra);
	if (extra2)
		v[n++] = xstrdup(extra2);
	return v;
}

static void free_argv(char **v)
{
	for (int i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

static void expect_json(const struct usage *u, char **argv)
{
	struct th_run r = th_shipdeck(home, NULL, (const char *const *)argv);
	/* gate says no-go with exit 1; everything else succeeds */
	cr_assert(r.status == 0 || (r.status == 1 && strcmp(u->cmd, "gate") == 0),
		  "%s %s: status %d, %s", u->line, argv[8] ? argv[8] : "", r.status, r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j, "%s with %s: not JSON: %.200s", u->line, argv[8], r.out);
	cJSON_Delete(j);
	th_run_free(&r);
}

/* Two records of each kind, ids 1 and 2. */
static void two_of_each(void)
{
	th_git(repo, "2026-11-02T10:00:00+0000", "commit -q --allow-empty -m two");
	static const char *const refs[] = {"main~1", "main"};
	for (int k = 0; k < 2; k++) {
		const char *const steps[][16] = {
			{"feature", "add", "Gift cards", NULL},
			{"deploy", "record", refs[k], "--env", "production", "--rollout", "5", "--at",
			 "2026-11-27T08:00:00Z", NULL},
			{"build", "add", "--commit", refs[k], "--started-at", "2026-11-27T07:00:00Z",
			 "--finished-at", "2026-11-27T07:05:00Z", "--conclusion", "success", NULL},
			{"incident", "open", "Search slow", "--at", "2026-11-27T09:00:00Z", NULL},
		};
		for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
			const char *argv[20] = {"--repo", repo, "--now", "2026-11-27T12:00:00Z"};
			for (int w = 0; steps[i][w]; w++)
				argv[4 + w] = steps[i][w];
			struct th_run r = th_shipdeck(home, NULL, argv);
			cr_assert_eq(r.status, 0, "%s %s: %s", steps[i][0], steps[i][1], r.err);
			th_run_free(&r);
		}
	}
}

Test(commands, every_json_flag_prints_json_and_format_json_too)
{
	two_of_each();
	struct th_run r;
	read_help();
	int tried = 0;
	for (size_t i = 0; i < nusages; i++) {
		if (!strstr(usages[i].line, "[--json]"))
			continue;
		for (int form = 0; form < 2; form++) {
			char **argv = usage_argv(&usages[i], form, form ? "--format" : "--json",
						 form ? "json" : NULL);
			expect_json(&usages[i], argv);
			free_argv(argv);
		}
		tried++;
	}
	/* feature list, show; build list, stats; deploy record, advance, list;
	 * incident open, list; review list; checklist; gate; window; snapshot;
	 * advise strategy, rollback: sixteen at least */
	cr_assert_geq(tried, 16, "%d commands take --json", tried);
	free_help();
	r = RUN("--repo", repo, "--snapshot", "--json");
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j, "--snapshot --json: %.200s", r.out);
	cJSON_Delete(j);
	th_run_free(&r);
}

Test(commands, format_where_it_means_nothing_is_refused)
{
	struct th_run r = RUN("--repo", repo, "feature", "add", "X", "--format", "json");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "unknown option '--format'"), "%s", r.err);
	cr_assert(strstr(r.err, "usage: shipdeck feature add TITLE"), "%s", r.err);
	th_run_free(&r);
	r = RUN("--repo", repo, "feature", "list", "--format", "markdown");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--format markdown: must be text|json"), "%s", r.err);
	th_run_free(&r);
	r = RUN("--repo", repo, "feature", "list", "--json", "--format", "text");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--json and --format text disagree"), "%s", r.err);
	th_run_free(&r);
	/* before the command: the command's own output flags, or refused */
	r = RUN("--repo", repo, "--json", "feature", "list");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "{\"schema\": \"shipdeck.feature-list/1\", \"features\": []}\n");
	th_run_free(&r);
	r = RUN("--repo", repo, "--json", "feature", "add", "X");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "unknown option '--json'"), "%s", r.err);
	th_run_free(&r);
	r = RUN("--repo", repo, "--snapshot", "feature", "list");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--snapshot prints the dashboard and takes no command"), "%s", r.err);
	th_run_free(&r);
	r = RUN("--repo", repo, "build", "stats", "--format", "markdown");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "#"), "markdown: %s", r.out);
	th_run_free(&r);
}

/* ---- completion -------------------------------------------------------------------- */

/* What the bash completion offers for a command line ending in cur (the
 * words are shell words; the last one is the one being completed). */
static char *complete(const char *script, const char *words)
{
	char *cmd = xasprintf("bash -c 'source \"%s\"; COMP_WORDS=(%s); "
			      "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _shipdeck; echo \"${COMPREPLY[*]}\"'",
			      script, words);
	FILE *p = popen(cmd, "r");
	free(cmd);
	char buf[8192] = "";
	size_t n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	pclose(p);
	buf[strcspn(buf, "\n")] = '\0';
	return xstrdup(buf);
}

static void expect_completion(const char *script, const char *words, const char *want)
{
	char *got = complete(script, words);
	cr_assert_str_eq(got, want, "completing (%s)", words);
	free(got);
}

static char *write_script(const char *shell)
{
	struct th_run r = RUN("completion", shell);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *path = xasprintf("%s/shipdeck.%s", outside, shell);
	th_write(path, r.out);
	th_run_free(&r);
	return path;
}

Test(commands, bash_completion_from_the_table)
{
	char *script = write_script("bash");
	expect_completion(script, "shipdeck bu", "build");
	expect_completion(script, "shipdeck build \"\"", "import add list show set rm stats");
	expect_completion(script, "shipdeck build add --con", "--conclusion");
	expect_completion(script, "shipdeck build add --conclusion s", "success skipped");
	expect_completion(script, "shipdeck --db x.db deploy record main --env \"\"", "production staging");
	expect_completion(script, "shipdeck deploy list --format \"\"", "text json");
	expect_completion(script, "shipdeck snapshot --format \"\"", "text markdown json");
	expect_completion(script, "shipdeck help bu", "build");
	expect_completion(script, "shipdeck help deploy re", "record");
	expect_completion(script, "shipdeck --thr", "--thresholds");
	expect_completion(script, "shipdeck --thresholds \"\"", "dora-2023 dora-2024");
	expect_completion(script, "shipdeck completion \"\"", "bash zsh");
	/* every flag of every usage line of --help completes after its command */
	read_help();
	for (size_t i = 0; i < nusages; i++) {
		char *words = xasprintf("shipdeck %s%s%s --", usages[i].cmd, usages[i].sub ? " " : "",
					usages[i].sub ? usages[i].sub : "");
		char *got = complete(script, words);
		for (const char *p = usages[i].line; (p = strstr(p, "--"));) {
			size_t n = strcspn(p, " ]|");
			char *flag = xstrndup(p, n);
			char *padded = xasprintf(" %s ", got), *needle = xasprintf(" %s ", flag);
			cr_assert(strstr(padded, needle), "(%s) lacks %s: %s", words, flag, got);
			free(flag);
			free(padded);
			free(needle);
			p += n;
		}
		free(got);
		free(words);
	}
	free_help();
	free(script);
}

Test(commands, zsh_completion_names_every_command_and_flag)
{
	char *script = write_script("zsh");
	char *text = read_file(script, NULL);
	cr_assert(str_starts(text, "#compdef shipdeck\n"));
	read_help();
	for (size_t i = 0; i < nusages; i++) {
		char *name = xasprintf("'%s:", usages[i].sub ? usages[i].sub : usages[i].cmd);
		cr_assert(strstr(text, name), "zsh script lacks %s", name);
		free(name);
		for (const char *p = usages[i].line; (p = strstr(p, "--"));) {
			size_t n = strcspn(p, " ]|");
			char *spec = xasprintf("'%.*s[", (int)n, p);
			char *repeat = xasprintf("'*%.*s[", (int)n, p);
			cr_assert(strstr(text, spec) || strstr(text, repeat), "zsh script lacks %s", spec);
			free(spec);
			free(repeat);
			p += n;
		}
	}
	free_help();
	if (system("command -v zsh >/dev/null 2>&1") == 0)
		cr_assert_eq(th_sh(outside, "zsh -n '%s'", script), 0, "zsh -n refuses the script");
	free(text);
	free(script);
}

/* ---- records have a life cycle ---------------------------------------------------- */

#define AT "2026-11-27T12:00:00Z"
#define SD(...) th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", AT, __VA_ARGS__, NULL})

static void ok_has(struct th_run r, const char *want)
{
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	if (want)
		cr_assert(strstr(r.out, want), "lacks '%s': %s", want, r.out);
	th_run_free(&r);
}

static void fails_with(struct th_run r, const char *want)
{
	cr_assert_eq(r.status, 2, "status %d: %s", r.status, r.out);
	cr_assert(strstr(r.err, want), "lacks '%s': %s", want, r.err);
	th_run_free(&r);
}

static cJSON *json_run(struct th_run r)
{
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j, "not JSON: %s", r.out);
	th_run_free(&r);
	return j;
}

/* dora.<figure>.<field> of the snapshot. */
static double dora(const char *figure, const char *field)
{
	cJSON *j = json_run(SD("--snapshot", "--json"));
	const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "dora"), figure), field);
	cr_assert(cJSON_IsNumber(v), "dora.%s.%s", figure, field);
	double d = v->valuedouble;
	cJSON_Delete(j);
	return d;
}

static char *export_text(void)
{
	struct th_run r = SD("export");
	cr_assert_eq(r.status, 0);
	char *out = r.out;
	free(r.err);
	return out;
}

Test(commands, a_removed_deployment_leaves_dora)
{
	th_git(repo, "2026-11-20T09:00:00+0000", "commit -q --allow-empty -m one");
	char *c1 = th_rev(repo, "HEAD");
	th_git(repo, "2026-11-25T09:00:00+0000", "commit -q --allow-empty -m two");
	ok_has(SD("deploy", "record", c1, "--env", "production", "--at", "2026-11-20T10:00:00Z"), "deployment 1");
	ok_has(SD("deploy", "record", "main", "--env", "production", "--at", "2026-11-25T10:00:00Z", "--status",
		  "failed"), "deployment 2");
	ok_has(SD("incident", "open", "Checkout down", "--at", "2026-11-25T11:00:00Z"),
	       "linked automatically to deployment 2");
	/* No tag matches v*: the two records are the deployments; #2 failed
	 * (its status, and the incident linked to it): 1 of 2. */
	cr_assert_eq(dora("deployment_frequency", "deploys"), 2);
	cr_assert_eq(dora("change_failure_rate", "failed"), 1);
	char *before = export_text();
	fails_with(SD("deploy", "rm", "2"), "give --yes to go ahead");
	char *after = export_text();
	cr_assert_str_eq(after, before, "a refused rm changes nothing");
	ok_has(SD("deploy", "rm", "2", "--yes"), "incident 1: linked by time to deployment 1 now");
	fails_with(SD("deploy", "show", "2"), "no deployment 2");
	/* #2 and its failed status are gone; the incident (11-25 11:00) now
	 * belongs to the latest production deployment before it, #1 (spec §3),
	 * which it fails: 1 deployment, 1 failed, 100 %. */
	cr_assert_eq(dora("deployment_frequency", "deploys"), 1);
	cr_assert_eq(dora("change_failure_rate", "failed"), 1);
	cr_assert_eq(dora("change_failure_rate", "rate"), 100);
	ok_has(SD("incident", "close", "1", "--at", "2026-11-25T12:00:00Z"), "outage 1 h 00 min");
	fails_with(SD("incident", "close", "1"), "incident 1 is closed already");
	/* restored 12:00 - started 11:00 = 1 h */
	cr_assert_eq(dora("time_to_restore", "median_hours"), 1);
	ok_has(SD("incident", "rm", "1", "--yes"), "removed incident 1");
	/* no incident, no failed status: 0 of 1 */
	cr_assert_eq(dora("change_failure_rate", "failed"), 0);
	cr_assert_eq(dora("deployment_frequency", "deploys"), 1);
	free(before);
	free(after);
	free(c1);
}

Test(commands, show_and_rm_for_every_record)
{
	char *head = th_rev(repo, "main");
	ok_has(SD("build", "add", "--commit", "main", "--started-at", "2026-11-27T09:00:00Z", "--finished-at",
		  "2026-11-27T09:07:00Z", "--conclusion", "success"), "recorded build 1");
	cJSON *j = json_run(SD("build", "show", "1", "--json"));
	cr_assert_str_eq(cJSON_GetObjectItem(j, "commit")->valuestring, head, "a branch resolves to its commit");
	cJSON_Delete(j);
	ok_has(SD("build", "show", "1"), "duration      7m00s");
	fails_with(SD("build", "rm", "1"), "give --yes");
	ok_has(SD("build", "rm", "1", "--yes"), "removed build 1");
	fails_with(SD("build", "show", "1"), "no build 1");
	fails_with(SD("build", "add", "--commit", "no-such-branch", "--started-at", "2026-11-27T09:00:00Z",
		      "--finished-at", "2026-11-27T09:07:00Z", "--conclusion", "success"), "--commit");

	ok_has(SD("deploy", "record", "main", "--env", "production", "--rollout", "5", "--at",
		  "2026-11-27T08:00:00Z"), "deployment 1");
	ok_has(SD("deploy", "advance", "1", "--rollout", "50", "--at", "2026-11-27T09:00:00Z"), "50%");
	ok_has(SD("deploy", "show", "1"), "stage        50 % at 2026-11-27T09:00:00Z");
	j = json_run(SD("deploy", "show", "1", "--json"));
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "deployment"), "stages")), 2);
	cJSON_Delete(j);

	ok_has(SD("incident", "open", "Search slow", "--at", "2026-11-27T10:00:00Z"), "incident 1");
	fails_with(SD("incident", "update", "1", "--root-cause", "2026-11-27T10:30:00Z"), "--root-cause-at");
	ok_has(SD("incident", "update", "1", "--root-cause", "parser overflow", "--root-cause-at",
		  "2026-11-27T10:30:00Z"), "updated incident 1");
	ok_has(SD("incident", "show", "1"), "root cause: parser overflow");
	j = json_run(SD("incident", "show", "1", "--json"));
	cr_assert_str_eq(cJSON_GetObjectItem(j, "root_cause")->valuestring, "parser overflow");
	cr_assert_str_eq(cJSON_GetObjectItem(j, "root_cause_at")->valuestring, "2026-11-27T10:30:00Z");
	cJSON_Delete(j);

	ok_has(SD("review", "deploy", "1", "--answer", "1=flat error rate"), "1 answer(s) recorded");
	ok_has(SD("review", "show", "deploy", "1"), "flat error rate");
	j = json_run(SD("review", "show", "deploy", "1", "--json"));
	cr_assert_eq(cJSON_GetObjectItem(j, "answered")->valuedouble, 1);
	cJSON_Delete(j);
	fails_with(SD("review", "show", "build", "1"), "review show needs deploy ID or incident ID");
	ok_has(SD("deploy", "rm", "1", "--yes"), "incident 1: not linked to a deployment now");
	/* the review went with its deployment */
	fails_with(SD("review", "show", "deploy", "1"), "no deployment 1");
	free(head);
}
