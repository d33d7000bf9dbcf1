/* SPDX-License-Identifier: MIT */
/* fuzz_xs: the daemon's parsers of guest-written xenstore values (state, exit code, error, tty). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "xs.h"

#define NODE_CAP 128 /* xs_read_status reads at most this much of a node */

/* Input: state, exit_code, error and tty node values split by "\n----\n"; a
 * part "<absent>" is a missing node, a part over the cap is -E2BIG. */
static void to_value(const uint8_t *p, size_t n, struct xs_value *v)
{
	v->val = (const char *)p;
	v->len = n;
	v->rc = 0;
	if (n == 8 && !memcmp(p, "<absent>", 8))
		v->rc = -2; /* -ENOENT */
	else if (n > NODE_CAP)
		v->rc = -7; /* -E2BIG */
}

static void check_status(const struct xs_guest_status *st)
{
	size_t i, n = strnlen(st->error, sizeof(st->error));

	if (n == sizeof(st->error))
		abort(); /* error is always NUL-terminated */
	for (i = 0; i < n; i++)
		if (st->error[i] < 0x20 || st->error[i] > 0x7e)
			abort(); /* guest text reaches logs only sanitised */
	if (st->state == XS_GUEST_EXITED &&
	    (st->exit_code < 0 || st->exit_code > 255))
		abort();
	if (st->state > XS_GUEST_INVALID)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *parts[4];
	size_t lens[4], n, i;
	struct xs_value v[3];
	struct xs_guest_status st;
	enum xs_guest_state gs;
	char out[129];
	char *copy;
	int code;

	/* Every parser on the whole input, as the one value it is given:
	 * exactly size bytes, no terminator, so an overread is caught. */
	copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	if (xs_parse_state(copy, size, &gs) == 0 && gs > XS_GUEST_INVALID)
		abort();
	if (xs_parse_exit_code(copy, size, &code) == 0 &&
	    (code < 0 || code > 255))
		abort();
	(void)xs_parse_tty(copy, size);
	for (i = 1; i <= sizeof(out); i += 37) {
		size_t w = xs_sanitize_text(copy, size, out, i);

		if (w >= i || strlen(out) != w)
			abort();
	}
	free(copy);

	n = fuzz_split(data, size, parts, lens, 4);
	for (i = 0; i < 3; i++) {
		if (i < n)
			to_value(parts[i], lens[i], &v[i]);
		else
			v[i] = (struct xs_value){ .rc = -2 };
	}
	memset(&st, 0xa5, sizeof(st));
	xs_status_eval(&v[0], &v[1], &v[2], &st);
	check_status(&st);
	return 0;
}
