/* SPDX-License-Identifier: MIT */
/* fuzz_daemon: the in-process daemon (tests/harness.c) for fuzz targets, one connection per input. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control.h"
#include "ev.h"
#include "fuzz.h"
#include "fuzz_daemon.h"
#include "image.h"
#include "json.h"
#include "pod.h"
#include "pod_internal.h"

struct harness fuzz_h;
static bool started;

static const char sentinel[] =
	"\n{\"jsonrpc\":\"2.0\",\"id\":\"fuzz-end\",\"method\":\"daemon_hello\"}\n";

/*
 * The image seam, sandboxed: a fuzzed pod_create may name any path ("/"
 * would walk the whole host). Only FUZZ_IMAGE_REF is converted (for real,
 * by image_prepare, from the harness's tiny image dir); every other ref
 * fails as a missing image would. Completion comes from the loop, as the
 * real one's does.
 */
struct fake_job {
	image_done_fn *done;
	void *arg;
	int rc;
	struct image_info info;
	char err[512];
};

static void fake_job_fire(void *arg)
{
	struct fake_job *j = arg;

	j->done(j->arg, j->rc, j->rc ? NULL : &j->info, j->rc ? j->err : NULL);
	image_info_dispose(&j->info);
	free(j);
}

int image_prepare_async(const char *image_ref, const char *cache_dir,
			image_done_fn *done, void *arg)
{
	struct fake_job *j = calloc(1, sizeof(*j));
	int rc;

	if (!j)
		return -ENOMEM;
	j->done = done;
	j->arg = arg;
	if (!strcmp(image_ref, FUZZ_IMAGE_REF)) {
		j->rc = image_prepare(fuzz_h.image_dir, cache_dir, &j->info,
				      j->err, sizeof(j->err));
	} else {
		j->rc = -ENOENT;
		snprintf(j->err, sizeof(j->err),
			 "image %.200s: not in the fuzz sandbox", image_ref);
	}
	rc = ev_timer_add(ev_now_ms(), fake_job_fire, j, NULL);
	if (rc) {
		image_info_dispose(&j->info);
		free(j);
	}
	return rc;
}

void fuzz_daemon_start(void)
{
	static bool registered;

	if (started)
		return;
	/* libFuzzer exits without a cleanup hook: remove the harness's dirs then. */
	if (!registered && !atexit(fuzz_daemon_stop))
		registered = true;
	if (harness_start(&fuzz_h)) {
		fprintf(stderr, "fuzz: cannot start the harness\n");
		abort();
	}
	started = true;
}

void fuzz_daemon_stop(void)
{
	if (!started)
		return;
	harness_stop(&fuzz_h, true);
	started = false;
}

/* Remove every pod the way a client would (rm with force); a restart if that fails. */
void fuzz_daemon_settle(void)
{
	char line[256];
	struct pod *p;
	int i;

	for (i = 0; i < 64 && pod_count(); i++) {
		for (p = pod_ctx.pods; p; p = p->next) {
			int n = snprintf(
				line, sizeof(line),
				"{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":"
				"\"pod_rm\",\"params\":{\"name\":\"%s\","
				"\"force\":true}}",
				p->name);

			fuzz_daemon_talk((const uint8_t *)line, (size_t)n, 500);
			break; /* the list changed: start over */
		}
	}
	if (pod_count() == 0)
		return;
	fuzz_daemon_stop();
	fuzz_daemon_start();
}

/* Send all of buf, running the loop while the socket is full (the daemon drains it). */
static int send_all(int fd, const void *buf, size_t len, uint64_t end)
{
	const char *p = buf;
	ssize_t w;

	while (len) {
		w = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			p += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -errno; /* the daemon closed it (e.g. a line too long) */
		if (ev_now_ms() > end)
			return -ETIMEDOUT;
		ev_run_once(5);
	}
	return 0;
}

/* A reply line must be one JSON-RPC 2.0 object; true if it answers the sentinel. */
static bool check_reply(const char *line, size_t len)
{
	char err[256];
	struct json *j = json_parse(line, len, err, sizeof(err));
	const char *v = json_str(json_get(j, "jsonrpc"));
	const char *id = json_str(json_get(j, "id"));
	const struct json *e = json_get(j, "error");
	bool end;

	if (!j || json_type(j) != JSON_OBJECT || !v || strcmp(v, "2.0")) {
		fprintf(stderr, "fuzz: bad reply line (%s): %.*s\n",
			j ? "not JSON-RPC" : err, (int)len, line);
		abort();
	}
	if (e && (!json_str(json_get(e, "message")) ||
		  !json_int(json_get(e, "code"), &(int64_t){ 0 }))) {
		fprintf(stderr, "fuzz: error without code/message: %.*s\n",
			(int)len, line);
		abort();
	}
	end = id && !strcmp(id, "fuzz-end");
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "reply: %.*s\n", (int)(len > 300 ? 300 : len),
			line);
	json_free(j);
	return end;
}

/* Read reply lines until the sentinel's, EOF or the deadline. */
static int read_replies(int fd, uint64_t end)
{
	static char buf[4 * 1024 * 1024];
	size_t have = 0;
	int lines = 0;
	char *nl;
	ssize_t r;

	for (;;) {
		while ((nl = memchr(buf, '\n', have))) {
			size_t n = (size_t)(nl - buf);
			bool done = check_reply(buf, n);

			lines++;
			memmove(buf, nl + 1, have - n - 1);
			have -= n + 1;
			if (done)
				return lines;
		}
		if (have == sizeof(buf))
			abort(); /* a reply line longer than any the daemon may send */
		r = recv(fd, buf + have, sizeof(buf) - have, MSG_DONTWAIT);
		if (r > 0) {
			have += (size_t)r;
			continue;
		}
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			return lines; /* closed by the daemon */
		if (ev_now_ms() > end)
			return lines;
		ev_run_once(5);
	}
}

int fuzz_daemon_talk(const uint8_t *data, size_t size, int timeout_ms)
{
	uint64_t end = ev_now_ms() + (uint64_t)timeout_ms;
	int fd, lines = 0, i, before = control_count();
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0,
		       sv) < 0 ||
	    control_adopt_fd(sv[1], false, NULL) < 0)
		abort();
	fd = sv[0];
	if (send_all(fd, data, size, end) == 0 &&
	    send_all(fd, sentinel, sizeof(sentinel) - 1, end) == 0)
		lines = read_replies(fd, end);
	close(fd);
	/* Let the daemon see the close (cancels deferred requests, frees the conn). */
	for (i = 0; i < 100 && control_count() > before; i++)
		ev_run_once(1);
	if (control_count() > before) {
		fprintf(stderr, "fuzz: the daemon kept a closed connection\n");
		abort();
	}
	return lines;
}

int fuzz_daemon_session(const uint8_t *data, size_t size, int timeout_ms)
{
	int lines;

	fuzz_daemon_start();
	lines = fuzz_daemon_talk(data, size, timeout_ms);
	fuzz_daemon_settle();
	return lines;
}
