/* SPDX-License-Identifier: MIT */
/* logfile: an append-only log file capped at LOGFILE_MAX, rotated once to PATH.1, counting the bytes it loses. */
#ifndef XENPOD_LOGFILE_H
#define XENPOD_LOGFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* A log file rotates to PATH.1 at this size; the previous .1 is dropped (counted as lost). */
#define LOGFILE_MAX (2 * 1024 * 1024)

struct logfile {
	char name[65]; /* the pod's, for warnings */
	char path[PATH_MAX]; /* DIR/NAME.SUFFIX */
	char path1[PATH_MAX]; /* DIR/NAME.SUFFIX.1 */
	int fd; /* -1: not open */
	uint64_t size;
	uint64_t lost;
};

/* DIR/NAME.SUFFIX and its .1 into p and p1 (PATH_MAX each). 0 or -ENAMETOOLONG. */
int logfile_paths(const char *dir, const char *name, const char *suffix,
		  char *p, char *p1);
/* Open (create) DIR/NAME.SUFFIX for appending; lost is the count carried over. 0 or -errno. */
int logfile_open(struct logfile *lf, const char *dir, const char *name,
		 const char *suffix, uint64_t lost);
/* Append n bytes (in one write while there is room); what cannot be written is lost. */
void logfile_append(struct logfile *lf, const void *buf, size_t n);
void logfile_close(struct logfile *lf);
/* Remove DIR/NAME.SUFFIX and its .1. */
void logfile_remove(const char *dir, const char *name, const char *suffix);

#endif
