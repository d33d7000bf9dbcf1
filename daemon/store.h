/* SPDX-License-Identifier: MIT */
/* store: the daemon's state directory; one atomically written JSON file per pod. */
#ifndef XENPOD_STORE_H
#define XENPOD_STORE_H

#include <stddef.h>

struct json;

/*
 * Layout under dir: pods/NAME.json (one per pod), images/ (the rootfs cpio
 * cache), quarantine/ (state files that could not be parsed). Creates the
 * directories (0700) and removes stray temporary files. 0 or -errno.
 */
int store_init(const char *dir);
void store_dispose(void);
/* Absolute path of images/ (valid after store_init). */
const char *store_images_dir(void);

/* Write pods/NAME.json atomically (tmp + fsync + rename + dir fsync). 0 or -errno. */
int store_save(const char *name, const char *text, size_t len);
/* Remove pods/NAME.json (and fsync the directory); a missing file is not an error. */
int store_remove(const char *name);

/*
 * Called for each state file that parses as a JSON object; root is owned by
 * the callee (json_free it). Return 0 to keep the file, or -errno to have it
 * quarantined (why says what is wrong with it).
 */
typedef int store_load_cb(const char *name, struct json *root, void *arg,
			  char *why, size_t whysz);
/* Load every pods/NAME.json; unreadable or corrupt files are moved to quarantine/. */
int store_load_all(store_load_cb *cb, void *arg);

#endif
