/* SPDX-License-Identifier: MIT */
/* fuzz_guest_cpio: the guest kernel's newc cpio reader and path cleaner (built for the host). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/cpio.h"

static volatile uint8_t sink;

/* Every byte the reader hands out must lie inside the archive. */
static void check_entry(const uint8_t *base, size_t len,
			const struct cpio_entry *e)
{
	const uint8_t *n = (const uint8_t *)e->name;
	const uint8_t *d = e->data;
	char out[CPIO_NAME_MAX + 1];
	const char *err = NULL;
	long r;
	size_t i;

	if (n < base || e->namelen >= len || n + e->namelen >= base + len ||
	    n[e->namelen] != '\0' || strlen(e->name) != e->namelen)
		abort();
	if (e->size && (d < base || e->size > len || d + e->size > base + len))
		abort();
	for (i = 0; i < e->size; i++)
		sink ^= d[i];
	r = cpio_path_clean(e->name, out, sizeof(out), &err);
	if (r < 0) {
		if (!err)
			abort(); /* every refusal says why */
		return;
	}
	if ((size_t)r >= sizeof(out) || strlen(out) != (size_t)r ||
	    out[0] == '/' || !strcmp(out, "..") || !strncmp(out, "../", 3) ||
	    strstr(out, "/../") || (r >= 3 && !strcmp(out + r - 3, "/..")))
		abort(); /* a clean path never escapes the root */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_reader r;
	struct cpio_entry e;
	const char *err;
	char small[8];
	unsigned guard = 0;
	int rc;

	cpio_init(&r, data, size);
	while ((rc = cpio_next(&r, &e, &err)) == 1) {
		check_entry(data, size, &e);
		if (++guard > size + 1)
			abort(); /* each entry consumes input: no loop */
	}
	if (rc != 0 && (rc >= 0 || !err))
		abort();
	/* A failed reader stays failed. */
	if (rc < 0 && cpio_next(&r, &e, &err) >= 0)
		abort();
	/* The cleaner on the raw input as one name, into a tight buffer. */
	if (size && size < CPIO_NAME_MAX && !memchr(data, 0, size)) {
		char *name = fuzz_strndup(data, size);
		long n = cpio_path_clean(name, small, sizeof(small), &err);

		if (n >= (long)sizeof(small))
			abort();
		free(name);
	}
	return 0;
}
