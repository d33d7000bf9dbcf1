/* SPDX-License-Identifier: MIT */
/* net: pods on the network, dom0 side: types and the API of the net_*.c modules (docs/NETWORK.md). */
#ifndef XENPOD_NET_H
#define XENPOD_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_PORTS_MAX 16 /* port forwards per pod */
#define NET_IFNAME_MAX 15 /* Linux's IFNAMSIZ - 1 */
#define NET_HOSTNAME_MAX 63
#define NET_STATE_TEXT_MAX 1024 /* a pod's network as one line (state file) */
#define NET_PORT_TEXT_MAX 40 /* "255.255.255.255:65535:65535/udp" */

enum net_mode {
	NET_NONE, /* no vif: the pod has only loopback */
	NET_BRIDGE, /* a vif on the daemon's bridge */
};

enum net_proto {
	NET_TCP = 6,
	NET_UDP = 17,
};

/* One port forward: [HOSTIP:]HOSTPORT:PODPORT[/tcp|/udp]. Addresses in host byte order. */
struct net_port {
	uint32_t host_ip; /* 0: every local address */
	uint16_t host_port, pod_port;
	enum net_proto proto;
};

/* What a create asks for (decoded by the RPC layer). */
struct net_spec {
	enum net_mode mode;
	uint32_t ip; /* 0: the allocator's choice */
	const char *hostname; /* NULL: the pod's name */
	unsigned n_ports;
	struct net_port ports[NET_PORTS_MAX];
};

/* A pod's network as it was set up (kept in its state file). */
struct net_pod {
	enum net_mode mode;
	uint32_t ip;
	uint8_t mac[6];
	char ifname[NET_IFNAME_MAX + 1]; /* the vif's name in dom0 */
	char hostname[NET_HOSTNAME_MAX + 1]; /* "": the pod's name */
	unsigned n_ports;
	struct net_port ports[NET_PORTS_MAX];
};

/* The daemon's network (xenpodd(8): --bridge, --bridge-addr, --no-network). */
struct net_config {
	bool enabled;
	const char *bridge; /* default NET_BRIDGE_DEFAULT */
	uint32_t addr; /* the bridge's (dom0's) address: the pods' gateway */
	unsigned prefix; /* the pods' subnet: addr/prefix */
	const char *state_dir; /* the allocator's file lives here */
	const char *vif_script; /* libxl's hotplug script for the vifs */
};

#define NET_BRIDGE_DEFAULT "xenpod0"
#define NET_ADDR_DEFAULT "10.88.0.1/16"
#define NET_TABLE "xenpod" /* the nftables tables (ip and bridge families) */

/* ---- net_port.c: text forms (pure) ---- */

/* Dotted quad -> host order. 0 or -EINVAL. */
int net_ip_parse(const char *s, uint32_t *ip);
void net_ip_format(uint32_t ip, char buf[16]);
/* "A.B.C.D/N" (N 8..30). 0 or -EINVAL. */
int net_cidr_parse(const char *s, uint32_t *ip, unsigned *prefix);
void net_mac_format(const uint8_t mac[6], char buf[18]);
int net_mac_parse(const char *s, uint8_t mac[6]);
/* docker's -p syntax. 0, or -EINVAL with why (one line, no prefix). */
int net_port_parse(const char *s, struct net_port *p, char *why, size_t whysz);
void net_port_format(const struct net_port *p, char buf[NET_PORT_TEXT_MAX]);
const char *net_proto_name(enum net_proto p);
const char *net_mode_name(enum net_mode m);
int net_mode_parse(const char *s, enum net_mode *m);
/* A pod's network as one line ("bridge ip=... mac=... if=... ports=..."), and back. */
int net_pod_format(const struct net_pod *np, char *buf, size_t bufsz);
int net_pod_parse(const char *s, struct net_pod *np);
/* A hostname: 1-63 of [A-Za-z0-9.-]. */
bool net_hostname_valid(const char *s);
/* The MAC and vif name a pod's UUID gives (stable: the same UUID, the same ones). */
void net_mac_of_uuid(const char *uuid, uint8_t mac[6]);
void net_ifname_of_uuid(const char *uuid, char buf[NET_IFNAME_MAX + 1]);

/* ---- net_ipam.c: the address allocator (a file in the state directory) ---- */

struct net_ipam;

/* Load (or start) the allocator of subnet addr/prefix kept in path. 0 or -errno. */
int net_ipam_open(struct net_ipam **r, const char *path, uint32_t addr,
		  unsigned prefix);
void net_ipam_close(struct net_ipam *a);
/* Take an address for owner (a pod UUID): want, or the lowest free one if
 * want is 0. Saved atomically before it returns. 0, -EADDRINUSE, -EINVAL
 * (outside the subnet, the network, gateway or broadcast address), -ENOSPC. */
int net_ipam_take(struct net_ipam *a, const char *owner, uint32_t want,
		  uint32_t *ip_r);
/* Give back owner's address (saved). 0 or -ENOENT. */
int net_ipam_release(struct net_ipam *a, const char *owner);
/* Who holds ip: the owner, or NULL. */
const char *net_ipam_owner(const struct net_ipam *a, uint32_t ip);
/* Release every lease whose owner keep() refuses (reconciliation); saved. The count released. */
int net_ipam_prune(struct net_ipam *a, bool (*keep)(const char *owner));
size_t net_ipam_count(const struct net_ipam *a);

/* ---- net_rules.c: the nftables ruleset (pure text) ---- */

/* The whole of xenpod's two tables for cfg and the pods (replaces them in one
 * transaction). -ENOSPC if buf is too small, else the length. */
int net_rules_text(const struct net_config *cfg, const struct net_pod *pods,
		   size_t n, char *buf, size_t bufsz);
/* Only the deletion of xenpod's tables (--no-network, tests). */
int net_rules_flush_text(char *buf, size_t bufsz);

/* ---- net_nft.c: the only libnftables user ---- */

/* Run an nft script as one transaction. 0, or -errno with nft's first error line in err. */
int net_nft_run(const char *script, char *err, size_t errsz);

/* ---- net_link.c: dom0's links and sysctls ---- */

/* Create the bridge if missing, give it addr/prefix, bring it up; forwarding and
 * route_localnet on it (port forwards from dom0's localhost). 0 or -errno with err. */
int net_link_setup(const struct net_config *cfg, char *err, size_t errsz);

/* ---- net.c: the daemon's network, for the pod layer ---- */

/* At start-up, before reconciliation. 0 or -errno with err (the daemon stops). */
int net_init(const struct net_config *cfg, char *err, size_t errsz);
bool net_enabled(void);
/* Set up uuid's network for spec: address, MAC, vif name, rules (applied before
 * it returns). Nothing is left behind on failure. 0 or -errno with err. */
int net_attach(const char *uuid, const struct net_spec *spec,
	       struct net_pod *out, char *err, size_t errsz);
/* Undo net_attach (its address, its rules); nothing if uuid has none. */
void net_detach(const char *uuid);
/* Reconciliation: uuid's network (from its state file) is live again. */
int net_adopt(const char *uuid, const struct net_pod *np);
/* Reconciliation is over: free what no adopted pod holds, apply the rules. */
int net_sync(char *err, size_t errsz);
/* What the libxl NIC of a pod gets: its backend "ip" node ("ADDR MASK GW"). */
void net_vif_ip(const struct net_pod *np, char *buf, size_t bufsz);
const char *net_bridge(void);
const char *net_vif_script(void);
void net_dispose(void);

#endif
