/* gitpaths — the monorepo rule of docs/metrics.md §13 over a finished
 * history scan: walk the commits the service's deployments reach, compare
 * each with its first parent (tree by tree, skipping equal subtrees and
 * folders no glob can reach, stopping at the first matching path), keep
 * the changes and reverts that touch the service's paths, and place them
 * with the scan's own answer to "which deployment first shipped this
 * commit" (gitscan_first_deploys). What it learns is cached in the
 * service's history cache (store_paths.c): the commits that touch the
 * globs, keyed by commit (a commit's diff never changes) and dropped when
 * the globs change; the deployments the walk started from, so the next
 * walk reads only new commits; and the placed result for the history
 * cache's generation, so a warm start walks nothing. */
#include "gitpaths.h"

#include <git2.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services.h"
#include "store_git.h"
#include "store_paths.h"
#include "gitrefs.h"
#include "util.h"

#define REVERT_MARK "This reverts commit "

void gitpaths_result_free(struct gitpaths_result *r)
{
	free(r->changes);
	free(r->reverts);
	memset(r, 0, sizeof *r);
}

/* ---- which paths a commit touches ------------------------------------------------ */

/* A service's globs, with what lets the tree comparison skip a folder: the
 * literal start of each positive glob (up to its first wildcard). A path
 * under folder D can only match a glob whose literal start and "D/" agree
 * as far as the shorter goes; with no positive glob (exclusions alone
 * match every other path) nothing is skipped. Skipping only saves work:
 * every path it reaches is still judged by service_paths_match. */
struct path_rule {
	const char *globs;
	char **starts;
	size_t nstarts;
	bool prune;
};

static void rule_init(struct path_rule *r, const char *globs)
{
	memset(r, 0, sizeof *r);
	r->globs = globs;
	size_t cap = 0;
	for (const char *p = globs; p && *p;) {
		size_t len = strcspn(p, ",");
		const char *q = p;
		while (len && (*q == ' ' || *q == '\t'))
			q++, len--;
		while (len && (q[len - 1] == ' ' || q[len - 1] == '\t'))
			len--;
		if (len && *q != '!') {
			size_t lit = 0;
			while (lit < len && !strchr("*?[\\", q[lit]))
				lit++;
			char *start = xstrndup(q, lit);
			VEC_PUSH(r->starts, r->nstarts, cap, start);
			r->prune = true;
		}
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
}

static void rule_free(struct path_rule *r)
{
	for (size_t i = 0; i < r->nstarts; i++)
		free(r->starts[i]);
	free(r->starts);
}

/* May a path under the folder dir ("a/b/", with its slash) match? */
static bool rule_may_match_under(const struct path_rule *r, const char *dir, size_t len)
{
	if (!r->prune)
		return true;
	for (size_t i = 0; i < r->nstarts; i++) {
		size_t l = strlen(r->starts[i]);
		if (memcmp(dir, r->starts[i], len < l ? len : l) == 0)
			return true;
	}
	return false;
}

static bool entry_same(const git_tree_entry *x, const git_tree_entry *y)
{
	return x && y && git_oid_equal(git_tree_entry_id(x), git_tree_entry_id(y)) &&
	       git_tree_entry_filemode(x) == git_tree_entry_filemode(y);
}

/* The trees read last: a walk that goes parents first compares a commit
 * with the parent it compared with its own parent just before, so most
 * folders it reads it has just read (libgit2's object cache is off during
 * walks: it would keep every tree). Each entry holds a reference. */
#define TREE_CACHE 16
struct trees {
	git_repository *repo;
	git_tree *t[TREE_CACHE];
	size_t next;
};

/* A tree by id (the caller frees it); 0 or -1. */
static int tree_get(struct trees *tc, git_tree **out, const git_oid *id)
{
	for (size_t i = 0; i < TREE_CACHE; i++)
		if (tc->t[i] && git_oid_equal(git_tree_id(tc->t[i]), id))
			return git_object_dup((git_object **)out, (git_object *)tc->t[i]);
	if (git_tree_lookup(out, tc->repo, id) != 0)
		return -1;
	size_t slot = tc->next++ % TREE_CACHE;
	git_tree_free(tc->t[slot]);
	git_object_dup((git_object **)&tc->t[slot], (git_object *)*out);
	return 0;
}

static void trees_free(struct trees *tc)
{
	for (size_t i = 0; i < TREE_CACHE; i++)
		git_tree_free(tc->t[i]);
	memset(tc->t, 0, sizeof tc->t);
}

static bool trees_touch(struct trees *tc, const git_tree *a, const git_tree *b, struct strbuf *path,
			const struct path_rule *r);

/* One name that differs between the two trees (either side may lack it),
 * its path in path: a file on either side is a changed path (added,
 * deleted, modified, or a file turned folder), a folder on either side is
 * compared below (the other side's folder, or nothing). */
static bool entry_touches(struct trees *tc, const git_tree_entry *ea, const git_tree_entry *eb,
			  struct strbuf *path, const struct path_rule *r)
{
	bool ta = ea && git_tree_entry_type(ea) == GIT_OBJECT_TREE;
	bool tb = eb && git_tree_entry_type(eb) == GIT_OBJECT_TREE;
	if (((ea && !ta) || (eb && !tb)) && service_paths_match(r->globs, sb_str(path)))
		return true;
	if (!ta && !tb)
		return false;
	sb_add(path, "/");
	bool hit = false;
	if (rule_may_match_under(r, sb_str(path), path->len)) {
		git_tree *sa = NULL, *sb = NULL;
		if (ta)
			tree_get(tc, &sa, git_tree_entry_id(ea));
		if (tb)
			tree_get(tc, &sb, git_tree_entry_id(eb));
		/* a folder this clone cannot read: nothing to compare, as a diff fails */
		if ((!ta || sa) && (!tb || sb))
			hit = trees_touch(tc, sa, sb, path, r);
		git_tree_free(sa);
		git_tree_free(sb);
	}
	return hit;
}

/* Git's order of tree entries: by name, a folder's name as if it ended
 * in '/' (so a file and a folder of one name are two entries). */
static int entry_cmp(const git_tree_entry *x, const git_tree_entry *y)
{
	const char *a = git_tree_entry_name(x), *b = git_tree_entry_name(y);
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
	int c = memcmp(a, b, n);
	if (c)
		return c;
	unsigned char ca = la > n ? (unsigned char)a[n] : git_tree_entry_type(x) == GIT_OBJECT_TREE ? '/' : 0;
	unsigned char cb = lb > n ? (unsigned char)b[n] : git_tree_entry_type(y) == GIT_OBJECT_TREE ? '/' : 0;
	return (int)ca - (int)cb;
}

/* Does any path that differs between trees a and b (either may be NULL:
 * all of the other's paths differ) match the rule? The two sorted entry
 * lists are merged; equal subtrees are skipped whole, and the answer is
 * the first matching path. This is what a diff of a against b with no
 * rename detection yields, path for path. */
static bool trees_touch(struct trees *tc, const git_tree *a, const git_tree *b, struct strbuf *path,
			const struct path_rule *r)
{
	size_t base = path->len, na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
	size_t i = 0, j = 0;
	bool hit = false;
	while (!hit && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : entry_cmp(ea, eb);
		if (c < 0)
			eb = NULL, i++;    /* only in a: deleted */
		else if (c > 0)
			ea = NULL, j++;    /* only in b: added */
		else if (i++, j++, entry_same(ea, eb))
			continue;
		sb_truncate(path, base);
		sb_add(path, git_tree_entry_name(ea ? ea : eb));
		hit = entry_touches(tc, ea, eb, path, r);
	}
	sb_truncate(path, base);
	return hit;
}

/* Does the commit's diff against its first parent touch a path of the
 * rule? Old and new paths both count (no rename detection: a rename
 * touches both). */
static bool touches(struct trees *tc, const git_commit *c, const struct path_rule *r)
{
	git_tree *tree = NULL, *ptree = NULL;
	git_commit *parent = NULL;
	bool hit = false;
	if (git_commit_tree(&tree, c) != 0)
		return false;
	if (git_commit_parentcount(c) > 0 &&
	    (git_commit_parent(&parent, c, 0) != 0 || git_commit_tree(&ptree, parent) != 0))
		goto done; /* a parent this clone lacks (shallow): nothing to compare */
	struct strbuf path = STRBUF_INIT;
	hit = trees_touch(tc, ptree, tree, &path, r);
	sb_free(&path);
done:
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	return hit;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_alnum(char c)
{
	return is_hex(c) || (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z');
}

/* The diff of tree against ptree (NULL: a root commit) touches the rule? */
static bool tree_ids_touch(struct trees *tc, const git_oid *tree, const git_oid *ptree,
			   const struct path_rule *r)
{
	git_tree *t = NULL, *pt = NULL;
	bool hit = false;
	if (tree_get(tc, &t, tree) == 0 && (!ptree || tree_get(tc, &pt, ptree) == 0)) {
		struct strbuf path = STRBUF_INIT;
		hit = trees_touch(tc, pt, t, &path, r);
		sb_free(&path);
	}
	git_tree_free(pt);
	git_tree_free(t);
	return hit;
}

/* ---- the walk, with what the cache knows ------------------------------------------ */

/* The tree of each commit the walk read, by commit: the walk goes parents
 * first, so a change's first parent's tree is known without reading the
 * parent again (open addressing; ids are hashes, their first bytes spread). */
struct tree_of {
	git_oid *keys, *trees;
	uint32_t *vals;          /* the feed's: its node's index + 1 (else 0) */
	size_t cap, n;
};

static size_t tree_slot(const struct tree_of *m, const git_oid *id)
{
	uint64_t h;
	memcpy(&h, id->id, sizeof h);
	size_t i = (size_t)h & (m->cap - 1);
	while (!git_oid_is_zero(&m->keys[i]) && !git_oid_equal(&m->keys[i], id))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void tree_of_add(struct tree_of *m, const git_oid *id, const git_oid *tree, uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		struct tree_of bigger = {xcalloc(cap, sizeof(git_oid)), xcalloc(cap, sizeof(git_oid)),
					 xcalloc(cap, sizeof(uint32_t)), cap, 0};
		for (size_t i = 0; i < m->cap; i++)
			if (!git_oid_is_zero(&m->keys[i]))
				tree_of_add(&bigger, &m->keys[i], &m->trees[i], m->vals[i]);
		free(m->keys);
		free(m->trees);
		free(m->vals);
		*m = bigger;
	}
	size_t i = tree_slot(m, id);
	if (git_oid_is_zero(&m->keys[i]))
		m->n++;
	m->keys[i] = *id;
	m->trees[i] = *tree;
	m->vals[i] = val;
}

static uint32_t tree_of_val(const struct tree_of *m, const git_oid *id)
{
	if (!m->cap)
		return 0;
	size_t i = tree_slot(m, id);
	return git_oid_is_zero(&m->keys[i]) ? 0 : m->vals[i];
}

static void tree_of_free(struct tree_of *m)
{
	free(m->keys);
	free(m->trees);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

static const git_oid *tree_of_find(const struct tree_of *m, const git_oid *id)
{
	if (!m->cap)
		return NULL;
	size_t i = tree_slot(m, id);
	return git_oid_is_zero(&m->keys[i]) ? NULL : &m->trees[i];
}

/* One service of a walk: its globs and scan, the cache's rows and the
 * commits read now (rows of commits that touch its rule or revert
 * something: the only ones kept). */
struct member {
	const char *globs;
	const struct gitscan_result *scan;
	struct gitpaths_result *out;
	struct path_rule rule;
	struct path_commit *rows;
	size_t nrows, caprows;
	size_t cached;          /* rows[0..cached) came from the cache */
	unsigned char (*tips)[20];   /* where its last walk started */
	size_t ntips;
	bool done;              /* its result came from the cache, or it was walked */
	atomic_size_t *progress; /* gitpaths_job.progress */
	size_t judged;
	struct store *cache;    /* its scan's history cache */
	uint32_t feed_bit;      /* its scan's in the feed (0: its scan fed nothing) */
};

/* What a walk has: the repository, the trees read last, each commit's
 * tree, and the services (of one repository) judged commit by commit. */
struct walk {
	git_repository *repo;
	git_odb *odb;
	struct trees tc;
	struct tree_of trees;
	struct member **m;
	size_t nm;
	size_t diffed;
	struct gitpaths_feed *feed;   /* the commits the scan read cold, or NULL */
};

/* The revert lines of a message, as "target,target" (NULL: none). */
static char *revert_targets(const char *msg, const char *end)
{
	struct strbuf sb = STRBUF_INIT;
	const size_t marklen = strlen(REVERT_MARK);
	for (const char *p = msg; p && p < end && (p = memmem(p, (size_t)(end - p), REVERT_MARK, marklen));) {
		const char *hit = p;
		p += marklen;
		if (hit != msg && hit[-1] != '\n')
			continue;
		size_t k = 0;
		while (p + k < end && is_hex(p[k]))
			k++;
		if (k < 7 || k > 40 || (p + k < end && is_alnum(p[k])))
			continue;
		if (sb.len)
			sb_addc(&sb, ',');
		for (size_t i = 0; i < k; i++)
			sb_addc(&sb, (char)((p[i] >= 'A' && p[i] <= 'F') ? p[i] - 'A' + 'a' : p[i]));
		p += k;
	}
	return sb.len ? sb_detach(&sb) : (sb_free(&sb), NULL);
}

/* A commit's raw headers, as libgit2 reads them: its tree, first parent
 * and number of parents, author and committer times, and its message. */
struct raw_commit {
	git_oid tree, parent;
	size_t parents;
	git_oid *all;           /* every parent (when asked), grown with VEC_PUSH */
	size_t nall, capall;
	int64_t author_time, commit_time;
	const char *msg, *end;
};

/* The time of a signature line's value ("Name <mail> 1700000000 +0100"). */
static int64_t signature_time(const char *p, const char *eol)
{
	const char *gt = p;
	for (const char *q = p; q < eol; q++)
		if (*q == '>')
			gt = q;
	return gt < eol ? strtoll(gt + 1, NULL, 10) : 0;
}

static bool parse_commit(const char *p, const char *end, struct raw_commit *c)
{
	git_oid *all = c->all;
	size_t capall = c->capall;
	memset(c, 0, sizeof *c);
	c->all = all, c->capall = capall;
	bool have_tree = false;
	while (p < end && *p != '\n') {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		size_t len = (size_t)(eol - p);
		if (len >= 45 && !memcmp(p, "tree ", 5))
			have_tree = git_oid_fromstrn(&c->tree, p + 5, 40) == 0;
		else if (len >= 47 && !memcmp(p, "parent ", 7)) {
			git_oid id;
			if (git_oid_fromstrn(&id, p + 7, 40) == 0) {
				if (c->parents++ == 0)
					c->parent = id;
				VEC_PUSH(c->all, c->nall, c->capall, id);
			}
		}
		else if (len > 7 && !memcmp(p, "author ", 7))
			c->author_time = signature_time(p + 7, eol);
		else if (len > 10 && !memcmp(p, "committer ", 10))
			c->commit_time = signature_time(p + 10, eol);
		p = eol + 1;
	}
	c->msg = p < end ? p + 1 : end;
	c->end = end;
	return have_tree;
}

/* The tree of a commit the walk has not read (a parent below the last
 * walk's tips, or one a shallow clone lacks: NULL). */
static bool read_tree_of(struct walk *w, const git_oid *id, git_oid *tree)
{
	const git_oid *known = tree_of_find(&w->trees, id);
	if (known) {
		*tree = *known;
		return true;
	}
	git_odb_object *obj;
	if (git_odb_read(&obj, w->odb, id) != 0)
		return false;
	struct raw_commit c = {0};
	const char *p = git_odb_object_data(obj);
	bool ok = git_odb_object_type(obj) == GIT_OBJECT_COMMIT &&
		  parse_commit(p, p + git_odb_object_size(obj), &c);
	if (ok)
		*tree = c.tree;
	free(c.all);
	git_odb_object_free(obj);
	return ok;
}

/* A commit read by the walk, judged once every commit is read (its
 * parent's tree is then known without reading the parent again). */
struct node {
	git_oid id, tree, parent;
	size_t parents;
	uint32_t scans;         /* from the feed: the scans that shipped it (0: every member's) */
	const char *raw;        /* from the feed: its raw object, kept for the next scan (or NULL) */
	size_t rawlen;
	int64_t author_time, commit_time;
	char *reverts;
};

/* Reads one commit the cache does not know: the raw object, not a parsed
 * git_commit (it keeps the walk near git log's cost). Its parents go onto
 * stack when given. */
static bool read_node(struct walk *w, const git_oid *id, struct raw_commit *c, struct node *out)
{
	git_odb_object *obj;
	if (git_odb_read(&obj, w->odb, id) != 0)
		return false;
	const char *p = git_odb_object_data(obj);
	bool ok = git_odb_object_type(obj) == GIT_OBJECT_COMMIT && parse_commit(p, p + git_odb_object_size(obj), c);
	if (ok) {
		*out = (struct node){.id = *id, .tree = c->tree, .parent = c->parent, .parents = c->parents,
				     .author_time = c->author_time, .commit_time = c->commit_time,
				     .reverts = revert_targets(c->msg, c->end)};
		tree_of_add(&w->trees, id, &c->tree, 0);
	}
	git_odb_object_free(obj);
	return ok;
}

/* ---- the commits the history scan read ----------------------------------------- */

struct gitpaths_feed {
	struct node *nodes;      /* in the scans' order: children before parents */
	size_t n, cap;
	struct tree_of trees;    /* with each commit's node */
	struct raw_commit c;     /* parsing room */
	size_t scans;            /* the scans that fed it so far */
	uint32_t bit;            /* the one feeding now */
	uint32_t fed;            /* the scans that handed over at least one commit */
	/* The raw commits, for the next scans (gitpaths_feed_raw): blocks
	 * never moved, FEED_RAW_MAX bytes at most (then the next scans read
	 * the rest from the repository). */
	char **blocks;
	size_t nblocks, capblocks, left, kept;
};

#define FEED_BLOCK ((size_t)4 << 20)
#define FEED_RAW_MAX ((size_t)256 << 20)

/* A copy of raw in the feed's blocks, or NULL when it keeps no more. */
static const char *feed_keep(struct gitpaths_feed *f, const char *raw, size_t len)
{
	if (f->kept + len > FEED_RAW_MAX)
		return NULL;
	if (len > f->left) {
		size_t size = len > FEED_BLOCK ? len : FEED_BLOCK;
		VEC_PUSH(f->blocks, f->nblocks, f->capblocks, xmalloc(size));
		f->left = size;
	}
	char *to = f->blocks[f->nblocks - 1] + (len > FEED_BLOCK ? 0 : FEED_BLOCK - f->left);
	memcpy(to, raw, len);
	f->left -= len;
	f->kept += len;
	return to;
}

const char *gitpaths_feed_raw(void *feed, const unsigned char id[20], size_t *len)
{
	struct gitpaths_feed *f = feed;
	git_oid oid;
	git_oid_fromraw(&oid, id);
	uint32_t known = tree_of_val(&f->trees, &oid);
	if (!known || !f->nodes || !f->nodes[known - 1].raw)
		return NULL;
	*len = f->nodes[known - 1].rawlen;
	return f->nodes[known - 1].raw;
}

struct gitpaths_feed *gitpaths_feed_new(void)
{
	return xcalloc(1, sizeof(struct gitpaths_feed));
}

int gitpaths_feed_scan(struct gitpaths_feed *f)
{
	if (f->scans >= 32)
		return 0;
	f->bit = (uint32_t)1 << f->scans;
	return (int)++f->scans;
}

/* A commit the scan has just read: parsed as read_node would (the raw
 * object, the walk's own way), without reading it again; one another scan
 * handed over already is only marked as this one's too. */
void gitpaths_feed_commit(void *feed, const unsigned char id[20], const char *raw, size_t len)
{
	struct gitpaths_feed *f = feed;
	git_oid oid;
	git_oid_fromraw(&oid, id);
	f->fed |= f->bit;
	uint32_t known = tree_of_val(&f->trees, &oid);
	if (known) {
		f->nodes[known - 1].scans |= f->bit;
		return;
	}
	if (!parse_commit(raw, raw + len, &f->c))
		return;
	struct node node = {.id = oid, .tree = f->c.tree, .parent = f->c.parent, .parents = f->c.parents,
			    .scans = f->bit, .author_time = f->c.author_time, .commit_time = f->c.commit_time,
			    .reverts = revert_targets(f->c.msg, f->c.end), .raw = feed_keep(f, raw, len),
			    .rawlen = len};
	VEC_PUSH(f->nodes, f->n, f->cap, node);
	tree_of_add(&f->trees, &node.id, &node.tree, (uint32_t)f->n);
}

static void feed_drop(struct gitpaths_feed *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->nodes[i].reverts);
	free(f->nodes);
	tree_of_free(&f->trees);
	f->nodes = NULL;
	f->n = f->cap = 0;
	f->fed = 0;
	for (size_t i = 0; i < f->nblocks; i++)
		free(f->blocks[i]);
	free(f->blocks);
	f->blocks = NULL;
	f->nblocks = f->capblocks = f->left = f->kept = 0;
}

void gitpaths_feed_free(struct gitpaths_feed *f)
{
	if (!f)
		return;
	feed_drop(f);
	free(f->c.all);
	free(f);
}

/* Did the scan with this bit hand over its commits (and the feed not
 * yet taken)? */
static bool feed_has(const struct gitpaths_feed *f, uint32_t bit)
{
	return f && bit && (f->fed & bit);
}

/* The feed's commits (taken: a feed serves one walk), their trees known
 * to the walk. */
static void take_feed(struct walk *w, struct node **nodes, size_t *n)
{
	struct gitpaths_feed *f = w->feed;
	for (size_t i = 0; i < f->trees.cap; i++)
		if (!git_oid_is_zero(&f->trees.keys[i]))
			tree_of_add(&w->trees, &f->trees.keys[i], &f->trees.trees[i], 0);
	*nodes = f->nodes;
	*n = f->n;
	f->nodes = NULL; /* the walk frees them, and the reverts they hold */
	f->n = f->cap = 0;
	feed_drop(f);
}

/* Judges one commit: its diff against its first parent (a change only:
 * merges are bookkeeping, docs/metrics.md §2, and the commits they bring
 * are walked and judged one by one) and its revert lines. Takes reverts. */
static void judge(struct walk *w, struct node *n)
{
	git_oid ptree;
	bool diff = n->parents <= 1, have_parent = n->parents == 1 && read_tree_of(w, &n->parent, &ptree);
	/* else: a parent this clone lacks (shallow): nothing to compare */
	if (diff)
		w->diffed++;
	for (size_t k = 0; k < w->nm; k++) {
		struct member *m = w->m[k];
		if (n->scans && !(n->scans & m->feed_bit))
			continue; /* no deployment of its scan reaches it */
		if (++m->judged % 4096 == 0 && m->progress)
			atomic_store_explicit(m->progress, m->judged, memory_order_relaxed);
		struct path_commit row = {.author_time = n->author_time, .commit_time = n->commit_time};
		memcpy(row.id, n->id.id, 20);
		if (diff && n->parents == 0)
			row.touches = tree_ids_touch(&w->tc, &n->tree, NULL, &m->rule);
		else if (diff && have_parent)
			row.touches = tree_ids_touch(&w->tc, &n->tree, &ptree, &m->rule);
		if (row.touches || n->reverts) {
			row.reverts = xstrdup_or_null(n->reverts);
			VEC_PUSH(m->rows, m->nrows, m->caprows, row);
		}
	}
	free(n->reverts);
	n->reverts = NULL;
}

/* Every commit the deployments reach, each read once (a cold walk). */
static void collect_all(struct walk *w, const struct gitscan_result *scan, struct node **nodes, size_t *n,
			size_t *cap)
{
	struct raw_commit c = {0};
	git_oid *stack = NULL;
	size_t nstack = 0, capstack = 0;
	for (size_t i = 0; i < scan->ndeploys; i++) {
		git_oid id;
		if (git_oid_fromstr(&id, scan->deploys[i].commit) == 0)
			VEC_PUSH(stack, nstack, capstack, id);
	}
	while (nstack) {
		git_oid id = stack[--nstack];
		struct node node;
		/* a recorded commit this clone lacks, or a parent a shallow one cuts: skipped */
		if (tree_of_find(&w->trees, &id) || !read_node(w, &id, &c, &node))
			continue;
		VEC_PUSH(*nodes, *n, *cap, node);
		for (size_t k = 0; k < c.nall; k++)
			VEC_PUSH(stack, nstack, capstack, c.all[k]);
	}
	free(stack);
	free(c.all);
}

/* What the deployments reach and the last walk's tips did not. -1: the
 * walk cannot start (an old tip is gone). */
static int collect_new(struct walk *w, const struct gitscan_result *scan, const unsigned char (*tips)[20],
		       size_t ntips, struct node **nodes, size_t *n, size_t *cap)
{
	git_revwalk *rw = NULL;
	if (git_revwalk_new(&rw, w->repo) != 0)
		return -1;
	for (size_t i = 0; i < scan->ndeploys; i++) {
		git_oid id;
		if (git_oid_fromstr(&id, scan->deploys[i].commit) == 0)
			git_revwalk_push(rw, &id); /* a recorded commit this clone lacks: skipped */
	}
	for (size_t i = 0; i < ntips; i++) {
		git_oid id;
		git_oid_fromraw(&id, tips[i]);
		if (git_revwalk_hide(rw, &id) != 0) {
			git_revwalk_free(rw);
			return -1;
		}
	}
	struct raw_commit c = {0};
	git_oid id;
	while (git_revwalk_next(&id, rw) == 0) {
		struct node node;
		if (read_node(w, &id, &c, &node))
			VEC_PUSH(*nodes, *n, *cap, node);
	}
	free(c.all);
	git_revwalk_free(rw);
	return 0;
}

/* Walks what the deployments reach and the last walk's tips did not (all
 * of it when there are none; scan NULL: the feed's commits), then judges
 * each commit read. -1: an old tip is gone (the caller walks everything). */
static int walk_new(struct walk *w, const struct gitscan_result *scan, const unsigned char (*tips)[20],
		    size_t ntips)
{
	struct node *nodes = NULL;
	size_t n = 0, cap = 0;
	if (!scan)
		take_feed(w, &nodes, &n); /* the scans read them */
	else if (!ntips)
		collect_all(w, scan, &nodes, &n, &cap);
	else if (collect_new(w, scan, tips, ntips, &nodes, &n, &cap) != 0)
		return -1;
	/* read children first; judged parents first (the cache of trees) */
	for (size_t i = n; i-- > 0;)
		judge(w, &nodes[i]);
	free(nodes);
	return 0;
}

/* ---- placing what belongs to the service ---------------------------------------- */

static int cmp_change(const void *a, const void *b)
{
	const struct dora_change *x = a, *y = b;
	if (x->deploy != y->deploy)
		return x->deploy < y->deploy ? -1 : 1;
	if (x->author_time != y->author_time)
		return x->author_time < y->author_time ? -1 : 1;
	if (x->commit_time != y->commit_time)
		return x->commit_time < y->commit_time ? -1 : 1;
	if (x->landed != y->landed)
		return x->landed < y->landed ? -1 : 1;
	return memcmp(x->id, y->id, sizeof x->id);
}

static int cmp_revert(const void *a, const void *b)
{
	const struct dora_revert *x = a, *y = b;
	if (x->revert_deploy != y->revert_deploy)
		return x->revert_deploy < y->revert_deploy ? -1 : 1;
	if (x->reverted_deploy != y->reverted_deploy)
		return x->reverted_deploy < y->reverted_deploy ? -1 : 1;
	return (x->revert_author_time > y->revert_author_time) - (x->revert_author_time < y->revert_author_time);
}

/* The changes among the rows, each with the deployment that first shipped
 * it (a row no deployment ships any more is left out), in one order
 * whatever the walk's (by deployment, then time): cold, warm and
 * incremental runs give the same list. */
static void place_changes(const struct gitscan_result *scan, struct store *cache, const struct member *w,
			  struct gitpaths_result *out)
{
	size_t n = 0;
	const char **hex = xcalloc(w->nrows + 1, sizeof *hex);
	const struct path_commit **of = xcalloc(w->nrows + 1, sizeof *of);
	for (size_t i = 0; i < w->nrows; i++) {
		if (!w->rows[i].touches)
			continue;
		char *h = xmalloc(41);
		git_oid id;
		git_oid_fromraw(&id, w->rows[i].id);
		git_oid_tostr(h, 41, &id);
		of[n] = &w->rows[i];
		hex[n++] = h;
	}
	int *dep = xcalloc(n + 1, sizeof *dep);
	int64_t *landed = xcalloc(n + 1, sizeof *landed);
	gitscan_first_deploys_landed(scan, cache, hex, n, dep, landed);
	out->changes = xcalloc(n + 1, sizeof *out->changes);
	for (size_t i = 0; i < n; i++) {
		if (dep[i] >= 0) {
			struct dora_change *ch = &out->changes[out->nchanges++];
			*ch = (struct dora_change){.deploy = dep[i], .author_time = of[i]->author_time,
						   .commit_time = of[i]->commit_time, .landed = landed[i]};
			memcpy(ch->id, of[i]->id, sizeof ch->id); /* links it to its pull request */
		}
		free((char *)hex[i]);
	}
	sort_array(out->changes, out->nchanges, sizeof *out->changes, cmp_change);
	free(hex);
	free(of);
	free(dep);
	free(landed);
}

/* A commit a revert line names, if it resolves to exactly one commit. */
static git_commit *resolve_target(git_repository *repo, const char *hex)
{
	git_oid id;
	git_object *obj = NULL;
	if (git_oid_fromstrn(&id, hex, strlen(hex)) != 0 ||
	    git_object_lookup_prefix(&obj, repo, &id, strlen(hex), GIT_OBJECT_COMMIT) != 0)
		return NULL;
	return (git_commit *)obj;
}

/* A revert line of a row whose target touches the service's paths (a
 * revert counts for the service of the change it reverts): the target's
 * and the reverting commit's ids, as 40 hex each, for one question to the
 * scan. */
struct revert_line {
	char hex[2][41];
	int64_t author_time;
};

static bool revert_line_of(struct walk *w, const struct member *m, const struct path_commit *row,
			   const char *target, struct revert_line *out)
{
	git_commit *t = resolve_target(w->repo, target);
	if (!t || !touches(&w->tc, t, &m->rule)) {
		git_commit_free(t);
		return false;
	}
	git_oid_tostr(out->hex[0], sizeof out->hex[0], git_commit_id(t));
	git_commit_free(t);
	git_oid id;
	git_oid_fromraw(&id, row->id);
	git_oid_tostr(out->hex[1], sizeof out->hex[1], &id);
	out->author_time = row->author_time;
	return true;
}

/* The revert lines of the rows, counted when their target touches the
 * service's paths and a deployment ships the revert; the deployments of
 * all of them asked at once (after a warm scan each question searches
 * the cache). */
static void place_reverts(const struct gitscan_result *scan, struct store *cache, struct walk *w,
			  const struct member *m, struct gitpaths_result *out)
{
	size_t lines = 0, n = 0;
	for (size_t i = 0; i < m->nrows; i++)
		for (const char *p = m->rows[i].reverts; p; p = strchr(p + 1, ','))
			lines++;
	struct revert_line *rl = xcalloc(lines + 1, sizeof *rl);
	for (size_t i = 0; i < m->nrows; i++) {
		for (const char *p = m->rows[i].reverts; p && *p;) {
			size_t len = strcspn(p, ",");
			char *target = xstrndup(p, len);
			n += revert_line_of(w, m, &m->rows[i], target, &rl[n]);
			free(target);
			p += len + (p[len] == ',');
		}
	}
	const char **hex = xcalloc(2 * n + 1, sizeof *hex);
	int *dep = xcalloc(2 * n + 1, sizeof *dep);
	for (size_t i = 0; i < n; i++)
		hex[2 * i] = rl[i].hex[0], hex[2 * i + 1] = rl[i].hex[1];
	gitscan_first_deploys(scan, cache, hex, 2 * n, dep);
	out->reverts = xcalloc(n + 1, sizeof *out->reverts);
	for (size_t i = 0; i < n; i++)
		if (dep[2 * i + 1] >= 0)
			out->reverts[out->nreverts++] = (struct dora_revert){
				.reverted_deploy = dep[2 * i], .revert_deploy = dep[2 * i + 1],
				.revert_author_time = rl[i].author_time};
	sort_array(out->reverts, out->nreverts, sizeof *out->reverts, cmp_revert);
	free(hex);
	free(dep);
	free(rl);
}

/* ---- the whole ------------------------------------------------------------------ */

/* The deployment commits a walk starts from. */
static unsigned char (*deploy_tips(const struct gitscan_result *scan, size_t *n))[20]
{
	unsigned char(*tips)[20] = xcalloc(scan->ndeploys + 1, 20);
	*n = 0;
	for (size_t i = 0; i < scan->ndeploys; i++) {
		git_oid id;
		if (git_oid_fromstr(&id, scan->deploys[i].commit) == 0)
			memcpy(tips[(*n)++], id.id, 20);
	}
	return tips;
}

/* Reads the rows and tips the cache has for a member (none when full or
 * no cache, or when it has no tips). */
static void load_cache(struct store *cache, bool full, struct member *m)
{
	if (!cache || full || store_path_tips(cache, m->globs, &m->tips, &m->ntips) != 0 || m->ntips == 0 ||
	    store_path_commits(cache, m->globs, &m->rows, &m->nrows) != 0) {
		free(m->tips);
		m->tips = NULL;
		m->ntips = 0;
		return;
	}
	m->caprows = m->cached = m->nrows;
}

static void forget_rows(struct member *m)
{
	path_commits_free(m->rows, m->nrows);
	m->rows = NULL;
	m->nrows = m->caprows = m->cached = 0;
}

static void save_cache(struct store *cache, const char *const *keep, size_t nkeep, const struct member *m)
{
	if (!cache || !store_git_writable(cache))
		return;
	size_t ntips;
	unsigned char(*tips)[20] = deploy_tips(m->scan, &ntips);
	struct path_save s = {
		.globs = m->globs, .keep = keep, .nkeep = nkeep, .fresh = m->cached == 0,
		.rows = m->rows + m->cached, .nrows = m->nrows - m->cached,
		.tips = (const unsigned char(*)[20])tips, .ntips = ntips, .generation = m->scan->cache_generation,
		.changes = m->out->changes, .nchanges = m->out->nchanges, .reverts = m->out->reverts,
		.nreverts = m->out->nreverts,
	};
	/* a cache that cannot be written only costs the next run a walk */
	store_path_save(cache, &s);
	free(tips);
}

static bool same_tips(const struct member *a, const struct member *b)
{
	return a->ntips == b->ntips && (!a->ntips || memcmp(a->tips, b->tips, a->ntips * 20) == 0);
}

static bool same_deploys(const struct gitscan_result *a, const struct gitscan_result *b)
{
	if (a == b)
		return true;
	if (a->ndeploys != b->ndeploys)
		return false;
	for (size_t i = 0; i < a->ndeploys; i++)
		if (!streq(a->deploys[i].commit, b->deploys[i].commit))
			return false;
	return true;
}

/* The members whose scans walked cold and handed their commits over, in
 * one walk of the feed (a commit judged only for the members whose scans'
 * deployments reach it). False when there are none. */
static bool walk_fed(struct walk *w, struct member *const *m, size_t n)
{
	w->nm = 0;
	for (size_t i = 0; i < n; i++)
		if (!m[i]->done && !m[i]->ntips && feed_has(w->feed, m[i]->feed_bit))
			w->m[w->nm++] = m[i];
	if (!w->nm)
		return false;
	walk_new(w, NULL, NULL, 0);
	for (size_t i = 0; i < w->nm; i++)
		w->m[i]->done = true;
	return true;
}

/* Walks for the members not done whose last walks started where the first
 * of them did, from the same deployments: one read of each commit and of
 * the trees they share. */
static int walk_batch(struct walk *w, struct member *const *m, size_t n)
{
	if (walk_fed(w, m, n))
		return 0;
	struct member *first = NULL;
	w->nm = 0;
	for (size_t i = 0; i < n; i++) {
		if (m[i]->done || (first && (!same_tips(first, m[i]) || !same_deploys(first->scan, m[i]->scan))))
			continue;
		first = first ? first : m[i];
		w->m[w->nm++] = m[i];
	}
	if (!first)
		return 0;
	int rc = walk_new(w, first->scan, (const unsigned char(*)[20])first->tips, first->ntips);
	if (rc != 0 && first->ntips) {
		/* an old tip is gone: walk everything again */
		for (size_t i = 0; i < w->nm; i++)
			forget_rows(w->m[i]);
		rc = walk_new(w, first->scan, NULL, 0);
	}
	for (size_t i = 0; i < w->nm; i++)
		w->m[i]->done = true;
	return rc;
}

int gitpaths_filter_many(const char *repo_path, struct gitpaths_job *jobs, size_t n, struct store *cache,
			 bool full, struct gitpaths_feed *feed, char *err, size_t errlen)
{
	struct member *ms = xcalloc(n + 1, sizeof *ms);
	struct member **todo = xcalloc(n + 1, sizeof *todo);
	size_t ntodo = 0;
	for (size_t i = 0; i < n; i++) {
		struct member *m = &ms[i];
		*m = (struct member){.globs = jobs[i].globs, .scan = jobs[i].scan, .out = jobs[i].out,
				     .cache = jobs[i].cache ? jobs[i].cache : cache,
				     .feed_bit = jobs[i].fed_by > 0 ? (uint32_t)1 << (jobs[i].fed_by - 1) : 0,
				     .progress = jobs[i].progress};
		memset(m->out, 0, sizeof *m->out);
		/* a warm start: the history cache is the one this result was saved for */
		if (m->cache && !full && m->scan->cache_generation >= 0 &&
		    store_path_result(m->cache, m->globs, m->scan->cache_generation, &m->out->changes,
				      &m->out->nchanges, &m->out->reverts, &m->out->nreverts) == 1)
			continue;
		rule_init(&m->rule, m->globs);
		load_cache(m->cache, full, m);
		todo[ntodo++] = m;
	}
	int rc = 0;
	bool held = false;
	struct walk w = {.m = xcalloc(n + 1, sizeof *w.m), .feed = feed};
	if (!ntodo)
		goto done;
	/* libgit2 set up as for a scan: commits and trees kept out of its
	 * object cache (each pair is read once; the cache would hold them all) */
	held = gitscan_hold();
	gitrefs_libgit2_init();
	rc = -1;
	if (git_repository_open_ext(&w.repo, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0 ||
	    git_repository_odb(&w.odb, w.repo) != 0) {
		snprintf(err, errlen, "%s: not a git repository", repo_path);
		goto close;
	}
	w.tc.repo = w.repo;
	for (size_t left = ntodo; left;) {
		if (walk_batch(&w, todo, ntodo) != 0) {
			const git_error *e = git_error_last();
			snprintf(err, errlen, "%s: %s", repo_path, e && e->message ? e->message : "cannot walk the history");
			goto close;
		}
		left -= w.nm;
	}
	for (size_t i = 0; i < ntodo; i++) {
		struct member *m = todo[i];
		place_changes(m->scan, m->cache, m, m->out);
		place_reverts(m->scan, m->cache, &w, m, m->out);
		m->out->diffed = w.diffed;
		if (m->progress)
			atomic_store_explicit(m->progress, m->judged, memory_order_relaxed);
		/* the rows kept in its cache: those of the globs of every member using it */
		const char **keep = xcalloc(n + 1, sizeof *keep);
		size_t nkeep = 0;
		for (size_t k = 0; k < n; k++)
			if (ms[k].cache == m->cache)
				keep[nkeep++] = ms[k].globs;
		save_cache(m->cache, keep, nkeep, m);
		free(keep);
	}
	rc = 0;
close:
	trees_free(&w.tc);
	tree_of_free(&w.trees);
	git_odb_free(w.odb);
	git_repository_free(w.repo);
	git_libgit2_shutdown();
	if (held)
		gitscan_release();
done:
	for (size_t i = 0; i < n; i++) {
		free(ms[i].tips);
		path_commits_free(ms[i].rows, ms[i].nrows);
		rule_free(&ms[i].rule);
		if (rc != 0)
			gitpaths_result_free(ms[i].out);
	}
	free(w.m);
	free(ms);
	free(todo);
	return rc;
}

int gitpaths_filter(const char *repo_path, const char *globs, const struct gitscan_result *scan,
		    struct store *cache, bool full, struct gitpaths_result *out, char *err, size_t errlen)
{
	struct gitpaths_job job = {.globs = globs, .scan = scan, .out = out};
	return gitpaths_filter_many(repo_path, &job, 1, cache, full, NULL, err, errlen);
}
