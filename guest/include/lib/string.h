/* SPDX-License-Identifier: MIT */
/* string.h: freestanding string and memory functions (guest lib, host-testable). */
#ifndef GUEST_LIB_STRING_H
#define GUEST_LIB_STRING_H

#include <stddef.h>

/*
 * Host unit tests build lib/ next to the C library, so under
 * GUEST_LIB_HOST every name gets a glib_ prefix; the guest uses the
 * standard names (the compiler emits memcpy/memset calls itself).
 */
#ifdef GUEST_LIB_HOST
#define memcpy glib_memcpy
#define memmove glib_memmove
#define memset glib_memset
#define memcmp glib_memcmp
#define memchr glib_memchr
#define strlen glib_strlen
#define strnlen glib_strnlen
#define strcmp glib_strcmp
#define strncmp glib_strncmp
#define strchr glib_strchr
#define strrchr glib_strrchr
#define strlcpy glib_strlcpy
#define strlcat glib_strlcat
#define strtou64 glib_strtou64
#endif

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Copies with truncation, always NUL-terminates if cap > 0.
 * Returns strlen(src) (truncated iff >= cap). */
size_t strlcpy(char *dst, const char *src, size_t cap);
size_t strlcat(char *dst, const char *src, size_t cap);
/*
 * Parses the whole of s[0..len) as an unsigned number in base 10 (or 16
 * with base == 16; no prefix, no sign, no spaces). Returns 0 and *out, or
 * -EINVAL (empty, stray characters) / -ERANGE (overflow of max).
 */
int strtou64(const char *s, size_t len, unsigned base, unsigned long long max,
	     unsigned long long *out);

#endif
