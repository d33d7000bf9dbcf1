/* SPDX-License-Identifier: MIT */
/* net: the daemon's network for the pod layer: who holds which address, MAC and ports; the rules applied. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "log.h"
#include "net.h"

#define NET_RULES_BASE 4096 /* the ruleset without pods */
#define NET_RULES_PER_POD (512 + NET_PORTS_MAX * 96)

struct att {
	char uuid[40];
	struct net_pod np;
};

static struct {
	bool enabled;
	char bridge[NET_IFNAME_MAX + 1];
	char vif_script[4096];
	char roots[4200]; /* the pods' boot rootfs files while they are built */
	struct net_config cfg;
	struct net_ipam *ipam;
	struct att *a;
	size_t n, cap;
} net;

/* Xen's OUI (00:16:3e) and three bytes of the UUID's SHA-256; the local bit is not set,
 * as libxl's own random MACs. */
void net_mac_of_uuid(const char *uuid, uint8_t mac[6])
{
	struct sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&h);
	digest_update(&h, uuid, strlen(uuid));
	sha256_digest(&h, sizeof(d), d);
	mac[0] = 0x00;
	mac[1] = 0x16;
	mac[2] = 0x3e;
	mac[3] = d[0] & 0x7f; /* 00:16:3e:80+ is left to libxl's own */
	mac[4] = d[1];
	mac[5] = d[2];
}

/* "xp" + the UUID's first 8 hex digits: 10 characters, within IFNAMSIZ. */
void net_ifname_of_uuid(const char *uuid, char buf[NET_IFNAME_MAX + 1])
{
	snprintf(buf, NET_IFNAME_MAX + 1, "xp%.8s", uuid);
}

bool net_enabled(void)
{
	return net.enabled;
}

const char *net_bridge(void)
{
	return net.bridge;
}

const char *net_vif_script(void)
{
	return net.vif_script;
}

static struct att *att_find(const char *uuid)
{
	for (size_t i = 0; i < net.n; i++)
		if (strcmp(net.a[i].uuid, uuid) == 0)
			return &net.a[i];
	return NULL;
}

static int att_add(const char *uuid, const struct net_pod *np)
{
	if (net.n == net.cap) {
		size_t cap = net.cap ? 2 * net.cap : 16;
		struct att *a = realloc(net.a, cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		net.a = a;
		net.cap = cap;
	}
	snprintf(net.a[net.n].uuid, sizeof(net.a[net.n].uuid), "%s", uuid);
	net.a[net.n].np = *np;
	net.n++;
	return 0;
}

static void att_remove(struct att *a)
{
	*a = net.a[--net.n];
}

/* Replace xenpod's tables with the rules of every attached pod (one transaction). */
static int apply(char *err, size_t errsz)
{
	size_t sz = NET_RULES_BASE + net.n * NET_RULES_PER_POD;
	struct net_pod *pods = calloc(net.n + 1, sizeof(*pods));
	char *buf = malloc(sz);
	int rc = -ENOMEM;

	if (pods && buf) {
		for (size_t i = 0; i < net.n; i++)
			pods[i] = net.a[i].np;
		rc = net_rules_text(&net.cfg, pods, net.n, buf, sz);
		if (rc >= 0)
			rc = net_nft_run(buf, err, errsz);
		else
			snprintf(err, errsz, "ruleset too large");
	} else {
		snprintf(err, errsz, "out of memory");
	}
	free(pods);
	free(buf);
	return rc;
}

/* STATE_DIR/roots, emptied: a file left there was a build the daemon did not see end. */
static int roots_init(const char *state_dir, char *err, size_t errsz)
{
	struct dirent *e;
	DIR *d;

	snprintf(net.roots, sizeof(net.roots), "%s/roots", state_dir);
	if (mkdir(net.roots, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errsz, "%s: %s", net.roots, strerror(errno));
		return -errno;
	}
	d = opendir(net.roots);
	if (!d) {
		snprintf(err, errsz, "%s: %s", net.roots, strerror(errno));
		return -errno;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && !unlinkat(dirfd(d), e->d_name, 0))
			log_info("network: removed the stale %s/%s", net.roots,
				 e->d_name);
	closedir(d);
	return 0;
}

const char *net_roots_dir(void)
{
	return net.roots[0] ? net.roots : NULL;
}

uint32_t net_gateway(void)
{
	return net.enabled ? net.cfg.addr : 0;
}

int net_init(const struct net_config *cfg, char *err, size_t errsz)
{
	char path[4200];
	int rc;

	net.cfg = *cfg;
	rc = roots_init(cfg->state_dir, err, errsz);
	if (rc)
		return rc;
	if (!cfg->enabled)
		return 0;
	snprintf(net.bridge, sizeof(net.bridge), "%s", cfg->bridge);
	snprintf(net.vif_script, sizeof(net.vif_script), "%s", cfg->vif_script);
	net.cfg.bridge = net.bridge;
	net.cfg.vif_script = net.vif_script;
	net.cfg.state_dir = NULL;
	rc = net_link_setup(&net.cfg, err, errsz);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/addresses-%s", cfg->state_dir,
		 cfg->bridge);
	rc = net_ipam_open(&net.ipam, path, cfg->addr, cfg->prefix);
	if (rc) {
		snprintf(err, errsz, "%s: %s", path, strerror(-rc));
		return rc;
	}
	net.enabled = true;
	return 0;
}

void net_dispose(void)
{
	net_ipam_close(net.ipam);
	net.ipam = NULL;
	free(net.a);
	net.a = NULL;
	net.n = net.cap = 0;
	net.roots[0] = '\0';
	net.enabled = false;
}

static bool ports_clash(const struct net_port *a, const struct net_port *b)
{
	return a->proto == b->proto && a->host_port == b->host_port &&
	       (!a->host_ip || !b->host_ip || a->host_ip == b->host_ip);
}

/* A host port forwarded twice (in this spec or by another pod), or that a
 * dom0 program holds (the DNAT would take its traffic: docker refuses it). */
static int check_ports(const struct net_spec *s, char *err, size_t errsz)
{
	char t[NET_PORT_TEXT_MAX], ip[16];
	int rc;

	for (unsigned i = 0; i < s->n_ports; i++) {
		const struct net_port *p = &s->ports[i];
		bool clash = false;

		for (unsigned j = 0; j < i; j++)
			clash |= ports_clash(p, &s->ports[j]);
		for (size_t k = 0; k < net.n; k++)
			for (unsigned j = 0; j < net.a[k].np.n_ports; j++)
				clash |= ports_clash(p, &net.a[k].np.ports[j]);
		net_port_format(p, t);
		if (clash) {
			snprintf(
				err, errsz,
				"port %s: host port %u/%s is already forwarded",
				t, p->host_port, net_proto_name(p->proto));
			return -EADDRINUSE;
		}
		rc = net_port_bindable(p);
		if (rc == -EADDRINUSE) {
			snprintf(
				err, errsz,
				"port %s: host port %u/%s is already allocated: address already in use by a dom0 program",
				t, p->host_port, net_proto_name(p->proto));
			return rc;
		}
		if (rc == -EADDRNOTAVAIL) {
			snprintf(err, errsz,
				 "port %s: %s is not an address of dom0's", t,
				 (net_ip_format(p->host_ip, ip), ip));
			return -EINVAL;
		}
		if (rc) {
			snprintf(err, errsz, "port %s: cannot check it: %s", t,
				 strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static bool mac_taken(const uint8_t mac[6])
{
	for (size_t i = 0; i < net.n; i++)
		if (!memcmp(net.a[i].np.mac, mac, 6))
			return true;
	return false;
}

static int take_ip(const char *uuid, uint32_t want, uint32_t *ip, char *err,
		   size_t errsz)
{
	char t[16], sub[16];
	int rc = net_ipam_take(net.ipam, uuid, want, ip);

	net_ip_format(want, t);
	net_ip_format(net.cfg.addr, sub);
	if (rc == -EADDRINUSE)
		snprintf(err, errsz, "address %s is in use", t);
	else if (rc == -EINVAL)
		snprintf(
			err, errsz,
			"address %s is not a pod address of %s/%u (not its network, gateway or broadcast address)",
			t, sub, net.cfg.prefix);
	else if (rc == -ENOSPC)
		snprintf(err, errsz, "no free address left in %s/%u", sub,
			 net.cfg.prefix);
	else if (rc)
		snprintf(err, errsz, "cannot lease an address: %s",
			 strerror(-rc));
	return rc;
}

int net_attach(const char *uuid, const struct net_spec *s, struct net_pod *out,
	       char *err, size_t errsz)
{
	struct net_pod np = { .mode = NET_BRIDGE };
	char nerr[256];
	int rc;

	if (!net.enabled) {
		snprintf(err, errsz,
			 "the daemon's network is off (xenpodd --no-network)");
		return -ENETDOWN;
	}
	if (att_find(uuid))
		return -EEXIST;
	rc = check_ports(s, err, errsz);
	if (rc)
		return rc;
	rc = take_ip(uuid, s->ip, &np.ip, err, errsz);
	if (rc)
		return rc;
	net_mac_of_uuid(uuid, np.mac);
	while (mac_taken(np.mac))
		np.mac[5]++; /* a hash collision: the next one */
	net_ifname_of_uuid(uuid, np.ifname);
	if (s->hostname)
		snprintf(np.hostname, sizeof(np.hostname), "%s", s->hostname);
	np.n_ports = s->n_ports;
	memcpy(np.ports, s->ports, sizeof(np.ports));
	rc = att_add(uuid, &np);
	if (!rc) {
		rc = apply(nerr, sizeof(nerr));
		if (rc) {
			snprintf(err, errsz,
				 "cannot apply its nftables rules: %s", nerr);
			att_remove(att_find(uuid));
		}
	} else {
		snprintf(err, errsz, "out of memory");
	}
	if (rc) {
		net_ipam_release(net.ipam, uuid);
		return rc;
	}
	*out = np;
	return 0;
}

void net_detach(const char *uuid)
{
	struct att *a = att_find(uuid);
	char err[256];
	int rc;

	if (!a)
		return;
	att_remove(a);
	rc = net_ipam_release(net.ipam, uuid);
	if (rc)
		log_warn("pod %s: releasing its address: %s", uuid,
			 strerror(-rc));
	if (apply(err, sizeof(err)))
		log_warn("pod %s: removing its nftables rules: %s", uuid, err);
}

int net_adopt(const char *uuid, const struct net_pod *np)
{
	const char *owner;
	uint32_t ip;
	int rc;

	if (!net.enabled || np->mode != NET_BRIDGE || att_find(uuid))
		return -EINVAL;
	owner = net_ipam_owner(net.ipam, np->ip);
	if (owner && strcmp(owner, uuid))
		return -EADDRINUSE;
	if (!owner) {
		/* Lost from the file (a crash between the two writes): take it again. */
		rc = net_ipam_take(net.ipam, uuid, np->ip, &ip);
		if (rc)
			return rc;
	}
	return att_add(uuid, np);
}

static bool att_held(const char *owner)
{
	return att_find(owner) != NULL;
}

int net_sync(char *err, size_t errsz)
{
	int n;

	if (!net.enabled)
		return 0;
	n = net_ipam_prune(net.ipam, att_held);
	if (n)
		log_info("network: %d address(es) of gone pods released", n);
	log_info("network: bridge %s, %zu pod(s) attached", net.bridge, net.n);
	return apply(err, errsz);
}

void net_vif_ip(const struct net_pod *np, char *buf, size_t bufsz)
{
	char ip[16], mask[16], gw[16];

	net_ip_format(np->ip, ip);
	net_ip_format(~(uint32_t)0 << (32 - net.cfg.prefix), mask);
	net_ip_format(net.cfg.addr, gw);
	snprintf(buf, bufsz, "%s %s %s", ip, mask, gw);
}
