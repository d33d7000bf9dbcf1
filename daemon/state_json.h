/* SPDX-License-Identifier: MIT */
/* state_json: a pod's state file as JSON: encode and save it, load and decode every one (store.c keeps the files). */
#ifndef XENPOD_STATE_JSON_H
#define XENPOD_STATE_JSON_H

#include <stddef.h>

struct pod_info;

/* Encode the pod's state and save it (store_save). 0 or -errno. */
int state_json_save(const struct pod_info *pi);

/*
 * Called for each state file that decodes as a pod's state (its name
 * matches the file's, its status is known); pi's pointers are valid during
 * the call only. Return 0 to keep the file, or -errno to have it
 * quarantined (why says what is wrong with it).
 */
typedef int state_json_load_cb(const struct pod_info *pi, void *arg, char *why,
			       size_t whysz);
/* Load every state file; those that do not decode are quarantined. 0 or -errno. */
int state_json_load_all(state_json_load_cb *cb, void *arg);

#endif
