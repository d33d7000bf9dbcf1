/* SPDX-License-Identifier: MIT */
/* pod_volume: named volumes as the API shows them: made, listed, and removed only once no pod refers to them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "log.h"
#include "pod.h"
#include "pod_internal.h"
#include "volstore.h"

/* Docker's anonymous volumes have a random hex name; ours has 32 digits. */
static int random_name(char *buf, size_t sz)
{
	unsigned char r[16];

	if (sz < 2 * sizeof(r) + 1 ||
	    getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -EIO;
	for (size_t i = 0; i < sizeof(r); i++)
		sprintf(buf + 2 * i, "%02x", r[i]);
	return 0;
}

int pod_volume_create(const char *name, struct volstore_info *out, char *err,
		      size_t errsz)
{
	char gen[XP_VOLUME_NAME_MAX + 1];
	int rc;

	if (!name) {
		if (random_name(gen, sizeof(gen))) {
			snprintf(err, errsz, "cannot make a volume name");
			return -EIO;
		}
		name = gen;
	}
	if (!volume_name_valid(name)) {
		snprintf(err, errsz,
			 "volume %.80s: invalid name (%d to %d of %s)", name,
			 XP_VOLUME_NAME_MIN, XP_VOLUME_NAME_MAX,
			 XP_VOLUME_NAME_PATTERN);
		return -EINVAL;
	}
	rc = volstore_create(name, out);
	if (rc == -EEXIST)
		rc = volstore_get(name, out);
	else if (!rc)
		log_info("volume %s: created (%s)", name, out->path);
	if (rc)
		snprintf(err, errsz, "volume %s: %s", name, strerror(-rc));
	return rc;
}

int pod_volume_get(const char *name, struct volstore_info *out, char *err,
		   size_t errsz)
{
	int rc = volstore_get(name, out);

	if (rc == -ENOENT)
		snprintf(err, errsz, "volume %.80s: not found", name);
	else if (rc)
		snprintf(err, errsz, "volume %.80s: %s", name, strerror(-rc));
	return rc;
}

int pod_volume_list(volstore_cb *cb, void *arg)
{
	return volstore_list(cb, arg);
}

bool pod_uses_volume(const struct pod *p, const char *name)
{
	for (size_t i = 0; i < p->n_mounts; i++)
		if (!strcmp(p->mounts[i].volume, name))
			return true;
	return false;
}

int pod_volume_rm(const char *name, bool force, char *err, size_t errsz)
{
	struct volstore_info vi;
	const struct pod *p;
	int rc = pod_volume_get(name, &vi, err, errsz);

	if (rc == -ENOENT && force)
		return 0;
	if (rc)
		return rc;
	for (p = pod_first(); p; p = pod_next(p)) {
		if (!pod_uses_volume(p, name))
			continue;
		snprintf(
			err, errsz,
			"volume %s: in use by pod %s (%s); remove the pod first",
			name, p->name, pod_status_name(p->status));
		return -EBADFD;
	}
	rc = volstore_remove(name);
	if (rc) {
		snprintf(err, errsz, "volume %s: cannot remove it: %s", name,
			 strerror(-rc));
		return rc == -ENOENT ? rc : -EIO;
	}
	log_info("volume %s: removed", name);
	return 0;
}
