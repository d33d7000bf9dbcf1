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

/* ---- commands over named daemon objects (volume, network) ---- */

int cmd_subcommands(struct cli *cli, int argc, char **argv,
		    const struct cmd_sub *subs, size_t n)
{
	char names[128] = "";
	size_t off = 0;

	if (argc < 2) {
		for (size_t i = 0; i < n; i++) {
			int w = snprintf(names + off, sizeof(names) - off,
					 "%s%s",
					 i == 0	    ? "" :
					 i + 1 == n ? " or " :
						      ", ",
					 subs[i].name);

			if (w < 0 || (size_t)w >= sizeof(names) - off)
				break;
			off += (size_t)w;
		}
		return cmd_usage(cli, "missing %s", names);
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return cmd_help(cli->cmd);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[1], subs[i].name))
			continue;
		optind = 0; /* the subcommand's own options */
		return subs[i].fn(cli, argc - 1, argv + 1);
	}
	return cmd_usage(cli, "unknown subcommand '%s'", argv[1]);
}

const char *cmd_join_cell(const struct json *obj, const char *key, char *buf,
			  size_t size)
{
	const struct json *u = json_get(obj, key);
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < json_len(u); i++) {
		int w = snprintf(buf + off, size - off, "%s%s", i ? "," : "",
				 json_str(json_at(u, i)) ?: "?");

		if (w < 0 || (size_t)w >= size - off)
			break;
		off += (size_t)w;
	}
	return buf[0] ? buf : NULL;
}

int cmd_list(struct cli *cli, const char *method, const char *key, bool quiet,
	     int (*table)(const struct json *items))
{
	const struct json *result, *items;
	struct json *root = NULL;
	int rc = CLI_OK;

	if (cli_call(cli, NULL, method, params_close(params_open(NULL)), NULL,
		     NULL, &root, &result) < 0)
		return CLI_ERR;
	items = json_get(result, key);
	if (json_type(items) != JSON_ARRAY) {
		cli_error(
			"bad reply from xenpodd: result.%s: expected an array",
			key);
		rc = CLI_ERR;
	} else if (cli->json) {
		rc = cli_print_json(result, false) ? CLI_ERR : CLI_OK;
	} else if (quiet) {
		for (size_t i = 0; i < json_len(items); i++)
			printf("%s\n",
			       json_str(json_get(json_at(items, i), "name")) ?:
				       "-");
	} else if (table(items)) {
		cli_error("out of memory");
		rc = CLI_ERR;
	}
	json_free(root);
	return rc;
}

int cmd_each_name(struct cli *cli, int argc, char **argv, const char *method,
		  bool (*name_ok)(struct cli *cli, const char *name),
		  const char *flag_key, bool flag, struct json_writer *out)
{
	int rc = CLI_OK;

	if (optind == argc)
		return cmd_usage(cli, "missing NAME");
	for (int i = optind; i < argc; i++)
		if (!name_ok(cli, argv[i]))
			return CLI_USAGE;
	for (int i = optind; i < argc; i++) {
		const struct json *result;
		struct json *root = NULL;
		struct json_writer *w = params_open(argv[i]);

		if (w && flag_key) {
			json_w_key(w, flag_key);
			json_w_bool(w, flag);
		}
		if (cli_call(cli, NULL, method, params_close(w), NULL, NULL,
			     &root, &result) < 0) {
			rc = CLI_ERR;
			if (cli->client.fd < 0 || cli->client.rpc_code == 0)
				break; /* the connection is gone */
			continue;
		}
		if (out)
			json_w_value(out, result);
		else
			printf("%s\n", argv[i]);
		json_free(root);
	}
	return rc;
}

int cmd_inspect_names(struct cli *cli, int argc, char **argv,
		      const char *method,
		      bool (*name_ok)(struct cli *cli, const char *name))
{
	struct json_writer *w = json_writer_new(false);
	struct json *all;
	const char *text;
	char err[128];
	int rc;

	if (!w) {
		cli_error("out of memory");
		return CLI_ERR;
	}
	json_w_array_open(w);
	rc = cmd_each_name(cli, argc, argv, method, name_ok, NULL, false, w);
	json_w_array_close(w);
	text = json_writer_text(w, NULL);
	all = text ? json_parse(text, strlen(text), err, sizeof(err)) : NULL;
	if (rc != CLI_USAGE && all && json_len(all) &&
	    cli_print_json(all, !cli->json))
		rc = CLI_ERR;
	json_free(all);
	json_writer_free(w);
	return rc;
}
