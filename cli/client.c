/* SPDX-License-Identifier: MIT */
/* client: the CLI's side of the xenpodd control socket (JSON-RPC 2.0, one object per line). */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

void client_init(struct client *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->next_id = 1;
	c->rpc_status = -1;
}

static const char *connect_hint(int err)
{
	if (err == EACCES || err == EPERM)
		return "are you root or in group xenpod?";
	return "is xenpodd running?";
}

int client_connect(struct client *c, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	snprintf(c->path, sizeof(c->path), "%s", path);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(c->err, sizeof(c->err),
			 "cannot connect to xenpodd at %s: path too long",
			 path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	do
		r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		goto fail;
	c->fd = fd;
	return 0;
fail:
	r = errno;
	if (fd >= 0)
		close(fd);
	snprintf(c->err, sizeof(c->err),
		 "cannot connect to xenpodd at %s: %s (%s)", path, strerror(r),
		 connect_hint(r));
	return -r;
}

void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
}

static int write_all(struct client *c, const char *p, size_t n)
{
	while (n) {
		/* MSG_NOSIGNAL: a dead daemon is an error, not SIGPIPE. */
		ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			snprintf(c->err, sizeof(c->err),
				 "cannot send to xenpodd at %s: %s", c->path,
				 strerror(e));
			return -e;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int client_send(struct client *c, const char *method, const char *params,
		int64_t *id_r)
{
	int64_t id = c->next_id++;
	char *line = NULL;
	int n, rc;

	if (c->fd < 0) {
		snprintf(c->err, sizeof(c->err), "not connected to xenpodd");
		return -ENOTCONN;
	}
	n = asprintf(&line,
		     "{\"jsonrpc\":\"2.0\",\"id\":%" PRId64
		     ",\"method\":\"%s\",\"params\":%s}\n",
		     id, method, params ? params : "{}");
	if (n < 0) {
		snprintf(c->err, sizeof(c->err), "out of memory");
		return -ENOMEM;
	}
	rc = write_all(c, line, (size_t)n);
	free(line);
	if (rc == 0 && id_r)
		*id_r = id;
	return rc;
}

/* Length of the first complete line in the buffer including '\n', or 0. */
static size_t line_len(const struct client *c)
{
	const char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;

	return nl ? (size_t)(nl - c->buf) + 1 : 0;
}

/* With a wait mask, sleep in ppoll so blocked signals arrive only here. */
static int wait_readable(struct client *c)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	int rc;

	if (c->wait_mask && ppoll(&pfd, 1, NULL, c->wait_mask) < 0) {
		rc = errno;
		if (rc != EINTR) {
			snprintf(c->err, sizeof(c->err),
				 "cannot wait for xenpodd: %s", strerror(rc));
			return -rc;
		}
		rc = c->on_intr ? c->on_intr(c->intr_arg) : 0;
		return rc < 0 ? rc : 0;
	}
	return 1;
}

/* Read more bytes. Returns >0, or 0 to retry (interrupted), or -errno. */
static int fill(struct client *c)
{
	ssize_t r;
	int rc;

	if (!c->buf) {
		c->buf = malloc(CLIENT_LINE_MAX);
		if (!c->buf) {
			snprintf(c->err, sizeof(c->err), "out of memory");
			return -ENOMEM;
		}
	}
	if (c->len == CLIENT_LINE_MAX) {
		snprintf(c->err, sizeof(c->err),
			 "reply from xenpodd exceeds %d bytes",
			 CLIENT_LINE_MAX);
		return -EMSGSIZE;
	}
	rc = wait_readable(c);
	if (rc <= 0)
		return rc;
	r = read(c->fd, c->buf + c->len, CLIENT_LINE_MAX - c->len);
	if (r < 0 && errno == EINTR) {
		rc = c->on_intr ? c->on_intr(c->intr_arg) : 0;
		return rc < 0 ? rc : 0;
	}
	if (r < 0) {
		rc = errno;
		snprintf(c->err, sizeof(c->err),
			 "cannot read from xenpodd at %s: %s", c->path,
			 strerror(rc));
		return -rc;
	}
	if (r == 0) {
		snprintf(c->err, sizeof(c->err), "%s",
			 c->len ? "xenpodd closed the connection mid-reply" :
				  "xenpodd closed the connection");
		return -ECONNRESET;
	}
	c->len += (size_t)r;
	return 1;
}

/* Map a JSON-RPC error object to -errno and a message. */
static int rpc_error(struct client *c, const struct json *e)
{
	const char *msg = json_str(json_get(e, "message"));
	int64_t code = 0, status = -1;

	json_int(json_get(e, "code"), &code);
	c->rpc_code = (int)code;
	c->rpc_status = -1;
	if (json_int(json_get(json_get(e, "data"), "exit_code"), &status) &&
	    status >= 0 && status <= 255)
		c->rpc_status = (int)status;
	snprintf(c->err, sizeof(c->err), "%s",
		 msg && msg[0] ? msg : "xenpodd reported an error");
	switch (code) {
	case 2:
		return -ENOENT;
	case 3:
		return -EEXIST;
	case 4:
		return -EACCES;
	case 5:
		return -EBUSY;
	default:
		return -EREMOTEIO;
	}
}

static int proto_error(struct client *c, const char *what)
{
	snprintf(c->err, sizeof(c->err), "bad reply from xenpodd: %s", what);
	return -EPROTO;
}

/*
 * Handle one parsed line. Returns 1 if it was the reply to id (ownership of
 * root passes to the caller via *root_r), 0 for a notification, or <0.
 */
static int dispatch(struct client *c, struct json *root, int64_t id,
		    client_notify_fn fn, void *arg, struct json **root_r)
{
	const struct json *jid = json_get(root, "id");
	const char *method = json_str(json_get(root, "method"));
	int64_t got;
	int rc;

	if (json_type(root) != JSON_OBJECT)
		return proto_error(c, "not a JSON object");
	if (method && !jid) {
		rc = fn ? fn(arg, method, json_get(root, "params")) : 0;
		return rc < 0 ? rc : 0;
	}
	if (!id || !json_int(jid, &got) || got != id)
		return proto_error(c, "reply with an unexpected id");
	if (json_get(root, "error"))
		return rpc_error(c, json_get(root, "error"));
	if (!json_get(root, "result"))
		return proto_error(c, "reply without a result");
	*root_r = root;
	return 1;
}

int client_wait(struct client *c, int64_t id, client_notify_fn fn, void *arg,
		struct json **root_r, const struct json **result_r)
{
	char perr[256];

	c->rpc_code = 0;
	c->rpc_status = -1;
	for (;;) {
		size_t n = line_len(c);
		struct json *root = NULL;
		int rc;

		if (!n) {
			rc = fill(c);
			if (rc == -ECONNRESET && id && !c->len)
				snprintf(c->err, sizeof(c->err),
					 "xenpodd closed the connection "
					 "before answering");
			if (rc < 0)
				return rc;
			continue;
		}
		root = json_parse(c->buf, n - 1, perr, sizeof(perr));
		memmove(c->buf, c->buf + n, c->len - n);
		c->len -= n;
		if (!root)
			return proto_error(c, perr);
		rc = dispatch(c, root, id, fn, arg, root_r);
		if (rc == 1) {
			*result_r = json_get(root, "result");
			return 0;
		}
		json_free(root);
		if (rc < 0)
			return rc;
	}
}

int client_call(struct client *c, const char *method, const char *params,
		client_notify_fn fn, void *arg, struct json **root_r,
		const struct json **result_r)
{
	int64_t id;
	int rc = client_send(c, method, params, &id);

	if (rc < 0)
		return rc;
	return client_wait(c, id, fn, arg, root_r, result_r);
}
