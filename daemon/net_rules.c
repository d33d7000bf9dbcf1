/* SPDX-License-Identifier: MIT */
/* net_rules: the text of xenpod's nftables tables for the networks and their pods (pure). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "net.h"

struct out {
	char *buf;
	size_t sz, n;
	bool full;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (o->full)
		return;
	va_start(ap, fmt);
	w = vsnprintf(o->buf + o->n, o->sz - o->n, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= o->sz - o->n)
		o->full = true;
	else
		o->n += (size_t)w;
}

/* Deleting a table that does not exist fails the whole transaction: add it first. */
static void flush_tables(struct out *o)
{
	put(o, "add table ip " NET_TABLE "\ndelete table ip " NET_TABLE "\n");
	put(o, "add table bridge " NET_TABLE "\ndelete table bridge " NET_TABLE
	       "\n");
}

/* DNAT of each port forward: from other hosts (prerouting) and from dom0 itself (output). */
static void forwards(struct out *o, const struct net_pod *pods, size_t n)
{
	char hip[16], pip[16];

	put(o, "\tchain forwards {\n");
	for (size_t i = 0; i < n; i++) {
		net_ip_format(pods[i].ip, pip);
		for (unsigned j = 0; j < pods[i].n_ports; j++) {
			const struct net_port *p = &pods[i].ports[j];

			put(o, "\t\t");
			if (p->host_ip) {
				net_ip_format(p->host_ip, hip);
				put(o, "ip daddr %s ", hip);
			}
			put(o, "%s dport %u dnat to %s:%u\n",
			    net_proto_name(p->proto), p->host_port, pip,
			    p->pod_port);
		}
	}
	put(o, "\t}\n");
}

static void ip_table(struct out *o, const struct net_network *nets,
		     size_t n_nets, const struct net_pod *pods, size_t n)
{
	char sub[16];

	put(o, "table ip " NET_TABLE " {\n");
	forwards(o, pods, n);
	put(o, "\tchain prerouting {\n"
	       "\t\ttype nat hook prerouting priority -100; policy accept;\n"
	       "\t\tfib daddr type local jump forwards\n\t}\n");
	put(o, "\tchain output {\n"
	       "\t\ttype nat hook output priority -100; policy accept;\n"
	       "\t\tfib daddr type local jump forwards\n\t}\n");
	/* dom0's localhost reaches a pod only with a source the pod can answer. */
	put(o, "\tchain postrouting {\n"
	       "\t\ttype nat hook postrouting priority 100; policy accept;\n");
	for (size_t i = 0; i < n_nets; i++) {
		const char *br = nets[i].bridge;
		unsigned pfx = nets[i].prefix;

		net_ip_format(nets[i].addr & (~(uint32_t)0 << (32 - pfx)), sub);
		put(o,
		    "\t\toifname \"%s\" ip saddr 127.0.0.0/8 masquerade\n"
		    "\t\tip saddr %s/%u oifname != \"%s\" masquerade\n",
		    br, sub, pfx, br);
	}
	put(o, "\t}\n");
	/* Pods reach dom0 only with answers to dom0's own connections. */
	put(o, "\tchain input {\n"
	       "\t\ttype filter hook input priority 0; policy accept;\n");
	for (size_t i = 0; i < n_nets; i++)
		put(o,
		    "\t\tiifname \"%s\" ct state established,related accept\n"
		    "\t\tiifname \"%s\" drop\n",
		    nets[i].bridge, nets[i].bridge);
	put(o, "\t}\n");
	/* Into a network: its own pods (bridged, seen here only if br_netfilter
	 * is loaded), answers and port forwards only; so a pod of one network
	 * never opens a connection to a pod of another. */
	put(o, "\tchain forward {\n"
	       "\t\ttype filter hook forward priority 0; policy accept;\n");
	for (size_t i = 0; i < n_nets; i++) {
		const char *br = nets[i].bridge;

		put(o,
		    "\t\tiifname \"%s\" oifname \"%s\" accept\n"
		    "\t\toifname \"%s\" ct state established,related accept\n"
		    "\t\toifname \"%s\" ct status dnat accept\n"
		    "\t\toifname \"%s\" drop\n",
		    br, br, br, br, br);
	}
	put(o, "\t}\n}\n");
}

/* Anti-spoofing: a vif sends only its pod's MAC and address (IPv4 and ARP); any
 * other frame from a pod's vif, or from a vif xenpod does not know, is dropped. */
static void bridge_table(struct out *o, const struct net_pod *pods, size_t n)
{
	char ip[16], mac[18];

	put(o,
	    "table bridge " NET_TABLE " {\n\tchain prerouting {\n"
	    "\t\ttype filter hook prerouting priority -200; policy accept;\n");
	for (size_t i = 0; i < n; i++) {
		const char *ifn = pods[i].ifname;

		net_ip_format(pods[i].ip, ip);
		net_mac_format(pods[i].mac, mac);
		put(o, "\t\tiifname \"%s\" ether saddr %s ip saddr %s accept\n",
		    ifn, mac, ip);
		put(o,
		    "\t\tiifname \"%s\" ether saddr %s arp saddr ether %s arp saddr ip %s accept\n",
		    ifn, mac, mac, ip);
	}
	put(o, "\t\tiifname \"xp*\" drop\n\t}\n}\n");
}

int net_rules_text(const struct net_network *nets, size_t n_nets,
		   const struct net_pod *pods, size_t n, char *buf,
		   size_t bufsz)
{
	struct out o = { buf, bufsz, 0, false };

	if (!bufsz)
		return -ENOSPC;
	buf[0] = '\0';
	flush_tables(&o);
	ip_table(&o, nets, n_nets, pods, n);
	bridge_table(&o, pods, n);
	return o.full ? -ENOSPC : (int)o.n;
}

int net_rules_flush_text(char *buf, size_t bufsz)
{
	struct out o = { buf, bufsz, 0, false };

	if (!bufsz)
		return -ENOSPC;
	buf[0] = '\0';
	flush_tables(&o);
	return o.full ? -ENOSPC : (int)o.n;
}
