/* SPDX-License-Identifier: MIT */
/* pod_exec: each pod's I/O channel: main stdout/stderr to the log, exec and attach sessions, signals. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "chan.h"
#include "console.h"
#include "control.h"
#include "ev.h"
#include "json.h"
#include "log.h"
#include "pod_exec.h"
#include "pod_internal.h"
#include "rpc.h"
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
	struct rpc_req
		*req; /* pending pod_exec / pod_attach; NULL once answered */
	struct conn *conn; /* NULL once the client left */
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
	char **q_argv, **q_env, *q_cwd;
	bool q_tty;
};

/* ---- sessions ---- */

static struct session *session_of_conn(struct conn *c)
{
	struct pod *p;
	struct session *s;

	for (p = pod_ctx.pods; p; p = p->next)
		for (s = p->io ? p->io->sessions : NULL; s; s = s->next)
			if (s->conn == c)
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

	if (s->conn)
		control_on_drain(s->conn, NULL, NULL);
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
	free(s);
}

/* Answers the session's request (if still pending) and frees it. */
static void session_end(struct session *s, const char *result, int code,
			const char *err)
{
	struct rpc_req *req = s->req;

	s->req = NULL;
	if (req && err)
		rpc_error(req, code, "%s", err);
	else if (req)
		rpc_reply(req, result);
	session_free(s);
}

static void notify_output(struct session *s, int fd, const uint8_t *d, size_t n)
{
	char *buf = malloc(32 + B64_LEN(n) + 1);
	int k;

	if (!buf)
		return;
	k = sprintf(buf, "{\"fd\":%d,\"data\":\"", fd);
	k += (int)b64_encode(d, n, buf + k);
	memcpy(buf + k, "\"}", 3);
	rpc_notify(s->conn, "exec_output", buf);
	free(buf);
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

	if (!s || !s->conn) { /* nobody to deliver to: drop, keep it flowing */
		chan_grant(io->chan, stream, fd, (uint32_t)n);
		return;
	}
	notify_output(s, fd, d, n);
	if (control_outq(s->conn) < CONTROL_OUT_LOW) {
		chan_grant(io->chan, s->stream, fd, (uint32_t)n);
		return;
	}
	/* A stalled client stops only its own stream (credit), nothing else. */
	s->owed[fd] += (uint32_t)n;
	control_on_drain(s->conn, on_drain, s);
}

static void main_output(struct pod_io *io, int fd, const uint8_t *d, size_t n)
{
	struct session *s;

	if (!io->out &&
	    outlog_open(pod_ctx.log_dir, io->pod->name, 0, &io->out) < 0)
		log_warn("pod %s: cannot open its output log", io->pod->name);
	if (io->out)
		outlog_append(io->out, fd, d, n);
	chan_grant(io->chan, 0, fd, (uint32_t)n);
	for (s = io->sessions; s; s = s->next) {
		if (!s->attach || !s->conn)
			continue;
		if (control_outq(s->conn) > ATTACH_OUTQ_MAX) {
			s->dropped += n;
			continue;
		}
		notify_output(s, fd, d, n);
	}
	pod_logs_pod_changed(io->pod);
}

/* Moves queued stdin into the channel as the guest's credit allows. */
static void stdin_pump(struct session *s)
{
	struct pod_io *io = s->io;
	char note[64];
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
			if (s->conn) {
				snprintf(note, sizeof(note), "{\"bytes\":%d}",
					 r);
				rpc_notify(s->conn, "exec_credit", note);
			}
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

static void exit_result(char *buf, size_t sz, int code, unsigned signo,
			const char *error)
{
	struct json_writer *w = json_writer_new(false);
	const char *t;

	json_w_object_open(w);
	json_w_key(w, "exit_code");
	json_w_int(w, code);
	json_w_key(w, "signal");
	json_w_int(w, signo);
	if (error) {
		json_w_key(w, "error");
		json_w_string(w, error);
	}
	json_w_object_close(w);
	t = json_writer_text(w, NULL);
	snprintf(buf, sz, "%s", t ? t : "{\"exit_code\":125,\"signal\":0}");
	json_writer_free(w);
}

static void on_exit_cb(void *arg, uint16_t stream, int code, unsigned signo,
		       const char *error)
{
	struct pod_io *io = arg;
	struct session *s, *next;
	char res[512];

	exit_result(res, sizeof(res), code, signo, error);
	for (s = io->sessions; s; s = next) {
		next = s->next;
		if ((stream == 0 && s->attach) ||
		    (!s->attach && s->stream == stream))
			session_end(s, res, 0, NULL);
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
		session_end(io->sessions, NULL, RPC_FAILED, io->down_why);
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

static void on_hello_timeout(void *arg)
{
	struct pod_io *io = arg;
	struct pod *p = io->pod;

	io->hello_timer = NULL;
	if (io->hello_seen || pod_is_final(p))
		return;
	log_warn(
		"pod %s: the guest did not connect or answer its I/O channel within %d s; destroying it",
		p->name, POD_IO_HELLO_MS / 1000);
	pod_finish(
		p, POD_FAILED,
		"failed: the guest did not connect or answer its I/O channel",
		false);
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
		char res[128];

		if (s->attach && p->has_exit) {
			exit_result(res, sizeof(res), p->exit_code, 0, NULL);
			session_end(s, res, 0, NULL);
		} else {
			session_end(s, NULL, RPC_FAILED, msg);
		}
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
				p->name, s->stream, s->attach, s->conn != NULL,
				s->conn ? control_outq(s->conn) : 0, s->inq_len,
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

/* ---- RPCs ---- */

/* The pod and its live channel, or an error answer. */
/* The pod's I/O, up, or (to_start: attaching before the start) served. */
static struct pod_io *io_or_fail(struct rpc_req *req, const char *name,
				 bool to_start)
{
	struct pod *p = pod_find(name);
	enum pod_status want = to_start ? POD_CREATED : POD_RUNNING;

	if (!p) {
		rpc_error(req, RPC_NOT_FOUND, "pod %s: not found", name);
		return NULL;
	}
	if (p->status != want) {
		rpc_error(req, RPC_CONFLICT, "pod %s: is %s, not %s", p->name,
			  pod_status_name(p->status), pod_status_name(want));
		return NULL;
	}
	if (!p->io || !p->io->chan) {
		rpc_error(
			req, RPC_FAILED,
			"pod %s: has no I/O channel (its kernel does not serve one, or it was closed)",
			p->name);
		return NULL;
	}
	/* Before the first HELLO the request waits for it (sessions are
	 * queued); a channel that went down since is an error. */
	if (!to_start && p->io->hello_seen && !chan_up(p->io->chan)) {
		rpc_error(req, RPC_FAILED, "%s",
			  p->io->down_why[0] ? p->io->down_why :
					       "its I/O channel is down");
		return NULL;
	}
	return p->io;
}

static void session_cancel(struct rpc_req *req, void *arg)
{
	struct session *s = arg;
	struct pod_io *io = s->io;

	(void)req;
	s->req = NULL;
	s->conn = NULL;
	/* The client left: the process goes; its stream closes on EXIT. */
	if (!s->attach && !s->queued && io->chan &&
	    chan_stream_open(io->chan, s->stream)) {
		chan_signal(io->chan, s->stream, SIGKILL);
		for (int fd = 1; fd <= 2; fd++)
			if (s->owed[fd])
				chan_grant(io->chan, s->stream, fd,
					   s->owed[fd]);
		s->owed[1] = s->owed[2] = 0;
		return;
	}
	/* run -i's client left: the main process sees the end of its input
	 * (else one reading stdin would wait for ever). */
	if (s->attach && s->close_stdin && !s->eof_sent && io->chan &&
	    !io->main_in_closed && chan_stdin_eof(io->chan, 0) == 0)
		io->main_in_closed = true;
	session_free(s);
}

static struct session *session_new(struct pod_io *io, struct rpc_req *req)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->io = io;
	s->req = req;
	s->conn = rpc_req_conn(req);
	s->client_credit = POD_IO_CLIENT_CREDIT;
	s->next = io->sessions;
	if (io->sessions)
		io->sessions->prev = s;
	io->sessions = s;
	return s;
}

static char **strv_of(const struct json *arr)
{
	return arr ? pod_strv_from_json(arr) : calloc(1, sizeof(char *));
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
		s->stream = (uint16_t)id;
		rc = chan_exec(io->chan, s->stream, &pe);
	} else if (id < 0) {
		rc = id;
	}
	if (rc == -E2BIG)
		snprintf(err, errsz,
			 "params: command, env and cwd exceed %u bytes",
			 PODIO_MAX_PAYLOAD);
	else if (rc == -EINVAL)
		snprintf(
			err, errsz,
			"params: command must have 1..%u items, env %u KEY=VALUE items at most",
			PODIO_EXEC_MAX_ARGS, PODIO_EXEC_MAX_ENV);
	else if (rc)
		snprintf(err, errsz, "cannot start the command: %s",
			 rc == -EBUSY ? "too many exec sessions in this pod" :
					strerror(-rc));
	pod_strv_free(argv);
	pod_strv_free(env);
	free(s->q_cwd);
	s->q_argv = s->q_env = NULL;
	s->q_cwd = NULL;
	return rc;
}

/* The channel is up: a queued exec goes (or fails, answered). */
static void send_queued(struct session *s)
{
	char err[256];
	int rc = exec_send(s->io, s, err, sizeof(err));

	if (rc) {
		session_end(s, NULL, rpc_code_of(rc), err);
		return;
	}
	if (s->rows && s->cols && s->q_tty)
		chan_resize(s->io->chan, s->stream, s->rows, s->cols);
	stdin_pump(s);
}

/* A new session on req's connection for pod name; NULL once req is answered. */
static struct session *session_open(struct rpc_req *req, const char *name,
				    bool to_start)
{
	struct pod_io *io = io_or_fail(req, name, to_start);
	struct session *s;

	if (!io)
		return NULL;
	if (session_of_conn(rpc_req_conn(req))) {
		rpc_error(req, RPC_BUSY,
			  "this connection has a session already");
		return NULL;
	}
	s = session_new(io, req);
	if (!s)
		rpc_error(req, RPC_FAILED, "out of memory");
	return s;
}

void pod_rpc_exec(struct rpc_req *req, const struct pod_exec_req *x)
{
	struct session *s = session_open(req, x->name, false);
	char err[256];
	int rc;

	if (!s)
		return;
	s->q_argv = strv_of(x->command);
	s->q_env = strv_of(x->env);
	s->q_cwd = x->cwd ? strdup(x->cwd) : NULL;
	s->q_tty = x->tty;
	s->rows = (uint16_t)x->rows;
	s->cols = (uint16_t)x->cols;
	s->in_eof = !x->in;
	if (!s->q_argv || !s->q_env || (x->cwd && !s->q_cwd)) {
		session_end(s, NULL, RPC_FAILED, "out of memory");
		return;
	}
	if (!chan_up(s->io->chan)) {
		/* Connecting (the pod was just started): sent on HELLO. */
		s->queued = true;
		log_debug("pod %s: exec queued until its channel connects",
			  s->io->pod->name);
	} else {
		rc = exec_send(s->io, s, err, sizeof(err));
		if (rc) {
			session_end(s, NULL, rpc_code_of(rc), err);
			return;
		}
		stdin_pump(s);
	}
	rpc_set_cancel(req, session_cancel, s);
	rpc_set_streaming(req);
}

void pod_rpc_attach(struct rpc_req *req, const struct pod_attach_req *a)
{
	struct pod *p = pod_find(a->name);
	struct session *s;
	char err[256];
	int code;

	/* Its guest closed the main stdin at boot (no "stdin" in the spec). */
	if (p && a->in && !p->open_stdin) {
		rpc_error(
			req, RPC_CONFLICT,
			"pod %s: its main process has no open stdin (run it with -i)",
			p->name);
		return;
	}
	if (p && a->in && p->io && p->io->main_in_closed) {
		rpc_error(req, RPC_CONFLICT,
			  "pod %s: its main process's stdin was closed",
			  p->name);
		return;
	}
	s = session_open(req, a->name, a->start);
	if (!s)
		return;
	s->attach = true;
	s->stream = 0;
	s->in_eof = !a->in;
	s->close_stdin = a->close_stdin;
	s->rows = (uint16_t)a->rows;
	s->cols = (uint16_t)a->cols;
	if (s->rows && s->cols && chan_up(s->io->chan))
		chan_resize(s->io->chan, 0, s->rows, s->cols);
	/* Joined before the unpause: not a byte of output is missed. */
	if (a->start) {
		code = pod_start(s->io->pod, err, sizeof(err));
		if (code) {
			session_end(s, NULL, code, err);
			return;
		}
	}
	rpc_set_cancel(req, session_cancel, s);
	rpc_set_streaming(req);
}

void pod_rpc_signal(struct rpc_req *req, const char *name, int64_t signo)
{
	struct pod_io *io = io_or_fail(req, name, false);
	int rc;

	if (!io)
		return;
	rc = chan_signal(io->chan, 0, (uint32_t)signo);
	if (rc) {
		rpc_error(req, rpc_code_of(rc),
			  "pod %s: cannot signal its main process: %s",
			  io->pod->name, strerror(-rc));
		return;
	}
	log_info("pod %s: signal %lld to the main process", io->pod->name,
		 (long long)signo);
	rpc_reply(req, "{}");
}

/* The session of the request's connection, or an error answer. */
static struct session *session_or_fail(struct rpc_req *req)
{
	struct session *s = session_of_conn(rpc_req_conn(req));

	if (!s || !s->io->chan)
		rpc_error(req, RPC_CONFLICT,
			  "no exec or attach session on this connection");
	return s && s->io->chan ? s : NULL;
}

static void session_violation(struct session *s, const char *why)
{
	struct pod_io *io = s->io;

	bool running = !s->attach && !s->queued &&
		       chan_stream_open(io->chan, s->stream);

	if (running)
		chan_signal(io->chan, s->stream, SIGKILL);
	if (s->req)
		rpc_error(s->req, RPC_INVALID_PARAMS, "%s", why);
	s->req = NULL;
	s->conn = NULL;
	if (!running)
		session_free(s);
}

void pod_rpc_exec_input(struct rpc_req *req, const char *data, bool eof)
{
	static uint8_t buf[CONTROL_LINE_MAX / 4 * 3 + 3];
	struct session *s = session_or_fail(req);
	long n = 0;

	if (!s)
		return;
	rpc_reply(req, "{}");
	if (data)
		n = b64_decode(data, buf, sizeof(buf));
	if (n < 0) {
		size_t i, len = strlen(data);

		for (i = 0;
		     i < len && (b64_val(data[i]) >= 0 || data[i] == '='); i++)
			;
		log_warn(
			"pod %s: exec_input of %zu bytes is not base64 (byte %zu is 0x%02x)",
			s->io->pod->name, len, i,
			i < len ? (unsigned char)data[i] : 0);
		session_violation(s, "exec_input: data is not base64");
		return;
	}
	if ((uint64_t)n > s->client_credit || s->in_eof) {
		session_violation(s, s->in_eof ?
					     "exec_input after eof" :
					     "exec_input beyond its credit");
		return;
	}
	if (n) {
		uint8_t *q = realloc(s->inq, s->inq_len + (size_t)n);

		if (!q) {
			session_violation(s, "out of memory");
			return;
		}
		s->inq = q;
		memcpy(s->inq + s->inq_len, buf, (size_t)n);
		s->inq_len += (size_t)n;
		s->client_credit -= (uint32_t)n;
	}
	if (eof)
		s->in_eof = true;
	stdin_pump(s);
}

void pod_rpc_exec_resize(struct rpc_req *req, int64_t rows, int64_t cols)
{
	struct session *s = session_or_fail(req);

	if (!s)
		return;
	s->rows = (uint16_t)rows;
	s->cols = (uint16_t)cols;
	if (!s->queued && chan_up(s->io->chan))
		chan_resize(s->io->chan, s->stream, s->rows, s->cols);
	rpc_reply(req, "{}");
}

void pod_rpc_exec_signal(struct rpc_req *req, int64_t signo)
{
	struct session *s = session_or_fail(req);

	if (!s)
		return;
	if (s->queued) /* not started yet: it ends before it begins */
		session_end(s, NULL, RPC_FAILED,
			    "signalled before its process started");
	else
		chan_signal(s->io->chan, s->stream, (uint32_t)signo);
	rpc_reply(req, "{}");
}
