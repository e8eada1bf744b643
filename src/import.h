/* import — outside exports to records: the importer registry (src/importers.def,
 * src/importers.c) and the CI run exports (GitHub, gh, GitLab, Jenkins) to
 * normalized builds. */
#ifndef SD_IMPORT_H
#define SD_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buildstats.h"
#include "util.h"

struct store;

/* What an import reads. A new kind adds a value here, its row in `kinds`
 * (src/importers.c) and its importers' rows in src/importers.def. */
enum import_kind {
	IMPORT_KIND_BUILDS, IMPORT_KIND_DEPLOYMENTS, IMPORT_KIND_INCIDENTS,
	IMPORT_KIND_PULL_REQUESTS, IMPORT_KIND_COUNT
};

/* Every importer, by its row in src/importers.def; IMPORT_AUTO asks for
 * detection. */
enum import_format {
	IMPORT_AUTO,
#define IMPORTER(e, kind, name, detect, read) IMPORT_##e,
#include "importers.def"
#undef IMPORTER
	IMPORT_FORMAT_COUNT
};

struct cJSON;
/* One row of the registry. */
struct importer {
	enum import_kind kind;
	const char *name;           /* its --format name */
	/* Does one page (one JSON document) look like this format? */
	bool (*detect)(const struct cJSON *page);
	/* Appends one page's records to batch, the batch of the row's kind
	 * (struct import_batch for builds). 0, or -1 with one line in err
	 * (the batch may then hold part of the page: the caller drops it). */
	int (*read)(const struct cJSON *page, bool skip_bad, void *batch, char *err,
		    size_t errlen);
};
/* The registry, indexed by enum import_format (row 0, IMPORT_AUTO, is
 * "auto" with no reader). */
extern const struct importer importers[IMPORT_FORMAT_COUNT];
/* "auto", "github-runs", "github-jobs", "gh", "gitlab", "jenkins", ... */
extern const char *const import_format_names[IMPORT_FORMAT_COUNT];
/* The format of a --format name, or -1. */
int import_format_by_name(const char *name);
/* The format of a --format name among the importers of one kind (or
 * IMPORT_AUTO for "auto"), or -1. */
int import_format_of_kind(enum import_kind kind, const char *name);
/* The first importer of kind whose detect says yes to page, or -1. */
int import_detect(enum import_kind kind, const struct cJSON *page);
/* The --format names of one kind, joined: "github-runs, github-jobs, gh,
 * gitlab, jenkins" (sep ", ", last " or " gives "..., gitlab or jenkins"). */
void import_format_list(enum import_kind kind, const char *sep, const char *last, char *out,
			size_t outlen);

/* How the pages of one file were read. */
struct import_pages {
	enum import_format format;  /* out: the file's (IMPORT_AUTO: only empty pages) */
	size_t n;                   /* out: JSON documents (pages) read */
	char *label;                /* in: where "page 2: " is written while page 2 */
	size_t labellen;            /* is read ("" in a file of one page) */
};
/* Reads one untrusted file of one kind: its JSON with import_json_read (one
 * document, or several pages one after another, or pages slurped into one
 * array), each page checked with import_json_check, its format forced or
 * detected (one format per file) and given to the importer's read. An
 * empty array is an empty page of any format. 0, or -1 with one line in
 * err ("page 2: ..." once there are pages); on -1 the batch may hold part
 * of the file: the caller drops what was added. */
int import_read_pages(enum import_kind kind, const char *text, size_t len,
		      enum import_format forced, bool skip_bad, void *batch,
		      struct import_pages *pages, char *err, size_t errlen);

/* The builds of one or more parsed files, before they are stored. */
struct import_batch {
	struct build *builds;
	size_t n, cap;
	enum import_format format;  /* of the last file parsed (IMPORT_AUTO: empty) */
	size_t pages;               /* JSON documents in the last file parsed */
	struct strbuf bad;          /* skipped records, one line each */
	size_t nbad;
	size_t backwards;           /* builds that finished before they started:
	                               kept without a duration (docs/builds.md) */
	/* while parsing: */
	size_t first;               /* the first build of the file being parsed */
	char page_label[32];        /* "page 2: " in a file of several pages */
};

/* Parses one file's JSON and appends its builds to batch. The file is one
 * JSON document or several whole documents one after another, as
 * `gh api --paginate` writes its pages, all of one format; anything else
 * after a document is refused with its position. On a syntax error, an
 * unknown format or (without skip_bad) a bad record, returns -1 with one
 * line in err and leaves batch as it was; with skip_bad a bad record is
 * listed in batch->bad and the others are kept. */
int import_parse(const char *text, size_t len, enum import_format format, bool skip_bad,
		 struct import_batch *batch, char *err, size_t errlen);
void import_batch_free(struct import_batch *batch);

/* The longest string a CI export may hold in one field (64 KiB): a run's
 * name or URL is far shorter, and a 50 MB field is an attack, not data. */
#define IMPORT_MAX_STRING 65536
/* Hygiene for any untrusted JSON document: refuses an object with a
 * duplicate key (readers would silently see only one value) and a string
 * longer than max_string bytes. 0, or -1 with "path: why" in err (keys are
 * cleaned for the terminal and cut to 80 bytes). */
int import_check_json(const struct cJSON *root, size_t max_string, char *err, size_t errlen);

/* Untrusted JSON text read with the traps cJSON does not see. */
struct import_json {
	struct cJSON **docs;        /* the documents, in order */
	size_t n;
	const struct cJSON *nul_value, *nul_key; /* first string / key holding U+0000 */
};
/* Parses all of text (len bytes): one document, or with pages several
 * whole documents one after another. Refuses a NUL byte and content after
 * the (last) document with its byte, line and column; keeps each number's
 * literal (import_json_literal) and notes strings holding "\u0000" for
 * import_json_check. 0, or -1 with one line in err and nothing to free. */
int import_json_read(const char *text, size_t len, bool pages, struct import_json *j, char *err,
		     size_t errlen);
/* import_check_json of one subtree of j, also refusing a "\u0000" in a
 * string or a key with its path (relative to node). */
int import_json_check(const struct import_json *j, const struct cJSON *node, size_t max_string,
		      char *err, size_t errlen);
void import_json_free(struct import_json *j);
/* import_json_read in steps, for a file read a document (or an element) at
 * a time. The text holds no NUL byte: 0, or -1 with its position in err. */
int import_json_text_ok(const char *text, size_t len, char *err, size_t errlen);
/* Parses the one JSON value at text[off] (of the whole text: messages give
 * the byte, line and column in it), keeping literals and NUL notes in j
 * (j->docs untouched); its end in *stop. The tree, or NULL with err set. */
struct cJSON *import_json_parse_at(const char *text, size_t len, size_t off, size_t *stop,
				   struct import_json *j, char *err, size_t errlen);
/* After a document ending at stop: *next is where the next one starts (len
 * at the end). -1 with err set when anything but another page follows
 * (anything at all without pages). */
int import_json_next(const char *text, size_t len, size_t stop, bool pages, size_t *next,
		     char *err, size_t errlen);
/* import_json_check of a node that sits at path in its document
 * ("workflow_runs[7]"): messages name the path from the document's root. */
int import_json_check_at(const struct import_json *j, const struct cJSON *node, const char *path,
			 size_t max_string, char *err, size_t errlen);

/* A document's one big array, read an element at a time (src/import_stream.c):
 * `{"total_count": 1000000, "workflow_runs": [ ... ]}` never becomes one tree. */
struct json_array_span {
	size_t open, close;         /* the array's '[' and ']' */
	size_t end;                 /* the document's end */
	const char *member;         /* the member holding it (one of names) */
};
/* Whether the document at text[off] is an object with a member of one of
 * names (raw text, no escapes) whose value is an array, found by a scan of
 * strings and brackets: SPAN_FOUND; SPAN_CUT when the text ends inside
 * that array (s->close is SIZE_MAX: a download cut short); SPAN_NONE for
 * any other document, or one whose text ends elsewhere (the whole-tree
 * reader gives the message). */
enum json_span { SPAN_NONE, SPAN_FOUND, SPAN_CUT };
enum json_span import_json_find_array(const char *text, size_t len, size_t off,
				      const char *const *names, size_t nnames,
				      struct json_array_span *s);
/* Calls each(element, its NUL notes, index, arg, err, errlen) for the
 * elements of the array s in order, each parsed alone and freed after.
 * 0; -1 with err set by a parse or by each; -2 when the text between the
 * elements is not JSON (the whole-tree reader gives the message). */
int import_json_each(const char *text, size_t len, const struct json_array_span *s,
		     int (*each)(struct cJSON *elem, const struct import_json *j, size_t i,
				 void *arg, char *err, size_t errlen),
		     void *arg, char *err, size_t errlen);
/* A number's literal as written ("9007199254740993", "1e3"), or NULL for a
 * node import_json_read did not make. */
const char *import_json_literal(const struct cJSON *number);

/* A JSON number as a whole number. */
enum json_whole { JSON_WHOLE, JSON_NOT_WHOLE, JSON_TOO_LARGE };
/* Reads a plain integer literal exactly within 64 bits (past 2^53 too);
 * other forms (1e3, 2.0) only where their double is exact, below 2^53. */
enum json_whole import_json_whole(const struct cJSON *number, int64_t *out);

/* Failure-kind keyword tables (data/keywords.json or a config override). */
struct keywords;
/* Parses a keyword table; NULL with one line in err. */
struct keywords *keywords_load(const char *json, char *err, size_t errlen);
void keywords_free(struct keywords *kw);
/* The failure kind of a failed build: its failed step names, then job
 * names, then the workflow name, by the tables' order; "other" if none match. */
const char *keywords_classify(const struct keywords *kw, const char *failed_jobs,
			      const char *workflow);

struct import_counts {
	size_t added, updated, unchanged;
};
/* Stores a batch inside the caller's transaction: merges each build with the
 * stored attempt (a jobs page only adds failed job names; a completed run
 * never goes back to running), classifies failures unless a kind was set by
 * hand. 0, or -1 with the store's error. */
int import_store(struct store *st, struct import_batch *batch, const struct keywords *kw,
		 struct import_counts *counts);
/* Sets b->failure_kind from kw unless it was set by hand: NULL for a build
 * that did not fail. */
void import_classify(struct build *b, const struct keywords *kw);

/* ---- for src/import_*.c only -------------------------------------------- */

/* Where a record sits, for messages like "workflow_runs[3].created_at: ...". */
struct import_rec {
	const char *array;
	size_t index;
	char msg[300];
};

/* Each sets msg and returns -1 on a bad field; an absent or null field
 * gives NULL / SD_NO_TIME / *present = false and returns 0. */
int imp_text(struct import_rec *r, const struct cJSON *o, const char *key, char **out);
int imp_int(struct import_rec *r, const struct cJSON *o, const char *key, int64_t *out,
	    bool *present);
/* A required id (a number or a string of digits) as exact text: an id past
 * 2^53 is never rounded into its neighbour. */
int imp_id(struct import_rec *r, const struct cJSON *o, const char *key, char **out);
int imp_time(struct import_rec *r, const struct cJSON *o, const char *key, int64_t *out);
/* For detect functions: does object o have member key (of any value, or
 * an array)? */
bool imp_has(const struct cJSON *o, const char *key);
bool imp_has_array(const struct cJSON *o, const char *key);
/* A streamed array's records reach the reader a window at a time, each
 * counted from 0: messages add start ("workflow_runs[812345]"); 0 after. */
void import_rec_window(size_t start);
/* Records a bad-record message; returns -1. */
int imp_fail(struct import_rec *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends one finished record to the batch (or drops it on rc < 0). Returns
 * -1 when the whole import must stop (a bad record without skip_bad). */
int imp_finish(struct import_batch *batch, bool skip_bad, struct import_rec *r, int rc,
	       struct build *b, char *err, size_t errlen);

/* The importers' detect and read functions, as src/importers.def names them. */
#define IMPORTER(e, kind, name, detect, read)                                          \
	bool detect(const struct cJSON *page);                                         \
	int read(const struct cJSON *page, bool skip_bad, void *batch, char *err, size_t errlen);
#include "importers.def"
#undef IMPORTER

#endif
