/* SPDX-License-Identifier: MIT */
/* control: the control socket: accept, peer credentials, per-connection line buffers. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "ev.h"
#include "log.h"

struct conn {
	int fd;
	struct ev_fd *evh;
	uid_t uid;
	bool root, ro;
	char peer[64];
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_off, out_len, out_cap;
	bool busy; /* a request was dispatched and not answered yet */
	bool closing; /* freed at the next kick */
	bool close_after_flush;
	bool persistent;
	bool eof; /* peer shut down its sending side: answer, then close */
	uint64_t last_active;
	uint64_t partial_since; /* 0: no half line */
	struct ev_timer *kick;
	void (*drain_cb)(void *arg);
	void *drain_arg;
	void *data;
	struct conn *next, *prev;
};

static struct {
	int lock_fd;
	int listen_fd;
	struct ev_fd *listen_evh;
	struct ev_timer *sweep;
	struct ev_timer *accept_pause;
	char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool have_group;
	gid_t gid;
	char group[64];
	struct conn *conns;
	int n_conns, n_nonroot;
	struct control_hooks hooks;
} ctl = { .lock_fd = -1, .listen_fd = -1 };

static void conn_update_events(struct conn *c);
static void conn_schedule(struct conn *c);

void control_set_hooks(const struct control_hooks *h)
{
	ctl.hooks = *h;
}

static void conn_free(struct conn *c)
{
	if (ctl.hooks.closed)
		ctl.hooks.closed(c);
	ev_timer_del(c->kick);
	ev_fd_del(c->evh);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		ctl.conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	ctl.n_conns--;
	if (!c->root)
		ctl.n_nonroot--;
	free(c->in);
	free(c->out);
	free(c);
}

/* Closing is always deferred to the next kick: callers may be deep in a callback chain. */
static void conn_close_soon(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	ev_fd_modify(c->evh, 0);
	conn_schedule(c);
}

static void flush(struct conn *c)
{
	ssize_t r;

	while (c->out_off < c->out_len) {
		r = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0) {
			conn_close_soon(c);
			return;
		}
		c->out_off += (size_t)r;
	}
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
		if (c->close_after_flush)
			conn_close_soon(c);
	}
	if (c->drain_cb && c->out_len - c->out_off < CONTROL_OUT_LOW)
		conn_schedule(c);
	conn_update_events(c);
}

int control_send(struct conn *c, const char *text, size_t len)
{
	size_t need;

	if (c->closing)
		return -EPIPE;
	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	need = c->out_len + len + 1;
	if (need - c->out_off > CONTROL_OUT_MAX) {
		log_warn("control: %s reads too slowly; disconnecting",
			 c->peer);
		conn_close_soon(c);
		return -ENOBUFS;
	}
	if (need > c->out_cap) {
		size_t ncap = c->out_cap ? c->out_cap : 4096;
		char *nb;

		while (ncap < need)
			ncap *= 2;
		nb = realloc(c->out, ncap);
		if (!nb) {
			conn_close_soon(c);
			return -ENOMEM;
		}
		c->out = nb;
		c->out_cap = ncap;
	}
	memcpy(c->out + c->out_len, text, len);
	c->out[c->out_len + len] = '\n';
	c->out_len += len + 1;
	c->last_active = ev_now_ms();
	flush(c);
	return 0;
}

size_t control_outq(const struct conn *c)
{
	return c->out_len - c->out_off;
}

void control_on_drain(struct conn *c, void (*cb)(void *arg), void *arg)
{
	c->drain_cb = cb;
	c->drain_arg = arg;
	if (cb && control_outq(c) < CONTROL_OUT_LOW)
		conn_schedule(c);
}

bool control_read_only(const struct conn *c)
{
	return c->ro;
}

void control_set_persistent(struct conn *c, bool on)
{
	c->persistent = on;
}

const char *control_peer(const struct conn *c)
{
	return c->peer;
}

void control_set_data(struct conn *c, void *data)
{
	c->data = data;
}

void *control_data(const struct conn *c)
{
	return c->data;
}

void control_foreach(void (*fn)(struct conn *c, void *arg), void *arg)
{
	struct conn *c, *next;

	for (c = ctl.conns; c; c = next) {
		next = c->next;
		if (!c->closing)
			fn(c, arg);
	}
}

int control_count(void)
{
	return ctl.n_conns;
}

/* Dispatch complete lines, one request at a time (replies stay in order). */
static void process_lines(struct conn *c)
{
	char *nl;
	size_t len;

	while (!c->busy && !c->closing && c->in_len) {
		nl = memchr(c->in, '\n', c->in_len);
		if (!nl)
			break;
		len = (size_t)(nl - c->in);
		*nl = '\0';
		c->busy = true;
		if (ctl.hooks.line)
			ctl.hooks.line(c, c->in, len);
		memmove(c->in, nl + 1, c->in_len - len - 1);
		c->in_len -= len + 1;
	}
	c->partial_since =
		c->in_len && !memchr(c->in, '\n', c->in_len) ?
			(c->partial_since ? c->partial_since : ev_now_ms()) :
			0;
	/*
	 * The peer hung up (or half-closed) while a deferred request waits: a
	 * full close cannot be told from a half one, so stop waiting for it.
	 */
	if (c->eof && c->busy) {
		conn_close_soon(c);
		return;
	}
	/* Peer done sending and every complete request answered: close when flushed. */
	if (c->eof && !c->busy && !c->closing && !c->close_after_flush) {
		c->close_after_flush = true;
		flush(c);
		return;
	}
	conn_update_events(c);
}

void control_request_done(struct conn *c)
{
	c->busy = false;
	c->last_active = ev_now_ms();
	conn_schedule(c);
}

static void on_kick(void *arg)
{
	struct conn *c = arg;
	void (*cb)(void *);

	c->kick = NULL;
	if (c->closing) {
		conn_free(c);
		return;
	}
	process_lines(c);
	if (c->drain_cb && control_outq(c) < CONTROL_OUT_LOW && !c->closing) {
		cb = c->drain_cb;
		c->drain_cb = NULL;
		cb(c->drain_arg);
	}
}

static void conn_schedule(struct conn *c)
{
	if (!c->kick && ev_timer_add(ev_now_ms(), on_kick, c, &c->kick) < 0)
		log_warn("control: out of memory scheduling %s", c->peer);
}

/* Read while the buffer has room; a full buffer with no newline is an oversized request. */
static void conn_read(struct conn *c)
{
	ssize_t r;
	size_t room;

	while (!c->eof) {
		if (c->in_cap - c->in_len < 4096 &&
		    c->in_cap < CONTROL_LINE_MAX + 4096) {
			size_t ncap = c->in_cap ? c->in_cap * 2 : 8192;
			char *nb;

			if (ncap > CONTROL_LINE_MAX + 4096)
				ncap = CONTROL_LINE_MAX + 4096;
			nb = realloc(c->in, ncap);
			if (!nb) {
				conn_close_soon(c);
				return;
			}
			c->in = nb;
			c->in_cap = ncap;
		}
		room = c->in_cap - c->in_len;
		if (!room)
			break;
		r = recv(c->fd, c->in + c->in_len, room, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r == 0) {
			c->eof = true;
			break;
		}
		if (r < 0) {
			conn_close_soon(c);
			return;
		}
		c->in_len += (size_t)r;
		c->last_active = ev_now_ms();
	}
	if (c->in_len == c->in_cap && !memchr(c->in, '\n', c->in_len)) {
		if (ctl.hooks.overflow)
			ctl.hooks.overflow(c);
		c->in_len = 0;
		c->close_after_flush = true;
		flush(c);
		return;
	}
	process_lines(c);
}

static void conn_update_events(struct conn *c)
{
	short ev = 0;

	if (c->closing)
		return;
	/* Stop reading when the buffer is full (a pipelining client waits). */
	if (!c->close_after_flush && !c->eof &&
	    c->in_len < CONTROL_LINE_MAX + 4096)
		ev |= POLLIN;
	if (c->out_off < c->out_len)
		ev |= POLLOUT;
	ev_fd_modify(c->evh, ev);
}

static void on_conn(int fd, short revents, void *arg)
{
	struct conn *c = arg;

	if (revents & POLLOUT)
		flush(c);
	if (c->closing)
		return;
	if (revents & (POLLIN | POLLHUP | POLLERR))
		conn_read(c);
}

static bool in_group(uid_t uid, gid_t gid)
{
	struct passwd pw, *pwp = NULL;
	char buf[4096];
	gid_t groups[256];
	int n = 256, i;

	if (!ctl.have_group)
		return false;
	if (gid == ctl.gid)
		return true;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &pwp) != 0 || !pwp)
		return false;
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) < 0)
		return false;
	for (i = 0; i < n; i++)
		if (groups[i] == ctl.gid)
			return true;
	return false;
}

/* Tell a refused peer why, then close once that line is out. */
static void refuse(struct conn *c, int code, const char *msg)
{
	char line[512];
	int n = snprintf(
		line, sizeof(line),
		"{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":%d,"
		"\"message\":\"%s\"}}",
		code, msg);

	control_send(c, line, (size_t)n);
	c->close_after_flush = true;
	flush(c);
}

/* Nothing pending and no subscription: may be closed to make room. */
static bool conn_idle(const struct conn *c)
{
	return !c->closing && !c->close_after_flush && !c->busy &&
	       !c->persistent && !c->in_len && !control_outq(c);
}

/* Live connections of uid (root: every root peer). */
static int uid_count(uid_t uid, bool root)
{
	const struct conn *c;
	int n = 0;

	for (c = ctl.conns; c; c = c->next)
		if (!c->closing && !c->close_after_flush && c->root == root &&
		    (root || c->uid == uid))
			n++;
	return n;
}

/* (The list is newest first: on equal times the older one wins.)
 * The longest-idle connection of the given uid (only_uid) or of the uid holding the most. */
static struct conn *pick_victim(const struct conn *self, bool only_uid,
				int *top_r)
{
	struct conn *c, *best = NULL;
	int n, top = 0;

	for (c = ctl.conns; c; c = c->next) {
		if (c == self || !conn_idle(c) || c->root)
			continue;
		if (only_uid && c->uid != self->uid)
			continue;
		n = uid_count(c->uid, false);
		if (n > top ||
		    (n == top && best && c->last_active <= best->last_active)) {
			top = n;
			best = c;
		}
	}
	if (top_r)
		*top_r = top;
	return best;
}

/* Connection-limit lines, at most one per CONTROL_EVICT_LOG_MS (a flood of connects cannot flood the log). */
static void limit_log(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void limit_log(const char *fmt, ...)
{
	static uint64_t last;
	static unsigned quiet;
	uint64_t now = ev_now_ms();
	char line[320];
	va_list ap;

	if (last && now - last < CONTROL_EVICT_LOG_MS) {
		quiet++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_warn("control: %s (%u such lines suppressed before this one)", line,
		 quiet);
	last = now;
	quiet = 0;
}

static void evict(struct conn *victim, const struct conn *for_c,
		  const char *why)
{
	limit_log(
		"%s: closing an idle connection of uid %u (holding %d of %d) for %s (uid %u holds %d)",
		why, (unsigned)victim->uid, uid_count(victim->uid, false),
		ctl.n_conns, for_c->peer, (unsigned)for_c->uid,
		uid_count(for_c->uid, for_c->root));
	refuse(victim, 5,
	       "idle connection closed to make room for another client");
}

/* Apply the limits to a new connection c: 0 admitted (maybe by evicting), -EMFILE refuse. */
static int admit(struct conn *c)
{
	int live = 0, nonroot = 0, mine, top;
	struct conn *o, *v;

	for (o = ctl.conns; o; o = o->next)
		if (!o->closing && !o->close_after_flush) {
			live++;
			nonroot += !o->root;
		}
	mine = uid_count(c->uid, c->root);
	if (!c->root && mine > CONTROL_UID_MAX_CONNS) {
		v = pick_victim(c, true, NULL);
		if (!v)
			return -EMFILE;
		evict(v, c, "uid at its connection limit");
		live--;
		nonroot--;
	}
	if (c->root ? live <= CONTROL_MAX_CONNS + CONTROL_ROOT_RESERVE :
		      nonroot <= CONTROL_MAX_CONNS)
		return 0;
	v = pick_victim(c, false, &top);
	if (!v || (!c->root && mine >= top))
		return -EMFILE;
	evict(v, c, "connections full");
	return 0;
}

static int conn_new(int fd, bool trusted, bool trusted_ro, bool member,
		    uid_t uid, struct conn **c_r)
{
	struct conn *c = calloc(1, sizeof(*c));
	struct ucred cr;
	socklen_t crl = sizeof(cr);
	int rc;

	if (!c)
		return -ENOMEM;
	c->fd = fd;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crl) < 0) {
		free(c);
		return -errno;
	}
	if (member)
		cr.uid = uid;
	c->uid = cr.uid;
	c->root = cr.uid == 0 || trusted;
	c->ro = trusted ? trusted_ro : !c->root;
	snprintf(c->peer, sizeof(c->peer), "uid %u pid %d", (unsigned)cr.uid,
		 (int)cr.pid);
	c->last_active = ev_now_ms();
	rc = ev_fd_add(fd, POLLIN, on_conn, c, &c->evh);
	if (rc) {
		free(c);
		return rc;
	}
	c->next = ctl.conns;
	if (ctl.conns)
		ctl.conns->prev = c;
	ctl.conns = c;
	ctl.n_conns++;
	if (!c->root)
		ctl.n_nonroot++;
	if (!c->root && !member && !in_group(cr.uid, cr.gid)) {
		log_info("control: refusing %s (neither root nor in group %s)",
			 c->peer, ctl.group);
		refuse(c, 4,
		       "permission denied: only root and group xenpod may connect");
	} else if (admit(c) < 0) {
		limit_log(
			"too many connections (uid %u holds %d, %d in all, none idle to close); refusing %s",
			(unsigned)c->uid, uid_count(c->uid, c->root),
			ctl.n_conns, c->peer);
		refuse(c, 5, "too many connections; try again later");
	}
	if (c_r)
		*c_r = c;
	return 0;
}

int control_adopt_fd(int fd, bool read_only, struct conn **c_r)
{
	return conn_new(fd, true, read_only, false, 0, c_r);
}

int control_adopt_fd_uid(int fd, uid_t uid, struct conn **c_r)
{
	return conn_new(fd, false, false, true, uid, c_r);
}

static void resume_accept(void *arg)
{
	ctl.accept_pause = NULL;
	ev_fd_modify(ctl.listen_evh, POLLIN);
}

static void on_listen(int fd, short revents, void *arg)
{
	int cfd, i;

	for (i = 0; i < 64; i++) {
		cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (cfd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* Out of fds: back off instead of spinning on POLLIN. */
				log_warn("control: accept: %s; pausing 1 s",
					 strerror(errno));
				ev_fd_modify(ctl.listen_evh, 0);
				ev_timer_add(ev_now_ms() + 1000, resume_accept,
					     NULL, &ctl.accept_pause);
			}
			return;
		}
		if (conn_new(cfd, false, false, false, 0, NULL) < 0)
			close(cfd);
	}
}

/* Once a second: drop stalled half requests and long-idle connections. */
static void on_sweep(void *arg)
{
	uint64_t now = ev_now_ms();
	struct conn *c;

	ctl.sweep = NULL;
	for (c = ctl.conns; c; c = c->next) {
		if (c->closing)
			continue;
		if (c->partial_since &&
		    now - c->partial_since > CONTROL_PARTIAL_TIMEOUT_MS) {
			log_info(
				"control: %s sent half a request and stalled; closing",
				c->peer);
			conn_close_soon(c);
		} else if (!c->busy && !c->persistent && !c->in_len &&
			   !control_outq(c) &&
			   now - c->last_active > CONTROL_IDLE_TIMEOUT_MS) {
			conn_close_soon(c);
		}
	}
	ev_timer_add(now + 1000, on_sweep, NULL, &ctl.sweep);
}

static int prepare_dir(const char *run_dir, char *err, size_t errsz)
{
	mode_t mode = ctl.have_group ? 0750 : 0700;

	if (mkdir(run_dir, mode) < 0 && errno != EEXIST) {
		snprintf(err, errsz, "cannot create %s: %s", run_dir,
			 strerror(errno));
		return -errno;
	}
	if (chown(run_dir, 0, ctl.have_group ? ctl.gid : 0) < 0 ||
	    chmod(run_dir, mode) < 0) {
		int e = errno;

		snprintf(err, errsz, "cannot set owner/mode of %s: %s", run_dir,
			 strerror(e));
		return -e;
	}
	return 0;
}

static int take_lock(const char *run_dir, char *err, size_t errsz)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", run_dir, CONTROL_LOCK_NAME);
	ctl.lock_fd =
		open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (ctl.lock_fd < 0) {
		snprintf(err, errsz, "cannot open %s: %s", path,
			 strerror(errno));
		return -errno;
	}
	if (flock(ctl.lock_fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		snprintf(err, errsz,
			 "%s is locked: is another xenpodd running?", path);
		return e == EWOULDBLOCK ? -EWOULDBLOCK : -e;
	}
	return 0;
}

static int make_socket(char *err, size_t errsz)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int r;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", ctl.sock_path);
	ctl.listen_fd =
		socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (ctl.listen_fd < 0)
		goto fail;
	/* We hold the lock: a socket file left here belongs to a dead daemon. */
	unlink(ctl.sock_path);
	old = umask(0117);
	r = bind(ctl.listen_fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0)
		goto fail;
	if (chown(ctl.sock_path, 0, ctl.have_group ? ctl.gid : 0) < 0 ||
	    chmod(ctl.sock_path, ctl.have_group ? 0660 : 0600) < 0 ||
	    listen(ctl.listen_fd, 64) < 0)
		goto fail;
	return ev_fd_add(ctl.listen_fd, POLLIN, on_listen, NULL,
			 &ctl.listen_evh);
fail:
	snprintf(err, errsz, "cannot listen on %s: %s", ctl.sock_path,
		 strerror(errno));
	return -errno;
}

int control_open(const char *run_dir, const char *group, char *err,
		 size_t errsz)
{
	struct group gr, *grp = NULL;
	char buf[4096];
	int rc;

	snprintf(ctl.group, sizeof(ctl.group), "%s", group ? group : "");
	if (group && getgrnam_r(group, &gr, buf, sizeof(buf), &grp) == 0 &&
	    grp) {
		ctl.have_group = true;
		ctl.gid = grp->gr_gid;
	} else if (group) {
		log_warn(
			"control: group %s does not exist; only root may use the socket",
			group);
	}
	if (snprintf(ctl.sock_path, sizeof(ctl.sock_path), "%s/%s", run_dir,
		     CONTROL_SOCKET_NAME) >= (int)sizeof(ctl.sock_path)) {
		snprintf(err, errsz, "socket path under %s is too long",
			 run_dir);
		return -ENAMETOOLONG;
	}
	rc = prepare_dir(run_dir, err, errsz);
	if (!rc)
		rc = take_lock(run_dir, err, errsz);
	return rc;
}

int control_listen(char *err, size_t errsz)
{
	int rc = make_socket(err, errsz);

	if (!rc)
		rc = ev_timer_add(ev_now_ms() + 1000, on_sweep, NULL,
				  &ctl.sweep);
	return rc;
}

void control_close(void)
{
	while (ctl.conns)
		conn_free(ctl.conns);
	ev_timer_del(ctl.sweep);
	ev_timer_del(ctl.accept_pause);
	ctl.sweep = ctl.accept_pause = NULL;
	ev_fd_del(ctl.listen_evh);
	ctl.listen_evh = NULL;
	if (ctl.listen_fd >= 0) {
		close(ctl.listen_fd);
		unlink(ctl.sock_path);
	}
	ctl.listen_fd = -1;
	if (ctl.lock_fd >= 0)
		close(ctl.lock_fd);
	ctl.lock_fd = -1;
}
