/* SPDX-License-Identifier: MIT */
/* inet_sock.c: the AF_INET family (TCP, UDP, ICMP echo) on the guest stack in guest/net/. */
#include "arch/cpu.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/netdev.h"
#include "kernel/proc.h"
#include "kernel/sock.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/string.h"
#include "net/errno.h"
#include "net/net.h"

#define IPPROTO_IP 0
#define IPPROTO_TCP 6
#define SO_REUSEADDR 2
#define SO_KEEPALIVE 9
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define IP_TTL 2
#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6
#define CHUNK 16384 /* bytes copied through the kernel per step */

struct sockaddr_in_k {
	uint16_t family;
	uint8_t port[2]; /* network order */
	uint8_t addr[4];
	uint8_t zero[8];
};

struct sock {
	bool tcp;
	int proto; /* NET_PROTO_* */
	int h; /* the stack's handle */
	bool linger0; /* SO_LINGER with l_linger 0: close sends RST */
	struct sock_timeo timeo; /* SO_RCVTIMEO, SO_SNDTIMEO */
};

static struct sock *sock_of(struct file *f)
{
	return f->priv ? (struct sock *)f->priv : NULL;
}

static const struct file_ops sock_fops;

static int addr_in(const struct sock_addr *sa, struct net_sockaddr *a)
{
	struct sockaddr_in_k sin;

	if (sa->len < 8)
		return -EINVAL;
	memcpy(&sin, sa->b, 8);
	if (sin.family != AF_INET)
		return -EAFNOSUPPORT;
	memset(a, 0, sizeof(*a));
	a->addr.family = NET_AF_INET;
	a->addr.v4 = (uint32_t)sin.addr[0] << 24 | (uint32_t)sin.addr[1] << 16 |
		     (uint32_t)sin.addr[2] << 8 | sin.addr[3];
	a->port = (uint16_t)(sin.port[0] << 8 | sin.port[1]);
	return 0;
}

/* a as a sockaddr_in. */
static void addr_out(struct sock_addr *sa, const struct net_sockaddr *a)
{
	struct sockaddr_in_k sin = { .family = AF_INET };

	sin.port[0] = (uint8_t)(a->port >> 8);
	sin.port[1] = (uint8_t)a->port;
	for (int i = 0; i < 4; i++)
		sin.addr[i] = (uint8_t)(a->addr.v4 >> (24 - 8 * i));
	memcpy(sa->b, &sin, sizeof(sin));
	sa->len = sizeof(sin);
}

/*
 * Runs op with the stack locked (interrupts off) until it stops saying
 * -EAGAIN, sleeping between tries (and running the stack's timers) until
 * `until` (sock_until: nonblocking, forever or a deadline), when it gives
 * -EAGAIN. A signal ends the wait with sock_sleep's -ERESTARTSYS or -EINTR.
 */
static long net_wait(uint64_t until, long (*op)(struct net_stack *, void *),
		     void *arg)
{
	struct net_stack *st = netdev_stack();
	uint64_t fl;
	long r;

	if (!st)
		return -ENETDOWN;
	fl = irq_save();
	for (;;) {
		uint64_t next, wake;
		int s;

		net_poll(st);
		r = op(st, arg);
		if (r != -EAGAIN || until == SOCK_NOWAIT)
			break;
		if (until != SOCK_FOREVER && time_now_ns() >= until)
			break; /* -EAGAIN: the caller's timeout */
		next = net_next_deadline(st);
		wake = next == UINT64_MAX ? 0 : next * 1000000 + 1;
		if (until != SOCK_FOREVER && (!wake || until < wake))
			wake = until;
		s = sleep_on(&netdev_chan, wake);
		if (s == -EINTR) {
			r = until == SOCK_FOREVER ? -ERESTARTSYS : -EINTR;
			break;
		}
	}
	netdev_rearm(); /* op may have set a deadline: a SYN, data in flight */
	irq_restore(fl);
	return r;
}

static void sock_wake(void)
{
	wake_up(&netdev_chan);
	poll_wake();
}

/* ---- socket, bind, listen, accept, connect ---- */

/* A file for sk (taking it), or -ENOMEM with sk closed and freed. */
static int sock_file(struct sock *sk, uint32_t flags, struct file **f_r)
{
	struct inode *ino = inode_new(S_IFSOCK | 0777);
	struct file *f = ino ? file_new(ino, O_RDWR | flags) : NULL;

	if (!f) {
		struct net_stack *st = netdev_stack();
		uint64_t fl = irq_save();

		if (sk->tcp)
			net_tcp_close(st, sk->h);
		else
			net_dgram_close(st, sk->h);
		irq_restore(fl);
		kfree(sk);
		kfree(ino);
		return -ENOMEM;
	}
	f->ops = &sock_fops;
	f->priv = sk;
	*f_r = f;
	return 0;
}

static int inet_socket(int type, int proto, uint32_t flags, struct file **f_r)
{
	struct net_stack *st = netdev_stack();
	struct sock *sk;
	uint64_t fl;
	int h;

	if (type == SOCK_STREAM && (proto == 0 || proto == NET_PROTO_TCP))
		proto = NET_PROTO_TCP;
	else if (type == SOCK_DGRAM && (proto == 0 || proto == NET_PROTO_UDP))
		proto = NET_PROTO_UDP;
	else if (type != SOCK_DGRAM || proto != NET_PROTO_ICMP)
		return -EPROTONOSUPPORT;
	if (!st)
		return -ENETDOWN; /* no interface: the pod has no network */
	sk = kzalloc(sizeof(*sk));
	if (!sk)
		return -ENOMEM;
	fl = irq_save();
	h = proto == NET_PROTO_TCP ? net_tcp_open(st) :
				     net_dgram_open(st, proto);
	irq_restore(fl);
	if (h < 0) {
		kfree(sk);
		return h;
	}
	sk->tcp = proto == NET_PROTO_TCP;
	sk->proto = proto;
	sk->h = h;
	return sock_file(sk, flags, f_r);
}

static int inet_bind(struct file *f, const struct sock_addr *sa)
{
	struct sock *sk = sock_of(f);
	struct net_sockaddr na;
	uint64_t fl;
	int rc = addr_in(sa, &na);

	if (rc)
		return rc;
	fl = irq_save();
	rc = sk->tcp ? net_tcp_bind(netdev_stack(), sk->h, &na) :
		       net_dgram_bind(netdev_stack(), sk->h, &na);
	irq_restore(fl);
	return rc;
}

static int inet_listen(struct file *f, int backlog)
{
	struct sock *sk = sock_of(f);
	uint64_t fl;
	int rc;

	if (!sk->tcp)
		return -EOPNOTSUPP;
	fl = irq_save();
	rc = net_tcp_listen(netdev_stack(), sk->h, backlog);
	irq_restore(fl);
	return rc;
}

static long accept_op(struct net_stack *st, void *arg)
{
	return net_tcp_accept(st, *(int *)arg);
}

static int inet_accept(struct file *f, uint32_t flags, struct file **nf_r,
		       struct sock_addr *peer)
{
	struct sock *sk = sock_of(f), *nsk;
	struct net_sockaddr na;
	uint64_t fl;
	long rc;
	int h;

	if (!sk->tcp)
		return -EOPNOTSUPP;
	nsk = kzalloc(sizeof(*nsk));
	if (!nsk)
		return -ENOMEM;
	h = sk->h;
	rc = net_wait(sock_until(f->flags & O_NONBLOCK, sk->timeo.rcv),
		      accept_op, &h);
	if (rc < 0) {
		kfree(nsk);
		return (int)rc;
	}
	nsk->tcp = true;
	nsk->proto = NET_PROTO_TCP;
	nsk->timeo = sk->timeo; /* Linux clones the listener's */
	nsk->h = (int)rc;
	fl = irq_save();
	net_tcp_name(netdev_stack(), nsk->h, NULL, &na);
	irq_restore(fl);
	addr_out(peer, &na);
	return sock_file(nsk, flags, nf_r);
}

static long connected_op(struct net_stack *st, void *arg)
{
	int h = *(int *)arg, s = net_tcp_state(st, h), e;

	if (s == NET_TCP_SYN_SENT || s == NET_TCP_SYN_RECEIVED)
		return -EAGAIN;
	e = net_tcp_error(st, h);
	return e ? -e : s == NET_TCP_CLOSED ? -ECONNREFUSED : 0;
}

static int inet_connect(struct file *f, const struct sock_addr *sa)
{
	struct sock *sk = sock_of(f);
	struct net_sockaddr na;
	uint64_t fl;
	long rc = addr_in(sa, &na);
	int h;

	if (rc)
		return (int)rc;
	fl = irq_save();
	rc = sk->tcp ? net_tcp_connect(netdev_stack(), sk->h, &na) :
		       net_dgram_connect(netdev_stack(), sk->h, &na);
	netdev_rearm(); /* the SYN's retransmission */
	irq_restore(fl);
	if (rc == -EINPROGRESS && !(f->flags & O_NONBLOCK)) {
		h = sk->h;
		rc = net_wait(sock_until(false, sk->timeo.snd), connected_op,
			      &h);
		if (rc == -EAGAIN)
			rc = -EINPROGRESS; /* SO_SNDTIMEO passed: Linux says so */
	}
	return (int)rc;
}

/* ---- data ---- */

struct xfer {
	struct sock *sk;
	uint8_t *buf;
	size_t len;
	int flags;
	const struct net_sockaddr *to;
	struct net_sockaddr from;
};

static long send_op(struct net_stack *st, void *arg)
{
	struct xfer *x = arg;

	if (x->sk->tcp)
		return net_tcp_send(st, x->sk->h, x->buf, x->len);
	return net_dgram_send(st, x->sk->h, x->buf, x->len, x->to);
}

static long recv_op(struct net_stack *st, void *arg)
{
	struct xfer *x = arg;

	if (x->sk->tcp)
		return net_tcp_recv(st, x->sk->h, x->buf, x->len, x->flags);
	return net_dgram_recv(st, x->sk->h, x->buf, x->len, x->flags, &x->from);
}

static long do_send(struct file *f, const struct uio *u, int flags,
		    const struct net_sockaddr *to)
{
	struct sock *sk = sock_of(f);
	uint64_t until =
		sock_until((f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT),
			   sk->timeo.snd);
	struct xfer x = { .sk = sk, .to = to };
	size_t done = 0, n = u->total;
	long r = 0;

	if (!sk->tcp && n > NET_DGRAM_MAX)
		return -EMSGSIZE;
	x.buf = kmalloc(CHUNK < n ? CHUNK : (n ? n : 1));
	if (!x.buf)
		return -ENOMEM;
	while (done < n || (!n && !done && !sk->tcp)) {
		x.len = n - done < CHUNK ? n - done : CHUNK;
		if (uio_copy(u, done, x.buf, x.len, false)) {
			r = -EFAULT;
			break;
		}
		r = net_wait(until, send_op, &x);
		if (r <= 0)
			break;
		done += (size_t)r;
		if (!sk->tcp)
			break;
	}
	kfree(x.buf);
	if (r == -EPIPE && !(flags & MSG_NOSIGNAL))
		signal_send(current, SIGPIPE, current->pid);
	return done ? (long)done : r;
}

/* One receive into u; a datagram's sender in *from. */
static long do_recv(struct file *f, const struct uio *u, int flags,
		    struct net_sockaddr *from)
{
	struct sock *sk = sock_of(f);
	struct xfer x = { .sk = sk,
			  .flags = flags & MSG_PEEK ? NET_MSG_PEEK : 0 };
	size_t n = u->total;
	long r;

	x.len = n < CHUNK ? n : CHUNK;
	if (!sk->tcp)
		x.len = n < NET_DGRAM_MAX ? n : NET_DGRAM_MAX;
	x.buf = kmalloc(x.len ? x.len : 1);
	if (!x.buf)
		return -ENOMEM;
	r = net_wait(sock_until((f->flags & O_NONBLOCK) ||
					(flags & MSG_DONTWAIT),
				sk->timeo.rcv),
		     recv_op, &x);
	if (r > 0) {
		size_t copy = (size_t)r < x.len ? (size_t)r : x.len;

		if (uio_copy(u, 0, x.buf, copy, true))
			r = -EFAULT;
		else if (sk->tcp || !(flags & MSG_TRUNC))
			r = (long)copy;
	}
	if (from)
		*from = x.from;
	kfree(x.buf);
	return r;
}

static long inet_sendmsg(struct file *f, struct sock_msg *m, int flags)
{
	struct sock *sk = sock_of(f);
	struct net_sockaddr to;
	int rc;

	if (m->controllen)
		return -EOPNOTSUPP; /* no ancillary data on AF_INET sockets */
	if (!m->name.len || sk->tcp)
		return do_send(f, &m->data, flags, NULL);
	rc = addr_in(&m->name, &to);
	return rc ? rc : do_send(f, &m->data, flags, &to);
}

static long inet_recvmsg(struct file *f, struct sock_msg *m, int flags)
{
	struct net_sockaddr from;
	long r = do_recv(f, &m->data, flags, &from);

	if (r >= 0 && !sock_of(f)->tcp)
		addr_out(&m->name, &from);
	m->controllen = 0;
	return r;
}

static long sock_read(struct file *f, void *ubuf, size_t n)
{
	struct iovec_u v = { (uint64_t)ubuf, n };
	struct uio u = { &v, 1, n };

	return do_recv(f, &u, 0, NULL);
}

static long sock_write(struct file *f, const void *ubuf, size_t n)
{
	struct iovec_u v = { (uint64_t)ubuf, n };
	struct uio u = { &v, 1, n };

	return do_send(f, &u, 0, NULL);
}

static unsigned sock_poll(struct file *f)
{
	struct sock *sk = sock_of(f);
	struct net_stack *st = netdev_stack();
	uint64_t fl = irq_save();
	int m;

	netdev_poll();
	m = sk->tcp ? net_tcp_poll(st, sk->h) : net_dgram_poll(st, sk->h);
	irq_restore(fl);
	return m < 0 ? POLLERR : (unsigned)m; /* NET_POLL* are Linux's values */
}

static void sock_release(struct file *f)
{
	struct sock *sk = sock_of(f);
	struct net_stack *st = netdev_stack();
	uint64_t fl;

	if (!sk)
		return;
	fl = irq_save();
	if (!sk->tcp)
		net_dgram_close(st, sk->h);
	else if (sk->linger0)
		net_tcp_abort(st, sk->h);
	else
		net_tcp_close(st, sk->h);
	netdev_rearm(); /* the FIN's retransmission, TIME-WAIT */
	irq_restore(fl);
	f->priv = NULL;
	kfree(sk);
	sock_wake();
}

static const struct file_ops sock_fops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.release = sock_release,
	.wait_chan = &netdev_chan,
};

/* ---- shutdown, names, options ---- */

static int inet_shutdown(struct file *f, int how)
{
	struct sock *sk = sock_of(f);
	uint64_t fl = irq_save();
	int rc = sk->tcp ? net_tcp_shutdown(netdev_stack(), sk->h, how) :
			   -ENOTCONN;

	netdev_rearm();
	irq_restore(fl);
	sock_wake();
	return rc;
}

static int inet_name(struct file *f, bool peer, struct sock_addr *sa)
{
	struct sock *sk = sock_of(f);
	struct net_sockaddr na;
	uint64_t fl = irq_save();
	int rc = sk->tcp ? net_tcp_name(netdev_stack(), sk->h,
					peer ? NULL : &na, peer ? &na : NULL) :
			   net_dgram_name(netdev_stack(), sk->h,
					  peer ? NULL : &na, peer ? &na : NULL);

	irq_restore(fl);
	if (!rc)
		addr_out(sa, &na);
	return rc;
}

/* The stack's option for (level, name), or -1. */
static int tcp_opt(int level, int name)
{
	if (level == SOL_SOCKET && name == SO_REUSEADDR)
		return NET_TCPOPT_REUSEADDR;
	if (level == SOL_SOCKET && name == SO_KEEPALIVE)
		return NET_TCPOPT_KEEPALIVE;
	if (level == IPPROTO_IP && name == IP_TTL)
		return NET_TCPOPT_TTL;
	if (level != IPPROTO_TCP)
		return -1;
	switch (name) {
	case TCP_NODELAY:
		return NET_TCPOPT_NODELAY;
	case TCP_MAXSEG:
		return NET_TCPOPT_MAXSEG;
	case TCP_KEEPIDLE:
		return NET_TCPOPT_KEEPIDLE;
	case TCP_KEEPINTVL:
		return NET_TCPOPT_KEEPINTVL;
	case TCP_KEEPCNT:
		return NET_TCPOPT_KEEPCNT;
	}
	return -1;
}

static int inet_setsockopt(struct file *f, int level, int name, const void *v,
			   uint32_t len)
{
	struct sock *sk = sock_of(f);
	int val[2], opt = tcp_opt(level, name), rc = 0;
	uint64_t fl;

	if (len < sizeof(int))
		return -EINVAL;
	memcpy(val, v, sizeof(val));
	fl = irq_save();
	if (level == SOL_SOCKET && name == SO_LINGER) {
		if (len < 8)
			rc = -EINVAL;
		else
			sk->linger0 = val[0] && !val[1];
	} else if (level == SOL_SOCKET && name == SO_REUSEPORT) {
		/* One socket per port is all the stack has: only REUSEADDR's
		 * rebinding is offered, and said so. */
		rc = val[0] ? -ENOPROTOOPT : 0;
	} else if (sk->tcp && opt >= 0) {
		rc = net_tcp_setopt(netdev_stack(), sk->h,
				    (enum net_tcp_opt)opt, val[0]);
	} else if (!sk->tcp && level == IPPROTO_IP && name == IP_TTL) {
		rc = net_dgram_set_ttl(netdev_stack(), sk->h, val[0]);
	} else if (level == SOL_SOCKET &&
		   (name == SO_REUSEADDR || name == SO_KEEPALIVE)) {
		rc = 0; /* meaningless for datagrams, as on Linux */
	} else {
		rc = -ENOPROTOOPT;
	}
	irq_restore(fl);
	return rc;
}

static struct sock_timeo *inet_timeo(struct file *f)
{
	return &sock_of(f)->timeo;
}

static int inet_getsockopt(struct file *f, int level, int name, void *val,
			   uint32_t *len)
{
	struct sock *sk = sock_of(f);
	int v = 0, opt = tcp_opt(level, name), rc = 0;
	uint64_t fl = irq_save();

	if (level == SOL_SOCKET && name == SO_ERROR)
		v = sk->tcp ? net_tcp_error(netdev_stack(), sk->h) : 0;
	else if (level == SOL_SOCKET && name == SO_TYPE)
		v = sk->tcp ? SOCK_STREAM : SOCK_DGRAM;
	else if (level == SOL_SOCKET && name == SO_SNDBUF)
		v = sk->tcp ? NET_TCP_SNDBUF : NET_DGRAM_MAX;
	else if (level == SOL_SOCKET && name == SO_RCVBUF)
		v = sk->tcp ? NET_TCP_RCVBUF : NET_DGRAM_QLEN * NET_DGRAM_MAX;
	else if (sk->tcp && opt >= 0)
		rc = net_tcp_getopt(netdev_stack(), sk->h,
				    (enum net_tcp_opt)opt, &v);
	else
		rc = -ENOPROTOOPT;
	irq_restore(fl);
	return rc ? rc : opt_int(val, len, v);
}

const struct sock_family inet_family = {
	.family = AF_INET,
	.fops = &sock_fops,
	.socket = inet_socket,
	.bind = inet_bind,
	.listen = inet_listen,
	.accept = inet_accept,
	.connect = inet_connect,
	.sendmsg = inet_sendmsg,
	.recvmsg = inet_recvmsg,
	.shutdown = inet_shutdown,
	.name = inet_name,
	.setsockopt = inet_setsockopt,
	.getsockopt = inet_getsockopt,
	.timeo = inet_timeo,
};
