/* SPDX-License-Identifier: MIT */
/* pty.h: pseudo-terminals for exec sessions with tty=1: a Linux-like line discipline over a stream. */
#ifndef GUEST_KERNEL_PTY_H
#define GUEST_KERNEL_PTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct file;
struct inode_ops;
struct pstream;
struct pty;

/*
 * The master side is the stream itself: STDIN frames are the keyboard,
 * the slave's output (after OPOST/ONLCR) and the echo go out as STDOUT
 * frames. The slave is what the session's process gets as fds 0-2: a
 * character device with termios (ICANON with erase/kill/EOF, ECHO,
 * ISIG: ^C SIGINT, ^Z SIGTSTP, ^\ SIGQUIT to the foreground process
 * group), a window size (SIGWINCH on change) and job-control ioctls.
 * Everything but the slave's read/write/ioctl runs in init's context.
 */
struct pty *pty_new(struct pstream *s, uint16_t rows, uint16_t cols);
void pty_put(struct pty *p);
/* Three files on the slave (new references), named /dev/pts/N (the
 * pty's index); 0 or -ENOMEM. */
int pty_slave_files(struct pty *p, struct file *fds[3]);
/* /dev/pts's entries: each pty whose slave is open, as its index; an open
 * of one is another file on that slave. */
extern const struct inode_ops pty_dir_iops;
/* Gives a slave (one of pty_slave_files' files) to the session's user;
 * other files are left alone. */
void pty_set_owner(struct file *slave, uint32_t uid, uint32_t gid);
/* The session leader (its pid is the foreground process group). */
void pty_set_session(struct pty *p, int pid);
/* Stream input arrived (or EOF): the next pty_pump() takes it. */
void pty_input_ready(struct pty *p);
/* Moves stream input through the line discipline as room allows. */
void pty_pump(struct pty *p);
/* Sends pending echo; true when none is left. */
bool pty_flush_output(struct pty *p);
/* The channel went away: reads see end of file, writes fail with EIO. */
void pty_hangup(struct pty *p);
/* RESIZE: new window size, SIGWINCH to the foreground group. */
void pty_resize(struct pty *p, uint16_t rows, uint16_t cols);

/* /dev/tty: the caller's session's pty if it has one, else the console. */
extern const struct file_ops dev_tty_fops;

/* The stream side, from podio_guest.c. */
long podio_stream_write(struct pstream *s, int fd, const void *src, size_t n,
			bool user, bool nonblock);
long podio_stream_read(struct pstream *s, uint8_t *dst, size_t n, bool user,
		       bool nonblock);
bool podio_stream_readable(const struct pstream *s);
/* No input left and none will come. */
bool podio_stream_eof(const struct pstream *s);

#endif
