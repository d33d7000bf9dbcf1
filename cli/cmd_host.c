/* SPDX-License-Identifier: MIT */
/* cmd_host: questions about the host and daemon: check, version. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xenpod.h"
#include "protocol.h"

struct check {
	const char *name;
	bool ok;
	char detail[1536];
};

/* The first line of a small text file, without trailing spaces. */
static int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;
	size_t n;
	int e;

	if (fd < 0)
		return -errno;
	r = read(fd, buf, size - 1);
	e = errno;
	close(fd);
	if (r < 0)
		return -e;
	buf[r] = '\0';
	n = strcspn(buf, "\n");
	while (n > 0 && buf[n - 1] == ' ') /* Xen's capability list ends so */
		n--;
	buf[n] = '\0';
	return 0;
}

static void check_dom0(struct check *c)
{
	const char *path = "/proc/xen/capabilities";
	char caps[256];
	int rc = read_text(path, caps, sizeof(caps));

	c->name = "dom0";
	if (rc == -ENOENT && access("/proc/xen", F_OK) < 0)
		snprintf(c->detail, sizeof(c->detail),
			 "not running on Xen (no /proc/xen)");
	else if (rc == -ENOENT)
		snprintf(c->detail, sizeof(c->detail),
			 "xenfs is not mounted (mount -t xenfs xenfs "
			 "/proc/xen)");
	else if (rc < 0)
		snprintf(c->detail, sizeof(c->detail), "%s: %s", path,
			 strerror(-rc));
	else if (!strstr(caps, "control_d"))
		snprintf(c->detail, sizeof(c->detail),
			 "not the control domain (no control_d in %s)", path);
	else
		c->ok = true;
	if (c->ok)
		snprintf(c->detail, sizeof(c->detail),
			 "running in dom0 (control_d)");
}

/* PVH guests are HVM containers: Xen must offer hvm-* guest types. */
static void check_hvm(struct check *c)
{
	const char *path = "/sys/hypervisor/properties/capabilities";
	char caps[256];
	int rc = read_text(path, caps, sizeof(caps));

	c->name = "hvm";
	if (rc < 0) {
		snprintf(c->detail, sizeof(c->detail), "%s: %s", path,
			 strerror(-rc));
	} else if (!strstr(caps, "hvm-3.0-x86_64")) {
		snprintf(c->detail, sizeof(c->detail),
			 "Xen offers no 64-bit HVM guests, needed for PVH "
			 "(VT-x/AMD-V off or missing?): %s",
			 caps);
	} else {
		c->ok = true;
		snprintf(c->detail, sizeof(c->detail),
			 "Xen can run PVH guests (%s)", caps);
	}
}

static void check_devices(struct check *c)
{
	static const char *const devs[] = {
		"/dev/xen/privcmd",
		"/dev/xen/evtchn",
		"/dev/xen/gntdev",
		"/dev/xen/gntalloc",
	};

	c->name = "devices";
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (access(devs[i], R_OK | W_OK) < 0) {
			snprintf(c->detail, sizeof(c->detail), "%s: %s",
				 devs[i], strerror(errno));
			return;
		}
	}
	c->ok = true;
	snprintf(c->detail, sizeof(c->detail),
		 "privcmd, evtchn, gntdev and gntalloc are usable");
}

/* A unix socket accepting connections; 0 or -errno. */
static int socket_answers(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static void check_xenstored(struct check *c)
{
	const char *path = "/run/xenstored/socket";
	int rc = socket_answers(path);

	c->name = "xenstored";
	if (rc == -ENOENT) {
		path = "/var/run/xenstored/socket";
		rc = socket_answers(path);
	}
	c->ok = rc == 0;
	if (c->ok)
		snprintf(c->detail, sizeof(c->detail), "listening at %s", path);
	else
		snprintf(c->detail, sizeof(c->detail),
			 "%s: %s (is xenstored running?)", path, strerror(-rc));
}

/* daemon_hello; returns 0 with the result in *root_r, or -errno. */
static int hello(struct cli *cli, struct json **root_r,
		 const struct json **result_r)
{
	int rc = client_connect(&cli->client, cli->socket);

	if (rc == 0)
		rc = client_call(&cli->client, XP_M_DAEMON_HELLO, NULL, NULL,
				 NULL, root_r, result_r);
	return rc;
}

static void check_daemon(struct cli *cli, struct check *c)
{
	const struct json *result;
	struct json *root = NULL;
	int64_t proto = 0;
	const char *ver;

	c->name = "xenpodd";
	if (hello(cli, &root, &result) < 0) {
		snprintf(c->detail, sizeof(c->detail), "%s", cli->client.err);
		return;
	}
	ver = json_str(json_get(result, "version"));
	json_int(json_get(result, "protocol"), &proto);
	c->ok = proto == XP_PROTOCOL_VERSION;
	snprintf(c->detail, sizeof(c->detail),
		 "xenpodd %s at %s speaks protocol %" PRId64 "%s",
		 ver ? ver : "?", cli->socket, proto,
		 c->ok ? "" : " (this xenpod speaks protocol 1)");
	json_free(root);
}

static void print_checks(struct cli *cli, const struct check *c, size_t n,
			 bool all_ok)
{
	struct json_writer *w;

	if (!cli->json) {
		for (size_t i = 0; i < n; i++)
			printf("%-4s  %-9s  %s\n", c[i].ok ? "ok" : "FAIL",
			       c[i].name, c[i].detail);
		return;
	}
	w = params_open(NULL);
	if (!w)
		return;
	json_w_key(w, "ok");
	json_w_bool(w, all_ok);
	json_w_key(w, "checks");
	json_w_array_open(w);
	for (size_t i = 0; i < n; i++) {
		json_w_object_open(w);
		json_w_key(w, "name");
		json_w_string(w, c[i].name);
		json_w_key(w, "ok");
		json_w_bool(w, c[i].ok);
		json_w_key(w, "detail");
		json_w_string(w, c[i].detail);
		json_w_object_close(w);
	}
	json_w_array_close(w);
	json_w_object_close(w);
	printf("%s\n", json_writer_text(w, NULL) ?: "{}");
	json_writer_free(w);
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = { CMD_COMMON_OPTS };
	struct check c[5] = { 0 };
	bool all_ok = true;
	int opt;

	while ((opt = cmd_getopt(cli, argc, argv, "h", lo)) != -1) {
		if (opt == CMD_OPT_HELP)
			return cmd_help(cli->cmd);
		return cmd_usage(cli, NULL);
	}
	if (optind != argc)
		return cmd_usage(cli, "too many arguments");
	check_dom0(&c[0]);
	check_hvm(&c[1]);
	check_devices(&c[2]);
	check_xenstored(&c[3]);
	check_daemon(cli, &c[4]);
	for (size_t i = 0; i < 5; i++)
		all_ok = all_ok && c[i].ok;
	print_checks(cli, c, 5, all_ok);
	return all_ok ? CLI_OK : CLI_ERR;
}

/* {"client":{"version":V,"protocol":P},"daemon":HELLO-RESULT} */
static void print_version_json(const struct json *daemon)
{
	struct json_writer *w = params_open(NULL);

	if (!w)
		return;
	json_w_key(w, "client");
	json_w_object_open(w);
	json_w_key(w, "version");
	json_w_string(w, PACKAGE_VERSION);
	json_w_key(w, "protocol");
	json_w_int(w, XP_PROTOCOL_VERSION);
	json_w_object_close(w);
	if (daemon) {
		json_w_key(w, "daemon");
		json_w_value(w, daemon);
	}
	json_w_object_close(w);
	printf("%s\n", json_writer_text(w, NULL) ?: "{}");
	json_writer_free(w);
}

int cmd_version(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = { CMD_COMMON_OPTS };
	const struct json *result = NULL;
	struct json *root = NULL;
	int64_t proto = 0;
	int opt, rc;

	while ((opt = cmd_getopt(cli, argc, argv, "h", lo)) != -1) {
		if (opt == CMD_OPT_HELP)
			return cmd_help(cli->cmd);
		return cmd_usage(cli, NULL);
	}
	if (optind != argc)
		return cmd_usage(cli, "too many arguments");
	rc = hello(cli, &root, &result);
	if (cli->json)
		print_version_json(rc == 0 ? result : NULL);
	else
		printf("client: xenpod %s (protocol %d)\n", PACKAGE_VERSION,
		       XP_PROTOCOL_VERSION);
	if (!cli->json && rc == 0) {
		json_int(json_get(result, "protocol"), &proto);
		printf("daemon: xenpodd %s (protocol %" PRId64 ")\n",
		       json_str(json_get(result, "version")) ?: "?", proto);
	}
	json_free(root);
	if (rc < 0) {
		cli_error("%s", cli->client.err);
		return CLI_ERR;
	}
	return CLI_OK;
}
