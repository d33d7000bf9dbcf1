/* SPDX-License-Identifier: MIT */
/* podio.h: the framed, multiplexed pod I/O protocol spoken over the vchan ring (guest lib, host-testable). */
#ifndef GUEST_LIB_PODIO_H
#define GUEST_LIB_PODIO_H

#include <stddef.h>
#include <stdint.h>

/*
 * One vchan per pod: xenpodd is the vchan server (it allocates the rings
 * with libxenvchan and publishes ring-ref/event-channel under
 * /local/domain/DOMID/xenpod/chan, read-only to the guest, so dom0 never
 * takes a grant reference from the guest); the guest kernel is the client.
 *
 * Every message is a frame: an 8-byte little-endian header, then `len`
 * payload bytes.  Header layout:
 *   byte 0     type     (enum podio_type)
 *   byte 1     flags    (0; any other value is a protocol error)
 *   bytes 2-3  stream   (0 = the pod's main process, 1..65535 = exec sessions
 *                        whose ids dom0 chooses)
 *   bytes 4-7  len      (payload length, <= PODIO_MAX_PAYLOAD)
 *
 * Flow control is per stream and per direction, by credit: a sender may
 * have at most the bytes of DATA payload the receiver granted outstanding.
 * Each side starts with PODIO_INITIAL_CREDIT for every stream it sends DATA
 * on, and the receiver returns credit with CREDIT frames as its consumer
 * drains the data.  So one slow reader (a stalled `xenpod exec` client)
 * stops only its own stream, never the ring, and nobody drops data.
 * Control frames (everything but STDIN/STDOUT/STDERR) need no credit.
 *
 * Any malformed frame (unknown type, nonzero flags, len too big, a fixed
 * size payload of the wrong size, data beyond the credit) is a protocol
 * violation: the receiver closes the channel and logs why.
 */

#define PODIO_VERSION 1u
#define PODIO_HDR_LEN 8u
#define PODIO_MAX_PAYLOAD 16384u
#define PODIO_INITIAL_CREDIT 65536u
#define PODIO_MAIN_STREAM 0u
/* Ring sizes dom0 asks libxenvchan for (bytes, each direction). */
#define PODIO_RING_BYTES 65536u

enum podio_type {
	/* both ways, stream 0, first frame on a (re)connected channel:
	 * payload = u32 version; dom0 sends it first, the guest answers. */
	PODIO_HELLO = 1,
	/* dom0 -> guest: start a process (payload: podio_exec_encode). */
	PODIO_EXEC = 2,
	PODIO_STDIN = 3, /* dom0 -> guest data */
	PODIO_STDOUT = 4, /* guest -> dom0 data */
	PODIO_STDERR = 5, /* guest -> dom0 data */
	/* either way: no more data on (stream, fd); payload = u8 fd (0,1,2). */
	PODIO_EOF = 6,
	/* dom0 -> guest: window size, payload = u16 rows, u16 cols. */
	PODIO_RESIZE = 7,
	/* dom0 -> guest: deliver a signal, payload = u32 Linux signal number. */
	PODIO_SIGNAL = 8,
	/* guest -> dom0: the stream's process ended and its output is all sent;
	 * payload = i32 exit code (0..255), u32 signal (0 if it exited).
	 * The stream id is free for reuse once dom0 has seen EXIT. */
	PODIO_EXIT = 9,
	/* guest -> dom0: the request on this stream failed before any process
	 * ran (bad request, no memory, unknown stream); payload = i32 exit code
	 * to report (126/127 as a shell would, 125 for the rest), then a
	 * message of up to 256 bytes (no NUL).  Ends the stream like EXIT. */
	PODIO_ERROR = 10,
	/* either way: payload = u8 fd (0 for STDIN, 1 STDOUT, 2 STDERR),
	 * u8 pad[3] (0), u32 bytes of extra credit for that fd of the stream. */
	PODIO_CREDIT = 11,
};

struct podio_hdr {
	uint8_t type;
	uint8_t flags;
	uint16_t stream;
	uint32_t len;
};

/*
 * EXEC payload layout (all little-endian):
 *   u8 tty (0/1), u8 flags (PODIO_EXEC_F_*), u16 rows, u16 cols,
 *   u16 argc (1..256), u16 envc (0..256), u16 pad (0),
 *   then argc NUL-terminated argument strings, envc NUL-terminated
 *   "KEY=VALUE" strings, one NUL-terminated working directory ("" for
 *   the pod's) and, with PODIO_EXEC_F_USER, one NUL-terminated non-empty
 *   USER[:GROUP] to run as (else the pod's user); with PODIO_EXEC_F_GROUPS
 *   (only with PODIO_EXEC_F_USER), one NUL-terminated non-empty list of
 *   supplementary groups, names or numbers joined by ',' (that user's, as
 *   the spec's "group=" tokens are the pod's); with PODIO_EXEC_F_RLIMITS,
 *   one NUL-terminated non-empty list of "RES:SOFT:HARD" limits (the
 *   spec's "rlimit=" values, lib/spec.h) joined by ' ', which replace the
 *   pod's for those resources; with nothing after the last NUL.  The whole
 *   payload must fit PODIO_MAX_PAYLOAD.  A guest from before a flag
 *   refuses it (-EPROTO): only an exec that uses one sends it.
 */
#define PODIO_EXEC_F_USER 1u
#define PODIO_EXEC_F_GROUPS 2u
#define PODIO_EXEC_F_RLIMITS 4u
#define PODIO_EXEC_F_ALL \
	(PODIO_EXEC_F_USER | PODIO_EXEC_F_GROUPS | PODIO_EXEC_F_RLIMITS)
#define PODIO_EXEC_FIXED 12u
#define PODIO_EXEC_MAX_ARGS 256u
#define PODIO_EXEC_MAX_ENV 256u
#define PODIO_ERROR_MAX_MSG 256u

struct podio_exec {
	int tty;
	uint16_t rows, cols;
	unsigned argc, envc;
	const char *const *argv; /* argc entries */
	const char *const *envp; /* envc entries */
	const char *cwd; /* "" or NULL: the pod's working directory */
	const char *user; /* NULL: the pod's user; else USER[:GROUP] */
	const char *groups; /* NULL: none; else "G,G..." (needs user) */
	const char *rlimits; /* NULL: the pod's; else "RES:SOFT:HARD ..." */
};

/* Decoded EXEC: pointers into the caller's payload buffer. */
struct podio_exec_view {
	int tty;
	uint16_t rows, cols;
	unsigned argc, envc;
	const char *argv[PODIO_EXEC_MAX_ARGS + 1]; /* NULL-terminated */
	const char *envp[PODIO_EXEC_MAX_ENV + 1]; /* NULL-terminated */
	const char *cwd;
	const char *user; /* NULL: none given */
	const char *groups; /* NULL: none given */
	const char *rlimits; /* NULL: none given */
};

/* Encodes a header into out[PODIO_HDR_LEN]. */
void podio_hdr_encode(uint8_t *out, const struct podio_hdr *h);
/* Decodes and checks a header (type known, flags 0, len within the cap
 * and exact for the fixed-size types).  0 or -EPROTO / -EMSGSIZE. */
int podio_hdr_decode(const uint8_t *in, struct podio_hdr *h);
/* Writes header + payload into buf (cap bytes); returns the frame length
 * or -EMSGSIZE.  payload may be NULL when len is 0. */
int podio_frame(uint8_t *buf, size_t cap, uint8_t type, uint16_t stream,
		const void *payload, uint32_t len);

/* EXEC payload; returns its length or -E2BIG / -EINVAL. */
int podio_exec_encode(const struct podio_exec *req, uint8_t *buf, size_t cap);
/* Validates a received EXEC payload (all fields, every string terminated,
 * counts in range, no trailing bytes) and fills v with pointers into buf.
 * 0 or -EPROTO. */
int podio_exec_decode(const uint8_t *buf, size_t len,
		      struct podio_exec_view *v);

/* Small fixed payloads; the decoders return 0 or -EPROTO. */
int podio_exit_encode(uint8_t *buf, int32_t code, uint32_t signo); /* 8 B */
int podio_exit_decode(const uint8_t *buf, size_t len, int32_t *code,
		      uint32_t *signo);
int podio_credit_encode(uint8_t *buf, uint8_t fd, uint32_t bytes); /* 8 B */
int podio_credit_decode(const uint8_t *buf, size_t len, uint8_t *fd,
			uint32_t *bytes);
/* ERROR payload: code then message (truncated to PODIO_ERROR_MAX_MSG). */
int podio_error_encode(uint8_t *buf, size_t cap, int32_t code, const char *msg);
/* Copies the message into msg (msg_cap >= 1, NUL-terminated, control
 * characters replaced by '?'). */
int podio_error_decode(const uint8_t *buf, size_t len, int32_t *code, char *msg,
		       size_t msg_cap);

/* Little-endian helpers shared by both sides. */
static inline void podio_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void podio_put32(uint8_t *p, uint32_t v)
{
	podio_put16(p, (uint16_t)v);
	podio_put16(p + 2, (uint16_t)(v >> 16));
}

static inline uint16_t podio_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t podio_get32(const uint8_t *p)
{
	return (uint32_t)podio_get16(p) | (uint32_t)podio_get16(p + 2) << 16;
}

#endif
