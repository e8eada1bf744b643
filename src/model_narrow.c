/* model_narrow — --service narrows what the model reads: features, builds,
 * deployments and incidents kept only when they belong to the service (the
 * filter of services.c). Apart from model_services.c, which model_records.c
 * calls back into otherwise (tests/layers.py). Declared in model_services.h. */
#include "model_services.h"

#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "model.h"
#include "services.h"
#include "store.h"
#include "store_services.h"
#include "util.h"

int model_narrow_deploys(struct ctx *c, struct store *st, struct deploy_rec *r, size_t *n)
{
	struct service_filter f;
	if (service_filter_open(c, st, &f) != 0)
		return -1;
	size_t j = 0;
	for (size_t i = 0; i < *n; i++) {
		if (service_filter_keeps(&f, "deployments", r[i].id))
			r[j++] = r[i];
		else
			deploy_rec_free(&r[i]);
	}
	*n = j;
	service_filter_close(&f);
	return 0;
}

int model_narrow_incidents(struct ctx *c, struct store *st, struct incident_rec *r, size_t *n)
{
	struct service_filter f;
	if (service_filter_open(c, st, &f) != 0)
		return -1;
	size_t j = 0;
	for (size_t i = 0; i < *n; i++) {
		if (service_filter_keeps(&f, "incidents", r[i].id))
			r[j++] = r[i];
		else
			incident_rec_free(&r[i]);
	}
	*n = j;
	service_filter_close(&f);
	return 0;
}

int model_narrow_records(struct ctx *c, struct store *st, struct dash *d)
{
	if (model_narrow_deploys(c, st, d->records, &d->nrecords) != 0 ||
	    model_narrow_incidents(c, st, d->incidents, &d->nincidents) != 0)
		return -1;
	return 0;
}

int model_narrow_builds(struct ctx *c, struct store *st, struct build *b, size_t *n)
{
	struct service_filter f;
	if (service_filter_open(c, st, &f) != 0)
		return -1;
	size_t j = 0;
	for (size_t i = 0; i < *n; i++) {
		if (service_filter_keeps(&f, "builds", b[i].id))
			b[j++] = b[i];
		else
			build_free(&b[i]);
	}
	*n = j;
	service_filter_close(&f);
	return 0;
}

int model_narrow_features(struct ctx *c, struct store *st, struct feature *fs, size_t *n)
{
	struct service_filter f;
	if (service_filter_open(c, st, &f) != 0)
		return -1;
	size_t j = 0;
	for (size_t i = 0; i < *n; i++) {
		if (service_filter_keeps(&f, "features", fs[i].id))
			fs[j++] = fs[i];
		else
			feature_free(&fs[i]);
	}
	*n = j;
	service_filter_close(&f);
	return 0;
}
