/* SPDX-License-Identifier: MIT */
/* state: xenpod-oci's per-container state files under --root, written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/util.h"
#include "fsutil.h"
#include "json.h"
#include "procstat.h"
#include "oci.h"

bool oci_id_valid(const char *id)
{
	return xp_name_valid(id);
}

const char *oci_status(const char *s)
{
	if (s && (!strcmp(s, "created") || !strcmp(s, "creating")))
		return "created";
	if (s && !strcmp(s, "running"))
		return "running";
	if (s && !strcmp(s, "paused"))
		return "paused";
	return "stopped";
}

int oci_path(char *buf, size_t size, const char *id, const char *leaf)
{
	int n = snprintf(buf, size, "%s/%s%s%s", oci.root, id, leaf ? "/" : "",
			 leaf ? leaf : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

char *oci_state_text(const struct oci_state *s)
{
	struct json_writer *w = json_writer_new(false);
	const char *text;
	char *out = NULL;

	if (!w)
		return NULL;
	json_w_object_open(w);
	json_w_key(w, "id");
	json_w_string(w, s->id);
	json_w_key(w, "bundle");
	json_w_string(w, s->bundle);
	json_w_key(w, "rootfs");
	json_w_string(w, s->rootfs);
	json_w_key(w, "pid");
	json_w_int(w, s->pid);
	json_w_key(w, "pid_start");
	json_w_int(w, (int64_t)s->pid_start);
	json_w_key(w, "created");
	json_w_string(w, s->created);
	json_w_key(w, "annotations");
	json_w_raw(w, s->annotations ? s->annotations : "{}");
	json_w_object_close(w);
	text = json_writer_text(w, NULL);
	if (text && asprintf(&out, "%s\n", text) < 0)
		out = NULL;
	json_writer_free(w);
	return out;
}

static int copy_str(char *dst, size_t size, const struct json *v,
		    const char *key, bool empty_ok, char *err, size_t errsz)
{
	const char *s = json_str(v);

	if (!s || (!empty_ok && !s[0]) || strlen(s) >= size) {
		snprintf(err, errsz,
			 "%s: expected a string of at most %zu "
			 "bytes",
			 key, size - 1);
		return -EINVAL;
	}
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

void oci_state_free(struct oci_state *s)
{
	free(s->annotations);
	s->annotations = NULL;
}

int oci_state_parse(const char *text, size_t len, struct oci_state *s,
		    char *err, size_t errsz)
{
	struct json *root = json_parse(text, len, err, errsz);
	const struct json *ann;
	struct json_writer *w;
	int64_t pid = -1, start = -1;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!root)
		return -EINVAL;
	rc = copy_str(s->id, sizeof(s->id), json_get(root, "id"), "id", false,
		      err, errsz);
	if (!rc && !oci_id_valid(s->id)) {
		snprintf(err, errsz, "id: not a valid container id");
		rc = -EINVAL;
	}
	if (!rc)
		rc = copy_str(s->bundle, sizeof(s->bundle),
			      json_get(root, "bundle"), "bundle", false, err,
			      errsz);
	if (!rc)
		rc = copy_str(s->rootfs, sizeof(s->rootfs),
			      json_get(root, "rootfs"), "rootfs", false, err,
			      errsz);
	if (!rc)
		rc = copy_str(s->created, sizeof(s->created),
			      json_get(root, "created"), "created", false, err,
			      errsz);
	if (!rc && (!json_int(json_get(root, "pid"), &pid) || pid < 0 ||
		    pid > INT32_MAX)) {
		snprintf(err, errsz, "pid: expected an integer 0..2147483647");
		rc = -EINVAL;
	}
	if (!rc &&
	    (!json_int(json_get(root, "pid_start"), &start) || start < 0)) {
		snprintf(err, errsz, "pid_start: expected an integer >= 0");
		rc = -EINVAL;
	}
	ann = json_get(root, "annotations");
	if (!rc && json_type(ann) != JSON_OBJECT) {
		snprintf(err, errsz, "annotations: expected an object");
		rc = -EINVAL;
	}
	if (!rc) {
		s->pid = (pid_t)pid;
		s->pid_start = (uint64_t)start;
		w = json_writer_new(false);
		if (w) {
			json_w_value(w, ann);
			if (json_writer_text(w, NULL))
				s->annotations =
					strdup(json_writer_text(w, NULL));
		}
		json_writer_free(w);
		if (!s->annotations) {
			snprintf(err, errsz, "out of memory");
			rc = -ENOMEM;
		}
	}
	json_free(root);
	return rc;
}

int oci_state_load(const char *id, struct oci_state *s)
{
	char path[4200], err[256], *buf;
	struct stat st;
	ssize_t n;
	int fd, rc;

	memset(s, 0, sizeof(*s));
	if (!oci_id_valid(id)) {
		oci_err("container %s does not exist (not a valid id)", id);
		return -ENOENT;
	}
	if (oci_path(path, sizeof(path), id, "state.json") < 0) {
		oci_err("container %s: state path too long", id);
		return -ENAMETOOLONG;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT)
			oci_err("container %s does not exist", id);
		else
			oci_err("container %s: cannot open %s: %s", id, path,
				strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > 1024 * 1024) {
		close(fd);
		oci_err("container %s: %s is not a state file", id, path);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		free(buf);
		oci_err("container %s: cannot read %s", id, path);
		return -EIO;
	}
	rc = oci_state_parse(buf, (size_t)n, s, err, sizeof(err));
	free(buf);
	if (!rc && strcmp(s->id, id)) {
		snprintf(err, sizeof(err), "id: \"%s\" instead of \"%s\"",
			 s->id, id);
		rc = -EINVAL;
	}
	if (rc) {
		oci_state_free(s);
		oci_err("container %s: bad state file %s: %s", id, path, err);
	}
	return rc;
}

int oci_state_save(const struct oci_state *s)
{
	char path[4200], *text = oci_state_text(s);
	int rc;

	if (!text)
		return -ENOMEM;
	rc = oci_path(path, sizeof(path), s->id, "state.json");
	if (!rc)
		rc = fs_write_atomic(path, text, strlen(text), 0600);
	free(text);
	return rc;
}

uint64_t oci_proc_start(pid_t pid)
{
	char state = 0;
	uint64_t start = proc_start_time(pid, &state);

	/* A zombie holder is over: its caller only has to reap it. */
	return state == 'Z' || state == 'X' ? 0 : start;
}

bool oci_holder_alive(const struct oci_state *s)
{
	return s->pid > 0 && s->pid_start &&
	       oci_proc_start(s->pid) == s->pid_start;
}

void oci_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char t[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", t, ts.tv_nsec);
}
