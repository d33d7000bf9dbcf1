/* SPDX-License-Identifier: MIT */
/* pod: the pod layer's API in C types (no JSON, no connections): lifecycle, exec sessions, logs. */
#ifndef XENPOD_POD_H
#define XENPOD_POD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "hv.h"
#include "net.h"
#include "rlimit.h"
#include "volstore.h"
#include "volume.h"

struct xs;

#define POD_SPEC_MAX 4096 /* bytes of the xenstore spec string */

/*
 * Errors. Every operation returns 0, POD_DEFERRED or -errno with a one-line
 * message in err (naming the pod). The errno says what kind of failure it is;
 * the RPC layer turns it into a wire code (rpc_code_of, the only mapping):
 *   -ENOENT   no such pod (or a file the request names)
 *   -EEXIST   the name is taken
 *   -EBADFD   the pod (or session) is in the wrong state for the request
 *   -EBUSY    the pod is being created; too many sessions
 *   -EINVAL   the request itself is wrong (a limit, a missing field)
 *   -EACCES, -EPERM  denied
 *   any other errno: the request failed (ECANCELED: the pod ended first).
 */

/*
 * Deferred requests. The caller names each request with a token (non-zero,
 * unique while the request is pending). An operation that returns
 * POD_DEFERRED has taken the token: exactly one answer follows through
 * pod_ops (maybe before the operation returns), unless the caller withdraws
 * the request first with pod_cancel. Any other return value is the answer.
 */
typedef uint64_t pod_token;
#define POD_DEFERRED 1

enum pod_status {
	POD_CREATING, /* state file written, domain being built */
	POD_CREATED, /* domain exists, paused, spec written */
	POD_RUNNING,
	POD_STOPPED,
	POD_FAILED,
};

/* Does the pod's kernel serve the I/O channel (as recorded when it was created)? */
enum pod_chan {
	POD_CHAN_UNKNOWN, /* a state file from before it was recorded */
	POD_CHAN_NONE,
	POD_CHAN_IO,
};

struct pod; /* opaque: read it through pod_info */

/* A volume of a pod: a dom0 directory served by its own xenpod-9pfsd. */
struct pod_mount {
	char source[PATH_MAX]; /* the dom0 directory served (resolved) */
	char dest[XP_MOUNT_DEST_MAX + 1]; /* where the pod sees it */
	char volume[XP_VOLUME_NAME_MAX + 1]; /* "": a host directory */
	bool read_only;
	unsigned devid; /* device/9pfs/DEVID */
	/* Its backend (0: none): the pid and its start time in clock ticks
	 * after boot (/proc/PID/stat), so a restarted daemon can tell it from
	 * another process that got the pid. */
	int64_t backend_pid;
	uint64_t backend_start;
};

/* What a pod is, as the API shows it (pointers into the pod: valid until it changes). */
struct pod_info {
	const char *name, *uuid;
	int64_t domid; /* -1: no domain */
	enum pod_status status;
	bool has_exit;
	int exit_code;
	const char *reason; /* "" while alive */
	const char *image, *digest;
	char *const *argv, *const *env;
	const char *cwd;
	const char *user; /* NULL: root (none given) */
	char *const *groups; /* NULL or empty: none */
	const struct rlimit_arg *rlimits; /* n_rlimits of them */
	size_t n_rlimits;
	const char *kernel_args; /* NULL: none */
	const char *kernel,
		*kernel_digest; /* "": unknown (an older state file) */
	enum pod_chan chan;
	bool term, open_stdin;
	const char *console_tty; /* "": none */
	unsigned memory_mib, vcpus;
	time_t created_at, started_at, finished_at; /* 0: not yet */
	time_t stop_deadline; /* 0: no stop pending */
	uint64_t log_lost_bytes;
	const char *cpio; /* the rootfs it boots */
	const struct net_pod
		*net; /* its network (the address only while attached) */
	bool net_attached; /* its vif, address and rules exist */
	bool paused; /* running, its domain paused (pod_pause) */
	const struct pod_mount *mounts;
	size_t n_mounts;
	const struct tmpfs_arg *tmpfs; /* its tmpfs mounts */
	size_t n_tmpfs;
	bool read_only; /* its root file system is read-only */
};

/* A lifecycle event (created, started, paused, unpaused, exited, stopped,
 * failed, removed). */
struct pod_event {
	const char *name, *uuid, *event;
	time_t time;
	const char *reason; /* NULL: not said (the pod is not over, or removed) */
	bool has_exit;
	int exit_code;
};

/* The sink of a pending exec, attach or logs request: its client, over whatever carries it. */
struct pod_sink {
	/* Output of the session's process (fd 1 or 2). */
	void (*output)(pod_token t, int fd, const uint8_t *data, size_t n);
	/* The session's stdin took n more bytes: the client may send as many again. */
	void (*credit)(pod_token t, uint32_t n);
	/* A chunk of a log (stream "kernel", "stdout" or "stderr"); data holds any
	 * bytes. 0, or -errno when the client is going away (pod_cancel follows). */
	int (*log)(pod_token t, const char *pod, const char *stream,
		   const char *data, size_t n);
	/* Is the client keeping up (its backlog below the low mark)? */
	bool (*writable)(pod_token t);
	/* Bytes queued towards the client. */
	size_t (*queued)(pod_token t);
	/* Call cb(arg) once, when the client is writable again; cb NULL: forget it. */
	void (*on_writable)(pod_token t, void (*cb)(void *arg), void *arg);
};

/* How deferred requests are answered and events told (the RPC layer's). */
struct pod_ops {
	/* Answered with the pod (create, start, stop, wait). */
	void (*reply_pod)(pod_token t, const struct pod *p);
	/* Answered with an error; status >= 0 is the exit status the client
	 * should give (as for a program that could not be started), else -1. */
	void (*reply_error)(pod_token t, int neg_errno, int status,
			    const char *msg);
	/* An exec or attach session ended: how its process did (error: NULL or
	 * why it never ran). */
	void (*reply_exit)(pod_token t, int exit_code, unsigned signo,
			   const char *error);
	/* A logs request reached its end. */
	void (*reply_done)(pod_token t);
	void (*event)(const struct pod_event *e);
	const struct pod_sink *sink;
};

struct pod_config {
	const char *log_dir; /* console logs: LOG_DIR/NAME.log */
	const char *kernel; /* xenpod-kernel */
	struct hv *hv;
	struct xs *xs;
	uint64_t pod_cpus; /* physical CPUs pods may run on (bit N: CPU N); 0: any */
	const char *volume_backend; /* xenpod-9pfsd */
};

/* The store must be initialised. Hooks the xenstore watch fd into ev. 0 or -errno. */
int pod_init(const struct pod_config *cfg);
/* Where answers and events go (NULL: nowhere). */
void pod_set_ops(const struct pod_ops *ops);
/*
 * Load the state files and reconcile them with the running domains: re-adopt
 * live pods (matched by UUID), mark vanished ones stopped (reason "lost"),
 * destroy half-created ones and xenpod-* domains without state. 0 or -errno.
 */
int pod_reconcile(void);
/* Forget all pods (domains keep running: a restarted daemon re-adopts them). */
void pod_dispose(void);
size_t pod_count(void);

/* Callbacks to pass to hv_open. */
extern const struct hv_callbacks pod_hv_callbacks;

/* Host set-up the channels need (dom0's gntalloc limit: chan_host_setup). */
void pod_io_host_setup(void);
/* Logs every pod's channel and sessions (xenpodd's SIGUSR1). */
void pod_io_dump(void);

/* ---- reading ---- */

void pod_info(const struct pod *p, struct pod_info *out);
const char *pod_status_name(enum pod_status s);
bool pod_status_final(enum pod_status s); /* stopped or failed */
/* The pod called name: 0, or -ENOENT with err set. */
int pod_get(const char *name, const struct pod **p_r, char *err, size_t errsz);
/* All pods: for (p = pod_first(); p; p = pod_next(p)). */
const struct pod *pod_first(void);
const struct pod *pod_next(const struct pod *p);

/* ---- lifecycle (PROTOCOL.md says what each does) ---- */

/* A decoded, checked spec (the RPC layer checks syntax; the pod layer the rest). */
struct pod_spec {
	const char *name; /* NULL: a generated one */
	const char *image; /* an absolute path */
	char *const *command; /* NULL: the image's */
	char *const *env; /* KEY=VALUE items, or NULL */
	const char *cwd; /* NULL: the image's */
	const char *user; /* USER[:GROUP]; NULL: the image's, else root */
	char *const *groups; /* more supplementary groups, or NULL */
	/* Resource limits of its processes and execs (rlimit_decode
	 * checked them); n_rlimits 0: the guest's defaults. */
	const struct rlimit_arg *rlimits;
	size_t n_rlimits;
	const char *kernel_args; /* NULL or "": none */
	unsigned memory_mib; /* 0: what the image needs, at least the default */
	unsigned vcpus;
	bool tty, open_stdin;
	const struct net_spec
		*net; /* NULL: no network, the pod's name as hostname */
	/* Volumes (mount_set checked each and that they do not overlap); a
	 * named volume that does not exist yet is made, as docker does. */
	const struct mount_arg *mounts;
	size_t n_mounts;
	/* tmpfs mounts (tmpfs_set checked each, and that none overlaps a
	 * mount or another) and a read-only root file system. */
	const struct tmpfs_arg *tmpfs;
	size_t n_tmpfs;
	bool read_only;
	/* How messages name the spec (e.g. "params.spec"); must outlive the
	 * create (a string literal). */
	const char *path;
};

/* POD_DEFERRED (answered with the created pod) or -errno. */
int pod_create(const struct pod_spec *spec, pod_token t, char *err,
	       size_t errsz);
/* Answered once the program runs: 0 with *p_r (complete already), POD_DEFERRED or -errno. */
int pod_start(const char *name, pod_token t, const struct pod **p_r, char *err,
	      size_t errsz);
/* Answered once the pod is over: 0 with *p_r, POD_DEFERRED or -errno. */
int pod_stop(const char *name, int64_t timeout_s, pod_token t,
	     const struct pod **p_r, char *err, size_t errsz);
int pod_wait(const char *name, pod_token t, const struct pod **p_r, char *err,
	     size_t errsz);
/* 0 with *p_r (killed now) or -errno. */
int pod_kill(const char *name, const struct pod **p_r, char *err, size_t errsz);
/* Freeze a running pod's domain (its clock and timers stand still) and thaw
 * it again; docker's pause and unpause. exec and attach wait for the thaw,
 * stop thaws it first, kill and rm do not need to. */
int pod_pause(const char *name, const struct pod **p_r, char *err,
	      size_t errsz);
int pod_resume(const char *name, const struct pod **p_r, char *err,
	       size_t errsz);
/* 0 (gone) or -errno. */
int pod_rm(const char *name, bool force, char *err, size_t errsz);

/* Which log pod_logs reads. */
enum pod_log_stream {
	POD_LOG_DEFAULT, /* stdout and stderr if the guest uses the channel, else the console */
	POD_LOG_STDOUT,
	POD_LOG_STDERR,
	POD_LOG_KERNEL,
};

/* Stream a log through the sink (tail < 0: all; follow: until the pod is
 * over). POD_DEFERRED (answered with reply_done or an error) or -errno. */
int pod_logs(const char *name, int64_t tail, bool follow,
	     enum pod_log_stream stream, pod_token t, char *err, size_t errsz);

/* The requester of t went away: drop it (an exec session's process is killed). */
void pod_cancel(pod_token t);

/* ---- exec and attach sessions (pod_io.c) ---- */

struct pod_exec_req {
	const char *name;
	char *const *command, *const *env; /* NULL-terminated; env may be NULL */
	const char *cwd; /* NULL: the pod's */
	const char *user; /* USER[:GROUP]; NULL: the pod's */
	/* Supplementary groups of user (names or numbers; NULL-terminated,
	 * NULL: none; only with user). */
	char *const *groups;
	/* Limits replacing the pod's for their resources (rlimit_decode
	 * checked them); n_rlimits 0: the pod's. */
	const struct rlimit_arg *rlimits;
	size_t n_rlimits;
	bool tty, in; /* a terminal; stdin from the client (else EOF at once) */
	uint16_t rows, cols;
	const char
		*path; /* how messages name the request ("params"); a literal */
};

/* A session streams through the sink; POD_DEFERRED (reply_exit or an error) or -errno. */
int pod_exec(const struct pod_exec_req *x, pod_token t, char *err,
	     size_t errsz);

/* Join the main process; with start, a created pod is started once the
 * session is in place (no output missed). */
struct pod_attach_req {
	const char *name;
	bool in; /* stdin from the client */
	bool close_stdin; /* the client's eof closes the main process's stdin */
	bool start;
	uint16_t rows, cols; /* the terminal's size (0: unknown) */
};

int pod_attach(const struct pod_attach_req *a, pod_token t, char *err,
	       size_t errsz);
/* Signal the main process. 0 or -errno. */
int pod_signal(const char *name, int signo, char *err, size_t errsz);

/* The session of token t (its exec or attach request). Each returns 0 or
 * -EBADFD (no such session); a session the client misuses ends with -EINVAL. */
/* The pod the session is in (for messages), or NULL. */
const char *pod_session_pod(pod_token t);
int pod_session_input(pod_token t, const uint8_t *data, size_t n, bool eof);
/* The client broke the session's protocol: it ends with -EINVAL and why. */
int pod_session_violation(pod_token t, const char *why);
int pod_session_resize(pod_token t, uint16_t rows, uint16_t cols);
int pod_session_signal(pod_token t, int signo);

/* ---- named volumes (pod_volume.c; volstore.h keeps them) ---- */

/* Make a volume (name NULL: a generated one); one that exists is given
 * back as it is (docker's volume create). 0 or -errno. */
int pod_volume_create(const char *name, struct volstore_info *out, char *err,
		      size_t errsz);
/* 0, or -ENOENT with err. */
int pod_volume_get(const char *name, struct volstore_info *out, char *err,
		   size_t errsz);
/* Each volume in name order (volstore_list). */
int pod_volume_list(volstore_cb *cb, void *arg);
/* Does pod p mount the volume? */
bool pod_uses_volume(const struct pod *p, const char *name);
/* Remove a volume no pod refers to (any pod, stopped ones too, until it is
 * removed: -EBADFD). force: a missing volume is not an error. 0 or -errno. */
int pod_volume_rm(const char *name, bool force, char *err, size_t errsz);

/* ---- user-defined networks (pod_net.c; net.c keeps them) ---- */

/* Make a network (net_network_create) and tell the network_create event. */
int pod_network_create(const char *name, uint32_t subnet, unsigned prefix,
		       uint32_t gateway, struct net_network *out, char *err,
		       size_t errsz);
/* Is p attached to the network (NET_DEFAULT_NETWORK: the default one)? */
bool pod_uses_network(const struct pod *p, const char *name);
/* Remove a network no pod is attached to (-EBUSY with their names in err),
 * and tell the network_remove event. 0 or -errno with err. */
int pod_network_rm(const char *name, char *err, size_t errsz);

/* pod_spec_string flags: the main process's terminal and stdin. */
#define POD_SPEC_TTY 1u
#define POD_SPEC_STDIN 2u
#define POD_SPEC_READONLY 4u /* the root file system read-only */

/*
 * Encode argv/env/cwd/name/user/flags/tmpfs as the xenstore spec string (xenpod-paths.pandoc):
 * percent-encoded tokens "env=K=V... cwd=PATH name=NAME user=U group=G... tty=1
 * rlimit=RES:SOFT:HARD... stdin=1 readonly=1 tmpfs=SIZE,MODE,RO,PATH... -- ARGV...".
 * user NULL: no token (root); groups and tmpfs may be NULL; rlimits n_rlimits (0: none).
 * 0, or -E2BIG when it would exceed POD_SPEC_MAX bytes.
 */
int pod_spec_string(char *const *argv, char *const *env, const char *cwd,
		    const char *name, const char *user, char *const *groups,
		    const struct tmpfs_arg *tmpfs, size_t n_tmpfs,
		    const struct rlimit_arg *rlimits, size_t n_rlimits,
		    unsigned flags, char *buf, size_t bufsz);

#endif
