/* gitrefs — a repository's refs read from its files (loose refs and
 * packed-refs), as `git for-each-ref` reads them. libgit2 1.5's reference
 * iterator first copies every packed ref into a sorted cache, which was a
 * third of a warm start at 23 000 refs (docs/performance.md); finding that
 * nothing changed should cost what listing the refs costs. */
#ifndef SD_GITREFS_H
#define SD_GITREFS_H

#include <stddef.h>

/* One ref: target is 40 hex (lower case) for a direct ref, "" for a
 * symbolic one, whose target ref name is in symbolic (else NULL). */
struct gitref {
	const char *name;
	char target[41];
	const char *symbolic;
};

/* Calls fn for every ref whose name starts with one of prefixes (each
 * ending in '/', e.g. "refs/tags/"), under the repository's common
 * directory commondir (ending in '/'): a loose ref hides the packed ref of
 * its name; names git refuses and unreadable or malformed ref files are
 * skipped, as git skips them. Order: loose refs, then packed ones (sort if
 * it matters). fn returning non-zero stops the walk: returns 1 then;
 * 0 when every ref was given; -1 with a message in err. */
int gitrefs_each(const char *commondir, const char *const *prefixes, size_t nprefixes,
		 int (*fn)(void *arg, const struct gitref *r), void *arg, char *err, size_t errlen);

/* A file of the repository's own under commondir (packed-refs, shallow,
 * info/grafts), mapped read-only; text NULL and len 0 when it is absent or
 * empty. One that is not a regular file (a FIFO would hang the read) or is
 * larger than max bytes is refused. 0, or -1 with "path: why" in err.
 * The text is not NUL-terminated. */
struct gitrefs_map {
	const char *text;
	size_t len;
};
int gitrefs_map_file(const char *commondir, const char *name, size_t max, struct gitrefs_map *m,
		     char *err, size_t errlen);
void gitrefs_unmap(struct gitrefs_map *m);

#endif
