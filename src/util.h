/* util — allocation that never returns NULL, a growable string, small helpers. */
#ifndef SD_UTIL_H
#define SD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation wrappers abort with a message instead of returning NULL (htop's rule). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* xstrdup that maps NULL to NULL. */
char *xstrdup_or_null(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows *items (of *cap elements of size elem) so that index `need - 1` fits. */
void grow_array(void **items, size_t *cap, size_t need, size_t elem);
#define VEC_PUSH(arr, n, cap, value) do { \
	grow_array((void **)&(arr), &(cap), (n) + 1, sizeof(*(arr))); \
	(arr)[(n)++] = (value); \
} while (0)

/* A growable NUL-terminated string. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};
#define STRBUF_INIT {NULL, 0, 0}
void sb_add(struct strbuf *sb, const char *s);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_addrep(struct strbuf *sb, const char *s, int times);
/* Returns the string (never NULL) and leaves the buffer empty; the caller frees it. */
char *sb_detach(struct strbuf *sb);
const char *sb_str(const struct strbuf *sb);
void sb_reset(struct strbuf *sb);
/* Cuts sb back to its first len bytes (len <= sb->len): to undo what was
 * added since a mark. */
void sb_truncate(struct strbuf *sb, size_t len);
void sb_free(struct strbuf *sb);

bool streq(const char *a, const char *b);
bool str_starts(const char *s, const char *prefix);
/* Parses a whole decimal integer; false on junk, overflow or out of [min,max]. */
bool parse_long(const char *s, long long min, long long max, long long *out);
bool parse_double(const char *s, double *out);


/* Writes all of buf, retrying short writes; 0, or -1 with errno. */
int write_all(int fd, const char *buf, size_t len);
/* Writes a new file at path in one step (a temporary file in the same
 * directory, then rename), never following a link; 0, or -1 with errno. */
int write_file_atomic(const char *path, const char *data, size_t len, unsigned mode);

/* qsort and bsearch that accept an empty array: C leaves a NULL base
 * undefined even for zero elements, and UBSan says so. */
void sort_array(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *search_array(const void *key, const void *base, size_t n, size_t size,
		   int (*cmp)(const void *, const void *));

/* Median and nearest-rank p90 of n values (docs/metrics.md §5); they sort vals in place. */
double median_of(double *vals, size_t n);
double p90_of(double *vals, size_t n);
int cmp_double(const void *a, const void *b);

#endif
