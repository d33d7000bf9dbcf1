/* SPDX-License-Identifier: MIT */
/* xenpod-9pfsd: the dom0 backend of one Xen 9pfs device (one pod's volume): the xenstore handshake, the granted rings, the 9P server. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xengnttab.h>

#include "lib/p9.h"
#include "log.h"
#include "p9_ring.h"
#include "p9_server.h"
#include "xs.h"

/* XenbusState values (io/xenbus.h). */
#define ST_INITIALISING 1
#define ST_INITWAIT 2
#define ST_INITIALISED 3
#define ST_CONNECTED 4
#define ST_CLOSING 5
#define ST_CLOSED 6

#define MAX_RINGS 8u
#define DEFAULT_RINGS 4u
#define DEFAULT_ORDER 7u
#define BATCH 32 /* requests per ring per turn: rings take turns */

struct ring {
	struct p9x_ring r;
	void *intf, *data;
	unsigned order;
	evtchn_port_t port; /* ours */
	bool bound;
	uint8_t *req, *rep;
	uint32_t rep_len; /* a reply waiting for room, 0 if none */
};

struct dev {
	uint32_t domid, devid;
	char be[96], fe[96];
	unsigned max_rings, max_order, nrings;
	struct ring rings[MAX_RINGS];
	xengnttab_handle *gt;
	xenevtchn_handle *ev;
	struct xs *xs;
	struct p9s *srv;
	struct p9s_config cfg;
	bool connected;
	bool drop; /* become the squash ids once connected */
	/* logged at the end: requests served, notifications sent, events taken */
	unsigned long n_req, n_notify, n_event;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int node(struct dev *d, const char *dir, const char *rel, char *buf,
		size_t cap)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return xs_node_read(d->xs, p, buf, cap);
}

static int set_node(struct dev *d, const char *rel, unsigned v)
{
	char p[160], val[32];

	snprintf(p, sizeof(p), "%s/%s", d->be, rel);
	snprintf(val, sizeof(val), "%u", v);
	return xs_node_write(d->xs, p, val);
}

/* A strict decimal u32 from a frontend node: digits only, no sign, no leading zero. */
static int node_u32(struct dev *d, const char *rel, uint32_t *r)
{
	char buf[16];
	uint64_t v = 0;
	size_t i, n;
	int rc = node(d, d->fe, rel, buf, sizeof(buf));

	if (rc) {
		log_err("9pfs %u/%u: frontend node %s: %s", d->domid, d->devid,
			rel, strerror(-rc));
		return rc;
	}
	n = strlen(buf);
	for (i = 0; i < n; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			break;
		v = v * 10 + (uint64_t)(buf[i] - '0');
		if (v > UINT32_MAX)
			break;
	}
	if (!n || i < n || (buf[0] == '0' && n > 1)) {
		log_err("9pfs %u/%u: frontend node %s is not a number",
			d->domid, d->devid, rel);
		return -EINVAL;
	}
	*r = (uint32_t)v;
	return 0;
}

static void ring_free(struct dev *d, struct ring *g)
{
	if (g->bound)
		xenevtchn_unbind(d->ev, g->port);
	if (g->data)
		xengnttab_unmap(d->gt, g->data, 1u << g->order);
	if (g->intf)
		xengnttab_unmap(d->gt, g->intf, 1);
	free(g->req);
	free(g->rep);
	memset(g, 0, sizeof(*g));
}

static void disconnect(struct dev *d)
{
	unsigned i;

	for (i = 0; i < d->nrings; i++)
		ring_free(d, &d->rings[i]);
	d->nrings = 0;
	p9s_free(d->srv);
	d->srv = NULL;
	d->connected = false;
}

static int ring_map(struct dev *d, struct ring *g, unsigned i)
{
	struct xen_9pfs_data_intf *intf;
	uint32_t ref, port, refs[1u << P9X_MAX_ORDER];
	char name[32];
	unsigned order, k;
	int rc;

	snprintf(name, sizeof(name), "ring-ref%u", i);
	rc = node_u32(d, name, &ref);
	if (rc)
		return rc;
	snprintf(name, sizeof(name), "event-channel-%u", i);
	rc = node_u32(d, name, &port);
	if (rc)
		return rc;
	g->intf = xengnttab_map_grant_ref(d->gt, d->domid, ref,
					  PROT_READ | PROT_WRITE);
	if (!g->intf) {
		log_err("9pfs %u/%u: cannot map ring %u's index page (ref %u): %s",
			d->domid, d->devid, i, ref, strerror(errno));
		return -errno;
	}
	intf = g->intf;
	/* Read once: the guest may change the page under us. */
	order = *(volatile uint32_t *)&intf->ring_order;
	if (order < 1 || order > d->max_order) {
		log_err("9pfs %u/%u: ring %u order %u outside 1..%u", d->domid,
			d->devid, i, order, d->max_order);
		return -EINVAL;
	}
	for (k = 0; k < (1u << order); k++)
		refs[k] = ((volatile grant_ref_t *)intf->ref)[k];
	g->data = xengnttab_map_domain_grant_refs(d->gt, 1u << order, d->domid,
						  refs, PROT_READ | PROT_WRITE);
	if (!g->data) {
		log_err("9pfs %u/%u: cannot map ring %u's %u data pages: %s",
			d->domid, d->devid, i, 1u << order, strerror(errno));
		return -errno;
	}
	g->order = order;
	rc = xenevtchn_bind_interdomain(d->ev, d->domid, port);
	if (rc < 0) {
		log_err("9pfs %u/%u: cannot bind ring %u's event channel %u: %s",
			d->domid, d->devid, i, port, strerror(errno));
		return -errno;
	}
	g->port = (evtchn_port_t)rc;
	g->bound = true;
	g->req = malloc(d->cfg.max_msize);
	g->rep = malloc(d->cfg.max_msize);
	if (!g->req || !g->rep)
		return -ENOMEM;
	p9x_ring_init(&g->r, intf, g->data, order);
	return 0;
}

/* Run as the squash ids from now on: the files the guest makes are theirs. */
static int drop_privileges(struct dev *d)
{
	uid_t uid = d->cfg.squash_uid;
	gid_t gid = d->cfg.squash_gid;

	if (!d->drop || geteuid() != 0 || uid == 0)
		return 0;
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid)) {
		log_err("9pfs %u/%u: cannot become %u:%u: %s", d->domid,
			d->devid, uid, gid, strerror(errno));
		return -errno;
	}
	/* Keep /proc/self/fd ours (the server reopens its own fds there). */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return 0;
}

static int connect_rings(struct dev *d)
{
	char ver[8];
	uint32_t n;
	unsigned i;
	int rc;

	rc = node(d, d->fe, "version", ver, sizeof(ver));
	if (rc || strcmp(ver, "1")) {
		log_err("9pfs %u/%u: frontend transport version %s, we speak 1",
			d->domid, d->devid, rc ? "missing" : ver);
		return -EPROTO;
	}
	rc = node_u32(d, "num-rings", &n);
	if (rc)
		return rc;
	if (n < 1 || n > d->max_rings) {
		log_err("9pfs %u/%u: num-rings %u outside 1..%u", d->domid,
			d->devid, n, d->max_rings);
		return -EINVAL;
	}
	d->nrings = n;
	for (i = 0; i < n; i++) {
		rc = ring_map(d, &d->rings[i], i);
		if (rc)
			return rc;
	}
	/* A message must fit the smallest ring. */
	for (i = 0; i < n; i++)
		if (d->cfg.max_msize > d->rings[i].r.size)
			d->cfg.max_msize = d->rings[i].r.size;
	rc = drop_privileges(d);
	if (!rc)
		rc = p9s_new(&d->cfg, &d->srv);
	if (rc)
		return rc;
	d->connected = true;
	log_info("9pfs %u/%u: connected, %u rings of order %u, as uid %u",
		 d->domid, d->devid, n, d->rings[0].order, (unsigned)geteuid());
	return set_node(d, "state", ST_CONNECTED);
}

/* Serve a ring's turn: 1 if it has more to do, 0 if idle, -EPROTO if dead. */
static int ring_turn(struct dev *d, struct ring *g)
{
	bool moved = false;
	uint32_t len;
	int i, rc, n;

	for (i = 0; i < BATCH; i++) {
		if (g->rep_len) {
			if (p9x_ring_reply(&g->r, g->rep, g->rep_len))
				break; /* no room: wait for the frontend */
			g->rep_len = 0;
			moved = true;
		}
		rc = p9x_ring_request(&g->r, g->req, p9s_msize(d->srv), &len);
		if (rc < 0) {
			log_err("9pfs %u/%u: request framing broken (size field %u)",
				d->domid, d->devid, p9_get32(g->req));
			return -EPROTO;
		}
		if (!rc)
			break;
		moved = true;
		d->n_req++;
		n = p9s_handle(d->srv, g->req, len, g->rep, d->cfg.max_msize);
		if (n < 0)
			return -EPROTO;
		g->rep_len = (uint32_t)n;
	}
	if (moved) {
		xenevtchn_notify(d->ev, g->port);
		d->n_notify++;
	}
	return i == BATCH ? 1 : 0;
}

static int serve(struct dev *d)
{
	unsigned i;
	int more = 0, rc;

	for (i = 0; i < d->nrings; i++) {
		rc = ring_turn(d, &d->rings[i]);
		if (rc < 0)
			return rc;
		more |= rc;
	}
	return more;
}

static int frontend_state(struct dev *d)
{
	char buf[8];
	int rc = node(d, d->fe, "state", buf, sizeof(buf));

	if (rc)
		return rc == -ENOENT ? ST_CLOSED : rc;
	if (strlen(buf) != 1 || buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	return buf[0] - '0';
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xenpod-9pfsd --domid N --root DIR [--devid N] [--readonly]\n"
		"         [--squash UID:GID] [--msize BYTES] [--max-fids N]\n"
		"         [--rings N] [--ring-order N] [--no-drop] [--foreground]\n");
}

static int parse_u32(const char *s, uint32_t max, uint32_t *r)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -EINVAL;
	*r = (uint32_t)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct dev *d, const char **root,
		      bool *fg)
{
	static const struct option opts[] = {
		{ "domid", required_argument, 0, 'D' },
		{ "devid", required_argument, 0, 'i' },
		{ "root", required_argument, 0, 'r' },
		{ "readonly", no_argument, 0, 'R' },
		{ "squash", required_argument, 0, 's' },
		{ "msize", required_argument, 0, 'm' },
		{ "max-fids", required_argument, 0, 'f' },
		{ "rings", required_argument, 0, 'n' },
		{ "ring-order", required_argument, 0, 'o' },
		{ "no-drop", no_argument, 0, 'N' },
		{ "foreground", no_argument, 0, 'F' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	uint32_t v;
	char *colon;
	int c;
	bool have_domid = false;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			if (parse_u32(optarg, 0x7fef, &d->domid) || !d->domid)
				goto bad;
			have_domid = true;
			break;
		case 'i':
			if (parse_u32(optarg, 0xffff, &d->devid))
				goto bad;
			break;
		case 'r':
			*root = optarg;
			break;
		case 'R':
			d->cfg.readonly = true;
			break;
		case 's':
			colon = strchr(optarg, ':');
			if (!colon)
				goto bad;
			*colon = 0;
			if (parse_u32(optarg, 0xfffffffe, &d->cfg.squash_uid) ||
			    parse_u32(colon + 1, 0xfffffffe,
				      &d->cfg.squash_gid))
				goto bad;
			break;
		case 'm':
			if (parse_u32(optarg, P9_MSIZE_MAX, &v) ||
			    v < P9_MSIZE_MIN)
				goto bad;
			d->cfg.max_msize = v;
			break;
		case 'f':
			if (parse_u32(optarg, P9S_MAX_FIDS, &d->cfg.max_fids) ||
			    !d->cfg.max_fids)
				goto bad;
			break;
		case 'n':
			if (parse_u32(optarg, MAX_RINGS, &d->max_rings) ||
			    !d->max_rings)
				goto bad;
			break;
		case 'o':
			if (parse_u32(optarg, P9X_MAX_ORDER, &d->max_order) ||
			    !d->max_order)
				goto bad;
			break;
		case 'N':
			d->drop = false;
			break;
		case 'F':
			*fg = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc || !have_domid || !*root) {
		fprintf(stderr,
			"xenpod-9pfsd: --domid and --root are required\n");
		usage(stderr);
		return -EINVAL;
	}
	return 0;
bad:
	for (v = 0; opts[v].name && opts[v].val != c; v++)
		;
	fprintf(stderr, "xenpod-9pfsd: bad value for --%s: %s\n",
		opts[v].name ? opts[v].name : "?", optarg);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct dev d = { 0 };
	const char *root = NULL;
	struct pollfd pfd[2];
	struct sigaction sa = { 0 };
	char token[32], path[160];
	bool fg = false;
	int rc, st, fd, more = 0;

	d.max_rings = DEFAULT_RINGS;
	d.max_order = DEFAULT_ORDER;
	d.drop = true;
	d.cfg.squash_uid = d.cfg.squash_gid = P9S_SQUASH_OWNER;
	if (parse_args(argc, argv, &d, &root, &fg))
		return 2;
	if (!d.cfg.max_msize)
		d.cfg.max_msize = P9S_DEFAULT_MSIZE;
	log_init("xenpod-9pfsd", fg, LOG_LEVEL_INFO);
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		log_err("9pfs: volume root %s: %s", root, strerror(errno));
		return 1;
	}
	d.cfg.root_fd = fd;
	if (d.cfg.squash_uid == P9S_SQUASH_OWNER) {
		struct stat sb;

		if (fstat(fd, &sb))
			return 1;
		d.cfg.squash_uid = sb.st_uid;
		d.cfg.squash_gid = sb.st_gid;
	}
	snprintf(d.be, sizeof(d.be), "/local/domain/0/backend/9pfs/%u/%u",
		 d.domid, d.devid);
	snprintf(d.fe, sizeof(d.fe), "/local/domain/%u/device/9pfs/%u", d.domid,
		 d.devid);
	{
		static char name[40];

		snprintf(name, sizeof(name), "dom%u/%u", d.domid, d.devid);
		d.cfg.name = name;
	}
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = xs_connect(&d.xs);
	if (rc) {
		log_err("9pfs: cannot reach xenstore: %s", strerror(-rc));
		return 1;
	}
	d.gt = xengnttab_open(NULL, 0);
	d.ev = xenevtchn_open(NULL, 0);
	if (!d.gt || !d.ev) {
		log_err("9pfs: cannot open the grant table or event channel device: %s",
			strerror(errno));
		return 1;
	}
	/* The frontend path the toolstack wrote must be the one we expect. */
	rc = node(&d, d.be, "frontend", path, sizeof(path));
	if (!rc && strcmp(path, d.fe)) {
		log_err("9pfs %u/%u: backend names frontend %s, expected %s",
			d.domid, d.devid, path, d.fe);
		return 1;
	}
	if (set_node(&d, "versions", 1) ||
	    set_node(&d, "max-rings", d.max_rings) ||
	    set_node(&d, "max-ring-page-order", d.max_order) ||
	    set_node(&d, "state", ST_INITWAIT)) {
		log_err("9pfs %u/%u: cannot publish the backend nodes under %s",
			d.domid, d.devid, d.be);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/state", d.fe);
	rc = xs_node_watch(d.xs, path, "fe");
	if (rc) {
		log_err("9pfs %u/%u: cannot watch %s: %s", d.domid, d.devid,
			path, strerror(-rc));
		return 1;
	}
	log_info(
		"9pfs %u/%u: serving %s%s (msize <= %u, %u rings, order <= %u)",
		d.domid, d.devid, root, d.cfg.readonly ? " read-only" : "",
		d.cfg.max_msize, d.max_rings, d.max_order);
	pfd[0].fd = xs_fd(d.xs);
	pfd[0].events = POLLIN;
	pfd[1].fd = xenevtchn_fd(d.ev);
	pfd[1].events = POLLIN;
	rc = 0;
	while (!stop) {
		if (poll(pfd, 2, more ? 0 : -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (pfd[0].revents) {
			while (xs_next_watch(d.xs, token, sizeof(token)) == 0)
				;
			st = frontend_state(&d);
			if (st < 0 || st >= ST_CLOSING) {
				log_info("9pfs %u/%u: frontend %s", d.domid,
					 d.devid,
					 st < 0 ? "state unreadable" :
						  "closing");
				break;
			}
			if ((st == ST_INITIALISED || st == ST_CONNECTED) &&
			    !d.connected) {
				rc = connect_rings(&d);
				if (rc) {
					disconnect(&d);
					break;
				}
			}
		}
		if (pfd[1].revents) {
			xenevtchn_port_or_error_t port =
				xenevtchn_pending(d.ev);

			if (port >= 0) {
				d.n_event++;
				xenevtchn_unmask(d.ev, (evtchn_port_t)port);
			}
		}
		if (d.connected) {
			more = serve(&d);
			if (more < 0) {
				rc = more;
				break;
			}
		}
	}
	disconnect(&d);
	set_node(&d, "state", ST_CLOSING);
	set_node(&d, "state", ST_CLOSED);
	xenevtchn_close(d.ev);
	xengnttab_close(d.gt);
	xs_disconnect(d.xs);
	close(fd);
	log_info("9pfs %u/%u: stopped%s: %lu requests, %lu notifications, "
		 "%lu events",
		 d.domid, d.devid, rc ? " on an error" : "", d.n_req,
		 d.n_notify, d.n_event);
	return rc ? 1 : 0;
}
