/* SPDX-License-Identifier: MIT */
/* xs.h: the guest's xenstore client (API in platform.h). */
#ifndef GUEST_XENPLAT_XS_H
#define GUEST_XENPLAT_XS_H

#include "platform.h"

/* Maps the xenstore ring (HVM_PARAM_STORE_PFN/EVTCHN), binds its event
 * channel. Returns 0 or -errno. */
int xs_init(void);

/* xs_watch() (platform.h) takes up to 8 tokens; several paths may share
 * one token and callback (xs_unwatch then drops the token's callback). */

/* The xenstore event channel (for the evtchn-storm test), or -ENODEV. */
int xs_event_port(void);

/* Logs the ring's indexes and the queued and unanswered requests (debug key). */
void xs_dump(void);

/*
 * Asynchronous read for interrupt context: done(arg, err, value, len)
 * runs in interrupt context when the reply arrives (err is 0 or -errno).
 * Returns 0 or -ENOMEM / -ENODEV.
 */
int xs_read_async(const char *path,
		  void (*done)(void *arg, int err, const char *v, size_t len),
		  void *arg);
/* Fire-and-forget write for interrupt context. */
int xs_write_async(const char *path, const char *value);
/* The same, with done() called (interrupt context) once xenstore has
 * answered, e.g. to act only after the write is known to be done. */
int xs_write_async_then(const char *path, const char *value,
			void (*done)(void *arg, int err, const char *v,
				     size_t len),
			void *arg);
/* xs_watch() without waiting for the reply (a refusal is printed and the
 * watch dropped); for boot, where a round trip costs milliseconds. */
int xs_watch_async(const char *path, const char *token, xs_watch_cb cb,
		   void *arg);

/* Watches ~/control/shutdown, writes control/feature-poweroff=1; both
 * asynchronously: boot does not wait for xenstore. */
int xen_control_init(void);

#endif
