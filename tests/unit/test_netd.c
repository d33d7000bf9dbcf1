/* SPDX-License-Identifier: MIT */
/* test_netd: dom0's network pieces: docker's -p parser, a pod's network line, the address allocator, the ruleset text, a pod's /etc files. */
#include <errno.h>
#include <sched.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "lib/cpio.h"
#include "json.h"
#include "log.h"
#include "net.h"
#include "rpc_net.h"

static char dir[64];

static void test_port_parse(void)
{
	static const struct {
		const char *in;
		uint32_t hip;
		unsigned hp, pp;
		enum net_proto proto;
	} ok[] = {
		{ "8080:80", 0, 8080, 80, NET_TCP },
		{ "1:65535/udp", 0, 1, 65535, NET_UDP },
		{ "127.0.0.1:8080:80/tcp", 0x7f000001, 8080, 80, NET_TCP },
		{ "10.0.0.2:53:53/udp", 0x0a000002, 53, 53, NET_UDP },
	};
	static const char *const bad[] = {
		"",
		"80",
		":80",
		"8080:",
		"0:80",
		"8080:0",
		"65536:80",
		"80:65536",
		"08080:80",
		"8080:80/",
		"8080:80/sctp",
		"8080:80x",
		"1.2.3:80:80",
		"1.2.3.256:80:80",
		"a:b",
		"8080:80:90",
		" 8080:80",
		"8080::80",
		"-1:80",
		"1.2.3.4:80:80:80",
		"8080:80/tcp/udp",
	};
	struct net_port p;
	char why[200], txt[NET_PORT_TEXT_MAX];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(
			net_port_parse(ok[i].in, &p, why, sizeof(why)), 0);
		CU_ASSERT_EQUAL(p.host_ip, ok[i].hip);
		CU_ASSERT_EQUAL(p.host_port, ok[i].hp);
		CU_ASSERT_EQUAL(p.pod_port, ok[i].pp);
		CU_ASSERT_EQUAL(p.proto, ok[i].proto);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		CU_ASSERT_EQUAL(net_port_parse(bad[i], &p, why, sizeof(why)),
				-EINVAL);
		CU_ASSERT(why[0] != '\0');
	}
	net_port_parse("127.0.0.1:8080:80", &p, why, sizeof(why));
	net_port_format(&p, txt);
	CU_ASSERT_STRING_EQUAL(txt, "127.0.0.1:8080:80/tcp");
}

static void test_addr_parse(void)
{
	uint32_t ip;
	unsigned pre;
	uint8_t mac[6];
	char b[18];

	CU_ASSERT_EQUAL(net_ip_parse("10.88.0.1", &ip), 0);
	CU_ASSERT_EQUAL(ip, 0x0a580001);
	CU_ASSERT_EQUAL(net_ip_parse("10.88.0", &ip), -EINVAL);
	CU_ASSERT_EQUAL(net_ip_parse("10.88.0.1 ", &ip), -EINVAL);
	CU_ASSERT_EQUAL(net_ip_parse("010.1.1.1", &ip), -EINVAL);
	CU_ASSERT_EQUAL(net_cidr_parse("10.88.0.1/16", &ip, &pre), 0);
	CU_ASSERT_EQUAL(pre, 16);
	CU_ASSERT_EQUAL(net_cidr_parse("10.88.0.1/31", &ip, &pre), -EINVAL);
	CU_ASSERT_EQUAL(net_cidr_parse("10.88.0.1/7", &ip, &pre), -EINVAL);
	CU_ASSERT_EQUAL(net_cidr_parse("10.88.0.1", &ip, &pre), -EINVAL);
	CU_ASSERT_EQUAL(net_mac_parse("00:16:3e:aB:cd:ef", mac), 0);
	net_mac_format(mac, b);
	CU_ASSERT_STRING_EQUAL(b, "00:16:3e:ab:cd:ef");
	CU_ASSERT_EQUAL(net_mac_parse("00:16:3e:ab:cd:e", mac), -EINVAL);
	CU_ASSERT_EQUAL(net_mac_parse("00:16:3e:ab:cd:eff", mac), -EINVAL);
	CU_ASSERT_EQUAL(net_mac_parse("00-16:3e:ab:cd:ef", mac), -EINVAL);
	CU_ASSERT(net_hostname_valid("web-1.example"));
	CU_ASSERT(!net_hostname_valid(""));
	CU_ASSERT(!net_hostname_valid("a b"));
}

static void test_pod_line(void)
{
	struct net_pod a = { .mode = NET_BRIDGE,
			     .ip = 0x0a580002,
			     .mac = { 0, 0x16, 0x3e, 1, 2, 3 },
			     .ifname = "xp12345678",
			     .hostname = "web",
			     .n_ports = 2 },
		       b;
	char line[NET_STATE_TEXT_MAX], why[100];

	net_port_parse("8080:80", &a.ports[0], why, sizeof(why));
	net_port_parse("127.0.0.1:53:53/udp", &a.ports[1], why, sizeof(why));
	CU_ASSERT_EQUAL_FATAL(net_pod_format(&a, line, sizeof(line)), 0);
	CU_ASSERT_STRING_EQUAL(
		line,
		"bridge ip=10.88.0.2 mac=00:16:3e:01:02:03 if=xp12345678 host=web port=8080:80/tcp port=127.0.0.1:53:53/udp");
	CU_ASSERT_EQUAL_FATAL(net_pod_parse(line, &b), 0);
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	CU_ASSERT_EQUAL(net_pod_format(&a, line, 20), -ENOSPC);
	CU_ASSERT_EQUAL(net_pod_parse("none", &b), 0);
	CU_ASSERT_EQUAL(b.mode, NET_NONE);
	CU_ASSERT_EQUAL(net_pod_parse("none host=x", &b), 0);
	CU_ASSERT_STRING_EQUAL(b.hostname, "x");
	CU_ASSERT_EQUAL(net_pod_parse("none ip=1.2.3.4", &b), -EINVAL);
	CU_ASSERT_EQUAL(net_pod_parse("bridge mac=00:16:3e:01:02:03", &b),
			-EINVAL); /* no address, no vif */
	CU_ASSERT_EQUAL(net_pod_parse("bridge ip=10.0.0.2 if=x bogus=1", &b),
			-EINVAL);
	CU_ASSERT_EQUAL(net_pod_parse("overlay", &b), -EINVAL);
	/* A user network's name, between the vif and the hostname. */
	snprintf(a.network, sizeof(a.network), "back");
	CU_ASSERT_EQUAL_FATAL(net_pod_format(&a, line, sizeof(line)), 0);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(line, " if=xp12345678 net=back host=web"));
	CU_ASSERT_EQUAL_FATAL(net_pod_parse(line, &b), 0);
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	CU_ASSERT_EQUAL(net_pod_parse("bridge ip=10.0.0.2 if=x net=bridge", &b),
			-EINVAL);
	CU_ASSERT_EQUAL(net_pod_parse("bridge ip=10.0.0.2 if=x net=a/b", &b),
			-EINVAL);
}

static char *path_of(const char *name)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static const char *keep_only;
static bool keep(const char *owner)
{
	return strcmp(owner, keep_only) == 0;
}

static void test_ipam(void)
{
	struct net_ipam *a;
	uint32_t ip, gw = 0x0a580001; /* 10.88.0.1/29: .2 to .6 for pods */
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(net_ipam_open(&a, path_of("l"), gw, 29), 0);
	CU_ASSERT_EQUAL(net_ipam_take(a, "p1", 0, &ip), 0);
	CU_ASSERT_EQUAL(ip, 0x0a580002);
	CU_ASSERT_EQUAL(net_ipam_take(a, "p1", 0, &ip), -EEXIST);
	CU_ASSERT_EQUAL(net_ipam_take(a, "p2", 0x0a580002, &ip), -EADDRINUSE);
	CU_ASSERT_EQUAL(net_ipam_take(a, "p2", 0x0a580001, &ip), -EINVAL);
	CU_ASSERT_EQUAL(net_ipam_take(a, "p2", 0x0a580000, &ip), -EINVAL);
	CU_ASSERT_EQUAL(net_ipam_take(a, "p2", 0x0a580007, &ip), -EINVAL);
	CU_ASSERT_EQUAL(net_ipam_take(a, "p2", 0x0a590002, &ip), -EINVAL);
	CU_ASSERT_EQUAL(net_ipam_take(a, "p2", 0x0a580005, &ip), 0);
	CU_ASSERT_EQUAL(net_ipam_take(a, "p3", 0, &ip), 0);
	CU_ASSERT_EQUAL(ip, 0x0a580003);
	CU_ASSERT_EQUAL(net_ipam_take(a, "p4", 0, &ip), 0);
	CU_ASSERT_EQUAL(net_ipam_take(a, "p5", 0, &ip), 0);
	CU_ASSERT_EQUAL(ip, 0x0a580006);
	CU_ASSERT_EQUAL(net_ipam_take(a, "p6", 0, &ip), -ENOSPC);
	CU_ASSERT_EQUAL(net_ipam_release(a, "p3"), 0);
	CU_ASSERT_EQUAL(net_ipam_release(a, "p3"), -ENOENT);
	CU_ASSERT_EQUAL(net_ipam_count(a), 4);
	net_ipam_close(a);

	/* Survives a restart: the same leases from the file. */
	CU_ASSERT_EQUAL_FATAL(net_ipam_open(&a, path_of("l"), gw, 29), 0);
	CU_ASSERT_EQUAL(net_ipam_count(a), 4);
	CU_ASSERT_STRING_EQUAL(net_ipam_owner(a, 0x0a580005), "p2");
	CU_ASSERT_PTR_NULL(net_ipam_owner(a, 0x0a580003));
	CU_ASSERT_EQUAL(net_ipam_take(a, "p6", 0, &ip), 0);
	CU_ASSERT_EQUAL(ip, 0x0a580003);
	keep_only = "p2";
	CU_ASSERT_EQUAL(net_ipam_prune(a, keep), 4);
	CU_ASSERT_EQUAL(net_ipam_count(a), 1);
	net_ipam_close(a);
	CU_ASSERT_EQUAL(access(path_of("l.tmp"), F_OK), -1);

	/* A damaged file: bad, duplicate and outside lines are dropped. */
	f = fopen(path_of("l"), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("# c\n10.88.0.2 a\n10.88.0.2 b\nxx c\n10.9.0.2 d\n10.88.0.3\n10.88.0.4 e\n",
	      f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(net_ipam_open(&a, path_of("l"), gw, 29), 0);
	CU_ASSERT_EQUAL(net_ipam_count(a), 2);
	CU_ASSERT_STRING_EQUAL(net_ipam_owner(a, 0x0a580002), "a");
	CU_ASSERT_STRING_EQUAL(net_ipam_owner(a, 0x0a580004), "e");
	net_ipam_close(a);
}

static void test_rules(void)
{
	struct net_network c = { .name = "bridge",
				 .bridge = "xenpod0",
				 .addr = 0x0a580001,
				 .prefix = 16 };
	struct net_pod p = { .mode = NET_BRIDGE,
			     .ip = 0x0a580002,
			     .mac = { 0, 0x16, 0x3e, 1, 2, 3 },
			     .ifname = "xp12345678",
			     .n_ports = 2 };
	char buf[8192], why[100];
	int n;

	net_port_parse("8080:80", &p.ports[0], why, sizeof(why));
	net_port_parse("127.0.0.1:53:5353/udp", &p.ports[1], why, sizeof(why));
	n = net_rules_text(&c, 1, &p, 1, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL((size_t)n, strlen(buf));
	/* Both tables are replaced within the one script. */
	CU_ASSERT_PTR_NOT_NULL(
		strstr(buf, "add table ip xenpod\ndelete table ip xenpod\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		buf, "add table bridge xenpod\ndelete table bridge xenpod\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(buf, "\t\ttcp dport 8080 dnat to 10.88.0.2:80\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		buf,
		"\t\tip daddr 127.0.0.1 udp dport 53 dnat to 10.88.0.2:5353\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		buf,
		"ip saddr 10.88.0.0/16 oifname != \"xenpod0\" masquerade"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		buf, "oifname \"xenpod0\" ip saddr 127.0.0.0/8 masquerade"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "iifname \"xenpod0\" drop"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		buf,
		"iifname \"xp12345678\" ether saddr 00:16:3e:01:02:03 ip saddr 10.88.0.2 accept"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		buf,
		"arp saddr ether 00:16:3e:01:02:03 arp saddr ip 10.88.0.2 accept"));
	/* Unknown vifs are cut off, after every pod's own accepts. */
	CU_ASSERT(strstr(buf, "iifname \"xp*\" drop") >
		  strstr(buf, "arp saddr ip 10.88.0.2"));
	/* No pods: no DNAT, no per-vif accepts, still the default drops. */
	n = net_rules_text(&c, 1, NULL, 0, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_PTR_NULL(strstr(buf, "dnat to"));
	CU_ASSERT_PTR_NULL(strstr(buf, "ether saddr"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "iifname \"xp*\" drop"));
	CU_ASSERT_EQUAL(net_rules_text(&c, 1, &p, 1, buf, 100), -ENOSPC);
	CU_ASSERT(net_rules_flush_text(buf, sizeof(buf)) > 0);
	CU_ASSERT_PTR_NULL(strstr(buf, "chain"));
}

/* Two networks: each its own NAT and drops; nothing lets one into the other. */
static void test_rules_networks(void)
{
	struct net_network nets[2] = {
		{ .name = "bridge",
		  .bridge = "xenpod0",
		  .addr = 0x0a580001,
		  .prefix = 16 },
		{ .name = "back",
		  .bridge = "xpn-0a1b2c3d",
		  .addr = 0x0a590001,
		  .prefix = 24 },
	};
	static char buf[16384];
	const char *fwd;
	int n = net_rules_text(nets, 2, NULL, 0, buf, sizeof(buf));

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		buf,
		"ip saddr 10.89.0.0/24 oifname != \"xpn-0a1b2c3d\" masquerade"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "iifname \"xpn-0a1b2c3d\" drop"));
	fwd = strstr(buf, "chain forward {");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fwd);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		fwd,
		"iifname \"xpn-0a1b2c3d\" oifname \"xpn-0a1b2c3d\" accept"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fwd, "oifname \"xpn-0a1b2c3d\" drop"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fwd, "oifname \"xenpod0\" drop"));
	/* No rule names both bridges: a pod of one never reaches the other. */
	CU_ASSERT_PTR_NULL(
		strstr(fwd, "iifname \"xenpod0\" oifname \"xpn-0a1b2c3d\""));
	CU_ASSERT_PTR_NULL(
		strstr(fwd, "iifname \"xpn-0a1b2c3d\" oifname \"xenpod0\""));
}

static void test_networks(void)
{
	static const char *const good[] = { "a", "back-end", "net_2", "A.b" };
	static const char *const bad[] = { "",	 "none", "bridge", "host",
					   "-a", ".a",	 "a b",	   "a/b" };
	struct net_network nets[4], nw, got[4];
	char b1[16], b2[16], line[256], path[128];
	uint32_t addr;
	unsigned prefix;
	size_t n;
	FILE *f;

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		CU_ASSERT(net_network_name_valid(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CU_ASSERT(!net_network_name_valid(bad[i]));
	memset(line, 'a', 64);
	line[64] = '\0';
	CU_ASSERT(!net_network_name_valid(line));
	line[63] = '\0';
	CU_ASSERT(net_network_name_valid(line));
	/* A stable bridge name, within IFNAMSIZ. */
	net_network_bridge_name("back", b1);
	net_network_bridge_name("back", b2);
	CU_ASSERT_STRING_EQUAL(b1, b2);
	CU_ASSERT_EQUAL(strlen(b1), 12);
	CU_ASSERT_EQUAL(strncmp(b1, "xpn-", 4), 0);
	net_network_bridge_name("front", b2);
	CU_ASSERT_STRING_NOT_EQUAL(b1, b2);
	/* Subnets: the first free 10.89.N.0/24. */
	CU_ASSERT(net_subnets_overlap(0x0a580001, 16, 0x0a58ff00, 24));
	CU_ASSERT(!net_subnets_overlap(0x0a580001, 16, 0x0a590001, 24));
	CU_ASSERT(net_subnets_overlap(0x0a000000, 8, 0x0a590001, 24));
	memset(nets, 0, sizeof(nets));
	nets[0] = (struct net_network){ .addr = 0x0a580001, .prefix = 16 };
	CU_ASSERT_EQUAL(net_subnet_next(nets, 1, &addr, &prefix), 0);
	CU_ASSERT_EQUAL(addr, 0x0a590001);
	CU_ASSERT_EQUAL(prefix, 24);
	nets[1] = (struct net_network){ .addr = 0x0a590001, .prefix = 24 };
	nets[2] = (struct net_network){ .addr = 0x0a590205, .prefix = 23 };
	CU_ASSERT_EQUAL(net_subnet_next(nets, 3, &addr, &prefix), 0);
	CU_ASSERT_EQUAL(addr, 0x0a590101);
	nets[3] = (struct net_network){ .addr = 0x0a000001, .prefix = 8 };
	CU_ASSERT_EQUAL(net_subnet_next(nets, 4, &addr, &prefix), -ENOSPC);
	/* The line, and back. */
	memset(&nw, 0, sizeof(nw));
	snprintf(nw.name, sizeof(nw.name), "back");
	net_network_bridge_name("back", nw.bridge);
	nw.addr = 0x0a590001;
	nw.prefix = 24;
	CU_ASSERT_EQUAL(net_network_format(&nw, line, sizeof(line)), 0);
	snprintf(path, sizeof(path), "back 10.89.0.0/24 10.89.0.1 %s", b1);
	CU_ASSERT_STRING_EQUAL(line, path);
	CU_ASSERT_EQUAL(net_network_parse(line, &got[0]), 0);
	CU_ASSERT_EQUAL(memcmp(&got[0], &nw, sizeof(nw)), 0);
	CU_ASSERT_EQUAL(net_network_format(&nw, line, 10), -ENOSPC);
	CU_ASSERT_EQUAL(
		net_network_parse("back 10.89.0.0/24 10.89.0.1 xpn-00000000",
				  &got[0]),
		-EINVAL);
	snprintf(line, sizeof(line), "back 10.89.0.1/24 10.89.0.1 %s", b1);
	CU_ASSERT_EQUAL(net_network_parse(line, &got[0]), -EINVAL);
	snprintf(line, sizeof(line), "back 10.89.0.0/24 10.90.0.1 %s", b1);
	CU_ASSERT_EQUAL(net_network_parse(line, &got[0]), -EINVAL);
	snprintf(line, sizeof(line), "back 10.89.0.0/24 10.89.0.255 %s", b1);
	CU_ASSERT_EQUAL(net_network_parse(line, &got[0]), -EINVAL);
	snprintf(line, sizeof(line), "back 10.89.0.0/24 10.89.0.1 %s x", b1);
	CU_ASSERT_EQUAL(net_network_parse(line, &got[0]), -EINVAL);
	/* The file: saved, loaded; bad, repeated and overlapping lines dropped. */
	snprintf(path, sizeof(path), "%s/networks", dir);
	CU_ASSERT_EQUAL(net_networks_load(path, got, 4, &n), 0);
	CU_ASSERT_EQUAL(n, 0); /* none yet */
	nets[0] = nw;
	nets[1] = nw;
	snprintf(nets[1].name, sizeof(nets[1].name), "front");
	net_network_bridge_name("front", nets[1].bridge);
	nets[1].addr = 0x0a5a0a01; /* 10.90.10.1/16 */
	nets[1].prefix = 16;
	CU_ASSERT_EQUAL(net_networks_save(path, nets, 2), 0);
	CU_ASSERT_EQUAL(net_networks_load(path, got, 4, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(memcmp(got, nets, 2 * sizeof(*nets)), 0);
	f = fopen(path, "a");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	net_network_format(&nets[0], line, sizeof(line));
	fprintf(f, "garbage\n%s\n", line); /* bad, then a repeat */
	snprintf(nw.name, sizeof(nw.name), "other");
	net_network_bridge_name("other", nw.bridge);
	nw.addr = 0x0a5a0001; /* 10.90.0.1/24: inside front's */
	net_network_format(&nw, line, sizeof(line));
	fprintf(f, "%s\n", line);
	fclose(f);
	CU_ASSERT_EQUAL(net_networks_load(path, got, 4, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(net_networks_load(path, got, 1, &n), 0);
	CU_ASSERT_EQUAL(n, 1); /* past the limit: dropped */
	unlink(path);
}

static void test_stable_ids(void)
{
	const char *u = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
	uint8_t m1[6], m2[6];
	char n1[16];

	net_mac_of_uuid(u, m1);
	net_mac_of_uuid(u, m2);
	CU_ASSERT_EQUAL(memcmp(m1, m2, 6), 0);
	CU_ASSERT(m1[0] == 0 && m1[1] == 0x16 && m1[2] == 0x3e && m1[3] < 0x80);
	net_mac_of_uuid("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f1", m2);
	CU_ASSERT_NOT_EQUAL(memcmp(m1, m2, 6), 0);
	net_ifname_of_uuid(u, n1);
	CU_ASSERT_STRING_EQUAL(n1, "xp0f1e2d3c");
}

static void test_dns_parse(void)
{
	static const char *const domains_ok[] = { "example.com", "a", "a.b.c.",
						  "my_host-1.lan" };
	static const char *const domains_bad[] = { "",	  ".",	 ".a",	"a..b",
						   "a b", "a/b", "ä.de" };
	static const char *const hosts_bad[] = {
		"",	      "web",	      ":10.0.0.1",    "web:",
		"web:1.2.3",  "web:1.2.3.4x", "w eb:1.2.3.4", "web.:1.2.3.4",
		"web:[1.2.3", "web:gateway",
	};
	char a[NET_ADDR_TEXT_MAX], why[400], big[300];
	struct net_host h;

	CU_ASSERT_EQUAL(net_addr_parse("10.0.0.1", a), 0);
	CU_ASSERT_STRING_EQUAL(a, "10.0.0.1");
	CU_ASSERT_EQUAL(net_addr_parse("2001:DB8:0::1", a), 0);
	CU_ASSERT_STRING_EQUAL(a, "2001:db8::1");
	CU_ASSERT_EQUAL(net_addr_parse("10.0.0", a), -EINVAL);
	CU_ASSERT_EQUAL(net_addr_parse("dns.example", a), -EINVAL);
	CU_ASSERT_EQUAL(net_addr_parse("", a), -EINVAL);
	for (size_t i = 0; i < sizeof(domains_ok) / sizeof(*domains_ok); i++)
		CU_ASSERT(net_domain_valid(domains_ok[i]));
	for (size_t i = 0; i < sizeof(domains_bad) / sizeof(*domains_bad); i++)
		CU_ASSERT(!net_domain_valid(domains_bad[i]));
	memset(big, 'a', 64);
	big[64] = '\0';
	CU_ASSERT(!net_domain_valid(big)); /* a label of 64 */
	CU_ASSERT(net_dns_option_valid("ndots:2"));
	CU_ASSERT(net_dns_option_valid("edns0"));
	CU_ASSERT(!net_dns_option_valid(""));
	CU_ASSERT(!net_dns_option_valid("a b"));
	CU_ASSERT_EQUAL(net_host_parse("db:10.0.0.9", &h, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(h.name, "db");
	CU_ASSERT_STRING_EQUAL(h.addr, "10.0.0.9");
	CU_ASSERT_EQUAL(net_host_parse("v6:2001:db8::1", &h, why, sizeof(why)),
			0);
	CU_ASSERT_STRING_EQUAL(h.addr, "2001:db8::1");
	CU_ASSERT_EQUAL(
		net_host_parse("v6:[2001:db8::2]", &h, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(h.addr, "2001:db8::2");
	CU_ASSERT_EQUAL(
		net_host_parse("gw.lan:host-gateway", &h, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(h.addr, NET_HOST_GATEWAY);
	for (size_t i = 0; i < sizeof(hosts_bad) / sizeof(*hosts_bad); i++) {
		why[0] = '\0';
		CU_ASSERT_EQUAL(net_host_parse(hosts_bad[i], &h, why,
					       sizeof(why)),
				-EINVAL);
		CU_ASSERT(why[0] && !strchr(why, '\n'));
	}
}

static void test_resolv(void)
{
	static const char host_conf[] = "# dom0's\n"
					"nameserver 127.0.0.53\n"
					"nameserver ::1\n"
					"nameserver 192.168.1.1 # the router\n"
					"nameserver 2001:db8::53\n"
					"nameserver bogus\n"
					"search old.lan\n"
					"search corp.example lan\n"
					"options edns0 trust-ad\n"
					"nameserver 9.9.9.9\n"
					"nameserver 8.8.8.8\n";
	static struct net_dns host, spec, lo;
	char buf[1024];

	net_resolv_parse(host_conf, &host);
	CU_ASSERT_EQUAL(host.n_servers, 3); /* loopback, bogus and the 4th go */
	CU_ASSERT_STRING_EQUAL(host.servers[0], "192.168.1.1");
	CU_ASSERT_STRING_EQUAL(host.servers[1], "2001:db8::53");
	CU_ASSERT_STRING_EQUAL(host.servers[2], "9.9.9.9");
	CU_ASSERT_EQUAL(host.n_search, 2);
	CU_ASSERT_EQUAL(host.n_options, 2);
	/* docker's default: dom0's, minus loopback. */
	memset(&spec, 0, sizeof(spec));
	CU_ASSERT(net_resolv_text(&spec, &host, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "nameserver 192.168.1.1\n"
				    "nameserver 2001:db8::53\n"
				    "nameserver 9.9.9.9\n"
				    "search corp.example lan\n"
				    "options edns0 trust-ad\n");
	/* The spec's own replace each of the three. */
	spec.n_servers = 1;
	snprintf(spec.servers[0], sizeof(spec.servers[0]), "10.0.0.53");
	spec.search_set = true; /* given empty: no search line */
	CU_ASSERT(net_resolv_text(&spec, &host, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "nameserver 10.0.0.53\n"
				    "options edns0 trust-ad\n");
	spec.options_set = true;
	spec.n_options = 1;
	snprintf(spec.options[0], sizeof(spec.options[0]), "ndots:2");
	spec.n_search = 1;
	snprintf(spec.search[0], sizeof(spec.search[0]), "pods.lan");
	CU_ASSERT(net_resolv_text(&spec, &host, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "nameserver 10.0.0.53\n"
				    "search pods.lan\n"
				    "options ndots:2\n");
	/* Only loopback servers in dom0's: no nameserver line. */
	net_resolv_parse("nameserver 127.0.0.1\nnameserver ::1\n", &lo);
	memset(&spec, 0, sizeof(spec));
	CU_ASSERT_EQUAL(net_resolv_text(&spec, &lo, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
	net_resolv_parse(NULL, &lo);
	CU_ASSERT_EQUAL(lo.n_servers, 0);
	CU_ASSERT_EQUAL(net_resolv_text(&spec, &host, buf, 20), -ENOSPC);
}

static void test_hosts(void)
{
	static struct net_dns d;
	char buf[1024], why[200];

	CU_ASSERT_EQUAL(net_host_parse("db:10.88.0.9", &d.hosts[0], why,
				       sizeof(why)),
			0);
	CU_ASSERT_EQUAL(net_host_parse("dom0:host-gateway", &d.hosts[1], why,
				       sizeof(why)),
			0);
	d.n_hosts = 2;
	CU_ASSERT(net_hosts_text("web", 0x0a580002, 0x0a580001, &d, buf,
				 sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf,
			       "127.0.0.1\tlocalhost\n"
			       "::1\tlocalhost ip6-localhost ip6-loopback\n"
			       "10.88.0.9\tdb\n"
			       "10.88.0.1\tdom0\n"
			       "10.88.0.2\tweb\n");
	/* No address (no network): no line of its own. */
	CU_ASSERT(net_hosts_text("web", 0, 0, NULL, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf,
			       "127.0.0.1\tlocalhost\n"
			       "::1\tlocalhost ip6-localhost ip6-loopback\n");
	CU_ASSERT_EQUAL(net_hosts_text("web", 1, 1, &d, buf, 30), -ENOSPC);
}

/* A socket of "dom0's" on 127.0.0.1:port (0: any port); its port. */
static int listener(int type, uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, type, 0);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CU_ASSERT_FATAL(type != SOCK_STREAM || listen(fd, 1) == 0);
	CU_ASSERT_FATAL(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static void test_port_bindable(void)
{
	struct net_port p = { .proto = NET_TCP, .pod_port = 80 };
	int fd = listener(SOCK_STREAM, &p.host_port);

	p.host_ip = 0x7f000001;
	CU_ASSERT_EQUAL(net_port_bindable(&p), -EADDRINUSE);
	p.host_ip = 0; /* every address: 127.0.0.1 among them */
	CU_ASSERT_EQUAL(net_port_bindable(&p), -EADDRINUSE);
	p.proto = NET_UDP; /* the same number, another protocol */
	CU_ASSERT_EQUAL(net_port_bindable(&p), 0);
	close(fd);
	p.proto = NET_TCP;
	CU_ASSERT_EQUAL(net_port_bindable(&p), 0);
	fd = listener(SOCK_DGRAM, &p.host_port);
	p.proto = NET_UDP;
	CU_ASSERT_EQUAL(net_port_bindable(&p), -EADDRINUSE);
	close(fd);
	CU_ASSERT_EQUAL(net_port_bindable(&p), 0);
	p.host_ip = 0xc0000201; /* 192.0.2.1: no address of this host's */
	CU_ASSERT_EQUAL(net_port_bindable(&p), -EADDRNOTAVAIL);
}

/* spec.network's resolver fields (rpc_net.c). */
static int decode(const char *text, struct net_spec *ns, char *err,
		  size_t errsz)
{
	struct json *j = json_parse(text, strlen(text), err, errsz);
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	rc = rpc_net_decode(j, ns, err, errsz);
	json_free(j);
	return rc;
}

static void test_rpc_dns(void)
{
	static const struct {
		const char *in, *err;
	} bad[] = {
		{ "{\"dns\":[\"1.2.3\"]}",
		  "params.spec.network.dns[0]: 1.2.3: expected an IPv4 or IPv6 address" },
		{ "{\"dns\":[\"1.1.1.1\",\"1.0.0.1\",\"8.8.8.8\",\"9.9.9.9\"]}",
		  "params.spec.network.dns: more than 3" },
		{ "{\"dns_search\":[\"a..b\"]}",
		  "params.spec.network.dns_search[0]: a..b: expected a domain" },
		{ "{\"dns_options\":[\"nd ots\"]}",
		  "params.spec.network.dns_options[0]: nd ots: expected 1 to" },
		{ "{\"extra_hosts\":[\"db\"]}",
		  "params.spec.network.extra_hosts[0]: db: expected NAME:ADDRESS" },
		{ "{\"mode\":\"none\",\"extra_hosts\":[\"gw:host-gateway\"]}",
		  "params.spec.network.extra_hosts[0]: host-gateway needs mode \"bridge\"" },
		{ "{\"dns\":\"1.1.1.1\"}", "params.spec.network.dns" },
	};
	static struct net_spec ns;
	char err[512];

	CU_ASSERT_EQUAL(
		decode("{\"dns\":[\"1.1.1.1\",\"2001:4860::8888\"],"
		       "\"dns_search\":[\"corp.example\"],\"dns_options\":[],"
		       "\"extra_hosts\":[\"db:10.88.0.9\",\"gw:host-gateway\"]}",
		       &ns, err, sizeof(err)),
		0);
	CU_ASSERT_EQUAL(ns.mode, NET_BRIDGE);
	CU_ASSERT_EQUAL(ns.dns.n_servers, 2);
	CU_ASSERT_STRING_EQUAL(ns.dns.servers[1], "2001:4860::8888");
	CU_ASSERT(ns.dns.search_set && ns.dns.n_search == 1);
	CU_ASSERT(ns.dns.options_set && ns.dns.n_options == 0);
	CU_ASSERT_EQUAL(ns.dns.n_hosts, 2);
	CU_ASSERT_STRING_EQUAL(ns.dns.hosts[1].name, "gw");
	CU_ASSERT_EQUAL(decode("{\"mode\":\"none\"}", &ns, err, sizeof(err)),
			0);
	CU_ASSERT(!ns.dns.search_set && !ns.dns.options_set &&
		  !ns.dns.n_servers && !ns.dns.n_hosts);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(decode(bad[i].in, &ns, err, sizeof(err)),
				-EINVAL);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)))
			fprintf(stderr, "\n%s: got \"%s\"\n", bad[i].in, err);
		CU_ASSERT(!strncmp(err, bad[i].err, strlen(bad[i].err)));
	}
}

/* mode "netns": the namespace's file is required, the address and ports
 * are its owner's. */
static void test_rpc_netns(void)
{
	static const struct {
		const char *in, *err;
	} bad[] = {
		{ "{\"mode\":\"netns\"}",
		  "params.spec.network: mode \"netns\" needs \"netns\"" },
		{ "{\"netns\":\"/run/netns/a\"}",
		  "params.spec.network.netns: needs mode \"netns\"" },
		{ "{\"mode\":\"netns\",\"netns\":\"run/netns/a\"}",
		  "params.spec.network.netns: run/netns/a: expected an absolute" },
		{ "{\"mode\":\"netns\",\"netns\":\"/run/../etc/x\"}",
		  "params.spec.network.netns: /run/../etc/x: expected" },
		{ "{\"mode\":\"netns\",\"netns\":\"/run/netns/a b\"}",
		  "params.spec.network.netns: /run/netns/a b: expected" },
		{ "{\"mode\":\"netns\",\"netns\":\"/run/netns/a\",\"ports\":[\"80:80\"]}",
		  "params.spec.network: ip and ports are the network namespace's owner's" },
		{ "{\"mode\":\"netns\",\"netns\":\"/run/netns/a\",\"ip\":\"10.0.0.2\"}",
		  "params.spec.network: ip and ports are" },
	};
	static struct net_spec ns;
	char err[512];

	CU_ASSERT_EQUAL(decode("{\"mode\":\"netns\",\"netns\":"
			       "\"/run/netns/netns-1\",\"hostname\":\"h\"}",
			       &ns, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(ns.mode, NET_NETNS);
	CU_ASSERT_STRING_EQUAL(ns.netns, "/run/netns/netns-1");
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(decode(bad[i].in, &ns, err, sizeof(err)),
				-EINVAL);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)))
			fprintf(stderr, "\n%s: got \"%s\"\n", bad[i].in, err);
		CU_ASSERT(!strncmp(err, bad[i].err, strlen(bad[i].err)));
	}
	CU_ASSERT(!net_network_name_valid("netns"));
}

/* A netns pod's state line: its namespace, interface, prefix and gateway. */
static void test_netns_line(void)
{
	struct net_pod a = { .mode = NET_NETNS,
			     .ip = 0x0a630005,
			     .mac = { 0x6a, 0x16, 0x3e, 1, 2, 3 },
			     .ifname = "xp12345678",
			     .hostname = "web",
			     .netns = "/run/netns/netns-1",
			     .device = "eth0",
			     .prefix = 24,
			     .gateway = 0x0a630001 },
		       b;
	char line[NET_STATE_TEXT_MAX], vif[64];

	CU_ASSERT_EQUAL_FATAL(net_pod_format(&a, line, sizeof(line)), 0);
	CU_ASSERT_STRING_EQUAL(
		line,
		"netns ip=10.99.0.5 mac=6a:16:3e:01:02:03 if=xp12345678 prefix=24 gw=10.99.0.1 dev=eth0 ns=/run/netns/netns-1 host=web");
	CU_ASSERT_EQUAL_FATAL(net_pod_parse(line, &b), 0);
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	/* The guest's "ip" node: the namespace's prefix and gateway. */
	net_vif_ip(&a, vif, sizeof(vif));
	CU_ASSERT_STRING_EQUAL(vif, "10.99.0.5 255.255.255.0 10.99.0.1");
	CU_ASSERT_EQUAL(net_gateway(&a), 0x0a630001);
	CU_ASSERT_EQUAL(
		net_pod_parse("netns ip=10.0.0.2 if=x prefix=24 dev=eth0", &b),
		-EINVAL); /* no namespace */
	CU_ASSERT_EQUAL(
		net_pod_parse("netns ip=10.0.0.2 if=x prefix=24 dev=eth0 "
			      "ns=/n port=80:80",
			      &b),
		-EINVAL); /* ports are the owner's */
	CU_ASSERT_EQUAL(
		net_pod_parse("netns ip=10.0.0.2 if=x prefix=33 dev=eth0 "
			      "ns=/n",
			      &b),
		-EINVAL);
	CU_ASSERT_EQUAL(net_pod_parse("bridge ip=10.0.0.2 if=x ns=/n", &b),
			-EINVAL);
	CU_ASSERT(net_netns_path_valid("/proc/1/ns/net"));
	CU_ASSERT(!net_netns_path_valid("/run/netns/.."));
	CU_ASSERT(!net_netns_path_valid(""));
	CU_ASSERT(net_ifname_valid("eth0"));
	CU_ASSERT(!net_ifname_valid("a/b"));
	CU_ASSERT(!net_ifname_valid("0123456789abcdef"));
}

/* net_netns_read on what is not a network namespace, and on a new one
 * (loopback only: nothing to join). Needs root, as the daemon. */
static void test_netns_read(void)
{
	struct net_netns_if nif;
	char err[256], path[64];
	int pfd[2], ready[2], rc;
	pid_t pid;
	char c = 0;

	CU_ASSERT_EQUAL(net_netns_read("/etc/passwd", &nif, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "/etc/passwd: not a network namespace");
	CU_ASSERT_EQUAL(net_netns_read("/run/netns/no-such", &nif, err,
				       sizeof(err)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err, "network namespace /run/netns/no-such: "));
	if (geteuid() != 0 || pipe(pfd) < 0 || pipe(ready) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		close(pfd[1]);
		close(ready[0]);
		c = unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
		(void)!write(ready[1], &c, 1);
		(void)!read(pfd[0], &c,
			    1); /* hold it until the parent is done */
		_exit(0);
	}
	close(pfd[0]);
	close(ready[1]);
	CU_ASSERT_EQUAL(read(ready[0], &c, 1), 1);
	close(ready[0]);
	CU_ASSERT_EQUAL(c, 'y');
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	rc = net_netns_read(path, &nif, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err, "no interface but loopback has an IPv4 address"));
	close(pfd[1]);
	waitpid(pid, NULL, 0);
}

/* ---- a pod's boot rootfs ---- */

static size_t cpio_put(char *b, size_t off, const char *name, unsigned mode,
		       unsigned nlink, const char *data)
{
	size_t nlen = strlen(name) + 1, size = data ? strlen(data) : 0;

	off += (size_t)sprintf(
		b + off,
		"070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		7u, mode, 0u, 0u, nlink, 0u, size, 0u, 0u, 0u, 0u, nlen, 0u);
	memcpy(b + off, name, nlen);
	off = (off + nlen + 3) & ~(size_t)3;
	if (size)
		memcpy(b + off, data, size);
	return (off + size + 3) & ~(size_t)3;
}

/* An image's cpio: bin/, etc (what etc_mode says) and its hosts if asked, a
 * trailer and libarchive's zero padding. */
static void write_image(const char *path, unsigned etc_mode, bool hosts_dir)
{
	static char b[4096];
	size_t off = 0;
	int fd;

	memset(b, 0, sizeof(b));
	off = cpio_put(b, off, "bin", 040755, 2, NULL);
	if (etc_mode)
		off = cpio_put(b, off, "etc", etc_mode, 2,
			       etc_mode == 0120777 ? "private/etc" : NULL);
	if (etc_mode == 040700)
		off = cpio_put(b, off, "etc/hosts",
			       hosts_dir ? 040755 : 0100600, 1,
			       hosts_dir ? NULL : "1.2.3.4 old\n");
	off = cpio_put(b, off, "TRAILER!!!", 0, 1, NULL);
	off = (off + 511) & ~(size_t)511;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, b, off), (ssize_t)off);
	close(fd);
}

/* The entries of path as the guest reads them: "name:mode:data;" each. */
static void read_root(const char *path, char *out, size_t outsz)
{
	static char b[8192];
	struct cpio_reader r;
	struct cpio_entry e;
	const char *why;
	size_t off = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	out[0] = '\0';
	CU_ASSERT_FATAL(fd >= 0);
	n = read(fd, b, sizeof(b));
	close(fd);
	CU_ASSERT_FATAL(n > 0);
	cpio_init(&r, b, (size_t)n);
	while (cpio_next(&r, &e, &why) == 1)
		off += (size_t)snprintf(out + off, outsz - off, "%s:%o:%.*s;",
					e.name, (unsigned)e.mode, (int)e.size,
					(const char *)e.data);
	CU_ASSERT_EQUAL(r.done, 1); /* its trailer, and nothing after */
	CU_ASSERT_EQUAL(r.off % 4, 0);
}

static void test_root(void)
{
	const struct net_root_file f[] = {
		{ "etc/hosts", "10.88.0.2 web\n" },
		{ "etc/resolv.conf", "" },
	};
	char img[128], out[128], got[2048], err[256];
	struct stat sb;

	snprintf(img, sizeof(img), "%s/image.cpio", dir);
	snprintf(out, sizeof(out), "%s/root.cpio", dir);
	/* The image's etc/hosts stays in its file; the pod's comes later and wins. */
	write_image(img, 040700, false);
	CU_ASSERT_EQUAL(net_root_write(img, out, f, 2, err, sizeof(err)), 0);
	read_root(out, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "bin:40755:;etc:40700:;"
				    "etc/hosts:100600:1.2.3.4 old\n;"
				    "etc/hosts:100644:10.88.0.2 web\n;"
				    "etc/resolv.conf:100644:;");
	read_root(img, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "bin:40755:;etc:40700:;"
				    "etc/hosts:100600:1.2.3.4 old\n;");
	/* It exists already: refused, left alone. */
	CU_ASSERT_EQUAL(net_root_write(img, out, f, 2, err, sizeof(err)),
			-EEXIST);
	CU_ASSERT_EQUAL(unlink(out), 0);
	/* No etc/ in the image: one is made. */
	write_image(img, 0, false);
	CU_ASSERT_EQUAL(net_root_write(img, out, f, 1, err, sizeof(err)), 0);
	read_root(out, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "bin:40755:;etc:40755:;"
				    "etc/hosts:100644:10.88.0.2 web\n;");
	CU_ASSERT_EQUAL(unlink(out), 0);
	/* etc a symlink, etc/hosts a directory: refused, no file left. */
	write_image(img, 0120777, false);
	CU_ASSERT_EQUAL(net_root_write(img, out, f, 2, err, sizeof(err)),
			-ENOTDIR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/etc is not a directory"));
	CU_ASSERT(stat(out, &sb) < 0 && errno == ENOENT);
	write_image(img, 040700, true);
	CU_ASSERT_EQUAL(net_root_write(img, out, f, 2, err, sizeof(err)),
			-EISDIR);
	CU_ASSERT_STRING_EQUAL(err, "the image's /etc/hosts is a directory");
	CU_ASSERT(stat(out, &sb) < 0 && errno == ENOENT);
	/* Not an archive; no image. */
	CU_ASSERT_EQUAL(truncate(img, 3), 0);
	CU_ASSERT_EQUAL(net_root_write(img, out, f, 2, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT(stat(out, &sb) < 0 && errno == ENOENT);
	unlink(img);
	CU_ASSERT_EQUAL(net_root_write(img, out, f, 2, err, sizeof(err)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "image.cpio"));
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;
	char cmd[128];

	log_init("test", true, LOG_LEVEL_ERR);
	snprintf(dir, sizeof(dir), "/tmp/test_netd.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("netd", NULL, NULL);
	CU_add_test(s, "port_parse", test_port_parse);
	CU_add_test(s, "addr_parse", test_addr_parse);
	CU_add_test(s, "pod_line", test_pod_line);
	CU_add_test(s, "ipam", test_ipam);
	CU_add_test(s, "rules", test_rules);
	CU_add_test(s, "stable_ids", test_stable_ids);
	CU_add_test(s, "rules_networks", test_rules_networks);
	CU_add_test(s, "networks", test_networks);
	CU_add_test(s, "dns_parse", test_dns_parse);
	CU_add_test(s, "resolv", test_resolv);
	CU_add_test(s, "hosts", test_hosts);
	CU_add_test(s, "rpc_dns", test_rpc_dns);
	CU_add_test(s, "rpc_netns", test_rpc_netns);
	CU_add_test(s, "netns_line", test_netns_line);
	CU_add_test(s, "netns_read", test_netns_read);
	CU_add_test(s, "port_bindable", test_port_bindable);
	CU_add_test(s, "root", test_root);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fails++;
	return fails ? 1 : 0;
}
