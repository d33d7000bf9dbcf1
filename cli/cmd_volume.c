/* SPDX-License-Identifier: MIT */
/* cmd_volume: xenpod volume create, ls, inspect and rm: the daemon's named volumes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "util.h"
#include "volume.h"
#include "xenpod.h"
#include "protocol.h"

/* Options of a subcommand: flags from shortopts ('f', 'q'), --json, --help.
 * -1 when parsed, else the exit status. */
static int sub_opts(struct cli *cli, int argc, char **argv,
		    const char *shortopts, bool *flag)
{
	static const struct option lo[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		CMD_COMMON_OPTS,
	};
	int opt;

	while ((opt = cmd_getopt(cli, argc, argv, shortopts, lo)) != -1) {
		if (opt == CMD_OPT_HELP)
			return cmd_help(cli->cmd);
		if ((opt == 'f' || opt == 'q') && strchr(shortopts, opt))
			*flag = true;
		else
			return cmd_usage(cli, NULL);
	}
	return -1;
}

static bool name_ok(struct cli *cli, const char *name)
{
	if (volume_name_valid(name))
		return true;
	cmd_usage(cli, "invalid volume name '%s': %d to %d of %s", name,
		  XP_VOLUME_NAME_MIN, XP_VOLUME_NAME_MAX,
		  XP_VOLUME_NAME_PATTERN);
	return false;
}

static int vol_create(struct cli *cli, int argc, char **argv)
{
	const struct json *result;
	struct json *root = NULL;
	struct json_writer *w;
	bool unused = false;
	const char *name = NULL;
	int rc = sub_opts(cli, argc, argv, "h", &unused);

	if (rc >= 0)
		return rc;
	if (argc - optind > 1)
		return cmd_usage(cli, "too many arguments");
	if (optind < argc) {
		name = argv[optind];
		if (!name_ok(cli, name))
			return CLI_USAGE;
	}
	w = params_open(name);
	if (cli_call(cli, NULL, XP_M_VOLUME_CREATE, params_close(w), NULL, NULL,
		     &root, &result) < 0)
		return CLI_ERR;
	if (cli->json)
		rc = cli_print_json(result, false) ? CLI_ERR : CLI_OK;
	else
		printf("%s\n", json_str(json_get(result, "name")) ?: "-");
	json_free(root);
	return cli->json ? rc : CLI_OK;
}

/* The pods that use a volume, comma-separated, or NULL ("-"). */
static const char *users_cell(const struct json *v, char *buf, size_t size)
{
	const struct json *u = json_get(v, "used_by");
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < json_len(u); i++) {
		int w = snprintf(buf + n, size - n, "%s%s", i ? "," : "",
				 json_str(json_at(u, i)) ?: "?");

		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	return buf[0] ? buf : NULL;
}

static int ls_table(const struct json *vols)
{
	static const char *const heads[] = { "NAME", "AGE", "PODS",
					     "MOUNTPOINT" };
	struct table t;
	time_t now = time(NULL), at;
	int rc = 0;

	table_init(&t, 4, heads);
	for (size_t i = 0; i < json_len(vols) && !rc; i++) {
		const struct json *v = json_at(vols, i);
		char age[24], users[256];
		const char *row[4] = {
			json_str(json_get(v, "name")),
			cli_parse_time(json_str(json_get(v, "created_at")),
				       &at) ?
				NULL :
				(cli_format_age((int64_t)(now - at), age,
						sizeof(age)),
				 age),
			users_cell(v, users, sizeof(users)),
			json_str(json_get(v, "mountpoint")),
		};

		rc = table_add(&t, row);
	}
	if (!rc)
		table_print(&t, stdout);
	table_free(&t);
	return rc;
}

static int vol_ls(struct cli *cli, int argc, char **argv)
{
	const struct json *result, *vols;
	struct json *root = NULL;
	bool quiet = false;
	int rc = sub_opts(cli, argc, argv, "hq", &quiet);

	if (rc >= 0)
		return rc;
	if (optind != argc)
		return cmd_usage(cli, "too many arguments");
	if (cli_call(cli, NULL, XP_M_VOLUME_LIST,
		     params_close(params_open(NULL)), NULL, NULL, &root,
		     &result) < 0)
		return CLI_ERR;
	vols = json_get(result, "volumes");
	rc = CLI_OK;
	if (json_type(vols) != JSON_ARRAY) {
		cli_error(
			"bad reply from xenpodd: result.volumes: expected an array");
		rc = CLI_ERR;
	} else if (cli->json) {
		rc = cli_print_json(result, false) ? CLI_ERR : CLI_OK;
	} else if (quiet) {
		for (size_t i = 0; i < json_len(vols); i++)
			printf("%s\n",
			       json_str(json_get(json_at(vols, i), "name")) ?:
				       "-");
	} else if (ls_table(vols)) {
		cli_error("out of memory");
		rc = CLI_ERR;
	}
	json_free(root);
	return rc;
}

/* Each NAME in turn; what fails is said and the rest still done. */
static int each_name(struct cli *cli, int argc, char **argv, const char *method,
		     bool force, struct json_writer *out)
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

		if (w && !strcmp(method, XP_M_VOLUME_RM)) {
			json_w_key(w, "force");
			json_w_bool(w, force);
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

static int vol_inspect(struct cli *cli, int argc, char **argv)
{
	struct json_writer *w;
	struct json *all;
	const char *text;
	bool unused = false;
	char err[128];
	int rc = sub_opts(cli, argc, argv, "h", &unused), prc;

	if (rc >= 0)
		return rc;
	w = json_writer_new(false);
	if (!w) {
		cli_error("out of memory");
		return CLI_ERR;
	}
	/* One JSON array of the volumes found, as docker's. */
	json_w_array_open(w);
	rc = each_name(cli, argc, argv, XP_M_VOLUME_INSPECT, false, w);
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

static int vol_rm(struct cli *cli, int argc, char **argv)
{
	bool force = false;
	int rc = sub_opts(cli, argc, argv, "hf", &force);

	if (rc >= 0)
		return rc;
	return each_name(cli, argc, argv, XP_M_VOLUME_RM, force, NULL);
}

int cmd_volume(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli *cli, int argc, char **argv);
	} subs[] = {
		{ "create", vol_create },
		{ "ls", vol_ls },
		{ "inspect", vol_inspect },
		{ "rm", vol_rm },
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
