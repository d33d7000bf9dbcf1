/* SPDX-License-Identifier: MIT */
/* xenpodd: the xenpod daemon: options, start-up order, signals, the event loop. */
#include <errno.h>
#include <poll.h>
#include <ctype.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "control.h"
#include "ev.h"
#include "hv.h"
#include "log.h"
#include "net.h"
#include "pod.h"
#include "protocol.h"
#include "rpc.h"
#include "store.h"
#include "volstore.h"
#include "xs.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
#ifndef XENPOD_LIBDIR
#define XENPOD_LIBDIR "/usr/lib/xenpod"
#endif

struct opts {
	bool foreground;
	bool verbose;
	const char *state_dir;
	const char *log_dir;
	const char *run_dir;
	const char *kernel;
	const char *volume_backend;
	struct net_config net;
	uint64_t pod_cpus; /* bit N: physical CPU N; 0: any */
};

static volatile sig_atomic_t quit;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xenpodd [-d] [-v] [--state-dir DIR] [--log-dir DIR] [--run-dir DIR]\n"
		"               [--kernel PATH] [--bridge NAME] [--bridge-addr A.B.C.D/N]\n"
		"               [--vif-script PATH] [--no-network] [--pod-cpus LIST]\n"
		"               [--volume-backend PATH]\n"
		"       xenpodd --help | --version\n"
		"  -d, --debug        stay in the foreground, log to stderr\n"
		"  -v, --verbose      log debug messages too\n"
		"  --state-dir DIR    pod state and image cache (default /var/lib/xenpod)\n"
		"  --log-dir DIR      pod console logs (default /var/log/xenpod)\n"
		"  --run-dir DIR      socket and lock (default /run/xenpod)\n"
		"  --kernel PATH      guest kernel (default %s/xenpod-kernel)\n"
		"  --bridge NAME      the pods' bridge, made if missing (default " NET_BRIDGE_DEFAULT
		")\n"
		"  --bridge-addr CIDR its address and the pods' subnet (default " NET_ADDR_DEFAULT
		")\n"
		"  --vif-script PATH  the vifs' hotplug script (default %s/vif-xenpod)\n"
		"  --no-network       no bridge, no nftables: pods get no network\n"
		"  --pod-cpus LIST    physical CPUs pods run on, e.g. 1-3,6 (default: any;\n"
		"                     $XENPOD_POD_CPUS sets the default)\n"
		"  --volume-backend PATH  the volumes' 9pfs backend (default\n"
		"                     %s/xenpod-9pfsd)\n",
		XENPOD_LIBDIR, XENPOD_LIBDIR, XENPOD_LIBDIR);
}

/*
 * "N[-M][,N[-M]...]" with CPUs 0 to 63 into a mask; 0, or -EINVAL. Keeping
 * pods off dom0's CPUs is the usual Xen set-up (and, in the nested lab, what
 * keeps dom0's processes from faulting: docs/LAB-DOM0-FAULTS.md).
 */
static int parse_cpus(const char *s, uint64_t *mask)
{
	uint64_t m = 0;

	do {
		char *end;
		unsigned long a, b;

		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		a = b = strtoul(s, &end, 10);
		if (a > 63)
			return -EINVAL;
		if (*end == '-') {
			s = end + 1;
			if (!isdigit((unsigned char)*s))
				return -EINVAL;
			b = strtoul(s, &end, 10);
			if (b > 63 || b < a)
				return -EINVAL;
		}
		for (unsigned long c = a; c <= b; c++)
			m |= 1ull << c;
		s = end;
	} while (*s == ',' && ++s); /* a digit must follow */
	if (*s)
		return -EINVAL;
	*mask = m;
	return 0;
}

static int set_pod_cpus(const char *what, const char *list, struct opts *o)
{
	if (parse_cpus(list, &o->pod_cpus) == 0)
		return 0;
	fprintf(stderr,
		"xenpodd: %s %s: expected CPU numbers 0 to 63 and ranges, e.g. 1-3,6\n",
		what, list);
	return -EINVAL;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "debug", no_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "log-dir", required_argument, NULL, 'L' },
		{ "run-dir", required_argument, NULL, 'R' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "bridge", required_argument, NULL, 'B' },
		{ "bridge-addr", required_argument, NULL, 'A' },
		{ "vif-script", required_argument, NULL, 'P' },
		{ "no-network", no_argument, NULL, 'N' },
		{ "pod-cpus", required_argument, NULL, 'C' },
		{ "volume-backend", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *env = getenv("XENPOD_POD_CPUS");
	int c;

	if (env && *env && set_pod_cpus("XENPOD_POD_CPUS", env, o))
		return -EINVAL;
	while ((c = getopt_long(argc, argv, "dvh", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->foreground = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'S':
			o->state_dir = optarg;
			break;
		case 'L':
			o->log_dir = optarg;
			break;
		case 'R':
			o->run_dir = optarg;
			break;
		case 'K':
			o->kernel = optarg;
			break;
		case 'B':
			if (!*optarg || strlen(optarg) > NET_IFNAME_MAX ||
			    strpbrk(optarg, "/ \t\n:")) {
				fprintf(stderr,
					"xenpodd: --bridge %s: 1 to %d characters, no '/', ':' or blanks\n",
					optarg, NET_IFNAME_MAX);
				return -EINVAL;
			}
			o->net.bridge = optarg;
			break;
		case 'A':
			if (net_cidr_parse(optarg, &o->net.addr,
					   &o->net.prefix)) {
				fprintf(stderr,
					"xenpodd: --bridge-addr %s: expected A.B.C.D/N with N from 8 to 30\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'P':
			o->net.vif_script = optarg;
			break;
		case 'N':
			o->net.enabled = false;
			break;
		case 'C':
			if (set_pod_cpus("--pod-cpus", optarg, o))
				return -EINVAL;
			break;
		case 'W':
			o->volume_backend = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("xenpodd %s (protocol %d)\n", PACKAGE_VERSION,
			       XP_PROTOCOL_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "xenpodd: unexpected argument %s\n",
			argv[optind]);
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/* sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET. */
static void notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@'))
		return;
	len = strlen(path);
	if (len >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) <
	    0)
		log_warn("sd_notify: %s", strerror(errno));
	close(fd);
}

static void on_signal(int fd, short revents, void *arg)
{
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			continue; /* nothing to reload; keep running */
		if (si.ssi_signo == SIGUSR1) {
			pod_io_dump(); /* for diagnosis: channels and sessions */
			continue;
		}
		log_info("signal %u: shutting down (pods keep running)",
			 si.ssi_signo);
		quit = 1;
	}
}

static int setup_signals(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	return ev_fd_add(fd, POLLIN, on_signal, NULL, NULL);
}

static int mkdir_mode(const char *dir, mode_t mode)
{
	if (mkdir(dir, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

struct daemon {
	struct hv *hv;
	struct xs *xs;
};

static int start(const struct opts *o, struct daemon *d)
{
	struct pod_config pc = { .log_dir = o->log_dir,
				 .kernel = o->kernel,
				 .pod_cpus = o->pod_cpus,
				 .volume_backend = o->volume_backend };
	struct net_config nc = o->net;
	char err[512] = "";
	int rc;

	rc = control_open(o->run_dir, "xenpod", err, sizeof(err));
	if (rc)
		fatal("%s", err);
	rc = mkdir_mode(o->log_dir, 0750);
	if (rc)
		fatal("cannot create %s: %s", o->log_dir, strerror(-rc));
	rc = store_init(o->state_dir);
	if (rc)
		fatal("cannot use state directory %s: %s", o->state_dir,
		      strerror(-rc));
	rc = volstore_init(o->state_dir);
	if (rc)
		fatal("cannot use %s/volumes: %s", o->state_dir, strerror(-rc));
	if (access(o->volume_backend, X_OK) < 0)
		log_warn(
			"volume backend %s: %s; pods with volumes cannot be created",
			o->volume_backend, strerror(errno));
	nc.state_dir = o->state_dir;
	rc = net_init(&nc, err, sizeof(err));
	if (rc)
		fatal("network: %s (xenpodd --no-network runs without one)",
		      err);
	rc = hv_open(&d->hv, &pod_hv_callbacks, NULL);
	if (rc)
		fatal("cannot open the Xen toolstack (libxl): %s; is this a Xen dom0 with xenstored running?",
		      strerror(-rc));
	rc = xs_connect(&d->xs);
	if (rc)
		fatal("cannot connect to xenstore: %s", strerror(-rc));
	pc.hv = d->hv;
	pc.xs = d->xs;
	rc = pod_init(&pc);
	if (rc)
		fatal("cannot watch xenstore: %s", strerror(-rc));
	pod_io_host_setup();
	rc = pod_reconcile();
	if (rc)
		fatal("cannot reconcile pods with running domains: %s",
		      strerror(-rc));
	rpc_init();
	rc = control_listen(err, sizeof(err));
	if (rc)
		fatal("%s", err);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.state_dir = LOCALSTATEDIR "/lib/xenpod",
		.log_dir = LOCALSTATEDIR "/log/xenpod",
		.run_dir = RUNSTATEDIR "/xenpod",
		.kernel = XENPOD_LIBDIR "/xenpod-kernel",
		.volume_backend = XENPOD_LIBDIR "/xenpod-9pfsd",
		.net = { .enabled = true,
			 .bridge = NET_BRIDGE_DEFAULT,
			 .vif_script = XENPOD_LIBDIR "/vif-xenpod" },
	};
	struct daemon d = { 0 };
	int rc;

	net_cidr_parse(NET_ADDR_DEFAULT, &o.net.addr, &o.net.prefix);
	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	log_init("xenpodd", o.foreground,
		 o.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	umask(0027);
	if (ev_init() < 0 || setup_signals() < 0)
		fatal("cannot set up the event loop: %s", strerror(errno));
	start(&o, &d);
	log_info("xenpodd %s ready (state %s, logs %s, socket %s/%s)",
		 PACKAGE_VERSION, o.state_dir, o.log_dir, o.run_dir,
		 CONTROL_SOCKET_NAME);
	notify("READY=1");
	while (!quit) {
		rc = ev_run_once(-1);
		if (rc < 0)
			fatal("event loop: %s", strerror(-rc));
	}
	notify("STOPPING=1");
	control_close();
	pod_dispose();
	xs_disconnect(d.xs);
	hv_close(d.hv);
	store_dispose();
	ev_dispose();
	return 0;
}
