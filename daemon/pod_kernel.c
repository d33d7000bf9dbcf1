/* SPDX-License-Identifier: MIT */
/* pod_kernel: what a guest kernel file is (its digest, whether it serves the I/O channel), recorded per pod. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pod_internal.h"
#include "digest.h"
#include "xenstore-paths.h"

/*
 * A kernel serves the channel when it names ~/xenpod/chan to find the
 * rings; one that does not (older kernels, test stand-ins) keeps all its
 * output on the console, and the daemon then neither serves a channel nor
 * waits for HELLO. One pass over the file gives the digest and the answer.
 */
static int probe_fd(int fd, struct pod_kernel_info *ki)
{
	static const char mark[] = XSP_XENPOD_CHAN_RING_REF;
	static char buf[65536 + sizeof(mark)];
	size_t keep = 0, m = sizeof(mark) - 1;
	struct sha256_ctx h;
	bool found = false;
	ssize_t r;

	sha256_init(&h);
	while ((r = read(fd, buf + keep, sizeof(buf) - keep)) > 0) {
		size_t n = keep + (size_t)r;

		digest_update(&h, buf + keep, (size_t)r);
		if (!found)
			found = memmem(buf, n, mark, m) != NULL;
		keep = n < m ? n : m - 1;
		memmove(buf, buf + n - keep, keep);
	}
	if (r < 0)
		return -errno;
	digest_hex(&h, ki->digest);
	ki->io_channel = found;
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int pod_kernel_probe(const char *path, struct pod_kernel_info *ki)
{
	/* One file is read per change: every create probes the same kernel. */
	static char cached_path[PATH_MAX];
	static struct stat cached_sb;
	static struct pod_kernel_info cached;
	struct stat sb;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0) {
		rc = -errno;
	} else if (!S_ISREG(sb.st_mode)) {
		rc = -EINVAL;
	} else if (!strcmp(cached_path, path) && same_file(&sb, &cached_sb)) {
		*ki = cached;
		rc = 0;
	} else {
		rc = probe_fd(fd, ki);
		if (!rc) {
			snprintf(cached_path, sizeof(cached_path), "%s", path);
			cached_sb = sb;
			cached = *ki;
		}
	}
	close(fd);
	return rc;
}

bool pod_kernel_serves_chan(const struct pod *p)
{
	struct pod_kernel_info ki;

	if (p->chan != POD_CHAN_UNKNOWN)
		return p->chan == POD_CHAN_IO;
	return pod_kernel_probe(pod_ctx.kernel, &ki) == 0 && ki.io_channel;
}
