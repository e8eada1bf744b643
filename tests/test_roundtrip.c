/* test_roundtrip — pins "every accepted value survives export -> import
 * byte for byte" (issue 13) over random valid records, seeded and so
 * reproducible (SD_SEED overrides the seed; a failure prints it): CI runs
 * in three formats (GitHub runs pages, gh arrays, Jenkins jobs) with ids
 * from 1 to past 64 bits written as numbers or strings, instants anywhere
 * in 1970-9999 (the edges included) written as ISO 8601 in UTC, with an
 * offset or as @seconds, and strings of every kind of character (escaped
 * controls, C1, bidi controls, CJK, emoji, quotes, backslashes); features,
 * deployments and incidents with random titles and times (or none). They are imported into a
 * real SQLite file, exported, imported into a new file and exported again:
 * the two exports must be identical, and every generated value must read
 * back from the second file exactly as generated. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildstats.h"
#include "datafiles.h"
#include "deploylog.h"
#include "dump.h"
#include "helpers.h"
#include "import.h"
#include "store.h"
#include "store_builds.h"
#include "store_deploys.h"
#include "timeutil.h"
#include "util.h"

#define NRUNS 120       /* per format */
#define NFEATURES 40
#define NDEPLOYS 40
#define NINCIDENTS 40

static char *dir;
static uint64_t rng, seed;

static void setup(void)
{
	dir = th_tmpdir();
	const char *s = getenv("SD_SEED");
	seed = s ? strtoull(s, NULL, 10) : 20261202;
	rng = seed;
}

static void teardown(void)
{
	th_rmtree(dir);
	free(dir);
}

TestSuite(roundtrip, .init = setup, .fini = teardown, .timeout = 120);

/* splitmix64: small, good enough, the same on every machine. */
static uint64_t next(void)
{
	uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return next() % n;
}

/* ---- values and how they are written ------------------------------------------- */

/* An instant in 1970-9999; one in ten is an edge. */
static int64_t random_time(void)
{
	switch (below(20)) {
	case 0: return SD_TIME_MIN;
	case 1: return SD_TIME_MAX;
	default: return (int64_t)below((uint64_t)SD_TIME_MAX + 1);
	}
}

/* An instant as ISO 8601 in UTC, with an offset (when the local time
 * stays in 1970-9999) or as @seconds. */
static void write_time(struct strbuf *sb, int64_t t)
{
	int off = ((int)below(27) - 13) * 3600 + (int)below(2) * 1800;
	int y, mo, d, h, mi, s;
	switch (below(3)) {
	case 0:
		sb_addf(sb, "\"@%lld\"", (long long)t);
		return;
	case 1:
		if (time_in_range(t + off)) {
			time_utc_parts(t + off, &y, &mo, &d, &h, &mi, &s);
			sb_addf(sb, "\"%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d\"", y, mo, d, h, mi, s,
				off < 0 ? '-' : '+', abs(off) / 3600, abs(off) % 3600 / 60);
			return;
		}
		/* fall through */
	default: {
		char buf[24];
		sb_addf(sb, "\"%s\"", time_format_iso(t, buf));
	}
	}
}

static const uint32_t pools[][2] = {
	{0x20, 0x7E},           /* ASCII, quote and backslash included */
	{0x01, 0x1F},           /* controls: always escaped */
	{0x7F, 0x9F},           /* DEL and C1 */
	{0x202A, 0x202E},       /* bidi controls */
	{0x00C0, 0x024F},       /* Latin accents */
	{0x4E00, 0x9FFF},       /* CJK, two columns */
	{0x1F600, 0x1F64F},     /* emoji, past the BMP: a surrogate pair */
	{0xFFFD, 0xFFFD},
};

static void add_utf8(struct strbuf *sb, uint32_t cp)
{
	if (cp < 0x80) {
		sb_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		sb_addc(sb, (char)(0xC0 | (cp >> 6)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		sb_addc(sb, (char)(0xE0 | (cp >> 12)));
		sb_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3F)));
	} else {
		sb_addc(sb, (char)(0xF0 | (cp >> 18)));
		sb_addc(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
		sb_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3F)));
	}
}

/* A random non-empty string: its UTF-8 in *value, its JSON literal appended
 * to json (each character raw or \u-escaped at random; controls, quote and
 * backslash always escaped). */
static void random_string(struct strbuf *json, char **value)
{
	struct strbuf v = STRBUF_INIT;
	size_t n = 1 + below(24);
	sb_addc(json, '"');
	for (size_t i = 0; i < n; i++) {
		const uint32_t *pool = pools[below(ARRAY_SIZE(pools))];
		uint32_t cp = pool[0] + (uint32_t)below(pool[1] - pool[0] + 1);
		add_utf8(&v, cp);
		if (cp == '"' || cp == '\\')
			sb_addf(json, "\\%c", (char)cp);
		else if ((cp < 0x20 || below(3) == 0) && cp < 0x10000)
			sb_addf(json, "\\u%04X", (unsigned)cp);
		else if (cp >= 0x10000 && below(3) == 0)
			sb_addf(json, "\\u%04x\\u%04x", 0xD800 + ((cp - 0x10000) >> 10),
				0xDC00 + ((cp - 0x10000) & 0x3FF));
		else
			add_utf8(json, cp);
	}
	sb_addc(json, '"');
	*value = sb_detach(&v);
}

/* A unique id of one of four sizes, as the text it must be stored as. */
static char *random_id(size_t i)
{
	switch (below(4)) {
	case 0: return xasprintf("%zu", i + 1);
	case 1: return xasprintf("%lld", 9007199254740000LL + (long long)i);     /* below 2^53 */
	case 2: return xasprintf("%lld", 9007199254740993LL + 2 * (long long)i); /* past 2^53 */
	default: return xasprintf("98765432109876543210%05zu", i);               /* past 2^64 */
	}
}

/* ---- the generated records --------------------------------------------------------- */

struct want {
	char *provider, *run_id, *workflow, *branch;
	int attempt;
	int64_t created, started, finished;
};

static struct want wants[3 * NRUNS];
static size_t nwants;

static void github_run(struct strbuf *json, size_t i, bool gh)
{
	struct want *w = &wants[nwants++];
	w->provider = "github";
	w->run_id = random_id(i);
	w->attempt = 1 + (int)below(3);
	static const char *const states[] = {"completed", "in_progress", "queued"};
	const char *status = states[below(3)];
	w->created = random_time();
	w->started = random_time();
	int64_t updated = random_time();
	w->finished = streq(status, "completed") ? updated : SD_NO_TIME;
	sb_addf(json, gh ? "{\"databaseId\": " : "{\"id\": ");
	if (below(2))
		sb_add(json, w->run_id);                /* a number */
	else
		sb_addf(json, "\"%s\"", w->run_id);     /* a string of digits */
	sb_addf(json, gh ? ", \"attempt\": %d, \"workflowName\": " : ", \"run_attempt\": %d, \"name\": ",
		w->attempt);
	random_string(json, &w->workflow);
	sb_add(json, gh ? ", \"headBranch\": " : ", \"head_branch\": ");
	random_string(json, &w->branch);
	sb_addf(json, ", \"status\": \"%s\", \"conclusion\": \"%s\"", status,
		streq(status, "completed") ? (below(2) ? "success" : "failure") : "");
	sb_add(json, gh ? ", \"createdAt\": " : ", \"created_at\": ");
	write_time(json, w->created);
	sb_add(json, gh ? ", \"startedAt\": " : ", \"run_started_at\": ");
	write_time(json, w->started);
	sb_add(json, gh ? ", \"updatedAt\": " : ", \"updated_at\": ");
	write_time(json, updated);
	sb_add(json, "}");
}

static void jenkins_build(struct strbuf *json, const char *job, size_t i)
{
	struct want *w = &wants[nwants++];
	w->provider = "jenkins";
	w->workflow = xstrdup(job);
	w->branch = NULL;
	w->attempt = 1;
	w->run_id = xasprintf("%s#%zu", job, i + 1);
	/* milliseconds of 1970-9999, and an end inside them too */
	uint64_t max_ms = (uint64_t)SD_TIME_MAX * 1000 + 999;
	uint64_t ts = below(max_ms + 1), dur = below(max_ms - ts + 1);
	bool building = below(4) == 0;
	w->created = SD_NO_TIME;
	w->started = (int64_t)(ts / 1000);
	w->finished = building ? SD_NO_TIME : (int64_t)((ts + dur) / 1000);
	sb_addf(json, "{\"number\": %zu, \"timestamp\": %llu, \"duration\": %llu, \"building\": %s,"
		" \"result\": %s}", i + 1, (unsigned long long)ts, (unsigned long long)dur,
		building ? "true" : "false", building ? "null" : "\"SUCCESS\"");
}

/* Three files: a runs page split in two pages, a gh array, a Jenkins job. */
static void import_runs(struct store *st)
{
	struct strbuf runs = STRBUF_INIT, gh = STRBUF_INIT, jenkins = STRBUF_INIT;
	sb_add(&runs, "{\"workflow_runs\": [");
	for (size_t i = 0; i < NRUNS; i++) {
		if (i == NRUNS / 2)
			sb_add(&runs, "]}{\"workflow_runs\": [");
		else if (i)
			sb_add(&runs, ", ");
		github_run(&runs, i, false);
	}
	sb_add(&runs, "]}");
	sb_add(&gh, "[");
	for (size_t i = 0; i < NRUNS; i++) {
		sb_add(&gh, i ? ", " : "");
		github_run(&gh, NRUNS + i, true);
	}
	sb_add(&gh, "]");
	char *job_value;
	struct strbuf job_json = STRBUF_INIT;
	random_string(&job_json, &job_value);
	sb_addf(&jenkins, "{\"fullName\": %s, \"builds\": [", sb_str(&job_json));
	for (size_t i = 0; i < NRUNS; i++) {
		sb_add(&jenkins, i ? ", " : "");
		jenkins_build(&jenkins, job_value, i);
	}
	sb_add(&jenkins, "]}");
	struct import_batch batch = {0};
	char err[512] = "";
	struct strbuf *files[] = {&runs, &gh, &jenkins};
	for (size_t f = 0; f < 3; f++)
		cr_assert_eq(import_parse(sb_str(files[f]), files[f]->len, IMPORT_AUTO, false, &batch,
					  err, sizeof err), 0, "seed %llu, file %zu: %s", (unsigned long long)seed,
			     f, err);
	cr_assert_eq(batch.n, 3 * NRUNS, "seed %llu", (unsigned long long)seed);
	struct keywords *kw = keywords_load(data_file("keywords.json", NULL), err, sizeof err);
	cr_assert_not_null(kw, "%s", err);
	struct import_counts counts;
	cr_assert_eq(import_store(st, &batch, kw, &counts), 0, "%s", store_errmsg(st));
	cr_assert_eq(counts.added, 3 * NRUNS, "seed %llu: ids must stay apart",
		     (unsigned long long)seed);
	keywords_free(kw);
	import_batch_free(&batch);
	free(job_value);
	sb_free(&job_json);
	sb_free(&runs);
	sb_free(&gh);
	sb_free(&jenkins);
}

static struct feature features[NFEATURES];
static struct deploy_rec deploys[NDEPLOYS];
static struct incident_rec incidents[NINCIDENTS];

/* A time, or (one in three) none. */
static int64_t maybe_time(void)
{
	return below(3) == 0 ? SD_NO_TIME : random_time();
}

/* A JSON string literal parsed back, so that titles carry every kind too. */
static char *random_text(void)
{
	struct strbuf json = STRBUF_INIT;
	char *value;
	random_string(&json, &value);
	sb_free(&json);
	return value;
}

static void add_records(struct store *st)
{
	static const char *const sizes[] = {"small", "medium", "large"};
	for (size_t i = 0; i < NFEATURES; i++) {
		struct feature *f = &features[i];
		memset(f, 0, sizeof *f);
		f->title = random_text();
		f->owner = below(2) ? random_text() : NULL;
		f->size = xstrdup(sizes[below(3)]);
		f->created_at = random_time();
		f->phase_manual_at = SD_NO_TIME;
		cr_assert_eq(store_feature_add(st, f), 0, "%s", store_errmsg(st));
	}
	for (size_t i = 0; i < NDEPLOYS; i++) {
		struct deploy_rec *d = &deploys[i];
		memset(d, 0, sizeof *d);
		d->ref = random_text();
		d->commit = xasprintf("%016llx%016llx%08x", (unsigned long long)next(),
				      (unsigned long long)next(), (unsigned)i);
		d->env = xstrdup(below(2) ? "production" : "staging");
		d->rollout = (int)below(101);
		d->status = xstrdup("succeeded");
		d->kind = xstrdup("normal");
		d->at = random_time();
		d->note = below(2) ? random_text() : NULL;
		cr_assert_eq(store_deploy_insert(st, d), 0, "%s", store_errmsg(st));
	}
	static const char *const sevs[] = {"sev1", "sev2", "sev3", "sev4"};
	for (size_t i = 0; i < NINCIDENTS; i++) {
		struct incident_rec *in = &incidents[i];
		memset(in, 0, sizeof *in);
		in->title = random_text();
		in->severity = xstrdup(sevs[below(4)]);
		in->started = random_time();
		in->detected = maybe_time();
		in->paged = maybe_time();
		in->root_cause = maybe_time();
		in->decided = maybe_time();
		in->decision = in->decided == SD_NO_TIME ? NULL : xstrdup("rollback");
		in->restored = maybe_time();
		cr_assert_eq(store_incident_insert(st, in), 0, "%s", store_errmsg(st));
	}
}

/* ---- the round trip ---------------------------------------------------------------- */

static struct store *open_db(const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	char err[512];
	struct store *st = store_open(path, STORE_CREATE, err, sizeof err);
	cr_assert_not_null(st, "%s", err);
	free(path);
	return st;
}

static char *export_of(struct store *st)
{
	struct strbuf out = STRBUF_INIT;
	cr_assert_eq(dump_export(st, &out), 0, "%s", store_errmsg(st));
	return sb_detach(&out);
}

static void check_builds(struct store *st)
{
	for (size_t i = 0; i < nwants; i++) {
		const struct want *w = &wants[i];
		struct build b;
		cr_assert_eq(store_build_find(st, w->provider, w->run_id, w->attempt, &b), 1,
			     "seed %llu: build %s/%s#%d lost", (unsigned long long)seed, w->provider,
			     w->run_id, w->attempt);
		cr_assert_str_eq(b.workflow, w->workflow, "seed %llu, build %zu", (unsigned long long)seed, i);
		if (w->branch)
			cr_assert_str_eq(b.branch, w->branch, "seed %llu, build %zu", (unsigned long long)seed, i);
		cr_assert_eq(b.created, w->created, "seed %llu, build %zu", (unsigned long long)seed, i);
		cr_assert_eq(b.started, w->started, "seed %llu, build %zu", (unsigned long long)seed, i);
		cr_assert_eq(b.finished, w->finished, "seed %llu, build %zu", (unsigned long long)seed, i);
		build_free(&b);
	}
}

static void check_records(struct store *st)
{
	struct feature *fs;
	size_t nf;
	cr_assert_eq(store_feature_list(st, &fs, &nf), 0);
	cr_assert_eq(nf, NFEATURES);
	for (size_t i = 0; i < nf; i++) {
		cr_assert_str_eq(fs[i].title, features[i].title, "seed %llu", (unsigned long long)seed);
		cr_assert_eq(fs[i].created_at, features[i].created_at);
		if (features[i].owner)
			cr_assert_str_eq(fs[i].owner, features[i].owner);
	}
	features_free(fs, nf);
	for (size_t i = 0; i < NDEPLOYS; i++) {
		struct deploy_rec d;
		cr_assert_eq(store_deploy_get(st, deploys[i].id, &d), 1);
		cr_assert_str_eq(d.ref, deploys[i].ref, "seed %llu", (unsigned long long)seed);
		cr_assert_eq(d.at, deploys[i].at);
		deploy_rec_free(&d);
	}
	for (size_t i = 0; i < NINCIDENTS; i++) {
		const struct incident_rec *w = &incidents[i];
		struct incident_rec in;
		cr_assert_eq(store_incident_get(st, w->id, &in), 1);
		cr_assert_str_eq(in.title, w->title, "seed %llu", (unsigned long long)seed);
		cr_assert(in.started == w->started && in.detected == w->detected &&
			  in.paged == w->paged && in.root_cause == w->root_cause &&
			  in.decided == w->decided && in.restored == w->restored,
			  "seed %llu, incident %zu", (unsigned long long)seed, i);
		incident_rec_free(&in);
	}
}

Test(roundtrip, random_records_survive_export_and_import_byte_for_byte)
{
	struct store *first = open_db("first.db");
	cr_assert_eq(store_begin(first), 0);
	import_runs(first);
	add_records(first);
	cr_assert_eq(store_commit(first), 0, "%s", store_errmsg(first));
	char *a = export_of(first);
	struct store *second = open_db("second.db");
	char err[1024] = "";
	cr_assert_eq(dump_import(second, a, strlen(a), err, sizeof err), 0, "seed %llu: %s",
		     (unsigned long long)seed, err);
	char *b = export_of(second);
	cr_assert_str_eq(a, b, "seed %llu: export -> import -> export differs", (unsigned long long)seed);
	check_builds(second);
	check_records(second);
	free(a);
	free(b);
	store_close(first);
	store_close(second);
	for (size_t i = 0; i < nwants; i++) {
		free(wants[i].run_id);
		free(wants[i].workflow);
		free(wants[i].branch);
	}
	for (size_t i = 0; i < NFEATURES; i++)
		feature_free(&features[i]);
	for (size_t i = 0; i < NDEPLOYS; i++)
		deploy_rec_free(&deploys[i]);
	for (size_t i = 0; i < NINCIDENTS; i++)
		incident_rec_free(&incidents[i]);
}
