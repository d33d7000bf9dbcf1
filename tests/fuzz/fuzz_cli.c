/* SPDX-License-Identifier: MIT */
/* fuzz_cli: the CLI's reply reader (client.c) and its parsers/table output on what a daemon sends. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/client.h"
#include "cli/output.h"
#include "cli/util.h"
#include "fuzz.h"
#include "json.h"

static FILE *devnull;
static const char *const heads[] = { "NAME", ">ID", "STATUS", "AGE" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	return 0;
}

void LLVMFuzzerCleanup(void)
{
	fclose(devnull);
}

/* What `xenpod ls`, `logs` and `events` do with daemon data, through the same helpers. */
static void render(const struct json *v)
{
	size_t i, n = json_len(v);
	struct table t;
	time_t now = time(NULL);

	table_init(&t, 4, heads);
	for (i = 0; i < n; i++) {
		const struct json *pod = json_at(v, i);
		char id[24], age[24];
		int64_t d;
		time_t when;
		const char *row[4] = { json_str(json_get(pod, "name")), NULL,
				       json_str(json_get(pod, "status")),
				       NULL };

		if (json_int(json_get(pod, "domid"), &d)) {
			snprintf(id, sizeof(id), "%lld", (long long)d);
			row[1] = id;
		}
		if (cli_parse_time(json_str(json_get(pod, "created_at")),
				   &when) == 0) {
			cli_format_age((int64_t)now - (int64_t)when, age,
				       sizeof(age));
			row[3] = age;
		}
		if (table_add(&t, row))
			abort();
		(void)cli_exit_status(json_str(json_get(pod, "status")),
				      json_str(json_get(pod, "reason")),
				      json_int(json_get(pod, "exit_code"), &d),
				      d);
	}
	table_print(&t, devnull);
	table_free(&t);
}

static int on_note(void *arg, const char *method, const struct json *params)
{
	const char *data = json_str(json_get(params, "data"));

	if (data)
		fputs(data, devnull);
	render(json_get(params, "pods"));
	return (*(int *)arg)++ > 1000 ? -ECANCELED : 0;
}

/* The parsers of user-typed arguments, on the input as one string. */
static void parsers(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	char age[24];
	uint64_t u;
	time_t t;

	if (cli_parse_uint(s, 0, UINT64_MAX, &u) == 0 && !size)
		abort();
	if (cli_parse_uint(s, 4, 65536, &u) == 0 && (u < 4 || u > 65536))
		abort();
	if (cli_parse_time(s, &t) == 0)
		cli_format_age((int64_t)time(NULL) - (int64_t)t, age,
			       sizeof(age));
	if (xp_name_valid(s) && (!s[0] || strlen(s) > XP_NAME_MAX))
		abort();
	(void)cli_env_valid(s);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct json *result = NULL;
	struct json *root = NULL;
	struct client c;
	int p[2], notes = 0, rc;
	size_t off = 0;
	ssize_t w;

	parsers(data, size);
	/* The input is what the daemon sent; the pipe holds it all (1 MiB). */
	if (pipe2(p, O_CLOEXEC) < 0)
		abort();
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	while (off < size && (w = write(p[1], data + off, size - off)) > 0)
		off += (size_t)w;
	close(p[1]);
	client_init(&c);
	c.fd = p[0];
	rc = client_wait(&c, 1, on_note, &notes, &root, &result);
	if (rc == 0) {
		if (!root || !result)
			abort();
		render(json_get(result, "pods"));
		json_free(root);
	} else if (rc > 0 || !c.err[0]) {
		abort(); /* a failure is -errno with a reason */
	}
	client_close(&c);
	return 0;
}
