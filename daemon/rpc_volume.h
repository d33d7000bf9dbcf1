/* SPDX-License-Identifier: MIT */
/* rpc_volume: the wire form of volumes: spec.mounts decoded and checked, the POD's "mounts", the volume_* methods. */
#ifndef XENPOD_RPC_VOLUME_H
#define XENPOD_RPC_VOLUME_H

#include <stddef.h>

#include "json.h"
#include "pod.h"
#include "rpc.h"
#include "volume.h"

/* params.spec.mounts (arr may be NULL: none) into out[XP_MOUNTS_MAX]. 0 or -EINVAL with err. */
int rpc_volume_decode_mounts(const struct json *arr, struct mount_arg *out,
			     size_t *n_r, char *err, size_t errsz);
/*
 * params.spec.tmpfs (arr may be NULL: none) into out[XP_TMPFS_MAX]; none
 * may share or nest with another or with one of the n_mounts volumes.
 * 0 or -EINVAL with err naming the item.
 */
int rpc_volume_decode_tmpfs(const struct json *arr,
			    const struct mount_arg *mounts, size_t n_mounts,
			    struct tmpfs_arg *out, size_t *n_r, char *err,
			    size_t errsz);

/* The POD object's "mounts" member (volumes, then tmpfs mounts). */
void rpc_volume_write_mounts(struct json_writer *w, const struct pod_info *p);

#endif
