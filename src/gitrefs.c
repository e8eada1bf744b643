/* gitrefs — loose refs and packed-refs read directly (see gitrefs.h). The
 * format is git's own (Documentation/technical: "ref: <name>" or 40 hex in
 * a loose file; "<hex> <name>" lines, "^<hex>" peeled lines and a "#"
 * header in packed-refs). */
#include "gitrefs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct loose {
	char *name;
	char target[41];
	char *symbolic;
};

struct walk {
	const char *root;               /* commondir */
	struct loose *v;
	size_t n, cap;
};

/* Names of letters, digits and "/._-" whose components are neither empty
 * nor start with '.' nor end with ".lock", with no ".." and no '.' at the
 * end: what nearly every ref is called, and valid by git's rules (git
 * check-ref-format). Told without libgit2, which copies each name to check
 * it (a fifth of listing 23 000 packed refs); false sends a name there. */
static bool plainly_valid(const char *name)
{
	const char *comp = name, *p = name;
	for (;; p++) {
		char c = *p;
		if (c == '/' || c == '\0') {
			size_t n = (size_t)(p - comp);
			if (n == 0 || *comp == '.' || (n >= 5 && memcmp(p - 5, ".lock", 5) == 0))
				return false;
			if (c == '\0')
				return p[-1] != '.';
			comp = p + 1;
		} else if (c == '.') {
			if (p[1] == '.')
				return false;
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			     c == '_' || c == '-')) {
			return false;
		}
	}
}

static bool valid_name(const char *name)
{
	int valid = 0;
	return plainly_valid(name) || (git_reference_name_is_valid(&valid, name) == 0 && valid);
}

/* A hex digit's lower-case form, 0 for anything else: one look-up per
 * byte of the 40 of each of 235 000 packed refs. */
static char hex_lower(unsigned char c)
{
	static const char table[256] = {
		['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5',
		['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
		['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f',
		['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
	};
	return table[c];
}

/* 40 hex digits followed by the end or white space, lowered into out. */
static bool parse_hex(const char *p, size_t len, char out[41])
{
	if (len < 40)
		return false;
	bool ok = true;
	for (int i = 0; i < 40; i++) {
		char c = hex_lower((unsigned char)p[i]);
		ok &= c != 0;
		out[i] = c;
	}
	out[40] = '\0';
	if (!ok)
		return false;
	return len == 40 || p[40] == '\n' || p[40] == ' ' || p[40] == '\r' || p[40] == '\t';
}

/* One loose ref file: "<40 hex>\n" or "ref: <name>\n". */
static void read_loose(struct walk *w, const char *path, const char *name)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	char buf[512];
	ssize_t len = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (len <= 0)
		return;
	buf[len] = '\0';
	struct loose l = {0};
	if (len > 5 && memcmp(buf, "ref: ", 5) == 0) {
		size_t end = strcspn(buf + 5, "\r\n");
		l.symbolic = xstrndup(buf + 5, end);
	} else if (!parse_hex(buf, (size_t)len, l.target)) {
		return; /* not a ref: git skips it too */
	}
	l.name = xstrdup(name);
	VEC_PUSH(w->v, w->n, w->cap, l);
}

/* Every file under refs directory rel (e.g. "refs/tags"), depth first. */
static int walk_dir(struct walk *w, const char *rel, char *err, size_t errlen)
{
	char *path = xasprintf("%s%s", w->root, rel);
	DIR *d = opendir(path);
	if (!d) {
		int e = errno;
		free(path);
		if (e == ENOENT || e == ENOTDIR)
			return 0;
		snprintf(err, errlen, "%s%s: %s", w->root, rel, strerror(e));
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		size_t len = strlen(n);
		if (n[0] == '.' || (len > 5 && strcmp(n + len - 5, ".lock") == 0))
			continue; /* a ref being written (git's lock file), or not a ref name */
		char *child = xasprintf("%s/%s", rel, n);
		char *full = xasprintf("%s%s", w->root, child);
		bool dir = de->d_type == DT_DIR, file = de->d_type == DT_REG;
		if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK) {
			struct stat sb;
			dir = stat(full, &sb) == 0 && S_ISDIR(sb.st_mode) && de->d_type != DT_LNK;
			file = !dir && stat(full, &sb) == 0 && S_ISREG(sb.st_mode);
		}
		if (dir)
			rc = walk_dir(w, child, err, errlen);
		else if (file && valid_name(child))
			read_loose(w, full, child);
		free(child);
		free(full);
	}
	closedir(d);
	free(path);
	return rc;
}

static int cmp_loose(const void *a, const void *b)
{
	return strcmp(((const struct loose *)a)->name, ((const struct loose *)b)->name);
}

static bool under(const char *name, size_t len, const char *const *prefixes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t pl = strlen(prefixes[i]);
		if (len > pl && memcmp(name, prefixes[i], pl) == 0)
			return true;
	}
	return false;
}

/* Where the lines of one prefix may start: a name begins right after
 * "<40 hex> " and holds no space, so the first " <prefix>" in the file is
 * the first line under it (a first-run tag check skips the branches). */
static const char *first_under(const char *text, const char *end, const char *const *prefixes,
			       size_t n)
{
	if (n != 1)
		return text;
	char *needle = xasprintf(" %s", prefixes[0]);
	const char *at = memmem(text, (size_t)(end - text), needle, strlen(needle));
	free(needle);
	if (!at)
		return end;
	while (at > text && at[-1] != '\n')
		at--;
	return at;
}

int gitrefs_map_file(const char *commondir, const char *name, size_t max, struct gitrefs_map *m,
		     char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	char *path = xasprintf("%s%s", commondir, name);
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	int rc = 0;
	struct stat sb;
	if (fd < 0) {
		if (errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			rc = -1;
		}
	} else if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > max) {
		/* a FIFO would hang the read */
		snprintf(err, errlen, "%s: not a regular file of a sane size", path);
		rc = -1;
	} else if (sb.st_size > 0) {
		/* Mapped, as git maps it: the page cache's own pages, neither
		 * copied nor cleared (a tenth of a warm sync at 23 000 refs).
		 * git replaces these files by rename, never rewrites them. */
		void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			rc = -1;
		} else {
			m->text = p;
			m->len = (size_t)sb.st_size;
		}
	}
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

void gitrefs_unmap(struct gitrefs_map *m)
{
	if (m->text)
		munmap((void *)m->text, m->len);
	memset(m, 0, sizeof *m);
}

/* The packed refs not hidden by a loose one; stops when fn says so. */
static int each_packed(struct walk *w, const struct gitrefs_map *m, const char *const *prefixes,
		       size_t np, int (*fn)(void *arg, const struct gitref *r), void *arg)
{
	struct strbuf name = STRBUF_INIT;
	int rc = 0;
	const char *text = m->text, *end = m->text + m->len;
	for (const char *p = first_under(text, end, prefixes, np); p < end && rc == 0;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
		struct gitref r = {0};
		if (len > 41 && p[0] != '#' && p[0] != '^' && p[40] == ' ' && parse_hex(p, 40, r.target)) {
			const char *n = p + 41;
			size_t nl = len - 41;
			while (nl && (n[nl - 1] == '\r' || n[nl - 1] == ' '))
				nl--;
			if (under(n, nl, prefixes, np)) {
				name.len = 0;
				sb_addn(&name, n, nl);
				struct loose key = {.name = name.buf};
				if (valid_name(name.buf) &&
				    (!w->n || !search_array(&key, w->v, w->n, sizeof *w->v, cmp_loose))) {
					r.name = name.buf;
					rc = fn(arg, &r) != 0;
				}
			}
		}
		p += len + (eol != NULL);
	}
	sb_free(&name);
	return rc;
}

int gitrefs_each(const char *commondir, const char *const *prefixes, size_t nprefixes,
		 int (*fn)(void *arg, const struct gitref *r), void *arg, char *err, size_t errlen)
{
	struct walk w = {.root = commondir};
	int rc = 0;
	for (size_t i = 0; i < nprefixes && rc == 0; i++) {
		char *rel = xstrndup(prefixes[i], strlen(prefixes[i]) - 1); /* without the '/' */
		rc = walk_dir(&w, rel, err, errlen);
		free(rel);
	}
	sort_array(w.v, w.n, sizeof *w.v, cmp_loose);
	for (size_t i = 0; i < w.n && rc == 0; i++) {
		struct gitref r = {.name = w.v[i].name, .symbolic = w.v[i].symbolic};
		memcpy(r.target, w.v[i].target, sizeof r.target);
		rc = fn(arg, &r) != 0;
	}
	struct gitrefs_map packed = {0};
	if (rc == 0)
		rc = gitrefs_map_file(commondir, "packed-refs", SIZE_MAX, &packed, err, errlen);
	if (rc == 0 && packed.text)
		rc = each_packed(&w, &packed, prefixes, nprefixes, fn, arg);
	gitrefs_unmap(&packed);
	for (size_t i = 0; i < w.n; i++) {
		free(w.v[i].name);
		free(w.v[i].symbolic);
	}
	free(w.v);
	return rc;
}
