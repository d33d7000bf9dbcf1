/* SPDX-License-Identifier: MIT */
/* test_ev: timer order, fd readiness, deletion from inside callbacks. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "ev.h"

static char order[16];
static char ids[] = "abcv";
static int norder;
static struct ev_timer *victim;

static void t_mark(void *arg)
{
	order[norder++] = *(const char *)arg;
}

static void t_kill_victim(void *arg)
{
	order[norder++] = 'k';
	ev_timer_del(victim);
	victim = NULL;
}

static void test_timers(void)
{
	uint64_t now = ev_now_ms();

	ev_init();
	norder = 0;
	ev_timer_add(now + 30, t_mark, &ids[2], NULL);
	ev_timer_add(now + 10, t_mark, &ids[0], NULL);
	ev_timer_add(now + 10, t_mark, &ids[1],
		     NULL); /* same time: insertion order */
	ev_timer_add(now + 20, t_kill_victim, NULL, NULL);
	ev_timer_add(now + 25, t_mark, &ids[3], &victim);
	while (ev_now_ms() < now + 60)
		ev_run_once(100);
	order[norder] = '\0';
	CU_ASSERT_STRING_EQUAL(order, "abkc");
	CU_ASSERT(ev_now_ms() >= now + 30);
	ev_dispose();
}

static int reads;
static struct ev_fd *self;

static void on_read(int fd, short revents, void *arg)
{
	char b[16];

	CU_ASSERT(revents & POLLIN);
	if (read(fd, b, sizeof(b)) > 0)
		reads++;
	ev_fd_del(self); /* deleting itself from its callback is allowed */
	ev_fd_del(self); /* twice, too */
}

static void on_never(int fd, short revents, void *arg)
{
	CU_FAIL("a deleted or paused fd fired");
}

static void test_fds(void)
{
	int p[2], q[2];
	struct ev_fd *h2;

	ev_init();
	CU_ASSERT_EQUAL_FATAL(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	CU_ASSERT_EQUAL_FATAL(pipe2(q, O_CLOEXEC | O_NONBLOCK), 0);
	CU_ASSERT_EQUAL(ev_fd_add(p[0], POLLIN, on_read, NULL, &self), 0);
	CU_ASSERT_EQUAL(ev_fd_add(q[0], POLLIN, on_never, NULL, &h2), 0);
	ev_fd_modify(h2,
		     0); /* paused: even a closed writer (HUP) must not fire */
	close(q[1]);
	CU_ASSERT_EQUAL(write(p[1], "x", 1), 1);
	ev_run_once(100);
	CU_ASSERT_EQUAL(reads, 1);
	CU_ASSERT_EQUAL(write(p[1], "y", 1), 1);
	ev_run_once(20); /* deleted: no second read */
	CU_ASSERT_EQUAL(reads, 1);
	CU_ASSERT_EQUAL(ev_fd_add(-1, POLLIN, on_read, NULL, NULL), -EINVAL);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	ev_dispose();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ev", NULL, NULL);
	CU_add_test(s, "timers", test_timers);
	CU_add_test(s, "fds", test_fds);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
