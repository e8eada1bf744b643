/* tui — what the dashboard's files share: the app state, the pane ops
 * table, the key actions, the list engine and the drawing helpers. */
#ifndef SD_TUI_H
#define SD_TUI_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "util.h"

struct ctx;

enum action {
	ACT_NONE = -1,
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
	int64_t id;
	char *sort[3];          /* sort keys, compared as text (pad numbers) */
};

/* The list engine (tmux's mode-tree idea): every pane builds lines, and
 * cursor, scrolling, search, filter and sort live here once. */
struct ui_list {
	struct ui_line *lines;
	size_t n, cap;
	size_t cursor;          /* index into lines (a selectable one) */
	size_t top;
	int sort;               /* 0: as built; 1..3: by sort key */
	const char *sort_names[3];
};

struct app;

/* A pane: one file ending in one of these, registered in app.c's list. */
struct pane_ops {
	const char *name;       /* "board" */
	const char *title;      /* "Board" */
	/* Rebuilds the pane's list from the model (after every load). */
	void (*build)(struct app *a, struct ui_list *l);
	/* Draws the pane's own part above the list; returns the lines it used. */
	int (*draw_head)(struct app *a, int y, int height);
	/* Handles an action first; false lets the list engine have it. */
	bool (*key)(struct app *a, enum action act);
	/* Draws the whole body itself (boards); NULL: head + list. */
	void (*draw_body)(struct app *a, int y, int height);
};

#define NPANES 7
enum { PANE_BOARD, PANE_FEATURE, PANE_BUILDS, PANE_DORA, PANE_DEPLOYS, PANE_ADVISOR, PANE_HELP };

struct app {
	struct ctx *c;
	struct dash d;
	bool loaded;
	int pane, back_pane;
	int drawn_pane;         /* the pane on screen: a switch repaints all */
	struct ui_list lists[NPANES];
	bool ascii, color;
	char status[256];
	bool status_error;
	int64_t synced_at;      /* monotonic seconds of the last good load */
	int64_t tried_at;       /* ... of the last attempt, good or not */
	int64_t load_now;       /* the ctx's now at the last load */
	int64_t feature_id;     /* the feature the Feature pane shows */
	int board_col, board_row;
	int board_sort;         /* 0: as recorded, 1: longest in phase, 2: title */
	char search[128];
	char filter[128];
	int keys[ACT_COUNT][4]; /* bound key codes per action, 0-terminated */
	int advisor_field, advisor_answers[6];
};

extern const struct pane_ops *const panes[NPANES];
extern const struct pane_ops pane_board, pane_feature, pane_builds, pane_dora, pane_deploys,
	pane_advisor, pane_help;

/* ---- list engine (list.c) ---- */
void list_clear(struct ui_list *l);
struct ui_line *list_add(struct ui_list *l, enum role role, bool selectable, int64_t id,
			 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void list_draw(struct app *a, struct ui_list *l, int y, int height);
/* Handles movement, search, sort; true when the action was used. */
bool list_key(struct app *a, struct ui_list *l, enum action act, int height);
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
/* A sparkline of n values (NaN = gap) into sb. */
void draw_sparkline(struct strbuf *sb, const double *v, int n, bool ascii);
/* "[#####.....] 50%" or with block characters. */
void draw_bar(struct strbuf *sb, int pct, int width, bool ascii);
/* The role of a DORA tier name ("elite" good ... "low" bad). */
enum role draw_tier_role(const char *tier);

/* The id of the feature under the board's cursor, or -1 (pane_board.c). */
int64_t board_selected_id(const struct app *a);

/* ---- app (app.c) ---- */
/* The key table's config name, default keys and help of an action. */
const char *app_action_name(int act);
const char *app_action_keys(int act);
const char *app_action_help(int act);
void app_status(struct app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void app_switch(struct app *a, int pane);
/* Reads a line of text at the bottom (search, filter); false on Esc. */
bool app_prompt(struct app *a, const char *label, char *buf, size_t len);
int app_reload(struct app *a);
/* Rebuilds every pane's lines from the current model (no reading). */
void app_rebuild(struct app *a);
const struct dash_feature *app_feature(const struct app *a);

#endif
