/* SPDX-License-Identifier: MIT */
/* netfront.c: Xen PV network frontend: xenstore handshake, tx/rx rings over grants, rx-copy. */
#include "xenplat/netfront.h"

#include <stdbool.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "net/errno.h"
#include "kernel/time.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "platform.h"
#include "xenplat/evtchn.h"
#include "xenplat/gnttab.h"
#include "xenplat/xen.h"

/* ring.h leaves the barriers to us (interface versions >= 0x00030208). */
#define xen_mb() mb()
#define xen_rmb() rmb()
#define xen_wmb() wmb()
#include <xen/io/netif.h>
#include <xen/io/xenbus.h>

#define NRX 64 /* rx buffers posted (of the ring's 256 slots) */
#define NTX 32 /* tx buffers */

struct vif {
	bool up;
	unsigned index;
	domid_t backend_id;
	char backend[96];
	evtchn_port_t port;
	netif_tx_front_ring_t tx;
	netif_rx_front_ring_t rx;
	uint8_t *rx_buf[NRX];
	grant_ref_t rx_ref[NRX];
	uint8_t *tx_buf[NTX];
	grant_ref_t tx_ref[NTX];
	uint16_t tx_free[NTX]; /* stack of free tx buffer ids */
	unsigned ntx_free;
	bool tx_busy[NTX];
	bool rx_dropping; /* skipping the rest of a multi-slot packet */
	struct netfront_stats st;
};

static struct vif vifs[NETFRONT_MAX];
static netfront_rx_fn rx_fn;
static void *rx_arg;

static void *page_va(void)
{
	uint64_t pa = page_alloc_zeroed(1);

	return pa ? phys_to_virt(pa) : NULL;
}

/* "a.b.c.d" at *s (advanced past it); 0 and *out, or -EINVAL. */
static int parse_ip(const char **s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned long long n;
		size_t len = 0;

		while ((*s)[len] >= '0' && (*s)[len] <= '9')
			len++;
		if (!len || strtou64(*s, len, 10, 255, &n))
			return -EINVAL;
		v = v << 8 | (uint32_t)n;
		*s += len;
		if (i < 3 && *(*s)++ != '.')
			return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		unsigned long long n;

		if (strtou64(s + 3 * i, 2, 16, 255, &n) ||
		    (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)n;
	}
	return s[17] == '\0' ? 0 : -EINVAL;
}

/* The backend's "ip": "ADDR [NETMASK [GATEWAY]]" (space separated). */
static void read_ip(struct vif *v, struct netfront_info *info)
{
	char path[128], val[96];
	const char *p = val;
	uint32_t *dst[3] = { &info->ip, &info->netmask, &info->gateway };

	fmt_snprintf(path, sizeof(path), "%s/ip", v->backend);
	if (xs_read(0, path, val, sizeof(val)) < 0)
		return;
	for (int i = 0; i < 3 && *p; i++) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (parse_ip(&p, dst[i]) || (*p && *p != ' ')) {
			printk("xenpod-kernel: vif%u: bad ip node \"%s\"\n",
			       v->index, val);
			info->ip = info->netmask = info->gateway = 0;
			return;
		}
	}
}

static void rx_post(struct vif *v, unsigned id)
{
	netif_rx_request_t *req = RING_GET_REQUEST(&v->rx, v->rx.req_prod_pvt);

	req->id = (uint16_t)id;
	req->gref = v->rx_ref[id];
	v->rx.req_prod_pvt++;
}

static void tx_reclaim(struct vif *v)
{
	RING_IDX rp, i;
	int more;

	do {
		rp = v->tx.sring->rsp_prod;
		rmb();
		for (i = v->tx.rsp_cons; i != rp; i++) {
			netif_tx_response_t *r = RING_GET_RESPONSE(&v->tx, i);
			uint16_t id = __atomic_load_n(&r->id, __ATOMIC_RELAXED);

			if (id >= NTX || !v->tx_busy[id])
				continue; /* a confused backend: ignore it */
			v->tx_busy[id] = false;
			v->tx_free[v->ntx_free++] = id;
		}
		v->tx.rsp_cons = i;
		RING_FINAL_CHECK_FOR_RESPONSES(&v->tx, more);
	} while (more);
}

static void rx_one(struct vif *v, int vi, const netif_rx_response_t *r)
{
	uint16_t id = r->id, off = r->offset, flags = r->flags;
	int16_t status = r->status;
	bool drop = v->rx_dropping;

	if (id >= NRX) {
		v->st.rx_bad++;
		return;
	}
	/* We offer no scatter-gather: a multi-slot packet is dropped whole. */
	v->rx_dropping = flags & NETRXF_more_data;
	if (drop || v->rx_dropping || (flags & NETRXF_extra_info) ||
	    status <= 0 || (size_t)off + (size_t)status > PAGE_SIZE) {
		v->st.rx_bad++;
	} else {
		v->st.rx++;
		if (rx_fn)
			rx_fn(rx_arg, vi, v->rx_buf[id] + off, (size_t)status);
	}
	rx_post(v, id);
}

static void vif_event(evtchn_port_t port, struct trap_frame *f, void *arg)
{
	struct vif *v = arg;
	int vi = (int)(v - vifs), more, notify;
	RING_IDX rp, i;

	tx_reclaim(v);
	do {
		rp = v->rx.sring->rsp_prod;
		rmb();
		for (i = v->rx.rsp_cons; i != rp; i++) {
			netif_rx_response_t r = *RING_GET_RESPONSE(&v->rx, i);

			rx_one(v, vi, &r);
		}
		v->rx.rsp_cons = i;
		RING_FINAL_CHECK_FOR_RESPONSES(&v->rx, more);
	} while (more);
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&v->rx, notify);
	if (notify)
		evtchn_notify(v->port);
}

int netfront_send(int vi, const void *frame, size_t len)
{
	struct vif *v;
	netif_tx_request_t *req;
	uint64_t fl;
	unsigned id;
	int notify;

	if (vi < 0 || vi >= NETFRONT_MAX || !vifs[vi].up)
		return -ENODEV;
	if (len > 14 + NETFRONT_MTU || len < 14)
		return -EINVAL;
	v = &vifs[vi];
	fl = irq_save();
	tx_reclaim(v);
	if (!v->ntx_free || RING_FULL(&v->tx)) {
		v->st.tx_full++;
		irq_restore(fl);
		return -ENOBUFS;
	}
	id = v->tx_free[--v->ntx_free];
	v->tx_busy[id] = true;
	memcpy(v->tx_buf[id], frame, len);
	req = RING_GET_REQUEST(&v->tx, v->tx.req_prod_pvt);
	req->gref = v->tx_ref[id];
	req->offset = 0;
	req->flags = 0; /* checksums are complete: the stack computes them */
	req->id = (uint16_t)id;
	req->size = (uint16_t)len;
	v->tx.req_prod_pvt++;
	v->st.tx++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&v->tx, notify);
	if (notify)
		evtchn_notify(v->port);
	irq_restore(fl);
	return 0;
}

int netfront_stats(int vi, struct netfront_stats *st)
{
	if (vi < 0 || vi >= NETFRONT_MAX || !vifs[vi].up)
		return -ENODEV;
	*st = vifs[vi].st;
	return 0;
}

static int xs_printf_write(const char *dir, const char *key,
			   unsigned long long val)
{
	char path[128], v[24];

	fmt_snprintf(path, sizeof(path), "%s/%s", dir, key);
	fmt_snprintf(v, sizeof(v), "%llu", val);
	return xs_write(0, path, v);
}

static int backend_state(struct vif *v)
{
	char path[128], val[16];
	unsigned long long n;
	int len;

	fmt_snprintf(path, sizeof(path), "%s/state", v->backend);
	len = xs_read(0, path, val, sizeof(val));
	if (len < 0)
		return len;
	if (strtou64(val, (size_t)len, 10, 8, &n))
		return -EINVAL;
	return (int)n;
}

/* Rings, buffers, grants and the event channel: nothing in xenstore yet. */
static int vif_rings(struct vif *v)
{
	netif_tx_sring_t *txs = page_va();
	netif_rx_sring_t *rxs = page_va();
	int ref;

	if (!txs || !rxs)
		return -ENOMEM;
	SHARED_RING_INIT(txs);
	FRONT_RING_INIT(&v->tx, txs, PAGE_SIZE);
	SHARED_RING_INIT(rxs);
	FRONT_RING_INIT(&v->rx, rxs, PAGE_SIZE);
	for (unsigned i = 0; i < NRX; i++) {
		v->rx_buf[i] = page_va();
		if (!v->rx_buf[i])
			return -ENOMEM;
		ref = gnttab_grant(v->backend_id, virt_to_phys(v->rx_buf[i]),
				   false);
		if (ref < 0)
			return ref;
		v->rx_ref[i] = (grant_ref_t)ref;
		rx_post(v, i);
	}
	for (unsigned i = 0; i < NTX; i++) {
		v->tx_buf[i] = page_va();
		if (!v->tx_buf[i])
			return -ENOMEM;
		ref = gnttab_grant(v->backend_id, virt_to_phys(v->tx_buf[i]),
				   true);
		if (ref < 0)
			return ref;
		v->tx_ref[i] = (grant_ref_t)ref;
		v->tx_free[v->ntx_free++] = (uint16_t)i;
	}
	ref = evtchn_alloc_unbound(v->backend_id);
	if (ref < 0)
		return ref;
	v->port = (evtchn_port_t)ref;
	return 0;
}

static int vif_announce(struct vif *v, const char *dir, int tx_ref, int rx_ref);

/* Undo vif_rings and the ring grants after a failed handshake: nothing is left half-made. */
static void vif_release(struct vif *v, int tx_ref, int rx_ref)
{
	if (v->port) {
		evtchn_unbind(v->port);
		evtchn_close(v->port);
	}
	if (tx_ref >= 0)
		gnttab_revoke((grant_ref_t)tx_ref);
	if (rx_ref >= 0)
		gnttab_revoke((grant_ref_t)rx_ref);
	for (unsigned i = 0; i < NRX && v->rx_buf[i]; i++) {
		if (v->rx_ref[i])
			gnttab_revoke(v->rx_ref[i]);
		page_free(virt_to_phys(v->rx_buf[i]), 1);
	}
	for (unsigned i = 0; i < NTX && v->tx_buf[i]; i++) {
		if (v->tx_ref[i])
			gnttab_revoke(v->tx_ref[i]);
		page_free(virt_to_phys(v->tx_buf[i]), 1);
	}
	if (v->tx.sring)
		page_free(virt_to_phys(v->tx.sring), 1);
	if (v->rx.sring)
		page_free(virt_to_phys(v->rx.sring), 1);
	memset(v, 0, sizeof(*v));
}

/* The frontend's half of the handshake, written out as its steps. */
static int vif_connect(struct vif *v, struct netfront_info *info)
{
	char dir[48], path[128], val[96];
	unsigned long long n;
	int rc, len, st = 0, tx_ref, rx_ref;

	fmt_snprintf(dir, sizeof(dir), "device/vif/%u", v->index);
	/* 1. Who and where the backend is, and our MAC. */
	fmt_snprintf(path, sizeof(path), "%s/backend-id", dir);
	len = xs_read(0, path, val, sizeof(val));
	if (len < 0)
		return len;
	if (strtou64(val, (size_t)len, 10, DOMID_FIRST_RESERVED - 1, &n))
		return -EINVAL;
	v->backend_id = (domid_t)n;
	fmt_snprintf(path, sizeof(path), "%s/backend", dir);
	if ((len = xs_read(0, path, v->backend, sizeof(v->backend))) < 0)
		return len;
	fmt_snprintf(path, sizeof(path), "%s/mac", dir);
	if ((len = xs_read(0, path, val, sizeof(val))) < 0)
		return len;
	if (parse_mac(val, info->mac) || (info->mac[0] & 1))
		return -EINVAL;
	info->index = v->index;
	read_ip(v, info);
	/* 2. The backend must have reached InitWait (it has read its config). */
	for (int i = 0; i < 5000; i++) {
		st = backend_state(v);
		if (st >= XenbusStateInitWait || (st < 0 && st != -ENOENT))
			break;
		time_sleep_ns(1000000);
	}
	if (st != XenbusStateInitWait && st != XenbusStateConnected)
		return st < 0 ? st : -ETIMEDOUT;
	/* 3. Our rings and event channel. */
	tx_ref = rx_ref = -1;
	rc = vif_rings(v);
	if (!rc) {
		tx_ref = gnttab_grant(v->backend_id, virt_to_phys(v->tx.sring),
				      false);
		rx_ref = gnttab_grant(v->backend_id, virt_to_phys(v->rx.sring),
				      false);
		rc = tx_ref < 0 ? tx_ref : rx_ref < 0 ? rx_ref : 0;
	}
	/* 4. Tell the backend: refs, channel, features; Connected last. */
	if (!rc)
		rc = vif_announce(v, dir, tx_ref, rx_ref);
	if (rc)
		vif_release(v, tx_ref, rx_ref);
	return rc;
}

static int vif_announce(struct vif *v, const char *dir, int tx_ref, int rx_ref)
{
	int rc, notify;

	if ((rc = xs_printf_write(dir, "tx-ring-ref", (unsigned)tx_ref)) ||
	    (rc = xs_printf_write(dir, "rx-ring-ref", (unsigned)rx_ref)) ||
	    (rc = xs_printf_write(dir, "event-channel", v->port)) ||
	    (rc = xs_printf_write(dir, "request-rx-copy", 1)) ||
	    (rc = xs_printf_write(dir, "feature-rx-notify", 1)) ||
	    (rc = xs_printf_write(dir, "feature-no-csum-offload", 1)) ||
	    (rc = xs_printf_write(dir, "feature-sg", 0)) ||
	    (rc = xs_printf_write(dir, "feature-gso-tcpv4", 0)))
		return rc;
	rc = evtchn_bind(v->port, vif_event, v);
	if (rc)
		return rc;
	v->up = true;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&v->rx, notify);
	(void)notify; /* the backend reads the ring when it connects */
	rc = xs_printf_write(dir, "state", XenbusStateConnected);
	if (rc)
		v->up = false;
	return rc;
}

int netfront_init(struct netfront_info info[NETFRONT_MAX], netfront_rx_fn rx,
		  void *arg)
{
	char names[256];
	int n, found = 0;
	const char *p = names;

	rx_fn = rx;
	rx_arg = arg;
	n = xs_directory(0, "device/vif", names, sizeof(names));
	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return n;
	for (int i = 0; i < n && found < NETFRONT_MAX;
	     i++, p += strlen(p) + 1) {
		struct vif *v = &vifs[found];
		unsigned long long idx;
		int rc;

		if (strtou64(p, strlen(p), 10, 65535, &idx))
			continue;
		memset(v, 0, sizeof(*v));
		memset(&info[found], 0, sizeof(info[found]));
		v->index = (unsigned)idx;
		rc = vif_connect(v, &info[found]);
		if (rc) {
			printk("xenpod-kernel: vif%u: not connected: %d\n",
			       v->index, rc);
			v->up = false;
			continue;
		}
		found++;
	}
	return found;
}
