/* SPDX-License-Identifier: MIT */
/* cmd_run: the commands that make pods: run (create, start, attach, wait) and create -f. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "xenpod.h"
#include "protocol.h"
#include "net.h"

enum {
	OPT_NAME = 0x200,
	OPT_VCPUS,
	OPT_KERNEL_ARGS,
	OPT_NETWORK,
	OPT_IP,
	OPT_HOSTNAME,
	OPT_DNS,
	OPT_DNS_SEARCH,
	OPT_DNS_OPTION,
	OPT_ADD_HOST,
	OPT_TMPFS,
	OPT_READ_ONLY,
	OPT_ULIMIT
};

/* -v and --tmpfs values as given (for messages) and parsed; --read-only. */
struct run_vols {
	const char *args[XP_MOUNTS_MAX];
	struct mount_arg m[XP_MOUNTS_MAX];
	size_t n;
	const char *targs[XP_TMPFS_MAX];
	struct tmpfs_arg t[XP_TMPFS_MAX];
	size_t n_tmpfs;
	bool read_only;
};

/* A -v value; -1: taken, else the exit status after saying why not. */
static int volume_opt(struct cli *cli, const char *arg, struct run_vols *v)
{
	char why[600];
	int rc = cli_volume_arg(arg, v->m, v->args, v->n, &v->m[v->n], why,
				sizeof(why));

	if (rc == -EINVAL)
		return cmd_usage(cli, "%s", why);
	if (rc) {
		cli_error("%s", why);
		return CLI_ERR;
	}
	v->args[v->n++] = arg;
	return -1;
}

/* A --tmpfs value; -1: taken, else the exit status after saying why not. */
static int tmpfs_opt(struct cli *cli, const char *arg, struct run_vols *v)
{
	char why[600];

	if (cli_tmpfs_arg(arg, v->t, v->targs, v->n_tmpfs, &v->t[v->n_tmpfs],
			  why, sizeof(why)))
		return cmd_usage(cli, "%s", why);
	v->targs[v->n_tmpfs++] = arg;
	return -1;
}

/* Once every option is in: no tmpfs on or in a volume, nor one in the
 * other. -1, or the exit status after saying why not. */
static int vols_done(struct cli *cli, const struct run_vols *v)
{
	char why[600];

	if (cli_tmpfs_vs_volumes(v->t, v->targs, v->n_tmpfs, v->m, v->args,
				 v->n, why, sizeof(why)))
		return cmd_usage(cli, "%s", why);
	return -1;
}

/* State of a foreground run while it streams the pod's output. */
struct attach {
	struct cli *cli;
	const char *name;
	int acted; /* interrupts acted on: 1 = stop sent, 2 = kill sent */
	struct client stop_c, kill_c; /* kept open until the pod is gone */
};

static volatile sig_atomic_t interrupts;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupts++;
}

/* Send method on a fresh connection without waiting: the pod's output keeps
 * flowing on the main one, and its end tells us the request took effect. */
static void send_detached(struct attach *a, struct client *c,
			  const char *method)
{
	char *params = params_close(params_open(a->name));

	if (!params || client_connect(c, a->cli->socket) < 0 ||
	    client_send(c, method, params, NULL) < 0)
		cli_error("%s", params ? c->err : "out of memory");
	free(params);
}

static int attach_intr(void *arg)
{
	struct attach *a = arg;

	if (interrupts >= 1 && a->acted == 0) {
		a->acted = 1;
		fprintf(stderr,
			"xenpod: stopping pod %s (^C again to kill it)\n",
			a->name);
		send_detached(a, &a->stop_c, XP_M_POD_STOP);
	}
	if (interrupts >= 2 && a->acted == 1) {
		a->acted = 2;
		fprintf(stderr, "xenpod: killing pod %s\n", a->name);
		send_detached(a, &a->kill_c, XP_M_POD_KILL);
	}
	return 0;
}

/* ^C while the daemon creates the pod: the pod will not be started; a
 * second ^C leaves at once (the daemon finishes or rolls back alone). */
static int create_intr(void *arg)
{
	struct client *c = arg;

	if (interrupts == 1) {
		fprintf(stderr, "xenpod: interrupted: waiting for xenpodd to "
				"create the pod (^C again to leave now)\n");
		return 0;
	}
	snprintf(
		c->err, sizeof(c->err),
		"interrupted (xenpodd still creates the pod; see xenpod ls -a)");
	return -EINTR;
}

static int log_notify(void *arg, const char *method, const struct json *params)
{
	const char *data = json_str(json_get(params, "data"));
	const char *stream = json_str(json_get(params, "stream"));
	FILE *out = stream && !strcmp(stream, "stderr") ? stderr : stdout;

	(void)arg;
	if (strcmp(method, XP_N_LOG) || !data)
		return 0;
	fputs(data, out);
	fflush(out); /* the point is to see output as it happens */
	return 0;
}

/* The exit status of a stopped pod, saying why when it failed. */
static int pod_status(const struct json *pod, const char *name)
{
	const char *reason = json_str(json_get(pod, "reason"));
	const char *status = json_str(json_get(pod, "status"));
	int64_t code = 0;
	bool known = json_int(json_get(pod, "exit_code"), &code);
	int st = cli_exit_status(status, reason, known, code);

	if (st == CLI_EXIT_FAILED || (status && !strcmp(status, "failed")))
		cli_error("pod %s failed: %s", name,
			  reason ? reason : "no exit code");
	return st;
}

static void block_signals(sigset_t *wait_mask)
{
	struct sigaction sa = { .sa_handler = on_interrupt };
	sigset_t block;

	/* No SA_RESTART: the wait must wake up to act on ^C. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, wait_mask);
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
}

/* A failure after connecting is the pod's or daemon's: 125 as docker,
 * or the status the daemon gave (126, 127: the program cannot run). */
static int run_failed(struct cli *cli)
{
	if (interrupts)
		return 128 + SIGINT;
	if (cli->client.fd >= 0 && cli->client.rpc_status >= 0)
		return cli->client.rpc_status;
	return cli->client.fd < 0 ? CLI_ERR : CLI_EXIT_FAILED;
}

/* Stream the pod's output until it stops, then report its exit status. */
static int run_attach(struct cli *cli, struct attach *a)
{
	const struct json *result;
	struct json *root = NULL;
	struct json_writer *w = params_open(a->name);
	int rc;

	if (w) {
		json_w_key(w, "follow");
		json_w_bool(w, true);
	}
	if (cli_call(cli, a->name, XP_M_POD_LOGS, params_close(w), log_notify,
		     NULL, &root, &result) < 0)
		return run_failed(cli);
	json_free(root);
	if (cli_call(cli, a->name, XP_M_POD_WAIT,
		     params_close(params_open(a->name)), NULL, NULL, &root,
		     &result) < 0)
		return run_failed(cli);
	rc = pod_status(result, a->name);
	json_free(root);
	return rc;
}

/*
 * run -i / -t: one attach session that also starts the pod (so not a byte
 * is missed), stdin and the terminal forwarded; then the pod's exit status.
 */
static int run_interactive(struct cli *cli, const char *name, bool in, bool tty)
{
	const struct json *result;
	struct json *root = NULL;
	bool left = false;
	int rc = cli_attach_session(cli, name, true, in, tty, &left);

	if (rc == CLI_ERR)
		return CLI_EXIT_FAILED;
	if (left)
		return rc; /* the pod runs on: see xenpod ls */
	client_close(&cli->client);
	client_init(&cli->client);
	if (cli_call(cli, name, XP_M_POD_WAIT, params_close(params_open(name)),
		     NULL, NULL, &root, &result) < 0)
		return rc;
	rc = pod_status(result, name);
	json_free(root);
	return rc;
}

/* --dns, --dns-search, --dns-option, --add-host, checked with the daemon's
 * own parsers (net_dns.c). -1: taken. */
static int run_dns_opt(struct cli *cli, int opt, const char *arg,
		       struct cli_net_opts *n)
{
	char addr[NET_ADDR_TEXT_MAX], why[400];
	struct net_host h;

	switch (opt) {
	case OPT_DNS:
		if (n->n_dns == NET_DNS_MAX)
			return cmd_usage(cli, "--dns %s: at most %d servers",
					 arg, NET_DNS_MAX);
		if (net_addr_parse(arg, addr))
			return cmd_usage(
				cli,
				"--dns %s: expected an IPv4 or IPv6 address",
				arg);
		n->dns[n->n_dns++] = arg;
		return -1;
	case OPT_DNS_SEARCH:
		if (n->n_search == NET_DNS_SEARCH_MAX)
			return cmd_usage(cli,
					 "--dns-search %s: at most %d domains",
					 arg, NET_DNS_SEARCH_MAX);
		if (!net_domain_valid(arg))
			return cmd_usage(
				cli,
				"--dns-search %s: expected a domain (labels of [A-Za-z0-9_-] joined by dots)",
				arg);
		n->search[n->n_search++] = arg;
		return -1;
	case OPT_DNS_OPTION:
		if (n->n_options == NET_DNS_OPTIONS_MAX)
			return cmd_usage(cli,
					 "--dns-option %s: at most %d options",
					 arg, NET_DNS_OPTIONS_MAX);
		if (!net_dns_option_valid(arg))
			return cmd_usage(
				cli,
				"--dns-option %s: expected 1 to %d of [A-Za-z0-9:._-]",
				arg, NET_DNS_OPTION_MAX);
		n->options[n->n_options++] = arg;
		return -1;
	default:
		if (n->n_hosts == NET_HOSTS_MAX)
			return cmd_usage(cli, "--add-host %s: at most %d hosts",
					 arg, NET_HOSTS_MAX);
		if (net_host_parse(arg, &h, why, sizeof(why)))
			return cmd_usage(cli, "--add-host %s", why);
		n->hosts[n->n_hosts++] = arg;
		return -1;
	}
}

/* A network option, checked with the daemon's own parsers (net_port.c). -1: taken. */
static int run_net_opt(struct cli *cli, int opt, const char *arg,
		       struct cli_net_opts *n)
{
	struct net_port port;
	char why[200];
	uint32_t ip;
	enum net_mode m;

	switch (opt) {
	case OPT_DNS:
	case OPT_DNS_SEARCH:
	case OPT_DNS_OPTION:
	case OPT_ADD_HOST:
		return run_dns_opt(cli, opt, arg, n);
	case 'p':
		if (n->n_ports == NET_PORTS_MAX)
			return cmd_usage(cli, "-p %s: at most %d port forwards",
					 arg, NET_PORTS_MAX);
		if (net_port_parse(arg, &port, why, sizeof(why)))
			return cmd_usage(cli, "-p %s", why);
		n->ports[n->n_ports++] = arg;
		return -1;
	case OPT_NETWORK:
		/* podman's ns:PATH: join that network namespace's interface. */
		if (!strncmp(arg, "ns:", 3)) {
			if (!net_netns_path_valid(arg + 3))
				return cmd_usage(
					cli,
					"--network %s: expected ns:PATH, PATH absolute, of [A-Za-z0-9/._:-], at most %d bytes",
					arg, NET_NETNS_PATH_MAX);
			n->mode = "netns";
			n->netns = arg + 3;
			return -1;
		}
		if ((net_mode_parse(arg, &m) || m == NET_NETNS) &&
		    !net_network_name_valid(arg))
			return cmd_usage(
				cli,
				"--network %s: expected none, bridge, ns:PATH or a network's name",
				arg);
		n->mode = arg;
		return -1;
	case OPT_IP:
		if (net_ip_parse(arg, &ip))
			return cmd_usage(cli, "--ip %s: expected A.B.C.D", arg);
		n->ip = arg;
		return -1;
	default:
		if (!net_hostname_valid(arg))
			return cmd_usage(
				cli, "--hostname %s: 1 to %d of [A-Za-z0-9.-]",
				arg, NET_HOSTNAME_MAX);
		n->hostname = arg;
		return -1;
	}
}

/* Parse run's options into o (env must hold argc entries). */
static int run_opts(struct cli *cli, int argc, char **argv,
		    struct cli_run_opts *o, struct run_vols *vols, bool *detach)
{
	static const struct option lo[] = {
		{ "detach", no_argument, NULL, 'd' },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "memory", required_argument, NULL, 'm' },
		{ "vcpus", required_argument, NULL, OPT_VCPUS },
		{ "kernel-args", required_argument, NULL, OPT_KERNEL_ARGS },
		{ "interactive", no_argument, NULL, 'i' },
		{ "tty", no_argument, NULL, 't' },
		{ "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "publish", required_argument, NULL, 'p' },
		{ "network", required_argument, NULL, OPT_NETWORK },
		{ "ip", required_argument, NULL, OPT_IP },
		{ "hostname", required_argument, NULL, OPT_HOSTNAME },
		{ "dns", required_argument, NULL, OPT_DNS },
		{ "dns-search", required_argument, NULL, OPT_DNS_SEARCH },
		{ "dns-option", required_argument, NULL, OPT_DNS_OPTION },
		{ "add-host", required_argument, NULL, OPT_ADD_HOST },
		{ "volume", required_argument, NULL, 'v' },
		{ "tmpfs", required_argument, NULL, OPT_TMPFS },
		{ "read-only", no_argument, NULL, OPT_READ_ONLY },
		{ "ulimit", required_argument, NULL, OPT_ULIMIT },
		CMD_COMMON_OPTS,
	};
	char why[400];
	int opt;

	/* '+': options end at IMAGE; what follows belongs to COMMAND. */
	while ((opt = cmd_getopt(cli, argc, argv, "+hdm:e:w:u:itp:v:", lo)) !=
	       -1) {
		switch (opt) {
		case 'd':
			*detach = true;
			break;
		case 'i':
			o->open_stdin = true;
			break;
		case 't':
			o->tty = true;
			break;
		case OPT_NAME:
			if (!cmd_name_ok(optarg))
				return cmd_usage(cli, NULL);
			o->name = optarg;
			break;
		case 'm':
			if (cli_parse_uint(optarg, XP_MEMORY_MIB_MIN,
					   XP_MEMORY_MIB_MAX, &o->memory_mib))
				return cmd_usage(cli,
						 "--memory %s: expected %d to "
						 "%d (MiB)",
						 optarg, XP_MEMORY_MIB_MIN,
						 XP_MEMORY_MIB_MAX);
			break;
		case OPT_VCPUS:
			if (cli_parse_uint(optarg, 1, XP_VCPUS_MAX, &o->vcpus))
				return cmd_usage(cli,
						 "--vcpus %s: expected 1 to %d",
						 optarg, XP_VCPUS_MAX);
			break;
		case OPT_KERNEL_ARGS:
			o->kernel_args = optarg;
			break;
		case 'e':
			if (!cli_env_valid(optarg))
				return cmd_usage(cli,
						 "-e %s: expected KEY=VALUE",
						 optarg);
			o->env[o->n_env++] = optarg;
			break;
		case 'w':
			if (optarg[0] != '/')
				return cmd_usage(cli,
						 "-w %s: expected an absolute "
						 "path",
						 optarg);
			o->cwd = optarg;
			break;
		case 'u':
			if (!xp_user_valid(optarg))
				return cmd_usage(cli,
						 "-u %s: expected USER[:GROUP] "
						 "(names or numbers)",
						 optarg);
			o->user = optarg;
			break;
		case 'p':
		case OPT_NETWORK:
		case OPT_IP:
		case OPT_HOSTNAME:
		case OPT_DNS:
		case OPT_DNS_SEARCH:
		case OPT_DNS_OPTION:
		case OPT_ADD_HOST:
			opt = run_net_opt(cli, opt, optarg, &o->net);
			if (opt >= 0)
				return opt;
			break;
		case 'v':
			opt = volume_opt(cli, optarg, vols);
			if (opt >= 0)
				return opt;
			break;
		case OPT_TMPFS:
			opt = tmpfs_opt(cli, optarg, vols);
			if (opt >= 0)
				return opt;
			break;
		case OPT_READ_ONLY:
			vols->read_only = true;
			break;
		case OPT_ULIMIT:
			if (cli_ulimit_arg(optarg, o, why, sizeof(why)))
				return cmd_usage(cli, "%s", why);
			break;
		case CMD_OPT_HELP:
			return cmd_help(cli->cmd);
		default:
			return cmd_usage(cli, NULL);
		}
	}
	opt = vols_done(cli, vols);
	if (opt >= 0)
		return opt;
	o->mounts = vols->m;
	o->n_mounts = vols->n;
	o->tmpfs = vols->t;
	o->n_tmpfs = vols->n_tmpfs;
	o->read_only = vols->read_only;
	if (optind == argc)
		return cmd_usage(cli, "missing IMAGE");
	return -1;
}

int cmd_run(struct cli *cli, int argc, char **argv)
{
	struct cli_run_opts o = { 0 };
	static struct run_vols vols; /* 8 mounts of 4 KiB paths: not the stack */
	const char *ports[NET_PORTS_MAX], *dns[NET_DNS_MAX];
	const char *search[NET_DNS_SEARCH_MAX], *options[NET_DNS_OPTIONS_MAX];
	const char *hosts[NET_HOSTS_MAX];
	const struct json *result;
	struct json *root = NULL;
	char image[PATH_MAX], *name = NULL;
	struct attach a = { .cli = cli };
	static sigset_t wait_mask;
	bool detach = false;
	int rc;

	client_init(&a.stop_c);
	client_init(&a.kill_c);
	o.env = calloc((size_t)argc, sizeof(*o.env));
	o.net.ports = ports;
	o.net.dns = dns;
	o.net.search = search;
	o.net.options = options;
	o.net.hosts = hosts;
	if (!o.env) {
		cli_error("out of memory");
		return CLI_ERR;
	}
	rc = run_opts(cli, argc, argv, &o, &vols, &detach);
	if (rc >= 0)
		goto out;
	rc = CLI_ERR;
	if (!realpath(argv[optind], image)) {
		cli_error("image %s: %s", argv[optind], strerror(errno));
		goto out;
	}
	o.image = image;
	o.command = argv + optind + 1;
	if (!detach) {
		/* From here ^C is taken only while waiting for the daemon. */
		block_signals(&wait_mask);
		cli->client.wait_mask = &wait_mask;
		cli->client.on_intr = create_intr;
		cli->client.intr_arg = &cli->client;
	}
	if (cli_call(cli, o.name, XP_M_POD_CREATE, cli_build_run_params(&o),
		     NULL, NULL, &root, &result) < 0) {
		rc = run_failed(cli);
		goto out;
	}
	name = strdup(json_str(json_get(result, "name")) ?: "");
	json_free(root);
	if (!name || !xp_name_valid(name)) {
		cli_error("bad reply from xenpodd: pod_create without a name");
		rc = CLI_EXIT_FAILED;
		goto out;
	}
	if (interrupts) {
		cli_error("pod %s was created, not started", name);
		rc = 128 + SIGINT;
		goto out;
	}
	a.name = name;
	if (!detach && (o.tty || o.open_stdin)) {
		/* The terminal's own ^C goes to the pod's process now. */
		sigprocmask(SIG_SETMASK, &wait_mask, NULL);
		cli->client.wait_mask = NULL;
		rc = run_interactive(cli, name, o.open_stdin, o.tty);
		goto out;
	}
	cli->client.on_intr = attach_intr;
	cli->client.intr_arg = &a;
	if (cli_call(cli, name, XP_M_POD_START, params_close(params_open(name)),
		     NULL, NULL, &root, &result) < 0) {
		rc = run_failed(cli);
		goto out;
	}
	rc = detach ? cmd_print_pod(cli, result, name) : CLI_OK;
	json_free(root);
	if (!detach)
		rc = run_attach(cli, &a);
out:
	client_close(&a.stop_c);
	client_close(&a.kill_c);
	free(name);
	free(o.env);
	return rc;
}

/* How to name a spec's source in messages. */
static const char *spec_name(const char *path)
{
	return strcmp(path, "-") ? path : "standard input";
}

/* Read a whole spec file (or stdin for "-"), at most JSON_MAX_TEXT bytes. */
static char *read_spec(const char *path, size_t *len_r)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "re");
	char *buf = NULL;
	size_t n = 0;
	bool ok = false;

	if (!f) {
		cli_error("%s: %s", spec_name(path), strerror(errno));
		return NULL;
	}
	buf = malloc(JSON_MAX_TEXT + 1);
	if (!buf) {
		cli_error("out of memory");
	} else {
		n = fread(buf, 1, JSON_MAX_TEXT + 1, f);
		if (ferror(f))
			cli_error("%s: %s", spec_name(path), strerror(errno));
		else if (n > JSON_MAX_TEXT)
			cli_error("%s: larger than %d bytes", spec_name(path),
				  JSON_MAX_TEXT);
		else
			ok = true;
	}
	if (!is_stdin)
		fclose(f);
	if (!ok) {
		free(buf);
		return NULL;
	}
	*len_r = n;
	return buf;
}

/*
 * The daemon wants an absolute image path: resolve a relative one against
 * the spec file's directory (the working directory for stdin), so a spec
 * and its image can move together.
 */
static int resolve_image(const char *spec_path, const char *image,
			 char out[PATH_MAX])
{
	char joined[2 * PATH_MAX], *copy = NULL;
	const char *p = image;

	if (image[0] == '/') {
		snprintf(out, PATH_MAX, "%s", image);
		return 0;
	}
	if (strcmp(spec_path, "-")) {
		copy = strdup(spec_path);
		if (!copy) {
			cli_error("out of memory");
			return -ENOMEM;
		}
		snprintf(joined, sizeof(joined), "%s/%s", dirname(copy), image);
		p = joined;
	}
	free(copy);
	if (!realpath(p, out)) {
		cli_error("%s: image %s: %s", spec_name(spec_path), p,
			  strerror(errno));
		return -errno;
	}
	return 0;
}

/* The spec's mounts (if an array) followed by the -v ones. */
static void write_mounts(struct json_writer *w, const struct json *spec_mounts,
			 const struct run_vols *vols)
{
	json_w_array_open(w);
	for (size_t i = 0; i < json_len(spec_mounts); i++)
		json_w_value(w, json_at(spec_mounts, i));
	for (size_t i = 0; i < vols->n; i++)
		cli_write_mount(w, &vols->m[i]);
	json_w_array_close(w);
}

/* The spec's tmpfs mounts (if an array) followed by the --tmpfs ones. */
static void write_tmpfs(struct json_writer *w, const struct json *spec_tmpfs,
			const struct run_vols *vols)
{
	json_w_array_open(w);
	for (size_t i = 0; i < json_len(spec_tmpfs); i++)
		json_w_value(w, json_at(spec_tmpfs, i));
	for (size_t i = 0; i < vols->n_tmpfs; i++)
		cli_write_tmpfs(w, &vols->t[i]);
	json_w_array_close(w);
}

/* May the options' items join the spec's member key (absent, null or an array)? */
static bool joinable(const char *spec_path, const struct json *v,
		     const char *key, size_t n)
{
	if (!n || !v || json_type(v) == JSON_ARRAY || json_type(v) == JSON_NULL)
		return true;
	cli_error("%s: spec.%s: expected an array", spec_name(spec_path), key);
	return false;
}

/* {"spec":SPEC} with the image path made absolute and -v's mounts,
 * --tmpfs's mounts and --read-only added. */
static char *create_params(const char *spec_path, const struct json *spec,
			   const struct run_vols *vols)
{
	struct json_writer *w = params_open(NULL);
	const struct json *mounts = json_get(spec, "mounts");
	const struct json *tmpfs = json_get(spec, "tmpfs");
	char image[PATH_MAX];

	if (!w)
		return NULL;
	json_w_key(w, "spec");
	json_w_object_open(w);
	if (!joinable(spec_path, mounts, "mounts", vols->n) ||
	    !joinable(spec_path, tmpfs, "tmpfs", vols->n_tmpfs)) {
		json_writer_free(w);
		return NULL;
	}
	for (size_t i = 0; i < json_len(spec); i++) {
		const char *key = json_key_at(spec, i);
		const struct json *v = json_value_at(spec, i);

		json_w_key(w, key);
		if (!strcmp(key, "mounts") && vols->n) {
			write_mounts(w, v, vols);
		} else if (!strcmp(key, "tmpfs") && vols->n_tmpfs) {
			write_tmpfs(w, v, vols);
		} else if (!strcmp(key, "read_only") && vols->read_only) {
			json_w_bool(w, true);
		} else if (!strcmp(key, "image") && json_str(v)) {
			if (resolve_image(spec_path, json_str(v), image) < 0) {
				json_writer_free(w);
				return NULL;
			}
			json_w_string(w, image);
		} else {
			json_w_value(w, v);
		}
	}
	if (vols->n && !mounts) {
		json_w_key(w, "mounts");
		write_mounts(w, NULL, vols);
	}
	if (vols->n_tmpfs && !tmpfs) {
		json_w_key(w, "tmpfs");
		write_tmpfs(w, NULL, vols);
	}
	if (vols->read_only && !json_get(spec, "read_only")) {
		json_w_key(w, "read_only");
		json_w_bool(w, true);
	}
	json_w_object_close(w);
	return params_close(w);
}

/* Parse and check the spec locally, so errors name the file. */
static struct json *load_spec(const char *path)
{
	struct json *spec;
	const char *name;
	char err[256];
	size_t len;
	char *text = read_spec(path, &len);

	if (!text)
		return NULL;
	spec = json_parse(text, len, err, sizeof(err));
	free(text);
	if (!spec) {
		cli_error("%s: %s", spec_name(path), err);
		return NULL;
	}
	name = json_str(json_get(spec, "name"));
	if (json_type(spec) != JSON_OBJECT) {
		cli_error("%s: expected a JSON object (see xenpod-spec(5))",
			  spec_name(path));
	} else if (!json_get(spec, "image")) {
		cli_error("%s: spec.image: missing", spec_name(path));
	} else if (name && !xp_name_valid(name)) {
		cmd_name_ok(name);
	} else {
		return spec;
	}
	json_free(spec);
	return NULL;
}

int cmd_create(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "volume", required_argument, NULL, 'v' },
		{ "tmpfs", required_argument, NULL, OPT_TMPFS },
		{ "read-only", no_argument, NULL, OPT_READ_ONLY },
		CMD_COMMON_OPTS,
	};
	static struct run_vols vols;
	const struct json *result;
	struct json *spec, *root = NULL;
	const char *path = NULL;
	char *params;
	int opt, rc;

	while ((opt = cmd_getopt(cli, argc, argv, "hf:v:", lo)) != -1) {
		switch (opt) {
		case 'f':
			path = optarg;
			break;
		case 'v':
			rc = volume_opt(cli, optarg, &vols);
			if (rc >= 0)
				return rc;
			break;
		case OPT_TMPFS:
			rc = tmpfs_opt(cli, optarg, &vols);
			if (rc >= 0)
				return rc;
			break;
		case OPT_READ_ONLY:
			vols.read_only = true;
			break;
		case CMD_OPT_HELP:
			return cmd_help(cli->cmd);
		default:
			return cmd_usage(cli, NULL);
		}
	}
	if (!path)
		return cmd_usage(cli, "missing -f SPEC.json");
	if (optind != argc)
		return cmd_usage(cli, "too many arguments");
	rc = vols_done(cli, &vols);
	if (rc >= 0)
		return rc;
	spec = load_spec(path);
	if (!spec)
		return CLI_ERR;
	params = create_params(path, spec, &vols);
	json_free(spec);
	if (!params)
		return CLI_ERR;
	if (cli_call(cli, NULL, XP_M_POD_CREATE, params, NULL, NULL, &root,
		     &result) < 0)
		return CLI_ERR;
	rc = cmd_print_pod(cli, result, "");
	json_free(root);
	return rc;
}
