/* SPDX-License-Identifier: MIT */
/* test_volume: docker's -v syntax and volume-name rules (volume.c), the CLI's -v check, and the named-volume store (volstore.c). */
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cli/util.h"
#include "log.h"
#include "volstore.h"
#include "volume.h"

static char root[64];

/* ---- names ---- */

static void test_names(void)
{
	char max[XP_VOLUME_NAME_MAX + 2];

	CU_ASSERT_TRUE(volume_name_valid("ab"));
	CU_ASSERT_TRUE(volume_name_valid("data"));
	CU_ASSERT_TRUE(volume_name_valid("My_vol.1-x"));
	CU_ASSERT_TRUE(volume_name_valid("0a"));
	CU_ASSERT_FALSE(volume_name_valid(NULL));
	CU_ASSERT_FALSE(volume_name_valid(""));
	CU_ASSERT_FALSE(volume_name_valid("a")); /* docker: two at least */
	CU_ASSERT_FALSE(volume_name_valid("_ab"));
	CU_ASSERT_FALSE(volume_name_valid(".ab"));
	CU_ASSERT_FALSE(volume_name_valid("-ab"));
	CU_ASSERT_FALSE(volume_name_valid("a/b"));
	CU_ASSERT_FALSE(volume_name_valid(".."));
	CU_ASSERT_FALSE(volume_name_valid("a b"));
	CU_ASSERT_FALSE(volume_name_valid("a:b"));
	CU_ASSERT_FALSE(volume_name_valid("caf\xc3\xa9"));
	memset(max, 'a', sizeof(max));
	max[XP_VOLUME_NAME_MAX] = '\0';
	CU_ASSERT_TRUE(volume_name_valid(max));
	max[XP_VOLUME_NAME_MAX] = 'a';
	max[XP_VOLUME_NAME_MAX + 1] = '\0';
	CU_ASSERT_FALSE(volume_name_valid(max));
}

/* ---- -v ---- */

static void test_parse(void)
{
	struct mount_arg m;
	char why[256];

	CU_ASSERT_EQUAL(mount_parse("/src:/in", &m, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(m.source, "/src");
	CU_ASSERT_STRING_EQUAL(m.dest, "/in");
	CU_ASSERT_FALSE(m.read_only);
	CU_ASSERT_EQUAL(mount_parse("/src:/in:ro", &m, why, sizeof(why)), 0);
	CU_ASSERT_TRUE(m.read_only);
	CU_ASSERT_EQUAL(mount_parse("/src:/in:rw", &m, why, sizeof(why)), 0);
	CU_ASSERT_FALSE(m.read_only);
	/* A source without a leading / is a volume name (docker's rule). */
	CU_ASSERT_EQUAL(mount_parse("data:/data", &m, why, sizeof(why)), 0);
	CU_ASSERT_FALSE(mount_source_is_host(m.source));
	CU_ASSERT_TRUE(mount_source_is_host("/x"));
	/* The mount point is cleaned. */
	CU_ASSERT_EQUAL(mount_parse("v1://a//b/", &m, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(m.dest, "/a/b");
}

/* arg must be refused, saying want. */
static void refused(const char *arg, const char *want)
{
	struct mount_arg m;
	char why[256] = "";

	CU_ASSERT_EQUAL(mount_parse(arg, &m, why, sizeof(why)), -EINVAL);
	if (!strstr(why, want)) {
		fprintf(stderr, "%s: got \"%s\", want \"%s\"\n", arg, why,
			want);
		CU_FAIL("wrong reason");
	}
}

static void test_parse_bad(void)
{
	char long_dest[XP_MOUNT_DEST_MAX + 16] = "/s:/";

	refused("/src", "expected SOURCE:DEST");
	refused("", "expected SOURCE:DEST");
	refused(":/x", "the source is empty");
	refused("./src:/x", "neither an absolute path nor a volume name");
	refused("a:/x", "neither an absolute path nor a volume name");
	refused("a/b:/x", "neither");
	refused("/src:x", "must be an absolute path");
	refused("/src:", "must be an absolute path");
	refused("/src:/", "must not be /");
	refused("/src:///", "must not be /");
	refused("/src:/a/../b", "must not hold . or ..");
	refused("/src:/a/./b", "must not hold . or ..");
	refused("/src:/..", "must not hold . or ..");
	refused("/src:/proc", "/proc");
	refused("/src:/proc/x", "/proc");
	refused("/src:/x:r", "unknown mode \"r\"");
	refused("/src:/x:ro:rw", "unknown mode \"ro:rw\"");
	refused("/src:/x:", "unknown mode \"\"");
	memset(long_dest + 4, 'd', XP_MOUNT_DEST_MAX);
	long_dest[4 + XP_MOUNT_DEST_MAX] = '\0';
	refused(long_dest, "longer than 255 bytes");
}

/* ---- --tmpfs ---- */

static void test_tmpfs_parse(void)
{
	struct tmpfs_arg t;
	char why[256];

	CU_ASSERT_EQUAL(tmpfs_parse("/run", &t, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(t.dest, "/run");
	CU_ASSERT_EQUAL(t.size, 0); /* the guest's default */
	CU_ASSERT_EQUAL(t.mode, 01777);
	CU_ASSERT_FALSE(t.read_only);
	CU_ASSERT_EQUAL(tmpfs_parse("//run//x/:size=64k,mode=700,ro", &t, why,
				    sizeof(why)),
			0);
	CU_ASSERT_STRING_EQUAL(t.dest, "/run/x");
	CU_ASSERT_EQUAL(t.size, 65536);
	CU_ASSERT_EQUAL(t.mode, 0700);
	CU_ASSERT_TRUE(t.read_only);
	CU_ASSERT_EQUAL(tmpfs_parse("/t:rw,noexec,nosuid,nodev,exec,suid,dev,"
				    "size=3M,size=1g,mode=0",
				    &t, why, sizeof(why)),
			0);
	CU_ASSERT_EQUAL(t.size, 1ull << 30); /* the last size wins */
	CU_ASSERT_EQUAL(t.mode, 0);
	CU_ASSERT_FALSE(t.read_only);
	CU_ASSERT_EQUAL(tmpfs_parse("/t:ro,rw,size=100", &t, why, sizeof(why)),
			0);
	CU_ASSERT_FALSE(t.read_only);
	CU_ASSERT_EQUAL(t.size, 100);
	CU_ASSERT_EQUAL(tmpfs_parse("/t:size=1024G", &t, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(t.size, 1ull << 40);
	CU_ASSERT_EQUAL(tmpfs_parse("/t:", &t, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(tmpfs_parse("/a,b:mode=1777", &t, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(t.dest, "/a,b");
}

static void tmpfs_refused(const char *arg, const char *want)
{
	struct tmpfs_arg t;
	char why[256] = "";

	CU_ASSERT_EQUAL(tmpfs_parse(arg, &t, why, sizeof(why)), -EINVAL);
	if (!strstr(why, want) || strchr(why, '\n')) {
		fprintf(stderr, "%s: got \"%s\", want \"%s\"\n", arg, why,
			want);
		CU_FAIL("wrong reason");
	}
}

static void test_tmpfs_parse_bad(void)
{
	tmpfs_refused("", "must be an absolute path");
	tmpfs_refused("run", "must be an absolute path");
	tmpfs_refused("/", "must not be /");
	tmpfs_refused("/proc/x", "/proc");
	tmpfs_refused("/a/../b", ". or ..");
	tmpfs_refused("/t:size=", "size=: expected a number of bytes");
	tmpfs_refused("/t:size=0", "size=0: must be at least 1 byte");
	tmpfs_refused("/t:size=1x", "size=1x: expected a number");
	tmpfs_refused("/t:size=1kk", "size=1kk: expected a number");
	tmpfs_refused("/t:size=-1", "size=-1: expected a number");
	tmpfs_refused("/t:size=1025g", "size=1025g: above 1 TiB");
	tmpfs_refused("/t:size=1099511627777", "above 1 TiB");
	tmpfs_refused("/t:size=99999999999999999999999", "above 1 TiB");
	tmpfs_refused("/t:mode=8", "mode=8: expected octal 0 to 7777");
	tmpfs_refused("/t:mode=17777", "mode=17777: expected octal");
	tmpfs_refused("/t:mode=", "mode=: expected octal");
	tmpfs_refused("/t:mode=-1", "mode=-1: expected octal");
	tmpfs_refused("/t:mode= 7", "expected octal");
	tmpfs_refused("/t:uid=0", "unknown option \"uid=0\"");
	tmpfs_refused("/t:size=1m:ro", "size=1m:ro: expected a number");
}

static void test_tmpfs_cli(void)
{
	static struct tmpfs_arg t[XP_TMPFS_MAX + 1];
	struct mount_arg m[1];
	const char *targs[XP_TMPFS_MAX + 1] = { NULL },
					 *margs[1] = { "/h:/data" };
	char why[600], arg[32];

	CU_ASSERT_EQUAL(
		cli_tmpfs_arg("/run", t, targs, 0, &t[0], why, sizeof(why)), 0);
	targs[0] = "/run";
	CU_ASSERT_EQUAL(cli_tmpfs_arg("/run/:size=1m", t, targs, 1, &t[1], why,
				      sizeof(why)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(
		why,
		"--tmpfs /run/:size=1m: /run is already taken by --tmpfs /run");
	CU_ASSERT_EQUAL(cli_tmpfs_arg("/run/x", t, targs, 1, &t[1], why,
				      sizeof(why)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(why,
			       "--tmpfs /run/x: /run/x overlaps --tmpfs /run");
	CU_ASSERT_EQUAL(cli_tmpfs_arg("/t:size=0", t, targs, 1, &t[1], why,
				      sizeof(why)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "--tmpfs /t:size=0: size=0: "));
	for (int i = 1; i < XP_TMPFS_MAX; i++) {
		snprintf(arg, sizeof(arg), "/t%d", i);
		CU_ASSERT_EQUAL(cli_tmpfs_arg(arg, t, targs, (size_t)i, &t[i],
					      why, sizeof(why)),
				0);
		targs[i] = "/tN";
	}
	CU_ASSERT_EQUAL(cli_tmpfs_arg("/t9", t, targs, XP_TMPFS_MAX,
				      &t[XP_TMPFS_MAX], why, sizeof(why)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "--tmpfs /t9: at most 8 tmpfs mounts");
	/* Against the -v mounts. */
	CU_ASSERT_EQUAL(mount_parse("/h:/data", &m[0], why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(cli_tmpfs_vs_volumes(t, targs, 2, m, margs, 1, why,
					     sizeof(why)),
			0);
	CU_ASSERT_EQUAL(cli_tmpfs_arg("/data/tmp", t, targs, 0, &t[0], why,
				      sizeof(why)),
			0);
	targs[0] = "/data/tmp";
	CU_ASSERT_EQUAL(cli_tmpfs_vs_volumes(t, targs, 1, m, margs, 1, why,
					     sizeof(why)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(
		why, "--tmpfs /data/tmp: /data/tmp overlaps -v /h:/data");
}

static void test_overlap(void)
{
	struct mount_arg a[3];
	char why[64];

	CU_ASSERT_TRUE(mount_dest_overlap("/a", "/a"));
	CU_ASSERT_TRUE(mount_dest_overlap("/a", "/a/b"));
	CU_ASSERT_TRUE(mount_dest_overlap("/a/b/c", "/a"));
	CU_ASSERT_FALSE(mount_dest_overlap("/a", "/ab"));
	CU_ASSERT_FALSE(mount_dest_overlap("/ab", "/a"));
	CU_ASSERT_FALSE(mount_dest_overlap("/a/b", "/a/c"));
	CU_ASSERT_EQUAL(mount_parse("/s:/data", &a[0], why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(mount_parse("/t:/out", &a[1], why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(mount_conflict(&a[1], a, 1), -1);
	CU_ASSERT_EQUAL(mount_parse("v1:/data/", &a[2], why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(mount_conflict(&a[2], a, 2), 0);
	CU_ASSERT_EQUAL(mount_parse("v1:/out/x", &a[2], why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(mount_conflict(&a[2], a, 2), 1);
}

/* The CLI's -v: the syntax, the host directory, the mounts before it. */
static void test_cli_arg(void)
{
	struct mount_arg m[XP_MOUNTS_MAX + 1];
	const char *args[XP_MOUNTS_MAX + 1];
	char arg[256], file[128], why[600];

	snprintf(file, sizeof(file), "%s/file", root);
	fclose(fopen(file, "w"));
	snprintf(arg, sizeof(arg), "%s:/src:ro", root);
	CU_ASSERT_EQUAL(
		cli_volume_arg(arg, m, args, 0, &m[0], why, sizeof(why)), 0);
	args[0] = "ARG0";
	CU_ASSERT_TRUE(m[0].read_only);
	CU_ASSERT_EQUAL(cli_volume_arg("/nonexistent/x:/a", m, args, 1, &m[1],
				       why, sizeof(why)),
			-ENOENT);
	CU_ASSERT_STRING_EQUAL(
		why,
		"-v /nonexistent/x:/a: /nonexistent/x: No such file or directory");
	snprintf(arg, sizeof(arg), "%s:/a", file);
	CU_ASSERT_EQUAL(cli_volume_arg(arg, m, args, 1, &m[1], why,
				       sizeof(why)),
			-ENOTDIR);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "is not a directory"));
	CU_ASSERT_EQUAL(cli_volume_arg("data:/src/", m, args, 1, &m[1], why,
				       sizeof(why)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(
		why, "-v data:/src/: /src is already taken by -v ARG0");
	CU_ASSERT_EQUAL(cli_volume_arg("data:/src/in", m, args, 1, &m[1], why,
				       sizeof(why)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(why,
			       "-v data:/src/in: /src/in overlaps -v ARG0");
	CU_ASSERT_EQUAL(cli_volume_arg("bad name:/x", m, args, 1, &m[1], why,
				       sizeof(why)),
			-EINVAL);
	CU_ASSERT_EQUAL(strncmp(why, "-v bad name:/x: ", 16), 0);
	for (int i = 1; i < XP_MOUNTS_MAX; i++) {
		snprintf(arg, sizeof(arg), "v%d:/m%d", i, i);
		CU_ASSERT_EQUAL(cli_volume_arg(arg, m, args, (size_t)i, &m[i],
					       why, sizeof(why)),
				0);
		args[i] = "ARG";
	}
	CU_ASSERT_EQUAL(cli_volume_arg("v9:/m9", m, args, XP_MOUNTS_MAX,
				       &m[XP_MOUNTS_MAX], why, sizeof(why)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "-v v9:/m9: at most 8 volumes");
	unlink(file);
}

/* ---- the store ---- */

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

struct names {
	int n;
	char v[8][XP_VOLUME_NAME_MAX + 1];
};

static int collect(const struct volstore_info *vi, void *arg)
{
	struct names *nm = arg;

	if (nm->n < 8)
		snprintf(nm->v[nm->n++], sizeof(nm->v[0]), "%s", vi->name);
	return 0;
}

static void test_store(void)
{
	char state[96], vdir[128], path[PATH_MAX + 64];
	struct volstore_info vi, again;
	struct names nm = { 0 };
	struct stat sb;
	FILE *f;

	snprintf(state, sizeof(state), "%s/state", root);
	mkdir(state, 0700);
	snprintf(vdir, sizeof(vdir), "%s/volumes", state);
	/* Leftovers of a create and a removal cut short go at start. */
	mkdir(vdir, 0700);
	snprintf(path, sizeof(path), "%s/.new-abc123", vdir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.rm-abc123", vdir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.rm-abc123/deep", vdir);
	mkdir(path, 0700);
	CU_ASSERT_EQUAL_FATAL(volstore_init(state), 0);
	CU_ASSERT_EQUAL(entries(vdir), 0);
	CU_ASSERT_EQUAL(stat(vdir, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0777, 0700);

	CU_ASSERT_EQUAL(volstore_create("bad/name", &vi), -EINVAL);
	CU_ASSERT_EQUAL(volstore_get("data", &vi), -ENOENT);
	CU_ASSERT_EQUAL(volstore_create("data", &vi), 0);
	CU_ASSERT_STRING_EQUAL(vi.name, "data");
	snprintf(path, sizeof(path), "%s/data/data", vdir);
	CU_ASSERT_STRING_EQUAL(vi.path, path);
	CU_ASSERT_EQUAL(stat(vi.path, &sb), 0);
	CU_ASSERT_TRUE(S_ISDIR(sb.st_mode));
	CU_ASSERT_TRUE(vi.created_at > 0);
	CU_ASSERT_EQUAL(volstore_create("data", &again), -EEXIST);
	CU_ASSERT_EQUAL(entries(vdir), 1); /* no temporary left */
	/* Data written inside does not change when it was made. */
	snprintf(path, sizeof(path), "%s/f", vi.path);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("kept", f);
	fclose(f);
	CU_ASSERT_EQUAL(volstore_get("data", &again), 0);
	CU_ASSERT_EQUAL(again.created_at, vi.created_at);
	/* It survives a restart (a new init). */
	CU_ASSERT_EQUAL(volstore_init(state), 0);
	CU_ASSERT_EQUAL(volstore_get("data", &again), 0);
	CU_ASSERT_EQUAL(access(path, R_OK), 0);

	CU_ASSERT_EQUAL(volstore_create("b2", &vi), 0);
	CU_ASSERT_EQUAL(volstore_create("a1", &vi), 0);
	/* Not a volume: a file and a name that breaks the rule are not listed. */
	snprintf(path, sizeof(path), "%s/zz", vdir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/_x", vdir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/_x/data", vdir);
	mkdir(path, 0700);
	CU_ASSERT_EQUAL(volstore_list(collect, &nm), 0);
	CU_ASSERT_EQUAL_FATAL(nm.n, 3);
	CU_ASSERT_STRING_EQUAL(nm.v[0], "a1");
	CU_ASSERT_STRING_EQUAL(nm.v[1], "b2");
	CU_ASSERT_STRING_EQUAL(nm.v[2], "data");
	CU_ASSERT_EQUAL(volstore_get("zz", &vi), -ENOENT);

	/* Removal takes the data, and a link inside does not lead out. */
	CU_ASSERT_EQUAL(volstore_get("data", &vi), 0);
	snprintf(path, sizeof(path), "%s/out", vi.path);
	CU_ASSERT_EQUAL(symlink(state, path), 0);
	CU_ASSERT_EQUAL(volstore_remove("data"), 0);
	CU_ASSERT_EQUAL(volstore_get("data", &vi), -ENOENT);
	CU_ASSERT_EQUAL(volstore_remove("data"), -ENOENT);
	CU_ASSERT_EQUAL(stat(state, &sb), 0); /* the link's target stays */
	CU_ASSERT_EQUAL(volstore_remove("a1"), 0);
	CU_ASSERT_EQUAL(volstore_remove("b2"), 0);
	CU_ASSERT_EQUAL(entries(vdir), 2); /* zz and _x, not ours */
	snprintf(path, sizeof(path), "%s/zz", vdir);
	unlink(path);
	nm.n = 0;
	CU_ASSERT_EQUAL(volstore_list(collect, &nm),
			0); /* none: an empty list */
	CU_ASSERT_EQUAL(nm.n, 0);
	snprintf(path, sizeof(path), "%s/_x/data", vdir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/_x", vdir);
	rmdir(path);
	rmdir(vdir);
	rmdir(state);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	log_init("test_volume", true, LOG_LEVEL_WARN);
	snprintf(root, sizeof(root), "/tmp/test_volume.XXXXXX");
	if (!mkdtemp(root))
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("volume", NULL, NULL);
	CU_add_test(s, "names", test_names);
	CU_add_test(s, "parse", test_parse);
	CU_add_test(s, "parse_bad", test_parse_bad);
	CU_add_test(s, "overlap", test_overlap);
	CU_add_test(s, "tmpfs_parse", test_tmpfs_parse);
	CU_add_test(s, "tmpfs_parse_bad", test_tmpfs_parse_bad);
	CU_add_test(s, "tmpfs_cli", test_tmpfs_cli);
	CU_add_test(s, "cli_arg", test_cli_arg);
	CU_add_test(s, "store", test_store);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	rmdir(root);
	return fails ? 1 : 0;
}
