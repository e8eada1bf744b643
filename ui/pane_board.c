/* pane_board — the journey as columns (Planning … Shipped), a card per
 * feature: key, title, days in phase (overdue in the warning colour),
 * checklist progress and the no-go marker, with what needs attention on top
 * and a legend of the card's abbreviations at the bottom (and in ?).
 * h/l move between columns, j/k within one, Enter opens the feature. On a
 * narrow screen a card takes four lines so that its figures stay whole. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "phase.h"
#include "present.h"
#include "text.h"
#include "tui.h"

/* The pane's own state: the cursor (column, card) and the sort order. */
struct board_state {
	int col, row;
	int sort;               /* 0: as recorded, 1: longest in phase, 2: title */
};

/* The card legend at the board's foot: it fits in 80 columns; ? says more. */
static const char legend[] = "d6/28 day 6 of 28 in phase  P/D planning/pre-deploy ticks";

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

/* A card matches a search or filter by its title, its key or, when the
 * card shows it, its service. */
static bool matches(const struct app *a, const struct dash_feature *f, const char *needle)
{
	return strcasestr(f->title, needle) || (f->key && strcasestr(f->key, needle)) ||
	       (a->d.team && f->service && strcasestr(f->service, needle));
}

/* The features of one phase column, in board order (filtered, sorted);
 * *n gets their number; the caller frees the array. */
static const struct dash_feature **column(struct app *a, int col, size_t *n)
{
	const struct board_state *s = app_pane_state(a, PANE_BOARD);
	const char *filter = a->panes[PANE_BOARD].list.filter;
	const struct dash_feature **out = xcalloc(a->d.nfeatures + 1, sizeof *out);
	*n = 0;
	for (size_t i = 0; i < a->d.nfeatures; i++) {
		const struct dash_feature *f = &a->d.features[i];
		if (!streq(f->phase, phase_id((enum phase)col)))
			continue;
		if (filter[0] && !matches(a, f, filter))
			continue;
		out[(*n)++] = f;
	}
	sort_column(s->sort, out, *n);
	return out;
}

/* Decided in present.c, so the board counts what the snapshot lists. */
static bool needs_attention(const struct dash_feature *f)
{
	return present_feature_needs_attention(f);
}

/* The first attention flag's word: "overdue", "not-ready", "stale-phase", "no-go". */
static const char *attention_word(const struct dash_feature *f)
{
	unsigned flags = present_feature_flags(f) & FLAGS_ATTENTION;
	for (int k = 0; k < FLAG_COUNT; k++)
		if (flags & (1u << k))
			return present_flag_word((enum feature_flag)k);
	return "";
}

/* Draws what needs attention: the open incidents and overdue reviews (and
 * the pane they are in), the features, the window verdict. On one line when
 * it fits (the features' list gives way first), else the features go on a
 * second line; returns the lines used. */
static int attention_line(struct app *a, int y)
{
	struct strbuf sb = STRBUF_INIT;
	int n = 0;
	for (size_t i = 0; i < a->d.nfeatures; i++) {
		const struct dash_feature *f = &a->d.features[i];
		if (!needs_attention(f))
			continue;
		sb_add(&sb, n++ ? ", " : "");
		sb_add_clean(&sb, f->key ? f->key : f->title);
		sb_addf(&sb, " %s", attention_word(f));
	}
	struct strbuf ops = STRBUF_INIT, rest = STRBUF_INIT, window = STRBUF_INIT;
	struct attention at;
	present_attention(&a->d, &at);
	present_attention_ops(&ops, &at);
	if (ops.len) { /* say where they are in words, and the key in force */
		char key[16];
		app_action_key(a, ACT_PANE_DEPLOYS, key, sizeof key);
		sb_addf(&ops, " (in %s%s%s)", a->panes[PANE_DEPLOYS].ops->title, key[0] ? ", key " : "", key);
	}
	struct strbuf notes = STRBUF_INIT;
	if (a->d.nnotes) { /* the snapshot's notes, listed in the DORA pane */
		char key[16];
		app_action_key(a, ACT_PANE_DORA, key, sizeof key);
		sb_addf(&notes, "%zu note%s (in %s%s%s)", a->d.nnotes, a->d.nnotes == 1 ? "" : "s",
			a->panes[PANE_DORA].ops->title, key[0] ? ", key " : "", key);
	}
	if (n)
		sb_addf(&rest, "Needs attention: " FLEX("%s"), sb_str(&sb));
	else if (!ops.len && !notes.len)
		sb_add(&rest, a->d.nfeatures ? "Nothing needs attention." : "No features yet: shipdeck feature add TITLE --key K --branch B");
	if (notes.len)
		sb_addf(&rest, "%s%s", rest.len ? "  " : "", sb_str(&notes));
	if (a->d.has_window)
		sb_addf(&window, "   Window: %s", window_verdict_id(a->d.window.verdict));
	enum role r = n || ops.len || notes.len ? ROLE_WARN : ROLE_GOOD;
	int used = 1;
	struct strbuf line = STRBUF_INIT;
	sb_addf(&line, "%s%s%s", sb_str(&ops), ops.len && rest.len ? "  " : "", sb_str(&rest));
	/* the features' list may shrink to a dozen columns; the rest stays whole */
	int rest_min = n ? 17 + 12 + (notes.len ? 2 + text_width(sb_str(&notes)) : 0) : text_width(sb_str(&rest));
	if (ops.len && rest.len && text_width(sb_str(&ops)) + 2 + rest_min + text_width(sb_str(&window)) > COLS) {
		sb_reset(&line);
		sb_addf(&line, "%s%s", sb_str(&ops), sb_str(&window));
		draw_text(a, y + used++, 2, COLS - 2, r, sb_str(&rest));
	} else {
		sb_add(&line, sb_str(&window));
	}
	draw_text(a, y, 0, COLS, r, sb_str(&line));
	sb_free(&sb);
	sb_free(&ops);
	sb_free(&notes);
	sb_free(&rest);
	sb_free(&window);
	sb_free(&line);
	return used;
}

/* "d6/28": day 6 in this phase, 28 days expected at most (the legend). */
static void days(struct strbuf *sb, const struct dash_feature *f)
{
	if (isnan(f->days_in_phase))
		return;
	sb_addf(sb, "d%d", (int)floor(f->days_in_phase) + 1);
	if (!isnan(f->expected_hi) && f->expected_hi >= 1)
		sb_addf(sb, "/%g", f->expected_hi);
}

static void checklists(struct strbuf *sb, const struct dash_feature *f)
{
	sb_addf(sb, "P%d/%d D%d/%d", f->planning_done, f->planning_total, f->predeploy_done,
		f->predeploy_total);
}

/* Lines a card takes: three when every card's days and checklists fit on
 * one line, four when not (80 columns), so no figure is cut. */
static int card_lines(const struct app *a, int w)
{
	for (size_t i = 0; i < a->d.nfeatures; i++) {
		struct strbuf sb = STRBUF_INIT;
		days(&sb, &a->d.features[i]);
		sb_add(&sb, " ");
		checklists(&sb, &a->d.features[i]);
		bool fits = text_width(sb_str(&sb)) <= w;
		sb_free(&sb);
		if (!fits)
			return 4;
	}
	return 3;
}

/* A service tag is cut no narrower than this ("[a…]"), so it keeps a
 * letter; the key gives way instead (docs/metrics.md §13). */
#define TAG_MIN 4

/* The card's service as a tag, "[api]" ("[-]": in no service), when the
 * board holds several services' features; NULL with one service. */
static char *service_tag(const struct app *a, const struct dash_feature *f)
{
	if (!a->d.team)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	present_service_tag(&sb, f->service);
	return sb_detach(&sb);
}

/* The tag cut to `room` columns by display width: "[billing]", "[bil…]". */
static void fit_tag(struct strbuf *out, const char *name, int room, bool ascii)
{
	sb_addc(out, '[');
	if (text_width(name) + 2 <= room)
		sb_add(out, name);
	else
		text_fit(out, name, room - 2, false, ascii);
	sb_addc(out, ']');
}

/* The card's first line: its key, then its marks, and on the right its
 * service's tag with several services. The marks are words when they fit
 * and single characters (in the legend) when not; the tag is cut first
 * (down to TAG_MIN), then the key. *tag gets the tag part, drawn apart. */
static void card_head(const struct app *a, struct strbuf *head, struct strbuf *tag,
		      const struct dash_feature *f, int w)
{
	bool no_go = present_feature_flags(f) & (1u << FLAG_NO_GO);
	char *key = text_clean(f->key ? f->key : "", TEXT_ONE_LINE);
	char *name = service_tag(a, f);
	int key_w = text_width(key);
	int tag_w = name ? text_width(name) + 2 : 0;
	int tag_min = name ? 1 + (tag_w < TAG_MIN ? tag_w : TAG_MIN) : 0;
	const char *nogo_word = a->ascii ? " [no-go]" : " \xe2\x9c\x97no-go";
	int words = (no_go ? text_width(nogo_word) : 0) + (f->phase_manual ? 9 : 0);
	bool short_marks = key_w + words + tag_min > w;
	int marks_w = short_marks ? (no_go ? 2 : 0) + (f->phase_manual ? 2 : 0) : words;
	if (name && key_w + marks_w + tag_min > w) {
		key_w = w - marks_w - tag_min; /* the key gives way, cut by display width */
		text_fit(head, key, key_w > 0 ? key_w : 0, false, a->ascii);
	} else {
		sb_add(head, key);
	}
	if (no_go)
		sb_add(head, short_marks ? (a->ascii ? " x" : " \xe2\x9c\x97") : nogo_word);
	if (f->phase_manual)
		sb_add(head, short_marks ? " *" : " (manual)");
	if (name) {
		int room = w - text_width(sb_str(head)) - 1; /* a space before the tag */
		fit_tag(tag, name, room < tag_w ? room : tag_w, a->ascii);
	}
	free(name);
	free(key);
}

static void draw_card(struct app *a, int y, int x, int w, int lines, const struct dash_feature *f,
		      bool selected)
{
	struct strbuf head = STRBUF_INIT, tag = STRBUF_INIT, d = STRBUF_INIT, c = STRBUF_INIT;
	card_head(a, &head, &tag, f, w);
	days(&d, f);
	checklists(&c, f);
	enum role base = selected ? ROLE_SELECTED : ROLE_NORMAL;
	enum role figures = selected ? ROLE_SELECTED : f->overdue ? ROLE_WARN : ROLE_DIM;
	int tag_w = text_width(sb_str(&tag));
	draw_text(a, y, x, w - tag_w, selected ? ROLE_SELECTED : ROLE_ACCENT, sb_str(&head));
	if (tag_w)
		draw_text(a, y, x + w - tag_w, tag_w, selected ? ROLE_SELECTED : ROLE_DIM, sb_str(&tag));
	draw_text(a, y + 1, x, w, base, f->title);
	if (lines == 3) {
		sb_addf(&d, "%s%s", d.len ? " " : "", sb_str(&c));
		draw_text(a, y + 2, x, w, figures, sb_str(&d));
	} else {
		draw_text(a, y + 2, x, w, figures, sb_str(&d));
		draw_text(a, y + 3, x, w, figures, sb_str(&c));
	}
	sb_free(&head);
	sb_free(&tag);
	sb_free(&d);
	sb_free(&c);
}

static void clamp_cursor(struct app *a, struct board_state *s)
{
	if (s->col < 0)
		s->col = 0;
	if (s->col >= PHASE_COUNT)
		s->col = PHASE_COUNT - 1;
	size_t n;
	free(column(a, s->col, &n));
	if (s->row >= (int)n)
		s->row = (int)n - 1;
	if (s->row < 0)
		s->row = 0;
}

static void draw_column(struct app *a, const struct board_state *s, int c, int y, int height, int x, int w,
			int lines)
{
	size_t n;
	const struct dash_feature **col = column(a, c, &n);
	char title[64];
	/* the phase's name gives way before its count */
	snprintf(title, sizeof title, FLEX("%s") " (%zu)", phase_name((enum phase)c), n);
	draw_text(a, y, x, w, ROLE_HEADING, title);
	int fit = (height - 1) / (lines + 1);
	int first = c == s->col && s->row >= fit ? s->row - fit + 1 : 0;
	for (int i = 0; i < fit && (size_t)(first + i) < n; i++)
		draw_card(a, y + 1 + i * (lines + 1), x, w, lines, col[first + i],
			  c == s->col && first + i == s->row);
	if ((size_t)(first + fit) < n)
		draw_text(a, y + height - 1, x, w, ROLE_DIM, a->ascii ? "  v more" : "  \xe2\x86\x93 more");
	free(col);
}

static void draw_legend(struct app *a, int y)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s  %s no-go  * manual", legend, a->ascii ? "x" : "\xe2\x9c\x97");
	draw_text(a, y, 0, COLS, ROLE_DIM, sb_str(&sb));
	sb_free(&sb);
}

static void draw_body(struct app *a, struct pane *p, int y, int height)
{
	struct board_state *s = p->state;
	clamp_cursor(a, s);
	int top = attention_line(a, y);
	int w = COLS / PHASE_COUNT;
	int lines = card_lines(a, w - 1);
	for (int c = 0; c < PHASE_COUNT; c++)
		draw_column(a, s, c, y + top, height - top - 1, c * w, w - 1, lines);
	draw_legend(a, y + height - 1);
}

/* The legend in the help pane. */
static void help(struct app *a, struct ui_list *l)
{
	char key[16];
	app_action_key(a, ACT_PANE_BOARD, key, sizeof key);
	list_add(l, ROLE_HEADING, false, 0, "Board cards (key %s)", key[0] ? key : "none");
	list_add_wrapped(l, ROLE_NORMAL, 8, "  key     then its marks: %s no-go (the gate says no; the word when it fits), * phase set by hand (manual)",
			 a->ascii ? "x" : "\xe2\x9c\x97");
	list_add_wrapped(l, ROLE_NORMAL, 8, "  [api]   on the right, with several services: the service it belongs to ([-]: none)");
	list_add(l, ROLE_NORMAL, false, 0, "  title");
	list_add_wrapped(l, ROLE_NORMAL, 8, "  d6/28   day 6 in the current phase; 28 days is the most its size should take");
	list_add_wrapped(l, ROLE_NORMAL, 8, "  P5/7    planning checklist: 5 of 7 items ticked (is the story ready?)");
	list_add_wrapped(l, ROLE_NORMAL, 8, "  D0/8    pre-deployment checklist: 0 of 8 items ticked");
	list_add_wrapped(l, ROLE_NORMAL, 2, "  figures in the warning colour: the feature is overdue in its phase");
}

/* The feature under the cursor, or NULL. */
static const struct dash_feature *selected(struct app *a)
{
	const struct board_state *s = app_pane_state(a, PANE_BOARD);
	size_t n;
	const struct dash_feature **col = column(a, s->col, &n);
	const struct dash_feature *f = s->row >= 0 && (size_t)s->row < n ? col[s->row] : NULL;
	free(col);
	return f;
}

static int64_t board_selected_id(struct app *a, struct pane *p)
{
	(void)p;
	const struct dash_feature *f = selected(a);
	return f ? f->id : -1;
}


/* Moves to the next feature (in board order: column by column, wrapping)
 * whose key or title matches. */
static void search(struct app *a, struct board_state *s, const char *needle, int dir)
{
	if (!needle[0])
		return;
	const struct dash_feature **cols[PHASE_COUNT];
	size_t n[PHASE_COUNT], total = 0;
	for (int c = 0; c < PHASE_COUNT; c++) {
		cols[c] = column(a, c, &n[c]);
		total += n[c];
	}
	/* walk the cards as one ring: (column, row) in board order; with no
	 * card at all there is no ring to walk */
	int c = s->col, r = s->row;
	bool found = false;
	for (size_t k = 0; total && k < total + PHASE_COUNT && !found; k++) {
		r += dir;
		while (r < 0 || (size_t)r >= n[c]) {
			c = (c + (dir > 0 ? 1 : PHASE_COUNT - 1)) % PHASE_COUNT;
			r = dir > 0 ? 0 : (int)n[c] - 1;
			if (n[c])
				break;
		}
		if (n[c] && matches(a, cols[c][r], needle)) {
			s->col = c;
			s->row = r;
			found = true;
		}
	}
	for (int i = 0; i < PHASE_COUNT; i++)
		free(cols[i]);
	if (!found)
		app_status(a, true, "not found: %s", needle);
}

static bool key(struct app *a, struct pane *p, enum action act)
{
	struct board_state *s = p->state;
	struct ui_list *l = &p->list;
	const struct dash_feature *f;
	switch (act) {
	case ACT_LEFT: s->col--; break;
	case ACT_RIGHT: s->col++; break;
	case ACT_UP: s->row--; break;
	case ACT_DOWN: s->row++; break;
	case ACT_TOP: s->row = 0; break;
	case ACT_BOTTOM: s->row = (int)a->d.nfeatures; break; /* clamped below */
	case ACT_PAGE_UP: s->row -= 4; break;
	case ACT_PAGE_DOWN: s->row += 4; break;
	case ACT_ENTER:
		if ((f = selected(a))) {
			a->feature_id = f->id;
			app_rebuild(a);
			app_switch(a, PANE_FEATURE);
		}
		break;
	case ACT_SEARCH:
		if (app_prompt(a, "search: ", l->search, sizeof l->search))
			search(a, s, l->search, 1);
		break;
	case ACT_SEARCH_NEXT: search(a, s, l->search, 1); break;
	case ACT_SEARCH_PREV: search(a, s, l->search, -1); break;
	case ACT_FILTER:
		/* the status bar shows the filter while it is on */
		if (app_prompt(a, "filter: ", l->filter, sizeof l->filter) && !l->filter[0])
			app_status(a, false, "filter cleared");
		break;
	case ACT_SORT: {
		static const char *const names[] = {"as recorded", "longest in phase first", "title"};
		s->sort = (s->sort + 1) % 3;
		app_status(a, false, "cards sorted %s%s", s->sort ? "by " : "", names[s->sort]);
		break;
	}
	default:
		return false;
	}
	clamp_cursor(a, s);
	return true;
}

const struct pane_ops pane_board = {
	.title = "Board",
	.state_size = sizeof(struct board_state),
	.key = key,
	.draw_body = draw_body,
	.help = help,
	.selected_feature = board_selected_id,
};
