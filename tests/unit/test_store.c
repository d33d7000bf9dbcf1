/* SPDX-License-Identifier: MIT */
/* test_store: atomic state files, loading, quarantine of corrupt files, stray temporaries. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "json.h"
#include "log.h"
#include "store.h"

static char root[64];
static char pods[128], quar[128];

static int count(const char *dir)
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

static void put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", pods, name);
	f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

struct seen {
	int n;
	char names[8][64];
	int64_t vals[8];
};

static int cb(const char *name, struct json *j, void *arg, char *why,
	      size_t whysz)
{
	struct seen *s = arg;
	int64_t v = 0;

	if (!json_int(json_get(j, "v"), &v)) {
		snprintf(why, whysz, "no v");
		json_free(j);
		return -EINVAL;
	}
	if (s->n < 8) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
		s->vals[s->n++] = v;
	}
	json_free(j);
	return 0;
}

static void setup(void)
{
	char cmd[128];

	if (root[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
	snprintf(root, sizeof(root), "/tmp/xenpod-store.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
	snprintf(pods, sizeof(pods), "%s/st/pods", root);
	snprintf(quar, sizeof(quar), "%s/st/quarantine", root);
}

static void test_save_load(void)
{
	char dir[128];
	struct seen s = { 0 };

	setup();
	snprintf(dir, sizeof(dir), "%s/st", root);
	CU_ASSERT_EQUAL_FATAL(store_init(dir), 0);
	CU_ASSERT_EQUAL(store_save("a", "{\"v\":1}", 7), 0);
	CU_ASSERT_EQUAL(store_save("a", "{\"v\":2}", 7), 0); /* replaces */
	CU_ASSERT_EQUAL(store_save("b", "{\"v\":3}", 7), 0);
	CU_ASSERT_EQUAL(count(pods), 2); /* no temporaries left */
	CU_ASSERT_EQUAL(store_load_all(cb, &s), 0);
	CU_ASSERT_EQUAL(s.n, 2);
	for (int i = 0; i < s.n; i++)
		CU_ASSERT(s.vals[i] == (strcmp(s.names[i], "a") ? 3 : 2));
	CU_ASSERT_EQUAL(store_remove("a"), 0);
	CU_ASSERT_EQUAL(store_remove("a"), 0); /* missing is fine */
	CU_ASSERT_EQUAL(count(pods), 1);
	CU_ASSERT_EQUAL(store_save("../evil", "{}", 2), -EINVAL);
	CU_ASSERT_EQUAL(store_save(".hidden", "{}", 2), -EINVAL);
	CU_ASSERT_EQUAL(store_save("x/y", "{}", 2), -EINVAL);
	store_dispose();
}

static void test_quarantine(void)
{
	char dir[128];
	struct seen s = { 0 };

	setup();
	snprintf(dir, sizeof(dir), "%s/st", root);
	CU_ASSERT_EQUAL_FATAL(store_init(dir), 0);
	put("good.json", "{\"v\":5}");
	put("trunc.json", "{\"v\":");
	put("empty.json", "");
	put("array.json", "[1]");
	put("nov.json", "{\"w\":1}"); /* the callback rejects it */
	put("README", "not a state file");
	put(".x.json.tmp", "{\"v\":"); /* a write cut short by a crash */
	store_dispose();
	CU_ASSERT_EQUAL_FATAL(store_init(dir), 0);
	CU_ASSERT_EQUAL(count(pods), 6); /* the stray .tmp is gone */
	CU_ASSERT_EQUAL(store_load_all(cb, &s), 0);
	CU_ASSERT_EQUAL(s.n, 1);
	CU_ASSERT_STRING_EQUAL(s.names[0], "good");
	CU_ASSERT_EQUAL(count(quar), 4);
	CU_ASSERT_EQUAL(count(pods), 2); /* good.json and README */
	store_dispose();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;
	char cmd[128];

	log_init("test", true, LOG_LEVEL_ERR);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("store", NULL, NULL);
	CU_add_test(s, "save_load", test_save_load);
	CU_add_test(s, "quarantine", test_quarantine);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	if (root[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
		if (system(cmd) != 0)
			fails++;
	}
	return fails ? 1 : 0;
}
