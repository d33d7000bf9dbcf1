/* SPDX-License-Identifier: MIT */
/* fuzz_daemon: the in-process daemon (tests/harness.c) for fuzz targets, one connection per input. */
#ifndef XENPOD_FUZZ_DAEMON_H
#define XENPOD_FUZZ_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "harness.h"

/* The image ref the sandboxed image_prepare_async maps to the harness's tiny image dir. */
#define FUZZ_IMAGE_REF "/fuzz/image"

extern struct harness fuzz_h;

/* Start the harness once (aborts on failure). */
void fuzz_daemon_start(void);
/* Back to an empty daemon if an input left pods behind (so inputs stay independent). */
void fuzz_daemon_settle(void);
void fuzz_daemon_stop(void);

/*
 * Send data (any bytes) on a fresh root connection, then a daemon_hello
 * with a sentinel id, and read replies until the sentinel's answer, the
 * daemon's close, or timeout_ms. Aborts if a reply line is not a one-line
 * JSON-RPC 2.0 object. Returns the number of reply lines.
 */
int fuzz_daemon_session(const uint8_t *data, size_t size, int timeout_ms);
/* The same on an already running core (rpc_init done), without start or settle. */
int fuzz_daemon_talk(const uint8_t *data, size_t size, int timeout_ms);

#endif
