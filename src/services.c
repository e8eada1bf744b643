/* services — the effective services of a run (docs/metrics.md §13): the
 * database's, then the config's, else one implicit service for the
 * repository shipdeck stands in; and which service a record or an imported
 * origin belongs to. */
#include "services.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "buildstats.h"
#include "context.h"
#include "gitrepo.h"
#include "gitscan.h"
#include "import_ops.h"
#include "paths.h"
#include "store.h"
#include "text.h"
#include "util.h"

void service_set_free(struct service_set *set)
{
	services_free(set->s, set->n);
	for (size_t i = 0; i < set->nwarnings; i++)
		free(set->warnings[i]);
	free(set->warnings);
	memset(set, 0, sizeof *set);
}

static void set_warn(struct service_set *set, char *msg)
{
	set->warnings = xrealloc(set->warnings, (set->nwarnings + 1) * sizeof *set->warnings);
	set->warnings[set->nwarnings++] = msg;
}

int services_find(const struct service_set *set, const char *name)
{
	for (size_t i = 0; name && i < set->n; i++)
		if (strcasecmp(set->s[i].name, name) == 0)
			return (int)i;
	return -1;
}

int services_of_record(const struct service_set *set, const char *name)
{
	if (!name)
		return set->home;
	if (set->implicit)
		return 0;
	return services_find(set, name);
}

/* ---- globs ------------------------------------------------------------------ */

/* Calls fn for each trimmed, non-empty glob of a comma list (neg: it
 * started with '!', which is not passed); stops when fn returns true. */
static bool each_glob(const char *globs, bool (*fn)(void *, const char *, bool), void *arg)
{
	const char *p = globs;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *q = p;
		while (len && (*q == ' ' || *q == '\t'))
			q++, len--;
		while (len && (q[len - 1] == ' ' || q[len - 1] == '\t'))
			len--;
		if (len) {
			bool neg = *q == '!';
			char *g = xstrndup(q + neg, len - neg);
			bool stop = fn(arg, g, neg);
			free(g);
			if (stop)
				return true;
		}
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

bool service_paths_match(const char *globs, const char *path)
{
	if (!globs || !*globs)
		return true;
	/* the tag pattern's rule: fnmatch without FNM_PATHNAME, '!' excludes,
	 * exclusions only match every other path (docs/metrics.md §1, §13) */
	return gitscan_tag_matches(globs, path);
}

struct glob_check {
	char *why;
	size_t whylen;
	bool bad;
};

static bool check_one(void *arg, const char *g, bool neg)
{
	struct glob_check *k = arg;
	for (const char *p = g; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			snprintf(k->why, k->whylen, "a glob holds a control character");
			return k->bad = true;
		}
	if (neg && !*g) {
		snprintf(k->why, k->whylen, "'!' needs a glob after it");
		return k->bad = true;
	}
	return false;
}

int service_globs_check(const char *globs, char *why, size_t whylen)
{
	struct glob_check k = {why, whylen, false};
	each_glob(globs, check_one, &k);
	return k.bad ? -1 : 0;
}

struct glob_match {
	const char *s;
	bool pos, any_pos, neg;
};

static bool match_one(void *arg, const char *g, bool neg)
{
	struct glob_match *m = arg;
	bool hit = fnmatch(g, m->s, FNM_CASEFOLD) == 0;
	if (neg && hit)
		return m->neg = true;
	if (!neg) {
		m->any_pos = true;
		m->pos = m->pos || hit;
	}
	return false;
}

/* A name against a comma glob list, ignoring case (tools spell owners and
 * projects either way): as the tag rule, but an empty list matches nothing. */
static bool names_match(const char *globs, const char *s)
{
	if (!globs || !*globs || !s)
		return false;
	struct glob_match m = {s, false, false, false};
	each_glob(globs, match_one, &m);
	return !m.neg && (m.pos || !m.any_pos);
}

/* ---- origins ---------------------------------------------------------------- */

/* "acme/api.git" -> "api" (malloc'd). */
static char *last_component(const char *s)
{
	size_t len = strlen(s);
	while (len && s[len - 1] == '/')
		len--;
	size_t start = len;
	while (start && s[start - 1] != '/')
		start--;
	size_t n = len - start;
	if (n > 4 && strncmp(s + start + n - 4, ".git", 4) == 0)
		n -= 4;
	return xstrndup(s + start, n);
}

static bool origin_matches(const struct service *sv, const char *origin)
{
	if (sv->origins && *sv->origins)
		return names_match(sv->origins, origin);
	if (!sv->repo)
		return false;
	char *a = last_component(origin), *b = last_component(sv->repo);
	bool same = *a && strcasecmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}

int service_for_origin(const struct service_set *set, const char *origin, const char *name)
{
	if (set->implicit)
		return set->n ? 0 : -1;
	int found = -1, nfound = 0, named = -1, nnamed = 0;
	for (size_t i = 0; origin && i < set->n; i++) {
		const struct service *sv = &set->s[i];
		if (!origin_matches(sv, origin))
			continue;
		bool has_names = sv->ci_names && *sv->ci_names;
		if (has_names && !names_match(sv->ci_names, name))
			continue;
		found = (int)i, nfound++;
		if (has_names)
			named = (int)i, nnamed++;
	}
	if (nnamed == 1)
		return named;
	return nfound == 1 ? found : -1;
}

/* ---- the effective set ------------------------------------------------------ */

static char *json_globs(const cJSON *v)
{
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (!cJSON_IsArray(v))
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	const cJSON *el;
	cJSON_ArrayForEach(el, v)
		if (cJSON_IsString(el))
			sb_addf(&sb, "%s%s", sb.len ? "," : "", el->valuestring);
	return sb_detach(&sb);
}

static char *json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) && *v->valuestring ? xstrdup(v->valuestring) : NULL;
}

static char *json_list(const cJSON *obj, const char *key)
{
	char *s = json_globs(cJSON_GetObjectItemCaseSensitive(obj, key));
	if (s && !*s) {
		free(s);
		return NULL;
	}
	return s;
}

/* A relative repository path in a config file is relative to that file. */
static char *config_repo_path(const struct ctx *c, const char *repo)
{
	const struct opt_value *v = &c->opt.v[OPT_SERVICES];
	if (repo[0] == '/' || !v->from_file)
		return xstrdup(repo);
	char *dir = paths_dirname(v->source);
	char *p = xasprintf("%s/%s", dir, repo);
	free(dir);
	return p;
}

bool service_name_ok(const char *name)
{
	size_t len = name ? strlen(name) : 0;
	if (len < 1 || len > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			return false;
	return true;
}

static void add_config_services(struct ctx *c, struct service_set *set, size_t *cap)
{
	const char *text = opt_str(&c->opt, OPT_SERVICES);
	cJSON *root = text ? cJSON_Parse(text) : NULL;
	const cJSON *el;
	int k = 0;
	cJSON_ArrayForEach(el, root) {
		char *name = json_str(el, "name"), *repo = json_str(el, "repo");
		if (!cJSON_IsObject(el) || !service_name_ok(name) || !repo) {
			set_warn(set, xasprintf("config services[%d]: needs a \"name\" (letters, digits, '.', "
						"'_', '-') and a \"repo\", ignored", k));
		} else if (services_find(set, name) >= 0) {
			set_warn(set, xasprintf("config services[%d]: a service '%s' is in the database "
						"already, ignored (the database's is used)", k, name));
		} else {
			struct service sv = {
				.name = name, .repo = config_repo_path(c, repo),
				.deploy_tags = json_list(el, "deploy_tags"), .paths = json_list(el, "paths"),
				.branch = json_str(el, "branch"), .origins = json_list(el, "origins"),
				.ci_names = json_list(el, "ci_names"), .from_config = true,
			};
			VEC_PUSH(set->s, set->n, *cap, sv);
			name = NULL;
		}
		free(name);
		free(repo);
		k++;
	}
	cJSON_Delete(root);
}

/* The repository identity of a path, or NULL when it is none. */
static char *identity_of(const char *repo)
{
	struct gitrepo_found f = {0};
	char err[256];
	char *id = NULL;
	if (repo && gitrepo_discover(repo, &f, err, sizeof err) == 0)
		id = f.identity, f.identity = NULL;
	free(f.path);
	free(f.name);
	free(f.identity);
	return id;
}

static int find_home(struct store *st, const struct service_set *set)
{
	struct store_repo r;
	int have = store_repository_get(st, &r);
	int home = -1;
	for (size_t i = 0; have == 1 && i < set->n; i++) {
		char *id = identity_of(set->s[i].repo);
		if (id && streq(id, r.git_dir) && !set->s[i].paths)
			home = home < 0 ? (int)i : home;
		free(id);
	}
	store_repo_free(&r);
	if (home >= 0)
		return home;
	return set->n == 1 ? 0 : -1;
}

int services_resolve(struct ctx *c, struct store *st, struct service_set *out)
{
	memset(out, 0, sizeof *out);
	out->home = -1;
	if (st && store_services_list(st, &out->s, &out->n) != 0) {
		ctx_fail(c, "%s", store_errmsg(st));
		return -1;
	}
	size_t cap = out->n;
	add_config_services(c, out, &cap);
	if (out->n == 0) {
		struct service sv = {
			.name = xstrdup(c->repo_name ? c->repo_name : "default"),
			.repo = xstrdup_or_null(c->repo_path),
			.branch = xstrdup_or_null(opt_str(&c->opt, OPT_DEFAULT_BRANCH)),
			.implicit = true,
		};
		VEC_PUSH(out->s, out->n, cap, sv);
		out->implicit = true;
		out->home = 0;
		return 0;
	}
	out->home = st ? find_home(st, out) : (out->n == 1 ? 0 : -1);
	return 0;
}

int services_apply_flag(struct ctx *c, struct store *st)
{
	const char *want = opt_str(&c->opt, OPT_SERVICE);
	if (!want)
		return 0;
	struct service_set set;
	if (services_resolve(c, st, &set) != 0)
		return -1;
	int i = services_find(&set, want);
	int rc = 0;
	if (i < 0) {
		char *shown = text_clean(want, TEXT_ONE_LINE);
		ctx_fail(c, "--service %s: no such service (see 'shipdeck service list')", shown);
		free(shown);
		rc = -1;
	} else if (!set.implicit && store_service_stamp(st, set.s[i].name, (int)i == set.home) != 0) {
		ctx_fail(c, "%s", store_errmsg(st));
		rc = -1;
	}
	service_set_free(&set);
	return rc;
}

/* ---- --service on the lists ------------------------------------------------- */

static const char *const filter_tables[5] = {"features", "builds", "deployments", "incidents", "reviews"};

int service_filter_open(struct ctx *c, struct store *st, struct service_filter *f)
{
	memset(f, 0, sizeof *f);
	const char *want = opt_str(&c->opt, OPT_SERVICE);
	if (!want)
		return 0;
	if (services_resolve(c, st, &f->set) != 0)
		return -1;
	f->idx = services_find(&f->set, want);
	if (f->idx < 0) {
		char *shown = text_clean(want, TEXT_ONE_LINE);
		ctx_fail(c, "--service %s: no such service (see 'shipdeck service list')", shown);
		free(shown);
		service_set_free(&f->set);
		return -1;
	}
	f->st = st;
	f->active = !f->set.implicit;
	return 0;
}

bool service_filter_keeps(struct service_filter *f, const char *table, int64_t id)
{
	if (!f->active)
		return true;
	size_t t = 0;
	while (t < 5 && !streq(filter_tables[t], table))
		t++;
	if (t == 5)
		return true;
	if (!f->loaded[t]) {
		f->loaded[t] = true;
		if (store_record_services(f->st, table, &f->rows[t], &f->nrows[t]) != 0)
			f->nrows[t] = 0;
	}
	const char *name = record_service_of(f->rows[t], f->nrows[t], id);
	return services_of_record(&f->set, name) == f->idx;
}

void service_filter_close(struct service_filter *f)
{
	for (size_t t = 0; t < 5; t++)
		record_services_free(f->rows[t], f->nrows[t]);
	service_set_free(&f->set);
	memset(f, 0, sizeof *f);
}

/* ---- imported CI runs ---------------------------------------------------------- */

/* The path of a URL after its host: "https://h/a/b" -> "a/b" (malloc'd), or NULL. */
static char *url_path(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	if (!p)
		return NULL;
	p = strchr(p + 3, '/');
	return p && p[1] ? xstrdup(p + 1) : NULL;
}

char *service_build_origin(const char *provider, const char *url, const char *workflow)
{
	if (streq(provider, "jenkins"))
		return xstrdup_or_null(workflow);
	char *path = url_path(url);
	if (!path)
		return NULL;
	char *cut = NULL;
	if (streq(provider, "github")) {
		/* owner/repo/actions/runs/N: the first two segments */
		char *slash = strchr(path, '/');
		cut = slash ? strchr(slash + 1, '/') : NULL;
	} else if (streq(provider, "gitlab")) {
		cut = strstr(path, "/-/");
	}
	if (cut)
		*cut = '\0';
	if (!cut) {
		free(path);
		return NULL;
	}
	return path;
}

void service_claims_free(struct service_claims *k)
{
	free(k->example);
	free(k->home);
	memset(k, 0, sizeof *k);
}

/* Counts one record's claim (k: the claiming service, or -1), keeping the
 * first unclaimed one's origin and name for the summary. */
static void count_claim(struct service_claims *out, int k, const char *origin, const char *name)
{
	if (k >= 0) {
		out->claimed++;
		return;
	}
	if (!out->unclaimed)
		out->example = xasprintf("%s, %s", origin ? origin : "no origin", name ? name : "no name");
	out->unclaimed++;
}

/* With no service configured, or --service naming the service of every
 * record this run adds, there is nothing to map. */
static bool nothing_to_map(struct ctx *c, const struct service_set *set)
{
	return set->implicit || opt_str(&c->opt, OPT_SERVICE);
}

static void claims_home(struct service_claims *out, const struct service_set *set)
{
	if (out->unclaimed && set->home >= 0)
		out->home = xstrdup(set->s[set->home].name);
}

int services_claim_builds(struct ctx *c, struct store *st, const struct build *b, size_t n,
			  struct service_claims *out)
{
	memset(out, 0, sizeof *out);
	struct service_set set;
	if (services_resolve(c, st, &set) != 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0 && !nothing_to_map(c, &set); i++) {
		char *origin = service_build_origin(b[i].provider, b[i].url, b[i].workflow);
		int k = service_for_origin(&set, origin, b[i].workflow);
		count_claim(out, k, origin, b[i].workflow);
		if (k >= 0)
			rc = store_build_claim(st, b[i].provider, b[i].run_id, b[i].attempt, set.s[k].name);
		free(origin);
	}
	claims_home(out, &set);
	service_set_free(&set);
	return rc;
}

/* The name of the service claiming (origin, name), or NULL (malloc'd). */
static char *claim_name(const struct service_set *set, const char *origin, const char *name)
{
	int k = service_for_origin(set, origin, name);
	return k >= 0 ? xstrdup(set->s[k].name) : NULL;
}

int services_map_ops(struct ctx *c, struct store *st, struct ops_batch *b)
{
	struct service_set set;
	if (services_resolve(c, st, &set) != 0)
		return -1;
	b->services.active = !set.implicit;
	b->services.mapped = !nothing_to_map(c, &set);
	b->services.home = set.home >= 0 ? xstrdup(set.s[set.home].name) : NULL;
	b->services.forced = xstrdup_or_null(opt_str(&c->opt, OPT_SERVICE));
	/* docs/metrics.md §13: a deployment by its repository, project or
	 * application (the environment name picks among services sharing one,
	 * through their ci_names); an incident by its tool's service */
	for (size_t i = 0; b->services.mapped && i < b->ndeploys; i++)
		b->deploys[i].service = claim_name(&set, b->deploys[i].rec.origin, b->deploys[i].rec.source_env);
	for (size_t i = 0; b->services.mapped && i < b->nincidents; i++)
		b->incidents[i].service = claim_name(&set, b->incidents[i].rec.origin, NULL);
	service_set_free(&set);
	return 0;
}

void services_count_ops(const struct ops_batch *b, struct service_claims *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; b->services.mapped && i < b->ndeploys; i++)
		count_claim(out, b->deploys[i].service ? 0 : -1, b->deploys[i].rec.origin,
			    b->deploys[i].rec.source_env);
	for (size_t i = 0; b->services.mapped && i < b->nincidents; i++)
		count_claim(out, b->incidents[i].service ? 0 : -1, b->incidents[i].rec.origin, NULL);
	if (out->unclaimed && b->services.home)
		out->home = xstrdup(b->services.home);
}
