/* SPDX-License-Identifier: MIT */
/* sleeper: a static test workload: short nanosleeps in a loop, counting the ones that woke late. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/*
 * Usage: sleeper COUNT MIN_MS MAX_MS
 * Sleeps COUNT times for MIN_MS..MAX_MS (a fixed pseudo-random walk, so
 * runs are comparable) and measures each wake-up against its deadline on
 * CLOCK_MONOTONIC. A wake-up is late when it comes LATE_MS or more after
 * the deadline: for sleeps of 10-50 ms that is at least three times the
 * sleep itself, far beyond scheduling noise, and what a lost timer event
 * looks like until some other event wakes the CPU. Prints one line:
 *   sleeps N late L over1s S max_ms M total_ms T elapsed_ms E
 * (over1s: late by a second or more; total: the time asked for; elapsed:
 * the time the loop took), after a "late: ..." line on stderr for each of
 * the first 8 late ones. Exits 0 unless a clock or sleep call failed.
 */
#define LATE_MS 100

static long long now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts)) {
		perror("sleeper: clock_gettime");
		exit(1);
	}
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long count, lo, hi, late = 0, over1s = 0;
	long long max_ns = 0, total_ns = 0, start;
	unsigned seed = 12345;

	if (argc != 4 || (count = atol(argv[1])) <= 0 ||
	    (lo = atol(argv[2])) <= 0 || (hi = atol(argv[3])) < lo) {
		fprintf(stderr, "usage: sleeper COUNT MIN_MS MAX_MS\n");
		return 2;
	}
	start = now_ns();
	for (long i = 0; i < count; i++) {
		long ms =
			lo + (long)((seed >> 8) % (unsigned long)(hi - lo + 1));
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000l };
		long long t0, t1, over;

		seed = seed * 1103515245u + 12345u;
		t0 = now_ns();
		if (nanosleep(&ts, NULL)) {
			perror("sleeper: nanosleep");
			return 1;
		}
		t1 = now_ns();
		total_ns += ms * 1000000ll;
		over = t1 - (t0 + ms * 1000000ll);
		if (over < 0) {
			fprintf(stderr, "sleeper: woke %lld ns early\n", -over);
			return 1;
		}
		if (over > max_ns)
			max_ns = over;
		if (over >= LATE_MS * 1000000ll && late++ < 8)
			fprintf(stderr,
				"late: sleep %ld of %ld ms at +%lld ms woke %lld ms late\n",
				i, ms, (t0 - start) / 1000000, over / 1000000);
		if (over >= 1000000000ll)
			over1s++;
	}
	printf("sleeps %ld late %ld over1s %ld max_ms %lld total_ms %lld elapsed_ms %lld\n",
	       count, late, over1s, max_ns / 1000000, total_ns / 1000000,
	       (now_ns() - start) / 1000000);
	return 0;
}
