/* cmd_service — `shipdeck service ...`: the team's services (docs/metrics.md
 * §13), kept in the database; the config's "services" are listed beside
 * them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "context.h"
#include "gitrepo.h"
#include "jsonw.h"
#include "services.h"
#include "store.h"
#include "text.h"
#include "timeutil.h"

static const char *source_word(const struct service *sv)
{
	return sv->implicit ? "implicit" : sv->from_config ? "config" : "database";
}

static void service_json(struct strbuf *out, const struct service_set *set, size_t i)
{
	const struct service *sv = &set->s[i];
	sb_add(out, "{\"name\": ");
	json_add_string(out, sv->name);
	json_field_str(out, "repo", sv->repo);
	json_field_str(out, "deploy_tags", sv->deploy_tags);
	json_field_str(out, "paths", sv->paths);
	json_field_str(out, "branch", sv->branch);
	json_field_str(out, "origins", sv->origins);
	json_field_str(out, "ci_names", sv->ci_names);
	json_field_str(out, "source", source_word(sv));
	json_field_bool(out, "home", set->home == (int)i);
	sb_add(out, "}");
}

/* One field line of `service show`, the value cleaned of control characters. */
static void field(struct strbuf *out, const char *label, const char *v, const char *unset)
{
	char *clean = v ? text_clean(v, TEXT_ONE_LINE) : NULL;
	sb_addf(out, "%-12s %s\n", label, clean ? clean : unset);
	free(clean);
}

static int load_set(struct ctx *c, struct store **st, struct service_set *set)
{
	*st = ctx_store(c);
	if (!*st || services_resolve(c, *st, set) != 0)
		return -1;
	for (size_t i = 0; i < set->nwarnings; i++)
		sd_warn("%s", set->warnings[i]);
	return 0;
}

static int service_list(struct ctx *c, struct cmd_args *a)
{
	struct store *st;
	struct service_set set;
	if (load_set(c, &st, &set) != 0)
		return EXIT_USAGE;
	struct strbuf out = STRBUF_INIT;
	if (cmd_arg(a, "json")) {
		sb_add(&out, "{\"schema\": \"shipdeck.service-list/1\", \"services\": [");
		for (size_t i = 0; i < set.n; i++) {
			sb_add(&out, i ? ",\n  " : "\n  ");
			service_json(&out, &set, i);
		}
		sb_add(&out, set.n ? "\n]}\n" : "]}\n");
	} else {
		for (size_t i = 0; i < set.n; i++) {
			const struct service *sv = &set.s[i];
			char *name = text_clean(sv->name, TEXT_ONE_LINE);
			char *repo = text_clean(sv->repo ? sv->repo : "(no repository)", TEXT_ONE_LINE);
			char *paths = sv->paths ? text_clean(sv->paths, TEXT_ONE_LINE) : NULL;
			sb_addf(&out, "%-16s %s%s%s%s\n", name, repo, paths ? "  paths " : "", paths ? paths : "",
				sv->implicit ? "  (implicit: no service configured)"
				: sv->from_config ? "  (config)" : "");
			free(name);
			free(repo);
			free(paths);
		}
	}
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	service_set_free(&set);
	return EXIT_OK;
}

static void counts_text(struct strbuf *out, const struct service_counts *k)
{
	sb_addf(out, "%lld feature%s, %lld build%s, %lld deployment record%s, %lld incident%s, %lld review answer%s",
		(long long)k->features, k->features == 1 ? "" : "s", (long long)k->builds,
		k->builds == 1 ? "" : "s", (long long)k->deployments, k->deployments == 1 ? "" : "s",
		(long long)k->incidents, k->incidents == 1 ? "" : "s", (long long)k->reviews,
		k->reviews == 1 ? "" : "s");
}

static int find_named(const struct service_set *set, const char *name)
{
	int i = services_find(set, name);
	if (i < 0) {
		char *shown = text_clean(name, TEXT_ONE_LINE);
		sd_error("no service '%s' (see 'shipdeck service list')", shown);
		free(shown);
	}
	return i;
}

static int service_show(struct ctx *c, struct cmd_args *a)
{
	if (a->npos != 1)
		return cmd_usage_error(a, "service show needs a NAME");
	struct store *st;
	struct service_set set;
	if (load_set(c, &st, &set) != 0)
		return EXIT_USAGE;
	int i = find_named(&set, a->pos[0]);
	struct service_counts k;
	if (i < 0 || store_service_counts(st, set.s[i].name, set.home == i, &k) != 0) {
		if (i >= 0)
			sd_error("%s", store_errmsg(st));
		service_set_free(&set);
		return EXIT_USAGE;
	}
	const struct service *sv = &set.s[i];
	struct strbuf out = STRBUF_INIT;
	if (cmd_arg(a, "json")) {
		sb_add(&out, "{\"schema\": \"shipdeck.service/1\", \"service\": ");
		service_json(&out, &set, (size_t)i);
		sb_addf(&out, ", \"records\": {\"features\": %lld, \"builds\": %lld, \"deployments\": %lld, "
			"\"incidents\": %lld, \"reviews\": %lld}}\n", (long long)k.features, (long long)k.builds,
			(long long)k.deployments, (long long)k.incidents, (long long)k.reviews);
	} else {
		field(&out, "service", sv->name, "");
		field(&out, "repository", sv->repo, "(none)");
		field(&out, "deploy tags", sv->deploy_tags, "(the global pattern)");
		field(&out, "paths", sv->paths, "(the whole repository)");
		field(&out, "branch", sv->branch, "(detected)");
		field(&out, "origins", sv->origins, "(the repository's folder name)");
		field(&out, "ci names", sv->ci_names, "(any)");
		field(&out, "defined in", source_word(sv), "");
		sb_addf(&out, "%-12s ", "records");
		counts_text(&out, &k);
		sb_add(&out, set.home == i ? " (with the records that name no service)\n" : "\n");
	}
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	service_set_free(&set);
	return EXIT_OK;
}

static int check_globs(const char *flag, const char *globs)
{
	char why[128];
	if (globs && service_globs_check(globs, why, sizeof why) != 0) {
		char *shown = text_clean(globs, TEXT_ONE_LINE);
		sd_error("--%s '%s': %s", flag, shown, why);
		free(shown);
		return -1;
	}
	return 0;
}

/* An empty flag value is no value. */
static char *flag_value(const struct cmd_args *a, const char *name)
{
	const char *v = cmd_arg(a, name);
	return v && *v ? xstrdup(v) : NULL;
}

static int service_add(struct ctx *c, struct cmd_args *a)
{
	if (a->npos != 1)
		return cmd_usage_error(a, "service add needs a NAME");
	const char *name = a->pos[0], *repo = cmd_arg(a, "repo");
	if (!service_name_ok(name)) {
		char *shown = text_clean(name, TEXT_ONE_LINE);
		sd_error("service name '%s': use 1 to 64 letters, digits, '.', '_' or '-'", shown);
		free(shown);
		return EXIT_USAGE;
	}
	if (check_globs("deploy-tags", cmd_arg(a, "deploy-tags")) || check_globs("paths", cmd_arg(a, "paths")) ||
	    check_globs("origins", cmd_arg(a, "origins")) || check_globs("ci-names", cmd_arg(a, "ci-names")))
		return EXIT_USAGE;
	struct gitrepo_found found = {0};
	char err[512];
	if (gitrepo_discover(repo, &found, err, sizeof err) != 0) {
		char *shown = text_clean(repo, TEXT_ONE_LINE);
		sd_error("--repo %s: not a git repository", shown);
		free(shown);
		free(found.path), free(found.name), free(found.identity);
		return EXIT_USAGE;
	}
	struct service sv = {
		.name = xstrdup(name), .repo = found.path, .deploy_tags = flag_value(a, "deploy-tags"),
		.paths = flag_value(a, "paths"), .branch = flag_value(a, "branch"),
		.origins = flag_value(a, "origins"), .ci_names = flag_value(a, "ci-names"), .created_at = c->now,
	};
	free(found.name);
	free(found.identity);
	struct store *st;
	struct service_set set;
	int rc = EXIT_USAGE;
	if (load_set(c, &st, &set) != 0)
		goto out;
	if (!set.implicit && services_find(&set, name) >= 0) {
		sd_error("a service '%s' exists already (%s); remove it first with 'shipdeck service rm %s'",
			 set.s[services_find(&set, name)].name, source_word(&set.s[services_find(&set, name)]), name);
		goto out;
	}
	if (sv.branch && gitrepo_branch_exists(sv.repo, sv.branch) == 0)
		sd_warn("service %s: the repository has no branch '%s' yet", name, sv.branch);
	if (store_begin(st) != 0 || store_service_add(st, &sv) != 0 || store_commit(st) != 0) {
		sd_error("%s", store_errmsg(st));
		store_rollback(st);
		goto out;
	}
	char *shown = text_clean(sv.repo, TEXT_ONE_LINE);
	printf("added service %s: %s%s%s\n", sv.name, shown, sv.paths ? ", paths " : "", sv.paths ? sv.paths : "");
	free(shown);
	rc = EXIT_OK;
out:
	service_set_free(&set);
	service_clear(&sv);
	return rc;
}

static int service_rm(struct ctx *c, struct cmd_args *a)
{
	if (a->npos != 1)
		return cmd_usage_error(a, "service rm needs a NAME");
	struct store *st;
	struct service_set set;
	if (load_set(c, &st, &set) != 0)
		return EXIT_USAGE;
	int i = find_named(&set, a->pos[0]), rc = EXIT_USAGE;
	struct service_counts k;
	if (i < 0)
		goto out;
	const struct service *sv = &set.s[i];
	if (sv->implicit || sv->from_config) {
		sd_error("service %s is %s: nothing to remove from the database%s", sv->name,
			 sv->implicit ? "the implicit one (no service is configured)" : "defined in the config",
			 sv->from_config ? " (remove it from the config's \"services\")" : "");
		goto out;
	}
	if (store_service_counts(st, sv->name, false, &k) != 0) {
		sd_error("%s", store_errmsg(st));
		goto out;
	}
	struct strbuf q = STRBUF_INIT;
	sb_addf(&q, "remove service %s (its definition: %s); its records stay in the database under "
		"its name (", sv->name, sv->repo);
	counts_text(&q, &k);
	sb_add(&q, ")?");
	char *question = text_clean(sb_str(&q), TEXT_ONE_LINE);
	sb_free(&q);
	if (cmd_confirm(a, question)) {
		if (store_begin(st) != 0 || store_service_delete(st, sv->name) < 0 || store_commit(st) != 0) {
			sd_error("%s", store_errmsg(st));
			store_rollback(st);
		} else {
			printf("removed service %s; its records are kept (add it again to see them)\n", sv->name);
			rc = EXIT_OK;
		}
	}
	free(question);
out:
	service_set_free(&set);
	return rc;
}

/* ---- the command table ------------------------------------------------------- */

static const struct cmd_entry service_add_entry = {
	.name = "add", .args = "NAME", .maxpos = 1,
	.opts = (const struct cmd_opt[]){
		{"repo", "PATH", "the service's git repository", CMD_OPT_REQUIRED, NULL},
		{"deploy-tags", "GLOBS", "tags that are its deployments (default: the global pattern)", 0, NULL},
		{"paths", "GLOBS", "a service inside a monorepo: its paths from the repository root, '!' excludes", 0, NULL},
		{"branch", "NAME", "its default branch (default: detected)", 0, NULL},
		{"origins", "GLOBS", "names CI, deploy and incident tools give it (e.g. acme/api; default: the folder's name)", 0, NULL},
		{"ci-names", "GLOBS", "workflow, job or environment names that are its own (in a monorepo)", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "add a service: a repository, or paths of a monorepo, with its deploy tags", .run = service_add,
};
static const struct cmd_entry service_list_entry = {
	.name = "list", .maxpos = 0, .formats = "text|json",
	.help = "list the services (the database's and the config's)", .run = service_list,
};
static const struct cmd_entry service_show_entry = {
	.name = "show", .args = "NAME", .maxpos = 1, .formats = "text|json",
	.help = "show one service and how many records it holds", .run = service_show,
};
static const struct cmd_entry service_rm_entry = {
	.name = "rm", .args = "NAME", .maxpos = 1,
	.opts = (const struct cmd_opt[]){
		{"yes", NULL, "do not ask (needed when not on a terminal)", 0, NULL},
		{NULL, NULL, NULL, 0, NULL}},
	.help = "remove a service's definition (its records are kept)", .run = service_rm,
};

const struct cmd_entry cmd_service_entry = {
	.name = "service",
	.help = "manage the team's services (several repositories, or paths of a monorepo)",
	.subs = (const struct cmd_entry *const[]){&service_add_entry, &service_list_entry,
						   &service_show_entry, &service_rm_entry, NULL},
};

void cmd_print_claims(const struct service_claims *k, const char *noun, const char *by, const char *flags)
{
	if (k->unclaimed) {
		char *ex = text_clean(k->example, TEXT_ONE_LINE);
		char *home = k->home ? text_clean(k->home, TEXT_ONE_LINE) : NULL;
		printf("  %zu %s%s no service claims (first: %s): kept with no service%s%s%s; give a service "
		       "%s that match\n", k->unclaimed, noun, k->unclaimed == 1 ? "" : "s", ex,
		       home ? ", so it counts for " : "", home ? home : "",
		       home ? " (the database's own repository)" : "", flags);
		free(ex);
		free(home);
	}
	if (k->claimed)
		printf("  %zu %s%s mapped to a service by %s\n", k->claimed, noun, k->claimed == 1 ? "" : "s", by);
}
