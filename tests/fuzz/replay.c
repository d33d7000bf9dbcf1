/* SPDX-License-Identifier: MIT */
/* replay: a main() for a fuzz target built without libFuzzer; feeds it every file of its corpus. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Set by each target's build: the name of its corpus dir under tests/fuzz/corpus/. */
#ifndef FUZZ_CORPUS
#error "build with -DFUZZ_CORPUS=\"name\""
#endif

static int replay_file(const char *path, size_t *count)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "FAIL: %s - %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	/* Run the copy the fuzzer would see: exactly len bytes, no terminator. */
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "replay %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	(*count)++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order so that runs are reproducible. */
static int replay_dir(const char *dir, size_t *count)
{
	char **names = NULL, path[4096];
	size_t n = 0, i;
	struct dirent *e;
	int rc = 0;
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(stderr, "FAIL: %s - %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		char **nn;

		if (e->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (!nn)
			break;
		names = nn;
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    replay_file(path, count))
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

static int replay_arg(const char *path, size_t *count)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "FAIL: %s - %s\n", path, strerror(errno));
		return -1;
	}
	return S_ISDIR(st.st_mode) ? replay_dir(path, count) :
				     replay_file(path, count);
}

/* No arguments: $srcdir/tests/fuzz/corpus/FUZZ_CORPUS (make check); else the files/dirs given. */
int main(int argc, char **argv)
{
	const char *srcdir = getenv("srcdir");
	char dir[4096];
	size_t count = 0;
	int i, rc = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2) {
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s",
			 srcdir ? srcdir : ".", FUZZ_CORPUS);
		rc = replay_arg(dir, &count);
		if (!rc && count == 0) {
			fprintf(stderr, "FAIL: fuzz %s - empty corpus %s\n",
				FUZZ_CORPUS, dir);
			rc = -1;
		}
	}
	for (i = 1; i < argc; i++)
		if (replay_arg(argv[i], &count))
			rc = -1;
	if (LLVMFuzzerCleanup)
		LLVMFuzzerCleanup();
	printf("%s: fuzz %s - replayed %zu inputs\n", rc ? "FAIL" : "PASS",
	       FUZZ_CORPUS, count);
	return rc ? 1 : 0;
}
