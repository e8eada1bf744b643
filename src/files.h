/* files — the one way shipdeck opens a file it reads: never blocking, only
 * regular files, with a size cap for the small ones. */
#ifndef SD_FILES_H
#define SD_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Caps for the small files (docs/security.md, "Strange files"). */
#define FILE_CAP_CONFIG (1024 * 1024)
#define FILE_CAP_HOLIDAYS (256 * 1024)
#define FILE_CAP_TIMEZONE (256 * 1024)

enum file_flags {
	FILE_STDIN_OK = 1,   /* "-" means standard input */
	FILE_NOFOLLOW = 2,   /* refuse a symbolic link at path */
};

/* Why a file of this type cannot be read as data: "is a FIFO, not a regular
 * file"; NULL for a regular file. */
const char *file_type_refusal(mode_t mode);
/* Opens path read-only without blocking (a FIFO or a device never hangs the
 * caller), then keeps it only when fstat says it is a regular file. Returns
 * the descriptor (blocking again, close-on-exec) or -1 with a one-line
 * reason that never quotes the file's content, and errno set. */
int file_open_regular(const char *path, unsigned flags, struct stat *sb, char *why, size_t whylen);
/* Reads a whole regular file (or standard input for "-" with FILE_STDIN_OK)
 * of at most cap bytes (0: no cap). Returns a NUL-terminated malloc'd copy
 * and its length, or NULL with a reason as file_open_regular's. */
char *file_read(const char *path, size_t cap, unsigned flags, size_t *len, char *why, size_t whylen);
/* Reads a whole regular file ("-" is stdin) through file_read, without a cap;
 * NULL with errno set on failure. Tests use it; the program calls file_read. */
char *read_file(const char *path, size_t *len);

#endif
