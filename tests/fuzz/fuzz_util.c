/* SPDX-License-Identifier: MIT */
/* fuzz_util: helpers shared by the fuzz targets (input splitting, temp dirs, files). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static const char fuzz_sep[] = "\n----\n";

size_t fuzz_split(const uint8_t *data, size_t size, const uint8_t **parts,
		  size_t *lens, size_t max)
{
	size_t n = 0, sl = sizeof(fuzz_sep) - 1;
	const uint8_t *p = data, *end = data + size, *s;

	if (!max)
		return 0;
	for (;;) {
		s = n + 1 < max ? memmem(p, (size_t)(end - p), fuzz_sep, sl) :
				  NULL;
		parts[n] = p;
		lens[n] = s ? (size_t)(s - p) : (size_t)(end - p);
		n++;
		if (!s)
			return n;
		p = s + sl;
	}
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Temp dirs made here go away at exit (libFuzzer exits without a cleanup hook). */
static char *tmpdirs[8];

static void tmpdirs_remove(void)
{
	for (size_t i = 0; i < 8 && tmpdirs[i]; i++) {
		fuzz_empty_dir(tmpdirs[i]);
		rmdir(tmpdirs[i]);
	}
}

void fuzz_tmpdir(char *buf, size_t bufsz, const char *tag)
{
	size_t i;

	const char *t = getenv("TMPDIR");
	struct stat st;

	if (!t || !*t)
		t = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
				    access("/dev/shm", W_OK) == 0 ?
			    "/dev/shm" :
			    "/tmp";
	snprintf(buf, bufsz, "%s/xenpod-fuzz-%s.XXXXXX", t, tag);
	if (!mkdtemp(buf)) {
		perror(buf);
		abort();
	}
	for (i = 0; i < 8 && tmpdirs[i]; i++)
		;
	if (i == 0)
		atexit(tmpdirs_remove);
	if (i < 8)
		tmpdirs[i] = strdup(buf);
}

static void empty_at(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;

	if (!d) {
		close(dfd);
		return;
	}
	while ((e = readdir(d))) {
		int sub;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			continue;
		sub = openat(dirfd(d), e->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			empty_at(sub);
		unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

void fuzz_empty_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0)
		empty_at(fd);
}

void fuzz_write(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	const char *p = data;
	ssize_t w;

	if (fd < 0) {
		perror(path);
		abort();
	}
	while (size) {
		w = write(fd, p, size);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			perror(path);
			abort();
		}
		p += w;
		size -= (size_t)w;
	}
	close(fd);
}
