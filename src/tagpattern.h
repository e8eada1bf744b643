/* tagpattern — a repository's release-tag habit, guessed from its tag names
 * (pure: names in, a deploy pattern out), for a first run with no config. */
#ifndef SD_TAGPATTERN_H
#define SD_TAGPATTERN_H

#include <stddef.h>

/* The deploy pattern (gitscan_tag_matches syntax) of the most common
 * release-tag family among names: "jq-*,!*rc*", "curl-*", "v*,!*rc*",
 * "[0-9]*". A family is the text before a tag's first digit; when the
 * family has release candidates, "!*rc*" excludes them. NULL when
 * no name looks like a version. *matched: how many names the pattern takes. */
char *tagpattern_guess(const char *const *names, size_t n, size_t *matched);

#endif
