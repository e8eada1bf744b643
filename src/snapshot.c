/* snapshot — the standup dump. Text never carries escape codes (it is for
 * pipes, chat and e-mail) and fits the width asked for; markdown is for
 * pasting into a wiki; JSON is for scripts and has a schema name. */
#include "snapshot.h"
#include "snapshot_sections.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "model.h"
#include "phase.h"
#include "present.h"
#include "text.h"
#include "timeutil.h"

/* data/snapshot.schema.json describes it; /2: deployment "status" is the
 * decided state (docs/vocabulary.md), numbers have two decimals. */
#define SNAPSHOT_SCHEMA "shipdeck.snapshot/2"

/* ---- header -------------------------------------------------------------------- */

/* A note is a sentence that says what to do (the command, the config key):
 * cut at the width it would lose exactly that, so it wraps, continuation
 * lines indented under its first word. */
static void add_note_wrapped(struct strbuf *out, const char *note, const char *bullet, int width)
{
	char *clean = text_clean(note, TEXT_ONE_LINE);
	sb_add(out, bullet);
	int col = 2;
	bool first = true;
	for (char *p = clean; *p;) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (!len)
			break;
		char *word = xstrndup(p, len);
		int w = text_width(word);
		if (!first && col + 1 + w > width) {
			sb_add(out, "\n  ");
			col = 2;
		} else if (!first) {
			sb_addc(out, ' ');
			col++;
		}
		sb_add(out, word);
		col += w;
		first = false;
		free(word);
		p += len;
	}
	sb_addc(out, '\n');
	free(clean);
}

static void header_text(struct strbuf *out, const struct dash *d, const struct render *r)
{
	char when[24];
	struct strbuf left = STRBUF_INIT;
	sb_add(&left, "shipdeck ");
	sb_add(&left, r->ascii ? "- " : "\xe2\x80\x94 ");
	sb_add_clean(&left, d->repo_name ? d->repo_name : "(no repository)");
	char right[48];
	snprintf(right, sizeof right, "as of %s UTC", time_format_short(d->now, when));
	int gap = r->width - text_width(sb_str(&left)) - (int)strlen(right);
	sb_add(out, sb_str(&left));
	sb_addrep(out, " ", gap > 1 ? gap : 1);
	sb_addf(out, "%s\n", right);
	sb_addf(out, "window %d days\n", d->window_days);
	sb_free(&left);
	struct strbuf att = STRBUF_INIT;
	if (snapshot_attention_lines(d, &att, r))
		sb_addf(out, "\nNeeds attention now:\n%s", sb_str(&att));
	sb_free(&att);
	for (size_t i = 0; i < d->nnotes; i++)
		add_note_wrapped(out, d->notes[i], r->ascii ? "! " : "\xe2\x96\xb8 ", r->width);
}

static void header_markdown(struct strbuf *out, const struct dash *d)
{
	char when[24];
	sb_add(out, "# shipdeck — ");
	sb_add_clean(out, d->repo_name ? d->repo_name : "(no repository)");
	sb_addf(out, "\n\nAs of %s UTC, window %d days.\n", time_format_short(d->now, when),
		d->window_days);
	struct strbuf att = STRBUF_INIT;
	struct render md = {SNAP_MARKDOWN, 1000, false};
	if (snapshot_attention_lines(d, &att, &md))
		sb_addf(out, "\n**Needs attention now:**\n\n%s", sb_str(&att));
	sb_free(&att);
	for (size_t i = 0; i < d->nnotes; i++) {
		sb_add(out, i == 0 ? "\n- " : "- ");
		snap_md_text(out, d->notes[i]);
		sb_addc(out, '\n');
	}
}

/* ---- features ------------------------------------------------------------------ */

static bool needs_attention(const struct dash_feature *f)
{
	return present_feature_needs_attention(f);
}

static void days_label(struct strbuf *out, const struct dash_feature *f, bool ascii)
{
	present_days_label(out, f, ascii);
}

/* "overdue, no-go, manual": what a reader must notice about a feature. */
static void flags_label(struct strbuf *out, const struct dash_feature *f)
{
	present_flag_words(out, present_feature_flags(f));
}

static void md_cell(struct strbuf *out, const char *s)
{
	snap_md_text(out, s);
}

/* Items marked not applicable, one line each under the feature ("N/A id:
 * reason"); items switched off by config are said once, in the notes. */
static void na_lines_text(struct strbuf *out, const struct dash_feature *f, const struct render *r)
{
	for (size_t i = 0; i < f->nchecks; i++) {
		const struct dash_check *ch = &f->checks[i];
		if (!ch->na || ch->na_config)
			continue;
		char *reason = text_clean(ch->note ? ch->note : "(no reason given)", TEXT_ONE_LINE);
		char *line = xasprintf("N/A %s: %s", ch->id, reason);
		sb_add(out, "             ");
		text_fit(out, line, r->width - 13, false, r->ascii);
		while (out->len && out->buf[out->len - 1] == ' ')
			out->buf[--out->len] = '\0';
		sb_addc(out, '\n');
		free(line);
		free(reason);
	}
}

static void na_cell_markdown(struct strbuf *out, const struct dash_feature *f)
{
	for (size_t i = 0; i < f->nchecks; i++) {
		const struct dash_check *ch = &f->checks[i];
		if (!ch->na || ch->na_config)
			continue;
		sb_addf(out, "%sN/A %s: ", out->len && out->buf[out->len - 1] != ' ' ? "; " : "", ch->id);
		md_cell(out, ch->note ? ch->note : "(no reason given)");
	}
}

static void trim_line(struct strbuf *out)
{
	/* trailing spaces are noise in a pasted standup */
	while (out->len && out->buf[out->len - 1] == ' ')
		out->buf[--out->len] = '\0';
	sb_addc(out, '\n');
}

/* The days column: as wide as its widest label, 22 to 30 columns, so a
 * norm's unit ("day 5 (expected 20–30 min)") is never cut while the title
 * still has room. */
#define DAYS_MIN_W 22
#define DAYS_MAX_W 30

static int days_column_width(const struct dash *d, const struct render *r)
{
	int w = DAYS_MIN_W;
	for (size_t i = 0; i < d->nfeatures; i++) {
		struct strbuf days = STRBUF_INIT;
		days_label(&days, &d->features[i], r->ascii);
		int dw = text_width(sb_str(&days));
		if (dw > w)
			w = dw < DAYS_MAX_W ? dw : DAYS_MAX_W;
		sb_free(&days);
	}
	return w;
}

/* key 10 | title | days (days_w) | flags. The flags are never cut: the
 * title gives way first, and flags that still do not fit go on a line of
 * their own under the title. */
static void feature_line_text(struct strbuf *out, const struct dash_feature *f, const struct render *r,
			      int days_w, bool team)
{
	struct strbuf days = STRBUF_INIT, flags = STRBUF_INIT, tag = STRBUF_INIT;
	char *key = f->key ? text_clean(f->key, TEXT_ONE_LINE) : xasprintf("#%lld", (long long)f->id);
	char *title = text_clean(f->title, TEXT_ONE_LINE);
	days_label(&days, f, r->ascii);
	flags_label(&flags, f);
	/* with several services, the card's service as the board shows it
	 * ("[billing]", "[-]": in none), at most 12 columns (docs/metrics.md §13) */
	if (team) {
		struct strbuf name = STRBUF_INIT;
		present_service_tag(&name, f->service);
		sb_addc(&tag, '[');
		text_fit(&tag, sb_str(&name), text_width(sb_str(&name)) > 10 ? 10 : text_width(sb_str(&name)),
			 false, r->ascii);
		sb_add(&tag, "] ");
		sb_free(&name);
	}
	int rest = r->width - 2 - 11 - (days_w + 1) - 1 - text_width(sb_str(&tag));
	int flags_w = text_width(sb_str(&flags));
	bool own_line = rest - flags_w < 16; /* the title keeps 16 columns */
	int title_w = own_line ? rest : rest - flags_w;
	if (title_w < 16)
		title_w = 16; /* a narrow snapshot is clipped at the end (text_clip_lines) */
	sb_add(out, "  ");
	text_fit(out, key, 10, false, r->ascii);
	sb_addc(out, ' ');
	sb_add(out, sb_str(&tag));
	text_fit(out, title, title_w, false, r->ascii);
	sb_addc(out, ' ');
	text_fit(out, sb_str(&days), days_w, false, r->ascii);
	if (!own_line) {
		sb_addc(out, ' ');
		sb_add(out, sb_str(&flags));
	}
	trim_line(out);
	if (own_line && flags.len) {
		sb_addrep(out, " ", 13);
		text_fit(out, sb_str(&flags), r->width - 13, false, r->ascii);
		trim_line(out);
	}
	sb_free(&days);
	sb_free(&flags);
	sb_free(&tag);
	free(key);
	free(title);
	na_lines_text(out, f, r);
}

static void features_text(struct strbuf *out, const struct dash *d, const struct render *r)
{
	snap_heading(out, "Features", r);
	if (d->nfeatures == 0) {
		sb_add(out, "  (none)\n");
		return;
	}
	int days_w = days_column_width(d, r);
	for (enum phase p = 0; p < PHASE_COUNT; p++) {
		size_t count = 0;
		for (size_t i = 0; i < d->nfeatures; i++)
			count += streq(d->features[i].phase, phase_id(p));
		if (!count)
			continue;
		sb_addf(out, "%s (%zu)\n", phase_name(p), count);
		/* attention items first, then the rest, each in id order */
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < d->nfeatures; i++) {
				const struct dash_feature *f = &d->features[i];
				if (streq(f->phase, phase_id(p)) && needs_attention(f) == (pass == 0))
					feature_line_text(out, f, r, days_w, d->team);
			}
	}
}

static void features_markdown(struct strbuf *out, const struct dash *d, const struct render *r)
{
	snap_heading(out, "Features", r);
	if (d->nfeatures == 0) {
		sb_add(out, "No features yet.\n");
		return;
	}
	sb_add(out, d->team ? "| Phase | Key | Service | Title | Days | Flags |\n|---|---|---|---|---|---|\n"
			    : "| Phase | Key | Title | Days | Flags |\n|---|---|---|---|---|\n");
	for (enum phase p = 0; p < PHASE_COUNT; p++)
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < d->nfeatures; i++) {
				const struct dash_feature *f = &d->features[i];
				if (!streq(f->phase, phase_id(p)) || needs_attention(f) != (pass == 0))
					continue;
				struct strbuf days = STRBUF_INIT;
				days_label(&days, f, false);
				sb_addf(out, "| %s | ", phase_name(p));
				md_cell(out, f->key ? f->key : "");
				sb_add(out, " | ");
				if (d->team) {
					struct strbuf tag = STRBUF_INIT;
					present_service_tag(&tag, f->service);
					md_cell(out, sb_str(&tag));
					sb_add(out, " | ");
					sb_free(&tag);
				}
				md_cell(out, f->title);
				sb_addf(out, " | %s | ", sb_str(&days));
				flags_label(out, f);
				na_cell_markdown(out, f);
				sb_add(out, " |\n");
				sb_free(&days);
			}
}

/* [{"id", "reason", "by", "by_config"}] of one kind's not-applicable items. */
static void na_json(struct strbuf *out, const struct dash_feature *f, enum checklist_kind kind)
{
	int n = 0;
	sb_add(out, "[");
	for (size_t i = 0; i < f->nchecks; i++) {
		const struct dash_check *ch = &f->checks[i];
		if (!ch->na || ch->kind != kind)
			continue;
		sb_add(out, n++ ? ", {\"id\": " : "{\"id\": ");
		json_add_string(out, ch->id);
		sb_add(out, ", \"reason\": ");
		json_add_string(out, ch->note);
		sb_add(out, ", \"by\": ");
		json_add_string(out, ch->by);
		sb_addf(out, ", \"by_config\": %s}", ch->na_config ? "true" : "false");
	}
	sb_add(out, "]");
}

static void feature_json(struct strbuf *out, const struct dash_feature *f)
{
	sb_addf(out, "{\"id\": %lld, \"key\": ", (long long)f->id);
	json_add_string(out, f->key);
	sb_add(out, ", \"title\": ");
	json_add_string(out, f->title);
	sb_add(out, ", \"size\": ");
	json_add_string(out, f->size);
	sb_add(out, ", \"owner\": ");
	json_add_string(out, f->owner);
	json_field_str(out, "service", f->service);
	sb_addf(out, ", \"phase\": \"%s\", \"phase_manual\": %s, \"phase_since\": ", f->phase,
		f->phase_manual ? "true" : "false");
	json_add_time(out, f->phase_since);
	sb_add(out, ", \"days_in_phase\": ");
	json_add_num(out, isnan(f->days_in_phase) ? NAN : floor(f->days_in_phase * 10) / 10);
	sb_add(out, ", \"expected_days\": ");
	if (isnan(f->expected_lo)) {
		sb_add(out, "null");
	} else {
		sb_add(out, "[");
		json_add_num(out, f->expected_lo);
		sb_add(out, ", ");
		json_add_num(out, f->expected_hi);
		sb_add(out, "]");
	}
	struct strbuf lab = STRBUF_INIT;
	present_days_label(&lab, f, false);
	json_field_str(out, "days_label", lab.len ? sb_str(&lab) : NULL);
	sb_free(&lab);
	unsigned flags = present_feature_flags(f);
	present_json_flags(out, flags);
	json_field_bool(out, "overdue", f->overdue);
	json_field_bool(out, "not_ready", f->not_ready);
	json_field_bool(out, "manual_stale", f->manual_stale);
	json_field_bool(out, "key_shared", f->key_shared);
	json_field_bool(out, "rolling_out", f->rolling_out);
	sb_add(out, ", \"stages\": ");
	snapshot_json_stages(out, &f->stages);
	sb_addf(out, ", \"planning\": {\"done\": %d, \"na\": %d, \"total\": %d, \"not_applicable\": ",
		f->planning_done, f->planning_na, f->planning_total);
	na_json(out, f, CHECKLIST_PLANNING);
	sb_addf(out, "}, \"predeploy\": {\"done\": %d, \"na\": %d, \"total\": %d, \"open\": [",
		f->predeploy_done, f->predeploy_na, f->predeploy_total);
	for (size_t i = 0; i < f->npredeploy_open; i++) {
		sb_add(out, i ? ", " : "");
		json_add_string(out, f->predeploy_open[i]);
	}
	sb_add(out, "], \"not_applicable\": ");
	na_json(out, f, CHECKLIST_PREDEPLOY);
	sb_addf(out, "}, \"gate\": \"%s\"}", f->gate_go ? "go" : "no-go");
}

static void snapshot_json(struct strbuf *out, const struct dash *d)
{
	char when[24];
	sb_addf(out, "{\n  \"schema\": \"%s\",\n  \"now\": \"%s\",\n  \"repository\": ", SNAPSHOT_SCHEMA,
		time_format_iso(d->now, when));
	json_add_string(out, d->repo_name);
	sb_addf(out, ",\n  \"window_days\": %d,\n  \"notes\": [", d->window_days);
	for (size_t i = 0; i < d->nnotes; i++) {
		sb_add(out, i ? ", " : "");
		json_add_string(out, d->notes[i]);
	}
	sb_add(out, "],\n  \"features\": [");
	for (size_t i = 0; i < d->nfeatures; i++) {
		sb_add(out, i ? ",\n    " : "\n    ");
		feature_json(out, &d->features[i]);
	}
	sb_add(out, d->nfeatures ? "\n  ]" : "]");
	if (d->has_health) {
		sb_add(out, ",\n  ");
		snapshot_builds_json(out, &d->health);
	}
	if (d->has_history) {
		sb_add(out, ",\n  ");
		snapshot_dora_json(out, d);
	}
	sb_add(out, ",\n  ");
	snapshot_ops_json(out, d);
	sb_add(out, "\n}\n");
}

void snapshot_render(struct strbuf *out, const struct dash *d, const struct render *r)
{
	switch (r->format) {
	case SNAP_JSON:
		snapshot_json(out, d);
		return;
	case SNAP_MARKDOWN:
		header_markdown(out, d);
		features_markdown(out, d, r);
		if (d->has_health)
			snapshot_builds_markdown(out, &d->health, r);
		if (d->has_history)
			snapshot_dora_markdown(out, d, r);
		snapshot_ops_text(out, d, r);
		return;
	case SNAP_TEXT: {
		struct strbuf text = STRBUF_INIT;
		header_text(&text, d, r);
		features_text(&text, d, r);
		if (d->has_health)
			snapshot_builds_text(&text, &d->health, r);
		if (d->has_history)
			snapshot_dora_text(&text, d, r);
		snapshot_ops_text(&text, d, r);
		/* Width is a promise (docs/security.md): a sentence around a long
		 * name, a word longer than the line, a wide character near the
		 * edge - whatever a section wrote, no line is wider than asked. */
		text_clip_lines(out, sb_str(&text), r->width, r->ascii);
		sb_free(&text);
		return;
	}
	}
}
