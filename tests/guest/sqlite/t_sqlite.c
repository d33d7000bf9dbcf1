/* SPDX-License-Identifier: MIT */
/* t_sqlite: Debian's static sqlite on a file database with default locking, across processes. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int print_row(void *arg, int n, char **vals, char **names)
{
	for (int i = 0; i < n; i++)
		printf("%s%s=%s", i ? " " : "  ", names[i],
		       vals[i] ? vals[i] : "NULL");
	printf("\n");
	return 0;
}

static void run(sqlite3 *db, const char *who, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, print_row, NULL, &err);

	printf("%s: %s -> %s%s%s\n", who, sql, sqlite3_errstr(rc),
	       err ? ": " : "", err ? err : "");
	sqlite3_free(err);
}

static sqlite3 *open_db(void)
{
	sqlite3 *db;

	if (sqlite3_open("test.db", &db) != SQLITE_OK) {
		printf("open: %s\n", sqlite3_errmsg(db));
		_exit(1);
	}
	return db;
}

/* The second process: its own program, not a fork (sqlite's connections
 * must not cross a fork). fd 3 says "committed", fd 4 answers "tried". */
static int child(void)
{
	sqlite3 *cdb = open_db();
	char c;

	run(cdb, "child", "SELECT v FROM t WHERE k = 1");
	run(cdb, "child", "INSERT INTO t(v) VALUES('child')");
	write(4, "x", 1);
	read(3, &c, 1);
	run(cdb, "child", "SELECT v FROM t WHERE k = 1");
	run(cdb, "child", "INSERT INTO t(v) VALUES('child')");
	sqlite3_close(cdb);
	return 0;
}

int main(int argc, char **argv)
{
	int go[2], done[2], st;
	sqlite3 *db;
	char c;
	pid_t p;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "child"))
		return child();
	unlink("test.db");
	db = open_db();
	run(db, "parent", "PRAGMA journal_mode");
	run(db, "parent", "CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT)");
	run(db, "parent", "BEGIN");
	for (int i = 1; i <= 100; i++) {
		char sql[96];

		snprintf(sql, sizeof(sql), "INSERT INTO t(v) VALUES('row %d')",
			 i);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			printf("insert %d: %s\n", i, sqlite3_errmsg(db));
	}
	run(db, "parent", "COMMIT");
	run(db, "parent", "SELECT count(*), sum(k), max(v) FROM t");
	/* The parent holds the write lock; a second process is refused. */
	pipe(go);
	pipe(done);
	run(db, "parent", "BEGIN EXCLUSIVE");
	run(db, "parent", "UPDATE t SET v = 'changed' WHERE k = 1");
	p = fork();
	if (p == 0) {
		dup2(go[0], 3);
		dup2(done[1], 4);
		execl(argv[0], argv[0], "child", (char *)NULL);
		_exit(127);
	}
	read(done[0], &c, 1);
	run(db, "parent", "COMMIT");
	write(go[1], "x", 1);
	waitpid(p, &st, 0);
	run(db, "parent", "SELECT count(*), max(k) FROM t");
	run(db, "parent", "PRAGMA integrity_check");
	sqlite3_close(db);
	unlink("test.db");
	printf("done\n");
	return 0;
}
