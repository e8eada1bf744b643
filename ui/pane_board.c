/* pane_board — being written. */
#include "tui.h"

const struct pane_ops pane_board = {"board", "Board", NULL, NULL, NULL, NULL};
