/* SPDX-License-Identifier: MIT */
/* abuse_client: hostile clients against a live xenpodd socket (docs/RELIABILITY.md R13-R15); libc only. */
/*
 * usage: abuse_client [-q] [-i IMAGE] [-t PARTIAL_TIMEOUT_S] [-n CONNS] SOCKET
 *
 * Prints PASS:/FAIL:/SKIP: per check and exits 1 if any failed. -q skips the
 * slow checks (the stalled half request waits for the daemon's partial-line
 * timeout, 30 s by default). -i IMAGE enables the checks that create pods
 * (disconnect mid-create, two creates of one name); they remove what they
 * make. Run as root for the unauthorised-user check (it drops to nobody).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "control.h" /* the connection cap (constants only; nothing is linked) */

#define LINE_MAX_REPLY (2 * 1024 * 1024)

static const char *sock_path;
static const char *image;
static int failures;

static void result(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s: %s", ok ? "PASS" : "FAIL", name);
	if (fmt && *fmt) {
		printf(" - ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int dial(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock_path);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static int send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t w;

	while (len) {
		w = send(fd, p, len, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* One reply line (without '\n', malloc'd) within timeout_ms; NULL on EOF/timeout. */
static char *read_line(int fd, int timeout_ms, bool *eof)
{
	char *buf = malloc(LINE_MAX_REPLY);
	long end = now_ms() + timeout_ms;
	size_t n = 0;
	ssize_t r;
	char c;

	*eof = false;
	if (!buf)
		return NULL;
	while (n < LINE_MAX_REPLY - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = end - now_ms();

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		r = read(fd, &c, 1);
		if (r <= 0) {
			*eof = true;
			break;
		}
		if (c == '\n') {
			buf[n] = '\0';
			return buf;
		}
		buf[n++] = c;
	}
	free(buf);
	return NULL;
}

/* The integer after "code": in an error reply, or 0 if it is not one. */
static long error_code(const char *line)
{
	const char *e = strstr(line, "\"error\":{");
	const char *c = e ? strstr(e, "\"code\":") : NULL;

	return c ? strtol(c + 7, NULL, 10) : 0;
}

/* A well-formed one-line JSON-RPC error: envelope, integer code, string message. */
static bool is_error_line(const char *line)
{
	return line && !strncmp(line, "{\"jsonrpc\":\"2.0\"", 16) &&
	       error_code(line) != 0 && strstr(line, "\"message\":\"") &&
	       line[strlen(line) - 1] == '}';
}

/* Send text (any bytes) + '\n' on a fresh connection; the first reply line. */
static char *call_raw(const char *text, size_t len, int timeout_ms)
{
	int fd = dial();
	char *line = NULL;
	bool eof;

	if (fd < 0)
		return NULL;
	/* A refused peer may find the socket closed under its send: the
	 * refusal line is still there to read. */
	if (!send_all(fd, text, len))
		send_all(fd, "\n", 1);
	line = read_line(fd, timeout_ms, &eof);
	close(fd);
	return line;
}

static char *call(const char *text)
{
	return call_raw(text, strlen(text), 10000);
}

/* daemon_hello on a new connection answers: the daemon is alive and serving. */
static bool alive(void)
{
	char *r = call(
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"daemon_hello\"}");
	bool ok = r && strstr(r, "\"result\":{") && strstr(r, "\"protocol\":");

	free(r);
	return ok;
}

static char *pod_list(void)
{
	return call(
		"{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"pod_list\",\"params\":{\"all\":true}}");
}

/* R14: each malformed request gets a one-line error naming the field (if any); no state change. */
struct bad {
	const char *name, *text;
	size_t len; /* 0: strlen */
	const char *field; /* must appear in the message, or NULL */
};

#define NUL_REQ \
	"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_inspect\",\"params\":{\"name\":\"a\0b\"}}"

static void check_malformed(void)
{
	static const struct bad cases[] = {
		{ "truncated JSON",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_li", 0,
		  NULL },
		{ "not an object", "[1,2,3]", 0, NULL },
		{ "wrong type (timeout)",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_stop\",\"params\":{\"name\":\"x\",\"timeout\":\"10\"}}",
		  0, "timeout" },
		{ "wrong type (spec)",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_create\",\"params\":{\"spec\":[]}}",
		  0, "spec" },
		{ "unknown field",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_list\",\"params\":{\"all\":true,\"bogus\":1}}",
		  0, "bogus" },
		{ "unknown spec field",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_create\",\"params\":{\"spec\":{\"image\":\"/x\",\"privileged\":true}}}",
		  0, "privileged" },
		{ "duplicate key",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_list\",\"method\":\"pod_rm\"}",
		  0, NULL },
		{ "bad UTF-8",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_inspect\",\"params\":{\"name\":\"\xc3\x28\xff\"}}",
		  0, NULL },
		{ "NUL byte", NUL_REQ, sizeof(NUL_REQ) - 1, NULL },
		{ "escaped NUL",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_inspect\",\"params\":{\"name\":\"a\\u0000b\"}}",
		  0, NULL },
		{ "name with /",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_create\",\"params\":{\"spec\":{\"name\":\"a/b\",\"image\":\"/x\"}}}",
		  0, "name" },
		{ "name ..",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_create\",\"params\":{\"spec\":{\"name\":\"..\",\"image\":\"/x\"}}}",
		  0, "name" },
		{ "name ../x in rm",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_rm\",\"params\":{\"name\":\"../x\",\"force\":true}}",
		  0, "name" },
		{ "name > 64 chars",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_create\",\"params\":{\"spec\":{\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"image\":\"/x\"}}}",
		  0, "name" },
		{ "method not a string",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}", 0, "method" },
		{ "no jsonrpc", "{\"id\":1,\"method\":\"daemon_hello\"}", 0,
		  "jsonrpc" },
		{ "trailing garbage",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"daemon_hello\"} x",
		  0, NULL },
		{ "env without =",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_create\",\"params\":{\"spec\":{\"image\":\"/x\",\"env\":[\"NOEQUALS\"]}}}",
		  0, "env" },
		{ "memory out of range",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_create\",\"params\":{\"spec\":{\"image\":\"/x\",\"memory_mib\":1099511627776}}}",
		  0, "memory_mib" },
	};
	char *before = pod_list(), *after, name[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad *b = &cases[i];
		char *r = call_raw(b->text, b->len ? b->len : strlen(b->text),
				   10000);

		snprintf(name, sizeof(name), "R14 %s", b->name);
		if (!is_error_line(r))
			result(false, name, "reply %.200s", r ? r : "(none)");
		else if (b->field &&
			 !strstr(strstr(r, "\"message\":"), b->field))
			result(false, name, "message does not name %s: %.200s",
			       b->field, r);
		else
			result(true, name, "code %ld", error_code(r));
		free(r);
	}
	after = pod_list();
	result(before && after && !strcmp(before, after), "R14 no state change",
	       "%s", before && after ? "" : "pod_list failed");
	free(before);
	free(after);
}

/* Deep nesting and a line over 1 MiB. */
static void check_big(void)
{
	size_t n = 100000, i, big = 1024 * 1024 + 100;
	char *t = malloc(n * 2 + 200), *r;

	if (!t)
		return;
	i = (size_t)sprintf(
		t,
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_list\",\"params\":{\"all\":");
	memset(t + i, '[', n);
	memset(t + i + n, ']', n);
	strcpy(t + i + 2 * n, "}}");
	r = call(t);
	result(is_error_line(r), "R14 deep nesting (100000 levels)", "%.200s",
	       r ? r : "no reply");
	free(r);
	free(t);

	t = malloc(big);
	if (!t)
		return;
	i = (size_t)sprintf(
		t,
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_inspect\",\"params\":{\"name\":\"");
	memset(t + i, 'a', big - i - 3);
	memcpy(t + big - 3, "\"}}", 3);
	r = call_raw(t, big, 20000);
	result(is_error_line(r), "R14 request over 1 MiB", "%.200s",
	       r ? r : "no reply");
	free(r);
	free(t);
	result(alive(), "R14 daemon alive after malformed requests", NULL);
}

/* R15: a half request, then silence: the daemon closes it; others are served meanwhile. */
static void check_stall(int partial_s)
{
	int fd = dial();
	long t0 = now_ms();
	bool eof = false, served;
	char *r;

	if (fd < 0) {
		result(false, "R15 half request then stall", "connect: %s",
		       strerror(-fd));
		return;
	}
	send_all(fd, "{\"jsonrpc\":\"2.0\",\"id\":1,\"meth", 30);
	served = alive();
	r = read_line(fd, (partial_s + 10) * 1000, &eof);
	result(served, "R15 others served during a stalled request", NULL);
	/* A timeout may come with an error line before the close. */
	if (r && is_error_line(r)) {
		free(r);
		r = read_line(fd, 5000, &eof);
	}
	result(eof && !r, "R15 stalled half request closed by the daemon",
	       "after %ld ms%s", now_ms() - t0, eof ? "" : " (still open)");
	free(r);
	close(fd);
}

/* Become a member of group xenpod with this uid (root only; no passwd entry needed). */
static int become_member(uid_t uid)
{
	struct group *gr = getgrnam("xenpod");
	gid_t gid;

	if (!gr)
		return -ENOENT;
	gid = gr->gr_gid;
	if (setgroups(1, &gid) || setgid(gid) || setuid(uid))
		return -errno;
	return 0;
}

/* A child as member uid: 0 if daemon_hello is answered with a result. */
static int served_as(uid_t uid)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(become_member(uid) || !alive() ? 1 : 0);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* R27: one member uid holds many idle connections: root and other members are still served. */
static void check_idle_uid(int want)
{
	int up[2], down[2], held = -1, st;
	char buf[64];
	pid_t pid;

	if (geteuid() != 0 || !getgrnam("xenpod")) {
		printf("SKIP: R27 one uid's idle connections - not root or no group xenpod\n");
		return;
	}
	if (pipe(up) || pipe(down))
		return;
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { (rlim_t)want + 64, (rlim_t)want + 64 };
		int *fds = calloc((size_t)want, sizeof(int)), i, n = 0;

		setrlimit(RLIMIT_NOFILE, &rl);
		if (!fds || become_member(2000))
			_exit(1);
		for (i = 0; i < want; i++)
			fds[i] = dial();
		sleep(2); /* the daemon accepts (and evicts) what is queued */
		for (i = 0; i < want; i++) {
			struct pollfd p = { .fd = fds[i], .events = POLLIN };

			if (fds[i] >= 0 && poll(&p, 1, 0) == 0)
				n++; /* no error line, not closed: held */
		}
		dprintf(up[1], "%d\n", n);
		if (read(down[0], buf, 1) < 0)
			_exit(1);
		_exit(0); /* closes them all */
	}
	if (pid < 0)
		return;
	close(up[1]);
	close(down[0]);
	st = (int)read(up[0], buf, sizeof(buf) - 1);
	if (st > 0) {
		buf[st] = '\0';
		held = atoi(buf);
	}
	result(held >= 0 && held <= CONTROL_UID_MAX_CONNS,
	       "R27 one member uid's idle connections capped",
	       "uid 2000 dialled %d, holds %d (cap %d)", want, held,
	       CONTROL_UID_MAX_CONNS);
	result(alive(), "R27 root served while uid 2000 holds its connections",
	       NULL);
	result(served_as(2001) == 0,
	       "R27 another member (uid 2001) served meanwhile", NULL);
	if (write(down[1], "x", 1) < 0)
		perror("write");
	close(down[1]);
	close(up[0]);
	waitpid(pid, &st, 0);
	sleep(1);
	result(served_as(2000) == 0 && alive(),
	       "R27 everyone served again once uid 2000 closed", NULL);
}

/* R15: many idle connections: a cap is enforced, refusals are clean, service resumes. */
static void check_idle(int want)
{
	struct rlimit rl = { (rlim_t)want + 64, (rlim_t)want + 64 };
	int *fds = calloc((size_t)want, sizeof(int)), n = 0, refused = 0,
	    bad = 0, open_ok = 0, i;
	char name[80];
	bool eof;

	if (!fds)
		return;
	setrlimit(RLIMIT_NOFILE, &rl);
	for (i = 0; i < want; i++) {
		fds[i] = dial();
		if (fds[i] < 0)
			break;
		n++;
	}
	snprintf(name, sizeof(name), "R15 %d idle connections", want);
	if (n < want)
		result(false, name, "only %d connects (%s)", n,
		       strerror(-fds[n]));
	sleep(2); /* let the daemon accept (or refuse) everything queued */
	for (i = 0; i < n; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN };
		char *r = NULL;

		eof = false;
		if (poll(&p, 1, 0) == 1)
			r = read_line(fds[i], 2000, &eof);
		else
			p.revents = 0;
		if (r) {
			if (error_code(r) && is_error_line(r))
				refused++;
			else
				bad++;
			free(r);
		} else if (eof || p.revents) {
			refused++; /* closed without a word: still refused */
		} else {
			open_ok++;
		}
	}
	result(bad == 0 && open_ok > 0 &&
		       open_ok <= CONTROL_MAX_CONNS + CONTROL_ROOT_RESERVE,
	       name, "%d held (cap %d), %d refused cleanly, %d bad replies",
	       open_ok, CONTROL_MAX_CONNS + CONTROL_ROOT_RESERVE, refused, bad);
	/* A fresh client while all slots are taken: served or refused cleanly. */
	{
		char *r = call(
			"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"daemon_hello\"}");

		result(r && (strstr(r, "\"result\":") || is_error_line(r)),
		       "R15 fresh client at the cap served or refused",
		       "%.120s", r ? r : "no reply");
		free(r);
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	for (i = 0; i < 50 && !alive(); i++)
		usleep(100000);
	result(alive(), "R15 served again after the idle connections closed",
	       NULL);
}

/* R15: a user that is neither root nor in the group is refused. */
static void check_unauthorised(void)
{
	struct passwd *pw = getpwnam("nobody");
	int st;
	pid_t pid;

	if (geteuid() != 0 || !pw) {
		printf("SKIP: R15 unauthorised user - not root or no user nobody\n");
		return;
	}
	pid = fork();
	if (pid == 0) {
		char *r;
		int fd;

		if (setgroups(0, NULL) || setgid(pw->pw_gid) ||
		    setuid(pw->pw_uid))
			_exit(3);
		fd = dial();
		if (fd < 0)
			_exit(0); /* cannot even connect: refused */
		close(fd);
		r = call(
			"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_rm\",\"params\":{\"name\":\"x\",\"force\":true}}");
		_exit(r && error_code(r) == 4 ? 0 :
		      r && is_error_line(r)   ? 0 :
						2);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0) {
		result(false, "R15 unauthorised user refused", "fork failed");
		return;
	}
	result(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "R15 unauthorised user refused", "child status %d",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void create_text(char *buf, size_t sz, int id, const char *name)
{
	snprintf(
		buf, sz,
		"{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"pod_create\",\"params\":{\"spec\":{\"name\":\"%s\",\"image\":\"%s\",\"command\":[\"/bin/true\"]}}}\n",
		id, name, image);
}

static void rm_pod(const char *name)
{
	char t[256], *r;

	snprintf(
		t, sizeof(t),
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_rm\",\"params\":{\"name\":\"%s\",\"force\":true}}",
		name);
	r = call(t);
	free(r);
}

/* Status of a pod from pod_inspect, or "absent". */
static void pod_status(const char *name, char *out, size_t sz)
{
	char t[256], *r, *s;

	snprintf(
		t, sizeof(t),
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_inspect\",\"params\":{\"name\":\"%s\"}}",
		name);
	r = call(t);
	s = r ? strstr(r, "\"status\":\"") : NULL;
	if (s)
		snprintf(out, sz, "%.*s", (int)strcspn(s + 10, "\""), s + 10);
	else
		snprintf(out, sz, "%s",
			 r && error_code(r) == 2 ? "absent" : "error");
	free(r);
}

/* R15: disconnect mid-create: the create completes or rolls back, never hangs in "creating". */
static void check_mid_create(void)
{
	const char *name = "abuse-midcreate";
	char t[4600], st[32] = "";
	int fd, i;

	rm_pod(name);
	fd = dial();
	create_text(t, sizeof(t), 1, name);
	if (fd < 0 || send_all(fd, t, strlen(t))) {
		result(false, "R15 disconnect mid-create", "cannot send");
		return;
	}
	close(fd);
	for (i = 0; i < 300; i++) {
		pod_status(name, st, sizeof(st));
		if (strcmp(st, "creating") && strcmp(st, "error"))
			break;
		usleep(100000);
	}
	result(!strcmp(st, "created") || !strcmp(st, "absent"),
	       "R15 disconnect mid-create completes or rolls back", "pod is %s",
	       st);
	result(alive(), "R15 daemon alive after a disconnect mid-create", NULL);
	rm_pod(name);
}

/* R13: two creates of one name at once: exactly one succeeds, the other gets a conflict. */
static void check_same_name(void)
{
	const char *name = "abuse-samename";
	char t1[4600], t2[4600], *r1, *r2;
	int a = dial(), b = dial(), ok, conflict;
	bool eof;

	rm_pod(name);
	create_text(t1, sizeof(t1), 1, name);
	create_text(t2, sizeof(t2), 2, name);
	if (a < 0 || b < 0 || send_all(a, t1, strlen(t1)) ||
	    send_all(b, t2, strlen(t2))) {
		result(false, "R13 two creates of one name", "cannot send");
		return;
	}
	r1 = read_line(a, 60000, &eof);
	r2 = read_line(b, 60000, &eof);
	ok = (r1 && strstr(r1, "\"result\":")) +
	     (r2 && strstr(r2, "\"result\":"));
	conflict = (r1 && error_code(r1) == 3) + (r2 && error_code(r2) == 3);
	result(ok == 1 && conflict == 1,
	       "R13 two creates of one name: one wins, one conflicts",
	       "%.100s | %.100s", r1 ? r1 : "none", r2 ? r2 : "none");
	free(r1);
	free(r2);
	close(a);
	close(b);
	rm_pod(name);
}

int main(int argc, char **argv)
{
	int opt, partial_s = 30, conns = 1000;
	bool quick = false;

	signal(SIGPIPE, SIG_IGN);
	while ((opt = getopt(argc, argv, "qi:t:n:")) != -1) {
		switch (opt) {
		case 'q':
			quick = true;
			break;
		case 'i':
			image = optarg;
			break;
		case 't':
			partial_s = atoi(optarg);
			break;
		case 'n':
			conns = atoi(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-q] [-i IMAGE] [-t PARTIAL_TIMEOUT_S] [-n CONNS] SOCKET\n",
				argv[0]);
			return 2;
		}
	}
	if (optind != argc - 1 || (image && strlen(image) > 4000)) {
		fprintf(stderr,
			"usage: %s [-q] [-i IMAGE] [-t PARTIAL_TIMEOUT_S] [-n CONNS] SOCKET\n",
			argv[0]);
		return 2;
	}
	sock_path = argv[optind];
	if (!alive()) {
		result(false, "daemon reachable",
		       "no daemon_hello answer on %s", sock_path);
		return 1;
	}
	result(true, "daemon reachable", "%s", sock_path);
	check_malformed();
	check_big();
	check_idle(conns);
	check_idle_uid(conns < 200 ? conns : 200);
	check_unauthorised();
	if (image) {
		check_mid_create();
		check_same_name();
	} else {
		printf("SKIP: R15 disconnect mid-create - no -i IMAGE\n");
		printf("SKIP: R13 two creates of one name - no -i IMAGE\n");
	}
	if (quick)
		printf("SKIP: R15 half request then stall - -q\n");
	else
		check_stall(partial_s);
	result(alive(), "daemon alive at the end", NULL);
	return failures ? 1 : 0;
}
