/* SPDX-License-Identifier: MIT */
/* fuzz_guest_spec: the guest's pod spec tokenizer (xenstore ~/xenpod/spec, QEMU command line). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/spec.h"

static const char *buf_lo, *buf_hi; /* the parse buffer, [lo, hi) */

static void check_str(const char *s)
{
	if (!s || s < buf_lo || s >= buf_hi ||
	    !memchr(s, '\0', (size_t)(buf_hi - s)))
		abort(); /* every token is NUL-terminated inside the buffer */
}

static void check_spec(const struct spec *sp)
{
	size_t i;

	if (!sp->argc || sp->argc > SPEC_ARGV_MAX || sp->argv[sp->argc] ||
	    sp->envc > SPEC_ENV_MAX || sp->envp[sp->envc] ||
	    sp->nunknown > SPEC_UNKNOWN_MAX)
		abort();
	for (i = 0; i < sp->argc; i++)
		check_str(sp->argv[i]);
	for (i = 0; i < sp->envc; i++) {
		check_str(sp->envp[i]);
		if (!sp->envp[i][0] || sp->envp[i][0] == '=')
			abort(); /* a non-empty key (a bare "KEY" is let through) */
	}
	for (i = 0; i < sp->nunknown; i++)
		check_str(sp->unknown[i]);
	if (sp->cwd)
		check_str(sp->cwd);
	if (sp->name)
		check_str(sp->name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec sp;
	const char *err = NULL;
	char *buf = malloc(size + 1); /* the contract: room for len + 1 */
	long n;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf_lo = buf;
	buf_hi = buf + size + 1;
	memset(&sp, 0, sizeof(sp));
	if (spec_parse(buf, size, &sp, &err) == 0)
		check_spec(&sp);
	else if (!err)
		abort();
	/* One token: decoding only shrinks it and never makes a NUL byte
	 * (spec_parse never hands it a literal one: it stops there). */
	memcpy(buf, data, size);
	n = spec_unescape(buf, size);
	if (n > (long)size ||
	    (n > 0 && !memchr(data, 0, size) && memchr(buf, '\0', (size_t)n)))
		abort();
	free(buf);
	return 0;
}
