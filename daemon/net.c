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

#define NET_RULES_BASE \
	(4096 + NET_NETWORKS_MAX * 640) /* the ruleset without pods */
#define NET_RULES_PER_POD (512 + NET_PORTS_MAX * 96)

struct att {
	char uuid[40];
	struct net_pod np;
};

/* A network and its leases; w[0] is the default one. */
struct netw {
	struct net_network nw;
	struct net_ipam *ipam;
};

static struct {
	bool enabled;
	char vif_script[4096];
	char roots[4200]; /* the pods' boot rootfs files while they are built */
	char state_dir[4096];
	struct net_config cfg;
	struct netw w[1 + NET_NETWORKS_MAX];
	size_t n_w;
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

/* The network of that name ("" or NET_DEFAULT_NETWORK: the default one). */
static struct netw *netw_find(const char *name)
{
	if (!name[0] || !strcmp(name, NET_DEFAULT_NETWORK))
		return net.n_w ? &net.w[0] : NULL;
	for (size_t i = 1; i < net.n_w; i++)
		if (!strcmp(net.w[i].nw.name, name))
			return &net.w[i];
	return NULL;
}

const char *net_pod_bridge(const struct net_pod *np)
{
	struct netw *w = netw_find(np->network);

	return w ? w->nw.bridge : "";
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
		struct net_network nets[1 + NET_NETWORKS_MAX];

		for (size_t i = 0; i < net.n_w; i++)
			nets[i] = net.w[i].nw;
		rc = net_rules_text(nets, net.n_w, pods, net.n, buf, sz);
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

uint32_t net_gateway(const struct net_pod *np)
{
	struct netw *w;

	if (np->mode == NET_NETNS)
		return np->gateway;
	w = net.enabled ? netw_find(np->network) : NULL;

	return w ? w->nw.addr : 0;
}

static int ipam_path(const struct net_network *nw, char *buf, size_t bufsz)
{
	int n = snprintf(buf, bufsz, "%s/addresses-%s", net.state_dir,
			 nw->bridge);

	return n < 0 || (size_t)n >= bufsz ? -ENAMETOOLONG : 0;
}

static int networks_path(char *buf, size_t bufsz)
{
	int n = snprintf(buf, bufsz, "%s/networks", net.state_dir);

	return n < 0 || (size_t)n >= bufsz ? -ENAMETOOLONG : 0;
}

/* Bring a network up: its bridge, its leases. 0 or -errno with err. */
static int netw_open(struct netw *w, char *err, size_t errsz)
{
	char path[4200];
	int rc = net_link_setup(&w->nw, err, errsz);

	if (!rc)
		rc = ipam_path(&w->nw, path, sizeof(path));
	if (!rc) {
		rc = net_ipam_open(&w->ipam, path, w->nw.addr, w->nw.prefix);
		if (rc)
			snprintf(err, errsz, "%s: %s", path, strerror(-rc));
	}
	return rc;
}

static int save_networks(void)
{
	struct net_network nets[NET_NETWORKS_MAX];
	char path[4200];
	int rc = networks_path(path, sizeof(path));

	for (size_t i = 1; i < net.n_w; i++)
		nets[i - 1] = net.w[i].nw;
	return rc ? rc : net_networks_save(path, nets, net.n_w - 1);
}

/* A bridge of a network that is gone (removed while the daemon was down,
 * or half made when it died): deleted. */
static void stale_bridge(const char *name, void *arg)
{
	int rc;

	(void)arg;
	for (size_t i = 1; i < net.n_w; i++)
		if (!strcmp(net.w[i].nw.bridge, name))
			return;
	rc = net_link_remove(name);
	if (rc)
		log_warn("network: cannot remove the stale bridge %s: %s", name,
			 strerror(-rc));
	else
		log_info("network: removed the stale bridge %s", name);
}

/* The lease files of networks that are gone: removed. */
static void stale_leases(void)
{
	static const char pre[] = "addresses-" NET_NETWORK_BRIDGE_PREFIX;
	DIR *d = opendir(net.state_dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		bool known = false;

		if (strncmp(e->d_name, pre, sizeof(pre) - 1))
			continue;
		for (size_t i = 1; i < net.n_w; i++)
			known |= !strcmp(e->d_name + strlen("addresses-"),
					 net.w[i].nw.bridge);
		if (!known && !unlinkat(dirfd(d), e->d_name, 0))
			log_info("network: removed the stale %s/%s",
				 net.state_dir, e->d_name);
	}
	if (d)
		closedir(d);
}

/* The user networks of the networks file, up again. */
static int load_networks(char *err, size_t errsz)
{
	struct net_network nets[NET_NETWORKS_MAX];
	char path[4200], nerr[400];
	size_t n = 0;
	int rc = networks_path(path, sizeof(path));

	if (!rc)
		rc = net_networks_load(path, nets, NET_NETWORKS_MAX, &n);
	if (rc) {
		snprintf(err, errsz, "%s: %s", path, strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		struct netw *w = &net.w[net.n_w];

		if (net_subnets_overlap(nets[i].addr, nets[i].prefix,
					net.w[0].nw.addr, net.w[0].nw.prefix)) {
			log_warn(
				"network %s: overlaps the default network; not used",
				nets[i].name);
			continue;
		}
		w->nw = nets[i];
		rc = netw_open(w, nerr, sizeof(nerr));
		if (rc) {
			snprintf(err, errsz, "network %s: %s", nets[i].name,
				 nerr);
			return rc;
		}
		net.n_w++;
	}
	net_link_each_network_bridge(stale_bridge, NULL);
	stale_leases();
	return 0;
}

int net_init(const struct net_config *cfg, char *err, size_t errsz)
{
	struct netw *w = &net.w[0];
	int rc;

	net.cfg = *cfg;
	rc = roots_init(cfg->state_dir, err, errsz);
	if (rc)
		return rc;
	/* The script serves pods in another's namespace (mode netns) too,
	 * which need nothing else of the daemon's network. */
	snprintf(net.vif_script, sizeof(net.vif_script), "%s",
		 cfg->vif_script ? cfg->vif_script : "");
	net.cfg.vif_script = net.vif_script;
	if (!cfg->enabled)
		return 0;
	snprintf(net.state_dir, sizeof(net.state_dir), "%s", cfg->state_dir);
	net.cfg.bridge = NULL;
	net.cfg.state_dir = NULL;
	memset(w, 0, sizeof(*w));
	snprintf(w->nw.name, sizeof(w->nw.name), "%s", NET_DEFAULT_NETWORK);
	snprintf(w->nw.bridge, sizeof(w->nw.bridge), "%s", cfg->bridge);
	w->nw.addr = cfg->addr;
	w->nw.prefix = cfg->prefix;
	rc = netw_open(w, err, errsz);
	if (rc)
		return rc;
	net.n_w = 1;
	rc = load_networks(err, errsz);
	if (rc) {
		net_dispose();
		return rc;
	}
	net.enabled = true;
	return 0;
}

void net_dispose(void)
{
	for (size_t i = 0; i < net.n_w; i++) {
		net_ipam_close(net.w[i].ipam);
		net.w[i].ipam = NULL;
	}
	net.n_w = 0;
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

static int take_ip(struct netw *w, const char *uuid, uint32_t want,
		   uint32_t *ip, char *err, size_t errsz)
{
	char t[16], sub[16];
	int rc = net_ipam_take(w->ipam, uuid, want, ip);

	net_ip_format(want, t);
	net_ip_format(w->nw.addr, sub);
	if (rc == -EADDRINUSE)
		snprintf(err, errsz, "address %s is in use", t);
	else if (rc == -EINVAL)
		snprintf(
			err, errsz,
			"address %s is not a pod address of %s/%u (not its network, gateway or broadcast address)",
			t, sub, w->nw.prefix);
	else if (rc == -ENOSPC)
		snprintf(err, errsz, "no free address left in %s/%u", sub,
			 w->nw.prefix);
	else if (rc)
		snprintf(err, errsz, "cannot lease an address: %s",
			 strerror(-rc));
	return rc;
}

int net_attach(const char *uuid, const struct net_spec *s, struct net_pod *out,
	       char *err, size_t errsz)
{
	struct net_pod np = { .mode = NET_BRIDGE };
	struct netw *w;
	char nerr[256];
	int rc;

	if (!net.enabled) {
		snprintf(err, errsz,
			 "the daemon's network is off (xenpodd --no-network)");
		return -ENETDOWN;
	}
	if (att_find(uuid))
		return -EEXIST;
	w = netw_find(s->network);
	if (!w) {
		snprintf(err, errsz, "network %s: no such network", s->network);
		return -ENOENT;
	}
	if (w != &net.w[0])
		snprintf(np.network, sizeof(np.network), "%s", w->nw.name);
	rc = check_ports(s, err, errsz);
	if (rc)
		return rc;
	rc = take_ip(w, uuid, s->ip, &np.ip, err, errsz);
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
		net_ipam_release(w->ipam, uuid);
		return rc;
	}
	*out = np;
	return 0;
}

void net_detach(const char *uuid)
{
	struct att *a = att_find(uuid);
	struct netw *w = a ? netw_find(a->np.network) : NULL;
	char err[256];
	int rc;

	if (!a)
		return;
	att_remove(a);
	rc = w ? net_ipam_release(w->ipam, uuid) : -ENOENT;
	if (rc)
		log_warn("pod %s: releasing its address: %s", uuid,
			 strerror(-rc));
	if (apply(err, sizeof(err)))
		log_warn("pod %s: removing its nftables rules: %s", uuid, err);
}

int net_adopt(const char *uuid, const struct net_pod *np)
{
	struct netw *w = netw_find(np->network);
	const char *owner;
	uint32_t ip;
	int rc;

	if (!net.enabled || np->mode != NET_BRIDGE || att_find(uuid))
		return -EINVAL;
	if (!w)
		return -ENOENT; /* its network is gone */
	owner = net_ipam_owner(w->ipam, np->ip);
	if (owner && strcmp(owner, uuid))
		return -EADDRINUSE;
	if (!owner) {
		/* Lost from the file (a crash between the two writes): take it again. */
		rc = net_ipam_take(w->ipam, uuid, np->ip, &ip);
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
	int n = 0;

	if (!net.enabled)
		return 0;
	for (size_t i = 0; i < net.n_w; i++)
		n += net_ipam_prune(net.w[i].ipam, att_held);
	if (n)
		log_info("network: %d address(es) of gone pods released", n);
	log_info(
		"network: bridge %s and %zu more network(s), %zu pod(s) attached",
		net.w[0].nw.bridge, net.n_w - 1, net.n);
	return apply(err, errsz);
}

void net_vif_ip(const struct net_pod *np, char *buf, size_t bufsz)
{
	struct netw *w = np->mode == NET_BRIDGE ? netw_find(np->network) : NULL;
	unsigned prefix = np->mode == NET_NETNS ? np->prefix :
			  w			? w->nw.prefix :
						  32;
	char ip[16], mask[16], gw[16];

	net_ip_format(np->ip, ip);
	net_ip_format(~(uint32_t)0 << (32 - prefix), mask);
	net_ip_format(net_gateway(np), gw);
	snprintf(buf, bufsz, "%s %s %s", ip, mask, gw);
}

/* ---- user-defined networks ---- */

size_t net_network_count(void)
{
	return net.n_w;
}

const struct net_network *net_network_at(size_t i)
{
	return i < net.n_w ? &net.w[i].nw : NULL;
}

const struct net_network *net_network_find(const char *name)
{
	struct netw *w = net.enabled ? netw_find(name) : NULL;

	return w ? &w->nw : NULL;
}

static int check_subnet(const struct net_network *nw, char *err, size_t errsz)
{
	char a[16];

	for (size_t i = 0; i < net.n_w; i++) {
		if (net_subnets_overlap(nw->addr, nw->prefix, net.w[i].nw.addr,
					net.w[i].nw.prefix)) {
			net_ip_format(net.w[i].nw.addr &
					      (~(uint32_t)0
					       << (32 - net.w[i].nw.prefix)),
				      a);
			snprintf(err, errsz,
				 "its subnet overlaps network %s's (%s/%u)",
				 net.w[i].nw.name, a, net.w[i].nw.prefix);
			return -EADDRINUSE;
		}
	}
	return 0;
}

int net_network_create(const char *name, uint32_t subnet, unsigned prefix,
		       uint32_t gateway, struct net_network *out, char *err,
		       size_t errsz)
{
	struct net_network nets[1 + NET_NETWORKS_MAX], nw = { 0 };
	struct netw *w;
	char nerr[400], path[4200];
	uint32_t mask;
	int rc;

	if (!net.enabled) {
		snprintf(err, errsz,
			 "the daemon's network is off (xenpodd --no-network)");
		return -ENETDOWN;
	}
	if (netw_find(name)) {
		snprintf(err, errsz, "network %s: already exists", name);
		return -EEXIST;
	}
	if (net.n_w == 1 + NET_NETWORKS_MAX) {
		snprintf(err, errsz, "network %s: at most %d networks", name,
			 NET_NETWORKS_MAX);
		return -ENOSPC;
	}
	snprintf(nw.name, sizeof(nw.name), "%s", name);
	net_network_bridge_name(name, nw.bridge);
	for (size_t i = 0; i < net.n_w; i++) {
		nets[i] = net.w[i].nw;
		if (!strcmp(nets[i].bridge, nw.bridge)) {
			snprintf(
				err, errsz,
				"network %s: its bridge name %s is network %s's",
				name, nw.bridge, nets[i].name);
			return -EEXIST;
		}
	}
	if (prefix) {
		mask = ~(uint32_t)0 << (32 - prefix);
		if (subnet & ~mask) {
			snprintf(
				err, errsz,
				"network %s: --subnet: host bits set (the subnet's address ends in zeros)",
				name);
			return -EINVAL;
		}
		if (gateway &&
		    ((gateway & mask) != subnet || gateway == subnet ||
		     gateway == (subnet | ~mask))) {
			snprintf(
				err, errsz,
				"network %s: --gateway: not a host address of the subnet",
				name);
			return -EINVAL;
		}
		nw.prefix = prefix;
		nw.addr = gateway ? gateway : subnet | 1;
	} else if (gateway) {
		snprintf(err, errsz, "network %s: --gateway needs --subnet",
			 name);
		return -EINVAL;
	} else if (net_subnet_next(nets, net.n_w, &nw.addr, &nw.prefix)) {
		snprintf(err, errsz, "network %s: no free 10.89.N.0/24 left",
			 name);
		return -ENOSPC;
	}
	rc = check_subnet(&nw, nerr, sizeof(nerr));
	if (rc) {
		snprintf(err, errsz, "network %s: %s", name, nerr);
		return rc;
	}
	w = &net.w[net.n_w];
	memset(w, 0, sizeof(*w));
	w->nw = nw;
	rc = netw_open(w, nerr, sizeof(nerr));
	if (!rc) {
		net.n_w++;
		rc = save_networks();
		if (rc)
			snprintf(nerr, sizeof(nerr), "cannot save it: %s",
				 strerror(-rc));
		else
			rc = apply(nerr, sizeof(nerr));
		if (rc) {
			net.n_w--;
			save_networks();
		}
	}
	if (rc) {
		/* Nothing left: no bridge, no lease file, not in the file. */
		net_ipam_close(w->ipam);
		w->ipam = NULL;
		if (!ipam_path(&nw, path, sizeof(path)))
			unlink(path);
		net_link_remove(nw.bridge);
		apply(path,
		      sizeof(path)); /* (path: only a scratch buffer now) */
		snprintf(err, errsz, "network %s: %s", name, nerr);
		return rc;
	}
	*out = nw;
	return 0;
}

int net_network_remove(const char *name, char *err, size_t errsz)
{
	struct netw *w = net.enabled ? netw_find(name) : NULL;
	char nerr[400], path[4200];
	struct netw gone;
	size_t idx;
	int rc;

	if (!w) {
		snprintf(err, errsz, "network %s: no such network", name);
		return -ENOENT;
	}
	if (w == &net.w[0]) {
		snprintf(err, errsz,
			 "network %s: the default network cannot be removed",
			 name);
		return -EPERM;
	}
	for (size_t i = 0; i < net.n; i++) {
		if (!strcmp(net.a[i].np.network, name)) {
			snprintf(err, errsz, "network %s: pods are attached",
				 name);
			return -EBUSY;
		}
	}
	gone = *w;
	idx = (size_t)(w - net.w);
	memmove(&net.w[idx], &net.w[idx + 1], (net.n_w - idx - 1) * sizeof(*w));
	net.n_w--;
	rc = save_networks();
	if (rc) {
		memmove(&net.w[idx + 1], &net.w[idx],
			(net.n_w - idx) * sizeof(*w));
		net.w[idx] = gone;
		net.n_w++;
		snprintf(err, errsz, "network %s: cannot save: %s", name,
			 strerror(-rc));
		return rc;
	}
	if (apply(nerr, sizeof(nerr)))
		log_warn("network %s: replacing the rules: %s", name, nerr);
	net_ipam_close(gone.ipam);
	if (!ipam_path(&gone.nw, path, sizeof(path)))
		unlink(path);
	rc = net_link_remove(gone.nw.bridge);
	if (rc)
		log_warn(
			"network %s: removing bridge %s: %s (removed at the next start)",
			name, gone.nw.bridge, strerror(-rc));
	return 0;
}
