/* SPDX-License-Identifier: MIT */
/* sock.h: the socket layer's families: what sys_net.c's system calls dispatch to (AF_INET, AF_UNIX). */
#ifndef GUEST_KERNEL_SOCK_H
#define GUEST_KERNEL_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct file;

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000
#define MSG_PEEK 0x2
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000
#define SOL_SOCKET 1
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_PASSCRED 16
#define SO_RCVTIMEO_OLD 20
#define SO_SNDTIMEO_OLD 21
#define SO_PEERCRED 17
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2
#define POLLRDHUP 0x2000

/* A socket address in the kernel: the bytes of the caller's sockaddr
 * (at most sizeof(struct sockaddr_storage), as Linux bounds it). */
#define SOCK_ADDR_MAX 128
struct sock_addr {
	uint32_t len;
	uint8_t b[SOCK_ADDR_MAX];
};

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
int uio_copy(const struct uio *u, size_t off, uint8_t *kbuf, size_t len,
	     bool out);

/* getsockopt's int answer v into (val, *len): 0. */
int opt_int(void *val, uint32_t *len, int v);

/* A socket's SO_RCVTIMEO and SO_SNDTIMEO in ns; 0: none (a call blocks until it is done). */
struct sock_timeo {
	uint64_t rcv, snd;
};

/*
 * How long one socket call may block ("until"): SOCK_FOREVER, SOCK_NOWAIT (nonblocking) or a
 * deadline on the monotonic clock, from sock_until (sys_net.c).
 */
#define SOCK_FOREVER 0
#define SOCK_NOWAIT 1
uint64_t sock_until(bool nonblock, uint64_t timeo_ns);

/*
 * Sleeps on chan once, until a wake-up, a signal or until: 0 (woken: check again), -EAGAIN
 * (nonblocking, or the timeout passed: Linux's answer to both), -ERESTARTSYS (a signal, no
 * timeout: SA_RESTART may restart the call) or -EINTR (a signal with a timeout set, which
 * Linux never restarts).
 */
int sock_sleep(const void *chan, uint64_t until);

/*
 * One send or receive. In: the data, the destination (sendto; len 0:
 * none), the user's control buffer (sendmsg/recvmsg; 0 bytes: none).
 * Out (receive): the sender's address in name (len 0: none),
 * controllen the bytes of control data written, flags MSG_TRUNC and
 * MSG_CTRUNC.
 */
struct sock_msg {
	struct uio data;
	struct sock_addr name;
	uint64_t control, controllen;
	int flags;
};

/*
 * A family. Every socket file of the family has ops == fops. Calls a
 * family leaves NULL fail with -EOPNOTSUPP. Addresses and option values
 * are kernel buffers: sys_net.c copies them from and to the user.
 */
struct sock_family {
	int family; /* AF_* */
	const struct file_ops *fops;
	/* A new socket file (flags: O_NONBLOCK) in *f_r. */
	int (*socket)(int type, int proto, uint32_t flags, struct file **f_r);
	int (*socketpair)(int type, int proto, uint32_t flags,
			  struct file *f_r[2]);
	int (*bind)(struct file *f, const struct sock_addr *a);
	int (*listen)(struct file *f, int backlog);
	/* A connection's new file (flags: O_NONBLOCK), its peer's address. */
	int (*accept)(struct file *f, uint32_t flags, struct file **nf_r,
		      struct sock_addr *peer);
	int (*connect)(struct file *f, const struct sock_addr *a);
	long (*sendmsg)(struct file *f, struct sock_msg *m, int flags);
	long (*recvmsg)(struct file *f, struct sock_msg *m, int flags);
	int (*shutdown)(struct file *f, int how);
	int (*name)(struct file *f, bool peer, struct sock_addr *a);
	int (*setsockopt)(struct file *f, int level, int name, const void *val,
			  uint32_t len);
	/* *len: the room in val on entry, the value's size on return. */
	int (*getsockopt)(struct file *f, int level, int name, void *val,
			  uint32_t *len);
	/* The socket's timeouts, which sys_net.c sets and reads for every family. */
	struct sock_timeo *(*timeo)(struct file *f);
};

extern const struct sock_family inet_family; /* inet_sock.c */
extern const struct sock_family unix_family; /* unix_sock.c */

#endif
