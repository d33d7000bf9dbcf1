/* SPDX-License-Identifier: MIT */
/* pod_reconcile: at daemon start, the pods of the state files against the running domains. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "console.h"
#include "hv.h"
#include "log.h"
#include "net.h"
#include "pod.h"
#include "pod_internal.h"
#include "pod_io.h"
#include "state_json.h"
#include "store.h"

static char **strv_or_empty(char *const *v)
{
	return v ? pod_strv_dup(v) : calloc(1, sizeof(char *));
}

static struct pod *pod_from_state(const struct pod_info *s)
{
	struct pod *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	snprintf(p->name, sizeof(p->name), "%s", s->name);
	snprintf(p->uuid, sizeof(p->uuid), "%s", s->uuid);
	p->domid = s->domid;
	p->status = s->status;
	p->has_exit = s->has_exit;
	p->exit_code = s->exit_code;
	snprintf(p->reason, sizeof(p->reason), "%s", s->reason);
	snprintf(p->digest, sizeof(p->digest), "%s", s->digest);
	snprintf(p->cpio, sizeof(p->cpio), "%s", s->cpio);
	/* Our own file, but it may be corrupt: a pts path or nothing. */
	if (!strncmp(s->console_tty, "/dev/pts/", 9) && s->console_tty[9] &&
	    strspn(s->console_tty + 9, "0123456789") ==
		    strlen(s->console_tty + 9))
		snprintf(p->tty, sizeof(p->tty), "%s", s->console_tty);
	p->image = strdup(s->image);
	p->cwd = strdup(s->cwd);
	if (s->kernel_args && s->kernel_args[0])
		p->kernel_args = strdup(s->kernel_args);
	if (s->user)
		p->user = strdup(s->user);
	if (s->groups && s->groups[0])
		p->groups = pod_strv_dup(s->groups);
	p->argv = strv_or_empty(s->argv);
	p->env = strv_or_empty(s->env);
	p->memory_mib = s->memory_mib;
	p->vcpus = s->vcpus;
	p->term = s->term;
	p->open_stdin = s->open_stdin;
	p->paused = s->paused;
	p->created_at = s->created_at;
	p->started_at = s->started_at;
	p->finished_at = s->finished_at;
	p->stop_deadline = s->stop_deadline;
	p->lost_bytes = s->log_lost_bytes;
	if (s->net)
		p->net = *s->net;
	snprintf(p->kernel, sizeof(p->kernel), "%s", s->kernel);
	p->chan = s->chan;
	snprintf(p->kernel_digest, sizeof(p->kernel_digest), "%s",
		 s->kernel_digest);
	p->n_mounts = s->n_mounts <= XP_MOUNTS_MAX ? s->n_mounts : 0;
	for (size_t i = 0; i < p->n_mounts; i++)
		p->mounts[i] = s->mounts[i];
	p->n_tmpfs = s->n_tmpfs <= XP_TMPFS_MAX ? s->n_tmpfs : 0;
	for (size_t i = 0; i < p->n_tmpfs; i++)
		p->tmpfs[i] = s->tmpfs[i];
	p->read_only = s->read_only;
	if (!p->image || !p->cwd || !p->argv || !p->env ||
	    (s->kernel_args && s->kernel_args[0] && !p->kernel_args) ||
	    (s->user && !p->user) ||
	    (s->groups && s->groups[0] && !p->groups)) {
		pod_free_detached(p);
		return NULL;
	}
	return p;
}

static int load_one(const struct pod_info *s, void *arg, char *why,
		    size_t whysz)
{
	struct pod *p;

	(void)arg;
	if (pod_find_uuid(s->uuid)) {
		snprintf(why, whysz, "state.uuid: used by another pod");
		return -EINVAL;
	}
	p = pod_from_state(s);
	if (!p)
		return -ENOMEM;
	pod_link(p);
	return 0;
}

static struct hv_dominfo *find_dom(struct hv_dominfo *l, size_t n,
				   const char *uuid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(l[i].uuid, uuid) == 0)
			return &l[i];
	return NULL;
}

/* Destroy a listed domain and strike it from the list (so it is not destroyed twice). */
static void destroy_dom(struct hv_dominfo *d, const char *why)
{
	int rc = 0;

	/* A dying domain is being destroyed already (e.g. just before a crash). */
	if (d->state != HV_DYING)
		rc = hv_destroy(pod_ctx.hv, d->domid, d->uuid);
	log_warn("domain %u (%s, %s): %s; destroy: %s", d->domid, d->name,
		 d->uuid, why,
		 d->state == HV_DYING ? "already dying" :
		 rc		      ? strerror(-rc) :
					"started");
	d->name[0] = '\0';
}

/* Is p's recorded domid still its own, or at least nobody's? */
static bool domid_ours(const struct pod *p, const struct hv_dominfo *l,
		       size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((int64_t)l[i].domid == p->domid)
			return strcasecmp(l[i].uuid, p->uuid) == 0;
	return true;
}

/* The volume backends and nodes of a pod that is over (or half-made):
 * those still running that are really ours are stopped, the nodes go. */
static void end_volumes(struct pod *p, const struct hv_dominfo *l, size_t n)
{
	if (!p->n_mounts || p->domid < 0)
		return;
	if (domid_ours(p, l, n)) {
		pod_mounts_adopt(p);
		pod_mounts_stop(p);
	}
	for (size_t i = 0; i < p->n_mounts; i++)
		p->mounts[i].backend_pid = 0;
}

/* A pod that was alive when the daemon stopped. */
static void reconcile_alive(struct pod *p, const struct hv_dominfo *d,
			    const struct hv_dominfo *l, size_t n)
{
	if (!d) {
		log_warn("pod %s: its domain is gone; marking it stopped",
			 p->name);
		end_volumes(p, l, n);
		p->domid = -1;
		pod_finish(p, POD_STOPPED, "lost", false);
		return;
	}
	if (p->domid != (int64_t)d->domid)
		log_info("pod %s: domain id %lld is now %u (same uuid)",
			 p->name, (long long)p->domid, d->domid);
	p->domid = d->domid;
	/* The hypervisor knows (an xl pause or unpause since counts too). */
	p->paused = p->status == POD_RUNNING && d->paused;
	if (hv_watch(pod_ctx.hv, d->domid, p->uuid))
		log_warn("pod %s: cannot watch domain %u", p->name, d->domid);
	pod_net_adopt(p);
	pod_mounts_adopt(p);
	pod_watch_guest(p);
	pod_read_guest(p);
	if (pod_is_final(p))
		return;
	pod_console_attach(p);
	/* A new channel at the same path: the guest reconnects to it. */
	pod_io_open(p);
	pod_persist(p);
	log_info("pod %s: re-adopted (domain %u, %s)", p->name, d->domid,
		 pod_status_name(p->status));
	if (d->state != HV_RUNNING)
		pod_on_shutdown(p, d->state == HV_SHUTDOWN ? d->reason :
							     HV_REASON_NONE);
	else
		pod_resume_stop(p);
}

static void reconcile_pod(struct pod *p, struct hv_dominfo *l, size_t n)
{
	struct hv_dominfo *d = find_dom(l, n, p->uuid);

	switch (p->status) {
	case POD_CREATING:
		end_volumes(p, l, n);
		if (d)
			destroy_dom(d, "half-created pod");
		log_warn(
			"pod %s: was being created when the daemon stopped; removed",
			p->name);
		store_remove(p->name);
		console_log_remove(pod_ctx.log_dir, p->name);
		pod_unlink_detached(p);
		pod_free_detached(p);
		break;
	case POD_CREATED:
	case POD_RUNNING:
		reconcile_alive(p, d, l, n);
		break;
	default:
		end_volumes(p, l, n);
		if (d)
			destroy_dom(d, "stopped pod's domain still exists");
		if (p->domid >= 0) {
			p->domid = -1;
			pod_persist(p);
		}
		break;
	}
}

int pod_reconcile(void)
{
	struct hv_dominfo *l = NULL;
	struct pod *p, *next;
	size_t n = 0, i;
	char why[256];
	int rc;

	rc = state_json_load_all(load_one, NULL);
	if (rc)
		return rc;
	rc = hv_list(pod_ctx.hv, &l, &n);
	if (rc)
		return rc;
	for (p = pod_ctx.pods; p; p = next) {
		next = p->next;
		reconcile_pod(p, l, n);
	}
	for (i = 0; i < n; i++) {
		if (strncmp(l[i].name, "xenpod-", 7) == 0 &&
		    !pod_find_uuid(l[i].uuid))
			destroy_dom(&l[i], "xenpod domain without a pod");
	}
	free(l);
	/* Addresses of pods that are gone are freed; the rules are rebuilt. */
	rc = net_sync(why, sizeof(why));
	if (rc)
		log_err("network: cannot apply the nftables rules: %s", why);
	pod_gc_images();
	log_info("%zu pod(s) loaded", pod_count());
	return 0;
}
