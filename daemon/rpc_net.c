/* SPDX-License-Identifier: MIT */
/* rpc_net: the wire form of a pod's network (spec.network decoded and checked, the POD's "network" written) and of networks (the network_* methods). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "json_dec.h"
#include "net.h"
#include "pod.h"
#include "protocol.h"
#include "rpc.h"
#include "rpc_net.h"

struct net_in {
	const char *mode, *ip, *hostname, *netns;
	const struct json *ports, *dns, *search, *options, *hosts;
};

#define NF(k, t, m, lo, hi) JSON_FIELD(k, t, false, struct net_in, m, lo, hi)

static const struct json_dec_field net_fields[] = {
	NF("mode", JSON_DEC_STRING, mode, 1, NET_NAME_MAX),
	NF("ip", JSON_DEC_STRING, ip, 7, 15),
	NF("hostname", JSON_DEC_STRING, hostname, 1, NET_HOSTNAME_MAX),
	NF("netns", JSON_DEC_STRING, netns, 1, NET_NETNS_PATH_MAX),
	NF("ports", JSON_DEC_STRINGS, ports, NET_PORTS_MAX,
	   NET_PORT_TEXT_MAX - 1),
	NF("dns", JSON_DEC_STRINGS, dns, NET_DNS_MAX, NET_ADDR_TEXT_MAX - 1),
	NF("dns_search", JSON_DEC_STRINGS, search, NET_DNS_SEARCH_MAX,
	   NET_DOMAIN_MAX),
	NF("dns_options", JSON_DEC_STRINGS, options, NET_DNS_OPTIONS_MAX,
	   NET_DNS_OPTION_MAX),
	NF("extra_hosts", JSON_DEC_STRINGS, hosts, NET_HOSTS_MAX,
	   NET_DOMAIN_MAX + NET_ADDR_TEXT_MAX + 2),
	{ NULL }
};

#define P "params.spec.network"

static int decode_ports(const struct json *ports, struct net_spec *out,
			char *err, size_t errsz)
{
	char why[200];

	for (size_t i = 0; i < json_len(ports); i++) {
		if (net_port_parse(json_str(json_at(ports, i)),
				   &out->ports[out->n_ports++], why,
				   sizeof(why))) {
			snprintf(err, errsz, P ".ports[%zu]: %s", i, why);
			return -EINVAL;
		}
	}
	return 0;
}

/* dns, dns_search, dns_options and extra_hosts into out->dns. */
static int decode_dns(const struct net_in *in, struct net_spec *out, char *err,
		      size_t errsz)
{
	struct net_dns *d = &out->dns;
	char why[400];
	const char *v;
	size_t i;

	for (i = 0; i < json_len(in->dns); i++) {
		v = json_str(json_at(in->dns, i));
		if (net_addr_parse(v, d->servers[d->n_servers++])) {
			snprintf(
				err, errsz,
				P
				".dns[%zu]: %.60s: expected an IPv4 or IPv6 address",
				i, v);
			return -EINVAL;
		}
	}
	d->search_set = in->search != NULL;
	for (i = 0; i < json_len(in->search); i++) {
		v = json_str(json_at(in->search, i));
		if (!net_domain_valid(v)) {
			snprintf(
				err, errsz,
				P
				".dns_search[%zu]: %.300s: expected a domain (labels of [A-Za-z0-9_-] joined by dots)",
				i, v);
			return -EINVAL;
		}
		snprintf(d->search[d->n_search++], sizeof(d->search[0]), "%s",
			 v);
	}
	d->options_set = in->options != NULL;
	for (i = 0; i < json_len(in->options); i++) {
		v = json_str(json_at(in->options, i));
		if (!net_dns_option_valid(v)) {
			snprintf(
				err, errsz,
				P
				".dns_options[%zu]: %.100s: expected 1 to %d of [A-Za-z0-9:._-]",
				i, v, NET_DNS_OPTION_MAX);
			return -EINVAL;
		}
		snprintf(d->options[d->n_options++], sizeof(d->options[0]),
			 "%s", v);
	}
	for (i = 0; i < json_len(in->hosts); i++) {
		if (net_host_parse(json_str(json_at(in->hosts, i)),
				   &d->hosts[d->n_hosts++], why, sizeof(why))) {
			snprintf(err, errsz, P ".extra_hosts[%zu]: %s", i, why);
			return -EINVAL;
		}
		if (out->mode == NET_NONE &&
		    !strcmp(d->hosts[i].addr, NET_HOST_GATEWAY)) {
			snprintf(err, errsz,
				 P
				 ".extra_hosts[%zu]: %s needs mode \"bridge\"",
				 i, NET_HOST_GATEWAY);
			return -EINVAL;
		}
	}
	return 0;
}

/* mode "netns" and its "netns": the namespace's owner has chosen the
 * address and forwards the ports (podman -p), so neither may be given. */
static int decode_netns(const struct net_in *in, struct net_spec *out,
			char *err, size_t errsz)
{
	if (out->mode != NET_NETNS) {
		if (!in->netns)
			return 0;
		snprintf(err, errsz, P ".netns: needs mode \"netns\"");
		return -EINVAL;
	}
	if (!in->netns) {
		snprintf(err, errsz,
			 P ": mode \"netns\" needs \"netns\", the path of the "
			   "network namespace's file");
		return -EINVAL;
	}
	if (!net_netns_path_valid(in->netns)) {
		snprintf(err, errsz,
			 P ".netns: %.80s: expected an absolute path of "
			   "[A-Za-z0-9/._:-], at most %d bytes, without \"..\"",
			 in->netns, NET_NETNS_PATH_MAX);
		return -EINVAL;
	}
	if (out->ip || out->n_ports) {
		snprintf(err, errsz,
			 P ": ip and ports are the network namespace's owner's "
			   "(podman -p) in mode \"netns\"");
		return -EINVAL;
	}
	snprintf(out->netns, sizeof(out->netns), "%s", in->netns);
	return 0;
}

int rpc_net_decode(const struct json *obj, struct net_spec *out, char *err,
		   size_t errsz)
{
	struct net_in in = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	if (!obj)
		return 0;
	rc = json_decode(obj, P, net_fields, &in, err, errsz);
	if (rc)
		return rc;
	/* An address or a port forward means a network; an object alone too. */
	out->mode = NET_BRIDGE;
	if (in.mode && net_mode_parse(in.mode, &out->mode)) {
		if (!net_network_name_valid(in.mode)) {
			snprintf(
				err, errsz,
				P
				".mode: expected \"none\", \"bridge\", \"netns\" or a network's name");
			return -EINVAL;
		}
		out->mode = NET_BRIDGE; /* a user-defined network */
		snprintf(out->network, sizeof(out->network), "%s", in.mode);
	}
	if (in.ip && net_ip_parse(in.ip, &out->ip)) {
		snprintf(err, errsz, P ".ip: expected A.B.C.D");
		return -EINVAL;
	}
	if (in.hostname && !net_hostname_valid(in.hostname)) {
		snprintf(err, errsz,
			 P ".hostname: 1 to %d of [A-Za-z0-9.-] expected",
			 NET_HOSTNAME_MAX);
		return -EINVAL;
	}
	out->hostname = in.hostname;
	rc = decode_ports(in.ports, out, err, errsz);
	if (!rc)
		rc = decode_dns(&in, out, err, errsz);
	if (!rc && out->mode == NET_NONE && (out->ip || out->n_ports)) {
		snprintf(err, errsz,
			 P ": ip and ports need mode \"bridge\", not \"none\"");
		rc = -EINVAL;
	}
	if (!rc)
		rc = decode_netns(&in, out, err, errsz);
	return rc;
}

static void write_str(struct json_writer *w, const char *k, const char *v)
{
	json_w_key(w, k);
	json_w_string(w, v);
}

void rpc_net_write(struct json_writer *w, const struct pod_info *p)
{
	const struct net_pod *np = p->net;
	char ip[16], mac[18], port[NET_PORT_TEXT_MAX];

	json_w_key(w, "network");
	json_w_object_open(w);
	write_str(w, "mode", net_mode_name(np ? np->mode : NET_NONE));
	write_str(w, "hostname",
		  np && np->hostname[0] ? np->hostname : p->name);
	if (np && np->mode == NET_NETNS) {
		char gw[16];

		net_ip_format(np->ip, ip);
		net_mac_format(np->mac, mac);
		net_ip_format(np->gateway, gw);
		write_str(w, "netns", np->netns);
		write_str(w, "device", np->device);
		write_str(w, "ip", p->net_attached ? ip : NULL);
		json_w_key(w, "prefix");
		json_w_int(w, np->prefix);
		write_str(w, "gateway", np->gateway ? gw : NULL);
		write_str(w, "mac", mac);
		write_str(w, "vif", np->ifname);
	}
	if (np && np->mode == NET_BRIDGE) {
		write_str(w, "network",
			  np->network[0] ? np->network : NET_DEFAULT_NETWORK);
		net_ip_format(np->ip, ip);
		net_mac_format(np->mac, mac);
		/* The address is the pod's only while it holds it. */
		write_str(w, "ip", p->net_attached ? ip : NULL);
		write_str(w, "mac", mac);
		write_str(w, "vif", np->ifname);
		json_w_key(w, "ports");
		json_w_array_open(w);
		for (unsigned i = 0; i < np->n_ports; i++) {
			net_port_format(&np->ports[i], port);
			json_w_string(w, port);
		}
		json_w_array_close(w);
	}
	json_w_object_close(w);
}

/* ---- the NETWORK object and the network_* methods ---- */

static void write_network(struct json_writer *w, const struct net_network *nw)
{
	char sub[16], gw[16];
	struct pod_info pi;

	net_ip_format(nw->addr & (~(uint32_t)0 << (32 - nw->prefix)), sub);
	net_ip_format(nw->addr, gw);
	json_w_object_open(w);
	write_str(w, "name", nw->name);
	write_str(w, "bridge", nw->bridge);
	json_w_key(w, "subnet");
	json_w_object_open(w);
	write_str(w, "address", sub);
	json_w_key(w, "prefix");
	json_w_int(w, nw->prefix);
	json_w_object_close(w);
	write_str(w, "gateway", gw);
	json_w_key(w, "builtin");
	json_w_bool(w, !strcmp(nw->name, NET_DEFAULT_NETWORK));
	json_w_key(w, "pods");
	json_w_array_open(w);
	for (const struct pod *p = pod_first(); p; p = pod_next(p)) {
		if (!pod_uses_network(p, nw->name))
			continue;
		pod_info(p, &pi);
		json_w_string(w, pi.name);
	}
	json_w_array_close(w);
	json_w_object_close(w);
}

static void reply_network(struct rpc_req *req, const struct net_network *nw)
{
	struct json_writer *w = json_writer_new(false);

	write_network(w, nw);
	rpc_reply_writer(req, w);
}

struct p_net {
	const char *name, *subnet, *gateway;
};

#define PN(k, t, req, m, lo, hi) JSON_FIELD(k, t, req, struct p_net, m, lo, hi)

/* The name's rule (its length is the table's); "bridge" is the default network's. */
static bool name_ok(struct rpc_req *req, const char *name, bool builtin_ok)
{
	if (net_network_name_valid(name) ||
	    (builtin_ok && !strcmp(name, NET_DEFAULT_NETWORK)))
		return true;
	rpc_error(
		req, RPC_INVALID_PARAMS,
		"params.name: %s: invalid network name (1 to %d of [A-Za-z0-9][A-Za-z0-9_.-]*, not none, bridge or host)",
		name, NET_NAME_MAX);
	return false;
}

static void m_network_create(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		PN("name", JSON_DEC_STRING, true, name, 1, NET_NAME_MAX),
		PN("subnet", JSON_DEC_STRING, false, subnet, 9, 18),
		PN("gateway", JSON_DEC_STRING, false, gateway, 7, 15),
		{ NULL }
	};
	struct p_net p = { 0 };
	struct net_network nw;
	uint32_t sub = 0, gw = 0;
	unsigned prefix = 0;
	char err[512];
	int rc;

	if (!rpc_decode_params(req, params, f, &p) ||
	    !name_ok(req, p.name, false))
		return;
	if (p.subnet && net_cidr_parse(p.subnet, &sub, &prefix)) {
		rpc_error(req, RPC_INVALID_PARAMS,
			  "params.subnet: %s: expected A.B.C.D/N (N 8 to 30)",
			  p.subnet);
		return;
	}
	if (p.gateway && net_ip_parse(p.gateway, &gw)) {
		rpc_error(req, RPC_INVALID_PARAMS,
			  "params.gateway: %s: expected A.B.C.D", p.gateway);
		return;
	}
	rc = pod_network_create(p.name, sub, prefix, gw, &nw, err, sizeof(err));
	if (rc)
		rpc_fail(req, rc == -ENOSPC || rc == -EADDRINUSE ? -EINVAL : rc,
			 err);
	else
		reply_network(req, &nw);
}

static void m_network_list(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = { { NULL } };
	struct p_net p = { 0 };
	struct json_writer *w;

	if (!rpc_decode_params(req, params, f, &p))
		return;
	w = json_writer_new(false);
	json_w_object_open(w);
	json_w_key(w, "networks");
	json_w_array_open(w);
	for (size_t i = 0; i < net_network_count(); i++)
		write_network(w, net_network_at(i));
	json_w_array_close(w);
	json_w_object_close(w);
	rpc_reply_writer(req, w);
}

static void m_network_inspect(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		PN("name", JSON_DEC_STRING, true, name, 1, NET_NAME_MAX),
		{ NULL }
	};
	struct p_net p = { 0 };
	const struct net_network *nw;
	char err[128];

	if (!rpc_decode_params(req, params, f, &p) ||
	    !name_ok(req, p.name, true))
		return;
	nw = net_network_find(p.name);
	if (nw) {
		reply_network(req, nw);
		return;
	}
	snprintf(err, sizeof(err), "network %s: no such network", p.name);
	rpc_fail(req, -ENOENT, err);
}

static void m_network_rm(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		PN("name", JSON_DEC_STRING, true, name, 1, NET_NAME_MAX),
		{ NULL }
	};
	struct p_net p = { 0 };
	char err[512];
	int rc;

	if (!rpc_decode_params(req, params, f, &p) ||
	    !name_ok(req, p.name, true))
		return;
	rc = pod_network_rm(p.name, err, sizeof(err));
	if (rc) /* pods attached: the wrong state for it, as volume_rm's */
		rpc_fail(req, rc == -EBUSY ? -EBADFD : rc, err);
	else
		rpc_reply(req, "{}");
}

const struct rpc_method rpc_network_methods[] = {
	{ XP_M_NETWORK_CREATE, false, m_network_create },
	{ XP_M_NETWORK_LIST, true, m_network_list },
	{ XP_M_NETWORK_INSPECT, true, m_network_inspect },
	{ XP_M_NETWORK_RM, false, m_network_rm },
	{ NULL }
};
