/* SPDX-License-Identifier: MIT */
/* image_async: image_prepare in a worker thread, completion through the ev loop. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev.h"
#include "image.h"
#include "log.h"

struct image_job_async {
	char *ref, *cache;
	image_done_fn *done;
	void *arg;
	pthread_t thread;
	int pipe[2]; /* the worker writes one byte when finished */
	struct ev_fd *evh;
	int rc;
	struct image_info info;
	char err[512];
};

static void image_async_free(struct image_job_async *j)
{
	if (j->pipe[0] >= 0)
		close(j->pipe[0]);
	if (j->pipe[1] >= 0)
		close(j->pipe[1]);
	free(j->ref);
	free(j->cache);
	free(j);
}

static void *image_async_worker(void *arg)
{
	struct image_job_async *j = arg;
	char one = 1;
	ssize_t r;

	j->rc = image_prepare(j->ref, j->cache, &j->info, j->err,
			      sizeof(j->err));
	do
		r = write(j->pipe[1], &one, 1);
	while (r < 0 && errno == EINTR);
	return NULL;
}

static void image_async_ready(int fd, short revents, void *arg)
{
	struct image_job_async *j = arg;

	ev_fd_del(j->evh);
	pthread_join(j->thread, NULL);
	j->done(j->arg, j->rc, j->rc ? NULL : &j->info, j->rc ? j->err : NULL);
	image_info_dispose(&j->info);
	image_async_free(j);
}

int image_prepare_async(const char *image_ref, const char *cache_dir,
			image_done_fn *done, void *arg)
{
	struct image_job_async *j = calloc(1, sizeof(*j));
	int rc;

	if (!j)
		return -ENOMEM;
	j->pipe[0] = j->pipe[1] = -1;
	j->done = done;
	j->arg = arg;
	j->ref = strdup(image_ref);
	j->cache = strdup(cache_dir);
	if (!j->ref || !j->cache) {
		rc = -ENOMEM;
		goto fail;
	}
	if (pipe2(j->pipe, O_CLOEXEC) < 0) {
		rc = -errno;
		goto fail;
	}
	rc = ev_fd_add(j->pipe[0], POLLIN, image_async_ready, j, &j->evh);
	if (rc)
		goto fail;
	rc = -pthread_create(&j->thread, NULL, image_async_worker, j);
	if (rc) {
		ev_fd_del(j->evh);
		goto fail;
	}
	return 0;
fail:
	image_async_free(j);
	return rc;
}
