/* SPDX-License-Identifier: MIT */
/* sys_net.c: the socket system calls: user arguments in and out, dispatched to the socket's family (sock.h). */
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/sock.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/string.h"
#include "net/errno.h"

/* Linux's limits: iovecs per message, bytes per call, option bytes read. */
#define IOV_MAX_K 1024
#define IO_MAX 0x7ffff000
#define OPT_MAX 64

static const struct sock_family *const families[] = { &inet_family,
						      &unix_family };

static const struct sock_family *family_of_domain(int domain)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i]->family == domain)
			return families[i];
	return NULL;
}

/* The socket behind fd and its family, with a reference the caller drops
 * with file_put. */
static int sock_fd(int fd, struct file **f_r, const struct sock_family **fam_r)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if (f->ops != families[i]->fops)
			continue;
		/* fd_get lends the table's reference: hold our own while we
		 * may sleep (another thread may close the fd meanwhile). */
		file_get(f);
		*f_r = f;
		*fam_r = families[i];
		return 0;
	}
	return -ENOTSOCK;
}

int uio_copy(const struct uio *u, size_t off, uint8_t *kbuf, size_t len,
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

static int addr_in(uint64_t uaddr, uint64_t len, struct sock_addr *a)
{
	if (len > SOCK_ADDR_MAX)
		return -EINVAL;
	if (len && copy_from_user(a->b, (const void *)uaddr, len))
		return -EFAULT;
	a->len = (uint32_t)len;
	return 0;
}

/* Writes a to (uaddr, *ulen), as much as fits; *ulen gets its full size. */
static int addr_out(uint64_t uaddr, uint64_t ulen, const struct sock_addr *a)
{
	uint32_t len;

	if (!uaddr)
		return 0;
	if (copy_from_user(&len, (const void *)ulen, sizeof(len)))
		return -EFAULT;
	if ((int32_t)len < 0)
		return -EINVAL;
	if (copy_to_user((void *)uaddr, a->b, len < a->len ? len : a->len) ||
	    copy_to_user((void *)ulen, &a->len, sizeof(a->len)))
		return -EFAULT;
	return 0;
}

/* ---- socket, socketpair, bind, listen, accept, connect ---- */

static int sock_type_flags(uint64_t type, uint32_t *flags_r)
{
	uint64_t flags = type & ~(uint64_t)SOCK_TYPE_MASK;

	if (flags & ~(uint64_t)(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	*flags_r = flags & SOCK_NONBLOCK ? O_NONBLOCK : 0;
	return 0;
}

static long sys_socket(const struct sysargs *a)
{
	const struct sock_family *fam = family_of_domain((int)a->arg[0]);
	struct file *f;
	uint32_t flags;
	int rc;

	if (!fam)
		return -EAFNOSUPPORT;
	rc = sock_type_flags(a->arg[1], &flags);
	if (rc)
		return rc;
	rc = fam->socket((int)(a->arg[1] & SOCK_TYPE_MASK), (int)a->arg[2],
			 flags, &f);
	if (rc)
		return rc;
	return fd_install_or_put(f, a->arg[1] & SOCK_CLOEXEC);
}

static long sys_socketpair(const struct sysargs *a)
{
	const struct sock_family *fam = family_of_domain((int)a->arg[0]);
	struct file *f[2];
	uint32_t flags;
	int rc, fd[2];

	if (!fam)
		return -EAFNOSUPPORT;
	if (!fam->socketpair)
		return -EOPNOTSUPP;
	rc = sock_type_flags(a->arg[1], &flags);
	if (rc)
		return rc;
	rc = fam->socketpair((int)(a->arg[1] & SOCK_TYPE_MASK), (int)a->arg[2],
			     flags, f);
	if (rc)
		return rc;
	fd[0] = fd_install_or_put(f[0], a->arg[1] & SOCK_CLOEXEC);
	fd[1] = fd_install_or_put(f[1], a->arg[1] & SOCK_CLOEXEC);
	if (fd[0] >= 0 && fd[1] >= 0 &&
	    !copy_to_user((void *)a->arg[3], fd, sizeof(fd)))
		return 0;
	rc = fd[0] < 0 || fd[1] < 0 ? -EMFILE : -EFAULT;
	for (int i = 0; i < 2; i++)
		if (fd[i] >= 0)
			fd_close(fd[i]);
	return rc;
}

static long sys_bind(const struct sysargs *a)
{
	const struct sock_family *fam;
	struct sock_addr sa;
	struct file *f;
	long rc = sock_fd((int)a->arg[0], &f, &fam);

	if (rc)
		return rc;
	rc = addr_in(a->arg[1], a->arg[2], &sa);
	if (!rc)
		rc = fam->bind ? fam->bind(f, &sa) : -EOPNOTSUPP;
	file_put(f);
	return rc;
}

static long sys_listen(const struct sysargs *a)
{
	const struct sock_family *fam;
	struct file *f;
	long rc = sock_fd((int)a->arg[0], &f, &fam);

	if (rc)
		return rc;
	rc = fam->listen ? fam->listen(f, (int)a->arg[1]) : -EOPNOTSUPP;
	file_put(f);
	return rc;
}

static long sys_accept4(const struct sysargs *a)
{
	const struct sock_family *fam;
	struct sock_addr peer;
	struct file *f, *nf;
	uint32_t flags;
	int fd;
	long rc = sock_fd((int)a->arg[0], &f, &fam);

	if (rc)
		return rc;
	rc = sock_type_flags(a->arg[3], &flags);
	if (!rc && a->arg[3] & SOCK_TYPE_MASK)
		rc = -EINVAL;
	if (!rc)
		rc = fam->accept ? fam->accept(f, flags, &nf, &peer) :
				   -EOPNOTSUPP;
	file_put(f);
	if (rc)
		return rc;
	fd = fd_install_or_put(nf, a->arg[3] & SOCK_CLOEXEC);
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

static long sys_connect(const struct sysargs *a)
{
	const struct sock_family *fam;
	struct sock_addr sa;
	struct file *f;
	long rc = sock_fd((int)a->arg[0], &f, &fam);

	if (rc)
		return rc;
	rc = addr_in(a->arg[1], a->arg[2], &sa);
	if (!rc)
		rc = fam->connect ? fam->connect(f, &sa) : -EOPNOTSUPP;
	file_put(f);
	return rc;
}

/* ---- data ---- */

/* struct msghdr of x86-64 Linux. */
struct msghdr_k {
	uint64_t name;
	uint32_t namelen, pad;
	uint64_t iov, iovlen, control, controllen;
	int32_t flags, pad2;
};

static int uio_check(struct uio *u)
{
	u->total = 0;
	for (int i = 0; i < u->cnt; i++) {
		if (u->iov[i].len > IO_MAX || u->total + u->iov[i].len > IO_MAX)
			return -EINVAL;
		u->total += u->iov[i].len;
	}
	return 0;
}

/* The msghdr at umsg and its iovecs (kmalloc'd into u->iov). */
static int msg_in(uint64_t umsg, struct msghdr_k *m, struct uio *u)
{
	struct iovec_u *iov;
	int rc;

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
	rc = uio_check(u);
	if (rc)
		kfree(iov);
	return rc;
}

static long do_sendmsg(int fd, struct sock_msg *m, int flags)
{
	const struct sock_family *fam;
	struct file *f;
	long rc = sock_fd(fd, &f, &fam);

	if (rc)
		return rc;
	rc = fam->sendmsg(f, m, flags);
	file_put(f);
	return rc;
}

static long do_recvmsg(int fd, struct sock_msg *m, int flags)
{
	const struct sock_family *fam;
	struct file *f;
	long rc = sock_fd(fd, &f, &fam);

	if (rc)
		return rc;
	rc = fam->recvmsg(f, m, flags);
	file_put(f);
	return rc;
}

/* One sendmsg of the msghdr at umsg: bytes sent or -errno. */
static long send_one(int fd, uint64_t umsg, int flags)
{
	struct sock_msg sm = { 0 };
	struct msghdr_k m;
	long rc = msg_in(umsg, &m, &sm.data);

	if (rc)
		return rc;
	rc = addr_in(m.name, m.name ? m.namelen : 0, &sm.name);
	sm.control = m.control;
	sm.controllen = m.controllen;
	if (!rc)
		rc = do_sendmsg(fd, &sm, flags);
	kfree((void *)sm.data.iov);
	return rc;
}

static long sys_sendmsg(const struct sysargs *a)
{
	return send_one((int)a->arg[0], a->arg[1], (int)a->arg[2]);
}

/* recvmsg's results into the user's msghdr: name, control length, flags. */
static int msg_out(uint64_t umsg, const struct msghdr_k *m,
		   const struct sock_msg *sm)
{
	struct msghdr_k *um = (struct msghdr_k *)umsg;
	int32_t flags = sm->flags;

	if (m->name && addr_out(m->name, (uint64_t)&um->namelen, &sm->name))
		return -EFAULT;
	if (copy_to_user(&um->controllen, &sm->controllen,
			 sizeof(sm->controllen)) ||
	    copy_to_user(&um->flags, &flags, sizeof(flags)))
		return -EFAULT;
	return 0;
}

/* One recvmsg into the msghdr at umsg: bytes received or -errno. */
static long recv_one(int fd, uint64_t umsg, int flags)
{
	struct sock_msg sm = { 0 };
	struct msghdr_k m;
	long rc = msg_in(umsg, &m, &sm.data);

	if (rc)
		return rc;
	sm.control = m.control;
	sm.controllen = m.controllen;
	rc = do_recvmsg(fd, &sm, flags);
	kfree((void *)sm.data.iov);
	if (rc >= 0 && msg_out(umsg, &m, &sm))
		return -EFAULT;
	return rc;
}

static long sys_recvmsg(const struct sysargs *a)
{
	return recv_one((int)a->arg[0], a->arg[1], (int)a->arg[2]);
}

/* struct mmsghdr of x86-64 Linux: a msghdr and the bytes its call moved. */
struct mmsghdr_k {
	struct msghdr_k hdr;
	uint32_t len, pad;
};

_Static_assert(sizeof(struct msghdr_k) == 56, "msghdr layout");
_Static_assert(sizeof(struct mmsghdr_k) == 64, "mmsghdr layout");

#define MSG_WAITFORONE 0x10000
#define UIO_MAXIOV 1024 /* Linux's bound on vlen */

/*
 * sendmmsg and recvmmsg: up to vlen messages, each's byte count in its msg_len. An error
 * after the first message ends the batch and the count is returned, as Linux (the error
 * comes again on the next call, if it lasts). recvmmsg: MSG_WAITFORONE makes every receive
 * after the first nonblocking; a timeout is checked after each message, as Linux does.
 */
static long do_mmsg(const struct sysargs *a, bool send)
{
	uint64_t vec = a->arg[1], deadline = 0;
	unsigned vlen = (unsigned)a->arg[2], i;
	int flags = (int)a->arg[3];
	long rc = 0;

	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	if (!send && a->arg[4]) {
		int64_t ts[2];

		if (copy_from_user(ts, (const void *)a->arg[4], sizeof(ts)))
			return -EFAULT;
		if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
			return -EINVAL;
		deadline = time_now_ns() + (uint64_t)ts[0] * 1000000000 +
			   (uint64_t)ts[1];
	}
	for (i = 0; i < vlen; i++) {
		uint64_t um = vec + i * sizeof(struct mmsghdr_k);
		uint32_t len;

		rc = send ? send_one((int)a->arg[0], um, flags) :
			    recv_one((int)a->arg[0], um, flags);
		if (rc < 0)
			break;
		len = (uint32_t)rc;
		if (copy_to_user(&((struct mmsghdr_k *)um)->len, &len,
				 sizeof(len))) {
			rc = -EFAULT;
			break;
		}
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (deadline && time_now_ns() >= deadline) {
			i++;
			break;
		}
	}
	return i ? (long)i : rc;
}

static long sys_sendmmsg(const struct sysargs *a)
{
	return do_mmsg(a, true);
}

static long sys_recvmmsg(const struct sysargs *a)
{
	return do_mmsg(a, false);
}

static long sys_sendto(const struct sysargs *a)
{
	struct iovec_u v = { a->arg[1], a->arg[2] };
	struct sock_msg sm = { .data = { &v, 1, 0 } };
	long rc = uio_check(&sm.data);

	if (!rc)
		rc = addr_in(a->arg[4], a->arg[4] ? a->arg[5] : 0, &sm.name);
	return rc ? rc : do_sendmsg((int)a->arg[0], &sm, (int)a->arg[3]);
}

static long sys_recvfrom(const struct sysargs *a)
{
	struct iovec_u v = { a->arg[1], a->arg[2] };
	struct sock_msg sm = { .data = { &v, 1, 0 } };
	long rc = uio_check(&sm.data);

	if (!rc)
		rc = do_recvmsg((int)a->arg[0], &sm, (int)a->arg[3]);
	if (rc >= 0 && addr_out(a->arg[4], a->arg[5], &sm.name))
		return -EFAULT;
	return rc;
}

/* ---- shutdown, names, options ---- */

static long sys_shutdown(const struct sysargs *a)
{
	const struct sock_family *fam;
	struct file *f;
	long rc = sock_fd((int)a->arg[0], &f, &fam);

	if (rc)
		return rc;
	if (a->arg[1] > SHUT_RDWR)
		rc = -EINVAL;
	else
		rc = fam->shutdown ? fam->shutdown(f, (int)a->arg[1]) :
				     -EOPNOTSUPP;
	file_put(f);
	return rc;
}

static long get_name(const struct sysargs *a, bool peer)
{
	const struct sock_family *fam;
	struct sock_addr sa;
	struct file *f;
	long rc = sock_fd((int)a->arg[0], &f, &fam);

	if (rc)
		return rc;
	rc = fam->name(f, peer, &sa);
	file_put(f);
	if (!rc && !a->arg[1])
		return -EFAULT;
	return rc ? rc : addr_out(a->arg[1], a->arg[2], &sa);
}

static long sys_getsockname(const struct sysargs *a)
{
	return get_name(a, false);
}

static long sys_getpeername(const struct sysargs *a)
{
	return get_name(a, true);
}

/* ---- SO_RCVTIMEO and SO_SNDTIMEO, the same for every family ---- */

/* struct timeval and Linux's __kernel_sock_timeval: the same 16 bytes on x86-64. */
struct timeval_k {
	int64_t sec, usec;
};

static bool timeo_opt(int level, int name)
{
	return level == SOL_SOCKET &&
	       (name == SO_RCVTIMEO_OLD || name == SO_SNDTIMEO_OLD ||
		name == SO_RCVTIMEO_NEW || name == SO_SNDTIMEO_NEW);
}

static uint64_t *timeo_field(struct sock_timeo *t, int name)
{
	return name == SO_RCVTIMEO_OLD || name == SO_RCVTIMEO_NEW ? &t->rcv :
								    &t->snd;
}

/* As Linux: {0, 0} is no timeout, a negative one times out at once. */
static int timeo_set(struct sock_timeo *t, int name, const void *val,
		     uint32_t len)
{
	struct timeval_k tv;
	uint64_t ns;

	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.usec < 0 || tv.usec >= 1000000)
		return -EDOM;
	if (tv.sec < 0)
		ns = 1;
	else if ((uint64_t)tv.sec >= UINT64_MAX / 1000000000 - 1)
		ns = 0; /* beyond any uptime: none */
	else
		ns = (uint64_t)tv.sec * 1000000000 + (uint64_t)tv.usec * 1000;
	*timeo_field(t, name) = ns;
	return 0;
}

static int timeo_get(struct sock_timeo *t, int name, void *val, uint32_t *len)
{
	uint64_t ns = *timeo_field(t, name);
	struct timeval_k tv = { (int64_t)(ns / 1000000000),
				(int64_t)(ns % 1000000000 / 1000) };

	memcpy(val, &tv, sizeof(tv));
	*len = sizeof(tv);
	return 0;
}

uint64_t sock_until(bool nonblock, uint64_t timeo_ns)
{
	if (nonblock)
		return SOCK_NOWAIT;
	if (!timeo_ns)
		return SOCK_FOREVER;
	/* A deadline is never SOCK_FOREVER or SOCK_NOWAIT: the clock is past 1 ns. */
	return time_now_ns() + timeo_ns;
}

int sock_sleep(const void *chan, uint64_t until)
{
	int rc;

	if (until == SOCK_NOWAIT)
		return -EAGAIN;
	rc = sleep_on(chan, until);
	if (rc == -ETIMEDOUT)
		return -EAGAIN;
	if (rc == -EINTR)
		return until == SOCK_FOREVER ? -ERESTARTSYS : -EINTR;
	return 0;
}

static long sys_setsockopt(const struct sysargs *a)
{
	uint8_t val[OPT_MAX] = { 0 };
	uint64_t len = a->arg[4];
	const struct sock_family *fam;
	struct file *f;
	long rc = sock_fd((int)a->arg[0], &f, &fam);

	if (rc)
		return rc;
	if ((int32_t)len < 0)
		rc = -EINVAL;
	else if (copy_from_user(val, (const void *)a->arg[3],
				len < OPT_MAX ? len : OPT_MAX))
		rc = -EFAULT;
	else if (timeo_opt((int)a->arg[1], (int)a->arg[2]))
		rc = timeo_set(fam->timeo(f), (int)a->arg[2], val,
			       (uint32_t)len);
	else
		rc = fam->setsockopt(f, (int)a->arg[1], (int)a->arg[2], val,
				     (uint32_t)len);
	file_put(f);
	return rc;
}

int opt_int(void *val, uint32_t *len, int v)
{
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static long sys_getsockopt(const struct sysargs *a)
{
	int level = (int)a->arg[1], name = (int)a->arg[2];
	uint8_t val[OPT_MAX] = { 0 };
	uint32_t len, vlen = OPT_MAX;
	const struct sock_family *fam;
	struct file *f;
	long rc = sock_fd((int)a->arg[0], &f, &fam);

	if (rc)
		return rc;
	if (copy_from_user(&len, (const void *)a->arg[4], sizeof(len)))
		rc = -EFAULT;
	else if ((int32_t)len < 0)
		rc = -EINVAL;
	else if (level == SOL_SOCKET && name == SO_DOMAIN)
		rc = opt_int(val, &vlen, fam->family);
	else if (timeo_opt(level, name))
		rc = timeo_get(fam->timeo(f), name, val, &vlen);
	else
		rc = fam->getsockopt(f, level, name, val, &vlen);
	file_put(f);
	if (rc)
		return rc;
	len = len < vlen ? len : vlen;
	if (copy_to_user((void *)a->arg[3], val, len) ||
	    copy_to_user((void *)a->arg[4], &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

void sys_net_register(sys_fn *t)
{
	t[NR_socket] = sys_socket;
	t[NR_socketpair] = sys_socketpair;
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
	t[NR_sendmmsg] = sys_sendmmsg;
	t[NR_recvmmsg] = sys_recvmmsg;
	t[NR_getsockopt] = sys_getsockopt;
}
