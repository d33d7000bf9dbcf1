/* SPDX-License-Identifier: MIT */
/* seams_lab: lab test driver for hv_xl.c / xs.c / image.c against a real dom0 (run by t_10_seams.sh). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev.h"
#include "hv.h"
#include "image.h"
#include "log.h"
#include "xs.h"

static int fails;
static struct hv *hv;
static struct xs *xs;

static void check(bool ok, const char *name, const char *fmt, ...)
{
	char why[512] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (ok)
		printf("PASS: %s\n", name);
	else {
		printf("FAIL: %s - %s\n", name, why);
		fails++;
	}
	fflush(stdout);
}

/* create_done results */
static int c_done, c_rc;
static uint32_t c_domid;
static char c_err[256];
/* domain events */
static int ev_n;
static struct {
	uint32_t domid;
	char uuid[40];
	enum hv_domain_state st;
	enum hv_shutdown_reason r;
} evs[64];

static void create_done(void *cookie, int rc, uint32_t domid, const char *err)
{
	c_done = 1;
	c_rc = rc;
	c_domid = domid;
	snprintf(c_err, sizeof(c_err), "%s", err ? err : "");
}

static void domain_event(void *opaque, uint32_t domid, const char *uuid,
			 enum hv_domain_state st, enum hv_shutdown_reason r)
{
	printf("  event: domain %u %s state %d reason %s\n", domid, uuid, st,
	       hv_reason_name(r));
	if (ev_n < 64) {
		evs[ev_n].domid = domid;
		snprintf(evs[ev_n].uuid, 40, "%s", uuid);
		evs[ev_n].st = st;
		evs[ev_n].r = r;
		ev_n++;
	}
}

static bool wait_until(int *flag, int secs)
{
	uint64_t end = ev_now_ms() + secs * 1000ull;

	while (!*flag && ev_now_ms() < end)
		ev_run_once(100);
	return *flag;
}

static int find_ev(uint32_t domid, enum hv_domain_state st)
{
	int i;

	for (i = 0; i < ev_n; i++)
		if (evs[i].domid == domid && evs[i].st == st)
			return i;
	return -1;
}

static bool wait_ev(uint32_t domid, enum hv_domain_state st, int secs, int *idx)
{
	uint64_t end = ev_now_ms() + secs * 1000ull;

	while ((*idx = find_ev(domid, st)) < 0 && ev_now_ms() < end)
		ev_run_once(100);
	return *idx >= 0;
}

static int list_find(uint32_t domid, struct hv_dominfo *out)
{
	struct hv_dominfo *l;
	size_t n, i;
	int found = 0;

	if (hv_list(hv, &l, &n))
		return -1;
	for (i = 0; i < n; i++)
		if (l[i].domid == domid) {
			*out = l[i];
			found = 1;
		}
	free(l);
	return found;
}

static size_t list_count(void)
{
	struct hv_dominfo *l;
	size_t n;

	if (hv_list(hv, &l, &n))
		return 0;
	free(l);
	return n;
}

static int create(const char *name, const char *uuid, const char *kernel,
		  const char *ramdisk, const char *cmdline)
{
	struct hv_domain_config cfg = {
		.name = name,
		.uuid = uuid,
		.memory_mib = 32,
		.vcpus = 1,
		.kernel = kernel,
		.ramdisk = ramdisk,
		.cmdline = cmdline,
	};
	int rc;
	uint64_t t0 = ev_now_ms();

	c_done = 0;
	rc = hv_create_paused(hv, &cfg, NULL);
	if (rc)
		return rc;
	if (c_done)
		printf("  create_done came synchronously (bad)\n");
	if (!wait_until(&c_done, 120))
		return -ETIMEDOUT;
	printf("  create %s: rc %d domid %u in %llu ms %s\n", name, c_rc,
	       c_domid, (unsigned long long)(ev_now_ms() - t0), c_err);
	return c_rc;
}

/* destroy + wait for death + gone from the list */
static void destroy_and_check(const char *tag, uint32_t domid, const char *uuid)
{
	struct hv_dominfo di = { 0 };
	char name[128];
	int rc, idx;

	snprintf(name, sizeof(name), "%s: destroy with a wrong uuid is -ESRCH",
		 tag);
	rc = hv_destroy(hv, domid, "00000000-0000-0000-0000-000000000001");
	check(rc == -ESRCH, name, "rc %d", rc);
	snprintf(name, sizeof(name), "%s: destroy", tag);
	rc = hv_destroy(hv, domid, uuid);
	check(rc == 0, name, "rc %d", rc);
	snprintf(name, sizeof(name), "%s: death event after destroy", tag);
	check(wait_ev(domid, HV_DYING, 30, &idx), name, "none in 30 s");
	snprintf(name, sizeof(name), "%s: domain gone or dying in hv_list",
		 tag);
	check(list_find(domid, &di) == 0 || di.state == HV_DYING, name,
	      "still listed, state %d", di.state);
	snprintf(name, sizeof(name), "%s: second destroy is -ESRCH", tag);
	rc = hv_destroy(hv, domid, uuid);
	check(rc == -ESRCH, name, "rc %d", rc);
}

static void t_fail_create(void)
{
	size_t before = list_count();
	int rc = create("seams-fail", "11111111-2222-3333-4444-555555555555",
			"/etc/passwd", "/etc/passwd", "");

	/* Readable but not a kernel: libxl fails midway and must clean up. */
	check(rc < 0, "fail: create with a bogus kernel fails", "rc %d", rc);
	check(c_err[0] != 0 || rc < 0, "fail: error text", "empty");
	check(list_count() == before, "fail: no domain left behind",
	      "%zu before, %zu after", before, list_count());
}

static void t_boot(const char *kernel, const char *ramdisk)
{
	const char *uuid = "6f1c2a9e-0b7d-4e8a-9c51-3d2f7a1b0c44";
	struct hv_dominfo di;
	uint32_t d;
	int rc, idx;

	rc = create("seams-boot", uuid, kernel, ramdisk, "xenpod.test=boot");
	check(rc == 0, "boot: create paused", "rc %d %s", rc, c_err);
	if (rc)
		return;
	d = c_domid;
	check(list_find(d, &di) == 1 && di.paused && !strcmp(di.uuid, uuid) &&
		      !strcmp(di.name, "seams-boot"),
	      "boot: listed paused with our uuid and name", "paused %d uuid %s",
	      di.paused, di.uuid);
	check(hv_watch(hv, d, "00000000-0000-0000-0000-000000000009") == -ESRCH,
	      "boot: watch with a wrong uuid refused", "");
	rc = hv_watch(hv, d, uuid);
	check(rc == 0, "boot: watch", "rc %d", rc);
	rc = hv_unpause(hv, d, uuid);
	check(rc == 0, "boot: unpause", "rc %d", rc);
	check(wait_ev(d, HV_SHUTDOWN, 60, &idx) &&
		      evs[idx].r == HV_REASON_POWEROFF &&
		      !strcmp(evs[idx].uuid, uuid),
	      "boot: shutdown event, reason poweroff", "idx %d", idx);
	check(list_find(d, &di) == 1 && di.state == HV_SHUTDOWN,
	      "boot: domain preserved after poweroff", "state %d", di.state);
	destroy_and_check("boot", d, uuid);
}

static void t_crash(const char *kernel, const char *ramdisk)
{
	const char *uuid = "6f1c2a9e-0b7d-4e8a-9c51-3d2f7a1b0c45";
	uint32_t d;
	int rc, idx;

	rc = create("seams-crash", uuid, kernel, ramdisk, "xenpod.test=fault");
	check(rc == 0, "crash: create", "rc %d", rc);
	if (rc)
		return;
	d = c_domid;
	hv_watch(hv, d, uuid);
	hv_unpause(hv, d, uuid);
	check(wait_ev(d, HV_SHUTDOWN, 60, &idx) &&
		      evs[idx].r == HV_REASON_CRASH,
	      "crash: shutdown event, reason crash", "idx %d reason %s", idx,
	      idx >= 0 ? hv_reason_name(evs[idx].r) : "-");
	destroy_and_check("crash", d, uuid);
}

static void t_idle(const char *kernel, const char *ramdisk)
{
	const char *uuid = "6f1c2a9e-0b7d-4e8a-9c51-3d2f7a1b0c46";
	char tty[64], cmd[256], tok[64];
	struct xs_guest_status st;
	uint32_t d;
	int rc, idx, i;

	rc = create("seams-idle", uuid, kernel, ramdisk, "xenpod.test=xs");
	check(rc == 0, "xs: create", "rc %d", rc);
	if (rc)
		return;
	d = c_domid;
	rc = xs_write_spec(xs, d, "name=idle -- /bin/hello a%20b");
	check(rc == 0, "xs: write spec", "rc %d", rc);
	snprintf(
		cmd, sizeof(cmd),
		"xenstore-ls -p /local/domain/%u/xenpod | tee /tmp/xsls; "
		"grep -q 'spec = \"name=idle -- /bin/hello a%%20b\".*(n0,r%u)' /tmp/xsls",
		d, d);
	check(system(cmd) == 0, "xs: spec written, owner dom0, guest read",
	      "see xenstore-ls above");
	snprintf(cmd, sizeof(cmd),
		 "xenstore-write /local/domain/%u/xenpod/test-in hello", d);
	check(system(cmd) == 0, "xs: test-in written", "");
	rc = xs_read_status(xs, d, &st);
	check(rc == 0 && st.state == XS_GUEST_NONE, "xs: status none at first",
	      "rc %d state %d", rc, st.state);
	rc = xs_watch_status(xs, d, "tok-idle");
	check(rc == 0, "xs: watch status", "rc %d", rc);
	hv_watch(hv, d, uuid);
	hv_unpause(hv, d, uuid);
	/* The guest writes data/xenpod/test-out: our watch must fire. */
	for (i = 0; i < 300; i++) {
		ev_run_once(100);
		while (xs_next_watch(xs, tok, sizeof(tok)) == 0) {
			printf("  watch fired: %s\n", tok);
			if (!strcmp(tok, "tok-idle"))
				i = 1000;
		}
	}
	check(i > 500, "xs: status watch fired with its token", "");
	check(wait_ev(d, HV_SHUTDOWN, 60, &idx) &&
		      evs[idx].r == HV_REASON_POWEROFF,
	      "xs: guest powered off after the xs test", "idx %d", idx);
	snprintf(
		cmd, sizeof(cmd),
		"test \"$(xenstore-read /local/domain/%u/data/xenpod/test-out)\" = ok:hello",
		d);
	check(system(cmd) == 0, "xs: guest read test-in and answered", "");
	rc = xs_console_tty(xs, d, tty, sizeof(tty));
	check(rc == 0 && !strncmp(tty, "/dev/pts/", 9), "xs: console tty",
	      "rc %d", rc);
	printf("  tty %s\n", rc ? "-" : tty);
	/* R1 through the real read path (dom0 plays the hostile guest). */
	{
		static const struct {
			const char *state, *exit, *error;
			enum xs_guest_state want;
			int code;
			const char *msg;
		} r1[] = {
			{ "exited", "42", NULL, XS_GUEST_EXITED, 42, "" },
			{ "exited", "5abc", NULL, XS_GUEST_INVALID, 0, "exit" },
			{ "exited", "-1", NULL, XS_GUEST_INVALID, 0, "exit" },
			{ "exited", "0x10", NULL, XS_GUEST_INVALID, 0, "exit" },
			{ "exited", "12345678901234567890", NULL,
			  XS_GUEST_INVALID, 0, "exit" },
			{ " 5", NULL, NULL, XS_GUEST_INVALID, 0, "state" },
			{ "", NULL, NULL, XS_GUEST_INVALID, 0, "state" },
			{ "..", NULL, NULL, XS_GUEST_INVALID, 0, "state" },
			/* a failure carries its status (125..127) in exit */
			{ "failed", "126", "boom\\x1b[1m", XS_GUEST_FAILED, 126,
			  "boom" },
			{ "failed", "7", NULL, XS_GUEST_INVALID, 0,
			  "failure status" },
		};
		char big[2100];
		size_t k;

		for (k = 0; k < sizeof(r1) / sizeof(r1[0]); k++) {
			snprintf(
				cmd, sizeof(cmd),
				"xenstore-write /local/domain/%u/data/xenpod/state '%s'",
				d, r1[k].state);
			system(cmd);
			if (r1[k].exit) {
				snprintf(
					cmd, sizeof(cmd),
					"xenstore-write /local/domain/%u/data/xenpod/exit '%s'",
					d, r1[k].exit);
				system(cmd);
			}
			if (r1[k].error) {
				snprintf(
					cmd, sizeof(cmd),
					"xenstore-write /local/domain/%u/data/xenpod/error '%s'",
					d, r1[k].error);
				system(cmd);
			}
			rc = xs_read_status(xs, d, &st);
			printf("  r1 %zu: state %d code %d error \"%s\"\n", k,
			       st.state, st.exit_code, st.error);
			check(rc == 0 && st.state == r1[k].want &&
				      ((r1[k].want != XS_GUEST_EXITED &&
					r1[k].want != XS_GUEST_FAILED) ||
				       st.exit_code == r1[k].code) &&
				      strstr(st.error, r1[k].msg),
			      "xs: R1 value judged", "case %zu", k);
		}
		memset(big, 'x', 2048);
		big[2048] = 0;
		snprintf(cmd, sizeof(cmd) + 0,
			 "xenstore-write /local/domain/%u/data/xenpod/state ",
			 d);
		{
			char *c2 = malloc(strlen(cmd) + 2100);

			sprintf(c2, "%s%s", cmd, big);
			system(c2);
			free(c2);
		}
		rc = xs_read_status(xs, d, &st);
		check(rc == 0 && st.state == XS_GUEST_INVALID,
		      "xs: R1 2048-byte state is invalid", "rc %d state %d", rc,
		      st.state);
	}
	rc = xs_unwatch_status(xs, d, "tok-idle");
	check(rc == 0, "xs: unwatch", "rc %d", rc);
	destroy_and_check("xs", d, uuid);
}

static void t_shutdown(const char *kernel, const char *ramdisk)
{
	const char *uuid = "6f1c2a9e-0b7d-4e8a-9c51-3d2f7a1b0c47";
	uint32_t d;
	int rc, idx;

	rc = create("seams-stop", uuid, kernel, ramdisk, "xenpod.test=idle");
	check(rc == 0, "stop: create", "rc %d", rc);
	if (rc)
		return;
	d = c_domid;
	hv_watch(hv, d, uuid);
	hv_unpause(hv, d, uuid);
	/* let it boot and register its watch */
	{
		int dummy = 0;
		wait_until(&dummy, 3);
	}
	rc = hv_shutdown(hv, d, uuid);
	check(rc == 0, "stop: hv_shutdown", "rc %d", rc);
	check(wait_ev(d, HV_SHUTDOWN, 60, &idx) &&
		      evs[idx].r == HV_REASON_POWEROFF,
	      "stop: guest powered off on request", "idx %d", idx);
	destroy_and_check("stop", d, uuid);
}

static void t_destroy_paused(const char *kernel, const char *ramdisk)
{
	const char *uuid = "6f1c2a9e-0b7d-4e8a-9c51-3d2f7a1b0c48";
	int rc, i;

	/* R12-ish: several create/destroy cycles, nothing left. */
	for (i = 0; i < 3; i++) {
		rc = create("seams-cycle", uuid, kernel, ramdisk, "");
		check(rc == 0, "cycle: create paused", "rc %d", rc);
		if (rc)
			return;
		rc = hv_watch(hv, c_domid, uuid);
		check(rc == 0, "cycle: watch", "rc %d", rc);
		destroy_and_check("cycle", c_domid, uuid);
	}
}

int main(int argc, char **argv)
{
	struct hv_callbacks cb = { create_done, domain_event };
	struct image_info info;
	char why[256], err[512];
	const char *kernel = argc > 1 ? argv[1] :
					"/usr/lib/xenpod/xenpod-kernel";
	const char *image = argc > 2 ? argv[2] : "rootfs.tar.gz";
	int rc;

	log_init("hvlab", true,
		 getenv("HVLAB_DEBUG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARN);
	ev_init();
	rc = hv_check(why, sizeof(why));
	check(rc == 0, "hv_check", "%d %s", rc, why);
	rc = image_prepare(image, "/tmp/hvlab-cache", &info, err, sizeof(err));
	check(rc == 0, "image_prepare in dom0", "%s", err);
	if (rc)
		return 1;
	rc = hv_open(&hv, &cb, NULL);
	check(rc == 0, "hv_open", "rc %d", rc);
	rc = xs_connect(&xs);
	check(rc == 0, "xs_connect", "rc %d", rc);
	if (!hv || !xs)
		return 1;
	t_fail_create();
	{
		struct hv_domain_config cfg = {
			"seams-x",
			"6f1c2a9e-0b7d-4e8a-9c51-3d2f7a1b0c40",
			32,
			1,
			"/nonexistent",
			"/nonexistent",
			""
		};
		rc = hv_create_paused(hv, &cfg, NULL);
		check(rc == -ENOENT, "fail: missing kernel refused at once",
		      "rc %d", rc);
	}
	t_boot(kernel, info.cpio_path);
	t_crash(kernel, info.cpio_path);
	t_idle(kernel, info.cpio_path);
	t_shutdown(kernel, info.cpio_path);
	t_destroy_paused(kernel, info.cpio_path);
	check(list_count() == 1, "end: only dom0 left", "%zu domains",
	      list_count());
	system("xl list");
	hv_close(hv);
	xs_disconnect(xs);
	image_info_dispose(&info);
	ev_dispose();
	printf("hvlab: %d failure(s)\n", fails);
	return fails ? 1 : 0;
}
