/* SPDX-License-Identifier: MIT */
/* t_basic: argv, envp, auxv, stdio buffering and the exit code. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
	unsigned char *rnd = (unsigned char *)getauxval(AT_RANDOM);

	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, i ? argv[i] : "(self)");
	printf("T_VAR=%s\n", getenv("T_VAR") ? getenv("T_VAR") : "(unset)");
	printf("pagesz=%lu\n", getauxval(AT_PAGESZ));
	printf("phent=%lu\n", getauxval(AT_PHENT));
	printf("phdr_ok=%d\n",
	       getauxval(AT_PHDR) != 0 && getauxval(AT_PHNUM) > 0);
	printf("entry_ok=%d\n", getauxval(AT_ENTRY) != 0);
	printf("random_ok=%d\n", rnd != NULL);
	printf("uid=%lu euid=%lu secure=%lu\n", getauxval(AT_UID),
	       getauxval(AT_EUID), getauxval(AT_SECURE));
	printf("clktck=%lu\n", getauxval(AT_CLKTCK));
	printf("platform=%s\n", (char *)getauxval(AT_PLATFORM));
	fprintf(stderr, "to stderr\n");
	fflush(stderr);
	printf("unflushed at exit");
	return argc > 1 ? atoi(argv[argc - 1]) : 0;
}
