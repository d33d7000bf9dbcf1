/* SPDX-License-Identifier: MIT */
/* pod: the pod registry and lifecycle state machine (no libxl types: hv.h, xs.h seams only). */
#ifndef XENPOD_POD_H
#define XENPOD_POD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv.h"

struct json;
struct rpc_req;
struct xs;

#define POD_SPEC_MAX 4096 /* bytes of the xenstore spec string */

struct pod_config {
	const char *log_dir; /* console logs: LOG_DIR/NAME.log */
	const char *kernel; /* xenpod-kernel */
	struct hv *hv;
	struct xs *xs;
};

/* The store must be initialised. Hooks the xenstore watch fd into ev. 0 or -errno. */
int pod_init(const struct pod_config *cfg);
/*
 * Load the state files and reconcile them with the running domains: re-adopt
 * live pods (matched by UUID), mark vanished ones stopped (reason "lost"),
 * destroy half-created ones and xenpod-* domains without state. 0 or -errno.
 */
int pod_reconcile(void);
/* Forget all pods (domains keep running: a restarted daemon re-adopts them). */
void pod_dispose(void);
size_t pod_count(void);

/* Callbacks to pass to hv_open. */
extern const struct hv_callbacks pod_hv_callbacks;

/* RPC entry points: each answers req now or later (see PROTOCOL.md). */
void pod_rpc_create(struct rpc_req *req, const struct json *spec);
void pod_rpc_start(struct rpc_req *req, const char *name);
void pod_rpc_stop(struct rpc_req *req, const char *name, int64_t timeout_s);
void pod_rpc_kill(struct rpc_req *req, const char *name);
void pod_rpc_rm(struct rpc_req *req, const char *name, bool force);
void pod_rpc_list(struct rpc_req *req, bool all);
void pod_rpc_inspect(struct rpc_req *req, const char *name);
void pod_rpc_wait(struct rpc_req *req, const char *name);
/* stream: "stdout", "stderr", "kernel" or NULL (stdout and stderr). */
void pod_rpc_logs(struct rpc_req *req, const char *name, int64_t tail,
		  bool follow, const char *stream);

/* pod_spec_string flags: the main process's terminal and stdin. */
#define POD_SPEC_TTY 1u
#define POD_SPEC_STDIN 2u

/*
 * Encode argv/env/cwd/name/flags as the xenstore spec string (xenpod-paths.pandoc):
 * percent-encoded tokens "env=K=V... cwd=PATH name=NAME tty=1 stdin=1 -- ARGV...".
 * 0, or -E2BIG when it would exceed POD_SPEC_MAX bytes.
 */
int pod_spec_string(char *const *argv, char *const *env, const char *cwd,
		    const char *name, unsigned flags, char *buf, size_t bufsz);

#endif
