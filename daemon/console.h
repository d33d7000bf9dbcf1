/* SPDX-License-Identifier: MIT */
/* console: captures a pod's console pty into LOG_DIR/NAME.log (capped, rotated once) and reads it back. */
#ifndef XENPOD_CONSOLE_H
#define XENPOD_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "logfile.h"

/* The log rotates to NAME.log.1 at this size; the previous .1 is dropped (counted as lost). */
#define CONSOLE_LOG_MAX LOGFILE_MAX

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

/* Remove the pod's logs: NAME.log, NAME.out and their .1. */
void console_log_remove(const char *log_dir, const char *name);

/* Sequential reader over a pod's log (NAME.log.1 then NAME.log), following rotation. */
struct conlog_reader;
/* tail < 0: from the start; else start at the last tail lines. 0 or -errno. */
int conlog_reader_open(const char *log_dir, const char *name, long tail,
		       struct conlog_reader **r_r);
/* Up to n bytes; 0 when at the current end (more may come later), -errno. */
ssize_t conlog_reader_read(struct conlog_reader *r, char *buf, size_t n);
void conlog_reader_close(struct conlog_reader *r);

#endif
