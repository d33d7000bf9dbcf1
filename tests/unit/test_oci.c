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
	CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "linux.namespaces"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "linux.seccomp"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "process.capabilities"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "process.rlimits"));
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
	/* process.user: uid 0, gid 0 and podman's 11 additionalGids */
	CU_ASSERT_STRING_EQUAL(json_str(json_get(spec, "user")), "0:0");
	CU_ASSERT_EQUAL(json_len(json_get(spec, "groups")), 11);
	CU_ASSERT_STRING_EQUAL(json_str(json_at(json_get(spec, "groups"), 10)),
			       "27");
	/* config.json's hostname is the pod's, without a network */
	CU_ASSERT_STRING_EQUAL(
		json_str(json_get(json_get(spec, "network"), "hostname")),
		"3f2c1a");
	CU_ASSERT_STRING_EQUAL(
		json_str(json_get(json_get(spec, "network"), "mode")), "none");
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

static void test_hostile(void)
{
	static const struct {
		const char *file, *want;
	} cases[] = {
		{ "bad-uid.json",
		  "process.user.uid: expected an integer 0..2147483647" },
		{ "bad-gids.json", "process.user.additionalGids[1]: expected" },
		{ "bad-readonly.json", "root.readonly: a read-only root" },
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
		{ "bad-hooks.json", "hooks.prestart: hooks are not supported" },
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
		/* namespaces, cgroups and seccomp cannot apply to a VM */
		CU_ASSERT_PTR_NOT_NULL(strstr(c.ignored, "linux.namespaces"));
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
	CU_add_test(s, "hostile_configs", test_hostile);
	CU_add_test(s, "limits", test_limits);
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
