/* SPDX-License-Identifier: MIT */
/* vchan.c: libxenvchan client: map the server's grants into a fixed window, ring I/O, notify bits. */
#include "xenplat/vchan.h"

#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "xenplat/gnttab.h"

#define WINDOW_PAGES (1 + 2 * VCHAN_MAX_PAGES)

/* One window for the life of the kernel: page 0 the control page, then
 * the write ring's pages, then the read ring's. */
static uint64_t win_gpa;
static uint8_t *win_va;

static int window(void)
{
	if (win_va)
		return 0;
	win_gpa = gnttab_window(WINDOW_PAGES);
	if (!win_gpa)
		return -ENOMEM;
	win_va = vmap_phys(win_gpa, WINDOW_PAGES, PTE_W);
	return win_va ? 0 : -ENOMEM;
}

static void unmap_all(struct vchan *v)
{
	while (v->nmapped) {
		unsigned i = --v->nmapped;
		int rc = gnttab_unmap(win_gpa + (uint64_t)i * PAGE_SIZE,
				      v->handles[i]);

		if (rc)
			printk("xenpod-kernel: vchan: unmap of page %u "
			       "failed: %d\n",
			       i, rc);
	}
	v->ctl = NULL;
}

/* Maps n grants at window page first (pages first.. in order). */
static int map_pages(struct vchan *v, const uint32_t *refs, unsigned n,
		     bool readonly)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned slot = v->nmapped;
		int rc = gnttab_map(v->dom, refs[i],
				    win_gpa + (uint64_t)slot * PAGE_SIZE,
				    readonly, &v->handles[slot]);

		if (rc)
			return rc;
		v->nmapped++;
	}
	return 0;
}

/* Reads the layout once, maps the ring pages, sets up both rings. */
static int map_rings(struct vchan *v)
{
	static uint32_t refs[2 * VCHAN_MAX_PAGES];
	struct vchan_interface *c = v->ctl;
	uint16_t lo = __atomic_load_n(&c->left_order, __ATOMIC_RELAXED);
	uint16_t ro = __atomic_load_n(&c->right_order, __ATOMIC_RELAXED);
	struct vchan_shape s;
	uint8_t *wr_buf, *rd_buf;
	int rc;

	if (vchan_shape(lo, ro, &s))
		return -EINVAL;
	memcpy(refs, c->grants, sizeof(uint32_t) * (s.wr_pages + s.rd_pages));
	rc = map_pages(v, refs, s.wr_pages, false);
	if (!rc)
		rc = map_pages(v, refs + s.wr_pages, s.rd_pages, true);
	if (rc)
		return rc;
	wr_buf = s.wr_pages ? win_va + PAGE_SIZE : (uint8_t *)c + s.wr_off;
	rd_buf = s.rd_pages ? win_va + PAGE_SIZE * (1 + s.wr_pages) :
			      (uint8_t *)c + s.rd_off;
	if (vchan_ring_attach(&v->wr, &c->left, wr_buf, s.wr_size, 1) ||
	    vchan_ring_attach(&v->rd, &c->right, rd_buf, s.rd_size, 0))
		return -EINVAL;
	return 0;
}

static int join(struct vchan *v, uint32_t remote_port, evtchn_handler_t fn,
		void *arg)
{
	int port = evtchn_bind_interdomain(v->dom, remote_port);

	if (port < 0)
		return port;
	v->port = (evtchn_port_t)port;
	if (evtchn_bind(v->port, fn, arg)) {
		evtchn_close(v->port);
		return -EINVAL;
	}
	return 0;
}

int vchan_connect(struct vchan *v, domid_t dom, uint32_t ring_ref,
		  uint32_t remote_port, evtchn_handler_t fn, void *arg)
{
	int rc = window();

	if (rc)
		return rc;
	memset(v, 0, sizeof(*v));
	v->dom = dom;
	rc = map_pages(v, &ring_ref, 1, false);
	if (rc)
		return rc;
	v->ctl = (struct vchan_interface *)win_va;
	if (__atomic_load_n(&v->ctl->srv_live, __ATOMIC_ACQUIRE) != 1 ||
	    __atomic_load_n(&v->ctl->cli_live, __ATOMIC_ACQUIRE) != 2)
		rc = -ECONNREFUSED;
	if (!rc)
		rc = map_rings(v);
	if (!rc)
		rc = join(v, remote_port, fn, arg);
	if (rc) {
		unmap_all(v);
		return rc;
	}
	__atomic_store_n(&v->ctl->srv_notify, VCHAN_NOTIFY_WRITE,
			 __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->ctl->cli_live, 1, __ATOMIC_SEQ_CST);
	v->up = true;
	evtchn_notify(v->port);
	return 0;
}

void vchan_close(struct vchan *v)
{
	if (!v->up)
		return;
	v->up = false;
	__atomic_store_n(&v->ctl->cli_live, 0, __ATOMIC_SEQ_CST);
	evtchn_notify(v->port);
	evtchn_close(v->port);
	unmap_all(v);
}

bool vchan_server_alive(const struct vchan *v)
{
	return v->up &&
	       __atomic_load_n(&v->ctl->srv_live, __ATOMIC_ACQUIRE) == 1;
}

void vchan_dump(const struct vchan *v)
{
	const struct vchan_interface *c = v->ctl;

	pr_info("xenpod-kernel: debug: vchan port %u; to dom0 prod %u cons "
		"%u (own %u); from dom0 prod %u cons %u (own %u); cli_notify "
		"%#x srv_notify %#x cli_live %u srv_live %u\n",
		v->port, v->wr.shr->prod, v->wr.shr->cons, v->wr.own,
		v->rd.shr->prod, v->rd.shr->cons, v->rd.own, c->cli_notify,
		c->srv_notify, c->cli_live, c->srv_live);
}

/* We ask the server to notify us (bit in srv_notify), then the caller
 * re-reads the indices: the fence orders the request before that read. */
static void request(struct vchan *v, uint8_t bit)
{
	__atomic_fetch_or(&v->ctl->srv_notify, bit, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* After we moved an index: notify if the server asked for it. */
static void notify(struct vchan *v, uint8_t bit)
{
	uint8_t prev;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	prev = __atomic_fetch_and(&v->ctl->cli_notify, (uint8_t)~bit,
				  __ATOMIC_SEQ_CST);
	if (prev & bit)
		evtchn_notify(v->port);
}

int vchan_read(struct vchan *v, void *dst, size_t n)
{
	int rc;

	if (!v->up)
		return -EIO;
	/* Short of what the caller needs (a frame's rest, say): ask to be
	 * told of more before looking again, or the server's next write
	 * would go unannounced. */
	rc = vchan_ring_ready(&v->rd);
	if (rc >= 0 && (size_t)rc < n)
		request(v, VCHAN_NOTIFY_WRITE);
	if (rc >= 0)
		rc = vchan_ring_read(&v->rd, dst, n);
	if (rc > 0)
		notify(v, VCHAN_NOTIFY_READ);
	return rc;
}

int vchan_write(struct vchan *v, const void *src, size_t n)
{
	int rc;

	if (!v->up)
		return -EIO;
	rc = vchan_ring_write(&v->wr, src, n);
	if (rc == 0 && n) {
		request(v, VCHAN_NOTIFY_READ);
		rc = vchan_ring_write(&v->wr, src, n);
	}
	if (rc > 0)
		notify(v, VCHAN_NOTIFY_WRITE);
	return rc;
}

int vchan_space(struct vchan *v, size_t want)
{
	int rc;

	if (!v->up)
		return -EIO;
	rc = vchan_ring_space(&v->wr);
	if (rc >= 0 && (size_t)rc < want) {
		request(v, VCHAN_NOTIFY_READ);
		rc = vchan_ring_space(&v->wr);
	}
	return rc;
}

uint32_t vchan_wr_pos(const struct vchan *v)
{
	return v->wr.own;
}

int vchan_wr_consumed(const struct vchan *v, uint32_t *cons_r)
{
	int space = vchan_ring_space(&v->wr);

	if (space < 0)
		return space;
	/* own - cons = size - space, both read from the one load */
	*cons_r = v->wr.own - (v->wr.size - (uint32_t)space);
	return 0;
}

void vchan_wr_peek(const struct vchan *v, uint32_t pos, void *dst, size_t n)
{
	uint8_t *d = dst;

	for (size_t i = 0; i < n; i++)
		d[i] = v->wr.buf[(pos + i) & (v->wr.size - 1)];
}
