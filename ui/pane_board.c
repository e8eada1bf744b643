/* pane_board — the journey as columns (Planning … Shipped), a card per
 * feature: key, title, days in phase (overdue in the warning colour),
 * checklist progress and the no-go marker, with what needs attention on top.
 * h/l move between columns, j/k within one, Enter opens the feature. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "phase.h"
#include "text.h"
#include "tui.h"

#define CARD_LINES 3

static int by_days(const void *x, const void *y)
{
	const struct dash_feature *a = *(const struct dash_feature *const *)x;
	const struct dash_feature *b = *(const struct dash_feature *const *)y;
	double da = isnan(a->days_in_phase) ? -1 : a->days_in_phase;
	double db = isnan(b->days_in_phase) ? -1 : b->days_in_phase;
	return (da < db) - (da > db);
}

static int by_title(const void *x, const void *y)
{
	const struct dash_feature *a = *(const struct dash_feature *const *)x;
	const struct dash_feature *b = *(const struct dash_feature *const *)y;
	return strcasecmp(a->title, b->title);
}

static void sort_column(int mode, const struct dash_feature **f, size_t n)
{
	if (mode == 1)
		sort_array(f, n, sizeof *f, by_days);
	else if (mode == 2)
		sort_array(f, n, sizeof *f, by_title);
}

/* The features of one phase column, in board order (filtered, sorted);
 * *n gets their number; the caller frees the array. */
static const struct dash_feature **column(const struct app *a, int col, size_t *n)
{
	const struct dash_feature **out = xcalloc(a->d.nfeatures + 1, sizeof *out);
	*n = 0;
	for (size_t i = 0; i < a->d.nfeatures; i++) {
		const struct dash_feature *f = &a->d.features[i];
		if (!streq(f->phase, phase_id((enum phase)col)))
			continue;
		if (a->filter[0] && !strcasestr(f->title, a->filter) && !(f->key && strcasestr(f->key, a->filter)))
			continue;
		out[(*n)++] = f;
	}
	sort_column(a->board_sort, out, *n);
	return out;
}

static bool needs_attention(const struct dash_feature *f)
{
	return f->overdue || f->not_ready || f->manual_stale ||
	       (!f->gate_go && (streq(f->phase, "testing") || streq(f->phase, "deployment")));
}

static void attention_line(struct app *a, int y)
{
	struct strbuf sb = STRBUF_INIT;
	int n = 0;
	for (size_t i = 0; i < a->d.nfeatures; i++) {
		const struct dash_feature *f = &a->d.features[i];
		if (!needs_attention(f))
			continue;
		sb_add(&sb, n++ ? ", " : "");
		sb_add_clean(&sb, f->key ? f->key : f->title);
		sb_add(&sb, f->overdue ? " overdue" : f->not_ready ? " not ready" : f->manual_stale ? " stale phase" : " no-go");
	}
	struct strbuf line = STRBUF_INIT;
	if (a->d.open_incidents)
		sb_addf(&line, "%zu OPEN INCIDENT%s (5)  ", a->d.open_incidents, a->d.open_incidents > 1 ? "S" : "");
	if (a->d.reviews_overdue)
		sb_addf(&line, "%zu overdue review%s  ", a->d.reviews_overdue, a->d.reviews_overdue > 1 ? "s" : "");
	n += (int)(a->d.open_incidents + a->d.reviews_overdue);
	if (n > (int)(a->d.open_incidents + a->d.reviews_overdue))
		sb_addf(&line, "Needs attention: %s", sb_str(&sb));
	else if (n)
		sb_add(&line, "Needs attention");
	else
		sb_add(&line, a->d.nfeatures ? "Nothing needs attention." : "No features yet: shipdeck feature add TITLE --key K --branch B");
	if (a->d.has_window)
		sb_addf(&line, "   Window: %s", window_verdict_id(a->d.window.verdict));
	draw_text(a, y, 0, COLS, n ? ROLE_WARN : ROLE_GOOD, sb_str(&line));
	sb_free(&sb);
	sb_free(&line);
}

static void progress(struct strbuf *sb, const struct dash_feature *f, bool ascii)
{
	if (!isnan(f->days_in_phase)) {
		sb_addf(sb, "d%d", (int)floor(f->days_in_phase) + 1);
		if (!isnan(f->expected_hi) && f->expected_hi >= 1)
			sb_addf(sb, "/%g", f->expected_hi);
	}
	sb_addf(sb, " P%d/%d D%d/%d", f->planning_done, f->planning_total, f->predeploy_done,
		f->predeploy_total);
	(void)ascii;
}

static void draw_card(struct app *a, int y, int x, int w, const struct dash_feature *f, bool selected)
{
	struct strbuf head = STRBUF_INIT, tail = STRBUF_INIT;
	sb_add_clean(&head, f->key ? f->key : "");
	if (!f->gate_go && (streq(f->phase, "testing") || streq(f->phase, "deployment")))
		sb_add(&head, a->ascii ? " [no-go]" : " \xe2\x9c\x97no-go");
	if (f->phase_manual)
		sb_add(&head, " (manual)");
	progress(&tail, f, a->ascii);
	enum role base = selected ? ROLE_SELECTED : ROLE_NORMAL;
	draw_text(a, y, x, w, selected ? ROLE_SELECTED : ROLE_ACCENT, sb_str(&head));
	draw_text(a, y + 1, x, w, base, f->title);
	draw_text(a, y + 2, x, w, selected ? ROLE_SELECTED : f->overdue ? ROLE_WARN : ROLE_DIM, sb_str(&tail));
	sb_free(&head);
	sb_free(&tail);
}

static void clamp_cursor(struct app *a)
{
	if (a->board_col < 0)
		a->board_col = 0;
	if (a->board_col >= PHASE_COUNT)
		a->board_col = PHASE_COUNT - 1;
	size_t n;
	free(column(a, a->board_col, &n));
	if (a->board_row >= (int)n)
		a->board_row = (int)n - 1;
	if (a->board_row < 0)
		a->board_row = 0;
}

static void draw_column(struct app *a, int c, int y, int height, int x, int w)
{
	size_t n;
	const struct dash_feature **col = column(a, c, &n);
	char title[64];
	snprintf(title, sizeof title, "%s (%zu)", phase_name((enum phase)c), n);
	draw_text(a, y, x, w, ROLE_HEADING, title);
	int fit = (height - 1) / (CARD_LINES + 1);
	int first = c == a->board_col && a->board_row >= fit ? a->board_row - fit + 1 : 0;
	for (int row = 1; row < height; row++) {
		move(y + row, x);
		for (int k = 0; k < w; k++)
			addch(' ');
	}
	for (int i = 0; i < fit && (size_t)(first + i) < n; i++)
		draw_card(a, y + 1 + i * (CARD_LINES + 1), x, w, col[first + i],
			  c == a->board_col && first + i == a->board_row);
	if ((size_t)(first + fit) < n)
		draw_text(a, y + height - 1, x, w, ROLE_DIM, a->ascii ? "  v more" : "  \xe2\x86\x93 more");
	free(col);
}

static void draw_body(struct app *a, int y, int height)
{
	clamp_cursor(a);
	attention_line(a, y);
	int w = COLS / PHASE_COUNT;
	for (int c = 0; c < PHASE_COUNT; c++)
		draw_column(a, c, y + 1, height - 1, c * w, w - 1);
}

/* The feature under the cursor, or NULL. */
static const struct dash_feature *selected(const struct app *a)
{
	size_t n;
	const struct dash_feature **col = column(a, a->board_col, &n);
	const struct dash_feature *f = a->board_row >= 0 && (size_t)a->board_row < n ? col[a->board_row] : NULL;
	free(col);
	return f;
}

int64_t board_selected_id(const struct app *a)
{
	const struct dash_feature *f = selected(a);
	return f ? f->id : -1;
}

static bool matches(const struct dash_feature *f, const char *needle)
{
	return strcasestr(f->title, needle) || (f->key && strcasestr(f->key, needle));
}

/* Moves to the next feature (in board order: column by column, wrapping)
 * whose key or title matches. */
static void search(struct app *a, int dir)
{
	if (!a->search[0])
		return;
	const struct dash_feature **cols[PHASE_COUNT];
	size_t n[PHASE_COUNT], total = 0;
	for (int c = 0; c < PHASE_COUNT; c++) {
		cols[c] = column(a, c, &n[c]);
		total += n[c];
	}
	/* walk the cards as one ring: (column, row) in board order; with no
	 * card at all there is no ring to walk */
	int c = a->board_col, r = a->board_row;
	bool found = false;
	for (size_t k = 0; total && k < total + PHASE_COUNT && !found; k++) {
		r += dir;
		while (r < 0 || (size_t)r >= n[c]) {
			c = (c + (dir > 0 ? 1 : PHASE_COUNT - 1)) % PHASE_COUNT;
			r = dir > 0 ? 0 : (int)n[c] - 1;
			if (n[c])
				break;
		}
		if (n[c] && matches(cols[c][r], a->search)) {
			a->board_col = c;
			a->board_row = r;
			found = true;
		}
	}
	for (int i = 0; i < PHASE_COUNT; i++)
		free(cols[i]);
	if (!found)
		app_status(a, true, "not found: %s", a->search);
}

static bool key(struct app *a, enum action act)
{
	const struct dash_feature *f;
	switch (act) {
	case ACT_LEFT: a->board_col--; break;
	case ACT_RIGHT: a->board_col++; break;
	case ACT_UP: a->board_row--; break;
	case ACT_DOWN: a->board_row++; break;
	case ACT_TOP: a->board_row = 0; break;
	case ACT_BOTTOM: a->board_row = (int)a->d.nfeatures; break; /* clamped below */
	case ACT_PAGE_UP: a->board_row -= 4; break;
	case ACT_PAGE_DOWN: a->board_row += 4; break;
	case ACT_ENTER:
		if ((f = selected(a))) {
			a->feature_id = f->id;
			app_rebuild(a);
			app_switch(a, PANE_FEATURE);
		}
		break;
	case ACT_SEARCH:
		if (app_prompt(a, "search: ", a->search, sizeof a->search))
			search(a, 1);
		break;
	case ACT_SEARCH_NEXT: search(a, 1); break;
	case ACT_SEARCH_PREV: search(a, -1); break;
	case ACT_FILTER:
		app_prompt(a, "filter: ", a->filter, sizeof a->filter);
		break;
	case ACT_SORT: {
		static const char *const names[] = {"as recorded", "longest in phase first", "title"};
		a->board_sort = (a->board_sort + 1) % 3;
		app_status(a, false, "cards sorted %s%s", a->board_sort ? "by " : "", names[a->board_sort]);
		break;
	}
	default:
		return false;
	}
	clamp_cursor(a);
	return true;
}

const struct pane_ops pane_board = {"board", "Board", NULL, NULL, key, draw_body};
