/* SPDX-License-Identifier: MIT */
/* rpc_net: the wire form of a pod's network: spec.network decoded and checked, the POD's "network" written. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "json_dec.h"
#include "net.h"
#include "pod.h"
#include "rpc_net.h"

struct net_in {
	const char *mode, *ip, *hostname;
	const struct json *ports, *dns, *search, *options, *hosts;
};

#define NF(k, t, m, lo, hi) JSON_FIELD(k, t, false, struct net_in, m, lo, hi)

static const struct json_dec_field net_fields[] = {
	NF("mode", JSON_DEC_STRING, mode, 1, 16),
	NF("ip", JSON_DEC_STRING, ip, 7, 15),
	NF("hostname", JSON_DEC_STRING, hostname, 1, NET_HOSTNAME_MAX),
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
		snprintf(err, errsz,
			 P ".mode: expected \"none\" or \"bridge\"");
		return -EINVAL;
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
	if (np && np->mode == NET_BRIDGE) {
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
