/* SPDX-License-Identifier: MIT */
/* hv: the hypervisor seam (implemented by hv_xl.c with libxl; faked in tests). */
#ifndef XENPOD_HV_H
#define XENPOD_HV_H

#include <stddef.h>
#include <stdint.h>

#define HV_UUID_LEN 36 /* canonical text form, without the NUL */

struct hv;

struct hv_domain_config {
	const char *name; /* Xen domain name: "xenpod-" + pod name */
	const char *uuid; /* pod UUID, text form; becomes the domain's UUID */
	unsigned memory_mib; /* maxmem = memory */
	unsigned vcpus;
	const char *kernel; /* path to xenpod-kernel */
	const char *ramdisk; /* path to the rootfs cpio */
	const char *cmdline; /* kernel command line (may be "") */
	/* One vif (netback); nic_mac NULL: no network device. nic_bridge
	 * its bridge (NULL: its script puts it elsewhere), nic_ip the
	 * backend's "ip" node ("ADDR MASK GW"), nic_mac "xx:xx:xx:xx:xx:xx",
	 * nic_ifname the vif's name in dom0 and nic_script libxl's hotplug
	 * script for it. */
	const char *nic_bridge, *nic_mac, *nic_ip, *nic_ifname, *nic_script;
	/* The physical CPUs its vCPUs may run on (bit N: CPU N); 0: any. */
	uint64_t cpu_mask;
};

enum hv_domain_state {
	HV_RUNNING, /* running, blocked or paused */
	HV_SHUTDOWN, /* shut down, see reason */
	HV_DYING,
};

enum hv_shutdown_reason {
	HV_REASON_NONE,
	HV_REASON_POWEROFF,
	HV_REASON_REBOOT,
	HV_REASON_SUSPEND,
	HV_REASON_CRASH,
	HV_REASON_WATCHDOG,
	HV_REASON_SOFT_RESET,
	HV_REASON_UNKNOWN,
};

struct hv_dominfo {
	uint32_t domid;
	char uuid[HV_UUID_LEN + 1];
	char name[128];
	enum hv_domain_state state;
	enum hv_shutdown_reason reason; /* when state == HV_SHUTDOWN */
	int paused;
	int blocked; /* the vCPUs wait for an event (halted) */
	uint64_t memory_kib;
	uint64_t cpu_time_ns; /* CPU time the domain's vCPUs have run */
};

struct hv_callbacks {
	/* An hv_create_paused finished: rc 0 and the new domid, or -errno (domain already cleaned up). */
	void (*create_done)(void *cookie, int rc, uint32_t domid,
			    const char *err);
	/* A domain we watch shut down (reason) or vanished (HV_REASON_NONE + state HV_DYING). */
	void (*domain_event)(void *opaque, uint32_t domid, const char *uuid,
			     enum hv_domain_state state,
			     enum hv_shutdown_reason reason);
};

/* Open libxl, hook its fds/timers into ev, enable death events. 0 or -errno. */
int hv_open(struct hv **hv_r, const struct hv_callbacks *cb, void *opaque);
void hv_close(struct hv *hv);

/* Start building a paused PVH domain; completion via cb->create_done(cookie,...). 0 or -errno. */
int hv_create_paused(struct hv *hv, const struct hv_domain_config *cfg,
		     void *cookie);
/* Start watching domid for shutdown/death (after create, or on re-adoption). */
int hv_watch(struct hv *hv, uint32_t domid, const char *uuid);
int hv_unpause(struct hv *hv, uint32_t domid, const char *uuid);
/* Stop scheduling the domain's vCPUs (xenpod pause; hv_unpause resumes it). */
int hv_pause(struct hv *hv, uint32_t domid, const char *uuid);
/* Ask the guest to power off (control/shutdown). */
int hv_shutdown(struct hv *hv, uint32_t domid, const char *uuid);
/* Destroy the domain. Re-checks that domid still has this uuid first (-ESRCH if not). */
int hv_destroy(struct hv *hv, uint32_t domid, const char *uuid);
/* List all domains. *list_r is malloc'd (free it). */
int hv_list(struct hv *hv, struct hv_dominfo **list_r, size_t *n_r);
/* One domain's facts: 0, or -ESRCH when it is gone, or -errno. */
int hv_domain_info(struct hv *hv, uint32_t domid, struct hv_dominfo *out);
/* Is this a usable Xen host? 0, or -errno with a one-line reason in why. */
int hv_check(char *why, size_t whysz);

const char *hv_reason_name(enum hv_shutdown_reason r);

/*
 * Notes on behaviour (seams helper):
 * - create_done is always called from the ev loop, never from inside
 *   hv_create_paused. A failed create leaves no domain behind.
 *   hv_create_paused itself returns -ENOENT/-EACCES at once when the kernel
 *   or ramdisk cannot be read.
 * - A dying domain counts as gone (-ESRCH); hv_list reports it HV_DYING.
 * - hv_close waits (up to 10 s, running ev) for libxl operations in flight.
 * - hv_pause/hv_unpause/hv_shutdown/hv_destroy check domid -> uuid synchronously
 *   (-ESRCH if the domain is gone or recycled), then start the libxl
 *   operation asynchronously; a failure of that is logged. Destruction
 *   completes with domain_event(HV_DYING) if the domain is watched.
 * - hv_watch checks the uuid too; a watch ends after its HV_DYING event.
 * - Shutdown/crash are preserved (not destroyed by Xen): the daemon reads
 *   ~/data/xenpod and then calls hv_destroy.
 * - libxl owns SIGCHLD (selective reap): the daemon may waitpid() its own
 *   children but must not install a SIGCHLD handler.
 */

/* Added helpers, unit-tested: libxl ERROR_* code -> -errno (0 stays 0). */
int hv_errno(int libxl_rc);
/* Build the libxl config for cfg and describe it in buf (one line). */
int hv_config_describe(const struct hv_domain_config *cfg, char *buf,
		       size_t bufsz);

#endif
