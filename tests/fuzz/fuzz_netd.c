/* SPDX-License-Identifier: MIT */
/* fuzz_netd: docker's -p syntax and a pod's network line (state file) through net_port.c, what parses must round-trip; --add-host and dom0's resolv.conf through net_dns.c. */
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

/* --add-host: what parses is a valid name and address; dom0's resolv.conf: within
 * the limits, valid, and its text fits a buffer of the size the limits give. */
static void dns(const char *s)
{
	static struct net_dns d, none;
	static char buf[8192];
	struct net_host h;
	char why[400], a[NET_ADDR_TEXT_MAX];

	if (!net_host_parse(s, &h, why, sizeof(why)) &&
	    (!net_domain_valid(h.name) ||
	     (strcmp(h.addr, NET_HOST_GATEWAY) && net_addr_parse(h.addr, a))))
		abort();
	net_resolv_parse(s, &d);
	if (d.n_servers > NET_DNS_MAX || d.n_search > NET_DNS_SEARCH_MAX ||
	    d.n_options > NET_DNS_OPTIONS_MAX)
		abort();
	for (unsigned i = 0; i < d.n_search; i++)
		if (!net_domain_valid(d.search[i]))
			abort();
	for (unsigned i = 0; i < d.n_options; i++)
		if (!net_dns_option_valid(d.options[i]))
			abort();
	if (net_resolv_text(&none, &d, buf, sizeof(buf)) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);

	port(s);
	line(s);
	dns(s);
	free(s);
	return 0;
}
