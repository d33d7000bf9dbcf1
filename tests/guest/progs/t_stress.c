/* SPDX-License-Identifier: MIT */
/* t_stress: many processes at once, a pipeline chain, system() and popen() (posix_spawn/vfork). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(c) printf("%-50s %s\n", #c, (c) ? "ok" : strerror(errno))
#define NKIDS 40
#define CHAIN 12

/* Each child writes its index; the parent sums what arrives. */
static long fan_in(void)
{
	int fds[2];
	long sum = 0;
	char buf[16];
	FILE *in;

	if (pipe(fds))
		return -1;
	for (int i = 0; i < NKIDS; i++) {
		if (fork() == 0) {
			char line[16];
			int n = snprintf(line, sizeof(line), "%d\n", i);

			close(fds[0]);
			usleep(1000 * (i % 7));
			_exit(write(fds[1], line, n) == n ? 0 : 1);
		}
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	while (fgets(buf, sizeof(buf), in))
		sum += atol(buf);
	fclose(in);
	while (wait(NULL) > 0)
		;
	return sum;
}

/* A chain of processes each adding one to a number passed down pipes. */
static long chain(void)
{
	int in = -1;
	long v = 0;

	for (int i = 0; i < CHAIN; i++) {
		int fds[2];

		if (pipe(fds))
			return -1;
		if (fork() == 0) {
			long x = 0;

			close(fds[0]);
			if (in >= 0 && read(in, &x, sizeof(x)) != sizeof(x))
				_exit(1);
			x++;
			_exit(write(fds[1], &x, sizeof(x)) == sizeof(x) ? 0 :
									  1);
		}
		close(fds[1]);
		if (in >= 0)
			close(in);
		in = fds[0];
	}
	if (read(in, &v, sizeof(v)) != sizeof(v))
		return -1;
	close(in);
	while (wait(NULL) > 0)
		;
	return v;
}

int main(void)
{
	char line[64] = "";
	FILE *p;

	setvbuf(stdout, NULL, _IONBF, 0);
	CHECK(fan_in() == NKIDS * (NKIDS - 1) / 2);
	CHECK(chain() == CHAIN);
	CHECK(system("exit 3") != -1);
	CHECK(WEXITSTATUS(system("exit 3")) == 3);
	p = popen("echo from-popen", "r");
	CHECK(p && fgets(line, sizeof(line), p) &&
	      !strcmp(line, "from-popen\n"));
	CHECK(p && pclose(p) == 0);
	for (int round = 0; round < 3; round++)
		CHECK(fan_in() == NKIDS * (NKIDS - 1) / 2);
	return 0;
}
