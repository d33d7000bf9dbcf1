/* SPDX-License-Identifier: MIT */
/* cmd_exec: exec and attach: a process's stdio over one connection (raw terminal, resize, signals), and kill -s. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "base64.h"
#include "util.h"
#include "xenpod.h"
#include "protocol.h"

#define EXEC_IN_CHUNK 32768
/* ^C this many times leaves (the daemon then kills the process). */
#define EXEC_INTR_LEAVE 3
/* exec's long options without a short one */
#define OPT_EXEC_ULIMIT 0x200
#define OPT_EXEC_GROUP 0x201

struct session {
	struct cli *cli;
	int fd; /* the daemon connection */
	int64_t id; /* the pod_exec / pod_attach request */
	bool in; /* forward stdin */
	bool in_done;
	bool tty;
	uint32_t credit;
	char *buf; /* received, not yet a whole line */
	size_t len;
	int intrs;
	bool attach; /* pod_attach: leaving does not end the process */
	bool left; /* we left on ^C, before the reply */
	int status; /* the exit status once the reply came, else -1 */
	char bad[120]; /* the start of a line we could not use */
};

/* ---- the terminal ---- */

static struct termios saved_tio;
static bool raw_on;
static int sig_pipe[2] = { -1, -1 };

static void term_restore(void)
{
	if (raw_on)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
	raw_on = false;
}

static int term_raw(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return -errno;
	t = saved_tio;
	cfmakeraw(&t);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) < 0)
		return -errno;
	raw_on = true;
	atexit(term_restore);
	return 0;
}

static void winsize(int64_t *rows, int64_t *cols)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 ||
	    ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

/* "rows" and "cols" of our terminal into a request's params. */
static void w_winsize(struct json_writer *w)
{
	int64_t rows = 0, cols = 0;

	winsize(&rows, &cols);
	json_w_key(w, "rows");
	json_w_int(w, rows);
	json_w_key(w, "cols");
	json_w_int(w, cols);
}

/* Signals become bytes on a pipe, handled in the loop. */
static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int e = errno;

	if (write(sig_pipe[1], &b, 1) < 0) {
		/* full: the loop has enough to do already */
	}
	errno = e;
}

static const int session_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				    SIGWINCH };
#define N_SESSION_SIGS (sizeof(session_sigs) / sizeof(session_sigs[0]))

/* After the session: signals act as usual again (run waits for the pod). */
static void signals_restore(void)
{
	size_t i;

	for (i = 0; i < N_SESSION_SIGS; i++)
		signal(session_sigs[i], SIG_DFL);
	if (sig_pipe[0] >= 0) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
		sig_pipe[0] = sig_pipe[1] = -1;
	}
}

static int signals_setup(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	size_t i;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < N_SESSION_SIGS; i++)
		sigaction(session_sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* ---- talking to the daemon ---- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -errno;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* A notification line (no id: the daemon sends no reply). */
static int notify(struct session *s, const char *method, const char *params)
{
	char *line = NULL;
	int n, rc;

	n = asprintf(&line,
		     "{\"jsonrpc\":\"2.0\",\"method\":\"%s\",\"params\":%s}\n",
		     method, params);
	if (n < 0)
		return -ENOMEM;
	rc = write_all(s->fd, line, (size_t)n);
	free(line);
	return rc;
}

static void send_signal(struct session *s, int sig)
{
	char p[32];

	snprintf(p, sizeof(p), "{\"signal\":%d}", sig);
	notify(s, XP_M_EXEC_SIGNAL, p);
}

static void send_resize(struct session *s)
{
	int64_t rows = 0, cols = 0;
	char p[64];

	winsize(&rows, &cols);
	snprintf(p, sizeof(p), "{\"rows\":%lld,\"cols\":%lld}", (long long)rows,
		 (long long)cols);
	notify(s, XP_M_EXEC_RESIZE, p);
}

static int pump_stdin(struct session *s)
{
	static unsigned char buf[EXEC_IN_CHUNK];
	static char p[B64_LEN(EXEC_IN_CHUNK) + 64];
	size_t want = s->credit < sizeof(buf) ? s->credit : sizeof(buf);
	ssize_t r = read(STDIN_FILENO, buf, want);
	int k;

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (r <= 0) {
		s->in_done = true;
		return notify(s, XP_M_EXEC_INPUT, "{\"eof\":true}");
	}
	s->credit -= (uint32_t)r;
	k = snprintf(p, sizeof(p), "{\"data\":\"");
	k += (int)b64_encode(buf, (size_t)r, p + k);
	snprintf(p + k, sizeof(p) - (size_t)k, "\"}");
	return notify(s, XP_M_EXEC_INPUT, p);
}

static int on_output(const struct json *params)
{
	static unsigned char buf[1 << 20];
	const char *data = json_str(json_get(params, "data"));
	int64_t fd = 0;
	long n;

	if (!data || !json_int(json_get(params, "fd"), &fd) || fd < 1 || fd > 2)
		return -EPROTO;
	n = b64_decode(data, buf, sizeof(buf));
	if (n < 0)
		return -EPROTO;
	/* A closed stdout (| head) is not the process's failure. */
	write_all((int)fd, (const char *)buf, (size_t)n);
	return 0;
}

static int result_status(struct session *s, const struct json *res)
{
	const char *err = json_str(json_get(res, "error"));
	int64_t code = 125, sig = 0;

	json_int(json_get(res, "exit_code"), &code);
	json_int(json_get(res, "signal"), &sig);
	if (s->cli->json) {
		term_restore();
		cli_print_json(res, false);
	}
	if (err) {
		term_restore();
		cli_error("%s: %s", s->cli->cmd->name, err);
	}
	if (sig > 0 && sig < 128) {
		s->cli->end_signal = (int)sig;
		return 128 + (int)sig;
	}
	return (int)(code & 255);
}

/* One line from the daemon: output, credit, or the reply. */
static int on_line(struct session *s, const char *line, size_t len)
{
	char err[256];
	struct json *root = json_parse(line, len, err, sizeof(err));
	const char *method;
	const struct json *params, *e;
	int64_t id, n;
	int rc = 0;

	if (!root)
		return -EPROTO;
	method = json_str(json_get(root, "method"));
	params = json_get(root, "params");
	if (method && !strcmp(method, XP_N_EXEC_OUTPUT)) {
		rc = on_output(params);
	} else if (method && !strcmp(method, XP_N_EXEC_CREDIT)) {
		if (json_int(json_get(params, "bytes"), &n) && n > 0 &&
		    n <= XP_EXEC_CREDIT)
			s->credit += (uint32_t)n;
	} else if (!method && json_int(json_get(root, "id"), &id) &&
		   id == s->id) {
		e = json_get(root, "error");
		if (e) {
			int64_t st = -1;

			term_restore();
			cli_error("%s",
				  json_str(json_get(e, "message")) ?: "error");
			/* A program that could not be started has the status
			 * a shell gives (126, 127; PROTOCOL.md). */
			json_int(json_get(json_get(e, "data"), "exit_code"),
				 &st);
			s->status = st >= 0 && st <= 255 ? (int)st : CLI_ERR;
		} else {
			s->status = result_status(s, json_get(root, "result"));
		}
	}
	json_free(root);
	return rc;
}

static int pump_socket(struct session *s)
{
	char *nl;
	ssize_t r;
	int rc;

	if (s->len == CLIENT_LINE_MAX)
		return -EPROTO;
	r = read(s->fd, s->buf + s->len, CLIENT_LINE_MAX - s->len);
	if (r < 0 && errno == EINTR)
		return 0;
	if (r <= 0)
		return -ECONNRESET;
	s->len += (size_t)r;
	while (s->status < 0 && (nl = memchr(s->buf, '\n', s->len))) {
		size_t n = (size_t)(nl - s->buf) + 1;

		rc = on_line(s, s->buf, n - 1);
		if (rc) {
			size_t i, o = 0;

			/* Say what it was, printable, for the bug report. */
			for (i = 0; i < n - 1 && o + 5 < sizeof(s->bad); i++)
				o += (size_t)snprintf(
					s->bad + o, sizeof(s->bad) - o,
					s->buf[i] > 0x20 && s->buf[i] < 0x7f ?
						"%c" :
						"\\x%02x",
					(unsigned char)s->buf[i]);
			snprintf(s->bad + o, sizeof(s->bad) - o, " (%zu bytes)",
				 n - 1);
			return rc;
		}
		memmove(s->buf, s->buf + n, s->len - n);
		s->len -= n;
	}
	return 0;
}

static void on_local_signal(struct session *s, int sig)
{
	if (sig == SIGWINCH) {
		if (s->tty)
			send_resize(s);
		return;
	}
	if (sig == SIGINT && ++s->intrs >= EXEC_INTR_LEAVE) {
		term_restore();
		cli_error("%s: interrupted; leaving (%s)", s->cli->cmd->name,
			  s->attach ? "the pod keeps running" :
				      "the process is killed");
		s->status = 128 + SIGINT;
		s->left = true;
		return;
	}
	send_signal(s, sig); /* the process decides what it means */
}

static int session_loop(struct session *s)
{
	while (s->status < 0) {
		struct pollfd pf[3] = {
			{ s->fd, POLLIN, 0 },
			{ sig_pipe[0], POLLIN, 0 },
			{ STDIN_FILENO, POLLIN, 0 },
		};
		nfds_t n = s->in && !s->in_done && s->credit ? 3 : 2;
		unsigned char sig;
		int rc;

		if (poll(pf, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (read(sig_pipe[0], &sig, 1) == 1)
			on_local_signal(s, sig);
		if (s->status >= 0)
			break;
		if (n == 3 && (pf[2].revents & (POLLIN | POLLHUP | POLLERR))) {
			rc = pump_stdin(s);
			if (rc)
				return rc;
		}
		if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			rc = pump_socket(s);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/*
 * Sends the request, then streams until its reply; returns the exit status
 * (*left_r: we left on ^C before it ended).
 */
static int run_session(struct cli *cli, const char *pod, const char *method,
		       char *params, bool in, bool tty, bool *left_r)
{
	struct session s = { .cli = cli,
			     .in = in,
			     .tty = tty,
			     .attach = !strcmp(method, XP_M_POD_ATTACH),
			     .credit = XP_EXEC_CREDIT,
			     .status = -1 };
	int rc;

	cli->end_signal = 0;
	if (!params) {
		cli_error("out of memory");
		return CLI_ERR;
	}
	s.buf = malloc(CLIENT_LINE_MAX);
	rc = s.buf ? cli_connect(cli) : -ENOMEM;
	if (!rc)
		rc = signals_setup();
	if (!rc)
		rc = client_send(&cli->client, method, params, &s.id);
	free(params);
	if (rc) {
		if (rc == -ENOMEM)
			cli_error("out of memory");
		free(s.buf);
		return CLI_ERR;
	}
	s.fd = cli->client.fd;
	/* Raw only when our keys go to the process: without -i, ^C must
	 * still reach us as a signal. */
	if (tty && in && isatty(STDIN_FILENO) && term_raw() < 0)
		cli_error("%s: cannot put the terminal in raw mode",
			  cli->cmd->name);
	rc = session_loop(&s);
	term_restore();
	signals_restore();
	if (left_r)
		*left_r = s.left;
	free(s.buf);
	if (rc == -ECONNRESET)
		cli_error("pod %s: connection to xenpodd lost", pod);
	else if (rc == -EPROTO)
		cli_error("pod %s: malformed data from xenpodd: %s", pod,
			  s.bad);
	else if (rc)
		cli_error("pod %s: %s", pod, strerror(-rc));
	if (rc)
		cli->end_signal = 0;
	return rc ? CLI_ERR : s.status;
}

/* ---- commands ---- */

int cmd_exec(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "interactive", no_argument, NULL, 'i' },
		{ "tty", no_argument, NULL, 't' },
		{ "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "ulimit", required_argument, NULL, OPT_EXEC_ULIMIT },
		{ "group-add", required_argument, NULL, OPT_EXEC_GROUP },
		CMD_COMMON_OPTS,
	};
	struct json_writer *w;
	const char **env = calloc((size_t)argc + 1, sizeof(char *));
	const char **groups = calloc((size_t)argc + 1, sizeof(char *));
	const char *cwd = NULL, *pod, *user = NULL;
	struct rlimit_arg rlimits[XP_RLIMITS_MAX];
	size_t n_rlimits = 0, k;
	bool in = false, tty = false;
	int opt, nenv = 0, ngroups = 0, i, rc;
	char why[400];

	if (!env || !groups) {
		free(env);
		free(groups);
		cli_error("out of memory");
		return CLI_ERR;
	}
	while ((opt = cmd_getopt(cli, argc, argv, "+hite:w:u:", lo)) != -1) {
		switch (opt) {
		case 'i':
			in = true;
			break;
		case 't':
			tty = true;
			break;
		case 'e':
			if (!cli_env_valid(optarg)) {
				free(env);
				free(groups);
				return cmd_usage(cli,
						 "-e %s: expected KEY=VALUE",
						 optarg);
			}
			env[nenv++] = optarg;
			break;
		case 'w':
			if (optarg[0] != '/') {
				free(env);
				free(groups);
				return cmd_usage(
					cli, "-w %s: expected an absolute path",
					optarg);
			}
			cwd = optarg;
			break;
		case 'u':
			if (!xp_user_valid(optarg)) {
				free(env);
				free(groups);
				return cmd_usage(cli,
						 "-u %s: expected USER[:GROUP] "
						 "(names or numbers)",
						 optarg);
			}
			user = optarg;
			break;
		case OPT_EXEC_ULIMIT:
			if (cli_ulimit_add(optarg, rlimits, &n_rlimits, why,
					   sizeof(why))) {
				free(env);
				free(groups);
				return cmd_usage(cli, "%s", why);
			}
			break;
		case OPT_EXEC_GROUP:
			if (!xp_group_valid(optarg) ||
			    ngroups == XP_SPEC_GROUPS_MAX) {
				free(env);
				free(groups);
				return cmd_usage(
					cli,
					ngroups == XP_SPEC_GROUPS_MAX ?
						"--group-add %s: at most %d "
						"groups" :
						"--group-add %s: expected a "
						"group name or number",
					optarg, XP_SPEC_GROUPS_MAX);
			}
			groups[ngroups++] = optarg;
			break;
		case CMD_OPT_HELP:
			free(env);
			free(groups);
			return cmd_help(cli->cmd);
		default:
			free(env);
			free(groups);
			return cmd_usage(cli, NULL);
		}
	}
	if (argc - optind < 2) {
		free(env);
		free(groups);
		return cmd_usage(cli, argc == optind ? "missing POD" :
						       "missing COMMAND");
	}
	/* They are the user's groups (the pod's user has its own). */
	if (ngroups && !user) {
		free(env);
		free(groups);
		return cmd_usage(cli, "--group-add needs -u");
	}
	pod = argv[optind];
	if (!cmd_name_ok(pod)) {
		free(env);
		free(groups);
		return cmd_usage(cli, NULL);
	}
	w = params_open(pod);
	if (w) {
		json_w_key(w, "command");
		json_w_array_open(w);
		for (i = optind + 1; i < argc; i++)
			json_w_string(w, argv[i]);
		json_w_array_close(w);
		json_w_key(w, "env");
		json_w_array_open(w);
		for (i = 0; i < nenv; i++)
			json_w_string(w, env[i]);
		json_w_array_close(w);
		if (cwd) {
			json_w_key(w, "cwd");
			json_w_string(w, cwd);
		}
		if (user) {
			json_w_key(w, "user");
			json_w_string(w, user);
		}
		if (ngroups) {
			json_w_key(w, "groups");
			json_w_array_open(w);
			for (i = 0; i < ngroups; i++)
				json_w_string(w, groups[i]);
			json_w_array_close(w);
		}
		if (n_rlimits) {
			json_w_key(w, "rlimits");
			json_w_array_open(w);
			for (k = 0; k < n_rlimits; k++)
				rlimit_write(w, &rlimits[k]);
			json_w_array_close(w);
		}
		json_w_key(w, "tty");
		json_w_bool(w, tty);
		json_w_key(w, "stdin");
		json_w_bool(w, in);
		if (tty)
			w_winsize(w);
	}
	free(env);
	free(groups);
	rc = run_session(cli, pod, XP_M_POD_EXEC, params_close(w), in, tty,
			 NULL);
	return rc;
}

int cli_attach_session(struct cli *cli, const char *pod, bool start, bool in,
		       bool tty, bool *left_r)
{
	struct json_writer *w = params_open(pod);

	if (w) {
		json_w_key(w, "stdin");
		json_w_bool(w, in);
		/* run -i: the end of our input is the end of its (docker's
		 * stdin-once); a plain attach leaves it open for the next. */
		json_w_key(w, "close_stdin");
		json_w_bool(w, start && in);
		json_w_key(w, "start");
		json_w_bool(w, start);
		if (tty)
			w_winsize(w);
	}
	return run_session(cli, pod, XP_M_POD_ATTACH, params_close(w), in, tty,
			   left_r);
}

/* Does the pod run its main process on a terminal, with stdin open? */
static int attach_mode(struct cli *cli, const char *pod, bool *tty, bool *in)
{
	const struct json *result;
	struct json *root = NULL;
	bool b;

	if (cli_call(cli, pod, XP_M_POD_INSPECT, params_close(params_open(pod)),
		     NULL, NULL, &root, &result) < 0)
		return CLI_ERR;
	*tty = json_bool(json_get(result, "tty"), &b) && b;
	if (!(json_bool(json_get(result, "stdin"), &b) && b))
		*in = false;
	json_free(root);
	return 0;
}

int cmd_attach(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "no-stdin", no_argument, NULL, 'n' },
		CMD_COMMON_OPTS,
	};
	const char *pod;
	bool in = true, tty = false;
	int opt, rc;

	while ((opt = cmd_getopt(cli, argc, argv, "hn", lo)) != -1) {
		switch (opt) {
		case 'n':
			in = false;
			break;
		case CMD_OPT_HELP:
			return cmd_help(cli->cmd);
		default:
			return cmd_usage(cli, NULL);
		}
	}
	rc = cmd_one_pod(cli, argc, argv, &pod);
	if (!rc)
		rc = attach_mode(cli, pod, &tty, &in);
	if (rc)
		return rc;
	return cli_attach_session(cli, pod, false, in,
				  tty && isatty(STDIN_FILENO), NULL);
}

/* kill -s SIGNAL POD: a signal to the main process over the pod's channel. */
int cmd_kill_signal(struct cli *cli, const char *pod, int sig)
{
	struct json_writer *w = params_open(pod);
	const struct json *result;
	struct json *root = NULL;

	if (w) {
		json_w_key(w, "signal");
		json_w_int(w, sig);
	}
	if (cli_call(cli, pod, XP_M_POD_SIGNAL, params_close(w), NULL, NULL,
		     &root, &result) < 0)
		return CLI_ERR;
	if (cli->json)
		cli_print_json(result, false);
	else
		printf("%s\n", pod);
	json_free(root);
	return CLI_OK;
}
