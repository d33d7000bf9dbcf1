/* SPDX-License-Identifier: MIT */
/* xs.c: xenstore client: queued requests, replies matched by req_id, watches. */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/errno.h"
#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "xenplat/evtchn.h"
#include "xenplat/hypercall.h"
#include "xenplat/xs.h"
#include "xenplat/xs_ring.h"

#define MAX_WATCHES 8
#define TOKEN_MAX 32
#define MSG_MAX (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)

/*
 * Every request is queued (tx list), streamed into the 1 KiB ring by
 * xs_pump() as space allows (so messages never interleave even when
 * interrupt handlers send too), then waits on the pending list for the
 * reply with its req_id. All list and ring work runs with interrupts off.
 */
struct xs_req {
	struct list_node link; /* in sending, then in pending */
	uint32_t req_id;
	uint8_t *msg;
	size_t len, off;
	void (*done)(struct xs_req *r, uint32_t type, const char *p, size_t n);
	void *arg;
	/* synchronous callers */
	char *reply;
	size_t reply_cap, reply_len;
	uint32_t reply_type;
	int err;
	volatile bool complete;
};

struct watch {
	char token[TOKEN_MAX];
	xs_watch_cb cb;
	void *arg;
};

static struct xenstore_domain_interface *ring;
static evtchn_port_t port;
static struct list_node sending = LIST_INIT(sending),
			pending = LIST_INIT(pending);
static uint32_t next_req_id = 1;
static bool broken;
static struct watch watches[MAX_WATCHES];
/* receive state: a header, then its body */
static struct xsd_sockmsg rx_hdr;
static char rx_body[XENSTORE_PAYLOAD_MAX + 1];
static size_t rx_have;

static void fail_all(void)
{
	struct list_node *lists[2] = { &sending, &pending };

	printk("xenpod-kernel: xenstore ring protocol violation; "
	       "xenstore disabled\n");
	broken = true;
	for (int i = 0; i < 2; i++) {
		struct xs_req *r;

		while ((r = list_first(lists[i], struct xs_req, link))) {
			list_del(&r->link);
			r->err = -EIO;
			r->done(r, XS_ERROR, "EIO", 4);
		}
	}
}

static void dispatch_watch(const char *p, size_t n)
{
	const char *path, *token;

	if (xs_watch_event_parse(p, n, &path, &token))
		return;
	for (int i = 0; i < MAX_WATCHES; i++)
		if (watches[i].cb && !strcmp(watches[i].token, token))
			watches[i].cb(path, token, watches[i].arg);
}

static void dispatch(void)
{
	struct xs_req *r;

	rx_body[rx_hdr.len] = '\0';
	if (rx_hdr.type == XS_WATCH_EVENT) {
		dispatch_watch(rx_body, rx_hdr.len);
		return;
	}
	list_for_each(r, &pending, link) {
		if (r->req_id != rx_hdr.req_id)
			continue;
		list_del(&r->link);
		r->done(r, rx_hdr.type, rx_body, rx_hdr.len);
		return;
	}
	/* A reply nobody waits for: ignore it (never trust dom0's ids). */
}

/* Reads what is available; returns -EIO on a protocol violation. */
static int receive(bool *moved)
{
	for (;;) {
		size_t want;
		int n;

		if (rx_have < sizeof(rx_hdr)) {
			want = sizeof(rx_hdr) - rx_have;
			n = xs_ring_get(ring, (char *)&rx_hdr + rx_have, want);
		} else {
			want = sizeof(rx_hdr) + rx_hdr.len - rx_have;
			n = xs_ring_get(
				ring, rx_body + rx_have - sizeof(rx_hdr), want);
		}
		if (n < 0)
			return n;
		if (n > 0)
			*moved = true;
		rx_have += (size_t)n;
		if (rx_have == sizeof(rx_hdr) && xs_msg_check(&rx_hdr))
			return -EIO;
		if (rx_have >= sizeof(rx_hdr) &&
		    rx_have == sizeof(rx_hdr) + rx_hdr.len) {
			rx_have = 0;
			dispatch();
			continue;
		}
		if ((size_t)n < want)
			return 0;
	}
}

static int transmit(bool *moved)
{
	struct xs_req *r;

	while ((r = list_first(&sending, struct xs_req, link))) {
		int n = xs_ring_put(ring, r->msg + r->off, r->len - r->off);

		if (n < 0)
			return n;
		if (n == 0)
			return 0;
		*moved = true;
		r->off += (size_t)n;
		if (r->off < r->len)
			return 0;
		list_del(&r->link);
		list_add_head(&pending, &r->link);
	}
	return 0;
}

/*
 * Interrupts off. Moves bytes both ways and runs completions. Completions
 * and watch callbacks may submit requests, which pump again: that nested
 * call only asks this one to go round once more, because receiving there
 * would overwrite rx_body while the callback still reads its value.
 */
static void xs_pump(void)
{
	static bool pumping, again;
	bool moved = false;

	if (broken || !ring)
		return;
	if (pumping) {
		again = true;
		return;
	}
	pumping = true;
	do {
		again = false;
		if (transmit(&moved) || receive(&moved) || transmit(&moved)) {
			fail_all();
			break;
		}
	} while (again && !broken);
	pumping = false;
	if (moved && !broken)
		evtchn_notify(port);
}

static void xs_event(evtchn_port_t p, struct trap_frame *f, void *arg)
{
	xs_pump();
}

void xs_dump(void)
{
	unsigned queued = 0, waiting = 0;

	if (!ring)
		return;
	struct xs_req *r, *first;

	list_for_each(r, &sending, link)
		queued++;
	list_for_each(r, &pending, link)
		waiting++;
	first = list_first(&pending, struct xs_req, link);
	pr_info("xenpod-kernel: debug: xenstore req prod %u cons %u, rsp prod "
		"%u cons %u, rx_have %zu, %u queued, %u awaiting a reply "
		"(first id %u)%s\n",
		ring->req_prod, ring->req_cons, ring->rsp_prod, ring->rsp_cons,
		rx_have, queued, waiting, first ? first->req_id : 0,
		broken ? ", broken" : "");
}

int xs_event_port(void)
{
	return ring ? (int)port : -ENODEV;
}

int xs_init(void)
{
	uint64_t pfn, evt;
	int rc;

	rc = xen_hvm_get_param(HVM_PARAM_STORE_PFN, &pfn);
	if (!rc)
		rc = xen_hvm_get_param(HVM_PARAM_STORE_EVTCHN, &evt);
	if (rc)
		return rc;
	if (!pfn)
		return -ENODEV;
	ring = vmap_phys(pfn << PAGE_SHIFT, 1, PTE_W);
	if (!ring)
		return -ENOMEM;
	port = (evtchn_port_t)evt;
	return evtchn_bind(port, xs_event, NULL);
}

/* Queues r (msg already built) and starts sending. */
static int submit(struct xs_req *r)
{
	uint64_t fl = irq_save();

	if (broken || !ring) {
		irq_restore(fl);
		return ring ? -EIO : -ENODEV;
	}
	list_add_tail(&sending, &r->link);
	xs_pump();
	irq_restore(fl);
	return 0;
}

static int build(struct xs_req *r, uint32_t type, uint32_t tx,
		 const struct xs_part *parts, size_t nparts)
{
	uint64_t fl = irq_save();
	int len;

	r->req_id = next_req_id++;
	irq_restore(fl);
	r->msg = kmalloc(MSG_MAX);
	if (!r->msg)
		return -ENOMEM;
	len = xs_msg_build(r->msg, MSG_MAX, type, r->req_id, tx, parts, nparts);
	if (len < 0) {
		kfree(r->msg);
		r->msg = NULL;
		return len;
	}
	r->len = (size_t)len;
	r->off = 0;
	return 0;
}

static void sync_done(struct xs_req *r, uint32_t type, const char *p, size_t n)
{
	r->reply_type = type;
	r->reply_len = n;
	if (type == XS_ERROR)
		r->err = r->err ? r->err : xs_error_to_errno(p, n);
	else if (r->reply && n <= r->reply_cap)
		memcpy(r->reply, p, n);
	else if (r->reply)
		r->err = -E2BIG;
	r->complete = true;
}

/* Sends a request and sleeps (interrupts on) until its reply. Returns
 * the reply length or -errno. */
static int talk(uint32_t type, uint32_t tx, const struct xs_part *parts,
		size_t nparts, char *reply, size_t cap)
{
	struct xs_req r = { .done = sync_done,
			    .reply = reply,
			    .reply_cap = cap };
	uint64_t fl;
	int rc;

	if (!xen_present() || !ring)
		return -ENODEV;
	rc = build(&r, type, tx, parts, nparts);
	if (rc)
		return rc;
	rc = submit(&r);
	if (rc) {
		kfree(r.msg);
		return rc;
	}
	fl = irq_save();
	for (;;) {
		xs_pump();
		if (r.complete)
			break;
		cpu_idle(); /* sti; hlt: woken by the xenstore event */
	}
	irq_restore(fl);
	kfree(r.msg);
	return r.err ? r.err : (int)r.reply_len;
}

static int check_path(const char *path)
{
	size_t n = strnlen(path, XENSTORE_ABS_PATH_MAX + 1);

	return n == 0 || n > XENSTORE_ABS_PATH_MAX ? -EINVAL : 0;
}

int xs_read(uint32_t tx, const char *path, char *buf, size_t cap)
{
	struct xs_part p = { path, strlen(path), 1 };
	int n;

	if (check_path(path) || cap == 0)
		return -EINVAL;
	n = talk(XS_READ, tx, &p, 1, buf, cap - 1);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

int xs_write_bytes(uint32_t tx, const char *path, const void *v, size_t n)
{
	struct xs_part p[2] = { { path, strlen(path), 1 }, { v, n, 0 } };
	char ok[8];
	int rc;

	if (check_path(path))
		return -EINVAL;
	rc = talk(XS_WRITE, tx, p, 2, ok, sizeof(ok));
	return rc < 0 ? rc : 0;
}

int xs_write(uint32_t tx, const char *path, const char *value)
{
	return xs_write_bytes(tx, path, value, strlen(value));
}

static int simple(uint32_t type, uint32_t tx, const char *path)
{
	struct xs_part p = { path, strlen(path), 1 };
	char ok[8];
	int rc;

	if (check_path(path))
		return -EINVAL;
	rc = talk(type, tx, &p, 1, ok, sizeof(ok));
	return rc < 0 ? rc : 0;
}

int xs_mkdir(uint32_t tx, const char *path)
{
	return simple(XS_MKDIR, tx, path);
}

int xs_rm(uint32_t tx, const char *path)
{
	return simple(XS_RM, tx, path);
}

int xs_directory(uint32_t tx, const char *path, char *buf, size_t cap)
{
	struct xs_part p = { path, strlen(path), 1 };
	int n;

	if (check_path(path))
		return -EINVAL;
	n = talk(XS_DIRECTORY, tx, &p, 1, buf, cap);
	return n < 0 ? n : xs_directory_count(buf, (size_t)n);
}

int xs_transaction_start(uint32_t *tx_r)
{
	struct xs_part p = { "", 0, 1 };
	char id[16];
	unsigned long long v;
	int n;

	n = talk(XS_TRANSACTION_START, 0, &p, 1, id, sizeof(id) - 1);
	if (n < 0)
		return n;
	/* reply "123\0": strict parse, never trust dom0's text */
	if (n == 0 || id[n - 1] != '\0' ||
	    strtou64(id, (size_t)n - 1, 10, 0xffffffffull, &v) || v == 0)
		return -EIO;
	*tx_r = (uint32_t)v;
	return 0;
}

int xs_transaction_end(uint32_t tx, bool abort)
{
	struct xs_part p = { abort ? "F" : "T", 1, 1 };
	char ok[8];
	int rc = talk(XS_TRANSACTION_END, tx, &p, 1, ok, sizeof(ok));

	return rc < 0 ? rc : 0;
}

int xs_transact(int (*fn)(uint32_t tx, void *arg), void *arg)
{
	for (int attempt = 0; attempt < 16; attempt++) {
		uint32_t tx;
		int rc = xs_transaction_start(&tx);

		if (rc)
			return rc;
		rc = fn(tx, arg);
		if (rc) {
			xs_transaction_end(tx, true);
			if (rc != -EAGAIN)
				return rc;
			continue;
		}
		rc = xs_transaction_end(tx, false);
		if (rc != -EAGAIN)
			return rc;
	}
	return -EAGAIN;
}

/* Claims a watch slot (*fresh: a new one, not one shared with another
 * path of the same token and callback); the callback is live before the
 * request goes out, since xenstore fires every new watch at once. */
static int watch_claim(const char *path, const char *token, xs_watch_cb cb,
		       void *arg, bool *fresh)
{
	uint64_t fl;
	int slot = -1;

	if (check_path(path) || strlen(token) >= TOKEN_MAX || !cb)
		return -EINVAL;
	fl = irq_save();
	/* Several paths may share a token (and its callback). */
	for (int i = 0; i < MAX_WATCHES && slot < 0; i++)
		if (watches[i].cb == cb && watches[i].arg == arg &&
		    !strcmp(watches[i].token, token)) {
			irq_restore(fl);
			*fresh = false;
			return i;
		}
	for (int i = 0; i < MAX_WATCHES && slot < 0; i++)
		if (!watches[i].cb)
			slot = i;
	if (slot >= 0) {
		strlcpy(watches[slot].token, token, TOKEN_MAX);
		watches[slot].arg = arg;
		watches[slot].cb = cb;
	}
	irq_restore(fl);
	*fresh = true;
	return slot < 0 ? -ENOSPC : slot;
}

int xs_watch(const char *path, const char *token, xs_watch_cb cb, void *arg)
{
	struct xs_part p[2] = { { path, strlen(path), 1 },
				{ token, strlen(token), 1 } };
	char ok[8];
	bool fresh;
	int slot = watch_claim(path, token, cb, arg, &fresh), rc;

	if (slot < 0)
		return slot;
	rc = talk(XS_WATCH, 0, p, 2, ok, sizeof(ok));
	if (rc < 0) {
		if (fresh)
			watches[slot].cb = NULL;
		return rc;
	}
	return 0;
}

int xs_unwatch(const char *path, const char *token)
{
	struct xs_part p[2] = { { path, strlen(path), 1 },
				{ token, strlen(token), 1 } };
	char ok[8];
	int rc = talk(XS_UNWATCH, 0, p, 2, ok, sizeof(ok));

	for (int i = 0; i < MAX_WATCHES; i++)
		if (watches[i].cb && !strcmp(watches[i].token, token))
			watches[i].cb = NULL;
	return rc < 0 ? rc : 0;
}

/* Asynchronous requests (interrupt context): heap-allocated, freed on
 * completion. */
struct async_req {
	struct xs_req r;
	void (*user_done)(void *arg, int err, const char *v, size_t len);
};

static void async_done(struct xs_req *r, uint32_t type, const char *p, size_t n)
{
	struct async_req *a = (struct async_req *)r;
	int err = r->err	   ? r->err :
		  type == XS_ERROR ? xs_error_to_errno(p, n) :
				     0;

	if (a->user_done)
		a->user_done(r->arg, err, err ? "" : p, err ? 0 : n);
	kfree(r->msg);
	kfree(a);
}

static int async_send(uint32_t type, const struct xs_part *parts, size_t nparts,
		      void (*done)(void *, int, const char *, size_t),
		      void *arg)
{
	struct async_req *a;
	int rc;

	if (!xen_present() || !ring)
		return -ENODEV;
	a = kzalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->r.done = async_done;
	a->r.arg = arg;
	a->user_done = done;
	rc = build(&a->r, type, 0, parts, nparts);
	if (!rc)
		rc = submit(&a->r);
	if (rc) {
		kfree(a->r.msg);
		kfree(a);
	}
	return rc;
}

int xs_read_async(const char *path,
		  void (*done)(void *arg, int err, const char *v, size_t len),
		  void *arg)
{
	struct xs_part p = { path, strlen(path), 1 };

	return async_send(XS_READ, &p, 1, done, arg);
}

/* Interrupt context: xenstore refused an asynchronous watch. */
static void watch_refused(void *arg, int err, const char *v, size_t len)
{
	struct watch *w = arg;

	if (!err)
		return;
	printk("xenpod-kernel: xenstore watch %s refused: %d\n", w->token, err);
	w->cb = NULL;
}

int xs_watch_async(const char *path, const char *token, xs_watch_cb cb,
		   void *arg)
{
	struct xs_part p[2] = { { path, strlen(path), 1 },
				{ token, strlen(token), 1 } };
	bool fresh;
	int slot = watch_claim(path, token, cb, arg, &fresh), rc;

	if (slot < 0)
		return slot;
	rc = async_send(XS_WATCH, p, 2, watch_refused, &watches[slot]);
	if (rc && fresh)
		watches[slot].cb = NULL;
	return rc;
}

int xs_write_async_then(const char *path, const char *value,
			void (*done)(void *arg, int err, const char *v,
				     size_t len),
			void *arg)
{
	struct xs_part p[2] = { { path, strlen(path), 1 },
				{ value, strlen(value), 0 } };

	return async_send(XS_WRITE, p, 2, done, arg);
}

int xs_write_async(const char *path, const char *value)
{
	return xs_write_async_then(path, value, NULL, NULL);
}
