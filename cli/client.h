/* SPDX-License-Identifier: MIT */
/* client: the CLI's side of the xenpodd control socket (JSON-RPC 2.0, one object per line). */
#ifndef XENPOD_CLI_CLIENT_H
#define XENPOD_CLI_CLIENT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* A reply line may be 1 MiB of JSON plus its newline; allow a little slack. */
#define CLIENT_LINE_MAX (JSON_MAX_TEXT + 4096)

struct client {
	int fd; /* -1 when not connected */
	char path[108];
	int64_t next_id;
	char *buf; /* received bytes not yet consumed */
	size_t len;
	int rpc_code; /* JSON-RPC error code of the last failed call, else 0 */
	/* Its error's data.exit_code (0..255): the status to exit with, as
	 * for a program that could not be started; -1 when it has none. */
	int rpc_status;
	char err[1024]; /* one-line reason of the last failure */
	/*
	 * Signals: if wait_mask is set, each blocking read first waits in
	 * ppoll() with that mask, so signals blocked by the caller are taken
	 * only there; on_intr then runs (outside the handler). A negative
	 * return aborts the wait with that code.
	 */
	const sigset_t *wait_mask;
	int (*on_intr)(void *arg);
	void *intr_arg;
};

/*
 * Handles a notification ({"method":M,"params":P} without id) received while
 * waiting for a reply. A negative return (-errno) aborts the wait with it.
 */
typedef int (*client_notify_fn)(void *arg, const char *method,
				const struct json *params);

void client_init(struct client *c);
/* Returns 0 or -errno with c->err saying why (the path and strerror). */
int client_connect(struct client *c, const char *path);
/* Idempotent. */
void client_close(struct client *c);

/*
 * Send a request. params is JSON object text (NULL means {}). The id used is
 * stored in *id_r. Returns 0 or -errno (c->err set).
 */
int client_send(struct client *c, const char *method, const char *params,
		int64_t *id_r);

/*
 * Read until the reply to id arrives, passing notifications to fn (may be
 * NULL: they are ignored). On success *root_r is the parsed reply (free with
 * json_free) and *result_r its "result" member. Errors: -ENOENT, -EEXIST,
 * -EACCES, -EBUSY, -EREMOTEIO for JSON-RPC errors from the daemon (c->err is
 * its message, c->rpc_code its code), -EPROTO for malformed replies,
 * -ECONNRESET when the daemon closed the connection, other -errno for I/O.
 * id 0 waits for no reply: it reads notifications until the daemon closes
 * the connection (-ECONNRESET) or fn aborts.
 */
int client_wait(struct client *c, int64_t id, client_notify_fn fn, void *arg,
		struct json **root_r, const struct json **result_r);

/* client_send + client_wait. */
int client_call(struct client *c, const char *method, const char *params,
		client_notify_fn fn, void *arg, struct json **root_r,
		const struct json **result_r);

#endif
