/* SPDX-License-Identifier: MIT */
/* sys_net.c: AF_INET sockets (TCP, UDP, ICMP echo) on the guest stack: the socket system calls. */
#include "arch/cpu.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/netdev.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/string.h"
#include "net/errno.h"
#include "net/net.h"

#define AF_INET 2
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000
#define MSG_PEEK 0x2
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_NOSIGNAL 0x4000
#define SOL_SOCKET 1
#define IPPROTO_IP 0
#define IPPROTO_TCP 6
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_SNDBUF 7
#define SO_RCVBUF 8
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
};

static struct sock *sock_of(struct file *f)
{
	return f->priv ? (struct sock *)f->priv : NULL;
}

static const struct file_ops sock_fops;

/* The socket behind fd, with a reference the caller drops with file_put. */
static int sock_fd(int fd, struct file **f_r, struct sock **s_r)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	if (f->ops != &sock_fops)
		return -ENOTSOCK;
	/* fd_get lends the table's reference: hold our own while we may sleep
	 * (another thread may close the fd meanwhile). */
	file_get(f);
	*f_r = f;
	*s_r = sock_of(f);
	return 0;
}

static int addr_in(uint64_t uaddr, uint64_t len, struct net_sockaddr *a)
{
	struct sockaddr_in_k sin;

	if (len < 8 || len > 128)
		return -EINVAL;
	if (copy_from_user(&sin, (const void *)uaddr, 8))
		return -EFAULT;
	if (sin.family != AF_INET)
		return -EAFNOSUPPORT;
	memset(a, 0, sizeof(*a));
	a->addr.family = NET_AF_INET;
	a->addr.v4 = (uint32_t)sin.addr[0] << 24 | (uint32_t)sin.addr[1] << 16 |
		     (uint32_t)sin.addr[2] << 8 | sin.addr[3];
	a->port = (uint16_t)(sin.port[0] << 8 | sin.port[1]);
	return 0;
}

/* Write a sockaddr_in to (uaddr, *ulen), as much as fits; *ulen gets its full size. */
static int addr_out(uint64_t uaddr, uint64_t ulen, const struct net_sockaddr *a)
{
	struct sockaddr_in_k sin = { .family = AF_INET };
	uint32_t len, full = sizeof(sin);

	if (!uaddr)
		return 0;
	if (copy_from_user(&len, (const void *)ulen, sizeof(len)))
		return -EFAULT;
	if ((int32_t)len < 0)
		return -EINVAL;
	sin.port[0] = (uint8_t)(a->port >> 8);
	sin.port[1] = (uint8_t)a->port;
	for (int i = 0; i < 4; i++)
		sin.addr[i] = (uint8_t)(a->addr.v4 >> (24 - 8 * i));
	if (copy_to_user((void *)uaddr, &sin, len < full ? len : full) ||
	    copy_to_user((void *)ulen, &full, sizeof(full)))
		return -EFAULT;
	return 0;
}

/*
 * Runs op with the stack locked (interrupts off) until it stops saying
 * -EAGAIN, sleeping between tries (and running the stack's timers) unless
 * nonblocking. A signal ends the wait with -ERESTARTSYS.
 */
static long net_wait(bool nonblock, long (*op)(struct net_stack *, void *),
		     void *arg)
{
	struct net_stack *st = netdev_stack();
	uint64_t fl;
	long r;

	if (!st)
		return -ENETDOWN;
	fl = irq_save();
	for (;;) {
		uint64_t next;

		net_poll(st);
		r = op(st, arg);
		if (r != -EAGAIN || nonblock)
			break;
		next = net_next_deadline(st);
		if (sleep_on(&netdev_chan,
			     next == UINT64_MAX ? 0 : next * 1000000 + 1) ==
		    -EINTR) {
			r = -ERESTARTSYS;
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

static int sock_install(struct sock *sk, uint32_t flags, bool cloexec)
{
	struct inode *ino = inode_new(S_IFSOCK | 0777);
	struct file *f = ino ? file_new(ino, O_RDWR | flags) : NULL;
	int fd;

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
	fd = fd_install(f, 0, cloexec);
	if (fd < 0)
		file_put(f); /* releases sk */
	return fd;
}

static long sys_socket(const struct sysargs *a)
{
	int domain = (int)a->arg[0], type = (int)a->arg[1] & SOCK_TYPE_MASK;
	int proto = (int)a->arg[2], h;
	uint64_t flags = a->arg[1] & ~(uint64_t)SOCK_TYPE_MASK;
	struct net_stack *st = netdev_stack();
	struct sock *sk;
	uint64_t fl;

	if (domain != AF_INET)
		return -EAFNOSUPPORT;
	if (flags & ~(uint64_t)(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
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
	return sock_install(sk, flags & SOCK_NONBLOCK, flags & SOCK_CLOEXEC);
}

static long sys_bind(const struct sysargs *a)
{
	struct net_sockaddr na;
	struct file *f;
	struct sock *sk;
	uint64_t fl;
	long rc = sock_fd((int)a->arg[0], &f, &sk);

	if (rc)
		return rc;
	rc = addr_in(a->arg[1], a->arg[2], &na);
	if (!rc) {
		fl = irq_save();
		rc = sk->tcp ? net_tcp_bind(netdev_stack(), sk->h, &na) :
			       net_dgram_bind(netdev_stack(), sk->h, &na);
		irq_restore(fl);
	}
	file_put(f);
	return rc;
}

static long sys_listen(const struct sysargs *a)
{
	struct file *f;
	struct sock *sk;
	uint64_t fl;
	long rc = sock_fd((int)a->arg[0], &f, &sk);

	if (rc)
		return rc;
	if (!sk->tcp) {
		rc = -EOPNOTSUPP;
	} else {
		fl = irq_save();
		rc = net_tcp_listen(netdev_stack(), sk->h, (int)a->arg[1]);
		irq_restore(fl);
	}
	file_put(f);
	return rc;
}

static long accept_op(struct net_stack *st, void *arg)
{
	return net_tcp_accept(st, *(int *)arg);
}

static long sys_accept4(const struct sysargs *a)
{
	struct net_sockaddr peer;
	struct sock *sk, *nsk;
	struct file *f;
	uint64_t fl, flags = a->arg[3];
	int h, fd;
	long rc = sock_fd((int)a->arg[0], &f, &sk);

	if (rc)
		return rc;
	if (flags & ~(uint64_t)(SOCK_NONBLOCK | SOCK_CLOEXEC) || !sk->tcp) {
		file_put(f);
		return sk->tcp ? -EINVAL : -EOPNOTSUPP;
	}
	nsk = kzalloc(sizeof(*nsk));
	if (!nsk) {
		file_put(f);
		return -ENOMEM;
	}
	h = sk->h;
	rc = net_wait(f->flags & O_NONBLOCK, accept_op, &h);
	file_put(f);
	if (rc < 0) {
		kfree(nsk);
		return rc;
	}
	nsk->tcp = true;
	nsk->proto = NET_PROTO_TCP;
	nsk->h = (int)rc;
	fl = irq_save();
	net_tcp_name(netdev_stack(), nsk->h, NULL, &peer);
	irq_restore(fl);
	fd = sock_install(nsk, flags & SOCK_NONBLOCK, flags & SOCK_CLOEXEC);
	if (fd >= 0 && addr_out(a->arg[1], a->arg[2], &peer)) {
		fd_close(fd);
		return -EFAULT;
	}
	return fd;
}

static long sys_accept(const struct sysargs *a)
{
	struct sysargs b = *a;

	b.arg[3] = 0;
	return sys_accept4(&b);
}

static long connected_op(struct net_stack *st, void *arg)
{
	int h = *(int *)arg, s = net_tcp_state(st, h), e;

	if (s == NET_TCP_SYN_SENT || s == NET_TCP_SYN_RECEIVED)
		return -EAGAIN;
	e = net_tcp_error(st, h);
	return e ? -e : s == NET_TCP_CLOSED ? -ECONNREFUSED : 0;
}

static long sys_connect(const struct sysargs *a)
{
	struct net_sockaddr na;
	struct file *f;
	struct sock *sk;
	uint64_t fl;
	long rc = sock_fd((int)a->arg[0], &f, &sk);
	int h;

	if (rc)
		return rc;
	rc = addr_in(a->arg[1], a->arg[2], &na);
	if (rc)
		goto out;
	fl = irq_save();
	rc = sk->tcp ? net_tcp_connect(netdev_stack(), sk->h, &na) :
		       net_dgram_connect(netdev_stack(), sk->h, &na);
	netdev_rearm(); /* the SYN's retransmission */
	irq_restore(fl);
	if (rc == -EINPROGRESS && !(f->flags & O_NONBLOCK)) {
		h = sk->h;
		rc = net_wait(false, connected_op, &h);
	}
out:
	file_put(f);
	return rc;
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

/* User memory as an iovec array (send/recv: one element; sendmsg/recvmsg: the caller's). */
struct iovec_u {
	uint64_t base, len;
};

struct uio {
	const struct iovec_u *iov;
	int cnt;
	size_t total;
};

/* Copies len bytes between kbuf and the uio from byte off on; -EFAULT on a bad address. */
static int uio_copy(const struct uio *u, size_t off, uint8_t *kbuf, size_t len,
		    bool out)
{
	for (int i = 0; i < u->cnt && len; i++) {
		size_t n;

		if (off >= u->iov[i].len) {
			off -= u->iov[i].len;
			continue;
		}
		n = u->iov[i].len - off < len ? u->iov[i].len - off : len;
		if (out ? copy_to_user((void *)(u->iov[i].base + off), kbuf,
				       n) :
			  copy_from_user(kbuf,
					 (const void *)(u->iov[i].base + off),
					 n))
			return -EFAULT;
		kbuf += n;
		len -= n;
		off = 0;
	}
	return 0;
}

static long do_send(struct file *f, const struct uio *u, int flags,
		    const struct net_sockaddr *to)
{
	struct sock *sk = sock_of(f);
	bool nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
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
		r = net_wait(nonblock, send_op, &x);
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
	r = net_wait((f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT), recv_op,
		     &x);
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

static long send_user(struct file *f, uint64_t ubuf, size_t n, int flags,
		      const struct net_sockaddr *to)
{
	struct iovec_u v = { ubuf, n };
	struct uio u = { &v, 1, n };

	return do_send(f, &u, flags, to);
}

static long recv_user(struct file *f, uint64_t ubuf, size_t n, int flags,
		      uint64_t uaddr, uint64_t ulen)
{
	struct iovec_u v = { ubuf, n };
	struct uio u = { &v, 1, n };
	struct net_sockaddr from;
	long r = do_recv(f, &u, flags, &from);

	if (r >= 0 && !sock_of(f)->tcp && uaddr && addr_out(uaddr, ulen, &from))
		r = -EFAULT;
	return r;
}

/* struct msghdr of x86-64 Linux. */
struct msghdr_k {
	uint64_t name;
	uint32_t namelen, pad;
	uint64_t iov, iovlen, control, controllen;
	int32_t flags, pad2;
};

#define IOV_MAX_K 1024

/* The msghdr at umsg and its iovecs (kmalloc'd into *iov_r); no ancillary data. */
static int msg_in(uint64_t umsg, struct msghdr_k *m, struct uio *u)
{
	struct iovec_u *iov;

	if (copy_from_user(m, (const void *)umsg, sizeof(*m)))
		return -EFAULT;
	if (m->iovlen > IOV_MAX_K)
		return -EMSGSIZE;
	iov = kmalloc(m->iovlen ? m->iovlen * sizeof(*iov) : 1);
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(iov, (const void *)m->iov,
			   m->iovlen * sizeof(*iov))) {
		kfree(iov);
		return -EFAULT;
	}
	u->iov = iov;
	u->cnt = (int)m->iovlen;
	u->total = 0;
	for (int i = 0; i < u->cnt; i++) {
		if (iov[i].len > 0x7ffff000 ||
		    u->total + iov[i].len > 0x7ffff000) {
			kfree(iov);
			return -EINVAL;
		}
		u->total += iov[i].len;
	}
	return 0;
}

static long sys_sendmsg(const struct sysargs *a)
{
	struct net_sockaddr to;
	struct msghdr_k m;
	struct file *f;
	struct sock *sk;
	struct uio u;
	long rc = sock_fd((int)a->arg[0], &f, &sk);

	if (rc)
		return rc;
	rc = msg_in(a->arg[1], &m, &u);
	if (rc) {
		file_put(f);
		return rc;
	}
	if (m.controllen)
		rc = -EOPNOTSUPP; /* no ancillary data on AF_INET sockets yet */
	else if (m.name && !sk->tcp && !(rc = addr_in(m.name, m.namelen, &to)))
		rc = do_send(f, &u, (int)a->arg[2], &to);
	else if (!rc)
		rc = do_send(f, &u, (int)a->arg[2], NULL);
	kfree((void *)u.iov);
	file_put(f);
	return rc;
}

static long sys_recvmsg(const struct sysargs *a)
{
	struct net_sockaddr from;
	struct msghdr_k m;
	struct file *f;
	struct sock *sk;
	struct uio u;
	long rc = sock_fd((int)a->arg[0], &f, &sk);

	if (rc)
		return rc;
	rc = msg_in(a->arg[1], &m, &u);
	if (rc) {
		file_put(f);
		return rc;
	}
	rc = do_recv(f, &u, (int)a->arg[2], &from);
	kfree((void *)u.iov);
	file_put(f);
	if (rc < 0)
		return rc;
	if (m.name && !sk->tcp) {
		struct msghdr_k *um = (struct msghdr_k *)a->arg[1];

		if (addr_out(m.name, (uint64_t)&um->namelen, &from))
			return -EFAULT;
	} else if (m.name) {
		uint32_t zero = 0;

		if (copy_to_user(&((struct msghdr_k *)a->arg[1])->namelen,
				 &zero, sizeof(zero)))
			return -EFAULT;
	}
	m.controllen = 0;
	m.flags = 0;
	if (copy_to_user(&((struct msghdr_k *)a->arg[1])->controllen,
			 &m.controllen, sizeof(m.controllen)) ||
	    copy_to_user(&((struct msghdr_k *)a->arg[1])->flags, &m.flags,
			 sizeof(m.flags)))
		return -EFAULT;
	return rc;
}

static long sys_sendto(const struct sysargs *a)
{
	struct net_sockaddr to;
	struct file *f;
	struct sock *sk;
	long rc = sock_fd((int)a->arg[0], &f, &sk);

	if (rc)
		return rc;
	if (a->arg[4] && !sk->tcp) {
		rc = addr_in(a->arg[4], a->arg[5], &to);
		if (!rc)
			rc = send_user(f, a->arg[1], a->arg[2], (int)a->arg[3],
				       &to);
	} else {
		rc = send_user(f, a->arg[1], a->arg[2], (int)a->arg[3], NULL);
	}
	file_put(f);
	return rc;
}

static long sys_recvfrom(const struct sysargs *a)
{
	struct file *f;
	struct sock *sk;
	long rc = sock_fd((int)a->arg[0], &f, &sk);

	if (rc)
		return rc;
	rc = recv_user(f, a->arg[1], a->arg[2], (int)a->arg[3], a->arg[4],
		       a->arg[5]);
	file_put(f);
	return rc;
}

static long sock_read(struct file *f, void *ubuf, size_t n)
{
	return recv_user(f, (uint64_t)ubuf, n, 0, 0, 0);
}

static long sock_write(struct file *f, const void *ubuf, size_t n)
{
	return send_user(f, (uint64_t)ubuf, n, 0, NULL);
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

static long sys_shutdown(const struct sysargs *a)
{
	struct file *f;
	struct sock *sk;
	uint64_t fl;
	long rc = sock_fd((int)a->arg[0], &f, &sk);

	if (rc)
		return rc;
	fl = irq_save();
	rc = sk->tcp ? net_tcp_shutdown(netdev_stack(), sk->h, (int)a->arg[1]) :
		       -ENOTCONN;
	netdev_rearm();
	irq_restore(fl);
	file_put(f);
	sock_wake();
	return rc;
}

static long get_name(const struct sysargs *a, bool peer)
{
	struct net_sockaddr na;
	struct file *f;
	struct sock *sk;
	uint64_t fl;
	long rc = sock_fd((int)a->arg[0], &f, &sk);

	if (rc)
		return rc;
	fl = irq_save();
	rc = sk->tcp ? net_tcp_name(netdev_stack(), sk->h, peer ? NULL : &na,
				    peer ? &na : NULL) :
		       net_dgram_name(netdev_stack(), sk->h, peer ? NULL : &na,
				      peer ? &na : NULL);
	irq_restore(fl);
	file_put(f);
	if (!rc && !a->arg[1])
		return -EFAULT;
	return rc ? rc : addr_out(a->arg[1], a->arg[2], &na);
}

static long sys_getsockname(const struct sysargs *a)
{
	return get_name(a, false);
}

static long sys_getpeername(const struct sysargs *a)
{
	return get_name(a, true);
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

static long sys_setsockopt(const struct sysargs *a)
{
	int level = (int)a->arg[1], name = (int)a->arg[2], val[2] = { 0, 0 };
	struct file *f;
	struct sock *sk;
	uint64_t fl;
	long rc = sock_fd((int)a->arg[0], &f, &sk);
	int opt;

	if (rc)
		return rc;
	rc = a->arg[4] < sizeof(int) ? -EINVAL :
	     copy_from_user(val, (const void *)a->arg[3],
			    a->arg[4] >= 8 ? 8 : sizeof(int)) ?
				       -EFAULT :
				       0;
	opt = tcp_opt(level, name);
	fl = irq_save();
	if (rc) {
		/* rc stands */
	} else if (level == SOL_SOCKET && name == SO_LINGER) {
		if (a->arg[4] < 8)
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
	file_put(f);
	return rc;
}

static long sys_getsockopt(const struct sysargs *a)
{
	int level = (int)a->arg[1], name = (int)a->arg[2], v = 0;
	struct file *f;
	struct sock *sk;
	uint32_t len;
	uint64_t fl;
	long rc = sock_fd((int)a->arg[0], &f, &sk);
	int opt;

	if (rc)
		return rc;
	if (copy_from_user(&len, (const void *)a->arg[4], sizeof(len))) {
		file_put(f);
		return -EFAULT;
	}
	opt = tcp_opt(level, name);
	fl = irq_save();
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
	file_put(f);
	if (rc)
		return rc;
	if ((int32_t)len < 0)
		return -EINVAL;
	len = len < sizeof(int) ? len : sizeof(int);
	if (copy_to_user((void *)a->arg[3], &v, len) ||
	    copy_to_user((void *)a->arg[4], &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

void sys_net_register(sys_fn *t)
{
	t[NR_socket] = sys_socket;
	t[NR_bind] = sys_bind;
	t[NR_listen] = sys_listen;
	t[NR_accept] = sys_accept;
	t[NR_accept4] = sys_accept4;
	t[NR_connect] = sys_connect;
	t[NR_sendto] = sys_sendto;
	t[NR_recvfrom] = sys_recvfrom;
	t[NR_sendmsg] = sys_sendmsg;
	t[NR_recvmsg] = sys_recvmsg;
	t[NR_shutdown] = sys_shutdown;
	t[NR_getsockname] = sys_getsockname;
	t[NR_getpeername] = sys_getpeername;
	t[NR_setsockopt] = sys_setsockopt;
	t[NR_getsockopt] = sys_getsockopt;
}
