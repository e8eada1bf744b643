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
		for (size_t k = 0; k < ARRAY_SIZE(l->lines[i].cells); k++)
			free(l->lines[i].cells[k].text);
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

struct ui_line *list_add_more(struct ui_list *l, enum role role, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	struct ui_line *line = list_add(l, role, false, 0, "%s", sb_str(&sb));
	line->follows = true;
	sb_free(&sb);
	return line;
}

/* Adds one wrapped line per screen-width chunk of words. */
void list_add_wrapped(struct ui_list *l, enum role role, int indent, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	size_t n;
	char **lines = draw_wrap(sb_str(&sb), COLS > 20 ? COLS - 1 : 79, indent, &n);
	sb_free(&sb);
	for (size_t i = 0; i < n; i++) {
		list_add(l, role, false, 0, "%s", lines[i]);
		free(lines[i]);
	}
	free(lines);
}

/* Searches and filters read the line as shown: FLEX marks are not text. */
static bool matches(const struct ui_line *line, const char *needle)
{
	if (!*needle)
		return true;
	char *plain = xstrdup(line->text);
	size_t o = 0;
	for (const char *s = plain; *s; s++)
		if (*s != FLEX_ON[0] && *s != FLEX_OFF[0])
			plain[o++] = *s;
	plain[o] = '\0';
	bool found = strcasestr(plain, needle) != NULL;
	free(plain);
	return found;
}

/* A line is shown unless the list's filter hides it (only selectable lines
 * are filtered: headings and summaries stay). */
bool list_visible(const struct ui_list *l, const struct ui_line *line)
{
	while (line->follows && line > l->lines)
		line--; /* a continuation is shown with the line it continues */
	return !line->selectable || matches(line, l->filter);
}

static bool visible(const struct ui_list *l, const struct ui_line *line)
{
	return list_visible(l, line);
}

const struct ui_line *list_current(const struct ui_list *l)
{
	if (l->cursor < l->n && l->lines[l->cursor].selectable)
		return &l->lines[l->cursor];
	return NULL;
}

/* Indexes of visible lines, in order; the caller frees. */
static size_t *visible_lines(const struct ui_list *l, size_t *n)
{
	size_t *idx = xcalloc(l->n + 1, sizeof *idx);
	*n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (visible(l, &l->lines[i]))
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
	size_t *idx = visible_lines(l, &n);
	size_t cur = position_of(idx, n, l->cursor);
	size_t top = position_of(idx, n, l->top);
	if (cur < top)
		top = cur;
	if (height > 0 && cur >= top + (size_t)height)
		top = cur - (size_t)height + 1;
	/* the lines that continue the cursor's line come into view with it (a
	 * service's scorecard under its title), as far as the page allows */
	size_t last = cur;
	while (last + 1 < n && l->lines[idx[last + 1]].follows)
		last++;
	if (height > 0 && last >= top + (size_t)height)
		top = last - (size_t)height + 1 < cur ? last - (size_t)height + 1 : cur;
	/* never scroll past a full last page (G used to leave one line shown,
	 * and still did when the whole list fits the page) */
	if (height > 0 && top + (size_t)height > n)
		top = n > (size_t)height ? n - (size_t)height : 0;
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
		for (size_t k = 0; k < ARRAY_SIZE(line->cells) && !selected; k++) {
			const struct ui_cell *c = &line->cells[k];
			if (c->text && c->col < COLS)
				draw_text(a, y + row, c->col, c->width < COLS - c->col ? c->width : COLS - c->col,
					  c->role, c->text);
		}
	}
	free(idx);
}

/* Moves the cursor to the next selectable visible line in direction dir,
 * at most `steps` of them. */
static void move_cursor(struct ui_list *l, int dir, int steps)
{
	size_t at = l->cursor;
	for (long i = (long)l->cursor + dir; steps > 0 && i >= 0 && (size_t)i < l->n; i += dir) {
		if (l->lines[i].selectable && visible(l, &l->lines[i])) {
			at = (size_t)i;
			steps--;
		}
	}
	l->cursor = at;
}

/* Puts the cursor on a selectable line if it is not on one. */
void list_settle(struct app *a, struct ui_list *l)
{
	(void)a;
	if (l->cursor < l->n && l->lines[l->cursor].selectable && visible(l, &l->lines[l->cursor]))
		return;
	size_t keep = l->cursor;
	l->cursor = 0;
	if (!(l->n && l->lines[0].selectable && visible(l, &l->lines[0])))
		move_cursor(l, 1, 1);
	if (!list_current(l))
		l->cursor = keep < l->n ? keep : 0;
}

bool list_search(struct ui_list *l, int dir)
{
	for (size_t k = 1; k <= l->n; k++) {
		size_t i = (l->cursor + l->n + (size_t)dir * k) % l->n;
		if (l->lines[i].selectable && visible(l, &l->lines[i]) && matches(&l->lines[i], l->search)) {
			l->cursor = i;
			return true;
		}
	}
	return false;
}

/* A row of a table: a selectable line and the lines that continue it. */
struct row {
	size_t start, len;
	const char *key;
};

static int by_sort_key(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	return c ? c : (a->start > b->start) - (a->start < b->start); /* stable */
}

/* Sorts the rows of one table (lines[i..] while rows go on); returns the
 * index after it. */
static size_t sort_table(struct ui_list *l, size_t i, int key)
{
	struct row *rows = xcalloc(l->n, sizeof *rows);
	size_t n = 0, j = i;
	while (j < l->n && l->lines[j].selectable) {
		rows[n] = (struct row){j, 1, l->lines[j].sort[key] ? l->lines[j].sort[key] : ""};
		for (j++; j < l->n && l->lines[j].follows; j++)
			rows[n].len++;
		n++;
	}
	sort_array(rows, n, sizeof *rows, by_sort_key);
	struct ui_line *copy = xcalloc(j - i, sizeof *copy);
	size_t o = 0;
	for (size_t r = 0; r < n; r++)
		for (size_t k = 0; k < rows[r].len; k++)
			copy[o++] = l->lines[rows[r].start + k];
	memcpy(&l->lines[i], copy, (j - i) * sizeof *copy);
	free(copy);
	free(rows);
	return j;
}

/* Sorts each table (a run of selectable lines and their continuations)
 * by the key. */
static void sort_runs(struct ui_list *l, int key)
{
	for (size_t i = 0; i < l->n;)
		i = l->lines[i].selectable ? sort_table(l, i, key) : i + 1;
}

void list_apply_sort(struct ui_list *l)
{
	if (l->sort > 0)
		sort_runs(l, l->sort - 1);
}

const char *list_next_sort(struct ui_list *l)
{
	int next = l->sort + 1;
	while (next <= 3 && !l->sort_names[next - 1])
		next++;
	l->sort = next > 3 ? 0 : next;
	return l->sort ? l->sort_names[l->sort - 1] : NULL;
}

bool list_move(struct ui_list *l, enum action act, int height)
{
	list_settle(NULL, l);
	switch (act) {
	case ACT_UP: move_cursor(l, -1, 1); break;
	case ACT_DOWN: move_cursor(l, 1, 1); break;
	case ACT_PAGE_UP: move_cursor(l, -1, height > 1 ? height - 1 : 1); break;
	case ACT_PAGE_DOWN: move_cursor(l, 1, height > 1 ? height - 1 : 1); break;
	case ACT_TOP: l->cursor = 0; l->top = 0; list_settle(NULL, l); break;
	case ACT_BOTTOM: move_cursor(l, 1, (int)l->n); l->top = l->n; break;
	default: return false;
	}
	return true;
}
