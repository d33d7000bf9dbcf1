/* SPDX-License-Identifier: MIT */
/* console: captures a pod's console pty into LOG_DIR/NAME.log (capped, rotated once). */
#ifndef XENPOD_CONSOLE_H
#define XENPOD_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A log file rotates to NAME.log.1 at this size; the previous .1 is dropped (counted as lost). */
#define CONSOLE_LOG_MAX (2 * 1024 * 1024)

struct console;
/* New output was appended to the log. */
typedef void console_data_cb(void *arg);

/*
 * Open the pty at tty (non-blocking, raw) and append its output to
 * log_dir/NAME.log. lost is the lost-bytes count carried over (e.g. from
 * before a daemon restart). 0 or -errno.
 */
int console_open(const char *log_dir, const char *name, const char *tty,
		 uint64_t lost, console_data_cb *cb, void *arg,
		 struct console **c_r);
/* Copy whatever the pty has now into the log (non-blocking). */
void console_drain(struct console *c);
/* Drain, then stop capturing. NULL ok. */
void console_close(struct console *c);
uint64_t console_lost_bytes(const struct console *c);
/* ev_now_ms() of the last output read (or of the open). */
uint64_t console_last_data_ms(const struct console *c);

/* Remove NAME.log and NAME.log.1. */
void console_log_remove(const char *log_dir, const char *name);

/* Sequential reader over a pod's log (NAME.log.1 then NAME.log), following rotation. */
struct conlog_reader;
/* tail < 0: from the start; else start at the last tail lines. 0 or -errno. */
int conlog_reader_open(const char *log_dir, const char *name, long tail,
		       struct conlog_reader **r_r);
/* Up to n bytes; 0 when at the current end (more may come later), -errno. */
ssize_t conlog_reader_read(struct conlog_reader *r, char *buf, size_t n);
void conlog_reader_close(struct conlog_reader *r);

/*
 * The main process's stdout and stderr (from the pod's I/O channel) in
 * LOG_DIR/NAME.out, rotated to NAME.out.1 at CONSOLE_LOG_MAX like the
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

#endif
