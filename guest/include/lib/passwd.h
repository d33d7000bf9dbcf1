/* SPDX-License-Identifier: MIT */
/* passwd.h: docker's USER[:GROUP] resolved against an image's /etc/passwd and /etc/group texts. */
#ifndef GUEST_LIB_PASSWD_H
#define GUEST_LIB_PASSWD_H

#include <stddef.h>
#include <stdint.h>

/* Supplementary groups a user may have here (the kernel's limit too). */
#define USER_GROUPS_MAX 64
/* The largest uid or gid docker accepts (runc's range check). */
#define USER_ID_MAX 2147483647u
#define USER_HOME_MAX 256

struct user_ids {
	uint32_t uid, gid;
	char home[USER_HOME_MAX]; /* passwd's, or "/" when not in passwd */
	size_t ngroups; /* supplementary: gid first, then the group file's */
	uint32_t groups[USER_GROUPS_MAX];
};

enum user_error {
	USER_OK = 0,
	USER_NO_USER = -1, /* a name not in passwd */
	USER_NO_GROUP = -2, /* a group name not in group */
	USER_RANGE = -3, /* a number above USER_ID_MAX */
	USER_TOO_MANY_GROUPS = -4, /* more than USER_GROUPS_MAX */
	USER_BAD = -5, /* empty user or group part, or too long a home */
};

/*
 * Resolves spec ("USER" or "USER:GROUP", each a name or a number) as
 * docker does: a user matches a passwd entry by name or uid and takes
 * its primary gid and home; a number that matches none is that uid with
 * gid 0 and home "/". GROUP, if given, matches the group file by name or
 * gid (a number matching none is that gid) and replaces the primary gid.
 * The supplementary groups are the primary gid and, without GROUP, for a
 * user found in passwd, every group that lists it as a member (docker).
 * passwd and group are the files' texts (NULL: no such file).
 */
enum user_error user_resolve(const char *spec, const char *passwd, size_t plen,
			     const char *group, size_t glen,
			     struct user_ids *out);

/* One more group (a name or number) against the group file: its gid,
 * USER_NO_GROUP or USER_RANGE. */
enum user_error user_group(const char *name, const char *group, size_t glen,
			   uint32_t *gid_r);

#endif
