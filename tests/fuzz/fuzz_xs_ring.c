/* SPDX-License-Identifier: MIT */
/* fuzz_xs_ring: the guest's xenstore ring copy, framing and payload parsers against a hostile peer. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "xenplat/xs_ring.h"

/*
 * The input is a script of a hostile xenstored: the ring's initial indices
 * and contents, then one op per byte (with arguments following) that
 * either moves the peer's indices (at any moment, even between a header
 * and its body) or runs the guest's side. The receive side mirrors
 * guest/xen/xs.c: header into a struct, check, body into a buffer, parse.
 */
struct script {
	const uint8_t *p;
	size_t n;
};

static uint32_t take32(struct script *s)
{
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < 4 && s->n; i++, s->n--)
		v |= (uint32_t)*s->p++ << (8 * i);
	return v;
}

static uint8_t take8(struct script *s)
{
	if (!s->n)
		return 0;
	s->n--;
	return *s->p++;
}

struct rx {
	struct xsd_sockmsg hdr;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	size_t have;
	bool dead; /* the ring was found inconsistent: the guest stops using it */
};

static void dispatch(struct rx *rx)
{
	const char *path, *token;
	size_t n = rx->hdr.len;

	rx->body[n] = '\0';
	switch (rx->hdr.type) {
	case XS_WATCH_EVENT:
		if (xs_watch_event_parse(rx->body, n, &path, &token) == 0 &&
		    (path + strlen(path) >= rx->body + n ||
		     token + strlen(token) >= rx->body + n))
			abort();
		break;
	case XS_ERROR:
		if (xs_error_to_errno(rx->body, n) >= 0)
			abort();
		break;
	case XS_DIRECTORY:
		if (xs_directory_count(rx->body, n) > (int)n)
			abort();
		break;
	default:
		break;
	}
}

/* One receive pass, as xs.c's rx loop: returns -EIO when the guest must give up. */
static int receive(struct xenstore_domain_interface *r, struct rx *rx)
{
	for (int rounds = 0; rounds < 64; rounds++) {
		size_t want;
		int n;

		if (rx->have < sizeof(rx->hdr)) {
			want = sizeof(rx->hdr) - rx->have;
			n = xs_ring_get(r, (char *)&rx->hdr + rx->have, want);
		} else {
			want = sizeof(rx->hdr) + rx->hdr.len - rx->have;
			n = xs_ring_get(
				r, rx->body + rx->have - sizeof(rx->hdr), want);
		}
		if (n < 0)
			return n;
		if ((size_t)n > want)
			abort();
		rx->have += (size_t)n;
		if (rx->have == sizeof(rx->hdr) && xs_msg_check(&rx->hdr))
			return -EIO;
		if (rx->have >= sizeof(rx->hdr) &&
		    rx->hdr.len > XENSTORE_PAYLOAD_MAX)
			abort(); /* checked before any body byte is read */
		if (rx->have >= sizeof(rx->hdr) &&
		    rx->have == sizeof(rx->hdr) + rx->hdr.len) {
			rx->have = 0;
			dispatch(rx);
			continue;
		}
		if ((size_t)n < want)
			return 0;
	}
	return 0;
}

static void send_one(struct xenstore_domain_interface *r, struct script *s)
{
	char msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	uint32_t before = r->req_prod, used = r->req_prod - r->req_cons;
	struct xs_part part;
	uint32_t type;
	size_t len;
	int n, put;

	len = (size_t)take8(s) << 4;
	len |= take8(s);
	part.nul = take8(s) & 1;
	type = take8(s);
	part.data = s->p;
	part.len = len > s->n ? s->n : len;
	s->p += part.len;
	s->n -= part.len;
	n = xs_msg_build(msg, sizeof(msg), type, 1, 0, &part, 1);
	if (n < 0)
		return;
	put = xs_ring_put(r, msg, (size_t)n);
	if (put < 0 ? used <= XENSTORE_RING_SIZE :
		      (used > XENSTORE_RING_SIZE || put > n ||
		       (uint32_t)put > XENSTORE_RING_SIZE - used ||
		       r->req_prod != before + (uint32_t)put))
		abort(); /* put fails only on bad indices, and stays within the space */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xenstore_domain_interface *r = calloc(1, sizeof(*r));
	struct rx *rx = calloc(1, sizeof(*rx));
	struct script s = { data, size };
	uint8_t tmp[XENSTORE_RING_SIZE + 16];
	int steps = 0;

	if (!r || !rx)
		abort();
	r->rsp_cons = take32(&s);
	r->rsp_prod = take32(&s);
	r->req_cons = take32(&s);
	r->req_prod = r->req_cons + (take8(&s) % 2 ? take32(&s) : 0);
	while (s.n && steps++ < 4096) {
		uint32_t c, p, avail;
		size_t want, i;
		int n;

		switch (take8(&s) % 8) {
		case 0: /* the peer writes response bytes at rsp_prod */
			n = take8(&s);
			for (i = 0; i < (size_t)n && s.n; i++)
				r->rsp[MASK_XENSTORE_IDX(r->rsp_prod + i)] =
					(char)take8(&s);
			r->rsp_prod += (uint32_t)i;
			break;
		case 1: /* the peer sets any index to anything */
			r->rsp_prod = take32(&s);
			break;
		case 2:
			r->req_cons = take32(&s);
			break;
		case 3: /* the peer moves rsp_prod a little (wraps at 2^32) */
			r->rsp_prod += (uint32_t)(int8_t)take8(&s);
			break;
		case 4: /* a raw get of any size */
			want = take8(&s) * 5u;
			c = r->rsp_cons;
			p = r->rsp_prod;
			avail = p - c;
			n = xs_ring_get(r, tmp, want);
			if (n < 0 ? avail <= XENSTORE_RING_SIZE :
				    (avail > XENSTORE_RING_SIZE ||
				     (size_t)n > want || (uint32_t)n > avail ||
				     r->rsp_cons != c + (uint32_t)n))
				abort();
			break;
		case 5:
		case 6:
			if (!rx->dead && receive(r, rx) < 0)
				rx->dead = true;
			break;
		case 7:
			send_one(r, &s);
			break;
		}
	}
	free(rx);
	free(r);
	return 0;
}
