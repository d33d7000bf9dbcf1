/* SPDX-License-Identifier: MIT */
/* holder: the per-container (and per-exec) dom0 process whose pid the OCI caller waits on. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci.h"

/*
 * Lifetimes. The holder is double-forked and setsid(2)-detached, so it is
 * reparented to the caller's subreaper (conmon, the containerd shim), which
 * waits on the pid we write to --pid-file. It forks a guard first, in a
 * session of its own, that holds ROOT/ID/guard.lock and one end of a pipe:
 * the holder writes 'x' there just before it exits on its own; EOF without
 * it means the holder was killed, and the guard kills the pod (pod_kill).
 * `delete` takes the lock after it killed the holder, so the guard has
 * finished before the pod is removed and a later container of the same id
 * can never be hit by a stale guard.
 */

#define MSG_MAX 512

/* The CLI's session code names the command in its messages. */
static const struct cmd_spec attach_spec = {
	.name = "attach",
	.args = "POD",
};
static const struct cmd_spec exec_spec = {
	.name = "exec",
	.args = "[options] POD COMMAND...",
};

/* The reply on the set-up pipe: pid, then an error text ("" if none). */
struct ready_msg {
	pid_t pid;
	char err[MSG_MAX];
};

static void ready_send(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void ready_send(int fd, const char *fmt, ...)
{
	struct ready_msg m = { .pid = getpid() };
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(m.err, sizeof(m.err), fmt, ap);
		va_end(ap);
	}
	if (write(fd, &m, sizeof(m)) != sizeof(m)) {
		/* the caller sees a short message as a failure */
	}
}

/* Pass the pty master to the caller's console socket (SCM_RIGHTS). */
static int send_master(const char *path, int master, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)name,
			     .iov_len = strlen(name) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	int fd, rc = 0;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &master, sizeof(int));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/*
 * -t: a new pty; the master goes to the console socket, the slave becomes
 * our controlling terminal and stdio (so its size changes reach us as
 * SIGWINCH and go on to the pod's terminal).
 */
static int console_setup(const char *console, char *err, size_t errsz)
{
	char name[128];
	int m, s, rc, i;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 ||
	    ptsname_r(m, name, sizeof(name))) {
		rc = -errno;
		snprintf(err, errsz, "cannot open a pseudo-terminal: %s",
			 strerror(-rc));
		if (m >= 0)
			close(m);
		return rc;
	}
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		rc = -errno;
		snprintf(err, errsz, "cannot open %s: %s", name, strerror(-rc));
		close(m);
		return rc;
	}
	rc = send_master(console, m, name);
	close(m);
	if (rc) {
		snprintf(err, errsz,
			 "--console-socket %s: cannot pass the "
			 "terminal: %s",
			 console, strerror(-rc));
		close(s);
		return rc;
	}
	/* Fails harmlessly when we are not a session leader (exec here). */
	if (ioctl(s, TIOCSCTTY, 0) < 0) {
		/* no controlling terminal: no SIGWINCH, the size stays */
	}
	for (i = 0; i < 3; i++)
		if (dup2(s, i) < 0) {
			rc = -errno;
			snprintf(err, errsz, "cannot use the terminal: %s",
				 strerror(-rc));
			close(s);
			return rc;
		}
	close(s);
	return 0;
}

/* A fresh connection for this process (never share the parent's). */
static void conn_reset(void)
{
	oci.cli.client.fd = -1; /* the parent's, closed with the others */
	client_close(&oci.cli.client);
	client_init(&oci.cli.client);
}

static void pod_kill(const char *id)
{
	char *params = params_close(params_open(id));
	const struct json *result;
	struct json *root = NULL;

	conn_reset();
	if (params && client_connect(&oci.cli.client, oci.cli.socket) == 0 &&
	    client_call(&oci.cli.client, "pod_kill", params, NULL, NULL, &root,
			&result) == 0)
		json_free(root);
	free(params);
	client_close(&oci.cli.client);
}

/* Wait until the pod has stopped. 0, or -errno (no daemon, no pod). */
static int pod_wait(const char *id)
{
	char *params = params_close(params_open(id));
	const struct json *result;
	struct json *root = NULL;
	int rc = params ? 0 : -ENOMEM;

	conn_reset();
	if (!rc)
		rc = client_connect(&oci.cli.client, oci.cli.socket);
	if (!rc)
		rc = client_call(&oci.cli.client, "pod_wait", params, NULL,
				 NULL, &root, &result);
	if (!rc)
		json_free(root);
	free(params);
	client_close(&oci.cli.client);
	return rc;
}

/* Close every descriptor from 3 up but a and b. */
static void close_but(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a, i;

	for (i = 3; i < lo; i++)
		close(i);
	for (i = lo + 1; i < hi; i++)
		close(i);
	close_range((unsigned)hi + 1, ~0U, 0);
}

/* The guard: see the comment at the top. Never returns. */
static void guard_main(const char *id, int gp, int ready)
{
	char lock[4200], c;
	ssize_t n;
	int fd;

	setsid();
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	close_but(gp, ready);
	fd = oci_path(lock, sizeof(lock), id, "guard.lock") ?
		     -1 :
		     open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			  0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		_exit(1); /* the holder sees no ready byte and fails */
	if (write(ready, "g", 1) != 1)
		_exit(1);
	close(ready);
	do
		n = read(gp, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || c != 'x')
		pod_kill(id);
	_exit(0);
}

/* Fork the guard; returns the pipe end to write 'x' on, or -errno. */
static int guard_start(const char *id, char *err, size_t errsz)
{
	int gp[2], rp[2];
	char c;
	pid_t pid;

	if (pipe2(gp, O_CLOEXEC) < 0)
		goto fail;
	if (pipe2(rp, O_CLOEXEC) < 0) {
		close(gp[0]);
		close(gp[1]);
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		close(gp[0]);
		close(gp[1]);
		close(rp[0]);
		close(rp[1]);
		goto fail;
	}
	if (pid == 0) {
		close(gp[1]);
		close(rp[0]);
		guard_main(id, gp[0], rp[1]);
	}
	close(gp[0]);
	close(rp[1]);
	if (read(rp[0], &c, 1) != 1) {
		close(rp[0]);
		close(gp[1]);
		snprintf(err, errsz,
			 "the pid holder's guard did not start "
			 "(guard.lock)");
		return -EIO;
	}
	close(rp[0]);
	return gp[1];
fail:
	snprintf(err, errsz, "cannot start the pid holder's guard: %s",
		 strerror(errno));
	return -errno;
}

/* Does the default action of sig end a process (so one can die of it)? */
static bool kills(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGCONT:
	case SIGURG:
	case SIGWINCH:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return false;
	default:
		return sig > 0 && sig < NSIG;
	}
}

/*
 * End as the container's process did: die of sig (re-raised, as runc's
 * init would be seen, so the caller's subreaper gets WIFSIGNALED and
 * reports 128+N itself), else exit with status. No core file: the dump
 * would be this holder's, not the guest process's.
 */
static void __attribute__((noreturn)) exit_as(int status, int sig)
{
	if (kills(sig)) {
		struct rlimit no_core = { 0, 0 };
		sigset_t set;

		setrlimit(RLIMIT_CORE, &no_core);
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
	}
	_exit(status & 255);
}

/*
 * Created: wait for `start` (a byte on the fifo). A signal meanwhile is
 * the container's: the pod is killed and we die of that signal, as a
 * created container's init would. Returns 0 to start.
 */
static int wait_start(const char *id, int fifo, int guard)
{
	sigset_t set, old;
	int sfd, sig = 0;

	sigfillset(&set);
	sigdelset(&set, SIGCHLD);
	sigdelset(&set, SIGSEGV);
	sigdelset(&set, SIGBUS);
	sigdelset(&set, SIGFPE);
	sigdelset(&set, SIGILL);
	sigprocmask(SIG_BLOCK, &set, &old);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	for (;;) {
		struct pollfd pf[2] = { { fifo, POLLIN, 0 },
					{ sfd, POLLIN, 0 } };
		struct signalfd_siginfo si;
		char c;

		if (poll(pf, sfd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			sig = SIGKILL;
			break;
		}
		if ((pf[0].revents & POLLIN) && read(fifo, &c, 1) == 1 &&
		    c == '1')
			break;
		/* Those whose default is to be ignored or to stop do not end
		 * a created container. */
		if (sfd >= 0 && (pf[1].revents & POLLIN) &&
		    read(sfd, &si, sizeof(si)) == sizeof(si) &&
		    kills((int)si.ssi_signo)) {
			sig = (int)si.ssi_signo;
			break;
		}
	}
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (!sig)
		return 0;
	pod_kill(id);
	if (write(guard, "x", 1) != 1) {
		/* the guard kills the pod again: harmless */
	}
	exit_as(128 + sig, sig);
}

/* The holder's life after set-up. Never returns. */
static void holder_main(const char *id, bool terminal, int fifo, int guard)
{
	bool left = false;
	int status, sig;

	wait_start(id, fifo, guard);
	close(fifo);
	conn_reset();
	oci.cli.cmd = &attach_spec;
	status = cli_attach_session(&oci.cli, id, true, true, terminal, &left);
	sig = oci.cli.end_signal;
	client_close(&oci.cli.client);
	/*
	 * The process has ended (or the session broke): we live on until the
	 * pod has stopped by itself (its init powers off after the main
	 * process; killing it now would lose its own ending and exit code).
	 * If that cannot be waited for, or we left on ^C, the pod must not
	 * outlive us (pod_kill of a stopped pod changes nothing).
	 */
	if (left || pod_wait(id))
		pod_kill(id);
	if (write(guard, "x", 1) != 1) {
		/* the guard kills the pod: it has stopped already */
	}
	exit_as(status, sig);
}

/* Double fork: the grandchild runs fn in a new session; the caller gets
 * its set-up message. */
static int spawn(int (*setup)(void *arg, int ready), void *arg, pid_t *pid_r)
{
	struct ready_msg m;
	int rp[2], st;
	pid_t pid;
	ssize_t n;

	if (pipe2(rp, O_CLOEXEC) < 0) {
		oci_err("cannot start the pid holder: %s", strerror(errno));
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		oci_err("cannot start the pid holder: %s", strerror(errno));
		close(rp[0]);
		close(rp[1]);
		return -EAGAIN;
	}
	if (pid == 0) {
		close(rp[0]);
		if (setsid() < 0)
			_exit(1);
		pid = fork();
		if (pid != 0)
			_exit(pid < 0);
		_exit(setup(arg, rp[1]));
	}
	close(rp[1]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	do
		n = read(rp[0], &m, sizeof(m));
	while (n < 0 && errno == EINTR);
	close(rp[0]);
	if (n != sizeof(m)) {
		oci_err("the pid holder failed to start");
		return -EIO;
	}
	m.err[sizeof(m.err) - 1] = '\0';
	if (m.err[0]) {
		oci_err("%s", m.err);
		return -EIO;
	}
	*pid_r = m.pid;
	return 0;
}

struct main_args {
	const char *id;
	bool terminal;
	const char *console;
};

/* In the holder: keep stdio and the set-up pipe, nothing else of create. */
static void close_inherited(int keep)
{
	int i;

	for (i = 3; i < keep; i++)
		close(i);
	close_range((unsigned)keep + 1, ~0U, 0);
}

static int main_setup(void *arg, int ready)
{
	const struct main_args *a = arg;
	char err[MSG_MAX], fifo_path[4200];
	int fifo, guard;

	close_inherited(ready);
	oci.log =
		NULL; /* its fd is gone; errors go to the container's stderr */
	if (a->console && console_setup(a->console, err, sizeof(err))) {
		ready_send(ready, "%s", err);
		return 1;
	}
	if (oci_path(fifo_path, sizeof(fifo_path), a->id, "start.fifo") ||
	    (fifo = open(fifo_path, O_RDWR | O_CLOEXEC | O_NONBLOCK)) < 0) {
		ready_send(ready, "cannot open %s: %s", fifo_path,
			   strerror(errno));
		return 1;
	}
	guard = guard_start(a->id, err, sizeof(err));
	if (guard < 0) {
		ready_send(ready, "%s", err);
		return 1;
	}
	ready_send(ready, NULL);
	close(ready);
	holder_main(a->id, a->terminal, fifo, guard);
	return 1;
}

int oci_holder_spawn(const char *id, bool terminal, const char *console,
		     pid_t *pid_r)
{
	struct main_args a = { id, terminal, console };

	return spawn(main_setup, &a, pid_r);
}

struct exec_args {
	char **argv;
	const char *console;
};

/* The exec's status; *sig_r: the signal that ended it, or 0. */
static int exec_run(char **argv, int *sig_r)
{
	int argc = 0, status;

	while (argv[argc])
		argc++;
	conn_reset();
	oci.cli.cmd = &exec_spec;
	optind = 0;
	status = cmd_exec(&oci.cli, argc, argv) & 255;
	*sig_r = oci.cli.end_signal;
	return status;
}

static int exec_setup(void *arg, int ready)
{
	const struct exec_args *a = arg;
	char err[MSG_MAX];
	int status, sig;

	close_inherited(ready);
	oci.log = NULL;
	if (a->console && console_setup(a->console, err, sizeof(err))) {
		ready_send(ready, "%s", err);
		return 1;
	}
	ready_send(ready, NULL);
	close(ready);
	/* The shim waits on this pid: die of the exec's signal, as its
	 * process did. */
	status = exec_run(a->argv, &sig);
	exit_as(status, sig);
}

int oci_exec_session(char **argv, bool terminal, const char *console,
		     bool detach, pid_t *pid_r)
{
	struct exec_args a = { argv, terminal ? console : NULL };
	char err[MSG_MAX];
	int sig;

	if (detach)
		return spawn(exec_setup, &a, pid_r);
	if (a.console && console_setup(a.console, err, sizeof(err))) {
		oci_err("%s", err);
		return OCI_ERR;
	}
	/* In the foreground we are runc exec itself, which exits 128+N. */
	*pid_r = getpid();
	return exec_run(argv, &sig);
}
