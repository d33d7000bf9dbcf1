/* SPDX-License-Identifier: MIT */
/* test_pod: the pod lifecycle through rpc dispatch, with the hypervisor and xenstore faked. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "ev.h"
#include "fake_hv.h"
#include "fake_xs.h"
#include "harness.h"
#include "json.h"
#include "pod.h"
#include "pod_internal.h"
#include "digest.h"

static struct harness H;

static const struct json *result(const struct json *reply)
{
	const struct json *r = json_get(reply, "result");

	if (!r) {
		fprintf(stderr, "error reply: %s\n",
			json_str(
				json_get(json_get(reply, "error"), "message")));
	}
	return r;
}

static int64_t error_code(const struct json *reply)
{
	int64_t c = 0;

	json_int(json_get(json_get(reply, "error"), "code"), &c);
	return c;
}

static const char *error_msg(const struct json *reply)
{
	const char *m = json_str(json_get(json_get(reply, "error"), "message"));

	return m ? m : "";
}

static const char *status_of(const struct json *pod)
{
	const char *s = json_str(json_get(pod, "status"));

	return s ? s : "(none)";
}

static void create_params(char *buf, size_t sz, const char *name,
			  const char *extra)
{
	snprintf(
		buf, sz,
		"{\"spec\":{\"name\":\"%s\",\"image\":\"%s\",\"command\":[\"/bin/echo\",\"hi there\"],"
		"\"env\":[\"A=b c\"]%s}}",
		name, H.image_dir, extra ? extra : "");
}

/* Create NAME and return its domid (or -1). */
static int64_t create_pod(const char *name)
{
	char params[1024];
	struct json *r;
	int64_t domid = -1;

	create_params(params, sizeof(params), name, NULL);
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "created");
	json_int(json_get(result(r), "domid"), &domid);
	json_free(r);
	return domid;
}

static struct json *call_name(const char *method, const char *name)
{
	char params[256];

	snprintf(params, sizeof(params), "{\"name\":\"%s\"}", name);
	return harness_call(&H, method, params);
}

static void guest_exits(int64_t domid, int code, const char *output)
{
	struct xs_guest_status st = { .state = XS_GUEST_EXITED,
				      .exit_code = code };

	if (output)
		CU_ASSERT_EQUAL(write(H.pty_master, output, strlen(output)),
				(ssize_t)strlen(output));
	harness_run(50);
	fake_xs_set_status((uint32_t)domid, &st);
	fake_hv_guest_shutdown((uint32_t)domid, HV_REASON_POWEROFF);
}

static int count_suffix(const char *dir, const char *suffix)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name), sl = strlen(suffix);

		n += l > sl && strcmp(e->d_name + l - sl, suffix) == 0;
	}
	if (d)
		closedir(d);
	return n;
}

static void count_state(int pods, int cpios, int logs)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/pods", H.state_dir);
	CU_ASSERT_EQUAL(harness_count_files(p), pods);
	snprintf(p, sizeof(p), "%s/images", H.state_dir);
	CU_ASSERT_EQUAL(count_suffix(p, ".cpio"), cpios);
	if (!cpios)
		CU_ASSERT_EQUAL(harness_count_files(p), 0); /* no keys either */
	CU_ASSERT_EQUAL(harness_count_files(H.log_dir), logs);
}

static void test_cycle(void)
{
	struct json *r;
	int64_t domid, code;
	char path[400];

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	r = harness_call(&H, "daemon_hello", NULL);
	CU_ASSERT(json_int(json_get(result(r), "protocol"), &code) &&
		  code == 1);
	json_free(r);

	r = harness_call(&H, "events_subscribe", NULL);
	CU_ASSERT_PTR_NOT_NULL(result(r));
	json_free(r);
	domid = create_pod("web1");
	CU_ASSERT(domid > 0);
	CU_ASSERT_STRING_EQUAL(
		fake_xs_spec((uint32_t)domid),
		"env=A=b%20c cwd=/ name=web1 -- /bin/echo hi%20there");
	CU_ASSERT_EQUAL(fake_hv_find((uint32_t)domid)->paused, 1);
	CU_ASSERT_STRING_EQUAL(fake_hv_find((uint32_t)domid)->name,
			       "xenpod-web1");
	count_state(1, 1, 1);

	r = call_name("pod_start", "web1");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "running");
	CU_ASSERT_EQUAL(fake_hv_find((uint32_t)domid)->paused, 0);
	json_free(r);

	guest_exits(domid, 7, "hello\nworld\n");
	r = call_name("pod_wait", "web1");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "stopped");
	CU_ASSERT(json_int(json_get(result(r), "exit_code"), &code) &&
		  code == 7);
	CU_ASSERT_STRING_EQUAL(json_str(json_get(result(r), "reason")),
			       "poweroff");
	CU_ASSERT_EQUAL(json_type(json_get(result(r), "domid")), JSON_NULL);
	json_free(r);
	CU_ASSERT_EQUAL(fake_hv_count(), 0);
	CU_ASSERT_EQUAL(fake_xs_watches(), 0);

	r = harness_call(&H, "pod_logs", "{\"name\":\"web1\"}");
	CU_ASSERT_PTR_NOT_NULL(result(r));
	CU_ASSERT_PTR_NOT_NULL_FATAL(H.log_data);
	CU_ASSERT_STRING_EQUAL(H.log_data, "hello\nworld\n");
	json_free(r);
	r = harness_call(&H, "pod_logs", "{\"name\":\"web1\",\"tail\":1}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(H.log_data);
	CU_ASSERT_STRING_EQUAL(H.log_data, "world\n");
	json_free(r);

	r = harness_call(&H, "pod_list", NULL);
	CU_ASSERT_EQUAL(json_len(json_get(result(r), "pods")), 0);
	json_free(r);
	r = harness_call(&H, "pod_list", "{\"all\":true}");
	CU_ASSERT_EQUAL(json_len(json_get(result(r), "pods")), 1);
	json_free(r);

	r = call_name("pod_rm", "web1");
	CU_ASSERT_PTR_NOT_NULL(result(r));
	json_free(r);
	count_state(0, 0, 0);
	CU_ASSERT_EQUAL(pod_count(), 0);
	/* created, started, exited, removed */
	CU_ASSERT_EQUAL(H.events, 4);
	r = call_name("pod_inspect", "web1");
	CU_ASSERT_EQUAL(error_code(r), 2);
	json_free(r);
	snprintf(path, sizeof(path), "%s/pods/web1.json", H.state_dir);
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	harness_stop(&H, true);
}

/* A create that fails at any stage leaves no domain, state, log or cpio behind. */
static void expect_create_fails(const char *name, const char *extra,
				int64_t want_code)
{
	char params[1024];
	struct json *r;

	create_params(params, sizeof(params), name, extra);
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NULL(json_get(r, "result"));
	if (want_code && error_code(r) != want_code)
		fprintf(stderr, "%s: got %lld %s\n", name,
			(long long)error_code(r), error_msg(r));
	if (want_code)
		CU_ASSERT_EQUAL(error_code(r), want_code);
	json_free(r);
	harness_run(20);
	CU_ASSERT_EQUAL(fake_hv_count(), 0);
	CU_ASSERT_EQUAL(pod_count(), 0);
	CU_ASSERT_EQUAL(fake_xs_watches(), 0);
	count_state(0, 0, 0);
}

static void test_create_failures(void)
{
	char params[8192];
	struct json *r;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	fake_hv_fail_create_sync = -ENOMEM;
	expect_create_fails("f1", NULL, 1);
	fake_hv_fail_create_sync = 0;
	fake_hv_fail_create_async = -EIO;
	expect_create_fails("f2", NULL, 1);
	fake_hv_fail_create_async = 0;
	fake_xs_fail_write_spec = -EACCES;
	expect_create_fails("f3", NULL, 1);
	fake_xs_fail_write_spec = 0;
	expect_create_fails("f4", ",\"memory_mib\":2", -32602);
	expect_create_fails("../f5", NULL, -32602);
	expect_create_fails("f6", ",\"bogus\":1", -32602);
	expect_create_fails("f7", ",\"kernel_args\":\"a\\nb\"", -32602);
	expect_create_fails("f8", ",\"kernel_args\":\"\\u00e9\"", -32602);

	/* A spec string over 4096 bytes is refused before anything is built. */
	snprintf(
		params, sizeof(params),
		"{\"spec\":{\"image\":\"%s\",\"command\":[\"/x\"],\"env\":[\"A=%03000d\",\"B=%03000d\"]}}",
		H.image_dir, 0, 0);
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT_EQUAL(error_code(r), -32602);
	CU_ASSERT_PTR_NOT_NULL(strstr(error_msg(r), "4096"));
	json_free(r);
	/* A missing image: the image module's reason comes back. */
	r = harness_call(
		&H, "pod_create",
		"{\"spec\":{\"image\":\"/nonexistent/img\",\"command\":[\"/x\"]}}");
	CU_ASSERT_PTR_NULL(json_get(r, "result"));
	CU_ASSERT_PTR_NOT_NULL(strstr(error_msg(r), "nonexistent"));
	json_free(r);
	count_state(0, 0, 0);

	/* Same name twice: the second fails and leaves the first intact. */
	create_pod("dup");
	create_params(params, sizeof(params), "dup", NULL);
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT_EQUAL(error_code(r), 3);
	json_free(r);
	CU_ASSERT_EQUAL(fake_hv_count(), 1);
	r = harness_call(&H, "pod_rm", "{\"name\":\"dup\"}");
	CU_ASSERT_EQUAL(error_code(r), 3); /* created: needs force */
	json_free(r);
	r = harness_call(&H, "pod_rm", "{\"name\":\"dup\",\"force\":true}");
	CU_ASSERT_PTR_NOT_NULL(result(r));
	json_free(r);
	harness_run(20);
	CU_ASSERT_EQUAL(fake_hv_count(), 0);
	count_state(0, 0, 0);
	harness_stop(&H, true);
}

static void write_state(const char *name, const char *uuid, const char *status)
{
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/pods/%s.json", H.state_dir, name);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f,
		"{\"name\":\"%s\",\"uuid\":\"%s\",\"domid\":null,\"status\":\"%s\",\"exit_code\":null,"
		"\"reason\":null,\"image\":\"/i\",\"image_digest\":\"\",\"command\":[\"/x\"],\"env\":[],"
		"\"cwd\":\"/\",\"memory_mib\":32,\"vcpus\":1,\"created_at\":null,\"started_at\":null,"
		"\"finished_at\":null,\"cpio\":\"\"}\n",
		name, uuid, status);
	fclose(f);
}

static void test_reconcile(void)
{
	struct json *r;
	int64_t a, b, d, e, code;
	uint32_t ghost, other, half;
	char path[400];

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	a = create_pod("a");
	r = call_name("pod_start", "a");
	json_free(r);
	b = create_pod("b");
	fake_hv_vanish((uint32_t)b);
	half = fake_hv_add("xenpod-c", "11111111-2222-4333-8444-555555555555",
			   true);
	write_state("c", "11111111-2222-4333-8444-555555555555", "creating");
	ghost = fake_hv_add("xenpod-ghost",
			    "99999999-2222-4333-8444-555555555555", false);
	other = fake_hv_add("somebody-else",
			    "88888888-2222-4333-8444-555555555555", false);
	snprintf(path, sizeof(path), "%s/pods/bad.json", H.state_dir);
	FILE *f = fopen(path, "w");
	fputs("{\"name\":", f);
	fclose(f);

	/* e exits while no daemon runs: found shut down at restart, finished then. */
	e = create_pod("e");
	json_free(call_name("pod_start", "e"));
	harness_stop(&H, false);
	{
		struct xs_guest_status st = { .state = XS_GUEST_EXITED,
					      .exit_code = 5 };

		fake_xs_set_status((uint32_t)e, &st);
		fake_hv_guest_shutdown((uint32_t)e, HV_REASON_POWEROFF);
	}
	/* A running guest may rewrite ~/console/tty: never followed. */
	fake_xs_set_tty((uint32_t)a, "/dev/pts/999");
	CU_ASSERT_EQUAL_FATAL(harness_restart(&H), 0);
	r = call_name("pod_wait", "e");
	CU_ASSERT(json_int(json_get(result(r), "exit_code"), &code) &&
		  code == 5);
	CU_ASSERT_STRING_EQUAL(json_str(json_get(result(r), "reason")),
			       "poweroff");
	json_free(r);
	CU_ASSERT_PTR_NULL(fake_hv_find((uint32_t)e));
	r = call_name("pod_inspect", "a");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "running");
	CU_ASSERT(json_int(json_get(result(r), "domid"), &d) && d == a);
	CU_ASSERT_PTR_NOT_NULL(json_str(json_get(result(r), "console_tty")));
	CU_ASSERT_STRING_NOT_EQUAL(json_str(json_get(result(r), "console_tty")),
				   "/dev/pts/999");
	json_free(r);
	r = call_name("pod_inspect", "b");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "stopped");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(result(r), "reason")), "lost");
	json_free(r);
	r = call_name("pod_inspect", "c");
	CU_ASSERT_EQUAL(error_code(r), 2);
	json_free(r);
	CU_ASSERT_PTR_NULL(fake_hv_find(half));
	CU_ASSERT_PTR_NULL(fake_hv_find(ghost));
	CU_ASSERT_PTR_NOT_NULL(fake_hv_find(other));
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/quarantine", H.state_dir);
	CU_ASSERT_EQUAL(harness_count_files(path), 1);

	/* The re-adopted pod's exit is still seen (watches re-registered). */
	guest_exits(a, 3, "after restart\n");
	r = call_name("pod_wait", "a");
	CU_ASSERT(json_int(json_get(result(r), "exit_code"), &code) &&
		  code == 3);
	json_free(r);
	CU_ASSERT_PTR_NULL(fake_hv_find((uint32_t)a));
	harness_stop(&H, true);
}

static void test_stop_kill(void)
{
	struct json *r;
	int64_t d1, d2;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	d1 = create_pod("s1");
	json_free(call_name("pod_start", "s1"));
	r = harness_call(&H, "pod_stop", "{\"name\":\"s1\",\"timeout\":5}");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "stopped");
	/* A clean power-off on request is a power-off like any other. */
	CU_ASSERT_STRING_EQUAL(json_str(json_get(result(r), "reason")),
			       "poweroff");
	json_free(r);
	CU_ASSERT_PTR_NULL(fake_hv_find((uint32_t)d1));

	d2 = create_pod("s2");
	json_free(call_name("pod_start", "s2"));
	fake_hv_obey_shutdown = false;
	r = harness_call(&H, "pod_stop", "{\"name\":\"s2\",\"timeout\":1}");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(result(r), "reason")),
			       "timeout");
	CU_ASSERT_EQUAL(json_type(json_get(result(r), "exit_code")), JSON_NULL);
	json_free(r);
	CU_ASSERT_PTR_NULL(fake_hv_find((uint32_t)d2));

	create_pod("s3");
	json_free(call_name("pod_start", "s3"));
	r = call_name("pod_kill", "s3");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(result(r), "reason")),
			       "killed");
	json_free(r);
	CU_ASSERT_EQUAL(fake_hv_count(), 0);
	r = call_name("pod_start", "s3");
	CU_ASSERT_EQUAL(error_code(r), 3);
	json_free(r);

	/* The daemon dies during a stop's grace period: the restarted one
	 * still destroys the pod when the grace period is over. */
	d2 = create_pod("s4");
	json_free(call_name("pod_start", "s4"));
	free(harness_raw(
		&H, harness_connect(&H, false),
		"{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"pod_stop\",\"params\":{\"name\":\"s4\",\"timeout\":2}}\n",
		300));
	harness_stop(&H, false);
	CU_ASSERT_PTR_NOT_NULL(fake_hv_find((uint32_t)d2));
	CU_ASSERT_EQUAL_FATAL(harness_restart(&H), 0);
	r = call_name("pod_wait", "s4");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(result(r), "reason")),
			       "timeout");
	json_free(r);
	CU_ASSERT_PTR_NULL(fake_hv_find((uint32_t)d2));
	fake_hv_obey_shutdown = true;
	harness_stop(&H, true);
}

/* A guest that writes garbage into its status node is failed and destroyed. */
static void test_hostile_guest(void)
{
	struct xs_guest_status st = { .state = XS_GUEST_INVALID };
	struct json *r;
	int64_t d;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	d = create_pod("evil");
	json_free(call_name("pod_start", "evil"));
	snprintf(st.error, sizeof(st.error), "exit: not a number");
	fake_xs_set_status((uint32_t)d, &st);
	r = call_name("pod_wait", "evil");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "failed");
	json_free(r);
	CU_ASSERT_EQUAL(fake_hv_count(), 0);
	harness_stop(&H, true);
}

/*
 * A guest firing its status watch in a loop costs a bounded number of reads:
 * a burst is handled in bounded slices (the quiet pod is served meanwhile),
 * and a flood spread over many wakeups is read at most once per
 * POD_STATUS_COALESCE_MS. The bound is counted from the time the flood really
 * took, so a slow machine loosens it instead of failing it.
 */
static void test_watch_flood(void)
{
	struct xs_guest_status st = { .state = XS_GUEST_RUNNING };
	const uint64_t window = POD_STATUS_COALESCE_MS;
	uint64_t t0, ms;
	struct json *r;
	int64_t d;
	int i, before, reads, wakeups;

	/* The window exists, or a flooding guest costs one read per event. */
	CU_ASSERT_FATAL(window > 0);
	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	d = create_pod("flood");
	json_free(call_name("pod_start", "flood"));
	create_pod("quiet");
	harness_run(50);
	before = fake_xs_status_reads();
	for (i = 0; i < 900; i++)
		fake_xs_set_status((uint32_t)d, &st);
	r = call_name("pod_inspect", "quiet");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "created");
	json_free(r);
	harness_run(200);
	CU_ASSERT(fake_xs_status_reads() - before <= 20);

	/* One watch event per event-loop turn (at least 200 turns and 200 ms), then the last read. */
	harness_run(2 * (int)window);
	before = fake_xs_status_reads();
	t0 = ev_now_ms();
	for (wakeups = 0; wakeups < 200 || ev_now_ms() - t0 < 200; wakeups++) {
		fake_xs_set_status((uint32_t)d, &st);
		ev_run_once(0);
	}
	harness_run(2 * (int)window);
	ms = ev_now_ms() - t0;
	reads = fake_xs_status_reads() - before;
	printf("(%d status reads for %d wakeups in %llu ms) ", reads, wakeups,
	       (unsigned long long)ms);
	CU_ASSERT(reads >= 1);
	CU_ASSERT(reads <= (int)(ms / (window ? window : 1)) + 1);
	r = call_name("pod_inspect", "flood");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "running");
	json_free(r);
	harness_stop(&H, true);
}

/* logs -f streams output as it arrives and ends when the pod stops. */
static void test_logs_follow(void)
{
	struct json *r;
	int64_t d;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	d = create_pod("f");
	json_free(call_name("pod_start", "f"));
	CU_ASSERT_EQUAL(write(H.pty_master, "one\n", 4), 4);
	harness_run(50);
	/* The pod exits while the follow request is pending. */
	guest_exits(d, 0, "two\n");
	r = harness_call(&H, "pod_logs", "{\"name\":\"f\",\"follow\":true}");
	CU_ASSERT_PTR_NOT_NULL(result(r));
	CU_ASSERT_PTR_NOT_NULL_FATAL(H.log_data);
	CU_ASSERT_STRING_EQUAL(H.log_data, "one\ntwo\n");
	json_free(r);
	harness_stop(&H, true);
}

/* Domains that go away behind the daemon's back: the pod stops ("lost"); rm still works. */
static void test_domain_gone(void)
{
	const struct hv_dominfo *d;
	struct json *r;
	char uuid[64];
	int64_t d1, d2;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	d1 = create_pod("g1");
	json_free(call_name("pod_start", "g1"));
	d = fake_hv_find((uint32_t)d1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	snprintf(uuid, sizeof(uuid), "%s", d->uuid);
	hv_destroy(NULL, (uint32_t)d1,
		   uuid); /* like `xl destroy`: a death event follows */
	r = call_name("pod_wait", "g1");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "stopped");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(result(r), "reason")), "lost");
	json_free(r);

	d2 = create_pod("g2");
	json_free(call_name("pod_start", "g2"));
	fake_hv_vanish((uint32_t)d2); /* no event at all */
	r = harness_call(&H, "pod_rm", "{\"name\":\"g2\",\"force\":true}");
	CU_ASSERT_PTR_NOT_NULL(result(r));
	json_free(r);
	json_free(call_name("pod_rm", "g1"));
	count_state(0, 0, 0);
	CU_ASSERT_EQUAL(fake_hv_count(), 0);
	harness_stop(&H, true);
}

/* run -i -t: the spec carries tty=1 stdin=1 to the guest; both are kept across a restart. */
static void test_tty_stdin(void)
{
	char params[1024];
	struct json *r;
	int64_t d;
	bool b;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	create_params(params, sizeof(params), "t1",
		      ",\"tty\":true,\"stdin\":true");
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT(json_int(json_get(result(r), "domid"), &d) && d > 0);
	json_free(r);
	CU_ASSERT_STRING_EQUAL(
		fake_xs_spec((uint32_t)d),
		"env=A=b%20c cwd=/ name=t1 tty=1 stdin=1 -- /bin/echo hi%20there");
	create_params(params, sizeof(params), "t2", ",\"tty\":1");
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT_EQUAL(error_code(r), -32602);
	json_free(r);
	harness_stop(&H, false);
	CU_ASSERT_EQUAL_FATAL(harness_restart(&H), 0);
	r = call_name("pod_inspect", "t1");
	CU_ASSERT(json_bool(json_get(result(r), "tty"), &b) && b);
	CU_ASSERT(json_bool(json_get(result(r), "stdin"), &b) && b);
	json_free(r);
	/* No I/O channel in this harness: attach says so, after the stdin check. */
	r = harness_call(&H, "pod_attach",
			 "{\"name\":\"t1\",\"stdin\":true,\"start\":true}");
	CU_ASSERT_NOT_EQUAL(error_code(r), 0);
	json_free(r);
	/* A pod run without stdin: its guest closed the main stdin at boot. */
	create_pod("t3");
	r = harness_call(&H, "pod_attach",
			 "{\"name\":\"t3\",\"stdin\":true,\"start\":true}");
	CU_ASSERT_EQUAL(error_code(r), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		json_str(json_get(json_get(r, "error"), "message")) ?: "",
		"no open stdin"));
	json_free(r);
	json_free(call_name("pod_rm", "t1"));
	json_free(call_name("pod_rm", "t3"));
	harness_stop(&H, true);
}

/* spec "user" and "groups": checked, in the guest's spec, kept across a
 * restart, shown by inspect. */
static void test_user(void)
{
	static const struct {
		const char *extra, *want;
	} bad[] = {
		{ ",\"user\":\"\"", "params.spec.user: length must be 1..64" },
		{ ",\"user\":\"a:b:c\"",
		  "params.spec.user: expected USER[:GROUP]" },
		{ ",\"user\":\":0\"",
		  "params.spec.user: expected USER[:GROUP]" },
		{ ",\"user\":\"1000:\"",
		  "params.spec.user: expected USER[:GROUP]" },
		{ ",\"user\":\"a b\"",
		  "params.spec.user: expected USER[:GROUP]" },
		{ ",\"user\":7", "params.spec.user: expected a string" },
		{ ",\"groups\":[\"a:b\"]",
		  "params.spec.groups[0]: expected a group name or number" },
		{ ",\"groups\":[\"27\",\"\"]", "params.spec.groups[1]" },
	};
	char params[1024];
	struct json *r;
	int64_t d;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	create_params(
		params, sizeof(params), "u1",
		",\"user\":\"postgres:ssl-cert\",\"groups\":[\"27\",\"audio\"]");
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT(json_int(json_get(result(r), "domid"), &d) && d > 0);
	CU_ASSERT_STRING_EQUAL(json_str(json_get(result(r), "user")),
			       "postgres:ssl-cert");
	json_free(r);
	CU_ASSERT_STRING_EQUAL(
		fake_xs_spec((uint32_t)d),
		"env=A=b%20c cwd=/ name=u1 user=postgres:ssl-cert group=27 group=audio -- /bin/echo hi%20there");
	/* no user: no token, and none in inspect */
	create_pod("u2");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		create_params(params, sizeof(params), "u3", bad[i].extra);
		r = harness_call(&H, "pod_create", params);
		CU_ASSERT_EQUAL(error_code(r), -32602);
		if (!strstr(error_msg(r), bad[i].want))
			fprintf(stderr, "\n%s: got '%s'\n", bad[i].extra,
				error_msg(r));
		CU_ASSERT_PTR_NOT_NULL(strstr(error_msg(r), bad[i].want));
		json_free(r);
	}
	harness_stop(&H, false);
	CU_ASSERT_EQUAL_FATAL(harness_restart(&H), 0);
	r = call_name("pod_inspect", "u1");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(result(r), "user")),
			       "postgres:ssl-cert");
	CU_ASSERT_EQUAL(json_len(json_get(result(r), "groups")), 2);
	CU_ASSERT_STRING_EQUAL(
		json_str(json_at(json_get(result(r), "groups"), 1)), "audio");
	json_free(r);
	r = call_name("pod_inspect", "u2");
	CU_ASSERT_PTR_NULL(json_get(result(r), "user"));
	CU_ASSERT_PTR_NULL(json_get(result(r), "groups"));
	json_free(r);
	json_free(call_name("pod_rm", "u1"));
	json_free(call_name("pod_rm", "u2"));
	harness_stop(&H, true);
}

/* Two creates of the same name at once: exactly one wins, the other has no side effect. */
static void test_same_name_race(void)
{
	char params[1024], line[1200], *r2;
	struct json *r1;
	int fd2, ok = 0;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	fd2 = harness_connect(&H, false);
	create_params(params, sizeof(params), "race", NULL);
	snprintf(
		line, sizeof(line),
		"{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"pod_create\",\"params\":%s}\n",
		params);
	CU_ASSERT_EQUAL(write(fd2, line, strlen(line)), (ssize_t)strlen(line));
	r1 = harness_call(&H, "pod_create", params);
	ok += json_get(r1, "result") != NULL;
	r2 = harness_raw(
		&H, fd2,
		"{\"jsonrpc\":\"2.0\",\"id\":78,\"method\":\"daemon_hello\"}",
		5000);
	/* fd2's create reply came first; harness_raw returned it (id 77). */
	CU_ASSERT_PTR_NOT_NULL_FATAL(r2);
	ok += strstr(r2, "\"result\"") != NULL;
	CU_ASSERT_EQUAL(ok, 1);
	CU_ASSERT(strstr(r2, "\"code\":3") || error_code(r1) == 3);
	CU_ASSERT_EQUAL(fake_hv_count(), 1);
	CU_ASSERT_EQUAL(pod_count(), 1);
	free(r2);
	json_free(r1);
	close(fd2);
	harness_stop(&H, true);
}

/* The cache keeps recently used images no pod refers to, up to the limit. */
static void test_image_cache(void)
{
	struct json *r;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	pod_ctx.image_cache_keep = 1;
	create_pod("c1");
	r = harness_call(&H, "pod_rm", "{\"name\":\"c1\",\"force\":true}");
	json_free(r);
	count_state(0, 1, 0); /* kept for the next run of the same image */
	pod_ctx.image_cache_keep = 0;
	create_pod("c2"); /* same content: same cache file, now in use */
	count_state(1, 1, 1);
	r = harness_call(&H, "pod_rm", "{\"name\":\"c2\",\"force\":true}");
	json_free(r);
	count_state(0, 0, 0);
	harness_stop(&H, true);
}

/* Create a pod from image dir with command and extra spec keys; the reply. */
static struct json *create_from(const char *name, const char *dir,
				const char *command, const char *extra)
{
	char params[1024];

	snprintf(
		params, sizeof(params),
		"{\"spec\":{\"name\":\"%s\",\"image\":\"%s\",\"command\":[\"%s\"]%s}}",
		name, dir, command, extra ? extra : "");
	return harness_call(&H, "pod_create", params);
}

/* The memory floor: the image's program (through PATH and symlinks) and
 * rootfs count; less is refused naming the figures; no memory_mib gives
 * what the image needs when that is above the default. */
static void test_memory_floor(void)
{
	char dir[400], path[500];
	struct json *r;
	int64_t mem = 0;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	snprintf(dir, sizeof(dir), "%s/bigimg", H.root);
	snprintf(path, sizeof(path), "%s/bin", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755) || mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/bin/big", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (int i = 0; i < 20 * 1024; i++) /* 20 MiB, not compressible away */
		fprintf(f, "%01023d\n", i);
	fclose(f);
	chmod(path, 0755);
	snprintf(path, sizeof(path), "%s/bin/sh", dir);
	CU_ASSERT_EQUAL(symlink("big", path), 0);

	/* The tiny test image fits in the smallest pod the spec allows. */
	r = create_from("tiny", H.image_dir, "/bin/hello", ",\"memory_mib\":4");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "created");
	json_free(r);
	/* 20 MiB rootfs + 20 MiB program: 8 is refused, with the figures. */
	r = create_from("small", dir, "sh", ",\"memory_mib\":8");
	CU_ASSERT_EQUAL(error_code(r), -32602);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(error_msg(r), "pod small: memory 8 MiB is below the"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(error_msg(r), "rootfs 20.0 + program 20.0"));
	json_free(r);
	r = call_name("pod_inspect", "small");
	CU_ASSERT_EQUAL(error_code(r), 2); /* nothing left */
	json_free(r);
	/* Each volume's ring and buffers count too (POD_MEM_VOLUME_KIB). */
	{
		char extra[2048] = ",\"memory_mib\":4,\"mounts\":[";

		snprintf(path, sizeof(path), "%s/vdir", H.root);
		mkdir(path, 0755);
		for (int i = 0; i < 8; i++)
			snprintf(
				extra + strlen(extra),
				sizeof(extra) - strlen(extra),
				"%s{\"source\":\"%s\",\"destination\":\"/v%d\"}",
				i ? "," : "", path, i);
		strcat(extra, "]");
		r = create_from("vols", H.image_dir, "/bin/hello", extra);
		CU_ASSERT_EQUAL(error_code(r), -32602);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(error_msg(r) ?: "", "+ 8 volumes 2.5 MiB;"));
		json_free(r);
	}
	/* No memory_mib: the need (above the 32 MiB default). */
	r = create_from("auto", dir, "/bin/sh", NULL);
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "created");
	CU_ASSERT(json_int(json_get(result(r), "memory_mib"), &mem) &&
		  mem > 40 && mem < 46);
	json_free(r);
	/* A program that is not in the image counts nothing (the guest will
	 * say it is not found): 32 MiB then. */
	r = create_from("none", dir, "nosuch", NULL);
	CU_ASSERT(json_int(json_get(result(r), "memory_mib"), &mem) &&
		  mem == 32);
	json_free(r);
	harness_stop(&H, true);
}

/* Send pod_start for name on fd; NULL if it is (still) unanswered after ms. */
static struct json *start_on(int fd, const char *name, int ms)
{
	char line[256], err[128], *reply;
	struct json *j;

	snprintf(
		line, sizeof(line),
		"{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"pod_start\",\"params\":{\"name\":\"%s\"}}",
		name);
	reply = harness_raw(&H, fd, line, ms);
	j = reply ? json_parse(reply, strlen(reply), err, sizeof(err)) : NULL;
	free(reply);
	return j;
}

static struct json *reply_on(int fd, int ms)
{
	char err[128], *reply = harness_reply(&H, fd, ms);
	struct json *j;

	j = reply ? json_parse(reply, strlen(reply), err, sizeof(err)) : NULL;
	free(reply);
	return j;
}

/* pod_start is answered once the guest says its program runs, not at the unpause. */
static void test_start_waits(void)
{
	struct xs_guest_status st = { .state = XS_GUEST_RUNNING };
	struct json *r;
	int64_t domid;
	int fd;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	harness_guest_runs = false;
	json_free(harness_call(&H, "events_subscribe", NULL));
	domid = create_pod("w");
	fd = harness_connect(&H, false);
	CU_ASSERT_FATAL(fd >= 0);
	r = start_on(fd, "w", 300);
	CU_ASSERT_PTR_NULL(r); /* unpaused, but no answer yet */
	json_free(r);
	CU_ASSERT_EQUAL(fake_hv_find((uint32_t)domid)->paused, 0);
	json_free(harness_call(&H, "daemon_hello", NULL)); /* reads events */
	CU_ASSERT_EQUAL(H.events, 1); /* created; not started yet */
	fake_xs_set_status((uint32_t)domid, &st);
	r = reply_on(fd, 2000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "running");
	json_free(r);
	json_free(harness_call(&H, "daemon_hello", NULL)); /* reads events */
	CU_ASSERT_EQUAL(H.events, 2); /* started */
	/* A second start is refused at once: the pod runs. */
	r = call_name("pod_start", "w");
	CU_ASSERT_EQUAL(error_code(r), 3);
	json_free(r);
	/* A program that ran and exited before the report was read started. */
	domid = create_pod("quick");
	r = start_on(fd, "quick", 100);
	CU_ASSERT_PTR_NULL(r);
	st.state = XS_GUEST_EXITED;
	st.exit_code = 0;
	fake_xs_set_status((uint32_t)domid, &st);
	fake_hv_guest_shutdown((uint32_t)domid, HV_REASON_POWEROFF);
	r = reply_on(fd, 3000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NOT_NULL(result(r));
	json_free(r);
	close(fd);
	harness_stop(&H, true);
}

/* A program that cannot start: pod_start fails with the guest's reason and
 * status (data.exit_code), the pod is failed with that exit code, and the
 * events say "failed" only. */
static void test_start_fails(void)
{
	struct xs_guest_status st = { .state = XS_GUEST_FAILED,
				      .exit_code = 127 };
	struct json *r;
	int64_t domid, code = 0;
	int fd;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	harness_guest_runs = false;
	json_free(harness_call(&H, "events_subscribe", NULL));
	domid = create_pod("nf");
	fd = harness_connect(&H, false);
	r = start_on(fd, "nf", 200);
	CU_ASSERT_PTR_NULL(r);
	snprintf(st.error, sizeof(st.error), "/bin/nope: not found");
	fake_xs_set_status((uint32_t)domid, &st);
	fake_hv_guest_shutdown((uint32_t)domid, HV_REASON_POWEROFF);
	r = reply_on(fd, 4000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(error_code(r), 1);
	CU_ASSERT_STRING_EQUAL(error_msg(r),
			       "pod nf: failed: /bin/nope: not found");
	CU_ASSERT(json_int(json_get(json_get(json_get(r, "error"), "data"),
				    "exit_code"),
			   &code) &&
		  code == 127);
	json_free(r);
	r = call_name("pod_wait", "nf");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "failed");
	CU_ASSERT(json_int(json_get(result(r), "exit_code"), &code) &&
		  code == 127);
	json_free(r);
	harness_run(50);
	CU_ASSERT_EQUAL(H.events, 2); /* created, failed: never "started" */

	/* Stopped before the program started: an error, status 125. */
	domid = create_pod("st");
	r = start_on(fd, "st", 100);
	CU_ASSERT_PTR_NULL(r);
	json_free(call_name("pod_kill", "st"));
	r = reply_on(fd, 2000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(error_code(r), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(error_msg(r), "before its program"));
	CU_ASSERT(json_int(json_get(json_get(json_get(r, "error"), "data"),
				    "exit_code"),
			   &code) &&
		  code == 125);
	json_free(r);
	(void)domid;
	close(fd);
	harness_stop(&H, true);
}

static void sha256_hex_of(const char *data, char out[DIGEST_HEX_LEN + 1])
{
	struct sha256_ctx h;

	sha256_init(&h);
	digest_update(&h, data, strlen(data));
	digest_hex(&h, out);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* kernel, kernel_digest and io_channel of a pod as "PATH DIGEST BOOL" ("null" when null). */
static void pod_kernel_facts(const char *name, char *buf, size_t sz)
{
	struct json *r = call_name("pod_inspect", name);
	const struct json *p = result(r);
	const char *k = json_str(json_get(p, "kernel"));
	const char *d = json_str(json_get(p, "kernel_digest"));
	bool b = false;
	bool known = json_bool(json_get(p, "io_channel"), &b);

	snprintf(buf, sz, "%s %s %s", k ? k : "null", d ? d : "null",
		 known ? (b ? "true" : "false") : "null");
	json_free(r);
}

/*
 * A pod keeps the kernel it was created with: a daemon restarted with
 * another --kernel (one that serves the I/O channel) re-adopts it by its
 * own, and serves it no channel; an old state file (no such fields) loads.
 */
static void test_kernel_recorded(void)
{
	static const char chan_kernel[] = "ELF ... xenpod/chan/ring-ref ...";
	char want[PATH_MAX + 200], got[PATH_MAX + 200], hex[DIGEST_HEX_LEN + 1];
	char old_kernel[300], path[400];
	struct pod_kernel_info ki;
	struct json *r;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	sha256_hex_of("ELF", hex);
	create_pod("k1");
	snprintf(want, sizeof(want), "%s %s false", H.kernel, hex);
	pod_kernel_facts("k1", got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, want);
	/* The state file has them too. */
	snprintf(path, sizeof(path), "%s/pods/k1.json", H.state_dir);
	{
		char text[8192] = "";
		FILE *f = fopen(path, "r");

		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT(fread(text, 1, sizeof(text) - 1, f) > 0);
		fclose(f);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, hex));
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"io_channel\":false"));
	}
	json_free(call_name("pod_start", "k1"));

	/* An older state file: no kernel fields. */
	write_state("old", "22222222-2222-4333-8444-555555555555", "stopped");
	harness_stop(&H, false);
	/* The package ships a new kernel elsewhere, one with the channel. */
	snprintf(old_kernel, sizeof(old_kernel), "%s", H.kernel);
	snprintf(H.kernel, sizeof(H.kernel), "%s/kernel-2", H.root);
	write_text(H.kernel, chan_kernel);
	CU_ASSERT_EQUAL_FATAL(pod_kernel_probe(H.kernel, &ki), 0);
	CU_ASSERT(ki.io_channel);
	sha256_hex_of(chan_kernel, hex);
	CU_ASSERT_STRING_EQUAL(ki.digest, hex);
	CU_ASSERT_EQUAL_FATAL(harness_restart(&H), 0);

	pod_kernel_facts("k1", got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, want);
	CU_ASSERT_STRING_EQUAL(
		status_of(result(r = call_name("pod_inspect", "k1"))),
		"running");
	json_free(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pod_find("k1"));
	CU_ASSERT(!pod_kernel_serves_chan(pod_find("k1")));
	CU_ASSERT_PTR_NULL(pod_find("k1")->io); /* no channel was served */
	pod_kernel_facts("old", got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "null null null");
	/* Unknown: judged by the daemon's kernel, as before. */
	CU_ASSERT(pod_kernel_serves_chan(pod_find("old")));

	/* The kernel is gone: the running pod does not care; a create says why. */
	CU_ASSERT_EQUAL(unlink(H.kernel), 0);
	create_params(path, sizeof(path), "k2", NULL);
	r = harness_call(&H, "pod_create", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(error_msg(r), "guest kernel"));
	json_free(r);
	CU_ASSERT_STRING_EQUAL(old_kernel, pod_find("k1")->kernel);
	json_free(call_name("pod_kill", "k1"));
	harness_stop(&H, true);
}

/* A digest that is not one quarantines the state file (it is our file, but corrupt). */
static void test_kernel_state_corrupt(void)
{
	char path[400];
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	harness_stop(&H, false);
	snprintf(path, sizeof(path), "%s/pods/bad.json", H.state_dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f,
		"{\"name\":\"bad\",\"uuid\":\"33333333-2222-4333-8444-555555555555\",\"status\":\"stopped\","
		"\"image\":\"/i\",\"image_digest\":\"\",\"command\":[\"/x\"],\"env\":[],\"cwd\":\"/\","
		"\"memory_mib\":32,\"vcpus\":1,\"cpio\":\"\",\"kernel\":\"/k\",\"kernel_digest\":\"abc\"}\n");
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(harness_restart(&H), 0);
	CU_ASSERT_PTR_NULL(pod_find("bad"));
	snprintf(path, sizeof(path), "%s/quarantine", H.state_dir);
	CU_ASSERT_EQUAL(harness_count_files(path), 1);
	harness_stop(&H, true);
}

/* How each shutdown reason ends a pod: "POD-STATUS REASON EXIT-CODE EVENT". */
static void shutdown_ends(enum hv_shutdown_reason why, bool exited_first,
			  const char *want)
{
	char got[512];
	struct json *r;
	int64_t d, code = -1;

	d = create_pod("sd");
	json_free(call_name("pod_start", "sd"));
	if (exited_first) {
		struct xs_guest_status st = { .state = XS_GUEST_EXITED,
					      .exit_code = 0 };

		fake_xs_set_status((uint32_t)d, &st);
		harness_run(50);
	}
	fake_hv_guest_shutdown((uint32_t)d, why);
	json_free(call_name("pod_wait", "sd"));
	/* The event follows the answer: it is read with the next one. */
	r = call_name("pod_inspect", "sd");
	json_int(json_get(result(r), "exit_code"), &code);
	snprintf(got, sizeof(got), "%s %s %lld %s", status_of(result(r)),
		 json_str(json_get(result(r), "reason")) ?: "null",
		 (long long)code, H.last_event);
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want))
		fprintf(stderr, "%s: got \"%s\"\n", hv_reason_name(why), got);
	json_free(r);
	CU_ASSERT_EQUAL(fake_hv_count(), 0);
	json_free(call_name("pod_rm", "sd"));
}

/*
 * A guest kernel that died is never a clean stop: Xen turns a triple fault
 * into a reboot, which our init never asks for. Failed, "crashed: ...",
 * exit code 137, event "failed"; also when found at a restart.
 */
static void test_crashed(void)
{
	struct json *r;
	int64_t d;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	json_free(harness_call(&H, "events_subscribe", NULL));
	shutdown_ends(HV_REASON_POWEROFF, true, "stopped poweroff 0 exited");
	shutdown_ends(
		HV_REASON_REBOOT, false,
		"failed crashed: the guest kernel rebooted (triple fault?) 137 failed");
	/* The program had ended; its kernel died on the way out: still a crash. */
	shutdown_ends(
		HV_REASON_REBOOT, true,
		"failed crashed: the guest kernel rebooted (triple fault?) 137 failed");
	shutdown_ends(
		HV_REASON_CRASH, false,
		"failed crashed: the guest kernel crashed (panic or fatal fault) 137 failed");
	shutdown_ends(
		HV_REASON_WATCHDOG, false,
		"failed crashed: the guest's watchdog fired (its kernel hung) 137 failed");
	shutdown_ends(
		HV_REASON_SOFT_RESET, false,
		"failed crashed: the guest kernel asked for a soft reset 137 failed");
	shutdown_ends(
		HV_REASON_SUSPEND, false,
		"failed failed: the domain was suspended (a pod cannot resume) -1 failed");
	shutdown_ends(
		HV_REASON_UNKNOWN, false,
		"failed failed: the domain shut down for an unknown reason -1 failed");

	/* It triple-faults while no daemon runs: the restarted one says crashed. */
	d = create_pod("late");
	json_free(call_name("pod_start", "late"));
	harness_stop(&H, false);
	fake_hv_guest_shutdown((uint32_t)d, HV_REASON_REBOOT);
	CU_ASSERT_EQUAL_FATAL(harness_restart(&H), 0);
	r = call_name("pod_wait", "late");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "failed");
	CU_ASSERT_STRING_EQUAL(
		json_str(json_get(result(r), "reason")) ?: "",
		"crashed: the guest kernel rebooted (triple fault?)");
	json_free(r);
	CU_ASSERT_PTR_NULL(fake_hv_find((uint32_t)d));
	/* ... and so does the next daemon, from the state file. */
	harness_stop(&H, false);
	CU_ASSERT_EQUAL_FATAL(harness_restart(&H), 0);
	r = call_name("pod_inspect", "late");
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "failed");
	{
		int64_t code = 0;

		CU_ASSERT(json_int(json_get(result(r), "exit_code"), &code) &&
			  code == 137);
	}
	json_free(r);
	harness_stop(&H, true);
}

/* Has the backend pid ended (reaped by the daemon, or a zombie for us to reap)? */
static bool backend_ended(int64_t pid)
{
	pid_t r = waitpid((pid_t)pid, NULL, WNOHANG);

	return r == (pid_t)pid ||
	       (r < 0 && errno == ECHILD && kill((pid_t)pid, 0) < 0);
}

/* The backend pids of a pod's mounts (inspect), count returned. */
static int backend_pids(const char *name, int64_t pids[8])
{
	struct json *r = call_name("pod_inspect", name);
	const struct json *m = json_get(result(r), "mounts");
	int n = 0;

	for (size_t i = 0; i < json_len(m) && n < 8; i++)
		if (json_int(json_get(json_at(m, i), "backend_pid"), &pids[n]))
			n++;
	json_free(r);
	return n;
}

static void test_volumes(void)
{
	char params[2048], host[400], extra[1200];
	int64_t domid = -1, pids[8], again[8];
	struct json *r;
	const struct json *m;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	snprintf(host, sizeof(host), "%s/host", H.root);
	mkdir(host, 0755);
	snprintf(
		extra, sizeof(extra),
		",\"mounts\":[{\"source\":\"%s\",\"destination\":\"/src/\",\"read_only\":true},"
		"{\"source\":\"vol1\",\"destination\":\"/v\"}]",
		host);
	create_params(params, sizeof(params), "m", extra);
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "created");
	json_int(json_get(result(r), "domid"), &domid);
	m = json_get(result(r), "mounts");
	CU_ASSERT_EQUAL_FATAL(json_len(m), 2);
	CU_ASSERT_STRING_EQUAL(json_str(json_get(json_at(m, 0), "type")),
			       "bind");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(json_at(m, 0), "source")),
			       host);
	CU_ASSERT_STRING_EQUAL(json_str(json_get(json_at(m, 0), "destination")),
			       "/src");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(json_at(m, 0), "mode")), "ro");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(json_at(m, 1), "type")),
			       "volume");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(json_at(m, 1), "volume")),
			       "vol1");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(json_at(m, 1), "mode")), "rw");
	json_free(r);
	/* One backend each, running, and each device's nodes written. */
	CU_ASSERT_EQUAL_FATAL(backend_pids("m", pids), 2);
	CU_ASSERT_EQUAL(kill((pid_t)pids[0], 0), 0);
	CU_ASSERT_EQUAL(kill((pid_t)pids[1], 0), 0);
	CU_ASSERT_EQUAL(fake_xs_9pfs_devs((uint32_t)domid), 3u);
	/* The named volume was made, and is in use. */
	r = call_name("volume_inspect", "vol1");
	CU_ASSERT_STRING_EQUAL(
		json_str(json_at(json_get(result(r), "used_by"), 0)), "m");
	json_free(r);
	r = call_name("volume_rm", "vol1");
	CU_ASSERT_EQUAL(error_code(r), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(error_msg(r), "in use by pod m"));
	json_free(r);

	/* A restarted daemon re-adopts the same processes. */
	CU_ASSERT_EQUAL_FATAL(harness_restart(&H), 0);
	CU_ASSERT_EQUAL_FATAL(backend_pids("m", again), 2);
	CU_ASSERT_EQUAL(again[0], pids[0]);
	CU_ASSERT_EQUAL(again[1], pids[1]);
	/* Killing the pod ends both and removes the nodes. */
	json_free(call_name("pod_kill", "m"));
	CU_ASSERT_TRUE(backend_ended(pids[0]));
	CU_ASSERT_TRUE(backend_ended(pids[1]));
	CU_ASSERT_EQUAL(fake_xs_9pfs_devs((uint32_t)domid), 0u);
	CU_ASSERT_EQUAL(backend_pids("m", again), 0);
	/* Stopped, it still holds the volume; removed, it does not. */
	r = call_name("volume_rm", "vol1");
	CU_ASSERT_EQUAL(error_code(r), 3);
	json_free(r);
	json_free(call_name("pod_rm", "m"));
	r = call_name("volume_rm", "vol1");
	CU_ASSERT_PTR_NOT_NULL(result(r));
	json_free(r);

	/* A backend that cannot start fails the create: no domain, node or state left. */
	setenv("FAKE_9PFSD_FAIL", "1", 1);
	fake_xs_9pfs_state = 1; /* it never gets to publish its nodes */
	create_params(params, sizeof(params), "m2", extra);
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT_EQUAL(error_code(r), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(error_msg(r), "backend ended at start"));
	json_free(r);
	unsetenv("FAKE_9PFSD_FAIL");
	CU_ASSERT_EQUAL(fake_hv_count(), 0);
	r = call_name("pod_inspect", "m2");
	CU_ASSERT_EQUAL(error_code(r), 2);
	json_free(r);
	count_state(0, 0, 0);

	/* Bad mounts are refused by name. */
	snprintf(extra, sizeof(extra),
		 ",\"mounts\":[{\"source\":\"%s\",\"destination\":\"/a\"},"
		 "{\"source\":\"vv\",\"destination\":\"/a/b\"}]",
		 host);
	create_params(params, sizeof(params), "m3", extra);
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT_EQUAL(error_code(r), -32602);
	CU_ASSERT_STRING_EQUAL(
		error_msg(r),
		"params.spec.mounts[1].destination: /a/b overlaps mounts[0]'s /a");
	json_free(r);
	create_params(
		params, sizeof(params), "m3",
		",\"mounts\":[{\"source\":\"/nonexistent\",\"destination\":\"/a\"}]");
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT_EQUAL(error_code(r), 2);
	CU_ASSERT_STRING_EQUAL(
		error_msg(r),
		"params.spec.mounts[0].source: /nonexistent: No such file or directory");
	json_free(r);
	create_params(
		params, sizeof(params), "m3",
		",\"mounts\":[{\"source\":\"x\",\"destination\":\"/a\"}]");
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT_EQUAL(error_code(r), -32602);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		error_msg(r), "params.spec.mounts[0]: the source is neither"));
	json_free(r);
	harness_stop(&H, true);
}

/* tmpfs mounts and a read-only root: decoded, checked, passed to the guest
 * in the spec, shown by inspect and kept across a daemon restart. */
static void test_tmpfs(void)
{
	static const struct {
		const char *extra, *want;
	} bad[] = {
		{ ",\"tmpfs\":[{\"path\":\"/run\"},{\"path\":\"/run/x\"}]",
		  "params.spec.tmpfs[1].path: /run/x overlaps tmpfs[0]'s /run" },
		{ ",\"mounts\":[{\"source\":\"vv\",\"destination\":\"/v\"}],"
		  "\"tmpfs\":[{\"path\":\"/v\"}]",
		  "params.spec.tmpfs[0].path: /v overlaps mounts[0]'s /v" },
		{ ",\"tmpfs\":[{\"path\":\"/proc/t\"}]",
		  "params.spec.tmpfs[0].path: the mount point must not be in /proc" },
		{ ",\"tmpfs\":[{\"path\":\"/t\",\"size\":0}]",
		  "params.spec.tmpfs[0].size" },
		{ ",\"tmpfs\":[{\"path\":\"/t\",\"mode\":4096}]",
		  "params.spec.tmpfs[0].mode" },
		{ ",\"tmpfs\":[{\"size\":1}]", "params.spec.tmpfs[0].path" },
		{ ",\"tmpfs\":{\"path\":\"/t\"}", "params.spec.tmpfs" },
		{ ",\"read_only\":1", "params.spec.read_only" },
	};
	char params[2048];
	const struct json *m, *t;
	struct json *r;
	int64_t domid = -1, v = 0;
	bool ro = false;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	create_params(params, sizeof(params), "tf",
		      ",\"read_only\":true,\"tmpfs\":[{\"path\":\"/run/\","
		      "\"size\":65536},{\"path\":\"/a b,c\",\"mode\":448,"
		      "\"ro\":true}]");
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT_STRING_EQUAL(status_of(result(r)), "created");
	json_int(json_get(result(r), "domid"), &domid);
	json_free(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(fake_xs_spec((uint32_t)domid) ?: "",
				      " readonly=1 tmpfs=65536,1777,0,/run "
				      "tmpfs=0,700,1,/a%20b,c -- /bin/echo"));
	for (int round = 0; round < 2; round++) {
		r = call_name("pod_inspect", "tf");
		CU_ASSERT_TRUE(
			json_bool(json_get(result(r), "read_only"), &ro) && ro);
		m = json_get(result(r), "mounts");
		CU_ASSERT_EQUAL_FATAL(json_len(m), 2);
		t = json_at(m, 0);
		CU_ASSERT_STRING_EQUAL(json_str(json_get(t, "type")), "tmpfs");
		CU_ASSERT_STRING_EQUAL(json_str(json_get(t, "destination")),
				       "/run");
		CU_ASSERT_STRING_EQUAL(json_str(json_get(t, "mode")), "rw");
		CU_ASSERT_TRUE(json_int(json_get(t, "size"), &v) && v == 65536);
		CU_ASSERT_STRING_EQUAL(json_str(json_get(t, "tmpfs_mode")),
				       "1777");
		t = json_at(m, 1);
		CU_ASSERT_STRING_EQUAL(json_str(json_get(t, "destination")),
				       "/a b,c");
		CU_ASSERT_STRING_EQUAL(json_str(json_get(t, "mode")), "ro");
		CU_ASSERT_EQUAL(json_type(json_get(t, "size")), JSON_NULL);
		CU_ASSERT_STRING_EQUAL(json_str(json_get(t, "tmpfs_mode")),
				       "0700");
		json_free(r);
		/* The same from the state file. */
		if (!round)
			CU_ASSERT_EQUAL_FATAL(harness_restart(&H), 0);
	}
	json_free(call_name("pod_kill", "tf"));
	json_free(call_name("pod_rm", "tf"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		create_params(params, sizeof(params), "tf2", bad[i].extra);
		r = harness_call(&H, "pod_create", params);
		CU_ASSERT_EQUAL(error_code(r), -32602);
		if (!error_msg(r) || !strstr(error_msg(r), bad[i].want)) {
			fprintf(stderr, "got \"%s\", want \"%s\"\n",
				error_msg(r) ?: "(none)", bad[i].want);
			CU_FAIL("wrong error");
		}
		json_free(r);
	}
	CU_ASSERT_EQUAL(fake_hv_count(), 0);
	harness_stop(&H, true);
}

/* A state file's mounts are checked as any input: a bad one is quarantined. */
static void write_mount_state(const char *name, const char *uuid,
			      const char *mounts)
{
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/pods/%s.json", H.state_dir, name);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f,
		"{\"name\":\"%s\",\"uuid\":\"%s\",\"domid\":null,\"status\":\"stopped\",\"exit_code\":null,"
		"\"reason\":null,\"image\":\"/i\",\"image_digest\":\"\",\"command\":[\"/x\"],\"env\":[],"
		"\"cwd\":\"/\",\"memory_mib\":32,\"vcpus\":1,\"created_at\":null,\"started_at\":null,"
		"\"finished_at\":null,\"cpio\":\"\",\"mounts\":%s}\n",
		name, uuid, mounts);
	fclose(f);
}

static void test_volume_state(void)
{
	char path[400];
	struct json *r;
	const struct json *m;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	write_mount_state(
		"good", "11111111-2222-4333-8444-000000000001",
		"[{\"source\":\"/srv/x\",\"destination\":\"/x\",\"read_only\":true,"
		"\"volume\":null,\"devid\":0,\"backend_pid\":null,\"backend_start\":0}]");
	write_mount_state(
		"rel", "11111111-2222-4333-8444-000000000002",
		"[{\"source\":\"srv\",\"destination\":\"/x\",\"devid\":0}]");
	write_mount_state(
		"dest", "11111111-2222-4333-8444-000000000003",
		"[{\"source\":\"/s\",\"destination\":\"/a/../b\",\"devid\":0}]");
	write_mount_state(
		"devid", "11111111-2222-4333-8444-000000000004",
		"[{\"source\":\"/s\",\"destination\":\"/x\",\"devid\":1}]");
	write_mount_state("many", "11111111-2222-4333-8444-000000000005",
			  "[{},{},{},{},{},{},{},{},{}]");
	CU_ASSERT_EQUAL_FATAL(harness_restart(&H), 0);
	r = call_name("pod_inspect", "good");
	m = json_get(result(r), "mounts");
	CU_ASSERT_EQUAL(json_len(m), 1);
	CU_ASSERT_STRING_EQUAL(json_str(json_get(json_at(m, 0), "source")),
			       "/srv/x");
	CU_ASSERT_STRING_EQUAL(json_str(json_get(json_at(m, 0), "mode")), "ro");
	json_free(r);
	/* A stopped pod still refers to its volume: kept in its state. */
	write_mount_state(
		"uses", "11111111-2222-4333-8444-000000000006",
		"[{\"source\":\"/srv/y\",\"destination\":\"/y\",\"volume\":\"vv\",\"devid\":0}]");
	CU_ASSERT_EQUAL_FATAL(harness_restart(&H), 0);
	json_free(harness_call(&H, "volume_create", "{\"name\":\"vv\"}"));
	r = call_name("volume_rm", "vv");
	CU_ASSERT_EQUAL(error_code(r), 3);
	json_free(r);
	snprintf(path, sizeof(path), "%s/quarantine", H.state_dir);
	CU_ASSERT_EQUAL(harness_count_files(path), 4);
	harness_stop(&H, true);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("pod", NULL, NULL);
	CU_add_test(s, "cycle", test_cycle);
	CU_add_test(s, "start_waits", test_start_waits);
	CU_add_test(s, "start_fails", test_start_fails);
	CU_add_test(s, "create_failures", test_create_failures);
	CU_add_test(s, "memory_floor", test_memory_floor);
	CU_add_test(s, "reconcile", test_reconcile);
	CU_add_test(s, "stop_kill", test_stop_kill);
	CU_add_test(s, "hostile_guest", test_hostile_guest);
	CU_add_test(s, "logs_follow", test_logs_follow);
	CU_add_test(s, "watch_flood", test_watch_flood);
	CU_add_test(s, "image_cache", test_image_cache);
	CU_add_test(s, "same_name_race", test_same_name_race);
	CU_add_test(s, "domain_gone", test_domain_gone);
	CU_add_test(s, "tty_stdin", test_tty_stdin);
	CU_add_test(s, "user", test_user);
	CU_add_test(s, "kernel_recorded", test_kernel_recorded);
	CU_add_test(s, "kernel_state_corrupt", test_kernel_state_corrupt);
	CU_add_test(s, "crashed", test_crashed);
	CU_add_test(s, "volumes", test_volumes);
	CU_add_test(s, "volume_state", test_volume_state);
	CU_add_test(s, "tmpfs", test_tmpfs);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
