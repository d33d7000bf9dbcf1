/* SPDX-License-Identifier: MIT */
/* control.c: ~/control/shutdown: poweroff -> clean shutdown; reboot/suspend refused. */
#include <stdint.h>

#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "platform.h"
#include "xenplat/xs.h"

#define SHUTDOWN_PATH "control/shutdown"

static void (*shutdown_handler)(enum platform_shutdown_req r);
static bool poweroff_requested;

void platform_set_shutdown_handler(void (*fn)(enum platform_shutdown_req r))
{
	shutdown_handler = fn;
}

/* Interrupt context: the acknowledgement is written (or failed). */
static void poweroff_acked(void *arg, int err, const char *v, size_t len)
{
	pr_info("xenpod-kernel: power-off requested by dom0\n");
	if (shutdown_handler)
		shutdown_handler(PLATFORM_SHUTDOWN_POWEROFF);
	else
		platform_poweroff(0);
}

/* Interrupt context: the value of control/shutdown arrived. */
static void shutdown_read(void *arg, int err, const char *v, size_t len)
{
	if (err || len == 0)
		return; /* node gone or cleared (our own ack fires the watch) */
	/* Acknowledge by clearing the node, as Linux does, in every case;
	 * a power-off waits for the ack, or it would never leave. */
	if (len == 8 && !memcmp(v, "poweroff", 8)) {
		if (poweroff_requested)
			return;
		poweroff_requested = true;
		if (xs_write_async_then(SHUTDOWN_PATH, "", poweroff_acked,
					NULL))
			poweroff_acked(NULL, -EIO, "", 0);
		return;
	}
	xs_write_async(SHUTDOWN_PATH, "");
	pr_info("xenpod-kernel: control/shutdown=\"%.*s\" refused: a pod "
		"kernel only powers off\n",
		(int)(len > 32 ? 32 : len), v);
}

static void shutdown_watch(const char *path, const char *token, void *arg)
{
	if (xs_read_async(SHUTDOWN_PATH, shutdown_read, NULL))
		printk("xenpod-kernel: cannot read %s\n", SHUTDOWN_PATH);
}

int xen_control_init(void)
{
	int rc = xs_watch_async(SHUTDOWN_PATH, "xenpod-shutdown",
				shutdown_watch, NULL);

	if (rc)
		return rc;
	/* Queued after the watch: xenstore answers in order, so dom0 sees
	 * feature-poweroff only once the watch is in place. */
	return xs_write_async("control/feature-poweroff", "1");
}
