/* SPDX-License-Identifier: MIT */
/* oci_reaper: stands in for conmon in the lab: a subreaper that reaps the pid from --pid-file, a console-socket receiver, and a terminal to run ctr -t on. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * oci_reaper PIDFILE STATUSFILE CMD [ARG...]
 *	As conmon: become a child subreaper, run CMD (xenpod-oci create ...),
 *	then wait for the pid it wrote to PIDFILE and write "exit N" or
 *	"signal N" to STATUSFILE (via a temporary file and rename).
 * oci_reaper --console SOCKET OUTFILE
 *	Listen on SOCKET, take one descriptor passed with SCM_RIGHTS (a pty
 *	master), write "ready" to OUTFILE.ready, then copy what it reads to
 *	OUTFILE until the terminal is closed.
 * oci_reaper --pty CMD [ARG...]
 *	Run CMD on a new pseudo-terminal (its controlling terminal and stdio:
 *	ctr -t wants one), copy what it writes there to our stdout, and exit
 *	with its status (128+N if signal N ended it).
 */

static void put(const char *path, const char *text)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) || rename(tmp, path)) {
		perror(path);
		exit(1);
	}
}

static int console(const char *sock, const char *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char cbuf[CMSG_SPACE(sizeof(int))], name[256], buf[4096], rp[4200];
	struct iovec iov = { name, sizeof(name) - 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int l, c, m = -1, o;
	ssize_t n;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(l, 1)) {
		perror(sock);
		return 1;
	}
	snprintf(rp, sizeof(rp), "%s.ready", out);
	put(rp, "ready\n");
	c = accept(l, NULL, NULL);
	if (c < 0 || recvmsg(c, &mh, 0) < 0) {
		perror("recvmsg");
		return 1;
	}
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&m, CMSG_DATA(cm), sizeof(int));
	if (m < 0 || !isatty(m)) {
		fprintf(stderr, "no terminal passed\n");
		return 1;
	}
	o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (o < 0) {
		perror(out);
		return 1;
	}
	while ((n = read(m, buf, sizeof(buf))) > 0)
		if (write(o, buf, (size_t)n) != n)
			return 1;
	close(o);
	return 0;
}

static int on_pty(char **argv)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	char name[128], buf[4096];
	int m, s, st = 0, done = 0;
	pid_t pid;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 ||
	    ptsname_r(m, name, sizeof(name))) {
		perror("pty");
		return 1;
	}
	/* a terminal's usual size, not a new pty's 0x0 */
	ioctl(m, TIOCSWINSZ, &ws);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(m);
		setsid();
		s = open(name, O_RDWR);
		if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0 || dup2(s, 0) < 0 ||
		    dup2(s, 1) < 0 || dup2(s, 2) < 0) {
			perror(name);
			_exit(126);
		}
		if (s > 2)
			close(s);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	/* Until it has exited and its terminal has nothing more to read (a
	 * process it left behind may keep the slave open: not waited for). */
	for (;;) {
		struct pollfd pf = { m, POLLIN, 0 };
		ssize_t n;
		int r = poll(&pf, 1, done ? 0 : 1000);

		if (r < 0 && errno != EINTR)
			break;
		if (r > 0) {
			n = read(m, buf, sizeof(buf));
			if (n <= 0)
				break; /* EIO: the last slave is closed */
			if (write(1, buf, (size_t)n) != n)
				break;
			continue;
		}
		if (done)
			break;
		if (waitpid(pid, &st, WNOHANG) == pid)
			done = 1;
	}
	if (!done && waitpid(pid, &st, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	char buf[64];
	pid_t pid, target, w;
	int st;
	FILE *f;

	if (argc == 4 && !strcmp(argv[1], "--console"))
		return console(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "--pty"))
		return on_pty(argv + 2);
	if (argc < 4) {
		fprintf(stderr,
			"usage: oci_reaper PIDFILE STATUSFILE CMD...\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		perror("fork");
		return 1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(buf, sizeof(buf), "create-failed %d\n",
			 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		put(argv[2], buf);
		return 1;
	}
	f = fopen(argv[1], "r");
	if (!f || fscanf(f, "%d", &target) != 1 || target <= 0) {
		put(argv[2], "no-pid\n");
		return 1;
	}
	fclose(f);
	for (;;) {
		w = waitpid(-1, &st, 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			put(argv[2], "lost\n"); /* it was never our child */
			return 1;
		}
		if (w != target)
			continue;
		if (WIFEXITED(st))
			snprintf(buf, sizeof(buf), "exit %d\n",
				 WEXITSTATUS(st));
		else
			snprintf(buf, sizeof(buf), "signal %d\n", WTERMSIG(st));
		put(argv[2], buf);
		return 0;
	}
}
