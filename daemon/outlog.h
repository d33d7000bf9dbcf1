/* SPDX-License-Identifier: MIT */
/* outlog: the main process's stdout and stderr (from the pod's I/O channel) in LOG_DIR/NAME.out: records, rotation, reader. */
#ifndef XENPOD_OUTLOG_H
#define XENPOD_OUTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The main process's stdout and stderr (from the pod's I/O channel) in
 * LOG_DIR/NAME.out, rotated to NAME.out.1 at LOGFILE_MAX like the
 * console log. Records keep the streams apart and in order: u8 fd (1 or 2),
 * u8 0, u16 length (little-endian, 1..OUTLOG_REC_MAX), then the bytes.
 */
#define OUTLOG_REC_MAX 16384
#define OUTLOG_STDOUT 1u
#define OUTLOG_STDERR 2u

struct outlog;
/* lost: the lost-bytes count carried over. 0 or -errno. */
int outlog_open(const char *log_dir, const char *name, uint64_t lost,
		struct outlog **l_r);
/* Append data of fd (1 or 2); what cannot be written is counted as lost. */
void outlog_append(struct outlog *l, int fd, const void *data, size_t n);
uint64_t outlog_lost_bytes(const struct outlog *l);
void outlog_close(struct outlog *l); /* NULL ok */
/* Does NAME.out (or .out.1) exist? */
bool outlog_exists(const char *log_dir, const char *name);

/* Reader over NAME.out.1 then NAME.out of the fds in mask (bit 1<<fd). */
struct outlog_reader;
/* tail < 0: from the start; else the last tail lines of the chosen fds. */
int outlog_reader_open(const char *log_dir, const char *name, unsigned mask,
		       long tail, struct outlog_reader **r_r);
/* The next record's bytes (up to n, n >= OUTLOG_REC_MAX) and its fd; 0 at
 * the current end (more may come later), -errno. */
ssize_t outlog_reader_read(struct outlog_reader *r, int *fd, char *buf,
			   size_t n);
void outlog_reader_close(struct outlog_reader *r);
/* Remove NAME.out and NAME.out.1. */
void outlog_remove(const char *log_dir, const char *name);

#endif
