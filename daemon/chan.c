/* SPDX-License-Identifier: MIT */
/* chan: one pod's I/O channel: the libxenvchan server (the seam) and the podio frame engine over it. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxenvchan.h>
#include <xenevtchn.h>
#include <xengnttab.h>

#include "chan.h"
#include "ev.h"
#include "log.h"
#include "xenstore-paths.h"

/* What the guest may still send us on a stream, and we it. */
struct stream {
	bool used;
	uint16_t id;
	uint32_t out_allow[3]; /* guest -> dom0 DATA still allowed, by fd */
	uint32_t in_credit; /* dom0 -> guest stdin we may send */
};

struct chan {
	const struct chan_io *io;
	void *t;
	int fd;
	struct ev_fd *evh;
	struct ev_timer *again; /* more to do after the budget ran out */
	struct ev_timer *tick; /* the periodic poll (CHAN_TICK_MS) */
	uint64_t rx_bytes, tx_bytes; /* moved off / onto the rings */
	char name[65];
	const struct chan_cb *cb;
	void *arg;
	bool hello, down, parked;
	char why[160];
	uint64_t window_start;
	unsigned wakeups;
	uint16_t next_id;
	/* Bytes copied off the ring, parsed only here (never in shared memory). */
	uint8_t in[2 * (PODIO_HDR_LEN + PODIO_MAX_PAYLOAD)];
	size_t in_len;
	uint8_t *out; /* frames queued for the guest */
	size_t out_len, out_cap;
	struct stream streams[CHAN_MAX_STREAMS + 1]; /* [0] is stream 0 */
};

static struct stream *find_stream(const struct chan *c, uint16_t id)
{
	size_t i;

	for (i = 0; i <= CHAN_MAX_STREAMS; i++)
		if (c->streams[i].used && c->streams[i].id == id)
			return (struct stream *)&c->streams[i];
	return NULL;
}

/* The channel is unusable from now on; the owner hears it once. */
static void go_down(struct chan *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void go_down(struct chan *c, const char *fmt, ...)
{
	va_list ap;

	if (c->down)
		return;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	c->down = true;
	ev_fd_del(c->evh);
	c->evh = NULL;
	ev_timer_del(c->again);
	c->again = NULL;
	ev_timer_del(c->tick);
	c->tick = NULL;
	log_warn("pod %s: channel closed: %s", c->name, c->why);
	if (c->cb->down)
		c->cb->down(c->arg, c->why);
}

/* ---- sending ---- */

static void flush(struct chan *c)
{
	int r;

	while (c->out_len && !c->down) {
		r = c->io->write(c->t, c->out, c->out_len);
		if (r < 0) {
			go_down(c, "the guest closed the channel");
			return;
		}
		if (r == 0)
			return; /* ring full: the guest's read notifies us */
		memmove(c->out, c->out + r, c->out_len - (size_t)r);
		c->out_len -= (size_t)r;
		c->tx_bytes += (uint64_t)r;
	}
}

static int queue_frame(struct chan *c, uint8_t type, uint16_t stream,
		       const void *payload, uint32_t len)
{
	size_t need = PODIO_HDR_LEN + len;

	if (c->down)
		return -EPIPE;
	if (c->out_len + need > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 65536;
		uint8_t *n;

		while (cap < c->out_len + need)
			cap *= 2;
		n = realloc(c->out, cap);
		if (!n)
			return -ENOMEM;
		c->out = n;
		c->out_cap = cap;
	}
	podio_frame(c->out + c->out_len, c->out_cap - c->out_len, type, stream,
		    payload, len);
	c->out_len += need;
	flush(c);
	return 0;
}

/* ---- receiving ---- */

static int on_hello(struct chan *c, const struct podio_hdr *h, const uint8_t *p)
{
	struct stream *s0 = &c->streams[0];

	if (c->hello || h->stream != 0)
		return -EPROTO;
	if (podio_get32(p) != PODIO_VERSION) {
		go_down(c, "guest speaks podio version %u, not %u",
			podio_get32(p), PODIO_VERSION);
		return -EPROTO;
	}
	c->hello = true;
	memset(s0, 0, sizeof(*s0));
	s0->used = true;
	s0->out_allow[1] = s0->out_allow[2] = PODIO_INITIAL_CREDIT;
	s0->in_credit = PODIO_INITIAL_CREDIT;
	if (c->cb->hello)
		c->cb->hello(c->arg);
	return 0;
}

static int on_data(struct chan *c, struct stream *s, const struct podio_hdr *h,
		   const uint8_t *p)
{
	int fd = h->type == PODIO_STDOUT ? 1 : 2;

	if (h->len > s->out_allow[fd]) {
		go_down(c, "stream %u: %u bytes beyond its credit of %u",
			h->stream, h->len, s->out_allow[fd]);
		return -EPROTO;
	}
	s->out_allow[fd] -= h->len;
	if (h->len && c->cb->output)
		c->cb->output(c->arg, h->stream, fd, p, h->len);
	return 0;
}

static int on_credit(struct chan *c, struct stream *s,
		     const struct podio_hdr *h, const uint8_t *p)
{
	uint8_t fd;
	uint32_t n;

	if (podio_credit_decode(p, h->len, &fd, &n) || fd != 0)
		return -EPROTO;
	/* Outstanding credit never needs more than 2^31: anything else is hostile. */
	if (n > 0x80000000u - s->in_credit) {
		go_down(c, "stream %u: stdin credit overflow", h->stream);
		return -EPROTO;
	}
	s->in_credit += n;
	if (n && c->cb->writable)
		c->cb->writable(c->arg, h->stream);
	return 0;
}

static int on_end(struct chan *c, struct stream *s, const struct podio_hdr *h,
		  const uint8_t *p)
{
	char msg[PODIO_ERROR_MAX_MSG + 1];
	uint32_t signo = 0;
	int32_t code;
	uint16_t id = s->id;
	int rc;

	if (h->type == PODIO_EXIT)
		rc = podio_exit_decode(p, h->len, &code, &signo);
	else
		rc = podio_error_decode(p, h->len, &code, msg, sizeof(msg));
	if (rc)
		return rc;
	memset(s, 0, sizeof(*s));
	if (c->cb->exit)
		c->cb->exit(c->arg, id, code, signo,
			    h->type == PODIO_ERROR ? msg : NULL);
	return 0;
}

static int dispatch(struct chan *c, const struct podio_hdr *h, const uint8_t *p)
{
	struct stream *s;

	if (h->type == PODIO_HELLO)
		return on_hello(c, h, p);
	if (!c->hello)
		return -EPROTO; /* nothing before HELLO */
	s = find_stream(c, h->stream);
	if (!s) {
		go_down(c, "frame type %u for stream %u, which is not open",
			h->type, h->stream);
		return -EPROTO;
	}
	switch (h->type) {
	case PODIO_STDOUT:
	case PODIO_STDERR:
		return on_data(c, s, h, p);
	case PODIO_EOF:
		if (p[0] != 1 && p[0] != 2)
			return -EPROTO;
		if (c->cb->eof)
			c->cb->eof(c->arg, h->stream, p[0]);
		return 0;
	case PODIO_CREDIT:
		return on_credit(c, s, h, p);
	case PODIO_EXIT:
	case PODIO_ERROR:
		return on_end(c, s, h, p);
	default: /* EXEC, STDIN, RESIZE, SIGNAL only go to the guest */
		return -EPROTO;
	}
}

/* One complete frame at the start of c->in: 1 handled, 0 incomplete, <0 bad. */
static int take_frame(struct chan *c, size_t *used)
{
	struct podio_hdr h;
	int rc;

	if (c->in_len < PODIO_HDR_LEN)
		return 0;
	rc = podio_hdr_decode(c->in, &h);
	if (rc) {
		go_down(c, "bad frame header (type %u flags %u len %u)",
			c->in[0], c->in[1], podio_get32(c->in + 4));
		return rc;
	}
	if (c->in_len - PODIO_HDR_LEN < h.len)
		return 0;
	*used = PODIO_HDR_LEN + h.len;
	rc = dispatch(c, &h, c->in + PODIO_HDR_LEN);
	if (rc)
		go_down(c, "bad frame (type %u stream %u len %u)", h.type,
			h.stream, h.len);
	return rc ? rc : 1;
}

static void schedule_again(struct chan *c);

/* Copies off the ring and handles frames until the budget is spent. */
static void pump(struct chan *c)
{
	unsigned frames = 0;
	size_t bytes = 0, used;
	int r;

	while (!c->down && frames < CHAN_FRAME_BUDGET &&
	       bytes < CHAN_BYTE_BUDGET) {
		used = 0;
		r = take_frame(c, &used);
		if (r < 0)
			return;
		if (r > 0) {
			memmove(c->in, c->in + used, c->in_len - used);
			c->in_len -= used;
			frames++;
			bytes += used;
			continue;
		}
		r = c->io->read(c->t, c->in + c->in_len,
				sizeof(c->in) - c->in_len);
		if (r < 0) {
			go_down(c, "the guest closed the channel");
			return;
		}
		if (r == 0)
			return;
		c->in_len += (size_t)r;
		c->rx_bytes += (uint64_t)r;
	}
	if (!c->down)
		schedule_again(c); /* budget spent: finish on a later turn */
}

void chan_poll(struct chan *c)
{
	if (c->down)
		return;
	flush(c);
	pump(c);
	if (!c->down && c->io->state(c->t) == 0)
		go_down(c, "the guest closed the channel");
}

void chan_drain(struct chan *c)
{
	int i;

	/* Bounded: a guest still writing cannot keep us here. */
	for (i = 0; c && !c->down && i < 64; i++) {
		size_t before = c->in_len;

		chan_poll(c);
		if (!c->again && c->in_len == before)
			break;
	}
}

static void on_again(void *arg)
{
	struct chan *c = arg;

	c->again = NULL;
	if (c->parked && c->evh) {
		c->parked = false;
		ev_fd_modify(c->evh, POLLIN);
	}
	chan_poll(c);
}

static void schedule_again(struct chan *c)
{
	if (!c->again && !c->down)
		ev_timer_add(ev_now_ms() + 1, on_again, c, &c->again);
}

/* The safety net's period: short only while the guest has not said HELLO. */
static uint64_t tick_ms(const struct chan *c)
{
	return c->hello ? CHAN_TICK_MS : CHAN_CONNECT_TICK_MS;
}

/*
 * The safety net: a rare poll (CHAN_TICK_MS) besides the events. Events
 * are the channel's only signal; this is here so that one lost
 * notification (a guest or dom0 bug, a hostile guest) costs a pause, never
 * a hang. It is cheap: reading empty rings makes no system call, and an
 * event goes to the guest only when work is waiting (frames queued for
 * ring space, or frames this poll moved). Work it finds is work whose
 * event never came: every such find is logged, so the log counts them.
 */
static void on_tick(void *arg)
{
	struct chan *c = arg;
	uint64_t rx0 = c->rx_bytes, tx0 = c->tx_bytes, now = ev_now_ms();
	bool moved;

	c->tick = NULL;
	if (c->down)
		return;
	if (c->parked && !c->again) { /* never left parked without a timer */
		c->parked = false;
		ev_fd_modify(c->evh, POLLIN);
	}
	chan_poll(c);
	if (c->down)
		return;
	moved = c->rx_bytes != rx0 || c->tx_bytes != tx0;
	if (c->io->kick && (c->out_len || moved))
		c->io->kick(c->t);
	if (moved)
		log_info(
			"pod %s: channel: the periodic poll moved %llu bytes in, %llu out: an event was missed",
			c->name, (unsigned long long)(c->rx_bytes - rx0),
			(unsigned long long)(c->tx_bytes - tx0));
	ev_timer_add(now + tick_ms(c), on_tick, c, &c->tick);
}

/* An event-channel storm parks the fd for the rest of the window (R4). */
static void on_fd(int fd, short revents, void *arg)
{
	struct chan *c = arg;
	uint64_t now = ev_now_ms();

	(void)fd;
	(void)revents;
	c->io->ack(c->t);
	if (now - c->window_start >= CHAN_WAKE_WINDOW_MS) {
		c->window_start = now;
		c->wakeups = 0;
	}
	if (++c->wakeups > CHAN_WAKE_MAX && !c->again) {
		c->parked = true;
		ev_fd_modify(c->evh, 0);
		ev_timer_add(c->window_start + CHAN_WAKE_WINDOW_MS, on_again, c,
			     &c->again);
		return;
	}
	chan_poll(c);
}

/* ---- owner's side ---- */

int chan_open_io(const struct chan_io *io, void *t, int fd, const char *name,
		 const struct chan_cb *cb, void *arg, struct chan **c_r)
{
	struct chan *c = calloc(1, sizeof(*c));
	uint8_t v[4];
	int rc = 0;

	if (!c)
		return -ENOMEM;
	c->io = io;
	c->t = t;
	c->fd = fd;
	c->cb = cb;
	c->arg = arg;
	c->next_id = 1;
	c->window_start = ev_now_ms();
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (fd >= 0)
		rc = ev_fd_add(fd, POLLIN, on_fd, c, &c->evh);
	podio_put32(v, PODIO_VERSION);
	if (!rc)
		rc = queue_frame(c, PODIO_HELLO, 0, v, sizeof(v));
	if (!rc)
		rc = ev_timer_add(ev_now_ms() + tick_ms(c), on_tick, c,
				  &c->tick);
	if (rc) {
		c->down = true; /* no callbacks from here */
		chan_close(c);
		return rc;
	}
	*c_r = c;
	return 0;
}

void chan_close(struct chan *c)
{
	if (!c)
		return;
	ev_fd_del(c->evh);
	ev_timer_del(c->again);
	ev_timer_del(c->tick);
	c->io->close(c->t);
	free(c->out);
	free(c);
}

void chan_describe(const struct chan *c, char *buf, size_t sz)
{
	size_t i, o;

	o = (size_t)snprintf(
		buf, sz,
		"hello %d down %d parked %d out %zu in %zu rx %llu tx %llu streams",
		c->hello, c->down, c->parked, c->out_len, c->in_len,
		(unsigned long long)c->rx_bytes,
		(unsigned long long)c->tx_bytes);
	for (i = 0; i <= CHAN_MAX_STREAMS && o < sz; i++)
		if (c->streams[i].used)
			o += (size_t)snprintf(buf + o, sz - o,
					      " %u:allow %u/%u credit %u",
					      c->streams[i].id,
					      c->streams[i].out_allow[1],
					      c->streams[i].out_allow[2],
					      c->streams[i].in_credit);
}

bool chan_up(const struct chan *c)
{
	return c && c->hello && !c->down;
}

const char *chan_why(const struct chan *c)
{
	return c->why;
}

bool chan_stream_open(const struct chan *c, uint16_t stream)
{
	return chan_up(c) && find_stream(c, stream);
}

int chan_stream_alloc(struct chan *c)
{
	unsigned tries;

	if (!chan_up(c))
		return -ENOTCONN;
	for (tries = 0; tries < 65535; tries++) {
		uint16_t id = c->next_id;

		c->next_id = c->next_id == 65535 ? 1 : c->next_id + 1;
		if (!find_stream(c, id))
			return id;
	}
	return -EBUSY;
}

int chan_exec(struct chan *c, uint16_t stream, const struct podio_exec *req)
{
	static uint8_t buf[PODIO_MAX_PAYLOAD];
	struct stream *s = NULL;
	size_t i;
	int n, rc;

	if (!chan_up(c))
		return -ENOTCONN;
	if (!stream || find_stream(c, stream))
		return -EEXIST;
	for (i = 1; i <= CHAN_MAX_STREAMS && !s; i++)
		if (!c->streams[i].used)
			s = &c->streams[i];
	if (!s)
		return -EBUSY;
	n = podio_exec_encode(req, buf, sizeof(buf));
	if (n < 0)
		return n;
	rc = queue_frame(c, PODIO_EXEC, stream, buf, (uint32_t)n);
	if (rc)
		return rc;
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->id = stream;
	s->out_allow[1] = s->out_allow[2] = PODIO_INITIAL_CREDIT;
	s->in_credit = PODIO_INITIAL_CREDIT;
	return 0;
}

size_t chan_stdin_room(const struct chan *c, uint16_t stream)
{
	const struct stream *s = chan_up(c) ? find_stream(c, stream) : NULL;

	if (!s || c->out_len >= CHAN_OUT_MAX)
		return 0;
	return s->in_credit;
}

int chan_stdin(struct chan *c, uint16_t stream, const void *data, size_t n)
{
	struct stream *s = chan_up(c) ? find_stream(c, stream) : NULL;
	const uint8_t *p = data;
	size_t done = 0, k;
	int rc;

	if (!s)
		return -ENOTCONN;
	while (done < n && s->in_credit && c->out_len < CHAN_OUT_MAX) {
		k = n - done;
		if (k > s->in_credit)
			k = s->in_credit;
		if (k > PODIO_MAX_PAYLOAD)
			k = PODIO_MAX_PAYLOAD;
		rc = queue_frame(c, PODIO_STDIN, stream, p + done, (uint32_t)k);
		if (rc)
			return done ? (int)done : rc;
		s->in_credit -= (uint32_t)k;
		done += k;
	}
	return (int)done;
}

static int small_frame(struct chan *c, uint8_t type, uint16_t stream,
		       const uint8_t *p, uint32_t len)
{
	if (!chan_up(c))
		return -ENOTCONN;
	if (!find_stream(c, stream))
		return -ENOENT;
	return queue_frame(c, type, stream, p, len);
}

int chan_stdin_eof(struct chan *c, uint16_t stream)
{
	uint8_t fd = 0;

	return small_frame(c, PODIO_EOF, stream, &fd, 1);
}

int chan_resize(struct chan *c, uint16_t stream, uint16_t rows, uint16_t cols)
{
	uint8_t p[4];

	podio_put16(p, rows);
	podio_put16(p + 2, cols);
	return small_frame(c, PODIO_RESIZE, stream, p, 4);
}

int chan_signal(struct chan *c, uint16_t stream, uint32_t signo)
{
	uint8_t p[4];

	if (!signo || signo > 64)
		return -EINVAL;
	podio_put32(p, signo);
	return small_frame(c, PODIO_SIGNAL, stream, p, 4);
}

int chan_grant(struct chan *c, uint16_t stream, int fd, uint32_t n)
{
	struct stream *s = chan_up(c) ? find_stream(c, stream) : NULL;
	uint8_t p[8];

	if (!s)
		return -ENOENT; /* the stream ended: nothing to return */
	if (fd < 1 || fd > 2 || !n)
		return -EINVAL;
	/* Never let the guest's allowance exceed the initial window. */
	if (n > PODIO_INITIAL_CREDIT - s->out_allow[fd])
		n = PODIO_INITIAL_CREDIT - s->out_allow[fd];
	if (!n)
		return 0;
	s->out_allow[fd] += n;
	podio_credit_encode(p, (uint8_t)fd, n);
	return queue_frame(c, PODIO_CREDIT, stream, p, 8);
}

/* ---- the libxenvchan transport (the only libxenvchan user) ---- */

#define GNTALLOC_LIMIT "/sys/module/xen_gntalloc/parameters/limit"

void chan_host_setup(void)
{
	/* One control page and two rings per pod. */
	unsigned per_pod = 1 + 2 * (PODIO_RING_BYTES / 4096);
	unsigned long limit = 0;
	FILE *f = fopen(GNTALLOC_LIMIT, "re");
	int ok = f && fscanf(f, "%lu", &limit) == 1;

	if (f)
		fclose(f);
	if (!ok) {
		log_warn(
			"cannot read %s (xen_gntalloc not loaded?): the I/O channel needs it",
			GNTALLOC_LIMIT);
		return;
	}
	if (limit >= CHAN_GNTALLOC_PAGES)
		return;
	f = fopen(GNTALLOC_LIMIT, "we");
	ok = f && fprintf(f, "%u\n", CHAN_GNTALLOC_PAGES) > 0;
	if (f && fclose(f))
		ok = 0;
	if (ok)
		log_info(
			"raised dom0's gntalloc limit from %lu to %u pages (%u per pod)",
			limit, CHAN_GNTALLOC_PAGES, per_pod);
	else
		log_warn(
			"dom0's gntalloc limit is %lu pages: at most %lu pods get an I/O channel (%u pages each); raise %s",
			limit, limit / per_pod, per_pod, GNTALLOC_LIMIT);
}

static int vc_read(void *t, void *buf, size_t n)
{
	return libxenvchan_read(t, buf, n);
}

static int vc_write(void *t, const void *buf, size_t n)
{
	return libxenvchan_write(t, buf, n);
}

static int vc_state(void *t)
{
	return libxenvchan_is_open(t);
}

/* The fd is readable: this consumes the event without blocking. */
static void vc_ack(void *t)
{
	libxenvchan_wait(t);
}

static void vc_close(void *t)
{
	libxenvchan_close(t);
}

static void vc_kick(void *t)
{
	struct libxenvchan *v = t;

	xenevtchn_notify(v->event, v->event_port);
}

static const struct chan_io vchan_io = {
	.read = vc_read,
	.write = vc_write,
	.state = vc_state,
	.ack = vc_ack,
	.close = vc_close,
	.kick = vc_kick,
};

/*
 * A vchan server set up as libxenvchan_server_init does (same ring orders,
 * page layout, notify offset and xenstore nodes, so the guest sees the
 * same), but with its own failure path: the library's frees an unset
 * xs_path when sharing fails (Xen 4.17), which crashed xenpodd when dom0's
 * gntalloc ran out of pages. The struct is zeroed; on failure each step
 * undoes what it did; libxenvchan_close is called only on a whole one.
 */
static int vc_order(size_t bytes)
{
	int o = 12;

	while (bytes > (1ul << o))
		o++;
	return o;
}

static int vc_server(uint32_t domid, const char *path, chan_publish_fn publish,
		     void *xs, struct libxenvchan **v_r)
{
	struct libxenvchan *v = calloc(1, sizeof(*v));
	int order = vc_order(PODIO_RING_BYTES), pages = 1 << (order - 12);
	uint32_t ring_ref = 0;
	xenevtchn_port_or_error_t port;
	int rc;

	_Static_assert(PODIO_RING_BYTES > 2048, "rings outside the page");
	if (!v)
		return -ENOMEM;
	v->is_server = 1;
	v->read.order = v->write.order = order;
	v->gntshr = xengntshr_open(NULL, 0);
	if (!v->gntshr) {
		rc = errno ? -errno : -EIO;
		goto out_free;
	}
	v->event = xenevtchn_open(NULL, 0);
	if (!v->event) {
		rc = errno ? -errno : -EIO;
		goto out_gntshr;
	}
	port = xenevtchn_bind_unbound_port(v->event, domid);
	if (port < 0) {
		rc = errno ? -errno : -EIO;
		goto out_event;
	}
	v->event_port = (uint32_t)port;
	if (xenevtchn_unmask(v->event, v->event_port)) {
		rc = errno ? -errno : -EIO;
		goto out_unbind;
	}
	v->ring = xengntshr_share_page_notify(
		v->gntshr, domid, &ring_ref, 1,
		offsetof(struct vchan_interface, srv_live), v->event_port);
	if (!v->ring) {
		rc = errno ? -errno : -EIO;
		goto out_unbind;
	}
	memset(v->ring, 0, 4096);
	v->read.shr = &v->ring->left;
	v->write.shr = &v->ring->right;
	v->ring->left_order = (uint16_t)order;
	v->ring->right_order = (uint16_t)order;
	v->ring->cli_live = 2;
	v->ring->srv_live = 1;
	v->ring->cli_notify = VCHAN_NOTIFY_WRITE;
	v->read.buffer = xengntshr_share_pages(v->gntshr, domid, pages,
					       v->ring->grants, 1);
	if (!v->read.buffer) {
		rc = errno ? -errno : -EIO;
		goto out_ring;
	}
	v->write.buffer = xengntshr_share_pages(v->gntshr, domid, pages,
						v->ring->grants + pages, 1);
	if (!v->write.buffer) {
		rc = errno ? -errno : -EIO;
		goto out_read;
	}
	/* Fully set up: from here libxenvchan_close undoes it all, and
	 * removes path (it frees xs_path, so it is malloc'ed). */
	v->xs_path = strdup(path);
	if (!v->xs_path) {
		rc = -ENOMEM;
		goto out_write;
	}
	rc = publish(xs, domid, path, ring_ref, v->event_port);
	if (rc) {
		libxenvchan_close(v);
		return rc;
	}
	*v_r = v;
	return 0;
out_write:
	xengntshr_unshare(v->gntshr, v->write.buffer, pages);
out_read:
	xengntshr_unshare(v->gntshr, v->read.buffer, pages);
out_ring:
	xengntshr_unshare(v->gntshr, v->ring, 1);
out_unbind:
	xenevtchn_unbind(v->event, v->event_port);
out_event:
	xenevtchn_close(v->event);
out_gntshr:
	xengntshr_close(v->gntshr);
out_free:
	free(v);
	return rc;
}

int chan_open(uint32_t domid, const char *name, chan_publish_fn publish,
	      void *xs, const struct chan_cb *cb, void *arg, struct chan **c_r)
{
	struct libxenvchan *v;
	char path[96];
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/" XSP_XENPOD_CHAN,
		 domid);
	rc = vc_server(domid, path, publish, xs, &v);
	if (rc)
		return rc;
	v->blocking = 0;
	rc = chan_open_io(&vchan_io, v, libxenvchan_fd_for_select(v), name, cb,
			  arg, c_r);
	if (rc)
		libxenvchan_close(v);
	return rc;
}
