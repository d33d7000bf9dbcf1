/* SPDX-License-Identifier: MIT */
/* t_cred: user and group ids: set*id rules, groups, file ownership, access checks, kill's EPERM. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Under /tmp (1777 on both sides): the host's test directory is root's
 * 0700, which the dropped user could not even search. */
#define D "/tmp/t_cred.d"
#define USER 1000
#define GROUP 1000
#define SUPP 2000 /* the user's supplementary group */
#define OTHER 3000 /* a group the user is not in */

#define CHECK(c) printf("%-58s %s\n", #c, (c) ? "ok" : strerror(errno))
/* A call that must fail: prints the errno it failed with. */
#define FAILS(c)                                                \
	do {                                                    \
		errno = 0;                                      \
		long r_ = (long)(c);                            \
		printf("%-58s %s\n", #c,                        \
		       r_ < 0 ? strerror(errno) : "succeeded"); \
	} while (0)

static void put(const char *path, mode_t mode, const char *text)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		printf("setup %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	chmod(path, mode);
}

static void owner(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		printf("stat %s: %s\n", path, strerror(errno));
	else
		printf("%s: uid %u gid %u mode %04o\n", path + sizeof(D),
		       (unsigned)st.st_uid, (unsigned)st.st_gid,
		       (unsigned)(st.st_mode & 07777));
}

static void ids(const char *when)
{
	uid_t r, e, s;
	gid_t gr, ge, gs, g[16];
	int n;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	n = getgroups(16, g);
	printf("%s: uid %u %u %u gid %u %u %u groups", when, (unsigned)r,
	       (unsigned)e, (unsigned)s, (unsigned)gr, (unsigned)ge,
	       (unsigned)gs);
	for (int i = 0; i < n; i++)
		printf(" %u", (unsigned)g[i]);
	printf("\n");
}

static void rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[512];

	if (!d) {
		unlink(path);
		return;
	}
	chmod(path, 0700);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		rm_tree(sub);
	}
	closedir(d);
	rmdir(path);
}

/* As root: files of every kind of access for the user to run into. */
static void setup(void)
{
	rm_tree(D);
	umask(022);
	CHECK(mkdir(D, 0755) == 0);
	put(D "/secret", 0600, "root only\n");
	put(D "/public", 0644, "everyone\n");
	put(D "/grp", 0640, "group\n");
	CHECK(chown(D "/grp", 0, SUPP) == 0);
	put(D "/rootexec", 0700, "#!/bin/sh\nexit 0\n");
	put(D "/noexec", 0644, "#!/bin/sh\nexit 0\n");
	CHECK(mkdir(D "/closed", 0700) == 0);
	put(D "/closed/inside", 0644, "hidden\n");
	CHECK(mkdir(D "/searchonly", 0711) == 0);
	put(D "/searchonly/f", 0644, "found\n");
	CHECK(mkdir(D "/open", 0777) == 0);
	CHECK(chmod(D "/open", 0777) == 0);
	CHECK(mkdir(D "/sticky", 0777) == 0);
	CHECK(chmod(D "/sticky", 01777) == 0);
	put(D "/sticky/roots", 0666, "mine\n");
	CHECK(mkdir(D "/sgid", 0777) == 0);
	CHECK(chown(D "/sgid", 0, SUPP) == 0);
	CHECK(chmod(D "/sgid", 02777) == 0);
	CHECK(mkdir(D "/empty", 0755) == 0);
}

/* What root may: everything but exec without an x bit. */
static void as_root(void)
{
	int fd;

	CHECK((fd = open(D "/secret", O_RDWR)) >= 0);
	close(fd);
	CHECK(access(D "/secret", R_OK | W_OK) == 0);
	CHECK(access(D "/closed/inside", R_OK) == 0);
	FAILS(access(D "/noexec", X_OK));
	CHECK(access(D "/closed", X_OK) == 0);
	FAILS(execl(D "/noexec", "noexec", (char *)NULL));
	CHECK(chmod(D "/empty", 0) == 0);
	CHECK(access(D "/empty", R_OK | W_OK | X_OK) == 0);
	CHECK(chmod(D "/empty", 0755) == 0);
}

/* Linux's set*id rules, from root down (a child of its own). */
static void setid_rules(void)
{
	ids("start");
	CHECK(setresuid(USER, USER + 1, 0) == 0);
	ids("setresuid(1000, 1001, 0)");
	CHECK(seteuid(0) == 0);
	ids("seteuid(0) via the saved id");
	CHECK(seteuid(USER) == 0);
	FAILS(setreuid(-1, USER + 5));
	FAILS(setresuid(USER + 5, -1, -1));
	CHECK(setuid(0) == 0);
	ids("setuid(0) unprivileged: effective only");
	CHECK(setuid(0) == 0);
	ids("setuid(0) privileged: all three");
	CHECK(setreuid(USER, USER + 1) == 0);
	ids("setreuid(1000, 1001)");
	FAILS(setuid(USER + 7));
	CHECK(setreuid(USER + 1, USER) == 0);
	ids("setreuid(1001, 1000): the two swapped");
	FAILS(setgroups(0, NULL));
	FAILS(setgid(GROUP + 1));
	CHECK(setresuid(USER, USER, USER) == 0);
	FAILS(setuid(0));
	FAILS(seteuid(0));
	ids("all 1000");
}

static void user_opens(void)
{
	char buf[64];
	int fd;

	FAILS(open(D "/secret", O_RDONLY));
	CHECK((fd = open(D "/public", O_RDONLY)) >= 0 &&
	      read(fd, buf, sizeof(buf)) == 9);
	close(fd);
	FAILS(open(D "/public", O_WRONLY));
	FAILS(open(D "/public", O_RDONLY | O_TRUNC));
	CHECK((fd = open(D "/grp", O_RDONLY)) >= 0);
	close(fd);
	FAILS(open(D "/grp", O_RDWR));
	FAILS(open(D "/closed/inside", O_RDONLY));
	FAILS(open(D "/closed", O_RDONLY));
	FAILS(open(D "/searchonly", O_RDONLY | O_DIRECTORY));
	CHECK((fd = open(D "/searchonly/f", O_RDONLY)) >= 0);
	close(fd);
	FAILS(chdir(D "/closed"));
	FAILS(truncate(D "/public", 0));
	FAILS(execl(D "/rootexec", "rootexec", (char *)NULL));
	FAILS(execl(D "/closed/inside", "inside", (char *)NULL));
}

static void user_access(void)
{
	CHECK(access(D "/public", R_OK) == 0);
	FAILS(access(D "/public", W_OK));
	FAILS(access(D "/secret", R_OK));
	CHECK(access(D "/secret", F_OK) == 0);
	CHECK(access(D "/grp", R_OK) == 0);
	FAILS(access(D "/closed/inside", F_OK));
	FAILS(access(D "/rootexec", X_OK));
	CHECK(access(D "/open", W_OK | X_OK) == 0);
}

static void user_creates(void)
{
	struct timespec ts[2] = { { 1000000, 0 }, { 1000000, 0 } };
	int fd;

	FAILS(open(D "/new", O_CREAT | O_WRONLY, 0644));
	FAILS(mkdir(D "/newdir", 0755));
	FAILS(unlink(D "/public"));
	FAILS(rmdir(D "/empty"));
	FAILS(rename(D "/public", D "/open/public"));
	FAILS(symlink("public", D "/link"));
	CHECK((fd = open(D "/open/mine", O_CREAT | O_WRONLY, 0444)) >= 0 &&
	      write(fd, "x", 1) == 1);
	close(fd);
	owner(D "/open/mine");
	FAILS(open(D "/open/mine", O_WRONLY));
	CHECK(mkdir(D "/open/sub", 0777) == 0);
	owner(D "/open/sub");
	FAILS(chmod(D "/public", 0666));
	CHECK(chmod(D "/open/mine", 0640) == 0);
	FAILS(chown(D "/open/mine", 0, -1));
	FAILS(chown(D "/open/mine", -1, OTHER));
	CHECK(chown(D "/open/mine", -1, SUPP) == 0);
	CHECK(chown(D "/open/mine", USER, -1) == 0);
	owner(D "/open/mine");
	FAILS(chown(D "/public", -1, SUPP));
	FAILS(utimensat(AT_FDCWD, D "/public", NULL, 0));
	FAILS(utimensat(AT_FDCWD, D "/public", ts, 0));
	CHECK(utimensat(AT_FDCWD, D "/open/mine", ts, 0) == 0);
	CHECK(rename(D "/open/mine", D "/open/sub/mine") == 0);
	CHECK(unlink(D "/open/sub/mine") == 0);
	CHECK(rmdir(D "/open/sub") == 0);
}

static void user_special_dirs(void)
{
	int fd;

	FAILS(unlink(D "/sticky/roots"));
	FAILS(rename(D "/sticky/roots", D "/sticky/taken"));
	CHECK((fd = open(D "/sticky/roots", O_RDWR)) >= 0);
	close(fd);
	CHECK((fd = open(D "/sticky/own", O_CREAT | O_RDWR, 0600)) >= 0);
	close(fd);
	CHECK(rename(D "/sticky/own", D "/sticky/own2") == 0);
	CHECK(unlink(D "/sticky/own2") == 0);
	CHECK((fd = open(D "/sgid/f", O_CREAT | O_RDWR, 0644)) >= 0);
	close(fd);
	owner(D "/sgid/f");
	CHECK(mkdir(D "/sgid/d", 0755) == 0);
	owner(D "/sgid/d");
}

static void user_kill(void)
{
	pid_t c = fork();
	int st;

	if (c == 0) {
		pause();
		_exit(3);
	}
	FAILS(kill(getppid(), 0));
	FAILS(kill(getppid(), SIGUSR1));
	CHECK(kill(c, SIGTERM) == 0);
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) &&
	      WTERMSIG(st) == SIGTERM);
}

/* Drops to the user as a container runtime does, then runs into walls. */
static void as_user(void)
{
	gid_t g[] = { SUPP };

	CHECK(setgroups(1, g) == 0);
	CHECK(setgid(GROUP) == 0);
	CHECK(setuid(USER) == 0);
	ids("user");
	FAILS(setuid(0));
	FAILS(setgid(0));
	FAILS(setgroups(1, g));
	user_opens();
	user_access();
	user_creates();
	user_special_dirs();
	user_kill();
}

static void in_child(void (*fn)(void), const char *what)
{
	pid_t c;
	int st;

	fflush(stdout);
	c = fork();
	if (c == 0) {
		fn();
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st))
		printf("%s: child ended with status %#x\n", what, st);
}

int main(void)
{
	gid_t g[] = { OTHER, SUPP, GROUP };

	setvbuf(stdout, NULL, _IOLBF, 0);
	CHECK(setgroups(3, g) == 0);
	ids("groups set, sorted");
	CHECK(setgroups(0, NULL) == 0);
	setup();
	as_root();
	in_child(setid_rules, "setid_rules");
	in_child(as_user, "as_user");
	rm_tree(D);
	return 0;
}
