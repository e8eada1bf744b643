/* text — make outside text safe for a terminal, and fit it to columns. */
#ifndef SD_TEXT_H
#define SD_TEXT_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "util.h"

/* Flags for text_clean. */
enum {
	TEXT_ONE_LINE = 0,      /* newlines and tabs become spaces */
	TEXT_KEEP_NEWLINES = 1, /* '\n' survives (multi-line notes) */
};

/* Returns a new copy of s that can reach a terminal: C0/C1 controls (ESC,
 * CSI, OSC, BEL, BS, CR, DEL) and bidi overrides/isolates removed, invalid
 * UTF-8 replaced by U+FFFD. NULL gives "". */
char *text_clean(const char *s, int flags);
/* Appends the cleaned s to sb. */
void sb_add_clean(struct strbuf *sb, const char *s);
/* Prints each line of lines ("where: why\n" lines quoting an imported
 * file) to f after two spaces, cleaned to one line each: outside text
 * never reaches the terminal raw. */
void text_print_lines(FILE *f, const char *lines);
/* s quoted for a POSIX shell, safe to print and to paste back: '...' when s
 * is printable, else $'...' with every unsafe byte as \xHH (malloc'd). The
 * one quoting helper for commands shipdeck suggests. */
char *text_shell_quote(const char *s);
/* True when s holds nothing text_clean would change. */
bool text_is_clean(const char *s);
/* Decodes one UTF-8 sequence at s; returns its length (>= 1) and stores the
 * code point, or U+FFFD for a malformed one (length 1). */
int utf8_decode(const unsigned char *s, uint32_t *cp);
/* Display columns of one code point (0, 1 or 2). */
int codepoint_width(uint32_t cp);
/* Display columns of a clean UTF-8 string. */
int text_width(const char *s);
/* Appends s padded with spaces or cut to exactly `width` columns; a cut
 * string ends in "…" (or "~" when ascii). align_right pads on the left. */
void text_fit(struct strbuf *sb, const char *s, int width, bool align_right, bool ascii);

/* Appends text with every line cut to at most `width` display columns (a
 * cut line ends in "…", or "~" when ascii): one place keeps a text view's
 * promise to fit its width, whatever its parts wrote. */
void text_clip_lines(struct strbuf *sb, const char *text, int width, bool ascii);

#endif
