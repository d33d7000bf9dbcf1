/* SPDX-License-Identifier: MIT */
/* hello: a static test workload: prints its arguments and selected environment, exits with a code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Usage: hello [--exit N] [--env NAME]... [WORD...]
 * Prints "hello WORD..." on stdout, "NAME=VALUE" for each --env, and exits with N.
 */
int main(int argc, char **argv)
{
	int code = 0;

	fputs("hello", stdout);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--exit") == 0 && i + 1 < argc) {
			code = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--env") == 0 && i + 1 < argc) {
			const char *v = getenv(argv[++i]);

			printf("\n%s=%s", argv[i], v ? v : "(unset)");
		} else {
			printf(" %s", argv[i]);
		}
	}
	putchar('\n');
	fflush(stdout);
	return code;
}
