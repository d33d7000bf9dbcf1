/* SPDX-License-Identifier: MIT */
/* net_netw: user-defined networks as values: names, their bridges' names, subnet choice and overlap, the networks file (one line each, replaced atomically). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "log.h"
#include "net.h"

static uint32_t mask_of(unsigned prefix)
{
	return prefix ? ~(uint32_t)0 << (32 - prefix) : 0;
}

/* "xpn-" and 8 hex digits of the name's SHA-256: stable, 12 characters. */
void net_network_bridge_name(const char *name, char buf[NET_IFNAME_MAX + 1])
{
	struct sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&h);
	digest_update(&h, name, strlen(name));
	sha256_digest(&h, sizeof(d), d);
	memset(buf, 0, NET_IFNAME_MAX + 1); /* compared whole (memcmp) */
	snprintf(buf, NET_IFNAME_MAX + 1, "%s%02x%02x%02x%02x",
		 NET_NETWORK_BRIDGE_PREFIX, d[0], d[1], d[2], d[3]);
}

bool net_subnets_overlap(uint32_t a, unsigned pa, uint32_t b, unsigned pb)
{
	uint32_t m = mask_of(pa < pb ? pa : pb);

	return (a & m) == (b & m);
}

int net_subnet_next(const struct net_network *nets, size_t n, uint32_t *addr,
		    unsigned *prefix)
{
	for (uint32_t k = 0; k < 256; k++) {
		uint32_t sub = NET_NETWORK_POOL | k << 8;
		bool taken = false;

		for (size_t i = 0; i < n && !taken; i++)
			taken = net_subnets_overlap(sub, 24, nets[i].addr,
						    nets[i].prefix);
		if (!taken) {
			*addr = sub | 1;
			*prefix = 24;
			return 0;
		}
	}
	return -ENOSPC;
}

int net_network_format(const struct net_network *nw, char *buf, size_t bufsz)
{
	char gw[16], sub[16];
	int n;

	net_ip_format(nw->addr, gw);
	net_ip_format(nw->addr & mask_of(nw->prefix), sub);
	n = snprintf(buf, bufsz, "%s %s/%u %s %s", nw->name, sub, nw->prefix,
		     gw, nw->bridge);
	return n < 0 || (size_t)n >= bufsz ? -ENOSPC : 0;
}

int net_network_parse(const char *s, struct net_network *nw)
{
	char name[NET_NAME_MAX + 2], cidr[24], gw[24], br[NET_IFNAME_MAX + 2];
	char want[NET_IFNAME_MAX + 1];
	uint32_t sub, mask;
	unsigned prefix;
	int end = 0;

	memset(nw, 0, sizeof(*nw));
	if (sscanf(s, "%64s %23s %23s %16s%n", name, cidr, gw, br, &end) != 4 ||
	    s[end] || !net_network_name_valid(name) ||
	    net_cidr_parse(cidr, &sub, &prefix) || net_ip_parse(gw, &nw->addr))
		return -EINVAL;
	mask = mask_of(prefix);
	net_network_bridge_name(name, want);
	/* The gateway is a host address of the subnet; the bridge is the name's. */
	if ((sub & ~mask) || (nw->addr & mask) != sub || nw->addr == sub ||
	    nw->addr == (sub | ~mask) || strcmp(br, want))
		return -EINVAL;
	memcpy(nw->name, name, strlen(name) + 1); /* valid: <= NET_NAME_MAX */
	memcpy(nw->bridge, want, sizeof(want)); /* br is want */
	nw->prefix = prefix;
	return 0;
}

int net_networks_save(const char *path, const struct net_network *nets,
		      size_t n)
{
	char tmp[4200], dir[4096], line[256], *slash;
	FILE *f;
	int rc = 0, fd;

	if (!n) { /* none: no file, as before the first */
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
		goto sync_dir;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "# xenpod networks: NAME SUBNET GATEWAY BRIDGE\n");
	for (size_t i = 0; i < n && !rc; i++) {
		rc = net_network_format(&nets[i], line, sizeof(line));
		if (!rc)
			fprintf(f, "%s\n", line);
	}
	if (!rc && (fflush(f) || fsync(fileno(f)) < 0))
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return rc;
	}
sync_dir:
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		fd = open(dir[0] ? dir : "/",
			  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	return 0;
}

int net_networks_load(const char *path, struct net_network *nets, size_t max,
		      size_t *n_r)
{
	char line[512];
	size_t n = 0, no = 0;
	FILE *f = fopen(path, "re");

	*n_r = 0;
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		struct net_network nw;
		bool dup = false;

		no++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		if (net_network_parse(line, &nw)) {
			log_warn("%s:%zu: not a network line; dropped", path,
				 no);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			dup |= !strcmp(nets[i].name, nw.name) ||
			       net_subnets_overlap(nets[i].addr, nets[i].prefix,
						   nw.addr, nw.prefix);
		if (dup || n == max) {
			log_warn("%s:%zu: network %s %s; dropped", path, no,
				 nw.name,
				 dup ? "repeats or overlaps another" :
				       "is past the limit");
			continue;
		}
		nets[n++] = nw;
	}
	fclose(f);
	*n_r = n;
	return 0;
}
