/* SPDX-License-Identifier: MIT */
/* p9front.c: Xen 9pfs PV frontend: xenstore handshake, one ring of granted pages per volume, framed 9P exchanges that end in an error when the backend dies. */
#include "xenplat/p9front.h"

#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/boot.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "lib/fmt.h"
#include "lib/p9.h"
#include "lib/string.h"
#include "platform.h"
#include "xenplat/evtchn.h"
#include "xenplat/gnttab.h"
#include "xenplat/xen.h"

/* ring.h leaves the barriers to us (interface versions >= 0x00030208). */
#define xen_mb() mb()
#define xen_rmb() rmb()
#define xen_wmb() wmb()
#include <xen/io/9pfs.h>
#include <xen/io/xenbus.h>

/* 32 pages: 64 KiB each way, so the msize is 64 KiB (the backend cuts
 * its msize to the ring half as well). */
#define P9FRONT_RING_ORDER 5u
#define RING_PAGES (1u << P9FRONT_RING_ORDER)
#define RING_HALF XEN_FLEX_RING_SIZE(P9FRONT_RING_ORDER)
/* How long a wait sleeps before it checks the backend is still there. */
#define RECHECK_NS 500000000ull
/* How long the handshake waits for the backend's InitWait and Connected. */
#define HANDSHAKE_NS 10000000000ull

struct p9vol {
	bool up, dead;
	unsigned index;
	domid_t backend_id;
	char backend[96];
	evtchn_port_t port;
	struct xen_9pfs_data_intf *intf;
	unsigned char *data; /* in (replies) then out (requests) */
	grant_ref_t intf_ref, refs[RING_PAGES];
	unsigned nrefs;
	bool intf_granted;
	bool waiting; /* a task sleeps in wait_for */
	/* what the boot flag xenpod.p9trace reports every 256 exchanges */
	uint64_t st_rpcs, st_sleeps, st_late, st_t0, st_wait_ns;
	/* events taken, those with no task waiting (the reply was there
	 * before we slept), replies found at the deadline with their event
	 * (it came as the deadline expired: taken or pending) */
	uint64_t st_ev, st_ev_idle, st_late_ev;
};

static struct p9vol vols[P9FRONT_MAX];
static bool trace; /* boot flag xenpod.p9trace: exchange counts on the console */

static void vol_event(evtchn_port_t port, struct trap_frame *f, void *arg)
{
	struct p9vol *v = arg;

	(void)port;
	(void)f;
	v->st_ev++;
	if (!v->waiting)
		v->st_ev_idle++;
	wake_up(arg);
}

static int read_u64(const char *path, unsigned long long max,
		    unsigned long long *v)
{
	char val[24];
	int len = xs_read(0, path, val, sizeof(val));

	if (len < 0)
		return len;
	return strtou64(val, (size_t)len, 10, max, v) ? -EINVAL : 0;
}

static int backend_state(struct p9vol *v)
{
	char path[128];
	unsigned long long n;
	int rc;

	fmt_snprintf(path, sizeof(path), "%s/state", v->backend);
	rc = read_u64(path, 8, &n);
	return rc ? rc : (int)n;
}

/* Whether the backend is still serving: its end of the event channel is
 * bound and its state is Connected. A dead one stays dead. */
static bool backend_alive(struct p9vol *v)
{
	if (!v->dead && (evtchn_peer_bound(v->port) != 1 ||
			 backend_state(v) != XenbusStateConnected)) {
		printk("xenpod-kernel: 9pfs%u: backend gone; the volume "
		       "fails with EIO from now on\n",
		       v->index);
		v->dead = true;
	}
	return !v->dead;
}

static RING_IDX out_room(struct p9vol *v)
{
	RING_IDX cons = v->intf->out_cons, prod = v->intf->out_prod;

	mb();
	return RING_HALF - xen_9pfs_queued(prod, cons, RING_HALF);
}

static RING_IDX in_queued(struct p9vol *v)
{
	RING_IDX cons = v->intf->in_cons, prod = v->intf->in_prod;

	rmb();
	return xen_9pfs_queued(prod, cons, RING_HALF);
}

/*
 * Sleep until ready(v) >= need. The backend's event wakes us: it notifies
 * after every turn that moved an index (after publishing it), and ready()
 * is checked with interrupts off up to the sleep, so an event cannot fall
 * between the check and the sleep (it stays pending and ends the idle
 * halt). The deadline only rechecks that the backend is still there: no
 * short polling timer, which raced the event under nested emulation (most
 * replies landed while the guest handled its own timer; docs/WAKEUPS.md,
 * "Volumes"). A reply found when the deadline expired without its event
 * (none taken during the sleep, the port not pending) counts in st_late:
 * an event lost, or later than RECHECK_NS. Signals do not end the wait:
 * the request is on the ring and its reply must be consumed to keep the
 * stream framed; a dead backend does.
 */
static int wait_for(struct p9vol *v, RING_IDX (*ready)(struct p9vol *),
		    RING_IDX need)
{
	for (;;) {
		uint64_t fl = irq_save(), ev = v->st_ev;
		int rc = 0;

		if (ready(v) < need) {
			v->st_sleeps++;
			v->waiting = true;
			rc = sleep_uninterruptible_until(v, time_now_ns() +
								    RECHECK_NS);
			v->waiting = false;
		}
		irq_restore(fl);
		if (ready(v) >= need) {
			if (rc == -ETIMEDOUT && v->st_ev == ev &&
			    !evtchn_pending(v->port))
				v->st_late++;
			else if (rc == -ETIMEDOUT)
				v->st_late_ev++;
			return 0;
		}
		if (rc == -ETIMEDOUT && !backend_alive(v))
			return -EIO;
	}
}

static void vol_report(struct p9vol *v, const char *when)
{
	printk("9pfs%u: %s%lu exchanges, %lu sleeps, %lu replies found on "
	       "timeout, %lu at the deadline with their event; %lu events "
	       "(%lu unwaited), %lu ms since the first, %lu us per reply\n",
	       v->index, when, (unsigned long)v->st_rpcs,
	       (unsigned long)v->st_sleeps, (unsigned long)v->st_late,
	       (unsigned long)v->st_late_ev, (unsigned long)v->st_ev,
	       (unsigned long)v->st_ev_idle,
	       (unsigned long)((time_now_ns() - v->st_t0) / 1000000),
	       (unsigned long)(v->st_rpcs ? v->st_wait_ns / 1000 / v->st_rpcs :
					    0));
}

static void copy_in(struct p9vol *v, void *dst, RING_IDX cons, size_t n)
{
	RING_IDX prod = v->intf->in_prod, mc = xen_9pfs_mask(cons, RING_HALF);

	rmb();
	xen_9pfs_read_packet(dst, v->data, n, xen_9pfs_mask(prod, RING_HALF),
			     &mc, RING_HALF);
}

int p9front_rpc(void *vol, const uint8_t *req, uint32_t len, uint8_t *resp,
		uint32_t cap)
{
	uintptr_t i = (uintptr_t)vol;
	struct p9vol *v;
	RING_IDX prod, mp, cons;
	uint8_t hdr[4];
	uint32_t size;
	uint64_t t0;
	int rc;

	if (i >= P9FRONT_MAX || !vols[i].up)
		return -ENODEV;
	v = &vols[i];
	if (v->dead || len > RING_HALF)
		return -EIO;
	if ((rc = wait_for(v, out_room, len)))
		return rc;
	prod = v->intf->out_prod;
	mp = xen_9pfs_mask(prod, RING_HALF);
	xen_9pfs_write_packet(v->data + RING_HALF, req, len, &mp,
			      xen_9pfs_mask(v->intf->out_cons, RING_HALF),
			      RING_HALF);
	wmb();
	v->intf->out_prod = prod + len;
	evtchn_notify(v->port);
	/* The reply: its size first, then all of it. */
	t0 = time_now_ns();
	if ((rc = wait_for(v, in_queued, 4)))
		return rc;
	v->st_wait_ns += time_now_ns() - t0;
	cons = v->intf->in_cons;
	copy_in(v, hdr, cons, 4);
	size = p9_get32(hdr);
	if (size < P9_HDR_LEN || size > RING_HALF) {
		printk("xenpod-kernel: 9pfs%u: reply of %u bytes; the backend "
		       "broke the framing\n",
		       v->index, size);
		v->dead = true;
		return -EIO;
	}
	if ((rc = wait_for(v, in_queued, size)))
		return rc;
	if (size > cap) {
		v->dead = true; /* cannot skip it and stay framed cheaply */
		return -EMSGSIZE;
	}
	copy_in(v, resp, cons, size);
	mb();
	v->intf->in_cons = cons + size;
	evtchn_notify(v->port);
	if (trace && !(++v->st_rpcs % 256))
		vol_report(v, "");
	return (int)size;
}

void p9front_report(void)
{
	for (unsigned i = 0; i < P9FRONT_MAX; i++)
		if (vols[i].up && (trace || vols[i].st_late))
			vol_report(&vols[i], "at exit: ");
}

/* Undo what vol_rings and vol_announce did: nothing half-made stays. */
static void vol_release(struct p9vol *v)
{
	if (v->port)
		evtchn_close(v->port);
	for (unsigned i = 0; i < v->nrefs; i++)
		gnttab_revoke(v->refs[i]);
	if (v->intf_granted)
		gnttab_revoke(v->intf_ref);
	if (v->data)
		page_free(virt_to_phys(v->data), RING_PAGES);
	if (v->intf)
		page_free(virt_to_phys(v->intf), 1);
	memset(v, 0, sizeof(*v));
}

static int vol_rings(struct p9vol *v)
{
	uint64_t pa = page_alloc_zeroed(1), dpa;
	int ref;

	if (!pa)
		return -ENOMEM;
	v->intf = phys_to_virt(pa);
	dpa = page_alloc_zeroed(RING_PAGES);
	if (!dpa)
		return -ENOMEM;
	v->data = phys_to_virt(dpa);
	for (unsigned i = 0; i < RING_PAGES; i++) {
		ref = gnttab_grant(v->backend_id, dpa + (uint64_t)i * PAGE_SIZE,
				   false);
		if (ref < 0)
			return ref;
		v->refs[v->nrefs++] = (grant_ref_t)ref;
		v->intf->ref[i] = (grant_ref_t)ref;
	}
	v->intf->ring_order = P9FRONT_RING_ORDER;
	ref = gnttab_grant(v->backend_id, pa, false);
	if (ref < 0)
		return ref;
	v->intf_ref = (grant_ref_t)ref;
	v->intf_granted = true;
	ref = evtchn_alloc_unbound(v->backend_id);
	if (ref < 0)
		return ref;
	v->port = (evtchn_port_t)ref;
	return evtchn_bind(v->port, vol_event, v);
}

static int write_u64(const char *dir, const char *key, unsigned long long val)
{
	char path[128], s[24];

	fmt_snprintf(path, sizeof(path), "%s/%s", dir, key);
	fmt_snprintf(s, sizeof(s), "%llu", val);
	return xs_write(0, path, s);
}

/* Poll the backend's state until it reaches want (or beyond it, which is an error). */
static int wait_state(struct p9vol *v, int want)
{
	uint64_t end = time_now_ns() + HANDSHAKE_NS;
	int st;

	for (;;) {
		st = backend_state(v);
		if (st == want)
			return 0;
		if ((st < 0 && st != -ENOENT) || st > want)
			return st < 0 ? st : -ECONNREFUSED;
		if (time_now_ns() > end)
			return -ETIMEDOUT;
		time_sleep_ns(2000000);
	}
}

/* The toolstack's nodes: backend, its id, the tag, our mount point. */
static int vol_config(struct p9vol *v, const char *dir,
		      struct p9front_info *info)
{
	char path[128], val[4];
	unsigned long long n;
	int len, rc;

	fmt_snprintf(path, sizeof(path), "%s/backend-id", dir);
	if ((rc = read_u64(path, DOMID_FIRST_RESERVED - 1, &n)))
		return rc;
	v->backend_id = (domid_t)n;
	fmt_snprintf(path, sizeof(path), "%s/backend", dir);
	if ((len = xs_read(0, path, v->backend, sizeof(v->backend))) < 0)
		return len;
	fmt_snprintf(path, sizeof(path), "%s/tag", dir);
	if ((len = xs_read(0, path, info->tag, sizeof(info->tag))) < 0)
		return len;
	fmt_snprintf(path, sizeof(path), "%s/mount-point", dir);
	len = xs_read(0, path, info->mount, sizeof(info->mount));
	if (len < 0)
		return len;
	if (info->mount[0] != '/' || strlen(info->mount) != (size_t)len)
		return -EINVAL;
	fmt_snprintf(path, sizeof(path), "%s/read-only", dir);
	len = xs_read(0, path, val, sizeof(val));
	if (len == -ENOENT)
		return 0;
	if (len < 0)
		return len;
	if (len != 1 || (val[0] != '0' && val[0] != '1'))
		return -EINVAL;
	info->readonly = val[0] == '1';
	return 0;
}

/* The frontend's half of Xen's 9pfs handshake (docs/misc/9pfs.pandoc). */
static int vol_connect(struct p9vol *v, struct p9front_info *info)
{
	char dir[48];
	int rc;

	fmt_snprintf(dir, sizeof(dir), "device/9pfs/%u", v->index);
	if ((rc = vol_config(v, dir, info)))
		return rc;
	info->index = v->index;
	info->msize = RING_HALF;
	if ((rc = wait_state(v, XenbusStateInitWait)))
		return rc;
	if ((rc = vol_rings(v)) || (rc = write_u64(dir, "version", 1)) ||
	    (rc = write_u64(dir, "num-rings", 1)) ||
	    (rc = write_u64(dir, "ring-ref0", v->intf_ref)) ||
	    (rc = write_u64(dir, "event-channel-0", v->port)) ||
	    (rc = write_u64(dir, "state", XenbusStateInitialised)) ||
	    (rc = wait_state(v, XenbusStateConnected)) ||
	    (rc = write_u64(dir, "state", XenbusStateConnected))) {
		vol_release(v);
		return rc;
	}
	v->up = true;
	v->st_t0 = time_now_ns();
	return 0;
}

int p9front_init(struct p9front_info info[P9FRONT_MAX], unsigned *bad_r)
{
	char names[256];
	const char *p = names;
	int n, found = 0;

	trace = boot_flag("xenpod.p9trace");
	n = xs_directory(0, "device/9pfs", names, sizeof(names));
	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return n;
	for (int i = 0; i < n && found < P9FRONT_MAX; i++, p += strlen(p) + 1) {
		struct p9vol *v = &vols[found];
		unsigned long long idx;
		int rc;

		if (strtou64(p, strlen(p), 10, 65535, &idx))
			continue;
		memset(v, 0, sizeof(*v));
		memset(&info[found], 0, sizeof(info[found]));
		v->index = (unsigned)idx;
		rc = vol_connect(v, &info[found]);
		if (rc) {
			*bad_r = v->index;
			return rc;
		}
		found++;
	}
	return found;
}
