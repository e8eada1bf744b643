/* gitrefs — a repository's refs read from its files (loose refs and
 * packed-refs), as `git for-each-ref` reads them. libgit2 1.5's reference
 * iterator first copies every packed ref into a sorted cache, which was a
 * third of a warm start at 23 000 refs (docs/performance.md); finding that
 * nothing changed should cost what listing the refs costs. */
#ifndef SD_GITREFS_H
#define SD_GITREFS_H

#include <stdbool.h>
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

/* Names of letters, digits and "/._-" whose components are neither empty
 * nor start with '.' nor end with ".lock", with no ".." and no '.' at the
 * end: valid by git's rules, told without libgit2 (false: ask libgit2). */
bool gitrefs_plain_name(const char *name);

/* libgit2, started once per process at its first real need (a warm run
 * that finds nothing changed reads the ref files itself and never needs
 * it: starting it parses the system CA bundle, about 3 ms, a tenth of
 * listing 23 000 refs). gitrefs_libgit2_init replaces git_libgit2_init
 * (pair it with git_libgit2_shutdown as before): the first call starts
 * libgit2 for the rest of the process, with its pack windows set, so the
 * modules' own init/shutdown pairs never restart it. gitrefs_libgit2_end
 * (main, at exit) gives that first hold back if it was taken. */
void gitrefs_libgit2_init(void);
void gitrefs_libgit2_end(void);
/* History scans running (begin/end in pairs, from any thread): while any
 * is, libgit2 (once started) keeps read commits and trees out of its object
 * cache and does not re-hash objects read; its defaults come back after. */
void gitrefs_libgit2_scan_begin(void);
void gitrefs_libgit2_scan_end(void);

/* The repository at repo_path as git finds it without searching upward:
 * repo_path/.git (a directory, or a file "gitdir: <dir>"), else repo_path
 * itself (bare); commondir is gitdir's "commondir" file's directory (a
 * worktree's main repository), else gitdir. Both end in '/'. 0 when found
 * plainly (HEAD a file, objects and refs directories, every one owned by
 * this user); -1 for anything else, which libgit2 then judges: the plain
 * case is told without starting libgit2 (see gitrefs_libgit2_init). */
int gitrefs_find_dirs(const char *repo_path, char **gitdir, char **commondir);

#endif
