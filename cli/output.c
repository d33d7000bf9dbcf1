/* SPDX-License-Identifier: MIT */
/* output: aligned text tables for the CLI's listings. */
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void table_init(struct table *t, size_t ncols, const char *const *heads)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols < TABLE_MAX_COLS ? ncols : TABLE_MAX_COLS;
	for (size_t i = 0; i < t->ncols; i++) {
		t->right[i] = heads[i][0] == '>';
		t->heads[i] = heads[i] + t->right[i];
	}
}

int table_add(struct table *t, const char *const *row)
{
	char **cells =
		realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*cells));
	char **r;

	if (!cells)
		return -ENOMEM;
	t->cells = cells;
	r = cells + t->nrows * t->ncols;
	for (size_t i = 0; i < t->ncols; i++) {
		r[i] = strdup(row[i] ? row[i] : "-");
		if (!r[i]) {
			while (i--)
				free(r[i]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

static void print_row(const struct table *t, const char *const *row,
		      const size_t *width, FILE *f)
{
	for (size_t i = 0; i < t->ncols; i++) {
		int w = (int)width[i];
		bool last = i + 1 == t->ncols;

		if (t->right[i])
			fprintf(f, "%*s", w, row[i]);
		else
			fprintf(f, "%-*s", last ? 0 : w, row[i]);
		fputs(last ? "\n" : "  ", f);
	}
}

void table_print(const struct table *t, FILE *f)
{
	size_t width[TABLE_MAX_COLS];

	for (size_t i = 0; i < t->ncols; i++) {
		width[i] = strlen(t->heads[i]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t n = strlen(t->cells[r * t->ncols + i]);

			if (n > width[i])
				width[i] = n;
		}
	}
	print_row(t, t->heads, width, f);
	for (size_t r = 0; r < t->nrows; r++)
		print_row(t, (const char *const *)t->cells + r * t->ncols,
			  width, f);
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}
