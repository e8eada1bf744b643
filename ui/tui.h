/* tui — what the dashboard's files share: the app state, the pane ops
 * table, the key actions, the list engine and the drawing helpers. */
#ifndef SD_TUI_H
#define SD_TUI_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "util.h"

struct ctx;

/* The panes, in tab order (panes.def). */
enum pane_id {
#define PANE(id, name, action, keys, help) PANE_##id,
#include "panes.def"
#undef PANE
	PANE_COUNT
};

/* Key actions: first one per pane (it opens the pane; same order as
 * enum pane_id), then the rows of keys.def. */
enum action {
	ACT_NONE = -1,
#define PANE(id, name, action, keys, help) ACT_PANE_##id,
#include "panes.def"
#undef PANE
#define KEY(id, name, keys, help) ACT_##id,
#include "keys.def"
#undef KEY
	ACT_COUNT
};

/* Colour roles; each has a monochrome look (bold, reverse, dim) too. */
enum role {
	ROLE_NORMAL, ROLE_BAR, ROLE_TITLE, ROLE_SELECTED, ROLE_GOOD, ROLE_WARN,
	ROLE_BAD, ROLE_DIM, ROLE_HEADING, ROLE_ACCENT, ROLE_COUNT,
};

/* One line of a list: text (already clean) with a role, optionally
 * selectable (the cursor stops on it) and carrying an id for Enter. */
struct ui_line {
	char *text;
	enum role role;
	bool selectable;
	bool follows;           /* continues the line above: shown, sorted with it */
	int64_t id;
	char *sort[3];          /* sort keys, compared as text (pad numbers) */
	/* Cells drawn over the line in their own role (a scorecard row's
	 * figure, tier and target colours), unless the line is selected;
	 * text NULL: none. */
	struct ui_cell {
		int col, width;
		enum role role;
		char *text;
	} cells[4];
};

/* Marks the part of a line that is cut first when the line is too wide
 * (names, titles, refs), so figures and status words stay whole:
 * list_add(l, ..., "%s " FLEX("%-16.16s") " %s", when, name, status). */
#define FLEX_ON "\x01"
#define FLEX_OFF "\x02"
#define FLEX(fmt) FLEX_ON fmt FLEX_OFF

/* The list engine (tmux's mode-tree idea): every pane builds lines, and
 * cursor, scrolling, search, filter and sort live here once, per list. */
struct ui_list {
	struct ui_line *lines;
	size_t n, cap;
	size_t cursor;          /* index into lines (a selectable one) */
	size_t top;
	int sort;               /* 0: as built; 1..3: by sort key */
	const char *sort_names[3];
	char search[128];       /* the last search (n, N repeat it) */
	char filter[128];       /* shows only selectable lines holding it */
};

struct app;
struct pane;

/* A pane: one file ending in one of these, written with designated
 * initializers (tmux's window_mode) and registered by a row of panes.def.
 * Every hook is optional. */
struct pane_ops {
	const char *title;      /* "Board": the tab's label */
	size_t state_size;      /* bytes of the pane's own state (p->state) */
	/* Rebuilds the pane's list from the model (after every load, resize). */
	void (*build)(struct app *a, struct pane *p);
	/* Draws the pane's own part above the list; returns the lines it used. */
	int (*draw_head)(struct app *a, struct pane *p, int y, int height);
	/* Handles an action first; false lets the list engine have it. */
	bool (*key)(struct app *a, struct pane *p, enum action act);
	/* Draws the whole body itself (boards); NULL: head + list. */
	void (*draw_body)(struct app *a, struct pane *p, int y, int height);
	/* Adds the pane's own lines to the help pane (a legend). */
	void (*help)(struct app *a, struct ui_list *l);
	/* The feature under the pane's cursor (-1: none): what "2" shows
	 * before any Enter (the board's). */
	int64_t (*selected_feature)(struct app *a, struct pane *p);
};

/* One pane on the dashboard: its ops, its list (with its own cursor,
 * search, filter and sort) and its own state, zeroed at start. */
struct pane {
	enum pane_id id;
	const char *name;       /* "board" (panes.def) */
	const struct pane_ops *ops;
	struct ui_list list;
	void *state;
};

struct app {
	struct ctx *c;
	struct dash d;
	bool loaded;
	enum pane_id pane, back_pane;
	bool repaint;           /* the next frame clears the terminal first */
	struct pane panes[PANE_COUNT];
	bool ascii, color;
	char status[256];
	bool status_error;
	int64_t synced_at;      /* monotonic seconds of the last good load */
	int64_t tried_at;       /* ... of the last attempt, good or not */
	int64_t load_now;       /* the ctx's now at the last load */
	int64_t feature_id;     /* the feature the Feature pane shows */
	int keys[ACT_COUNT][4]; /* bound key codes per action, 0-terminated */
	char *key_names[ACT_COUNT]; /* the key names in force, as bound */
	char **services;        /* every service's name, from the last load (app.c know_services) */
	size_t nservices;
	size_t service_at;      /* 0: all; i: services[i - 1] only (--service) */
};

#define PANE(id, name, action, keys, help) extern const struct pane_ops pane_##name;
#include "panes.def"
#undef PANE

/* ---- list engine (list.c) ---- */
void list_clear(struct ui_list *l);
struct ui_line *list_add(struct ui_list *l, enum role role, bool selectable, int64_t id,
			 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void list_draw(struct app *a, struct ui_list *l, int y, int height);
/* Moves the cursor for a movement action (up, down, pages, top, bottom);
 * false for any other action. Search, filter and sort prompts and their
 * messages are the app's (app.c): the list engine never calls up. */
bool list_move(struct ui_list *l, enum action act, int height);
/* Moves the cursor to the next (dir 1) or previous (-1) visible line
 * matching l->search; false when none does. */
bool list_search(struct ui_list *l, int dir);
/* Steps l->sort to the next key the list offers (or back to the pane's
 * own order); returns the key's name, or NULL for the pane's own order.
 * The caller rebuilds the list, which applies it. */
const char *list_next_sort(struct ui_list *l);
/* Adds a line that continues the one above (details that do not fit
 * beside it): filtered and sorted with it. */
struct ui_line *list_add_more(struct ui_list *l, enum role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds prose as lines that wrap at the screen's width, each after the first
 * indented by `indent` more columns than the first line's own indent. */
void list_add_wrapped(struct ui_list *l, enum role role, int indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* True when the line survives the list's filter. */
bool list_visible(const struct ui_list *l, const struct ui_line *line);
const struct ui_line *list_current(const struct ui_list *l);
void list_keep_cursor_visible(struct ui_list *l, int height);
/* Puts the cursor on a visible selectable line when it is not on one. */
void list_settle(struct app *a, struct ui_list *l);
/* Sorts the list's tables by its current sort key (after a rebuild). */
void list_apply_sort(struct ui_list *l);

/* ---- drawing (draw.c) ---- */
void draw_init_colors(struct app *a);
void draw_set(struct app *a, enum role r, bool on);
/* Writes clean text at (y, x) cut or padded to width columns. */
void draw_text(struct app *a, int y, int x, int width, enum role r, const char *text);
/* Appends text (which may hold FLEX spans) cut or padded to width columns,
 * cutting the FLEX spans first. */
void draw_fit(struct strbuf *sb, const char *text, int width, bool ascii);
/* Cuts text into lines of at most width columns at spaces; lines after the
 * first are indented `indent` columns more than the first. The caller frees
 * the lines and the array. */
char **draw_wrap(const char *text, int width, int indent, size_t *n);
/* Draws text wrapped at spaces from (y, x) on at most max_lines lines;
 * returns the lines used. */
int draw_wrapped(struct app *a, int y, int x, int width, enum role r, const char *text, int max_lines);
/* A sparkline of n values (NaN = gap) into sb. */
void draw_sparkline(struct strbuf *sb, const double *v, int n, bool ascii);
/* "[#####.....] 50%" or with block characters. */
void draw_bar(struct strbuf *sb, int pct, int width, bool ascii);
/* The role of a DORA tier name ("elite" good ... "low" bad). */
enum role draw_tier_role(const char *tier);

/* ---- app (app.c) ---- */
/* The key table's config name, keys in force and help of an action. */
const char *app_action_name(int act);
const char *app_action_keys(const struct app *a, int act);
const char *app_action_help(int act);
/* The first key in force for an action ("5", "Tab"), for hints in text. */
void app_action_key(const struct app *a, int act, char *buf, size_t len);
/* A pane's own state (pane_ops.state_size bytes). */
void *app_pane_state(struct app *a, enum pane_id id);
void app_status(struct app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void app_switch(struct app *a, enum pane_id pane);
/* Reads a line of text at the bottom (search, filter); false on Esc. */
bool app_prompt(struct app *a, const char *label, char *buf, size_t len);
int app_reload(struct app *a);
/* Rebuilds every pane's lines from the current model (no reading). */
void app_rebuild(struct app *a);
const struct dash_feature *app_feature(const struct app *a);
/* Shows one service only (at: 1 + its index in a->services, as --service
 * NAME) or every service (0), and reloads. */
void app_show_service(struct app *a, size_t at);
/* 1 + the index in a->services of the service called name, or 0. */
size_t app_service_index(struct app *a, const char *name);

#endif
