/* SPDX-License-Identifier: MIT */
/* test_control: line framing, pipelining order, half-closed peers, the 1 MiB cap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "control.h"
#include "ev.h"
#include "harness.h"
#include "json.h"

static struct harness H;

/* Everything the peer sends until it closes (or timeout). */
static size_t drain(int fd, char *buf, size_t cap, int timeout_ms)
{
	uint64_t end = ev_now_ms() + (uint64_t)timeout_ms;
	size_t len = 0;
	ssize_t r;

	while (ev_now_ms() < end && len < cap - 1) {
		ev_run_once(10);
		r = recv(fd, buf + len, cap - 1 - len, MSG_DONTWAIT);
		if (r == 0)
			break;
		if (r > 0)
			len += (size_t)r;
	}
	buf[len] = '\0';
	return len;
}

static void test_pipelining(void)
{
	const char *reqs =
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_inspect\",\"params\":{\"name\":\"x\"}}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"daemon_hello\"}\n"
		"garbage\n"
		"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"pod_list\"}\n";
	char buf[4096];
	char *p1, *p2, *p3, *p4;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	/* All at once, then half-close: every request is still answered, in order. */
	CU_ASSERT_EQUAL(send(H.cfd, reqs, strlen(reqs), 0),
			(ssize_t)strlen(reqs));
	shutdown(H.cfd, SHUT_WR);
	drain(H.cfd, buf, sizeof(buf), 2000);
	p1 = strstr(buf, "\"id\":1,");
	p2 = strstr(buf, "\"id\":2,");
	p3 = strstr(buf, "\"code\":-32700");
	p4 = strstr(buf, "\"id\":4,");
	CU_ASSERT(p1 && p2 && p3 && p4 && p1 < p2 && p2 < p3 && p3 < p4);
	harness_stop(&H, true);
}

static void test_oversized(void)
{
	size_t n = CONTROL_LINE_MAX + 8192;
	char *big = malloc(n), buf[4096];
	size_t sent = 0;
	ssize_t r;
	int before;

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, ' ', n);
	big[0] = '{';
	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	before = control_count();
	/* Stream more than 1 MiB without a newline: the daemon answers and hangs up. */
	while (sent < n) {
		r = send(H.cfd, big + sent, n - sent,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r > 0)
			sent += (size_t)r;
		else if (r < 0 && errno != EAGAIN)
			break;
		ev_run_once(5);
	}
	drain(H.cfd, buf, sizeof(buf), 2000);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "larger than 1 MiB"));
	harness_run(20);
	CU_ASSERT_EQUAL(control_count(), before - 1);
	free(big);
	harness_stop(&H, true);
}

/* A client that goes away with a deferred request pending is forgotten cleanly. */
static void test_disconnect_pending(void)
{
	const char *wait =
		"{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"pod_wait\",\"params\":{\"name\":\"w\"}}\n";
	char params[512], *r;
	int fd;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	snprintf(
		params, sizeof(params),
		"{\"spec\":{\"name\":\"w\",\"image\":\"%s\",\"command\":[\"/x\"]}}",
		H.image_dir);
	json_free(harness_call(&H, "pod_create", params));
	fd = harness_connect(&H, false);
	CU_ASSERT_EQUAL(send(fd, wait, strlen(wait), 0), (ssize_t)strlen(wait));
	harness_run(30);
	CU_ASSERT_EQUAL(control_count(), 2);
	close(fd); /* its pod_wait is pending */
	harness_run(30);
	CU_ASSERT_EQUAL(control_count(), 1);
	/* The pod stops: the vanished waiter must not be answered (or touched). */
	r = harness_raw(
		&H, H.cfd,
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_kill\",\"params\":{\"name\":\"w\"}}",
		2000);
	CU_ASSERT_PTR_NOT_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(r ? strstr(r, "killed") : NULL);
	free(r);
	harness_stop(&H, true);
}

/* A client end adopted as a group member with this uid (0: root). */
static int dial_uid(uid_t uid)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if (control_adopt_fd_uid(sv[1], uid, NULL) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	return sv[0];
}

/* Is daemon_hello answered with a result on fd? */
static bool served(int fd)
{
	char *r = harness_raw(
		&H, fd,
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"daemon_hello\"}",
		2000);
	bool ok = r && strstr(r, "\"result\":");

	free(r);
	return ok;
}

/* Closed by the daemon (after its one error line), or still open? */
static bool closed_by_daemon(int fd)
{
	char buf[512];
	ssize_t r;

	while ((r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	return r == 0;
}

/* R27: one uid's idle connections cannot lock out root or other members. */
static void test_per_uid_caps(void)
{
	static int fds[5][200];
	int i, u, held = 0, evicted = 0, fd;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	for (i = 0; i < 200; i++) {
		fds[0][i] = dial_uid(1000);
		CU_ASSERT_FATAL(fds[0][i] >= 0);
	}
	harness_run(50);
	for (i = 0; i < 200; i++) {
		if (closed_by_daemon(fds[0][i]))
			evicted++;
		else
			held++;
	}
	printf("\n  uid 1000 dialled 200 idle: %d held, %d closed\n", held,
	       evicted);
	CU_ASSERT_EQUAL(held, CONTROL_UID_MAX_CONNS);
	/* The newest are the ones kept (the longest-idle were closed). */
	CU_ASSERT_FALSE(closed_by_daemon(fds[0][199]));
	fd = dial_uid(0);
	CU_ASSERT(served(fd));
	close(fd);
	fd = dial_uid(1001);
	CU_ASSERT(served(fd));
	close(fd);
	CU_ASSERT(served(H.cfd));
	/* Fill the non-root room with four uids; a fifth uid still gets in. */
	for (u = 1; u < 4; u++)
		for (i = 0; i < CONTROL_UID_MAX_CONNS; i++)
			fds[u][i] = dial_uid(1000 + (uid_t)u);
	harness_run(50);
	fd = dial_uid(1004);
	CU_ASSERT(served(fd));
	evicted = 0;
	for (u = 0; u < 4; u++)
		for (i = 0; i < CONTROL_UID_MAX_CONNS; i++)
			if (fds[u][u ? i : 200 - CONTROL_UID_MAX_CONNS + i] >=
				    0 &&
			    closed_by_daemon(
				    fds[u][u ? i :
					       200 - CONTROL_UID_MAX_CONNS + i]))
				evicted++;
	printf("  4 uids x %d idle, then uid 1004: %d evicted, %d connections\n",
	       CONTROL_UID_MAX_CONNS, evicted, control_count());
	CU_ASSERT_EQUAL(evicted, 1);
	CU_ASSERT(control_count() <= CONTROL_MAX_CONNS + 1);
	fd = dial_uid(0);
	CU_ASSERT(served(fd));
	close(fd);
	/* Everyone closes: everyone is served again. */
	for (i = 0; i < 200; i++)
		close(fds[0][i]);
	for (u = 1; u < 4; u++)
		for (i = 0; i < CONTROL_UID_MAX_CONNS; i++)
			close(fds[u][i]);
	harness_run(50);
	CU_ASSERT_EQUAL(control_count(), 2);
	CU_ASSERT(served(fd = dial_uid(1000)));
	close(fd);
	harness_stop(&H, true);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("control", NULL, NULL);
	CU_add_test(s, "pipelining", test_pipelining);
	CU_add_test(s, "oversized", test_oversized);
	CU_add_test(s, "disconnect_pending", test_disconnect_pending);
	CU_add_test(s, "per_uid_caps", test_per_uid_caps);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
