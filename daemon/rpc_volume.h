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
/* The POD object's "mounts" member. */
void rpc_volume_write_mounts(struct json_writer *w, const struct pod_info *p);

#endif
