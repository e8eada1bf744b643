/* snapshot_sections — the sections of the snapshot, each in its own file,
 * placed by snapshot.c (and `build stats` places the builds section). They
 * use src/snapshot_base.h, never snapshot.c. */
#ifndef SD_SNAPSHOT_SECTIONS_H
#define SD_SNAPSHOT_SECTIONS_H

#include <stddef.h>

#include "snapshot_base.h"

struct dash;
struct build_health;
struct dora_stages;

/* The builds section (snapshot_builds.c). A few lines a PM can read aloud:
 * median and tier, failures and why, cost. */
void snapshot_builds_text(struct strbuf *out, const struct build_health *h, const struct render *ro);
/* The same as a markdown section. */
void snapshot_builds_markdown(struct strbuf *out, const struct build_health *h,
			      const struct render *ro);
/* Appends "builds": {...} (no leading comma); no data is null, never 0. */
void snapshot_builds_json(struct strbuf *out, const struct build_health *h);

/* The DORA section (snapshot_dora.c): scorecard (current | tier | target |
 * elite), a sparkline per metric and the window's deployments. */
void snapshot_dora_text(struct strbuf *out, const struct dash *d, const struct render *r);
void snapshot_dora_markdown(struct strbuf *out, const struct dash *d, const struct render *r);
/* Appends `"dora": {...}, "deployments": [...]` (no braces around them). */
void snapshot_dora_json(struct strbuf *out, const struct dash *d);
/* A "stages" JSON value (docs/metrics.md §2b): an object, or null without a change. */
void snapshot_json_stages(struct strbuf *out, const struct dora_stages *st);

/* The operations sections (snapshot_ops.c): what needs attention now, one
 * line each after bullet; returns how many. */
size_t snapshot_attention_lines(const struct dash *d, struct strbuf *out, const struct render *r);
void snapshot_ops_text(struct strbuf *out, const struct dash *d, const struct render *r);
/* Appends "window", "deploys_recent", "incidents" and "reviews_due". */
void snapshot_ops_json(struct strbuf *out, const struct dash *d);

#endif
