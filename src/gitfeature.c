/* gitfeature — links features to history. One walk of the default branch's
 * first-parent chain (bounded in time by the oldest feature, so a large
 * repository costs what its recent history costs) gives the merges and the
 * subjects; branch tips give the work not merged yet.
 *
 * A feature's branch may be gone after the merge: the merge commit's message
 * ("Merge branch 'x'", "Merge pull request #1 from me/x") still names it. A
 * squash merge leaves only the key in a subject. */
#include "gitfeature.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gitrefs.h"
#include "util.h"

/* Walk this far before the oldest feature: a branch is usually cut after the
 * feature is recorded, but not always. */
#define LOOKBACK_SECONDS (180 * 86400LL)

struct chain_commit {
	git_oid oid;
	git_oid parent2;        /* zero when not a merge */
	int64_t time;           /* committer time */
	char *subject;
};

/* A chain commit's id and position, sorted by id: "where is this commit on
 * the chain" is a binary search, not a scan (builds ask it 50 000 times). */
struct chain_id {
	git_oid oid;
	size_t pos;
};

struct chain {
	struct chain_commit *c; /* oldest first */
	size_t n, cap;
	struct chain_id *ids;   /* sorted by oid */
};

static int cmp_chain_id(const void *a, const void *b)
{
	const struct chain_id *x = a, *y = b;
	int c = git_oid_cmp(&x->oid, &y->oid);
	return c ? c : (x->pos < y->pos ? -1 : x->pos > y->pos);
}

/* Position on the chain of the commit whose id starts with the first len
 * hex digits of oid (GIT_OID_HEXSZ: the whole id); the oldest when several
 * match; -1 when none. */
static int chain_find(const struct chain *ch, const git_oid *oid, size_t len)
{
	size_t lo = 0, hi = ch->n;
	while (lo < hi) { /* the first id >= oid: a prefix is padded with zeros */
		size_t mid = lo + (hi - lo) / 2;
		if (git_oid_cmp(&ch->ids[mid].oid, oid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	int best = -1;
	for (size_t i = lo; i < ch->n && git_oid_ncmp(&ch->ids[i].oid, oid, len) == 0; i++)
		if (best < 0 || ch->ids[i].pos < (size_t)best)
			best = (int)ch->ids[i].pos;
	return best;
}

static int fail(char *err, size_t errlen, const char *what)
{
	const git_error *e = git_error_last();
	snprintf(err, errlen, "%s: %s", what, e ? e->message : "failed");
	return -1;
}

static int resolve_branch(git_repository *repo, const char *name, git_oid *out)
{
	static const char *const forms[] = {"refs/heads/%s", "refs/remotes/origin/%s", "refs/remotes/%s"};
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		char ref[1024];
		snprintf(ref, sizeof ref, forms[i], name);
		if (git_reference_name_to_id(out, repo, ref) == 0)
			return 0;
	}
	return -1;
}

/* Any remote's branch of that name, for clones whose remote is not origin. */
static int resolve_any_remote(git_repository *repo, const char *name, git_oid *out)
{
	if (resolve_branch(repo, name, out) == 0)
		return 0;
	git_reference_iterator *it;
	if (git_reference_iterator_glob_new(&it, repo, "refs/remotes/*") != 0)
		return -1;
	git_reference *ref;
	int rc = -1;
	size_t nlen = strlen(name);
	while (rc != 0 && git_reference_next(&ref, it) == 0) {
		const char *full = git_reference_name(ref);
		size_t flen = strlen(full);
		if (flen > nlen + 1 && strcmp(full + flen - nlen, name) == 0 && full[flen - nlen - 1] == '/' &&
		    git_reference_name_to_id(out, repo, full) == 0)
			rc = 0;
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	return rc;
}

static void chain_free(struct chain *ch)
{
	for (size_t i = 0; i < ch->n; i++)
		free(ch->c[i].subject);
	free(ch->c);
	free(ch->ids);
}

/* Walks the first-parent chain from tip back to `since`, oldest first.
 * Parent by parent: a revwalk sorted topologically reads the whole history
 * before it gives the first commit (a second on 100 000 commits). */
static int walk_chain(git_repository *repo, const git_oid *tip, int64_t since, struct chain *ch)
{
	git_oid oid = *tip;
	for (;;) {
		git_commit *commit;
		if (git_commit_lookup(&commit, repo, &oid) != 0)
			break; /* a shallow clone ends here */
		int64_t t = (int64_t)git_commit_time(commit);
		struct chain_commit cc = {.oid = oid, .time = t};
		unsigned nparents = git_commit_parentcount(commit);
		if (nparents > 1)
			git_oid_cpy(&cc.parent2, git_commit_parent_id(commit, 1));
		if (nparents > 0)
			git_oid_cpy(&oid, git_commit_parent_id(commit, 0));
		const char *summary = git_commit_summary(commit);
		cc.subject = xstrdup(summary ? summary : "");
		git_commit_free(commit);
		VEC_PUSH(ch->c, ch->n, ch->cap, cc);
		if (t < since || nparents == 0)
			break;
	}
	/* newest first from the walk: reverse to oldest first */
	for (size_t i = 0; i < ch->n / 2; i++) {
		struct chain_commit tmp = ch->c[i];
		ch->c[i] = ch->c[ch->n - 1 - i];
		ch->c[ch->n - 1 - i] = tmp;
	}
	ch->ids = xmalloc((ch->n ? ch->n : 1) * sizeof *ch->ids);
	for (size_t i = 0; i < ch->n; i++)
		ch->ids[i] = (struct chain_id){ch->c[i].oid, i};
	qsort(ch->ids, ch->n, sizeof *ch->ids, cmp_chain_id);
	return 0;
}

/* Does subject name branch as a merge source? */
static bool merge_subject_names(const char *subject, const char *branch)
{
	char a[1100], b[1100], c[1100];
	snprintf(a, sizeof a, "Merge branch '%s'", branch);
	snprintf(b, sizeof b, "Merge remote-tracking branch 'origin/%s'", branch);
	snprintf(c, sizeof c, "/%s", branch);
	if (str_starts(subject, a) || str_starts(subject, b))
		return true;
	/* "Merge pull request #12 from owner/feature/x" */
	if (str_starts(subject, "Merge pull request #")) {
		const char *from = strstr(subject, " from ");
		const char *hit = from ? strstr(from, c) : NULL;
		return hit && hit[strlen(c)] == '\0';
	}
	return false;
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* The key as a word: "FEAT-12" matches "FEAT-12: x" but not "FEAT-123" or
 * "FEAT-12-3". A hyphen before words is a separator, as in the usual branch
 * names "FEAT-12-login" and "hotfix-FEAT-12" (a key starting with a letter
 * cannot be the tail of another key across a hyphen). */
static bool mentions_key(const char *text, const char *key)
{
	size_t n = strlen(key);
	if (n == 0)
		return false;
	bool letter_first = is_alnum(key[0]) && !(key[0] >= '0' && key[0] <= '9');
	for (const char *p = strstr(text, key); p; p = strstr(p + 1, key)) {
		bool left = p == text || (!is_alnum(p[-1]) && (p[-1] != '-' || letter_first));
		char r = p[n];
		bool right = !is_alnum(r) && (r != '-' || !(p[n + 1] >= '0' && p[n + 1] <= '9'));
		if (left && right)
			return true;
	}
	return false;
}

static void set_hex(char out[41], const git_oid *oid)
{
	git_oid_tostr(out, 41, oid);
}

/* Oldest commit of `from` not reachable from `hide` (hide may be NULL). */
static bool oldest_unique(git_repository *repo, const git_oid *from, const git_oid *hide,
			  int64_t *time, char sha[41])
{
	git_revwalk *walk;
	if (git_revwalk_new(&walk, repo) != 0)
		return false;
	git_revwalk_sorting(walk, GIT_SORT_NONE);
	git_revwalk_push(walk, from);
	if (hide)
		git_revwalk_hide(walk, hide);
	git_oid oid;
	bool any = false;
	while (git_revwalk_next(&oid, walk) == 0) {
		git_commit *commit;
		if (git_commit_lookup(&commit, repo, &oid) != 0)
			continue;
		int64_t t = (int64_t)git_commit_author(commit)->when.time;
		if (!any || t < *time) {
			*time = t;
			set_hex(sha, &oid);
		}
		any = true;
		git_commit_free(commit);
	}
	git_revwalk_free(walk);
	return any;
}

static bool chain_contains(git_repository *repo, const struct chain *ch, size_t i, const git_oid *tip)
{
	return git_oid_equal(&ch->c[i].oid, tip) || git_graph_descendant_of(repo, &ch->c[i].oid, tip) == 1;
}

/* The first chain commit (oldest) that contains tip: tip itself (fast
 * forward) or a merge whose second parent reaches it. Each chain commit's
 * first parent is the one before it, so "contains tip" turns true once and
 * stays true: a search asks a few questions, not one per merge (asking each
 * merge took 35 s a feature on 100 000 commits). Each question walks the
 * history between the two commits, so the search starts where the chain
 * reaches the tip's time (a day of slack for skewed clocks) and gallops
 * forward: merges soon after the tip are cheap to ask about. */
static int find_merge_of(git_repository *repo, const struct chain *ch, const git_oid *tip, const char **how)
{
	if (ch->n == 0)
		return -1;
	int64_t tip_time = INT64_MIN;
	git_commit *tc;
	if (git_commit_lookup(&tc, repo, tip) == 0) {
		tip_time = (int64_t)git_commit_time(tc);
		git_commit_free(tc);
	}
	size_t start = 0;
	while (start + 1 < ch->n && ch->c[start].time < tip_time - 86400)
		start++;
	size_t lo = 0, hi = start; /* the answer is in [lo, hi] */
	if (!chain_contains(repo, ch, start, tip)) {
		size_t step = 1, prev = start;
		for (;;) {
			size_t k = prev + step >= ch->n ? ch->n - 1 : prev + step;
			if (chain_contains(repo, ch, k, tip)) {
				lo = prev + 1;
				hi = k;
				break;
			}
			if (k == ch->n - 1)
				return -1;
			prev = k;
			step *= 2;
		}
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (chain_contains(repo, ch, mid, tip))
			hi = mid;
		else
			lo = mid + 1;
	}
	const struct chain_commit *c = &ch->c[lo];
	if (git_oid_equal(&c->oid, tip)) {
		*how = "fast-forward";
		return (int)lo;
	}
	if (!git_oid_is_zero(&c->parent2)) {
		*how = "merge";
		return (int)lo;
	}
	return -1; /* merged before the walked part of the chain */
}

/* The latest merge naming the branch: a branch merged twice and then
 * deleted had all of its work in the default branch from its last merge,
 * as find_merge_of finds for a branch that still exists. */
static int find_merge_by_subject(const struct chain *ch, const char *branch)
{
	for (size_t i = ch->n; i-- > 0;)
		if (!git_oid_is_zero(&ch->c[i].parent2) && merge_subject_names(ch->c[i].subject, branch))
			return (int)i;
	return -1;
}

static int find_key_on_chain(const struct chain *ch, const char *key)
{
	for (size_t i = 0; i < ch->n; i++)
		if (mentions_key(ch->c[i].subject, key))
			return (int)i;
	return -1;
}

/* Where the branch's own commits start: the mainline before its first
 * merge. A branch merged twice has its first part in the mainline by the
 * second merge, so hiding the second merge's first parent would hide the
 * work that began it. An earlier merge of the same branch is known by its
 * message and by merging an ancestor of what the last one merged; one that
 * the branch itself contains was before the branch was cut again (a name
 * reused, or the branch restarted from the mainline), not part of it. */
static git_oid mainline_before(git_repository *repo, const struct chain *ch, int pos, const char *branch,
			       const git_oid *merged, const git_oid *parent1)
{
	/* The branch contains the chain up to where it was last cut from it,
	 * and no further (first parents: containing chain[j] means containing
	 * every earlier one). Merges up to there cannot be of this work: find
	 * that point galloping back from pos, in a few cheap questions, instead
	 * of asking about every merge of the name since the chain's start. */
	int first = 0;
	if (branch && pos > 0) {
		int step = 1, prev = pos; /* prev: known not contained (or pos) */
		for (;;) {
			int k = prev - step < 0 ? 0 : prev - step;
			if (git_oid_equal(merged, &ch->c[k].oid) ||
			    git_graph_descendant_of(repo, merged, &ch->c[k].oid) == 1) {
				int lo = k, hi = prev - 1; /* lo contained; find the last contained */
				while (lo < hi) {
					int mid = lo + (hi - lo + 1) / 2;
					if (git_graph_descendant_of(repo, merged, &ch->c[mid].oid) == 1)
						lo = mid;
					else
						hi = mid - 1;
				}
				first = lo + 1;
				break;
			}
			if (k == 0)
				break;
			prev = k;
			step *= 2;
		}
	}
	for (int j = first; branch && j < pos; j++) {
		const struct chain_commit *e = &ch->c[j];
		if (git_oid_is_zero(&e->parent2) || !merge_subject_names(e->subject, branch))
			continue;
		if (!git_oid_equal(&e->parent2, merged) && git_graph_descendant_of(repo, merged, &e->parent2) != 1)
			continue;
		if (git_graph_descendant_of(repo, merged, &e->oid) == 1)
			continue;
		git_commit *commit;
		git_oid before = *parent1;
		if (git_commit_lookup(&commit, repo, &e->oid) == 0) {
			git_oid_cpy(&before, git_commit_parent_id(commit, 0));
			git_commit_free(commit);
		}
		return before;
	}
	return *parent1;
}

/* tip: the branch's tip when it still exists (or NULL); branch: its name. */
static void record_merge(git_repository *repo, const struct chain *ch, int pos, const char *how,
			 const git_oid *tip, const char *branch, struct feature_git *fg)
{
	const struct chain_commit *c = &ch->c[pos];
	fg->merged = true;
	fg->merge_how = how;
	fg->merge_time = c->time;
	fg->chain_pos = pos;
	set_hex(fg->merge_commit, &c->oid);
	fg->has_commits = true;
	/* the branch's own commits: the merge's second parent minus the mainline */
	git_commit *commit;
	bool found = false;
	if (git_commit_lookup(&commit, repo, &c->oid) == 0) {
		if (!git_oid_is_zero(&c->parent2)) {
			git_oid before = mainline_before(repo, ch, pos, branch, &c->parent2,
							 git_commit_parent_id(commit, 0));
			found = oldest_unique(repo, &c->parent2, &before, &fg->first_commit_time, fg->first_commit);
		} else if (tip && git_commit_parentcount(commit) > 0) {
			/* a squash merge: the branch, when it is still there, holds the work */
			found = oldest_unique(repo, tip, git_commit_parent_id(commit, 0), &fg->first_commit_time,
					      fg->first_commit);
		}
		git_commit_free(commit);
	}
	if (!found) {
		int64_t t = 0;
		git_commit *self;
		if (git_commit_lookup(&self, repo, &c->oid) == 0) {
			t = (int64_t)git_commit_author(self)->when.time;
			git_commit_free(self);
		}
		fg->first_commit_time = t;
		set_hex(fg->first_commit, &c->oid);
	}
}

/* The branch to use: the feature's own, else one whose name holds the key. */
static bool branch_tip(git_repository *repo, const struct feature_link *l, git_oid *tip)
{
	if (l->branch && resolve_any_remote(repo, l->branch, tip) == 0)
		return true;
	if (!l->key)
		return false;
	git_branch_iterator *it;
	if (git_branch_iterator_new(&it, repo, GIT_BRANCH_ALL) != 0)
		return false;
	git_reference *ref;
	git_branch_t type;
	bool found = false;
	while (!found && git_branch_next(&ref, &type, it) == 0) {
		const char *name;
		if (git_branch_name(&name, ref) == 0 && mentions_key(name, l->key) &&
		    git_reference_name_to_id(tip, repo, git_reference_name(ref)) == 0)
			found = true;
		git_reference_free(ref);
	}
	git_branch_iterator_free(it);
	return found;
}

static void link_one(git_repository *repo, const struct chain *ch, const git_oid *main_tip,
		     const struct feature_link *l, struct feature_git *fg)
{
	git_oid tip;
	bool have_tip = branch_tip(repo, l, &tip);
	fg->branch_found = have_tip && l->branch;
	int pos = -1;
	const char *how = NULL;
	if (have_tip && (git_oid_equal(&tip, main_tip) || git_graph_descendant_of(repo, main_tip, &tip) == 1))
		pos = find_merge_of(repo, ch, &tip, &how);
	if (pos < 0 && l->branch && (pos = find_merge_by_subject(ch, l->branch)) >= 0)
		how = "merge message";
	if (pos < 0 && l->key && (pos = find_key_on_chain(ch, l->key)) >= 0)
		how = "key in subject";
	if (pos >= 0) {
		record_merge(repo, ch, pos, how, have_tip ? &tip : NULL, l->branch, fg);
		return;
	}
	if (have_tip) {
		fg->has_commits = oldest_unique(repo, &tip, main_tip, &fg->first_commit_time, fg->first_commit);
		/* not on the default branch, but maybe tagged on a maintenance branch */
		set_hex(fg->merge_commit, &tip);
	}
}

static void answer_chain_query(const struct chain *ch, struct chain_query *q)
{
	for (size_t i = 0; i < q->n; i++) {
		q->pos[i] = -1;
		git_oid oid;
		/* `build add` takes 7 to 40 hex digits: a prefix names the commit
		 * as it does for the gate */
		size_t len = q->commits[i] ? strlen(q->commits[i]) : 0;
		if (len < 7 || len > GIT_OID_HEXSZ || git_oid_fromstrn(&oid, q->commits[i], len) != 0)
			continue;
		q->pos[i] = chain_find(ch, &oid, len);
	}
}

static void flag_shared_keys(const struct feature_link *links, size_t n, struct feature_git *out)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (i != j && out[i].merged && out[j].merged && links[i].key && links[j].key &&
			    strcmp(out[i].merge_commit, out[j].merge_commit) == 0)
				out[i].key_shared = true;
}

int gitfeature_evidence(const char *repo_path, const char *default_branch,
			const struct feature_link *links, size_t n, struct feature_git *out,
			struct chain_query *chain_q, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (struct feature_git){.chain_pos = -1, .deploy = -1};
	if (chain_q)
		for (size_t i = 0; i < chain_q->n; i++)
			chain_q->pos[i] = -1;
	if (n == 0 || !default_branch)
		return 0;
	gitrefs_libgit2_init();
	git_repository *repo = NULL;
	struct chain ch = {0};
	int rc = 0;
	git_oid main_tip;
	if (git_repository_open(&repo, repo_path) != 0) {
		rc = fail(err, errlen, repo_path);
		goto out;
	}
	if (resolve_branch(repo, default_branch, &main_tip) != 0)
		goto out; /* an empty repository: nothing is merged anywhere */
	int64_t since = INT64_MAX;
	for (size_t i = 0; i < n; i++)
		if (links[i].created < since)
			since = links[i].created;
	walk_chain(repo, &main_tip, since - LOOKBACK_SECONDS, &ch);
	for (size_t i = 0; i < n; i++) {
		link_one(repo, &ch, &main_tip, &links[i], &out[i]);
		/* what a deployment would have to contain: the merge, or the branch
		 * tip (a tag on a maintenance branch) */
		if (out[i].merged || out[i].has_commits)
			memcpy(out[i].ship_commit, out[i].merge_commit, sizeof out[i].ship_commit);
		if (!out[i].merged)
			out[i].merge_commit[0] = '\0';
	}
	flag_shared_keys(links, n, out);
	if (chain_q)
		answer_chain_query(&ch, chain_q);
out:
	chain_free(&ch);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
