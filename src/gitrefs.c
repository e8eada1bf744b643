/* gitrefs — loose refs and packed-refs read directly (see gitrefs.h). The
 * format is git's own (Documentation/technical: "ref: <name>" or 40 hex in
 * a loose file; "<hex> <name>" lines, "^<hex>" peeled lines and a "#"
 * header in packed-refs). */
#include "gitrefs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <pthread.h>
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
bool gitrefs_plain_name(const char *name)
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
	if (gitrefs_plain_name(name))
		return true;
	gitrefs_libgit2_init();
	bool ok = git_reference_name_is_valid(&valid, name) == 0 && valid;
	git_libgit2_shutdown();
	return ok;
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

/* ---- libgit2 at first need ---------------------------------------------- */

/* Pack files mapped 32 MiB at a time, 256 MiB at most (git's own
 * core.packedGitWindowSize and packedGitLimit on 32-bit systems). libgit2
 * 1.5 maps 1 GiB windows up to 8 GiB on 64-bit systems: a history walk
 * keeps the whole pack (573 MB at a million commits) resident to the end;
 * windows of 32 MiB let the walk's own memory, not the pack's size, decide
 * its peak (issue 17: at most git log's; a cold sync at a million commits
 * went from 815 to 611 MB, its CPU time the same within the noise:
 * docs/performance.md). */
#define PACK_WINDOW ((size_t)32 << 20)
#define PACK_MAPPED_LIMIT ((size_t)256 << 20)

static pthread_once_t libgit2_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t scans_lock = PTHREAD_MUTEX_INITIALIZER;
static bool libgit2_started; /* under scans_lock */
static int scans;            /* under scans_lock: between scan_begin and scan_end */

/* The object cache would keep every commit read during the walk (tens of
 * MB on a large history) for nothing: each is read once. Commits (and the
 * trees a path service's walk reads) are kept out of it while scans run,
 * then libgit2's defaults come back. */
static void scan_options(bool scanning)
{
	size_t limit = scanning ? 0 : 4096;
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT, limit);
	/* trees too: a path service's walk reads each pair once, and the
	 * cache would hold hundreds of MB of them */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, limit);
	/* Re-hashing every object read costs a fifth of the scan; git log does
	 * not do it either (git fsck is the tool for that). */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, (int)!scanning);
}

static void libgit2_start(void)
{
	git_libgit2_init(); /* the process's hold, given back by gitrefs_libgit2_end */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, PACK_WINDOW);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, PACK_MAPPED_LIMIT);
	pthread_mutex_lock(&scans_lock);
	libgit2_started = true;
	if (scans)
		scan_options(true);
	pthread_mutex_unlock(&scans_lock);
}

void gitrefs_libgit2_scan_begin(void)
{
	pthread_mutex_lock(&scans_lock);
	if (scans++ == 0 && libgit2_started)
		scan_options(true);
	pthread_mutex_unlock(&scans_lock);
}

void gitrefs_libgit2_scan_end(void)
{
	pthread_mutex_lock(&scans_lock);
	if (--scans == 0 && libgit2_started)
		scan_options(false);
	pthread_mutex_unlock(&scans_lock);
}

void gitrefs_libgit2_init(void)
{
	pthread_once(&libgit2_once, libgit2_start);
	git_libgit2_init();
}

void gitrefs_libgit2_end(void)
{
	pthread_mutex_lock(&scans_lock);
	bool started = libgit2_started;
	libgit2_started = false;
	pthread_mutex_unlock(&scans_lock);
	if (started)
		git_libgit2_shutdown();
}

/* ---- finding the repository's directories -------------------------------- */

static bool owned_of_kind(const char *path, mode_t kind)
{
	struct stat sb;
	return stat(path, &sb) == 0 && (sb.st_mode & S_IFMT) == kind && sb.st_uid == geteuid();
}

/* The first line of a small regular file, trailing white space cut; NULL
 * when absent, not regular, empty or large. */
static char *first_line(const char *path)
{
	struct gitrefs_map m;
	char err[8];
	if (gitrefs_map_file("", path, 4096, &m, err, sizeof err) != 0 || !m.text)
		return NULL;
	size_t n = 0;
	while (n < m.len && m.text[n] != '\n' && m.text[n] != '\0')
		n++;
	while (n > 0 && (m.text[n - 1] == ' ' || m.text[n - 1] == '\t' || m.text[n - 1] == '\r'))
		n--;
	char *line = n ? xstrndup(m.text, n) : NULL;
	gitrefs_unmap(&m);
	return line;
}

/* dir + rel (rel as is when absolute), ending in '/'. */
static char *dir_join(const char *dir, const char *rel)
{
	const char *slash = rel[0] && rel[strlen(rel) - 1] == '/' ? "" : "/";
	if (rel[0] == '/')
		return xasprintf("%s%s", rel, slash);
	return xasprintf("%s%s%s", dir, rel, slash);
}

/* gitdir (ending in '/') as a repository: its common directory, or NULL. */
static char *plain_repository(const char *gitdir)
{
	char *path = xasprintf("%scommondir", gitdir);
	char *rel = first_line(path);
	free(path);
	struct stat sb;
	path = xasprintf("%scommondir", gitdir);
	bool odd = !rel && lstat(path, &sb) == 0; /* there, but empty or not a plain file */
	free(path);
	char *common = rel ? dir_join(gitdir, rel) : xstrdup(gitdir);
	free(rel);
	char *head = xasprintf("%sHEAD", gitdir), *objects = xasprintf("%sobjects", common),
	     *refs = xasprintf("%srefs", common);
	bool ok = !odd && owned_of_kind(gitdir, S_IFDIR) && owned_of_kind(common, S_IFDIR) &&
		  owned_of_kind(head, S_IFREG) && owned_of_kind(objects, S_IFDIR) && owned_of_kind(refs, S_IFDIR);
	free(head);
	free(objects);
	free(refs);
	if (!ok) {
		free(common);
		return NULL;
	}
	return common;
}

int gitrefs_find_dirs(const char *repo_path, char **gitdir, char **commondir)
{
	*gitdir = *commondir = NULL;
	if (!repo_path || !*repo_path)
		return -1;
	char *top = dir_join("", repo_path);
	char *dotgit = xasprintf("%s.git", top);
	struct stat sb;
	char *dir = NULL;
	if (lstat(dotgit, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		dir = xasprintf("%s/", dotgit);
	} else if (lstat(dotgit, &sb) == 0 && S_ISREG(sb.st_mode)) {
		char *line = first_line(dotgit);
		if (line && strncmp(line, "gitdir: ", 8) == 0 && line[8])
			dir = dir_join(top, line + 8);
		free(line);
		if (!dir) { /* a .git file git would not follow: libgit2 says why */
			free(dotgit);
			free(top);
			return -1;
		}
	} else if (lstat(dotgit, &sb) != 0 && errno == ENOENT) {
		dir = xstrdup(top); /* bare */
	}
	free(dotgit);
	free(top);
	char *common = dir ? plain_repository(dir) : NULL;
	if (!common) {
		free(dir);
		return -1;
	}
	*gitdir = dir;
	*commondir = common;
	return 0;
}
