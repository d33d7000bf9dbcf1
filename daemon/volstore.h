/* SPDX-License-Identifier: MIT */
/* volstore: the named volumes under the state directory: volumes/NAME/data, made and removed atomically. */
#ifndef XENPOD_VOLSTORE_H
#define XENPOD_VOLSTORE_H

#include <limits.h>
#include <time.h>

#include "volume.h"

/* What a named volume is. */
struct volstore_info {
	char name[XP_VOLUME_NAME_MAX + 1];
	char path[PATH_MAX]; /* its data directory: what a pod mounts */
	time_t created_at;
};

/*
 * DIR/volumes/ (0700): NAME/ holds only data/, the volume's root, so the
 * mtime of NAME/ is when it was made. A volume appears whole (made as
 * .new-XXXXXX, renamed without replacing) and goes at once (renamed to
 * .rm-XXXXXX, then deleted); leftovers of both are removed here. 0 or -errno.
 */
int volstore_init(const char *state_dir);
/* A new volume (name valid: volume_name_valid). 0, -EEXIST or -errno. */
int volstore_create(const char *name, struct volstore_info *out);
/* 0, -ENOENT or -errno. */
int volstore_get(const char *name, struct volstore_info *out);
/* Each volume in name order; stops at the first non-zero return (returned). */
typedef int volstore_cb(const struct volstore_info *v, void *arg);
int volstore_list(volstore_cb *cb, void *arg);
/* Remove it and its data: 0, -ENOENT or -errno. */
int volstore_remove(const char *name);

#endif
