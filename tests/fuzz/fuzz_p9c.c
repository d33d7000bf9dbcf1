/* SPDX-License-Identifier: MIT */
/* fuzz_p9c: the guest's 9P client core (guest/lib/p9c.c) fed hostile replies: every call ends in an answer within bounds or an error. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/p9c.h"

#define BUFSZ 8192u
#define MAXPARTS 24

static uint8_t tx[BUFSZ], rx[BUFSZ];
static const uint8_t *parts[MAXPARTS];
static size_t lens[MAXPARTS], nparts, next;
static int fix; /* patch size and tag so bodies get explored */

/* The next input part is the reply; the request must have been well formed. */
static int rpc(void *arg, const uint8_t *req, uint32_t len, uint8_t *resp,
	       uint32_t cap)
{
	struct p9_msg m;
	size_t n;

	(void)arg;
	if (p9_decode(req, len, BUFSZ, &m))
		abort(); /* the client sent something it cannot have meant */
	if (next >= nparts)
		return -5; /* EIO: the backend went away */
	n = lens[next] < cap ? lens[next] : cap;
	memcpy(resp, parts[next++], n);
	if (fix && n >= P9_HDR_LEN) {
		p9_put32(resp, (uint32_t)n);
		memcpy(resp + 5, req + 5, 2);
	}
	return (int)n;
}

static void check_dirents(const void *p, long n)
{
	struct p9_dirent d;
	uint32_t at = 0;

	while (p9_dirent_next(p, (uint32_t)n, &at, &d) == 1)
		if (at > (uint32_t)n)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct p9c c;
	static const char *names[2] = { "a", "b" };
	struct p9_rgetattr st;
	struct p9_rstatfs sf;
	struct p9_getlock gl = { 0 };
	const void *p;
	char link[64];
	uint32_t root = 0, f = 0;
	long n;
	int rc;

	if (!size)
		return 0;
	fix = data[0] & 1;
	nparts = fuzz_split(data + 1, size - 1, parts, lens, MAXPARTS);
	next = 0;
	p9c_init(&c, rpc, NULL, tx, rx, BUFSZ);
	if (p9c_version(&c))
		return 0;
	if (c.msize < P9_MSIZE_MIN || c.msize > BUFSZ)
		abort();
	if (p9c_attach(&c, "", &root, NULL))
		return 0;
	if (!p9c_walk(&c, root, 2, names, &f, NULL) && f >= P9C_MAX_FIDS)
		abort();
	(void)p9c_open(&c, f, 0, NULL);
	n = p9c_read(&c, f, 0, 100, &p);
	if (n > 100 || (n > 0 && ((const uint8_t *)p < rx ||
				  (const uint8_t *)p + n > rx + BUFSZ)))
		abort();
	n = p9c_readdir(&c, f, 0, 4000, &p);
	if (n > 4000)
		abort();
	if (n > 0)
		check_dirents(p, n);
	(void)p9c_getattr(&c, f, P9_GETATTR_BASIC, &st);
	rc = p9c_readlink(&c, f, link, sizeof(link));
	if (rc >= (int)sizeof(link) || (rc >= 0 && strlen(link) != (size_t)rc))
		abort();
	n = p9c_write(&c, f, 0, "hello", 5);
	if (n > 5 || n == 0)
		abort();
	rc = p9c_lock(&c, f, P9_LOCK_TYPE_WRLCK, 0, 0, 0, 1);
	if (rc > (int)P9_LOCK_GRACE)
		abort();
	(void)p9c_getlock(&c, f, &gl);
	(void)p9c_statfs(&c, root, &sf);
	(void)p9c_clunk(&c, f);
	(void)p9c_clunk(&c, root);
	return 0;
}
