/* say — messages on stderr, and messages kept for the caller (src/say.c). */
#ifndef SD_SAY_H
#define SD_SAY_H

struct ctx;

/* Errors are returned, not printed, by the modules below the commands
 * (the model, its loaders, the store's opening): they keep a message in c
 * and return a failure; the caller shows it: a command prints it with
 * ctx_report, the dashboard puts it on its status bar. */
/* Keeps one error line (cleaned); returns -1. */
int ctx_fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keeps one warning line (cleaned). */
void ctx_caution(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The last error kept and not yet reported, or NULL. */
const char *ctx_last_error(const struct ctx *c);
/* Prints what was kept, in order, as sd_error and sd_warn would have
 * printed it then, and forgets it. */
void ctx_report(struct ctx *c);
/* Forgets what was kept without printing it. */
void ctx_forget(struct ctx *c);
/* Prints "shipdeck: <message>" to stderr. */
void sd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
