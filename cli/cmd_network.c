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

/* The pods attached, comma-separated, or NULL ("-"). */
static const char *pods_cell(const struct json *n, char *buf, size_t size)
{
	const struct json *u = json_get(n, "pods");
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
			pods_cell(n, pods, sizeof(pods)),
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
	const struct json *result, *nets;
	struct json *root = NULL;
	bool quiet = false;
	int rc = sub_opts(cli, argc, argv, false, NULL, NULL, &quiet);

	if (rc >= 0)
		return rc;
	if (optind != argc)
		return cmd_usage(cli, "too many arguments");
	if (cli_call(cli, NULL, XP_M_NETWORK_LIST,
		     params_close(params_open(NULL)), NULL, NULL, &root,
		     &result) < 0)
		return CLI_ERR;
	nets = json_get(result, "networks");
	rc = CLI_OK;
	if (json_type(nets) != JSON_ARRAY) {
		cli_error(
			"bad reply from xenpodd: result.networks: expected an array");
		rc = CLI_ERR;
	} else if (cli->json) {
		rc = cli_print_json(result, false) ? CLI_ERR : CLI_OK;
	} else if (quiet) {
		for (size_t i = 0; i < json_len(nets); i++)
			printf("%s\n",
			       json_str(json_get(json_at(nets, i), "name")) ?:
				       "-");
	} else if (ls_table(nets)) {
		cli_error("out of memory");
		rc = CLI_ERR;
	}
	json_free(root);
	return rc;
}

/* Each NAME in turn; what fails is said and the rest still done. */
static int each_name(struct cli *cli, int argc, char **argv, const char *method,
		     struct json_writer *out)
{
	int rc = CLI_OK;

	if (optind == argc)
		return cmd_usage(cli, "missing NAME");
	for (int i = optind; i < argc; i++)
		if (!name_ok(cli, argv[i], true))
			return CLI_USAGE;
	for (int i = optind; i < argc; i++) {
		const struct json *result;
		struct json *root = NULL;

		if (cli_call(cli, NULL, method,
			     params_close(params_open(argv[i])), NULL, NULL,
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

static int net_inspect(struct cli *cli, int argc, char **argv)
{
	struct json_writer *w;
	struct json *all;
	const char *text;
	char err[128];
	int rc = sub_opts(cli, argc, argv, false, NULL, NULL, NULL), prc;

	if (rc >= 0)
		return rc;
	w = json_writer_new(false);
	if (!w) {
		cli_error("out of memory");
		return CLI_ERR;
	}
	/* One JSON array of the networks found, as docker's. */
	json_w_array_open(w);
	rc = each_name(cli, argc, argv, XP_M_NETWORK_INSPECT, w);
	json_w_array_close(w);
	text = json_writer_text(w, NULL);
	all = text ? json_parse(text, strlen(text), err, sizeof(err)) : NULL;
	if (rc != CLI_USAGE && all && json_len(all)) {
		prc = cli_print_json(all, !cli->json);
		if (prc)
			rc = CLI_ERR;
	}
	json_free(all);
	json_writer_free(w);
	return rc;
}

static int net_rm(struct cli *cli, int argc, char **argv)
{
	int rc = sub_opts(cli, argc, argv, false, NULL, NULL, NULL);

	if (rc >= 0)
		return rc;
	return each_name(cli, argc, argv, XP_M_NETWORK_RM, NULL);
}

int cmd_network(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli *cli, int argc, char **argv);
	} subs[] = {
		{ "create", net_create },
		{ "ls", net_ls },
		{ "inspect", net_inspect },
		{ "rm", net_rm },
	};

	if (argc < 2)
		return cmd_usage(cli, "missing create, ls, inspect or rm");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return cmd_help(cli->cmd);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (strcmp(argv[1], subs[i].name))
			continue;
		optind = 0; /* the subcommand's own options */
		return subs[i].fn(cli, argc - 1, argv + 1);
	}
	return cmd_usage(cli, "unknown subcommand '%s'", argv[1]);
}
