/* text — the one place where outside text is made safe. Commit messages,
 * branch names and CI JSON are attacker-controlled on a shared box: a raw
 * ESC or OSC sequence could retitle a terminal, write to its clipboard or
 * hide text, and bidi overrides can make a line read differently than it is. */
#include "text.h"

#include <stdlib.h>
#include <string.h>

#define REPLACEMENT 0xFFFDu

int utf8_decode(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	int len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		*cp = REPLACEMENT;
		return 1;
	}
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = REPLACEMENT;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are malformed. */
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = REPLACEMENT;
		return 1;
	}
	*cp = v;
	return len;
}

static bool is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

static void sb_add_codepoint(struct strbuf *sb, uint32_t cp)
{
	char b[4];
	int n;
	if (cp < 0x80) {
		b[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12)), b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18)), b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
	}
	sb_addn(sb, b, (size_t)n);
}

static void clean_into(struct strbuf *sb, const char *s, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		int n = utf8_decode(p, &cp);
		if (cp == '\n' && (flags & TEXT_KEEP_NEWLINES))
			sb_addc(sb, '\n');
		else if (cp == '\n' || cp == '\t')
			sb_addc(sb, ' ');
		else if (is_control(cp) || is_bidi_control(cp))
			; /* dropped: it has no visible form, only effects */
		else if (cp == REPLACEMENT || n > 1)
			sb_add_codepoint(sb, cp);
		else
			sb_addc(sb, (char)cp);
		p += n;
	}
}

char *text_clean(const char *s, int flags)
{
	struct strbuf sb = STRBUF_INIT;
	if (s)
		clean_into(&sb, s, flags);
	return sb_detach(&sb);
}

void sb_add_clean(struct strbuf *sb, const char *s)
{
	if (s)
		clean_into(sb, s, TEXT_ONE_LINE);
}

/* A character that must not reach the terminal raw, or that a shell would
 * not keep as it is inside single quotes (none: only the quote itself). */
static bool needs_escape(uint32_t cp, int n)
{
	return is_control(cp) || is_bidi_control(cp) || (cp == REPLACEMENT && n == 1);
}

static void quote_escaped(struct strbuf *sb, const char *s)
{
	/* $'...' (bash, zsh, ksh, busybox, POSIX.1-2024 sh): each byte of an
	 * unsafe character as \xHH, so the line stays printable and pastes
	 * back to exactly the bytes of s. */
	sb_add(sb, "$'");
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		int n = utf8_decode(p, &cp);
		if (needs_escape(cp, n)) {
			for (int i = 0; i < n; i++)
				sb_addf(sb, "\\x%02x", p[i]);
		} else if (*p == '\'' || *p == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)*p);
		} else {
			sb_addn(sb, (const char *)p, (size_t)n);
		}
		p += n;
	}
	sb_addc(sb, '\'');
}

char *text_shell_quote(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	bool plain = true;
	for (const unsigned char *q = p; *q;) {
		uint32_t cp;
		int n = utf8_decode(q, &cp);
		plain = plain && !needs_escape(cp, n);
		q += n;
	}
	if (!plain) {
		quote_escaped(&sb, (const char *)p);
		return sb_detach(&sb);
	}
	/* Single quotes keep everything but the quote itself, which is closed,
	 * escaped and reopened: a'b -> 'a'\''b'. */
	sb_addc(&sb, '\'');
	for (; *p; p++) {
		if (*p == '\'')
			sb_add(&sb, "'\\''");
		else
			sb_addc(&sb, (char)*p);
	}
	sb_addc(&sb, '\'');
	return sb_detach(&sb);
}

bool text_is_clean(const char *s)
{
	char *c = text_clean(s, TEXT_ONE_LINE);
	bool same = strcmp(c, s ? s : "") == 0;
	free(c);
	return same;
}

int codepoint_width(uint32_t cp)
{
	if (cp == 0 || (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
	    (cp >= 0xFE00 && cp <= 0xFE0F))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
	    (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
		return 2;
	return 1;
}

int text_width(const char *s)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t cp;
		p += utf8_decode(p, &cp);
		w += codepoint_width(cp);
	}
	return w;
}

/* Byte length of the longest prefix of s that fits in `width` columns. */
static size_t prefix_fitting(const char *s, int width, int *used)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0;
	while (*p) {
		uint32_t cp;
		int n = utf8_decode(p, &cp);
		int cw = codepoint_width(cp);
		if (w + cw > width)
			break;
		w += cw;
		p += n;
	}
	*used = w;
	return (size_t)(p - (const unsigned char *)s);
}

void text_fit(struct strbuf *sb, const char *s, int width, bool align_right, bool ascii)
{
	if (width <= 0)
		return;
	if (!s)
		s = "";
	int w = text_width(s);
	if (w <= width) {
		if (align_right)
			sb_addrep(sb, " ", width - w);
		sb_add(sb, s);
		if (!align_right)
			sb_addrep(sb, " ", width - w);
		return;
	}
	int used;
	size_t n = prefix_fitting(s, width - 1, &used);
	sb_addn(sb, s, n);
	sb_add(sb, ascii ? "~" : "\xe2\x80\xa6");
	sb_addrep(sb, " ", width - 1 - used);
}

/* Display columns of the n bytes at s. */
static int width_of(const char *s, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += (size_t)utf8_decode((const unsigned char *)s + i, &cp);
		w += codepoint_width(cp);
	}
	return w;
}

/* Bytes of the longest prefix of the n bytes at s that fits in width columns. */
static size_t prefix_fitting_n(const char *s, size_t n, int width)
{
	size_t i = 0;
	int w = 0;
	while (i < n) {
		uint32_t cp;
		int len = utf8_decode((const unsigned char *)s + i, &cp);
		int cw = codepoint_width(cp);
		if (w + cw > width || i + (size_t)len > n)
			break;
		w += cw;
		i += (size_t)len;
	}
	return i;
}

void text_clip_lines(struct strbuf *sb, const char *text, int width, bool ascii)
{
	if (width < 1)
		width = 1;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (width_of(p, n) <= width) {
			sb_addn(sb, p, n);
		} else {
			/* a wide character that would straddle the edge goes whole */
			sb_addn(sb, p, prefix_fitting_n(p, n, width - 1));
			sb_add(sb, ascii ? "~" : "\xe2\x80\xa6");
		}
		if (nl)
			sb_addc(sb, '\n');
		p += n + (nl ? 1 : 0);
	}
}

void text_print_lines(FILE *f, const char *lines)
{
	for (const char *p = lines; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);
		char *clean = text_clean(line, TEXT_ONE_LINE);
		fprintf(f, "  %s\n", clean);
		free(clean);
		free(line);
		p += n + (nl ? 1 : 0);
	}
}
