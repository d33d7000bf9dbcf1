/* SPDX-License-Identifier: MIT */
/* cmd_network: xenpod network create, ls, inspect and rm: the daemon's user-defined networks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "output.h"
#include "util.h"
#include "xenpod.h"
#include "protocol.h"

enum { OPT_SUBNET = 0x300, OPT_GATEWAY };

/* Options of a subcommand (create's --subnet and --gateway, ls's -q), --json,
 * --help. -1 when parsed, else the exit status. */
static int sub_opts(struct cli *cli, int argc, char **argv, bool create,
		    const char **subnet, const char **gateway, bool *quiet)
{
	static const struct option lo[] = {
		{ "subnet", required_argument, NULL, OPT_SUBNET },
		{ "gateway", required_argument, NULL, OPT_GATEWAY },
		{ "quiet", no_argument, NULL, 'q' },
		CMD_COMMON_OPTS,
	};
	uint32_t a;
	unsigned prefix;
	int opt;

	while ((opt = cmd_getopt(cli, argc, argv, quiet ? "hq" : "h", lo)) !=
	       -1) {
		if (opt == CMD_OPT_HELP)
			return cmd_help(cli->cmd);
		if (opt == 'q' && quiet) {
			*quiet = true;
		} else if (opt == OPT_SUBNET && create) {
			if (net_cidr_parse(optarg, &a, &prefix))
				return cmd_usage(
					cli,
					"--subnet %s: expected A.B.C.D/N (N 8 to 30)",
					optarg);
			*subnet = optarg;
		} else if (opt == OPT_GATEWAY && create) {
			if (net_ip_parse(optarg, &a))
				return cmd_usage(
					cli, "--gateway %s: expected A.B.C.D",
					optarg);
			*gateway = optarg;
		} else {
			return cmd_usage(cli, NULL);
		}
	}
	return -1;
}

static bool name_ok(struct cli *cli, const char *name, bool builtin_ok)
{
	if (net_network_name_valid(name) ||
	    (builtin_ok && !strcmp(name, NET_DEFAULT_NETWORK)))
		return true;
	cmd_usage(
		cli,
		"invalid network name '%s': 1 to %d of [A-Za-z0-9][A-Za-z0-9_.-]*, not none, bridge or host",
		name, NET_NAME_MAX);
	return false;
}

static int net_create(struct cli *cli, int argc, char **argv)
{
	const char *subnet = NULL, *gateway = NULL;
	const struct json *result;
	struct json *root = NULL;
	struct json_writer *w;
	int rc = sub_opts(cli, argc, argv, true, &subnet, &gateway, NULL);

	if (rc >= 0)
		return rc;
	if (optind == argc)
		return cmd_usage(cli, "missing NAME");
	if (argc - optind > 1)
		return cmd_usage(cli, "too many arguments");
	if (!name_ok(cli, argv[optind], false))
		return CLI_USAGE;
	if (gateway && !subnet)
		return cmd_usage(cli, "--gateway needs --subnet");
	w = params_open(argv[optind]);
	if (w && subnet) {
		json_w_key(w, "subnet");
		json_w_string(w, subnet);
	}
	if (w && gateway) {
		json_w_key(w, "gateway");
		json_w_string(w, gateway);
	}
	if (cli_call(cli, NULL, XP_M_NETWORK_CREATE, params_close(w), NULL,
		     NULL, &root, &result) < 0)
		return CLI_ERR;
	rc = CLI_OK;
	if (cli->json)
		rc = cli_print_json(result, false) ? CLI_ERR : CLI_OK;
	else
		printf("%s\n", json_str(json_get(result, "name")) ?: "-");
	json_free(root);
	return rc;
}

/* "A.B.C.D/N" of a NETWORK's subnet, or NULL. */
static const char *subnet_cell(const struct json *n, char *buf, size_t size)
{
	const struct json *s = json_get(n, "subnet");
	const char *a = json_str(json_get(s, "address"));
	int64_t p;

	if (!a || !json_int(json_get(s, "prefix"), &p))
		return NULL;
	snprintf(buf, size, "%s/%lld", a, (long long)p);
	return buf;
}

static int ls_table(const struct json *nets)
{
	static const char *const heads[] = { "NAME", "BRIDGE", "SUBNET",
					     "GATEWAY", "PODS" };
	struct table t;
	int rc = 0;

	table_init(&t, 5, heads);
	for (size_t i = 0; i < json_len(nets) && !rc; i++) {
		const struct json *n = json_at(nets, i);
		char sub[32], pods[256];
		const char *row[5] = {
			json_str(json_get(n, "name")),
			json_str(json_get(n, "bridge")),
			subnet_cell(n, sub, sizeof(sub)),
			json_str(json_get(n, "gateway")),
			cmd_join_cell(n, "pods", pods, sizeof(pods)),
		};

		rc = table_add(&t, row);
	}
	if (!rc)
		table_print(&t, stdout);
	table_free(&t);
	return rc;
}

static int net_ls(struct cli *cli, int argc, char **argv)
{
	bool quiet = false;
	int rc = sub_opts(cli, argc, argv, false, NULL, NULL, &quiet);

	if (rc >= 0)
		return rc;
	if (optind != argc)
		return cmd_usage(cli, "too many arguments");
	return cmd_list(cli, XP_M_NETWORK_LIST, "networks", quiet, ls_table);
}

/* inspect and rm also take the default network, "bridge". */
static bool any_name_ok(struct cli *cli, const char *name)
{
	return name_ok(cli, name, true);
}

static int net_inspect(struct cli *cli, int argc, char **argv)
{
	int rc = sub_opts(cli, argc, argv, false, NULL, NULL, NULL);

	if (rc >= 0)
		return rc;
	return cmd_inspect_names(cli, argc, argv, XP_M_NETWORK_INSPECT,
				 any_name_ok);
}

static int net_rm(struct cli *cli, int argc, char **argv)
{
	int rc = sub_opts(cli, argc, argv, false, NULL, NULL, NULL);

	if (rc >= 0)
		return rc;
	return cmd_each_name(cli, argc, argv, XP_M_NETWORK_RM, any_name_ok,
			     NULL, false, NULL);
}

int cmd_network(struct cli *cli, int argc, char **argv)
{
	static const struct cmd_sub subs[] = {
		{ "create", net_create },
		{ "ls", net_ls },
		{ "inspect", net_inspect },
		{ "rm", net_rm },
	};

	return cmd_subcommands(cli, argc, argv, subs,
			       sizeof(subs) / sizeof(subs[0]));
}
