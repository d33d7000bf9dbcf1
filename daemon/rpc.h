/* SPDX-License-Identifier: MIT */
/* rpc: JSON-RPC 2.0 over the control socket: envelope, method table, replies, the errno-to-code mapping. */
#ifndef XENPOD_RPC_H
#define XENPOD_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json_dec.h"
#include "pod.h"

struct conn;
struct json;
struct rpc_req;

/* JSON-RPC error codes (PROTOCOL.md). */
#define RPC_PARSE_ERROR -32700
#define RPC_INVALID_REQUEST -32600
#define RPC_METHOD_NOT_FOUND -32601
#define RPC_INVALID_PARAMS -32602
#define RPC_FAILED 1
#define RPC_NOT_FOUND 2
#define RPC_CONFLICT 3
#define RPC_DENIED 4
#define RPC_BUSY 5

/* Install the control hooks (line, closed, overflow) and answer for the pod layer (pod_set_ops). */
void rpc_init(void);

/* Answer req with result (JSON text of an object); req is freed. */
void rpc_reply(struct rpc_req *req, const char *result);
struct json_writer;
/* Answer req with w's text (or "out of memory" if the writer failed); req and w are freed. */
void rpc_reply_writer(struct rpc_req *req, struct json_writer *w);
/* Answer req with an error; message is one line. req is freed. */
void rpc_error(struct rpc_req *req, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with "data":{"exit_code":STATUS} (0..255): the exit status the
 * client should give, as for a program that could not be started. */
void rpc_error_status(struct rpc_req *req, int code, int status,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The error code of a -errno: the only mapping (pod.h lists what each means). */
int rpc_code_of(int neg_errno);
/* Answer req with the pod layer's error rc and message. */
void rpc_fail(struct rpc_req *req, int neg_errno, const char *msg);

/*
 * A request the pod layer may answer later: its token (pod.h). A request
 * still pending when its connection goes away is withdrawn (pod_cancel).
 * Call before the pod operation; answering req (now or later) ends it.
 */
pod_token rpc_defer(struct rpc_req *req);
/* The pending request of token t, or NULL (answered, or its client left). */
struct rpc_req *rpc_req_of(pod_token t);
struct conn *rpc_req_conn(const struct rpc_req *req);
/*
 * A deferred request that streams: the connection reads further lines
 * while it is pending, but only exec_* methods (pod_exec, pod_attach
 * sessions).
 */
void rpc_set_streaming(struct rpc_req *req);
/* The streaming request (session) on req's connection: its token, or 0. */
pod_token rpc_session_of(const struct rpc_req *req);

/* Send a notification {"jsonrpc":"2.0","method":M,"params":P} on c. 0 or -errno. */
int rpc_notify(struct conn *c, const char *method, const char *params);
/* Send an `event` notification to every subscribed connection. */
void rpc_broadcast_event(const char *params);

/* Decode params against the table; on error answer req (invalid params) and return false. */
bool rpc_decode_params(struct rpc_req *req, const struct json *params,
		       const struct json_dec_field *fields, void *out);

/* Method tables (NULL-terminated) of rpc_pod.c and rpc_stream.c. */
typedef void rpc_method_fn(struct rpc_req *req, const struct json *params);
struct rpc_method {
	const char *name;
	bool read_only;
	rpc_method_fn *fn;
};
extern const struct rpc_method rpc_pod_methods[];
extern const struct rpc_method rpc_stream_methods[];
extern const struct rpc_method rpc_volume_methods[]; /* rpc_volume.c */
extern const struct rpc_method rpc_network_methods[]; /* rpc_net.c */

/* The answers and sink of rpc_pod.c and rpc_stream.c (pod.h's pod_ops). */
void rpc_pod_reply_pod(pod_token t, const struct pod *p);
void rpc_pod_reply_error(pod_token t, int neg_errno, int status,
			 const char *msg);
void rpc_pod_reply_done(pod_token t);
void rpc_pod_event(const struct pod_event *e);
void rpc_stream_reply_exit(pod_token t, int exit_code, unsigned signo,
			   const char *error);
extern const struct pod_sink rpc_stream_sink;

#endif
