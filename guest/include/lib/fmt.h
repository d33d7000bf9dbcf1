/* SPDX-License-Identifier: MIT */
/* fmt.h: freestanding printf-style formatting (guest lib, host-testable). */
#ifndef GUEST_LIB_FMT_H
#define GUEST_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Conversions: %d %i %u %x %X %o %c %s %p %%, length modifiers hh h l ll z
 * t j, flags - 0 + space #, width and precision (also *). Unknown
 * conversions are copied verbatim. Output is always NUL-terminated when
 * cap > 0. Returns the length the full output would have (like C99).
 */
int fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
