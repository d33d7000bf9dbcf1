/* SPDX-License-Identifier: MIT */
/* fuzz_rpc: request lines on the control socket, through the real daemon core (fake seams). */
#include "fuzz.h"
#include "fuzz_daemon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_daemon_session(data, size,
			    150); /* a blocked pod_wait costs this */
	return 0;
}

void LLVMFuzzerCleanup(void)
{
	fuzz_daemon_stop();
}
