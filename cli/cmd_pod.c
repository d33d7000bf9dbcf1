/* SPDX-License-Identifier: MIT */
/* cmd_pod: commands acting on one pod: create, start, stop, kill, pause, unpause, rm, inspect, wait. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "xenpod.h"
#include "protocol.h"

static const struct option no_opts[] = { CMD_COMMON_OPTS };

/* Options: only the common ones. Returns -1 to go on, or an exit status. */
static int common_opts_only(struct cli *cli, int argc, char **argv)
{
	int opt;

	while ((opt = cmd_getopt(cli, argc, argv, "h", no_opts)) != -1) {
		if (opt == CMD_OPT_HELP)
			return cmd_help(cli->cmd);
		return cmd_usage(cli, NULL);
	}
	return -1;
}

/* A method taking {"name":POD} whose result is a POD; print its name. */
static int simple_pod_call(struct cli *cli, int argc, char **argv,
			   const char *method)
{
	const struct json *result;
	struct json *root = NULL;
	const char *pod;
	int rc;

	rc = common_opts_only(cli, argc, argv);
	if (rc >= 0)
		return rc;
	rc = cmd_one_pod(cli, argc, argv, &pod);
	if (rc)
		return rc;
	if (cli_call(cli, pod, method, params_close(params_open(pod)), NULL,
		     NULL, &root, &result) < 0)
		return CLI_ERR;
	rc = cmd_print_pod(cli, result, pod);
	json_free(root);
	return rc;
}

/* Like simple_pod_call, but a pod whose program could not be started
 * exits with the status of that (125, 126, 127; xenpod(1) EXIT STATUS). */
int cmd_start(struct cli *cli, int argc, char **argv)
{
	int rc = simple_pod_call(cli, argc, argv, XP_M_POD_START);

	if (rc == CLI_ERR && cli->client.rpc_status >= 0)
		return cli->client.rpc_status;
	return rc;
}

int cmd_pause(struct cli *cli, int argc, char **argv)
{
	return simple_pod_call(cli, argc, argv, XP_M_POD_PAUSE);
}

int cmd_unpause(struct cli *cli, int argc, char **argv)
{
	return simple_pod_call(cli, argc, argv, XP_M_POD_UNPAUSE);
}

int cmd_kill(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "signal", required_argument, NULL, 's' },
		CMD_COMMON_OPTS,
	};
	const struct json *result;
	struct json *root = NULL;
	const char *pod;
	int opt, rc, sig = 0;

	while ((opt = cmd_getopt(cli, argc, argv, "hs:", lo)) != -1) {
		switch (opt) {
		case 's':
			sig = cli_parse_signal(optarg);
			if (sig < 0)
				return cmd_usage(
					cli,
					"-s %s: expected a signal name "
					"or number (1..64)",
					optarg);
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
	if (sig)
		return cmd_kill_signal(cli, pod, sig);
	if (cli_call(cli, pod, XP_M_POD_KILL, params_close(params_open(pod)),
		     NULL, NULL, &root, &result) < 0)
		return CLI_ERR;
	rc = cmd_print_pod(cli, result, pod);
	json_free(root);
	return rc;
}

int cmd_stop(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "time", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 't' },
		CMD_COMMON_OPTS,
	};
	const struct json *result;
	struct json *root = NULL;
	struct json_writer *w;
	uint64_t secs = 0;
	bool have_t = false;
	const char *pod;
	int opt, rc;

	while ((opt = cmd_getopt(cli, argc, argv, "ht:", lo)) != -1) {
		switch (opt) {
		case 't':
			if (cli_parse_uint(optarg, 0, XP_STOP_TIMEOUT_MAX,
					   &secs) < 0)
				return cmd_usage(cli,
						 "-t %s: expected 0 to %d "
						 "seconds",
						 optarg, XP_STOP_TIMEOUT_MAX);
			have_t = true;
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
	if (w && have_t) {
		json_w_key(w, "timeout");
		json_w_int(w, (int64_t)secs);
	}
	if (cli_call(cli, pod, XP_M_POD_STOP, params_close(w), NULL, NULL,
		     &root, &result) < 0)
		return CLI_ERR;
	rc = cmd_print_pod(cli, result, pod);
	json_free(root);
	return rc;
}

int cmd_rm(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "force", no_argument, NULL, 'f' },
		CMD_COMMON_OPTS,
	};
	bool force = false;
	int opt, i, rc = CLI_OK;

	while ((opt = cmd_getopt(cli, argc, argv, "hf", lo)) != -1) {
		switch (opt) {
		case 'f':
			force = true;
			break;
		case CMD_OPT_HELP:
			return cmd_help(cli->cmd);
		default:
			return cmd_usage(cli, NULL);
		}
	}
	if (optind == argc)
		return cmd_usage(cli, "missing POD");
	for (i = optind; i < argc; i++)
		if (!cmd_name_ok(argv[i]))
			return cmd_usage(cli, NULL);
	/* Like rm(1): go on after a failure, report it in the status. */
	for (i = optind; i < argc; i++) {
		const struct json *result;
		struct json *root = NULL;
		struct json_writer *w = params_open(argv[i]);

		if (w) {
			json_w_key(w, "force");
			json_w_bool(w, force);
		}
		if (cli_call(cli, argv[i], XP_M_POD_RM, params_close(w), NULL,
			     NULL, &root, &result) < 0) {
			rc = CLI_ERR;
			if (cli->client.fd < 0 || cli->client.rpc_code == 0)
				break; /* the connection is gone */
			continue;
		}
		if (cli->json)
			cli_print_json(result, false);
		else
			printf("%s\n", argv[i]);
		json_free(root);
	}
	return rc;
}

int cmd_inspect(struct cli *cli, int argc, char **argv)
{
	const struct json *result;
	struct json *root = NULL;
	const char *pod;
	int rc;

	rc = common_opts_only(cli, argc, argv);
	if (rc >= 0)
		return rc;
	rc = cmd_one_pod(cli, argc, argv, &pod);
	if (rc)
		return rc;
	if (cli_call(cli, pod, XP_M_POD_INSPECT, params_close(params_open(pod)),
		     NULL, NULL, &root, &result) < 0)
		return CLI_ERR;
	/* Meant for people by default; --json gives one line for scripts. */
	rc = cli_print_json(result, !cli->json) ? CLI_ERR : CLI_OK;
	json_free(root);
	return rc;
}

int cmd_wait(struct cli *cli, int argc, char **argv)
{
	const struct json *result;
	struct json *root = NULL;
	const char *pod;
	int rc;

	rc = common_opts_only(cli, argc, argv);
	if (rc >= 0)
		return rc;
	rc = cmd_one_pod(cli, argc, argv, &pod);
	if (rc)
		return rc;
	if (cli_call(cli, pod, XP_M_POD_WAIT, params_close(params_open(pod)),
		     NULL, NULL, &root, &result) < 0)
		return CLI_ERR;
	if (cli->json) {
		rc = cli_print_json(result, false) ? CLI_ERR : CLI_OK;
	} else {
		int64_t code = 0;
		bool known = json_int(json_get(result, "exit_code"), &code);

		printf("%d\n",
		       cli_exit_status(json_str(json_get(result, "status")),
				       json_str(json_get(result, "reason")),
				       known, code));
		rc = CLI_OK;
	}
	json_free(root);
	return rc;
}
