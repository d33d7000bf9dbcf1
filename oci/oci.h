/* SPDX-License-Identifier: MIT */
/* xenpod-oci: shared declarations of the OCI runtime (runc's command line over xenpodd). */
#ifndef XENPOD_OCI_OCI_H
#define XENPOD_OCI_OCI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli/xenpod.h"

#define OCI_VERSION "1.1.0" /* the runtime-spec version we speak */
#define OCI_DEFAULT_ROOT RUNSTATEDIR "/xenpod-oci"

/* Exit statuses: runc's 1 for a failure, 2 for a bad command line. */
#define OCI_OK 0
#define OCI_ERR 1
#define OCI_USAGE 2

struct oci {
	const char *root; /* --root: per-container state directories */
	const char *log; /* --log: NULL means stderr only */
	bool log_json; /* --log-format json */
	bool debug;
	struct cli cli; /* the daemon connection (the CLI's code) */
};

/* Global state: the command's options and its connection. */
extern struct oci oci;

/* Log a line at level ("error", "warning", "info", "debug") to --log; an
 * error also goes to stderr. */
void oci_log(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define oci_err(...) oci_log("error", __VA_ARGS__)

/* ---- state.c: per-container state under --root ---- */

struct oci_state {
	char id[65];
	char bundle[4096];
	char rootfs[4096];
	pid_t pid; /* the pid holder; 0 if none */
	uint64_t pid_start; /* its start time (/proc/PID/stat field 22) */
	char created[40]; /* RFC 3339 */
	char *annotations; /* JSON object text */
};

/* Is id one runc and xenpod both accept? (A pod name.) */
bool oci_id_valid(const char *id);
/* "ROOT/ID[/leaf]" into buf; -ENAMETOOLONG if it does not fit. */
int oci_path(char *buf, size_t size, const char *id, const char *leaf);
/* Serialise / parse the state file's text. */
char *oci_state_text(const struct oci_state *s);
int oci_state_parse(const char *text, size_t len, struct oci_state *s,
		    char *err, size_t errsz);
void oci_state_free(struct oci_state *s);
/* Load ROOT/ID/state.json: -ENOENT ("container ID does not exist"), or
 * another -errno with the reason logged. */
int oci_state_load(const char *id, struct oci_state *s);
int oci_state_save(const struct oci_state *s);
/* Start time of pid, or 0 if it is gone (or a zombie). */
uint64_t oci_proc_start(pid_t pid);
/* Is the holder s->pid still the process we started? */
bool oci_holder_alive(const struct oci_state *s);
/* Current time as RFC 3339 with nanoseconds, UTC. */
void oci_now(char *buf, size_t size);

/* ---- holder.c: the pid holder ---- */

struct oci_config;

/*
 * Start the main process's holder for a created pod: a setsid(2) process
 * (double-forked) that waits for `start` on ROOT/ID/start.fifo, then relays
 * stdio over pod_attach and exits with the container's status. Its guard
 * child kills the pod if the holder dies without saying so. console (may be
 * NULL): the socket to pass the pty master to. *pid_r: the holder's pid.
 */
int oci_holder_spawn(const char *id, bool terminal, const char *console,
		     pid_t *pid_r);
/*
 * exec: run argv (a `xenpod exec` command line) as the session; detach:
 * in a setsid holder whose pid goes to *pid_r (then returns 0 at once),
 * else here (returns the process's exit status).
 */
int oci_exec_session(char **argv, bool terminal, const char *console,
		     bool detach, pid_t *pid_r);

/* ---- commands (cmds.c) ---- */
int oci_cmd_create(int argc, char **argv);
int oci_cmd_start(int argc, char **argv);
int oci_cmd_state(int argc, char **argv);
int oci_cmd_kill(int argc, char **argv);
int oci_cmd_delete(int argc, char **argv);
int oci_cmd_exec(int argc, char **argv);
int oci_cmd_ps(int argc, char **argv);
int oci_cmd_features(int argc, char **argv);
int oci_cmd_pause(int argc, char **argv);
int oci_cmd_list(int argc, char **argv);

/* The status runc would report, from the pod's and holder's state:
 * "created", "running", "paused", "stopped" (pod_status NULL: no such
 * pod; "paused": the pod_inspect status of a paused pod, pod_status). */
const char *oci_status(const char *pod_status);

#endif
