/* draw — colours, clipped text, sparklines and bars. Every role has a
 * monochrome look too (NO_COLOR, --no-color, vt100), so nothing is told by
 * colour alone. */
#include <ctype.h>
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "present.h"
#include "tui.h"
#include "text.h"

static const struct {
	short fg, bg;
	attr_t mono;            /* the look without colour */
	attr_t extra;           /* added in colour too */
} roles[ROLE_COUNT] = {
	[ROLE_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
	[ROLE_BAR] = {COLOR_WHITE, COLOR_BLUE, A_REVERSE, A_NORMAL},
	[ROLE_TITLE] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
	[ROLE_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_REVERSE, A_NORMAL},
	[ROLE_GOOD] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
	[ROLE_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
	[ROLE_BAD] = {COLOR_RED, -1, A_BOLD | A_UNDERLINE, A_BOLD},
	[ROLE_DIM] = {COLOR_BLUE, -1, A_DIM, A_NORMAL},
	[ROLE_HEADING] = {COLOR_MAGENTA, -1, A_BOLD, A_BOLD},
	[ROLE_ACCENT] = {COLOR_CYAN, -1, A_BOLD, A_NORMAL},
};

void draw_init_colors(struct app *a)
{
	if (!a->color)
		return;
	start_color();
	use_default_colors();
	for (int r = 1; r < ROLE_COUNT; r++)
		init_pair((short)r, roles[r].fg, roles[r].bg);
}

static attr_t role_attr(const struct app *a, enum role r)
{
	if (!a->color)
		return roles[r].mono;
	return (r ? COLOR_PAIR(r) : 0) | roles[r].extra;
}

void draw_set(struct app *a, enum role r, bool on)
{
	if (on)
		attron(role_attr(a, r));
	else
		attroff(role_attr(a, r));
}

/* A FLEX span is cut no narrower than this, so a name keeps a few letters
 * and its ellipsis. */
#define FLEX_MIN 4
#define MAX_SPANS 16

struct span {
	char *text;             /* clean */
	bool flex;
	int width, keep;        /* its columns, and how many it keeps */
};

/* Splits text at the FLEX marks into clean spans; returns how many. */
static int split_spans(const char *text, struct span *sp)
{
	int n = 0;
	bool flex = false;
	while (n < MAX_SPANS) {
		size_t len = strcspn(text, FLEX_ON FLEX_OFF);
		char *raw = xasprintf("%.*s", (int)len, text);
		sp[n].text = text_clean(raw, TEXT_ONE_LINE);
		free(raw);
		sp[n].flex = flex;
		sp[n].width = sp[n].keep = text_width(sp[n].text);
		n++;
		if (!text[len])
			break;
		flex = text[len] == FLEX_ON[0];
		text += len + 1;
	}
	return n;
}

/* Takes columns from the widest FLEX span, one at a time, until the line
 * fits or every FLEX span is down to FLEX_MIN. */
static void shrink_spans(struct span *sp, int n, int excess)
{
	while (excess > 0) {
		struct span *widest = NULL;
		for (int i = 0; i < n; i++)
			if (sp[i].flex && sp[i].keep > FLEX_MIN && (!widest || sp[i].keep > widest->keep))
				widest = &sp[i];
		if (!widest)
			return;
		widest->keep--;
		excess--;
	}
}

void draw_fit(struct strbuf *sb, const char *text, int width, bool ascii)
{
	struct span sp[MAX_SPANS];
	int n = split_spans(text, sp), total = 0;
	for (int i = 0; i < n; i++)
		total += sp[i].width;
	shrink_spans(sp, n, total - width);
	struct strbuf line = STRBUF_INIT;
	for (int i = 0; i < n; i++) {
		if (sp[i].keep == sp[i].width) {
			sb_add(&line, sp[i].text);
		} else {
			/* a padded name loses its padding before its letters */
			size_t len = strlen(sp[i].text);
			while (len && sp[i].text[len - 1] == ' ')
				sp[i].text[--len] = '\0';
			text_fit(&line, sp[i].text, sp[i].keep, false, ascii);
		}
		free(sp[i].text);
	}
	text_fit(sb, sb_str(&line), width, false, ascii);
	sb_free(&line);
}

void draw_text(struct app *a, int y, int x, int width, enum role r, const char *text)
{
	if (width <= 0 || y < 0 || y >= LINES)
		return;
	struct strbuf sb = STRBUF_INIT;
	draw_fit(&sb, text, width, a->ascii);
	draw_set(a, r, true);
	mvaddstr(y, x, sb_str(&sb));
	draw_set(a, r, false);
	sb_free(&sb);
}

/* The length of the next word at p; a figure keeps its unit ("14 min",
 * "0 running", "20 %") so a line never breaks between them. */
static size_t word_length(const char *p)
{
	size_t wl = strcspn(p, " ");
	bool figure = wl > 0 && (isdigit((unsigned char)p[0]) || p[0] == '$');
	if (figure && p[wl] == ' ' && p[wl + 1] && p[wl + 1] != ' ')
		wl += 1 + strcspn(p + wl + 1, " ");
	return wl;
}

char **draw_wrap(const char *text, int width, int indent, size_t *n)
{
	char *clean = text_clean(text, TEXT_ONE_LINE);
	int lead = (int)strspn(clean, " ");
	const char *p = clean + lead;
	int pad = lead;
	char **out = NULL;
	size_t cap = 0;
	*n = 0;
	do {
		struct strbuf line = STRBUF_INIT;
		sb_addf(&line, "%*s", pad, "");
		int used = pad, gap = 0;
		/* whole words while they fit, with the spaces they had between them
		 * (columns stay aligned); a word longer than a line is cut when drawn */
		while (*p) {
			size_t wl = word_length(p);
			char *word = xasprintf("%.*s", (int)wl, p);
			int ww = text_width(word);
			bool first = used == pad;
			bool fits = first || used + gap + ww <= width;
			if (fits) {
				sb_addf(&line, "%*s%s", first ? 0 : gap, "", word);
				used += (first ? 0 : gap) + ww;
				p += wl;
				gap = (int)strspn(p, " ");
				p += gap;
			}
			free(word);
			if (!fits)
				break;
		}
		grow_array((void **)&out, &cap, *n + 1, sizeof *out);
		out[(*n)++] = sb_detach(&line);
		pad = lead + indent;
	} while (*p);
	free(clean);
	return out;
}

int draw_wrapped(struct app *a, int y, int x, int width, enum role r, const char *text, int max_lines)
{
	size_t n;
	char **lines = draw_wrap(text, width, 2, &n);
	int used = 0;
	for (size_t i = 0; i < n; i++) {
		if (used < max_lines)
			draw_text(a, y + used++, x, width, r, lines[i]);
		free(lines[i]);
	}
	free(lines);
	return used;
}

/* One scaling rule for every sparkline (present.c): 0 to the largest value,
 * a zero the lowest bar, no data a blank. */
void draw_sparkline(struct strbuf *sb, const double *v, int n, bool ascii)
{
	present_sparkline(sb, v, n, ascii);
}

void draw_bar(struct strbuf *sb, int pct, int width, bool ascii)
{
	if (pct < 0)
		pct = 0;
	if (pct > 100)
		pct = 100;
	int filled = (pct * width + 50) / 100;
	sb_add(sb, "[");
	for (int i = 0; i < width; i++)
		sb_add(sb, i < filled ? (ascii ? "#" : "\xe2\x96\x88") : (ascii ? "." : "\xc2\xb7"));
	sb_addf(sb, "] %3d%%", pct);
}

enum role draw_tier_role(const char *tier)
{
	if (streq(tier, "elite") || streq(tier, "high") || streq(tier, "fast"))
		return ROLE_GOOD;
	if (streq(tier, "medium") || streq(tier, "decent"))
		return ROLE_WARN;
	if (streq(tier, "low") || streq(tier, "slow") || streq(tier, "broken"))
		return ROLE_BAD;
	return ROLE_DIM;
}
