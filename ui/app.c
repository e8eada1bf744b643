/* app — the TUI's first screen: the dashboard (the same struct dash the
 * snapshot renders, drawn through the same renderer) in a scrollable view,
 * with a title bar and a status bar. The panes of issue 7 replace the body.
 *
 * Drawing never clears the whole screen between frames: ncurses then sends
 * only the cells that changed, which is what keeps it usable over slow SSH. */
#include "ui.h"

#include <locale.h>
#include <curses.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "model.h"
#include "snapshot.h"
#include "text.h"
#include "timeutil.h"

#define MIN_COLS 80
#define MIN_LINES 24

struct view {
	char **lines;
	size_t nlines;
	size_t top;
	bool ascii;
	bool color;
	char status[256];
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void free_lines(struct view *v)
{
	for (size_t i = 0; i < v->nlines; i++)
		free(v->lines[i]);
	free(v->lines);
	v->lines = NULL;
	v->nlines = 0;
}

static void split_lines(struct view *v, const char *text)
{
	size_t cap = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);
		VEC_PUSH(v->lines, v->nlines, cap, line);
		p += n + (nl != NULL);
	}
}

static int load(struct ctx *c, struct view *v)
{
	struct dash d;
	int rc = model_build(c, &d);
	if (rc == 0) {
		struct render r = {SNAP_TEXT, COLS, v->ascii};
		struct strbuf out = STRBUF_INIT;
		snapshot_render(&out, &d, &r);
		free_lines(v);
		split_lines(v, sb_str(&out));
		sb_free(&out);
		char age[24];
		snprintf(v->status, sizeof v->status, "synced %s", time_age(c->now, c->now, age));
	}
	model_free(&d);
	return rc;
}

static void draw_bar(int y, const char *text, bool color)
{
	struct strbuf sb = STRBUF_INIT;
	text_fit(&sb, text, COLS, false, false);
	if (color)
		attron(COLOR_PAIR(1));
	attron(A_REVERSE);
	mvaddstr(y, 0, sb_str(&sb));
	attroff(A_REVERSE);
	if (color)
		attroff(COLOR_PAIR(1));
	sb_free(&sb);
}

static void draw(struct ctx *c, struct view *v)
{
	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		mvprintw(0, 0, "terminal too small: %dx%d, shipdeck needs %dx%d", COLS, LINES,
			 MIN_COLS, MIN_LINES);
		refresh();
		return;
	}
	char title[256];
	snprintf(title, sizeof title, " shipdeck  %s", c->repo_name ? c->repo_name : "");
	draw_bar(0, title, v->color);
	int body = LINES - 2;
	for (int y = 0; y < body && v->top + (size_t)y < v->nlines; y++) {
		struct strbuf sb = STRBUF_INIT;
		text_fit(&sb, v->lines[v->top + (size_t)y], COLS, false, v->ascii);
		mvaddstr(y + 1, 0, sb_str(&sb));
		sb_free(&sb);
	}
	char status[320];
	snprintf(status, sizeof status, " %s   j/k scroll  r refresh  q quit", v->status);
	draw_bar(LINES - 1, status, v->color);
	refresh();
}

static void scroll_by(struct view *v, long delta)
{
	long max = (long)v->nlines - (LINES - 2);
	long top = (long)v->top + delta;
	if (top > max)
		top = max;
	if (top < 0)
		top = 0;
	v->top = (size_t)top;
}

static bool handle_key(struct ctx *c, struct view *v, int ch)
{
	switch (ch) {
	case 'q':
		return false;
	case 'j': case KEY_DOWN: scroll_by(v, 1); break;
	case 'k': case KEY_UP: scroll_by(v, -1); break;
	case KEY_NPAGE: case ' ': scroll_by(v, LINES - 3); break;
	case KEY_PPAGE: scroll_by(v, -(LINES - 3)); break;
	case 'g': case KEY_HOME: v->top = 0; break;
	case 'G': case KEY_END: scroll_by(v, (long)v->nlines); break;
	case 'r':
		if (load(c, v) != 0)
			snprintf(v->status, sizeof v->status, "refresh failed");
		break;
	default:
		break;
	}
	return true;
}

static void setup_terminal(struct view *v, struct ctx *c)
{
	setlocale(LC_ALL, "");
	const char *cs = nl_langinfo(CODESET);
	v->ascii = opt_bool(&c->opt, OPT_ASCII) || !cs || strcmp(cs, "UTF-8") != 0;
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	v->color = !opt_bool(&c->opt, OPT_NO_COLOR) && has_colors();
	if (v->color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_WHITE, COLOR_BLUE);
	}
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGINT, on_signal);
}

int ui_run(struct ctx *c)
{
	struct view v = {0};
	setup_terminal(&v, c);
	if (load(c, &v) != 0) {
		endwin();
		free_lines(&v);
		return EXIT_USAGE;
	}
	timeout(1000); /* wake up to notice signals */
	draw(c, &v);
	while (!got_signal) {
		int ch = getch();
		if (ch == ERR)
			continue;
		if (ch == KEY_RESIZE) {
			load(c, &v); /* the snapshot is laid out for the width */
			scroll_by(&v, 0);
		} else if (!handle_key(c, &v, ch)) {
			break;
		}
		draw(c, &v);
	}
	endwin();
	free_lines(&v);
	return EXIT_OK;
}
