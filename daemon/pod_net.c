/* SPDX-License-Identifier: MIT */
/* pod_net: a pod's network through net.c: set up before its domain, given back when it ends, re-adopted; its /etc/hosts and /etc/resolv.conf. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "net.h"
#include "pod.h"
#include "pod_internal.h"
#include "xs.h"

/* A vif in another's namespace: vif-xenpod reads where to take it from
 * xenstore when libxl plugs it (docs/NETWORK.md). */
static int netns_attach(struct pod *p, char *err, size_t errsz)
{
	int rc;

	if (!net_vif_script() || !net_vif_script()[0]) {
		snprintf(err, errsz, "the daemon has no vif script");
		return -ENOENT;
	}
	rc = net_netns_attach(p->uuid, &p->net_req, &p->net, err, errsz);
	if (rc)
		return rc;
	rc = xs_vif_netns_write(pod_ctx.xs, p->net.ifname, p->net.netns,
				p->net.device);
	if (rc)
		snprintf(err, errsz, "xenstore: %s", strerror(-rc));
	return rc;
}

int pod_net_attach(struct pod *p, char *err, size_t errsz)
{
	char nerr[384];
	int rc;

	if (p->net.mode == NET_NONE || p->net_attached)
		return 0;
	p->net_req.hostname = p->net.hostname[0] ? p->net.hostname : NULL;
	if (p->net.mode == NET_NETNS)
		rc = netns_attach(p, nerr, sizeof(nerr));
	else
		rc = net_attach(p->uuid, &p->net_req, &p->net, nerr,
				sizeof(nerr));
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
	if (p->net.mode != NET_NETNS)
		net_detach(p->uuid);
	p->net_attached = false;
	pod_event(p, "network_detached");
}

void pod_net_unplugged(const struct pod *p)
{
	int rc;

	/* Only without a domain: else vif-xenpod's "offline" reads them to
	 * take its mirror off the namespace's interface, then removes them
	 * (libxl runs it once the domain is destroyed, after hv_destroy
	 * has returned). */
	if (p->net.mode != NET_NETNS || !p->net.ifname[0])
		return;
	rc = xs_vif_netns_remove(pod_ctx.xs, p->net.ifname);
	if (rc)
		log_warn("pod %s: removing its vif's xenstore nodes: %s",
			 p->name, strerror(-rc));
}

void pod_net_adopt(struct pod *p)
{
	int rc;

	if (p->net.mode == NET_NONE || p->net_attached)
		return;
	if (p->net.mode == NET_NETNS) {
		/* Its vif is plugged; the namespace is its owner's. */
		p->net_attached = true;
		return;
	}
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
	dc->nic_bridge = p->net.mode == NET_BRIDGE ? net_pod_bridge(&p->net) :
						     NULL;
	dc->nic_mac = mac;
	dc->nic_ip = ip;
	dc->nic_ifname = p->net.ifname;
	dc->nic_script = net_vif_script();
}

const char *pod_net_hostname(const struct pod *p)
{
	return p->net.hostname[0] ? p->net.hostname : p->name;
}

/* ---- the pod's /etc/hosts, /etc/resolv.conf and /etc/hostname ---- */

#define ETC_TEXT_MAX 16384 /* each file: 32 hosts of 300 characters fit */
#define HOST_RESOLV_MAX 65536 /* the part of dom0's resolv.conf read */

static bool wants_etc(const struct pod *p)
{
	const struct net_dns *d = &p->net_req.dns;

	/* In another's namespace its owner writes them (podman's bind mounts
	 * of /etc/hosts and /etc/resolv.conf), unless the spec says more. */
	return (p->net_attached && p->net.mode == NET_BRIDGE) || d->n_servers ||
	       d->n_search || d->n_options || d->n_hosts || d->search_set ||
	       d->options_set;
}

static void root_path(const struct pod *p, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%s/%s.cpio", net_roots_dir(), p->uuid);
}

/* dom0's resolv.conf (docker's default); none or unreadable: nothing. */
static void host_resolv(struct net_dns *d)
{
	char *buf = malloc(HOST_RESOLV_MAX + 1);
	ssize_t n = -1;
	int fd = open(NET_HOST_RESOLV, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && buf)
		n = read(fd, buf, HOST_RESOLV_MAX);
	if (fd >= 0)
		close(fd);
	if (buf && n >= 0)
		buf[n] = '\0';
	net_resolv_parse(buf && n >= 0 ? buf : NULL, d);
	free(buf);
}

int pod_net_root(struct pod *p, char *path, size_t pathsz, char *err,
		 size_t errsz)
{
	struct net_dns *host = NULL;
	char *hosts = NULL, *resolv = NULL, hostname[160];
	char nerr[512];
	int rc = -ENOMEM;

	path[0] = '\0';
	if (!wants_etc(p))
		return 0;
	if (!net_roots_dir()) {
		snprintf(err, errsz, "network: no directory for its rootfs");
		return -EIO;
	}
	host = malloc(sizeof(*host));
	hosts = malloc(ETC_TEXT_MAX);
	resolv = malloc(ETC_TEXT_MAX);
	if (host && hosts && resolv) {
		host_resolv(host);
		snprintf(hostname, sizeof(hostname), "%.150s\n",
			 pod_net_hostname(p));
		rc = net_hosts_text(pod_net_hostname(p),
				    p->net_attached ? p->net.ip : 0,
				    net_gateway(&p->net), &p->net_req.dns,
				    hosts, ETC_TEXT_MAX);
		if (rc >= 0)
			rc = net_resolv_text(&p->net_req.dns, host, resolv,
					     ETC_TEXT_MAX);
	}
	if (rc < 0) {
		snprintf(err, errsz, "network: its /etc files: %s",
			 strerror(-rc));
	} else {
		const struct net_root_file f[] = {
			{ "etc/hosts", hosts },
			{ "etc/resolv.conf", resolv },
			{ "etc/hostname", hostname },
		};

		root_path(p, path, pathsz);
		rc = net_root_write(p->cpio, path, f, 3, nerr, sizeof(nerr));
		if (rc) {
			snprintf(err, errsz, "network: %s", nerr);
			path[0] = '\0';
		}
	}
	free(host);
	free(hosts);
	free(resolv);
	return rc;
}

void pod_net_root_done(const struct pod *p)
{
	char path[4300];

	if (!net_roots_dir())
		return;
	root_path(p, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("pod %s: removing %s: %s", p->name, path,
			 strerror(errno));
}

/* ---- user-defined networks ---- */

static void network_event(const char *name, const char *event)
{
	struct pod_event e = { .name = name,
			       .event = event,
			       .time = time(NULL) };

	if (pod_ctx.ops && pod_ctx.ops->event)
		pod_ctx.ops->event(&e);
}

int pod_network_create(const char *name, uint32_t subnet, unsigned prefix,
		       uint32_t gateway, struct net_network *out, char *err,
		       size_t errsz)
{
	char sub[16];
	int rc = net_network_create(name, subnet, prefix, gateway, out, err,
				    errsz);

	if (rc)
		return rc;
	net_ip_format(out->addr, sub);
	log_info("network %s: created (bridge %s, %s/%u)", name, out->bridge,
		 sub, out->prefix);
	network_event(name, "network_create");
	return 0;
}

bool pod_uses_network(const struct pod *p, const char *name)
{
	const char *mine = p->net.network[0] ? p->net.network :
					       NET_DEFAULT_NETWORK;

	return p->net_attached && p->net.mode == NET_BRIDGE &&
	       !strcmp(mine, name);
}

int pod_network_rm(const char *name, char *err, size_t errsz)
{
	size_t off = 0, n = 0;
	int rc;

	for (const struct pod *p = pod_first(); p; p = pod_next(p)) {
		if (!pod_uses_network(p, name) || off >= errsz)
			continue;
		rc = snprintf(
			err + off, errsz - off, "%s%s",
			n++ ? ", " :
			      "network has attached pods (remove them first): ",
			p->name);
		off += rc > 0 ? (size_t)rc : 0;
	}
	if (n && strcmp(name, NET_DEFAULT_NETWORK)) {
		char names[400];

		snprintf(names, sizeof(names), "%s", err);
		snprintf(err, errsz, "network %s: %s", name, names);
		return -EBUSY;
	}
	rc = net_network_remove(name, err, errsz);
	if (rc)
		return rc;
	log_info("network %s: removed", name);
	network_event(name, "network_remove");
	return 0;
}
