/* SPDX-License-Identifier: MIT */
/* fuzz.h: the libFuzzer entry points every fuzz target defines, and small helpers they share. */
#ifndef XENPOD_FUZZ_H
#define XENPOD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional (weak): one-time set-up, and tear-down for the replay driver (leak checks). */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
void LLVMFuzzerCleanup(void) __attribute__((weak));

/*
 * Split data at the separator byte sequence "\n----\n" into at most max
 * parts; parts[i]/lens[i] point into data. Returns the number of parts.
 * Lets one input carry several fields (a guest's several xenstore nodes).
 */
size_t fuzz_split(const uint8_t *data, size_t size, const uint8_t **parts,
		  size_t *lens, size_t max);
/* A NUL-terminated malloc'd copy of data[0..size) (aborts on ENOMEM). */
char *fuzz_strndup(const uint8_t *data, size_t size);
/* mkdtemp under $TMPDIR (or /dev/shm, else /tmp), removed at exit; aborts on failure. */
void fuzz_tmpdir(char *buf, size_t bufsz, const char *tag);
/* rm -rf of the contents of dir (not dir itself); paths stay below dir. */
void fuzz_empty_dir(const char *dir);
/* Write data to path (created 0644); aborts on failure. */
void fuzz_write(const char *path, const void *data, size_t size);

#endif
