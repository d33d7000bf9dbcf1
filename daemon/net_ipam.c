/* SPDX-License-Identifier: MIT */
/* net_ipam: the pods' address allocator: leases in one file of the state directory, replaced atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "net.h"

#define IPAM_OWNER_MAX 36 /* a pod UUID */
#define IPAM_LINE_MAX 80

struct lease {
	uint32_t ip;
	char owner[IPAM_OWNER_MAX + 1];
};

struct net_ipam {
	char *path;
	uint32_t net, mask, gateway;
	struct lease *l;
	size_t n, cap;
};

static uint32_t mask_of(unsigned prefix)
{
	return prefix ? ~(uint32_t)0 << (32 - prefix) : 0;
}

/* An address a pod may hold: in the subnet, not the network, gateway or broadcast one. */
static bool usable(const struct net_ipam *a, uint32_t ip)
{
	return (ip & a->mask) == a->net && ip != a->net && ip != a->gateway &&
	       ip != (a->net | ~a->mask);
}

static int add_lease(struct net_ipam *a, uint32_t ip, const char *owner)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 16;
		struct lease *l = realloc(a->l, cap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		a->l = l;
		a->cap = cap;
	}
	a->l[a->n].ip = ip;
	snprintf(a->l[a->n].owner, sizeof(a->l[a->n].owner), "%s", owner);
	a->n++;
	return 0;
}

/* tmp + fsync + rename + directory fsync: a crash leaves the old file or the new one. */
static int save(const struct net_ipam *a)
{
	char tmp[4200], ip[16];
	FILE *f;
	int rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", a->path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "# xenpod address leases: ADDRESS OWNER (pod uuid)\n");
	for (size_t i = 0; i < a->n; i++) {
		net_ip_format(a->l[i].ip, ip);
		fprintf(f, "%s %s\n", ip, a->l[i].owner);
	}
	if (fflush(f) || fsync(fileno(f)) < 0)
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, a->path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return rc;
	}
	fs_fsync_parent(a->path);
	return 0;
}

/* One "ADDRESS OWNER" line; a bad or stale one is dropped with a warning. */
static int load_line(struct net_ipam *a, char *line, unsigned no)
{
	char *sp = strchr(line, ' '), *nl = strchr(line, '\n');
	uint32_t ip;

	if (nl)
		*nl = '\0';
	if (!line[0] || line[0] == '#')
		return 0;
	if (!sp || net_ip_parse((*sp = '\0', line), &ip) || !sp[1] ||
	    strlen(sp + 1) > IPAM_OWNER_MAX || strchr(sp + 1, ' ')) {
		log_warn("%s:%u: not ADDRESS OWNER: dropped", a->path, no);
		return 0;
	}
	if (!usable(a, ip) || net_ipam_owner(a, ip)) {
		log_warn(
			"%s:%u: %s is outside the subnet or leased twice: dropped",
			a->path, no, line);
		return 0;
	}
	return add_lease(a, ip, sp + 1);
}

int net_ipam_open(struct net_ipam **r, const char *path, uint32_t addr,
		  unsigned prefix)
{
	struct net_ipam *a = calloc(1, sizeof(*a));
	char line[IPAM_LINE_MAX];
	unsigned no = 0;
	FILE *f;
	int rc = 0;

	if (!a || !(a->path = strdup(path))) {
		free(a);
		return -ENOMEM;
	}
	a->mask = mask_of(prefix);
	a->net = addr & a->mask;
	a->gateway = addr;
	f = fopen(path, "re");
	if (!f && errno != ENOENT)
		rc = -errno;
	while (f && !rc && fgets(line, sizeof(line), f))
		rc = load_line(a, line, ++no);
	if (f)
		fclose(f);
	if (rc) {
		net_ipam_close(a);
		return rc;
	}
	*r = a;
	return 0;
}

void net_ipam_close(struct net_ipam *a)
{
	if (!a)
		return;
	free(a->l);
	free(a->path);
	free(a);
}

const char *net_ipam_owner(const struct net_ipam *a, uint32_t ip)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->l[i].ip == ip)
			return a->l[i].owner;
	return NULL;
}

static struct lease *lease_of(const struct net_ipam *a, const char *owner)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->l[i].owner, owner) == 0)
			return &a->l[i];
	return NULL;
}

int net_ipam_take(struct net_ipam *a, const char *owner, uint32_t want,
		  uint32_t *ip_r)
{
	uint32_t ip;
	int rc;

	if (strlen(owner) > IPAM_OWNER_MAX || strchr(owner, ' ') || !*owner)
		return -EINVAL;
	if (lease_of(a, owner))
		return -EEXIST;
	if (want) {
		if (!usable(a, want))
			return -EINVAL;
		if (net_ipam_owner(a, want))
			return -EADDRINUSE;
		ip = want;
	} else {
		for (ip = a->net + 1; usable(a, ip) || ip == a->gateway; ip++)
			if (ip != a->gateway && !net_ipam_owner(a, ip))
				break;
		if (!usable(a, ip))
			return -ENOSPC;
	}
	rc = add_lease(a, ip, owner);
	if (!rc)
		rc = save(a);
	if (rc) {
		a->n--;
		return rc;
	}
	*ip_r = ip;
	return 0;
}

int net_ipam_release(struct net_ipam *a, const char *owner)
{
	struct lease *l = lease_of(a, owner);

	if (!l)
		return -ENOENT;
	*l = a->l[--a->n];
	return save(a);
}

int net_ipam_prune(struct net_ipam *a, bool (*keep)(const char *owner))
{
	int n = 0;

	for (size_t i = 0; i < a->n;) {
		if (keep(a->l[i].owner)) {
			i++;
			continue;
		}
		a->l[i] = a->l[--a->n];
		n++;
	}
	if (n) {
		int rc = save(a);

		if (rc)
			log_warn("%s: %s", a->path, strerror(-rc));
	}
	return n;
}

size_t net_ipam_count(const struct net_ipam *a)
{
	return a->n;
}
