/* SPDX-License-Identifier: MIT */
/* podio_guest.c: the pod I/O channel's guest end: connection, frame dispatch, stream files, exec. */
#include "kernel/podio_guest.h"

#include "arch/cpu.h"
#include "kernel/errno.h"
#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/pty.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/fmt.h"
#include "lib/podio.h"
#include "lib/spec.h"
#include "lib/string.h"
#include "platform.h"
#include "xenplat/vchan.h"

#define MAX_SESSIONS 64
#define ENV_MAX (2 * PODIO_EXEC_MAX_ENV + 2)
#define DEFAULT_EXEC_PATH "/bin:/usr/bin:/sbin:/usr/sbin"
#define CREDIT_CAP (1u << 30)
#define SERVER_DOM 0
#define RECHECK_NS 1000000000ull

/* NONE: no channel (console stdio); DOWN: waiting for a server; HELLO:
 * mapped, waiting for dom0's HELLO; READY: frames flow. */
enum chan_state { CH_NONE, CH_DOWN, CH_HELLO, CH_READY };

/*
 * One stream: the main process's (id 0, for the life of the pod) or an
 * exec session's (from EXEC until its EXIT is in the ring). The list
 * holds one reference, every open stream file one more.
 */
struct pstream {
	struct list_node link; /* in streams, which holds a reference */
	uint16_t id;
	int refs;
	bool listed; /* dom0 knows it: frames may flow */
	bool hup; /* channel lost under an exec session */
	int pid;
	/* stdin, dom0 -> process: a PODIO_INITIAL_CREDIT ring */
	uint8_t *in;
	uint32_t in_head, in_count;
	uint32_t in_window; /* bytes dom0 may still send */
	uint32_t in_owed; /* consumed, not yet given back as CREDIT */
	bool in_eof;
	/* stdout [0], stderr [1] */
	uint32_t out_credit[2];
	int out_files[2];
	bool eof_pending[2];
	bool exit_pending, error_pending;
	int32_t code;
	uint32_t signo;
	char msg[PODIO_ERROR_MAX_MSG + 1];
	struct pty *pty;
};

static enum chan_state state = CH_NONE;
static struct vchan vc;
static volatile bool chan_changed;
static uint32_t cur_ref; /* the connected server's ring-ref */
static struct list_node streams = LIST_INIT(streams);
static struct pstream *main_s;
static unsigned nsessions;
static const char tx_chan; /* writers waiting for credit or ring space */
static char *const *base_env;
static struct inode *base_cwd;
static const struct cred *base_cred;
/* init's receive state: a header, then its payload */
static uint8_t rx_buf[PODIO_HDR_LEN + PODIO_MAX_PAYLOAD];
static size_t rx_have;
/* one frame being built: writers fill it and write it with interrupts
 * off and without sleeping, so a single buffer serves everyone */
static uint8_t tx_buf[PODIO_HDR_LEN + PODIO_MAX_PAYLOAD];
/*
 * Stream 0's DATA frames that may still sit unread in the ring: if the
 * server dies (a daemon killed between our write and its read), those it
 * had not started consuming are sent again to the next server, so the
 * main process's output is not lost. Headers are rebuilt from these
 * records, never read back from the shared ring.
 */
#define REPLAY_RECS 256
#define REPLAY_MAX (PODIO_RING_BYTES - 64)
static struct replay_rec {
	uint32_t pos, len; /* ring position of the header; payload bytes */
	uint8_t type;
} recs[REPLAY_RECS];
static unsigned rec_head, rec_count;
static uint8_t replay[REPLAY_MAX];
static size_t replay_len;

const void *podio_guest_wait_chan(void)
{
	return task_first();
}

static void kick(void)
{
	wake_up(task_first());
}

static void on_event(evtchn_port_t port, struct trap_frame *f, void *arg)
{
	kick();
	wake_up(&tx_chan);
	need_resched = true;
}

static void on_watch(const char *path, const char *token, void *arg)
{
	chan_changed = true;
	kick();
}

/* ---- streams ---- */

static struct pstream *stream_find(uint16_t id)
{
	struct pstream *s;

	list_for_each(s, &streams, link)
		if (s->id == id)
			return s;
	return NULL;
}

static struct pstream *stream_new(uint16_t id)
{
	struct pstream *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->in = kmalloc(PODIO_INITIAL_CREDIT);
	if (!s->in) {
		kfree(s);
		return NULL;
	}
	s->id = id;
	s->refs = 1;
	s->listed = true;
	s->in_window = PODIO_INITIAL_CREDIT;
	s->out_credit[0] = s->out_credit[1] = PODIO_INITIAL_CREDIT;
	list_add_head(&streams, &s->link);
	return s;
}

static void stream_put(struct pstream *s)
{
	if (--s->refs > 0)
		return;
	if (s->pty) {
		pty_hangup(s->pty); /* the slave outlives us: EOF and EIO */
		pty_put(s->pty);
	}
	kfree(s->in);
	kfree(s);
}

static void stream_unlist(struct pstream *s)
{
	list_del(&s->link);
	if (s != main_s)
		nsessions--;
	s->listed = false;
	wake_up(s);
	wake_up(&tx_chan);
	poll_wake();
	stream_put(s);
}

/* ---- sending ---- */

static void disconnect(const char *why);

/* Writes a whole frame from tx_buf-like storage; 1 done, 0 no room,
 * -EIO (the channel is then closed). */
static int send_frame(const uint8_t *frame, size_t len)
{
	int rc = vchan_write(&vc, frame, len);

	if (rc < 0) {
		disconnect("ring index violation on send");
		return -EIO;
	}
	return rc > 0;
}

static int send_ctrl(uint8_t type, uint16_t stream, const void *p, uint32_t len)
{
	static uint8_t f[PODIO_HDR_LEN + 4 + PODIO_ERROR_MAX_MSG];
	int n = podio_frame(f, sizeof(f), type, stream, p, len);

	return n < 0 ? n : send_frame(f, (size_t)n);
}

/* Queued control frames of one stream, in order; false if the ring is
 * full (the rest waits for the next event). */
static bool flush_stream(struct pstream *s)
{
	uint8_t p[8 + PODIO_ERROR_MAX_MSG];
	int n;

	if (s->in_owed) {
		podio_credit_encode(p, 0, s->in_owed);
		if (send_ctrl(PODIO_CREDIT, s->id, p, 8) <= 0)
			return false;
		s->in_window += s->in_owed;
		s->in_owed = 0;
	}
	if (s->pty && !pty_flush_output(s->pty))
		return false;
	for (int i = 0; i < 2; i++) {
		if (!s->eof_pending[i])
			continue;
		p[0] = (uint8_t)(i + 1);
		if (send_ctrl(PODIO_EOF, s->id, p, 1) <= 0)
			return false;
		s->eof_pending[i] = false;
	}
	if (s->error_pending) {
		n = podio_error_encode(p, sizeof(p), s->code, s->msg);
		if (send_ctrl(PODIO_ERROR, s->id, p, (uint32_t)n) <= 0)
			return false;
		s->error_pending = false;
		stream_unlist(s);
	} else if (s->exit_pending) {
		podio_exit_encode(p, s->code, s->signo);
		if (send_ctrl(PODIO_EXIT, s->id, p, 8) <= 0)
			return false;
		s->exit_pending = false;
		if (s != main_s)
			stream_unlist(s);
		else /* dom0 closed stream 0: nothing more may follow */
			s->listed = false;
	}
	return true;
}

static void flush_all(void)
{
	struct pstream *s, *next;

	list_for_each_safe(s, next, &streams, link) { /* s may leave it */
		if (state != CH_READY || !flush_stream(s))
			return;
	}
}

/* Records a stream 0 frame; forgets those the server has consumed. */
static void remember(uint32_t pos, uint32_t len, uint8_t type)
{
	uint32_t cons;

	if (vchan_wr_consumed(&vc, &cons) == 0) {
		while (rec_count) {
			const struct replay_rec *r = &recs[rec_head];

			if ((int32_t)(cons -
				      (r->pos + PODIO_HDR_LEN + r->len)) < 0)
				break;
			rec_head = (rec_head + 1) % REPLAY_RECS;
			rec_count--;
		}
	}
	if (rec_count == REPLAY_RECS) { /* tiny writes: drop the oldest */
		rec_head = (rec_head + 1) % REPLAY_RECS;
		rec_count--;
	}
	recs[(rec_head + rec_count++) % REPLAY_RECS] =
		(struct replay_rec){ pos, len, type };
}

/* The dying server's unread stream 0 frames, into the replay buffer
 * (after any still waiting from an earlier server). */
static void save_replay(void)
{
	uint32_t cons;
	unsigned kept = 0;

	if (vchan_wr_consumed(&vc, &cons) == 0) {
		for (unsigned i = 0; i < rec_count; i++) {
			const struct replay_rec *r =
				&recs[(rec_head + i) % REPLAY_RECS];
			struct podio_hdr h = { r->type, 0, 0, r->len };

			if ((int32_t)(r->pos - cons) < 0)
				continue; /* the server had started on it */
			if (replay_len + PODIO_HDR_LEN + r->len > REPLAY_MAX)
				break;
			podio_hdr_encode(replay + replay_len, &h);
			vchan_wr_peek(&vc, r->pos + PODIO_HDR_LEN,
				      replay + replay_len + PODIO_HDR_LEN,
				      r->len);
			replay_len += PODIO_HDR_LEN + r->len;
			kept++;
		}
	}
	if (kept)
		pr_info("xenpod-kernel: pod channel: %u unread stream 0 "
			"frames kept for the next server\n",
			kept);
	rec_head = rec_count = 0;
}

/* Right after HELLO: stream 0's frames the last server never read. */
static void send_replay(void)
{
	size_t off = 0;

	while (off < replay_len) {
		struct podio_hdr h;
		uint32_t *credit, pos;

		podio_hdr_decode(replay + off, &h); /* built by us */
		credit = &main_s->out_credit[h.type == PODIO_STDOUT ? 0 : 1];
		pos = vchan_wr_pos(&vc);
		if (h.len > *credit ||
		    send_frame(replay + off, PODIO_HDR_LEN + h.len) <= 0)
			break;
		*credit -= h.len;
		remember(pos, h.len, h.type); /* this server may die too */
		off += PODIO_HDR_LEN + h.len;
	}
	if (off < replay_len)
		printk("xenpod-kernel: pod channel: %zu bytes of stream 0 "
		       "lost in a server change\n",
		       replay_len - off);
	replay_len = 0;
}

/* Writes DATA frames of n user bytes on s's fd (1 or 2) within credit
 * and ring space. Returns bytes written, or 0 with *wait set. */
static long out_chunk(struct pstream *s, int fd, const uint8_t *src, size_t n,
		      bool user)
{
	uint32_t credit = s->out_credit[fd - 1];
	size_t want = PODIO_HDR_LEN + (n < 4096 ? n : 4096);
	int space = vchan_space(&vc, want);
	size_t chunk = n;
	struct podio_hdr h = { 0 };
	uint32_t pos;

	if (space < 0) {
		disconnect("ring index violation on send");
		return 0;
	}
	if (!credit || (size_t)space <= PODIO_HDR_LEN)
		return 0;
	if (chunk > credit)
		chunk = credit;
	if (chunk > (size_t)space - PODIO_HDR_LEN)
		chunk = (size_t)space - PODIO_HDR_LEN;
	if (chunk > PODIO_MAX_PAYLOAD)
		chunk = PODIO_MAX_PAYLOAD;
	if (user) {
		if (copy_from_user(tx_buf + PODIO_HDR_LEN, src, chunk))
			return -EFAULT;
	} else {
		mem_copy_fast(tx_buf + PODIO_HDR_LEN, src, chunk);
	}
	h.type = fd == 1 ? PODIO_STDOUT : PODIO_STDERR;
	h.stream = s->id;
	h.len = (uint32_t)chunk;
	podio_hdr_encode(tx_buf, &h);
	pos = vchan_wr_pos(&vc);
	if (send_frame(tx_buf, PODIO_HDR_LEN + chunk) <= 0)
		return 0;
	s->out_credit[fd - 1] -= (uint32_t)chunk;
	if (s == main_s)
		remember(pos, h.len, h.type);
	return (long)chunk;
}

long podio_stream_write(struct pstream *s, int fd, const void *src, size_t n,
			bool user, bool nonblock)
{
	size_t done = 0;
	uint64_t fl = irq_save();
	long r = 0;

	while (done < n) {
		if (s->hup) {
			r = -EIO;
			break;
		}
		if (!s->listed) {
			if (user)
				signal_send(current, SIGPIPE, current->pid);
			r = -EPIPE;
			break;
		}
		r = state == CH_READY ?
			    out_chunk(s, fd, (const uint8_t *)src + done,
				      n - done, user) :
			    0;
		if (r < 0)
			break;
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (nonblock) {
			r = -EAGAIN;
			break;
		}
		r = sleep_on(&tx_chan, time_now_ns() + RECHECK_NS);
		if (r == -EINTR) {
			r = -ERESTARTSYS;
			break;
		}
		r = 0;
	}
	irq_restore(fl);
	return done ? (long)done : r;
}

/* ---- stream files ---- */

static struct inode *stream_inode(void)
{
	return inode_new(S_IFIFO | 0600);
}

long podio_stream_read(struct pstream *s, uint8_t *dst, size_t n, bool user,
		       bool nonblock)
{
	size_t done = 0;

	while (s->in_count == 0) {
		if (s->in_eof || s->hup || (!s->listed && s != main_s) || !n)
			return 0;
		if (nonblock)
			return -EAGAIN;
		if (sleep_on(s, 0) == -EINTR)
			return -ERESTARTSYS;
	}
	while (done < n && s->in_count) {
		uint32_t k = PODIO_INITIAL_CREDIT - s->in_head;

		if (k > s->in_count)
			k = s->in_count;
		if (k > n - done)
			k = (uint32_t)(n - done);
		if (user) {
			if (copy_to_user(dst + done, s->in + s->in_head, k))
				return done ? (long)done : -EFAULT;
		} else {
			mem_copy_fast(dst + done, s->in + s->in_head, k);
		}
		s->in_head = (s->in_head + k) % PODIO_INITIAL_CREDIT;
		s->in_count -= k;
		done += k;
	}
	if (s->listed) {
		s->in_owed += (uint32_t)done;
		kick();
	}
	return (long)done;
}

bool podio_stream_readable(const struct pstream *s)
{
	return s->in_count || s->in_eof || s->hup ||
	       (!s->listed && s != main_s);
}

bool podio_stream_eof(const struct pstream *s)
{
	return !s->in_count &&
	       (s->in_eof || s->hup || (!s->listed && s != main_s));
}

static long in_read(struct file *f, void *ubuf, size_t n)
{
	return podio_stream_read(f->priv, ubuf, n, true, f->flags & O_NONBLOCK);
}

static unsigned in_poll(struct file *f)
{
	return podio_stream_readable(f->priv) ? POLLIN : 0;
}

static void in_release(struct file *f)
{
	stream_put(f->priv);
}

static long out_write(struct file *f, const void *ubuf, size_t n, int fd)
{
	return podio_stream_write(f->priv, fd, ubuf, n, true,
				  f->flags & O_NONBLOCK);
}

static long out1_write(struct file *f, const void *ubuf, size_t n)
{
	return out_write(f, ubuf, n, 1);
}

static long out2_write(struct file *f, const void *ubuf, size_t n)
{
	return out_write(f, ubuf, n, 2);
}

static unsigned out_poll(struct file *f)
{
	struct pstream *s = f->priv;

	if (s->hup || !s->listed)
		return POLLERR;
	return state == CH_READY && s->out_credit[0] ? POLLOUT : 0;
}

static void out_release(struct file *f, int fd)
{
	struct pstream *s = f->priv;

	if (--s->out_files[fd - 1] == 0 && s->listed) {
		s->eof_pending[fd - 1] = true;
		kick();
	}
	stream_put(s);
}

static void out1_release(struct file *f)
{
	out_release(f, 1);
}

static void out2_release(struct file *f)
{
	out_release(f, 2);
}

static const struct file_ops in_ops = {
	.read = in_read,
	.poll = in_poll,
	.release = in_release,
};
static const struct file_ops out1_ops = {
	.write = out1_write,
	.poll = out_poll,
	.release = out1_release,
};
static const struct file_ops out2_ops = {
	.write = out2_write,
	.poll = out_poll,
	.release = out2_release,
};

static struct file *stream_file(struct pstream *s, int fd)
{
	static const struct file_ops *const ops[3] = { &in_ops, &out1_ops,
						       &out2_ops };
	struct inode *ino = stream_inode();
	struct file *f;

	if (!ino)
		return NULL;
	f = file_new(ino, fd ? O_WRONLY : O_RDONLY);
	if (!f) {
		kfree(ino);
		return NULL;
	}
	f->ops = ops[fd];
	f->priv = s;
	s->refs++;
	if (fd)
		s->out_files[fd - 1]++;
	return f;
}

/* The three stdio files of a stream; all or none. */
static int stream_files(struct pstream *s, struct file *fds[3])
{
	for (int i = 0; i < 3; i++) {
		fds[i] = stream_file(s, i);
		if (!fds[i]) {
			while (i--)
				file_put(fds[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

int podio_guest_main_stdio(struct file *fds[3], bool tty, bool open_stdin)
{
	if (!main_s)
		return -ENODEV;
	if (!tty) {
		/* dom0 sends no input then: it refuses attach with stdin */
		main_s->in_eof = !open_stdin;
		return stream_files(main_s, fds);
	}
	/* the size comes with dom0's first RESIZE */
	main_s->pty = pty_new(main_s, 24, 80);
	if (!main_s->pty)
		return -ENOMEM;
	return pty_slave_files(main_s->pty, fds);
}

void podio_guest_set_main(int pid)
{
	if (!main_s)
		return;
	main_s->pid = pid;
	if (main_s->pty)
		pty_set_session(main_s->pty, pid);
}

/* ---- connection ---- */

/* Hangs up an exec session: dom0 forgot it with the old channel. */
static void hangup(struct pstream *s)
{
	struct task *t = s->pid ? task_find(s->pid) : NULL;

	s->hup = true;
	if (s->pty)
		pty_hangup(s->pty);
	if (t) {
		signal_send(t, SIGHUP, 0);
		signal_send(t, SIGCONT, 0);
	}
	stream_unlist(s);
}

static void disconnect(const char *why)
{
	struct pstream *s, *next;

	if (state < CH_HELLO)
		return;
	/* A server going away is routine (a daemon restart): kernel log.
	 * Violations also reach the console, which the user sees. */
	if (strncmp(why, "protocol", 8) && strncmp(why, "ring", 4))
		pr_info("xenpod-kernel: pod channel closed: %s\n", why);
	else
		printk("xenpod-kernel: pod channel closed: %s\n", why);
	save_replay();
	vchan_close(&vc);
	state = CH_DOWN;
	rx_have = 0;
	list_for_each_safe(s, next, &streams, link)
		if (s != main_s)
			hangup(s);
	/* The new server starts afresh: unread input was for an old client. */
	main_s->in_count = main_s->in_head = main_s->in_owed = 0;
	main_s->in_window = 0;
	main_s->out_credit[0] = main_s->out_credit[1] = 0;
	wake_up(&tx_chan);
	wake_up(main_s);
	poll_wake();
}

/* Strict decimal: 1..10 digits, no sign, no leading zero, <= 2^32 - 1,
 * and not 0 (libxenvchan never publishes 0). */
static int parse_u32(const char *s, uint32_t *v)
{
	uint64_t x = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 10 || s[0] == '0')
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > 0xffffffffull)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

static int read_u32(const char *path, uint32_t *v)
{
	char buf[16];
	int rc = xs_read(0, path, buf, sizeof(buf));

	return rc < 0 ? rc : parse_u32(buf, v);
}

int podio_guest_chan_nodes(uint32_t *ref, uint32_t *port)
{
	int rc = read_u32("xenpod/chan/ring-ref", ref);

	return rc ? rc : read_u32("xenpod/chan/event-channel", port);
}

static void try_connect(void)
{
	uint32_t ref, port;
	int rc;

	chan_changed = false;
	rc = podio_guest_chan_nodes(&ref, &port);
	if (rc) {
		if (rc != -ENOENT)
			printk("xenpod-kernel: bad xenpod/chan node: %d\n", rc);
		return;
	}
	rc = vchan_connect(&vc, SERVER_DOM, ref, port, on_event, NULL);
	if (rc) {
		pr_info("xenpod-kernel: pod channel: ring-ref %u: %d\n", ref,
			rc);
		return;
	}
	rx_have = 0;
	cur_ref = ref;
	state = CH_HELLO;
	pr_info("xenpod-kernel: pod channel up (ring-ref %u)\n", ref);
}

/* ---- receiving ---- */

static int violation(const char *why)
{
	char msg[96];

	fmt_snprintf(msg, sizeof(msg), "protocol violation: %s", why);
	disconnect(msg);
	return -EPROTO;
}

static int on_hello(const struct podio_hdr *h, const uint8_t *p)
{
	uint8_t v[4];

	if (state != CH_HELLO || h->stream != PODIO_MAIN_STREAM)
		return violation("unexpected HELLO");
	if (podio_get32(p) != PODIO_VERSION)
		return violation("unsupported version");
	podio_put32(v, PODIO_VERSION);
	if (send_ctrl(PODIO_HELLO, 0, v, 4) <= 0)
		return violation("no room for HELLO");
	state = CH_READY;
	main_s->in_window = PODIO_INITIAL_CREDIT;
	main_s->out_credit[0] = main_s->out_credit[1] = PODIO_INITIAL_CREDIT;
	if (main_s->listed)
		send_replay();
	wake_up(&tx_chan);
	poll_wake();
	return 0;
}

/* Appends STDIN data: dom0 may not exceed the window it was granted. */
static int on_stdin(struct pstream *s, const uint8_t *p, uint32_t len)
{
	uint32_t tail, first;

	if (len > s->in_window)
		return violation("STDIN beyond credit");
	if (s->in_eof)
		return violation("STDIN after EOF");
	/* in_window + in_count + in_owed never exceed the buffer */
	tail = (s->in_head + s->in_count) % PODIO_INITIAL_CREDIT;
	first = PODIO_INITIAL_CREDIT - tail < len ?
			PODIO_INITIAL_CREDIT - tail :
			len;
	mem_copy_fast(s->in + tail, p, first);
	mem_copy_fast(s->in, p + first, len - first);
	s->in_count += len;
	s->in_window -= len;
	if (s->pty)
		pty_input_ready(s->pty);
	wake_up(s);
	poll_wake();
	return 0;
}

static int on_credit(struct pstream *s, const uint8_t *p, uint32_t len)
{
	uint8_t fd;
	uint32_t n;

	if (podio_credit_decode(p, len, &fd, &n) || fd == 0)
		return violation("bad CREDIT");
	if (n > CREDIT_CAP - s->out_credit[fd - 1])
		return violation("CREDIT overflow");
	s->out_credit[fd - 1] += n;
	wake_up(&tx_chan);
	poll_wake();
	return 0;
}

static int on_signal(struct pstream *s, const uint8_t *p)
{
	uint32_t sig = podio_get32(p);
	struct task *t;

	if (sig == 0 || sig > NSIG)
		return violation("bad signal number");
	t = s->pid ? task_find(s->pid) : NULL;
	if (t)
		signal_send(t, (int)sig, 0);
	return 0;
}

static int on_resize(struct pstream *s, const uint8_t *p)
{
	if (s->pty)
		pty_resize(s->pty, podio_get16(p), podio_get16(p + 2));
	return 0;
}

static int exec_start(uint16_t id, const uint8_t *p, uint32_t len);

/* Frames for a stream: unknown ids are ignored (its EXIT may be on the
 * way to dom0), except that the payload was still checked. */
static int on_stream_frame(const struct podio_hdr *h, const uint8_t *p)
{
	struct pstream *s = stream_find(h->stream);

	if (h->type == PODIO_EOF && p[0] != 0)
		return violation("EOF for an output fd");
	if (h->type == PODIO_SIGNAL &&
	    (podio_get32(p) == 0 || podio_get32(p) > NSIG))
		return violation("bad signal number");
	if (!s)
		return 0;
	switch (h->type) {
	case PODIO_STDIN:
		return on_stdin(s, p, h->len);
	case PODIO_EOF:
		s->in_eof = true;
		if (s->pty)
			pty_input_ready(s->pty);
		wake_up(s);
		poll_wake();
		return 0;
	case PODIO_CREDIT:
		return on_credit(s, p, h->len);
	case PODIO_SIGNAL:
		return on_signal(s, p);
	default:
		return on_resize(s, p);
	}
}

static int dispatch(const struct podio_hdr *h, const uint8_t *p)
{
	if (h->type == PODIO_HELLO)
		return on_hello(h, p);
	if (state != CH_READY)
		return violation("frame before HELLO");
	switch (h->type) {
	case PODIO_EXEC:
		return exec_start(h->stream, p, h->len);
	case PODIO_STDIN:
	case PODIO_EOF:
	case PODIO_CREDIT:
	case PODIO_SIGNAL:
	case PODIO_RESIZE:
		return on_stream_frame(h, p);
	default:
		return violation("a guest-to-dom0 frame type");
	}
}

/* Reads one frame if complete: 1 dispatched, 0 need more, <0 closed. */
static int rx_step(void)
{
	struct podio_hdr h;
	size_t need = PODIO_HDR_LEN;
	int n;

	if (rx_have >= PODIO_HDR_LEN) {
		podio_hdr_decode(rx_buf, &h);
		need += h.len;
	}
	n = vchan_read(&vc, rx_buf + rx_have, need - rx_have);
	if (n < 0)
		return violation("ring index out of range");
	rx_have += (size_t)n;
	if (rx_have < need)
		return 0;
	if (need == PODIO_HDR_LEN) {
		if (podio_hdr_decode(rx_buf, &h))
			return violation("bad frame header");
		if (h.len)
			return 1; /* the payload next */
	}
	rx_have = 0;
	return dispatch(&h, rx_buf + PODIO_HDR_LEN) < 0 ? -EPROTO : 1;
}

/* Everything in the ring: at most 64 KiB of frames, each handled in
 * bounded time (credit bounds the data, MAX_SESSIONS the execs). */
static void receive(void)
{
	while (state >= CH_HELLO && rx_step() > 0)
		;
}

/* A new ring-ref while connected: a new server replaced ours (grant
 * references are unique while granted, so the old one is gone or going). */
static void check_replaced(void)
{
	uint32_t ref;

	/* Cleared before the read, as in try_connect: a watch event that
	 * arrives during the read (the same pump can deliver the reply and
	 * the next server's event) sets it again and is not lost. */
	chan_changed = false;
	if (read_u32("xenpod/chan/ring-ref", &ref) == 0 && ref != cur_ref) {
		disconnect("replaced by a new server");
		chan_changed = true; /* join the new one at once */
	}
}

void podio_guest_poll(void)
{
	uint64_t fl = irq_save();
	struct pstream *s;

	if (state >= CH_HELLO && !vchan_server_alive(&vc))
		disconnect("server gone");
	if (state >= CH_HELLO && chan_changed)
		check_replaced();
	if (state == CH_DOWN && chan_changed)
		try_connect();
	if (state >= CH_HELLO)
		receive();
	list_for_each(s, &streams, link)
		if (s->pty)
			pty_pump(s->pty);
	if (state == CH_READY)
		flush_all();
	irq_restore(fl);
}

void podio_guest_dump(void)
{
	struct pstream *s;

	pr_info("xenpod-kernel: debug: podio state %d changed %d rx_have %zu "
		"tx_chan %p init %p\n",
		(int)state, (int)chan_changed, rx_have, (const void *)&tx_chan,
		(const void *)task_first());
	if (state >= CH_HELLO)
		vchan_dump(&vc);
	list_for_each(s, &streams, link)
		pr_info("xenpod-kernel: debug: stream %u %p pid %d credit "
			"%u/%u in %u window %u owed %u%s%s\n",
			s->id, (void *)s, s->pid, s->out_credit[0],
			s->out_credit[1], s->in_count, s->in_window, s->in_owed,
			s->exit_pending ? " exit-pending" : "",
			s->hup ? " hup" : "");
}

bool podio_guest_flushed(void)
{
	struct pstream *s;

	if (state != CH_READY)
		return true;
	list_for_each(s, &streams, link)
		if (s->in_owed || s->exit_pending || s->error_pending ||
		    s->eof_pending[0] || s->eof_pending[1])
			return false;
	return true;
}

/* ---- exit ---- */

static void set_exit(struct pstream *s, int status)
{
	if ((status & 0x7f) == 0) {
		s->code = (status >> 8) & 0xff;
		s->signo = 0;
	} else {
		s->signo = (uint32_t)(status & 0x7f);
		s->code = 128 + (int32_t)s->signo;
	}
	s->exit_pending = true;
	s->pid = 0;
	kick();
}

bool podio_guest_reaped(int pid, int status)
{
	struct pstream *s;

	list_for_each(s, &streams, link) {
		if (s != main_s && s->pid == pid) {
			set_exit(s, status);
			return true;
		}
	}
	return false;
}

void podio_guest_main_exit(int status)
{
	if (main_s)
		set_exit(main_s, status);
}

/* ---- exec ---- */

static const char *env_get(char *const *env, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; env && env[i]; i++)
		if (!strncmp(env[i], key, n) && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

const char *podio_find_program(const char *name, const char *path_env,
			       struct inode *cwd, char *buf, unsigned cap)
{
	const char *p = path_env;

	if (strchr(name, '/') || !*name)
		return name;
	while (*p) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		struct inode *ino;

		fmt_snprintf(buf, cap, "%.*s/%s", (int)n, n ? p : ".", name);
		if (vfs_lookup(cwd, buf, true, &ino) == 0 &&
		    S_ISREG(ino->mode) && (ino->mode & 0111))
			return buf;
		p += n;
		if (*p == ':')
			p++;
	}
	return name;
}

/* The request's variables, then the pod's that it does not override. */
static void merge_env(const struct podio_exec_view *v, char **out)
{
	size_t k = 0;

	for (unsigned i = 0; i < v->envc; i++)
		out[k++] = (char *)v->envp[i];
	for (size_t i = 0; base_env && base_env[i] && k < ENV_MAX - 1; i++) {
		const char *eq = strchr(base_env[i], '=');
		bool shadowed = false;

		for (unsigned j = 0; eq && j < v->envc && !shadowed; j++)
			shadowed = !strncmp(v->envp[j], base_env[i],
					    (size_t)(eq - base_env[i]) + 1);
		if (!shadowed)
			out[k++] = base_env[i];
	}
	out[k] = NULL;
}

/* ERROR for the stream: "xenpod: exec: WHAT: WHY". */
static void exec_fail(struct pstream *s, int32_t code, const char *what,
		      const char *why)
{
	fmt_snprintf(s->msg, sizeof(s->msg), "xenpod: exec: %s: %s", what, why);
	s->code = code;
	s->error_pending = true;
}

int podio_spawn_status(int rc)
{
	if (rc == -ENOENT || rc == -ENOTDIR)
		return 127;
	return rc == -ENOMEM ? 125 : 126;
}

const char *podio_spawn_reason(int rc, const char *err)
{
	if (exec_err_is_interp(err)) /* as execve logs it */
		return err;
	switch (rc) {
	case -ENOENT:
	case -ENOTDIR:
		return "not found";
	case -EACCES:
		return "Permission denied";
	case -EISDIR:
		return "Is a directory";
	case -ENOEXEC:
		return "Exec format error";
	default:
		return err;
	}
}

/* Builds the stdio of the new process: the stream's pipes, or a pty. */
static int session_files(struct pstream *s, const struct podio_exec_view *v,
			 struct file *fds[3])
{
	if (!v->tty)
		return stream_files(s, fds);
	s->pty = pty_new(s, v->rows, v->cols);
	if (!s->pty)
		return -ENOMEM;
	return pty_slave_files(s->pty, fds);
}

/* An exec's "G,G..." into groups[] (pointers into buf, which it fills);
 * the count, or -1 if there are more than SPEC_GROUPS_MAX or one is empty. */
static int exec_groups(const char *list, char *buf, size_t cap,
		       char *groups[SPEC_GROUPS_MAX])
{
	int n = 0;
	char *p;

	if (strlcpy(buf, list, cap) >= cap)
		return -1;
	for (p = buf;;) {
		char *c = p;

		while (*c && *c != ',')
			c++;
		if (c == p || n == SPEC_GROUPS_MAX)
			return -1;
		groups[n++] = p;
		if (!*c)
			return n;
		*c = '\0';
		p = c + 1;
	}
}

/*
 * An exec's "RES:SOFT:HARD ..." over the pod's limits into lim. NOFILE is
 * bounded by the descriptor table, as init bounds the pod's. 0, or -1
 * with *why set (a malformed limit, or a resource twice).
 */
static int exec_rlimits(const char *list, struct rlimit64 lim[RLIM_NLIMITS],
			const char **why)
{
	unsigned seen = 0;
	const char *p = list;

	memcpy(lim, rlimit_spawn, sizeof(rlimit_spawn));
	for (;;) {
		const char *e = p;
		struct spec_rlimit r;

		while (*e && *e != ' ')
			e++;
		if (spec_rlimit_parse(p, (size_t)(e - p), &r, why))
			return -1;
		if (seen & (1u << r.res)) {
			*why = "rlimit option: a resource given twice";
			return -1;
		}
		seen |= 1u << r.res;
		if (r.res == RLIMIT_NOFILE && r.hard > FD_MAX) {
			r.hard = FD_MAX;
			if (r.soft > FD_MAX)
				r.soft = FD_MAX;
		}
		lim[r.res].cur = r.soft;
		lim[r.res].max = r.hard;
		if (!*e)
			return 0;
		p = e + 1;
	}
}

static void exec_spawn(struct pstream *s, const struct podio_exec_view *v)
{
	static char *envp[ENV_MAX];
	static char prog_buf[512];
	static struct cred user_cred_buf; /* exec --user's */
	static char groups_buf[PODIO_MAX_PAYLOAD];
	static char *groups[SPEC_GROUPS_MAX];
	static struct rlimit64 lim[RLIM_NLIMITS];
	const struct rlimit64 *rlim = NULL; /* the pod's */
	const struct cred *cred = base_cred;
	int ngroups = 0;
	struct inode *cwd = base_cwd;
	struct file *fds[3];
	const char *prog, *err = "", *path;
	struct task *t;
	int rc;

	if (v->cwd[0] && vfs_lookup(base_cwd, v->cwd, true, &cwd) != 0) {
		exec_fail(s, 125, v->cwd, "cannot change directory");
		return;
	}
	if (!S_ISDIR(cwd->mode)) {
		exec_fail(s, 125, v->cwd, "not a directory");
		return;
	}
	if (v->groups) {
		ngroups = exec_groups(v->groups, groups_buf, sizeof(groups_buf),
				      groups);
		if (ngroups < 0) {
			exec_fail(s, 125, v->argv[0],
				  "bad supplementary groups");
			return;
		}
	}
	if (v->rlimits) {
		const char *why;

		if (exec_rlimits(v->rlimits, lim, &why)) {
			exec_fail(s, 125, v->argv[0], why);
			return;
		}
		rlim = lim;
	}
	if (v->user) {
		char why[PODIO_ERROR_MAX_MSG];

		if (user_cred(v->user, groups, (size_t)ngroups, &user_cred_buf,
			      NULL, 0, why, sizeof(why))) {
			exec_fail(s, 125, v->argv[0], why);
			return;
		}
		cred = &user_cred_buf;
	}
	merge_env(v, envp);
	path = env_get(envp, "PATH");
	prog = podio_find_program(v->argv[0], path ? path : DEFAULT_EXEC_PATH,
				  cwd, prog_buf, sizeof(prog_buf));
	if (session_files(s, v, fds)) {
		exec_fail(s, 125, v->argv[0], "out of memory");
		return;
	}
	if (v->tty) /* a terminal is its user's, as devpts gives it */
		pty_set_owner(fds[0], cred->uid, cred->gid);
	rc = task_spawn(prog, (char *const *)v->argv, envp, cwd, cred, rlim, &t,
			&err);
	if (rc) {
		for (int i = 0; i < 3; i++)
			file_put(fds[i]);
		exec_fail(s, podio_spawn_status(rc), v->argv[0],
			  podio_spawn_reason(rc, err));
		return;
	}
	for (int i = 0; i < 3; i++) {
		file_put(t->files->fd[i]);
		t->files->fd[i] = fds[i];
	}
	if (s->pty)
		pty_set_session(s->pty, t->pid);
	s->pid = t->pid;
}

static int exec_start(uint16_t id, const uint8_t *p, uint32_t len)
{
	static struct podio_exec_view v;
	struct pstream *s;

	if (podio_exec_decode(p, len, &v))
		return violation("bad EXEC payload");
	if (id == PODIO_MAIN_STREAM || stream_find(id))
		return violation("EXEC on a stream in use");
	s = stream_new(id);
	if (!s) {
		uint8_t e[4 + 32];
		int n = podio_error_encode(e, sizeof(e), 125,
					   "xenpod: exec: out of memory");

		send_ctrl(PODIO_ERROR, id, e, (uint32_t)n);
		return 0;
	}
	nsessions++;
	if (nsessions > MAX_SESSIONS)
		exec_fail(s, 125, v.argv[0], "too many exec sessions");
	else
		exec_spawn(s, &v);
	kick();
	return 0;
}

/* ---- start-up ---- */

bool podio_guest_init(char *const *pod_env, struct inode *pod_cwd,
		      const struct cred *pod_cred)
{
	char buf[16];
	int rc;

	if (!xen_present() ||
	    xs_read(0, "xenpod/chan/ring-ref", buf, sizeof(buf)) < 0)
		return false;
	base_env = pod_env;
	base_cwd = pod_cwd;
	base_cred = pod_cred;
	main_s = stream_new(PODIO_MAIN_STREAM);
	if (!main_s) {
		printk("xenpod-kernel: no memory for the pod channel\n");
		return false;
	}
	nsessions = 0;
	main_s->in_window = 0;
	main_s->out_credit[0] = main_s->out_credit[1] = 0;
	state = CH_DOWN;
	/* Fires once right away, then on every new server. */
	rc = xs_watch("xenpod/chan/ring-ref", "podio", on_watch, NULL);
	if (rc) {
		printk("xenpod-kernel: cannot watch xenpod/chan: %d\n", rc);
		chan_changed = true;
	}
	return true;
}
