/* SPDX-License-Identifier: MIT */
/* xs_ring.c: xenstore ring copy with index validation, message framing, error mapping. */
#include <stdint.h>

#include "lib/string.h"
#include "xenplat/xs_ring.h"

static XENSTORE_RING_IDX load_idx(const XENSTORE_RING_IDX *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_idx(XENSTORE_RING_IDX *p, XENSTORE_RING_IDX v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

int xs_ring_put(struct xenstore_domain_interface *r, const void *buf, size_t n)
{
	XENSTORE_RING_IDX cons = load_idx(&r->req_cons);
	XENSTORE_RING_IDX prod = load_idx(&r->req_prod);
	XENSTORE_RING_IDX used = prod - cons;
	const char *src = buf;
	size_t space, done = 0;

	if (used > XENSTORE_RING_SIZE)
		return -EIO;
	space = XENSTORE_RING_SIZE - used;
	if (n > space)
		n = space;
	while (done < n) {
		size_t off = MASK_XENSTORE_IDX(prod + done);
		size_t chunk = XENSTORE_RING_SIZE - off;

		if (chunk > n - done)
			chunk = n - done;
		memcpy(r->req + off, src + done, chunk);
		done += chunk;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* data before index */
	store_idx(&r->req_prod, prod + (XENSTORE_RING_IDX)n);
	return (int)n;
}

int xs_ring_get(struct xenstore_domain_interface *r, void *buf, size_t n)
{
	XENSTORE_RING_IDX cons = load_idx(&r->rsp_cons);
	XENSTORE_RING_IDX prod = load_idx(&r->rsp_prod);
	XENSTORE_RING_IDX avail = prod - cons;
	char *dst = buf;
	size_t done = 0;

	if (avail > XENSTORE_RING_SIZE)
		return -EIO;
	if (n > avail)
		n = avail;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* index before data */
	while (done < n) {
		size_t off = MASK_XENSTORE_IDX(cons + done);
		size_t chunk = XENSTORE_RING_SIZE - off;

		if (chunk > n - done)
			chunk = n - done;
		memcpy(dst + done, r->rsp + off, chunk);
		done += chunk;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* data before index */
	store_idx(&r->rsp_cons, cons + (XENSTORE_RING_IDX)n);
	return (int)n;
}

int xs_msg_build(void *buf, size_t cap, uint32_t type, uint32_t req_id,
		 uint32_t tx_id, const struct xs_part *parts, size_t nparts)
{
	struct xsd_sockmsg h = {
		.type = type, .req_id = req_id, .tx_id = tx_id, .len = 0
	};
	char *p = (char *)buf + sizeof(h);
	size_t len = 0;

	for (size_t i = 0; i < nparts; i++) {
		size_t add;

		if (parts[i].len > XENSTORE_PAYLOAD_MAX)
			return -E2BIG;
		add = parts[i].len + (parts[i].nul ? 1 : 0);
		if (add > XENSTORE_PAYLOAD_MAX - len)
			return -E2BIG;
		len += add;
	}
	if (sizeof(h) + len > cap)
		return -E2BIG;
	for (size_t i = 0; i < nparts; i++) {
		memcpy(p, parts[i].data, parts[i].len);
		p += parts[i].len;
		if (parts[i].nul)
			*p++ = '\0';
	}
	h.len = (uint32_t)len;
	memcpy(buf, &h, sizeof(h));
	return (int)(sizeof(h) + len);
}

int xs_msg_check(const struct xsd_sockmsg *h)
{
	if (h->len > XENSTORE_PAYLOAD_MAX || h->type >= XS_TYPE_COUNT)
		return -EIO;
	return 0;
}

int xs_error_to_errno(const char *payload, size_t len)
{
	size_t n = strnlen(payload, len);

	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]);
	     i++) {
		const char *name = xsd_errors[i].errstring;

		if (strlen(name) == n && !memcmp(name, payload, n))
			return -xsd_errors[i].errnum;
	}
	return -EIO;
}

int xs_watch_event_parse(const char *payload, size_t len, const char **path_r,
			 const char **token_r)
{
	size_t plen = strnlen(payload, len);
	size_t tlen;

	if (plen == len || plen == 0)
		return -EIO;
	tlen = strnlen(payload + plen + 1, len - plen - 1);
	if (plen + 1 + tlen == len)
		return -EIO; /* token not NUL-terminated */
	*path_r = payload;
	*token_r = payload + plen + 1;
	return 0;
}

int xs_directory_count(const char *payload, size_t len)
{
	int n = 0;

	if (len == 0)
		return 0;
	if (payload[len - 1] != '\0')
		return -EIO;
	for (size_t i = 0; i < len; i++)
		if (payload[i] == '\0')
			n++;
	return n;
}
