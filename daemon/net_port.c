/* SPDX-License-Identifier: MIT */
/* net_port: text forms of the network's values: addresses, MACs, docker's -p syntax, a pod's network line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* A decimal number of at most 5 digits, no sign, no leading zeros but "0". */
static int num_parse(const char **sp, unsigned long max, unsigned long *v)
{
	const char *s = *sp;
	unsigned long n = 0;
	int d = 0;

	while (s[d] >= '0' && s[d] <= '9') {
		if (d == 5)
			return -EINVAL;
		n = n * 10 + (unsigned long)(s[d] - '0');
		d++;
	}
	if (!d || (d > 1 && s[0] == '0') || n > max)
		return -EINVAL;
	*sp = s + d;
	*v = n;
	return 0;
}

static int ip_parse_at(const char **sp, uint32_t *ip)
{
	unsigned long b;
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		if (i && *(*sp)++ != '.')
			return -EINVAL;
		if (num_parse(sp, 255, &b))
			return -EINVAL;
		v = v << 8 | (uint32_t)b;
	}
	*ip = v;
	return 0;
}

int net_ip_parse(const char *s, uint32_t *ip)
{
	return ip_parse_at(&s, ip) || *s ? -EINVAL : 0;
}

void net_ip_format(uint32_t ip, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
		 (ip >> 8) & 255, ip & 255);
}

int net_cidr_parse(const char *s, uint32_t *ip, unsigned *prefix)
{
	unsigned long n;

	if (ip_parse_at(&s, ip) || *s++ != '/' || num_parse(&s, 30, &n) || *s ||
	    n < 8)
		return -EINVAL;
	*prefix = (unsigned)n;
	return 0;
}

void net_mac_format(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int net_mac_parse(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int h = hexval(s[3 * i]), l = h < 0 ? -1 : hexval(s[3 * i + 1]);

		if (l < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(h << 4 | l);
	}
	return s[17] ? -EINVAL : 0;
}

const char *net_proto_name(enum net_proto p)
{
	return p == NET_UDP ? "udp" : "tcp";
}

const char *net_mode_name(enum net_mode m)
{
	return m == NET_BRIDGE ? "bridge" : m == NET_NETNS ? "netns" : "none";
}

int net_mode_parse(const char *s, enum net_mode *m)
{
	if (strcmp(s, "none") == 0)
		*m = NET_NONE;
	else if (strcmp(s, "bridge") == 0)
		*m = NET_BRIDGE;
	else if (strcmp(s, "netns") == 0)
		*m = NET_NETNS;
	else
		return -EINVAL;
	return 0;
}

static int port_num(const char **sp, uint16_t *port)
{
	unsigned long n;

	if (num_parse(sp, 65535, &n) || n == 0)
		return -EINVAL;
	*port = (uint16_t)n;
	return 0;
}

int net_port_parse(const char *s, struct net_port *p, char *why, size_t whysz)
{
	const char *t = s, *colon2;

	memset(p, 0, sizeof(*p));
	p->proto = NET_TCP;
	/* Two colons: the first part is the host address. */
	colon2 = strchr(s, ':');
	colon2 = colon2 ? strchr(colon2 + 1, ':') : NULL;
	if (colon2) {
		if (ip_parse_at(&t, &p->host_ip) || t != strchr(s, ':')) {
			snprintf(
				why, whysz,
				"\"%.40s\": bad host address (expected A.B.C.D)",
				s);
			return -EINVAL;
		}
		t++;
	}
	if (port_num(&t, &p->host_port) || *t++ != ':') {
		snprintf(
			why, whysz,
			"\"%.40s\": bad host port (expected [HOSTIP:]HOSTPORT:PODPORT[/tcp|/udp], ports 1-65535)",
			s);
		return -EINVAL;
	}
	if (port_num(&t, &p->pod_port)) {
		snprintf(why, whysz, "\"%.40s\": bad pod port (1-65535)", s);
		return -EINVAL;
	}
	if (*t == '/') {
		if (strcmp(t, "/tcp") == 0)
			p->proto = NET_TCP;
		else if (strcmp(t, "/udp") == 0)
			p->proto = NET_UDP;
		else {
			snprintf(why, whysz,
				 "\"%.40s\": bad protocol (tcp or udp)", s);
			return -EINVAL;
		}
	} else if (*t) {
		snprintf(why, whysz, "\"%.40s\": trailing characters", s);
		return -EINVAL;
	}
	return 0;
}

void net_port_format(const struct net_port *p, char buf[NET_PORT_TEXT_MAX])
{
	char ip[16] = "";

	if (p->host_ip) {
		net_ip_format(p->host_ip, ip);
		strcat(ip, ":");
	}
	snprintf(buf, NET_PORT_TEXT_MAX, "%s%u:%u/%s", ip, p->host_port,
		 p->pod_port, net_proto_name(p->proto));
}

int net_pod_format(const struct net_pod *np, char *buf, size_t bufsz)
{
	char ip[16], mac[18], port[NET_PORT_TEXT_MAX];
	size_t n;
	int w;

	net_ip_format(np->ip, ip);
	net_mac_format(np->mac, mac);
	if (np->mode == NET_NONE)
		w = snprintf(buf, bufsz, "none");
	else
		w = snprintf(buf, bufsz, "%s ip=%s mac=%s if=%s",
			     net_mode_name(np->mode), ip, mac, np->ifname);
	if (w < 0 || (size_t)w >= bufsz)
		return -ENOSPC;
	n = (size_t)w;
	if (np->mode == NET_NETNS) {
		char gw[16];

		net_ip_format(np->gateway, gw);
		w = snprintf(buf + n, bufsz - n,
			     " prefix=%u gw=%s dev=%s ns=%s", np->prefix, gw,
			     np->device, np->netns);
		if (w < 0 || (size_t)w >= bufsz - n)
			return -ENOSPC;
		n += (size_t)w;
	}
	if (np->mode == NET_BRIDGE && np->network[0]) {
		w = snprintf(buf + n, bufsz - n, " net=%s", np->network);
		if (w < 0 || (size_t)w >= bufsz - n)
			return -ENOSPC;
		n += (size_t)w;
	}
	if (np->hostname[0]) {
		w = snprintf(buf + n, bufsz - n, " host=%s", np->hostname);
		if (w < 0 || (size_t)w >= bufsz - n)
			return -ENOSPC;
		n += (size_t)w;
	}
	for (unsigned i = 0; i < np->n_ports; i++) {
		net_port_format(&np->ports[i], port);
		w = snprintf(buf + n, bufsz - n, " port=%s", port);
		if (w < 0 || (size_t)w >= bufsz - n)
			return -ENOSPC;
		n += (size_t)w;
	}
	return 0;
}

/* Copies a checked word (strlen(src) < cap) and clears the rest, so no
 * bytes of an earlier value stay behind the NUL. (Not strncpy: gcc's
 * -Wstringop-truncation cannot see the length check.) */
static void set_word(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	memset(dst, 0, cap);
	memcpy(dst, src, n < cap ? n : cap - 1);
}

static bool hostname_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > NET_HOSTNAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
			return false;
	return true;
}

bool net_network_name_valid(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > NET_NAME_MAX || !strcmp(s, "none") ||
	    !strcmp(s, NET_DEFAULT_NETWORK) || !strcmp(s, "host") ||
	    !strcmp(s, "netns"))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return false;
	}
	return true;
}

/* One "key=value" word of a network line. */
static int pod_word(struct net_pod *np, const char *w)
{
	char why[160];

	if (strncmp(w, "ip=", 3) == 0)
		return net_ip_parse(w + 3, &np->ip);
	if (strncmp(w, "mac=", 4) == 0)
		return net_mac_parse(w + 4, np->mac);
	if (strncmp(w, "if=", 3) == 0) {
		if (!w[3] || strlen(w + 3) > NET_IFNAME_MAX)
			return -EINVAL;
		set_word(np->ifname, sizeof(np->ifname), w + 3);
		return 0;
	}
	if (strncmp(w, "host=", 5) == 0) {
		if (!hostname_valid(w + 5))
			return -EINVAL;
		set_word(np->hostname, sizeof(np->hostname), w + 5);
		return 0;
	}
	if (strncmp(w, "net=", 4) == 0) {
		if (!net_network_name_valid(w + 4))
			return -EINVAL;
		set_word(np->network, sizeof(np->network), w + 4);
		return 0;
	}
	if (strncmp(w, "prefix=", 7) == 0) {
		char *end;
		unsigned long v = strtoul(w + 7, &end, 10);

		if (!w[7] || *end || v < 1 || v > 32)
			return -EINVAL;
		np->prefix = (unsigned)v;
		return 0;
	}
	if (strncmp(w, "gw=", 3) == 0)
		return net_ip_parse(w + 3, &np->gateway);
	if (strncmp(w, "dev=", 4) == 0) {
		if (!net_ifname_valid(w + 4))
			return -EINVAL;
		set_word(np->device, sizeof(np->device), w + 4);
		return 0;
	}
	if (strncmp(w, "ns=", 3) == 0) {
		if (!net_netns_path_valid(w + 3))
			return -EINVAL;
		set_word(np->netns, sizeof(np->netns), w + 3);
		return 0;
	}
	if (strncmp(w, "port=", 5) == 0) {
		if (np->n_ports == NET_PORTS_MAX)
			return -EINVAL;
		return net_port_parse(w + 5, &np->ports[np->n_ports++], why,
				      sizeof(why));
	}
	return -EINVAL;
}

int net_pod_parse(const char *s, struct net_pod *np)
{
	char copy[NET_STATE_TEXT_MAX], *save = NULL, *w;
	int rc = 0;

	memset(np, 0, sizeof(*np));
	if (strlen(s) >= sizeof(copy))
		return -EINVAL;
	strcpy(copy, s);
	w = strtok_r(copy, " ", &save);
	if (!w || net_mode_parse(w, &np->mode))
		return -EINVAL;
	while (!rc && (w = strtok_r(NULL, " ", &save)))
		rc = np->mode == NET_NONE && strncmp(w, "host=", 5) ?
			     -EINVAL :
			     pod_word(np, w);
	if (!rc && np->mode != NET_NONE && (!np->ip || !np->ifname[0]))
		rc = -EINVAL;
	if (!rc && np->mode == NET_NETNS &&
	    (!np->netns[0] || !np->device[0] || !np->prefix || np->n_ports ||
	     np->network[0]))
		rc = -EINVAL;
	if (!rc && np->mode == NET_BRIDGE &&
	    (np->netns[0] || np->device[0] || np->prefix || np->gateway))
		rc = -EINVAL;
	return rc;
}

bool net_netns_path_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > NET_NETNS_PATH_MAX || s[0] != '/' || strstr(s, "/../") ||
	    (n >= 3 && !strcmp(s + n - 3, "/..")))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("/._:-", *s)))
			return false;
	return true;
}

bool net_ifname_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > NET_IFNAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("_.-", *s)))
			return false;
	return true;
}

bool net_hostname_valid(const char *s)
{
	return hostname_valid(s);
}
