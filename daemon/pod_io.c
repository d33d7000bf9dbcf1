/* SPDX-License-Identifier: MIT */
/* pod_io: each pod's I/O channel: main stdout/stderr to the log, exec and attach sessions, signals. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chan.h"
#include "outlog.h"
#include "ev.h"
#include "hv.h"
#include "log.h"
#include "pod.h"
#include "pod_internal.h"
#include "pod_io.h"
#include "xenstore-paths.h"

/* Client bytes queued beyond which an attached client misses live output
 * (the log keeps it): the main process never waits for a viewer. */
#define ATTACH_OUTQ_MAX (4 * 1024 * 1024)

struct session;

struct pod_io {
	struct pod *pod;
	struct chan *chan;
	struct outlog *out;
	struct ev_timer *hello_timer;
	struct ev_timer *close_timer; /* closes a channel that went down */
	char down_why[256]; /* why it went down, for its sessions' answers */
	struct session *sessions;
	bool hello_seen;
	bool main_in_closed; /* EOF went to the main process's stdin */
};

struct session {
	struct session *next, *prev;
	struct pod_io *io;
	/* The pending pod_exec / pod_attach, whose sink the session streams
	 * to; 0 once answered or the client left. */
	pod_token tok;
	const char *path; /* how messages name the exec request */
	uint16_t stream; /* 0: attached to the main process */
	bool attach;
	bool close_stdin; /* attach: the client's eof closes the main stdin */
	uint16_t rows,
		cols; /* the client's terminal, resent when the guest connects */
	uint32_t owed[3]; /* output credit held back while the client is behind */
	uint8_t *inq; /* stdin waiting for the guest's credit */
	size_t inq_len;
	uint32_t client_credit; /* stdin the client may still send */
	bool in_eof, eof_sent;
	uint64_t dropped; /* attach: live output the client was too slow for */
	/* An exec that came while the channel was connecting: sent on HELLO
	 * (the pod fails if none comes in time: POD_IO_HELLO_MS). */
	bool queued;
	char **q_argv, **q_env, *q_cwd, *q_user;
	char *q_groups, *q_rlimits; /* podio.h's "G,G..." and "R:S:H ..." */
	bool q_tty;
};

/* ---- sessions ---- */

static struct session *session_of_token(pod_token t)
{
	struct pod *p;
	struct session *s;

	if (!t)
		return NULL;
	for (p = pod_ctx.pods; p; p = p->next)
		for (s = p->io ? p->io->sessions : NULL; s; s = s->next)
			if (s->tok == t)
				return s;
	return NULL;
}

static struct session *exec_session(struct pod_io *io, uint16_t stream)
{
	struct session *s;

	for (s = io->sessions; s; s = s->next)
		if (!s->attach && s->stream == stream)
			return s;
	return NULL;
}

static void session_free(struct session *s)
{
	struct pod_io *io = s->io;

	if (s->tok)
		pod_sink()->on_writable(s->tok, NULL, NULL);
	if (s->prev)
		s->prev->next = s->next;
	else
		io->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	free(s->inq);
	pod_strv_free(s->q_argv);
	pod_strv_free(s->q_env);
	free(s->q_cwd);
	free(s->q_user);
	free(s->q_groups);
	free(s->q_rlimits);
	free(s);
}

/* Drops the session's request: no more answers or output go to it. */
static pod_token session_detach(struct session *s)
{
	pod_token t = s->tok;

	if (t)
		pod_sink()->on_writable(t, NULL, NULL);
	s->tok = 0;
	return t;
}

/* Answers the session's request (if still pending) with how its process
 * ended, and frees it. */
static void session_exit(struct session *s, int code, unsigned signo,
			 const char *error)
{
	pod_token t = session_detach(s);

	if (t && pod_ctx.ops && pod_ctx.ops->reply_exit)
		pod_ctx.ops->reply_exit(t, code, signo, error);
	session_free(s);
}

/* Answers the session's request (if still pending) with an error, and frees it. */
static void session_fail(struct session *s, int rc, const char *err)
{
	pod_reply_error(session_detach(s), rc, -1, err);
	session_free(s);
}

/* The client's queue drained: give the guest back what it delivered. */
static void on_drain(void *arg)
{
	struct session *s = arg;
	int fd;

	for (fd = 1; fd <= 2; fd++)
		if (s->owed[fd] && s->io->chan)
			chan_grant(s->io->chan, s->stream, fd, s->owed[fd]);
	s->owed[1] = s->owed[2] = 0;
}

static void exec_output(struct pod_io *io, uint16_t stream, int fd,
			const uint8_t *d, size_t n)
{
	struct session *s = exec_session(io, stream);

	const struct pod_sink *sink = pod_sink();

	if (!s || !s->tok) { /* nobody to deliver to: drop, keep it flowing */
		chan_grant(io->chan, stream, fd, (uint32_t)n);
		return;
	}
	sink->output(s->tok, fd, d, n);
	if (sink->writable(s->tok)) {
		chan_grant(io->chan, s->stream, fd, (uint32_t)n);
		return;
	}
	/* A stalled client stops only its own stream (credit), nothing else. */
	s->owed[fd] += (uint32_t)n;
	sink->on_writable(s->tok, on_drain, s);
}

static void main_output(struct pod_io *io, int fd, const uint8_t *d, size_t n)
{
	const struct pod_sink *sink = pod_sink();
	struct session *s;

	if (!io->out &&
	    outlog_open(pod_ctx.log_dir, io->pod->name, 0, &io->out) < 0)
		log_warn("pod %s: cannot open its output log", io->pod->name);
	if (io->out)
		outlog_append(io->out, fd, d, n);
	chan_grant(io->chan, 0, fd, (uint32_t)n);
	for (s = io->sessions; s; s = s->next) {
		if (!s->attach || !s->tok)
			continue;
		if (sink->queued(s->tok) > ATTACH_OUTQ_MAX) {
			s->dropped += n;
			continue;
		}
		sink->output(s->tok, fd, d, n);
	}
	pod_logs_pod_changed(io->pod);
}

/* Moves queued stdin into the channel as the guest's credit allows. */
static void stdin_pump(struct session *s)
{
	struct pod_io *io = s->io;
	int r;

	if (s->queued)
		return; /* no stream yet: the input waits for the exec */
	/* The guest takes no more input on a closed stdin (it would be a
	 * protocol violation): what other attached clients send is dropped. */
	if (s->attach && io->main_in_closed && !s->eof_sent && s->inq_len) {
		log_info(
			"pod %s: %zu bytes of input after its stdin closed dropped",
			io->pod->name, s->inq_len);
		s->inq_len = 0;
	}

	if (s->inq_len && io->chan) {
		r = chan_stdin(io->chan, s->stream, s->inq, s->inq_len);
		if (r > 0) {
			memmove(s->inq, s->inq + r, s->inq_len - (size_t)r);
			s->inq_len -= (size_t)r;
			s->client_credit += (uint32_t)r;
			if (s->tok)
				pod_sink()->credit(s->tok, (uint32_t)r);
		}
	}
	/* Sent once the channel takes it (before HELLO it cannot). */
	if (s->in_eof && !s->inq_len && !s->eof_sent && io->chan &&
	    (!s->attach || s->close_stdin) &&
	    chan_stdin_eof(io->chan, s->stream) == 0) {
		s->eof_sent = true;
		if (s->attach)
			io->main_in_closed = true;
	}
}

/* ---- channel callbacks ---- */

static void send_queued(struct session *s);

static void on_hello(void *arg)
{
	struct pod_io *io = arg;
	struct pod *p = io->pod;
	struct session *s, *next;

	io->hello_seen = true;
	ev_timer_del(io->hello_timer);
	io->hello_timer = NULL;
	log_info("pod %s: I/O channel connected", p->name);
	/* Clients attached before the pod started may have input waiting,
	 * and a terminal size for the main process; execs that came while
	 * it connected go now. */
	for (s = io->sessions; s; s = next) {
		next = s->next;
		if (s->queued) {
			send_queued(s);
			continue;
		}
		if (s->attach && s->rows && s->cols)
			chan_resize(io->chan, 0, s->rows, s->cols);
		stdin_pump(s);
	}
	/* A pending pod_start may be complete now (p may be finished after). */
	pod_check_started(p);
}

static void on_output(void *arg, uint16_t stream, int fd, const uint8_t *d,
		      size_t n)
{
	struct pod_io *io = arg;

	if (stream == 0)
		main_output(io, fd, d, n);
	else
		exec_output(io, stream, fd, d, n);
}

static void on_eof(void *arg, uint16_t stream, int fd)
{
	(void)arg;
	(void)stream;
	(void)fd; /* EXIT follows once everything is sent */
}

static void on_exit_cb(void *arg, uint16_t stream, int code, unsigned signo,
		       const char *error)
{
	struct pod_io *io = arg;
	struct session *s, *next;

	for (s = io->sessions; s; s = next) {
		next = s->next;
		if ((stream == 0 && s->attach) ||
		    (!s->attach && s->stream == stream))
			session_exit(s, code, signo, error);
	}
}

static void on_writable(void *arg, uint16_t stream)
{
	struct pod_io *io = arg;
	struct session *s;

	for (s = io->sessions; s; s = s->next)
		if (s->stream == stream)
			stdin_pump(s);
}

static void on_close_timer(void *arg)
{
	struct pod_io *io = arg;

	io->close_timer = NULL;
	while (io->sessions)
		session_fail(io->sessions, -ENOTCONN, io->down_why);
	chan_close(io->chan);
	io->chan = NULL;
}

/*
 * The channel can go down inside any send (a write that fails), with
 * callers still holding a session: its sessions end, and the channel
 * closes, from the loop, not from here.
 */
static void on_down(void *arg, const char *why)
{
	struct pod_io *io = arg;

	snprintf(io->down_why, sizeof(io->down_why),
		 "pod %s: I/O channel closed: %s", io->pod->name, why);
	if (!io->close_timer)
		ev_timer_add(ev_now_ms(), on_close_timer, io, &io->close_timer);
}

static const struct chan_cb chan_cbs = {
	.hello = on_hello,
	.output = on_output,
	.eof = on_eof,
	.exit = on_exit_cb,
	.writable = on_writable,
	.down = on_down,
};

/* ---- pod lifecycle ---- */

/* dom0's set-up for channels (the gntalloc limit), done before the first one. */
static void host_setup_once(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	chan_host_setup();
}

static struct pod_io *io_get(struct pod *p)
{
	if (!p->io) {
		p->io = calloc(1, sizeof(*p->io));
		if (p->io)
			p->io->pod = p;
	}
	return p->io;
}

int pod_io_open(struct pod *p)
{
	struct pod_io *io;
	int rc;

	/* The kernel the pod booted decides, not the daemon's current one. */
	if (p->domid < 0 || !pod_kernel_serves_chan(p))
		return 0;
	io = io_get(p);
	if (!io)
		return -ENOMEM;
	if (io->chan)
		return 0;
	host_setup_once();
	io->hello_seen = false;
	rc = chan_open((uint32_t)p->domid, p->name, xs_publish_vchan,
		       pod_ctx.xs, &chan_cbs, io, &io->chan);
	if (rc == -ENOSPC)
		log_warn(
			"pod %s: cannot serve its I/O channel: dom0's gntalloc is out of pages (raise /sys/module/xen_gntalloc/parameters/limit)",
			p->name);
	else if (rc)
		log_warn("pod %s: cannot serve its I/O channel: %s", p->name,
			 strerror(-rc));
	return rc;
}

int pod_io_open_io(struct pod *p, const struct chan_io *tio, void *t, int fd)
{
	struct pod_io *io = io_get(p);

	if (!io)
		return -ENOMEM;
	if (io->chan)
		return -EEXIST;
	io->hello_seen = false;
	return chan_open_io(tio, t, fd, p->name, &chan_cbs, io, &io->chan);
}

/* What Xen says of a guest that did not connect: whether it ran at all, and
 * whether it is halted waiting for an event or spinning. */
static void describe_domain(const struct pod *p, char *buf, size_t sz)
{
	struct hv_dominfo d;
	int rc = hv_domain_info(pod_ctx.hv, (uint32_t)p->domid, &d);

	if (rc) {
		snprintf(buf, sz, "domain %lld: %s", (long long)p->domid,
			 strerror(-rc));
		return;
	}
	snprintf(buf, sz, "domain %lld %s after %llu ms of CPU",
		 (long long)p->domid,
		 d.state != HV_RUNNING ? "shut down" :
		 d.paused	       ? "paused" :
		 d.blocked	       ? "halted, waiting for an event" :
					 "running",
		 (unsigned long long)(d.cpu_time_ns / 1000000));
}

static void on_hello_timeout(void *arg)
{
	struct pod_io *io = arg;
	struct pod *p = io->pod;
	char dom[128], why[256];

	io->hello_timer = NULL;
	if (io->hello_seen || pod_is_final(p))
		return;
	describe_domain(p, dom, sizeof(dom));
	log_warn(
		"pod %s: the guest did not connect or answer its I/O channel within %d s (%s); destroying it",
		p->name, POD_IO_HELLO_MS / 1000, dom);
	snprintf(
		why, sizeof(why),
		"failed: the guest did not connect or answer its I/O channel (%s)",
		dom);
	pod_finish(p, POD_FAILED, why, false);
}

bool pod_io_connecting(const struct pod *p)
{
	return p->io && p->io->chan && !p->io->hello_seen;
}

void pod_io_started(struct pod *p)
{
	struct pod_io *io = p->io;

	if (!io || !io->chan || io->hello_seen || io->hello_timer)
		return;
	ev_timer_add(ev_now_ms() + POD_IO_HELLO_MS, on_hello_timeout, io,
		     &io->hello_timer);
}

void pod_io_close(struct pod *p)
{
	struct pod_io *io = p->io;
	char msg[128];

	if (!io)
		return;
	/* What the guest sent before it stopped still goes to the log. */
	if (io->chan)
		chan_drain(io->chan);
	p->io = NULL;
	snprintf(msg, sizeof(msg), "pod %s: stopped", p->name);
	/* Attached clients learn how the main process ended. */
	while (io->sessions) {
		struct session *s = io->sessions;

		if (s->attach && p->has_exit)
			session_exit(s, p->exit_code, 0, NULL);
		else
			session_fail(s, -ECANCELED, msg);
	}
	ev_timer_del(io->hello_timer);
	ev_timer_del(io->close_timer);
	chan_close(io->chan);
	/* Its lost bytes were saved with the console's (pod_persist). */
	outlog_close(io->out);
	free(io);
}

void pod_io_host_setup(void)
{
	struct pod_kernel_info ki;

	if (pod_kernel_probe(pod_ctx.kernel, &ki) == 0 && ki.io_channel)
		host_setup_once();
}

void pod_io_dump(void)
{
	const struct pod_sink *sink = pod_sink();
	char line[1024];
	struct pod *p;
	struct session *s;

	for (p = pod_ctx.pods; p; p = p->next) {
		if (!p->io)
			continue;
		if (p->io->chan)
			chan_describe(p->io->chan, line, sizeof(line));
		else
			snprintf(line, sizeof(line), "no channel");
		log_info("pod %s: io: %s", p->name, line);
		for (s = p->io->sessions; s; s = s->next)
			log_info(
				"pod %s: session stream %u attach %d conn %d outq %zu inq %zu client_credit %u owed %u/%u in_eof %d eof_sent %d",
				p->name, s->stream, s->attach, s->tok != 0,
				s->tok ? sink->queued(s->tok) : 0, s->inq_len,
				s->client_credit, s->owed[1], s->owed[2],
				s->in_eof, s->eof_sent);
	}
}

uint64_t pod_io_lost_bytes(const struct pod *p)
{
	return p->io ? outlog_lost_bytes(p->io->out) : 0;
}

bool pod_io_has_outlog(const struct pod *p)
{
	return outlog_exists(pod_ctx.log_dir, p->name);
}

/* ---- sessions: the API ---- */

/* The pod's I/O, up, or (to_start: attaching before the start) served. */
static struct pod_io *io_or_fail(const char *name, bool to_start, int *rc,
				 char *err, size_t errsz)
{
	struct pod *p = pod_find(name);
	enum pod_status want = to_start ? POD_CREATED : POD_RUNNING;

	if (!p) {
		snprintf(err, errsz, "pod %s: not found", name);
		*rc = -ENOENT;
		return NULL;
	}
	if (p->status != want) {
		snprintf(err, errsz, "pod %s: is %s, not %s", p->name,
			 pod_status_name(p->status), pod_status_name(want));
		*rc = -EBADFD;
		return NULL;
	}
	if (!p->io || !p->io->chan) {
		snprintf(
			err, errsz,
			"pod %s: has no I/O channel (its kernel does not serve one, or it was closed)",
			p->name);
		*rc = -ENOTCONN;
		return NULL;
	}
	/* Before the first HELLO the request waits for it (sessions are
	 * queued); a channel that went down since is an error. */
	if (!to_start && p->io->hello_seen && !chan_up(p->io->chan)) {
		snprintf(err, errsz, "%s",
			 p->io->down_why[0] ? p->io->down_why :
					      "its I/O channel is down");
		*rc = -ENOTCONN;
		return NULL;
	}
	return p->io;
}

bool pod_io_cancel(pod_token t)
{
	struct session *s = session_of_token(t);
	struct pod_io *io;

	if (!s)
		return false;
	io = s->io;
	s->tok = 0;
	/* The client left: the process goes; its stream closes on EXIT. */
	if (!s->attach && !s->queued && io->chan &&
	    chan_stream_open(io->chan, s->stream)) {
		chan_signal(io->chan, s->stream, SIGKILL);
		for (int fd = 1; fd <= 2; fd++)
			if (s->owed[fd])
				chan_grant(io->chan, s->stream, fd,
					   s->owed[fd]);
		s->owed[1] = s->owed[2] = 0;
		return true;
	}
	/* run -i's client left: the main process sees the end of its input
	 * (else one reading stdin would wait for ever). */
	if (s->attach && s->close_stdin && !s->eof_sent && io->chan &&
	    !io->main_in_closed && chan_stdin_eof(io->chan, 0) == 0)
		io->main_in_closed = true;
	session_free(s);
	return true;
}

static struct session *session_new(struct pod_io *io, pod_token t)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->io = io;
	s->tok = t;
	s->client_credit = POD_IO_CLIENT_CREDIT;
	s->next = io->sessions;
	if (io->sessions)
		io->sessions->prev = s;
	io->sessions = s;
	return s;
}

static char **strv_of(char *const *v)
{
	return v ? pod_strv_dup(v) : calloc(1, sizeof(char *));
}

/* Start the session's process: its command in s->q_* (then freed). */
static int exec_send(struct pod_io *io, struct session *s, char *err,
		     size_t errsz)
{
	char **argv = s->q_argv, **env = s->q_env;
	struct podio_exec pe = { 0 };
	int rc = -ENOMEM, id;

	s->queued = false;
	id = chan_stream_alloc(io->chan);
	if (argv && env && id > 0) {
		pe.tty = s->q_tty;
		pe.rows = s->rows;
		pe.cols = s->cols;
		while (argv[pe.argc])
			pe.argc++;
		while (env[pe.envc])
			pe.envc++;
		pe.argv = (const char *const *)argv;
		pe.envp = (const char *const *)env;
		pe.cwd = s->q_cwd;
		pe.user = s->q_user;
		pe.groups = s->q_groups;
		pe.rlimits = s->q_rlimits;
		s->stream = (uint16_t)id;
		rc = chan_exec(io->chan, s->stream, &pe);
	} else if (id < 0) {
		rc = id;
	}
	if (rc == -E2BIG)
		snprintf(err, errsz,
			 "%s: command, env, cwd, groups and rlimits exceed %u "
			 "bytes",
			 s->path, PODIO_MAX_PAYLOAD);
	else if (rc == -EINVAL)
		snprintf(
			err, errsz,
			"%s: command must have 1..%u items, env %u KEY=VALUE items at most",
			s->path, PODIO_EXEC_MAX_ARGS, PODIO_EXEC_MAX_ENV);
	else if (rc)
		snprintf(err, errsz, "cannot start the command: %s",
			 rc == -EBUSY ? "too many exec sessions in this pod" :
					strerror(-rc));
	pod_strv_free(argv);
	pod_strv_free(env);
	free(s->q_cwd);
	free(s->q_user);
	free(s->q_groups);
	free(s->q_rlimits);
	s->q_argv = s->q_env = NULL;
	s->q_cwd = s->q_user = s->q_groups = s->q_rlimits = NULL;
	return rc;
}

/* The channel is up: a queued exec goes (or fails, answered). */
static void send_queued(struct session *s)
{
	char err[256];
	int rc = exec_send(s->io, s, err, sizeof(err));

	if (rc) {
		session_fail(s, rc, err);
		return;
	}
	if (s->rows && s->cols && s->q_tty)
		chan_resize(s->io->chan, s->stream, s->rows, s->cols);
	stdin_pump(s);
}

/* A new session for request t on pod name; NULL (rc, err set) if none can be. */
static struct session *session_open(const char *name, bool to_start,
				    pod_token t, int *rc, char *err,
				    size_t errsz)
{
	struct pod *p = pod_find(name);
	struct pod_io *io;
	struct session *s;

	/* docker refuses too: the session would hang until the thaw. */
	if (p && p->paused) {
		snprintf(err, errsz, "pod %s: is paused; unpause it first",
			 p->name);
		*rc = -EBADFD;
		return NULL;
	}
	io = io_or_fail(name, to_start, rc, err, errsz);
	if (!io)
		return NULL;
	s = session_new(io, t);
	if (!s) {
		snprintf(err, errsz, "out of memory");
		*rc = -ENOMEM;
	}
	return s;
}

/* groups joined by ',' (NULL for none); *bad: out of memory. */
static char *join_groups(char *const *groups, bool *bad)
{
	size_t n = 0, off = 0;
	char *out;

	if (!groups || !groups[0])
		return NULL;
	for (size_t i = 0; groups[i]; i++)
		n += strlen(groups[i]) + 1;
	out = malloc(n);
	if (!out) {
		*bad = true;
		return NULL;
	}
	for (size_t i = 0; groups[i]; i++)
		off += (size_t)sprintf(out + off, "%s%s", i ? "," : "",
				       groups[i]);
	return out;
}

/* The limits as podio.h's "RES:SOFT:HARD ..." (NULL for none). */
static char *join_rlimits(const struct rlimit_arg *r, size_t n, bool *bad)
{
	char tok[XP_RLIMIT_TOKEN_MAX], *out;
	size_t off = 0;

	if (!n)
		return NULL;
	out = malloc(n * (XP_RLIMIT_TOKEN_MAX + 1));
	if (!out) {
		*bad = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (rlimit_token(&r[i], tok, sizeof(tok))) {
			free(out);
			*bad = true;
			return NULL;
		}
		off += (size_t)sprintf(out + off, "%s%s", i ? " " : "", tok);
	}
	return out;
}

int pod_exec(const struct pod_exec_req *x, pod_token t, char *err, size_t errsz)
{
	bool bad = false;
	int rc;
	struct session *s = session_open(x->name, false, t, &rc, err, errsz);

	if (!s)
		return rc;
	s->path = x->path ? x->path : "exec";
	s->q_argv = strv_of(x->command);
	s->q_env = strv_of(x->env);
	s->q_cwd = x->cwd ? strdup(x->cwd) : NULL;
	s->q_user = x->user ? strdup(x->user) : NULL;
	s->q_groups = join_groups(x->groups, &bad);
	s->q_rlimits = join_rlimits(x->rlimits, x->n_rlimits, &bad);
	s->q_tty = x->tty;
	s->rows = x->rows;
	s->cols = x->cols;
	s->in_eof = !x->in;
	if (!s->q_argv || !s->q_env || (x->cwd && !s->q_cwd) ||
	    (x->user && !s->q_user) || bad) {
		s->tok = 0;
		session_free(s);
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	if (!chan_up(s->io->chan)) {
		/* Connecting (the pod was just started): sent on HELLO. */
		s->queued = true;
		log_debug("pod %s: exec queued until its channel connects",
			  s->io->pod->name);
	} else {
		rc = exec_send(s->io, s, err, errsz);
		if (rc) {
			s->tok = 0;
			session_free(s);
			return rc;
		}
		stdin_pump(s);
	}
	return POD_DEFERRED;
}

int pod_attach(const struct pod_attach_req *a, pod_token t, char *err,
	       size_t errsz)
{
	struct pod *p = pod_find(a->name);
	struct session *s;
	int rc;

	/* Its guest closed the main stdin at boot (no "stdin" in the spec). */
	if (p && a->in && !p->open_stdin) {
		snprintf(
			err, errsz,
			"pod %s: its main process has no open stdin (run it with -i)",
			p->name);
		return -EBADFD;
	}
	if (p && a->in && p->io && p->io->main_in_closed) {
		snprintf(err, errsz,
			 "pod %s: its main process's stdin was closed",
			 p->name);
		return -EBADFD;
	}
	s = session_open(a->name, a->start, t, &rc, err, errsz);
	if (!s)
		return rc;
	s->attach = true;
	s->stream = 0;
	s->in_eof = !a->in;
	s->close_stdin = a->close_stdin;
	s->rows = a->rows;
	s->cols = a->cols;
	if (s->rows && s->cols && chan_up(s->io->chan))
		chan_resize(s->io->chan, 0, s->rows, s->cols);
	/* Joined before the unpause: not a byte of output is missed. */
	if (a->start) {
		rc = pod_unpause(s->io->pod, err, errsz);
		if (rc) {
			s->tok = 0;
			session_free(s);
			return rc;
		}
	}
	return POD_DEFERRED;
}

int pod_signal(const char *name, int signo, char *err, size_t errsz)
{
	int rc;
	struct pod_io *io = io_or_fail(name, false, &rc, err, errsz);

	if (!io)
		return rc;
	rc = chan_signal(io->chan, 0, (uint32_t)signo);
	if (rc) {
		snprintf(err, errsz,
			 "pod %s: cannot signal its main process: %s",
			 io->pod->name, strerror(-rc));
		return rc;
	}
	log_info("pod %s: signal %d to the main process", io->pod->name, signo);
	return 0;
}

/* The live session of request t, or NULL. */
static struct session *session_live(pod_token t)
{
	struct session *s = session_of_token(t);

	return s && s->io->chan ? s : NULL;
}

const char *pod_session_pod(pod_token t)
{
	struct session *s = session_live(t);

	return s ? s->io->pod->name : NULL;
}

static void violation(struct session *s, const char *why)
{
	struct pod_io *io = s->io;

	bool running = !s->attach && !s->queued &&
		       chan_stream_open(io->chan, s->stream);

	if (running)
		chan_signal(io->chan, s->stream, SIGKILL);
	pod_reply_error(session_detach(s), -EINVAL, -1, why);
	if (!running)
		session_free(s);
}

int pod_session_violation(pod_token t, const char *why)
{
	struct session *s = session_live(t);

	if (!s)
		return -EBADFD;
	violation(s, why);
	return 0;
}

int pod_session_input(pod_token t, const uint8_t *data, size_t n, bool eof)
{
	struct session *s = session_live(t);

	if (!s)
		return -EBADFD;
	if ((uint64_t)n > s->client_credit || s->in_eof) {
		violation(s, s->in_eof ? "exec_input after eof" :
					 "exec_input beyond its credit");
		return 0;
	}
	if (n) {
		uint8_t *q = realloc(s->inq, s->inq_len + n);

		if (!q) {
			violation(s, "out of memory");
			return 0;
		}
		s->inq = q;
		memcpy(s->inq + s->inq_len, data, n);
		s->inq_len += n;
		s->client_credit -= (uint32_t)n;
	}
	if (eof)
		s->in_eof = true;
	stdin_pump(s);
	return 0;
}

int pod_session_resize(pod_token t, uint16_t rows, uint16_t cols)
{
	struct session *s = session_live(t);

	if (!s)
		return -EBADFD;
	s->rows = rows;
	s->cols = cols;
	if (!s->queued && chan_up(s->io->chan))
		chan_resize(s->io->chan, s->stream, s->rows, s->cols);
	return 0;
}

int pod_session_signal(pod_token t, int signo)
{
	struct session *s = session_live(t);

	if (!s)
		return -EBADFD;
	if (s->queued) /* not started yet: it ends before it begins */
		session_fail(s, -ECANCELED,
			     "signalled before its process started");
	else
		chan_signal(s->io->chan, s->stream, (uint32_t)signo);
	return 0;
}
