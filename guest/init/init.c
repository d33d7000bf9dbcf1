/* SPDX-License-Identifier: MIT */
/* init.c: the C init: unpack the rootfs, read the pod spec, run the container, report its exit. */
#include "kernel/boot.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/vfs.h"
#include "lib/fmt.h"
#include "lib/spec.h"
#include "lib/string.h"
#include "platform.h"

#define SPEC_MAX 4096
#define ERROR_MAX 127
#define DEFAULT_PATH \
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

void sys_set_hostname(const char *name);

static char spec_buf[SPEC_MAX + 1];
static struct spec spec;
static char *envp[SPEC_ENV_MAX + 2];
static char prog_path[512];
static struct task *main_task;

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

static void fail(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	char msg[ERROR_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	printk("init: %s\n", msg);
	report("error", msg);
	report("state", "failed");
	platform_poweroff(127);
}

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
	for (size_t i = 0; i < spec.nunknown; i++)
		printk("init: warning: unknown spec option \"%s\" ignored\n",
		       spec.unknown[i]);
}

static bool env_has(const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < spec.envc; i++)
		if (!strncmp(spec.envp[i], key, n) && spec.envp[i][n] == '=')
			return true;
	return false;
}

/* The environment, with Docker's default PATH if the spec has none. */
static void build_env(void)
{
	size_t k = 0;

	for (size_t i = 0; i < spec.envc; i++)
		envp[k++] = spec.envp[i];
	if (!env_has("PATH"))
		envp[k++] = (char *)DEFAULT_PATH;
	envp[k] = NULL;
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
	const char *p = env_path();

	if (strchr(name, '/'))
		return name;
	while (*p) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		struct inode *ino;

		fmt_snprintf(prog_path, sizeof(prog_path), "%.*s/%s", (int)n,
			     n ? p : ".", name);
		if (vfs_lookup(cwd, prog_path, true, &ino) == 0 &&
		    S_ISREG(ino->mode) && (ino->mode & 0111))
			return prog_path;
		p += n;
		if (*p == ':')
			p++;
	}
	return name;
}

static void on_shutdown(enum platform_shutdown_req r)
{
	/* Like docker stop: SIGTERM to the main process; its exit is then
	 * reported and init powers off (the daemon escalates to destroy). */
	if (main_task && main_task->state != TASK_ZOMBIE)
		signal_send(main_task, SIGTERM, 0);
}

static int wait_main(void)
{
	int status = 0, pid = 0;

	for (;;) {
		long rc = task_wait(-1, &status, 0, &pid);

		if (rc == 0 && pid == main_task->pid)
			break;
		if (rc == -ECHILD)
			fail("lost the main process");
	}
	if ((status & 0x7f) == 0)
		return (status >> 8) & 0xff;
	return 128 + (status & 0x7f);
}

void init_run(void)
{
	struct inode *cwd = NULL;
	const char *err = NULL, *prog;
	char num[16];
	size_t vlen;
	int rc, code;

	setup_fs();
	read_spec();
	build_env();
	if (spec.name && *spec.name)
		sys_set_hostname(spec.name);
	cwd = vfs_root();
	if (spec.cwd && vfs_lookup(NULL, spec.cwd, true, &cwd))
		fail("working directory %s does not exist", spec.cwd);
	if (!S_ISDIR(cwd->mode))
		fail("working directory %s is not a directory", spec.cwd);
	syscall_init();
	sched_init();
	prog = find_program(spec.argv[0], cwd);
	rc = task_spawn(prog, spec.argv, envp, cwd, &main_task, &err);
	if (rc)
		fail("%s: %s", prog, err);
	platform_set_shutdown_handler(on_shutdown);
	report("state", "running");
	code = wait_main();
	fmt_snprintf(num, sizeof(num), "%d", code);
	report("exit", num);
	report("state", "exited");
	if (boot_param("xenpod.verbose", &vlen))
		printk("init: %s exited with %d\n", prog, code);
	platform_poweroff(code);
}
