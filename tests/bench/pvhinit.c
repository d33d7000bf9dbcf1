/* SPDX-License-Identifier: MIT */
/* pvhinit: /init of the benchmark's minimal Linux guest: print one line, run argv, power off. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The kernel gives init /dev/console as fd 0-2 when the initramfs has that
 * node; otherwise mount devtmpfs and open the console ourselves. The first
 * line is the start-latency marker scripts/bench waits for. Arguments after
 * "--" on the kernel command line are run as a program (guest work figures).
 */
static void open_console(void)
{
	int fd;

	if (write(1, "", 0) == 0)
		return;
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		fd = open("/dev/hvc0", O_RDWR);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
}

int main(int argc, char **argv)
{
	static const char line[] = "XPBENCH-INIT up\n";

	open_console();
	if (write(1, line, sizeof(line) - 1) < 0)
		return 1;
	if (argc > 1) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			execv(argv[1], argv + 1);
			_exit(127);
		}
		if (pid > 0 && waitpid(pid, &st, 0) == pid)
			printf("XPBENCH-INIT exit %d\n",
			       WIFEXITED(st) ? WEXITSTATUS(st) : 128);
		fflush(stdout);
	}
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
