/* SPDX-License-Identifier: MIT */
/* test_netd: dom0's network pieces: docker's -p parser, a pod's network line, the address allocator, the ruleset text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "log.h"
#include "net.h"

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
	struct net_config c = { .enabled = true,
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
	n = net_rules_text(&c, &p, 1, buf, sizeof(buf));
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
	n = net_rules_text(&c, NULL, 0, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_PTR_NULL(strstr(buf, "dnat to"));
	CU_ASSERT_PTR_NULL(strstr(buf, "ether saddr"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "iifname \"xp*\" drop"));
	CU_ASSERT_EQUAL(net_rules_text(&c, &p, 1, buf, 100), -ENOSPC);
	CU_ASSERT(net_rules_flush_text(buf, sizeof(buf)) > 0);
	CU_ASSERT_PTR_NULL(strstr(buf, "chain"));
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
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fails++;
	return fails ? 1 : 0;
}
