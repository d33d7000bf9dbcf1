/* SPDX-License-Identifier: MIT */
/* pty.c: pseudo-terminals over a pod I/O stream: termios, canonical input, echo, ISIG, job control. */
#include "kernel/pty.h"

#include "arch/cpu.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/termios.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/fmt.h"
#include "lib/string.h"

/* termios bits (Linux values) */
#define IGNCR 0000200
#define ICRNL 0000400
#define INLCR 0000100
#define IXON 0002000
#define IXANY 0004000
#define OPOST 0000001
#define ONLCR 0000004
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define ECHOCTL 0001000
#define ECHOKE 0004000
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VWERASE 14

#define RQ_SIZE 4096
#define LINE_MAX 4095
#define ECHO_SIZE 4096

struct pty {
	struct list_node node; /* in ptys, for /dev/tty */
	int refs; /* the stream's one + one per slave file */
	struct pstream *s;
	struct k_termios tio;
	struct k_winsize ws;
	int sid, fg;
	bool hup;
	bool stopped; /* output stopped by ^S (IXON) until ^Q */
	/* read queue: committed input the slave reads */
	uint8_t rq[RQ_SIZE];
	uint32_t rq_head, rq_count;
	bool eof_mark; /* ^D on an empty line: one read returns 0 */
	/* canonical line being edited */
	uint8_t line[LINE_MAX];
	uint32_t line_len;
	/* echo waiting for the ring */
	uint8_t echo[ECHO_SIZE];
	uint32_t echo_len;
	unsigned index;
	/* The slave's inode while a file has it open (/dev/pts/INDEX). */
	struct inode *slave;
};

const struct k_termios termios_default = {
	.c_iflag = 0x500, /* ICRNL IXON */
	.c_oflag = 0x5, /* OPOST ONLCR */
	.c_cflag = 0xbf, /* B38400 CS8 CREAD HUPCL */
	.c_lflag =
		0x8a3b, /* ISIG ICANON ECHO ECHOE ECHOK IEXTEN ECHOCTL ECHOKE */
	.c_cc = { 3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12,
		  0x0f, 0x17, 0x16, 0 },
};

static unsigned next_index;
static struct list_node ptys = LIST_INIT(ptys);

struct pty *pty_new(struct pstream *s, uint16_t rows, uint16_t cols)
{
	struct pty *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->refs = 1;
	p->s = s;
	p->tio = termios_default;
	p->ws.row = rows ? rows : 24;
	p->ws.col = cols ? cols : 80;
	p->index = next_index++;
	list_add_head(&ptys, &p->node);
	return p;
}

void pty_put(struct pty *p)
{
	if (--p->refs > 0)
		return;
	list_del(&p->node);
	kfree(p);
}

/* Signals every process of group pgrp. */
static void signal_group(int pgrp, int sig)
{
	struct task *t;

	for_each_task(t)
		if (pgrp > 0 && t->pgid == pgrp && t->leader == t &&
		    t->state != TASK_ZOMBIE)
			signal_send(t, sig, 0);
}

void pty_set_session(struct pty *p, int pid)
{
	p->sid = p->fg = pid;
}

void pty_hangup(struct pty *p)
{
	p->hup = true;
	p->s = NULL; /* the stream may go; the slave only sees EOF/EIO */
	signal_group(p->fg, SIGHUP);
	wake_up(p);
	wake_up(&p->stopped);
	poll_wake();
}

void pty_resize(struct pty *p, uint16_t rows, uint16_t cols)
{
	if (p->ws.row == rows && p->ws.col == cols)
		return;
	p->ws.row = rows;
	p->ws.col = cols;
	signal_group(p->fg, SIGWINCH);
}

/* ---- input: the line discipline, run by init ---- */

static void echo_put(struct pty *p, const char *b, uint32_t n)
{
	if (!(p->tio.c_lflag & ECHO) || n > ECHO_SIZE - p->echo_len)
		return;
	memcpy(p->echo + p->echo_len, b, n);
	p->echo_len += n;
}

/* Echoes c as typed: control characters as ^X under ECHOCTL. */
static void echo_char(struct pty *p, uint8_t c)
{
	char b[2] = { '^', (char)(c ^ 0x40) };

	if ((p->tio.c_lflag & ECHOCTL) && (c < 0x20 || c == 0x7f) &&
	    c != '\n' && c != '\t')
		echo_put(p, b, 2);
	else if (c == '\n')
		echo_put(p,
			 (p->tio.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR) ?
				 "\r\n" :
				 "\n",
			 (p->tio.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR) ?
				 2 :
				 1);
	else
		echo_put(p, (const char *)&c, 1);
}

static void rq_put(struct pty *p, const uint8_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		p->rq[(p->rq_head + p->rq_count++) % RQ_SIZE] = b[i];
}

static void commit_line(struct pty *p)
{
	rq_put(p, p->line, p->line_len);
	p->line_len = 0;
	wake_up(p);
	poll_wake();
}

static void erase_chars(struct pty *p, uint32_t n)
{
	while (n-- && p->line_len) {
		uint8_t c = p->line[--p->line_len];

		if (p->tio.c_lflag & ECHOE) {
			echo_put(p, "\b \b", 3);
			if ((p->tio.c_lflag & ECHOCTL) &&
			    (c < 0x20 || c == 0x7f))
				echo_put(p, "\b \b", 3);
		}
	}
}

static bool isig(struct pty *p, uint8_t c)
{
	const uint8_t *cc = p->tio.c_cc;
	int sig = c == cc[VINTR] ? SIGINT :
		  c == cc[VQUIT] ? SIGQUIT :
		  c == cc[VSUSP] ? SIGTSTP :
				   0;

	if (!(p->tio.c_lflag & ISIG) || !sig || !c)
		return false;
	if (!(p->tio.c_lflag & NOFLSH)) {
		p->line_len = 0;
		p->rq_count = 0;
	}
	echo_char(p, c);
	signal_group(p->fg, sig);
	return true;
}

/* Canonical editing of one character. */
static void canon(struct pty *p, uint8_t c)
{
	const uint8_t *cc = p->tio.c_cc;

	if (c == cc[VERASE] || c == '\b') {
		erase_chars(p, 1);
	} else if (c == cc[VKILL]) {
		erase_chars(p, p->line_len);
	} else if (c == cc[VWERASE]) {
		while (p->line_len && p->line[p->line_len - 1] == ' ')
			erase_chars(p, 1);
		while (p->line_len && p->line[p->line_len - 1] != ' ')
			erase_chars(p, 1);
	} else if (c == cc[VEOF]) {
		if (!p->line_len)
			p->eof_mark = true;
		commit_line(p);
	} else if (c == '\n' || (c == cc[VEOL] && c)) {
		p->line[p->line_len++] = c;
		echo_char(p, c);
		commit_line(p);
	} else if (p->line_len < LINE_MAX - 1) {
		p->line[p->line_len++] = c;
		echo_char(p, c);
	}
}

/* Room for one more input character, whatever it turns out to be. */
static bool room(const struct pty *p)
{
	if (p->echo_len + 6 > ECHO_SIZE)
		return false;
	if (p->tio.c_lflag & ICANON)
		return p->rq_count + p->line_len + 1 <= RQ_SIZE;
	return p->rq_count < RQ_SIZE;
}

/* IXON: ^S stops the slave's output, ^Q (or, with IXANY, any key) restarts
 * it; the two keys themselves are not input. True if c was used up. */
static bool flow_control(struct pty *p, uint8_t c)
{
	const uint8_t *cc = p->tio.c_cc;

	if (!(p->tio.c_iflag & IXON))
		return false;
	if (c == cc[VSTOP] && c) {
		p->stopped = true;
		return true;
	}
	if (p->stopped && (c == cc[VSTART] || (p->tio.c_iflag & IXANY))) {
		p->stopped = false;
		wake_up(&p->stopped);
		poll_wake();
		return c == cc[VSTART];
	}
	return c == cc[VSTART] && c;
}

static void input_char(struct pty *p, uint8_t c)
{
	if (flow_control(p, c))
		return;
	if (c == '\r' && (p->tio.c_iflag & IGNCR))
		return;
	if (c == '\r' && (p->tio.c_iflag & ICRNL))
		c = '\n';
	else if (c == '\n' && (p->tio.c_iflag & INLCR))
		c = '\r';
	if (isig(p, c))
		return;
	if (p->tio.c_lflag & ICANON) {
		canon(p, c);
		return;
	}
	rq_put(p, &c, 1);
	echo_char(p, c);
	wake_up(p);
	poll_wake();
}

void pty_input_ready(struct pty *p)
{
	wake_up(task_first());
}

void pty_pump(struct pty *p)
{
	uint8_t c;

	while (!p->hup && p->s && room(p) &&
	       podio_stream_read(p->s, &c, 1, false, true) == 1)
		input_char(p, c);
	if (p->s && podio_stream_eof(p->s))
		wake_up(p); /* readers see the end of input */
	if (p->echo_len)
		pty_flush_output(p);
}

bool pty_flush_output(struct pty *p)
{
	long n;

	if (!p->echo_len || !p->s)
		return true;
	n = podio_stream_write(p->s, 1, p->echo, p->echo_len, false, true);
	if (n <= 0)
		return n != -EAGAIN;
	memmove(p->echo, p->echo + n, p->echo_len - (uint32_t)n);
	p->echo_len -= (uint32_t)n;
	return p->echo_len == 0;
}

/* ---- the slave ---- */

/* Committed bytes a read may take: one line in canonical mode. */
static uint32_t readable(const struct pty *p)
{
	if (!(p->tio.c_lflag & ICANON))
		return p->rq_count;
	for (uint32_t i = 0; i < p->rq_count; i++)
		if (p->rq[(p->rq_head + i) % RQ_SIZE] == '\n')
			return i + 1;
	return p->rq_count;
}

static bool input_eof(const struct pty *p)
{
	return p->hup || !p->s || (podio_stream_eof(p->s) && !p->line_len);
}

static long slave_read(struct file *f, void *ubuf, size_t n)
{
	struct pty *p = f->priv;
	uint64_t deadline = 0;
	uint32_t k;

	if (!p) /* an O_PATH file of /dev/pts/N */
		return -EBADF;

	if (!(p->tio.c_lflag & ICANON) && p->tio.c_cc[VTIME])
		deadline = time_now_ns() +
			   (uint64_t)p->tio.c_cc[VTIME] * 100000000ull;
	while (!(k = readable(p))) {
		if (p->eof_mark) {
			p->eof_mark = false;
			return 0;
		}
		if (input_eof(p) || !n)
			return 0;
		if (!(p->tio.c_lflag & ICANON) && !p->tio.c_cc[VMIN] &&
		    !deadline)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		switch (sleep_on(p, deadline)) {
		case -EINTR:
			return -ERESTARTSYS;
		case -ETIMEDOUT:
			return 0;
		}
	}
	if (k > n)
		k = (uint32_t)n;
	for (uint32_t i = 0; i < k; i++) {
		uint8_t c = p->rq[p->rq_head];

		if (copy_to_user((uint8_t *)ubuf + i, &c, 1))
			return i ? (long)i : -EFAULT;
		p->rq_head = (p->rq_head + 1) % RQ_SIZE;
		p->rq_count--;
	}
	wake_up(task_first()); /* room for more input */
	return k;
}

/* OPOST/ONLCR: \n becomes \r\n. */
static long slave_write(struct file *f, const void *ubuf, size_t n)
{
	struct pty *p = f->priv;
	uint8_t in[256], out[512];
	size_t done = 0;

	if (!p)
		return -EBADF;

	while (done < n) {
		size_t k = n - done < sizeof(in) ? n - done : sizeof(in), m = 0;
		long r;

		if (p->hup || !p->s)
			return done ? (long)done : -EIO;
		if (p->stopped) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			if (sleep_on(&p->stopped, 0) == -EINTR)
				return done ? (long)done : -ERESTARTSYS;
			continue;
		}
		if (copy_from_user(in, (const uint8_t *)ubuf + done, k))
			return done ? (long)done : -EFAULT;
		for (size_t i = 0; i < k; i++) {
			if (in[i] == '\n' && (p->tio.c_oflag & OPOST) &&
			    (p->tio.c_oflag & ONLCR))
				out[m++] = '\r';
			out[m++] = in[i];
		}
		r = podio_stream_write(p->s, 1, out, m, false, false);
		if (r < 0)
			return done ? (long)done : r;
		if ((size_t)r < m) /* interrupted midway: count input bytes */
			return (long)done + (r ? 1 : 0);
		done += k;
	}
	return (long)done;
}

static unsigned slave_poll(struct file *f)
{
	struct pty *p = f->priv;
	unsigned m;

	if (!p)
		return POLLNVAL;
	m = p->stopped ? 0 : POLLOUT;

	if (readable(p) || p->eof_mark || input_eof(p))
		m |= POLLIN;
	if (p->hup)
		m |= POLLHUP;
	return m;
}

static long set_termios(struct pty *p, unsigned long cmd, unsigned long arg)
{
	struct k_termios t;

	if (copy_from_user(&t, (void *)arg, sizeof(t)))
		return -EFAULT;
	if (cmd == TCSETSF)
		p->rq_count = 0;
	/* leaving canonical mode: the partial line becomes readable */
	if ((p->tio.c_lflag & ICANON) && !(t.c_lflag & ICANON))
		commit_line(p);
	p->tio = t;
	wake_up(task_first());
	return 0;
}

static long slave_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	struct pty *p = f->priv;
	int v;

	if (!p)
		return -EBADF;

	switch (cmd) {
	case TCGETS:
		return copy_to_user((void *)arg, &p->tio, sizeof(p->tio));
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return set_termios(p, cmd, arg);
	case TIOCGWINSZ:
		return copy_to_user((void *)arg, &p->ws, sizeof(p->ws));
	case TIOCSWINSZ: {
		struct k_winsize w;

		if (copy_from_user(&w, (void *)arg, sizeof(w)))
			return -EFAULT;
		pty_resize(p, w.row, w.col);
		p->ws = w;
		return 0;
	}
	case TIOCGPGRP:
		return copy_to_user((void *)arg, &p->fg, sizeof(p->fg));
	case TIOCSPGRP:
		if (copy_from_user(&v, (void *)arg, sizeof(v)))
			return -EFAULT;
		if (v <= 0)
			return -EINVAL;
		p->fg = v;
		return 0;
	case TIOCGSID:
		return copy_to_user((void *)arg, &p->sid, sizeof(p->sid));
	case TIOCSCTTY:
	case TIOCNOTTY:
	case TCXONC:
		return 0;
	case TCFLSH:
		if (arg == 0 || arg == 2)
			p->rq_count = p->line_len = 0;
		return 0;
	case FIONREAD:
		v = (int)readable(p);
		return copy_to_user((void *)arg, &v, sizeof(v));
	case TIOCOUTQ:
		v = (int)p->echo_len;
		return copy_to_user((void *)arg, &v, sizeof(v));
	default:
		return -ENOTTY;
	}
}

static void slave_release(struct file *f)
{
	struct pty *p = f->priv;

	/* The last file of the inode: it is freed after this (nlink 0). */
	if (f->ino->open_refs == 1)
		((struct pty *)f->ino->priv)->slave = NULL;
	if (p)
		pty_put(p);
}

/* An open of /dev/pts/N: a file on the slave like the session's own. */
static int slave_open(struct file *f, uint32_t flags)
{
	struct pty *p = (struct pty *)f->ino->priv;

	(void)flags;
	if (p->hup)
		return -EIO;
	f->priv = p;
	p->refs++;
	return 0;
}

static const struct inode_ops slave_iops = { .open = slave_open };

static const struct file_ops slave_ops = {
	.read = slave_read,
	.write = slave_write,
	.poll = slave_poll,
	.ioctl = slave_ioctl,
	.release = slave_release,
};

void pty_set_owner(struct file *slave, uint32_t uid, uint32_t gid)
{
	if (slave->ino->fops == &slave_ops) {
		slave->ino->uid = uid;
		slave->ino->gid = gid;
	}
}

int pty_slave_files(struct pty *p, struct file *fds[3])
{
	struct inode *ino = inode_new(S_IFCHR | 0620);
	char name[32];
	int i;

	if (!ino)
		return -ENOMEM;
	ino->rdev = (136u << 8) | (p->index & 0xff); /* /dev/pts/N */
	ino->fops = &slave_ops;
	ino->iops = &slave_iops;
	ino->priv = (uintptr_t)p;
	/* /proc/self/fd/N says where it is, as stat of that name finds it
	 * (ttyname(3) compares the two) */
	fmt_snprintf(name, sizeof(name), "/dev/pts/%u", p->index);
	for (i = 0; i < 3; i++) {
		fds[i] = file_new(ino, O_RDWR);
		if (!fds[i])
			goto fail;
		fds[i]->priv = p;
		p->refs++;
		fds[i]->path = kstrdup(name);
		if (!fds[i]->path) {
			i++;
			goto fail;
		}
	}
	p->slave = ino;
	return 0;
fail:
	if (!i) { /* no file has it */
		kfree(ino);
		return -ENOMEM;
	}
	while (i--) /* the last one frees the inode (nlink 0) */
		file_put(fds[i]);
	return -ENOMEM;
}

/* ---- /dev/pts: the slaves that are open, by index ---- */

static int pts_lookup(struct inode *dir, const char *name, struct inode **ino_r)
{
	struct pty *p;
	char buf[16];

	(void)dir;
	list_for_each(p, &ptys, node) {
		fmt_snprintf(buf, sizeof(buf), "%u", p->index);
		if (p->slave && !strcmp(buf, name)) {
			*ino_r = p->slave;
			return 0;
		}
	}
	return -ENOENT;
}

static int pts_readdir(struct inode *dir, size_t idx, char *name, size_t cap,
		       struct inode **ino_r)
{
	struct pty *p;

	(void)dir;
	list_for_each(p, &ptys, node) {
		if (!p->slave || idx--)
			continue;
		fmt_snprintf(name, cap, "%u", p->index);
		*ino_r = p->slave;
		return 0;
	}
	return -ENOENT;
}

const struct inode_ops pty_dir_iops = { .lookup = pts_lookup,
					.readdir = pts_readdir };

/* ---- /dev/tty: the caller's controlling terminal ---- */

/* The pty whose session the task belongs to, else NULL (the console). */
static struct pty *ctty(struct file *f)
{
	if (!f->priv) {
		struct pty *p;

		list_for_each(p, &ptys, node) {
			if (!p->hup && p->sid && p->sid == current->sid) {
				p->refs++;
				f->priv = p;
				break;
			}
		}
	}
	return f->priv;
}

static long tty_read(struct file *f, void *ubuf, size_t n)
{
	return ctty(f) ? slave_read(f, ubuf, n) : console_fops.read(f, ubuf, n);
}

static long tty_write(struct file *f, const void *ubuf, size_t n)
{
	return ctty(f) ? slave_write(f, ubuf, n) :
			 console_fops.write(f, ubuf, n);
}

static unsigned tty_poll(struct file *f)
{
	return ctty(f) ? slave_poll(f) : console_fops.poll(f);
}

static long tty_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	return ctty(f) ? slave_ioctl(f, cmd, arg) :
			 console_fops.ioctl(f, cmd, arg);
}

static void tty_release(struct file *f)
{
	if (f->priv)
		pty_put(f->priv);
}

const struct file_ops dev_tty_fops = {
	.read = tty_read,
	.write = tty_write,
	.poll = tty_poll,
	.ioctl = tty_ioctl,
	.release = tty_release,
};
