/* SPDX-License-Identifier: MIT */
/* hostile.c: hostile-guest test modes for the daemon's reliability tests (xenpod.test=MODE). */
#include <stdint.h>

#include "arch/cpu.h"
#include "kernel/boot.h"
#include "kernel/errno.h"
#include "kernel/hostile.h"
#include "kernel/podio_guest.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "platform.h"
#include "xenplat/console.h"
#include "xenplat/evtchn.h"
#include "xenplat/vchan.h"
#include "xenplat/xs.h"

/*
 * Each mode plays a guest that attacks (or fails) the daemon, as in
 * docs/RELIABILITY.md; it replaces init, so no program runs. The ones that do
 * not end by themselves keep answering ~/control/shutdown (the watch set
 * up at boot runs in interrupt context), so `xenpod stop` still works,
 * except `silent`, which plays dead. Progress goes to the kernel log.
 *
 *   xs-garbage    (R1) writes each hostile value below to every node the
 *                 daemon reads from the guest, then idles.
 *   xs-flood      (R2) fills its xenstore quota with nodes under
 *                 ~/data/xenpod/flood/, sets as many watches as it may,
 *                 then rewrites the nodes forever.
 *   evtchn-storm  (R4) notifies its xenstore and console event channels
 *                 in a tight loop forever.
 *   silent        (R16) drops its control/shutdown watch and idles:
 *                 never writes state, never answers.
 *   panic         (R16) a kernel panic (shutdown reason crash) one second
 *                 after boot, or after xenpod.test.delay=MS.
 *   chan-mute     (R7) joins the pod's I/O channel (maps the rings, binds
 *                 the event channel) and then never reads or answers it.
 *   triple-fault  loads an empty IDT and traps, one second after boot (or
 *                 after xenpod.test.delay=MS): the CPU cannot deliver the
 *                 exception, nor the #GP and #DF that follow, so it triple
 *                 faults, which Xen turns into a reboot request.
 *   (The platform test mode `idle` plays a guest that never connects.)
 */

/* The nodes under the guest's home that the daemon reads. */
static const char *const garbage_nodes[] = {
	"data/xenpod/exit",
	"data/xenpod/error",
	"data/xenpod/state",
	"console/tty",
};

struct garbage {
	const char *name; /* for the log */
	const char *v;
	size_t len;
};

#define G(name, s)                     \
	{                              \
		name, s, sizeof(s) - 1 \
	}
static const struct garbage garbage_values[] = {
	G("empty", ""),
	{ "2048 bytes", NULL, 2048 }, /* '9' x 2048: also a huge number */
	G("binary", "exited\0\x01\x7f\xff\x1b[2J\r\n"),
	G("NUL", "\0"),
	G("-1", "-1"),
	G("0x10", "0x10"),
	G("20 digits", "18446744073709551616"),
	G("leading space", " 5"),
	G("trailing junk", "5abc"),
	G("dot-dot", ".."),
	G("256", "256"),
	G("leading zero", "007"),
};
#undef G

static void idle_forever(void)
{
	for (;;)
		platform_idle();
}

/* A value over xenstored's node quota is refused: shrink until it fits
 * (C xenstored counts the node's bookkeeping too). */
static int write_big(const char *node, char *big)
{
	int rc = -E2BIG;

	for (size_t n = 2048; n >= 1024; n -= 64) {
		rc = xs_write_bytes(0, node, big, n);
		if (rc == 0) {
			pr_info("xenpod-kernel: xs-garbage: %s: %zu bytes\n",
				node, n);
			return 0;
		}
	}
	return rc;
}

static void xs_garbage(void)
{
	static char big[2048];
	unsigned nv = sizeof(garbage_values) / sizeof(garbage_values[0]);
	unsigned nn = sizeof(garbage_nodes) / sizeof(garbage_nodes[0]);

	memset(big, '9', sizeof(big));
	for (unsigned i = 0; i < nv; i++) {
		const struct garbage *g = &garbage_values[i];

		for (unsigned j = 0; j < nn; j++) {
			int rc = g->v ? xs_write_bytes(0, garbage_nodes[j],
						       g->v, g->len) :
					write_big(garbage_nodes[j], big);

			pr_info("xenpod-kernel: xs-garbage: %s <- %s: %d\n",
				garbage_nodes[j], g->name, rc);
		}
		/* Let the daemon's watch see each value on its own. */
		time_sleep_ns(50000000);
	}
	pr_info("xenpod-kernel: xs-garbage: done, idling\n");
	idle_forever();
}

static volatile unsigned long flood_events;

static void flood_watch(const char *path, const char *token, void *arg)
{
	flood_events++;
}

#define FLOOD_MAX 100000u
#define FLOOD_BURST 64u

/* Creates nodes until xenstored refuses (the domain's quota). */
static unsigned flood_nodes(void)
{
	char path[48], val[64];
	unsigned n = 0;
	int rc;

	rc = xs_mkdir(0, "data/xenpod/flood");
	if (rc)
		pr_info("xenpod-kernel: xs-flood: mkdir: %d\n", rc);
	memset(val, 'f', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	for (; n < FLOOD_MAX; n++) {
		fmt_snprintf(path, sizeof(path), "data/xenpod/flood/%u", n);
		rc = xs_write(0, path, val);
		if (rc)
			break;
	}
	pr_info("xenpod-kernel: xs-flood: %u nodes, then %d\n", n, rc);
	return n;
}

/* Sets watches until xenstored refuses: the whole tree, every domain,
 * our own subtree, then one per node. */
static void flood_watches(unsigned nodes)
{
	static const char *const wide[] = { "/", "/local/domain",
					    "data/xenpod/flood" };
	char path[48];
	unsigned n = 0;
	int rc = 0;

	for (unsigned i = 0; i < 3 && rc == 0; i++, n++)
		rc = xs_watch(wide[i], "flood", flood_watch, NULL);
	for (unsigned i = 0; i < nodes && rc == 0; i++, n++) {
		fmt_snprintf(path, sizeof(path), "data/xenpod/flood/%u", i);
		rc = xs_watch(path, "flood", flood_watch, NULL);
	}
	pr_info("xenpod-kernel: xs-flood: %u watches, then %d\n",
		rc ? n - 1 : n, rc);
}

static void xs_flood(void)
{
	unsigned nodes = flood_nodes();
	char path[48], val[24];
	unsigned long round = 0;

	flood_watches(nodes);
	if (!nodes)
		nodes = 1; /* no quota at all: rewrite the one that failed */
	for (;;) {
		for (unsigned i = 0; i < FLOOD_BURST; i++) {
			unsigned k =
				(unsigned)((round * FLOOD_BURST + i) % nodes);

			fmt_snprintf(path, sizeof(path), "data/xenpod/flood/%u",
				     k);
			fmt_snprintf(val, sizeof(val), "%lu", round);
			xs_write(0, path, val);
		}
		if (++round % 1000 == 0)
			pr_info("xenpod-kernel: xs-flood: %lu writes, %lu "
				"events\n",
				round * FLOOD_BURST, flood_events);
		/* A breath between bursts (control/shutdown is answered in
		 * interrupt context either way). */
		time_sleep_ns(1000000);
	}
}

static void evtchn_storm(void)
{
	int xs = xs_event_port(), cons = xencons_event_port();
	unsigned long n = 0;

	pr_info("xenpod-kernel: evtchn-storm: ports %d (xenstore), %d "
		"(console)\n",
		xs, cons);
	for (;;) {
		if (xs >= 0)
			evtchn_notify((evtchn_port_t)xs);
		if (cons >= 0)
			evtchn_notify((evtchn_port_t)cons);
		if (++n % 1000000 == 0)
			pr_info("xenpod-kernel: evtchn-storm: %lu rounds\n", n);
	}
}

static void silent(void)
{
	/* Play dead: no answer to dom0's power-off request, no state. */
	int rc = xs_unwatch("control/shutdown", "xenpod-shutdown");

	pr_info("xenpod-kernel: silent: control/shutdown unwatched (%d)\n", rc);
	idle_forever();
}

static void mute_event(evtchn_port_t port, struct trap_frame *f, void *arg)
{
}

static void chan_mute(void)
{
	static struct vchan v;
	uint32_t ref, port;
	int rc = podio_guest_chan_nodes(&ref, &port);

	if (!rc)
		rc = vchan_connect(&v, 0, ref, port, mute_event, NULL);
	pr_info("xenpod-kernel: chan-mute: joined the channel (%d), never reading\n",
		rc);
	idle_forever();
}

/* xenpod.test.delay=MS (default 1000): the daemon sees the pod run first. */
static void test_delay(void)
{
	size_t len;
	const char *v = boot_param("xenpod.test.delay", &len);
	unsigned long long ms = 1000;

	if (v && strtou64(v, len, 10, 3600000, &ms))
		ms = 1000;
	time_sleep_ns(ms * 1000000);
}

static void hostile_panic(void)
{
	test_delay();
	panic("deliberate panic (xenpod.test=panic)");
}

static void triple_fault(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) no_idt = { 0, 0 };

	test_delay();
	pr_info("xenpod-kernel: triple-fault: empty IDT, then int3\n");
	klog_flush();
	__asm__ volatile("cli\n\tlidt %0\n\tint3" : : "m"(no_idt) : "memory");
	cpu_halt_forever();
}

bool hostile_run(const char *mode, size_t len)
{
#define IS(s) (len == sizeof(s) - 1 && !memcmp(mode, s, len))
	if (IS("panic"))
		hostile_panic();
	if (IS("triple-fault"))
		triple_fault();
	if (IS("silent") && !xen_present())
		idle_forever();
	if (!xen_present())
		return false;
	if (IS("xs-garbage"))
		xs_garbage();
	else if (IS("xs-flood"))
		xs_flood();
	else if (IS("evtchn-storm"))
		evtchn_storm();
	else if (IS("silent"))
		silent();
	else if (IS("chan-mute"))
		chan_mute();
#undef IS
	return false;
}
