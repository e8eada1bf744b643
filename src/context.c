/* context — turns argv, the environment and the config files into one
 * resolved set of options, the repository and the database path. Global
 * options come before the command, like git's. */
#include "context.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "advice.h"
#include "config.h"
#include "dbfiles.h"
#include "gitrepo.h"
#include "gitscan.h"
#include "tagpattern.h"
#include "paths.h"
#include "services.h"
#include "store.h"
#include "text.h"
#include "timearg.h"
#include "timeutil.h"

struct ctx_flag {
	int id;
	const char *value;
};

/* Splits "--name=value" / "--name value"; returns the option id or -1. */
static int read_global_flag(int argc, char **argv, int *i, const char **value)
{
	const char *a = argv[*i] + 2;
	const char *eq = strchr(a, '=');
	char name[64];
	size_t n = eq ? (size_t)(eq - a) : strlen(a);
	if (n >= sizeof name)
		return -1;
	memcpy(name, a, n);
	name[n] = '\0';
	int id = options_by_flag(name);
	if (id < 0)
		return -1;
	if (opt_decls[id].type == OPT_BOOL) {
		*value = eq ? eq + 1 : "true";
		return id;
	}
	if (eq) {
		*value = eq + 1;
	} else if (*i + 1 < argc) {
		*value = argv[++*i];
	} else {
		*value = NULL;
	}
	return id;
}

static void print_usage_hint(void)
{
	fputs("usage: shipdeck [global options] [command [args]]  (see 'shipdeck --help')\n", stderr);
}

/* Collects the global flags before the command. Returns the command index
 * or -1 after an error. */
static int parse_globals(int argc, char **argv, struct ctx_flag *flags, int *nflags)
{
	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return i + 1;
		if (strcmp(a, "-h") == 0)
			a = argv[i] = "--help";
		else if (strcmp(a, "-V") == 0)
			a = argv[i] = "--version";
		if (a[0] != '-' || a[1] == '\0')
			return i;
		if (a[1] != '-') {
			sd_error("unknown option '%s'", a);
			print_usage_hint();
			return -1;
		}
		const char *value;
		int id = read_global_flag(argc, argv, &i, &value);
		if (id < 0) {
			sd_error("unknown option '%s'", a);
			print_usage_hint();
			return -1;
		}
		if (!value) {
			sd_error("option '--%s' needs an argument (%s)", opt_decls[id].flag, opt_decls[id].arg);
			print_usage_hint();
			return -1;
		}
		flags[(*nflags)++] = (struct ctx_flag){id, value};
	}
	return i;
}

static const char *find_flag(const struct ctx_flag *flags, int n, int id)
{
	const char *v = NULL;
	for (int i = 0; i < n; i++)
		if (flags[i].id == id)
			v = flags[i].value;
	return v;
}

static int resolve_repo(struct ctx *c, const char *repo_flag)
{
	char err[512];
	char *start = NULL;
	if (repo_flag) {
		struct stat sb;
		if (stat(repo_flag, &sb) != 0) {
			sd_error("%s: no such repository (%s)", repo_flag, strerror(errno));
			return -1;
		}
		start = xstrdup(repo_flag);
	} else {
		start = getcwd(NULL, 0);
		if (!start)
			return 0;
	}
	struct gitrepo_found found = {0};
	int rc = gitrepo_discover(start, &found, err, sizeof err);
	c->repo_path = found.path;
	c->repo_name = found.name;
	c->repo_id = found.identity;
	if (rc == 1 && repo_flag) {
		sd_error("%s: not a git repository", repo_flag);
		rc = -1;
	} else if (rc < 0 && !repo_flag) {
		/* The directory we happen to stand in (on a shared box, often
		 * someone else's clone, which libgit2 refuses to open) must not stop
		 * a command that does not need it: say why and go on without. */
		sd_warn("%s (going on without a repository; use --repo PATH)", err);
		rc = 1;
	} else if (rc < 0) {
		sd_error("%s", err);
	}
	free(start);
	return rc < 0 ? -1 : 0;
}

/* A refused config file: the lines before the last are warnings of the
 * files read so far, the last one says what is wrong and where. */
static int config_refused(struct ctx *c)
{
	char *all = sb_detach(&c->warnings);
	size_t len = strlen(all);
	if (len && all[len - 1] == '\n')
		all[--len] = '\0';
	char *last = strrchr(all, '\n');
	if (last) {
		*last = '\0';
		sd_warn("%s", all);
	}
	sd_error("%s (fix it, or move it aside)", last ? last + 1 : all);
	free(all);
	return -1;
}

static int load_configs(struct ctx *c, const char *config_flag)
{
	c->user_config = config_flag ? xstrdup(config_flag) : paths_user_config();
	if (config_load(&c->opt, c->user_config, config_flag ? CONFIG_MUST_EXIST : 0, &c->warnings) != 0)
		return config_refused(c);
	if (c->repo_path) {
		c->repo_config = xasprintf("%s/.shipdeck.json", c->repo_path);
		if (config_load(&c->opt, c->repo_config, CONFIG_REPOSITORY, &c->warnings) != 0)
			return config_refused(c);
	}
	return 0;
}

static int apply_flags(struct ctx *c, const struct ctx_flag *flags, int n)
{
	for (int i = 0; i < n; i++) {
		char why[160];
		if (!options_set(&c->opt, (enum opt_id)flags[i].id, flags[i].value, "command line",
				 why, sizeof why)) {
			sd_error("--%s %s: %s", opt_decls[flags[i].id].flag, flags[i].value, why);
			print_usage_hint();
			return -1;
		}
	}
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc) /* no-color.org: present and not empty */
		options_set(&c->opt, OPT_NO_COLOR, "true", "NO_COLOR", NULL, 0);
	return 0;
}

static int resolve_now(struct ctx *c)
{
	const char *now = opt_str(&c->opt, OPT_NOW);
	if (!now) {
		c->now = (int64_t)time(NULL);
		return 0;
	}
	return timearg_parse(c, "now", now, &c->now) ? 0 : -1;
}

static bool file_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* A database named the old way (<name>.db) made before it recorded its
 * repository: it is this repository's when a commit it names is in this
 * repository, or when it names none (then the first repository to open it
 * claims it, as it did before). */
static bool legacy_is_ours(const struct ctx *c, const struct store_peek *p)
{
	if (p->git_dir)
		return streq(p->git_dir, c->repo_id);
	if (p->ncommits == 0)
		return true;
	bool *have = xcalloc(p->ncommits, sizeof *have);
	bool ours = false;
	if (gitrepo_have_commits(c->repo_path, (const char *const *)p->commits, p->ncommits, have) == 0)
		for (size_t i = 0; i < p->ncommits && !ours; i++)
			ours = have[i];
	free(have);
	return ours;
}

/* The default database belongs to the repository, not to its folder's name
 * (two clones named "jq" must not share one): <name>-<hash of identity>.db.
 * A database made under the old name keeps serving the repository it was
 * made for; one that belongs to another repository is left alone. */
static void choose_default_db(struct ctx *c)
{
	char *fresh = paths_default_db(c->repo_id);
	char *legacy = paths_legacy_db(c->repo_name);
	c->db_path = fresh;
	if (file_exists(fresh) || !file_exists(legacy)) {
		free(legacy);
		return;
	}
	struct store_peek p;
	if (store_peek(legacy, &p) == 0 && legacy_is_ours(c, &p)) {
		c->db_path = legacy;
		c->db_legacy = true;
		free(fresh);
	} else {
		sd_warn("%s was made for %s, not this repository; this repository gets its own "
			"database %s", legacy, p.git_dir ? p.git_dir : "another repository (its commits are "
			"not here)", fresh);
		free(legacy);
	}
	store_peek_free(&p);
}

/* A first run with no config: when no tag matches the default pattern, the
 * repository's own release-tag habit is used for this run (jq-*, curl-*,
 * [0-9]*) and the note says so and how to keep it. A pattern anyone set is
 * never second-guessed. */
static bool tag_matches(const char *name, void *pattern)
{
	return gitscan_tag_matches(pattern, name);
}

static void guess_deploy_tags(struct ctx *c)
{
	if (!c->repo_path || !streq(c->opt.v[OPT_DEPLOY_TAGS].source, "default"))
		return;
	/* The usual case, a tag matches: found without listing every ref
	 * (a second full listing per run on a repository of many refs). */
	const char *pattern = opt_str(&c->opt, OPT_DEPLOY_TAGS);
	if (gitrepo_any_tag(c->repo_path, tag_matches, (void *)pattern) != 0)
		return;
	char **names;
	size_t n;
	if (gitrepo_tag_names(c->repo_path, &names, &n) != 0)
		return;
	char *def = xstrdup(pattern);
	bool any = false;
	for (size_t i = 0; i < n && !any; i++)
		any = gitscan_tag_matches(def, names[i]);
	size_t matched = 0;
	char *guess = any || n == 0 ? NULL : tagpattern_guess((const char *const *)names, n, &matched);
	char why[160];
	if (guess && matched > 0 &&
	    options_set(&c->opt, OPT_DEPLOY_TAGS, guess, "guessed from the repository's tags", why, sizeof why))
		c->deploy_tags_note = xasprintf(
			"no tag matches the default deploy pattern '%s', so this run uses '%s', which %zu of "
			"the repository's %zu tags match; keep it with 'shipdeck init', or put "
			"\"deploy_tags\": \"%s\" in .shipdeck.json", def, guess, matched, n, guess);
	free(guess);
	free(def);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int ctx_parse(struct ctx *c, int argc, char **argv)
{
	memset(c, 0, sizeof *c);
	c->argv0 = argv[0];
	options_init(&c->opt);
	c->flags = xcalloc((size_t)argc + 1, sizeof *c->flags);
	int cmd = parse_globals(argc, argv, c->flags, &c->nflags);
	if (cmd >= 0) {
		c->asked_help = find_flag(c->flags, c->nflags, OPT_HELP) != NULL;
		c->asked_version = find_flag(c->flags, c->nflags, OPT_VERSION) != NULL;
	}
	return cmd;
}

int ctx_resolve(struct ctx *c, bool find_repo)
{
	int rc = 0;
	if (find_repo && (resolve_repo(c, find_flag(c->flags, c->nflags, OPT_REPO)) != 0 ||
			  load_configs(c, find_flag(c->flags, c->nflags, OPT_CONFIG)) != 0))
		rc = -1;
	if (rc == 0 && (apply_flags(c, c->flags, c->nflags) != 0 || resolve_now(c) != 0))
		rc = -1;
	/* --json before the command is the snapshot's --format json. */
	if (rc == 0 && opt_bool(&c->opt, OPT_AS_JSON))
		options_set(&c->opt, OPT_FORMAT, "json", "command line", NULL, 0);
	if (rc == 0 && find_repo)
		guess_deploy_tags(c);
	free(c->flags);
	c->flags = NULL;
	c->nflags = 0;
	if (rc == 0 && find_repo && !c->db_path) {
		/* a relative db in the user's config is beside that config */
		c->db_path = opt_path(&c->opt, OPT_DB);
		if (!c->db_path && c->repo_id)
			choose_default_db(c);
	}
	return rc;
}

int ctx_init(struct ctx *c, int argc, char **argv)
{
	int cmd = ctx_parse(c, argc, argv);
	bool early_exit = c->asked_help || c->asked_version;
	if (cmd >= 0 && ctx_resolve(c, !early_exit) != 0)
		cmd = -1;
	return cmd;
}

void ctx_free(struct ctx *c)
{
	ctx_report(c);          /* anything a caller kept and did not show */
	store_close(c->store);
	free(c->flags);
	if (c->zone)
		tz_free(c->zone);
	free(c->zone);
	options_free(&c->opt);
	free(c->repo_path);
	free(c->repo_name);
	free(c->repo_id);
	free(c->deploy_tags_note);
	free(c->db_path);
	free(c->user_config);
	free(c->repo_config);
	sb_free(&c->warnings);
	memset(c, 0, sizeof *c);
}

bool ctx_need_repo(struct ctx *c)
{
	if (c->repo_path)
		return true;
	sd_error("not inside a git repository: use --repo PATH, or try 'shipdeck demo' for a tour");
	return false;
}

/* The default location is ours to create; a --db path is the user's, and
 * creating directories they did not ask for would be a surprise. */
static int prepare_db_dir(struct ctx *c)
{
	if (opt_str(&c->opt, OPT_DB) || opt_bool(&c->opt, OPT_READ_ONLY))
		return 0;
	char *dir = paths_dirname(c->db_path);
	int rc = paths_mkdir_p(dir, 0700);
	if (rc != 0)
		ctx_fail(c, "%s: cannot create directory: %s", dir, strerror(errno));
	free(dir);
	return rc;
}

/* When the database opens: a member who may only read it gets a read-only
 * run instead of a failure half-way (the dashboard's status bar says
 * read-only), and --shared in a directory without the setgid bit works only
 * as long as every member uses this shipdeck: say how to fix it. */
static void say_how_shared(struct ctx *c)
{
	if (store_no_write_access(c->store)) /* the model says it, in a note */
		options_set(&c->opt, OPT_READ_ONLY, "true", "no write permission", NULL, 0);
	if (opt_bool(&c->opt, OPT_SHARED) && !dbfiles_dir_setgid(c->db_path)) {
		char *dir = paths_dirname(c->db_path);
		char *quoted = text_shell_quote(dir);
		ctx_caution(c, "%s: the directory is not setgid, so files other programs create there "
			"get their creator's group; fix it with: chmod g+s %s", c->db_path, quoted);
		free(quoted);
		free(dir);
	}
}

/* A database opened from a repository for the first time since it records
 * its repository (a new one, one named the old way, one given with --db)
 * belongs to that repository from then on: export writes it, import and
 * `info` compare it. Read first, so that a database already claimed costs
 * no write. */
static void claim_database(struct ctx *c)
{
	if (!c->repo_id || opt_bool(&c->opt, OPT_READ_ONLY))
		return;
	struct store_repo r;
	int have = store_repository_get(c->store, &r);
	store_repo_free(&r);
	if (have == 0 && store_repository_claim(c->store, c->repo_id, c->repo_name, c->now) < 0)
		ctx_caution(c, "%s", store_errmsg(c->store));
}

struct store *ctx_open_store(struct ctx *c)
{
	if (c->store)
		return c->store;
	if (!c->db_path) {
		ctx_fail(c, "no database: not inside a git repository and no --db given "
			 "(use --repo PATH or --db PATH, or try 'shipdeck demo')");
		return NULL;
	}
	if (prepare_db_dir(c) != 0)
		return NULL;
	int flags = opt_bool(&c->opt, OPT_READ_ONLY) ? STORE_READONLY : STORE_CREATE;
	if (opt_bool(&c->opt, OPT_SHARED))
		flags |= STORE_SHARED;
	char err[1024];
	c->store = store_open(c->db_path, flags, err, sizeof err);
	if (!c->store)
		ctx_fail(c, "%s", err);
	else
	{
		say_how_shared(c);
		claim_database(c);
		if (services_apply_flag(c, c->store) != 0) {
			store_close(c->store);
			c->store = NULL;
		}
	}
	return c->store;
}

struct store *ctx_store(struct ctx *c)
{
	struct store *st = ctx_open_store(c);
	ctx_report(c);
	return st;
}

const char *ctx_user(struct ctx *c)
{
	static char name[128];
	const char *u = getenv("USER");
	if (u && *u)
		return u;
	char *g = gitrepo_user_name(c->repo_path);
	struct passwd *pw = g ? NULL : getpwuid(getuid());
	snprintf(name, sizeof name, "%s", g ? g : pw && pw->pw_name ? pw->pw_name : "unknown");
	free(g);
	return name;
}

/* ---- global options after the command ----------------------------------------- */

int ctx_read_option(int argc, char **argv, int *i, const char **value)
{
	return read_global_flag(argc, argv, i, value);
}

/* Global options that only change how figures are computed or shown may
 * also follow the command; the ones that pick the repository or database
 * were resolved already and must come first. */
int ctx_apply_late_option(struct ctx *c, int id, const char *value)
{
	if (id == OPT_REPO || id == OPT_DB || id == OPT_CONFIG) {
		sd_error("--%s must come before the command", opt_decls[id].flag);
		return -1;
	}
	char why[160];
	if (!options_set(&c->opt, (enum opt_id)id, value, "command line", why, sizeof why)) {
		sd_error("--%s %s: %s", opt_decls[id].flag, value, why);
		return -1;
	}
	return id == OPT_NOW ? resolve_now(c) : 0;
}

const char *cmd_flag(const struct cmd_flag *flags, const char *name)
{
	for (const struct cmd_flag *f = flags; f && f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f->value;
	return NULL;
}
