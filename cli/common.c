/* SPDX-License-Identifier: MIT */
/* common: option parsing, error reporting and RPC helpers shared by the commands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xenpod.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout); /* keep our output ordered before the error */
	fputs("xenpod: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cmd_usage(struct cli *cli, const char *fmt, ...)
{
	const struct cmd_spec *cmd = cli->cmd;
	va_list ap;

	if (fmt) {
		fprintf(stderr, "xenpod: %s: ", cmd->name);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, "usage: xenpod %s%s%s\n", cmd->name,
		cmd->args[0] ? " " : "", cmd->args);
	return CLI_USAGE;
}

int cmd_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
	       const struct option *longopts)
{
	static char prog[64];
	int opt;

	/* getopt reports bad options itself, prefixed with argv[0]. */
	snprintf(prog, sizeof(prog), "xenpod: %s", cli->cmd->name);
	argv[0] = prog;
	opterr = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) ==
	       CMD_OPT_JSON)
		cli->json = true;
	if (opt == 'h')
		return CMD_OPT_HELP;
	return opt == ':' ? '?' : opt;
}

bool cmd_name_ok(const char *name)
{
	if (xp_name_valid(name))
		return true;
	cli_error("invalid pod name '%s': expected 1 to %d letters, digits, "
		  "'_', '.' or '-', starting with a letter or digit",
		  name, XP_NAME_MAX);
	return false;
}

int cmd_one_pod(struct cli *cli, int argc, char **argv, const char **pod_r)
{
	if (optind == argc)
		return cmd_usage(cli, "missing POD");
	if (argc - optind > 1)
		return cmd_usage(cli, "too many arguments");
	if (!cmd_name_ok(argv[optind]))
		return cmd_usage(cli, NULL);
	*pod_r = argv[optind];
	return 0;
}

int cmd_print_pod(struct cli *cli, const struct json *result, const char *name)
{
	const char *n = json_str(json_get(result, "name"));

	if (cli->json)
		return cli_print_json(result, false) ? CLI_ERR : CLI_OK;
	printf("%s\n", n ? n : name);
	return CLI_OK;
}

int cli_connect(struct cli *cli)
{
	int rc;

	if (cli->client.fd >= 0)
		return 0;
	rc = client_connect(&cli->client, cli->socket);
	if (rc < 0)
		cli_error("%s", cli->client.err);
	return rc;
}

int cli_call(struct cli *cli, const char *pod, const char *method, char *params,
	     client_notify_fn fn, void *arg, struct json **root_r,
	     const struct json **result_r)
{
	int rc;

	if (!params) {
		cli_error("out of memory");
		return -ENOMEM;
	}
	rc = cli_connect(cli);
	if (rc < 0) {
		free(params);
		return rc;
	}
	rc = client_call(&cli->client, method, params, fn, arg, root_r,
			 result_r);
	free(params);
	if (rc < 0 && pod && rc != -ECONNRESET && rc != -EPROTO &&
	    strncmp(cli->client.err, "pod ", 4))
		cli_error("pod %s: %s", pod, cli->client.err);
	else if (rc < 0)
		cli_error("%s", cli->client.err);
	return rc;
}

int cli_print_json(const struct json *v, bool pretty)
{
	struct json_writer *w = json_writer_new(pretty);
	const char *text = NULL;
	int rc = 0;

	if (w) {
		json_w_value(w, v);
		text = json_writer_text(w, NULL);
	}
	if (text)
		printf("%s\n", text);
	else {
		cli_error("out of memory");
		rc = -ENOMEM;
	}
	json_writer_free(w);
	return rc;
}

struct json_writer *params_open(const char *name)
{
	struct json_writer *w = json_writer_new(false);

	if (!w)
		return NULL;
	json_w_object_open(w);
	if (name) {
		json_w_key(w, "name");
		json_w_string(w, name);
	}
	return w;
}

char *params_close(struct json_writer *w)
{
	const char *text;
	char *out = NULL;

	if (!w)
		return NULL;
	json_w_object_close(w);
	text = json_writer_text(w, NULL);
	if (text)
		out = strdup(text);
	json_writer_free(w);
	return out;
}
