/* SPDX-License-Identifier: MIT */
/* fuzz_p9: the 9P2000.L codec (guest/lib/p9.c) over hostile messages: what decodes must re-encode to the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/p9.h"

static uint8_t again[P9_MSIZE_MAX];

/* Every string and data block points inside the message. */
static void in_msg(const void *p, size_t len, const uint8_t *lo, size_t size)
{
	const uint8_t *q = p;

	if (len && (q < lo || q + len > lo + size))
		abort();
}

static void check_dirents(const struct p9_data *d)
{
	struct p9_dirent e;
	uint32_t pos = 0, last = 0;
	int rc;

	while ((rc = p9_dirent_next(d->p, d->len, &pos, &e)) == 1) {
		if (pos <= last || pos > d->len || !e.name.len ||
		    memchr(e.name.s, '/', e.name.len) ||
		    memchr(e.name.s, 0, e.name.len))
			abort();
		last = pos;
	}
	if (rc != 0 && rc != -71 /* EPROTO */)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct p9_msg m;
	uint32_t msize = P9_MSIZE_MAX, fsize;
	unsigned i;
	int n;

	/* The first byte picks a negotiated msize, as the transport would. */
	if (size && data[0] < 0x10) {
		msize = P9_MSIZE_MIN << (data[0] & 7);
		data++;
		size--;
	}
	if (size >= 4 && !p9_frame_size(data, msize, &fsize) &&
	    (fsize < P9_HDR_LEN || fsize > msize))
		abort();
	if (p9_decode(data, size, msize, &m))
		return 0;
	if (size > msize || p9_get32(data) != size)
		abort();
	n = p9_encode(&m, again, sizeof(again), msize);
	if (n != (int)size || memcmp(again, data, size))
		abort();
	switch (m.type) {
	case P9_TWALK:
		for (i = 0; i < m.u.twalk.nwname; i++)
			in_msg(m.u.twalk.wname[i].s, m.u.twalk.wname[i].len,
			       data, size);
		break;
	case P9_TWRITE:
		in_msg(m.u.tio.data.p, m.u.tio.data.len, data, size);
		break;
	case P9_RREAD:
		in_msg(m.u.rdata.data.p, m.u.rdata.data.len, data, size);
		break;
	case P9_RREADDIR:
		in_msg(m.u.rdata.data.p, m.u.rdata.data.len, data, size);
		check_dirents(&m.u.rdata.data);
		break;
	default:
		break;
	}
	return 0;
}
