/* SPDX-License-Identifier: MIT */
/* fuzz_podio: the pod I/O frame decoders (guest/lib/podio.c) over a hostile byte stream, as either side reads it. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/podio.h"

static const uint8_t *pay_lo, *pay_hi; /* the payload being decoded */

static void check_str(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;

	if (!s || p < pay_lo || p >= pay_hi ||
	    !memchr(p, 0, (size_t)(pay_hi - p)))
		abort();
}

/* A decoded EXEC must re-encode to the very same bytes. */
static void check_exec(const uint8_t *pay, uint32_t len)
{
	static struct podio_exec_view v;
	static uint8_t again[PODIO_MAX_PAYLOAD];
	struct podio_exec req;
	unsigned i;
	int n;

	if (podio_exec_decode(pay, len, &v))
		return;
	if (!v.argc || v.argc > PODIO_EXEC_MAX_ARGS || v.argv[v.argc] ||
	    v.envc > PODIO_EXEC_MAX_ENV || v.envp[v.envc])
		abort();
	for (i = 0; i < v.argc; i++)
		check_str(v.argv[i]);
	for (i = 0; i < v.envc; i++)
		check_str(v.envp[i]);
	check_str(v.cwd);
	if (v.user)
		check_str(v.user);
	if (v.groups)
		check_str(v.groups);
	if (v.rlimits)
		check_str(v.rlimits);
	req = (struct podio_exec){ .tty = v.tty,
				   .rows = v.rows,
				   .cols = v.cols,
				   .argc = v.argc,
				   .envc = v.envc,
				   .argv = v.argv,
				   .envp = v.envp,
				   .cwd = v.cwd,
				   .user = v.user,
				   .groups = v.groups,
				   .rlimits = v.rlimits };
	n = podio_exec_encode(&req, again, sizeof(again));
	if (n != (int)len || memcmp(again, pay, len))
		abort();
}

static void check_payload(const struct podio_hdr *h, const uint8_t *pay)
{
	char msg[PODIO_ERROR_MAX_MSG + 1];
	int32_t code;
	uint32_t u32;
	uint8_t fd;
	size_t i;

	switch (h->type) {
	case PODIO_EXEC:
		check_exec(pay, h->len);
		break;
	case PODIO_EXIT:
		if (!podio_exit_decode(pay, h->len, &code, &u32) &&
		    (code < 0 || code > 255))
			abort();
		break;
	case PODIO_CREDIT:
		if (!podio_credit_decode(pay, h->len, &fd, &u32) && fd > 2)
			abort();
		break;
	case PODIO_ERROR:
		if (podio_error_decode(pay, h->len, &code, msg, sizeof(msg)))
			break;
		for (i = 0; msg[i]; i++)
			if ((unsigned char)msg[i] < 0x20)
				abort();
		if (i > PODIO_ERROR_MAX_MSG)
			abort();
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;

	/* Frames back to back, as they come off the ring; stop at the
	 * first bad header, as the receiver closes the channel there. */
	while (size - off >= PODIO_HDR_LEN) {
		struct podio_hdr h;
		uint8_t *pay;

		if (podio_hdr_decode(data + off, &h))
			break;
		if (h.len > PODIO_MAX_PAYLOAD)
			abort();
		off += PODIO_HDR_LEN;
		if (size - off < h.len)
			break;
		/* An exact-size copy, so any overread is ASan's. */
		pay = malloc(h.len ? h.len : 1);
		if (!pay)
			abort();
		memcpy(pay, data + off, h.len);
		pay_lo = pay;
		pay_hi = pay + h.len;
		check_payload(&h, pay);
		free(pay);
		off += h.len;
	}
	return 0;
}
