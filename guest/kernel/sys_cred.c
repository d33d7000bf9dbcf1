/* SPDX-License-Identifier: MIT */
/* sys_cred.c: user and group ids: the set*id/get*id calls with Linux's rules, groups, kill's permission. */
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "lib/string.h"

#define ID_KEEP 0xffffffffu /* -1: leave this id alone */
#define NGROUPS_LINUX 65536 /* setgroups' EINVAL bound on Linux */

const struct cred cred_root;

/* Sorted, as Linux keeps them (getgroups returns them so). */
static void groups_sort(uint32_t *g, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && g[j - 1] > g[j]; j--) {
			uint32_t t = g[j];

			g[j] = g[j - 1];
			g[j - 1] = t;
		}
}

int cred_make(struct cred *c, uint32_t uid, uint32_t gid,
	      const uint32_t *groups, size_t ngroups)
{
	if (ngroups > CRED_GROUPS_MAX)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->uid = c->euid = c->suid = c->fsuid = uid;
	c->gid = c->egid = c->sgid = c->fsgid = gid;
	c->ngroups = (uint32_t)ngroups;
	memcpy(c->groups, groups, ngroups * sizeof(*groups));
	groups_sort(c->groups, ngroups);
	return 0;
}

bool cred_in_group(uint32_t gid)
{
	const struct cred *c = &current->cred;

	if (c->fsgid == gid)
		return true;
	for (uint32_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

bool cred_may_signal(const struct task *t, int sig)
{
	const struct cred *c = &current->cred, *tc = &t->cred;

	if (c->euid == 0 || c->euid == tc->uid || c->euid == tc->suid ||
	    c->uid == tc->uid || c->uid == tc->suid)
		return true;
	/* SIGCONT within a session is always allowed (job control) */
	return sig == SIGCONT && t->sid == current->sid;
}

/* May a process without privilege take id? Only one of its own three. */
static bool id_own(uint32_t id, uint32_t r, uint32_t e, uint32_t s)
{
	return id == r || id == e || id == s;
}

/*
 * The one rule behind setresuid and setresgid (and, through them, the
 * other set*id calls): root (euid 0) may set any id, others only ids
 * they already hold as real, effective or saved. ID_KEEP leaves one
 * alone. ids points at {real, effective, saved, fs}.
 */
static long set_res(uint32_t *ids, uint32_t r, uint32_t e, uint32_t s)
{
	bool root = current->cred.euid == 0;
	uint32_t want[3] = { r, e, s };

	for (int i = 0; i < 3; i++)
		if (want[i] != ID_KEEP && !root &&
		    !id_own(want[i], ids[0], ids[1], ids[2]))
			return -EPERM;
	for (int i = 0; i < 3; i++)
		if (want[i] != ID_KEEP)
			ids[i] = want[i];
	ids[3] = ids[1]; /* the fs id follows the effective one */
	return 0;
}

static uint32_t uids[4], gids[4];

/* The set*id calls work on a copy of {real, effective, saved, fs}:
 * nothing changes unless the whole call is allowed. */
static uint32_t *uid_view(void)
{
	const struct cred *c = &current->cred;

	uids[0] = c->uid, uids[1] = c->euid, uids[2] = c->suid;
	uids[3] = c->fsuid;
	return uids;
}

static uint32_t *gid_view(void)
{
	const struct cred *c = &current->cred;

	gids[0] = c->gid, gids[1] = c->egid, gids[2] = c->sgid;
	gids[3] = c->fsgid;
	return gids;
}

static long uid_commit(long rc)
{
	struct cred *c = &current->cred;

	if (!rc)
		c->uid = uids[0], c->euid = uids[1], c->suid = uids[2],
		c->fsuid = uids[3];
	return rc;
}

static long gid_commit(long rc)
{
	struct cred *c = &current->cred;

	if (!rc)
		c->gid = gids[0], c->egid = gids[1], c->sgid = gids[2],
		c->fsgid = gids[3];
	return rc;
}

/* setuid(2): root sets all three; others only the effective id, to their
 * real or saved one. */
static long do_setid(uint32_t *ids, uint32_t id)
{
	if (id == ID_KEEP)
		return -EINVAL;
	if (current->cred.euid == 0)
		return set_res(ids, id, id, id);
	if (id != ids[0] && id != ids[2])
		return -EPERM;
	return set_res(ids, ID_KEEP, id, ID_KEEP);
}

/* setreuid(2): the real id may become the real or effective one, the
 * effective any of the three; the saved id follows the new effective one
 * when the real id is set or the effective one differs from the old real. */
static long do_setreid(uint32_t *ids, uint32_t r, uint32_t e)
{
	bool root = current->cred.euid == 0;
	uint32_t old_r = ids[0], s = ID_KEEP;

	if (r != ID_KEEP && !root && r != ids[0] && r != ids[1])
		return -EPERM;
	if (r != ID_KEEP || (e != ID_KEEP && e != old_r))
		s = e != ID_KEEP ? e : ids[1];
	return set_res(ids, r, e, s);
}

/* setfsuid(2): returns the old fs id; sets it if allowed, silently not. */
static long do_setfsid(uint32_t *ids, uint32_t id)
{
	uint32_t old = ids[3];

	if (current->cred.euid == 0 || id_own(id, ids[0], ids[1], ids[2]) ||
	    id == ids[3])
		ids[3] = id;
	return old;
}

static long sys_getuid(const struct sysargs *a)
{
	return current->cred.uid;
}

static long sys_geteuid(const struct sysargs *a)
{
	return current->cred.euid;
}

static long sys_getgid(const struct sysargs *a)
{
	return current->cred.gid;
}

static long sys_getegid(const struct sysargs *a)
{
	return current->cred.egid;
}

static long sys_setuid(const struct sysargs *a)
{
	return uid_commit(do_setid(uid_view(), (uint32_t)a->arg[0]));
}

static long sys_setgid(const struct sysargs *a)
{
	return gid_commit(do_setid(gid_view(), (uint32_t)a->arg[0]));
}

static long sys_setreuid(const struct sysargs *a)
{
	return uid_commit(do_setreid(uid_view(), (uint32_t)a->arg[0],
				     (uint32_t)a->arg[1]));
}

static long sys_setregid(const struct sysargs *a)
{
	return gid_commit(do_setreid(gid_view(), (uint32_t)a->arg[0],
				     (uint32_t)a->arg[1]));
}

static long sys_setresuid(const struct sysargs *a)
{
	return uid_commit(set_res(uid_view(), (uint32_t)a->arg[0],
				  (uint32_t)a->arg[1], (uint32_t)a->arg[2]));
}

static long sys_setresgid(const struct sysargs *a)
{
	return gid_commit(set_res(gid_view(), (uint32_t)a->arg[0],
				  (uint32_t)a->arg[1], (uint32_t)a->arg[2]));
}

static long sys_setfsuid(const struct sysargs *a)
{
	long old = do_setfsid(uid_view(), (uint32_t)a->arg[0]);

	uid_commit(0);
	return old;
}

static long sys_setfsgid(const struct sysargs *a)
{
	long old = do_setfsid(gid_view(), (uint32_t)a->arg[0]);

	gid_commit(0);
	return old;
}

static long put_three(const struct sysargs *a, uint32_t r, uint32_t e,
		      uint32_t s)
{
	uint32_t id[3] = { r, e, s };

	for (int i = 0; i < 3; i++)
		if (copy_to_user((void *)a->arg[i], &id[i], sizeof(id[i])))
			return -EFAULT;
	return 0;
}

static long sys_getresuid(const struct sysargs *a)
{
	const struct cred *c = &current->cred;

	return put_three(a, c->uid, c->euid, c->suid);
}

static long sys_getresgid(const struct sysargs *a)
{
	const struct cred *c = &current->cred;

	return put_three(a, c->gid, c->egid, c->sgid);
}

static long sys_getgroups(const struct sysargs *a)
{
	const struct cred *c = &current->cred;
	int size = (int)a->arg[0];

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((uint32_t)size < c->ngroups)
		return -EINVAL;
	if (c->ngroups && copy_to_user((void *)a->arg[1], c->groups,
				       c->ngroups * sizeof(c->groups[0])))
		return -EFAULT;
	return c->ngroups;
}

static long sys_setgroups(const struct sysargs *a)
{
	struct cred *c = &current->cred;
	uint32_t g[CRED_GROUPS_MAX];
	int n = (int)a->arg[0];

	if (n < 0 || n > NGROUPS_LINUX)
		return -EINVAL;
	if (c->euid != 0)
		return -EPERM;
	if (n > CRED_GROUPS_MAX)
		return -EINVAL; /* this kernel's limit (xenpod-kernel(7)) */
	if (n && copy_from_user(g, (void *)a->arg[1], (size_t)n * sizeof(g[0])))
		return -EFAULT;
	groups_sort(g, (size_t)n);
	memcpy(c->groups, g, (size_t)n * sizeof(g[0]));
	c->ngroups = (uint32_t)n;
	return 0;
}

void sys_cred_register(sys_fn *t)
{
	t[NR_getuid] = sys_getuid;
	t[NR_geteuid] = sys_geteuid;
	t[NR_getgid] = sys_getgid;
	t[NR_getegid] = sys_getegid;
	t[NR_setuid] = sys_setuid;
	t[NR_setgid] = sys_setgid;
	t[NR_setreuid] = sys_setreuid;
	t[NR_setregid] = sys_setregid;
	t[NR_setresuid] = sys_setresuid;
	t[NR_setresgid] = sys_setresgid;
	t[NR_getresuid] = sys_getresuid;
	t[NR_getresgid] = sys_getresgid;
	t[NR_setfsuid] = sys_setfsuid;
	t[NR_setfsgid] = sys_setfsgid;
	t[NR_getgroups] = sys_getgroups;
	t[NR_setgroups] = sys_setgroups;
}
