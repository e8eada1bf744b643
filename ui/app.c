/* app — the dashboard's loop: panes, keys, resize, mouse, auto-refresh and
 * the status bar.
 *
 * Every frame paints every cell of ncurses' picture of the screen (erase,
 * then draw), so nothing of an older frame — another size, another pane —
 * can stay behind; refresh() still sends only the cells that changed, which
 * is what keeps it usable over a slow SSH link. Ctrl-L and r repaint the
 * terminal itself. Data errors go to the status bar, never a modal. */
#include "ui.h"

#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config.h"
#include "context.h"
#include "store.h"
#include "text.h"
#include "timeutil.h"
#include "tui.h"

#define MIN_COLS 80
#define MIN_LINES 24
/* How long a refresh waits for another writer (a sync, an import) before
 * it leaves its write (cache, phase events) to the next refresh: keys must
 * keep working while someone else writes. */
#define BUSY_WAIT_MS 200

/* The pane registry, generated from panes.def. */
static const struct {
	const char *name;
	const struct pane_ops *ops;
} pane_rows[PANE_COUNT] = {
#define PANE(id, name, action, keys, help) [PANE_##id] = {#name, &pane_##name},
#include "panes.def"
#undef PANE
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/* A terminal that goes away without SIGHUP (the tmux window of a `su`
 * session killed, say) gives end of input, POLLHUP or EIO, which getch
 * reports as ERR just like a timeout: the loop would spin for ever with the
 * database open. read_key tells the two apart and sets this instead. */
static bool terminal_gone;

/* The next key, or ERR after wait_ms (or a signal, or the terminal gone).
 * ncurses may hold keys it has read already (the rest of a sequence it did
 * not recognise), so it is asked first; the descriptor is polled only when
 * it has nothing, and "readable but no key" is end of input. */
static int read_key(int wait_ms)
{
	timeout(0);
	int ch = getch();
	if (ch != ERR || terminal_gone)
		return ch;
	struct pollfd pfd = {.fd = fileno(stdin), .events = POLLIN};
	int n = poll(&pfd, 1, wait_ms);
	if (n <= 0)
		return n < 0 && errno == EINTR ? getch() : ERR; /* a resize or a signal */
	if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) {
		terminal_gone = true;
		return ERR;
	}
	errno = 0;
	ch = getch();
	if (ch == ERR && errno != EINTR)
		terminal_gone = true;
	return ch;
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
#define PANE(id, name, action, keys, help) [ACT_PANE_##id] = {action, keys, help},
#include "panes.def"
#undef PANE
#define KEY(id, name, keys, help) [ACT_##id] = {name, keys, help},
#include "keys.def"
#undef KEY
};

const char *app_action_name(int act) { return key_info[act].name; }
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
	if (name[0] == '^' && isalpha((unsigned char)name[1]) && !name[2]) {
		codes[0] = toupper((unsigned char)name[1]) & 0x1f; /* ^L: Ctrl-L */
		return 1;
	}
	return 0;
}

static enum action action_of(const struct app *a, int ch)
{
	for (int act = 0; act < ACT_COUNT; act++)
		for (int i = 0; i < 4 && a->keys[act][i]; i++)
			if (a->keys[act][i] == ch)
				return (enum action)act;
	return ACT_NONE;
}

/* Takes a key code away from every action (a config binding wins over a
 * default one: "help": "h" must not leave h moving left). */
static void unbind_code(struct app *a, int code)
{
	for (int act = 0; act < ACT_COUNT; act++) {
		int o = 0;
		for (int i = 0; i < 4 && a->keys[act][i]; i++)
			if (a->keys[act][i] != code)
				a->keys[act][o++] = a->keys[act][i];
		a->keys[act][o] = 0;
	}
}

/* The key names of an action that still reach it, space-separated: what
 * the help pane and the tab bar show. */
const char *app_action_keys(const struct app *a, int act)
{
	return a->key_names[act] ? a->key_names[act] : "";
}

static void refresh_key_names(struct app *a, int act, const char *names)
{
	struct strbuf sb = STRBUF_INIT;
	char *copy = xstrdup(names);
	for (char *save = NULL, *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		int codes[3];
		if (key_codes(tok, codes) > 0 && action_of(a, codes[0]) == act)
			sb_addf(&sb, "%s%s", sb.len ? " " : "", tok);
	}
	free(copy);
	free(a->key_names[act]);
	a->key_names[act] = sb_detach(&sb);
}

void app_action_key(const struct app *a, int act, char *buf, size_t len)
{
	const char *names = app_action_keys(a, act);
	snprintf(buf, len, "%.*s", (int)strcspn(names, " "), names);
}

/* Binds a space-separated list of key names to an action, in place of
 * its keys so far. */
static bool bind_keys(struct app *a, int act, const char *names)
{
	int n = 0;
	char *copy = xstrdup(names);
	bool ok = true;
	for (char *save = NULL, *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		int codes[3];
		int k = key_codes(tok, codes);
		ok = ok && k > 0;
		for (int i = 0; i < k && n < 3; i++) {
			unbind_code(a, codes[i]);
			a->keys[act][n++] = codes[i];
		}
	}
	a->keys[act][n] = 0;
	free(copy);
	free(a->key_names[act]);
	a->key_names[act] = xstrdup(names);
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
	/* keep only the names whose key still reaches the action */
	for (int act = 0; act < ACT_COUNT; act++) {
		char *names = xstrdup(app_action_keys(a, act));
		refresh_key_names(a, act, names);
		free(names);
	}
}

/* ---- data ---------------------------------------------------------------------- */

void *app_pane_state(struct app *a, enum pane_id id)
{
	return a->panes[id].state;
}

void app_rebuild(struct app *a)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		struct pane *p = &a->panes[i];
		struct ui_list *l = &p->list;
		size_t cursor = l->cursor;
		list_clear(l);
		if (p->ops->build)
			p->ops->build(a, p);
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
	/* The model prints nothing: its error (and any warning) is kept in the
	 * context for the status bar. */
	struct store *st = ctx_open_store(a->c);
	if (st)
		store_set_busy_timeout(st, BUSY_WAIT_MS);
	int rc = st ? model_build(a->c, &fresh) : -1;
	if (rc != 0) {
		if (st)
			model_free(&fresh);
		const char *why = ctx_last_error(a->c);
		if (!why)
			why = "could not read the data";
		app_status(a, true, "%.*s", (int)strcspn(why, "\n"), why);
		ctx_forget(a->c);
		a->tried_at = monotonic_seconds(); /* retry at the next interval, not at once */
		return -1;
	}
	ctx_forget(a->c);
	if (a->loaded)
		model_free(&a->d);
	a->d = fresh;
	a->loaded = true;
	a->synced_at = a->tried_at = monotonic_seconds();
	a->load_now = a->c->now;
	app_rebuild(a);
	if (a->d.db_busy)
		app_status(a, false, "database busy (someone else is writing): figures are fresh, "
			   "saving them waits for the next refresh");
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

static int tab_x[PANE_COUNT + 1];

/* A tab's label: the first key in force that opens the pane, and its title. */
static char *tab_label(const struct app *a, int p)
{
	char key[16];
	app_action_key(a, ACT_PANE_BOARD + p, key, sizeof key);
	return xasprintf(" %s%s%s ", key, key[0] ? " " : "", a->panes[p].ops->title);
}

/* The repository's name, cut to fit the room the tabs leave: a long name
 * is shortened before any tab falls off the bar. */
static void repo_head(const struct app *a, int room, struct strbuf *out)
{
	char *repo = text_clean(a->c->repo_name ? a->c->repo_name : "shipdeck", TEXT_ONE_LINE);
	int width = text_width(repo);
	if (width + 2 <= room) {
		sb_addf(out, " %s ", repo);
	} else if (room >= 6) {
		sb_add(out, " ");
		text_fit(out, repo, room - 2, false, a->ascii);
		sb_add(out, " ");
	} /* else no name at all: the tabs matter more */
	free(repo);
}

static void draw_tabs(struct app *a)
{
	char *labels[PANE_COUNT];
	int tabs_width = 0;
	for (int p = 0; p < PANE_COUNT; p++) {
		labels[p] = tab_label(a, p);
		tabs_width += text_width(labels[p]);
	}
	struct strbuf head = STRBUF_INIT;
	repo_head(a, COLS - tabs_width, &head);
	draw_set(a, ROLE_BAR, true);
	mvhline(0, 0, ' ', COLS);
	mvaddstr(0, 0, sb_str(&head));
	int x = text_width(sb_str(&head));
	sb_free(&head);
	for (int p = 0; p < PANE_COUNT; p++) {
		int w = text_width(labels[p]);
		tab_x[p] = x;
		if (x + w > COLS) {
			for (int q = p; q < PANE_COUNT; q++)
				tab_x[q] = COLS;
			break;
		}
		if (p == (int)a->pane) {
			draw_set(a, ROLE_BAR, false);
			draw_set(a, ROLE_SELECTED, true);
		}
		mvaddstr(0, x, labels[p]);
		if (p == (int)a->pane) {
			draw_set(a, ROLE_SELECTED, false);
			draw_set(a, ROLE_BAR, true);
		}
		x += w;
	}
	tab_x[PANE_COUNT] = x < COLS ? x : COLS;
	draw_set(a, ROLE_BAR, false);
	for (int p = 0; p < PANE_COUNT; p++)
		free(labels[p]);
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
	const char *svc = opt_str(&a->c->opt, OPT_SERVICE);
	if (svc || a->d.nservices > 1) {
		char next[16], pick[16];
		app_action_key(a, ACT_SERVICE, next, sizeof next);
		app_action_key(a, ACT_SERVICE_PICK, pick, sizeof pick);
		sb_add(&sb, " | service: ");
		sb_add_clean(&sb, svc ? svc : "all");
		/* the keys in force that change it (none bound: nothing said) */
		if (next[0] || pick[0])
			sb_addf(&sb, " (%s%s%s)", next, next[0] && pick[0] ? ", " : "", pick);
	}
	const struct ui_list *l = &a->panes[a->pane].list;
	if (l->filter[0]) {
		char key[16];
		app_action_key(a, ACT_FILTER, key, sizeof key);
		sb_add(&sb, " | filter: ");
		sb_add_clean(&sb, l->filter);
		sb_addf(&sb, " (%s, empty clears)", key);
	}
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
	erase(); /* ncurses' picture only: refresh() still sends just the changes */
	if (a->repaint) {
		clearok(curscr, TRUE); /* Ctrl-L, r, resize: the terminal itself */
		a->repaint = false;
	}
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		mvprintw(0, 0, "terminal too small: %dx%d; shipdeck needs at least %dx%d", COLS, LINES,
			 MIN_COLS, MIN_LINES);
		refresh();
		return;
	}
	draw_tabs(a);
	struct pane *p = &a->panes[a->pane];
	int y = 1, h = body_height();
	if (p->ops->draw_body) {
		p->ops->draw_body(a, p, y, h);
	} else {
		int used = p->ops->draw_head ? p->ops->draw_head(a, p, y, h) : 0;
		list_draw(a, &p->list, y + used, h - used);
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
		int ch = read_key(1000);
		if (ch == ERR && !got_signal && !terminal_gone)
			continue;
		if (ch == 27 || got_signal || terminal_gone) {
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

void app_switch(struct app *a, enum pane_id pane)
{
	if (pane == a->pane)
		return;
	struct pane *board = &a->panes[PANE_BOARD];
	if (pane == PANE_FEATURE && app_feature(a) == NULL && board->ops->selected_feature) {
		/* "2" before any Enter shows the card under the board's cursor */
		a->feature_id = board->ops->selected_feature(a, board);
		app_rebuild(a);
	}
	a->back_pane = a->pane;
	a->pane = pane;
	a->status[0] = '\0';
}

/* ---- input ----------------------------------------------------------------------- */

/* The list actions every pane gets: movement (the list engine), search,
 * filter and sort (prompts and messages here, so the engine never calls
 * the app). */
static void list_action(struct app *a, struct ui_list *l, enum action act)
{
	if (list_move(l, act, body_height()))
		return;
	list_settle(a, l);
	switch (act) {
	case ACT_SEARCH:
		if (!app_prompt(a, "search: ", l->search, sizeof l->search))
			break;
		/* fall through */
	case ACT_SEARCH_NEXT:
	case ACT_SEARCH_PREV:
		if (!l->search[0])
			app_status(a, false, "no search yet: press /");
		else if (!list_search(l, act == ACT_SEARCH_PREV ? -1 : 1))
			app_status(a, true, "not found: %s", l->search);
		break;
	case ACT_FILTER:
		/* the status bar shows the filter while it is on */
		if (app_prompt(a, "filter: ", l->filter, sizeof l->filter) && !l->filter[0])
			app_status(a, false, "filter cleared");
		list_settle(a, l);
		break;
	case ACT_SORT: {
		if (!l->sort_names[0]) {
			app_status(a, false, "nothing to sort here");
			break;
		}
		const char *by = list_next_sort(l);
		app_rebuild(a); /* rebuilds in the pane's own order, then applies l->sort */
		if (by)
			app_status(a, false, "sorted by %s", by);
		else
			app_status(a, false, "in the pane's own order");
		break;
	}
	default:
		break;
	}
}

static void handle_mouse(struct app *a)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	struct pane *p = &a->panes[a->pane];
	struct ui_list *l = &p->list;
	if (ev.bstate & BUTTON4_PRESSED) {
		list_move(l, ACT_UP, body_height());
	} else if (ev.bstate & BUTTON5_PRESSED) {
		list_move(l, ACT_DOWN, body_height());
	} else if (ev.y == 0) {
		for (int t = 0; t < PANE_COUNT; t++)
			if (ev.x >= tab_x[t] && ev.x < tab_x[t + 1])
				app_switch(a, (enum pane_id)t);
	} else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) {
		/* a click selects the line under the pointer */
		size_t line = l->top + (size_t)(ev.y - 1);
		if (!p->ops->draw_body && line < l->n && l->lines[line].selectable)
			l->cursor = line;
	}
}

static void forget_services(struct app *a)
{
	for (size_t i = 0; i < a->nservices; i++)
		free(a->services[i]);
	free(a->services);
	a->services = NULL;
	a->nservices = 0;
}

/* Every service's name, from the last load (the model names them all,
 * also when --service narrows it to one, and a service added meanwhile
 * shows at the next refresh), and which one is shown; false when there
 * is only one. */
static bool know_services(struct app *a)
{
	if (a->loaded && a->d.nservice_names > 1) {
		const char *shown = opt_str(&a->c->opt, OPT_SERVICE);
		forget_services(a);
		a->services = xcalloc(a->d.nservice_names, sizeof *a->services);
		a->service_at = 0;
		for (size_t i = 0; i < a->d.nservice_names; i++) {
			a->services[i] = xstrdup(a->d.service_names[i]);
			if (shown && strcasecmp(shown, a->services[i]) == 0)
				a->service_at = i + 1;
		}
		a->nservices = a->d.nservice_names;
	}
	if (!a->nservices)
		app_status(a, false, "one service: nothing to narrow");
	return a->nservices > 0;
}

void app_show_service(struct app *a, size_t at)
{
	if (!know_services(a) || at > a->nservices)
		return;
	a->service_at = at;
	struct opt_value *v = &a->c->opt.v[OPT_SERVICE];
	free(v->text);
	v->text = a->service_at ? xstrdup(a->services[a->service_at - 1]) : NULL;
	v->source = "dashboard";
	a->repaint = true;
	if (app_reload(a) == 0)
		app_status(a, false, a->service_at ? "showing one service" : "showing every service");
}

size_t app_service_index(struct app *a, const char *name)
{
	know_services(a);
	for (size_t i = 0; name && i < a->nservices; i++)
		if (strcasecmp(a->services[i], name) == 0)
			return i + 1;
	return 0;
}

/* The service filter key: all services, then each one alone (as --service
 * NAME), then all again (docs/metrics.md §13). */
static void cycle_service(struct app *a)
{
	if (know_services(a))
		app_show_service(a, (a->service_at + 1) % (a->nservices + 1));
}

/* ---- the service picker ---------------------------------------------------------- */

/* Draws the picker over the current frame: a box with "all services" and
 * every service, the one under the cursor selected, the one shown marked,
 * and the keys at its foot; a long list scrolls with the cursor. */
static void draw_picker(struct app *a, size_t cursor, size_t *top)
{
	size_t n = a->nservices + 1;
	int width = 34;
	for (size_t i = 0; i < a->nservices; i++) {
		char *clean = text_clean(a->services[i], TEXT_ONE_LINE);
		int w = text_width(clean) + 8;
		free(clean);
		width = w > width ? w : width;
	}
	width = width < COLS - 4 ? width : COLS - 4;
	int rows = (int)n < LINES - 6 ? (int)n : LINES - 6;
	if (cursor < *top)
		*top = cursor;
	if (cursor >= *top + (size_t)rows)
		*top = cursor - (size_t)rows + 1;
	int x = (COLS - width) / 2, y = (LINES - rows - 2) / 2;
	draw_text(a, y, x, width, ROLE_BAR, " Show which service?");
	for (int r = 0; r < rows; r++) {
		size_t i = *top + (size_t)r;
		struct strbuf sb = STRBUF_INIT;
		sb_add(&sb, i == a->service_at ? (a->ascii ? " * " : " \xe2\x80\xa2 ") : "   ");
		if (i == 0)
			sb_add(&sb, "all services");
		else
			sb_add_clean(&sb, a->services[i - 1]);
		draw_text(a, y + 1 + r, x, width, i == cursor ? ROLE_SELECTED : ROLE_NORMAL, sb_str(&sb));
		sb_free(&sb);
	}
	draw_text(a, y + 1 + rows, x, width, ROLE_BAR,
		  a->ascii ? " Up/Down move, Enter show, Esc cancel" : " \xe2\x86\x91\xe2\x86\x93 move, Enter show, Esc cancel");
	refresh();
}

/* The service picker (tig's and lazygit's way): a list of "all services"
 * and each service; arrows (or the keys in force for up, down, top and
 * bottom) move, Enter shows the one chosen, Esc (back, quit, or the
 * picker's own key) leaves as it was. */
static void pick_service(struct app *a)
{
	if (!know_services(a))
		return;
	size_t cursor = a->service_at, top = 0, n = a->nservices + 1;
	for (;;) {
		draw(a);
		if (COLS >= MIN_COLS && LINES >= MIN_LINES) /* else draw said "too small" */
			draw_picker(a, cursor, &top);
		int ch = read_key(1000);
		if (got_signal || terminal_gone)
			return;
		if (ch == ERR)
			continue;
		if (ch == KEY_RESIZE) {
			app_rebuild(a);
			a->repaint = true;
			continue;
		}
		enum action act = action_of(a, ch);
		if (ch == 27 || act == ACT_BACK || act == ACT_QUIT || act == ACT_SERVICE_PICK)
			return;
		if (act == ACT_ENTER) {
			if (cursor != a->service_at)
				app_show_service(a, cursor);
			return;
		}
		if (act == ACT_UP && cursor > 0)
			cursor--;
		else if (act == ACT_DOWN && cursor + 1 < n)
			cursor++;
		else if (act == ACT_TOP || act == ACT_PAGE_UP)
			cursor = 0;
		else if (act == ACT_BOTTOM || act == ACT_PAGE_DOWN)
			cursor = n - 1;
	}
}

/* Returns false when the user quits. */
static bool handle_action(struct app *a, enum action act)
{
	struct pane *p = &a->panes[a->pane];
	if (p->ops->key && p->ops->key(a, p, act))
		return true;
	if (act < (enum action)PANE_COUNT) { /* the pane actions come first */
		app_switch(a, (enum pane_id)act);
		return true;
	}
	switch (act) {
	case ACT_QUIT: return false;
	case ACT_NEXT_PANE: app_switch(a, (a->pane + 1) % PANE_COUNT); break;
	case ACT_PREV_PANE: app_switch(a, (a->pane + PANE_COUNT - 1) % PANE_COUNT); break;
	case ACT_BACK: app_switch(a, a->back_pane); break;
	case ACT_REFRESH:
		a->repaint = true;
		if (app_reload(a) == 0 && !a->d.db_busy)
			app_status(a, false, "refreshed");
		break;
	case ACT_REDRAW: a->repaint = true; break;
	case ACT_SERVICE: cycle_service(a); break;
	case ACT_SERVICE_PICK: pick_service(a); break;
	default:
		list_action(a, &p->list, act);
		break;
	}
	return true;
}

static void unbound_key(struct app *a)
{
	char help[16];
	app_action_key(a, ACT_PANE_HELP, help, sizeof help);
	app_status(a, false, "unbound key (%s for help)", help[0] ? help : "no key");
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

/* Makes the panes from the registry, each with its own zeroed state. */
static void setup_panes(struct app *a)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		struct pane *p = &a->panes[i];
		p->id = (enum pane_id)i;
		p->name = pane_rows[i].name;
		p->ops = pane_rows[i].ops;
		p->state = p->ops->state_size ? xcalloc(1, p->ops->state_size) : NULL;
	}
}

static void app_free(struct app *a)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		list_clear(&a->panes[i].list);
		free(a->panes[i].list.lines);
		free(a->panes[i].state);
	}
	for (int act = 0; act < ACT_COUNT; act++)
		free(a->key_names[act]);
	forget_services(a);
	if (a->loaded)
		model_free(&a->d);
}

int ui_run(struct ctx *c)
{
	struct app a = {0};
	a.c = c;
	a.feature_id = -1;
	a.back_pane = PANE_BOARD;
	setup_panes(&a);
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
	draw(&a);
	while (!got_signal) {
		int ch = read_key(1000); /* wake up to notice signals and refresh */
		if (terminal_gone)
			break;
		if (ch == ERR) {
			maybe_refresh(&a);
		} else if (ch == KEY_MOUSE) {
			handle_mouse(&a);
		} else if (ch == KEY_RESIZE) {
			app_rebuild(&a); /* lines that wrap follow the new width */
			a.repaint = true;
		} else {
			enum action act = action_of(&a, ch);
			if (act == ACT_NONE)
				unbound_key(&a);
			else if (!handle_action(&a, act))
				break;
		}
		draw(&a);
	}
	endwin();
	app_free(&a);
	return EXIT_OK;
}
