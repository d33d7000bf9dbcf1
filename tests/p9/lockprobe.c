/* SPDX-License-Identifier: MIT */
/* lockprobe FILE [HELD SEEN]: flock and fcntl locks through two opens of one file on a 9p mount (tests/p9/linux-xen.sh's Linux guest, tests/p9/pod-xen.sh's pod). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

/* With HELD and SEEN: once the first lock is held, create HELD and wait
 * for SEEN, so that dom0 can look at its own lock table meanwhile. */
static void hold(const char *held, const char *seen)
{
	const struct timespec tick = { .tv_nsec = 100000000 };
	int fd = open(held, O_WRONLY | O_CREAT, 0644);

	if (fd >= 0)
		close(fd);
	while (access(seen, F_OK))
		nanosleep(&tick, NULL);
}

static const char *res(int rc)
{
	return rc == 0 ? "ok" : strerror(errno);
}

int main(int argc, char **argv)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int a, b;

	if (argc != 2 && argc != 4)
		return 2;
	a = open(argv[1], O_RDWR | O_CREAT, 0644);
	b = open(argv[1], O_RDWR);
	if (a < 0 || b < 0) {
		printf("open %s\n", strerror(errno));
		return 1;
	}
	/* flock: the second open must be refused while the first holds it. */
	printf("flock-a %s\n", res(flock(a, LOCK_EX | LOCK_NB)));
	fflush(stdout);
	if (argc == 4)
		hold(argv[2], argv[3]);
	printf("flock-b %s\n", res(flock(b, LOCK_EX | LOCK_NB)));
	printf("unlock-a %s\n", res(flock(a, LOCK_UN)));
	printf("flock-b-again %s\n", res(flock(b, LOCK_EX | LOCK_NB)));
	flock(b, LOCK_UN);
	/* fcntl: a byte-range write lock, then its release. */
	printf("setlk %s\n", res(fcntl(a, F_SETLK, &fl)));
	fl.l_type = F_UNLCK;
	printf("unlk %s\n", res(fcntl(a, F_SETLK, &fl)));
	return 0;
}
