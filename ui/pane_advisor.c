/* pane_advisor — being written. */
#include "tui.h"

const struct pane_ops pane_advisor = {"advisor", "Advisor", NULL, NULL, NULL, NULL};
