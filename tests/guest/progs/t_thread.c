/* SPDX-License-Identifier: MIT */
/* t_thread: POSIX threads: create/join, mutexes, condition variables, TLS, ids, exit from a thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(c) printf("%-50s %s\n", #c, (c) ? "ok" : strerror(errno))
#define NTHREADS 8
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready;
static __thread int tls_value;
static pid_t tids[NTHREADS];

static void *worker(void *arg)
{
	long id = (long)arg;

	tls_value = (int)id;
	tids[id] = (pid_t)syscall(SYS_gettid);
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return (void *)(id * 10 + tls_value);
}

static void *waiter(void *arg)
{
	pthread_mutex_lock(&lock);
	while (!ready)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return arg;
}

static void *exiter(void *arg)
{
	usleep(10000);
	exit(7); /* ends the whole process */
}

int main(void)
{
	pthread_t th[NTHREADS], w;
	long sum = 0;
	void *ret;
	int st, distinct = 1;
	pid_t p;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i))
			printf("pthread_create failed\n");
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], &ret);
		sum += (long)ret;
	}
	CHECK(counter == (long)NTHREADS * ROUNDS);
	CHECK(sum == 11 * (NTHREADS * (NTHREADS - 1) / 2));
	for (int i = 0; i < NTHREADS; i++)
		if (tids[i] == getpid())
			distinct = 0;
	CHECK(distinct && tids[0] != tids[1]);
	CHECK(pthread_create(&w, NULL, waiter, (void *)42L) == 0);
	usleep(20000);
	pthread_mutex_lock(&lock);
	ready = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	CHECK(pthread_join(w, &ret) == 0 && ret == (void *)42L);
	p = fork();
	if (p == 0) {
		pthread_t e;

		pthread_create(&e, NULL, exiter, NULL);
		for (;;)
			pause();
	}
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 7);
	return 0;
}
