/* SPDX-License-Identifier: MIT */
/* fuzz_p9_server: a stream of hostile 9P messages through the dom0 server (p9/p9_server.c) on a scratch volume; nothing outside it may change. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "lib/p9.h"
#include "log.h"
#include "p9_server.h"

#define MSIZE 8192u
#define FIDS 8u

static char top[256], vol[300], outside[300];
static uint8_t rep[MSIZE], msg[MSIZE];

static void mkfile(const char *dir, const char *name, const char *data)
{
	char p[700];

	if (snprintf(p, sizeof(p), "%s/%s", dir, name) >= (int)sizeof(p))
		abort();
	fuzz_write(p, data, strlen(data));
}

/* The volume every input starts from: a file, a dir, symlinks out (to the canary). */
static void fixture(void)
{
	char p[700];

	fuzz_empty_dir(vol);
	mkfile(vol, "file", "hello\n");
	snprintf(p, sizeof(p), "%s/sub", vol);
	if (mkdir(p, 0755))
		abort();
	mkfile(p, "inner", "x");
	/* An absolute link to the canary's directory, not to "/": should the
	 * fuzzer ever find a way through, it hits the canary, never the host
	 * (the fuzzers run as root in CI). */
	snprintf(p, sizeof(p), "%s/abs", vol);
	if (symlink(outside, p))
		abort();
	snprintf(p, sizeof(p), "%s/rel", vol);
	if (symlink("../outside", p))
		abort();
}

/* The canary beside the volume must be left as it was. */
static void check_outside(void)
{
	DIR *d = opendir(outside);
	struct dirent *e;
	struct stat st;
	char p[700];
	unsigned n = 0;

	if (!d)
		abort();
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	snprintf(p, sizeof(p), "%s/canary", outside);
	if (n != 1 || stat(p, &st) || st.st_size != 7 ||
	    (st.st_mode & 07777) != 0644)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char p[700];

	(void)argc;
	(void)argv;
	log_init("fuzz_p9_server", true, LOG_LEVEL_ERR);
	fuzz_tmpdir(top, sizeof(top), "p9s");
	snprintf(vol, sizeof(vol), "%s/vol", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	if (mkdir(vol, 0755) || mkdir(outside, 0755))
		abort();
	snprintf(p, sizeof(p), "%s/canary", outside);
	fuzz_write(p, "canary\n", 7);
	return 0;
}

/* Send one message built here (the session's set-up). */
static void send(struct p9s *s, struct p9_msg *m)
{
	int n = p9_encode(m, msg, sizeof(msg), MSIZE);

	if (n < 0 || p9s_handle(s, msg, (size_t)n, rep, sizeof(rep)) <= 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct p9s_config c = { 0 };
	struct p9_msg m = { 0 }, r;
	struct p9s *s;
	uint32_t len;
	int fd, n;

	if (!vol[0])
		LLVMFuzzerInitialize(NULL, NULL);
	fixture();
	fd = open(vol, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		abort();
	c.root_fd = fd;
	c.max_msize = MSIZE;
	c.max_fids = FIDS;
	/* The first byte's low bit: a read-only volume. */
	c.readonly = size && (data[0] & 1);
	c.squash_uid = c.squash_gid = P9S_SQUASH_OWNER;
	c.name = "fuzz";
	if (p9s_new(&c, &s))
		abort();
	close(fd);
	m.type = P9_TVERSION;
	m.u.version.msize = MSIZE;
	m.u.version.version = (struct p9_str){ P9_VERSION_L, 8 };
	send(s, &m);
	memset(&m, 0, sizeof(m));
	m.type = P9_TATTACH;
	m.u.tattach.afid = P9_NOFID;
	send(s, &m);
	if (size) {
		data++;
		size--;
	}
	/* Then the input: messages back to back, each framed by its size field. */
	while (size >= 4) {
		len = p9_get32(data);
		if (len > size)
			len = (uint32_t)
				size; /* a lying size: the server must refuse it */
		n = p9s_handle(s, data, len, rep, sizeof(rep));
		if (n == -71 /* EPROTO: connection dropped */)
			break;
		if (n < (int)P9_HDR_LEN || n > (int)MSIZE ||
		    p9_decode(rep, (size_t)n, MSIZE, &r))
			abort();
		if (r.tag != p9_get16(data + 5) ||
		    (r.type != P9_RLERROR && r.type != data[4] + 1))
			abort();
		if (p9s_fids(s) > FIDS)
			abort();
		data += len;
		size -= len;
	}
	p9s_free(s);
	check_outside();
	return 0;
}
