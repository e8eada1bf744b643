/* files — every file shipdeck reads (config, holidays, time zone, CI
 * export, export, data files) comes through here. A path can name anything:
 * opening a FIFO for reading blocks until a writer comes, a device such as
 * /dev/zero never ends, a directory "reads" as an I/O error. So the file is
 * opened with O_NONBLOCK (which makes open() of a FIFO return at once),
 * fstat'ed, and refused unless it is a regular file; the small files have a
 * size cap so a planted multi-gigabyte file cannot eat the memory. Reasons
 * name the kind of file, never its content: a holidays path aimed at a
 * secret must not print the secret. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

const char *file_type_refusal(mode_t mode)
{
	if (S_ISREG(mode))
		return NULL;
	if (S_ISDIR(mode))
		return "is a directory, not a regular file";
	if (S_ISFIFO(mode))
		return "is a FIFO, not a regular file";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "is a device, not a regular file";
	if (S_ISSOCK(mode))
		return "is a socket, not a regular file";
	if (S_ISLNK(mode))
		return "is a symbolic link";
	return "is not a regular file";
}

static int type_errno(mode_t mode)
{
	return S_ISDIR(mode) ? EISDIR : S_ISLNK(mode) ? ELOOP : EINVAL;
}

int file_open_regular(const char *path, unsigned flags, struct stat *sb, char *why, size_t whylen)
{
	int oflags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	if (flags & FILE_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	int fd = open(path, oflags);
	if (fd < 0) {
		int e = errno;
		snprintf(why, whylen, "%s", e == ELOOP && (flags & FILE_NOFOLLOW) ?
			 "is a symbolic link" : strerror(e));
		errno = e;
		return -1;
	}
	const char *refusal = fstat(fd, sb) != 0 ? strerror(errno) : file_type_refusal(sb->st_mode);
	if (refusal) {
		int e = type_errno(sb->st_mode);
		snprintf(why, whylen, "%s", refusal);
		close(fd);
		errno = e;
		return -1;
	}
	/* A regular file never blocks; clearing the flag keeps reads ordinary. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

static void cap_text(char *buf, size_t len, size_t cap)
{
	if (cap >= 1024 * 1024)
		snprintf(buf, len, "is larger than %zu MiB", cap / (1024 * 1024));
	else
		snprintf(buf, len, "is larger than %zu KiB", cap / 1024);
}

/* Reads fd to its end, at most cap bytes (0: any); -1 with why past it. */
static char *read_all(int fd, size_t cap, size_t *len, char *why, size_t whylen)
{
	struct strbuf sb = STRBUF_INIT;
	char chunk[65536];
	for (;;) {
		size_t want = sizeof chunk;
		if (cap && cap + 1 - sb.len < want)
			want = cap + 1 - sb.len; /* one byte past the cap tells "too big" */
		ssize_t n = read(fd, chunk, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			snprintf(why, whylen, "%s", strerror(e));
			sb_free(&sb);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		sb_addn(&sb, chunk, (size_t)n);
		if (cap && sb.len > cap) {
			cap_text(why, whylen, cap);
			sb_free(&sb);
			errno = EFBIG;
			return NULL;
		}
	}
	if (len)
		*len = sb.len;
	return sb_detach(&sb);
}

char *file_read(const char *path, size_t cap, unsigned flags, size_t *len, char *why, size_t whylen)
{
	if ((flags & FILE_STDIN_OK) && strcmp(path, "-") == 0)
		return read_all(STDIN_FILENO, cap, len, why, whylen);
	struct stat sb;
	int fd = file_open_regular(path, flags, &sb, why, whylen);
	if (fd < 0)
		return NULL;
	if (cap && (size_t)sb.st_size > cap) {
		cap_text(why, whylen, cap);
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	char *data = read_all(fd, cap, len, why, whylen);
	int e = errno;
	close(fd);
	errno = e;
	return data;
}

char *read_file(const char *path, size_t *len)
{
	char why[128];
	return file_read(path, 0, FILE_STDIN_OK, len, why, sizeof why);
}
