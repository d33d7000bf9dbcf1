/* SPDX-License-Identifier: MIT */
/* xen-gntmap.c: dom0 test helper: maps a guest's grant, prints the page, holds, unmaps. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/sys/gntdev.h>

/*
 * Usage: xen-gntmap DOMID REF RELEASE_FILE
 * Prints "mapped: TEXT" (the page up to its first NUL, at most 64 bytes),
 * keeps the mapping until RELEASE_FILE exists (at most 300 s), unmaps,
 * prints "unmapped".
 * Exit status 0, or 1 with a message on stderr.
 */
int main(int argc, char **argv)
{
	struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
	struct ioctl_gntdev_unmap_grant_ref unmap = { .count = 1 };
	char text[65];
	void *page;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: xen-gntmap DOMID REF RELEASE_FILE\n");
		return 1;
	}
	map.refs[0].domid = (uint32_t)strtoul(argv[1], NULL, 10);
	map.refs[0].ref = (uint32_t)strtoul(argv[2], NULL, 10);
	fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map) < 0) {
		fprintf(stderr, "xen-gntmap: map: %s\n", strerror(errno));
		return 1;
	}
	page = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, (off_t)map.index);
	if (page == MAP_FAILED) {
		fprintf(stderr, "xen-gntmap: mmap: %s\n", strerror(errno));
		return 1;
	}
	memcpy(text, page, 64);
	text[64] = '\0';
	printf("mapped: %s\n", text);
	fflush(stdout);
	for (int i = 0; i < 3000 && access(argv[3], F_OK) != 0; i++)
		usleep(100000);
	munmap(page, 4096);
	unmap.index = map.index;
	if (ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap) < 0) {
		fprintf(stderr, "xen-gntmap: unmap: %s\n", strerror(errno));
		return 1;
	}
	printf("unmapped\n");
	return 0;
}
