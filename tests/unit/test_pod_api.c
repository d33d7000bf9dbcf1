/* SPDX-License-Identifier: MIT */
/* test_pod_api: the pod state machine through pod.h's C API (no JSON), and the wire code of each asynchronous failure. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "fake_hv.h"
#include "fake_xs.h"
#include "harness.h"
#include "json.h"
#include "pod.h"
#include "xs.h"

static struct harness H;

/* ---- a recording pod_ops: what the pod layer answered, per token ---- */

enum kind { NONE, POD, ERR, EXIT, DONE };

struct answer {
	enum kind kind;
	int n; /* answers seen (must stay 1) */
	int rc, status;
	char msg[512];
	char pod_status[16];
	int64_t domid;
	char reason[192];
	int exit_code;
};

#define MAX_TOK 64
static struct answer ans[MAX_TOK];
static int events;
static char last_event[32];
static size_t log_bytes;

static struct answer *slot(pod_token t)
{
	CU_ASSERT_FATAL(t > 0 && t < MAX_TOK);
	return &ans[t];
}

static void rec_pod(pod_token t, const struct pod *p)
{
	struct answer *a = slot(t);
	struct pod_info pi;

	pod_info(p, &pi);
	a->kind = POD;
	a->n++;
	snprintf(a->pod_status, sizeof(a->pod_status), "%s",
		 pod_status_name(pi.status));
	snprintf(a->reason, sizeof(a->reason), "%s", pi.reason);
	a->domid = pi.domid;
	a->exit_code = pi.has_exit ? pi.exit_code : -1;
}

static void rec_error(pod_token t, int rc, int status, const char *msg)
{
	struct answer *a = slot(t);

	a->kind = ERR;
	a->n++;
	a->rc = rc;
	a->status = status;
	snprintf(a->msg, sizeof(a->msg), "%s", msg);
}

static void rec_exit(pod_token t, int code, unsigned signo, const char *error)
{
	struct answer *a = slot(t);

	(void)signo, (void)error;
	a->kind = EXIT;
	a->n++;
	a->exit_code = code;
}

static void rec_done(pod_token t)
{
	struct answer *a = slot(t);

	a->kind = DONE;
	a->n++;
}

static void rec_event(const struct pod_event *e)
{
	events++;
	snprintf(last_event, sizeof(last_event), "%s", e->event);
}

static void sink_output(pod_token t, int fd, const uint8_t *d, size_t n)
{
	(void)t, (void)fd, (void)d, (void)n;
}

static void sink_credit(pod_token t, uint32_t n)
{
	(void)t, (void)n;
}

static int sink_log(pod_token t, const char *pod, const char *stream,
		    const char *d, size_t n)
{
	(void)t, (void)pod, (void)stream, (void)d;
	log_bytes += n;
	return 0;
}

static bool sink_writable(pod_token t)
{
	(void)t;
	return true;
}

static size_t sink_queued(pod_token t)
{
	(void)t;
	return 0;
}

static void sink_on_writable(pod_token t, void (*cb)(void *), void *arg)
{
	(void)t, (void)cb, (void)arg;
}

static const struct pod_sink rec_sink = {
	.output = sink_output,
	.credit = sink_credit,
	.log = sink_log,
	.writable = sink_writable,
	.queued = sink_queued,
	.on_writable = sink_on_writable,
};

static const struct pod_ops rec_ops = {
	.reply_pod = rec_pod,
	.reply_error = rec_error,
	.reply_exit = rec_exit,
	.reply_done = rec_done,
	.event = rec_event,
	.sink = &rec_sink,
};

/* The core with our ops instead of the RPC layer's. */
static void start_api(void)
{
	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	pod_set_ops(&rec_ops);
	memset(ans, 0, sizeof(ans));
	events = 0;
	last_event[0] = '\0';
	log_bytes = 0;
}

/* Run the loop until token t is answered (or ms pass). */
static bool wait_answer(pod_token t, int ms)
{
	for (int i = 0; i < ms / 10 && !slot(t)->n; i++)
		harness_run(10);
	return slot(t)->n > 0;
}

static char echo0[] = "/bin/echo", echo1[] = "hi", true0[] = "/bin/true";
static char *const cmd_echo[] = { echo0, echo1, NULL };
static char *const cmd_true[] = { true0, NULL };

static int create(const char *name, pod_token t)
{
	struct pod_spec s = { .name = name,
			      .image = H.image_dir,
			      .command = cmd_echo,
			      .vcpus = 1,
			      .path = "spec" };
	char err[512] = "";
	int rc = pod_create(&s, t, err, sizeof(err));

	if (rc != POD_DEFERRED)
		return rc;
	if (!wait_answer(t, 5000))
		return -ETIMEDOUT;
	if (slot(t)->kind != POD) {
		fprintf(stderr, "create %s: %s\n", name, slot(t)->msg);
		return slot(t)->rc;
	}
	return 0;
}

/* ---- the state machine through the C API ---- */

static void test_lifecycle(void)
{
	const struct pod *p;
	struct pod_info pi;
	char err[512];

	start_api();
	CU_ASSERT_EQUAL_FATAL(create("a", 1), 0);
	CU_ASSERT_STRING_EQUAL(ans[1].pod_status, "created");
	CU_ASSERT(ans[1].domid >= 0);
	CU_ASSERT_STRING_EQUAL(last_event, "created");
	/* The name is taken: refused at once, nothing deferred. */
	CU_ASSERT_EQUAL(create("a", 2), -EEXIST);
	CU_ASSERT_EQUAL(ans[2].n, 0);

	/* Start: answered once the (fake) guest runs its program. */
	CU_ASSERT_EQUAL(pod_start("a", 3, &p, err, sizeof(err)), POD_DEFERRED);
	CU_ASSERT_TRUE(wait_answer(3, 2000));
	CU_ASSERT_EQUAL(ans[3].kind, POD);
	CU_ASSERT_STRING_EQUAL(ans[3].pod_status, "running");
	CU_ASSERT_STRING_EQUAL(last_event, "started");
	/* Running: no second start, no rm without force. */
	CU_ASSERT_EQUAL(pod_start("a", 4, &p, err, sizeof(err)), -EBADFD);
	CU_ASSERT_STRING_EQUAL(err, "pod a: is running, not created");
	CU_ASSERT_EQUAL(pod_rm("a", false, err, sizeof(err)), -EBADFD);
	/* No channel (the fake kernel serves none): exec cannot start. */
	{
		struct pod_exec_req x = { .name = "a", .command = cmd_true };

		CU_ASSERT_EQUAL(pod_exec(&x, 5, err, sizeof(err)), -ENOTCONN);
		CU_ASSERT_EQUAL(ans[5].n, 0);
	}

	/* Two waiters; one withdraws (its client left): only the other is answered. */
	CU_ASSERT_EQUAL(pod_wait("a", 6, &p, err, sizeof(err)), POD_DEFERRED);
	CU_ASSERT_EQUAL(pod_wait("a", 7, &p, err, sizeof(err)), POD_DEFERRED);
	pod_cancel(7);
	CU_ASSERT_EQUAL(pod_kill("a", &p, err, sizeof(err)), 0);
	pod_info(p, &pi);
	CU_ASSERT_EQUAL(pi.status, POD_STOPPED);
	CU_ASSERT_STRING_EQUAL(pi.reason, "killed");
	CU_ASSERT_EQUAL(ans[6].kind, POD);
	CU_ASSERT_EQUAL(ans[6].n, 1);
	CU_ASSERT_STRING_EQUAL(ans[6].pod_status, "stopped");
	CU_ASSERT_EQUAL(ans[7].n, 0);
	/* Over: wait answers now, exec refuses the state. */
	CU_ASSERT_EQUAL(pod_wait("a", 8, &p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ans[8].n, 0);
	{
		struct pod_exec_req x = { .name = "a", .command = cmd_true };

		CU_ASSERT_EQUAL(pod_exec(&x, 9, err, sizeof(err)), -EBADFD);
		CU_ASSERT_STRING_EQUAL(err, "pod a: is stopped, not running");
	}

	/* Its log: read to the end, then reply_done. */
	CU_ASSERT_EQUAL(pod_logs("a", -1, false, POD_LOG_DEFAULT, 10, err,
				 sizeof(err)),
			POD_DEFERRED);
	CU_ASSERT_TRUE(wait_answer(10, 1000));
	CU_ASSERT_EQUAL(ans[10].kind, DONE);

	CU_ASSERT_EQUAL(pod_rm("a", false, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(last_event, "removed");
	CU_ASSERT_EQUAL(pod_get("a", &p, err, sizeof(err)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(err, "pod a: not found");
	CU_ASSERT_EQUAL(pod_count(), 0);
	harness_stop(&H, true);
}

static void test_stop_api(void)
{
	const struct pod *p;
	char err[512];

	start_api();
	/* Created, never started: stop finishes it before returning. */
	CU_ASSERT_EQUAL_FATAL(create("c", 1), 0);
	CU_ASSERT_EQUAL(pod_stop("c", 5, 2, &p, err, sizeof(err)),
			POD_DEFERRED);
	CU_ASSERT_EQUAL(ans[2].n, 1);
	CU_ASSERT_STRING_EQUAL(ans[2].pod_status, "stopped");
	CU_ASSERT_STRING_EQUAL(ans[2].reason, "stopped");
	/* Already over: answered at once. */
	CU_ASSERT_EQUAL(pod_stop("c", 5, 3, &p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ans[3].n, 0);

	/* Running: the guest powers off on request. */
	fake_hv_obey_shutdown = true;
	CU_ASSERT_EQUAL_FATAL(create("r", 4), 0);
	CU_ASSERT_EQUAL(pod_start("r", 5, &p, err, sizeof(err)), POD_DEFERRED);
	CU_ASSERT_TRUE(wait_answer(5, 2000));
	CU_ASSERT_EQUAL(pod_stop("r", 5, 6, &p, err, sizeof(err)),
			POD_DEFERRED);
	CU_ASSERT_EQUAL(ans[6].n, 0);
	CU_ASSERT_TRUE(wait_answer(6, 5000));
	CU_ASSERT_EQUAL(ans[6].kind, POD);
	CU_ASSERT_STRING_EQUAL(ans[6].pod_status, "stopped");
	CU_ASSERT_EQUAL(pod_stop("nope", 5, 7, &p, err, sizeof(err)), -ENOENT);
	harness_stop(&H, true);
}

/* A start whose program never runs is answered with the reason and the
 * status a shell would give. */
static void test_start_failures_api(void)
{
	struct xs_guest_status st = { .state = XS_GUEST_FAILED,
				      .exit_code = 127 };
	const struct pod *p;
	struct pod_info pi;
	char err[512];

	start_api();
	harness_guest_runs = false;
	CU_ASSERT_EQUAL_FATAL(create("nf", 1), 0);
	CU_ASSERT_EQUAL(pod_start("nf", 2, &p, err, sizeof(err)), POD_DEFERRED);
	pod_info(p, &pi);
	snprintf(st.error, sizeof(st.error), "/bin/nope: not found");
	fake_xs_set_status((uint32_t)pi.domid, &st);
	fake_hv_guest_shutdown((uint32_t)pi.domid, HV_REASON_POWEROFF);
	CU_ASSERT_TRUE(wait_answer(2, 4000));
	CU_ASSERT_EQUAL(ans[2].kind, ERR);
	CU_ASSERT_EQUAL(ans[2].rc, -ECANCELED);
	CU_ASSERT_EQUAL(ans[2].status, 127);
	CU_ASSERT_STRING_EQUAL(ans[2].msg,
			       "pod nf: failed: /bin/nope: not found");

	/* The guest kernel crashes before the program runs. */
	CU_ASSERT_EQUAL_FATAL(create("cr", 3), 0);
	CU_ASSERT_EQUAL(pod_start("cr", 4, &p, err, sizeof(err)), POD_DEFERRED);
	pod_info(p, &pi);
	fake_hv_guest_shutdown((uint32_t)pi.domid, HV_REASON_CRASH);
	CU_ASSERT_TRUE(wait_answer(4, 4000));
	CU_ASSERT_EQUAL(ans[4].kind, ERR);
	CU_ASSERT_EQUAL(ans[4].status, 137);
	CU_ASSERT_PTR_NOT_NULL(strstr(ans[4].msg, "pod cr: crashed: "));
	CU_ASSERT_STRING_EQUAL(last_event, "failed");
	harness_stop(&H, true);
}

/* ---- the wire code of each asynchronous failure (rpc_code_of) ---- */

static int64_t code_of(const struct json *r)
{
	int64_t c = 0;

	json_int(json_get(json_get(r, "error"), "code"), &c);
	return c;
}

static int64_t status_of(const struct json *r)
{
	int64_t s = -1;

	json_int(json_get(json_get(json_get(r, "error"), "data"), "exit_code"),
		 &s);
	return s;
}

static struct json *call(const char *method, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct json *call(const char *method, const char *fmt, ...)
{
	char params[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(params, sizeof(params), fmt, ap);
	va_end(ap);
	return harness_call(&H, method, params);
}

static int64_t domid_of(const char *name)
{
	struct json *r = call("pod_inspect", "{\"name\":\"%s\"}", name);
	int64_t d = -1;

	json_int(json_get(json_get(r, "result"), "domid"), &d);
	json_free(r);
	return d;
}

static void create_wire(const char *name)
{
	char params[1024];
	struct json *r;

	snprintf(
		params, sizeof(params),
		"{\"spec\":{\"name\":\"%s\",\"image\":\"%s\",\"command\":[\"/bin/echo\"]}}",
		name, H.image_dir);
	r = harness_call(&H, "pod_create", params);
	CU_ASSERT_PTR_NOT_NULL(json_get(r, "result"));
	json_free(r);
}

/* pause and unpause: the domain's paused flag, events, what is refused. */
static void test_pause_api(void)
{
	struct pod_exec_req x = { .name = "z", .command = cmd_true };
	const struct pod *p;
	struct pod_info pi;
	char err[512];
	struct json *r;

	start_api();
	fake_hv_obey_shutdown = true;
	CU_ASSERT_EQUAL_FATAL(create("z", 1), 0);
	CU_ASSERT_EQUAL(pod_pause("z", &p, err, sizeof(err)), -EBADFD);
	CU_ASSERT_STRING_EQUAL(err, "pod z: is created, not running");
	CU_ASSERT_EQUAL(pod_start("z", 2, &p, err, sizeof(err)), POD_DEFERRED);
	CU_ASSERT_TRUE_FATAL(wait_answer(2, 2000));
	pod_info(p, &pi);

	CU_ASSERT_EQUAL(pod_pause("z", &p, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(last_event, "paused");
	CU_ASSERT_TRUE(fake_hv_find((uint32_t)pi.domid)->paused);
	pod_info(p, &pi);
	CU_ASSERT_TRUE(pi.paused);
	CU_ASSERT_EQUAL(pi.status, POD_RUNNING);
	CU_ASSERT_EQUAL(pod_pause("z", &p, err, sizeof(err)), -EBADFD);
	CU_ASSERT_STRING_EQUAL(err, "pod z: is already paused");
	CU_ASSERT_EQUAL(pod_exec(&x, 3, err, sizeof(err)), -EBADFD);
	CU_ASSERT_STRING_EQUAL(err, "pod z: is paused; unpause it first");
	CU_ASSERT_EQUAL(ans[3].n, 0);

	CU_ASSERT_EQUAL(pod_resume("z", &p, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(last_event, "unpaused");
	CU_ASSERT_FALSE(fake_hv_find((uint32_t)pi.domid)->paused);
	CU_ASSERT_EQUAL(pod_resume("z", &p, err, sizeof(err)), -EBADFD);
	CU_ASSERT_STRING_EQUAL(err, "pod z: is not paused");

	/* stop thaws a paused pod so that its guest can power off */
	CU_ASSERT_EQUAL(pod_pause("z", &p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(pod_stop("z", 5, 4, &p, err, sizeof(err)),
			POD_DEFERRED);
	CU_ASSERT_TRUE(wait_answer(4, 5000));
	CU_ASSERT_STRING_EQUAL(ans[4].pod_status, "stopped");
	pod_info(p, &pi);
	CU_ASSERT_FALSE(pi.paused);
	CU_ASSERT_EQUAL(pod_resume("z", &p, err, sizeof(err)), -EBADFD);
	CU_ASSERT_STRING_EQUAL(err, "pod z: is stopped, not running");

	/* kill of a paused pod; the wire's codes */
	CU_ASSERT_EQUAL_FATAL(create("k", 5), 0);
	CU_ASSERT_EQUAL(pod_start("k", 6, &p, err, sizeof(err)), POD_DEFERRED);
	CU_ASSERT_TRUE_FATAL(wait_answer(6, 2000));
	r = harness_call(&H, "pod_pause", "{\"name\":\"k\"}");
	CU_ASSERT_EQUAL(json_get(json_get(r, "result"), "paused") != NULL, 1);
	json_free(r);
	CU_ASSERT_EQUAL(pod_kill("k", &p, err, sizeof(err)), 0);
	pod_info(p, &pi);
	CU_ASSERT_EQUAL(pi.status, POD_STOPPED);
	CU_ASSERT_FALSE(pi.paused);
	r = harness_call(&H, "pod_unpause", "{\"name\":\"ghost\"}");
	CU_ASSERT_EQUAL(code_of(r), 2);
	json_free(r);
	r = harness_call(&H, "pod_unpause", "{\"name\":\"k\"}");
	CU_ASSERT_EQUAL(code_of(r), 3);
	json_free(r);
	fake_hv_obey_shutdown = false;
	harness_stop(&H, true);
}

static void test_error_codes(void)
{
	struct xs_guest_status st = { .state = XS_GUEST_FAILED,
				      .exit_code = 126 };
	struct json *r;
	int fd;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);

	/* ENOENT: no such pod -> 2 (start, stop, wait, exec, logs). */
	r = call("pod_start", "{\"name\":\"%s\"}", "ghost");
	CU_ASSERT_EQUAL(code_of(r), 2);
	json_free(r);
	r = call("pod_exec", "{\"name\":\"%s\",\"command\":[\"/x\"]}", "ghost");
	CU_ASSERT_EQUAL(code_of(r), 2);
	json_free(r);
	r = call("pod_logs", "{\"name\":\"%s\",\"follow\":true}", "ghost");
	CU_ASSERT_EQUAL(code_of(r), 2);
	json_free(r);

	/* The domain build fails later (even with ENOENT from the
	 * hypervisor): the create failed -> 1, not 2. */
	fake_hv_fail_create_async = -ENOENT;
	r = call(
		"pod_create",
		"{\"spec\":{\"name\":\"b\",\"image\":\"%s\",\"command\":[\"/x\"]}}",
		H.image_dir);
	CU_ASSERT_EQUAL(code_of(r), 1);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(json_str(json_get(json_get(r, "error"), "message")),
		       "cannot build the domain"));
	json_free(r);
	fake_hv_fail_create_async = 0;

	/* The start fails when the guest cannot run the program -> 1, with
	 * its status in data.exit_code. */
	harness_guest_runs = false;
	create_wire("s1");
	fd = harness_connect(&H, false);
	free(harness_raw(
		&H, fd,
		"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"pod_start\",\"params\":{\"name\":\"s1\"}}",
		100));
	fake_xs_set_status((uint32_t)domid_of("s1"), &st);
	fake_hv_guest_shutdown((uint32_t)domid_of("s1"), HV_REASON_POWEROFF);
	{
		char err[128], *line = harness_reply(&H, fd, 4000);

		r = line ? json_parse(line, strlen(line), err, sizeof(err)) :
			   NULL;
		free(line);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(code_of(r), 1);
	CU_ASSERT_EQUAL(status_of(r), 126);
	json_free(r);

	/* The guest kernel crashes during the start -> 1, status 137. */
	create_wire("s2");
	free(harness_raw(
		&H, fd,
		"{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"pod_start\",\"params\":{\"name\":\"s2\"}}",
		100));
	fake_hv_guest_shutdown((uint32_t)domid_of("s2"), HV_REASON_CRASH);
	{
		char err[128], *line = harness_reply(&H, fd, 4000);

		r = line ? json_parse(line, strlen(line), err, sizeof(err)) :
			   NULL;
		free(line);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(code_of(r), 1);
	CU_ASSERT_EQUAL(status_of(r), 137);
	json_free(r);
	close(fd);
	harness_guest_runs = true;

	/* The wrong state -> 3: exec, attach and start on a stopped pod,
	 * rm of a live one without force. */
	r = call("pod_exec", "{\"name\":\"%s\",\"command\":[\"/x\"]}", "s2");
	CU_ASSERT_EQUAL(code_of(r), 3);
	json_free(r);
	r = call("pod_attach", "{\"name\":\"%s\"}", "s2");
	CU_ASSERT_EQUAL(code_of(r), 3);
	json_free(r);
	r = call("pod_start", "{\"name\":\"%s\"}", "s2");
	CU_ASSERT_EQUAL(code_of(r), 3);
	json_free(r);
	create_wire("live");
	r = call("pod_rm", "{\"name\":\"%s\"}", "live");
	CU_ASSERT_EQUAL(code_of(r), 3);
	json_free(r);
	/* A running pod without a channel: exec failed -> 1. */
	json_free(call("pod_start", "{\"name\":\"%s\"}", "live"));
	r = call("pod_exec", "{\"name\":\"%s\",\"command\":[\"/x\"]}", "live");
	CU_ASSERT_EQUAL(code_of(r), 1);
	json_free(r);
	/* exec_* without a session on the connection -> 3. */
	r = harness_call(&H, "exec_resize", "{\"rows\":1,\"cols\":1}");
	CU_ASSERT_EQUAL(code_of(r), 3);
	json_free(r);
	harness_stop(&H, true);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("pod_api", NULL, NULL);
	CU_add_test(s, "lifecycle", test_lifecycle);
	CU_add_test(s, "stop", test_stop_api);
	CU_add_test(s, "start_failures", test_start_failures_api);
	CU_add_test(s, "error_codes", test_error_codes);
	CU_add_test(s, "pause", test_pause_api);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
