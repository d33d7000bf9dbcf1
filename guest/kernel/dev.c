/* SPDX-License-Identifier: MIT */
/* dev.c: /dev: null, zero, full, random, urandom, console, tty; the RNG. */
#include "arch/cpu.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/pty.h"
#include "kernel/termios.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/string.h"

/* ---- random numbers: xoshiro256** seeded from RDRAND (if any) and the TSC ---- */

static uint64_t rng_s[4];

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(void)
{
	uint64_t r = rotl(rng_s[1] * 5, 7) * 9, t = rng_s[1] << 17;

	rng_s[2] ^= rng_s[0];
	rng_s[3] ^= rng_s[1];
	rng_s[1] ^= rng_s[2];
	rng_s[0] ^= rng_s[3];
	rng_s[2] ^= t;
	rng_s[3] = rotl(rng_s[3], 45);
	return r;
}

static uint64_t hw_random(void)
{
	uint32_t r[4];
	uint64_t v = 0;
	unsigned char ok = 0;

	cpuid(1, 0, r);
	if (r[2] & (1u << 30))
		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
	return ok ? v : 0;
}

static void rng_init(void)
{
	for (int i = 0; i < 4; i++) {
		uint64_t z = rdtsc() + hw_random() +
			     (uint64_t)i * 0x9e3779b97f4a7c15ull;

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		rng_s[i] = z ^ (z >> 31);
	}
}

void random_fill(void *buf, size_t n);
void random_fill(void *buf, size_t n)
{
	uint8_t *p = buf;

	rng_s[0] ^= rdtsc();
	while (n) {
		uint64_t v = rng_next();
		size_t k = n < 8 ? n : 8;

		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}

/* ---- the devices ---- */

static long null_read(struct file *f, void *ubuf, size_t n)
{
	return 0;
}

static long null_write(struct file *f, const void *ubuf, size_t n)
{
	return (long)n;
}

static long zero_read(struct file *f, void *ubuf, size_t n)
{
	return clear_user(ubuf, n) ? -EFAULT : (long)n;
}

static long full_write(struct file *f, const void *ubuf, size_t n)
{
	return -ENOSPC;
}

static long random_read(struct file *f, void *ubuf, size_t n)
{
	uint8_t buf[256];
	size_t done = 0;

	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);

		random_fill(buf, k);
		if (copy_to_user((uint8_t *)ubuf + done, buf, k))
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return (long)done;
}

static unsigned always_ready(struct file *f)
{
	return POLLIN | POLLOUT;
}

static long console_write_op(struct file *f, const void *ubuf, size_t n)
{
	char buf[512];
	size_t done = 0;

	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);

		if (copy_from_user(buf, (const uint8_t *)ubuf + done, k))
			return done ? (long)done : -EFAULT;
		console_write(buf, k);
		done += k;
	}
	return (long)done;
}

/* The console's terminal settings (termios_default from dev_init). */
static struct k_termios con_termios;
static struct k_winsize con_winsz = { 24, 80, 0, 0 };

static int con_pgrp;

static long console_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	int zero = 0;

	switch (cmd) {
	case TCGETS:
		return copy_to_user((void *)arg, &con_termios,
				    sizeof(con_termios));
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return copy_from_user(&con_termios, (void *)arg,
				      sizeof(con_termios));
	case TIOCGWINSZ:
		return copy_to_user((void *)arg, &con_winsz, sizeof(con_winsz));
	case TIOCSWINSZ:
		return copy_from_user(&con_winsz, (void *)arg,
				      sizeof(con_winsz));
	case TIOCGPGRP:
		if (!con_pgrp)
			con_pgrp = current->pgid;
		return copy_to_user((void *)arg, &con_pgrp, sizeof(con_pgrp));
	case TIOCSPGRP:
		return copy_from_user(&con_pgrp, (void *)arg, sizeof(con_pgrp));
	case TIOCSCTTY:
		return 0;
	case FIONREAD:
		return copy_to_user((void *)arg, &zero, sizeof(zero));
	default:
		return -ENOTTY;
	}
}

/* The pod has no console input yet: reads see end of file. */
const struct file_ops console_fops = {
	.read = null_read,
	.write = console_write_op,
	.poll = always_ready,
	.ioctl = console_ioctl,
};

/* Like Linux's, null, zero and full have no poll: poll() and select()
 * see them ready, epoll refuses them (EPERM). */
static const struct file_ops null_fops = { .read = null_read,
					   .write = null_write };
static const struct file_ops zero_fops = { .read = zero_read,
					   .write = null_write };
static const struct file_ops full_fops = { .read = zero_read,
					   .write = full_write };
static const struct file_ops random_fops = { .read = random_read,
					     .write = null_write,
					     .poll = always_ready };

static struct inode *console_ino;

struct inode *dev_console_inode(void)
{
	return console_ino;
}

static struct inode *dev_dir(void)
{
	struct inode *root = vfs_root(), *dev = vfs_dir_find(root, "dev");

	if (dev && S_ISDIR(dev->mode))
		return dev;
	if (dev)
		vfs_unlink(root, "dev", false, false);
	if (vfs_mknod(root, "dev", S_IFDIR | 0755, &dev))
		return NULL;
	return dev;
}

static struct inode *add_dev(struct inode *dir, const char *name, uint32_t rdev,
			     const struct file_ops *ops)
{
	struct inode *ino;

	if (vfs_dir_find(dir, name))
		vfs_unlink(dir, name, false, false);
	if (vfs_mknod(dir, name, S_IFCHR | 0666, &ino))
		return NULL;
	ino->rdev = rdev;
	ino->fops = ops;
	return ino;
}

/* /dev/pts: the open pseudo-terminal slaves (pty.c), replacing what the
 * image has there. */
static void add_pts(struct inode *dev)
{
	struct inode *pts;

	if (vfs_dir_find(dev, "pts") && vfs_unlink(dev, "pts", true, false))
		return;
	if (vfs_mknod(dev, "pts", S_IFDIR | 0755, &pts))
		return;
	pts->iops = &pty_dir_iops;
}

void dev_init(void)
{
	struct inode *dev;

	rng_init();
	con_termios = termios_default;
	dev = dev_dir();
	if (!dev) {
		printk("xenpod-kernel: cannot create /dev\n");
		return;
	}
	add_dev(dev, "null", 0x103, &null_fops);
	add_dev(dev, "zero", 0x105, &zero_fops);
	add_dev(dev, "full", 0x107, &full_fops);
	add_dev(dev, "random", 0x108, &random_fops);
	add_dev(dev, "urandom", 0x109, &random_fops);
	add_dev(dev, "tty", 0x500, &dev_tty_fops);
	console_ino = add_dev(dev, "console", 0x501, &console_fops);
	add_pts(dev);
	if (!vfs_dir_find(dev, "fd")) {
		vfs_symlink(dev, "fd", "/proc/self/fd");
		vfs_symlink(dev, "stdin", "/proc/self/fd/0");
		vfs_symlink(dev, "stdout", "/proc/self/fd/1");
		vfs_symlink(dev, "stderr", "/proc/self/fd/2");
	}
}
