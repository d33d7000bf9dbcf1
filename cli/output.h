/* SPDX-License-Identifier: MIT */
/* output: aligned text tables for the CLI's listings. */
#ifndef XENPOD_CLI_OUTPUT_H
#define XENPOD_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TABLE_MAX_COLS 16

struct table {
	size_t ncols;
	const char *heads[TABLE_MAX_COLS];
	bool right[TABLE_MAX_COLS]; /* right-align (numbers) */
	char **cells; /* nrows * ncols owned strings */
	size_t nrows;
};

/* heads: ncols titles; a title starting with '>' is right-aligned. */
void table_init(struct table *t, size_t ncols, const char *const *heads);
/* Append a row of ncols strings (copied; NULL prints "-"). 0 or -ENOMEM. */
int table_add(struct table *t, const char *const *row);
/* Print the header and rows, columns padded to their widest cell. */
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

#endif
