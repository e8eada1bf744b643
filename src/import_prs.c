/* import_prs — the pull request exports `pr import` reads: `gh pr list
 * --state merged --json number,title,author,headRefName,baseRefName,
 * createdAt,mergedAt,mergeCommit,commits,reviews` and GitLab's
 * /projects/:id/merge_requests?state=merged pages (with "approved_by"
 * where present). What each field gives and the stages
 * they make are docs/metrics.md §2b (the traps: tests/fixtures/prs/README). */
#include "import_prs.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store_prs.h"
#include "timeutil.h"

static const cJSON *get(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	return v && !cJSON_IsNull(v) ? v : NULL;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The records of a page: an array of them, or one record. */
static const cJSON *first_record(const cJSON *page, bool *array)
{
	*array = cJSON_IsArray(page);
	return *array ? page->child : page;
}

/* ---- detection: one function per row of src/importers.def ------------------ */

bool pr_gh_detect(const cJSON *page)
{
	bool array;
	const cJSON *o = first_record(page, &array);
	return get(o, "number") && (imp_has(o, "headRefName") || imp_has(o, "baseRefName") ||
				    imp_has(o, "mergedAt") || imp_has(o, "mergeCommit"));
}

bool pr_gitlab_detect(const cJSON *page)
{
	bool array;
	const cJSON *o = first_record(page, &array);
	return get(o, "iid") && (imp_has(o, "source_branch") || imp_has(o, "target_branch") ||
				 imp_has(o, "merge_commit_sha"));
}

/* ---- messages ------------------------------------------------------------------ */

static char *where_of(const struct pr_batch *b, const struct import_rec *r)
{
	return xasprintf("%s%s%s%s[%zu]", b->file_label ? b->file_label : "", b->file_label ? ": " : "",
			 b->page_label, r->array, r->index);
}

/* Leaves a record out by a rule (not an error): "where: why". */
static void skip(struct pr_batch *b, const struct import_rec *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void skip(struct pr_batch *b, const struct import_rec *r, const char *fmt, ...)
{
	char why[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	char *where = where_of(b, r);
	sb_addf(&b->skipped, "%s: %s\n", where, why);
	b->nskipped++;
	free(where);
}

/* A bad record: with skip_bad listed and 0, else -1 with its message in err. */
static int bad(struct pr_batch *b, const struct import_rec *r, char *err, size_t errlen)
{
	if (!b->skip_bad) {
		snprintf(err, errlen, "%s", r->msg);
		return -1;
	}
	sb_addf(&b->bad, "%s%s%s%s\n", b->file_label ? b->file_label : "", b->file_label ? ": " : "",
		b->page_label, r->msg);
	b->nbad++;
	return 0;
}

/* ---- fields -------------------------------------------------------------------- */

/* A commit id of the export, in lower case; NULL (and the record bad) when
 * it is not 40 hex digits. */
static int commit_id(struct import_rec *r, const cJSON *o, const char *key, const char *path, char **out)
{
	*out = NULL;
	const cJSON *v = get(o, key);
	if (!v)
		return 0;
	const char *s = cJSON_IsString(v) ? v->valuestring : "";
	bool ok = strlen(s) == 40;
	for (size_t i = 0; ok && i < 40; i++)
		ok = isxdigit((unsigned char)s[i]) != 0;
	if (!ok)
		return imp_fail(r, path, "not a commit id (40 hex digits)");
	*out = xstrdup(s);
	for (char *p = *out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

/* A time inside a nested array ("reviews[1].submittedAt"), its message
 * naming the whole path. */
static int nested_time(struct import_rec *r, const char *list, size_t k, const cJSON *o, const char *key,
		       int64_t *out)
{
	char array[200];
	snprintf(array, sizeof array, "%s[%zu].%s", r->array, r->index, list);
	struct import_rec inner = {.array = array, .index = k};
	if (imp_time(&inner, o, key, out) == 0)
		return 0;
	snprintf(r->msg, sizeof r->msg, "%s", inner.msg);
	return -1;
}

static void pr_init(struct pr_rec *p, const char *source)
{
	memset(p, 0, sizeof *p);
	p->source = xstrdup(source);
	p->opened = p->merged = p->first_review = p->first_authored = SD_NO_TIME;
}

/* A review (or approval) by login at t: the first by someone other than
 * the author, at or before the merge, is the pickup (docs/metrics.md §2b).
 * A review after the merge held nothing up; the author's own comments are
 * not a review. Logins compare ignoring case, as both tools do. */
static void consider_review(struct pr_rec *p, const char *login, int64_t t)
{
	if (p->author && login && strcasecmp(p->author, login) == 0)
		return;
	if (t == SD_NO_TIME) {
		p->reviewed_untimed = true;
		return;
	}
	if (t > p->merged)
		return;
	if (p->first_review == SD_NO_TIME || t < p->first_review) {
		p->first_review = t;
		free(p->first_reviewer);
		p->first_reviewer = xstrdup_or_null(login);
	}
}

/* The times every export has: opened, merged (none: not merged, skipped),
 * merged no earlier than opened. 1 when the record is skipped. */
static int times(struct pr_batch *b, struct import_rec *r, const cJSON *o, struct pr_rec *p, const char *opened,
		 const char *merged, int *skipped)
{
	int rc = imp_time(r, o, opened, &p->opened);
	if (rc == 0 && p->opened == SD_NO_TIME)
		rc = imp_fail(r, opened, "missing");
	if (rc == 0)
		rc = imp_time(r, o, merged, &p->merged);
	if (rc == 0 && p->merged == SD_NO_TIME) {
		skip(b, r, "not merged (no %s)", merged);
		*skipped = 1;
	}
	if (rc == 0 && !*skipped && p->merged < p->opened)
		rc = imp_fail(r, merged, "before %s", opened);
	return rc;
}

/* The number: a whole number above 0. */
static int number(struct import_rec *r, const cJSON *o, const char *key, int64_t *out)
{
	bool present;
	int rc = imp_int(r, o, key, out, &present);
	if (rc == 0 && !present)
		rc = imp_fail(r, key, "missing");
	if (rc == 0 && (*out <= 0 || *out > INT32_MAX))
		rc = imp_fail(r, key, "not a pull request number");
	return rc;
}

/* ---- GitHub: gh pr list --json ... --------------------------------------------- */

/* The path of a web address up to marker: "o/r" of
 * https://github.com/o/r/pull/5 before "/pull/", "group/sub/project" of
 * https://gitlab.com/group/sub/project/-/merge_requests/5 before "/-/";
 * NULL when it says none. */
static char *url_path_before(const char *url, const char *marker)
{
	const char *p = url ? strstr(url, "://") : NULL;
	p = p ? strchr(p + 3, '/') : NULL;
	const char *end = p ? strstr(p, marker) : NULL;
	return end && end > p + 1 ? xstrndup(p + 1, (size_t)(end - p - 1)) : NULL;
}

static int gh_commits(struct import_rec *r, const cJSON *o, struct pr_rec *p)
{
	const cJSON *list = get(o, "commits");
	if (list && !cJSON_IsArray(list))
		return imp_fail(r, "commits", "not an array");
	p->has_commits = list != NULL;
	size_t k = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, list) {
		char path[48], *hex;
		snprintf(path, sizeof path, "commits[%zu].oid", k++);
		if (!cJSON_IsObject(c))
			return imp_fail(r, path, "not an object");
		if (commit_id(r, c, "oid", path, &hex) != 0)
			return -1;
		if (hex)
			pr_rec_add_commit(p, hex);
		free(hex);
		int64_t t;
		if (nested_time(r, "commits", k - 1, c, "authoredDate", &t) != 0)
			return -1;
		if (t != SD_NO_TIME && (p->first_authored == SD_NO_TIME || t < p->first_authored))
			p->first_authored = t;
	}
	return 0;
}

/* Each review of the list `key` (absent: none known, has_reviews false),
 * an object whose time is `time_key`, handed to take with that time. */
static int review_list(struct import_rec *r, const cJSON *o, struct pr_rec *p, const char *key,
		       const char *time_key, void (*take)(struct pr_rec *p, const cJSON *v, int64_t t))
{
	const cJSON *list = get(o, key);
	if (list && !cJSON_IsArray(list))
		return imp_fail(r, key, "not an array");
	p->has_reviews = list != NULL;
	size_t k = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, list) {
		int64_t t;
		if (!cJSON_IsObject(v)) {
			char path[40];
			snprintf(path, sizeof path, "%s[%zu]", key, k);
			return imp_fail(r, path, "not an object");
		}
		if (nested_time(r, key, k++, v, time_key, &t) != 0)
			return -1;
		take(p, v, t);
	}
	return 0;
}

/* gh's reviews: a pending review is a draft nobody else has seen, and
 * one without submittedAt was never submitted. */
static void gh_review(struct pr_rec *p, const cJSON *v, int64_t t)
{
	const char *state = str(v, "state");
	if (t != SD_NO_TIME && !(state && streq(state, "PENDING")))
		consider_review(p, str(get(v, "author"), "login"), t);
}

static int gh_fields(struct pr_batch *b, struct import_rec *r, const cJSON *o, struct pr_rec *p, int *skipped)
{
	int rc = number(r, o, "number", &p->number);
	if (rc == 0)
		rc = imp_text(r, o, "title", &p->title);
	if (rc == 0 && !p->title)
		rc = imp_fail(r, "title", "missing");
	if (rc == 0)
		rc = times(b, r, o, p, "createdAt", "mergedAt", skipped);
	if (rc != 0 || *skipped)
		return rc;
	p->author = xstrdup_or_null(str(get(o, "author"), "login"));
	rc = imp_text(r, o, "headRefName", &p->head_ref);
	if (rc == 0)
		rc = imp_text(r, o, "baseRefName", &p->base_ref);
	const cJSON *mc = get(o, "mergeCommit");
	if (rc == 0 && mc && !cJSON_IsObject(mc))
		rc = imp_fail(r, "mergeCommit", "not an object");
	if (rc == 0)
		rc = commit_id(r, mc, "oid", "mergeCommit.oid", &p->merge_commit);
	if (rc == 0)
		rc = gh_commits(r, o, p);
	if (rc == 0)
		rc = review_list(r, o, p, "reviews", "submittedAt", gh_review);
	if (rc == 0) {
		char *origin = url_path_before(str(o, "url"), "/pull/");
		p->origin = origin ? origin : xstrdup_or_null(b->origin);
	}
	return rc;
}

/* ---- GitLab: merge requests ------------------------------------------------------ */

/* "approved_by": [{"user": {"username"}, "approved_at"}] — GitLab's
 * approvals, where the export carries them (approved_at since 17.x); an
 * approval without its time is a review of unknown time. */
static void gl_approval(struct pr_rec *p, const cJSON *v, int64_t t)
{
	consider_review(p, str(get(v, "user"), "username"), t);
}

static int gl_commits(struct import_rec *r, const cJSON *o, struct pr_rec *p)
{
	char *merge = NULL, *squash = NULL, *head = NULL;
	int rc = commit_id(r, o, "merge_commit_sha", "merge_commit_sha", &merge);
	if (rc == 0)
		rc = commit_id(r, o, "squash_commit_sha", "squash_commit_sha", &squash);
	if (rc == 0)
		rc = commit_id(r, o, "sha", "sha", &head);
	/* the merge commit when there is one, else the squash commit (a
	 * fast-forward squash); each of them and the head is one of its commits */
	if (rc == 0) {
		p->has_commits = true;
		p->merge_commit = merge ? xstrdup(merge) : xstrdup_or_null(squash);
		if (squash)
			pr_rec_add_commit(p, squash);
		if (head)
			pr_rec_add_commit(p, head);
	}
	free(merge);
	free(squash);
	free(head);
	return rc;
}

static int gl_fields(struct pr_batch *b, struct import_rec *r, const cJSON *o, struct pr_rec *p, int *skipped)
{
	int rc = number(r, o, "iid", &p->number);
	if (rc == 0)
		rc = imp_text(r, o, "title", &p->title);
	if (rc == 0 && !p->title)
		rc = imp_fail(r, "title", "missing");
	const char *state = str(o, "state");
	if (rc == 0 && state && !streq(state, "merged")) {
		skip(b, r, "not merged (state %.20s)", state);
		*skipped = 1;
		return 0;
	}
	if (rc == 0)
		rc = times(b, r, o, p, "created_at", "merged_at", skipped);
	if (rc != 0 || *skipped)
		return rc;
	p->author = xstrdup_or_null(str(get(o, "author"), "username"));
	rc = imp_text(r, o, "source_branch", &p->head_ref);
	if (rc == 0)
		rc = imp_text(r, o, "target_branch", &p->base_ref);
	if (rc == 0)
		rc = gl_commits(r, o, p);
	if (rc == 0)
		rc = review_list(r, o, p, "approved_by", "approved_at", gl_approval);
	if (rc == 0) {
		char *origin = url_path_before(str(o, "web_url"), "/-/");
		p->origin = origin ? origin : xstrdup_or_null(b->origin);
	}
	return rc;
}

/* ---- the page loop ---------------------------------------------------------------- */

/* A pull request the file holds twice (pages that overlap while new ones
 * are merged): the first one stays. */
static bool seen(struct pr_batch *b, const struct import_rec *r, const struct pr_rec *p)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct pr_rec *q = &b->items[i].rec;
		if (streq(q->source, p->source) && q->number == p->number &&
		    streq(q->origin ? q->origin : "", p->origin ? p->origin : "")) {
			skip(b, r, "the same pull request as %s (pages that overlap)", b->items[i].where);
			return true;
		}
	}
	return false;
}

typedef int (*fields_fn)(struct pr_batch *b, struct import_rec *r, const cJSON *o, struct pr_rec *p,
			 int *skipped);

static int read_page(const cJSON *page, bool skip_bad, struct pr_batch *b, const char *source, fields_fn fields,
		     char *err, size_t errlen)
{
	b->skip_bad = skip_bad;
	bool array;
	const cJSON *o = first_record(page, &array);
	struct import_rec r = {.array = ""};
	for (; o; o = array ? o->next : NULL, r.index++) {
		struct pr_item it = {0};
		int skipped = 0;
		pr_init(&it.rec, source);
		int rc = cJSON_IsObject(o) ? fields(b, &r, o, &it.rec, &skipped) : imp_fail(&r, NULL, "not an object");
		if (rc == 0 && !skipped && !seen(b, &r, &it.rec)) {
			it.where = where_of(b, &r);
			VEC_PUSH(b->items, b->n, b->cap, it);
			continue;
		}
		pr_rec_free(&it.rec);
		if (rc != 0 && bad(b, &r, err, errlen) != 0)
			return -1;
	}
	return 0;
}

int pr_read_gh(const cJSON *page, bool skip_bad, void *batch, char *err, size_t errlen)
{
	return read_page(page, skip_bad, batch, "github", gh_fields, err, errlen);
}

int pr_read_gitlab(const cJSON *page, bool skip_bad, void *batch, char *err, size_t errlen)
{
	return read_page(page, skip_bad, batch, "gitlab", gl_fields, err, errlen);
}

/* ---- the batch ---------------------------------------------------------------------- */

void pr_mark(const struct pr_batch *b, struct pr_mark *m)
{
	*m = (struct pr_mark){b->n, b->bad.len, b->nbad, b->skipped.len, b->nskipped, b->formats};
}

void pr_rewind(struct pr_batch *b, const struct pr_mark *m)
{
	for (size_t i = m->n; i < b->n; i++) {
		pr_rec_free(&b->items[i].rec);
		free(b->items[i].where);
	}
	b->n = m->n;
	sb_truncate(&b->bad, m->bad);
	b->nbad = m->nbad;
	sb_truncate(&b->skipped, m->skipped);
	b->nskipped = m->nskipped;
	b->formats = m->formats;
}

void pr_batch_free(struct pr_batch *b)
{
	struct pr_mark zero = {0};
	pr_rewind(b, &zero);
	free(b->items);
	b->items = NULL;
	b->cap = 0;
	sb_free(&b->bad);
	sb_free(&b->skipped);
}

/* An export made without commits or reviews (gh pr list --json without
 * them) keeps what the database holds of them: a re-import with fewer
 * fields loses nothing. */
static void keep_stored(struct pr_rec *p, const struct pr_rec *old)
{
	if (!p->has_commits) {
		for (size_t i = 0; i < old->ncommits; i++)
			pr_rec_add_commit(p, old->commits[i]);
		p->first_authored = old->first_authored;
	}
	if (!p->has_reviews) {
		p->first_review = old->first_review;
		p->reviewed_untimed = old->reviewed_untimed;
		free(p->first_reviewer);
		p->first_reviewer = xstrdup_or_null(old->first_reviewer);
	}
}

int pr_store(struct store *st, const struct pr_batch *b, int64_t now, struct pr_counts *c)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < b->n; i++) {
		struct pr_rec *p = &b->items[i].rec, old;
		int found = store_pr_find(st, p->source, p->origin, p->number, &old);
		if (found < 0)
			return -1;
		int rc = 0;
		if (!found) {
			rc = store_pr_insert(st, p, now);
			c->added++;
		} else if (keep_stored(p, &old), pr_rec_same(p, &old)) {
			c->unchanged++;
		} else {
			p->id = old.id;
			rc = store_pr_update(st, p, now);
			c->updated++;
		}
		if (found)
			pr_rec_free(&old);
		if (rc != 0)
			return -1;
	}
	return 0;
}
