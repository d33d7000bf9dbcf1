/* SPDX-License-Identifier: MIT */
/* procstat: /proc/PID/stat's state and start time, for xenpodd's backends and xenpod-oci's holders. */
#include "procstat.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

uint64_t proc_start_time(pid_t pid, char *state)
{
	char path[64], buf[1024], *p, st = 0;
	unsigned long long start = 0;
	ssize_t n;
	int fd, i;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name (field 2) may hold spaces and parentheses: skip to its last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c", &st) != 1)
		return 0;
	/* After ')' come fields 3 (state) to 52; starttime is 22. */
	for (i = 3; i <= 22 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1)
		return 0;
	if (state)
		*state = st;
	return start;
}
