/* SPDX-License-Identifier: MIT */
/* xenpod: the CLI's entry point, global options and command table. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"
#include "xenpod.h"

/* The usage text below spells these limits out. */
_Static_assert(XP_MEMORY_MIB_MIN == 4 && XP_MEMORY_MIB_MAX == 65536 &&
		       XP_VCPUS_MAX == 64,
	       "update run's usage text (--memory, --vcpus)");

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
#define DEFAULT_SOCKET RUNSTATEDIR "/xenpod/xenpodd.sock"

static const struct cmd_spec cmd_table[] = {
	{ "run", cmd_run,
	  "[-dit] [--name NAME] [--memory MIB] [--vcpus N] [-e KEY=VALUE]... "
	  "[-w DIR] [-u USER[:GROUP]] [--kernel-args ARGS] "
	  "[-p [HOSTIP:]HOSTPORT:PODPORT[/PROTO]]... "
	  "[--network none|bridge|NAME] [--ip ADDR] [--hostname NAME] "
	  "[--dns ADDR]... [--dns-search DOMAIN]... [--dns-option OPT]... "
	  "[--add-host NAME:ADDR]... [-v SOURCE:DEST[:ro|:rw]]... "
	  "[--tmpfs PATH[:OPTS]]... [--read-only] [--ulimit NAME=SOFT[:HARD]]... "
	  "IMAGE [COMMAND [ARG...]]",
	  "Create and start a pod; stream its output and exit with its status",
	  "  -d, --detach         print the pod's name and return at once\n"
	  "  -i, --interactive    keep COMMAND's stdin open (in the foreground:\n"
	  "                       ours); without it, stdin is at end of file\n"
	  "  -t, --tty            run COMMAND on a terminal in the pod\n"
	  "      --name NAME      name the pod (default: generated)\n"
	  "  -m, --memory MIB     memory in MiB (4..65536, default 32)\n"
	  "      --vcpus N        virtual CPUs (1..64, default 1)\n"
	  "  -e, --env KEY=VALUE  set an environment variable (repeatable)\n"
	  "  -w, --workdir DIR    working directory of COMMAND (absolute)\n"
	  "  -u, --user USER[:GROUP]  run COMMAND as this user (names from the\n"
	  "                       image's /etc/passwd; default: the image's)\n"
	  "      --kernel-args ARGS  the guest kernel's command line, for\n"
	  "                       debugging (see xenpod-kernel(7))\n"
	  "  -p, --publish [HOSTIP:]HOSTPORT:PODPORT[/tcp|/udp]\n"
	  "                       forward a dom0 port to the pod (repeatable)\n"
	  "      --network none|bridge|NAME  the pod's network (default:\n"
	  "                       bridge with -p or --ip, else none; NAME:\n"
	  "                       one of xenpod network create)\n"
	  "      --ip ADDR        the pod's address (default: a free one)\n"
	  "      --hostname NAME  the pod's hostname (default: its name)\n"
	  "      --dns ADDR       a nameserver of the pod's /etc/resolv.conf\n"
	  "                       (up to 3; default: dom0's but loopback ones)\n"
	  "      --dns-search DOMAIN  a search domain (default: dom0's)\n"
	  "      --dns-option OPT  a resolver option (default: dom0's)\n"
	  "      --add-host NAME:ADDR  a line of the pod's /etc/hosts (ADDR:\n"
	  "                       IPv4, IPv6 or host-gateway; repeatable)\n"
	  "  -v, --volume SOURCE:DEST[:ro|:rw]\n"
	  "                       mount SOURCE at DEST (absolute) in the pod:\n"
	  "                       a dom0 directory (absolute path) or a named\n"
	  "                       volume (made if missing); up to 8\n"
	  "      --tmpfs PATH[:OPTS]  mount a fresh tmpfs at PATH in the pod;\n"
	  "                       OPTS: size=N[k|m|g] (default: half the\n"
	  "                       memory), mode=OCTAL (default 1777), ro, rw;\n"
	  "                       noexec, nosuid, nodev accepted; up to 8\n"
	  "      --read-only      the pod's root file system is read-only\n"
	  "      --ulimit NAME=SOFT[:HARD]  a resource limit of the pod's\n"
	  "                       processes (nofile, nproc, fsize, stack...;\n"
	  "                       -1: unlimited), as docker's\n",
	  "In the foreground, the first ^C stops the pod, the second kills it\n"
	  "(with -i or -t, ^C goes to COMMAND; the third leaves).\n"
	  "Exit status: the command's, 137 if the pod was killed, 125 if it\n"
	  "failed or could not be run.\n" },
	{ "create", cmd_create,
	  "-f SPEC.json [-v SOURCE:DEST[:ro|:rw]]... [--tmpfs PATH[:OPTS]]... "
	  "[--read-only]",
	  "Create a pod from a spec file (see xenpod-spec(5)) without starting it",
	  "  -f, --file FILE      the spec, or - for standard input\n"
	  "  -v, --volume SOURCE:DEST[:ro|:rw]\n"
	  "                       add a mount to the spec's (as run -v)\n"
	  "      --tmpfs PATH[:OPTS]  add a tmpfs mount (as run --tmpfs)\n"
	  "      --read-only      make the root read-only (as run)\n" },
	{ "start", cmd_start, "POD", "Start a created pod", NULL },
	{ "stop", cmd_stop, "[-t SECONDS] POD",
	  "Ask a pod to power off; destroy it after a grace period",
	  "  -t, --time SECONDS   grace period before destroying (default 10)\n" },
	{ "kill", cmd_kill, "[-s SIGNAL] POD",
	  "Destroy a pod's domain at once, or signal its main process",
	  "  -s, --signal SIGNAL  deliver SIGNAL (name or number) to the\n"
	  "                       pod's main process instead\n" },
	{ "pause", cmd_pause, "POD",
	  "Freeze a running pod: its domain gets no CPU until unpause", NULL },
	{ "unpause", cmd_unpause, "POD", "Let a paused pod run again", NULL },
	{ "exec", cmd_exec,
	  "[-i] [-t] [-e KEY=VALUE]... [-w DIR] [-u USER[:GROUP]] "
	  "[--group-add GROUP]... [--ulimit NAME=SOFT[:HARD]]... POD COMMAND "
	  "[ARG...]",
	  "Run a command in a running pod; exit with its status",
	  "  -i, --interactive    send standard input to the command\n"
	  "  -t, --tty            give it a terminal (local terminal in raw mode)\n"
	  "  -e, --env KEY=VALUE  set an environment variable (repeatable)\n"
	  "  -w, --workdir DIR    working directory (absolute)\n"
	  "  -u, --user USER[:GROUP]  run it as this user (default: the pod's)\n"
	  "      --group-add GROUP  a supplementary group of -u's user, name or\n"
	  "                       number (repeatable)\n"
	  "      --ulimit NAME=SOFT[:HARD]  a resource limit of the command,\n"
	  "                       instead of the pod's (repeatable)\n",
	  "Exit status: the command's (128+N if killed by signal N), 127 if it\n"
	  "does not exist, 126 if it cannot be run, 1 if xenpod failed.\n"
	  "^C is sent to the command as SIGINT (with -t, by its terminal);\n"
	  "the third ^C leaves, and the command is killed.\n" },
	{ "attach", cmd_attach, "[--no-stdin] POD",
	  "Join a running pod's main process: its output, your input",
	  "      --no-stdin       do not send standard input\n",
	  "^C sends SIGINT to the main process (the third ^C leaves).\n"
	  "Exit status: the main process's, once it exits.\n" },
	{ "rm", cmd_rm, "[-f] POD...",
	  "Remove stopped pods, their state and logs",
	  "  -f, --force          kill running pods first\n" },
	{ "ls", cmd_ls, "[-a] [-q]", "List pods",
	  "  -a, --all            include stopped and failed pods\n"
	  "  -q, --quiet          print names only\n" },
	{ "inspect", cmd_inspect, "POD", "Show everything about a pod as JSON",
	  NULL },
	{ "logs", cmd_logs, "[-f] [--tail N] [--stream STREAM] POD",
	  "Print a pod's output (stdout to stdout, stderr to stderr)",
	  "  -f, --follow         keep printing output until the pod stops\n"
	  "  -n, --tail N         start with the last N lines\n"
	  "  -s, --stream STREAM  stdout, stderr, or kernel (the console's\n"
	  "                       kernel messages); default: stdout and stderr\n" },
	{ "wait", cmd_wait, "POD",
	  "Wait for a pod to stop and print its exit status", NULL },
	{ "volume", cmd_volume,
	  "create [NAME] | ls [-q] | inspect NAME... | rm [-f] NAME...",
	  "Manage named volumes (kept by xenpodd; used as run -v NAME:DEST)",
	  "  -q, --quiet          ls: print names only\n"
	  "  -f, --force          rm: a missing volume is not an error\n",
	  "A volume that a pod refers to (even a stopped one) cannot be removed\n"
	  "until the pod is.\n" },
	{ "network", cmd_network,
	  "create [--subnet A.B.C.D/N [--gateway A.B.C.D]] NAME | ls [-q] | "
	  "inspect NAME... | rm NAME...",
	  "Manage user-defined networks (run --network NAME)",
	  "      --subnet A.B.C.D/N  create: the network's subnet (default: the\n"
	  "                       next free 10.89.N.0/24)\n"
	  "      --gateway A.B.C.D  create: dom0's address on it (default: .1)\n"
	  "  -q, --quiet          ls: print names only\n",
	  "Each network has its own bridge and subnet; pods on different\n"
	  "networks cannot reach each other. A network with pods attached\n"
	  "cannot be removed; the default network, bridge, not at all.\n" },
	{ "events", cmd_events, "", "Print pod events as they happen", NULL },
	{ "check", cmd_check, "",
	  "Check that this host can run pods, and say why not", NULL },
	{ "version", cmd_version, "", "Print the client and daemon versions",
	  NULL },
	{ "help", cmd_help_cmd, "[COMMAND]",
	  "Show help for xenpod or a command", NULL },
};

#define N_CMDS (sizeof(cmd_table) / sizeof(cmd_table[0]))

static const struct cmd_spec *find_cmd(const char *name)
{
	for (size_t i = 0; i < N_CMDS; i++)
		if (!strcmp(cmd_table[i].name, name))
			return &cmd_table[i];
	return NULL;
}

static void main_usage(FILE *f)
{
	fprintf(f, "usage: xenpod [--socket PATH] [--json] COMMAND [ARG...]\n");
}

static int main_help(void)
{
	main_usage(stdout);
	printf("\nRun pods, each in its own Xen PVH domain.\n\n"
	       "Options:\n"
	       "  -s, --socket PATH    xenpodd's socket (default %s,\n"
	       "                       or $XENPOD_SOCKET)\n"
	       "  -j, --json           print raw JSON results\n"
	       "  -h, --help           show this help\n\n"
	       "Commands:\n",
	       DEFAULT_SOCKET);
	for (size_t i = 0; i < N_CMDS; i++)
		printf("  %-9s %s\n", cmd_table[i].name, cmd_table[i].summary);
	printf("\nRun 'xenpod help COMMAND' for a command's options; see "
	       "xenpod(1).\n");
	return CLI_OK;
}

int cmd_help(const struct cmd_spec *cmd)
{
	printf("usage: xenpod %s%s%s\n\n%s.\n", cmd->name,
	       cmd->args[0] ? " " : "", cmd->args, cmd->summary);
	printf("\nOptions:\n%s", cmd->help ? cmd->help : "");
	printf("      --json           print raw JSON results\n"
	       "  -h, --help           show this help\n");
	if (cmd->notes)
		printf("\n%s", cmd->notes);
	return CLI_OK;
}

int cmd_help_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = { CMD_COMMON_OPTS };
	const struct cmd_spec *cmd;
	int opt;

	while ((opt = cmd_getopt(cli, argc, argv, "h", lo)) != -1) {
		if (opt == CMD_OPT_HELP)
			return cmd_help(cli->cmd);
		return cmd_usage(cli, NULL);
	}
	if (argc - optind > 1)
		return cmd_usage(cli, "too many arguments");
	if (optind == argc)
		return main_help();
	cmd = find_cmd(argv[optind]);
	if (!cmd)
		return cmd_usage(cli, "unknown command '%s'", argv[optind]);
	return cmd_help(cmd);
}

/* Global options; returns the index of the command or -exit status. */
static int parse_global(struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	argv[0] = (char *)"xenpod"; /* prefix of getopt's messages */
	opterr = 1;
	while ((opt = getopt_long(argc, argv, "+s:jh", lo, NULL)) != -1) {
		switch (opt) {
		case 's':
			cli->socket = optarg;
			break;
		case 'j':
			cli->json = true;
			break;
		case 'h':
			main_help();
			return -CLI_OK;
		default:
			main_usage(stderr);
			return -CLI_USAGE;
		}
	}
	if (optind == argc) {
		cli_error("no command given (try 'xenpod help')");
		main_usage(stderr);
		return -CLI_USAGE;
	}
	return optind;
}

int main(int argc, char **argv)
{
	struct cli cli = { .socket = getenv("XENPOD_SOCKET") };
	int i, rc;

	if (!cli.socket || !cli.socket[0])
		cli.socket = DEFAULT_SOCKET;
	client_init(&cli.client);
	i = parse_global(&cli, argc, argv);
	if (i <= 0)
		return -i;
	cli.cmd = find_cmd(argv[i]);
	if (!cli.cmd) {
		cli_error("unknown command '%s' (try 'xenpod help')", argv[i]);
		main_usage(stderr);
		return CLI_USAGE;
	}
	optind = 0; /* GNU: reinitialise getopt for the command's options */
	rc = cli.cmd->fn(&cli, argc - i, argv + i);
	client_close(&cli.client);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_error("cannot write output: %m");
		if (rc == CLI_OK)
			rc = CLI_ERR;
	}
	return rc;
}
