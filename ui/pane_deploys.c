/* pane_deploys — being written. */
#include "tui.h"

const struct pane_ops pane_deploys = {"deploys", "Deploys", NULL, NULL, NULL, NULL};
