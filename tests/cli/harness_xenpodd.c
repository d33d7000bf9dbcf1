/* SPDX-License-Identifier: MIT */
/* harness_xenpodd: the real xenpodd core on a real socket, with fake seams and a scripted fake guest, for CLI end-to-end tests. */
/*
 * usage: harness_xenpodd RUNDIR READYFILE
 *
 * Serves RUNDIR/xenpodd.sock with the daemon core (control, rpc, pod, store,
 * image) over the fake hypervisor and xenstore of tests/. A started pod's
 * "guest" reads its spec from the fake xenstore and acts out PROGRAM by its
 * base name: "echo ARGS" prints them and exits 0, "exit N" exits N, "env"
 * prints the spec's env=... values, "crash" crashes, anything else runs
 * until stopped or killed. Runs until SIGTERM or SIGINT.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "fake_hv.h"
#include "fake_xs.h"
#include "harness.h"
#include "hv.h"
#include "xs.h"

#define MAX_DOMS 256
#define MAX_ARGS 32

static volatile sig_atomic_t quit;
static bool handled[MAX_DOMS];

static void on_quit(int sig)
{
	(void)sig;
	quit = 1;
}

/* Decode one %XX-encoded spec token in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		unsigned v;

		if (s[0] == '%' && sscanf(s + 1, "%2x", &v) == 1) {
			*o++ = (char)v;
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Split the spec into env values and the program's argv. */
static int parse_spec(char *spec, char **env, int *n_env, char **argv)
{
	int argc = -1;

	*n_env = 0;
	for (char *t = strtok(spec, " "); t; t = strtok(NULL, " ")) {
		if (argc < 0 && !strcmp(t, "--")) {
			argc = 0;
			continue;
		}
		unescape(t);
		if (argc >= 0 && argc < MAX_ARGS - 1)
			argv[argc++] = t;
		else if (argc < 0 && !strncmp(t, "env=", 4) &&
			 *n_env < MAX_ARGS)
			env[(*n_env)++] = t + 4;
	}
	if (argc > 0)
		argv[argc] = NULL;
	return argc;
}

static void console(struct harness *h, const char *text)
{
	if (write(h->pty_master, text, strlen(text)) != (ssize_t)strlen(text))
		fprintf(stderr, "harness_xenpodd: console write failed\n");
}

static void guest_exit(struct harness *h, uint32_t domid, int code)
{
	struct xs_guest_status st = { .state = XS_GUEST_EXITED,
				      .exit_code = code };

	harness_run(100); /* let the daemon drain the console first */
	fake_xs_set_status(domid, &st);
	fake_hv_guest_shutdown(domid, HV_REASON_POWEROFF);
	(void)h;
}

/* Act out the program of a freshly started domain. */
static void guest_run(struct harness *h, uint32_t domid)
{
	struct xs_guest_status st = { .state = XS_GUEST_RUNNING };
	char spec[4200], out[4200] = "", *env[MAX_ARGS], *argv[MAX_ARGS];
	const char *prog, *s = fake_xs_spec(domid);
	int n_env, argc;

	snprintf(spec, sizeof(spec), "%s", s ? s : "");
	argc = parse_spec(spec, env, &n_env, argv);
	fake_xs_set_status(domid, &st);
	harness_run(50);
	prog = argc > 0 ? strrchr(argv[0], '/') : NULL;
	prog = prog ? prog + 1 : (argc > 0 ? argv[0] : "");
	if (!strcmp(prog, "echo")) {
		for (int i = 1; i < argc; i++)
			snprintf(out + strlen(out), sizeof(out) - strlen(out),
				 "%s%s", i > 1 ? " " : "", argv[i]);
		strcat(out, "\n");
		console(h, out);
		guest_exit(h, domid, 0);
	} else if (!strcmp(prog, "exit")) {
		guest_exit(h, domid, argc > 1 ? atoi(argv[1]) : 0);
	} else if (!strcmp(prog, "env")) {
		for (int i = 0; i < n_env; i++) {
			console(h, env[i]);
			console(h, "\n");
		}
		guest_exit(h, domid, 0);
	} else if (!strcmp(prog, "crash")) {
		harness_run(50);
		fake_hv_guest_shutdown(domid, HV_REASON_CRASH);
	}
	/* Anything else runs until stopped (fake_hv_obey_shutdown) or killed. */
}

/* Start the guest of every domain that has been unpaused since last time. */
static void poll_domains(struct harness *h)
{
	for (uint32_t domid = 1; domid < MAX_DOMS; domid++) {
		const struct hv_dominfo *d = fake_hv_find(domid);

		if (d && !handled[domid] && !d->paused &&
		    d->state == HV_RUNNING) {
			handled[domid] = true;
			guest_run(h, domid);
		}
	}
}

int main(int argc, char **argv)
{
	struct harness h;
	char err[256] = "harness";
	FILE *ready;

	if (argc != 3) {
		fprintf(stderr, "usage: harness_xenpodd RUNDIR READYFILE\n");
		return 2;
	}
	signal(SIGTERM, on_quit);
	signal(SIGINT, on_quit);
	signal(SIGPIPE, SIG_IGN);
	alarm(120); /* never outlive a test run */
	if (harness_start(&h) < 0 ||
	    control_open(argv[1], NULL, err, sizeof(err)) < 0 ||
	    control_listen(err, sizeof(err)) < 0) {
		fprintf(stderr, "harness_xenpodd: cannot start: %s\n", err);
		return 1;
	}
	ready = fopen(argv[2], "w");
	if (!ready || fclose(ready))
		return 1;
	while (!quit) {
		harness_run(20);
		poll_domains(&h);
	}
	harness_stop(&h, true);
	return 0;
}
