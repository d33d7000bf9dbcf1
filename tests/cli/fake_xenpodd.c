/* SPDX-License-Identifier: MIT */
/* fake_xenpodd: serves a scripted conversation on a unix socket to test the xenpod CLI. */
/*
 * usage: fake_xenpodd SOCKET SCRIPT READYFILE
 *        fake_xenpodd --stale SOCKET   (bind, never listen, exit: a stale socket)
 *
 * SCRIPT lines ('#' comments and blank lines are skipped):
 *   > LINE      the client must send exactly LINE next
 *   < LINE      send LINE; "@NOW-N@" becomes the RFC 3339 UTC time N seconds ago
 *   big N       send a line of N bytes (no newline inside)
 *   sleep MS    pause
 *   close       close the connection; the next > or < accepts a new one
 *   mark        create the file SOCKET.mark (a signal to the test script)
 *   conn N      switch to connection N (0..3, initially 0); a connection
 *               is accepted when first used
 * At the end the client must close its connections without sending more.
 * Exit status 0 if the client followed the script, 1 (with a message) if not.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_FAKE (2 * 1024 * 1024)

#define N_CONNS 4

struct conn {
	int fd;
	char buf[LINE_MAX_FAKE];
	size_t len;
};

static int lfd = -1;
static const char *sock_path;
static struct conn conns[N_CONNS] = { { .fd = -1 },
				      { .fd = -1 },
				      { .fd = -1 },
				      { .fd = -1 } };
static struct conn *cur = &conns[0];

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fake_xenpodd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int bind_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		die("socket %s: %s", path, strerror(errno));
	strcpy(sa.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind %s: %s", path, strerror(errno));
	return fd;
}

static void need_conn(void)
{
	if (cur->fd >= 0)
		return;
	cur->fd = accept(lfd, NULL, NULL);
	if (cur->fd < 0)
		die("accept: %s", strerror(errno));
	cur->len = 0;
}

static void send_all(const char *p, size_t n)
{
	need_conn();
	while (n) {
		ssize_t r = send(cur->fd, p, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) /* the client may legitimately have gone */
			return;
		p += r;
		n -= (size_t)r;
	}
}

/* Next line from the client without its newline; NULL at end of file. */
static char *recv_line(void)
{
	static char line[LINE_MAX_FAKE];
	char *nl;

	need_conn();
	while (!(nl = memchr(cur->buf, '\n', cur->len))) {
		size_t room = sizeof(cur->buf) - cur->len;
		ssize_t r = read(cur->fd, cur->buf + cur->len, room);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 && cur->len)
			die("partial request: %.*s", (int)cur->len, cur->buf);
		if (r <= 0)
			return NULL;
		if ((size_t)r >= room)
			die("request longer than %zu bytes", sizeof(cur->buf));
		cur->len += (size_t)r;
	}
	*nl = '\0';
	memcpy(line, cur->buf, (size_t)(nl - cur->buf) + 1);
	cur->len -= (size_t)(nl - cur->buf) + 1;
	memmove(cur->buf, nl + 1, cur->len);
	return line;
}

/* Replace each @NOW-N@ by the UTC time N seconds ago. */
static void expand(const char *in, char *out, size_t size)
{
	size_t o = 0;

	while (*in && o + 32 < size) {
		long ago;
		int used = 0;

		if (sscanf(in, "@NOW-%ld@%n", &ago, &used) == 1 && used) {
			time_t t = time(NULL) - ago;
			struct tm tm;

			gmtime_r(&t, &tm);
			o += strftime(out + o, size - o, "%Y-%m-%dT%H:%M:%SZ",
				      &tm);
			in += used;
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
}

static void do_line(char *line, int lineno)
{
	static char buf[65536];
	char *got;

	if (!strncmp(line, "> ", 2)) {
		got = recv_line();
		if (!got)
			die("script line %d: client closed, expected: %s",
			    lineno, line + 2);
		if (strcmp(got, line + 2)) {
			fprintf(stderr,
				"fake_xenpodd: script line %d:\n expected: "
				"%s\n got:      %s\n",
				lineno, line + 2, got);
			exit(1);
		}
	} else if (!strncmp(line, "< ", 2)) {
		expand(line + 2, buf, sizeof(buf) - 1);
		strcat(buf, "\n");
		send_all(buf, strlen(buf));
	} else if (!strncmp(line, "big ", 4)) {
		size_t n = strtoul(line + 4, NULL, 10);
		char *big = malloc(n + 1);

		if (!big)
			die("out of memory");
		memset(big, 'x', n);
		big[n] = '\n';
		send_all(big, n + 1);
		free(big);
	} else if (!strncmp(line, "sleep ", 6)) {
		usleep((useconds_t)strtoul(line + 6, NULL, 10) * 1000);
	} else if (!strcmp(line, "close")) {
		if (cur->fd >= 0)
			close(cur->fd);
		cur->fd = -1;
	} else if (!strcmp(line, "mark")) {
		FILE *f;

		snprintf(buf, sizeof(buf), "%s.mark", sock_path);
		f = fopen(buf, "w");
		if (!f || fclose(f))
			die("%s: %s", buf, strerror(errno));
	} else if (!strncmp(line, "conn ", 5)) {
		unsigned long n = strtoul(line + 5, NULL, 10);

		if (n >= N_CONNS)
			die("script line %d: no connection %lu", lineno, n);
		cur = &conns[n];
	} else {
		die("bad script line: %s", line);
	}
}

int main(int argc, char **argv)
{
	static char line[65536];
	FILE *script, *ready;
	int lineno = 0;
	char *extra;

	alarm(20); /* never hang a test run */
	if (argc == 3 && !strcmp(argv[1], "--stale")) {
		bind_socket(argv[2]);
		return 0;
	}
	if (argc != 4)
		die("usage: fake_xenpodd SOCKET SCRIPT READYFILE");
	script = fopen(argv[2], "r");
	if (!script)
		die("%s: %s", argv[2], strerror(errno));
	sock_path = argv[1];
	lfd = bind_socket(argv[1]);
	if (listen(lfd, 4) < 0)
		die("listen: %s", strerror(errno));
	ready = fopen(argv[3], "w");
	if (!ready || fclose(ready))
		die("%s: %s", argv[3], strerror(errno));
	while (fgets(line, sizeof(line), script)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] && line[0] != '#')
			do_line(line, lineno);
	}
	fclose(script);
	for (int i = 0; i < N_CONNS; i++) {
		cur = &conns[i];
		if (cur->fd >= 0 && (extra = recv_line()))
			die("unexpected request on connection %d after the "
			    "script: %s",
			    i, extra);
	}
	unlink(argv[1]);
	return 0;
}
