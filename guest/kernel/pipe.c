/* SPDX-License-Identifier: MIT */
/* pipe.c: pipes and FIFOs: a 64 KiB ring per pipe, blocking and non-blocking ends, SIGPIPE, FIFO opens. */
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define PIPE_SIZE 65536
#define PIPE_BUF 4096

struct pipe {
	uint8_t *buf;
	size_t head, count;
	int readers, writers;
	/* Opens so far of each side: a FIFO opener waits for the other
	 * side's count to move, so a peer that came and went still counts. */
	unsigned r_opens, w_opens;
	struct inode *ino;
	/* pipe(2)'s, reopened through /proc/PID/fd: as Linux's pipefs, an
	 * open never waits for the other side, nor fails with ENXIO. */
	bool anon;
};

static long pipe_read(struct file *f, void *ubuf, size_t n)
{
	struct pipe *p = f->priv;
	size_t done = 0;

	while (p->count == 0) {
		if (p->writers == 0 || n == 0)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(p, 0) == -EINTR)
			return -ERESTARTSYS;
	}
	while (done < n && p->count) {
		size_t chunk = PIPE_SIZE - p->head;

		if (chunk > p->count)
			chunk = p->count;
		if (chunk > n - done)
			chunk = n - done;
		if (copy_to_user((uint8_t *)ubuf + done, p->buf + p->head,
				 chunk))
			return done ? (long)done : -EFAULT;
		p->head = (p->head + chunk) % PIPE_SIZE;
		p->count -= chunk;
		done += chunk;
	}
	wake_up(p);
	poll_notify(p->ino, POLLOUT);
	return (long)done;
}

static long pipe_put(struct pipe *p, const uint8_t *ubuf, size_t n)
{
	size_t done = 0;

	while (done < n && p->count < PIPE_SIZE) {
		size_t tail = (p->head + p->count) % PIPE_SIZE;
		size_t chunk = PIPE_SIZE - tail;

		if (chunk > PIPE_SIZE - p->count)
			chunk = PIPE_SIZE - p->count;
		if (chunk > n - done)
			chunk = n - done;
		if (copy_from_user(p->buf + tail, ubuf + done, chunk))
			return done ? (long)done : -EFAULT;
		p->count += chunk;
		done += chunk;
	}
	return (long)done;
}

static long pipe_write(struct file *f, const void *ubuf, size_t n)
{
	struct pipe *p = f->priv;
	size_t done = 0;

	while (done < n) {
		long r;

		if (p->readers == 0) {
			signal_send(current, SIGPIPE, current->pid);
			return done ? (long)done : -EPIPE;
		}
		/* Writes of up to PIPE_BUF bytes are atomic. */
		if (PIPE_SIZE - p->count <
		    (n - done <= PIPE_BUF ? n - done : 1)) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			if (sleep_on(p, 0) == -EINTR)
				return done ? (long)done : -ERESTARTSYS;
			continue;
		}
		r = pipe_put(p, (const uint8_t *)ubuf + done, n - done);
		if (r < 0)
			return done ? (long)done : r;
		done += (size_t)r;
		wake_up(p);
		poll_notify(p->ino, POLLIN);
	}
	return (long)done;
}

static unsigned pipe_poll_rd(struct file *f)
{
	struct pipe *p = f->priv;
	unsigned m = 0;

	if (p->count)
		m |= POLLIN;
	if (p->writers == 0)
		m |= POLLHUP;
	return m;
}

static unsigned pipe_poll_wr(struct file *f)
{
	struct pipe *p = f->priv;
	unsigned m = PIPE_SIZE - p->count >= PIPE_BUF ? POLLOUT : 0;

	/* As on Linux, a pipe without readers is writable (the write
	 * fails with EPIPE) and in error. */
	if (p->readers == 0)
		m |= POLLERR;
	return m;
}

static unsigned pipe_poll_rw(struct file *f)
{
	return pipe_poll_rd(f) | pipe_poll_wr(f);
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	int acc = f->flags & O_ACCMODE;

	if (acc != O_WRONLY)
		p->readers--;
	if (acc != O_RDONLY)
		p->writers--;
	wake_up(p);
	poll_wake();
	if (p->readers == 0 && p->writers == 0) {
		/* A FIFO's data goes with its last open, as on Linux. */
		if (p->ino->pipe == p)
			p->ino->pipe = NULL;
		kfree(p->buf);
		kfree(p);
	}
}

static long pipe_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	struct pipe *p = f->priv;
	int n = (int)p->count;

	if (cmd == 0x541b) /* FIONREAD */
		return copy_to_user((void *)arg, &n, sizeof(n));
	return -ENOTTY;
}

static const struct file_ops pipe_rd_ops = {
	.read = pipe_read,
	.poll = pipe_poll_rd,
	.release = pipe_release,
	.ioctl = pipe_ioctl,
};

static const struct file_ops pipe_wr_ops = {
	.write = pipe_write,
	.poll = pipe_poll_wr,
	.release = pipe_release,
	.ioctl = pipe_ioctl,
};

/* A FIFO opened for both: never waits at open, reads and writes. */
static const struct file_ops pipe_rdwr_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll_rw,
	.release = pipe_release,
	.ioctl = pipe_ioctl,
};

static struct pipe *pipe_new(struct inode *ino)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->buf = kmalloc(PIPE_SIZE);
	if (!p->buf) {
		kfree(p);
		return NULL;
	}
	p->ino = ino;
	ino->pipe = p;
	return p;
}

/* Waits until *opens moves from seen (the other side opened): 0 or -ERESTARTSYS. */
static int fifo_wait(struct pipe *p, const unsigned *opens, unsigned seen)
{
	while (*opens == seen)
		if (sleep_on(p, 0) == -EINTR)
			return -ERESTARTSYS;
	return 0;
}

int fifo_open(struct file *f)
{
	struct pipe *p = f->ino->pipe;
	int acc = f->flags & O_ACCMODE;
	bool nonblock = f->flags & O_NONBLOCK;

	if (!p && !(p = pipe_new(f->ino)))
		return -ENOMEM;
	if (p->anon)
		nonblock = true; /* no rendezvous, and no ENXIO below */
	if (acc == O_WRONLY && nonblock && !p->readers && !p->anon) {
		if (!p->writers) { /* no one else has it open */
			f->ino->pipe = NULL;
			kfree(p->buf);
			kfree(p);
		}
		return -ENXIO;
	}
	f->priv = p;
	if (acc == O_RDONLY) {
		f->ops = &pipe_rd_ops;
		p->readers++;
		p->r_opens++;
		wake_up(p);
		poll_wake();
		/* file_put's release undoes the count on an error */
		return p->writers || nonblock ?
			       0 :
			       fifo_wait(p, &p->w_opens, p->w_opens);
	}
	f->ops = acc == O_WRONLY ? &pipe_wr_ops : &pipe_rdwr_ops;
	p->writers++;
	p->w_opens++;
	if (acc != O_WRONLY) {
		p->readers++;
		p->r_opens++;
	}
	wake_up(p);
	poll_wake();
	return p->readers || nonblock ? 0 :
					fifo_wait(p, &p->r_opens, p->r_opens);
}

int pipe_create(struct file **rd_r, struct file **wr_r)
{
	struct pipe *p = kzalloc(sizeof(*p));
	struct inode *ino = inode_new(S_IFIFO | 0600);
	struct file *rd = NULL, *wr = NULL;

	if (!p || !ino)
		goto fail;
	p->buf = kmalloc(PIPE_SIZE);
	if (!p->buf)
		goto fail;
	rd = file_new(ino, O_RDONLY);
	if (!rd)
		goto fail;
	wr = file_new(ino, O_WRONLY);
	if (!wr)
		goto fail;
	rd->ops = &pipe_rd_ops;
	wr->ops = &pipe_wr_ops;
	rd->priv = wr->priv = p;
	p->readers = p->writers = 1;
	p->r_opens = p->w_opens = 1;
	p->ino = ino;
	p->anon = true;
	ino->pipe = p; /* /proc/PID/fd/N reopens join it */
	*rd_r = rd;
	*wr_r = wr;
	return 0;
fail:
	if (rd) {
		rd->ops = NULL;
		file_put(rd); /* frees ino with the last reference */
	} else if (ino) {
		kfree(ino);
	}
	if (p)
		kfree(p->buf);
	kfree(p);
	return -ENOMEM;
}
