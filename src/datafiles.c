/* datafiles — built-in copies make the binary work uninstalled (the README's
 * first command runs it from the build tree); SHIPDECK_DATA_DIR lets a
 * team or a test point at edited copies without rebuilding. */
#include "datafiles.h"

#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "util.h"

struct loaded {
	char *name;
	char *data;
};
static struct loaded *loaded;
static size_t nloaded, caploaded;

static const char *from_dir(const char *name, size_t *len)
{
	const char *dir = getenv("SHIPDECK_DATA_DIR");
	if (!dir || !*dir)
		return NULL;
	for (size_t i = 0; i < nloaded; i++)
		if (strcmp(loaded[i].name, name) == 0) {
			if (len)
				*len = strlen(loaded[i].data);
			return loaded[i].data;
		}
	char *path = xasprintf("%s/%s", dir, name);
	char why[128];
	char *data = file_read(path, 0, 0, len, why, sizeof why);
	free(path);
	if (!data)
		return NULL;
	struct loaded l = {xstrdup(name), data};
	VEC_PUSH(loaded, nloaded, caploaded, l);
	return data;
}

const char *data_file(const char *name, size_t *len)
{
	const char *d = from_dir(name, len);
	if (d)
		return d;
	for (const struct embedded_file *f = embedded_files; f->name; f++)
		if (strcmp(f->name, name) == 0) {
			if (len)
				*len = f->len;
			return f->data;
		}
	return NULL;
}
