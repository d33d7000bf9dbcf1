/* SPDX-License-Identifier: MIT */
/* xpbench: dom0 timing helper of scripts/bench: times a command to a console/stdout line and to exit. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xenstore.h>

/*
 * usage:
 *   xpbench console NAME PATTERN TIMEOUT_S -- CMD [ARG...]
 *	Runs CMD (which creates a Xen domain called NAME) and watches xenstore
 *	for that domain's console pty (written by xenconsoled); prints
 *	"line_ms=T cmd_ms=T rc=N domid=D" where line_ms is the time from CMD's
 *	start to the first console line containing PATTERN.
 *   xpbench cmd PATTERN TIMEOUT_S -- CMD [ARG...]
 *	Runs CMD with its stdout+stderr on a pipe; prints "line_ms=T cmd_ms=T
 *	rc=N": the time to the first output line containing PATTERN (any line if
 *	PATTERN is empty) and to CMD's exit. CMD's output goes to stderr.
 *   xpbench waitdom DOMID TIMEOUT_S
 *	Waits until the domain has shut down or is gone, asking the hypervisor
 *	(no xenstore request, so it does not disturb xenstore counts); prints
 *	"wait_ms=T state=shutdown|gone|timeout".
 *   xpbench now
 *	Prints CLOCK_MONOTONIC in milliseconds.
 * Times that were not reached print as -1. Exit 0 unless the usage is wrong or
 * nothing could be started; a timeout still prints the line.
 */

#define BUF_MAX 8192

struct watch {
	const char *pattern;
	char buf[BUF_MAX]; /* the current, unfinished line */
	size_t len;
	double line_ms;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Feed output bytes; a line that contains the pattern stamps line_ms once. */
static void watch_feed(struct watch *w, const char *p, size_t n, double t)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || p[i] == '\r' || w->len == BUF_MAX - 1) {
			w->buf[w->len] = '\0';
			if (w->line_ms < 0 && w->len > 0 &&
			    strstr(w->buf, w->pattern))
				w->line_ms = t;
			w->len = 0;
			continue;
		}
		w->buf[w->len++] = p[i];
	}
	/* A prompt-like partial line counts too (no newline may follow). */
	w->buf[w->len] = '\0';
	if (w->line_ms < 0 && w->pattern[0] && strstr(w->buf, w->pattern))
		w->line_ms = t;
}

static pid_t spawn(char **argv, int out_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, 0);
		if (out_fd >= 0) {
			dup2(out_fd, 1);
			dup2(out_fd, 2);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "xpbench: exec %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	return pid;
}

/* A descriptor that polls readable when PID exits (-1 before Linux 5.3). */
static int pidfd_of(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

/* Reap CMD if it has exited; returns 1 once it has. */
static int reap(pid_t pid, int *rc, double *cmd_ms, double t0)
{
	int st;

	if (*cmd_ms >= 0)
		return 1;
	if (waitpid(pid, &st, WNOHANG) != pid)
		return 0;
	*cmd_ms = now_ms() - t0;
	*rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 1;
}

static void print_result(double line_ms, double cmd_ms, int rc, int domid)
{
	printf("line_ms=%.1f cmd_ms=%.1f rc=%d", line_ms, cmd_ms, rc);
	if (domid >= 0)
		printf(" domid=%d", domid);
	putchar('\n');
}

static int cmd_cmd(const char *pattern, double timeout_ms, char **argv)
{
	struct watch w = { .pattern = pattern, .line_ms = -1 };
	double t0, cmd_ms = -1;
	int fds[2], rc = -1, exited = 0;
	struct pollfd p[2];
	pid_t pid;
	char b[4096];

	if (pipe(fds))
		return 1;
	t0 = now_ms();
	pid = spawn(argv, fds[1]);
	close(fds[1]);
	if (pid < 0)
		return 1;
	p[0] = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = pidfd_of(pid), .events = POLLIN };

	while (now_ms() - t0 < timeout_ms) {
		/* Without a pidfd, look for CMD's exit every 5 ms. */
		int n = poll(p, 2, exited ? 0 : (p[1].fd < 0 ? 5 : 100));

		if (n > 0 && (p[0].revents & (POLLIN | POLLHUP))) {
			ssize_t r = read(p[0].fd, b, sizeof(b));

			if (r <= 0) {
				close(p[0].fd);
				p[0].fd = -1;
			} else {
				fwrite(b, 1, r, stderr);
				watch_feed(&w, b, r, now_ms() - t0);
				continue;
			}
		}
		if (exited || (p[0].fd < 0 && reap(pid, &rc, &cmd_ms, t0)))
			break;
		/*
		 * Once CMD has exited, drain what it wrote, then stop: a child
		 * it left behind (xl's domain-watching daemon) may hold the
		 * pipe open for good.
		 */
		exited = reap(pid, &rc, &cmd_ms, t0);
	}
	if (!reap(pid, &rc, &cmd_ms, t0))
		kill(pid, SIGKILL);
	print_result(w.line_ms, cmd_ms, rc, -1);
	return 0;
}

/* The domid of a domain called NAME, from a watch event path, or -1. */
static int domid_of(struct xs_handle *xs, const char *path, const char *name)
{
	unsigned int len;
	int domid, n = -1;
	char *v;

	if (sscanf(path, "/local/domain/%d/name%n", &domid, &n) != 1 || n < 0 ||
	    path[n])
		return -1;
	v = xs_read(xs, XBT_NULL, path, &len);
	if (!v)
		return -1;
	n = strcmp(v, name) == 0 ? domid : -1;
	free(v);
	return n;
}

/* Open the domain's console pty once xenconsoled has published it. */
static int open_console(struct xs_handle *xs, int domid)
{
	char path[64];
	unsigned int len;
	struct termios t;
	char *tty;
	int fd;

	snprintf(path, sizeof(path), "/local/domain/%d/console/tty", domid);
	tty = xs_read(xs, XBT_NULL, path, &len);
	if (!tty)
		return -1;
	fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
	free(tty);
	if (fd >= 0 && tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

struct cons {
	struct xs_handle *xs;
	const char *name;
	int domid;
	int fd;
	struct watch w;
};

static void cons_xs_event(struct cons *c)
{
	unsigned int num;
	char **ev = xs_read_watch(c->xs, &num);

	if (!ev)
		return;
	if (c->domid < 0)
		c->domid = domid_of(c->xs, ev[XS_WATCH_PATH], c->name);
	free(ev);
	if (c->domid >= 0 && c->fd < 0)
		c->fd = open_console(c->xs, c->domid);
}

static void cons_tty_event(struct cons *c, double t)
{
	char b[4096];
	ssize_t n = read(c->fd, b, sizeof(b));

	if (n > 0) {
		fwrite(b, 1, n, stderr);
		watch_feed(&c->w, b, n, t);
	}
}

static int cmd_console(const char *name, const char *pattern, double timeout_ms,
		       char **argv)
{
	struct cons c = { .name = name, .domid = -1, .fd = -1 };
	double t0, cmd_ms = -1;
	int rc = -1, pfd;
	pid_t pid;

	c.w.pattern = pattern;
	c.w.line_ms = -1;
	c.xs = xs_open(0);
	if (!c.xs || !xs_watch(c.xs, "/local/domain", "xpbench")) {
		fprintf(stderr, "xpbench: xenstore: %s\n", strerror(errno));
		return 1;
	}
	t0 = now_ms();
	pid = spawn(argv, 2);
	if (pid < 0)
		return 1;
	pfd = pidfd_of(pid);

	while (now_ms() - t0 < timeout_ms) {
		struct pollfd p[3] = { { .fd = xs_fileno(c.xs),
					 .events = POLLIN },
				       { .fd = pfd, .events = POLLIN },
				       { .fd = c.fd, .events = POLLIN } };

		if (poll(p, 3, pfd < 0 ? 5 : 100) > 0) {
			if (p[0].revents & POLLIN)
				cons_xs_event(&c);
			if (c.fd >= 0 && (p[2].revents & POLLIN))
				cons_tty_event(&c, now_ms() - t0);
		}
		if (reap(pid, &rc, &cmd_ms, t0) && c.w.line_ms >= 0)
			break;
	}
	if (!reap(pid, &rc, &cmd_ms, t0))
		kill(pid, SIGKILL);
	print_result(c.w.line_ms, cmd_ms, rc, c.domid);
	xs_close(c.xs);
	return 0;
}

/* "shutdown", "gone" or NULL while the domain still runs. */
static const char *dom_state(xc_interface *xc, uint32_t domid)
{
	xc_dominfo_t info;

	if (xc_domain_getinfo(xc, domid, 1, &info) != 1 || info.domid != domid)
		return "gone";
	if (info.shutdown || info.dying || info.crashed)
		return "shutdown";
	return NULL;
}

static int cmd_waitdom(uint32_t domid, double timeout_ms)
{
	xc_interface *xc = xc_interface_open(NULL, NULL, 0);
	const char *st = NULL;
	double t0 = now_ms();

	if (!xc) {
		fprintf(stderr, "xpbench: xc_interface_open: %s\n",
			strerror(errno));
		return 1;
	}
	while (!(st = dom_state(xc, domid)) && now_ms() - t0 < timeout_ms)
		usleep(10000);
	printf("wait_ms=%.1f state=%s\n", now_ms() - t0, st ? st : "timeout");
	xc_interface_close(xc);
	return 0;
}

static int usage(void)
{
	fputs("usage: xpbench console NAME PATTERN TIMEOUT_S -- CMD...\n"
	      "       xpbench cmd PATTERN TIMEOUT_S -- CMD...\n"
	      "       xpbench waitdom DOMID TIMEOUT_S\n"
	      "       xpbench now\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "now") == 0) {
		printf("%.1f\n", now_ms());
		return 0;
	}
	if (argc >= 7 && strcmp(argv[1], "console") == 0 &&
	    strcmp(argv[5], "--") == 0)
		return cmd_console(argv[2], argv[3], atof(argv[4]) * 1e3,
				   argv + 6);
	if (argc == 4 && strcmp(argv[1], "waitdom") == 0)
		return cmd_waitdom(atoi(argv[2]), atof(argv[3]) * 1e3);
	if (argc >= 6 && strcmp(argv[1], "cmd") == 0 &&
	    strcmp(argv[4], "--") == 0)
		return cmd_cmd(argv[2], atof(argv[3]) * 1e3, argv + 5);
	return usage();
}
