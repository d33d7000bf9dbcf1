/* SPDX-License-Identifier: MIT */
/* podio.c: encoders and strict decoders of the pod I/O frames (lib/podio.h); both sides share them. */
#include "lib/podio.h"

#include "lib/errno.h"
#include "lib/string.h"

/* Payload sizes of the fixed-size types; 0 = variable (checked apart). */
static uint32_t fixed_len(uint8_t type)
{
	switch (type) {
	case PODIO_HELLO:
	case PODIO_RESIZE:
	case PODIO_SIGNAL:
		return 4;
	case PODIO_EOF:
		return 1;
	case PODIO_EXIT:
	case PODIO_CREDIT:
		return 8;
	default:
		return 0;
	}
}

void podio_hdr_encode(uint8_t *out, const struct podio_hdr *h)
{
	out[0] = h->type;
	out[1] = h->flags;
	podio_put16(out + 2, h->stream);
	podio_put32(out + 4, h->len);
}

int podio_hdr_decode(const uint8_t *in, struct podio_hdr *h)
{
	uint32_t want;

	h->type = in[0];
	h->flags = in[1];
	h->stream = podio_get16(in + 2);
	h->len = podio_get32(in + 4);
	if (h->type < PODIO_HELLO || h->type > PODIO_CREDIT || h->flags)
		return -EPROTO;
	if (h->len > PODIO_MAX_PAYLOAD)
		return -EMSGSIZE;
	want = fixed_len(h->type);
	if (want && h->len != want)
		return -EPROTO;
	/* The variable-size control frames have a fixed part and a cap. */
	if (h->type == PODIO_EXEC && h->len < PODIO_EXEC_FIXED)
		return -EPROTO;
	if (h->type == PODIO_ERROR &&
	    (h->len < 4 || h->len > 4 + PODIO_ERROR_MAX_MSG))
		return -EPROTO;
	return 0;
}

int podio_frame(uint8_t *buf, size_t cap, uint8_t type, uint16_t stream,
		const void *payload, uint32_t len)
{
	struct podio_hdr h = { type, 0, stream, len };

	if (len > PODIO_MAX_PAYLOAD || cap < PODIO_HDR_LEN ||
	    cap - PODIO_HDR_LEN < len)
		return -EMSGSIZE;
	podio_hdr_encode(buf, &h);
	if (len)
		memcpy(buf + PODIO_HDR_LEN, payload, len);
	return (int)(PODIO_HDR_LEN + len);
}

/* "KEY=VALUE" with a non-empty key; a bare word is not an environment entry. */
static int env_ok(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq && eq != s;
}

/* Appends s and its NUL at *off; -E2BIG past cap. */
static int put_str(uint8_t *buf, size_t cap, size_t *off, const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > cap - *off)
		return -E2BIG;
	memcpy(buf + *off, s, n);
	*off += n;
	return 0;
}

int podio_exec_encode(const struct podio_exec *req, uint8_t *buf, size_t cap)
{
	size_t off = PODIO_EXEC_FIXED;
	unsigned i;
	int rc = 0;

	if (!req->argc || req->argc > PODIO_EXEC_MAX_ARGS ||
	    req->envc > PODIO_EXEC_MAX_ENV || !req->argv ||
	    (req->envc && !req->envp) || (req->user && !req->user[0]) ||
	    (req->groups && (!req->groups[0] || !req->user)) ||
	    (req->rlimits && !req->rlimits[0]))
		return -EINVAL;
	for (i = 0; i < req->argc; i++)
		if (!req->argv[i])
			return -EINVAL;
	for (i = 0; i < req->envc; i++)
		if (!req->envp[i] || !env_ok(req->envp[i]))
			return -EINVAL;
	if (cap > PODIO_MAX_PAYLOAD)
		cap = PODIO_MAX_PAYLOAD;
	if (cap < PODIO_EXEC_FIXED)
		return -E2BIG;
	memset(buf, 0, PODIO_EXEC_FIXED);
	buf[0] = req->tty ? 1 : 0;
	buf[1] = (uint8_t)((req->user ? PODIO_EXEC_F_USER : 0) |
			   (req->groups ? PODIO_EXEC_F_GROUPS : 0) |
			   (req->rlimits ? PODIO_EXEC_F_RLIMITS : 0));
	podio_put16(buf + 2, req->rows);
	podio_put16(buf + 4, req->cols);
	podio_put16(buf + 6, (uint16_t)req->argc);
	podio_put16(buf + 8, (uint16_t)req->envc);
	for (i = 0; !rc && i < req->argc; i++)
		rc = put_str(buf, cap, &off, req->argv[i]);
	for (i = 0; !rc && i < req->envc; i++)
		rc = put_str(buf, cap, &off, req->envp[i]);
	if (!rc)
		rc = put_str(buf, cap, &off, req->cwd ? req->cwd : "");
	if (!rc && req->user)
		rc = put_str(buf, cap, &off, req->user);
	if (!rc && req->groups)
		rc = put_str(buf, cap, &off, req->groups);
	if (!rc && req->rlimits)
		rc = put_str(buf, cap, &off, req->rlimits);
	return rc ? rc : (int)off;
}

/* Takes the next NUL-terminated string from [*off, len); NULL if none. */
static const char *take_str(const uint8_t *buf, size_t len, size_t *off)
{
	const uint8_t *nul;
	const char *s;

	if (*off >= len)
		return NULL;
	nul = memchr(buf + *off, 0, len - *off);
	if (!nul)
		return NULL;
	s = (const char *)buf + *off;
	*off = (size_t)(nul - buf) + 1;
	return s;
}

static int exec_fixed(const uint8_t *buf, struct podio_exec_view *v)
{
	if (buf[0] > 1 || (buf[1] & ~PODIO_EXEC_F_ALL) ||
	    ((buf[1] & PODIO_EXEC_F_GROUPS) && !(buf[1] & PODIO_EXEC_F_USER)) ||
	    podio_get16(buf + 10))
		return -EPROTO;
	v->tty = buf[0];
	v->rows = podio_get16(buf + 2);
	v->cols = podio_get16(buf + 4);
	v->argc = podio_get16(buf + 6);
	v->envc = podio_get16(buf + 8);
	if (!v->argc || v->argc > PODIO_EXEC_MAX_ARGS ||
	    v->envc > PODIO_EXEC_MAX_ENV)
		return -EPROTO;
	return 0;
}

int podio_exec_decode(const uint8_t *buf, size_t len, struct podio_exec_view *v)
{
	size_t off = PODIO_EXEC_FIXED;
	unsigned i;

	if (len < PODIO_EXEC_FIXED || len > PODIO_MAX_PAYLOAD ||
	    exec_fixed(buf, v))
		return -EPROTO;
	for (i = 0; i < v->argc; i++)
		if (!(v->argv[i] = take_str(buf, len, &off)))
			return -EPROTO;
	v->argv[v->argc] = NULL;
	for (i = 0; i < v->envc; i++) {
		v->envp[i] = take_str(buf, len, &off);
		if (!v->envp[i] || !env_ok(v->envp[i]))
			return -EPROTO;
	}
	v->envp[v->envc] = NULL;
	v->cwd = take_str(buf, len, &off);
	if (!v->cwd)
		return -EPROTO;
	v->user = v->groups = v->rlimits = NULL;
	if ((buf[1] & PODIO_EXEC_F_USER) &&
	    (!(v->user = take_str(buf, len, &off)) || !v->user[0]))
		return -EPROTO;
	if ((buf[1] & PODIO_EXEC_F_GROUPS) &&
	    (!(v->groups = take_str(buf, len, &off)) || !v->groups[0]))
		return -EPROTO;
	if ((buf[1] & PODIO_EXEC_F_RLIMITS) &&
	    (!(v->rlimits = take_str(buf, len, &off)) || !v->rlimits[0]))
		return -EPROTO;
	return off == len ? 0 : -EPROTO;
}

int podio_exit_encode(uint8_t *buf, int32_t code, uint32_t signo)
{
	podio_put32(buf, (uint32_t)code);
	podio_put32(buf + 4, signo);
	return 8;
}

int podio_exit_decode(const uint8_t *buf, size_t len, int32_t *code,
		      uint32_t *signo)
{
	int32_t c;
	uint32_t s;

	if (len != 8)
		return -EPROTO;
	c = (int32_t)podio_get32(buf);
	s = podio_get32(buf + 4);
	if (c < 0 || c > 255 || s > 64)
		return -EPROTO;
	*code = c;
	*signo = s;
	return 0;
}

int podio_credit_encode(uint8_t *buf, uint8_t fd, uint32_t bytes)
{
	buf[0] = fd;
	buf[1] = buf[2] = buf[3] = 0;
	podio_put32(buf + 4, bytes);
	return 8;
}

int podio_credit_decode(const uint8_t *buf, size_t len, uint8_t *fd,
			uint32_t *bytes)
{
	if (len != 8 || buf[0] > 2 || buf[1] || buf[2] || buf[3])
		return -EPROTO;
	*fd = buf[0];
	*bytes = podio_get32(buf + 4);
	return 0;
}

int podio_error_encode(uint8_t *buf, size_t cap, int32_t code, const char *msg)
{
	size_t n = msg ? strnlen(msg, PODIO_ERROR_MAX_MSG) : 0;

	if (cap < 4 + n)
		return -EMSGSIZE;
	podio_put32(buf, (uint32_t)code);
	if (n)
		memcpy(buf + 4, msg, n);
	return (int)(4 + n);
}

int podio_error_decode(const uint8_t *buf, size_t len, int32_t *code, char *msg,
		       size_t msg_cap)
{
	size_t i, n;
	int32_t c;

	if (len < 4 || len > 4 + PODIO_ERROR_MAX_MSG || !msg_cap)
		return -EPROTO;
	c = (int32_t)podio_get32(buf);
	if (c < 0 || c > 255 || memchr(buf + 4, 0, len - 4))
		return -EPROTO;
	n = len - 4 < msg_cap - 1 ? len - 4 : msg_cap - 1;
	for (i = 0; i < n; i++) {
		uint8_t b = buf[4 + i];

		msg[i] = (char)(b < 0x20 || b == 0x7f ? '?' : b);
	}
	msg[n] = '\0';
	*code = c;
	return 0;
}
