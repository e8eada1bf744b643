/* pane_feature — being written. */
#include "tui.h"

const struct pane_ops pane_feature = {"feature", "Feature", NULL, NULL, NULL, NULL};
