/* app — the dashboard's loop: panes, keys, resize, mouse, auto-refresh and
 * the status bar.
 *
 * Drawing never clears the whole screen between frames: ncurses then sends
 * only the cells that changed, which is what keeps it usable over a slow
 * SSH link. Data errors go to the status bar, never a modal. */
#include "ui.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "context.h"
#include "text.h"
#include "timeutil.h"
#include "tui.h"

#define MIN_COLS 80
#define MIN_LINES 24

const struct pane_ops *const panes[NPANES] = {
	[PANE_BOARD] = &pane_board, [PANE_FEATURE] = &pane_feature, [PANE_BUILDS] = &pane_builds,
	[PANE_DORA] = &pane_dora, [PANE_DEPLOYS] = &pane_deploys, [PANE_ADVISOR] = &pane_advisor,
	[PANE_HELP] = &pane_help,
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static int64_t monotonic_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

void app_status(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->status, sizeof a->status, fmt, ap);
	va_end(ap);
	a->status_error = error;
}

/* ---- keys ---------------------------------------------------------------------- */

static const struct {
	const char *name, *keys, *help;
} key_info[ACT_COUNT] = {
#define KEY(id, name, keys, help) [ACT_##id] = {name, keys, help},
#include "keys.def"
#undef KEY
};

const char *app_action_name(int act) { return key_info[act].name; }
const char *app_action_keys(int act) { return key_info[act].keys; }
const char *app_action_help(int act) { return key_info[act].help; }

/* Key codes for one key name; returns how many (0: unknown name). */
static int key_codes(const char *name, int codes[3])
{
	static const struct {
		const char *name;
		int codes[3];
	} named[] = {
		{"Tab", {'\t'}}, {"BTab", {KEY_BTAB}}, {"Enter", {'\n', '\r', KEY_ENTER}},
		{"Esc", {27}}, {"Backspace", {KEY_BACKSPACE, 127, 8}}, {"Up", {KEY_UP}},
		{"Down", {KEY_DOWN}}, {"Left", {KEY_LEFT}}, {"Right", {KEY_RIGHT}},
		{"PgUp", {KEY_PPAGE}}, {"PgDn", {KEY_NPAGE}}, {"Home", {KEY_HOME}},
		{"End", {KEY_END}}, {"Space", {' '}},
	};
	for (size_t i = 0; i < ARRAY_SIZE(named); i++)
		if (strcmp(named[i].name, name) == 0) {
			int n = 0;
			while (n < 3 && named[i].codes[n])
				codes[n] = named[i].codes[n], n++;
			return n;
		}
	if (strlen(name) == 1) {
		codes[0] = (unsigned char)name[0];
		return 1;
	}
	return 0;
}

/* Binds a space-separated list of key names to an action. */
static bool bind_keys(struct app *a, int act, const char *names)
{
	int n = 0;
	char *copy = xstrdup(names);
	bool ok = true;
	for (char *save = NULL, *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		int codes[3];
		int k = key_codes(tok, codes);
		ok = ok && k > 0;
		for (int i = 0; i < k && n < 3; i++)
			a->keys[act][n++] = codes[i];
	}
	a->keys[act][n] = 0;
	free(copy);
	return ok;
}

static void bind_from_config(void *arg, const char *name, const char *keys)
{
	struct app *a = arg;
	for (int act = 0; act < ACT_COUNT; act++)
		if (strcmp(key_info[act].name, name) == 0) {
			if (!bind_keys(a, act, keys))
				app_status(a, true, "config keys.%s: unknown key name in '%s'", name, keys);
			return;
		}
	app_status(a, true, "config keys: no action called '%s' (see ? for the list)", name);
}

static void setup_keys(struct app *a)
{
	for (int act = 0; act < ACT_COUNT; act++)
		bind_keys(a, act, key_info[act].keys);
	const char *custom = opt_str(&a->c->opt, OPT_KEYS);
	if (custom && config_string_pairs(custom, bind_from_config, a) != 0)
		app_status(a, true, "config keys: must be an object of \"action\": \"key\"");
}

static enum action action_of(const struct app *a, int ch)
{
	for (int act = 0; act < ACT_COUNT; act++)
		for (int i = 0; i < 4 && a->keys[act][i]; i++)
			if (a->keys[act][i] == ch)
				return (enum action)act;
	return ACT_NONE;
}

/* ---- data ---------------------------------------------------------------------- */

void app_rebuild(struct app *a)
{
	for (int p = 0; p < NPANES; p++) {
		struct ui_list *l = &a->lists[p];
		size_t cursor = l->cursor;
		list_clear(l);
		if (panes[p]->build)
			panes[p]->build(a, l);
		list_apply_sort(l);
		l->cursor = cursor < l->n ? cursor : 0;
		list_settle(a, l);
	}
}

int app_reload(struct app *a)
{
	if (!opt_str(&a->c->opt, OPT_NOW))
		a->c->now = (int64_t)time(NULL);
	struct dash fresh;
	/* model_build prints errors on stderr; curses owns the screen, so the
	 * message is kept for the status bar instead. */
	FILE *saved = stderr;
	char errbuf[512] = "";
	FILE *mem = fmemopen(errbuf, sizeof errbuf - 1, "w");
	if (mem)
		stderr = mem;
	int rc = model_build(a->c, &fresh);
	if (mem) {
		fclose(mem);
		stderr = saved;
	}
	if (rc != 0) {
		model_free(&fresh);
		errbuf[strcspn(errbuf, "\n")] = '\0';
		app_status(a, true, "%s", errbuf[0] ? errbuf + (strncmp(errbuf, "shipdeck: ", 10) ? 0 : 10)
						   : "could not read the data");
		a->tried_at = monotonic_seconds(); /* retry at the next interval, not at once */
		return -1;
	}
	if (a->loaded)
		model_free(&a->d);
	a->d = fresh;
	a->loaded = true;
	a->synced_at = a->tried_at = monotonic_seconds();
	a->load_now = a->c->now;
	app_rebuild(a);
	return 0;
}

const struct dash_feature *app_feature(const struct app *a)
{
	for (size_t i = 0; i < a->d.nfeatures; i++)
		if (a->d.features[i].id == a->feature_id)
			return &a->d.features[i];
	return NULL;
}

/* ---- drawing -------------------------------------------------------------------- */

static int tab_x[NPANES + 1];

static void draw_tabs(struct app *a)
{
	draw_set(a, ROLE_BAR, true);
	move(0, 0);
	clrtoeol();
	mvhline(0, 0, ' ', COLS);
	char head[64];
	char *repo = text_clean(a->c->repo_name ? a->c->repo_name : "shipdeck", TEXT_ONE_LINE);
	snprintf(head, sizeof head, " %.20s ", repo);
	free(repo);
	mvaddstr(0, 0, head);
	int x = (int)strlen(head) + 1;
	for (int p = 0; p < NPANES; p++) {
		char label[32];
		if (p == PANE_HELP)
			snprintf(label, sizeof label, " ? %s ", panes[p]->title);
		else
			snprintf(label, sizeof label, " %d %s ", p + 1, panes[p]->title);
		tab_x[p] = x;
		if (x + (int)strlen(label) >= COLS)
			break;
		if (p == a->pane) {
			draw_set(a, ROLE_BAR, false);
			draw_set(a, ROLE_SELECTED, true);
		}
		mvaddstr(0, x, label);
		if (p == a->pane) {
			draw_set(a, ROLE_SELECTED, false);
			draw_set(a, ROLE_BAR, true);
		}
		x += (int)strlen(label);
	}
	tab_x[NPANES] = x;
	draw_set(a, ROLE_BAR, false);
}

static void draw_status(struct app *a)
{
	char age[24], left[160];
	int64_t since = monotonic_seconds() - a->synced_at;
	time_age(since, 0, age);
	snprintf(left, sizeof left, " synced %s%s%s%s", since < 60 ? "just now" : age,
		 a->d.has_window ? " | window " : "", a->d.has_window ? window_verdict_id(a->d.window.verdict) : "",
		 opt_bool(&a->c->opt, OPT_READ_ONLY) ? " | read-only" : "");
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, left);
	if (a->status[0]) {
		sb_add(&sb, " | ");
		sb_add_clean(&sb, a->status);
	}
	draw_text(a, LINES - 1, 0, COLS, a->status_error ? ROLE_BAD : ROLE_BAR, sb_str(&sb));
	sb_free(&sb);
}

static int body_height(void)
{
	return LINES - 2;
}

static void draw(struct app *a)
{
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		erase();
		a->drawn_pane = -1;
		mvprintw(0, 0, "terminal too small: %dx%d; shipdeck needs at least %dx%d", COLS, LINES,
			 MIN_COLS, MIN_LINES);
		refresh();
		return;
	}
	if (a->drawn_pane != a->pane) {
		erase(); /* a new pane paints everything; otherwise only changes go out */
		a->drawn_pane = a->pane;
	}
	draw_tabs(a);
	const struct pane_ops *p = panes[a->pane];
	int y = 1, h = body_height();
	if (p->draw_body) {
		p->draw_body(a, y, h);
	} else {
		int used = p->draw_head ? p->draw_head(a, y, h) : 0;
		list_draw(a, &a->lists[a->pane], y + used, h - used);
	}
	draw_status(a);
	refresh();
}

/* ---- prompts and switching ------------------------------------------------------- */

bool app_prompt(struct app *a, const char *label, char *buf, size_t len)
{
	char line[128] = "";
	size_t n = 0;
	curs_set(1);
	for (;;) {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "%s%s", label, line);
		draw_text(a, LINES - 1, 0, COLS, ROLE_NORMAL, sb_str(&sb));
		move(LINES - 1, text_width(sb_str(&sb)) < COLS ? text_width(sb_str(&sb)) : COLS - 1);
		sb_free(&sb);
		refresh();
		int ch = getch();
		if (ch == ERR && !got_signal)
			continue;
		if (ch == 27 || got_signal) {
			curs_set(0);
			return false;
		}
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
			break;
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0)
			line[--n] = '\0';
		else if (ch >= 32 && ch < 127 && n + 1 < sizeof line)
			line[n++] = (char)ch, line[n] = '\0';
	}
	curs_set(0);
	snprintf(buf, len, "%s", line);
	return true;
}

void app_switch(struct app *a, int pane)
{
	if (pane == a->pane)
		return;
	if (pane == PANE_FEATURE && app_feature(a) == NULL) {
		/* "2" before any Enter shows the card under the board's cursor */
		a->feature_id = board_selected_id(a);
		app_rebuild(a);
	}
	a->back_pane = a->pane;
	a->pane = pane;
	a->status[0] = '\0';
}

/* ---- input ----------------------------------------------------------------------- */

static void handle_mouse(struct app *a)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	struct ui_list *l = &a->lists[a->pane];
	if (ev.bstate & BUTTON4_PRESSED) {
		list_key(a, l, ACT_UP, body_height());
	} else if (ev.bstate & BUTTON5_PRESSED) {
		list_key(a, l, ACT_DOWN, body_height());
	} else if (ev.y == 0) {
		for (int p = 0; p < NPANES; p++)
			if (ev.x >= tab_x[p] && ev.x < tab_x[p + 1 > NPANES ? NPANES : p + 1])
				app_switch(a, p);
	} else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) {
		/* a click selects the line under the pointer */
		size_t line = l->top + (size_t)(ev.y - 1);
		if (!panes[a->pane]->draw_body && line < l->n && l->lines[line].selectable)
			l->cursor = line;
	}
}

/* Returns false when the user quits. */
static bool handle_action(struct app *a, enum action act)
{
	const struct pane_ops *p = panes[a->pane];
	if (p->key && p->key(a, act))
		return true;
	switch (act) {
	case ACT_QUIT: return false;
	case ACT_NEXT_PANE: app_switch(a, (a->pane + 1) % NPANES); break;
	case ACT_PREV_PANE: app_switch(a, (a->pane + NPANES - 1) % NPANES); break;
	case ACT_PANE_1: case ACT_PANE_2: case ACT_PANE_3:
	case ACT_PANE_4: case ACT_PANE_5: case ACT_PANE_6:
		app_switch(a, act - ACT_PANE_1);
		break;
	case ACT_HELP: app_switch(a, PANE_HELP); break;
	case ACT_BACK: app_switch(a, a->back_pane); break;
	case ACT_REFRESH:
		if (app_reload(a) == 0)
			app_status(a, false, "refreshed");
		break;
	default:
		list_key(a, &a->lists[a->pane], act, body_height());
		break;
	}
	return true;
}

static void maybe_refresh(struct app *a)
{
	long long every = opt_int(&a->c->opt, OPT_REFRESH_SECONDS);
	if (every > 0 && monotonic_seconds() - a->tried_at >= every)
		app_reload(a); /* quiet: the status bar's age says it happened */
}

/* ---- setup --------------------------------------------------------------------- */

static void setup_terminal(struct app *a)
{
	setlocale(LC_ALL, "");
	const char *cs = nl_langinfo(CODESET);
	a->ascii = opt_bool(&a->c->opt, OPT_ASCII) || !cs || strcmp(cs, "UTF-8") != 0;
	set_escdelay(25); /* Esc is "back": do not make people wait a second */
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	a->color = !opt_bool(&a->c->opt, OPT_NO_COLOR) && has_colors();
	draw_init_colors(a);
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL); /* a dropped SSH connection */
	sigaction(SIGINT, &sa, NULL);
}

static void app_free(struct app *a)
{
	for (int p = 0; p < NPANES; p++) {
		list_clear(&a->lists[p]);
		free(a->lists[p].lines);
	}
	if (a->loaded)
		model_free(&a->d);
}

int ui_run(struct ctx *c)
{
	struct app a = {0};
	a.c = c;
	a.feature_id = -1;
	a.back_pane = PANE_BOARD;
	setup_terminal(&a);
	setup_keys(&a);
	char keep[sizeof a.status];
	snprintf(keep, sizeof keep, "%s", a.status);
	if (app_reload(&a) != 0 && !a.loaded) {
		endwin();
		sd_error("%s", a.status);
		app_free(&a);
		return EXIT_USAGE;
	}
	if (keep[0])
		app_status(&a, true, "%s", keep);
	else if (c->warnings.len)
		app_status(&a, true, "config: %.*s", (int)strcspn(sb_str(&c->warnings), "\n"),
			   sb_str(&c->warnings));
	timeout(1000); /* wake up to notice signals and refresh */
	draw(&a);
	while (!got_signal) {
		int ch = getch();
		if (ch == ERR) {
			maybe_refresh(&a);
		} else if (ch == KEY_MOUSE) {
			handle_mouse(&a);
		} else if (ch != KEY_RESIZE) {
			enum action act = action_of(&a, ch);
			if (act == ACT_NONE)
				app_status(&a, false, "unbound key (? for help)");
			else if (!handle_action(&a, act))
				break;
		}
		draw(&a);
	}
	endwin();
	app_free(&a);
	return EXIT_OK;
}
