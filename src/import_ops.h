/* import_ops — deployments and incidents from the tools teams already use:
 * GitHub Deployments, GitLab deployments and Argo CD history (`deploy
 * import`), PagerDuty incidents and Opsgenie alerts (`incident import`).
 * Detection, parsing and the merge into the store; the rules are
 * docs/metrics.md §1b, the accepted shapes docs/deployments.md. */
#ifndef SD_IMPORT_OPS_H
#define SD_IMPORT_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deploylog.h"
#include "import.h"
#include "util.h"

struct store;
struct cJSON;

/* The formats are rows of the importer registry (src/importers.def):
 * IMPORT_GITHUB_DEPLOYMENTS, IMPORT_GITLAB_DEPLOYMENTS, IMPORT_ARGOCD of
 * kind IMPORT_KIND_DEPLOYMENTS; IMPORT_PAGERDUTY, IMPORT_OPSGENIE of kind
 * IMPORT_KIND_INCIDENTS. */

/* Environment names as the tools write them, mapped to shipdeck's
 * (docs/metrics.md §1b): built-in names and the config's "environments". */
struct ops_envmap;
/* config_json: the config's object {"name": "production|staging|skip"}, or
 * NULL. NULL with one line in err. */
struct ops_envmap *ops_envmap_load(const char *config_json, char *err, size_t errlen);
void ops_envmap_free(struct ops_envmap *m);
/* "production", "staging", or NULL (not imported); *from_config says the
 * config decided. Names compare ignoring case. */
const char *ops_env_map(const struct ops_envmap *m, const char *name, bool *from_config);

/* sev1..sev4 of a priority name: P1..P5 / SEV1..SEV4 / S1 (P5 is sev4), or
 * NULL when the name says no level. */
const char *ops_severity_of_priority(const char *name);

/* A GitHub deployment status before it meets its deployment. */
struct ops_status {
	char *deployment_id;
	char *id;
	char *state;
	int64_t at;
	char *where;                    /* "page 2: [3]" for messages */
};

/* A deployment as read, with what decides its state afterwards. */
struct ops_deploy {
	struct deploy_rec rec;          /* env mapped; status and at may follow */
	int64_t created;
	bool needs_status;              /* GitHub: the state comes from statuses */
	char *service;                  /* the service its origin maps to, or NULL */
	char *where;
};

struct ops_incident {
	struct incident_rec rec;
	char *service;                  /* the service its origin maps to, or NULL */
	char *where;
};

/* The services of one database, as the import sees them (docs/metrics.md
 * §13): set by services_map_ops, all NULL/false with none configured. */
struct ops_services {
	bool active;                    /* several services: records link by service */
	bool mapped;                    /* records were mapped by origin (no --service) */
	char *home;                     /* the service of records naming none, or NULL */
	char *forced;                   /* --service: every record added belongs to it */
};

struct ops_batch {
	enum import_kind kind;          /* IMPORT_KIND_DEPLOYMENTS or _INCIDENTS */
	/* set by the caller */
	bool skip_bad;
	const struct ops_envmap *envs;
	const char *origin;             /* --origin: when the export names none */
	const char *env;                /* --env: Argo CD's environment */
	struct ops_services services;   /* set after parsing (services_map_ops) */
	/* results */
	unsigned formats;               /* bit per enum import_format seen */
	size_t pages;
	struct ops_deploy *deploys;
	size_t ndeploys, capdeploys;
	struct ops_status *statuses;
	size_t nstatuses, capstatuses;
	struct ops_incident *incidents;
	size_t nincidents, capincidents;
	struct strbuf bad;              /* bad records skipped with skip_bad */
	size_t nbad;
	struct strbuf skipped;          /* records left out by a rule, with why */
	size_t nskipped;
	struct strbuf left_out;         /* "\nID\n" of GitHub deployments left out:
	                                   their statuses go with them, unsaid */
	/* while parsing */
	char page_label[32];
	const char *file_label;         /* the file's name in messages, or NULL */
};

/* Parses one file (one JSON document, or several whole documents one after
 * another as `gh api --paginate` writes pages, or `--slurp`'s array of
 * pages) of one format and appends to b. On a syntax error, an unknown
 * format or a bad record without skip_bad: -1 with one line in err and b
 * as it was. */
int ops_parse(const char *text, size_t len, enum import_format format, struct ops_batch *b,
	      char *err, size_t errlen);
/* Where a batch stood before a file (ops_mark), to put it back as it was
 * when the file is refused (ops_rewind): a refused file adds nothing. */
struct ops_mark {
	size_t ndeploys, nstatuses, nincidents, bad, nbad, skipped, nskipped;
	unsigned formats;
};
void ops_mark(const struct ops_batch *b, struct ops_mark *m);
void ops_rewind(struct ops_batch *b, const struct ops_mark *m);
/* After every file: gives each GitHub deployment the state of its latest
 * status, and folds deployments of one commit to one environment into one
 * (docs/metrics.md §1b). */
void ops_settle(struct ops_batch *b);
void ops_batch_free(struct ops_batch *b);

struct ops_counts {
	size_t added, updated, unchanged;
};
/* Stores a settled batch inside the caller's transaction; records the
 * store leaves out (a record wins, another tool came first) are added to
 * b->skipped. 0, or -1 with the store's error. */
int ops_store(struct store *st, struct ops_batch *b, struct ops_counts *counts);

/* ---- for src/import_ops_*.c only ---------------------------------------- */
/* The where-label of record r ("page 2: incidents[3]"), owned by the caller. */
char *ops_where(const struct ops_batch *b, const struct import_rec *r);
/* Leaves a record out by a rule (not an error): "where: why". */
void ops_skip(struct ops_batch *b, const struct import_rec *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A bad record: with skip_bad listed and 0, else -1 with its message in err. */
int ops_bad(struct ops_batch *b, const struct import_rec *r, char *err, size_t errlen);
/* The registry's detect and read functions of these formats are declared
 * by src/import.h from src/importers.def. */
/* True for 40 hex digits (a full commit id). */
bool ops_is_commit(const char *s);
/* The path of a web URL without scheme and host, up to "/-/" (GitLab) or
 * the end: "group/sub/project" of https://gitlab.com/group/sub/project/-/x. */
char *ops_url_project(const char *url);

#endif
