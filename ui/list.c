/* list — the one list engine: cursor, scrolling, search, filter and sort
 * for every pane, so each pane only says what its lines are. */
#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "text.h"

void list_clear(struct ui_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->lines[i].text);
		for (int k = 0; k < 3; k++)
			free(l->lines[i].sort[k]);
	}
	l->n = 0;
}

struct ui_line *list_add(struct ui_list *l, enum role role, bool selectable, int64_t id,
			 const char *fmt, ...)
{
	grow_array((void **)&l->lines, &l->cap, l->n + 1, sizeof *l->lines);
	struct ui_line *line = &l->lines[l->n++];
	memset(line, 0, sizeof *line);
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	line->text = sb_detach(&sb);
	line->role = role;
	line->selectable = selectable;
	line->id = id;
	return line;
}

static bool matches(const struct ui_line *line, const char *needle)
{
	return !*needle || strcasestr(line->text, needle) != NULL;
}

/* A line is shown unless the filter hides it (only selectable lines are
 * filtered: headings and summaries stay). */
static bool visible(const struct app *a, const struct ui_line *line)
{
	return !line->selectable || matches(line, a->filter);
}

const struct ui_line *list_current(const struct ui_list *l)
{
	if (l->cursor < l->n && l->lines[l->cursor].selectable)
		return &l->lines[l->cursor];
	return NULL;
}

/* Indexes of visible lines, in order; the caller frees. */
static size_t *visible_lines(const struct app *a, const struct ui_list *l, size_t *n)
{
	size_t *idx = xcalloc(l->n + 1, sizeof *idx);
	*n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (visible(a, &l->lines[i]))
			idx[(*n)++] = i;
	return idx;
}

static size_t position_of(const size_t *idx, size_t n, size_t line)
{
	for (size_t i = 0; i < n; i++)
		if (idx[i] >= line)
			return i;
	return n ? n - 1 : 0;
}

void list_keep_cursor_visible(struct ui_list *l, int height)
{
	if (height <= 0)
		return;
	if (l->cursor < l->top)
		l->top = l->cursor;
	else if (l->cursor >= l->top + (size_t)height)
		l->top = l->cursor - (size_t)height + 1;
}

void list_draw(struct app *a, struct ui_list *l, int y, int height)
{
	size_t n;
	size_t *idx = visible_lines(a, l, &n);
	size_t cur = position_of(idx, n, l->cursor);
	size_t top = position_of(idx, n, l->top);
	if (cur < top)
		top = cur;
	if (height > 0 && cur >= top + (size_t)height)
		top = cur - (size_t)height + 1;
	l->top = n ? idx[top] : 0;
	for (int row = 0; row < height; row++) {
		size_t p = top + (size_t)row;
		if (p >= n) {
			move(y + row, 0);
			clrtoeol();
			continue;
		}
		const struct ui_line *line = &l->lines[idx[p]];
		bool selected = line->selectable && idx[p] == l->cursor;
		draw_text(a, y + row, 0, COLS, selected ? ROLE_SELECTED : line->role, line->text);
	}
	free(idx);
}

/* Moves the cursor to the next selectable visible line in direction dir,
 * at most `steps` of them. */
static void move_cursor(struct app *a, struct ui_list *l, int dir, int steps)
{
	size_t at = l->cursor;
	for (long i = (long)l->cursor + dir; steps > 0 && i >= 0 && (size_t)i < l->n; i += dir) {
		if (l->lines[i].selectable && visible(a, &l->lines[i])) {
			at = (size_t)i;
			steps--;
		}
	}
	l->cursor = at;
}

/* Puts the cursor on a selectable line if it is not on one. */
void list_settle(struct app *a, struct ui_list *l)
{
	if (l->cursor < l->n && l->lines[l->cursor].selectable && visible(a, &l->lines[l->cursor]))
		return;
	size_t keep = l->cursor;
	l->cursor = 0;
	if (!(l->n && l->lines[0].selectable && visible(a, &l->lines[0])))
		move_cursor(a, l, 1, 1);
	if (!list_current(l))
		l->cursor = keep < l->n ? keep : 0;
}

static void search(struct app *a, struct ui_list *l, int dir)
{
	if (!a->search[0]) {
		app_status(a, false, "no search yet: press /");
		return;
	}
	for (size_t k = 1; k <= l->n; k++) {
		size_t i = (l->cursor + l->n + (size_t)dir * k) % l->n;
		if (l->lines[i].selectable && visible(a, &l->lines[i]) && matches(&l->lines[i], a->search)) {
			l->cursor = i;
			return;
		}
	}
	app_status(a, true, "not found: %s", a->search);
}

static int cmp_key;
static int by_sort_key(const void *x, const void *y)
{
	const struct ui_line *a = x, *b = y;
	const char *ka = a->sort[cmp_key] ? a->sort[cmp_key] : "";
	const char *kb = b->sort[cmp_key] ? b->sort[cmp_key] : "";
	return strcmp(ka, kb);
}

/* Sorts each run of consecutive selectable lines (a table) by the key. */
static void sort_runs(struct ui_list *l, int key)
{
	cmp_key = key;
	for (size_t i = 0; i < l->n;) {
		size_t j = i;
		while (j < l->n && l->lines[j].selectable)
			j++;
		if (j - i > 1)
			sort_array(&l->lines[i], j - i, sizeof *l->lines, by_sort_key);
		i = j == i ? i + 1 : j;
	}
}

void list_apply_sort(struct ui_list *l)
{
	if (l->sort > 0)
		sort_runs(l, l->sort - 1);
}

static void cycle_sort(struct app *a, struct ui_list *l)
{
	int next = l->sort + 1;
	while (next <= 3 && !l->sort_names[next - 1])
		next++;
	l->sort = next > 3 ? 0 : next;
	app_rebuild(a); /* rebuilds in the pane's own order, then applies l->sort */
	if (l->sort)
		app_status(a, false, "sorted by %s", l->sort_names[l->sort - 1]);
	else
		app_status(a, false, "in the pane's own order");
}

bool list_key(struct app *a, struct ui_list *l, enum action act, int height)
{
	list_settle(a, l);
	switch (act) {
	case ACT_UP: move_cursor(a, l, -1, 1); break;
	case ACT_DOWN: move_cursor(a, l, 1, 1); break;
	case ACT_PAGE_UP: move_cursor(a, l, -1, height > 1 ? height - 1 : 1); break;
	case ACT_PAGE_DOWN: move_cursor(a, l, 1, height > 1 ? height - 1 : 1); break;
	case ACT_TOP: l->cursor = 0; l->top = 0; list_settle(a, l); break;
	case ACT_BOTTOM: move_cursor(a, l, 1, (int)l->n); l->top = l->n; break;
	case ACT_SEARCH:
		if (app_prompt(a, "search: ", a->search, sizeof a->search))
			search(a, l, 1);
		break;
	case ACT_SEARCH_NEXT: search(a, l, 1); break;
	case ACT_SEARCH_PREV: search(a, l, -1); break;
	case ACT_FILTER:
		if (app_prompt(a, "filter: ", a->filter, sizeof a->filter))
			app_status(a, false, a->filter[0] ? "filter: %s" : "%sfilter cleared", a->filter);
		list_settle(a, l);
		break;
	case ACT_SORT:
		if (!l->sort_names[0]) {
			app_status(a, false, "nothing to sort here");
			break;
		}
		cycle_sort(a, l);
		break;
	default:
		return false;
	}
	return true;
}
