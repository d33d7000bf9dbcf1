/* SPDX-License-Identifier: MIT */
/* rpc_net: the wire form of a pod's network: spec.network decoded, the POD object's "network" written. */
#ifndef XENPOD_RPC_NET_H
#define XENPOD_RPC_NET_H

#include <stddef.h>

#include "json.h"
#include "net.h"
#include "pod.h"

/* params.spec.network (obj may be NULL: no network). 0 or -EINVAL with err. */
int rpc_net_decode(const struct json *obj, struct net_spec *out, char *err,
		   size_t errsz);
/* The POD object's "network" member. */
void rpc_net_write(struct json_writer *w, const struct pod_info *p);

#endif
