/* datafiles — the JSON and SQL files of data/, built into the binary. */
#ifndef SD_DATAFILES_H
#define SD_DATAFILES_H

#include <stddef.h>

struct embedded_file {
	const char *name;
	const char *data;
	size_t len;
};
extern const struct embedded_file embedded_files[];

/* Contents of data/<name> (NUL-terminated): $SHIPDECK_DATA_DIR/<name> when
 * that exists, else the copy built into the binary. The pointer is valid for
 * the life of the program; NULL when there is no such file. */
const char *data_file(const char *name, size_t *len);

#endif
