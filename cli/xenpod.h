/* SPDX-License-Identifier: MIT */
/* xenpod: shared state of the CLI and the command handlers' prototypes. */
#ifndef XENPOD_CLI_XENPOD_H
#define XENPOD_CLI_XENPOD_H

#include <getopt.h>
#include <stdbool.h>

#include "client.h"
#include "json.h"

/* Exit statuses. */
#define CLI_OK 0
#define CLI_ERR 1 /* the operation failed; one line on stderr says why */
#define CLI_USAGE 2 /* bad command line */

struct cli;

struct cmd_spec {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	const char *args; /* synopsis after "xenpod NAME" */
	const char *summary; /* one line for the command list */
	const char *help; /* option descriptions, or NULL */
	const char *notes; /* paragraph after the options, or NULL */
};

struct cli {
	const char *socket;
	bool json; /* --json: print raw result objects */
	const struct cmd_spec *cmd; /* the command being run */
	struct client client;
	/* The signal that ended the last exec or attach session's process
	 * (its reply's "signal"), 0 if it exited or the session failed. */
	int end_signal;
};

/* Options every command accepts; end a command's longopts with these. */
#define CMD_OPT_HELP 0x100
#define CMD_OPT_JSON 0x101
/* clang-format off */
#define CMD_COMMON_OPTS \
	{ "help", no_argument, NULL, CMD_OPT_HELP }, \
	{ "json", no_argument, NULL, CMD_OPT_JSON }, \
	{ NULL, 0, NULL, 0 }
/* clang-format on */

/*
 * getopt_long for a command: handles --json itself, reports bad options.
 * Returns an option character, -1 at the end, CMD_OPT_HELP for --help (and
 * -h if shortopts lists it), or
 * '?' after printing an error (the command returns cmd_usage(cli, NULL)).
 */
int cmd_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
	       const struct option *longopts);
/* Print "xenpod: CMD: why" (if why) and the usage line; returns CLI_USAGE. */
int cmd_usage(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print the command's full help on stdout; returns CLI_OK. */
int cmd_help(const struct cmd_spec *cmd);
/* Validate a pod name; prints why not (on the command line, a bad name is a
 * usage error: the caller follows with cmd_usage). */
bool cmd_name_ok(const char *name);
/*
 * After the options: exactly one valid POD operand into *pod_r. Returns 0,
 * or the exit status after printing why not.
 */
int cmd_one_pod(struct cli *cli, int argc, char **argv, const char **pod_r);
/* Print a pod's name, or with --json the raw result. Returns an exit status. */
int cmd_print_pod(struct cli *cli, const struct json *result, const char *name);

/* "xenpod: ..." on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Connect if not yet connected; prints the error. Returns 0 or -errno. */
int cli_connect(struct cli *cli);
/*
 * Connect and call; prints "xenpod: [pod NAME: ]<reason>" on failure
 * (pod may be NULL). Consumes params (malloc'd JSON text; NULL means out of
 * memory). Returns 0 or -errno.
 */
int cli_call(struct cli *cli, const char *pod, const char *method, char *params,
	     client_notify_fn fn, void *arg, struct json **root_r,
	     const struct json **result_r);
/* Print a value as one line of compact JSON (or indented if pretty). */
int cli_print_json(const struct json *v, bool pretty);

/* Params writer helpers: "{" [+ "name":NAME] ... then close to text. */
struct json_writer *params_open(const char *name);
char *params_close(struct json_writer *w); /* frees w; NULL: out of memory */

/*
 * The pieces of the commands over named daemon objects (volume, network: cmd_volume.c,
 * cmd_network.c), in common.c.
 */
struct cmd_sub {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
};
/* Runs the subcommand argv[1] of subs (n of them) with its own options. */
int cmd_subcommands(struct cli *cli, int argc, char **argv,
		    const struct cmd_sub *subs, size_t n);
/* The array obj.key of strings as a comma-separated table cell, or NULL ("-"). */
const char *cmd_join_cell(const struct json *obj, const char *key, char *buf,
			  size_t size);
/* ls: method's array result.key as JSON (--json), its names (quiet) or table(items). */
int cmd_list(struct cli *cli, const char *method, const char *key, bool quiet,
	     int (*table)(const struct json *items));
/*
 * method for each NAME of argv[optind..], all checked by name_ok first; flag_key (if not
 * NULL) = flag goes into the params. Each result goes into out (a JSON array), or its name is
 * printed. What fails is said and the rest still done, unless the connection is gone.
 */
int cmd_each_name(struct cli *cli, int argc, char **argv, const char *method,
		  bool (*name_ok)(struct cli *cli, const char *name),
		  const char *flag_key, bool flag, struct json_writer *out);
/* inspect NAME...: one JSON array of what method answered for each, as docker's. */
int cmd_inspect_names(struct cli *cli, int argc, char **argv,
		      const char *method,
		      bool (*name_ok)(struct cli *cli, const char *name));

/* Commands (cmd_*.c). */
int cmd_run(struct cli *cli, int argc, char **argv);
int cmd_create(struct cli *cli, int argc, char **argv);
int cmd_start(struct cli *cli, int argc, char **argv);
int cmd_stop(struct cli *cli, int argc, char **argv);
int cmd_kill(struct cli *cli, int argc, char **argv);
int cmd_pause(struct cli *cli, int argc, char **argv);
int cmd_unpause(struct cli *cli, int argc, char **argv);
int cmd_rm(struct cli *cli, int argc, char **argv);
int cmd_ls(struct cli *cli, int argc, char **argv);
int cmd_inspect(struct cli *cli, int argc, char **argv);
int cmd_logs(struct cli *cli, int argc, char **argv);
int cmd_wait(struct cli *cli, int argc, char **argv);
int cmd_events(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_version(struct cli *cli, int argc, char **argv);
int cmd_help_cmd(struct cli *cli, int argc, char **argv);
int cmd_exec(struct cli *cli, int argc, char **argv);
int cmd_attach(struct cli *cli, int argc, char **argv);
int cmd_volume(struct cli *cli, int argc, char **argv);
int cmd_network(struct cli *cli, int argc, char **argv);
/* kill -s: deliver sig to the pod's main process (cmd_exec.c). */
int cmd_kill_signal(struct cli *cli, const char *pod, int sig);
/*
 * Join pod's main process (pod_attach): its output to ours, our stdin to it
 * if in, the terminal raw if tty and in; with start the created pod is
 * started by the same request. The main process's exit status, or CLI_ERR;
 * *left_r (may be NULL): we left on ^C before it ended. cli->end_signal
 * says whether a signal ended it (the status is then 128+N).
 */
int cli_attach_session(struct cli *cli, const char *pod, bool start, bool in,
		       bool tty, bool *left_r);

#endif
