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
			cmd_join_cell(v, "used_by", users, sizeof(users)),
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
	bool quiet = false;
	int rc = sub_opts(cli, argc, argv, "hq", &quiet);

	if (rc >= 0)
		return rc;
	if (optind != argc)
		return cmd_usage(cli, "too many arguments");
	return cmd_list(cli, XP_M_VOLUME_LIST, "volumes", quiet, ls_table);
}

static int vol_inspect(struct cli *cli, int argc, char **argv)
{
	bool unused = false;
	int rc = sub_opts(cli, argc, argv, "h", &unused);

	if (rc >= 0)
		return rc;
	return cmd_inspect_names(cli, argc, argv, XP_M_VOLUME_INSPECT, name_ok);
}

static int vol_rm(struct cli *cli, int argc, char **argv)
{
	bool force = false;
	int rc = sub_opts(cli, argc, argv, "hf", &force);

	if (rc >= 0)
		return rc;
	return cmd_each_name(cli, argc, argv, XP_M_VOLUME_RM, name_ok, "force",
			     force, NULL);
}

int cmd_volume(struct cli *cli, int argc, char **argv)
{
	static const struct cmd_sub subs[] = {
		{ "create", vol_create },
		{ "ls", vol_ls },
		{ "inspect", vol_inspect },
		{ "rm", vol_rm },
	};

	return cmd_subcommands(cli, argc, argv, subs,
			       sizeof(subs) / sizeof(subs[0]));
}
