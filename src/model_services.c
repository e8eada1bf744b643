/* model_services — every service's history and DORA figures, and the
 * team's pooled ones (docs/metrics.md §13). A layer over the history scan:
 * each service's repository is scanned as one repository is today (with
 * its own cache, so two repositories never evict each other's), a path
 * service's changes and reverts are filtered by gitpaths, and the team's
 * figures are the same metrics over the services' pooled deployments. With
 * one service the dash's top-level history is that service's, computed as
 * before services existed. */
#include "model_services.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "context.h"
#include "gitrepo.h"
#include "model.h"
#include "services.h"
#include "store.h"
#include "store_services.h"
#include "text.h"
#include "timeutil.h"
#include "util.h"

static void add_note(struct dash *d, char *note)
{
	d->notes = xrealloc(d->notes, (d->nnotes + 1) * sizeof *d->notes);
	d->notes[d->nnotes++] = note;
}

const struct dora_report *dash_service_dora(const struct dash *d, size_t i)
{
	return d->services[i].top ? &d->dora : &d->services[i].dora;
}

const struct dora_input *dash_service_input(const struct dash *d, size_t i)
{
	return d->services[i].top ? &d->dora_in : &d->services[i].in;
}

const struct gitscan_result *dash_service_git(const struct dash *d, size_t i)
{
	return d->services[i].top ? &d->git : &d->services[i].git;
}

/* ---- one service --------------------------------------------------------------- */

/* What every service's DORA input shares: the window, the thresholds, the targets. */
static struct dora_input input_base(const struct ctx *c, const struct dash *d, const char *tags)
{
	return (struct dora_input){
		.now = c->now,
		.window_days = (int)opt_int(&c->opt, OPT_WINDOW_DAYS),
		.revert_window_days = (int)opt_int(&c->opt, OPT_REVERT_WINDOW_DAYS),
		.lead_from_committer = streq(opt_str(&c->opt, OPT_LEAD_FROM), "committer"),
		.th = d->has_thresholds ? &d->thresholds : NULL,
		.targets = {
			opt_num(&c->opt, OPT_TARGET_DEPLOYS_PER_WEEK),
			opt_num(&c->opt, OPT_TARGET_LEAD_TIME_HOURS),
			opt_num(&c->opt, OPT_TARGET_CFR_PERCENT),
			opt_num(&c->opt, OPT_TARGET_RESTORE_HOURS),
		},
		.deploy_tags = tags,
		.prs = d->prs, .nprs = d->nprs,
	};
}

struct svc_ctx {
	struct ctx *c;
	struct store *st;
	struct dash *d;
	struct service_set *set;
	struct record_service *dep_svc, *inc_svc;
	size_t ndep_svc, ninc_svc;
	bool full;
};

static const char *service_tags(const struct ctx *c, const struct service *sv)
{
	return sv->deploy_tags ? sv->deploy_tags : opt_str(&c->opt, OPT_DEPLOY_TAGS);
}

/* The recorded production deployments of service idx, as the scan takes them. */
static struct gitscan_record *records_of(const struct svc_ctx *k, int idx, size_t *n)
{
	struct gitscan_record *all = model_gitscan_records(k->d, n);
	if (k->set->implicit)
		return all;
	size_t j = 0;
	for (size_t i = 0; i < *n; i++) {
		const char *name = record_service_of(k->dep_svc, k->ndep_svc, all[i].record_id);
		if (services_of_record(k->set, name) == idx)
			all[j++] = all[i];
	}
	*n = j;
	return all;
}

/* A service's own history cache: the database's own for the service of
 * the database's repository, else a file beside the database (so that two
 * repositories never evict each other's cache). NULL: no cache (read-only,
 * or it cannot be made: the scan then walks, and the figures are the same). */
static struct store *cache_of(const struct svc_ctx *k, int idx, bool *own)
{
	const struct service *sv = &k->set->s[idx];
	*own = false;
	if (k->set->implicit || (idx == k->set->home && !sv->paths))
		return k->st;
	if (opt_bool(&k->c->opt, OPT_READ_ONLY) || store_no_write_access(k->st) || !k->c->db_path)
		return NULL;
	bool shared = opt_bool(&k->c->opt, OPT_SHARED);
	char *dir = xasprintf("%s.cache", k->c->db_path);
	if (mkdir(dir, shared ? 02770 : 0700) != 0 && errno != EEXIST) {
		free(dir);
		return NULL;
	}
	char *path = xasprintf("%s/%s.db", dir, sv->name);
	char err[512];
	struct store *cache = store_open(path, STORE_CREATE | (shared ? STORE_SHARED : 0), err, sizeof err);
	free(path);
	free(dir);
	*own = cache != NULL;
	return cache;
}

/* One service's scan, apart from the dash: services scan in threads, one
 * libgit2 repository each, every thread with its own history cache (the
 * database's own for the home service, a file of its own for the others:
 * no two threads share a connection), and the rest of the model is built
 * afterwards on the main thread. The cache writes of the threads are
 * serialized by store_begin. */
struct scan_job {
	const struct service *sv;
	struct dash_service *s;
	struct gitscan_result *git;
	struct gitscan_opts o;
	struct gitscan_record *rec;
	atomic_int state;        /* enum scan_state */
	atomic_size_t commits;   /* read so far */
	atomic_size_t path_commits; /* judged by its path walk so far */
	int rc, paths_rc;
	char err[1024], paths_err[512];
	double seconds;
	unsigned long long cost;  /* a guess, to start the costliest first */
	/* Path services of one repository whose scans are the same (tags,
	 * branch, records) scan it once: the first (leader) scans and walks
	 * for all, the others (followers) read its cache (a warm start) and
	 * share its walk (gitpaths_filter_many). */
	struct scan_job *leader;
	struct scan_job **followers;
	size_t nfollowers;
	/* Path services of one repository whose scans differ (other tags,
	 * branch or records) run on one thread, one scan after another: the
	 * first leader (the elder) runs its siblings (the later leaders, each
	 * with its own cache and followers), their cold scans hand their
	 * commits to one feed, and one path walk judges each commit for all
	 * of them (the trees read once). */
	struct scan_job *elder;
	struct scan_job **siblings;
	size_t nsiblings;
	int fed_by;              /* its scan's number in the feed (gitpaths_feed_scan), or 0 */
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* What the scan of service idx needs, made on the main thread. */
static void prepare_job(struct svc_ctx *k, int idx, struct scan_job *j)
{
	const struct service *sv = &k->set->s[idx];
	struct dash_service *s = &k->d->services[idx];
	j->sv = sv;
	j->s = s;
	j->git = s->top ? &k->d->git : &s->git;
	size_t nrec;
	j->rec = records_of(k, idx, &nrec);
	j->o = (struct gitscan_opts){
		.deploy_tags = service_tags(k->c, sv),
		.rework_tags = opt_str(&k->c->opt, OPT_REWORK_TAGS),
		.default_branch = sv->branch ? sv->branch : opt_str(&k->c->opt, OPT_DEFAULT_BRANCH),
		.full = k->full,
		.records = j->rec,
		.nrecords = nrec,
		/* a warm start reads the changes the window and the trend use */
		.changes_since = metrics_changes_since(k->c->now, (int)opt_int(&k->c->opt, OPT_WINDOW_DAYS)),
		.progress = &j->commits,
	};
	atomic_init(&j->state, sv->repo ? SCAN_WAITING : SCAN_DONE);
	atomic_init(&j->commits, 0);
	atomic_init(&j->path_commits, 0);
	/* a path service walks its repository a second time */
	if (sv->repo)
		j->cost = gitrepo_size_hint(sv->repo) * (sv->paths ? 3 : 1);
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && streq(a, b));
}

/* Would the two jobs' history scans be the same scan? */
static bool same_scan(const struct scan_job *a, const struct scan_job *b)
{
	if (!a->sv->repo || !b->sv->repo || !streq(a->sv->repo, b->sv->repo) ||
	    !same_str(a->o.deploy_tags, b->o.deploy_tags) || !same_str(a->o.default_branch, b->o.default_branch) ||
	    a->o.nrecords != b->o.nrecords)
		return false;
	for (size_t i = 0; i < a->o.nrecords; i++)
		if (a->o.records[i].record_id != b->o.records[i].record_id)
			return false;
	return true;
}

/* Groups the path services that share a scan, and opens each history
 * cache (a follower uses its leader's). */
static void group_jobs(struct svc_ctx *k, struct scan_job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct scan_job *j = &jobs[i];
		for (size_t l = 0; j->sv->paths && l < i && !j->leader; l++) {
			struct scan_job *lead = &jobs[l];
			if (lead->leader || !lead->sv->paths || !same_scan(lead, j))
				continue;
			j->leader = lead;
			lead->followers = xrealloc(lead->followers, (lead->nfollowers + 1) * sizeof *lead->followers);
			lead->followers[lead->nfollowers++] = j;
			lead->cost += j->cost / 3; /* its walk is mostly shared */
		}
		for (size_t l = 0; j->sv->paths && !j->leader && l < i && !j->elder; l++) {
			struct scan_job *e = &jobs[l];
			if (e->leader || e->elder || !e->sv->paths || !e->sv->repo || !j->sv->repo ||
			    !streq(e->sv->repo, j->sv->repo))
				continue;
			j->elder = e;
			e->siblings = xrealloc(e->siblings, (e->nsiblings + 1) * sizeof *e->siblings);
			e->siblings[e->nsiblings++] = j;
			e->cost += j->cost / 3; /* its path walk is shared */
		}
		if (!j->sv->repo)
			continue;
		if (j->leader)
			j->s->cache = j->leader->s->cache;
		else
			j->s->cache = cache_of(k, (int)i, &j->s->own_cache);
	}
}

/* A leader and its followers, then each sibling and its followers. */
static size_t group_size(const struct scan_job *j)
{
	size_t n = 1 + j->nfollowers;
	for (size_t i = 0; i < j->nsiblings; i++)
		n += 1 + j->siblings[i]->nfollowers;
	return n;
}

static struct scan_job *job_of_group(struct scan_job *j, size_t k)
{
	if (k <= j->nfollowers)
		return k ? j->followers[k - 1] : j;
	k -= 1 + j->nfollowers;
	for (size_t i = 0; i < j->nsiblings; i++) {
		struct scan_job *s = j->siblings[i];
		if (k <= s->nfollowers)
			return k ? s->followers[k - 1] : s;
		k -= 1 + s->nfollowers;
	}
	return NULL;
}

/* The leader a member's scan is: itself, or the one it follows. */
static const struct scan_job *scan_owner(const struct scan_job *m)
{
	return m->leader ? m->leader : m;
}

/* The paths of an elder's group, in one walk (of the commits the leaders'
 * scans handed over, when they walked cold). */
static void run_paths(struct scan_job *j, struct gitpaths_feed *feed)
{
	size_t total = group_size(j);
	struct gitpaths_job *pj = xcalloc(total + 1, sizeof *pj);
	struct scan_job **who = xcalloc(total + 1, sizeof *who);
	size_t n = 0;
	for (size_t i = 0; i < total; i++) {
		struct scan_job *m = job_of_group(j, i);
		if (m->rc != 0)
			continue;
		atomic_store(&m->state, SCAN_PATHS);
		const struct scan_job *o = scan_owner(m);
		pj[n] = (struct gitpaths_job){.globs = m->sv->paths, .scan = m->git, .out = &m->s->pathres,
					      .cache = m->s->cache, .fed_by = o->rc == 0 ? o->fed_by : 0,
					      .progress = &m->path_commits};
		who[n++] = m;
	}
	int rc = gitpaths_filter_many(j->sv->repo, pj, n, j->s->cache, j->o.full, feed, j->paths_err,
				      sizeof j->paths_err);
	for (size_t i = 0; i < n; i++) {
		who[i]->paths_rc = rc;
		if (who[i] != j)
			snprintf(who[i]->paths_err, sizeof who[i]->paths_err, "%s", j->paths_err);
	}
	free(pj);
	free(who);
}

/* A leader's history scan, then its followers' (warm, from its cache);
 * a path service's cold scan hands its commits to feed. */
static void scan_leader(struct scan_job *j, struct gitpaths_feed *feed)
{
	atomic_store(&j->state, SCAN_READING);
	j->fed_by = feed ? gitpaths_feed_scan(feed) : 0;
	j->o.commit_sink = j->fed_by ? gitpaths_feed_commit : NULL;
	j->o.sink_arg = feed;
	/* a later scan of the repository reads what an earlier one read from the feed */
	j->o.commit_source = j->fed_by > 1 ? gitpaths_feed_raw : NULL;
	j->o.source_arg = feed;
	j->rc = gitscan_sync(j->s->cache, j->sv->repo, &j->o, j->git, j->err, sizeof j->err);
	for (size_t i = 0; i < j->nfollowers; i++) {
		/* the leader's cache, just written: a warm start */
		struct scan_job *f = j->followers[i];
		atomic_store(&f->state, SCAN_READING);
		f->o.full = f->o.full && j->rc != 0; /* --full: the leader has just rebuilt it */
		f->rc = gitscan_sync(f->s->cache, f->sv->repo, &f->o, f->git, f->err, sizeof f->err);
	}
}

/* Scans one service (any thread): its history, then its paths; a leader
 * its followers' too, an elder its siblings'. The others are done by
 * their leader or elder. */
static void run_job(struct scan_job *j)
{
	if (j->leader || j->elder)
		return;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct gitpaths_feed *feed = j->sv->paths ? gitpaths_feed_new() : NULL;
	scan_leader(j, feed);
	for (size_t i = 0; i < j->nsiblings; i++)
		scan_leader(j->siblings[i], feed);
	if (j->sv->paths)
		run_paths(j, feed);
	gitpaths_feed_free(feed);
	double seconds = seconds_since(&t0);
	for (size_t i = group_size(j); i-- > 0;) {
		struct scan_job *m = job_of_group(j, i); /* j last */
		m->seconds = seconds;
		atomic_store(&m->state, m->rc == 0 ? SCAN_DONE : SCAN_FAILED);
	}
}

struct scan_pool {
	struct scan_job *jobs;
	size_t *order;           /* the jobs, costliest first */
	size_t n;
	atomic_size_t next;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t finished;
};

static void *scan_worker(void *arg)
{
	struct scan_pool *p = arg;
	for (;;) {
		size_t k = atomic_fetch_add(&p->next, 1);
		if (k >= p->n)
			return NULL;
		struct scan_job *j = &p->jobs[p->order[k]];
		if (j->leader || j->elder)
			continue; /* counted with its leader or elder */
		if (j->sv->repo)
			run_job(j);
		pthread_mutex_lock(&p->mu);
		p->finished += group_size(j);
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

static void report(const struct scan_watch *w, const struct scan_job *jobs, size_t n, const struct timespec *t0)
{
	struct scan_progress *p = xcalloc(n + 1, sizeof *p);
	for (size_t i = 0; i < n; i++) {
		enum scan_state st = (enum scan_state)atomic_load(&jobs[i].state);
		p[i] = (struct scan_progress){
			.name = jobs[i].sv->name, .repo = jobs[i].sv->repo, .state = st,
			.commits = atomic_load_explicit(&jobs[i].commits, memory_order_relaxed),
			.path_commits = atomic_load_explicit(&jobs[i].path_commits, memory_order_relaxed),
			/* written before the state said so */
			.seconds = st == SCAN_DONE || st == SCAN_FAILED ? jobs[i].seconds : 0,
			.error = st == SCAN_FAILED ? jobs[i].err : NULL,
		};
	}
	w->fn(w->arg, p, n, seconds_since(t0));
	free(p);
}

/* Waits for the pool's jobs, telling the watch every tenth of a second. */
static void wait_pool(struct scan_pool *p, const struct scan_watch *w, const struct timespec *t0)
{
	pthread_mutex_lock(&p->mu);
	while (p->finished < p->n) {
		if (!w) {
			pthread_cond_wait(&p->cv, &p->mu);
			continue;
		}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L)
			until.tv_sec++, until.tv_nsec -= 1000000000L;
		if (pthread_cond_timedwait(&p->cv, &p->mu, &until) == 0 && p->finished == p->n)
			break; /* the last report is scan_all's */
		pthread_mutex_unlock(&p->mu);
		report(w, p->jobs, p->n, t0);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
}

static size_t cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}

/* The jobs' indexes, costliest first (ties: in the services' order): with
 * fewer processors than services, the long scans must not start last. */
static size_t *costliest_first(const struct scan_job *jobs, size_t n)
{
	size_t *order = xcalloc(n + 1, sizeof *order);
	for (size_t i = 0; i < n; i++) {
		size_t k = i;
		while (k > 0 && jobs[order[k - 1]].cost < jobs[i].cost) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	return order;
}

/* Runs every job: in threads (at most one per processor) when there are
 * several or someone watches, else on this thread. */
static void scan_all(struct scan_job *jobs, size_t n, const struct scan_watch *w)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct scan_pool p = {.jobs = jobs, .n = n, .order = costliest_first(jobs, n)};
	atomic_init(&p.next, 0);
	size_t want = n < cpus() ? n : cpus(), started = 0;
	/* threads write their caches: not while this one holds a transaction */
	bool threads = (n > 1 || w) && !store_write_held() && gitscan_hold();
	pthread_t *t = xcalloc(want + 1, sizeof *t);
	if (threads) {
		pthread_mutex_init(&p.mu, NULL);
		pthread_cond_init(&p.cv, NULL);
		while (started < want && pthread_create(&t[started], NULL, scan_worker, &p) == 0)
			started++;
	}
	if (started) {
		wait_pool(&p, w, &t0);
		for (size_t i = 0; i < started; i++)
			pthread_join(t[i], NULL);
	} else {
		for (size_t i = 0; i < n; i++)
			if (jobs[i].sv->repo)
				run_job(&jobs[i]);
	}
	if (threads) {
		pthread_cond_destroy(&p.cv);
		pthread_mutex_destroy(&p.mu);
		gitscan_release();
	}
	free(t);
	free(p.order);
	if (w)
		report(w, jobs, n, &t0);
}

static int deploy_of_commit(const struct gitscan_result *g, const char *commit)
{
	for (size_t i = 0; commit && i < g->ndeploys; i++)
		if (streq(g->deploys[i].commit, commit))
			return (int)i;
	return -1;
}

static const char *record_commit(const struct dash *d, int64_t id)
{
	for (size_t i = 0; i < d->nrecords; i++)
		if (d->records[i].id == id)
			return streq(d->records[i].env, "production") ? d->records[i].commit : NULL;
	return NULL;
}

/* The incidents of service idx, linked to its deployments as
 * model_dora_incidents links them for one repository (docs/metrics.md §3):
 * an incident counts for the service it names (docs/metrics.md §13). */
static void incidents_of(const struct svc_ctx *k, int idx, struct dash_service *s, const struct gitscan_result *g)
{
	const struct dash *d = k->d;
	s->incidents = xcalloc(d->nincidents + 1, sizeof *s->incidents);
	for (size_t i = 0; i < d->nincidents; i++) {
		const struct incident_rec *inc = &d->incidents[i];
		if (services_of_record(k->set, record_service_of(k->inc_svc, k->ninc_svc, inc->id)) != idx)
			continue;
		const char *commit = inc->deployment_id ? record_commit(d, inc->deployment_id) : inc->deploy_ref;
		int at = inc->linked_auto ? -1 : deploy_of_commit(g, commit);
		s->incidents[s->nincidents++] = (struct dora_incident){at, inc->started, inc->restored, false};
	}
}

/* Computes service idx's figures from its scan j into s (or, for the top
 * service, into the dash's top level). A broken repository is reported and
 * leaves the service without figures; the others still show. */
static void load_service(struct svc_ctx *k, int idx, struct dash_service *s, const struct scan_job *j)
{
	struct dash *d = k->d;
	const struct service *sv = &k->set->s[idx];
	struct gitscan_result *git = j->git;
	if (!sv->repo) {
		/* the implicit service outside a repository: no history, as before */
		if (!k->set->implicit)
			s->error = xstrdup("no repository");
		return;
	}
	if (j->rc != 0) {
		s->error = xstrdup(j->err);
		add_note(d, xasprintf("service %s: %s (its figures are left out; the other services show)",
				      sv->name, j->err));
		return;
	}
	s->ok = true;
	for (size_t i = 0; i < git->nwarnings; i++)
		add_note(d, k->set->n > 1 ? xasprintf("service %s: %s", sv->name, git->warnings[i])
					  : xstrdup(git->warnings[i]));
	if (git->cache_busy)
		d->db_busy = true;
	struct dora_input *in = s->top ? &d->dora_in : &s->in;
	*in = input_base(k->c, d, service_tags(k->c, sv));
	in->deploys = git->deploys, in->ndeploys = git->ndeploys;
	in->changes = git->changes, in->nchanges = git->nchanges;
	in->deploy_changes = git->deploy_changes;
	in->reverts = git->reverts, in->nreverts = git->nreverts;
	if (sv->paths) {
		if (j->paths_rc != 0)
			add_note(d, xasprintf("service %s: %s", sv->name, j->paths_err));
		/* every change of the service, counted from the list itself */
		in->changes = s->pathres.changes, in->nchanges = s->pathres.nchanges;
		in->deploy_changes = NULL;
		in->reverts = s->pathres.reverts, in->nreverts = s->pathres.nreverts;
	}
	if (k->set->implicit) {
		model_dora_incidents(d); /* as before services: every incident */
	} else {
		incidents_of(k, idx, s, git);
		in->incidents = s->incidents, in->nincidents = s->nincidents;
	}
	model_prs_link(d, git->changes, git->nchanges);
	model_prs_reverts(d, s->cache, git);
	in->reverts = git->reverts, in->nreverts = git->nreverts;
	if (sv->paths)
		in->reverts = s->pathres.reverts, in->nreverts = s->pathres.nreverts;
	if (sv->paths)
		model_prs_link(d, s->pathres.changes, s->pathres.nchanges);
	if (!s->top)
		metrics_dora(in, &s->dora);
}

/* ---- the team's pool ----------------------------------------------------------- */

struct pooled {
	int svc, idx;
	const struct dora_deploy *dep;
};

static int cmp_pooled(const void *a, const void *b)
{
	const struct pooled *x = a, *y = b;
	if (x->dep->time != y->dep->time)
		return x->dep->time < y->dep->time ? -1 : 1;
	int c = strcmp(x->dep->ref ? x->dep->ref : "", y->dep->ref ? y->dep->ref : "");
	if (c)
		return c;
	if (x->svc != y->svc)
		return x->svc < y->svc ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static char *own_str(struct gitscan_result *g, const char *s, size_t *cap)
{
	char *copy = xstrdup(s ? s : "");
	VEC_PUSH(g->strings, g->nstrings, *cap, copy);
	return copy;
}

/* The team's deployments: every service's, in the order of docs/metrics.md
 * §1 (time, ties by name; then by service, keeping each service's order). */
static void pool_deploys(struct dash *d)
{
	struct gitscan_result *g = &d->git;
	size_t total = 0, capstr = 0;
	for (size_t i = 0; i < d->nservices; i++)
		total += d->services[i].ok ? d->services[i].git.ndeploys : 0;
	struct pooled *p = xcalloc(total + 1, sizeof *p);
	size_t n = 0;
	for (size_t i = 0; i < d->nservices; i++) {
		struct dash_service *s = &d->services[i];
		s->team_index = xcalloc(s->git.ndeploys + 1, sizeof *s->team_index);
		for (size_t j = 0; s->ok && j < s->git.ndeploys; j++)
			p[n++] = (struct pooled){(int)i, (int)j, &s->git.deploys[j]};
	}
	sort_array(p, n, sizeof *p, cmp_pooled);
	g->deploys = xcalloc(n + 1, sizeof *g->deploys);
	g->record_ids = xcalloc(n + 1, sizeof *g->record_ids);
	g->deploy_changes = xcalloc(n + 1, sizeof *g->deploy_changes);
	d->deploy_service = xcalloc(n + 1, sizeof *d->deploy_service);
	g->ndeploys = n;
	for (size_t k = 0; k < n; k++) {
		struct dash_service *s = &d->services[p[k].svc];
		g->deploys[k] = *p[k].dep;
		g->deploys[k].ref = own_str(g, p[k].dep->ref, &capstr);
		g->deploys[k].commit = own_str(g, p[k].dep->commit, &capstr);
		g->record_ids[k] = s->git.record_ids ? s->git.record_ids[p[k].idx] : 0;
		d->deploy_service[k] = p[k].svc;
		s->team_index[p[k].idx] = (int)k;
	}
	/* a rollback restores its own service's previous deployment (docs/metrics.md §3b) */
	for (size_t k = 0; k < n; k++) {
		struct dora_deploy *dep = &g->deploys[k];
		const struct dash_service *s = &d->services[p[k].svc];
		if (dep->rollback && dep->rolled_back >= 0 && (size_t)dep->rolled_back < s->git.ndeploys)
			dep->rolled_back = s->team_index[dep->rolled_back];
		else
			dep->rollback = false;
	}
	free(p);
}

/* Each pooled deployment's change count: its service's (a service's first
 * deployment ships none, docs/metrics.md §2). */
static void pool_change_counts(struct dash *d)
{
	for (size_t i = 0; i < d->nservices; i++) {
		struct dash_service *s = &d->services[i];
		if (!s->ok)
			continue;
		int *count = xcalloc(s->git.ndeploys + 1, sizeof *count);
		if (s->in.deploy_changes) {
			memcpy(count, s->in.deploy_changes, s->git.ndeploys * sizeof *count);
		} else {
			for (size_t j = 0; j < s->in.nchanges; j++)
				if (s->in.changes[j].deploy >= 0 && (size_t)s->in.changes[j].deploy < s->git.ndeploys)
					count[s->in.changes[j].deploy]++;
		}
		for (size_t j = 1; j < s->git.ndeploys; j++)
			d->git.deploy_changes[s->team_index[j]] = count[j];
		free(count);
	}
	for (size_t k = 0; k < d->git.ndeploys; k++)
		d->git.nchanges_all += (size_t)d->git.deploy_changes[k];
}

/* The latest deployment of a service at or before t (and not after now),
 * as the metrics link an incident that names none (docs/metrics.md §3). */
static int service_deploy_before(const struct dash_service *s, int64_t t, int64_t now)
{
	int best = -1;
	for (size_t i = 0; i < s->git.ndeploys; i++)
		if (s->git.deploys[i].time <= t && s->git.deploys[i].time <= now)
			best = (int)i;
	return best;
}

/* Changes, reverts and incidents of every service, placed on the pool: a
 * service's first deployment ships no change (docs/metrics.md §2), a revert
 * restores a deployment of its own service, an incident that names no
 * deployment is linked to its own service's latest one. */
static void pool_rest(struct dash *d)
{
	struct gitscan_result *g = &d->git;
	size_t capc = 0, capr = 0, ninc = 0;
	for (size_t i = 0; i < d->nservices; i++)
		ninc += d->services[i].nincidents;
	d->dora_incidents = xcalloc(ninc + 1, sizeof *d->dora_incidents);
	size_t nd = 0;
	for (size_t i = 0; i < d->nservices; i++) {
		struct dash_service *s = &d->services[i];
		if (!s->ok)
			continue;
		for (size_t j = 0; j < s->in.nchanges; j++) {
			struct dora_change ch = s->in.changes[j];
			if (ch.deploy <= 0)
				continue;
			ch.deploy = s->team_index[ch.deploy];
			VEC_PUSH(g->changes, g->nchanges, capc, ch);
		}
		for (size_t j = 0; j < s->in.nreverts; j++) {
			struct dora_revert rv = s->in.reverts[j];
			rv.reverted_deploy = rv.reverted_deploy >= 0 ? s->team_index[rv.reverted_deploy] : -1;
			rv.revert_deploy = rv.revert_deploy >= 0 ? s->team_index[rv.revert_deploy] : -1;
			VEC_PUSH(g->reverts, g->nreverts, capr, rv);
		}
		for (size_t j = 0; j < s->nincidents; j++) {
			struct dora_incident inc = s->incidents[j];
			if (inc.deploy < 0 && inc.started != SD_NO_TIME && inc.started <= d->now) {
				inc.deploy = service_deploy_before(s, inc.started, d->now);
				inc.by_time = true;
				if (inc.deploy < 0)
					continue; /* its service had no deployment yet: it fails nothing */
			}
			if (inc.deploy >= 0)
				inc.deploy = s->team_index[inc.deploy];
			d->dora_incidents[nd++] = inc;
		}
		g->commits_known += s->git.commits_known;
		g->commits_walked += s->git.commits_walked;
		if (!g->default_branch && s->git.default_branch && (int)i == d->features_service)
			g->default_branch = xstrdup(s->git.default_branch);
	}
	g->from_cache = true;
	for (size_t i = 0; i < d->nservices; i++)
		g->from_cache = g->from_cache && (!d->services[i].ok || d->services[i].git.from_cache);
	d->dora_in.incidents = d->dora_incidents;
	d->dora_in.nincidents = nd;
}

static void pool(struct ctx *c, struct dash *d)
{
	pool_deploys(d);
	d->dora_in = input_base(c, d, opt_str(&c->opt, OPT_DEPLOY_TAGS));
	pool_rest(d);
	pool_change_counts(d);
	d->dora_in.deploys = d->git.deploys, d->dora_in.ndeploys = d->git.ndeploys;
	d->dora_in.changes = d->git.changes, d->dora_in.nchanges = d->git.nchanges;
	d->dora_in.deploy_changes = d->git.deploy_changes;
	d->dora_in.reverts = d->git.reverts, d->dora_in.nreverts = d->git.nreverts;
	metrics_dora(&d->dora_in, &d->dora);
}

/* ---- the whole ------------------------------------------------------------------ */

static int narrow_to_flag(struct ctx *c, struct service_set *set)
{
	const char *want = opt_str(&c->opt, OPT_SERVICE);
	if (!want)
		return 0;
	int i = services_find(set, want);
	if (i < 0) {
		char *shown = text_clean(want, TEXT_ONE_LINE);
		ctx_fail(c, "--service %s: no such service (see 'shipdeck service list')", shown);
		free(shown);
		return -1;
	}
	if (set->n > 1) {
		struct service keep = set->s[i];
		set->s[i] = set->s[0];
		set->s[0] = keep;
		for (size_t j = 1; j < set->n; j++)
			service_clear(&set->s[j]);
		set->home = set->home == i ? 0 : set->home == 0 ? -1 : set->home;
		set->n = 1;
	}
	return 0;
}

int model_services_load(struct ctx *c, struct store *st, struct dash *d, bool full,
			const struct scan_watch *watch)
{
	struct service_set set;
	size_t names_cap = 0;
	if (services_resolve(c, st, &set) != 0)
		return -1;
	for (size_t i = 0; i < set.nwarnings; i++)
		add_note(d, xstrdup(set.warnings[i]));
	int rc = -1;
	for (size_t i = 0; !set.implicit && i < set.n; i++)
		VEC_PUSH(d->service_names, d->nservice_names, names_cap, xstrdup(set.s[i].name));
	if (narrow_to_flag(c, &set) != 0)
		goto out;
	struct svc_ctx k = {c, st, d, &set, NULL, NULL, 0, 0, full};
	if (model_prs_load(st, d) != 0 ||
	    (!set.implicit && (store_record_services(st, "deployments", &k.dep_svc, &k.ndep_svc) != 0 ||
			       store_record_services(st, "incidents", &k.inc_svc, &k.ninc_svc) != 0))) {
		ctx_fail(c, "%s", store_errmsg(st));
		goto out;
	}
	char err[512];
	d->has_thresholds = thresholds_load_default(opt_str(&c->opt, OPT_THRESHOLDS), &d->thresholds, err,
						    sizeof err) == 0;
	if (!d->has_thresholds)
		add_note(d, xasprintf("thresholds: %s", err));
	d->nservices = set.n;
	d->services = xcalloc(set.n + 1, sizeof *d->services);
	d->team = set.n > 1;
	d->features_service = set.home >= 0 ? set.home : 0;
	struct scan_job *jobs = xcalloc(set.n + 1, sizeof *jobs);
	for (size_t i = 0; i < set.n; i++) {
		struct dash_service *s = &d->services[i];
		s->name = xstrdup(set.s[i].name);
		s->repo = xstrdup_or_null(set.s[i].repo);
		s->deploy_tags = xstrdup(service_tags(c, &set.s[i]));
		s->paths = xstrdup_or_null(set.s[i].paths);
		s->top = !d->team;
		prepare_job(&k, (int)i, &jobs[i]);
	}
	group_jobs(&k, jobs, set.n);
	scan_all(jobs, set.n, watch);
	for (size_t i = 0; i < set.n; i++) {
		load_service(&k, (int)i, &d->services[i], &jobs[i]);
		free(jobs[i].rec);
		free(jobs[i].followers);
		free(jobs[i].siblings);
	}
	free(jobs);
	d->features_repo = d->services[d->features_service].repo;
	d->has_history = d->team ? true : d->services[0].ok;
	if (d->team)
		pool(c, d);
	else if (d->services[0].ok)
		metrics_dora(&d->dora_in, &d->dora);
	if (!d->has_history && set.implicit && d->services[0].error) {
		ctx_fail(c, "%s", d->services[0].error);
		goto out;
	}
	rc = 0;
out:
	record_services_free(k.dep_svc, k.ndep_svc);
	record_services_free(k.inc_svc, k.ninc_svc);
	service_set_free(&set);
	return rc;
}

void model_services_free(struct dash *d)
{
	for (size_t i = 0; i < d->nservices; i++) {
		struct dash_service *s = &d->services[i];
		if (!s->top && s->ok) {
			dora_report_free(&s->dora);
			gitscan_result_free(&s->git);
		}
		gitpaths_result_free(&s->pathres);
		if (s->own_cache)
			store_close(s->cache);
		free(s->incidents);
		free(s->team_index);
		free(s->name);
		free(s->repo);
		free(s->deploy_tags);
		free(s->paths);
		free(s->error);
	}
	free(d->services);
	free(d->deploy_service);
	d->services = NULL;
	d->nservices = 0;
	for (size_t i = 0; i < d->nservice_names; i++)
		free(d->service_names[i]);
	free(d->service_names);
	d->service_names = NULL;
	d->nservice_names = 0;
	model_prs_free(d);
}

void model_first_deploys_landed(const struct dash *d, const char *const *hex, size_t n, int *out,
				int64_t *landed)
{
	const struct dash_service *s = d->nservices ? &d->services[d->features_service] : NULL;
	if (!d->team) {
		gitscan_first_deploys_landed(&d->git, s ? s->cache : NULL, hex, n, out, landed);
		return;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = -1, landed[i] = SD_NO_TIME;
	if (!s->ok)
		return;
	gitscan_first_deploys_landed(&s->git, s->cache, hex, n, out, landed);
	for (size_t i = 0; i < n; i++)
		out[i] = out[i] >= 0 ? s->team_index[out[i]] : -1;
}

/* ---- --service: the records of one service ----------------------------------- */
