/* SPDX-License-Identifier: MIT */
/* t_inotify: inotify on a directory and a file (create, write, attributes, moves, links, deletes, a oneshot watch, the queue's overflow, errors); the same output on Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* Usage: t_inotify DIR (empty, writable) */

static char dir[256];
static uint32_t last_cookie;

static const char *bits(uint32_t m)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ IN_ACCESS, "ACCESS" },
		{ IN_MODIFY, "MODIFY" },
		{ IN_ATTRIB, "ATTRIB" },
		{ IN_CLOSE_WRITE, "CLOSE_WRITE" },
		{ IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" },
		{ IN_OPEN, "OPEN" },
		{ IN_MOVED_FROM, "MOVED_FROM" },
		{ IN_MOVED_TO, "MOVED_TO" },
		{ IN_CREATE, "CREATE" },
		{ IN_DELETE, "DELETE" },
		{ IN_DELETE_SELF, "DELETE_SELF" },
		{ IN_MOVE_SELF, "MOVE_SELF" },
		{ IN_Q_OVERFLOW, "Q_OVERFLOW" },
		{ IN_IGNORED, "IGNORED" },
		{ IN_ISDIR, "ISDIR" },
	};
	static char buf[256];

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (m & names[i].bit) {
			strcat(buf, buf[0] ? "|" : "");
			strcat(buf, names[i].name);
			m &= ~names[i].bit;
		}
	if (m)
		sprintf(buf + strlen(buf), "|%#x", m);
	return buf;
}

/* Prints the queued events (a non-blocking fd); the count. */
static int drain(int fd, const char *what)
{
	static char buf[65536] __attribute__((aligned(8)));
	int n = 0;
	ssize_t r;

	printf("-- %s\n", what);
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + r;) {
			struct inotify_event *e = (struct inotify_event *)p;
			const char *c = "";

			if (e->cookie && e->cookie == last_cookie)
				c = " cookie=same";
			else if (e->cookie)
				c = " cookie=new";
			if (e->cookie)
				last_cookie = e->cookie;
			printf("wd=%d %s%s%s%s\n", e->wd, bits(e->mask), c,
			       e->len ? " name=" : "", e->len ? e->name : "");
			p += sizeof(*e) + e->len;
			n++;
		}
	}
	if (r < 0 && errno != EAGAIN)
		printf("read: %s\n", strerror(errno));
	return n;
}

static char *in(const char *name)
{
	static char p[4][300];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static void res(const char *what, long rc)
{
	printf("%s: %s\n", what, rc < 0 ? strerror(errno) : "ok");
}

int main(int argc, char **argv)
{
	int fd, fd2, wd, f, ep, n;
	struct pollfd pfd;
	struct epoll_event ev = { .events = EPOLLIN }, got;
	char c, small[8];

	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	printf("dir wd %d\n", inotify_add_watch(fd, dir, IN_ALL_EVENTS));
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	printf("poll, nothing queued: %d\n", poll(&pfd, 1, 0));
	f = open(in("a"), O_CREAT | O_WRONLY, 0644);
	write(f, "x", 1);
	write(f, "y", 1); /* merged with the one before */
	close(f);
	n = poll(&pfd, 1, 0);
	printf("poll, queued: %d %s\n", n,
	       pfd.revents & POLLIN ? "POLLIN" : "-");
	drain(fd, "create, two writes, close");
	printf("file wd %d\n", inotify_add_watch(fd, in("a"), IN_ALL_EVENTS));
	chmod(in("a"), 0600);
	f = open(in("a"), O_RDONLY);
	read(f, &c, 1);
	close(f);
	utimes(in("a"), NULL);
	drain(fd, "chmod, open, read, close, utimes");
	rename(in("a"), in("b"));
	mkdir(in("sub"), 0755);
	rmdir(in("sub"));
	drain(fd, "rename, mkdir, rmdir");
	link(in("b"), in("c"));
	unlink(in("c"));
	drain(fd, "link, unlink of the link");
	f = open(in("b"), O_WRONLY | O_TRUNC);
	close(f);
	truncate(in("b"), 10);
	drain(fd, "open O_TRUNC, truncate");
	f = open(in("d"), O_CREAT | O_WRONLY, 0644);
	close(f);
	rename(in("d"), in("b")); /* replaces b */
	drain(fd, "rename over the watched file");
	/* A oneshot watch, then IN_MASK_ADD, then rm_watch. */
	f = open(in("e"), O_CREAT | O_WRONLY, 0644);
	close(f);
	wd = inotify_add_watch(fd, in("e"), IN_MODIFY | IN_ONESHOT);
	drain(fd, "create e");
	f = open(in("e"), O_WRONLY);
	write(f, "1", 1);
	write(f, "2", 1);
	close(f);
	drain(fd, "two writes to e under a oneshot watch");
	wd = inotify_add_watch(fd, in("e"), IN_ATTRIB);
	printf("again: wd %d, MASK_ADD: wd %d\n", wd,
	       inotify_add_watch(fd, in("e"), IN_MODIFY | IN_MASK_ADD));
	printf("MASK_CREATE on it: %s\n",
	       inotify_add_watch(fd, in("e"), IN_MODIFY | IN_MASK_CREATE) < 0 ?
		       strerror(errno) :
		       "ok");
	res("rm_watch", inotify_rm_watch(fd, wd));
	res("rm_watch again", inotify_rm_watch(fd, wd));
	unlink(in("e"));
	drain(fd, "rm_watch, unlink e");
	/* epoll over the inotify fd. */
	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	printf("epoll, nothing queued: %d\n", epoll_wait(ep, &got, 1, 0));
	close(open(in("f"), O_CREAT | O_WRONLY, 0644));
	printf("epoll, queued: %d\n", epoll_wait(ep, &got, 1, 0));
	printf("read into 8 bytes: %s\n",
	       read(fd, small, sizeof(small)) < 0 ? strerror(errno) : "ok");
	drain(fd, "create f");
	unlink(in("f"));
	drain(fd, "unlink f");
	/* The queue's limit: 16384 events, then one IN_Q_OVERFLOW (the
	 * directory's watch of fd is off meanwhile). */
	res("rm_watch of the directory", inotify_rm_watch(fd, 1));
	drain(fd, "rm_watch of the directory");
	fd2 = inotify_init1(IN_NONBLOCK);
	inotify_add_watch(fd2, dir, IN_CREATE | IN_DELETE);
	for (int i = 0; i < 8200; i++) {
		close(open(in("g"), O_CREAT | O_WRONLY, 0644));
		unlink(in("g"));
	}
	{
		static char buf[65536];
		ssize_t r;
		uint32_t lastmask = 0;

		n = 0;
		while ((r = read(fd2, buf, sizeof(buf))) > 0)
			for (char *p = buf; p < buf + r;) {
				struct inotify_event *e =
					(struct inotify_event *)p;

				lastmask = e->mask;
				n++;
				p += sizeof(*e) + e->len;
			}
		printf("overflow: %d events, the last %s\n", n, bits(lastmask));
	}
	printf("dir wd again %d\n", inotify_add_watch(fd, dir, IN_ALL_EVENTS));
	/* Errors. */
	res("add_watch of a missing path",
	    inotify_add_watch(fd, in("nosuch"), IN_ALL_EVENTS));
	res("add_watch with no event", inotify_add_watch(fd, dir, 0));
	close(open(in("h"), O_CREAT | O_WRONLY, 0644));
	res("add_watch IN_ONLYDIR of a file",
	    inotify_add_watch(fd, in("h"), IN_ONLYDIR | IN_MODIFY));
	res("add_watch on a bad fd", inotify_add_watch(99, dir, IN_MODIFY));
	res("add_watch on a file's fd", inotify_add_watch(0, dir, IN_MODIFY));
	res("init1 with a bad flag", inotify_init1(1));
	unlink(in("h"));
	/* A blocking read, woken by a child's create. */
	{
		static char buf[256] __attribute__((aligned(8)));
		int fd3 = inotify_init();
		pid_t pid;

		inotify_add_watch(fd3, dir, IN_CREATE);
		if ((pid = fork()) == 0) {
			usleep(100000);
			close(open(in("w"), O_CREAT | O_WRONLY, 0644));
			_exit(0);
		}
		n = (int)read(fd3, buf, sizeof(buf));
		printf("blocking read: %s name=%s\n",
		       n > 0 ? bits(((struct inotify_event *)buf)->mask) :
			       strerror(errno),
		       n > 0 ? ((struct inotify_event *)buf)->name : "");
		waitpid(pid, NULL, 0);
		unlink(in("w"));
		close(fd3);
	}
	drain(fd, "the rest");
	/* The directory itself goes. */
	unlink(in("b"));
	res("rmdir", rmdir(dir));
	drain(fd, "rmdir of the watched directory");
	return 0;
}
