/* SPDX-License-Identifier: MIT */
/* pod_internal: the pod struct and helpers shared by the pod layer's files (pod*.c, state_json.c). */
#ifndef XENPOD_POD_INTERNAL_H
#define XENPOD_POD_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "hv.h"
#include "pod.h"
#include "protocol.h"
#include "digest.h"
#include "xs.h"

struct console;
struct ev_fd;
struct ev_timer;
struct pod_io;

/* The exit code of a pod whose guest kernel died: docker's for a killed container (128 + SIGKILL). */
#define POD_EXIT_CRASHED 137

/* A request answered with the POD once the pod is stopped (wait, stop),
 * or once its program has started (start). */
struct pod_waiter {
	struct pod_waiter *next, *prev;
	struct pod_waiter **list; /* the pod's waiters or start_waiters */
	pod_token tok;
	struct pod *pod;
};

struct pod {
	struct pod *next, *prev;
	char name[XP_NAME_MAX + 1];
	char uuid[HV_UUID_LEN + 1];
	int64_t domid; /* -1: no domain */
	enum pod_status status;
	bool has_exit;
	int exit_code;
	char reason[192]; /* "" while alive */
	char *image;
	char digest[65];
	char cpio[PATH_MAX];
	/* The console pty, read from xenstore only while the new domain is
	 * still paused: the guest can write ~/console, so later reads (after
	 * a daemon restart) would let it point us at another pod's pty. */
	char tty[32];
	/* What it was created with, kept in the state ("" and POD_CHAN_UNKNOWN
	 * for a pod from an older state file): a re-adopted pod is judged by
	 * the kernel it booted, not by the daemon's current --kernel. */
	char kernel[PATH_MAX];
	char kernel_digest[DIGEST_HEX_LEN + 1];
	enum pod_chan chan;
	char **argv, **env; /* NULL-terminated */
	char *cwd;
	char *user; /* USER[:GROUP] for the guest; NULL: root */
	char **groups; /* more supplementary groups; NULL: none */
	struct rlimit_arg rlimits[XP_RLIMITS_MAX]; /* the spec's */
	size_t n_rlimits;
	char *kernel_args; /* NULL: none; the guest kernel command line */
	bool term; /* the main process runs on a pseudo-terminal (spec "tty") */
	bool open_stdin; /* its stdin stays open for attach (spec "stdin") */
	unsigned memory_mib, vcpus;
	time_t created_at, started_at, finished_at; /* 0: not yet */
	/* A stop's grace period ends (0: no stop pending): kept in the state,
	 * so a restarted daemon still destroys a pod that ignored its stop. */
	time_t stop_deadline;
	uint64_t lost_bytes; /* console bytes lost to rotation (saved) */
	/* The network asked for (net_req: address, ports) and set up (net,
	 * saved); attached while its address and rules are held (net.c). */
	struct net_spec net_req;
	struct net_pod net;
	bool net_attached;
	/* Paused by pod_pause (saved): its domain's vCPUs are not scheduled;
	 * a re-adopted pod takes it from the hypervisor. */
	bool paused;
	/* Its volumes (saved) and their backends (pod_mount.c). */
	struct pod_mount mounts[XP_MOUNTS_MAX];
	size_t n_mounts;
	/* Its tmpfs mounts and a read-only root (saved; the guest makes them). */
	struct tmpfs_arg tmpfs[XP_TMPFS_MAX];
	size_t n_tmpfs;
	bool read_only;
	struct pod_backend {
		struct pod *pod;
		unsigned i; /* mounts[i] */
		int pidfd; /* valid while evh is set */
		struct ev_fd *evh; /* NULL: no backend watched */
		bool child; /* ours to reap (not one re-adopted) */
	} be[XP_MOUNTS_MAX];
	struct ev_timer *vol_timer; /* waits for the backends at create */
	int vol_tries;

	/* Runtime only. */
	struct console *con;
	struct pod_io *io; /* the I/O channel and its sessions (pod_io.c) */
	struct ev_timer *tty_timer;
	int tty_tries;
	struct ev_timer *stop_timer;
	struct ev_timer *drain_timer;
	struct ev_timer *status_timer; /* coalesces guest status watch events */
	uint64_t shutdown_at;
	enum hv_shutdown_reason shutdown_reason;
	bool watching; /* xenstore status watch registered */
	bool stop_requested;
	bool finishing; /* shut down; draining the console before destroy */
	enum xs_guest_state guest;
	int guest_exit;
	char guest_error[128];
	pod_token create_tok; /* pending pod_create, or 0 */
	struct pod_waiter *waiters;
	/* Unpaused by pod_start; "started" is not said (nor pod_start
	 * answered) until the guest runs the program and its channel, if
	 * the kernel serves one, is connected (bounded by start_timer). */
	bool start_pending;
	bool prog_started; /* the guest reported it running (or exited) */
	struct ev_timer *start_timer;
	struct pod_waiter *start_waiters;
};

struct pod_ctx {
	struct hv *hv;
	struct xs *xs;
	int xs_fd;
	struct ev_fd *xs_evh;
	char log_dir[PATH_MAX];
	char kernel[PATH_MAX];
	const char *crash_at;
	struct pod *pods;
	size_t n_pods;
	int n_preparing; /* images being converted: the cache must not be collected */
	int image_cache_keep; /* unused cached rootfs files kept (least recently used go) */
	const struct pod_ops *ops; /* answers and events (NULL: none) */
	uint64_t pod_cpus; /* see pod_config */
	char volume_backend[PATH_MAX]; /* xenpod-9pfsd */
};

/* The guest kernel command line a spec may set (kernel_args). */
#define POD_KERNEL_ARGS_MAX XP_KERNEL_ARGS_MAX
#define POD_IMAGE_CACHE_KEEP 8
#define POD_STATUS_COALESCE_MS 20

extern struct pod_ctx pod_ctx;

struct pod *pod_find(const char *name);
struct pod *pod_find_uuid(const char *uuid);
void pod_link(struct pod *p);
void pod_unlink_detached(struct pod *p);
void pod_free_detached(struct pod *p);
bool pod_is_final(const struct pod *p);
/* Console and output-log bytes lost to rotation so far. */
uint64_t pod_lost_bytes(const struct pod *p);
/* Re-arm the grace timer of a stop that was pending when the daemon stopped. */
void pod_resume_stop(struct pod *p);
/* Unpause a created pod: 0 or -errno with err set. */
int pod_unpause(struct pod *p, char *err, size_t errsz);
/* A pending start may be complete now (the guest's report, the channel's HELLO). */
void pod_check_started(struct pod *p);
int pod_persist(struct pod *p);
void pod_event(const struct pod *p, const char *event);
void pod_gc_images(void);
int pod_watch_guest(struct pod *p);
void pod_read_guest(struct pod *p);
void pod_finish(struct pod *p, enum pod_status st, const char *reason,
		bool keep_exit);
void pod_on_shutdown(struct pod *p, enum hv_shutdown_reason reason);
/* _exit(137) if XENPOD_CRASH_AT names this point (reliability tests). */
void pod_crash_point(const char *point);
char **pod_strv_dup(char *const *v);
void pod_strv_free(char **v);
int pod_make_uuid(char out[HV_UUID_LEN + 1]);
int pod_random_name(char *buf, size_t sz);

/* Answers through pod_ctx.ops (nothing when there are none). */
void pod_reply_pod(pod_token t, const struct pod *p);
void pod_reply_error(pod_token t, int neg_errno, int status, const char *msg);
/* The sink (never NULL: without ops, one that drops everything). */
const struct pod_sink *pod_sink(void);

/* pod.c: cancel a waiter of t (wait, stop, start). Was there one? */
bool pod_waiter_cancel(pod_token t);

/* pod_net.c: the pod's side of net.c */
/* Set up p's network (before its domain is built): 0 or -errno with err. */
int pod_net_attach(struct pod *p, char *err, size_t errsz);
/* Give back its address and rules (its vif goes with its domain). */
void pod_net_detach(struct pod *p);
/* p has no domain (never built, or gone): a netns vif's xenstore nodes go. */
void pod_net_unplugged(const struct pod *p);
/* Reconciliation: p is alive again with the network of its state file. */
void pod_net_adopt(struct pod *p);
/* The libxl vif of p (nothing without a network); buffers owned by the caller. */
void pod_net_nic(const struct pod *p, struct hv_domain_config *dc, char mac[18],
		 char ip[48]);
/* What the guest takes as its hostname (xenstore spec "name"). */
const char *pod_net_hostname(const struct pod *p);
/* The pod's own boot rootfs: the image's with its /etc/hosts, /etc/resolv.conf
 * and /etc/hostname, at path ("" if the image's is booted as it is: a pod
 * without a network or resolver options). 0 or -errno with err. */
int pod_net_root(struct pod *p, char *path, size_t pathsz, char *err,
		 size_t errsz);
/* The domain is built (or its build failed): its boot rootfs file goes. */
void pod_net_root_done(const struct pod *p);

/* pod_mount.c: a pod's volumes and their backends */
/* Resolve the spec's mounts into p (host directories must exist; named
 * volumes are made if missing): 0 or -errno with err (path names the spec). */
int pod_mounts_resolve(struct pod *p, const struct mount_arg *m, size_t n,
		       const char *path, char *err, size_t errsz);
/* The domain exists (paused): write each device's nodes and start its
 * backend. 0 or -errno with err; on failure the caller rolls back
 * (pod_mounts_stop undoes what was done). */
int pod_mounts_start(struct pod *p, char *err, size_t errsz);
/* Have all backends published their nodes (InitWait)? 1 yes, 0 not yet,
 * -errno with err when one has died. */
int pod_mounts_ready(struct pod *p, char *err, size_t errsz);
/* Stop the backends (TERM, then KILL) and remove the devices' nodes. */
void pod_mounts_stop(struct pod *p);
/* Reconciliation: re-adopt the backends of a live pod p that are really
 * ours (by pid, start time and command line); the others are lost. */
void pod_mounts_adopt(struct pod *p);
/* Forget the runtime state (the backends keep running: pod_dispose). */
void pod_mounts_forget(struct pod *p);

/* pod_create.c */
void pod_create_dispose(void);
void pod_create_done(void *cookie, int rc, uint32_t domid, const char *err);
/* Start capturing the console (retries until xenconsoled has published the tty). */
void pod_console_attach(struct pod *p);
/* The requester of a pending create left: was t one? */
bool pod_create_cancel(pod_token t);

/* pod_kernel.c: what a guest kernel file is. */
struct pod_kernel_info {
	char digest[DIGEST_HEX_LEN + 1]; /* sha256 of the file, lowercase hex */
	bool io_channel; /* it serves the I/O channel (names ~/xenpod/chan) */
};
/* Read and describe the kernel at path (cached while the file is unchanged). 0 or -errno. */
int pod_kernel_probe(const char *path, struct pod_kernel_info *ki);
/* Does the pod's kernel serve the channel? As recorded at its create; for a
 * pod from an older state file, as the daemon's current kernel does. */
bool pod_kernel_serves_chan(const struct pod *p);

/* pod_logs.c */
void pod_logs_pod_changed(struct pod *p); /* new output, or the pod stopped */
void pod_logs_pod_removed(struct pod *p);
void pod_logs_dispose(void);
bool pod_logs_cancel(pod_token t);

#endif
