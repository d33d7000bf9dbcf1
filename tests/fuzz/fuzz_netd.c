/* SPDX-License-Identifier: MIT */
/* fuzz_netd: docker's -p syntax and a pod's network line (state file) through net_port.c; what parses must round-trip. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "net.h"

static void port(const char *s)
{
	struct net_port p, q;
	char why[200], txt[NET_PORT_TEXT_MAX];

	if (net_port_parse(s, &p, why, sizeof(why)))
		return;
	if (!p.host_port || !p.pod_port)
		abort();
	net_port_format(&p, txt);
	if (net_port_parse(txt, &q, why, sizeof(why)) ||
	    memcmp(&p, &q, sizeof(p)))
		abort();
}

static void line(const char *s)
{
	struct net_pod a, b;
	char txt[NET_STATE_TEXT_MAX];

	if (net_pod_parse(s, &a))
		return;
	if (net_pod_format(&a, txt, sizeof(txt)) || net_pod_parse(txt, &b) ||
	    memcmp(&a, &b, sizeof(a)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);

	port(s);
	line(s);
	free(s);
	return 0;
}
