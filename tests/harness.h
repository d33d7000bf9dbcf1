/* SPDX-License-Identifier: MIT */
/* harness: an in-process xenpodd (core + fake seams) and a client end of its socket, for unit tests. */
#ifndef XENPOD_TEST_HARNESS_H
#define XENPOD_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

struct json;

struct harness {
	char root[256]; /* temp dir: state/, log/, img/, kernel */
	char state_dir[300], log_dir[300], image_dir[300], kernel[300];
	char volume_backend[4096]; /* the fake xenpod-9pfsd */
	char pty_path[128];
	int pty_master; /* the fake guest's console */
	int cfd; /* client end */
	char *rbuf;
	size_t rlen;
	long next_id;
	char *log_data; /* concatenated `log` notifications of the last call */
	size_t log_len;
	int events; /* `event` notifications seen */
	char last_event[32]; /* the last one's "event" */
};

/* Does the fake guest report its program running at unpause (true after
 * harness_start)? Tests of a start that never completes clear it. */
extern bool harness_guest_runs;

/* Fresh dirs, fake seams reset, daemon core started (store, pod, rpc), one root connection. */
int harness_start(struct harness *h);
/* Stop the core as a crashing daemon would (domains stay in the fake hypervisor). */
void harness_stop(struct harness *h, bool remove_files);
/* Restart the core on the same dirs (reconciliation runs). */
int harness_restart(struct harness *h);
/* Open another connection (read_only: as a xenpod group member). Returns the client fd. */
int harness_connect(struct harness *h, bool read_only);

/* Send a raw line on fd, return the next non-notification reply line (malloc'd) or NULL on timeout. */
char *harness_raw(struct harness *h, int fd, const char *line, int timeout_ms);
/* The next line the daemon writes on fd, notifications included (malloc'd),
 * or NULL on timeout. */
char *harness_line(struct harness *h, int fd, int timeout_ms);
/* The next reply on fd (to a request sent before), or NULL on timeout. */
char *harness_reply(struct harness *h, int fd, int timeout_ms);
/*
 * Call method with params (JSON text or NULL) and wait for the reply.
 * Returns the parsed reply (free with json_free) or NULL on timeout.
 */
struct json *harness_call(struct harness *h, const char *method,
			  const char *params);
/* Run the loop for ms milliseconds. */
void harness_run(int ms);
/* Count regular files in dir (not . entries). */
int harness_count_files(const char *dir);

#endif
