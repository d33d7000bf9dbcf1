/* SPDX-License-Identifier: MIT */
/* fuzz_console: `xenpod logs --tail N` over a pod's console log (guest-written bytes, rotated). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "fuzz.h"
#include "log.h"

/*
 * Input: byte 0 is the tail (255: the whole log), then NAME.log.1 and
 * NAME.log split by "\n----\n" (only NAME.log if there is no separator).
 * What the reader returns must be the last `tail` lines of the two files
 * concatenated, as a simple reference computes them.
 */
static char dir[256];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz", true, LOG_LEVEL_ERR);
	fuzz_tmpdir(dir, sizeof(dir), "console");
	return 0;
}

void LLVMFuzzerCleanup(void)
{
	fuzz_empty_dir(dir);
	rmdir(dir);
}

/* Offset where the last `tail` lines of all[0..n) start (a final '\n' starts none). */
static size_t ref_tail(const uint8_t *all, size_t n, long tail)
{
	size_t i;

	if (tail == 0)
		return n;
	for (i = n; i > 0; i--) {
		if (all[i - 1] != '\n' || i == n)
			continue;
		if (--tail == 0)
			return i;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[2];
	size_t len[2], n, off, got = 0;
	char path[400], *out;
	struct conlog_reader *r;
	uint8_t *all;
	long tail;
	ssize_t k;

	if (!size)
		return 0;
	tail = data[0] == 255 ? -1 : data[0];
	n = fuzz_split(data + 1, size - 1, part, len, 2);
	if (n == 1) {
		part[1] = part[0];
		len[1] = len[0];
		len[0] = 0;
	}
	snprintf(path, sizeof(path), "%s/fz.log.1", dir);
	if (n == 2)
		fuzz_write(path, part[0], len[0]);
	snprintf(path, sizeof(path), "%s/fz.log", dir);
	fuzz_write(path, part[1], len[1]);

	all = malloc(len[0] + len[1] + 1);
	out = malloc(len[0] + len[1] + 1);
	if (!all || !out)
		abort();
	memcpy(all, part[0], len[0]);
	memcpy(all + len[0], part[1], len[1]);
	if (conlog_reader_open(dir, "fz", tail, &r))
		abort();
	while ((k = conlog_reader_read(r, out + got,
				       len[0] + len[1] + 1 - got)) > 0)
		got += (size_t)k;
	conlog_reader_close(r);
	if (k < 0 || got > len[0] + len[1])
		abort();
	/* A line cut by rotation (NAME.log.1 not ending in '\n') may count
	 * as two: then only "a suffix of the log" is promised. */
	off = tail < 0 ? 0 : ref_tail(all, len[0] + len[1], tail);
	if (memcmp(out, all + len[0] + len[1] - got, got))
		abort(); /* not a suffix of the log */
	if ((!len[0] || part[0][len[0] - 1] == '\n') &&
	    got != len[0] + len[1] - off) {
		fprintf(stderr, "tail %ld: got %zu bytes, want %zu\n", tail,
			got, len[0] + len[1] - off);
		abort();
	}
	free(all);
	free(out);
	console_log_remove(dir, "fz");
	return 0;
}
