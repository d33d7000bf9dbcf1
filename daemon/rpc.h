/* SPDX-License-Identifier: MIT */
/* rpc: JSON-RPC 2.0 over the control socket: request decoding, method table, replies. */
#ifndef XENPOD_RPC_H
#define XENPOD_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conn;
struct json;
struct rpc_req;

#define RPC_PROTOCOL_VERSION 1

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

/* Install the control hooks (line, closed, overflow). */
void rpc_init(void);

/* Answer req with result (JSON text of an object); req is freed. */
void rpc_reply(struct rpc_req *req, const char *result);
/* Answer req with an error; message is one line. req is freed. */
void rpc_error(struct rpc_req *req, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with "data":{"exit_code":STATUS} (0..255): the exit status the
 * client should give, as for a program that could not be started. */
void rpc_error_status(struct rpc_req *req, int code, int status,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Error code for a -errno (ENOENT → not found, EEXIST → conflict, ...). */
int rpc_code_of(int neg_errno);

/*
 * A deferred request is cancelled when its connection goes away; cancel(req,
 * arg) must unlink it from wherever it is kept. req is freed after.
 */
void rpc_set_cancel(struct rpc_req *req,
		    void (*cancel)(struct rpc_req *req, void *arg), void *arg);
struct conn *rpc_req_conn(const struct rpc_req *req);
/*
 * A deferred request (rpc_set_cancel done) that streams: the connection
 * reads further lines while it is pending, but only exec_* methods
 * (pod_exec, pod_attach sessions).
 */
void rpc_set_streaming(struct rpc_req *req);

/* Send a notification {"jsonrpc":"2.0","method":M,"params":P} on c. 0 or -errno. */
int rpc_notify(struct conn *c, const char *method, const char *params);
/* Send an `event` notification to every subscribed connection. */
void rpc_broadcast_event(const char *params);

/* Strict decoding of JSON objects: a table of known keys; anything else is an error. */
enum rpc_dec_type {
	RPC_DEC_STRING, /* const char * */
	RPC_DEC_INT, /* int64_t, within [min, max] */
	RPC_DEC_BOOL, /* bool */
	RPC_DEC_STRINGS, /* const struct json * (array of strings, <= max items) */
	RPC_DEC_OBJECT, /* const struct json * (object; decode it further) */
};

struct rpc_dec_field {
	const char *key;
	enum rpc_dec_type type;
	bool required;
	size_t off; /* offsetof the destination in the output struct */
	/* INT: the range; STRING: min/max length; STRINGS: min = most items, max = item length */
	int64_t min, max;
};

/*
 * Decode obj (named path in errors, e.g. "params.spec") against the table
 * (terminated by a NULL key) into out. Absent optional keys and null values
 * leave out's defaults. 0, or -EINVAL with "PATH.KEY: what is wrong" in err.
 */
int rpc_decode(const struct json *obj, const char *path,
	       const struct rpc_dec_field *fields, void *out, char *err,
	       size_t errsz);

/* Pod names: [A-Za-z0-9][A-Za-z0-9_.-]{0,63}. */
bool rpc_name_valid(const char *name);

#endif
