/* SPDX-License-Identifier: MIT */
/* test_oci: xenpod-oci's config.json mapping over sample bundles (real and hostile), state files, ids and paths. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "json.h"
#include "oci/bundle.h"
#include "oci/hooks.h"
#include "oci/oci.h"

struct oci oci; /* state.c's --root */
static char last_err[2048];

void oci_log(const char *level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(last_err, sizeof(last_err), fmt, ap);
	va_end(ap);
}

static char *slurp(const char *name, size_t *len)
{
	char path[4096];
	struct stat st;
	char *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", OCI_TEST_DATA, name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	if (buf && read(fd, buf, (size_t)st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	if (buf)
		buf[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return buf;
}

/* Parse a sample; returns its rc, err filled. */
static int parse(const char *name, struct oci_config *c, char *err,
		 size_t errsz)
{
	size_t len = 0;
	char *text = slurp(name, &len);
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	err[0] = '\0';
	rc = oci_config_parse(text, len, "/bundle", c, err, errsz);
	free(text);
	return rc;
}

static void test_podman(void)
{
	struct oci_config c;
	char err[512], *params;
	struct json *j;
	const struct json *spec;
	size_t i, binds = 0;

	CU_ASSERT_EQUAL_FATAL(parse("podman.json", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.process.n_args, 2);
	CU_ASSERT_STRING_EQUAL(c.process.args[0], "/bin/echo");
	CU_ASSERT_PTR_NULL(c.process.args[2]);
	CU_ASSERT_EQUAL(c.process.n_env, 4);
	CU_ASSERT_STRING_EQUAL(c.process.cwd, "/");
	CU_ASSERT(!c.process.terminal);
	CU_ASSERT_STRING_EQUAL(
		c.root_path, "/var/lib/containers/storage/overlay/abc/merged");
	CU_ASSERT_STRING_EQUAL(c.hostname, "3f2c1a");
	CU_ASSERT_EQUAL(c.memory_mib, 256);
	CU_ASSERT_EQUAL(c.vcpus, 0);
	CU_ASSERT_EQUAL(c.n_mounts, 11);
	for (i = 0; i < c.n_mounts; i++)
		if (c.mounts[i].kind == OCI_MOUNT_BIND)
			binds++;
	/* resolv.conf, hosts, .containerenv, hostname; /dev/shm is the guest's. */
	CU_ASSERT_EQUAL(binds, 4);
	/* podman's network namespace is joined */
	CU_ASSERT_EQUAL(c.net, OCI_NET_JOIN);
	CU_ASSERT_STRING_EQUAL(c.netns, "/run/netns/netns-1");
	CU_ASSERT_PTR_NULL(strstr(c.ignored, "linux.namespaces"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "linux.seccomp"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "process.capabilities"));
	/* rlimits are the pod's (NOFILE above the guest's table is lowered
	 * by the guest, not here) */
	CU_ASSERT_PTR_NULL(strstr(c.ignored, "process.rlimits"));
	CU_ASSERT_EQUAL_FATAL(c.process.n_rlimits, 2);
	CU_ASSERT_EQUAL(c.process.rlimits[0].res, 7);
	CU_ASSERT_EQUAL(c.process.rlimits[0].soft, 1048576);
	CU_ASSERT_EQUAL(c.process.rlimits[1].res, 6);
	CU_ASSERT_EQUAL(c.process.rlimits[1].hard, 4194304);
	CU_ASSERT_PTR_NULL(strstr(c.ignored, "hostname"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "linux.resources.pids"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.annotations, "io.container.manager"));
	params = oci_config_pod_params(&c, "abc");
	CU_ASSERT_PTR_NOT_NULL_FATAL(params);
	j = json_parse(params, strlen(params), err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	spec = json_get(j, "spec");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(spec, "name")), "abc");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(spec, "image")), c.root_path);
	CU_ASSERT_EQUAL(json_len(json_get(spec, "command")), 2);
	CU_ASSERT_EQUAL(json_len(json_get(spec, "env")), 4);
	CU_ASSERT_PTR_NULL(json_get(spec, "vcpus"));
	/* process.rlimits as the spec's, which the daemon reads back */
	{
		struct rlimit_arg r[XP_RLIMITS_MAX];
		size_t n = 0;

		CU_ASSERT_EQUAL(rlimit_decode(json_get(spec, "rlimits"),
					      "spec.rlimits", r, &n, err,
					      sizeof(err)),
				0);
		CU_ASSERT_EQUAL(n, 2);
		CU_ASSERT_EQUAL(r[0].res, 7);
		CU_ASSERT_EQUAL(r[0].soft, 1048576);
		CU_ASSERT_EQUAL(r[1].hard, 4194304);
	}
	/* process.user: uid 0, gid 0 and podman's 11 additionalGids */
	CU_ASSERT_STRING_EQUAL(json_str(json_get(spec, "user")), "0:0");
	CU_ASSERT_EQUAL(json_len(json_get(spec, "groups")), 11);
	CU_ASSERT_STRING_EQUAL(json_str(json_at(json_get(spec, "groups"), 10)),
			       "27");
	/* config.json's hostname is the pod's, in podman's namespace */
	CU_ASSERT_STRING_EQUAL(
		json_str(json_get(json_get(spec, "network"), "hostname")),
		"3f2c1a");
	CU_ASSERT_STRING_EQUAL(
		json_str(json_get(json_get(spec, "network"), "mode")), "netns");
	CU_ASSERT_STRING_EQUAL(
		json_str(json_get(json_get(spec, "network"), "netns")),
		"/run/netns/netns-1");
	{
		int64_t m = 0;
		bool b = false;

		CU_ASSERT(json_int(json_get(spec, "memory_mib"), &m) &&
			  m == 256);
		CU_ASSERT(json_bool(json_get(spec, "stdin"), &b) && b);
		CU_ASSERT(json_bool(json_get(spec, "tty"), &b) && !b);
	}
	json_free(j);
	free(params);
	oci_config_free(&c);
}

static void test_containerd(void)
{
	struct oci_config c;
	char err[512];

	CU_ASSERT_EQUAL_FATAL(parse("containerd.json", &c, err, sizeof(err)),
			      0);
	CU_ASSERT(c.process.terminal);
	CU_ASSERT_STRING_EQUAL(c.process.cwd, "/work");
	CU_ASSERT_STRING_EQUAL(c.root_path, "/bundle/rootfs");
	CU_ASSERT_EQUAL(c.vcpus, 2); /* 1.5 CPUs, rounded up */
	CU_ASSERT_EQUAL(c.memory_mib, 0);
	CU_ASSERT_STRING_EQUAL(c.annotations, "{}");
	CU_ASSERT_PTR_NULL(strstr(c.ignored, "hostname"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "process.consoleSize"));
	/* /run's tmpfs is the spec's (size=65536k, mode=755); /dev's is the
	 * guest's own */
	{
		char *params = oci_config_pod_params(&c, "cd");
		const struct json *t;
		struct json *j;

		CU_ASSERT_PTR_NOT_NULL_FATAL(params);
		j = json_parse(params, strlen(params), err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(j);
		t = json_get(json_get(j, "spec"), "tmpfs");
		CU_ASSERT_EQUAL(json_len(t), 1);
		CU_ASSERT_STRING_EQUAL(
			json_str(json_get(json_at(t, 0), "path")), "/run");
		CU_ASSERT_PTR_NOT_NULL(
			strstr(params, "\"tmpfs\":[{\"path\":\"/run\",\"size\":"
				       "67108864,\"mode\":493}]"));
		CU_ASSERT_PTR_NULL(json_get(json_get(j, "spec"), "read_only"));
		json_free(j);
		free(params);
	}
	oci_config_free(&c);
}

/* A non-root process.user becomes the pod's "user" and "groups". */
static void test_user(void)
{
	struct oci_config c;
	char err[512], *params;
	struct json *j;
	const struct json *spec, *g;

	CU_ASSERT_EQUAL_FATAL(parse("user.json", &c, err, sizeof(err)), 0);
	CU_ASSERT(c.process.has_user);
	CU_ASSERT_EQUAL(c.process.uid, 1000);
	CU_ASSERT_EQUAL(c.process.gid, 1001);
	CU_ASSERT_EQUAL(c.process.n_gids, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "process.user.umask"));
	params = oci_config_pod_params(&c, "u");
	CU_ASSERT_PTR_NOT_NULL_FATAL(params);
	j = json_parse(params, strlen(params), err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	spec = json_get(j, "spec");
	g = json_get(spec, "groups");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(spec, "user")), "1000:1001");
	CU_ASSERT_EQUAL_FATAL(json_len(g), 2);
	CU_ASSERT_STRING_EQUAL(json_str(json_at(g, 0)), "27");
	CU_ASSERT_STRING_EQUAL(json_str(json_at(g, 1)), "2147483647");
	json_free(j);
	free(params);
	oci_config_free(&c);
}

static void test_annotations(void)
{
	struct oci_config c;
	char err[512];

	CU_ASSERT_EQUAL_FATAL(parse("ann.json", &c, err, sizeof(err)), 0);
	/* The annotation wins over linux.resources. */
	CU_ASSERT_EQUAL(c.memory_mib, 128);
	CU_ASSERT_EQUAL(c.vcpus, 2);
	CU_ASSERT_STRING_EQUAL(c.root_path, "/abs/root");
	CU_ASSERT_PTR_NOT_NULL(strstr(c.annotations, "\"k\":\"v \\\"q\\\"\""));
	oci_config_free(&c);
}

/* No network namespace: the host's, which a VM cannot share; the pod has
 * loopback only (no vif, no /etc files of the daemon's). */
static void test_netns_host(void)
{
	struct oci_config c;
	struct json *j;
	char err[512], *params;
	const struct json *net;

	CU_ASSERT_EQUAL_FATAL(parse("netns-host.json", &c, err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(c.net, OCI_NET_HOST);
	params = oci_config_pod_params(&c, "h");
	CU_ASSERT_PTR_NOT_NULL_FATAL(params);
	j = json_parse(params, strlen(params), err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	net = json_get(json_get(j, "spec"), "network");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(net, "mode")), "none");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(net, "hostname")), "h1");
	CU_ASSERT_PTR_NULL(json_get(net, "netns"));
	json_free(j);
	free(params);
	oci_config_free(&c);
}

static void test_hostile(void)
{
	static const struct {
		const char *file, *want;
	} cases[] = {
		{ "bad-uid.json",
		  "process.user.uid: expected an integer 0..2147483647" },
		{ "bad-gids.json", "process.user.additionalGids[1]: expected" },
		{ "bad-args.json", "process.args: expected a non-empty" },
		{ "bad-args-type.json", "process.args[1]: expected a string" },
		{ "bad-env.json", "process.env[0]: expected KEY=VALUE" },
		{ "bad-cwd.json", "process.cwd: expected an absolute path" },
		{ "bad-version.json", "ociVersion: expected" },
		{ "bad-noroot.json", "root: required" },
		{ "bad-mount-type.json", "mounts[0]: nfs on /data: only bind" },
		{ "bad-mount-dest.json", "mounts[0].destination: expected a "
					 "normalised" },
		{ "bad-mount-src.json", "mounts[0].source: a bind mount" },
		{ "bad-hooks.json",
		  "hooks.prestart[0].path: expected an absolute path" },
		{ "bad-hook-timeout.json",
		  "hooks.poststop[1].timeout: expected seconds 1..86400" },
		{ "bad-memory.json",
		  "linux.resources.memory.limit: less than" },
		{ "bad-memory-huge.json", "linux.resources.memory.limit: "
					  "9223372036854775807 bytes" },
		{ "bad-cpu.json", "linux.resources.cpu: 100000 CPUs" },
		{ "bad-cpu-period.json", "linux.resources.cpu.period" },
		{ "bad-ann.json", "annotations.org.xenpod.vcpus: expected a "
				  "number 1..64" },
		{ "bad-ann-type.json", "annotations.a: expected a string" },
		{ "bad-dup.json", "not valid JSON" },
		{ "bad-array.json", "expected a JSON object" },
		{ "bad-deep.json", "not valid JSON" },
		{ "bad-terminal.json", "process.terminal: expected true" },
		{ "bad-netns-path.json",
		  "linux.namespaces[0].path: run/netns/x: expected an absolute "
		  "path" },
		{ "bad-netns-twice.json",
		  "linux.namespaces[1]: a second network namespace" },
		{ "bad-netns-type.json", "linux.namespaces[1]: expected an "
					 "object with a string \"type\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct oci_config c;
		char err[512];
		int rc = parse(cases[i].file, &c, err, sizeof(err));

		if (rc != -EINVAL || !strstr(err, cases[i].want) ||
		    strchr(err, '\n'))
			fprintf(stderr, "\n%s: rc %d, err '%s', want '%s'\n",
				cases[i].file, rc, err, cases[i].want);
		CU_ASSERT_EQUAL(rc, -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].want));
		/* Nothing is left allocated (ASan's leak check says so). */
		CU_ASSERT_PTR_NULL(c.root_path);
	}
}

/* Set which binds are directories, check them, return the spec's mounts. */
static struct json *bind_spec(struct oci_config *c, const char *dirs, char *err,
			      size_t errsz, int *rc)
{
	char *params;
	struct json *j;

	for (size_t i = 0; i < c->n_mounts; i++)
		c->mounts[i].dir = dirs[i] == 'd';
	*rc = oci_config_check_mounts(c, err, errsz);
	if (*rc)
		return NULL;
	params = oci_config_pod_params(c, "b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(params);
	j = json_parse(params, strlen(params), err, errsz);
	free(params);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	return j;
}

/* Directory bind mounts become the pod's host-directory volumes (spec
 * "mounts", as run -v writes them); "ro" from the options, the last of
 * ro/rw winning; file binds stay copies. */
static void test_binds(void)
{
	struct oci_config c;
	char err[512];
	const struct json *m;
	struct json *j;
	bool b = false;
	int rc;

	CU_ASSERT_EQUAL_FATAL(parse("binds.json", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(c.n_mounts, 5);
	CU_ASSERT_EQUAL(c.mounts[0].kind, OCI_MOUNT_GUEST);
	CU_ASSERT_EQUAL(c.mounts[1].kind, OCI_MOUNT_BIND);
	CU_ASSERT(!c.mounts[1].read_only);
	CU_ASSERT(c.mounts[2].read_only);
	CU_ASSERT(c.mounts[3].read_only);
	CU_ASSERT(!c.mounts[4].read_only);
	j = bind_spec(&c, "-d-dd", err, sizeof(err), &rc);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	m = json_get(json_get(j, "spec"), "mounts");
	CU_ASSERT_EQUAL_FATAL(json_len(m), 3);
	CU_ASSERT_STRING_EQUAL(json_str(json_get(json_at(m, 0), "source")),
			       "/srv/data");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(json_at(m, 0), "destination")),
			       "/data");
	CU_ASSERT_PTR_NULL(json_get(json_at(m, 0), "read_only"));
	CU_ASSERT_STRING_EQUAL(json_str(json_get(json_at(m, 1), "destination")),
			       "/src");
	CU_ASSERT(json_bool(json_get(json_at(m, 1), "read_only"), &b) && b);
	CU_ASSERT_PTR_NULL(json_get(json_at(m, 2), "read_only"));
	json_free(j);
	/* No directory: no mounts key at all (the daemon's default). */
	j = bind_spec(&c, "-----", err, sizeof(err), &rc);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_PTR_NULL(json_get(json_get(j, "spec"), "mounts"));
	json_free(j);
	/* A file bind under a directory one would be hidden: refused. */
	free(c.mounts[2].destination);
	c.mounts[2].destination = strdup("/data/hosts");
	CU_ASSERT_PTR_NULL(bind_spec(&c, "-d-dd", err, sizeof(err), &rc));
	CU_ASSERT_EQUAL(rc, -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "mounts[2]: the file bind on "
					   "/data/hosts is inside the "
					   "directory bind mount mounts[1]"));
	/* Two directory binds that nest. */
	free(c.mounts[3].destination);
	c.mounts[3].destination = strdup("/data/sub");
	CU_ASSERT_PTR_NULL(bind_spec(&c, "-d-dd", err, sizeof(err), &rc));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "mounts[3]: /data/sub: overlaps "
					   "the directory bind mount "
					   "mounts[1] on /data"));
	oci_config_free(&c);
}

/* The daemon's limits on volumes: 8, a 255-byte mount point. */
static void test_bind_limits(void)
{
	char text[8192], err[512], dirs[16];
	struct oci_config c;
	size_t n;
	int rc;

	n = (size_t)snprintf(text, sizeof(text),
			     "{\"ociVersion\":\"1.0.0\",\"process\":{"
			     "\"args\":[\"/bin/sh\"]},\"root\":{\"path\":"
			     "\"r\"},\"mounts\":[");
	for (int i = 0; i < 9; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "%s{\"destination\":\"/v%d\",\"type\":"
				      "\"bind\",\"source\":\"/s%d\"}",
				      i ? "," : "", i, i);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "]}");
	CU_ASSERT_EQUAL_FATAL(
		oci_config_parse(text, n, "/b", &c, err, sizeof(err)), 0);
	memset(dirs, 'd', 9);
	CU_ASSERT_PTR_NULL(bind_spec(&c, dirs, err, sizeof(err), &rc));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "mounts[8]: /v8: more than 8 "
					   "directory bind mounts"));
	dirs[8] = '-'; /* a file: copied, not a volume */
	json_free(bind_spec(&c, dirs, err, sizeof(err), &rc));
	CU_ASSERT_EQUAL(rc, 0);
	dirs[0] = '-';
	free(c.mounts[1].destination);
	c.mounts[1].destination = malloc(300);
	memset(c.mounts[1].destination, 'a', 299);
	c.mounts[1].destination[0] = '/';
	c.mounts[1].destination[299] = '\0';
	CU_ASSERT_PTR_NULL(bind_spec(&c, dirs, err, sizeof(err), &rc));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "mounts[1]: /s1 on /aaa"));
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
	oci_config_free(&c);
}

/* The runtime spec's example hooks: all six kinds, in order, kept; the
 * poststart/poststop text for the state directory parses back. */
static void test_hooks_parse(void)
{
	struct oci_config c;
	struct oci_hooks h;
	const struct oci_hooks *ch = &c.hooks;
	char err[512], *text;

	CU_ASSERT_EQUAL_FATAL(parse("hooks.json", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ch->n[OCI_HOOK_PRESTART], 2);
	CU_ASSERT_EQUAL(ch->n[OCI_HOOK_CREATE_RUNTIME], 1);
	CU_ASSERT_EQUAL(ch->n[OCI_HOOK_CREATE_CONTAINER], 1);
	CU_ASSERT_EQUAL(ch->n[OCI_HOOK_START_CONTAINER], 1);
	CU_ASSERT_EQUAL(ch->n[OCI_HOOK_POSTSTART], 1);
	CU_ASSERT_EQUAL(ch->n[OCI_HOOK_POSTSTOP], 1);
	CU_ASSERT_STRING_EQUAL(ch->h[OCI_HOOK_PRESTART][0].path,
			       "/usr/bin/fix-mounts");
	CU_ASSERT_STRING_EQUAL(ch->h[OCI_HOOK_PRESTART][0].args[2], "arg2");
	CU_ASSERT_PTR_NULL(ch->h[OCI_HOOK_PRESTART][0].args[3]);
	CU_ASSERT_STRING_EQUAL(ch->h[OCI_HOOK_PRESTART][0].env[0],
			       "key1=value1");
	CU_ASSERT_PTR_NULL(ch->h[OCI_HOOK_PRESTART][1].args);
	CU_ASSERT_PTR_NULL(ch->h[OCI_HOOK_PRESTART][1].env);
	CU_ASSERT_EQUAL(ch->h[OCI_HOOK_CREATE_RUNTIME][0].timeout, 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "hooks.futureHook"));
	CU_ASSERT_STRING_EQUAL(oci_hook_name(OCI_HOOK_CREATE_RUNTIME),
			       "createRuntime");
	text = oci_hooks_text(ch, 1u << OCI_HOOK_POSTSTART |
					  1u << OCI_HOOK_POSTSTOP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(
		text, "{\"poststart\":[{\"path\":\"/usr/bin/notify-start\","
		      "\"timeout\":5}],\"poststop\":[{\"path\":\"/usr/sbin/"
		      "cleanup.sh\",\"args\":[\"cleanup.sh\",\"-f\"]}]}");
	CU_ASSERT_EQUAL_FATAL(
		oci_hooks_parse(text, strlen(text), &h, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(h.n[OCI_HOOK_PRESTART], 0);
	CU_ASSERT_EQUAL(h.n[OCI_HOOK_POSTSTART], 1);
	CU_ASSERT_EQUAL(h.h[OCI_HOOK_POSTSTART][0].timeout, 5);
	CU_ASSERT_STRING_EQUAL(h.h[OCI_HOOK_POSTSTOP][0].args[1], "-f");
	oci_hooks_free(&h);
	free(text);
	/* A hook half parsed is freed (ASan says so). */
	text = strdup("{\"poststop\":[{\"path\":\"/a\",\"args\":[1]}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(oci_hooks_parse(text, strlen(text), &h, err,
					sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "hooks.poststop[0].args[0]: "
					   "expected a string"));
	free(text);
	oci_config_free(&c);
}

static char *slurp_path(const char *path)
{
	char *buf = calloc(1, 4096);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, 4095);

	if (fd >= 0)
		close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Hooks run for real: args, env, the state on stdin, the status, the
 * timeout, a program that cannot run. */
static void test_hooks_run(void)
{
	char dir[] = "/tmp/test_oci_hooks.XXXXXX", out[256], script[512];
	char err[512], *got;
	char a0[] = "sh", a1[] = "-c", e0[] = "HOOK_VAR=v1", sh[] = "/bin/sh";
	char none[] = "/nonexistent/hook";
	char *args[] = { a0, a1, script, a0, out, NULL };
	char *env[] = { e0, NULL };
	struct oci_hook hk = { .path = sh, .args = args, .env = env };
	struct oci_hooks h = { 0 };
	struct oci_hook two[2];
	const char *state = "{\"ociVersion\":\"1.1.0\",\"id\":\"c1\"}";

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(script, sizeof(script),
		 "{ echo \"$0 $HOOK_VAR\"; env | grep -c HOME; cat; } >\"$1\"");
	CU_ASSERT_EQUAL(oci_hook_run(&hk, "hooks.prestart[0]", state, err,
				     sizeof(err)),
			0);
	got = slurp_path(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	/* Only the hook's env: no HOME of ours leaks in. */
	CU_ASSERT_STRING_EQUAL(got, "sh v1\n0\n{\"ociVersion\":\"1.1.0\","
				    "\"id\":\"c1\"}");
	free(got);
	snprintf(script, sizeof(script), "exit 3");
	CU_ASSERT_EQUAL(oci_hook_run(&hk, "hooks.prestart[1]", state, err,
				     sizeof(err)),
			-1);
	CU_ASSERT_STRING_EQUAL(err, "hooks.prestart[1]: /bin/sh: exited 3");
	snprintf(script, sizeof(script), "kill -USR1 $$");
	CU_ASSERT_EQUAL(oci_hook_run(&hk, "x", state, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "x: /bin/sh: killed by signal 10");
	/* It neither reads stdin nor ends: killed at its timeout. */
	snprintf(script, sizeof(script), "exec sleep 30");
	hk.timeout = 1;
	CU_ASSERT_EQUAL(oci_hook_run(&hk, "hooks.poststop[0]", state, err,
				     sizeof(err)),
			-1);
	CU_ASSERT_STRING_EQUAL(
		err, "hooks.poststop[0]: /bin/sh: timed out after 1 s");
	hk.timeout = 0;
	hk.path = none;
	CU_ASSERT_EQUAL(oci_hook_run(&hk, "y", state, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(
		err, "y: /nonexistent/hook: No such file or directory");
	/* In order; the first failure stops a fatal kind, not the others. */
	two[0] = hk;
	two[1] = (struct oci_hook){ .path = sh, .args = args };
	snprintf(script, sizeof(script), "echo ran >\"$1\"");
	h.h[OCI_HOOK_CREATE_RUNTIME] = two;
	h.n[OCI_HOOK_CREATE_RUNTIME] = 2;
	unlink(out);
	CU_ASSERT_EQUAL(oci_hooks_run(&h, OCI_HOOK_CREATE_RUNTIME, state, false,
				      NULL, err, sizeof(err)),
			-1);
	CU_ASSERT_STRING_EQUAL(err, "hooks.createRuntime[0]: "
				    "/nonexistent/hook: No such file or "
				    "directory");
	CU_ASSERT_EQUAL(access(out, F_OK), -1);
	CU_ASSERT_EQUAL(oci_hooks_run(&h, OCI_HOOK_CREATE_RUNTIME, state, true,
				      NULL, err, sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(access(out, F_OK), 0);
	unlink(out);
	rmdir(dir);
}

/* process.rlimits: types, values (above INT64_MAX: unlimited), order. */
static void test_rlimits(void)
{
	static const struct {
		const char *rl, *want;
	} bad[] = {
		{ "{}", "process.rlimits: expected an array" },
		{ "[{\"type\":\"NOFILE\",\"soft\":1,\"hard\":1}]",
		  "process.rlimits[0].type: expected RLIMIT_CPU" },
		{ "[{\"type\":\"RLIMIT_NOFILE\",\"soft\":-1,\"hard\":1}]",
		  "process.rlimits[0]: soft and hard: expected integers" },
		{ "[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1}]",
		  "process.rlimits[0]: soft and hard" },
		{ "[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2,\"hard\":1}]",
		  "process.rlimits[0]: the soft limit is above the hard one" },
		{ "[{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":0},"
		  "{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":0}]",
		  "process.rlimits[1]: RLIMIT_CORE given twice" },
	};
	char text[1024], err[512], *params;
	struct oci_config c;
	struct json *j;
	const struct json *r;
	int64_t v = 0;
	int n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = snprintf(text, sizeof(text),
			     "{\"ociVersion\":\"1.0.0\",\"process\":{\"args\":"
			     "[\"/x\"],\"rlimits\":%s},\"root\":{\"path\":"
			     "\"r\"}}",
			     bad[i].rl);
		CU_ASSERT_EQUAL(oci_config_parse(text, (size_t)n, "/b", &c, err,
						 sizeof(err)),
				-EINVAL);
		if (!strstr(err, bad[i].want))
			fprintf(stderr, "\nrlimits %s: '%s'\n", bad[i].rl, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].want));
	}
	n = snprintf(text, sizeof(text),
		     "{\"ociVersion\":\"1.0.0\",\"process\":{\"args\":[\"/x\"],"
		     "\"rlimits\":[{\"type\":\"RLIMIT_STACK\",\"soft\":"
		     "1048576,\"hard\":18446744073709551615}]},\"root\":{"
		     "\"path\":\"r\"}}");
	CU_ASSERT_EQUAL_FATAL(oci_config_parse(text, (size_t)n, "/b", &c, err,
					       sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(c.process.rlimits[0].hard, XP_RLIM_INFINITY);
	params = oci_config_pod_params(&c, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(params);
	j = json_parse(params, strlen(params), err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	r = json_at(json_get(json_get(j, "spec"), "rlimits"), 0);
	CU_ASSERT_STRING_EQUAL(json_str(json_get(r, "type")), "RLIMIT_STACK");
	CU_ASSERT(json_int(json_get(r, "soft"), &v) && v == 1048576);
	CU_ASSERT(json_int(json_get(r, "hard"), &v) && v == -1);
	json_free(j);
	free(params);
	oci_config_free(&c);
}

/* tmpfs mounts outside the guest's own and root.readonly: the spec's
 * "tmpfs" and "read_only" (the daemon takes them with the tmpfs work). */
static void test_tmpfs_readonly(void)
{
	static const struct {
		const char *mount, *want;
	} bad[] = {
		{ "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":"
		  "[\"size=50%\"]}",
		  "mounts[0]: tmpfs size=50%: expected bytes" },
		{ "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":"
		  "[\"size=0\"]}",
		  "mounts[0]: tmpfs size=0: expected bytes" },
		{ "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":"
		  "[\"size=1t\"]}",
		  "tmpfs size=1t" },
		{ "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":"
		  "[\"mode=8\"]}",
		  "mounts[0]: tmpfs mode=8: expected an octal mode" },
		{ "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":"
		  "[\"mode=17777\"]}",
		  "tmpfs mode=17777" },
		{ "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":"
		  "[7]}",
		  "mounts[0].options[0]: expected a string" },
		{ "{\"destination\":\"/\",\"type\":\"tmpfs\"}",
		  "mounts[0]: tmpfs on /" },
	};
	char text[1024], err[512], *params;
	struct oci_config c;
	int n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = snprintf(text, sizeof(text),
			     "{\"ociVersion\":\"1.0.0\",\"process\":{\"args\":"
			     "[\"/x\"]},\"root\":{\"path\":\"r\"},\"mounts\":"
			     "[%s]}",
			     bad[i].mount);
		CU_ASSERT_EQUAL(oci_config_parse(text, (size_t)n, "/b", &c, err,
						 sizeof(err)),
				-EINVAL);
		if (!strstr(err, bad[i].want))
			fprintf(stderr, "\n%s: '%s'\n", bad[i].mount, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].want));
	}
	n = snprintf(
		text, sizeof(text),
		"{\"ociVersion\":\"1.0.0\",\"process\":{\"args\":[\"/x\"]},"
		"\"root\":{\"path\":\"r\",\"readonly\":true},\"mounts\":["
		"{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"options\":"
		"[\"rw\",\"nosuid\",\"size=2g\",\"mode=1777\",\"ro\"]},"
		"{\"destination\":\"/var/tmp\",\"type\":\"tmpfs\",\"source\":"
		"\"tmpfs\"},"
		"{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"options\":"
		"[\"size=64m\"]}]}");
	CU_ASSERT_EQUAL_FATAL(oci_config_parse(text, (size_t)n, "/b", &c, err,
					       sizeof(err)),
			      0);
	CU_ASSERT(c.read_only);
	CU_ASSERT_EQUAL(c.mounts[0].kind, OCI_MOUNT_TMPFS);
	CU_ASSERT_EQUAL(c.mounts[2].kind, OCI_MOUNT_GUEST);
	params = oci_config_pod_params(&c, "t");
	CU_ASSERT_PTR_NOT_NULL_FATAL(params);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		params, "\"tmpfs\":[{\"path\":\"/tmp\",\"size\":2147483648,"
			"\"mode\":1023,\"ro\":true},{\"path\":\"/var/tmp\"}],"
			"\"read_only\":true,"));
	free(params);
	oci_config_free(&c);
}

static void test_limits(void)
{
	struct oci_config c;
	char err[256];
	char *big = malloc(OCI_CONFIG_MAX + 2);

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, ' ', OCI_CONFIG_MAX + 1);
	big[OCI_CONFIG_MAX + 1] = '\0';
	CU_ASSERT_EQUAL(oci_config_parse(big, OCI_CONFIG_MAX + 1, "/b", &c, err,
					 sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "larger than"));
	free(big);
	CU_ASSERT_EQUAL(oci_config_parse("{}", 2, "rel", &c, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bundle path must be absolute"));
}

static void test_process(void)
{
	struct oci_process p;
	char err[256];
	size_t len = 0;
	char *text = slurp("process.json", &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(oci_process_parse(text, len, &p, err, sizeof(err)), 0);
	CU_ASSERT(p.terminal);
	CU_ASSERT_EQUAL(p.n_args, 3);
	CU_ASSERT_STRING_EQUAL(p.args[2], "id");
	CU_ASSERT_STRING_EQUAL(p.cwd, "/tmp");
	CU_ASSERT_STRING_EQUAL(p.env[0], "A=1");
	oci_process_free(&p);
	free(text);
	CU_ASSERT_EQUAL(oci_process_parse("{\"args\":[\"\"]}", 13, &p, err,
					  sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "process.args[0]: must not be"));
}

static void test_paths(void)
{
	CU_ASSERT(oci_path_clean("/"));
	CU_ASSERT(oci_path_clean("/etc/hosts"));
	CU_ASSERT(oci_path_clean("/a/.b/c.."));
	CU_ASSERT(!oci_path_clean(NULL));
	CU_ASSERT(!oci_path_clean(""));
	CU_ASSERT(!oci_path_clean("etc"));
	CU_ASSERT(!oci_path_clean("/etc/"));
	CU_ASSERT(!oci_path_clean("//etc"));
	CU_ASSERT(!oci_path_clean("/etc/./x"));
	CU_ASSERT(!oci_path_clean("/etc/.."));
	CU_ASSERT(!oci_path_clean("/../etc"));
}

static void test_ids(void)
{
	char id64[65];

	memset(id64, 'a', 64);
	id64[64] = '\0';
	CU_ASSERT(oci_id_valid("c1"));
	CU_ASSERT(oci_id_valid(id64)); /* podman's 64 hex digits */
	CU_ASSERT(!oci_id_valid("../x"));
	CU_ASSERT(!oci_id_valid(""));
	CU_ASSERT(!oci_id_valid("a/b"));
	id64[0] = '-';
	CU_ASSERT(!oci_id_valid(id64));
	CU_ASSERT(oci_status("created") &&
		  !strcmp(oci_status("created"), "created"));
	CU_ASSERT_STRING_EQUAL(oci_status("creating"), "created");
	CU_ASSERT_STRING_EQUAL(oci_status("running"), "running");
	CU_ASSERT_STRING_EQUAL(oci_status("failed"), "stopped");
	CU_ASSERT_STRING_EQUAL(oci_status(NULL), "stopped");
}

static void test_state_files(void)
{
	char dir[] = "/tmp/test_oci.XXXXXX", path[4200], err[256], *text;
	struct oci_state s = { .pid = 1234, .pid_start = 99 }, t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	oci.root = dir;
	snprintf(s.id, sizeof(s.id), "c1");
	snprintf(s.bundle, sizeof(s.bundle), "/b \"q\"");
	snprintf(s.rootfs, sizeof(s.rootfs), "/b/rootfs");
	oci_now(s.created, sizeof(s.created));
	s.annotations = (char *)"{\"a\":\"b\"}";
	CU_ASSERT_EQUAL(oci_path(path, sizeof(path), "c1", NULL), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0700), 0);
	CU_ASSERT_EQUAL(oci_state_save(&s), 0);
	CU_ASSERT_EQUAL_FATAL(oci_state_load("c1", &t), 0);
	CU_ASSERT_STRING_EQUAL(t.bundle, "/b \"q\"");
	CU_ASSERT_EQUAL(t.pid, 1234);
	CU_ASSERT_EQUAL(t.pid_start, 99);
	CU_ASSERT_STRING_EQUAL(t.annotations, "{\"a\":\"b\"}");
	CU_ASSERT_STRING_EQUAL(t.created, s.created);
	oci_state_free(&t);
	/* No temporary file is left beside it. */
	CU_ASSERT_EQUAL(oci_path(path, sizeof(path), "c1", "state.json.tmp"),
			0);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	/* Missing, and hostile ids. */
	CU_ASSERT_EQUAL(oci_state_load("c2", &t), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_err, "container c2 does not exist"));
	CU_ASSERT_EQUAL(oci_state_load("../c1", &t), -ENOENT);
	/* A state file naming another id is refused. */
	text = oci_state_text(&s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(
		oci_state_parse(text, strlen(text), &t, err, sizeof(err)), 0);
	oci_state_free(&t);
	CU_ASSERT_EQUAL(oci_state_parse("{\"id\":\"x\"}", 10, &t, err,
					sizeof(err)),
			-EINVAL);
	{
		const char *bad = "{\"id\":\"../x\",\"bundle\":\"/b\"}";

		CU_ASSERT_EQUAL(oci_state_parse(bad, strlen(bad), &t, err,
						sizeof(err)),
				-EINVAL);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "id: not a valid"));
	free(text);
	/* Our own process is alive with its start time; pid 0 never is. */
	s.pid = getpid();
	s.pid_start = oci_proc_start(getpid());
	CU_ASSERT(s.pid_start > 0);
	CU_ASSERT(oci_holder_alive(&s));
	s.pid_start++;
	CU_ASSERT(!oci_holder_alive(&s));
	CU_ASSERT_EQUAL(oci_proc_start(0), 0);
	CU_ASSERT_EQUAL(oci_path(path, sizeof(path), "c1", "state.json"), 0);
	unlink(path);
	CU_ASSERT_EQUAL(oci_path(path, sizeof(path), "c1", NULL), 0);
	rmdir(path);
	rmdir(dir);
}

/* Every config.json of the corpus that podman 4.3 and containerd 1.6 wrote in the lab
 * (tests/lab/t_86_podman.sh prints them; tests/data/oci/real/) maps onto a pod spec
 * whose image and command are the config's root and args. */
static const char *const real_configs[] = {
	"real/podman-run-d.json",
	"real/ctr-run-d.json",
	"real/podman-run-m64.json",
	"real/podman-init-t.json",
};

static void test_real_corpus(void)
{
	struct oci_config c;
	char err[512], *params;
	struct json *j;
	const struct json *spec;
	size_t i, k;

	for (i = 0; i < sizeof(real_configs) / sizeof(real_configs[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(
			parse(real_configs[i], &c, err, sizeof(err)), 0);
		params = oci_config_pod_params(&c, "real");
		CU_ASSERT_PTR_NOT_NULL_FATAL(params);
		j = json_parse(params, strlen(params), err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(j);
		spec = json_get(j, "spec");
		CU_ASSERT_STRING_EQUAL(json_str(json_get(spec, "image")),
				       c.root_path);
		CU_ASSERT_EQUAL(json_len(json_get(spec, "command")),
				c.process.n_args);
		for (k = 0; k < c.process.n_args; k++)
			CU_ASSERT_STRING_EQUAL(
				json_str(json_at(json_get(spec, "command"), k)),
				c.process.args[k]);
		/* a new network namespace (netns = "none", ctr's default):
		 * loopback only */
		CU_ASSERT_EQUAL(c.net, OCI_NET_NEW);
		CU_ASSERT_STRING_EQUAL(
			json_str(json_get(json_get(spec, "network"), "mode")),
			"none");
		/* masked paths cannot apply to a VM */
		CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "linux.maskedPaths"));
		json_free(j);
		free(params);
		oci_config_free(&c);
	}
}

/* podman run -d: its file binds are copied in, /dev/shm is the guest's. */
static void test_real_podman(void)
{
	struct oci_config c;
	char err[512];
	size_t i, binds = 0;

	CU_ASSERT_EQUAL_FATAL(
		parse("real/podman-run-d.json", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.process.n_args, 3);
	CU_ASSERT_STRING_EQUAL(c.process.args[2],
			       "echo started; exec sleep 600");
	CU_ASSERT_STRING_EQUAL(c.hostname, "bf17dac01403");
	CU_ASSERT_STRING_EQUAL(
		c.root_path,
		"/var/lib/containers/storage/vfs/dir/"
		"34f857aed9aafee8c971d11249a6304caeae3626103a39002b217e3cb7b48e83");
	CU_ASSERT(!c.process.terminal);
	CU_ASSERT(c.process.has_user && c.process.uid == 0 &&
		  c.process.gid == 0 && c.process.n_gids == 0);
	CU_ASSERT_EQUAL(c.memory_mib, 0);
	for (i = 0; i < c.n_mounts; i++)
		if (c.mounts[i].kind == OCI_MOUNT_BIND)
			binds++;
	/* /etc/hosts, /run/.containerenv, /etc/hostname */
	CU_ASSERT_EQUAL(binds, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "linux.seccomp"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "linux.sysctl"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.annotations, "io.podman.annotations"));
	oci_config_free(&c);
}

/* podman run -m 64m: the limit is the pod's memory (swap is ignored); podman
 * create -t + init: a terminal. */
static void test_real_podman_more(void)
{
	struct oci_config c;
	char err[512];

	CU_ASSERT_EQUAL_FATAL(
		parse("real/podman-run-m64.json", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.memory_mib, 64);
	CU_ASSERT_EQUAL(c.vcpus, 0);
	CU_ASSERT(!c.process.terminal);
	CU_ASSERT_STRING_EQUAL(c.hostname, "cc9a0bd87680");
	oci_config_free(&c);

	CU_ASSERT_EQUAL_FATAL(
		parse("real/podman-init-t.json", &c, err, sizeof(err)), 0);
	CU_ASSERT(c.process.terminal);
	CU_ASSERT_EQUAL(c.process.n_args, 1);
	CU_ASSERT_STRING_EQUAL(c.process.args[0], "/bin/true");
	CU_ASSERT_EQUAL(c.memory_mib, 0);
	oci_config_free(&c);
}

/* ctr run -d: a root relative to the bundle, no hostname, no bind. */
static void test_real_ctr(void)
{
	struct oci_config c;
	char err[512];
	size_t i, binds = 0;

	CU_ASSERT_EQUAL_FATAL(
		parse("real/ctr-run-d.json", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.process.n_args, 2);
	CU_ASSERT_STRING_EQUAL(c.process.args[0], "/bin/sleep");
	CU_ASSERT_STRING_EQUAL(c.root_path, "/bundle/rootfs");
	CU_ASSERT(c.hostname == NULL || c.hostname[0] == '\0');
	CU_ASSERT_EQUAL(c.process.n_env, 1);
	CU_ASSERT(c.process.has_user && c.process.n_gids == 1);
	for (i = 0; i < c.n_mounts; i++)
		if (c.mounts[i].kind == OCI_MOUNT_BIND)
			binds++;
	CU_ASSERT_EQUAL(binds, 0);
	CU_ASSERT_STRING_EQUAL(c.annotations, "{}");
	oci_config_free(&c);
}

int main(void)
{
	unsigned fails;
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("oci", NULL, NULL);
	CU_add_test(s, "podman_config", test_podman);
	CU_add_test(s, "containerd_config", test_containerd);
	CU_add_test(s, "user", test_user);
	CU_add_test(s, "annotations", test_annotations);
	CU_add_test(s, "netns_host", test_netns_host);
	CU_add_test(s, "hostile_configs", test_hostile);
	CU_add_test(s, "limits", test_limits);
	CU_add_test(s, "dir_binds", test_binds);
	CU_add_test(s, "dir_bind_limits", test_bind_limits);
	CU_add_test(s, "hooks_parse", test_hooks_parse);
	CU_add_test(s, "rlimits", test_rlimits);
	CU_add_test(s, "tmpfs_readonly", test_tmpfs_readonly);
	CU_add_test(s, "hooks_run", test_hooks_run);
	CU_add_test(s, "process_json", test_process);
	CU_add_test(s, "paths", test_paths);
	CU_add_test(s, "ids_status", test_ids);
	CU_add_test(s, "state_files", test_state_files);
	CU_add_test(s, "real_corpus", test_real_corpus);
	CU_add_test(s, "real_podman", test_real_podman);
	CU_add_test(s, "real_podman_more", test_real_podman_more);
	CU_add_test(s, "real_ctr", test_real_ctr);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
