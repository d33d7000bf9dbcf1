/* SPDX-License-Identifier: MIT */
/* hooks: run a container's OCI hooks in dom0 (path, args, env, timeout; the state JSON on stdin). */
#ifndef XENPOD_OCI_HOOKS_H
#define XENPOD_OCI_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle.h"

/*
 * Run one hook as the runtime spec says: execve(path, args or [path], env
 * or none), state on its stdin, its stdout to our stderr (callers read our
 * stdout), killed after its timeout. 0 if it exited 0; else -1 with err
 * naming what ("hooks.prestart[0]: /bin/x: exited 3").
 */
int oci_hook_run(const struct oci_hook *hk, const char *what, const char *state,
		 char *err, size_t errsz);

/*
 * Run the hooks of kind k in order. keep_going false: stop at the first
 * failure (its line in err); true: warn(line) for each failure and go on.
 * 0 if all succeeded, else -1.
 */
int oci_hooks_run(const struct oci_hooks *h, enum oci_hook_kind k,
		  const char *state, bool keep_going,
		  void (*warn)(const char *msg), char *err, size_t errsz);

#endif
