/* SPDX-License-Identifier: MIT */
/* protocol: the control protocol's version, method names and limits, for xenpodd and the xenpod CLI (PROTOCOL.md). */
#ifndef XENPOD_PROTOCOL_H
#define XENPOD_PROTOCOL_H

#include <stdbool.h>
#include <string.h>

/* daemon_hello's "protocol": bumped when a change breaks an older peer. */
#define XP_PROTOCOL_VERSION 1

/* Methods (requests and client notifications). */
#define XP_M_DAEMON_HELLO "daemon_hello"
#define XP_M_EVENTS_SUBSCRIBE "events_subscribe"
#define XP_M_POD_CREATE "pod_create"
#define XP_M_POD_START "pod_start"
#define XP_M_POD_STOP "pod_stop"
#define XP_M_POD_KILL "pod_kill"
#define XP_M_POD_PAUSE "pod_pause"
#define XP_M_POD_UNPAUSE "pod_unpause"
#define XP_M_POD_RM "pod_rm"
#define XP_M_POD_LIST "pod_list"
#define XP_M_POD_INSPECT "pod_inspect"
#define XP_M_POD_WAIT "pod_wait"
#define XP_M_POD_LOGS "pod_logs"
#define XP_M_POD_EXEC "pod_exec"
#define XP_M_POD_ATTACH "pod_attach"
#define XP_M_POD_SIGNAL "pod_signal"
#define XP_M_EXEC_INPUT "exec_input"
#define XP_M_EXEC_RESIZE "exec_resize"
#define XP_M_EXEC_SIGNAL "exec_signal"
#define XP_M_VOLUME_CREATE "volume_create"
#define XP_M_VOLUME_LIST "volume_list"
#define XP_M_VOLUME_INSPECT "volume_inspect"
#define XP_M_VOLUME_RM "volume_rm"
#define XP_M_NETWORK_CREATE "network_create"
#define XP_M_NETWORK_LIST "network_list"
#define XP_M_NETWORK_INSPECT "network_inspect"
#define XP_M_NETWORK_RM "network_rm"
/* Notifications from the daemon. */
#define XP_N_EXEC_OUTPUT "exec_output"
#define XP_N_EXEC_CREDIT "exec_credit"
#define XP_N_LOG "log"
#define XP_N_EVENT "event"

/* Pod names: [A-Za-z0-9][A-Za-z0-9_.-]{0,63}. */
#define XP_NAME_MAX 64
#define XP_NAME_PATTERN "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"

/* A request line may be this long (plus its newline). */
#define XP_LINE_MAX (1024 * 1024)

/* pod_create's spec. */
#define XP_PATH_MAX 4095 /* image, exec cwd */
#define XP_SPEC_ARGS_MAX 1024 /* command and env items */
#define XP_SPEC_ARG_LEN 4096 /* bytes of one item */
#define XP_SPEC_CWD_MAX 255
#define XP_KERNEL_ARGS_MAX 512
#define XP_MEMORY_MIB_MIN 4
#define XP_MEMORY_MIB_MAX 65536
#define XP_VCPUS_MAX 64
#define XP_USER_MAX 64 /* docker's USER[:GROUP], and one of "groups" */
/* "groups" items: the guest's USER_GROUPS_MAX (lib/passwd.h; pod.c
 * asserts they agree). */
#define XP_SPEC_GROUPS_MAX 64

/* pod_stop's timeout, in seconds. */
#define XP_STOP_TIMEOUT_DEFAULT 10
#define XP_STOP_TIMEOUT_MAX 86400

/* pod_exec, pod_attach and the exec_* notifications. */
#define XP_EXEC_ARGS_MAX 256 /* command and env items */
#define XP_EXEC_ARG_LEN 4096
#define XP_TERM_SIZE_MAX 65535 /* rows, cols */
#define XP_SIGNAL_MAX 64
/* Stdin a client may send before the daemon returns credit (exec_credit). */
#define XP_EXEC_CREDIT 65536

/* Does name match XP_NAME_PATTERN? */
static inline bool xp_name_valid(const char *name)
{
	size_t i, n;

	if (!name)
		return false;
	n = strlen(name);
	if (n < 1 || n > XP_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char ch = name[i];
		bool alnum = (ch >= 'a' && ch <= 'z') ||
			     (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9');

		if (!alnum && (i == 0 || (ch != '_' && ch != '.' && ch != '-')))
			return false;
	}
	return true;
}

/* docker's USER[:GROUP] (spec "user"): a name or number, optionally a
 * colon and a group name or number; printable ASCII, no space. Whether
 * the names exist is the image's /etc/passwd's business (the guest's). */
static inline bool xp_user_valid(const char *u)
{
	size_t n = u ? strlen(u) : 0, colons = 0;

	if (n < 1 || n > XP_USER_MAX || u[0] == ':' || u[n - 1] == ':')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (u[i] <= ' ' || u[i] > '~' || u[i] == '/')
			return false;
		colons += u[i] == ':';
	}
	return colons <= 1;
}

/* One of spec "groups" (docker's --group-add, OCI's additionalGids): a
 * group name or number. */
static inline bool xp_group_valid(const char *g)
{
	return xp_user_valid(g) && !strchr(g, ':') && !strchr(g, ',');
}

#endif
