/* SPDX-License-Identifier: MIT */
/* pod_net: a pod's network through net.c: set up before its domain, given back when it ends, re-adopted. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "net.h"
#include "pod.h"
#include "pod_internal.h"

int pod_net_attach(struct pod *p, char *err, size_t errsz)
{
	char nerr[384];
	int rc;

	if (p->net.mode != NET_BRIDGE || p->net_attached)
		return 0;
	p->net_req.hostname = p->net.hostname[0] ? p->net.hostname : NULL;
	rc = net_attach(p->uuid, &p->net_req, &p->net, nerr, sizeof(nerr));
	p->net_req.hostname = NULL;
	if (rc) {
		snprintf(err, errsz, "network: %s", nerr);
		return rc;
	}
	p->net_attached = true;
	log_info("pod %s: network: %s", p->name,
		 (net_pod_format(&p->net, nerr, sizeof(nerr)), nerr));
	pod_event(p, "network_attached");
	return 0;
}

void pod_net_detach(struct pod *p)
{
	if (!p->net_attached)
		return;
	net_detach(p->uuid);
	p->net_attached = false;
	pod_event(p, "network_detached");
}

void pod_net_adopt(struct pod *p)
{
	int rc;

	if (p->net.mode != NET_BRIDGE || p->net_attached)
		return;
	rc = net_adopt(p->uuid, &p->net);
	if (rc) {
		log_warn("pod %s: cannot re-adopt its network (%s): %s",
			 p->name, p->net.ifname, strerror(-rc));
		return;
	}
	p->net_attached = true;
}

void pod_net_nic(const struct pod *p, struct hv_domain_config *dc, char mac[18],
		 char ip[48])
{
	if (!p->net_attached)
		return;
	net_mac_format(p->net.mac, mac);
	net_vif_ip(&p->net, ip, 48);
	dc->nic_bridge = net_bridge();
	dc->nic_mac = mac;
	dc->nic_ip = ip;
	dc->nic_ifname = p->net.ifname;
	dc->nic_script = net_vif_script();
}

const char *pod_net_hostname(const struct pod *p)
{
	return p->net.hostname[0] ? p->net.hostname : p->name;
}
