/* say — the one way shipdeck speaks on stderr (sd_error, sd_warn), and
 * the messages kept in the context by modules that do not print (the
 * model, its loaders, the store's opening) until their caller shows them. */
#include "say.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "context.h"
#include "text.h"
#include "util.h"

/* Messages quote paths, refs and values from outside (a repository's
 * directory is named by whoever named the repository): the whole message
 * is cleaned, so no caller can forget. */
static void print_message(const char *prefix, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	sb_vaddf(&sb, fmt, ap);
	char *clean = text_clean(sb_str(&sb), TEXT_KEEP_NEWLINES);
	fprintf(stderr, "%s%s\n", prefix, clean);
	free(clean);
	sb_free(&sb);
}

void sd_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_message("shipdeck: ", fmt, ap);
	va_end(ap);
}

void sd_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_message("shipdeck: warning: ", fmt, ap);
	va_end(ap);
}

static void keep(struct ctx *c, bool warning, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	sb_vaddf(&sb, fmt, ap);
	c->said = xrealloc(c->said, (c->nsaid + 1) * sizeof *c->said);
	c->said[c->nsaid++] = (struct ctx_said){warning, text_clean(sb_str(&sb), TEXT_KEEP_NEWLINES)};
	sb_free(&sb);
}

int ctx_fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	keep(c, false, fmt, ap);
	va_end(ap);
	return -1;
}

void ctx_caution(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	keep(c, true, fmt, ap);
	va_end(ap);
}

const char *ctx_last_error(const struct ctx *c)
{
	for (size_t i = c->nsaid; i > 0; i--)
		if (!c->said[i - 1].warning)
			return c->said[i - 1].text;
	return NULL;
}

void ctx_forget(struct ctx *c)
{
	for (size_t i = 0; i < c->nsaid; i++)
		free(c->said[i].text);
	free(c->said);
	c->said = NULL;
	c->nsaid = 0;
}

void ctx_report(struct ctx *c)
{
	for (size_t i = 0; i < c->nsaid; i++)
		fprintf(stderr, "%s%s\n", c->said[i].warning ? "shipdeck: warning: " : "shipdeck: ",
			c->said[i].text);
	ctx_forget(c);
}
