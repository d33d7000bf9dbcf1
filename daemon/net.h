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
#define NET_DNS_MAX \
	3 /* --dns: nameservers (what glibc's and musl's resolvers read) */
#define NET_DNS_SEARCH_MAX 6 /* --dns-search domains */
#define NET_DNS_OPTIONS_MAX 8 /* --dns-option options */
#define NET_HOSTS_MAX 32 /* --add-host entries */
#define NET_DOMAIN_MAX 253 /* a DNS name in text */
#define NET_DNS_OPTION_MAX 63 /* "ndots:2", "timeout:1", "edns0" */
#define NET_ADDR_TEXT_MAX \
	46 /* an IPv4 or IPv6 address in text (INET6_ADDRSTRLEN) */
#define NET_HOST_GATEWAY \
	"host-gateway" /* --add-host NAME:host-gateway: dom0's address */
#define NET_HOST_RESOLV "/etc/resolv.conf" /* dom0's, the default of a pod's */
#define NET_NAME_MAX 63 /* a network's name */
#define NET_NETWORKS_MAX 32 /* user-defined networks */
#define NET_DEFAULT_NETWORK "bridge" /* the daemon's own (--bridge) */
#define NET_NETWORK_BRIDGE_PREFIX \
	"xpn-" /* a user network's bridge: + 8 hex digits */
#define NET_NETNS_PATH_MAX \
	255 /* a network namespace's file (/run/netns/NAME, /proc/PID/ns/net) */
#define NET_NETWORK_POOL \
	0x0a590000u /* 10.89.N.0/24: user networks' default subnets */

enum net_mode {
	NET_NONE, /* no vif: the pod has only loopback */
	NET_BRIDGE, /* a vif on the daemon's bridge */
	NET_NETNS, /* a vif in another's network namespace, joined to its
		    * interface (podman's, a CNI plugin's: docs/OCI.md) */
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

/* One --add-host NAME:ADDR. */
struct net_host {
	char name[NET_DOMAIN_MAX + 1];
	char addr[NET_ADDR_TEXT_MAX]; /* an address, or NET_HOST_GATEWAY */
};

/* A pod's name resolution: its /etc/resolv.conf and the extra lines of its
 * /etc/hosts (docker's --dns, --dns-search, --dns-option, --add-host). */
struct net_dns {
	unsigned n_servers, n_search, n_options, n_hosts;
	bool search_set,
		options_set; /* given (even empty): dom0's are not used */
	char servers[NET_DNS_MAX][NET_ADDR_TEXT_MAX];
	char search[NET_DNS_SEARCH_MAX][NET_DOMAIN_MAX + 1];
	char options[NET_DNS_OPTIONS_MAX][NET_DNS_OPTION_MAX + 1];
	struct net_host hosts[NET_HOSTS_MAX];
};

/* A network: the default one (NET_DEFAULT_NETWORK, the daemon's bridge) or a
 * user-defined one (xenpod network create). */
struct net_network {
	char name[NET_NAME_MAX + 1];
	char bridge[NET_IFNAME_MAX + 1];
	uint32_t addr; /* the bridge's (dom0's) address: the pods' gateway */
	unsigned prefix; /* the subnet: addr/prefix */
};

/* What a create asks for (decoded by the RPC layer). */
struct net_spec {
	enum net_mode mode;
	char network[NET_NAME_MAX + 1]; /* "": the default network */
	uint32_t ip; /* 0: the allocator's choice */
	const char *hostname; /* NULL: the pod's name */
	unsigned n_ports;
	struct net_port ports[NET_PORTS_MAX];
	struct net_dns dns;
	char netns[NET_NETNS_PATH_MAX + 1]; /* NET_NETNS: the namespace's file */
};

/* A pod's network as it was set up (kept in its state file). */
struct net_pod {
	enum net_mode mode;
	char network[NET_NAME_MAX + 1]; /* "": the default network */
	uint32_t ip;
	uint8_t mac[6];
	char ifname[NET_IFNAME_MAX + 1]; /* the vif's name in dom0 */
	char hostname[NET_HOSTNAME_MAX + 1]; /* "": the pod's name */
	unsigned n_ports;
	struct net_port ports[NET_PORTS_MAX];
	/* NET_NETNS: the namespace and its interface, whose MAC, address
	 * (ip/prefix) and default gateway the pod takes over. */
	char netns[NET_NETNS_PATH_MAX + 1];
	char device[NET_IFNAME_MAX + 1];
	unsigned prefix;
	uint32_t gateway;
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
/* A pod's network as one line ("bridge ip=... mac=... if=... [net=NAME] ports=..."), and back. */
int net_pod_format(const struct net_pod *np, char *buf, size_t bufsz);
int net_pod_parse(const char *s, struct net_pod *np);
/* A network's name: [A-Za-z0-9][A-Za-z0-9_.-]*, 1-63, not none, bridge, host or netns. */
bool net_network_name_valid(const char *s);
/* A hostname: 1-63 of [A-Za-z0-9.-]. */
bool net_hostname_valid(const char *s);
/* The MAC and vif name a pod's UUID gives (stable: the same UUID, the same ones). */
void net_mac_of_uuid(const char *uuid, uint8_t mac[6]);
void net_ifname_of_uuid(const char *uuid, char buf[NET_IFNAME_MAX + 1]);

/* A network namespace's file: absolute, 1-255 of [A-Za-z0-9/._:-], no "..". */
bool net_netns_path_valid(const char *s);
/* An interface name: 1-15 of [A-Za-z0-9_.-], not "." or "..". */
bool net_ifname_valid(const char *s);

/* ---- net_netns.c: a pod in another's network namespace ---- */

/* The namespace at path (a file of nsfs) and its one interface other than
 * loopback with an IPv4 address: its name, MAC, address, prefix, default
 * gateway (0: none) and MTU. 0 or -errno with err (one line). */
struct net_netns_if {
	char device[NET_IFNAME_MAX + 1];
	uint8_t mac[6];
	uint32_t ip, gateway;
	unsigned prefix, mtu;
};
int net_netns_read(const char *path, struct net_netns_if *out, char *err,
		   size_t errsz);
/* A NET_NETNS pod's network from its spec and its namespace: out holds the
 * vif's name (the UUID's), the interface's MAC and addresses. 0 or -errno
 * with err. */
int net_netns_attach(const char *uuid, const struct net_spec *s,
		     struct net_pod *out, char *err, size_t errsz);

/* ---- net_dns.c: a pod's /etc/hosts and /etc/resolv.conf (pure text) ---- */

/* An IPv4 or IPv6 address (--dns), normalised into out. 0 or -EINVAL. */
int net_addr_parse(const char *s, char out[NET_ADDR_TEXT_MAX]);
/* A DNS name (--dns-search, --add-host's NAME): labels of 1-63 of
 * [A-Za-z0-9_-] joined by dots, 1-253 characters, a final dot allowed. */
bool net_domain_valid(const char *s);
/* A resolver option (--dns-option): 1-63 of [A-Za-z0-9:._-]. */
bool net_dns_option_valid(const char *s);
/* docker's --add-host NAME:ADDR (ADDR an IPv4 or IPv6 address, in brackets or
 * not, or host-gateway). 0, or -EINVAL with why (one line, no prefix). */
int net_host_parse(const char *s, struct net_host *h, char *why, size_t whysz);
/* dom0's resolv.conf text: its nameservers but those on loopback
 * (127.0.0.0/8, ::1), its search domains and options. Lines past the limits
 * are dropped. */
void net_resolv_parse(const char *text, struct net_dns *out);
/* A pod's resolv.conf: the spec's servers, domains and options, each of the
 * three from dom0's (host) where the spec gives none. -ENOSPC or the length. */
int net_resolv_text(const struct net_dns *spec, const struct net_dns *host,
		    char *buf, size_t bufsz);
/* A pod's hosts: localhost, the extra hosts (host-gateway: gateway), and
 * hostname with ip (none if ip is 0). -ENOSPC or the length. */
int net_hosts_text(const char *hostname, uint32_t ip, uint32_t gateway,
		   const struct net_dns *d, char *buf, size_t bufsz);

/* ---- net_root.c: a pod's own boot rootfs ---- */

/* One file written into a pod's root: path relative ("etc/hosts"), text. */
struct net_root_file {
	const char *path;
	const char *text;
};

/* Write out (a new file) as the image's rootfs cpio, unchanged, followed by
 * the files (in etc/, made if the image has none) that replace the image's
 * own in the guest. Nothing is left at out on failure. 0 or -errno with err. */
int net_root_write(const char *image, const char *out,
		   const struct net_root_file *f, size_t n, char *err,
		   size_t errsz);

/* ---- net_netw.c: user-defined networks as values, and their file ---- */

/* NET_NETWORK_BRIDGE_PREFIX and 8 hex digits of the name's SHA-256. */
void net_network_bridge_name(const char *name, char buf[NET_IFNAME_MAX + 1]);
bool net_subnets_overlap(uint32_t a, unsigned pa, uint32_t b, unsigned pb);
/* The first 10.89.N.0/24 overlapping none of nets: its .1 in addr. 0 or -ENOSPC. */
int net_subnet_next(const struct net_network *nets, size_t n, uint32_t *addr,
		    unsigned *prefix);
/* "NAME SUBNET/N GATEWAY BRIDGE", and back (checked: the bridge is the
 * name's, the gateway a host address of the subnet). 0, -ENOSPC, -EINVAL. */
int net_network_format(const struct net_network *nw, char *buf, size_t bufsz);
int net_network_parse(const char *s, struct net_network *nw);
/* The networks file: written atomically; loaded with bad, repeated or
 * overlapping lines dropped (a warning each). 0 or -errno; missing: none. */
int net_networks_save(const char *path, const struct net_network *nets,
		      size_t n);
int net_networks_load(const char *path, struct net_network *nets, size_t max,
		      size_t *n_r);

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

/* The whole of xenpod's two tables for the networks and the pods (replaces
 * them in one transaction). -ENOSPC if buf is too small, else the length. */
int net_rules_text(const struct net_network *nets, size_t n_nets,
		   const struct net_pod *pods, size_t n, char *buf,
		   size_t bufsz);
/* Only the deletion of xenpod's tables (--no-network, tests). */
int net_rules_flush_text(char *buf, size_t bufsz);

/* ---- net_nft.c: the only libnftables user ---- */

/* Run an nft script as one transaction. 0, or -errno with nft's first error line in err. */
int net_nft_run(const char *script, char *err, size_t errsz);

/* ---- net_link.c: dom0's links and sysctls ---- */

/* Create the bridge if missing, give it addr/prefix, bring it up; forwarding and
 * route_localnet on it (port forwards from dom0's localhost). 0 or -errno with err. */
int net_link_setup(const struct net_network *nw, char *err, size_t errsz);
/* Take a bridge down and delete it; a missing one is not an error. 0 or -errno. */
int net_link_remove(const char *bridge);
/* The bridges named NET_NETWORK_BRIDGE_PREFIX* in dom0: called with each. */
void net_link_each_network_bridge(void (*cb)(const char *name, void *arg),
				  void *arg);
/* Can a dom0 program have p's host address and port (bound for a moment and
 * let go)? 0, -EADDRINUSE (a dom0 socket has it), -EADDRNOTAVAIL (HOSTIP is
 * no address of dom0's) or -errno. */
int net_port_bindable(const struct net_port *p);

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
/* The bridge of np's network ("" if it is gone). */
const char *net_pod_bridge(const struct net_pod *np);
const char *net_vif_script(void);
/* Where pods' boot rootfs files are written (net_root.c); NULL before net_init. */
const char *net_roots_dir(void);
/* np's gateway, dom0's address on its network's bridge (0: no network). */
uint32_t net_gateway(const struct net_pod *np);
/* The networks, the default one first (none before net_init). */
size_t net_network_count(void);
const struct net_network *net_network_at(size_t i);
/* A network by name ("bridge": the default one); NULL if none. */
const struct net_network *net_network_find(const char *name);
/* Make a network: its subnet (prefix 0: the next free 10.89.N.0/24) and
 * gateway (0: the subnet's .1), its bridge up, its lease file, the networks
 * file saved, the rules applied; nothing left on failure. 0 or -errno with err. */
int net_network_create(const char *name, uint32_t subnet, unsigned prefix,
		       uint32_t gateway, struct net_network *out, char *err,
		       size_t errsz);
/* Remove it (refused, -EBUSY, while a pod is attached): the file saved, the
 * rules applied, its lease file and bridge gone. 0 or -errno with err. */
int net_network_remove(const char *name, char *err, size_t errsz);
void net_dispose(void);

#endif
