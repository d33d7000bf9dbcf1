// SPDX-License-Identifier: MIT
// smpstress.c: threads and processes on several vCPUs: counters, fork+pipe, signals, exit, a timed parallel job.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 64

static long iters;
static atomic_long shared_atomic;
static long shared_locked;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t got[MAX_THREADS];
static _Thread_local int my_index;
static atomic_int spinning;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int nthreads_arg(const char *s)
{
	int n = atoi(s);

	if (n < 1 || n > MAX_THREADS) {
		fprintf(stderr, "smpstress: threads must be 1..%d\n",
			MAX_THREADS);
		exit(2);
	}
	return n;
}

static void start_all(pthread_t *t, int n, void *(*fn)(void *))
{
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, fn, (void *)(intptr_t)i)) {
			fprintf(stderr, "smpstress: pthread_create failed\n");
			exit(1);
		}
}

static void *count_fn(void *arg)
{
	for (long i = 0; i < iters; i++) {
		atomic_fetch_add(&shared_atomic, 1);
		pthread_mutex_lock(&lock);
		shared_locked++;
		pthread_mutex_unlock(&lock);
	}
	return arg;
}

/* N threads increment one atomic and one mutex-guarded counter. */
static int do_count(int n)
{
	pthread_t t[MAX_THREADS];

	start_all(t, n, count_fn);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("count: atomic %ld locked %ld expected %ld\n",
	       (long)atomic_load(&shared_atomic), shared_locked, n * iters);
	return atomic_load(&shared_atomic) == n * iters &&
			       shared_locked == n * iters ?
		       0 :
		       1;
}

/* N children at a time, each writes its number through a pipe. */
static int do_fork(int n)
{
	long sum = 0, want = 0;

	for (long round = 0; round < iters; round++) {
		int fd[2];
		pid_t pid[MAX_THREADS];
		int v;

		if (pipe(fd))
			return perror("pipe"), 1;
		for (int i = 0; i < n; i++) {
			pid[i] = fork();
			if (pid[i] < 0)
				return perror("fork"), 1;
			if (pid[i] == 0) {
				v = i + 1;
				close(fd[0]);
				_exit(write(fd[1], &v, sizeof(v)) == sizeof(v) ?
					      0 :
					      3);
			}
			want += i + 1;
		}
		close(fd[1]);
		while (read(fd[0], &v, sizeof(v)) == sizeof(v))
			sum += v;
		close(fd[0]);
		for (int i = 0; i < n; i++) {
			int st;

			if (waitpid(pid[i], &st, 0) != pid[i] ||
			    !WIFEXITED(st) || WEXITSTATUS(st))
				return fprintf(stderr, "child failed\n"), 1;
		}
	}
	printf("fork: sum %ld expected %ld\n", sum, want);
	return sum == want ? 0 : 1;
}

static void on_usr1(int sig)
{
	got[my_index]++;
}

static void *spin_fn(void *arg)
{
	my_index = (int)(intptr_t)arg;
	atomic_fetch_add(&spinning, 1);
	for (;;) /* CPU-bound: only a signal interrupts it */
		__asm__ volatile("" ::: "memory");
	return NULL;
}

/* Each of N spinning threads gets ITERS signals, one at a time, each
 * handled before the next is sent (within 10 s). */
static int do_signals(int n)
{
	pthread_t t[MAX_THREADS];
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	my_index = MAX_THREADS - 1;
	start_all(t, n, spin_fn);
	while (atomic_load(&spinning) < n)
		sched_yield();
	for (long r = 0; r < iters; r++)
		for (int i = 0; i < n; i++) {
			sig_atomic_t before = got[i];
			uint64_t end = now_ms() + 10000;

			pthread_kill(t[i], SIGUSR1);
			while (got[i] == before)
				if (now_ms() > end) {
					printf("signals: thread %d missed "
					       "signal %ld\n",
					       i, r);
					return 1;
				}
		}
	printf("signals: %ld to each of %d spinning threads\n", iters, n);
	return 0; /* exit with the threads still spinning */
}

/* The process exits from one thread while N others spin. */
static void *exit_fn(void *arg)
{
	while (atomic_load(&spinning) < (int)(intptr_t)arg)
		sched_yield();
	exit(7);
}

static int do_exit(int n)
{
	pthread_t t[MAX_THREADS], x;

	start_all(t, n, spin_fn);
	pthread_create(&x, NULL, exit_fn, (void *)(intptr_t)n);
	pthread_join(x, NULL);
	return 1; /* not reached */
}

static volatile uint64_t sink[MAX_THREADS * 8];

static void *work_fn(void *arg)
{
	int i = (int)(intptr_t)arg;
	uint64_t x = (uint64_t)i + 1;

	for (long k = 0; k < iters; k++)
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	sink[i * 8] = x;
	return NULL;
}

/* N threads share ITERS*N steps of pure computation; prints the time. */
static int do_work(int n)
{
	pthread_t t[MAX_THREADS];
	uint64_t t0 = now_ms();

	start_all(t, n, work_fn);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("work: %d threads x %ld steps in %llu ms\n", n, iters,
	       (unsigned long long)(now_ms() - t0));
	return 0;
}

static int do_cpus(void)
{
	cpu_set_t s;

	if (sched_getaffinity(0, sizeof(s), &s))
		return perror("sched_getaffinity"), 1;
	printf("cpus: online %ld affinity %d\n", sysconf(_SC_NPROCESSORS_ONLN),
	       CPU_COUNT(&s));
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "cpus"))
		return do_cpus();
	if (argc != 4) {
		fprintf(stderr, "usage: smpstress cpus | "
				"count|fork|signals|exit|work THREADS ITERS\n");
		return 2;
	}
	iters = atol(argv[3]);
	if (!strcmp(mode, "count"))
		return do_count(nthreads_arg(argv[2]));
	if (!strcmp(mode, "fork"))
		return do_fork(nthreads_arg(argv[2]));
	if (!strcmp(mode, "signals"))
		return do_signals(nthreads_arg(argv[2]));
	if (!strcmp(mode, "exit"))
		return do_exit(nthreads_arg(argv[2]));
	if (!strcmp(mode, "work"))
		return do_work(nthreads_arg(argv[2]));
	fprintf(stderr, "smpstress: unknown mode %s\n", mode);
	return 2;
}
