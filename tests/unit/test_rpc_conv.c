/* SPDX-License-Identifier: MIT */
/* test_rpc_conv: golden success conversations (tests/data/rpc-conv), every wire line pinned. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "fake_hv.h"
#include "fake_xs.h"
#include "harness.h"
#include "json.h"

/*
 * A .conv file is a script, one step per line:
 *   > LINE           send LINE on the root connection (@IMAGE@ = the test image)
 *   < LINE           the next line the daemon writes, notifications included
 *   ! output NAME T  the guest of pod NAME prints T (C escapes \n \t \\)
 *   ! exit NAME N    the guest of pod NAME exits with status N
 *   ! stubborn       the fake guest ignores shutdown requests from now on
 *   ! quiet MS       nothing arrives for MS milliseconds
 *   # ...            a comment
 * Received lines are normalised before the comparison (the harness's temp
 * directory reads @ROOT@; see mask_variable for the rest), so the
 * conversation is the same on every run. XENPOD_GOLDEN_UPDATE=1 rewrites the
 * expected lines from what the daemon says.
 */

static struct harness H;
#define MAX_PODS 16
static struct {
	char name[64];
	int64_t domid;
} pods[MAX_PODS];
static size_t npods;

/* Next line the daemon writes on the root connection, or NULL after ms. */
static char *next_line(int ms)
{
	return harness_line(&H, H.cfd, ms);
}

/* Replace every occurrence of from with to in s (s has room for cap bytes). */
static void replace_all(char *s, size_t cap, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to);
	char *p = s;

	while (fl && (p = strstr(p, from))) {
		if (strlen(s) - fl + tl + 1 > cap)
			return;
		memmove(p + tl, p + fl, strlen(p + fl) + 1);
		memcpy(p, to, tl);
		p += tl;
	}
}

/* Replace the string value of every "KEY":"..." with "TO". */
static void mask_value(char *s, size_t cap, const char *key, const char *to)
{
	size_t kl = strlen(key), tl = strlen(to);
	char *p = s, *v, *q;

	while ((p = strstr(p, key))) {
		v = p + kl;
		if (*v != '"' || !(q = strchr(v + 1, '"')))
			break;
		if (strlen(s) - (size_t)(q - v - 1) + tl + 1 > cap)
			return;
		memmove(v + 1 + tl, q, strlen(q) + 1);
		memcpy(v + 1, to, tl);
		p = v + 1 + tl;
	}
}

/*
 * What differs between runs: time stamps, uuids, the console pty's number and
 * the digest of an image tree made afresh in a temp directory. A uuid reads
 * @UUIDn@ by order of first appearance within the conversation.
 */
static char uuids[MAX_PODS][40];
static size_t nuuids;

static void mask_uuids(char *s, size_t cap)
{
	char *p = s, *v, *q, tag[16];
	size_t i;

	while ((p = strstr(p, "\"uuid\":\""))) {
		v = p + 8;
		q = strchr(v, '"');
		if (!q || q - v != 36)
			break;
		for (i = 0; i < nuuids && strncmp(uuids[i], v, 36); i++)
			;
		if (i == nuuids && nuuids < MAX_PODS)
			snprintf(uuids[nuuids++], sizeof(uuids[0]), "%.36s", v);
		snprintf(tag, sizeof(tag), "@UUID%zu@", i + 1);
		mask_value(p, cap - (size_t)(p - s), "\"uuid\":", tag);
		p = v;
	}
}

static void mask_variable(char *s, size_t cap)
{
	static const char *const times[] = { "\"created_at\":",
					     "\"started_at\":",
					     "\"finished_at\":", "\"time\":" };
	size_t i;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		mask_value(s, cap, times[i], "@TIME@");
	mask_value(s, cap, "\"image_digest\":", "@DIGEST@");
	mask_value(s, cap, "\"console_tty\":", "@PTY@");
	mask_uuids(s, cap);
}

static char *normalise(const char *line)
{
	size_t cap = strlen(line) * 2 + 64;
	char *s = malloc(cap);

	snprintf(s, cap, "%s", line);
	replace_all(s, cap, H.root, "@ROOT@");
	mask_variable(s, cap);
	return s;
}

/* Learn pod NAME's domid from a create result on the wire. */
static void learn_domid(const char *line)
{
	char err[128];
	struct json *j = json_parse(line, strlen(line), err, sizeof(err));
	const struct json *res = json_get(j, "result");
	const char *name = json_str(json_get(res, "name"));
	int64_t d;

	if (name && json_int(json_get(res, "domid"), &d) && d > 0 &&
	    npods < MAX_PODS) {
		snprintf(pods[npods].name, sizeof(pods[npods].name), "%s",
			 name);
		pods[npods++].domid = d;
	}
	json_free(j);
}

static int64_t domid_of(const char *name)
{
	size_t i;

	for (i = npods; i-- > 0;)
		if (!strcmp(pods[i].name, name))
			return pods[i].domid;
	return -1;
}

static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			*o++ = *s;
			continue;
		}
		s++;
		*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
	}
	*o = '\0';
}

/* A "!" step: the fake guest or hypervisor acts. */
static void act(const char *file, int lno, char *cmd)
{
	char verb[16] = "", name[64] = "";
	int n = 0, off = 0;
	int64_t d;

	sscanf(cmd, "%15s %63s %n", verb, name, &off);
	d = domid_of(name);
	if (!strcmp(verb, "output") && d > 0 && off) {
		unescape(cmd + off); /* the caller keeps its own copy */
		CU_ASSERT_EQUAL(write(H.pty_master, cmd + off,
				      strlen(cmd + off)),
				(ssize_t)strlen(cmd + off));
		harness_run(50);
	} else if (!strcmp(verb, "exit") && d > 0 &&
		   sscanf(cmd + off, "%d", &n) == 1) {
		struct xs_guest_status st = { .state = XS_GUEST_EXITED,
					      .exit_code = n };

		harness_run(50);
		fake_xs_set_status((uint32_t)d, &st);
		fake_hv_guest_shutdown((uint32_t)d, HV_REASON_POWEROFF);
	} else if (!strcmp(verb, "stubborn")) {
		fake_hv_obey_shutdown = false;
	} else if (!strcmp(verb, "quiet") && sscanf(name, "%d", &n) == 1) {
		char *l = next_line(n);

		if (l) {
			fprintf(stderr, "\n%s:%d: expected quiet, got %s\n",
				file, lno, l);
			CU_FAIL("a line arrived during a quiet step");
		}
		free(l);
	} else {
		fprintf(stderr, "\n%s:%d: bad step '! %s'\n", file, lno, cmd);
		CU_FAIL("bad conversation step");
	}
}

/* Run one conversation; with update, write the received lines back. */
static void run_conv(const char *dir, const char *base, bool update)
{
	char path[1024], *line = NULL, *got, *norm;
	size_t cap = 0, outlen = 0;
	char *out = NULL;
	FILE *f, *o;
	int lno = 0, bad = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, base);
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	o = open_memstream(&out, &outlen);
	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	npods = 0;
	nuuids = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		lno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (line[0] == '>' && line[1] == ' ') {
			size_t rcap = strlen(line) + 512;
			char *req = calloc(1, rcap);

			CU_ASSERT_PTR_NOT_NULL_FATAL(req);
			snprintf(req, rcap, "%s", line + 2);
			replace_all(req, rcap, "@IMAGE@", H.image_dir);
			CU_ASSERT(send(H.cfd, req, strlen(req), MSG_NOSIGNAL) ==
				  (ssize_t)strlen(req));
			CU_ASSERT(send(H.cfd, "\n", 1, MSG_NOSIGNAL) == 1);
			free(req);
			fprintf(o, "%s\n", line);
		} else if (line[0] == '<' && (line[1] == ' ' || !line[1])) {
			const char *want = line[1] ? line + 2 : "";

			got = next_line(5000);
			norm = got ? normalise(got) : strdup("(nothing)");
			if (got)
				learn_domid(got);
			if (strcmp(norm, want) != 0 && !bad++)
				fprintf(stderr,
					"\n%s:%d:\n  want %s\n  got  %s\n",
					base, lno, want, norm);
			fprintf(o, "< %s\n", norm);
			free(got);
			free(norm);
		} else if (line[0] == '!' && line[1] == ' ') {
			char *step = strdup(line + 2);

			act(base, lno, step);
			free(step);
			fprintf(o, "%s\n", line);
		} else {
			fprintf(o, "%s\n", line);
		}
	}
	got = next_line(200);
	if (got && !bad++)
		fprintf(stderr, "\n%s: unexpected line at the end: %s\n", base,
			got);
	free(got);
	fclose(f);
	fclose(o);
	if (update) {
		f = fopen(path, "w");
		fputs(out, f);
		fclose(f);
	} else {
		CU_ASSERT_EQUAL(bad, 0);
	}
	free(out);
	free(line);
	fake_hv_obey_shutdown = true;
	harness_stop(&H, true);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_conversations(void)
{
	const char *srcdir = getenv("srcdir");
	bool update = getenv("XENPOD_GOLDEN_UPDATE") != NULL;
	char dir[512], *names[64] = { NULL };
	struct dirent *e;
	size_t n = 0, i, l;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/data/rpc-conv",
		 srcdir ? srcdir : ".");
	d = opendir(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d)) && n < 64) {
		l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".conv") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	CU_ASSERT(n >= 3);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		run_conv(dir, names[i], update);
		free(names[i]);
	}
}

int main(void)
{
	CU_pSuite s;
	int fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("rpc_conv", NULL, NULL);
	CU_add_test(s, "conversations", test_conversations);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
