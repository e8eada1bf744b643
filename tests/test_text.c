/* test_text — pins terminal safety and column fitting: control characters
 * (ESC, CSI, OSC, BEL, BS, CR, DEL, C1), bidi overrides and isolates are
 * removed, invalid UTF-8 becomes U+FFFD, wide characters take two columns,
 * a cut string ends in an ellipsis at exactly the width asked for,
 * text_clip_lines (the snapshot's width promise) cuts each line of a text
 * to the width, wide characters never straddling the edge, and
 * text_shell_quote gives a path back to a real shell (sh for '...', bash
 * for $'...') byte for byte, while a name built to break out of quotes
 * (a'; touch PWNED; ') runs nothing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#include "snapshot.h"
#include "text.h"

static void clean_is(const char *in, const char *want)
{
	char *got = text_clean(in, TEXT_ONE_LINE);
	cr_assert_str_eq(got, want, "clean(%s)", in);
	free(got);
}

Test(text, strips_controls)
{
	clean_is("plain", "plain");
	clean_is("\x1b[31mred\x1b[0m", "[31mred[0m");
	clean_is("\x1b]0;pwned\x07title", "]0;pwnedtitle");
	clean_is("a\rb\bc\x7f", "abc");
	clean_is("two\nlines\tand tab", "two lines and tab");
	clean_is("c1:\xc2\x9b" "2J", "c1:2J"); /* U+009B is CSI in C1 form */
}

Test(text, strips_bidi)
{
	clean_is("abc\xe2\x80\xae" "fed", "abcfed");      /* U+202E RIGHT-TO-LEFT OVERRIDE */
	clean_is("x\xe2\x81\xa6y\xe2\x81\xa9z", "xyz");   /* U+2066 .. U+2069 isolates */
}

Test(text, replaces_invalid_utf8)
{
	clean_is("bad\xff" "byte", "bad\xef\xbf\xbd" "byte");
	clean_is("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");           /* overlong '/' */
	clean_is("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* a surrogate */
	clean_is("caf\xc3\xa9", "caf\xc3\xa9");                    /* valid stays */
}

Test(text, keeps_newlines_when_asked)
{
	char *got = text_clean("a\nb\x1b", TEXT_KEEP_NEWLINES);
	cr_assert_str_eq(got, "a\nb");
	free(got);
}

Test(text, widths)
{
	cr_assert_eq(text_width("abc"), 3);
	cr_assert_eq(text_width("caf\xc3\xa9"), 4);
	cr_assert_eq(text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4); /* two CJK characters */
}

Test(text, fit_pads_and_cuts)
{
	struct strbuf sb = STRBUF_INIT;
	text_fit(&sb, "abc", 5, false, false);
	cr_assert_str_eq(sb_str(&sb), "abc  ");
	sb_reset(&sb);
	text_fit(&sb, "abc", 5, true, false);
	cr_assert_str_eq(sb_str(&sb), "  abc");
	sb_reset(&sb);
	text_fit(&sb, "abcdefgh", 5, false, false);
	cr_assert_str_eq(sb_str(&sb), "abcd\xe2\x80\xa6");
	sb_reset(&sb);
	text_fit(&sb, "abcdefgh", 5, false, true);
	cr_assert_str_eq(sb_str(&sb), "abcd~");
	sb_reset(&sb);
	/* a wide character that would straddle the edge is left out, and padded */
	text_fit(&sb, "ab\xe6\x97\xa5\xe6\x9c\xac", 4, false, false);
	cr_assert_str_eq(sb_str(&sb), "ab\xe2\x80\xa6 ");
	cr_assert_eq(text_width(sb_str(&sb)), 4);
	sb_free(&sb);
}

/* By hand: "abcdef" is 6 columns, so at 4 it keeps 3 and the ellipsis;
 * "界界界" is 6 columns: at 4 the second 界 would end at column 4 and leave
 * no room for the ellipsis, so 界… (3 columns); at 5, 界界… (5). Lines that
 * fit, empty lines and a missing final newline pass unchanged. */
Test(text, clip_lines_cuts_each_line_to_the_width)
{
	struct strbuf sb = STRBUF_INIT;
	text_clip_lines(&sb, "abcdef\nab\n\n\xe7\x95\x8c\xe7\x95\x8c\xe7\x95\x8c\nabcd", 4, false);
	cr_assert_str_eq(sb_str(&sb), "abc\xe2\x80\xa6\nab\n\n\xe7\x95\x8c\xe2\x80\xa6\nabcd");
	sb_reset(&sb);
	text_clip_lines(&sb, "\xe7\x95\x8c\xe7\x95\x8c\xe7\x95\x8c\n", 5, false);
	cr_assert_str_eq(sb_str(&sb), "\xe7\x95\x8c\xe7\x95\x8c\xe2\x80\xa6\n");
	sb_reset(&sb);
	text_clip_lines(&sb, "abcdef\n", 4, true);
	cr_assert_str_eq(sb_str(&sb), "abc~\n");
	sb_free(&sb);
}

Test(text, json_escapes_everything_dangerous)
{
	struct strbuf sb = STRBUF_INIT;
	json_add_string(&sb, "q\"b\\\x1b[1m\xe2\x80\xae\xff\n");
	cr_assert_str_eq(sb_str(&sb), "\"q\\\"b\\\\\\u001b[1m\\u202e\\ufffd\\n\"");
	sb_free(&sb);
}

/* Runs `printf %s QUOTED` in a real shell and returns what it printed. */
static char *shell_echo(const char *dir, const char *shell, const char *quoted)
{
	char *script = xasprintf("%s/script", dir), *out = xasprintf("%s/out", dir);
	char *text = xasprintf("printf %%s %s > out\n", quoted);
	th_write(script, text);
	cr_assert_eq(th_sh(dir, "%s ./script", shell), 0, "%s ran: %s", shell, text);
	size_t len;
	char *got = read_file(out, &len);
	cr_assert(got, "no output of %s", text);
	free(script);
	free(out);
	free(text);
	return got;
}

static void round_trips(const char *dir, const char *shell, const char *s)
{
	char *q = text_shell_quote(s);
	cr_assert(text_is_clean(q), "printable: %s", q);
	char *got = shell_echo(dir, shell, q);
	cr_assert_str_eq(got, s, "%s gave back %s", shell, q);
	free(got);
	free(q);
}

Test(text, shell_quote_round_trips)
{
	char *dir = th_tmpdir();
	/* Printable names take plain single quotes, which every sh reads. */
	round_trips(dir, "sh", "plain");
	round_trips(dir, "sh", "with spaces and $HOME and `date` and \\ and \"");
	round_trips(dir, "sh", "it's");
	round_trips(dir, "sh", "a'; touch PWNED; '");
	round_trips(dir, "sh", "");
	round_trips(dir, "sh", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
	/* Control characters, bidi controls and broken UTF-8 take $'...'. */
	round_trips(dir, "bash", "new\nline");
	round_trips(dir, "bash", "esc\x1b]0;title\x07 and ' and \\");
	round_trips(dir, "bash", "bidi\xe2\x80\xae" "evil");
	round_trips(dir, "bash", "bad\xff\xfeutf8 x1");
	round_trips(dir, "bash", "a'; touch PWNED; '\n");
	struct stat sb;
	char *pwned = xasprintf("%s/PWNED", dir);
	cr_assert_neq(stat(pwned, &sb), 0, "a quoted name ran a command");
	char *q = text_shell_quote("it's");
	cr_assert_str_eq(q, "'it'\\''s'"); /* the exact form, worked out by hand */
	free(q);
	q = text_shell_quote("a\nb");
	cr_assert_str_eq(q, "$'a\\x0ab'");
	free(q);
	free(pwned);
	th_rmtree(dir);
	free(dir);
}
