/* fuzz_import_ops — libFuzzer target for `deploy import` and `incident
 * import`: every input is parsed as each deployment and incident format
 * (GitHub, GitLab, Argo CD, PagerDuty, Opsgenie) and by detection, with and
 * without --skip-bad, then settled (GitHub statuses, one deployment per
 * commit and environment). The oracle beyond "no crash, no leak, no UB": a
 * refused file leaves the batch exactly as it was, every error is one line,
 * and every deployment kept has a full commit id, a mapped environment and
 * a status. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import_ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_kept(const struct ops_batch *b)
{
	for (size_t i = 0; i < b->ndeploys; i++) {
		const struct deploy_rec *d = &b->deploys[i].rec;
		if (!ops_is_commit(d->commit) || !d->env || !d->status || !d->ref ||
		    (!streq(d->env, "production") && !streq(d->env, "staging")))
			abort();
	}
	for (size_t i = 0; i < b->nincidents; i++) {
		const struct incident_rec *r = &b->incidents[i].rec;
		if (!r->title || !r->severity || !r->source_id)
			abort();
	}
}

static void one(const char *text, size_t size, enum import_kind kind, int format, bool skip,
		const struct ops_envmap *envs)
{
	struct ops_batch b = {.kind = kind, .skip_bad = skip, .envs = envs, .origin = "fuzz"};
	char err[512] = "";
	if (ops_parse(text, size, (enum import_format)format, &b, err, sizeof err) != 0) {
		if (b.ndeploys || b.nincidents || b.nstatuses || b.nbad || b.nskipped || !err[0] ||
		    strchr(err, '\n'))
			abort();
	} else {
		ops_settle(&b);
		check_kept(&b);
	}
	ops_batch_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ops_envmap *envs;
	if (!envs) {
		char err[256];
		envs = ops_envmap_load("{\"prod-eu\": \"production\", \"qa\": \"skip\"}", err, sizeof err);
		if (!envs)
			abort();
	}
	/* the bytes exactly, with a terminator after them as file_read gives */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (int f = 0; f < IMPORT_FORMAT_COUNT; f++)
		for (int skip = 0; skip < 2; skip++) {
			if (f == IMPORT_AUTO) {
				one(text, size, IMPORT_KIND_DEPLOYMENTS, f, skip, envs);
				one(text, size, IMPORT_KIND_INCIDENTS, f, skip, envs);
			} else if (importers[f].kind == IMPORT_KIND_DEPLOYMENTS ||
				   importers[f].kind == IMPORT_KIND_INCIDENTS) {
				one(text, size, importers[f].kind, f, skip, envs);
			}
		}
	free(text);
	return 0;
}
