/* SPDX-License-Identifier: MIT */
/* fuzz_ociconfig: xenpod-oci's config.json and process.json parsers, and the pod spec built from them. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "oci/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_config c;
	struct oci_process p;
	char err[512];
	struct json *j;
	char *params;

	if (oci_config_parse((const char *)data, size, "/bundle", &c, err,
			     sizeof(err)) == 0) {
		/* Every bind a directory: the volumes' checks, then their
		 * spec. */
		for (size_t i = 0; i < c.n_mounts; i++)
			c.mounts[i].dir = c.mounts[i].kind == OCI_MOUNT_BIND;
		if (oci_config_check_mounts(&c, err, sizeof(err)) &&
		    (!err[0] || strchr(err, '\n')))
			abort();
		/* What is accepted must make a pod spec the daemon can read. */
		params = oci_config_pod_params(&c, "fuzz");
		if (!params)
			abort();
		j = json_parse(params, strlen(params), err, sizeof(err));
		if (!j || !c.root_path || c.root_path[0] != '/' ||
		    !c.process.n_args || !c.annotations)
			abort();
		json_free(j);
		free(params);
		oci_config_free(&c);
	} else if (!err[0] || strchr(err, '\n')) {
		abort(); /* every refusal is one line saying why */
	}
	if (oci_process_parse((const char *)data, size, &p, err, sizeof(err)) ==
	    0)
		oci_process_free(&p);
	else if (!err[0] || strchr(err, '\n'))
		abort();
	return 0;
}
