/* SPDX-License-Identifier: MIT */
/* digest: SHA-256 digests (nettle's) as lowercase hex. */
#include "digest.h"

#include <nettle/base16.h>

void digest_hex(struct sha256_ctx *h, char out[DIGEST_HEX_LEN + 1])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_digest(h, sizeof(d), d);
	base16_encode_update(out, sizeof(d), d);
	out[DIGEST_HEX_LEN] = '\0';
}
