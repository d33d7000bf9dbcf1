/* SPDX-License-Identifier: MIT */
/* sha256: FIPS 180-4 SHA-256 for image digests (no crypto library is linked). */
#ifndef XENPOD_SHA256_H
#define XENPOD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	uint8_t buf[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
/* Finish and write lowercase hex (SHA256_HEX_LEN chars + NUL). */
void sha256_final_hex(struct sha256 *s, char out[SHA256_HEX_LEN + 1]);

#endif
