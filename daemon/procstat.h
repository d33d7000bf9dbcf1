/* SPDX-License-Identifier: MIT */
/* procstat: a dom0 process's identity from /proc/PID/stat (its start time, against pid reuse). */
#ifndef XENPOD_PROCSTAT_H
#define XENPOD_PROCSTAT_H

#include <stdint.h>
#include <sys/types.h>

/*
 * Field 22 of /proc/PID/stat: when PID started, in clock ticks after boot; a pid and its
 * start time name one process for as long as the system runs. 0: no such process (or pid
 * <= 0, or an unreadable line). If STATE is not NULL it gets field 3 ('R', 'S', 'Z', ...).
 */
uint64_t proc_start_time(pid_t pid, char *state);

#endif
