/* SPDX-License-Identifier: MIT */
/* net_netns: a pod in another's network namespace (podman's, a CNI plugin's): what its interface is, read from inside it. */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "net.h"

#define NSFS_MAGIC_NUMBER 0x6e736673 /* linux/magic.h's NSFS_MAGIC */

struct reader {
	int fd; /* the namespace, opened by the caller */
	struct net_netns_if *out;
	char err[200];
	int rc;
};

static uint32_t addr_of(const struct sockaddr *sa)
{
	return ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
}

static unsigned prefix_of(uint32_t mask)
{
	unsigned n = 0;

	while (mask & 0x80000000u) {
		n++;
		mask <<= 1;
	}
	return mask ? 0 : n; /* 0: not a contiguous mask */
}

/* The interface's IPv4 address: exactly one interface but loopback has one. */
static int find_if(struct reader *r, const struct ifaddrs *all)
{
	const struct ifaddrs *a;
	struct net_netns_if *o = r->out;

	for (a = all; a; a = a->ifa_next) {
		if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET ||
		    (a->ifa_flags & IFF_LOOPBACK))
			continue;
		if (o->device[0] && strcmp(o->device, a->ifa_name)) {
			snprintf(r->err, sizeof(r->err),
				 "more than one interface with an IPv4 address "
				 "(%s, %s): a pod joins exactly one",
				 o->device, a->ifa_name);
			return -EINVAL;
		}
		if (o->device[0]) {
			snprintf(r->err, sizeof(r->err),
				 "%s has more than one IPv4 address",
				 o->device);
			return -EINVAL;
		}
		if (strlen(a->ifa_name) > NET_IFNAME_MAX ||
		    !net_ifname_valid(a->ifa_name) || !a->ifa_netmask) {
			snprintf(r->err, sizeof(r->err),
				 "%.20s: a bad interface", a->ifa_name);
			return -EINVAL;
		}
		snprintf(o->device, sizeof(o->device), "%s", a->ifa_name);
		o->ip = addr_of(a->ifa_addr);
		o->prefix = prefix_of(addr_of(a->ifa_netmask));
		if (!o->prefix || o->prefix > 30) {
			snprintf(r->err, sizeof(r->err),
				 "%s: its prefix is not 1..30", o->device);
			return -EINVAL;
		}
	}
	if (!o->device[0]) {
		snprintf(r->err, sizeof(r->err),
			 "no interface but loopback has an IPv4 address");
		return -ENOENT;
	}
	return 0;
}

/* Its MAC (the AF_PACKET entry) and MTU. */
static int find_link(struct reader *r, const struct ifaddrs *all)
{
	struct net_netns_if *o = r->out;
	struct ifreq ifr = { 0 };
	int s;

	for (const struct ifaddrs *a = all; a; a = a->ifa_next) {
		const struct sockaddr_ll *ll =
			(const struct sockaddr_ll *)a->ifa_addr;

		if (a->ifa_addr && a->ifa_addr->sa_family == AF_PACKET &&
		    !strcmp(a->ifa_name, o->device) && ll->sll_halen == 6)
			memcpy(o->mac, ll->sll_addr, 6);
	}
	if (!(o->mac[0] | o->mac[1] | o->mac[2] | o->mac[3] | o->mac[4] |
	      o->mac[5]) ||
	    (o->mac[0] & 1)) {
		snprintf(r->err, sizeof(r->err),
			 "%s has no Ethernet address of its own", o->device);
		return -EINVAL;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->device);
	o->mtu = ioctl(s, SIOCGIFMTU, &ifr) == 0 ? (unsigned)ifr.ifr_mtu : 0;
	close(s);
	return 0;
}

/* The default route through the interface: /proc/thread-self/net/route is
 * this thread's namespace (/proc/self/net would be the process's). */
static void find_gateway(struct reader *r)
{
	FILE *f = fopen("/proc/thread-self/net/route", "re");
	char line[256], dev[IFNAMSIZ + 1];
	unsigned dst, gw, flags, mask;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%16s %x %x %x %*d %*d %*d %x", dev, &dst, &gw,
			   &flags, &mask) != 5)
			continue;
		/* The file's words are in network order, printed as host ints. */
		if (!dst && !mask && (flags & 2) &&
		    !strcmp(dev, r->out->device)) {
			r->out->gateway = ntohl(gw);
			break;
		}
	}
	fclose(f);
}

static void *read_in_ns(void *arg)
{
	struct reader *r = arg;
	struct ifaddrs *all = NULL;

	/* setns(2) moves this thread only: the daemon's other threads and
	 * its sockets stay in dom0's namespace. */
	if (setns(r->fd, CLONE_NEWNET) < 0) {
		r->rc = -errno;
		snprintf(r->err, sizeof(r->err), "cannot enter it: %s",
			 strerror(errno));
		return NULL;
	}
	if (getifaddrs(&all) < 0) {
		r->rc = -errno;
		snprintf(r->err, sizeof(r->err),
			 "cannot list its interfaces: %s", strerror(errno));
		return NULL;
	}
	r->rc = find_if(r, all);
	if (!r->rc)
		r->rc = find_link(r, all);
	if (!r->rc)
		find_gateway(r);
	freeifaddrs(all);
	return NULL;
}

int net_netns_read(const char *path, struct net_netns_if *out, char *err,
		   size_t errsz)
{
	struct reader r = { .out = out };
	struct statfs sf;
	pthread_t t;
	int rc;

	memset(out, 0, sizeof(*out));
	r.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0) {
		rc = -errno;
		snprintf(err, errsz, "network namespace %s: %s", path,
			 strerror(errno));
		return rc;
	}
	if (fstatfs(r.fd, &sf) < 0 || sf.f_type != NSFS_MAGIC_NUMBER) {
		close(r.fd);
		snprintf(err, errsz, "%s: not a network namespace", path);
		return -EINVAL;
	}
	rc = pthread_create(&t, NULL, read_in_ns, &r);
	if (rc) {
		close(r.fd);
		snprintf(err, errsz, "network namespace %s: %s", path,
			 strerror(rc));
		return -rc;
	}
	pthread_join(t, NULL);
	close(r.fd);
	if (r.rc == -EINVAL && !r.err[0])
		snprintf(r.err, sizeof(r.err), "not a network namespace");
	if (r.rc)
		snprintf(err, errsz, "network namespace %s: %s", path,
			 r.err[0] ? r.err : strerror(-r.rc));
	return r.rc;
}

int net_netns_attach(const char *uuid, const struct net_spec *s,
		     struct net_pod *out, char *err, size_t errsz)
{
	struct net_netns_if nif;
	struct net_pod np = { .mode = NET_NETNS };
	int rc;

	if (!net_netns_path_valid(s->netns)) {
		snprintf(err, errsz, "network namespace %.80s: a bad path",
			 s->netns);
		return -EINVAL;
	}
	rc = net_netns_read(s->netns, &nif, err, errsz);
	if (rc)
		return rc;
	snprintf(np.netns, sizeof(np.netns), "%s", s->netns);
	snprintf(np.device, sizeof(np.device), "%s", nif.device);
	memcpy(np.mac, nif.mac, sizeof(np.mac));
	np.ip = nif.ip;
	np.prefix = nif.prefix;
	np.gateway = nif.gateway;
	net_ifname_of_uuid(uuid, np.ifname);
	if (s->hostname)
		snprintf(np.hostname, sizeof(np.hostname), "%s", s->hostname);
	*out = np;
	return 0;
}
