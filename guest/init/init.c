/* SPDX-License-Identifier: MIT */
/* init.c: the C init: unpack the rootfs, read the pod spec, run the container, report its exit. */
#include "kernel/p9fs.h"
#include "kernel/boot.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/mm.h"
#include "kernel/podio_guest.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/pty.h"
#include "kernel/syscall.h"
#include "kernel/tmpfs.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/fmt.h"
#include "lib/spec.h"
#include "lib/string.h"
#include "arch/cpu.h"
#include "platform.h"

#define SPEC_MAX 4096
#define ERROR_MAX 127
#define FAIL_STATUS 125 /* init failed, not the program (as docker) */
#define DEFAULT_PATH \
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

void sys_set_hostname(const char *name);

static char spec_buf[SPEC_MAX + 1];
static struct spec spec;
static char *envp[SPEC_ENV_MAX + 3]; /* the spec's, PATH, HOME, NULL */
static char home_env[USER_HOME_MAX + 5];
static struct cred pod_cred; /* the main process's and every exec's */
static char prog_path[512];
static struct task *main_task;
static bool main_tty, main_stdin;

/* Writes a report key under ~/data/xenpod (Xen only). */
static void report(const char *key, const char *value)
{
	char path[64];
	int rc;

	if (!xen_present())
		return;
	fmt_snprintf(path, sizeof(path), "data/xenpod/%s", key);
	rc = xs_write(0, path, value);
	if (rc < 0)
		printk("init: cannot write %s: %d\n", path, rc);
}

/* Why init could not start the program, and the status of that failure
 * (xenpod-xenstore(7)): 127 not found, 126 cannot be executed, 125 the
 * rest (init's own trouble); then init powers off with that status. */
static void die(int status, char *msg) __attribute__((noreturn));
static void die(int status, char *msg)
{
	char num[8];

	for (char *p = msg; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	printk("init: %s\n", msg);
	fmt_snprintf(num, sizeof(num), "%d", status);
	report("error", msg);
	report("exit", num);
	report("state", "failed");
	platform_poweroff(status);
}

static void fail_status(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
static void fail_status(int status, const char *fmt, ...)
{
	char msg[ERROR_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	die(status, msg);
}

/* The common case: a set-up failure, docker's 125. */
#define fail(...) fail_status(FAIL_STATUS, __VA_ARGS__)

static void setup_fs(void)
{
	const void *data;
	size_t size;
	char err[160];
	struct inode *tmp;
	int rc;

	vfs_init();
	rc = platform_rootfs(&data, &size);
	if (rc == 0) {
		rc = rootfs_unpack(data, size, err, sizeof(err));
		if (rc)
			fail("%s", err);
	} else {
		printk("init: no rootfs module; starting with an empty root\n");
	}
	dev_init();
	procfs_init();
	if (!dev_console_inode())
		fail("cannot create /dev/console");
	tmp = vfs_dir_find(vfs_root(), "tmp");
	if (!tmp)
		vfs_mknod(vfs_root(), "tmp", S_IFDIR | 01777, &tmp);
}

/* The pod's volumes (docs/VOLUMES.md): they sleep on their rings, so after
 * sched_init; before the working directory, which may be inside one. */
static void mount_volumes(void)
{
	char err[ERROR_MAX + 1];

	if (xen_present() && p9fs_mount_all(err, sizeof(err)) < 0)
		fail("%s", err);
}

/* The spec's tmpfs mounts, then a read-only root ("readonly=1"): after
 * the volumes, whose mount points init makes in the root. */
static void mount_tmpfs(void)
{
	for (size_t i = 0; i < spec.ntmpfs; i++) {
		const struct spec_tmpfs *t = &spec.tmpfs[i];
		int rc = tmpfs_mount(t->path, t->size, t->mode, t->read_only);

		if (rc)
			fail("tmpfs at %s: cannot mount: %d", t->path, rc);
		printk("init: tmpfs mounted at %s%s\n", t->path,
		       t->read_only ? " (read-only)" : "");
	}
	if (spec.read_only)
		tmpfs_root_read_only();
}

static void read_spec(void)
{
	const char *err = NULL;
	int rc;

	if (xen_present()) {
		rc = xs_read(0, "xenpod/spec", spec_buf, sizeof(spec_buf));
		if (rc < 0)
			fail("cannot read xenpod/spec from xenstore: %d", rc);
	} else {
		strlcpy(spec_buf, boot_cmdline(), sizeof(spec_buf));
		rc = (int)strlen(spec_buf);
	}
	rc = spec_parse(spec_buf, (size_t)rc, &spec, &err);
	if (rc)
		fail("bad spec: %s", err);
	for (size_t i = 0; i < spec.nunknown; i++) {
		/* "tty=1": the main process gets a pseudo-terminal on the
		 * pod channel (lib/spec.c leaves the option to init) */
		if (!strcmp(spec.unknown[i], "tty=1")) {
			main_tty = true;
			continue;
		}
		/* "stdin=1": its stdin stays open for attached clients */
		if (!strcmp(spec.unknown[i], "stdin=1")) {
			main_stdin = true;
			continue;
		}
		printk("init: warning: unknown spec option \"%s\" ignored\n",
		       spec.unknown[i]);
	}
}

static bool env_has(const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < spec.envc; i++)
		if (!strncmp(spec.envp[i], key, n) && spec.envp[i][n] == '=')
			return true;
	return false;
}

/* The environment, with Docker's default PATH if the spec has none, and
 * the user's HOME (home_env, set by set_user) if it has none. */
static void build_env(void)
{
	size_t k = 0;

	for (size_t i = 0; i < spec.envc; i++)
		envp[k++] = spec.envp[i];
	if (!env_has("PATH"))
		envp[k++] = (char *)DEFAULT_PATH;
	if (home_env[0] && !env_has("HOME"))
		envp[k++] = home_env;
	envp[k] = NULL;
}

/* "user=" (and "group=") in the spec: the ids from the image (user.c),
 * HOME for build_env; with neither, everything runs as root with the
 * environment as given, as before. A user the image lacks fails the start
 * as docker's does, with 125. */
static void set_user(void)
{
	char home[USER_HOME_MAX], err[ERROR_MAX + 1];

	pod_cred = cred_root;
	if (!spec.user && !spec.ngroups)
		return;
	if (user_cred(spec.user ? spec.user : "0", spec.groups, spec.ngroups,
		      &pod_cred, home, sizeof(home), err, sizeof(err)))
		fail("%s", err);
	fmt_snprintf(home_env, sizeof(home_env), "HOME=%s", home);
}

/* "rlimit=" in the spec: the limits of the pod's processes and execs
 * (task_spawn starts them with rlimit_spawn). NOFILE is bounded by this
 * kernel's descriptor table, as Linux bounds it by nr_open; engines ask
 * for more (podman: 1048576), so it is lowered, said once. */
static void set_rlimits(void)
{
	for (size_t i = 0; i < spec.nrlimits; i++) {
		const struct spec_rlimit *r = &spec.rlimits[i];
		struct rlimit64 l = { r->soft, r->hard };

		if (r->res == RLIMIT_NOFILE && l.max > FD_MAX) {
			l.max = FD_MAX;
			if (l.cur > FD_MAX)
				l.cur = FD_MAX;
			printk("init: rlimit NOFILE: hard limit lowered to %d "
			       "(the kernel's descriptor table)\n",
			       FD_MAX);
		}
		rlimit_spawn[r->res] = l;
	}
}

static const char *env_path(void)
{
	for (size_t i = 0; envp[i]; i++)
		if (!strncmp(envp[i], "PATH=", 5))
			return envp[i] + 5;
	return "";
}

/* A program name without '/' is looked up in PATH, like execvp. */
static const char *find_program(const char *name, struct inode *cwd)
{
	return podio_find_program(name, env_path(), cwd, prog_path,
				  sizeof(prog_path));
}

static void on_shutdown(enum platform_shutdown_req r)
{
	/* Like docker stop: SIGTERM to the main process; its exit is then
	 * reported and init powers off (the daemon escalates to destroy). */
	if (main_task && main_task->state != TASK_ZOMBIE)
		signal_send(main_task, SIGTERM, 0);
}

static int exit_code(int status)
{
	if ((status & 0x7f) == 0)
		return (status >> 8) & 0xff;
	return 128 + (status & 0x7f);
}

/* Reaps children without blocking; true once the main process is gone. */
static bool reap(bool chan, int *status_r)
{
	int status = 0, pid = 0;
	bool main_done = false;

	for (;;) {
		long rc = task_wait(-1, &status, 1 /* WNOHANG */, &pid);

		if (rc == -ECHILD && !main_done)
			fail("lost the main process");
		if (rc || !pid)
			return main_done;
		if (pid == main_task->pid) {
			*status_r = status;
			main_done = true;
		} else if (chan) {
			podio_guest_reaped(pid, status);
		}
	}
}

/*
 * init's loop: reaps children (exec sessions end with EXIT on their
 * stream) and, with a pod channel, serves it; sleeps until an event,
 * a child's exit, or once a second.
 */
static int wait_main(bool chan)
{
	int status = 0;
	uint64_t fl = irq_save();

	for (;;) {
		if (chan)
			podio_guest_poll();
		if (reap(chan, &status))
			break;
		/* with a channel, also once a second: a server may die
		 * without an event (a hostile one, say) */
		sleep_on(podio_guest_wait_chan(),
			 chan ? time_now_ns() + 1000000000ull : 0);
	}
	if (chan) {
		/* The main process's EXIT, for dom0's stream 0 (the exit code
		 * is in xenstore as well: wait only a little for a slow
		 * or absent server). */
		uint64_t end = time_now_ns() + 2000000000ull;

		podio_guest_main_exit(status);
		for (;;) {
			podio_guest_poll();
			if (podio_guest_flushed() || time_now_ns() >= end)
				break;
			sleep_on(podio_guest_wait_chan(), end);
		}
	}
	irq_restore(fl);
	return exit_code(status);
}

/* With a channel, the main process's stdio is stream 0 (a pty on it
 * with "tty=1" in the spec; without a channel that option is moot). */
static void main_stdio(void)
{
	struct file *fds[3];

	if (podio_guest_main_stdio(fds, main_tty, main_stdin))
		fail("no memory for the main process's stdio");
	if (main_tty)
		pty_set_owner(fds[0], pod_cred.uid, pod_cred.gid);
	for (int i = 0; i < 3; i++) {
		file_put(main_task->files->fd[i]);
		main_task->files->fd[i] = fds[i];
	}
	podio_guest_set_main(main_task->pid);
}

void init_run(void)
{
	struct inode *cwd = NULL;
	const char *err = NULL, *prog;
	char num[16];
	size_t vlen;
	int rc, code;
	bool chan;

	setup_fs();
	read_spec();
	set_user();
	build_env();
	if (spec.name && *spec.name)
		sys_set_hostname(spec.name);
	syscall_init();
	sched_init();
	set_rlimits();
	mount_volumes();
	mount_tmpfs();
	cwd = vfs_root();
	if (spec.cwd && vfs_lookup(NULL, spec.cwd, true, &cwd))
		fail("working directory %s does not exist", spec.cwd);
	if (!S_ISDIR(cwd->mode))
		fail("working directory %s is not a directory", spec.cwd);
	chan = podio_guest_init(envp, cwd, &pod_cred);
	prog = find_program(spec.argv[0], cwd);
	rc = task_spawn(prog, spec.argv, envp, cwd, &pod_cred, NULL, &main_task,
			&err);
	if (rc)
		fail_status(podio_spawn_status(rc), "%s: %s", prog,
			    podio_spawn_reason(rc, err));
	if (chan)
		main_stdio();
	platform_set_shutdown_handler(on_shutdown);
	report("state", "running");
	code = wait_main(chan);
	fmt_snprintf(num, sizeof(num), "%d", code);
	report("exit", num);
	report("state", "exited");
	if (boot_param("xenpod.verbose", &vlen))
		printk("init: %s exited with %d\n", prog, code);
	p9fs_report();
	platform_poweroff(code);
}
