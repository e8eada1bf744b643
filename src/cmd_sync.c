/* cmd_sync — `shipdeck sync`: read every service's new history now (the
 * services at once, model_services.c), show each one's progress on a
 * terminal, and summarize what each scan knows. One service whose
 * repository is missing or broken is one line on stderr; the others still
 * sync and show, and the exit status says that one failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "context.h"
#include "jsonw.h"
#include "model.h"
#include "model_services.h"
#include "services.h"
#include "snapshot.h"
#include "text.h"
#include "timeutil.h"
#include "util.h"

/* What sync says of one service. */
struct sync_sum {
	const char *name, *repo, *paths;
	const struct gitscan_result *g;   /* NULL when its scan failed */
	size_t changes, reverts;          /* the service's own (a path service's by its paths) */
	double seconds;
	const char *error;
};

/* ---- progress on a terminal ---------------------------------------------------- */

struct progress_view {
	bool tty;
	size_t drawn;        /* lines drawn, redrawn in place */
	double *seconds;     /* per service, from the last report */
};

static int terminal_columns(void)
{
	struct winsize ws;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

static void progress_line(struct strbuf *sb, const struct scan_progress *p, int namew, int cols)
{
	struct strbuf line = STRBUF_INIT;
	sb_addf(&line, "%-*s  ", namew, p->name);
	switch (p->state) {
	case SCAN_WAITING:
		sb_add(&line, "waiting");
		break;
	case SCAN_READING:
		sb_addf(&line, "reading history: %zu commits", p->commits);
		break;
	case SCAN_PATHS:
		sb_addf(&line, "reading paths: %zu commits (history: %zu commits)", p->path_commits, p->commits);
		break;
	case SCAN_DONE:
		sb_addf(&line, "done in %.2f s (%zu commits read)", p->seconds, p->commits);
		break;
	case SCAN_FAILED:
		sb_add(&line, "failed: ");
		sb_add_clean(&line, p->error);
		break;
	}
	/* one terminal line each, or moving up n lines would miss the first */
	sb_add(sb, "\r\033[K");
	text_fit(sb, sb_str(&line), cols - 1, false, false);
	sb_add(sb, "\n");
	sb_free(&line);
}

/* model_services_load's watch: after a second, one line per service on
 * stderr, rewritten in place every tenth of a second; nothing when stderr
 * is not a terminal. */
static void show_progress(void *arg, const struct scan_progress *p, size_t n, double elapsed)
{
	struct progress_view *v = arg;
	if (!v->seconds)
		v->seconds = xcalloc(n + 1, sizeof *v->seconds);
	for (size_t i = 0; i < n; i++)
		v->seconds[i] = p[i].seconds;
	if (!v->tty || elapsed < 1.0)
		return;
	int namew = 0, cols = terminal_columns();
	for (size_t i = 0; i < n; i++)
		if (text_width(p[i].name) > namew)
			namew = text_width(p[i].name);
	struct strbuf sb = STRBUF_INIT;
	if (v->drawn)
		sb_addf(&sb, "\033[%zuA", v->drawn);
	for (size_t i = 0; i < n; i++)
		progress_line(&sb, &p[i], namew, cols);
	fputs(sb_str(&sb), stderr);
	fflush(stderr);
	sb_free(&sb);
	v->drawn = n;
}

/* ---- the summary ----------------------------------------------------------------- */

static void sum_json(struct strbuf *out, bool *first, const struct sync_sum *s)
{
	const struct gitscan_result *g = s->g;
	json_member_str(out, first, "default_branch", g->default_branch);
	json_member_num(out, first, "commits_known", (double)g->commits_known);
	json_member_num(out, first, "commits_read", (double)g->commits_walked);
	json_member_num(out, first, "deployments", (double)g->ndeploys);
	for (int k = 0; k < 2; k++) {
		const struct dora_deploy *d = !g->ndeploys ? NULL : k ? &g->deploys[g->ndeploys - 1] : &g->deploys[0];
		json_member(out, first, k ? "latest" : "first");
		if (!d) {
			sb_add(out, "null");
			continue;
		}
		bool f2 = true;
		json_member_str(out, &f2, "ref", d->ref);
		json_member(out, &f2, "time");
		json_add_time(out, d->time);
		sb_add(out, "}");
	}
	json_member_num(out, first, "changes", (double)s->changes);
	json_member_num(out, first, "reverts", (double)s->reverts);
	json_member(out, first, "warnings");
	for (size_t i = 0; i < g->nwarnings; i++) {
		sb_add(out, i ? ", " : "[");
		json_add_string(out, g->warnings[i]);
	}
	sb_add(out, g->nwarnings ? "]" : "[]");
}

/* One service (today's object); a team: {"services": [...], "failed", "seconds"}. */
static void sync_json(const struct sync_sum *s, size_t n, bool team, size_t failed, double seconds)
{
	struct strbuf out = STRBUF_INIT;
	bool first = true;
	if (!team) {
		sum_json(&out, &first, &s[0]);
	} else {
		json_member(&out, &first, "services");
		for (size_t i = 0; i < n; i++) {
			sb_add(&out, i ? ", " : "[");
			bool f = true;
			json_member_str(&out, &f, "name", s[i].name);
			json_member_str(&out, &f, "repo", s[i].repo);
			json_member_str(&out, &f, "paths", s[i].paths);
			json_member_str(&out, &f, "error", s[i].error);
			if (s[i].g)
				sum_json(&out, &f, &s[i]);
			json_member_num(&out, &f, "seconds", s[i].seconds);
			sb_add(&out, "}");
		}
		sb_add(&out, n ? "]" : "[]");
		json_member_num(&out, &first, "failed", (double)failed);
	}
	json_member_num(&out, &first, "seconds", seconds);
	sb_add(&out, "}\n");
	fputs(sb_str(&out), stdout);
	sb_free(&out);
}

static void print_sum(const struct sync_sum *s)
{
	const struct gitscan_result *g = s->g;
	char *branch = text_clean(g->default_branch ? g->default_branch : "(none)", TEXT_ONE_LINE);
	printf("default branch   %s\n", branch);
	free(branch);
	printf("commits          %zu known, %zu read now%s\n", g->commits_known, g->commits_walked,
	       g->from_cache ? " (nothing new)" : "");
	printf("deployments      %zu\n", g->ndeploys);
	if (g->ndeploys) {
		const struct dora_deploy *first = &g->deploys[0], *last = &g->deploys[g->ndeploys - 1];
		char a[24], b[24];
		char *fr = text_clean(first->ref, TEXT_ONE_LINE), *lr = text_clean(last->ref, TEXT_ONE_LINE);
		printf("                 first %s (%s), latest %s (%s)\n", fr, time_format_short(first->time, a),
		       lr, time_format_short(last->time, b));
		free(fr);
		free(lr);
	}
	printf("changes          %zu shipped commits with at most one parent%s\n", s->changes,
	       s->paths ? " touching its paths" : "");
	printf("reverts          %zu\n", s->reverts);
	for (size_t i = 0; i < g->nwarnings; i++) {
		char *w = text_clean(g->warnings[i], TEXT_ONE_LINE);
		printf("warning          %s\n", w);
		free(w);
	}
}

static void print_team(const struct sync_sum *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!s[i].g)
			continue;
		char *repo = text_clean(s[i].repo, TEXT_ONE_LINE), *paths = text_clean(s[i].paths, TEXT_ONE_LINE);
		printf("%sservice          %s: %s%s%s\n", i ? "\n" : "", s[i].name, repo, s[i].paths ? ", paths " : "",
		       s[i].paths ? paths : "");
		free(repo);
		free(paths);
		print_sum(&s[i]);
		printf("took             %.2f s\n", s[i].seconds);
	}
}

/* "service api: repository /x: not a git repository" — the service and
 * its path once, whatever the scan's message began with. */
static void report_failure(const struct sync_sum *s)
{
	const char *why = s->error;
	size_t len = strlen(s->repo);
	if (strncmp(why, s->repo, len) == 0 && strncmp(why + len, ": ", 2) == 0)
		why += len + 2;
	char *repo = text_clean(s->repo, TEXT_ONE_LINE), *w = text_clean(why, TEXT_ONE_LINE);
	sd_error("service %s: repository %s: %s (the other services were synced)", s->name, repo, w);
	free(repo);
	free(w);
}

/* ---- the command ------------------------------------------------------------------ */

static bool needs_home_repo(struct ctx *c, struct store *st)
{
	struct service_set set;
	if (services_resolve(c, st, &set) != 0)
		return false;
	bool implicit = set.implicit;
	service_set_free(&set);
	return implicit;
}

static int cmd_sync(struct ctx *c, struct cmd_args *a)
{
	struct store *st = ctx_store(c);
	if (!st)
		return EXIT_USAGE;
	/* with no service configured, the repository shipdeck stands in is the one */
	if (needs_home_repo(c, st) && !ctx_need_repo(c))
		return EXIT_USAGE;
	struct dash d = {0};
	d.now = c->now;
	/* The same recorded deployments as every view passes, or the cache
	 * would be recomputed back and forth between sync and the dashboard. */
	int rc = model_records(c, st, &d);
	struct progress_view v = {.tty = isatty(STDERR_FILENO)};
	struct scan_watch w = {show_progress, &v};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (rc == 0)
		rc = model_services_load(c, st, &d, cmd_arg(a, "full") != NULL, &w);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ctx_report(c);
	if (rc != 0) {
		free(v.seconds);
		model_free(&d);
		return EXIT_USAGE;
	}
	double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	struct sync_sum *s = xcalloc(d.nservices + 1, sizeof *s);
	size_t failed = 0;
	for (size_t i = 0; i < d.nservices; i++) {
		const struct dash_service *sv = &d.services[i];
		const struct gitscan_result *g = dash_service_git(&d, i);
		s[i] = (struct sync_sum){
			.name = sv->name, .repo = sv->repo, .paths = sv->paths, .g = sv->ok ? g : NULL,
			.changes = sv->paths ? sv->pathres.nchanges : g->nchanges_all,
			.reverts = sv->paths ? sv->pathres.nreverts : g->nreverts,
			.seconds = v.seconds ? v.seconds[i] : 0, .error = sv->error,
		};
		if (!sv->ok && sv->error) {
			report_failure(&s[i]);
			failed++;
		}
	}
	bool json = cmd_arg(a, "json") != NULL;
	if (json && (d.team || s[0].g)) {
		sync_json(s, d.nservices, d.team, failed, took);
	} else if (d.team) {
		print_team(s, d.nservices);
		printf("%stook             %.2f s for %zu services%s\n", d.nservices > failed ? "\n" : "", took,
		       d.nservices, failed ? " (some failed: above)" : "");
	} else if (s[0].g) {
		print_sum(&s[0]);
		printf("took             %.2f s\n", took);
	}
	if (c->deploy_tags_note && !json) {
		char *note = text_clean(c->deploy_tags_note, TEXT_ONE_LINE);
		printf("note             %s\n", note);
		free(note);
	}
	free(s);
	free(v.seconds);
	model_free(&d);
	return failed ? EXIT_USAGE : EXIT_OK;
}

const struct cmd_entry cmd_sync_entry = {
	.name = "sync", .maxpos = 0, .formats = "text|json",
	.opts = (const struct cmd_opt[]){
		{"full", NULL, "read the history from scratch, ignoring what is cached", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "read every service's new history now (at once) and summarize it", .run = cmd_sync,
};
