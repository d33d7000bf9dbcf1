/* SPDX-License-Identifier: MIT */
/* bundle: an OCI bundle's config.json (and exec's process.json) mapped onto a xenpod pod spec. */
#ifndef XENPOD_OCI_BUNDLE_H
#define XENPOD_OCI_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/rlimit.h"

/* The largest uid or gid a pod's user may have (docker's and runc's
 * range; the guest refuses more). */
#define OCI_ID_MAX 2147483647
/* additionalGids: the daemon's XP_SPEC_GROUPS_MAX. */
#define OCI_GIDS_MAX 64

/* config.json larger than this is refused (the JSON parser's own bound). */
#define OCI_CONFIG_MAX (1024 * 1024)
/* Annotations that choose the pod's size (they win over linux.resources). */
#define OCI_ANN_MEMORY "org.xenpod.memory-mib"
#define OCI_ANN_VCPUS "org.xenpod.vcpus"

struct oci_process {
	char **args; /* NULL-terminated */
	size_t n_args;
	char **env; /* "K=V", NULL-terminated */
	size_t n_env;
	char *cwd; /* absolute */
	bool terminal;
	/* process.user: the pod's user (spec "user" UID:GID, "groups") */
	bool has_user;
	uint32_t uid, gid;
	uint32_t *gids; /* additionalGids, n_gids of them */
	size_t n_gids;
	/* process.rlimits: the pod's "rlimits" (an exec's are the pod's) */
	struct rlimit_arg rlimits[XP_RLIMITS_MAX];
	size_t n_rlimits;
};

enum oci_mount_kind {
	OCI_MOUNT_GUEST, /* /proc, /dev, /sys and below, mqueue...: the guest's own */
	OCI_MOUNT_TMPFS, /* a tmpfs elsewhere: the spec's "tmpfs" */
	OCI_MOUNT_BIND, /* a bind mount: a file is copied in at create, a
			 * directory is a host-directory volume */
};

struct oci_mount {
	char *destination; /* absolute, normalised (no "..", no "//") */
	char *source; /* bind: absolute */
	enum oci_mount_kind kind;
	bool read_only; /* bind, tmpfs: options "ro" (the last of ro/rw wins) */
	uint64_t size; /* tmpfs: options size= in bytes; 0: none given */
	int mode; /* tmpfs: options mode= (octal); -1: none given */
	bool dir; /* bind: the source is a directory (set by the caller,
		   * which stats it, before oci_config_check_mounts) */
};

/* The runtime spec's hooks, in the order they run. */
enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER, /* skipped: in the container's namespaces */
	OCI_HOOK_START_CONTAINER, /* skipped: likewise */
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK_KINDS
};
/* Hooks of one kind, at most. */
#define OCI_HOOKS_MAX 64

struct oci_hook {
	char *path; /* absolute */
	char **args; /* NULL-terminated; NULL: just path */
	char **env; /* NULL-terminated, "K=V"; NULL: empty */
	int64_t timeout; /* seconds; 0: none */
};

struct oci_hooks {
	struct oci_hook *h[OCI_HOOK_KINDS];
	size_t n[OCI_HOOK_KINDS];
};

/* The spec's name of a kind ("createRuntime"). */
const char *oci_hook_name(enum oci_hook_kind k);

struct oci_config {
	struct oci_process process;
	char *root_path; /* absolute (relative paths resolved against the bundle) */
	char *hostname; /* NULL or "" if none: the pod's name is its hostname */
	/* linux.namespaces' network: none (the host's, which a VM cannot
	 * share: loopback only), one without a path (a new one: loopback
	 * only), or one with a path (podman's, a CNI plugin's: joined). */
	enum { OCI_NET_HOST, OCI_NET_NEW, OCI_NET_JOIN } net;
	char *netns; /* OCI_NET_JOIN: the namespace's file */
	char *annotations; /* JSON object text, "{}" if none */
	bool read_only; /* root.readonly: the spec's "read_only" */
	int64_t memory_mib; /* 0: the daemon's default */
	int64_t vcpus; /* 0: the daemon's default */
	struct oci_mount *mounts;
	size_t n_mounts;
	struct oci_hooks hooks;
	/* Fields present that xenpod accepts and ignores, comma separated
	 * ("linux.namespaces,linux.seccomp"), for one log line; "" if none. */
	char ignored[512];
};

/*
 * Parse config.json text. bundle (absolute) resolves a relative root.path.
 * Returns 0, or -EINVAL / -ENOMEM with a one-line reason in err naming the
 * field ("process.args: expected a non-empty array of strings"). On error
 * nothing is left allocated.
 */
int oci_config_parse(const char *text, size_t len, const char *bundle,
		     struct oci_config *c, char *err, size_t errsz);
void oci_config_free(struct oci_config *c);

/* An exec's process.json: the "process" object alone. Same conventions. */
int oci_process_parse(const char *text, size_t len, struct oci_process *p,
		      char *err, size_t errsz);
void oci_process_free(struct oci_process *p);

/*
 * The "hooks" object text of the kinds in mask (1 << kind), for the
 * container's state directory; parsed back with oci_hooks_parse. NULL:
 * out of memory.
 */
char *oci_hooks_text(const struct oci_hooks *h, unsigned mask);
int oci_hooks_parse(const char *text, size_t len, struct oci_hooks *h,
		    char *err, size_t errsz);
void oci_hooks_free(struct oci_hooks *h);

/*
 * Once the caller has set each bind mount's dir (the source is a
 * directory): check the directory binds as the pod's volumes (the
 * daemon's rules, daemon/volume.h: at most XP_MOUNTS_MAX, a destination
 * of at most XP_MOUNT_DEST_MAX bytes, none inside another) and that no
 * file bind lies inside one (its copy would be hidden). 0, or -EINVAL
 * with a line naming mounts[N].
 */
int oci_config_check_mounts(const struct oci_config *c, char *err,
			    size_t errsz);

/*
 * The params of pod_create for pod name: {"spec":{...}}. The main stdin is
 * always open (the pid holder relays its own stdin, and its end). Returns
 * malloc'd text or NULL (out of memory).
 */
char *oci_config_pod_params(const struct oci_config *c, const char *name);

/* True if s is a normalised absolute path: "/", or "/a/b" with no empty,
 * "." or ".." component and no trailing '/'. */
bool oci_path_clean(const char *s);

#endif
