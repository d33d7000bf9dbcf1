/* SPDX-License-Identifier: MIT */
/* printf.c: freestanding vsnprintf for the kernel console and init. */
#include <stdbool.h>
#include <stdint.h>

#include "lib/fmt.h"
#include "lib/string.h"

struct out {
	char *buf;
	size_t cap;
	size_t len; /* the length the full output would have */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void put_n(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int prec; /* -1: none */
	int size; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
};

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	size_t n;

	if (!s)
		s = "(null)";
	n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	if (!sp->left)
		put_n(o, ' ', sp->width - (int)n);
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		put_n(o, ' ', sp->width - (int)n);
}

static void put_num(struct out *o, const struct spec *sp, unsigned long long v,
		    bool neg, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, pad, zeros = 0;
	char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	const char *prefix = "";

	if (sp->alt && base == 16 && v)
		prefix = upper ? "0X" : "0x";
	else if (sp->alt && base == 8)
		prefix = "0";
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	if (sp->prec > n)
		zeros = sp->prec - n;
	pad = sp->width - n - zeros - (sign ? 1 : 0) - (int)strlen(prefix);
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!sp->left)
		put_n(o, ' ', pad);
	if (sign)
		put(o, sign);
	for (; *prefix; prefix++)
		put(o, *prefix);
	put_n(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		put_n(o, ' ', pad);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	for (;; f++) {
		if (*f == 'l')
			sp->size++;
		else if (*f == 'h')
			sp->size--;
		else if (*f == 'z' || *f == 't' || *f == 'j')
			sp->size = 1;
		else
			break;
	}
	return f;
}

static unsigned long long arg_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->size >= 2)
		return va_arg(*ap, unsigned long long);
	if (sp->size == 1)
		return va_arg(*ap, unsigned long);
	if (sp->size == -1)
		return (unsigned short)va_arg(*ap, unsigned int);
	if (sp->size <= -2)
		return (unsigned char)va_arg(*ap, unsigned int);
	return va_arg(*ap, unsigned int);
}

static long long arg_signed(const struct spec *sp, va_list *ap)
{
	if (sp->size >= 2)
		return va_arg(*ap, long long);
	if (sp->size == 1)
		return va_arg(*ap, long);
	if (sp->size == -1)
		return (short)va_arg(*ap, int);
	if (sp->size <= -2)
		return (signed char)va_arg(*ap, int);
	return va_arg(*ap, int);
}

/* Handles one conversion; returns false if c is not a known conversion. */
static bool convert(struct out *o, struct spec *sp, char c, va_list *ap)
{
	long long s;
	char ch[2] = { 0, 0 };

	switch (c) {
	case 'd':
	case 'i':
		s = arg_signed(sp, ap);
		put_num(o, sp,
			s < 0 ? 0ull - (unsigned long long)s :
				(unsigned long long)s,
			s < 0, 10, false);
		return true;
	case 'u':
		put_num(o, sp, arg_unsigned(sp, ap), false, 10, false);
		return true;
	case 'x':
	case 'X':
		put_num(o, sp, arg_unsigned(sp, ap), false, 16, c == 'X');
		return true;
	case 'o':
		put_num(o, sp, arg_unsigned(sp, ap), false, 8, false);
		return true;
	case 'p':
		sp->alt = true;
		sp->size = 1;
		put_num(o, sp, (uintptr_t)va_arg(*ap, void *), false, 16,
			false);
		return true;
	case 'c':
		ch[0] = (char)va_arg(*ap, int);
		sp->prec = 1;
		put_str(o, sp, ch);
		return true;
	case 's':
		put_str(o, sp, va_arg(*ap, const char *));
		return true;
	case '%':
		put(o, '%');
		return true;
	default:
		return false;
	}
}

int fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct out o = { buf, cap, 0 };
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &aq);
		if (*fmt && convert(&o, &sp, *fmt, &aq)) {
			fmt++;
			continue;
		}
		/* Unknown conversion: copy it verbatim. */
		while (start < fmt)
			put(&o, *start++);
		if (*fmt)
			put(&o, *fmt++);
	}
	va_end(aq);
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int fmt_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}
