/* SPDX-License-Identifier: MIT */
/* base64: RFC 4648 base64 for stdio bytes inside JSON lines (daemon, CLI, tests). */
#ifndef XENPOD_BASE64_H
#define XENPOD_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Characters b64_encode writes for n bytes, without the NUL. */
#define B64_LEN(n) (((n) + 2) / 3 * 4)

/* Encode n bytes into out (B64_LEN(n) + 1 bytes, NUL-terminated); returns the length. */
size_t b64_encode(const uint8_t *in, size_t n, char *out);
/* The 6-bit value of an alphabet character, or -1 (also for '=' and NUL). */
int b64_val(char c);
/* Strict decode: length a multiple of 4, padding only at the end. Bytes, -EINVAL or -E2BIG. */
long b64_decode(const char *s, uint8_t *out, size_t cap);

#endif
