/* SPDX-License-Identifier: MIT */
/* net_nft: the only libnftables user: runs an nft script as one kernel transaction. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "net.h"

/* nft's first error line, without the newline. */
static void first_line(const char *msg, char *err, size_t errsz)
{
	size_t n = strcspn(msg ? msg : "", "\n");

	if (!msg || !n)
		msg = "nft failed", n = strlen(msg);
	snprintf(err, errsz, "%.*s", (int)n, msg);
}

int net_nft_run(const char *script, char *err, size_t errsz)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	int rc;

	if (!nft) {
		snprintf(err, errsz, "libnftables: out of memory");
		return -ENOMEM;
	}
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	/* One buffer is one batch: the kernel applies all of it or none. */
	rc = nft_run_cmd_from_buffer(nft, script);
	if (rc) {
		first_line(nft_ctx_get_error_buffer(nft), err, errsz);
		rc = -EIO;
	}
	nft_ctx_free(nft);
	return rc;
}
