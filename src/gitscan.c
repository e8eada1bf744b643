/* gitscan — the git history engine (docs/metrics.md §0–§3).
 *
 * One pass: deployments are taken in order and each one's commits are
 * walked depth-first, stopping at commits an earlier deployment already
 * shipped, so the whole history is read once whatever the number of tags.
 * Commits no deployment reaches are walked last (shipped nowhere, still
 * "known" so an abbreviated revert hash resolves against the whole history).
 *
 * The cache in the store holds every commit's first deployment, the
 * deployment order it was computed for and the ref tips seen. A later run
 * recomputes the deployment order (cheap: unchanged tags are not looked up
 * again), keeps the assignment of the longest common prefix of the two
 * orders and walks only from there; a changed branch or tag tip re-walks
 * the unshipped commits. So a warm start with nothing new reads no commit:
 * it compares the ref tips and copies the cached commits into the result. */
#include "gitscan.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitrefs.h"
#include "store_git.h"
#include "store.h"
#include "timeutil.h"
#include "util.h"

#define CACHE_FORMAT "6" /* 4: every row keeps its change count, every commit its landing (docs/metrics.md §2b); 5: and the refs digest;
			  * 6: reverts of pull requests, the commits that name one (§3b) */
#define REVERT_MARK "This reverts commit "
/* What "This reverts commit " and "Reverts #N" share: one search finds both. */
#define REVERTS_CORE "everts "
#define PULL_MERGE "Merge pull request #"

/* ---- commits: a vector plus an open-addressing index ------------------- */

struct centry {
	git_oid id;
	int32_t seq;          /* first deployment that shipped it, or -1 */
	uint16_t parents;
	bool fresh;           /* walked this run: to be written to the cache */
	bool dirty;           /* kept from the cache, but its landing changed: rewritten */
	uint32_t pfirst;      /* its parents: scan.pids[pfirst ..], or NO_PIDS when not read this run */
	int64_t author_time;
	int64_t commit_time;
	int64_t landed;       /* docs/metrics.md §2b: commit time of the default branch's first-parent
			       * commit that brought it, or SD_NO_TIME (not on the default branch) */
};

#define NO_PIDS UINT32_MAX

struct cmap {
	struct centry *e;
	size_t n, cap;
	uint32_t *slot;       /* index + 1, 0 = empty */
	size_t nslot;         /* a power of two, at least twice n */
};

/* Object ids are SHA-1 output: their first bytes are already a good hash. */
static size_t oid_hash(const git_oid *id)
{
	uint32_t h;
	memcpy(&h, id->id, sizeof h);
	return h;
}

/* Equality of two ids without a call to memcmp (the hottest comparison of
 * the walk: every parent of every commit is looked up). */
static bool oid_eq(const git_oid *a, const git_oid *b)
{
	uint64_t x[3] = {0}, y[3] = {0};
	memcpy(x, a->id, GIT_OID_RAWSZ);
	memcpy(y, b->id, GIT_OID_RAWSZ);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) == 0;
}

static long cmap_find(const struct cmap *m, const git_oid *id)
{
	if (!m->nslot)
		return -1;
	size_t mask = m->nslot - 1;
	for (size_t i = oid_hash(id) & mask;; i = (i + 1) & mask) {
		uint32_t s = m->slot[i];
		if (!s)
			return -1;
		if (oid_eq(&m->e[s - 1].id, id))
			return (long)s - 1;
	}
}

static void cmap_index(struct cmap *m, size_t idx)
{
	size_t mask = m->nslot - 1;
	size_t i = oid_hash(&m->e[idx].id) & mask;
	while (m->slot[i])
		i = (i + 1) & mask;
	m->slot[i] = (uint32_t)idx + 1;
}

static void cmap_rehash(struct cmap *m, size_t nslot)
{
	free(m->slot);
	m->nslot = nslot;
	m->slot = xcalloc(nslot, sizeof *m->slot);
	for (size_t i = 0; i < m->n; i++)
		cmap_index(m, i);
}

/* Adds e (whose id must not be present yet). */
static void cmap_add(struct cmap *m, const struct centry *e)
{
	if ((m->n + 1) * 2 > m->nslot)
		cmap_rehash(m, m->nslot ? m->nslot * 2 : 1024);
	VEC_PUSH(m->e, m->n, m->cap, *e);
	cmap_index(m, m->n - 1);
}

/* Indexes every entry (a loaded map is not indexed until something has to
 * be looked up). */
static void cmap_index_all(struct cmap *m)
{
	size_t nslot = 1024;
	while (nslot < 2 * (m->n + 1))
		nslot *= 2;
	cmap_rehash(m, nslot);
}

/* Keeps the commits first shipped by a deployment before `keep_below`, and
 * (re)builds the index: commits loaded from the cache are not indexed
 * until something has to be looked up, as a warm start looks up nothing. */
static void cmap_keep_shipped_before(struct cmap *m, int32_t keep_below)
{
	size_t j = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].seq >= 0 && m->e[i].seq < keep_below)
			m->e[j++] = m->e[i];
	m->n = j;
	cmap_index_all(m);
}

static void cmap_free(struct cmap *m)
{
	free(m->e);
	free(m->slot);
}

/* ---- the state of one scan ---------------------------------------------- */

struct dep {
	git_oid commit;
	char hex[41];
	int64_t time;
	char *ref;
	bool from_tag, from_record, failed, hotfix;
	bool rollback;        /* deploys older code than the one before it (docs/metrics.md §3b) */
	int64_t record_id;
};

/* A commit whose parents the repository says are other than its own:
 * a line of .git/info/grafts, or a shallow clone's cut (no parents). */
struct graft {
	git_oid id;
	git_oid *parents;
	size_t nparents;
	size_t line;          /* the order read: the first graft of a commit wins */
};

/* refs/replace/<from> names the object read in place of from. */
struct replacement {
	git_oid from, to;
};

struct scan {
	const char *repo_path;
	char *gitdir, *commondir;      /* ending in '/' (gitrefs_find_dirs) */
	git_repository *repo;          /* opened at the first need (open_repo): a warm */
	git_odb *odb;                  /* start with nothing new never opens them */
	bool open_failed;
	char open_err[256];
	bool shallow;                  /* the shallow file is not empty */
	struct cmap map;
	struct graft *grafts;          /* by id */
	size_t ngrafts, capgrafts;
	struct replacement *repl;      /* by from */
	size_t nrepl, caprepl;
	char view[GIT_OID_HEXSZ + 1];  /* hash of shallow, grafts and replace refs */
	struct cmap walk_missed;       /* commits the walk could not read; seq: first to want it */
	struct git_missing_row *dep_missed; /* deployments whose own commit is absent */
	size_t ndep_missed, capdep_missed;
	int64_t generation;            /* of the cache this run read */
	struct git_revert_row *revs;
	size_t nrevs, caprevs;
	struct git_pull_row *pulls;    /* commits whose subject names a pull request (§3b) */
	size_t npulls, cappulls;
	git_oid *stack;
	size_t nstack, capstack;
	struct git_ref_row *refs;      /* this run's history refs, by name */
	size_t nrefs, caprefs;
	struct name_block *names;      /* the refs' names, freed at once */
	char *origin_head;             /* target of refs/remotes/origin/HEAD */
	struct dep *deps;
	size_t ndeps, capdeps;
	size_t *ships;                 /* per deployment: the commits it shipped first (find_rollbacks) */
	git_oid *pids;                 /* parents of the commits read this run (centry.pfirst) */
	size_t npids, cappids;
	git_oid tip;                   /* the default branch's tip (has_tip) */
	bool has_tip;
	char land_tip[GIT_OID_HEXSZ + 1]; /* the tip the cached landings were found from, or "" */
	git_oid *newchain;             /* first-parent commits above land_tip, newest first */
	size_t nnewchain, capnewchain;
	struct cmap oldland;           /* landings of cached commits walked again */
	size_t walked;
	atomic_size_t *progress;       /* gitscan_opts.progress */
	const struct gitscan_opts *sink; /* its commit_sink, during a cold walk (else NULL) */
	const struct gitscan_opts *source; /* its commit_source, when usable (else NULL) */
	size_t ntags;
	struct gitscan_result *out;
	size_t capwarn;
	bool warm;                     /* nothing walked, nothing loaded into map */
};

static void warn(struct scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct scan *s, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	VEC_PUSH(s->out->warnings, s->out->nwarnings, s->capwarn, sb_detach(&sb));
}

static void git_fail(char *err, size_t errlen, const char *what)
{
	const git_error *e = git_error_last();
	snprintf(err, errlen, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

/* ---- reading commits ------------------------------------------------------ */

/* The Unix time of an "author"/"committer" header line: the number after the
 * last '>' (already absolute; the zone that follows is only for display). */
static int64_t sig_time(const char *line, const char *eol)
{
	const char *gt = NULL;
	for (const char *p = line; p < eol; p++)
		if (*p == '>')
			gt = p;
	if (!gt)
		return 0;
	const char *p = gt + 1;
	while (p < eol && *p == ' ')
		p++;
	bool neg = p < eol && *p == '-';
	if (neg)
		p++;
	/* Saturated: an absurd time never overflows, and never reads as
	 * SD_NO_TIME (INT64_MIN), so every change counts (metrics.c). */
	int64_t v = 0;
	for (; p < eol && *p >= '0' && *p <= '9'; p++) {
		int digit = *p - '0';
		v = v > (INT64_MAX - digit) / 10 ? INT64_MAX : v * 10 + digit;
	}
	return neg ? -v : v;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_alnum(char c)
{
	return is_hex(c) || (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z');
}

/* A pull request number: 1-9 digits not followed by another alphanumeric
 * (so "#12a" names none); 0 when there is none. *after: past the digits. */
static int32_t read_pr_number(const char *p, const char *end, const char **after)
{
	int32_t v = 0;
	size_t n = 0;
	for (; p + n < end && p[n] >= '0' && p[n] <= '9'; n++)
		if (n < 9)
			v = v * 10 + (p[n] - '0');
	*after = p + n;
	if (n == 0 || n > 9 || (p + n < end && is_alnum(p[n])))
		return 0;
	return v;
}

/* The pull request a commit's subject (its first line) names
 * (docs/metrics.md §3b): "Merge pull request #N ..." (a merge) or a subject
 * ending "(#N)" (a squash merge); 0 for none. */
static int32_t subject_pr(const char *msg, const char *end)
{
	const char *eol = memchr(msg, '\n', (size_t)(end - msg));
	if (!eol)
		eol = end;
	const size_t mlen = strlen(PULL_MERGE);
	const char *after;
	if ((size_t)(eol - msg) > mlen && memcmp(msg, PULL_MERGE, mlen) == 0) {
		int32_t n = read_pr_number(msg + mlen, eol, &after);
		if (n > 0 && after < eol && *after == ' ')
			return n;
	}
	while (eol > msg && (eol[-1] == ' ' || eol[-1] == '\t' || eol[-1] == '\r'))
		eol--;
	if (eol - msg < 4 || eol[-1] != ')')
		return 0;
	const char *d = eol - 1;
	while (d > msg && d[-1] >= '0' && d[-1] <= '9')
		d--;
	if (d - msg < 2 || d[-1] != '#' || d[-2] != '(')
		return 0;
	int32_t n = read_pr_number(d, eol - 1, &after);
	return after == eol - 1 ? n : 0;
}

static bool is_name_char(char c)
{
	return is_alnum(c) || c == '-' || c == '_' || c == '.';
}

/* After "Reverts ": "#N" or "<owner>/<repo>#N" (docs/metrics.md §3b), the
 * number or 0. Any owner/repo is taken: the history does not say which
 * name the repository goes by. */
static int32_t pr_revert_target(const char *p, const char *end)
{
	const char *q = p;
	if (q < end && *q != '#') {
		while (q < end && is_name_char(*q))
			q++;
		if (q == p || q >= end || *q != '/')
			return 0;
		const char *repo = ++q;
		while (q < end && is_name_char(*q))
			q++;
		if (q == repo)
			return 0;
	}
	if (q >= end || *q != '#')
		return 0;
	const char *after;
	return read_pr_number(q + 1, end, &after);
}

static void add_revert(struct scan *s, const struct centry *c, int32_t pr, const char *target, size_t n)
{
	struct git_revert_row r = {.seq = c->seq, .author_time = c->author_time, .pr = pr};
	memcpy(r.sha, c->id.id, GIT_OID_RAWSZ);
	memcpy(r.target, target, n);
	r.target[n] = '\0';
	bool dup = false; /* the same line twice is one revert (the cache's key) */
	for (size_t i = s->nrevs; i-- > 0 && memcmp(s->revs[i].sha, r.sha, GIT_OID_RAWSZ) == 0;)
		dup = dup || strcmp(s->revs[i].target, r.target) == 0;
	if (!dup)
		VEC_PUSH(s->revs, s->nrevs, s->caprevs, r);
}

/* Records each "This reverts commit <7-40 hex>" line of a message
 * (docs/metrics.md §3) and each "Reverts [owner/repo]#N" line (§3b, target
 * "#N"); pr is the pull request the commit's own subject names. */
static void find_reverts(struct scan *s, const struct centry *c, int32_t pr, const char *msg, const char *end)
{
	const size_t corelen = strlen(REVERTS_CORE);
	const char *p = msg;
	while (p < end) {
		const char *hit = memmem(p, (size_t)(end - p), REVERTS_CORE, corelen);
		if (!hit)
			return;
		p = hit + corelen;
		const char *line = hit - 1; /* "Reverts #N" */
		if (line >= msg && *line == 'R' && (line == msg || line[-1] == '\n')) {
			int32_t n = pr_revert_target(p, end);
			char target[16];
			int len = snprintf(target, sizeof target, "#%d", (int)n);
			if (n > 0)
				add_revert(s, c, pr, target, (size_t)len);
			continue;
		}
		line = hit - 6; /* "This reverts commit <hex>" */
		if (line < msg || memcmp(line, REVERT_MARK, 6) != 0 || (line != msg && line[-1] != '\n') ||
		    (size_t)(end - p) < 7 || memcmp(p, &REVERT_MARK[6 + corelen], 7) != 0)
			continue;
		p += 7;
		size_t n = 0;
		while (p + n < end && is_hex(p[n]))
			n++;
		if (n < 7 || n > 40 || (p + n < end && is_alnum(p[n])))
			continue;
		char target[41];
		for (size_t i = 0; i < n; i++)
			target[i] = (char)((p[i] >= 'A' && p[i] <= 'F') ? p[i] - 'A' + 'a' : p[i]);
		add_revert(s, c, pr, target, n);
		p += n;
	}
}

static void push(struct scan *s, const git_oid *id)
{
	if (cmap_find(&s->map, id) < 0)
		VEC_PUSH(s->stack, s->nstack, s->capstack, *id);
}

static void push_any(struct scan *s, const git_oid *id)
{
	VEC_PUSH(s->stack, s->nstack, s->capstack, *id);
}

static int cmp_replacement(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct replacement *)a)->from, &((const struct replacement *)b)->from);
}

static int cmp_graft(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct graft *)a)->id, &((const struct graft *)b)->id);
}

static int cmp_graft_line(const void *a, const void *b)
{
	const struct graft *x = a, *y = b;
	int c = git_oid_cmp(&x->id, &y->id);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The object git reads for id: a replacement's, followed as git does
 * (a replacement may itself be replaced, up to 5 deep). */
static const git_oid *replaced(const struct scan *s, const git_oid *id)
{
	for (int depth = 0; s->nrepl && depth < 5; depth++) {
		struct replacement key = {.from = *id};
		const struct replacement *r = search_array(&key, s->repl, s->nrepl, sizeof *s->repl,
							   cmp_replacement);
		if (!r)
			break;
		id = &r->to;
	}
	return id;
}

static const struct graft *graft_of(const struct scan *s, const git_oid *id)
{
	if (!s->ngrafts)
		return NULL;
	struct graft key = {.id = *id};
	return search_array(&key, s->grafts, s->ngrafts, sizeof *s->grafts, cmp_graft);
}

/* Opens the repository through libgit2 at the first need (a walk, a tag
 * not in the cache, a deployment that ships nothing): a warm start that
 * finds nothing changed reads only files and the cache, and never starts
 * libgit2 (gitrefs_libgit2_init). false when it cannot be opened (the
 * scan then fails with open_err). */
static bool open_repo(struct scan *s)
{
	if (s->repo)
		return true;
	if (s->open_failed)
		return false;
	gitrefs_libgit2_init();
	if (git_repository_open_ext(&s->repo, s->repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0) {
		snprintf(s->open_err, sizeof s->open_err, "%s: not a git repository", s->repo_path);
	} else if (git_repository_odb(&s->odb, s->repo) != 0) {
		git_fail(s->open_err, sizeof s->open_err, s->repo_path);
	} else {
		return true;
	}
	git_repository_free(s->repo);
	s->repo = NULL;
	git_libgit2_shutdown();
	s->open_failed = true;
	return false;
}

static bool commit_exists(struct scan *s, const git_oid *id)
{
	return open_repo(s) && git_odb_exists(s->odb, replaced(s, id)) != 0;
}

/* Remembers a commit the walk wanted and could not read, with the first
 * deployment that wanted it: when it arrives, the cache is recomputed from
 * there (see the top of this file). */
static void walk_missed(struct scan *s, const git_oid *id, int32_t seq)
{
	if (cmap_find(&s->walk_missed, id) < 0)
		cmap_add(&s->walk_missed, &(struct centry){.id = *id, .seq = seq});
}

/* Reads a commit's header: times, and its parents as git reads them (a
 * graft's or a shallow cut's, else its "parent" lines) appended to s->pids
 * from c->pfirst. Returns where the message starts (or end). */
static const char *read_header(struct scan *s, const git_oid *id, const char *p, const char *end,
			       struct centry *c)
{
	const struct graft *graft = graft_of(s, id);
	size_t parents = 0;
	c->pfirst = (uint32_t)s->npids;
	while (p < end && *p != '\n') {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (eol - p >= 47 && memcmp(p, "parent ", 7) == 0) {
			git_oid pid;
			if (!graft && git_oid_fromstrn(&pid, p + 7, GIT_OID_HEXSZ) == 0 && parents < UINT16_MAX) {
				VEC_PUSH(s->pids, s->npids, s->cappids, pid);
				parents++;
			}
		} else if (eol - p > 7 && memcmp(p, "author ", 7) == 0) {
			c->author_time = sig_time(p, eol);
		} else if (eol - p > 10 && memcmp(p, "committer ", 10) == 0) {
			c->commit_time = sig_time(p, eol);
		}
		p = eol + 1;
	}
	for (size_t i = 0; graft && i < graft->nparents && parents < UINT16_MAX; i++, parents++)
		VEC_PUSH(s->pids, s->npids, s->cappids, graft->parents[i]);
	c->parents = (uint16_t)parents;
	return p < end ? p + 1 : end;
}

/* Reads one commit: parents onto the stack, times, revert lines. Only the
 * raw object is read (no parsed git_commit), which keeps the walk close to
 * the cost of inflating the object. As git log does, a replacement
 * (refs/replace) is read in the commit's place and a graft or a shallow
 * cut gives its parents. */
static void visit(struct scan *s, const git_oid *id, int32_t seq)
{
	git_odb_object *obj = NULL;
	size_t len = 0;
	/* another scan's copy of the commit, when it has one */
	const char *p = s->source ? s->source->commit_source(s->source->source_arg, id->id, &len) : NULL;
	if (!p) {
		if (git_odb_read(&obj, s->odb, replaced(s, id)) != 0) {
			walk_missed(s, id, seq); /* missing or damaged */
			return;
		}
		if (git_odb_object_type(obj) != GIT_OBJECT_COMMIT) {
			git_odb_object_free(obj);
			return;
		}
		p = git_odb_object_data(obj);
		len = git_odb_object_size(obj);
	}
	const char *end = p + len;
	struct centry c = {.id = *id, .seq = seq, .fresh = true, .landed = SD_NO_TIME};
	const char *msg = read_header(s, id, p, end, &c);
	for (size_t i = 0; i < c.parents; i++)
		push(s, &s->pids[c.pfirst + i]);
	cmap_add(&s->map, &c);
	if (s->sink && seq >= 0)
		s->sink->commit_sink(s->sink->sink_arg, id->id, p, (size_t)(end - p));
	if (++s->walked % 4096 == 0 && s->progress)
		atomic_store_explicit(s->progress, s->walked, memory_order_relaxed);
	if (msg < end) {
		int32_t pr = subject_pr(msg, end);
		if (pr > 0) {
			struct git_pull_row row = {.seq = seq, .number = pr};
			memcpy(row.sha, id->id, GIT_OID_RAWSZ);
			VEC_PUSH(s->pulls, s->npulls, s->cappulls, row);
		}
		find_reverts(s, &c, pr, msg, end);
	}
	git_odb_object_free(obj);
}

/* The parents of a commit the walk did not read this run (kept from the
 * cache), read now: a few commits whose landing changes (see find_landings).
 * Sets e->pfirst; false when the commit cannot be read. */
static bool read_parents(struct scan *s, struct centry *e)
{
	git_odb_object *obj;
	if (git_odb_read(&obj, s->odb, replaced(s, &e->id)) != 0)
		return false;
	bool ok = git_odb_object_type(obj) == GIT_OBJECT_COMMIT;
	if (ok) {
		struct centry c = *e;
		const char *p = git_odb_object_data(obj);
		read_header(s, &e->id, p, p + git_odb_object_size(obj), &c);
		e->pfirst = c.pfirst;
		e->parents = c.parents;
	}
	git_odb_object_free(obj);
	return ok;
}

/* Walks everything reachable from start that no one has claimed yet. */
static void walk_from(struct scan *s, const git_oid *start, int32_t seq)
{
	push(s, start);
	while (s->nstack) {
		git_oid id = s->stack[--s->nstack];
		if (cmap_find(&s->map, &id) < 0)
			visit(s, &id, seq);
	}
}

/* ---- refs ------------------------------------------------------------------ */

static int cmp_ref_row(const void *a, const void *b)
{
	return strcmp(((const struct git_ref_row *)a)->name, ((const struct git_ref_row *)b)->name);
}

/* refs/replace/<40 hex>, as git reads it unless GIT_NO_REPLACE_OBJECTS is set. */
static void add_replacement(struct scan *s, const char *hex, const git_oid *to)
{
	struct replacement r = {.to = *to};
	if (getenv("GIT_NO_REPLACE_OBJECTS") || strlen(hex) != GIT_OID_HEXSZ ||
	    git_oid_fromstr(&r.from, hex) != 0)
		return;
	VEC_PUSH(s->repl, s->nrepl, s->caprepl, r);
}

/* The ref rows' names live in blocks of 1 MiB handed out in turn: one
 * malloc per block instead of one per ref (234 733 at a million commits;
 * their page faults and frees were a fifth of a warm start), all freed
 * together when the scan ends. */
struct name_block {
	struct name_block *next;
	size_t used, cap;
	char data[];
};

#define NAME_BLOCK ((size_t)1 << 20)

static char *keep_name(struct scan *s, const char *name)
{
	size_t len = strlen(name) + 1;
	struct name_block *b = s->names;
	if (!b || b->cap - b->used < len) {
		size_t cap = len > NAME_BLOCK ? len : NAME_BLOCK;
		b = xmalloc(sizeof *b + cap);
		b->next = s->names;
		b->used = 0;
		b->cap = cap;
		s->names = b;
	}
	char *out = b->data + b->used;
	memcpy(out, name, len);
	b->used += len;
	return out;
}

static void free_names(struct name_block *b)
{
	while (b) {
		struct name_block *next = b->next;
		free(b);
		b = next;
	}
}

static int take_ref(void *arg, const struct gitref *ref)
{
	struct scan *s = arg;
	const char *name = ref->name;
	if (ref->symbolic) {
		if (streq(name, "refs/remotes/origin/HEAD") && !s->origin_head)
			s->origin_head = xstrdup(ref->symbolic);
	} else if (str_starts(name, "refs/replace/")) {
		git_oid to;
		if (git_oid_fromstr(&to, ref->target) == 0)
			add_replacement(s, name + strlen("refs/replace/"), &to);
	} else {
		struct git_ref_row r = {.name = keep_name(s, name), .time = SD_NO_TIME};
		memcpy(r.target, ref->target, sizeof r.target);
		if (!str_starts(name, "refs/tags/"))
			memcpy(r.peeled, r.target, sizeof r.peeled);
		VEC_PUSH(s->refs, s->nrefs, s->caprefs, r);
	}
	return 0;
}

/* Lists refs/heads, refs/remotes and refs/tags (docs/metrics.md §0); pull-request refs,
 * notes and the stash are not history. refs/replace/ changes what a commit
 * reads as (see visit). Read from the ref files as git for-each-ref reads
 * them (gitrefs.c): finding that nothing changed costs about that. */
static int list_refs(struct scan *s, char *err, size_t errlen)
{
	static const char *const prefixes[] = {"refs/heads/", "refs/remotes/", "refs/tags/", "refs/replace/"};
	char why[512];
	if (gitrefs_each(s->commondir, prefixes, ARRAY_SIZE(prefixes), take_ref, s,
			 why, sizeof why) != 0) {
		snprintf(err, errlen, "listing refs: %s", why);
		return -1;
	}
	sort_array(s->refs, s->nrefs, sizeof *s->refs, cmp_ref_row);
	sort_array(s->repl, s->nrepl, sizeof *s->repl, cmp_replacement);
	return 0;
}

/* ---- the view of history beyond the refs ------------------------------------ */

/* A file of the repository's own (shallow, info/grafts): "" when absent;
 * -1 when it cannot be read or is not a regular file (gitrefs_map_file).
 * The size cap is far beyond any real one. */
static int read_git_file(struct scan *s, const char *name, struct strbuf *out, char *err, size_t errlen)
{
	struct gitrefs_map m;
	if (gitrefs_map_file(s->commondir, name, (size_t)256 << 20, &m, err,
			     errlen) != 0)
		return -1;
	sb_addn(out, m.text ? m.text : "", m.len);
	gitrefs_unmap(&m);
	return 0;
}

/* Adds one graft per line: "<commit> [<parent>...]" (info/grafts) or
 * "<commit>" (shallow: a cut, no parents). */
static void add_grafts(struct scan *s, const char *text)
{
	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		struct graft g = {0};
		size_t cap = 0;
		bool ok = *p != '#' && len >= GIT_OID_HEXSZ && git_oid_fromstrn(&g.id, p, GIT_OID_HEXSZ) == 0;
		for (size_t i = GIT_OID_HEXSZ; ok && i < len; i += GIT_OID_HEXSZ + 1) {
			git_oid parent;
			ok = p[i] == ' ' && i + 1 + GIT_OID_HEXSZ <= len &&
			     git_oid_fromstrn(&parent, p + i + 1, GIT_OID_HEXSZ) == 0;
			if (ok)
				VEC_PUSH(g.parents, g.nparents, cap, parent);
		}
		g.line = s->ngrafts;
		if (ok)
			VEC_PUSH(s->grafts, s->ngrafts, s->capgrafts, g);
		else
			free(g.parents);
		p += len + (eol != NULL);
	}
}

/* Sorts the grafts by commit; a commit grafted twice keeps its first graft,
 * as git keeps info/grafts over the shallow file. */
static void sort_grafts(struct scan *s)
{
	sort_array(s->grafts, s->ngrafts, sizeof *s->grafts, cmp_graft_line);
	size_t j = 0;
	for (size_t i = 0; i < s->ngrafts; i++) {
		if (j && git_oid_equal(&s->grafts[j - 1].id, &s->grafts[i].id))
			free(s->grafts[i].parents);
		else
			s->grafts[j++] = s->grafts[i];
	}
	s->ngrafts = j;
}

/* Reads the grafts and the shallow cut, and hashes them with the
 * replacements into s->view: a cache computed under another view is
 * rebuilt, as any of them can change what every deployment ships. */
static int read_view(struct scan *s, char *err, size_t errlen)
{
	struct strbuf grafts = STRBUF_INIT, shallow = STRBUF_INIT, all = STRBUF_INIT;
	int rc = read_git_file(s, "info/grafts", &grafts, err, errlen);
	if (rc == 0)
		rc = read_git_file(s, "shallow", &shallow, err, errlen);
	if (rc == 0) {
		add_grafts(s, sb_str(&grafts));
		add_grafts(s, sb_str(&shallow));
		s->shallow = shallow.len > 0; /* as git_repository_is_shallow tells */
		sort_grafts(s);
		sb_addf(&all, "grafts %zu\n%s\nshallow %zu\n%s\nreplace %zu\n", grafts.len, sb_str(&grafts),
			shallow.len, sb_str(&shallow), s->nrepl);
		for (size_t i = 0; i < s->nrepl; i++) {
			char from[GIT_OID_HEXSZ + 1], to[GIT_OID_HEXSZ + 1];
			git_oid_tostr(from, sizeof from, &s->repl[i].from);
			git_oid_tostr(to, sizeof to, &s->repl[i].to);
			sb_addf(&all, "%s %s\n", from, to);
		}
		git_oid h;
		git_odb_hash(&h, all.buf ? all.buf : "", all.len, GIT_OBJECT_BLOB);
		git_oid_tostr(s->view, sizeof s->view, &h);
	}
	sb_free(&grafts);
	sb_free(&shallow);
	sb_free(&all);
	return rc;
}

/* What a tag names: the commit it peels to and its time (tagger date of an
 * annotated tag, committer date for a lightweight one). A tag on a tree or
 * blob peels to nothing and is ignored. */
static void tag_info(struct scan *s, struct git_ref_row *r)
{
	git_oid id;
	git_object *obj = NULL, *commit = NULL;
	r->peeled[0] = '\0';
	r->time = SD_NO_TIME;
	if (git_oid_fromstr(&id, r->target) != 0 || !open_repo(s) ||
	    git_object_lookup(&obj, s->repo, &id, GIT_OBJECT_ANY) != 0)
		return;
	if (git_object_type(obj) == GIT_OBJECT_TAG) {
		const git_signature *tagger = git_tag_tagger((git_tag *)obj);
		if (tagger)
			r->time = tagger->when.time;
	}
	if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0) {
		git_oid_tostr(r->peeled, sizeof r->peeled, git_object_id(commit));
		if (r->time == SD_NO_TIME) /* lightweight, or an old tag without tagger */
			r->time = git_commit_time((git_commit *)commit);
		git_object_free(commit);
	} else {
		r->time = SD_NO_TIME;
	}
	git_object_free(obj);
}

/* The cached refs read back in name order beside the listed ones (both
 * strcmp's order: one pass, nothing copied). */
struct ref_match {
	struct scan *s;
	bool *filled;    /* per listed ref: a tag whose peel the cache gave */
	size_t at, seen;
	bool equal;      /* every cached row so far is the listed one at its place */
};

static int match_cached_ref(void *arg, const struct git_ref_row *c)
{
	struct ref_match *m = arg;
	struct scan *s = m->s;
	size_t k = m->seen++;
	m->equal = m->equal && k < s->nrefs && streq(s->refs[k].name, c->name) &&
		   streq(s->refs[k].target, c->target);
	while (m->at < s->nrefs && strcmp(s->refs[m->at].name, c->name) < 0)
		m->at++;
	if (m->at < s->nrefs && streq(s->refs[m->at].name, c->name)) {
		struct git_ref_row *r = &s->refs[m->at];
		if (str_starts(r->name, "refs/tags/") && streq(c->target, r->target)) {
			memcpy(r->peeled, c->peeled, sizeof r->peeled);
			r->time = c->peeled[0] ? c->time : SD_NO_TIME;
			m->filled[m->at] = true;
		}
	}
	return 0;
}

/* Fills each tag's peel and time from the cache when its name and target
 * are unchanged (the others read from the repository); with all_refs,
 * tells whether the cached refs are exactly the listed ones. st NULL: no
 * cache. */
static int fill_tags(struct scan *s, struct store *st, bool all_refs, bool *same)
{
	struct ref_match m = {.s = s, .filled = xcalloc(s->nrefs ? s->nrefs : 1, sizeof *m.filled), .equal = true};
	int rc = st ? store_git_refs_each(st, !all_refs, match_cached_ref, &m) : 0;
	for (size_t i = 0; i < s->nrefs && rc == 0; i++) {
		if (!str_starts(s->refs[i].name, "refs/tags/"))
			continue;
		s->ntags++;
		if (!m.filled[i])
			tag_info(s, &s->refs[i]);
	}
	*same = st && all_refs && m.equal && m.seen == s->nrefs;
	free(m.filled);
	return rc;
}

/* One 64-bit word of a digest lane: xor, multiply by an odd constant,
 * fold the high half down (each step a bijection of the lane). */
static uint64_t digest_step(uint64_t h, uint64_t w, uint64_t k)
{
	h = (h ^ w) * k;
	return h ^ (h >> 29);
}

/* Bytes p[0..len) into both lanes, eight at a time (the last word padded
 * with zeros), then the length: "ab" + "c" and "a" + "bc" differ. */
static void digest_bytes(uint64_t *a, uint64_t *b, const char *p, size_t len)
{
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		*a = digest_step(*a, w, 0x9e3779b97f4a7c15ULL);
		*b = digest_step(*b, w, 0xc2b2ae3d27d4eb4fULL);
	}
	uint64_t w = 0;
	memcpy(&w, p + i, len - i);
	*a = digest_step(*a, w ^ ((uint64_t)len << 56), 0x9e3779b97f4a7c15ULL);
	*b = digest_step(*b, w + len, 0xc2b2ae3d27d4eb4fULL);
}

/* Two 64-bit lanes (different seeds and multipliers) over every ref's name
 * and target, in name order, as 32 hex digits: the cache keeps the last
 * run's, so an unchanged list is known without reading it back. Word at a
 * time (issue 17, fourth step): the byte-at-a-time FNV-1a it replaced was a
 * tenth of a warm start at 23 MB of names. A cache holding the old digest
 * finds its refs equal row by row once and takes the new one (see
 * plan_from_cache). */
static void refs_digest(const struct scan *s, char out[40])
{
	uint64_t a = 0x243f6a8885a308d3ULL, b = 0x13198a2e03707344ULL;
	for (size_t i = 0; i < s->nrefs; i++) {
		digest_bytes(&a, &b, s->refs[i].name, strlen(s->refs[i].name));
		digest_bytes(&a, &b, s->refs[i].target, strlen(s->refs[i].target));
	}
	a = digest_step(a, s->nrefs, 0x9e3779b97f4a7c15ULL);
	b = digest_step(b, s->nrefs, 0xc2b2ae3d27d4eb4fULL);
	snprintf(out, 40, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
}

static bool have_ref(const struct scan *s, const char *name)
{
	struct git_ref_row key = {.name = (char *)name};
	return search_array(&key, s->refs, s->nrefs, sizeof *s->refs, cmp_ref_row) != NULL;
}

static char *default_branch_by_name(const struct scan *s)
{
	if (have_ref(s, "refs/heads/main") || !have_ref(s, "refs/heads/master"))
		return xstrdup("main");
	return xstrdup("master");
}

/* The branch HEAD names, read from the HEAD file as libgit2 reads it (its
 * first line, trailing white space cut): *name the branch, or NULL when
 * HEAD is detached or names no local branch. false for anything else (not
 * a plain file, an odd branch name): libgit2 is asked then. */
static bool head_branch(const struct scan *s, char **name)
{
	*name = NULL;
	char *path = xasprintf("%sHEAD", s->gitdir);
	struct gitrefs_map m;
	char err[8];
	struct stat sb;
	bool plain = lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		     gitrefs_map_file("", path, 4096, &m, err, sizeof err) == 0 && m.text;
	free(path);
	if (!plain)
		return false;
	size_t n = m.len;
	while (n > 0 && strchr(" \t\r\n", m.text[n - 1]) && m.text[n - 1])
		n--;
	bool detached = n == GIT_OID_HEXSZ;
	for (size_t i = 0; detached && i < n; i++)
		detached = is_hex(m.text[i]);
	static const char sym[] = "ref: refs/heads/";
	size_t k = sizeof sym - 1;
	bool ok = detached || (n > k && memcmp(m.text, sym, k) == 0 && !memchr(m.text, '\0', n));
	if (ok && !detached) {
		char *branch = xstrndup(m.text + k, n - k);
		char *full = xasprintf("refs/heads/%s", branch);
		ok = gitrefs_plain_name(full);
		free(full);
		if (ok)
			*name = branch;
		else
			free(branch);
	}
	gitrefs_unmap(&m);
	return ok;
}

/* Spec §0: origin/HEAD's target, else the branch HEAD names, else main, else master. */
static char *detect_default_branch(struct scan *s)
{
	if (s->origin_head && str_starts(s->origin_head, "refs/remotes/origin/"))
		return xstrdup(s->origin_head + strlen("refs/remotes/origin/"));
	char *branch = NULL;
	if (head_branch(s, &branch))
		return branch ? branch : default_branch_by_name(s);
	git_reference *head;
	if (open_repo(s) && git_reference_lookup(&head, s->repo, "HEAD") == 0) {
		const char *t = git_reference_type(head) == GIT_REFERENCE_SYMBOLIC
				? git_reference_symbolic_target(head) : NULL;
		char *name = t && str_starts(t, "refs/heads/") ? xstrdup(t + strlen("refs/heads/")) : NULL;
		git_reference_free(head);
		if (name)
			return name;
	}
	return default_branch_by_name(s);
}

/* ---- deployments -------------------------------------------------------- */

/* A deploy pattern split once into its globs ('!' excluding), so that
 * matching tens of thousands of tags parses it once. */
/* How one glob is matched: most deploy patterns are "v*" or "*hotfix*",
 * told by a prefix or substring test instead of fnmatch (a twentieth of a
 * warm start at 60 000 tags, two patterns each). Exactly fnmatch's answer
 * with no flags: '*' matches any bytes, '/' and a leading '.' included. */
enum glob_kind { GLOB_FNMATCH, GLOB_EXACT, GLOB_PREFIX, GLOB_SUFFIX, GLOB_INFIX };

struct glob {
	char *text;     /* the pattern as given (for fnmatch) */
	const char *lit; /* the literal part, inside text */
	size_t litlen;
	enum glob_kind kind;
	bool neg;
};

struct tag_pattern {
	struct glob *g;
	size_t n, cap;
	bool any_positive;
};

static enum glob_kind glob_kind_of(const char *t, size_t len, const char **lit, size_t *litlen)
{
	size_t lead = len && t[0] == '*', trail = len > lead && t[len - 1] == '*';
	*lit = t + lead;
	*litlen = len - lead - trail;
	for (size_t i = 0; i < *litlen; i++)
		if (strchr("*?[\\", (*lit)[i]))
			return GLOB_FNMATCH;
	if (lead && trail)
		return GLOB_INFIX;
	return lead ? GLOB_SUFFIX : trail ? GLOB_PREFIX : GLOB_EXACT;
}

static void pattern_compile(const char *pattern, struct tag_pattern *tp)
{
	memset(tp, 0, sizeof *tp);
	if (!pattern || !*pattern)
		pattern = GITSCAN_DEFAULT_TAGS;
	const char *p = pattern;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len) {
			bool neg = *p == '!';
			struct glob g = {.text = xstrndup(p + neg, len - neg), .neg = neg};
			g.kind = glob_kind_of(g.text, len - neg, &g.lit, &g.litlen);
			VEC_PUSH(tp->g, tp->n, tp->cap, g);
			tp->any_positive = tp->any_positive || !neg;
		}
		p += len;
		while (*p && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
}

static bool glob_matches(const struct glob *g, const char *name, size_t len)
{
	switch (g->kind) {
	case GLOB_EXACT:
		return len == g->litlen && memcmp(name, g->lit, len) == 0;
	case GLOB_PREFIX:
		return len >= g->litlen && memcmp(name, g->lit, g->litlen) == 0;
	case GLOB_SUFFIX:
		return len >= g->litlen && memcmp(name + len - g->litlen, g->lit, g->litlen) == 0;
	case GLOB_INFIX:
		return memmem(name, len, g->lit, g->litlen) != NULL;
	case GLOB_FNMATCH:
		break;
	}
	return fnmatch(g->text, name, 0) == 0;
}

static bool pattern_matches(const struct tag_pattern *tp, const char *name)
{
	bool positive = false;
	size_t len = strlen(name);
	for (size_t i = 0; i < tp->n; i++) {
		bool hit = glob_matches(&tp->g[i], name, len);
		if (tp->g[i].neg && hit)
			return false;
		positive = positive || (!tp->g[i].neg && hit);
	}
	return positive || !tp->any_positive;
}

static void pattern_free(struct tag_pattern *tp)
{
	for (size_t i = 0; i < tp->n; i++)
		free(tp->g[i].text);
	free(tp->g);
}

bool gitscan_tag_matches(const char *pattern, const char *name)
{
	struct tag_pattern tp;
	pattern_compile(pattern, &tp);
	bool hit = pattern_matches(&tp, name);
	pattern_free(&tp);
	return hit;
}

/* The first 8 bytes of s (zeros after its end) as one number whose order
 * is strcmp's: sorting 60 000 deployments compares these, in the array,
 * instead of following a pointer to each name for each comparison. */
static uint64_t order_key(const char *s)
{
	uint64_t k = 0;
	for (int i = 0; i < 8; i++)
		k = k << 8 | (unsigned char)(*s ? *s++ : 0);
	return k;
}

static int cmp_dep_hex(const void *key, const void *elem)
{
	return strcmp(key, ((const struct dep *)elem)->hex);
}

static int cmp_dep_order(const void *a, const void *b)
{
	const struct dep *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	int c = strcmp(x->ref, y->ref);
	return c ? c : strcmp(x->hex, y->hex);
}

/* A deployment's place in time order, sorted instead of the deployments
 * themselves (112 bytes each): time and the first 8 bytes of the name
 * decide nearly every comparison without reading the row. */
struct dep_order {
	int64_t time;
	uint64_t ref8;
	const struct dep *d;
};

static int cmp_dep_order_key(const void *a, const void *b)
{
	const struct dep_order *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->ref8 != y->ref8)
		return x->ref8 < y->ref8 ? -1 : 1;
	return cmp_dep_order(x->d, y->d);
}

/* The deployments in time order (cmp_dep_order's: time, name, commit). */
static void sort_deps(struct scan *s)
{
	if (s->ndeps < 2)
		return;
	struct dep_order *k = xcalloc(s->ndeps, sizeof *k);
	for (size_t i = 0; i < s->ndeps; i++)
		k[i] = (struct dep_order){s->deps[i].time, order_key(s->deps[i].ref), &s->deps[i]};
	sort_array(k, s->ndeps, sizeof *k, cmp_dep_order_key);
	struct dep *sorted = xcalloc(s->capdeps, sizeof *sorted);
	for (size_t i = 0; i < s->ndeps; i++)
		sorted[i] = *k[i].d;
	free(k);
	free(s->deps);
	s->deps = sorted;
}

static int cmp_dep_hex_order(const void *a, const void *b)
{
	return strcmp(((const struct dep *)a)->hex, ((const struct dep *)b)->hex);
}

/* The deployment of commit hex in a table of slots (indices into s->deps,
 * -1 free; open addressing, mask + 1 a power of two): where it is, or the
 * free slot where it goes. */
static int32_t *dep_slot(const struct scan *s, int32_t *slots, unsigned bits, const char *hex)
{
	size_t mask = ((size_t)1 << bits) - 1;
	size_t i = (size_t)((order_key(hex) * 0x9e3779b97f4a7c15ULL) >> (64 - bits)); /* the top bits: all 8 bytes in them */
	while (slots[i] >= 0 && memcmp(s->deps[slots[i]].hex, hex, GIT_OID_HEXSZ) != 0)
		i = (i + 1) & mask;
	return &slots[i];
}

/* Several tags on one commit are one deployment at the earliest of their
 * times, named by all of them in name order (docs/metrics.md §1). The
 * tags are read in name order and grouped by their commit in a hash
 * table: no sort (a tenth of a warm start at 6 000 tags); sort_deps puts
 * the deployments in time order after. */
static void deps_from_tags(struct scan *s, const char *pattern, const struct gitscan_opts *o)
{
	struct tag_pattern tp, rework;
	pattern_compile(pattern, &tp);
	/* docs/metrics.md §3b: a tag matching rework_tags (default *hotfix*;
	 * "" none) is rework */
	const char *rw = o->rework_tags ? o->rework_tags : GITSCAN_DEFAULT_REWORK_TAGS;
	pattern_compile(*rw ? rw : "!*", &rework);
	unsigned bits = 4;
	while (((size_t)1 << bits) < 2 * s->ntags)
		bits++;
	size_t nslots = (size_t)1 << bits;
	int32_t *slots = xmalloc(nslots * sizeof *slots);
	memset(slots, 0xff, nslots * sizeof *slots); /* all -1 */
	for (size_t i = 0; i < s->nrefs; i++) {
		const struct git_ref_row *r = &s->refs[i];
		const char *shortname = r->name + strlen("refs/tags/");
		if (!str_starts(r->name, "refs/tags/") || !r->peeled[0] || !pattern_matches(&tp, shortname))
			continue;
		bool hotfix = pattern_matches(&rework, shortname);
		int32_t *slot = dep_slot(s, slots, bits, r->peeled);
		if (*slot >= 0) { /* another tag of the same commit, later in name order */
			struct dep *d = &s->deps[*slot];
			char *names = xasprintf("%s, %s", d->ref, shortname);
			free(d->ref);
			d->ref = names;
			d->hotfix = d->hotfix || hotfix;
			if (r->time < d->time)
				d->time = r->time;
			continue;
		}
		struct dep d = {.time = r->time, .ref = xstrdup(shortname), .from_tag = true, .hotfix = hotfix};
		memcpy(d.hex, r->peeled, sizeof d.hex);
		git_oid_fromstr(&d.commit, d.hex);
		*slot = (int32_t)s->ndeps;
		VEC_PUSH(s->deps, s->ndeps, s->capdeps, d);
	}
	free(slots);
	pattern_free(&tp);
	pattern_free(&rework);
	if (o->nrecords) /* deps_from_records looks commits up among these */
		sort_array(s->deps, s->ndeps, sizeof *s->deps, cmp_dep_hex_order);
}

/* docs/metrics.md §3b: whether a deployment of a commit other than hex lies
 * strictly between the instants a and b (tags, or other records). */
static bool other_deploy_between(const struct scan *s, const struct gitscan_opts *o, const char *hex,
				 int64_t a, int64_t b)
{
	int64_t lo = a < b ? a : b, hi = a < b ? b : a;
	if (hi - lo < 2)
		return false;
	for (size_t j = 0; j < s->ndeps; j++)
		if (s->deps[j].time > lo && s->deps[j].time < hi && !streq(s->deps[j].hex, hex))
			return true;
	for (size_t j = 0; j < o->nrecords; j++) {
		const struct gitscan_record *r = &o->records[j];
		if (r->time > lo && r->time < hi && r->commit && strcasecmp(r->commit, hex) != 0)
			return true;
	}
	return false;
}

static int64_t distance(int64_t a, int64_t b)
{
	return a < b ? b - a : a - b;
}

/* The deployment of commit hex so far nearest in time to t, or NULL. */
static struct dep *nearest_dep_of(struct scan *s, size_t ntagged, const char *hex, int64_t t)
{
	struct dep *d = search_array(hex, s->deps, ntagged, sizeof *s->deps, cmp_dep_hex);
	for (size_t j = ntagged; j < s->ndeps; j++)
		if (streq(s->deps[j].hex, hex) && (!d || distance(s->deps[j].time, t) < distance(d->time, t)))
			d = &s->deps[j];
	return d;
}

/* A record of a tagged (or already recorded) commit replaces the tag's time
 * and adds what it knows (docs/metrics.md §1), unless a deployment of
 * another commit lies between them: then it is a redeployment, a
 * deployment of its own (docs/metrics.md §3b). A record of any other commit
 * is a deployment of its own. */
static void deps_from_records(struct scan *s, const struct gitscan_opts *o)
{
	size_t ntagged = s->ndeps; /* sorted by hex: deps_from_tags grouped them so */
	for (size_t i = 0; i < o->nrecords; i++) {
		const struct gitscan_record *rec = &o->records[i];
		git_oid id;
		if (!rec->commit || strlen(rec->commit) != 40 || git_oid_fromstr(&id, rec->commit) != 0) {
			warn(s, "recorded deployment %lld: '%s' is not a full commit id; ignored",
			     (long long)rec->record_id, rec->commit ? rec->commit : "");
			continue;
		}
		char hex[41];
		git_oid_tostr(hex, sizeof hex, &id); /* lower case, as the tags' */
		struct dep *d = nearest_dep_of(s, ntagged, hex, rec->time);
		if (d && other_deploy_between(s, o, hex, d->time, rec->time))
			d = NULL; /* a redeployment */
		else if (d && d->from_record)
			continue; /* one record per commit; the first one wins */
		if (!d) {
			struct dep nd = {.commit = id,
					 .ref = rec->ref && *rec->ref ? xstrdup(rec->ref) : xstrndup(hex, 12)};
			memcpy(nd.hex, hex, sizeof hex);
			VEC_PUSH(s->deps, s->ndeps, s->capdeps, nd);
			d = &s->deps[s->ndeps - 1];
		}
		d->time = rec->time;
		d->from_record = true;
		d->failed = rec->failed;
		d->hotfix = d->hotfix || rec->hotfix;
		d->record_id = rec->record_id;
	}
}

/* docs/metrics.md §3b: deployment k deploys older code when its commit is an
 * earlier deployment's, or an ancestor of the one just before it (and not
 * that one's). Such a deployment ships nothing, so only those are asked
 * (a few: the rest are answered by the walk's counts). */
static void find_rollbacks(struct scan *s)
{
	size_t *ships = s->ships; /* a warm start's, from the cache's counts */
	if (!s->warm || !ships) {
		free(s->ships);
		ships = s->ships = xcalloc(s->ndeps + 1, sizeof *ships);
		for (size_t i = 0; i < s->map.n; i++)
			if (s->map.e[i].seq >= 0 && (size_t)s->map.e[i].seq < s->ndeps)
				ships[s->map.e[i].seq]++;
	}
	for (size_t k = 1; k < s->ndeps; k++) {
		struct dep *r = &s->deps[k], *p = &s->deps[k - 1];
		if (ships[k] || streq(r->hex, p->hex) || !commit_exists(s, &r->commit))
			continue;
		for (size_t j = 0; j + 1 < k && !r->rollback; j++)
			r->rollback = streq(s->deps[j].hex, r->hex);
		if (!r->rollback && commit_exists(s, &p->commit))
			r->rollback = git_graph_descendant_of(s->repo, replaced(s, &p->commit), replaced(s, &r->commit)) == 1;
	}
}

/* ---- landings (docs/metrics.md §2b) ----------------------------------------- */

/* The default branch's tip, read as gitfeature reads the branch: the local
 * branch, else origin's, else any remote's of that exact name. */
static void find_default_tip(struct scan *s)
{
	static const char *const forms[] = {"refs/heads/%s", "refs/remotes/origin/%s"};
	for (size_t i = 0; i < ARRAY_SIZE(forms) && !s->has_tip; i++) {
		char name[1024];
		snprintf(name, sizeof name, forms[i], s->out->default_branch);
		struct git_ref_row key = {.name = name};
		const struct git_ref_row *r = search_array(&key, s->refs, s->nrefs, sizeof *s->refs, cmp_ref_row);
		s->has_tip = r && r->peeled[0] && git_oid_fromstr(&s->tip, r->peeled) == 0;
	}
}

static void tip_hex(const struct scan *s, char out[GIT_OID_HEXSZ + 1])
{
	out[0] = '\0';
	if (s->has_tip)
		git_oid_tostr(out, GIT_OID_HEXSZ + 1, &s->tip);
}

/* An incremental run keeps the cached landings only when the default
 * branch's first-parent chain still holds the tip they were found from (it
 * moved forward: the usual push). The chain commits above it are listed in
 * s->newchain, read here from the repository (the new commits a warm cache
 * has not seen: few). False when the chain was rewritten (a force push, a
 * changed default branch): the run must then be cold. */
static bool chain_extends_cache(struct scan *s)
{
	char now[GIT_OID_HEXSZ + 1];
	tip_hex(s, now);
	if (streq(now, s->land_tip))
		return true;
	if (!s->has_tip || !s->land_tip[0])
		return false;
	git_oid old;
	if (git_oid_fromstr(&old, s->land_tip) != 0)
		return false;
	cmap_index_all(&s->map);
	git_oid id = s->tip;
	for (;;) {
		if (git_oid_equal(&id, &old))
			return true;
		long k = cmap_find(&s->map, &id);
		if (k >= 0 && s->map.e[k].landed != SD_NO_TIME)
			return false; /* below the old tip without passing it */
		if (s->nnewchain > s->map.n + s->walked + 100000)
			return false; /* a cycle only grafts can make: the cold walk bounds it */
		VEC_PUSH(s->newchain, s->nnewchain, s->capnewchain, id);
		struct centry c = {.id = id};
		if (!read_parents(s, &c) || c.parents == 0)
			return false;
		id = s->pids[c.pfirst];
	}
}

/* After a cold walk: the chain from the tip, every commit's parents known. */
static void chain_from_walk(struct scan *s)
{
	if (!s->has_tip)
		return;
	git_oid id = s->tip;
	for (;;) {
		long k = cmap_find(&s->map, &id);
		if (k < 0 || s->nnewchain > s->map.n) /* longer than the history: a graft cycle */
			return;
		VEC_PUSH(s->newchain, s->nnewchain, s->capnewchain, id);
		const struct centry *c = &s->map.e[k];
		if (c->pfirst == NO_PIDS || c->parents == 0)
			return;
		id = s->pids[c->pfirst];
	}
}

/* Each commit lands with the oldest chain commit that reaches it: the chain
 * is taken oldest first, and each of its commits claims what it reaches that
 * nothing claimed before (the ancestors of a landed commit are landed, so
 * the search stops there). Kept from the cache: the landings found before
 * (the chain only grew); a kept commit that lands now is read again for its
 * parents and its deployment's cached row rewritten (dirty). In memory
 * only: the history was read once, by the walk. */
static void find_landings(struct scan *s, bool cold)
{
	if (cold) {
		chain_from_walk(s);
	} else {
		for (size_t i = 0; s->oldland.n && i < s->map.n; i++) {
			struct centry *c = &s->map.e[i];
			long k = c->fresh ? cmap_find(&s->oldland, &c->id) : -1;
			if (k >= 0)
				c->landed = s->oldland.e[k].landed;
		}
	}
	for (size_t i = s->nnewchain; i-- > 0;) {
		long m = cmap_find(&s->map, &s->newchain[i]);
		if (m < 0)
			continue;
		int64_t at = s->map.e[m].commit_time;
		push_any(s, &s->newchain[i]);
		while (s->nstack) {
			git_oid id = s->stack[--s->nstack];
			long k = cmap_find(&s->map, &id);
			if (k < 0 || s->map.e[k].landed != SD_NO_TIME)
				continue;
			struct centry *c = &s->map.e[k];
			c->landed = at;
			if (!c->fresh) {
				c->dirty = true;
				if (c->pfirst == NO_PIDS && !read_parents(s, c))
					continue;
			}
			for (size_t j = 0; j < c->parents; j++)
				push_any(s, &s->pids[c->pfirst + j]);
		}
	}
}

/* ---- cache -------------------------------------------------------------- */

static int load_commit_row(void *arg, const struct git_commit_row *r)
{
	struct cmap *m = arg;
	struct centry c = {.seq = r->seq, .author_time = r->author_time, .commit_time = r->commit_time,
			   .landed = r->landed, .pfirst = NO_PIDS,
			   .parents = r->parents < 0 ? 0 : r->parents > UINT16_MAX ? UINT16_MAX : (uint16_t)r->parents};
	memcpy(c.id.id, r->sha, GIT_OID_RAWSZ);
	VEC_PUSH(m->e, m->n, m->cap, c); /* not indexed yet: see cmap_keep_shipped_before */
	return 0;
}

/* A warm start's loader of one deployment's changes: straight into the
 * result (no map: gitscan_first_deploys searches the cache if asked). */
static int load_change_row(void *arg, const struct git_commit_row *r)
{
	struct gitscan_result *out = arg;
	if (r->seq < 0 || r->parents > 1)
		return 0;
	struct dora_change *ch = &out->changes[out->nchanges++];
	*ch = (struct dora_change){.deploy = r->seq, .author_time = r->author_time,
				   .commit_time = r->commit_time, .landed = r->landed};
	memcpy(ch->id, r->sha, sizeof ch->id);
	return 0;
}

static int count_chunk(void *arg, int32_t seq, int64_t n, int64_t changes)
{
	struct scan *s = arg;
	s->out->commits_known += (size_t)n;
	if (seq >= 0 && (size_t)seq < s->ndeps) {
		s->ships[seq] = (size_t)n;
		s->out->deploy_changes[seq] = (int)changes;
		s->out->nchanges_all += (size_t)changes;
	}
	return 0;
}

/* A warm start (nothing to walk) reads what the figures need, not the
 * whole history: every deployment's change count (from the rows' counts,
 * without their commits), and the changes themselves only of the
 * deployments at or after `since` (those of the window and the trend).
 * Returns 1 when the cache predates the counts (walk instead). */
static int load_warm(struct scan *s, struct store *st, int64_t since)
{
	s->out->deploy_changes = xcalloc(s->ndeps + 1, sizeof *s->out->deploy_changes);
	s->ships = xcalloc(s->ndeps + 1, sizeof *s->ships);
	int rc = store_git_chunks_load(st, count_chunk, s);
	if (rc != 0)
		return rc;
	size_t from = 0, n = 0;
	while (since != 0 && from < s->ndeps && s->deps[from].time < since)
		from++;
	for (size_t i = from; i < s->ndeps; i++)
		n += (size_t)s->out->deploy_changes[i];
	s->out->changes = xmalloc((n + 1) * sizeof *s->out->changes);
	if (from < s->ndeps &&
	    store_git_commits_load_from(st, (int32_t)from, load_change_row, s->out) != 0)
		return -1;
	return 0;
}

/* Loads the cached commits into the map for the walk, then the revert
 * lines (a warm start's are loaded too: they are few, and every
 * deployment's verdict reads them). */
static int load_commits(struct scan *s, struct store *st, bool warm, int64_t since)
{
	int rc;
	if (warm) {
		rc = load_warm(s, st, since);
	} else {
		size_t total;
		if (store_git_commits_count(st, &total) != 0)
			return -1;
		grow_array((void **)&s->map.e, &s->map.cap, total + 1, sizeof *s->map.e);
		rc = store_git_commits_load(st, load_commit_row, &s->map);
	}
	if (rc != 0)
		return rc;
	struct git_revert_row *rows;
	size_t nrows;
	if (store_git_reverts_load(st, &rows, &nrows) != 0)
		return -1;
	s->revs = rows;
	s->nrevs = s->caprevs = nrows;
	/* The commits that name a pull request only resolve "Reverts #N"
	 * lines, which a warm start does not do again. */
	if (!warm && store_git_pulls_load(st, &s->pulls, &s->npulls) != 0)
		return -1;
	s->cappulls = s->npulls;
	return 0;
}

/* The length of the deployment order the cache shares with this run (-1:
 * no usable cache: none, another format, or computed under another view of
 * the history); *ncached_deps is the cached order's length. */
static int cached_order(struct scan *s, struct store *st, size_t *ncached_deps)
{
	*ncached_deps = 0;
	char *format = store_git_meta_get(st, "format");
	char *view = store_git_meta_get(st, "view");
	char *gen = store_git_meta_get(st, "generation");
	char *tip = store_git_meta_get(st, "landing_tip");
	bool ok = format && streq(format, CACHE_FORMAT) && view && streq(view, s->view) && tip &&
		  strlen(tip) < sizeof s->land_tip;
	if (ok)
		memcpy(s->land_tip, tip, strlen(tip) + 1);
	free(tip);
	s->generation = gen ? strtoll(gen, NULL, 10) : 0;
	free(format);
	free(view);
	free(gen);
	if (!ok)
		return -1;
	char (*cdeps)[41];
	size_t n;
	if (store_git_deploys_load(st, &cdeps, &n) != 0)
		return -1;
	size_t common = 0;
	while (common < n && common < s->ndeps && streq(cdeps[common], s->deps[common].hex))
		common++;
	free(cdeps);
	*ncached_deps = n;
	return (int)common;
}

/* Loads the commits the cache could not read, and checks whether any can
 * be read now (a fetch, an unshallow, a repaired object store). Returns the
 * first deployment whose walk must run again: INT32_MAX for none, -1 when
 * only the unshipped walk is concerned. */
static int32_t missing_arrived(struct scan *s, struct store *st, int *rc)
{
	struct git_missing_row *rows;
	size_t n;
	*rc = store_git_missing_load(st, &rows, &n);
	int32_t from = INT32_MAX;
	for (size_t i = 0; *rc == 0 && i < n; i++) {
		git_oid id;
		memcpy(id.id, rows[i].sha, GIT_OID_RAWSZ);
		if (commit_exists(s, &id)) {
			if (rows[i].seq < from)
				from = rows[i].seq;
		} else if (rows[i].deploy) {
			VEC_PUSH(s->dep_missed, s->ndep_missed, s->capdep_missed, rows[i]);
		} else {
			walk_missed(s, &id, rows[i].seq);
		}
	}
	free(rows);
	return from;
}

/* Writes what this run walked: the fresh commits come in runs of one
 * deployment each (deployments are walked in order, the unshipped last), so
 * each run is one packed row. */
static int save_commits(struct scan *s, struct store *st)
{
	struct git_commit_row *rows = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	/* A deployment's kept row is written again when a landing in it
	 * changed (its commits are contiguous: loaded in seq order). */
	bool *dirty = xcalloc(s->ndeps + 1, sizeof *dirty);
	for (size_t i = 0; i < s->map.n; i++)
		if (s->map.e[i].dirty && s->map.e[i].seq >= 0 && (size_t)s->map.e[i].seq < s->ndeps)
			dirty[s->map.e[i].seq] = true;
	for (size_t i = 0; i <= s->map.n && rc == 0; i++) {
		const struct centry *c = i < s->map.n ? &s->map.e[i] : NULL;
		if (c && !c->fresh && !(c->seq >= 0 && (size_t)c->seq < s->ndeps && dirty[c->seq]))
			continue;
		if (n && (!c || c->seq != rows[0].seq)) {
			rc = store_git_commits_save(st, rows[0].seq, rows, n);
			n = 0;
		}
		if (!c)
			break;
		struct git_commit_row r = {.seq = c->seq, .parents = c->parents, .author_time = c->author_time,
					   .commit_time = c->commit_time, .landed = c->landed};
		memcpy(r.sha, c->id.id, GIT_OID_RAWSZ);
		VEC_PUSH(rows, n, cap, r);
	}
	free(rows);
	free(dirty);
	return rc;
}

static int save_missing(struct scan *s, struct store *st)
{
	size_t n = s->ndep_missed;
	struct git_missing_row *rows = xmalloc((n + s->walk_missed.n + 1) * sizeof *rows);
	if (n) /* a NULL source is undefined even for zero bytes (UBSan) */
		memcpy(rows, s->dep_missed, n * sizeof *rows);
	for (size_t i = 0; i < s->walk_missed.n; i++) {
		struct git_missing_row r = {.seq = s->walk_missed.e[i].seq};
		memcpy(r.sha, s->walk_missed.e[i].id.id, GIT_OID_RAWSZ);
		rows[n++] = r;
	}
	int rc = store_git_missing_save(st, rows, n);
	free(rows);
	return rc;
}

static int save_deploys(struct scan *s, struct store *st)
{
	struct git_deploy_row *deps = xcalloc(s->ndeps + 1, sizeof *deps);
	for (size_t i = 0; i < s->ndeps; i++) {
		memcpy(deps[i].commit, s->deps[i].hex, 41);
		deps[i].ref = s->deps[i].ref;
		deps[i].time = s->deps[i].time;
	}
	int rc = store_git_deploys_save(st, deps, s->ndeps);
	free(deps);
	return rc;
}

static int save_landing_tip(struct scan *s, struct store *st)
{
	char hex[GIT_OID_HEXSZ + 1];
	tip_hex(s, hex);
	return store_git_meta_set(st, "landing_tip", hex);
}

/* Everything but the commits: reverts, deployment order, refs, missing
 * commits and the facts the next run compares with. */
static int save_rest(struct scan *s, struct store *st, const char *pattern, int64_t generation)
{
	char gen[24], digest[40];
	refs_digest(s, digest);
	snprintf(gen, sizeof gen, "%lld", (long long)generation);
	if (store_git_reverts_save(st, s->revs, s->nrevs) != 0 || store_git_pulls_save(st, s->pulls, s->npulls) != 0 ||
	    save_deploys(s, st) != 0 ||
	    store_git_refs_save(st, s->refs, s->nrefs) != 0 || save_missing(s, st) != 0 ||
	    store_git_meta_set(st, "refs_digest", digest) != 0 ||
	    store_git_meta_set(st, "deploy_tags", pattern) != 0 ||
	    store_git_meta_set(st, "default_branch", s->out->default_branch) != 0 ||
	    store_git_meta_set(st, "view", s->view) != 0 || save_landing_tip(s, st) != 0 ||
	    store_git_meta_set(st, "generation", gen) != 0)
		return -1;
	return store_git_meta_set(st, "format", CACHE_FORMAT);
}

/* The cache as of the cache's current generation, or -1 when absent. */
static int64_t current_generation(struct store *st)
{
	char *gen = store_git_meta_get(st, "generation");
	int64_t g = gen ? strtoll(gen, NULL, 10) : -1;
	free(gen);
	return g;
}

/* Writes the scan's results in one short transaction, after the walk (so
 * writers never wait on a walk). A full scan replaces the cache whole; an
 * incremental one writes its difference only if no one wrote the cache
 * since this run read it (else that difference would apply to another
 * cache: this run's figures stand, the cache stays as the other run left
 * it). A database that stays busy is not an error: the figures are right,
 * and the next run walks again. */
static int write_cache(struct scan *s, struct store *st, const char *pattern, bool cold, int common)
{
	if (store_begin(st) != 0) {
		if (!store_busy(st))
			return -1;
		s->out->cache_busy = true;
		return 0;
	}
	int64_t now_gen = current_generation(st);
	if (!cold && now_gen != s->generation) {
		store_rollback(st);
		return 0;
	}
	int rc = cold ? store_git_clear(st) : store_git_forget(st, common);
	if (rc == 0)
		rc = save_commits(s, st);
	if (rc == 0)
		rc = save_rest(s, st, pattern, (now_gen < 0 ? 0 : now_gen) + 1);
	if (rc == 0 && store_commit(st) != 0)
		rc = -1;
	if (rc == 0)
		s->out->cache_generation = (now_gen < 0 ? 0 : now_gen) + 1;
	if (rc != 0) {
		store_rollback(st);
		if (store_busy(st)) {
			s->out->cache_busy = true;
			rc = 0;
		}
	}
	return rc;
}

/* ---- results ------------------------------------------------------------ */

static char *own(struct gitscan_result *r, char *str, size_t *cap)
{
	VEC_PUSH(r->strings, r->nstrings, *cap, str);
	return str;
}

static int cmp_revert(const void *a, const void *b)
{
	const struct dora_revert *x = a, *y = b;
	if (x->revert_deploy != y->revert_deploy)
		return x->revert_deploy < y->revert_deploy ? -1 : 1;
	if (x->reverted_deploy != y->reverted_deploy)
		return x->reverted_deploy < y->reverted_deploy ? -1 : 1;
	if (x->revert_author_time != y->revert_author_time)
		return x->revert_author_time < y->revert_author_time ? -1 : 1;
	if (x->revert_pr != y->revert_pr)
		return x->revert_pr < y->revert_pr ? -1 : 1;
	return (x->reverted_pr > y->reverted_pr) - (x->reverted_pr < y->reverted_pr);
}

static int cmp_oid(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

/* The known commit a 7-40 hex prefix names, or -1 when unknown or ambiguous. */
static long resolve_prefix(const struct scan *s, const char *hex, git_oid **sorted)
{
	size_t len = strlen(hex);
	char full[41];
	memset(full, '0', 40);
	memcpy(full, hex, len);
	full[40] = '\0';
	git_oid key;
	if (git_oid_fromstr(&key, full) != 0)
		return -1;
	if (len == 40)
		return cmap_find(&s->map, &key);
	if (!*sorted) {
		*sorted = xmalloc((s->map.n + 1) * sizeof **sorted);
		for (size_t i = 0; i < s->map.n; i++)
			(*sorted)[i] = s->map.e[i].id;
		sort_array(*sorted, s->map.n, sizeof **sorted, cmp_oid);
	}
	size_t lo = 0, hi = s->map.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (git_oid_cmp(&(*sorted)[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= s->map.n || git_oid_ncmp(&(*sorted)[lo], &key, len) != 0)
		return -1;
	if (lo + 1 < s->map.n && git_oid_ncmp(&(*sorted)[lo + 1], &key, len) == 0)
		return -1; /* ambiguous: docs/metrics.md §3 ignores it */
	return cmap_find(&s->map, &(*sorted)[lo]);
}

static int cmp_pull(const void *a, const void *b)
{
	const struct git_pull_row *x = a, *y = b;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return memcmp(x->sha, y->sha, GIT_OID_RAWSZ);
}

/* Pull request n's commit among the known ones (docs/metrics.md §3b): of
 * the commits whose subject names it, the earliest committed (ties: the
 * lowest id; a cherry-pick of it elsewhere comes later); -1 when none.
 * s->pulls is sorted by number. */
static long resolve_pull(const struct scan *s, int32_t n)
{
	size_t lo = 0, hi = s->npulls;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->pulls[mid].number < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	long best = -1;
	for (size_t i = lo; i < s->npulls && s->pulls[i].number == n; i++) {
		git_oid id;
		memcpy(id.id, s->pulls[i].sha, GIT_OID_RAWSZ);
		long k = cmap_find(&s->map, &id);
		if (k >= 0 && (best < 0 || s->map.e[k].commit_time < s->map.e[best].commit_time))
			best = k;
	}
	return best;
}

static int cmp_int32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* A reverted merge reverts the changes it brought (docs/metrics.md §3b):
 * those reachable from its other parents and not from its first
 * (git rev-list M^1..M^2); keeps their distinct deployments. */
static void find_brought(struct scan *s, const git_oid *merge, struct git_revert_row *rv)
{
	git_commit *m = NULL;
	git_revwalk *w = NULL;
	size_t cap = 0;
	if (git_commit_lookup(&m, s->repo, replaced(s, merge)) != 0 || git_revwalk_new(&w, s->repo) != 0)
		goto done;
	for (unsigned k = 1; k < git_commit_parentcount(m); k++)
		git_revwalk_push(w, git_commit_parent_id(m, k));
	git_revwalk_hide(w, git_commit_parent_id(m, 0));
	git_oid id;
	while (git_revwalk_next(&id, w) == 0) {
		long e = cmap_find(&s->map, &id);
		if (e < 0 || s->map.e[e].parents > 1)
			continue;
		int32_t seq = s->map.e[e].seq;
		bool seen = false;
		for (size_t k = 0; k < rv->nbrought && !seen; k++)
			seen = rv->brought[k] == seq;
		if (!seen)
			VEC_PUSH(rv->brought, rv->nbrought, cap, seq);
	}
	sort_array(rv->brought, rv->nbrought, sizeof *rv->brought, cmp_int32);
done:
	git_revwalk_free(w);
	git_commit_free(m);
}

/* Resolves every revert line against the commits known now: a hex prefix
 * to its commit, "#N" to pull request N's; a merge to what it brought. */
static void resolve_reverts(struct scan *s)
{
	git_oid *sorted = NULL;
	sort_array(s->pulls, s->npulls, sizeof *s->pulls, cmp_pull);
	for (size_t i = 0; i < s->nrevs; i++) {
		struct git_revert_row *rv = &s->revs[i];
		free(rv->brought);
		rv->brought = NULL;
		rv->nbrought = 0;
		rv->merge = false;
		long idx = rv->target[0] == '#' ? resolve_pull(s, (int32_t)strtol(rv->target + 1, NULL, 10))
						: resolve_prefix(s, rv->target, &sorted);
		rv->has_resolved = idx >= 0;
		if (idx < 0)
			continue;
		memcpy(rv->resolved, s->map.e[idx].id.id, GIT_OID_RAWSZ);
		rv->resolved_seq = s->map.e[idx].seq;
		if (s->map.e[idx].parents > 1) {
			rv->merge = true;
			find_brought(s, &s->map.e[idx].id, rv);
		}
	}
	free(sorted);
}

static void build_result(struct scan *s, bool warm)
{
	struct gitscan_result *r = s->out;
	size_t capstr = 0, cap = 0;
	r->ndeploys = s->ndeps;
	r->deploys = xcalloc(s->ndeps + 1, sizeof *r->deploys);
	r->record_ids = xcalloc(s->ndeps + 1, sizeof *r->record_ids);
	for (size_t i = 0; i < s->ndeps; i++) {
		struct dep *d = &s->deps[i];
		r->deploys[i] = (struct dora_deploy){
			.time = d->time, .ref = own(r, d->ref, &capstr), .commit = own(r, xstrdup(d->hex), &capstr),
			.from_tag = d->from_tag, .from_record = d->from_record,
			.failed_record = d->failed, .hotfix = d->hotfix, .rollback = d->rollback,
			.rolled_back = d->rollback ? (int)i - 1 : -1,
		};
		d->ref = NULL;
		r->record_ids[i] = d->record_id;
	}
	if (!warm) /* warm: filled by load_warm */
		r->deploy_changes = xcalloc(s->ndeps + 1, sizeof *r->deploy_changes);
	for (size_t i = 0; i < s->map.n && !warm; i++) {
		const struct centry *c = &s->map.e[i];
		if (c->seq < 0 || c->parents > 1)
			continue;
		struct dora_change ch = {.deploy = c->seq, .author_time = c->author_time, .commit_time = c->commit_time,
					 .landed = c->landed};
		memcpy(ch.id, c->id.id, sizeof ch.id);
		VEC_PUSH(r->changes, r->nchanges, cap, ch);
		if ((size_t)c->seq < s->ndeps)
			r->deploy_changes[c->seq]++;
	}
	if (!warm)
		r->nchanges_all = r->nchanges;
	/* No sort needed: the commits are grouped by deployment in ascending
	 * order (cached chunks load by seq, fresh ones are walked in order), and
	 * within one deployment the walk order is the same on every run. */
	cap = 0;
	size_t capu = 0;
	for (size_t i = 0; i < s->nrevs; i++) {
		const struct git_revert_row *rl = &s->revs[i];
		if (!rl->has_resolved) {
			if (rl->target[0] == '#') { /* left for imported pull requests */
				struct gitscan_pr_revert u = {.number = atoi(rl->target + 1), .revert_deploy = rl->seq,
							      .revert_author_time = rl->author_time, .revert_pr = rl->pr};
				VEC_PUSH(r->pr_reverts, r->npr_reverts, capu, u);
			}
			continue;
		}
		struct dora_revert rv = {.reverted_deploy = rl->resolved_seq, .revert_deploy = rl->seq,
					 .revert_author_time = rl->author_time, .revert_pr = rl->pr,
					 .reverted_pr = rl->target[0] == '#' ? atoi(rl->target + 1) : 0};
		if (!rl->merge) {
			VEC_PUSH(r->reverts, r->nreverts, cap, rv);
			continue;
		}
		for (size_t k = 0; k < rl->nbrought; k++) { /* each change the merge brought */
			rv.reverted_deploy = rl->brought[k];
			VEC_PUSH(r->reverts, r->nreverts, cap, rv);
		}
	}
	sort_array(r->reverts, r->nreverts, sizeof *r->reverts, cmp_revert);
	r->commits_walked = s->walked;
	if (!warm)
		r->commits_known = s->map.n;
}

/* ---- the scan -------------------------------------------------------------- */

/* Keeps what deployments before keep_below found: their commits, revert
 * lines and missing commits; the rest is walked again. */
static void forget_from(struct scan *s, int32_t keep_below, bool cold)
{
	/* A landing depends on the default branch alone, not on the
	 * deployments: the commits walked again keep theirs (find_landings). */
	for (size_t i = 0; !cold && i < s->map.n; i++) {
		const struct centry *c = &s->map.e[i];
		if (c->landed != SD_NO_TIME && (c->seq < 0 || c->seq >= keep_below))
			cmap_add(&s->oldland, c);
	}
	cmap_keep_shipped_before(&s->map, keep_below);
	size_t j = 0;
	for (size_t i = 0; i < s->nrevs; i++) {
		if (s->revs[i].seq >= 0 && s->revs[i].seq < keep_below)
			s->revs[j++] = s->revs[i];
		else
			free(s->revs[i].brought);
	}
	s->nrevs = j;
	j = 0;
	for (size_t i = 0; i < s->npulls; i++)
		if (s->pulls[i].seq >= 0 && s->pulls[i].seq < keep_below)
			s->pulls[j++] = s->pulls[i];
	s->npulls = j;
	cmap_keep_shipped_before(&s->walk_missed, keep_below);
	j = 0;
	for (size_t i = 0; i < s->ndep_missed; i++)
		if (s->dep_missed[i].seq >= 0 && s->dep_missed[i].seq < keep_below)
			s->dep_missed[j++] = s->dep_missed[i];
	s->ndep_missed = j;
}

/* Said the same whether the figures come from a walk or from the cache. */
static void add_warnings(struct scan *s, const char *pattern)
{
	for (size_t k = 0; k < s->ndeps; k++)
		if (s->deps[k].from_record && !commit_exists(s, &s->deps[k].commit))
			warn(s, "deployment %s: commit %.12s is not in the repository; it ships nothing",
			     s->deps[k].ref, s->deps[k].hex);
	if (s->shallow)
		warn(s, "shallow clone: history stops at the cut, so the first deployment inside it "
			"ships too much; run 'git fetch --unshallow' for full figures");
	else if (s->walk_missed.n)
		/* Not a shallow cut: the repository is damaged (a deleted object, a
		 * corrupt pack), and the figures leave out what cannot be read. */
		warn(s, "%zu commit(s) cannot be read (missing or damaged objects), so the figures "
			"are incomplete; 'shipdeck doctor' says what to do", s->walk_missed.n);
	size_t ntagdeps = 0;
	for (size_t i = 0; i < s->ndeps; i++)
		ntagdeps += s->deps[i].from_tag;
	if (!ntagdeps)
		warn(s, "no tag matches the deploy pattern '%s' (%zu tag(s) in the repository)", pattern, s->ntags);
}

/* Walks the deployments from index `from` on (each stopping at what an
 * earlier one shipped), then the unshipped rest of the history from every
 * branch and tag tip. A deployment whose commit this clone does not have
 * ships nothing, and is remembered so that its arrival is noticed. */
static void walk_history(struct scan *s, size_t from)
{
	for (size_t k = from; k < s->ndeps; k++) {
		if (commit_exists(s, &s->deps[k].commit)) {
			walk_from(s, &s->deps[k].commit, (int32_t)k);
		} else {
			struct git_missing_row m = {.deploy = true, .seq = (int32_t)k};
			memcpy(m.sha, s->deps[k].commit.id, GIT_OID_RAWSZ);
			VEC_PUSH(s->dep_missed, s->ndep_missed, s->capdep_missed, m);
		}
	}
	for (size_t i = 0; i < s->nrefs; i++) {
		git_oid id;
		if (s->refs[i].peeled[0] && git_oid_fromstr(&id, s->refs[i].peeled) == 0)
			walk_from(s, &id, -1);
	}
}

/* What this run takes from the cache: nothing (cold), everything (warm:
 * nothing to walk), or the deployments before `common`. */
struct plan {
	bool cold, warm;
	int common;
};

/* Compares the repository now with the cache (read as one picture, in a
 * read transaction that blocks no writer) and loads what can be kept. */
static int plan_from_cache(struct scan *s, struct store *st, const struct gitscan_opts *o,
			   const char *pattern, struct plan *p)
{
	bool use = st && !o->full;
	int began = use ? store_git_read_begin(st) : 0;
	char digest[40];
	refs_digest(s, digest);
	char *was = use && began >= 0 ? store_git_meta_get(st, "refs_digest") : NULL;
	/* The same refs as last time (the usual case): only the tags' rows
	 * are read back (their peeled commits and times), not every branch's. */
	bool same_refs = was && streq(was, digest), equal = false;
	if (began < 0 || fill_tags(s, use ? st : NULL, !same_refs, &equal) != 0) {
		free(was);
		return -1;
	}
	bool stale_digest = !same_refs && was && equal; /* equal refs under another digest */
	same_refs = same_refs || stale_digest;
	s->out->default_branch = o->default_branch && *o->default_branch ? xstrdup(o->default_branch)
									 : detect_default_branch(s);
	deps_from_tags(s, pattern, o);
	deps_from_records(s, o);
	sort_deps(s);
	size_t ncached_deps = 0;
	int rc = 0;
	p->common = use ? cached_order(s, st, &ncached_deps) : -1;
	p->cold = p->common < 0;
	int32_t arrived = p->cold ? INT32_MAX : missing_arrived(s, st, &rc);
	if (arrived >= 0 && arrived < p->common)
		p->common = arrived;
	find_default_tip(s);
	char tip[GIT_OID_HEXSZ + 1];
	tip_hex(s, tip);
	p->warm = !p->cold && rc == 0 && arrived == INT32_MAX && same_refs &&
		  (size_t)p->common == ncached_deps && (size_t)p->common == s->ndeps && streq(tip, s->land_tip);
	if (rc == 0 && !p->cold)
		rc = load_commits(s, st, p->warm, o->changes_since);
	if (rc > 0) { /* a cache from before the change counts: rebuilt */
		free(s->out->deploy_changes);
		free(s->out->changes);
		s->out->deploy_changes = NULL;
		s->out->changes = NULL;
		s->out->nchanges = s->out->nchanges_all = s->out->commits_known = 0;
		p->cold = true;
		p->warm = false;
		rc = 0;
	}
	if (rc == 0 && !p->warm && !open_repo(s))
		rc = -1; /* a walk needs libgit2's view of the objects */
	if (rc == 0 && !p->cold && !p->warm && !chain_extends_cache(s)) {
		p->cold = true; /* the default branch was rewritten: its landings with it */
		s->nnewchain = 0;
	}
	s->out->generation = s->generation;
	s->out->cache_generation = p->warm ? s->generation : -1;
	store_git_read_end(st, began);
	/* The same refs under another digest (one from before the word-at-a-
	 * time digest): the new one is kept, only where the cache still holds
	 * the old one (another process may have written since), so that the
	 * next start reads the tags' rows alone again. Best effort. */
	if (p->warm && stale_digest && store_git_writable(st))
		store_git_meta_replace(st, "refs_digest", was, digest);
	free(was);
	return rc;
}

/* The scan: refs and deployments now, the cache's view of them, then only
 * the walking the difference needs (see the top of this file), outside any
 * transaction; the results are written in one short one at the end. */
static int scan_run(struct scan *s, struct store *st, const struct gitscan_opts *o, char *err, size_t errlen)
{
	const char *pattern = o->deploy_tags && *o->deploy_tags ? o->deploy_tags : GITSCAN_DEFAULT_TAGS;
	if (list_refs(s, err, errlen) != 0 || read_view(s, err, errlen) != 0)
		return -1;
	struct plan p;
	if (plan_from_cache(s, st, o, pattern, &p) != 0)
		goto fail;
	s->warm = p.warm;
	if (!p.warm) {
		forget_from(s, p.cold ? 0 : p.common, p.cold);
		if (p.cold && o->commit_sink && !s->ngrafts && !s->nrepl)
			s->sink = o;
		if (o->commit_source && !s->ngrafts && !s->nrepl)
			s->source = o;
		walk_history(s, p.cold ? 0 : (size_t)p.common);
		resolve_reverts(s);
		find_landings(s, p.cold);
	}
	s->out->from_cache = !p.cold && s->walked == 0;
	if (!p.warm && st && store_git_writable(st) &&
	    write_cache(s, st, pattern, p.cold, p.cold ? 0 : p.common) != 0)
		goto fail;
	add_warnings(s, pattern);
	find_rollbacks(s);
	if (s->open_failed)
		goto fail; /* opened late (open_repo) and could not be */
	build_result(s, p.warm);
	return 0;
fail:
	if (s->open_failed)
		snprintf(err, errlen, "%s", s->open_err);
	else
		snprintf(err, errlen, "git cache: %s", store_errmsg(st));
	return -1;
}

/* Scans held by gitscan_hold: libgit2's process-wide options are set once
 * for them (gitrefs_libgit2_scan_begin), not flipped by each scan under
 * the others' feet. */
static atomic_int holders;

bool gitscan_hold(void)
{
	if (!(git_libgit2_features() & GIT_FEATURE_THREADS))
		return false;
	atomic_fetch_add(&holders, 1);
	gitrefs_libgit2_scan_begin();
	return true;
}

void gitscan_release(void)
{
	atomic_fetch_sub(&holders, 1);
	gitrefs_libgit2_scan_end();
}

int gitscan_sync(struct store *st, const char *repo_path, const struct gitscan_opts *o,
		 struct gitscan_result *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	static const struct gitscan_opts none;
	if (!o)
		o = &none;
	struct scan s = {.out = out, .progress = o->progress, .repo_path = repo_path};
	bool held = atomic_load(&holders) > 0;
	if (!held) /* libgit2's options for a scan, if and once it is started */
		gitrefs_libgit2_scan_begin();
	int rc = -1;
	if (gitrefs_find_dirs(repo_path, &s.gitdir, &s.commondir) != 0) {
		/* not plainly a repository: libgit2 judges it, and finds its directories */
		if (!open_repo(&s)) {
			snprintf(err, errlen, "%s", s.open_err);
			goto done;
		}
		s.gitdir = xstrdup(git_repository_path(s.repo));
		s.commondir = xstrdup(git_repository_commondir(s.repo));
	}
	rc = scan_run(&s, st, o, err, errlen);
	if (s.progress)
		atomic_store_explicit(s.progress, s.walked, memory_order_relaxed);
done:
	if (rc == 0 && !s.warm) {
		/* kept for gitscan_first_deploys: this run's own view, never a
		 * re-read of a cache another process may have rewritten since */
		out->shipped = xmalloc(sizeof *out->shipped);
		*out->shipped = s.map;
		memset(&s.map, 0, sizeof s.map);
	}
	if (rc == 0)
		out->repo_path = xstrdup(repo_path);
	cmap_free(&s.map);
	cmap_free(&s.walk_missed);
	cmap_free(&s.oldland);
	free(s.pids);
	free(s.ships);
	free(s.newchain);
	free(s.dep_missed);
	for (size_t i = 0; i < s.ngrafts; i++)
		free(s.grafts[i].parents);
	free(s.grafts);
	free(s.repl);
	store_git_reverts_free(s.revs, s.nrevs);
	free(s.pulls);
	free(s.stack);
	free(s.refs); /* their names are in s.names */
	free_names(s.names);
	free(s.origin_head);
	for (size_t i = 0; i < s.ndeps; i++)
		free(s.deps[i].ref);
	free(s.deps);
	free(s.gitdir);
	free(s.commondir);
	if (!held)
		gitrefs_libgit2_scan_end();
	if (s.repo) {
		git_odb_free(s.odb);
		git_repository_free(s.repo);
		git_libgit2_shutdown(); /* open_repo's */
	}
	if (rc != 0)
		gitscan_result_free(out);
	return rc;
}

/* The commits gitscan_first_deploys looks for in the cache: a map of the
 * asked ids (seq: the answer, -2 until found). */
struct first_search {
	struct cmap want;
	size_t left;
};

static int match_commit(void *arg, const struct git_commit_row *r)
{
	struct first_search *fs = arg;
	git_oid id;
	memcpy(id.id, r->sha, GIT_OID_RAWSZ);
	long k = cmap_find(&fs->want, &id);
	if (k >= 0 && fs->want.e[k].seq == -2) {
		fs->want.e[k].seq = r->seq;
		fs->want.e[k].landed = r->landed;
		fs->left--;
	}
	return fs->left == 0; /* 1 stops the search: all found */
}

/* Searches the cache (read as one picture) if it is still the generation
 * the scan read; false when it is not (or cannot be read). */
static bool search_cache(const struct gitscan_result *r, struct store *st, struct first_search *fs)
{
	if (!st)
		return false;
	int began = store_git_read_begin(st);
	if (began < 0)
		return false;
	char *gen = store_git_meta_get(st, "generation");
	bool same = gen && strtoll(gen, NULL, 10) == r->generation;
	free(gen);
	bool ok = same && store_git_commits_search(st, match_commit, fs) == 0;
	store_git_read_end(st, began);
	return ok;
}

/* What the scan would have said, from the commit graph: the first
 * deployment (in order) whose commit reaches the commit. Only when the
 * cache changed under a warm start's result. */
static void search_graph(const struct gitscan_result *r, struct first_search *fs)
{
	git_repository *repo;
	gitrefs_libgit2_init();
	if (!r->repo_path || git_repository_open_ext(&repo, r->repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0) {
		git_libgit2_shutdown();
		return;
	}
	for (size_t i = 0; i < fs->want.n; i++) {
		struct centry *c = &fs->want.e[i];
		c->seq = -1;
		for (size_t d = 0; d < r->ndeploys && c->seq < 0; d++) {
			git_oid dep;
			if (git_oid_fromstr(&dep, r->deploys[d].commit) == 0 &&
			    (git_oid_equal(&dep, &c->id) || git_graph_descendant_of(repo, &dep, &c->id) == 1))
				c->seq = (int32_t)d;
		}
	}
	git_repository_free(repo);
	git_libgit2_shutdown();
}

int gitscan_first_deploys(const struct gitscan_result *r, struct store *st, const char *const *hex,
			  size_t n, int *out)
{
	return gitscan_first_deploys_landed(r, st, hex, n, out, NULL);
}

int gitscan_first_deploys_landed(const struct gitscan_result *r, struct store *st, const char *const *hex,
				 size_t n, int *out, int64_t *landed)
{
	struct cmap *m = r->shipped;
	struct first_search fs = {0};
	git_oid *ids = xcalloc(n + 1, sizeof *ids);
	bool *valid = xcalloc(n + 1, sizeof *valid);
	for (size_t i = 0; i < n; i++) {
		valid[i] = hex[i] && hex[i][0] && git_oid_fromstr(&ids[i], hex[i]) == 0;
		if (!m && valid[i] && cmap_find(&fs.want, &ids[i]) < 0) {
			cmap_add(&fs.want, &(struct centry){.id = ids[i], .seq = -2, .landed = SD_NO_TIME});
			fs.left++;
		}
	}
	if (!m && fs.left && !search_cache(r, st, &fs))
		search_graph(r, &fs);
	for (size_t i = 0; i < n; i++) {
		const struct cmap *from = m ? m : &fs.want;
		long k = valid[i] ? cmap_find(from, &ids[i]) : -1;
		out[i] = k < 0 ? -1 : (int)from->e[k].seq;
		if (out[i] < 0 || out[i] >= (int)r->ndeploys)
			out[i] = -1;
		if (landed)
			landed[i] = k < 0 ? SD_NO_TIME : from->e[k].landed;
	}
	cmap_free(&fs.want);
	free(ids);
	free(valid);
	return 0;
}

static int cmp_dep_index(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The changes merge m brought (git rev-list m^1..m^2 ...), as 40 hex. */
static char **brought_changes(git_repository *repo, const git_commit *m, size_t *n)
{
	char **hex = NULL;
	size_t cap = 0;
	*n = 0;
	git_revwalk *w;
	if (git_revwalk_new(&w, repo) != 0)
		return NULL;
	for (unsigned k = 1; k < git_commit_parentcount(m); k++)
		git_revwalk_push(w, git_commit_parent_id(m, k));
	git_revwalk_hide(w, git_commit_parent_id(m, 0));
	git_oid id;
	while (git_revwalk_next(&id, w) == 0) {
		git_commit *c;
		if (git_commit_lookup(&c, repo, &id) != 0)
			continue;
		if (git_commit_parentcount(c) <= 1) {
			char *h = xmalloc(GIT_OID_HEXSZ + 1);
			git_oid_tostr(h, GIT_OID_HEXSZ + 1, &id);
			VEC_PUSH(hex, *n, cap, h);
		}
		git_commit_free(c);
	}
	git_revwalk_free(w);
	return hex;
}

int gitscan_reverted_deploys(const struct gitscan_result *r, struct store *st, const char *hex, int **out,
			     size_t *n)
{
	*out = NULL;
	*n = 0;
	git_repository *repo = NULL;
	git_commit *m = NULL;
	git_oid id;
	gitrefs_libgit2_init();
	int rc = -1;
	if (!r->repo_path || git_oid_fromstr(&id, hex) != 0 ||
	    git_repository_open_ext(&repo, r->repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0 ||
	    git_commit_lookup(&m, repo, &id) != 0)
		goto done;
	bool merge = git_commit_parentcount(m) > 1;
	size_t nh = 1;
	char **hs = merge ? brought_changes(repo, m, &nh) : NULL;
	const char *one[1] = {hex};
	int *dep = xcalloc(nh + 1, sizeof *dep);
	if (nh)
		gitscan_first_deploys(r, st, merge ? (const char *const *)hs : one, nh, dep);
	sort_array(dep, nh, sizeof *dep, cmp_dep_index);
	for (size_t i = 0; i < nh; i++)
		if (i == 0 || dep[i] != dep[*n - 1])
			dep[(*n)++] = dep[i];
	*out = dep;
	for (size_t i = 0; hs && i < nh; i++)
		free(hs[i]);
	free(hs);
	rc = 0;
done:
	git_commit_free(m);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}

void gitscan_result_free(struct gitscan_result *r)
{
	if (!r)
		return;
	if (r->shipped) {
		cmap_free(r->shipped);
		free(r->shipped);
	}
	free(r->deploys);
	free(r->changes);
	free(r->deploy_changes);
	free(r->repo_path);
	free(r->reverts);
	free(r->pr_reverts);
	free(r->record_ids);
	free(r->default_branch);
	for (size_t i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	for (size_t i = 0; i < r->nstrings; i++)
		free(r->strings[i]);
	free(r->strings);
	memset(r, 0, sizeof *r);
}

int gitscan_resolve(const char *repo_path, const char *ref, char out[41], char *err, size_t errlen)
{
	git_repository *repo = NULL;
	git_object *obj = NULL, *commit = NULL;
	int rc = -1;
	gitrefs_libgit2_init();
	if (git_repository_open_ext(&repo, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0) {
		snprintf(err, errlen, "%s: not a git repository", repo_path);
	} else {
		int e = git_revparse_single(&obj, repo, ref);
		if (e == GIT_EAMBIGUOUS)
			snprintf(err, errlen, "'%s' is ambiguous: give more of the commit id", ref);
		else if (e != 0)
			snprintf(err, errlen, "'%s' names no commit in %s", ref, repo_path);
		else if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) != 0)
			snprintf(err, errlen, "'%s' is not a commit", ref);
		else {
			git_oid_tostr(out, 41, git_object_id(commit));
			rc = 0;
		}
	}
	git_object_free(commit);
	git_object_free(obj);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
