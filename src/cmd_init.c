/* cmd_init — `shipdeck init`: writes the repository's .shipdeck.json with
 * what a first run found (the release-tag pattern, the team's time zone, a
 * window that holds deployments), after showing it; it asks on a terminal
 * and wants --yes anywhere else, so a script never writes it by surprise. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "context.h"
#include "gitscan.h"
#include "snapshot.h"
#include "text.h"
#include "util.h"

/* The zone this machine runs in (TZ, else /etc/localtime's link), as a
 * starting point for the team's; UTC when neither names one. */
static char *local_zone(void)
{
	const char *tz = getenv("TZ");
	if (tz && *tz == ':')
		tz++;
	if (tz && strchr(tz, '/'))
		return xstrdup(tz);
	char buf[512];
	ssize_t n = readlink("/etc/localtime", buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = '\0';
		const char *z = strstr(buf, "zoneinfo/");
		if (z && z[9])
			return xstrdup(z + 9);
	}
	return xstrdup("UTC");
}

/* A window that holds the newest deployment: the current one, or when the
 * newest is older, its age rounded up to a month (as the dashboard says). */
static long init_window(struct ctx *c, const char *pattern)
{
	long window = (long)opt_int(&c->opt, OPT_WINDOW_DAYS);
	struct gitscan_opts o = {.deploy_tags = pattern, .default_branch = opt_str(&c->opt, OPT_DEFAULT_BRANCH)};
	struct gitscan_result g = {0};
	char err[512];
	if (gitscan_sync(NULL, c->repo_path, &o, &g, err, sizeof err) == 0 && g.ndeploys > 0) {
		int64_t newest = g.deploys[g.ndeploys - 1].time;
		long days = (long)((c->now - newest) / 86400);
		if (days >= window)
			window = days / 30 * 30 + 30 > 3650 ? 3650 : days / 30 * 30 + 30;
	}
	gitscan_result_free(&g);
	return window;
}

static char *init_document(struct ctx *c)
{
	const char *pattern = opt_str(&c->opt, OPT_DEPLOY_TAGS);
	char *zone = streq(c->opt.v[OPT_TIMEZONE].source, "default") ? local_zone()
									: xstrdup(opt_str(&c->opt, OPT_TIMEZONE));
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "{\n  \"deploy_tags\": ");
	json_add_string(&sb, pattern);
	sb_add(&sb, ",\n  \"timezone\": ");
	json_add_string(&sb, zone);
	sb_addf(&sb, ",\n  \"window_days\": %ld\n}\n", init_window(c, pattern));
	free(zone);
	return sb_detach(&sb);
}

/* On a terminal: asks. Elsewhere: --yes or nothing. */
static bool confirmed(bool yes)
{
	if (yes)
		return true;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		sd_error("not on a terminal: nothing was written (give --yes to write it)");
		return false;
	}
	printf("Write it? [y/N] ");
	fflush(stdout);
	char line[16];
	bool ok = fgets(line, sizeof line, stdin) && (line[0] == 'y' || line[0] == 'Y');
	if (!ok)
		printf("nothing was written\n");
	return ok;
}

static int cmd_init(struct ctx *c, struct cmd_args *a)
{
	if (!ctx_need_repo(c))
		return EXIT_USAGE;
	char *path = xasprintf("%s/.shipdeck.json", c->repo_path);
	struct stat sb;
	if (lstat(path, &sb) == 0) {
		sd_error("%s already exists: edit it ('shipdeck info' shows each setting and where it "
			 "comes from)", path);
		free(path);
		return EXIT_USAGE;
	}
	char *doc = init_document(c);
	char *shown = text_clean(path, TEXT_ONE_LINE), *body = text_clean(doc, TEXT_KEEP_NEWLINES);
	printf("shipdeck will write %s:\n%s", shown, body);
	free(shown);
	free(body);
	int rc = EXIT_OK;
	if (!confirmed(cmd_arg(a, "yes") != NULL)) {
		rc = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) ? EXIT_OK : EXIT_USAGE;
	} else if (write_file_atomic(path, doc, strlen(doc), 0644) != 0) {
		sd_error("%s: cannot write: %s", path, strerror(errno));
		rc = EXIT_USAGE;
	} else {
		printf("wrote it; commit it so the team shares it (git add .shipdeck.json)\n");
	}
	free(doc);
	free(path);
	return rc;
}

const struct cmd_entry cmd_init_entry = {
	.name = "init", .maxpos = 0,
	.opts = (const struct cmd_opt[]){
		{"yes", NULL, "write it without asking", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "write the repository's .shipdeck.json (release-tag pattern, time zone, window) after showing it",
	.run = cmd_init,
};
