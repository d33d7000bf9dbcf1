/* SPDX-License-Identifier: MIT */
/* digest: SHA-256 digests (nettle's) as the lowercase hex that names cached images and OCI blobs. */
#ifndef XENPOD_DIGEST_H
#define XENPOD_DIGEST_H

#include <nettle/sha2.h>

#define DIGEST_HEX_LEN (2 * SHA256_DIGEST_SIZE)

/*
 * Start with nettle's sha256_init(&h), feed bytes with digest_update (nettle's sha256_update
 * with the arguments in memcpy order and any pointer type), then finish with digest_hex: it
 * writes DIGEST_HEX_LEN lowercase hex characters and a NUL, and leaves H reset for reuse.
 */
static inline void digest_update(struct sha256_ctx *h, const void *data,
				 size_t len)
{
	sha256_update(h, len, data);
}

void digest_hex(struct sha256_ctx *h, char out[DIGEST_HEX_LEN + 1]);

#endif
