/* pane_builds — being written. */
#include "tui.h"

const struct pane_ops pane_builds = {"builds", "Builds", NULL, NULL, NULL, NULL};
