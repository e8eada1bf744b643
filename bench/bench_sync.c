/* bench_sync — runs gitscan_sync once against a database and prints what it
 * did, for bench/run.sh while `shipdeck sync` is not there (and for a quick
 * look at one repository). Usage: bench_sync REPO DB [--full] [--tags PATTERN] */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gitscan.h"
#include "store.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_sync REPO DB [--full] [--tags PATTERN]\n");
		return 2;
	}
	struct gitscan_opts o = {0};
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--full") == 0)
			o.full = true;
		else if (strcmp(argv[i], "--tags") == 0 && i + 1 < argc)
			o.deploy_tags = argv[++i];
	}
	char err[512];
	struct store *st = store_open(argv[2], STORE_CREATE, err, sizeof err);
	if (!st) {
		fprintf(stderr, "bench_sync: %s\n", err);
		return 1;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct gitscan_result r;
	int rc = gitscan_sync(st, argv[1], &o, &r, err, sizeof err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "bench_sync: %s\n", err);
		return 1;
	}
	size_t failed = 0;
	for (size_t i = 0; i < r.nreverts; i++)
		failed += r.reverts[i].revert_deploy > r.reverts[i].reverted_deploy && r.reverts[i].reverted_deploy >= 0;
	printf("%.3f s: %zu deployments, %zu changes, %zu reverts (%zu across deployments), "
	       "%zu commits known, %zu walked%s, default branch %s\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       r.ndeploys, r.nchanges_all, r.nreverts, failed, r.commits_known, r.commits_walked,
	       r.from_cache ? " (from cache)" : "", r.default_branch);
	for (size_t i = 0; i < r.nwarnings; i++)
		printf("warning: %s\n", r.warnings[i]);
	gitscan_result_free(&r);
	return 0;
}
