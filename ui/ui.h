/* ui — the interactive dashboard (ncurses); the only module that draws. */
#ifndef SD_UI_H
#define SD_UI_H

struct ctx;

/* Runs the TUI until the user quits; returns the exit status. */
int ui_run(struct ctx *c);

#endif
