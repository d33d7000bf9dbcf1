/* SPDX-License-Identifier: MIT */
/* test_console: pty capture into a capped, rotated log; the log reader (tail, rotation). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "console.h"
#include "outlog.h"
#include "ev.h"
#include "log.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static char *read_all(long tail)
{
	static char buf[256];
	struct conlog_reader *r;
	size_t len = 0;
	ssize_t n;

	CU_ASSERT_EQUAL_FATAL(conlog_reader_open(dir, "p", tail, &r), 0);
	while ((n = conlog_reader_read(r, buf + len, sizeof(buf) - 1 - len)) >
	       0)
		len += (size_t)n;
	buf[len] = '\0';
	conlog_reader_close(r);
	return buf;
}

static void test_tail(void)
{
	put("p.log.1", "a\nb\n");
	put("p.log", "c\nd\n");
	CU_ASSERT_STRING_EQUAL(read_all(-1), "a\nb\nc\nd\n");
	CU_ASSERT_STRING_EQUAL(read_all(0), "");
	CU_ASSERT_STRING_EQUAL(read_all(1), "d\n");
	CU_ASSERT_STRING_EQUAL(read_all(2), "c\nd\n");
	CU_ASSERT_STRING_EQUAL(read_all(3), "b\nc\nd\n");
	CU_ASSERT_STRING_EQUAL(read_all(10), "a\nb\nc\nd\n");
	put("p.log", "c\nno newline");
	CU_ASSERT_STRING_EQUAL(read_all(1), "no newline");
	CU_ASSERT_STRING_EQUAL(read_all(2), "c\nno newline");
	console_log_remove(dir, "p");
	CU_ASSERT_STRING_EQUAL(read_all(5), ""); /* no log at all is empty */
}

static int changes;

static void on_data(void *arg)
{
	changes++;
}

/* 5 MiB through a pty: two rotations, 2 MiB lost, a following reader sees every byte. */
static void test_capture_rotation(void)
{
	static char chunk[65536], got[65536 * 2];
	struct console *c = NULL;
	struct conlog_reader *r;
	char tty[128], p[128];
	size_t total = 5 * 1024 * 1024, sent = 0, nread = 0, i;
	struct stat sb;
	ssize_t n;
	bool ok = true;
	int m;

	ev_init();
	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	CU_ASSERT_FATAL(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0);
	CU_ASSERT_EQUAL_FATAL(ptsname_r(m, tty, sizeof(tty)), 0);
	CU_ASSERT_EQUAL_FATAL(
		console_open(dir, "cap", tty, 0, on_data, NULL, &c), 0);
	CU_ASSERT_EQUAL_FATAL(conlog_reader_open(dir, "cap", -1, &r), 0);
	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (char)('a' + i % 26);
	while (sent < total || nread < total) {
		if (sent < total) {
			n = write(m, chunk + sent % 26, 4096);
			if (n > 0)
				sent += (size_t)n;
		}
		ev_run_once(sent < total ? 0 : 10);
		while ((n = conlog_reader_read(r, got, sizeof(got))) > 0) {
			for (i = 0; i < (size_t)n; i++)
				ok &= got[i] == (char)('a' + (nread + i) % 26);
			nread += (size_t)n;
		}
		if (sent >= total && n == 0 && changes > 0 && nread < total) {
			static int idle;

			if (++idle > 500)
				break;
		}
	}
	CU_ASSERT_EQUAL(nread, total);
	CU_ASSERT(ok);
	snprintf(p, sizeof(p), "%s/cap.log", dir);
	CU_ASSERT(stat(p, &sb) == 0 && sb.st_size <= CONSOLE_LOG_MAX);
	snprintf(p, sizeof(p), "%s/cap.log.1", dir);
	CU_ASSERT(stat(p, &sb) == 0 && sb.st_size <= CONSOLE_LOG_MAX);
	CU_ASSERT_EQUAL(console_lost_bytes(c), (uint64_t)CONSOLE_LOG_MAX);
	conlog_reader_close(r);
	console_close(c);
	close(m);
	console_log_remove(dir, "cap");
	ev_dispose();
}

/* Everything of the chosen fds from the out log, as "<fd>text" chunks joined. */
static char *out_all(unsigned mask, long tail)
{
	static char buf[8192];
	static char rec[OUTLOG_REC_MAX];
	struct outlog_reader *r;
	size_t len = 0;
	ssize_t n;
	int fd;

	CU_ASSERT_EQUAL_FATAL(outlog_reader_open(dir, "o", mask, tail, &r), 0);
	while ((n = outlog_reader_read(r, &fd, rec, sizeof(rec))) > 0) {
		CU_ASSERT_FATAL(len + (size_t)n + 2 < sizeof(buf));
		buf[len++] = (char)('0' + fd);
		memcpy(buf + len, rec, (size_t)n);
		len += (size_t)n;
	}
	CU_ASSERT_EQUAL(n, 0);
	buf[len] = '\0';
	outlog_reader_close(r);
	return buf;
}

static void test_outlog(void)
{
	struct outlog *l;
	char p[128];
	int fd;

	CU_ASSERT_EQUAL_FATAL(outlog_open(dir, "o", 5, &l), 0);
	CU_ASSERT_TRUE(outlog_exists(dir, "o"));
	outlog_append(l, 1, "a1\n", 3);
	outlog_append(l, 2, "e1\n", 3);
	outlog_append(l, 1, "a2\na3\n", 6);
	outlog_append(l, 2, "e2", 2);
	CU_ASSERT_STRING_EQUAL(out_all(6, -1), "1a1\n2e1\n1a2\na3\n2e2");
	CU_ASSERT_STRING_EQUAL(out_all(2, -1), "1a1\n1a2\na3\n");
	CU_ASSERT_STRING_EQUAL(out_all(4, -1), "2e1\n2e2");
	/* tail counts the lines of the chosen streams only. */
	CU_ASSERT_STRING_EQUAL(out_all(2, 2), "1a2\na3\n");
	CU_ASSERT_STRING_EQUAL(out_all(2, 1), "1a3\n");
	CU_ASSERT_STRING_EQUAL(out_all(6, 2), "1a3\n2e2");
	CU_ASSERT_STRING_EQUAL(out_all(6, 0), "");
	CU_ASSERT_STRING_EQUAL(out_all(6, 100), "1a1\n2e1\n1a2\na3\n2e2");
	CU_ASSERT_EQUAL(outlog_lost_bytes(l), 5);
	outlog_close(l);
	/* A record that is not ours (or half written) ends the reading. */
	snprintf(p, sizeof(p), "%s/o.out", dir);
	fd = open(p, O_WRONLY | O_APPEND);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "\x07\x00\x01\x00x", 5), 5);
	close(fd);
	CU_ASSERT_STRING_EQUAL(out_all(6, -1), "1a1\n2e1\n1a2\na3\n2e2");
	console_log_remove(dir, "o");
	CU_ASSERT_FALSE(outlog_exists(dir, "o"));
}

/* Past CONSOLE_LOG_MAX the log rotates; the old .1 is counted as lost. */
static void test_outlog_rotation(void)
{
	static char big[OUTLOG_REC_MAX];
	struct outlog *l;
	int i, n = CONSOLE_LOG_MAX / OUTLOG_REC_MAX * 3;

	memset(big, 'x', sizeof(big));
	CU_ASSERT_EQUAL_FATAL(outlog_open(dir, "r", 0, &l), 0);
	for (i = 0; i < n; i++)
		outlog_append(l, 1 + i % 2, big, sizeof(big));
	CU_ASSERT_TRUE(outlog_lost_bytes(l) > 0);
	CU_ASSERT_TRUE(outlog_lost_bytes(l) < (uint64_t)n * (sizeof(big) + 4));
	outlog_close(l);
	console_log_remove(dir, "r");
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	log_init("test", true, LOG_LEVEL_ERR);
	snprintf(dir, sizeof(dir), "/tmp/xenpod-console.XXXXXX");
	if (!mkdtemp(dir) || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("console", NULL, NULL);
	CU_add_test(s, "tail", test_tail);
	CU_add_test(s, "capture_rotation", test_capture_rotation);
	CU_add_test(s, "outlog", test_outlog);
	CU_add_test(s, "outlog_rotation", test_outlog_rotation);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	rmdir(dir);
	return fails ? 1 : 0;
}
