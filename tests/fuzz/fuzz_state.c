/* SPDX-License-Identifier: MIT */
/* fuzz_state: a pod state file (store.c, state_json.c's loader, pod_reconcile.c) at daemon start. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "ev.h"
#include "fake_hv.h"
#include "fake_xs.h"
#include "fuzz.h"
#include "fuzz_daemon.h"
#include "json.h"
#include "log.h"
#include "pod.h"
#include "rpc.h"
#include "store.h"

/*
 * Per input: an empty state dir holding pods/fz.json = the input, a fake
 * hypervisor that runs a domain with the uuid the file names (so re-adoption
 * is reached too), then the daemon's start-up: store_init, pod_init,
 * pod_reconcile; then inspect and list the result over the socket.
 */
static char root[256], state_dir[300], log_dir[300], kernel[300];
static const char inspect[] =
	"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_inspect\",\"params\":{\"name\":\"fz\"}}\n"
	"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"pod_list\",\"params\":{\"all\":true}}\n"
	"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"pod_logs\",\"params\":{\"name\":\"fz\"}}";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz", true, LOG_LEVEL_ERR);
	if (!getenv("XENPOD_FUZZ_LOG"))
		log_set_level(LOG_LEVEL_ERR);
	fuzz_tmpdir(root, sizeof(root), "state");
	snprintf(state_dir, sizeof(state_dir), "%s/state", root);
	snprintf(log_dir, sizeof(log_dir), "%s/log", root);
	snprintf(kernel, sizeof(kernel), "%s/kernel", root);
	mkdir(log_dir, 0750);
	fuzz_write(kernel, "ELF", 3);
	ev_init();
	return 0;
}

void LLVMFuzzerCleanup(void)
{
	fuzz_empty_dir(root);
	rmdir(root);
	ev_dispose();
}

/* A running domain for the uuid the file claims, if it claims one. */
static void add_domain(const uint8_t *data, size_t size)
{
	char err[64];
	struct json *j = json_parse((const char *)data, size, err, sizeof(err));
	const char *uuid = json_str(json_get(j, "uuid"));

	if (uuid && strlen(uuid) == HV_UUID_LEN)
		fake_hv_add("xenpod-fz", uuid, false);
	json_free(j);
}

static bool exists(const char *rel)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", state_dir, rel);
	return stat(p, &st) == 0;
}

/* Files in quarantine/; each must hold the input byte for byte (moved, never rewritten). */
static int quarantined(const uint8_t *data, size_t size)
{
	char dir[400], p[700];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/quarantine", state_dir);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		FILE *f;
		char *buf;
		size_t got;

		if (e->d_name[0] == '.')
			continue;
		n++;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		buf = malloc(size + 1);
		f = fopen(p, "rb");
		if (!buf || !f)
			abort();
		got = fread(buf, 1, size + 1, f);
		fclose(f);
		if (strncmp(e->d_name, "fz.json.", 8) || got != size ||
		    memcmp(buf, data, size))
			abort();
		free(buf);
	}
	closedir(d);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pod_config pc = { .log_dir = log_dir, .kernel = kernel };
	struct hv *hv;
	struct xs *xs;
	char p[512];
	size_t n;
	int i, q;

	fake_hv_reset();
	fake_xs_reset();
	mkdir(state_dir, 0700);
	snprintf(p, sizeof(p), "%s/pods", state_dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/pods/fz.json", state_dir);
	fuzz_write(p, data, size);
	add_domain(data, size);

	if (store_init(state_dir) || hv_open(&hv, &pod_hv_callbacks, NULL) ||
	    xs_connect(&xs))
		abort();
	pc.hv = hv;
	pc.xs = xs;
	if (pod_init(&pc) || pod_reconcile())
		abort(); /* a bad state file is never fatal to start-up */
	n = pod_count();
	if (n > 1)
		abort();
	/* Kept (and loaded), or quarantined intact, or removed (half-created). */
	q = quarantined(data, size);
	if (n == 1 && (!exists("pods/fz.json") || q))
		abort();
	if (n == 0 && (exists("pods/fz.json") || q > 1))
		abort();
	rpc_init();
	fuzz_daemon_talk((const uint8_t *)inspect, sizeof(inspect) - 1, 500);

	control_close();
	pod_dispose();
	store_dispose();
	hv_close(hv);
	xs_disconnect(xs);
	for (i = 0; i < 5; i++)
		ev_run_once(0); /* queued fake events own memory */
	fuzz_empty_dir(root);
	mkdir(log_dir, 0750);
	fuzz_write(kernel, "ELF", 3);
	return 0;
}
