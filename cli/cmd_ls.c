/* SPDX-License-Identifier: MIT */
/* cmd_ls: the commands that read and stream: ls, logs, events. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "util.h"
#include "xenpod.h"
#include "protocol.h"

static const char *const ls_heads[] = {
	"NAME",	 ">ID",	  ">MEM", ">VCPUS",  "STATUS",
	">EXIT", "IMAGE", "AGE",  "ADDRESS", "PORTS",
};
#define LS_COLS (sizeof(ls_heads) / sizeof(ls_heads[0]))

/* An integer member as text, or NULL (printed "-") when null or absent. */
static const char *int_cell(const struct json *pod, const char *key, char *buf,
			    size_t size)
{
	int64_t v;

	if (!json_int(json_get(pod, key), &v))
		return NULL;
	snprintf(buf, size, "%" PRId64, v);
	return buf;
}

static const char *age_cell(const struct json *pod, time_t now, char *buf,
			    size_t size)
{
	time_t t;

	if (cli_parse_time(json_str(json_get(pod, "created_at")), &t) < 0)
		return NULL;
	cli_format_age((int64_t)(now - t), buf, size);
	return buf;
}

/* The pod's port forwards, comma-separated, or NULL ("-") without any. */
static const char *ports_cell(const struct json *pod, char *buf, size_t size)
{
	const struct json *ports = json_get(json_get(pod, "network"), "ports");
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < json_len(ports); i++) {
		const char *p = json_str(json_at(ports, i));
		int w = snprintf(buf + n, size - n, "%s%s", i ? "," : "",
				 p ? p : "?");

		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	return buf[0] ? buf : NULL;
}

/* STATUS: "paused" for a running pod whose domain is paused (docker's ps says so too). */
static const char *status_cell(const struct json *pod)
{
	bool paused;

	if (json_bool(json_get(pod, "paused"), &paused) && paused)
		return "paused";
	return json_str(json_get(pod, "status"));
}

static int ls_row(struct table *t, const struct json *pod, time_t now)
{
	char id[24], mem[24], vcpus[24], code[24], age[24], ports[256];
	const char *row[LS_COLS] = {
		json_str(json_get(pod, "name")),
		int_cell(pod, "domid", id, sizeof(id)),
		int_cell(pod, "memory_mib", mem, sizeof(mem)),
		int_cell(pod, "vcpus", vcpus, sizeof(vcpus)),
		status_cell(pod),
		int_cell(pod, "exit_code", code, sizeof(code)),
		json_str(json_get(pod, "image")),
		age_cell(pod, now, age, sizeof(age)),
		json_str(json_get(json_get(pod, "network"), "ip")),
		ports_cell(pod, ports, sizeof(ports)),
	};

	return table_add(t, row);
}

static int by_name(const void *a, const void *b)
{
	const char *x =
		json_str(json_get(*(const struct json *const *)a, "name"));
	const char *y =
		json_str(json_get(*(const struct json *const *)b, "name"));

	return strcmp(x ? x : "", y ? y : "");
}

/* Print the pods sorted by name, as names or a table. */
static int ls_print(const struct json *pods, bool quiet)
{
	size_t n = json_len(pods);
	const struct json **v = calloc(n ? n : 1, sizeof(*v));
	struct table t;
	int rc = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = json_at(pods, i);
	qsort(v, n, sizeof(*v), by_name);
	table_init(&t, LS_COLS, ls_heads);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (quiet)
			printf("%s\n", json_str(json_get(v[i], "name")) ?: "-");
		else
			rc = ls_row(&t, v[i], time(NULL));
	}
	if (!quiet && rc == 0)
		table_print(&t, stdout);
	table_free(&t);
	free(v);
	return rc;
}

int cmd_ls(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		CMD_COMMON_OPTS,
	};
	bool all = false, quiet = false;
	const struct json *result, *pods;
	struct json *root = NULL;
	struct json_writer *w;
	int opt, rc = CLI_OK;

	while ((opt = cmd_getopt(cli, argc, argv, "haq", lo)) != -1) {
		switch (opt) {
		case 'a':
			all = true;
			break;
		case 'q':
			quiet = true;
			break;
		case CMD_OPT_HELP:
			return cmd_help(cli->cmd);
		default:
			return cmd_usage(cli, NULL);
		}
	}
	if (optind != argc)
		return cmd_usage(cli, "too many arguments");
	w = params_open(NULL);
	if (w) {
		json_w_key(w, "all");
		json_w_bool(w, all);
	}
	if (cli_call(cli, NULL, XP_M_POD_LIST, params_close(w), NULL, NULL,
		     &root, &result) < 0)
		return CLI_ERR;
	pods = json_get(result, "pods");
	if (json_type(pods) != JSON_ARRAY) {
		cli_error("bad reply from xenpodd: result.pods: expected an "
			  "array");
		rc = CLI_ERR;
	} else if (cli->json) {
		rc = cli_print_json(result, false) ? CLI_ERR : CLI_OK;
	} else if (ls_print(pods, quiet) < 0) {
		cli_error("out of memory");
		rc = CLI_ERR;
	}
	json_free(root);
	return rc;
}

struct logs_ctx {
	struct cli *cli;
	bool follow;
	const char *stream;
};

static int logs_notify(void *arg, const char *method, const struct json *params)
{
	struct logs_ctx *l = arg;
	const char *data = json_str(json_get(params, "data"));

	if (strcmp(method, XP_N_LOG) || !data)
		return 0;
	const char *stream = json_str(json_get(params, "stream"));
	FILE *out = stream && !strcmp(stream, "stderr") ? stderr : stdout;

	if (l->cli->json)
		cli_print_json(params, false);
	else
		fputs(data, out);
	if (l->follow)
		fflush(out);
	return 0;
}

int cmd_logs(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "tail", required_argument, NULL, 'n' },
		{ "stream", required_argument, NULL, 's' },
		CMD_COMMON_OPTS,
	};
	struct logs_ctx l = { .cli = cli };
	const struct json *result;
	struct json *root = NULL;
	struct json_writer *w;
	uint64_t tail = 0;
	bool have_tail = false;
	const char *pod;
	int opt, rc;

	while ((opt = cmd_getopt(cli, argc, argv, "hfn:s:", lo)) != -1) {
		switch (opt) {
		case 'f':
			l.follow = true;
			break;
		case 's':
			if (strcmp(optarg, "stdout") &&
			    strcmp(optarg, "stderr") &&
			    strcmp(optarg, "kernel"))
				return cmd_usage(
					cli,
					"--stream %s: expected stdout, "
					"stderr or kernel",
					optarg);
			l.stream = optarg;
			break;
		case 'n':
			if (cli_parse_uint(optarg, 0, INT32_MAX, &tail) < 0)
				return cmd_usage(cli,
						 "--tail %s: expected a number "
						 "of lines",
						 optarg);
			have_tail = true;
			break;
		case CMD_OPT_HELP:
			return cmd_help(cli->cmd);
		default:
			return cmd_usage(cli, NULL);
		}
	}
	rc = cmd_one_pod(cli, argc, argv, &pod);
	if (rc)
		return rc;
	w = params_open(pod);
	if (w && have_tail) {
		json_w_key(w, "tail");
		json_w_int(w, (int64_t)tail);
	}
	if (w) {
		json_w_key(w, "follow");
		json_w_bool(w, l.follow);
	}
	if (w && l.stream) {
		json_w_key(w, "stream");
		json_w_string(w, l.stream);
	}
	if (cli_call(cli, pod, XP_M_POD_LOGS, params_close(w), logs_notify, &l,
		     &root, &result) < 0)
		return CLI_ERR;
	json_free(root);
	return CLI_OK;
}

static int event_notify(void *arg, const char *method,
			const struct json *params)
{
	struct cli *cli = arg;
	const char *name = json_str(json_get(params, "name"));
	const char *event = json_str(json_get(params, "event"));
	const char *t = json_str(json_get(params, "time"));
	const char *reason = json_str(json_get(params, "reason"));
	int64_t code;

	if (strcmp(method, XP_N_EVENT))
		return 0;
	if (cli->json) {
		cli_print_json(params, false);
		fflush(stdout);
		return 0;
	}
	printf("%s %s %s", t ? t : "-", name ? name : "-", event ? event : "-");
	/* How it ended: "(failed: /bin/x: not found, exit code 127)". */
	if (reason && json_int(json_get(params, "exit_code"), &code))
		printf(" (%s, exit code %lld)", reason, (long long)code);
	else if (reason)
		printf(" (%s)", reason);
	putchar('\n');
	fflush(stdout);
	return 0;
}

int cmd_events(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = { CMD_COMMON_OPTS };
	const struct json *result;
	struct json *root = NULL;
	int opt;

	while ((opt = cmd_getopt(cli, argc, argv, "h", lo)) != -1) {
		if (opt == CMD_OPT_HELP)
			return cmd_help(cli->cmd);
		return cmd_usage(cli, NULL);
	}
	if (optind != argc)
		return cmd_usage(cli, "too many arguments");
	if (cli_call(cli, NULL, XP_M_EVENTS_SUBSCRIBE,
		     params_close(params_open(NULL)), event_notify, cli, &root,
		     &result) < 0)
		return CLI_ERR;
	json_free(root);
	/* Events flow until the daemon goes away (or ^C). */
	client_wait(&cli->client, 0, event_notify, cli, &root, &result);
	cli_error("%s", cli->client.err);
	return CLI_ERR;
}
