/* SPDX-License-Identifier: MIT */
/* user.c: docker's USER[:GROUP] resolved against the image's /etc/passwd and /etc/group into credentials (init, exec sessions). */
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/vfs.h"
#include "lib/fmt.h"
#include "lib/passwd.h"
#include "lib/string.h"

#define ID_FILE_MAX (1u << 20) /* a bigger /etc/passwd is not believed */

/* The image's /etc/passwd or /etc/group (kmalloc'd; the caller frees),
 * or NULL if it has none (docker then knows numbers only) or if memory
 * is short (*len_r is then 1: the caller says so). */
static char *read_id_file(const char *path, size_t *len_r)
{
	struct inode *ino;
	char *buf;
	long n;

	*len_r = 0;
	if (vfs_lookup(NULL, path, true, &ino) || !S_ISREG(ino->mode) ||
	    ino->iops || ino->size > ID_FILE_MAX)
		return NULL;
	buf = kmalloc(ino->size + 1);
	if (!buf) {
		*len_r = 1;
		return NULL;
	}
	n = ramfs_read(ino, 0, buf, ino->size, false);
	*len_r = n > 0 ? (size_t)n : 0;
	return buf;
}

/* Why user_resolve refused user, in docker's words where it has them. */
static void user_why(enum user_error e, const char *u, char *err, size_t cap)
{
	const char *colon = strchr(u, ':');
	int un = colon ? (int)(colon - u) : (int)strlen(u);

	switch (e) {
	case USER_NO_USER:
		fmt_snprintf(
			err, cap,
			"unable to find user %.*s: no matching entries in passwd file",
			un, u);
		break;
	case USER_NO_GROUP:
		fmt_snprintf(
			err, cap,
			"unable to find group %s: no matching entries in group file",
			colon ? colon + 1 : u);
		break;
	case USER_RANGE:
		fmt_snprintf(err, cap,
			     "user %s: uids and gids must be in range 0-%u", u,
			     USER_ID_MAX);
		break;
	case USER_TOO_MANY_GROUPS:
		fmt_snprintf(err, cap, "user %s: more than %d groups", u,
			     USER_GROUPS_MAX);
		break;
	default:
		fmt_snprintf(err, cap, "user %s: not USER[:GROUP]", u);
	}
}

/* More supplementary groups (the spec's "group=") after the user's. */
static enum user_error add_groups(struct user_ids *ids, char *const *more,
				  size_t nmore, const char *group, size_t glen,
				  const char **bad_r)
{
	for (size_t i = 0; i < nmore; i++) {
		enum user_error e = USER_TOO_MANY_GROUPS;

		*bad_r = more[i];
		if (ids->ngroups < USER_GROUPS_MAX)
			e = user_group(more[i], group, glen,
				       &ids->groups[ids->ngroups++]);
		if (e)
			return e;
	}
	return USER_OK;
}

int user_cred(const char *user, char *const *more, size_t nmore, struct cred *c,
	      char *home, size_t homecap, char *err, size_t errcap)
{
	static struct user_ids ids; /* one CPU, never preempted in here */
	const char *bad = user;
	size_t plen, glen;
	char *passwd = read_id_file("/etc/passwd", &plen);
	char *group = read_id_file("/etc/group", &glen);
	enum user_error e;

	if ((!passwd && plen) || (!group && glen)) {
		kfree(passwd);
		kfree(group);
		fmt_snprintf(err, errcap, "no memory to read /etc/passwd");
		return -ENOMEM;
	}
	e = user_resolve(user, passwd, plen, group, glen, &ids);
	if (!e)
		e = add_groups(&ids, more, nmore, group, glen, &bad);
	kfree(passwd);
	kfree(group);
	if (e == USER_NO_GROUP && bad != user) {
		fmt_snprintf(
			err, errcap,
			"unable to find group %s: no matching entries in group file",
			bad);
		return -ENOENT;
	}
	if (e) {
		user_why(e, bad, err, errcap);
		return e == USER_NO_USER ? -ENOENT : -EINVAL;
	}
	if (home)
		strlcpy(home, ids.home, homecap);
	return cred_make(c, ids.uid, ids.gid, ids.groups, ids.ngroups);
}
