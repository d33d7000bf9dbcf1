/* SPDX-License-Identifier: MIT */
/* xenpod-9pfsd (fake): stands in for the volume backend in unit tests: checks its arguments, then waits for SIGTERM (or exits at once with FAKE_9PFSD_FAIL). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	sigset_t set;
	int sig, seen = 0;

	for (int i = 1; i + 1 < argc; i++)
		seen += !strcmp(argv[i], "--domid") ||
			!strcmp(argv[i], "--devid") ||
			!strcmp(argv[i], "--root");
	if (seen != 3 || getenv("FAKE_9PFSD_FAIL"))
		return 3;
	/* xenpodd starts it with every signal at its default and unblocked. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigwait(&set, &sig);
	return 0;
}
