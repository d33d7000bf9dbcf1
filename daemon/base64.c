/* SPDX-License-Identifier: MIT */
/* base64: RFC 4648 base64 for stdio bytes inside JSON lines (daemon, CLI, tests). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t b64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
			     in[i + 2];

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)in[i] << 16 |
			     (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

int b64_val(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;

	return p ? (int)(p - alphabet) : -1;
}

long b64_decode(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s), i, o = 0;

	if (n % 4)
		return -EINVAL;
	for (i = 0; i < n; i += 4) {
		bool last = i + 4 == n, p2 = s[i + 2] == '=',
		     p3 = s[i + 3] == '=';
		int a = b64_val(s[i]), b = b64_val(s[i + 1]);
		int c = p2 ? 0 : b64_val(s[i + 2]),
		    d = p3 ? 0 : b64_val(s[i + 3]);

		if (a < 0 || b < 0 || c < 0 || d < 0 || ((p2 || p3) && !last) ||
		    (p2 && !p3))
			return -EINVAL;
		if (o + 1 + !p2 + !p3 > cap)
			return -E2BIG;
		out[o++] = (uint8_t)(a << 2 | b >> 4);
		if (!p2)
			out[o++] = (uint8_t)(b << 4 | c >> 2);
		if (!p3)
			out[o++] = (uint8_t)(c << 6 | d);
	}
	return (long)o;
}
