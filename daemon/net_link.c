/* SPDX-License-Identifier: MIT */
/* net_link: dom0's side of the pods' network: the bridge (made if missing), its address, forwarding sysctls. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/sockios.h>

#include "net.h"

static int write_sysctl(const char *path, const char *val, char *err,
			size_t errsz)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		rc = -errno;
	if (fd >= 0)
		close(fd);
	if (rc)
		snprintf(err, errsz, "cannot set %s: %s", path, strerror(-rc));
	return rc;
}

static bool is_bridge(const char *name)
{
	char path[96];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", name);
	return stat(path, &st) == 0;
}

static int set_addr(int s, struct ifreq *ifr, unsigned long req, uint32_t a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr->ifr_addr;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(a);
	return ioctl(s, req, ifr) < 0 ? -errno : 0;
}

static uint32_t get_addr(int s, struct ifreq *ifr, unsigned long req)
{
	const struct sockaddr_in *sin = (struct sockaddr_in *)&ifr->ifr_addr;

	if (ioctl(s, req, ifr) < 0 || sin->sin_family != AF_INET)
		return 0;
	return ntohl(sin->sin_addr.s_addr);
}

/* Does the bridge have addr/prefix as its primary address already? */
static bool has_addr(int s, struct ifreq *ifr, const struct net_network *c)
{
	return get_addr(s, ifr, SIOCGIFADDR) == c->addr &&
	       get_addr(s, ifr, SIOCGIFNETMASK) == ~(uint32_t)0
							   << (32 - c->prefix);
}

/* The bridge exists, is a bridge, has addr/prefix and is up. */
static int bridge_up(int s, const struct net_network *c, char *err,
		     size_t errsz)
{
	struct ifreq ifr = { 0 };
	int rc = 0;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c->bridge);
	if (!if_nametoindex(c->bridge) &&
	    ioctl(s, SIOCBRADDBR, c->bridge) < 0 && errno != EEXIST) {
		rc = -errno;
		snprintf(
			err, errsz,
			"cannot create bridge %s: %s (is the bridge module loaded?)",
			c->bridge, strerror(errno));
		return rc;
	}
	if (!is_bridge(c->bridge)) {
		snprintf(err, errsz, "%s exists and is not a bridge",
			 c->bridge);
		return -EEXIST;
	}
	/* Re-setting the same address would drop it first, and with it the
	 * NAT state of the pods' connections (a daemon restart must not). */
	if (!has_addr(s, &ifr, c)) {
		rc = set_addr(s, &ifr, SIOCSIFADDR, c->addr);
		if (!rc)
			rc = set_addr(s, &ifr, SIOCSIFNETMASK,
				      ~(uint32_t)0 << (32 - c->prefix));
	}
	if (!rc && ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		rc = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!rc && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		rc = -errno;
	if (rc)
		snprintf(err, errsz, "cannot set up bridge %s: %s", c->bridge,
			 strerror(-rc));
	return rc;
}

int net_link_setup(const struct net_network *c, char *err, size_t errsz)
{
	char path[128];
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (s < 0) {
		rc = -errno;
		snprintf(err, errsz, "socket: %s", strerror(errno));
		return rc;
	}
	rc = bridge_up(s, c, err, errsz);
	close(s);
	if (rc)
		return rc;
	/* Outbound NAT needs forwarding; port forwards from 127.0.0.1 need
	 * route_localnet on the bridge (the masquerade rule then rewrites it). */
	rc = write_sysctl("/proc/sys/net/ipv4/ip_forward", "1", err, errsz);
	snprintf(path, sizeof(path),
		 "/proc/sys/net/ipv4/conf/%s/route_localnet", c->bridge);
	if (!rc)
		rc = write_sysctl(path, "1", err, errsz);
	return rc;
}

int net_link_remove(const char *bridge)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (s < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", bridge);
	if (!if_nametoindex(bridge)) {
		close(s);
		return 0;
	}
	/* A bridge that is up cannot be deleted. */
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags &= ~IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			rc = -errno;
	}
	if (!rc && ioctl(s, SIOCBRDELBR, bridge) < 0 && errno != ENXIO)
		rc = -errno;
	close(s);
	return rc;
}

void net_link_each_network_bridge(void (*cb)(const char *name, void *arg),
				  void *arg)
{
	size_t plen = strlen(NET_NETWORK_BRIDGE_PREFIX);
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, NET_NETWORK_BRIDGE_PREFIX, plen) &&
		    strlen(e->d_name) <= NET_IFNAME_MAX && is_bridge(e->d_name))
			cb(e->d_name, arg);
	if (d)
		closedir(d);
}

int net_port_bindable(const struct net_port *p)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(p->host_port),
				  .sin_addr.s_addr = htonl(p->host_ip) };
	int one = 1, rc = 0;
	int fd = socket(AF_INET,
			(p->proto == NET_UDP ? SOCK_DGRAM : SOCK_STREAM) |
				SOCK_CLOEXEC,
			0);

	if (fd < 0)
		return -errno;
	/* TCP: a connection of dom0's in TIME_WAIT is no listener. */
	if (p->proto == NET_TCP &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		rc = -errno;
	if (!rc && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}
