/* draw — colours, clipped text, sparklines and bars. Every role has a
 * monochrome look too (NO_COLOR, --no-color, vt100), so nothing is told by
 * colour alone. */
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void draw_text(struct app *a, int y, int x, int width, enum role r, const char *text)
{
	if (width <= 0 || y < 0 || y >= LINES)
		return;
	struct strbuf sb = STRBUF_INIT;
	char *clean = text_clean(text, TEXT_ONE_LINE);
	text_fit(&sb, clean, width, false, a->ascii);
	draw_set(a, r, true);
	mvaddstr(y, x, sb_str(&sb));
	draw_set(a, r, false);
	sb_free(&sb);
	free(clean);
}

void draw_sparkline(struct strbuf *sb, const double *v, int n, bool ascii)
{
	static const char *const blocks[] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
	};
	static const char ascii_levels[] = "_.-~=+*#";
	double lo = INFINITY, hi = -INFINITY;
	for (int i = 0; i < n; i++)
		if (!isnan(v[i])) {
			lo = fmin(lo, v[i]);
			hi = fmax(hi, v[i]);
		}
	for (int i = 0; i < n; i++) {
		if (isnan(v[i])) {
			sb_addc(sb, ' ');
			continue;
		}
		int level = hi > lo ? (int)lround((v[i] - lo) / (hi - lo) * 7) : 3;
		if (ascii)
			sb_addc(sb, ascii_levels[level]);
		else
			sb_add(sb, blocks[level]);
	}
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
