/* SPDX-License-Identifier: MIT */
/* xenpod-oci: an OCI runtime with runc's command line that runs each container as a xenpod pod. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "json.h"
#include "oci.h"

#define DEFAULT_SOCKET RUNSTATEDIR "/xenpod/xenpodd.sock"

struct oci oci;

void oci_log(const char *level, const char *fmt, ...)
{
	char msg[2048], now[40];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!strcmp(level, "error")) {
		fflush(stdout);
		fprintf(stderr, "xenpod-oci: %s\n", msg);
	}
	if (!oci.log || (!oci.debug && !strcmp(level, "debug")))
		return;
	oci_now(now, sizeof(now));
	fd = open(oci.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (oci.log_json) {
		struct json_writer *w = json_writer_new(false);
		const char *t;

		if (w) {
			json_w_object_open(w);
			json_w_key(w, "level");
			json_w_string(w, level);
			json_w_key(w, "msg");
			json_w_string(w, msg);
			json_w_key(w, "time");
			json_w_string(w, now);
			json_w_object_close(w);
		}
		t = w ? json_writer_text(w, NULL) : NULL;
		if (t)
			dprintf(fd, "%s\n", t);
		json_writer_free(w);
	} else {
		char *q;

		/* logfmt, as runc's text format: quotes and backslashes escaped. */
		dprintf(fd, "time=\"%s\" level=%s msg=\"", now, level);
		for (q = msg; *q; q++)
			dprintf(fd, "%s%c",
				(*q == '"' || *q == '\\') ? "\\" : "",
				*q == '\n' ? ' ' : *q);
		dprintf(fd, "\"\n");
	}
	close(fd);
}

/* cmd_exec (linked from the CLI) calls this for --help: ours is the man page. */
int cmd_help(const struct cmd_spec *cmd)
{
	printf("usage: xenpod-oci exec [options] ID [COMMAND...] "
	       "(see xenpod-oci(1))\n");
	(void)cmd;
	return OCI_OK;
}

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *synopsis;
};

static const struct command commands[] = {
	{ "create", oci_cmd_create,
	  "create [--bundle DIR] [--pid-file F] [--console-socket S] ID" },
	{ "start", oci_cmd_start, "start ID" },
	{ "state", oci_cmd_state, "state ID" },
	{ "kill", oci_cmd_kill, "kill [--all] ID [SIGNAL]" },
	{ "delete", oci_cmd_delete, "delete [--force] ID" },
	{ "exec", oci_cmd_exec,
	  "exec [--process F | --tty --cwd D --env K=V] [--detach] "
	  "[--pid-file F] [--console-socket S] ID [COMMAND...]" },
	{ "ps", oci_cmd_ps, "ps [--format table|json] ID" },
	{ "list", oci_cmd_list, "list [--format table|json] [--quiet]" },
	{ "features", oci_cmd_features, "features" },
	{ "pause", oci_cmd_pause, "pause ID" },
	{ "resume", oci_cmd_pause, "resume ID" },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: xenpod-oci [--root DIR] [--log FILE] "
		   "[--log-format text|json] [--systemd-cgroup] COMMAND ...\n"
		   "commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %s\n", commands[i].synopsis);
	fprintf(f, "Each container is a xenpod pod (see xenpod-oci(1)).\n");
}

enum {
	G_ROOT = 0x100,
	G_LOG,
	G_LOG_FORMAT,
	G_SYSTEMD,
	G_DEBUG,
	G_LOG_LEVEL,
	G_ROOTLESS,
	G_CRIU,
	G_VERSION,
	G_HELP,
	G_SOCKET,
};

/* Global options; returns the index of the command, or -(exit status). */
static int parse_global(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "root", required_argument, NULL, G_ROOT },
		{ "log", required_argument, NULL, G_LOG },
		{ "log-format", required_argument, NULL, G_LOG_FORMAT },
		{ "systemd-cgroup", no_argument, NULL, G_SYSTEMD },
		{ "debug", no_argument, NULL, G_DEBUG },
		{ "log-level", required_argument, NULL, G_LOG_LEVEL },
		{ "rootless", required_argument, NULL, G_ROOTLESS },
		{ "criu", required_argument, NULL, G_CRIU },
		{ "version", no_argument, NULL, G_VERSION },
		{ "help", no_argument, NULL, G_HELP },
		{ "socket", required_argument, NULL, G_SOCKET },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	argv[0] = (char *)"xenpod-oci";
	opterr = 1;
	while ((opt = getopt_long_only(argc, argv, "+hv", lo, NULL)) != -1) {
		switch (opt) {
		case G_ROOT:
			if (optarg[0] != '/') {
				oci_err("--root %s: expected an absolute path",
					optarg);
				return -OCI_USAGE;
			}
			oci.root = optarg;
			break;
		case G_LOG:
			oci.log = optarg;
			break;
		case G_LOG_FORMAT:
			if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
				oci_err("--log-format %s: expected text or "
					"json",
					optarg);
				return -OCI_USAGE;
			}
			oci.log_json = !strcmp(optarg, "json");
			break;
		case G_DEBUG:
			oci.debug = true;
			break;
		case G_LOG_LEVEL:
			oci.debug = !strcmp(optarg, "debug");
			break;
		case G_SYSTEMD: /* a pod has no cgroup of ours: nothing to do */
		case G_ROOTLESS:
		case G_CRIU:
			break;
		case G_SOCKET:
			oci.cli.socket = optarg;
			break;
		case 'v':
		case G_VERSION:
			printf("xenpod-oci version " PACKAGE_VERSION "\n"
			       "spec: " OCI_VERSION "\n");
			return -OCI_OK;
		case 'h':
		case G_HELP:
			usage(stdout);
			return -OCI_OK;
		default:
			usage(stderr);
			return -OCI_USAGE;
		}
	}
	if (optind == argc) {
		oci_err("no command given");
		usage(stderr);
		return -OCI_USAGE;
	}
	return optind;
}

int main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	size_t j;
	int i, rc;

	oci.root = OCI_DEFAULT_ROOT;
	oci.cli.socket = getenv("XENPOD_SOCKET");
	if (!oci.cli.socket || !oci.cli.socket[0])
		oci.cli.socket = DEFAULT_SOCKET;
	client_init(&oci.cli.client);
	i = parse_global(argc, argv);
	if (i <= 0)
		return -i;
	for (j = 0; j < N_COMMANDS; j++)
		if (!strcmp(argv[i], commands[j].name))
			cmd = &commands[j];
	if (!cmd) {
		oci_err("unknown command '%s'", argv[i]);
		usage(stderr);
		return OCI_USAGE;
	}
	optind = 0;
	rc = cmd->fn(argc - i, argv + i);
	client_close(&oci.cli.client);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		oci_err("cannot write output: %s", strerror(errno));
		if (rc == OCI_OK)
			rc = OCI_ERR;
	}
	return rc;
}
