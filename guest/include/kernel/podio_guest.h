/* SPDX-License-Identifier: MIT */
/* podio_guest.h: the guest end of the pod I/O channel: stream 0 (main process) and exec sessions. */
#ifndef GUEST_KERNEL_PODIO_GUEST_H
#define GUEST_KERNEL_PODIO_GUEST_H

#include <stdbool.h>
#include <stdint.h>

struct file;
struct inode;
struct cred;

/*
 * All of it runs in init's context (the kernel task, pid 0), which loops
 * on podio_guest_poll() and sleeps on podio_guest_wait_chan(): the event
 * channel, the xenstore watch, readers, writers and child exits wake it.
 * Processes write their stdout/stderr frames straight into the ring from
 * their own write(2), within the credit dom0 granted; they block (never
 * drop) when out of credit or while no server is connected.
 */

/* Looks for ~/xenpod/chan (read-only to us, written by xenpodd before it
 * unpauses the domain). pod_env/pod_cwd/pod_cred are the main process's,
 * the base of every exec (sessions run as the pod's user). Returns true
 * if the pod has a channel; false means the console carries the main
 * process's stdio as before. */
bool podio_guest_init(char *const *pod_env, struct inode *pod_cwd,
		      const struct cred *pod_cred);
/* Stream 0's files for the main process: fds[0] stdin, [1] stdout,
 * [2] stderr (new references), or with tty three on the slave of a pty
 * whose master is stream 0. Without tty and open_stdin its stdin is at
 * end of file from the start (as docker run without -i). 0 or -ENOMEM. */
/* The server's ring-ref and event channel from ~/xenpod/chan, strictly
 * parsed: 0, -ENOENT (none served), -EINVAL or the xenstore error. */
int podio_guest_chan_nodes(uint32_t *ref, uint32_t *port);
int podio_guest_main_stdio(struct file *fds[3], bool tty, bool open_stdin);
/* The main process, for SIGNAL on stream 0. */
void podio_guest_set_main(int pid);
/* Does whatever is ready: (re)connects, reads and dispatches frames,
 * starts execs, sends queued control frames. Never blocks. */
void podio_guest_poll(void);
/* Logs the channel's state: rings, notification bits, streams (debug key). */
void podio_guest_dump(void);
/* init reaped pid with wait status: an exec session's process ends its
 * stream (EXIT once its output is out). Returns true if it was one. */
bool podio_guest_reaped(int pid, int status);
/* The main process ended: EXIT on stream 0. */
void podio_guest_main_exit(int status);
/* True when nothing is queued for dom0 or no server is connected. */
bool podio_guest_flushed(void);
/* What init sleeps on. */
const void *podio_guest_wait_chan(void);

/* Exec lookup shared with init: name -> path in PATH (execvp rules);
 * returns name itself when it contains '/' or nothing matched. */
const char *podio_find_program(const char *name, const char *path_env,
			       struct inode *cwd, char *buf, unsigned cap);

/* A failed task_spawn (rc, its err) as a shell and docker report it:
 * 127 not found (ENOENT, ENOTDIR), 125 out of memory (the pod is too
 * small, not the program wrong), 126 for the rest (found but cannot be
 * executed: EACCES, EISDIR, ENOEXEC, a bad ELF); and the reason in
 * strerror's words where there is one, or the loader's own when it names
 * a missing or unusable dynamic linker. */
int podio_spawn_status(int rc);
const char *podio_spawn_reason(int rc, const char *err);

#endif
