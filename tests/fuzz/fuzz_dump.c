/* fuzz_dump — libFuzzer target for `shipdeck import`: the export document
 * parser writing into a real SQLite file (made once in a temporary
 * directory, on /dev/shm when there is one). Oracles: a refused document
 * changes nothing (the export before and after are identical) and says why
 * (cmd_import cleans the message for the terminal); an accepted one
 * survives export -> import -> export byte for byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump.h"
#include "store.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *st;
static char dir[64];

static void cleanup(void)
{
	store_close(st);
	st = NULL;
	const char *suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 4; i++) {
		char *p = xasprintf("%s/fuzz.db%s", dir, suffix[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);
}

static struct store *store(void)
{
	if (st)
		return st;
	snprintf(dir, sizeof dir, "%s/shipdeck-fuzz-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(dir))
		abort();
	char *path = xasprintf("%s/fuzz.db", dir);
	char err[512];
	st = store_open(path, STORE_CREATE, err, sizeof err);
	free(path);
	if (!st) {
		fprintf(stderr, "fuzz_dump: %s\n", err);
		abort();
	}
	atexit(cleanup);
	return st;
}

static char *export_text(void)
{
	struct strbuf out = STRBUF_INIT;
	if (dump_export(store(), &out) != 0)
		abort();
	return sb_detach(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = malloc(size + 1);
	if (!json)
		return 0;
	memcpy(json, data, size);
	json[size] = '\0';
	char *before = export_text();
	char err[1024] = "";
	if (dump_import(store(), json, size, err, sizeof err) != 0) {
		char *after = export_text();
		/* The message may quote the document's own text (cmd_import cleans
		 * it for the terminal), but it must say something. */
		if (!err[0])
			abort();
		if (strcmp(before, after) != 0) {
			fprintf(stderr, "fuzz_dump: a refused document changed the database: %s\n", err);
			abort();
		}
		free(after);
	} else {
		char *first = export_text();
		if (dump_import(store(), first, strlen(first), err, sizeof err) != 0) {
			fprintf(stderr, "fuzz_dump: own export refused: %s\n", err);
			abort();
		}
		char *second = export_text();
		if (strcmp(first, second) != 0)
			abort(); /* export -> import -> export is not the identity */
		free(first);
		free(second);
	}
	free(before);
	free(json);
	return 0;
}
