/* SPDX-License-Identifier: MIT */
/* unix_sock.c: the AF_UNIX family: stream, datagram and seqpacket sockets in the pod, SCM_RIGHTS, credentials. */
#include "kernel/errno.h"
#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/sock.h"
#include "kernel/vfs.h"
#include "lib/string.h"
#include "net/errno.h"

/*
 * The one buffer limit: the bytes (data and per-message overhead) a
 * socket's receive queue holds. A sender blocks on its peer's queue, so
 * this is both SO_SNDBUF and SO_RCVBUF (Linux's default size).
 */
#define UNIX_BUF 212992
#define SKB_OVERHEAD ((size_t)sizeof(struct skb))
/* The largest piece of a stream write queued as one message. */
#define STREAM_CHUNK 65536
/* listen's backlog clamp (Linux's somaxconn). */
#define BACKLOG_MAX 4096
#define PATH_LEN 108 /* sun_path */
#define SUN_LEN_MAX (2 + PATH_LEN)
/* Linux's limits: files in one message, control bytes read per call. */
#define SCM_MAX_FD 253
#define CONTROL_MAX 20480
/* Files in flight in all the pod's messages: bounds what unreceived
 * messages pin (Linux bounds it per user by RLIMIT_NOFILE). */
#define INFLIGHT_MAX 1024
#define SOCK_RAW 3
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define RCV_SHUT 1
#define SEND_SHUT 2
#define FIONREAD 0x541b
#define POLLRDNORM 0x40
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200

struct ucred_k {
	int32_t pid;
	uint32_t uid, gid;
};

/* One message in a receive queue (a stream write's piece, or a datagram). */
struct skb {
	struct list_node node;
	size_t len, off; /* data bytes; bytes of them already read (stream) */
	struct ucred_k cred; /* the sender's, for SCM_CREDENTIALS */
	struct sock_addr from; /* the sender's name (len 0: unbound) */
	int nfp;
	struct file **fp; /* files in flight: a reference each */
	uint8_t data[];
};

enum ustate { U_UNCONN, U_LISTEN, U_CONNECTED };

/*
 * A socket. Its file holds one reference, a peer pointing at it another:
 * a closed socket (dead) stays until its peer lets go. A connection's
 * server end is made by connect with its file, which the listener's
 * accept queue holds until accept installs it.
 */
struct usock {
	struct list_node all; /* in all_socks: names, garbage collection */
	struct file *file; /* NULL once closed */
	int type, refs;
	enum ustate state;
	int shut; /* RCV_SHUT | SEND_SHUT */
	int err; /* SO_ERROR */
	struct sock_timeo timeo; /* SO_RCVTIMEO, SO_SNDTIMEO */
	bool dead, passcred;
	bool embryo; /* a server end not accepted yet */
	struct usock *peer;
	struct sock_addr name; /* len 0: unbound */
	struct inode *node; /* the bound path's node (an open_refs), or NULL */
	struct ucred_k cred, peercred;
	struct list_node rq; /* skbs */
	size_t rq_bytes;
	struct list_node acceptq; /* server ends (usock.in_accq) */
	struct list_node in_accq;
	int nacc, backlog;
	/* References to file that queues hold (messages carrying it, an
	 * accept queue), and the collector's marks. */
	int inflight, gc_refs;
	bool gc_cand, gc_alive;
};

static struct list_node all_socks = LIST_INIT(all_socks);
static int inflight_files; /* every file in flight, any kind */
static const struct file_ops unix_fops;

static struct usock *usock_of(const struct file *f)
{
	return f && f->ops == &unix_fops ? (struct usock *)f->priv : NULL;
}

static void usock_get(struct usock *u)
{
	u->refs++;
}

static void usock_put(struct usock *u)
{
	if (--u->refs == 0)
		kfree(u);
}

static struct ucred_k cred_now(void)
{
	/* Linux reports the effective ids (cred_to_ucred) */
	struct ucred_k c = { current->tgid, current->cred.euid,
			     current->cred.egid };

	return c;
}

static bool connection(const struct usock *u)
{
	return u->type != SOCK_DGRAM;
}

/* Room in t's receive queue for a message of n bytes. */
static bool room_for(const struct usock *t, size_t n)
{
	return t->rq_bytes + n + SKB_OVERHEAD <= UNIX_BUF;
}

/* Readiness changed on u: data arrived (POLLIN) or room (POLLOUT). */
static void usock_notify(struct usock *u, unsigned mask)
{
	wake_up(u);
	if (u->file)
		poll_notify(u->file->ino, mask);
	else
		poll_wake();
}

/* ---- messages ---- */

static void skb_free(struct skb *s)
{
	for (int i = 0; i < s->nfp; i++)
		file_put(s->fp[i]);
	kfree(s->fp);
	kfree(s);
}

/* Counts (dir +1) or uncounts (-1) s's files as in flight. */
static void skb_account(struct skb *s, int dir)
{
	for (int i = 0; i < s->nfp; i++) {
		struct usock *v = usock_of(s->fp[i]);

		if (v)
			v->inflight += dir;
	}
	inflight_files += dir * s->nfp;
}

static void skb_queue(struct usock *t, struct skb *s)
{
	list_add_tail(&t->rq, &s->node);
	t->rq_bytes += s->len + SKB_OVERHEAD;
	skb_account(s, 1);
	usock_notify(t, POLLIN);
}

/* Takes s off u's queue; the caller frees it. */
static void skb_unlink(struct usock *u, struct skb *s)
{
	list_del(&s->node);
	u->rq_bytes -= s->len + SKB_OVERHEAD;
	skb_account(s, -1);
	wake_up(u); /* writers waiting for room */
	if (u->peer)
		usock_notify(u->peer, POLLOUT);
	else
		poll_wake();
}

/* Moves every message of u's queue to list (none counted in flight). */
static void rq_take(struct usock *u, struct list_node *list)
{
	struct skb *s;

	while ((s = list_first(&u->rq, struct skb, node))) {
		list_del(&s->node);
		skb_account(s, -1);
		list_add_tail(list, &s->node);
	}
	u->rq_bytes = 0;
}

/*
 * Frees messages, closing their files. A file may be a socket whose
 * release frees its own queue, and so on down a chain of sockets in
 * flight: the nested calls leave their messages to the outermost one,
 * so the kernel stack does not grow with the chain.
 */
static void skbs_free(struct list_node *list)
{
	static struct list_node later = LIST_INIT(later);
	static bool freeing;
	struct skb *s;

	while ((s = list_first(list, struct skb, node))) {
		list_del(&s->node);
		list_add_tail(&later, &s->node);
	}
	if (freeing)
		return;
	freeing = true;
	while ((s = list_first(&later, struct skb, node))) {
		list_del(&s->node);
		skb_free(s);
	}
	freeing = false;
}

/* ---- garbage collection of unreachable sockets in flight ----
 *
 * A socket sent over a socket (itself, or each over the other) holds its
 * own file open from a queue nobody can read any more once every
 * descriptor is closed. As Linux does, when a socket's references are all
 * from queues, the collector finds the sockets whose references all come
 * from queues of such sockets, unreachable from any descriptor, and drops
 * their queues, which frees them.
 */

static bool gc_running;

/* Calls fn on every socket u's queues hold: files in its messages and
 * the connections on its accept queue. */
static void for_each_child(struct usock *u, void (*fn)(struct usock *))
{
	struct skb *s;
	struct usock *e;

	list_for_each(s, &u->rq, node)
		for (int i = 0; i < s->nfp; i++)
			if (usock_of(s->fp[i]))
				fn(usock_of(s->fp[i]));
	list_for_each(e, &u->acceptq, in_accq)
		fn(e);
}

static void gc_unref(struct usock *v)
{
	if (v->gc_cand)
		v->gc_refs--;
}

static void gc_reref(struct usock *v)
{
	if (v->gc_cand)
		v->gc_refs++;
}

/* Marks the candidates a reference from outside the candidates' queues
 * reaches, and what their queues reach. */
static void gc_mark(void)
{
	struct usock *u;
	bool changed = true;

	while (changed) {
		changed = false;
		list_for_each(u, &all_socks, all) {
			if (!u->gc_cand || u->gc_alive || u->gc_refs <= 0)
				continue;
			u->gc_alive = true;
			for_each_child(u, gc_reref);
			changed = true;
		}
	}
}

/* Empties the unreachable sockets' queues into msgs and conns. */
static void gc_collect(struct list_node *msgs, struct list_node *conns)
{
	struct usock *u, *e;

	list_for_each(u, &all_socks, all) {
		if (!u->gc_cand || u->gc_alive)
			continue;
		rq_take(u, msgs);
		while ((e = list_first(&u->acceptq, struct usock, in_accq))) {
			list_del(&e->in_accq);
			e->inflight--;
			list_add_tail(conns, &e->in_accq);
		}
		u->nacc = 0;
	}
}

static void unix_gc(void)
{
	struct list_node msgs = LIST_INIT(msgs), conns = LIST_INIT(conns);
	struct usock *u;

	if (gc_running)
		return; /* a release the collection itself caused */
	gc_running = true;
	list_for_each(u, &all_socks, all) {
		u->gc_cand = u->inflight > 0 && u->file->refs == u->inflight;
		u->gc_refs = u->file->refs;
		u->gc_alive = false;
	}
	list_for_each(u, &all_socks, all)
		if (u->gc_cand)
			for_each_child(u, gc_unref);
	gc_mark();
	gc_collect(&msgs, &conns);
	skbs_free(&msgs);
	while ((u = list_first(&conns, struct usock, in_accq))) {
		list_del(&u->in_accq);
		file_put(u->file);
	}
	gc_running = false;
}

/* A reference to f went, not the last: collect if only queues hold it. */
static void unix_unref(struct file *f)
{
	struct usock *u = usock_of(f);

	if (u && u->inflight && f->refs == u->inflight)
		unix_gc();
}

/* ---- sockets and their names ---- */

static int usock_new(int type, uint32_t flags, struct usock **u_r)
{
	struct usock *u = kzalloc(sizeof(*u));
	struct inode *ino = u ? inode_new(S_IFSOCK | 0777) : NULL;
	struct file *f = ino ? file_new(ino, O_RDWR | flags) : NULL;

	if (!f) {
		kfree(ino);
		kfree(u);
		return -ENOMEM;
	}
	f->ops = &unix_fops;
	f->priv = u;
	u->file = f;
	u->type = type;
	u->refs = 1;
	u->cred = cred_now();
	u->peercred = (struct ucred_k){ 0, 65534, 65534 }; /* Linux's "none" */
	list_init(&u->rq);
	list_init(&u->acceptq);
	list_init(&u->in_accq);
	list_add_tail(&all_socks, &u->all);
	*u_r = u;
	return 0;
}

static bool same_name(const struct sock_addr *a, const struct sock_addr *b)
{
	return a->len == b->len && !memcmp(a->b, b->b, a->len);
}

/* The live socket bound to a path's node, or to an abstract name with
 * a type (Linux keys its abstract names by type too). */
static struct usock *bound_to(const struct sock_addr *abstract, int type,
			      const struct inode *node)
{
	struct usock *u;

	list_for_each(u, &all_socks, all) {
		if (node ? u->node == node :
			   u->name.len && !u->node && u->type == type &&
				    same_name(&u->name, abstract))
			return u;
	}
	return NULL;
}

/*
 * Checks a sockaddr_un: *path_r gets the NUL-terminated path of a
 * filesystem name (into path, PATH_LEN + 1 bytes), or "" for an abstract
 * one; name gets the address as getsockname reports it.
 */
static int addr_parse(const struct sock_addr *a, char *path,
		      struct sock_addr *name)
{
	uint16_t family;

	if (a->len <= 2 || a->len > SUN_LEN_MAX)
		return -EINVAL;
	memcpy(&family, a->b, 2);
	if (family != AF_UNIX)
		return -EINVAL;
	*name = *a;
	path[0] = '\0';
	if (!a->b[2])
		return 0; /* Linux's abstract namespace: all len bytes count */
	memcpy(path, a->b + 2, a->len - 2);
	path[a->len - 2] = '\0';
	name->len = 2 + (uint32_t)strlen(path) + 1;
	return 0;
}

/* The socket an address names, with a reference. */
static int usock_find(const struct sock_addr *a, int type, struct usock **u_r)
{
	char path[PATH_LEN + 1];
	struct sock_addr name;
	struct inode *ino = NULL;
	struct usock *t;
	int rc = addr_parse(a, path, &name);

	if (rc)
		return rc;
	if (path[0]) {
		rc = vfs_lookup(current->cwd, path, true, &ino);
		if (rc)
			return rc;
		if ((ino->mode & S_IFMT) != S_IFSOCK)
			return -ECONNREFUSED;
	}
	t = bound_to(&name, type, ino);
	if (!t)
		return -ECONNREFUSED;
	if (t->type != type)
		return -EPROTOTYPE;
	usock_get(t);
	*u_r = t;
	return 0;
}

/* Makes a path's socket node; sockets are named in the ramfs only. */
static int bind_path(struct usock *u, char *path)
{
	struct inode *dir, *ino;
	char *leaf;
	int rc = vfs_lookup_parent(current->cwd, path, &dir, &leaf);

	if (rc)
		return rc;
	if (dir->iops)
		return -EOPNOTSUPP; /* a volume or /proc: no socket nodes */
	if (u->name.len) /* Linux looks at the name first */
		return vfs_dir_find(dir, leaf) ? -EADDRINUSE : -EINVAL;
	rc = vfs_mknod(dir, leaf, S_IFSOCK | (0777 & ~current->umask), &ino);
	if (rc)
		return rc == -EEXIST ? -EADDRINUSE : rc;
	ino->open_refs++; /* the name's node lives while the socket does */
	u->node = ino;
	return 0;
}

/* Linux's autobind: an unused abstract name of five hex digits. */
static void autobind(struct usock *u)
{
	static unsigned next;
	static const char hex[] = "0123456789abcdef";
	struct sock_addr n = { .len = 8 };
	uint16_t family = AF_UNIX;

	memcpy(n.b, &family, 2);
	do {
		unsigned v = next++ & 0xfffff;

		for (int i = 0; i < 5; i++)
			n.b[3 + i] = (uint8_t)hex[(v >> (16 - 4 * i)) & 0xf];
	} while (bound_to(&n, u->type, NULL));
	u->name = n;
}

static int unix_bind(struct file *f, const struct sock_addr *a)
{
	struct usock *u = usock_of(f);
	char path[PATH_LEN + 1];
	struct sock_addr name;
	uint16_t family = 0;
	int rc;

	if (a->len >= 2)
		memcpy(&family, a->b, 2);
	if (a->len == 2 && family == AF_UNIX) {
		if (!u->name.len) /* bound already: Linux says 0 */
			autobind(u);
		return 0;
	}
	rc = addr_parse(a, path, &name);
	if (rc)
		return rc;
	if (path[0])
		rc = bind_path(u, path);
	else if (u->name.len)
		rc = -EINVAL;
	else if (bound_to(&name, u->type, NULL))
		rc = -EADDRINUSE;
	if (!rc)
		u->name = name;
	return rc;
}

static int unix_name(struct file *f, bool peer, struct sock_addr *a)
{
	struct usock *u = usock_of(f);
	uint16_t family = AF_UNIX;

	if (peer && (!u->peer || (connection(u) && u->state != U_CONNECTED)))
		return -ENOTCONN;
	if (peer)
		u = u->peer;
	*a = u->name;
	if (!a->len) {
		memcpy(a->b, &family, 2); /* unbound: the family alone */
		a->len = 2;
	}
	return 0;
}

/* ---- close, connections ---- */

/* The peer of a connection sees it end: EOF, and ECONNRESET if data or
 * a connection we never took was lost (as Linux reports). */
static void peer_hangup(struct usock *u, bool lost)
{
	struct usock *p = u->peer;

	if (!p)
		return;
	if (connection(u)) {
		p->shut = RCV_SHUT | SEND_SHUT;
		if (lost)
			p->err = ECONNRESET;
	}
	usock_notify(p, POLLIN | POLLOUT);
	u->peer = NULL;
	usock_put(p);
}

/* Drops the connections waiting on a closing listener's queue. */
static void acceptq_drop(struct usock *u)
{
	struct usock *e;

	while ((e = list_first(&u->acceptq, struct usock, in_accq))) {
		list_del(&e->in_accq);
		e->inflight--;
		u->nacc--;
		file_put(e->file);
	}
}

static void unix_release(struct file *f)
{
	struct usock *u = usock_of(f);
	struct list_node msgs = LIST_INIT(msgs);
	bool lost = !list_empty(&u->rq) || u->embryo;

	u->dead = true;
	u->file = NULL;
	list_del(&u->all);
	rq_take(u, &msgs);
	peer_hangup(u, lost);
	acceptq_drop(u);
	if (u->node) {
		u->node->open_refs--;
		inode_put_check(u->node);
		u->node = NULL;
	}
	wake_up(u);
	skbs_free(&msgs);
	if (inflight_files)
		unix_gc();
	usock_put(u);
}

static int unix_socket(int type, int proto, uint32_t flags, struct file **f_r)
{
	struct usock *u;
	int rc;

	if (type == SOCK_RAW)
		type = SOCK_DGRAM; /* as Linux has it */
	if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	if (proto != 0 && proto != AF_UNIX)
		return -EPROTONOSUPPORT;
	rc = usock_new(type, flags, &u);
	if (!rc)
		*f_r = u->file;
	return rc;
}

/* Connects a and b to each other. */
static void pair_up(struct usock *a, struct usock *b)
{
	usock_get(b);
	a->peer = b;
	usock_get(a);
	b->peer = a;
	a->state = b->state = U_CONNECTED;
}

static int unix_socketpair(int type, int proto, uint32_t flags,
			   struct file *f_r[2])
{
	struct file *a;
	int rc = unix_socket(type, proto, flags, &a);

	if (rc)
		return rc;
	rc = unix_socket(type, proto, flags, &f_r[1]);
	if (rc) {
		file_put(a);
		return rc;
	}
	f_r[0] = a;
	pair_up(usock_of(a), usock_of(f_r[1]));
	usock_of(a)->peercred = usock_of(f_r[1])->peercred = cred_now();
	return 0;
}

static int unix_listen(struct file *f, int backlog)
{
	struct usock *u = usock_of(f);

	if (!connection(u))
		return -EOPNOTSUPP;
	if (!u->name.len || (u->state != U_UNCONN && u->state != U_LISTEN))
		return -EINVAL;
	u->backlog = (unsigned)backlog > BACKLOG_MAX ? BACKLOG_MAX : backlog;
	u->state = U_LISTEN;
	u->peercred = cred_now(); /* what connecting clients see */
	return 0;
}

/* Waits for room on l's accept queue (Linux admits backlog + 1). */
static int backlog_wait(struct usock *l, uint64_t until)
{
	while (l->nacc > l->backlog) {
		int rc = sock_sleep(l, until);

		if (rc)
			return rc;
		if (l->dead || l->state != U_LISTEN)
			return -ECONNREFUSED;
	}
	return 0;
}

/* A server end for c's connection to l, on l's accept queue. */
static int connect_to(struct usock *c, struct usock *l)
{
	struct usock *e;
	int rc = usock_new(c->type, 0, &e);

	if (rc)
		return rc;
	pair_up(c, e);
	e->name = l->name;
	e->peercred = c->cred = cred_now();
	c->peercred = l->peercred;
	list_add_tail(&l->acceptq, &e->in_accq);
	e->inflight++; /* the queue holds its file */
	e->embryo = true;
	l->nacc++;
	usock_notify(l, POLLIN);
	return 0;
}

static int stream_connect(struct usock *c, const struct sock_addr *a,
			  uint64_t until)
{
	struct usock *l;
	int rc;

	if (c->state == U_CONNECTED)
		return -EISCONN;
	if (c->state == U_LISTEN)
		return -EINVAL;
	rc = usock_find(a, c->type, &l);
	if (rc)
		return rc;
	rc = l->state == U_LISTEN ? backlog_wait(l, until) : -ECONNREFUSED;
	/* The wait may have slept: another thread may have connected c. */
	if (!rc && c->state != U_UNCONN)
		rc = -EISCONN;
	if (!rc) {
		if (c->passcred && !c->name.len)
			autobind(c);
		rc = connect_to(c, l);
	}
	usock_put(l);
	return rc;
}

/* A datagram socket's default destination; AF_UNSPEC disconnects. */
static int dgram_connect(struct usock *u, const struct sock_addr *a)
{
	struct usock *t = NULL;
	uint16_t family = AF_UNIX;
	int rc;

	if (a->len >= 2)
		memcpy(&family, a->b, 2);
	if (family != AF_UNSPEC) {
		rc = usock_find(a, u->type, &t);
		if (rc)
			return rc;
		if (u->passcred && !u->name.len)
			autobind(u);
	}
	if (u->peer)
		usock_put(u->peer);
	u->peer = t;
	u->state = t ? U_CONNECTED : U_UNCONN;
	poll_wake();
	return 0;
}

static int unix_connect(struct file *f, const struct sock_addr *a)
{
	struct usock *u = usock_of(f);

	if (!connection(u))
		return dgram_connect(u, a);
	return stream_connect(u, a,
			      sock_until(f->flags & O_NONBLOCK, u->timeo.snd));
}

static int unix_accept(struct file *f, uint32_t flags, struct file **nf_r,
		       struct sock_addr *peer)
{
	struct usock *l = usock_of(f), *e;
	uint64_t until = sock_until(f->flags & O_NONBLOCK, l->timeo.rcv);

	if (!connection(l))
		return -EOPNOTSUPP;
	if (l->state != U_LISTEN)
		return -EINVAL;
	while (!(e = list_first(&l->acceptq, struct usock, in_accq))) {
		int rc = sock_sleep(l, until);

		if (rc)
			return rc;
		if (l->state != U_LISTEN)
			return -EINVAL;
	}
	list_del(&e->in_accq);
	e->inflight--;
	l->nacc--;
	wake_up(l); /* connectors waiting for room */
	e->file->flags = (e->file->flags & ~(uint32_t)O_NONBLOCK) | flags;
	*nf_r = e->file; /* the queue's reference is the new descriptor's */
	e->embryo = false;
	return unix_name(e->file, true, peer);
}

/* ---- ancillary data ---- */

/* struct cmsghdr of x86-64 Linux. */
struct cmsghdr_k {
	uint64_t len;
	int32_t level, type;
};

#define CMSG_ALIGN_K(n) (((n) + 7) & ~(uint64_t)7)
#define CMSG_HDR sizeof(struct cmsghdr_k)

/* What sendmsg's control messages carry. */
struct scm {
	int nfp;
	struct file **fp; /* SCM_MAX_FD, kmalloc'd on the first SCM_RIGHTS */
	bool has_cred;
	struct ucred_k cred;
};

static void scm_drop(struct scm *c)
{
	for (int i = 0; i < c->nfp; i++)
		file_put(c->fp[i]);
	kfree(c->fp);
	c->fp = NULL;
	c->nfp = 0;
}

static int scm_rights(struct scm *c, uint64_t udata, uint64_t len)
{
	size_t n = len / sizeof(int);

	if (c->nfp + n > SCM_MAX_FD)
		return -EINVAL;
	if (!c->fp && !(c->fp = kmalloc(SCM_MAX_FD * sizeof(*c->fp))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int fd;
		struct file *f;

		if (copy_from_user(&fd, (const void *)(udata + 4 * i), 4))
			return -EFAULT;
		f = fd_get(fd);
		if (!f)
			return -EBADF;
		file_get(f);
		c->fp[c->nfp++] = f;
	}
	return 0;
}

/* SCM_CREDENTIALS, Linux's scm_check_creds: root may claim any live
 * process's pid and any ids; others only their own pid and one of their
 * real, effective or saved ids. */
static int scm_cred(struct scm *c, uint64_t udata, uint64_t len)
{
	const struct cred *me = &current->cred;

	if (len != sizeof(c->cred))
		return -EINVAL;
	if (copy_from_user(&c->cred, (const void *)udata, sizeof(c->cred)))
		return -EFAULT;
	if (me->euid != 0 &&
	    (c->cred.pid != current->tgid ||
	     (c->cred.uid != me->uid && c->cred.uid != me->euid &&
	      c->cred.uid != me->suid) ||
	     (c->cred.gid != me->gid && c->cred.gid != me->egid &&
	      c->cred.gid != me->sgid)))
		return -EPERM;
	if (!task_find(c->cred.pid))
		return -ESRCH;
	c->has_cred = true;
	return 0;
}

/* Parses sendmsg's control messages (Linux's __scm_send). */
static int scm_parse(const struct sock_msg *m, struct scm *c)
{
	uint64_t off = 0;
	struct cmsghdr_k h;
	int rc = 0;

	if (m->controllen > CONTROL_MAX)
		return -ENOBUFS;
	while (!rc && off + CMSG_HDR <= m->controllen) {
		if (copy_from_user(&h, (const void *)(m->control + off),
				   CMSG_HDR))
			return -EFAULT;
		if (h.len < CMSG_HDR || h.len > m->controllen - off)
			return -EINVAL;
		if (h.level != SOL_SOCKET)
			rc = 0; /* other levels mean nothing here, as on Linux */
		else if (h.type == SCM_RIGHTS)
			rc = scm_rights(c, m->control + off + CMSG_HDR,
					h.len - CMSG_HDR);
		else if (h.type == SCM_CREDENTIALS)
			rc = scm_cred(c, m->control + off + CMSG_HDR,
				      h.len - CMSG_HDR);
		else
			rc = -EINVAL;
		off += CMSG_ALIGN_K(h.len);
	}
	return rc;
}

/* recvmsg's control buffer as Linux's put_cmsg fills it. */
struct cmsg_out {
	uint64_t ptr, left;
	int *flags;
};

static int put_cmsg(struct cmsg_out *o, int type, const void *data, size_t len)
{
	struct cmsghdr_k h = { CMSG_HDR + len, SOL_SOCKET, type };
	uint64_t step = CMSG_ALIGN_K(CMSG_HDR + len);

	if (o->left < CMSG_HDR) {
		*o->flags |= MSG_CTRUNC;
		return 0;
	}
	if (o->left < h.len) {
		*o->flags |= MSG_CTRUNC;
		h.len = o->left;
	}
	if (copy_to_user((void *)o->ptr, &h, CMSG_HDR) ||
	    copy_to_user((void *)(o->ptr + CMSG_HDR), data, h.len - CMSG_HDR))
		return -EFAULT;
	step = step < o->left ? step : o->left;
	o->ptr += step;
	o->left -= step;
	return 0;
}

/*
 * Installs a message's files as descriptors, as many as the control
 * buffer has room for (Linux's scm_detach_fds): the rest are closed and
 * MSG_CTRUNC set. Takes the references in fp.
 */
static int put_fds(struct cmsg_out *o, struct file **fp, int n, bool cloexec)
{
	int max = o->left <= CMSG_HDR ? 0 : (int)((o->left - CMSG_HDR) / 4);
	int fds[SCM_MAX_FD], i, rc = 0;

	for (i = 0; i < n && i < max; i++) {
		fds[i] = fd_install(fp[i], 0, cloexec);
		if (fds[i] < 0)
			break;
	}
	if (i > 0)
		rc = put_cmsg(o, SCM_RIGHTS, fds, (size_t)i * sizeof(int));
	if (i < n)
		*o->flags |= MSG_CTRUNC;
	for (int j = i; j < n; j++)
		file_put(fp[j]);
	return rc;
}

/* ---- sending ---- */

/* A message of n bytes from u's data at off, carrying c's files (taken). */
static int skb_make(const struct uio *d, size_t off, size_t n, struct scm *c,
		    struct usock *u, struct skb **s_r)
{
	struct skb *s = kmalloc(sizeof(*s) + (n ? n : 1));

	if (!s)
		return -ENOMEM;
	if (uio_copy(d, off, s->data, n, false)) {
		kfree(s);
		return -EFAULT;
	}
	list_init(&s->node);
	s->len = n;
	s->off = 0;
	s->cred = c->has_cred ? c->cred : cred_now();
	s->from = u->name;
	s->nfp = c->nfp;
	s->fp = c->fp;
	c->nfp = 0;
	c->fp = NULL;
	*s_r = s;
	return 0;
}

/* Why a connection's sender cannot send now, or 0. */
static int stream_blocked(const struct usock *u)
{
	if (u->shut & SEND_SHUT)
		return -EPIPE;
	if (u->state != U_CONNECTED)
		return -ENOTCONN;
	if (u->peer->dead || (u->peer->shut & RCV_SHUT))
		return -EPIPE;
	return 0;
}

/* Waits until t has room for n bytes (a connection's peer: while it
 * stays able to take them). */
static int room_wait(struct usock *u, struct usock *t, size_t n, uint64_t until)
{
	while (!room_for(t, n)) {
		int rc = sock_sleep(t, until);

		if (rc)
			return rc;
		if (connection(u) && (rc = stream_blocked(u)))
			return rc;
		if (t->dead)
			return -ECONNREFUSED;
	}
	return 0;
}

static long stream_send(struct usock *u, const struct sock_msg *m,
			struct scm *c, uint64_t until)
{
	size_t done = 0, n = m->data.total;
	long rc = 0;

	while (done < n) {
		size_t chunk = n - done < STREAM_CHUNK ? n - done :
							 STREAM_CHUNK;
		struct skb *s;

		rc = stream_blocked(u);
		if (!rc)
			rc = room_wait(u, u->peer, 1, until);
		if (rc)
			break;
		if (!room_for(u->peer, chunk)) /* what fits now */
			chunk = UNIX_BUF - SKB_OVERHEAD - u->peer->rq_bytes;
		rc = skb_make(&m->data, done, chunk, c, u, &s);
		if (rc)
			break;
		skb_queue(u->peer, s);
		done += chunk;
	}
	return done ? (long)done : rc;
}

/* A datagram's destination, with a reference. */
static int dgram_target(struct usock *u, const struct sock_msg *m,
			struct usock **t_r)
{
	int rc;

	if (!m->name.len) {
		if (!u->peer)
			return -ENOTCONN;
		usock_get(u->peer);
		*t_r = u->peer;
	} else if ((rc = usock_find(&m->name, u->type, t_r))) {
		return rc;
	}
	if ((*t_r)->peer && (*t_r)->peer != u) {
		usock_put(*t_r); /* connected to someone else */
		return -EPERM;
	}
	return 0;
}

static long dgram_send(struct usock *u, const struct sock_msg *m, struct scm *c,
		       uint64_t until)
{
	size_t n = m->data.total;
	struct usock *t;
	struct skb *s;
	long rc;

	if (u->shut & SEND_SHUT)
		return -EPIPE;
	if (n + SKB_OVERHEAD > UNIX_BUF)
		return -EMSGSIZE;
	if (u->passcred && !u->name.len)
		autobind(u);
	rc = dgram_target(u, m, &t);
	if (rc)
		return rc;
	rc = room_wait(u, t, n, until);
	if (!rc && t->dead)
		rc = -ECONNREFUSED;
	if (!rc && (t->shut & RCV_SHUT))
		rc = -EPIPE;
	if (!rc)
		rc = skb_make(&m->data, 0, n, c, u, &s);
	if (!rc) {
		skb_queue(t, s);
		rc = (long)n;
	}
	if (rc == -ECONNREFUSED && t == u->peer) {
		u->peer = NULL; /* the peer closed: Linux disconnects */
		u->state = U_UNCONN;
		usock_put(t);
	}
	usock_put(t);
	return rc;
}

static long seqpacket_send(struct usock *u, const struct sock_msg *m,
			   struct scm *c, uint64_t until)
{
	size_t n = m->data.total;
	struct skb *s;
	long rc = stream_blocked(u);

	if (!rc && n + SKB_OVERHEAD > UNIX_BUF)
		rc = -EMSGSIZE;
	if (!rc)
		rc = room_wait(u, u->peer, n, until);
	if (!rc)
		rc = skb_make(&m->data, 0, n, c, u, &s);
	if (rc)
		return rc;
	skb_queue(u->peer, s);
	return (long)n;
}

static long unix_sendmsg(struct file *f, struct sock_msg *m, int flags)
{
	struct usock *u = usock_of(f);
	uint64_t until =
		sock_until((f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT),
			   u->timeo.snd);
	struct scm c = { 0 };
	long rc = scm_parse(m, &c);

	if (!rc && inflight_files + c.nfp > INFLIGHT_MAX)
		rc = -ETOOMANYREFS;
	if (!rc && u->type == SOCK_STREAM && m->name.len)
		rc = u->state == U_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (rc) {
		scm_drop(&c);
		return rc;
	}
	if (u->type == SOCK_STREAM)
		rc = stream_send(u, m, &c, until);
	else if (u->type == SOCK_DGRAM)
		rc = dgram_send(u, m, &c, until);
	else
		rc = seqpacket_send(u, m, &c, until);
	scm_drop(&c); /* what no message took */
	/* SIGPIPE for a stream only, as Linux (its seqpacket does not). */
	if (rc == -EPIPE && u->type == SOCK_STREAM && !(flags & MSG_NOSIGNAL))
		signal_send(current, SIGPIPE, current->pid);
	return rc;
}

/* ---- receiving ---- */

/* SCM_CREDENTIALS of s's sender, for a receiver that set SO_PASSCRED. */
static int put_cred(struct usock *u, const struct skb *s, struct cmsg_out *o)
{
	if (!u->passcred)
		return 0;
	return put_cmsg(o, SCM_CREDENTIALS, &s->cred, sizeof(s->cred));
}

/* s's files into the control buffer. peek leaves them in the message
 * and installs duplicates; otherwise the caller has uncounted them as
 * in flight and they leave the message. */
static int put_skb_fds(struct skb *s, struct cmsg_out *o, bool peek,
		       bool cloexec)
{
	int n = s->nfp, rc;

	if (!n)
		return 0;
	if (peek) {
		struct file **dup = kmalloc((size_t)n * sizeof(*dup));

		if (!dup)
			return -ENOMEM;
		for (int i = 0; i < n; i++) {
			dup[i] = s->fp[i];
			file_get(dup[i]);
		}
		rc = put_fds(o, dup, n, cloexec);
		kfree(dup);
		return rc;
	}
	s->nfp = 0;
	return put_fds(o, s->fp, n, cloexec);
}

/* Whether u's receive can end now without data: 0 to wait, 1 at EOF,
 * or -errno. */
static int recv_blocked(struct usock *u, uint64_t until)
{
	if (u->err) {
		int e = u->err;

		u->err = 0;
		return -e;
	}
	if (u->shut & RCV_SHUT)
		return 1;
	if (connection(u) && u->state != U_CONNECTED)
		return u->type == SOCK_STREAM ? -EINVAL : -ENOTCONN;
	return until == SOCK_NOWAIT ? -EAGAIN : 0;
}

/* Waits for a message on u: 0 with one queued, 1 at EOF, or -errno. */
static int rq_wait(struct usock *u, uint64_t until)
{
	while (list_empty(&u->rq)) {
		int rc = recv_blocked(u, until);

		if (!rc)
			rc = sock_sleep(u, until);
		if (rc)
			return rc;
	}
	return 0;
}

/* One datagram or record: its bytes as far as they fit (MSG_TRUNC
 * says they did not; with it in flags the call returns the full size). */
static long dgram_recv(struct usock *u, struct sock_msg *m, int flags,
		       struct cmsg_out *o, uint64_t until)
{
	bool peek = flags & MSG_PEEK;
	struct skb *s;
	size_t n, len;
	long rc = rq_wait(u, until);

	if (rc)
		return rc > 0 ? 0 : rc;
	s = list_first(&u->rq, struct skb, node);
	len = s->len;
	n = len < m->data.total ? len : m->data.total;
	if (uio_copy(&m->data, 0, s->data, n, true))
		return -EFAULT;
	if (len > n)
		m->flags |= MSG_TRUNC;
	m->name = s->from;
	if (!peek)
		skb_unlink(u, s);
	rc = put_cred(u, s, o);
	if (!rc)
		rc = put_skb_fds(s, o, peek, flags & MSG_CMSG_CLOEXEC);
	if (!peek)
		skb_free(s);
	if (rc)
		return rc;
	return (long)(flags & MSG_TRUNC ? len : n);
}

/* Copies stream message s's unread bytes into m's data from done on:
 * the count. */
static long stream_copy(const struct skb *s, struct sock_msg *m, size_t done)
{
	size_t avail = s->len - s->off, want = m->data.total - done;
	size_t n = avail < want ? avail : want;

	if (uio_copy(&m->data, done, (uint8_t *)s->data + s->off, n, true))
		return -EFAULT;
	return (long)n;
}

/* The first message a stream read takes from: its sender's name and
 * credentials. */
static int stream_first(struct usock *u, const struct skb *s,
			struct sock_msg *m, struct cmsg_out *o)
{
	m->name = s->from;
	return put_cred(u, s, o);
}

/* MSG_PEEK on a stream: what is queued now, the queue unchanged. */
static long stream_peek(struct usock *u, struct sock_msg *m, int flags,
			struct cmsg_out *o, uint64_t until)
{
	size_t done = 0;
	struct skb *s;
	long rc = rq_wait(u, until);

	if (rc)
		return rc > 0 ? 0 : rc;
	list_for_each(s, &u->rq, node) {
		if (done == m->data.total || (s->nfp && done))
			break;
		rc = stream_copy(s, m, done);
		if (rc >= 0 && !done && stream_first(u, s, m, o))
			rc = -EFAULT;
		if (rc < 0)
			return done ? (long)done : rc;
		done += (size_t)rc;
		if (s->nfp) {
			rc = put_skb_fds(s, o, true, flags & MSG_CMSG_CLOEXEC);
			break;
		}
	}
	return done ? (long)done : rc;
}

/* Takes n bytes of the head message s: its files go with its first
 * bytes, and it leaves the queue once read. Returns 1 if it had files
 * (the read ends there, as on Linux). */
static int stream_consume(struct usock *u, struct skb *s, size_t n,
			  struct cmsg_out *o, bool cloexec)
{
	bool had_fds = s->nfp;
	int rc = 0;

	s->off += n;
	if (had_fds) {
		skb_account(s, -1);
		rc = put_skb_fds(s, o, false, cloexec);
	}
	if (s->off == s->len) {
		skb_unlink(u, s);
		skb_free(s);
	}
	return rc ? rc : had_fds;
}

/* A stream read: bytes across messages until one arrived or, with
 * MSG_WAITALL, the buffer is full (or EOF, an error, a signal). */
static long stream_recv(struct usock *u, struct sock_msg *m, int flags,
			struct cmsg_out *o, uint64_t until)
{
	size_t done = 0, want = flags & MSG_WAITALL ? m->data.total : 1;
	long rc = 0;

	if (u->state == U_LISTEN)
		return -EINVAL;
	if (flags & MSG_PEEK)
		return stream_peek(u, m, flags, o, until);
	while (done < m->data.total) {
		struct skb *s = list_first(&u->rq, struct skb, node);

		if (!s) {
			if (done >= want)
				break;
			rc = rq_wait(u, until);
			if (rc)
				break;
			continue;
		}
		if (s->nfp && done)
			break; /* its files go with a read of their own */
		rc = stream_copy(s, m, done);
		if (rc >= 0 && !done && stream_first(u, s, m, o))
			rc = -EFAULT;
		if (rc < 0)
			break;
		done += (size_t)rc;
		rc = stream_consume(u, s, (size_t)rc, o,
				    flags & MSG_CMSG_CLOEXEC);
		if (rc)
			break;
	}
	if (done)
		return (long)done;
	return rc > 0 ? 0 : rc;
}

static long unix_recvmsg(struct file *f, struct sock_msg *m, int flags)
{
	struct usock *u = usock_of(f);
	uint64_t until =
		sock_until((f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT),
			   u->timeo.rcv);
	struct cmsg_out o = { m->control, m->controllen, &m->flags };
	uint64_t room;
	long rc;

	m->flags = 0;
	m->name.len = 0;
	if (o.left > 0x7fffffff)
		o.left = 0x7fffffff; /* Linux's bound on a control buffer */
	room = o.left;
	if (u->type == SOCK_STREAM)
		rc = stream_recv(u, m, flags, &o, until);
	else
		rc = dgram_recv(u, m, flags, &o, until);
	m->controllen = room - o.left;
	return rc;
}

static long unix_read(struct file *f, void *ubuf, size_t n)
{
	struct iovec_u v = { (uint64_t)ubuf, n };
	struct sock_msg m = { .data = { &v, 1, n } };

	return unix_recvmsg(f, &m, 0);
}

static long unix_write(struct file *f, const void *ubuf, size_t n)
{
	struct iovec_u v = { (uint64_t)ubuf, n };
	struct sock_msg m = { .data = { &v, 1, n } };

	return unix_sendmsg(f, &m, 0);
}

/* ---- readiness, shutdown, options ---- */

/* Whether a send would not block for room: the peer's queue has some,
 * or the send would fail at once. */
static bool writable(const struct usock *u)
{
	const struct usock *p = u->peer;

	if (u->state == U_LISTEN)
		return false;
	/* As Linux: writable again once at most a quarter is in use. */
	return !p || p->dead || p->rq_bytes <= UNIX_BUF / 4;
}

static unsigned unix_poll(struct file *f)
{
	struct usock *u = usock_of(f);
	unsigned m = 0;

	if (u->err)
		m |= POLLERR;
	if (u->shut == (RCV_SHUT | SEND_SHUT) ||
	    (connection(u) && u->state == U_UNCONN))
		m |= POLLHUP;
	if (u->shut & RCV_SHUT)
		m |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (!list_empty(&u->rq) || u->nacc)
		m |= POLLIN | POLLRDNORM;
	if (writable(u))
		m |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return m;
}

static long unix_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	struct usock *u = usock_of(f);
	struct skb *s = list_first(&u->rq, struct skb, node);
	int n = 0;

	if (cmd != FIONREAD)
		return -ENOTTY;
	if (u->type != SOCK_STREAM)
		n = s ? (int)s->len : 0; /* the next message */
	else
		list_for_each(s, &u->rq, node)
			n += (int)(s->len - s->off);
	return copy_to_user((void *)arg, &n, sizeof(n)) ? -EFAULT : 0;
}

static int unix_shutdown(struct file *f, int how)
{
	struct usock *u = usock_of(f), *p = u->peer;
	int mode = how + 1; /* SHUT_RD..SHUT_RDWR as RCV_SHUT | SEND_SHUT */

	u->shut |= mode;
	usock_notify(u, POLLIN | POLLOUT);
	if (p && connection(u)) {
		/* Our receiving end is its sending end, and the reverse. */
		p->shut |= (mode & RCV_SHUT ? SEND_SHUT : 0) |
			   (mode & SEND_SHUT ? RCV_SHUT : 0);
		usock_notify(p, POLLIN | POLLOUT);
	}
	return 0;
}

static int unix_setsockopt(struct file *f, int level, int name, const void *val,
			   uint32_t len)
{
	struct usock *u = usock_of(f);
	int v;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (len < sizeof(v))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	if (name == SO_PASSCRED)
		u->passcred = v != 0;
	else if (name != SO_SNDBUF && name != SO_RCVBUF)
		return -ENOPROTOOPT;
	/* The buffer sizes are a hint Linux clamps; here they stay
	 * UNIX_BUF, which getsockopt reports. */
	return 0;
}

static struct sock_timeo *unix_timeo(struct file *f)
{
	return &usock_of(f)->timeo;
}

static int unix_getsockopt(struct file *f, int level, int name, void *val,
			   uint32_t *len)
{
	struct usock *u = usock_of(f);
	int e = u->err;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	switch (name) {
	case SO_TYPE:
		return opt_int(val, len, u->type);
	case SO_ERROR:
		u->err = 0;
		return opt_int(val, len, e);
	case SO_ACCEPTCONN:
		return opt_int(val, len, u->state == U_LISTEN);
	case SO_PASSCRED:
		return opt_int(val, len, u->passcred);
	case SO_PROTOCOL:
		return opt_int(val, len, 0);
	case SO_SNDBUF:
	case SO_RCVBUF:
		return opt_int(val, len, UNIX_BUF);
	case SO_PEERCRED:
		memcpy(val, &u->peercred, sizeof(u->peercred));
		*len = sizeof(u->peercred);
		return 0;
	}
	return -ENOPROTOOPT;
}

static const struct file_ops unix_fops = {
	.read = unix_read,
	.write = unix_write,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.release = unix_release,
	.unref = unix_unref,
};

const struct sock_family unix_family = {
	.family = AF_UNIX,
	.fops = &unix_fops,
	.socket = unix_socket,
	.socketpair = unix_socketpair,
	.bind = unix_bind,
	.listen = unix_listen,
	.accept = unix_accept,
	.connect = unix_connect,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.shutdown = unix_shutdown,
	.name = unix_name,
	.setsockopt = unix_setsockopt,
	.getsockopt = unix_getsockopt,
	.timeo = unix_timeo,
};
