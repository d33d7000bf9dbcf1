/* SPDX-License-Identifier: MIT */
/* harness: an in-process xenpodd (core + fake seams) and a client end of its socket, for unit tests. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "ev.h"
#include "fake_hv.h"
#include "fake_xs.h"
#include "harness.h"
#include "json.h"
#include "log.h"
#include "pod.h"
#include "pod_internal.h"
#include "rpc.h"
#include "store.h"
#include "volstore.h"

static struct hv *hv;
static struct xs *xs;

void harness_run(int ms)
{
	uint64_t end = ev_now_ms() + (uint64_t)ms;

	while (ev_now_ms() < end)
		ev_run_once((int)(end - ev_now_ms()));
}

int harness_count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

static int make_dirs(struct harness *h)
{
	char p[400];

	snprintf(h->root, sizeof(h->root), "/tmp/xenpod-test.XXXXXX");
	if (!mkdtemp(h->root))
		return -errno;
	snprintf(h->state_dir, sizeof(h->state_dir), "%s/state", h->root);
	snprintf(h->log_dir, sizeof(h->log_dir), "%s/log", h->root);
	snprintf(h->image_dir, sizeof(h->image_dir), "%s/img", h->root);
	snprintf(h->kernel, sizeof(h->kernel), "%s/kernel", h->root);
	/* The fake backend (tests/fake9p), built next to the tests. */
	if (!realpath("tests/fake9p/xenpod-9pfsd", h->volume_backend))
		snprintf(h->volume_backend, sizeof(h->volume_backend),
			 "/nonexistent/xenpod-9pfsd");
	mkdir(h->log_dir, 0750);
	mkdir(h->image_dir, 0755);
	snprintf(p, sizeof(p), "%s/bin", h->image_dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/bin/hello", h->image_dir);
	if (write_file(p, "#!/bin/true\n") || write_file(h->kernel, "ELF"))
		return -EIO;
	return 0;
}

static int open_pty(struct harness *h)
{
	h->pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (h->pty_master < 0 || grantpt(h->pty_master) ||
	    unlockpt(h->pty_master) ||
	    ptsname_r(h->pty_master, h->pty_path, sizeof(h->pty_path)))
		return -errno;
	fcntl(h->pty_master, F_SETFL, O_NONBLOCK);
	return 0;
}

int harness_connect(struct harness *h, bool read_only)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0,
		       sv) < 0)
		return -errno;
	if (control_adopt_fd(sv[1], read_only, NULL) < 0)
		return -EIO;
	return sv[0];
}

static int core_start(struct harness *h)
{
	struct pod_config pc = { .log_dir = h->log_dir,
				 .kernel = h->kernel,
				 .volume_backend = h->volume_backend };
	int rc;

	rc = store_init(h->state_dir);
	if (!rc)
		rc = volstore_init(h->state_dir);
	if (!rc)
		rc = hv_open(&hv, &pod_hv_callbacks, NULL);
	if (!rc)
		rc = xs_connect(&xs);
	pc.hv = hv;
	pc.xs = xs;
	if (!rc)
		rc = pod_init(&pc);
	if (!rc)
		rc = pod_reconcile();
	if (rc)
		return rc;
	rpc_init();
	/* Tests count leftovers: keep no unused image in the cache by default. */
	pod_ctx.image_cache_keep = 0;
	h->cfd = harness_connect(h, false);
	return h->cfd < 0 ? h->cfd : 0;
}

bool harness_guest_runs = true;

static void guest_runs(uint32_t domid)
{
	struct xs_guest_status st = { .state = XS_GUEST_RUNNING };

	if (harness_guest_runs)
		fake_xs_set_status(domid, &st);
}

int harness_start(struct harness *h)
{
	int rc;

	memset(h, 0, sizeof(*h));
	h->cfd = -1;
	h->pty_master = -1;
	log_init("test", true,
		 getenv("XENPOD_TEST_DEBUG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERR);
	fake_hv_reset();
	fake_xs_reset();
	harness_guest_runs = true;
	fake_hv_on_unpause = guest_runs;
	rc = make_dirs(h);
	if (!rc)
		rc = open_pty(h);
	if (rc)
		return rc;
	fake_xs_set_default_tty(h->pty_path);
	ev_init();
	return core_start(h);
}

void harness_stop(struct harness *h, bool remove_files)
{
	char cmd[400];

	harness_run(20); /* let queued fake events fire (they own memory) */
	control_close();
	pod_dispose();
	store_dispose();
	if (h->cfd >= 0)
		close(h->cfd);
	h->cfd = -1;
	free(h->rbuf);
	h->rbuf = NULL;
	h->rlen = 0;
	free(h->log_data);
	h->log_data = NULL;
	if (remove_files) {
		ev_dispose();
		if (h->pty_master >= 0)
			close(h->pty_master);
		snprintf(cmd, sizeof(cmd), "rm -rf %s", h->root);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", h->root);
	}
}

int harness_restart(struct harness *h)
{
	if (h->cfd >= 0)
		harness_stop(h, false);
	return core_start(h);
}

/* Next complete line from fd, running the loop meanwhile. */
static char *read_line(struct harness *h, int fd, int timeout_ms)
{
	uint64_t end = ev_now_ms() + (uint64_t)timeout_ms;
	char tmp[65536], *nl, *line;
	ssize_t r;

	for (;;) {
		nl = h->rlen ? memchr(h->rbuf, '\n', h->rlen) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - h->rbuf);

			line = strndup(h->rbuf, n);
			memmove(h->rbuf, nl + 1, h->rlen - n - 1);
			h->rlen -= n + 1;
			return line;
		}
		if (ev_now_ms() > end)
			return NULL;
		ev_run_once(10);
		while ((r = recv(fd, tmp, sizeof(tmp), MSG_DONTWAIT)) > 0) {
			h->rbuf = realloc(h->rbuf, h->rlen + (size_t)r);
			memcpy(h->rbuf + h->rlen, tmp, (size_t)r);
			h->rlen += (size_t)r;
		}
		if (r == 0 && !h->rlen)
			return NULL;
	}
}

char *harness_line(struct harness *h, int fd, int timeout_ms)
{
	return read_line(h, fd, timeout_ms);
}

static void note(struct harness *h, const char *line)
{
	char err[128];
	struct json *j = json_parse(line, strlen(line), err, sizeof(err));
	const char *m = json_str(json_get(j, "method"));
	const char *data = json_str(json_get(json_get(j, "params"), "data"));

	if (m && !strcmp(m, "log") && data) {
		size_t n = strlen(data);

		h->log_data = realloc(h->log_data, h->log_len + n + 1);
		memcpy(h->log_data + h->log_len, data, n + 1);
		h->log_len += n;
	} else if (m && !strcmp(m, "event")) {
		const char *e =
			json_str(json_get(json_get(j, "params"), "event"));

		h->events++;
		snprintf(h->last_event, sizeof(h->last_event), "%s",
			 e ? e : "");
	}
	json_free(j);
}

char *harness_raw(struct harness *h, int fd, const char *line, int timeout_ms)
{
	size_t n = strlen(line);

	if (send(fd, line, n, MSG_NOSIGNAL) != (ssize_t)n ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) != 1)
		return NULL;
	return harness_reply(h, fd, timeout_ms);
}

char *harness_reply(struct harness *h, int fd, int timeout_ms)
{
	char *reply;

	free(h->log_data);
	h->log_data = NULL;
	h->log_len = 0;
	while ((reply = read_line(h, fd, timeout_ms))) {
		if (!strstr(reply, "\"id\":") ||
		    strncmp(reply, "{\"jsonrpc\":\"2.0\",\"method\"", 25) ==
			    0) {
			note(h, reply);
			free(reply);
			continue;
		}
		return reply;
	}
	return NULL;
}

struct json *harness_call(struct harness *h, const char *method,
			  const char *params)
{
	char *line, *reply, err[256];
	struct json *j;

	if (asprintf(
		    &line,
		    "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"%s\",\"params\":%s}",
		    ++h->next_id, method, params ? params : "{}") < 0)
		return NULL;
	reply = harness_raw(h, h->cfd, line, 5000);
	free(line);
	if (!reply)
		return NULL;
	j = json_parse(reply, strlen(reply), err, sizeof(err));
	free(reply);
	return j;
}
