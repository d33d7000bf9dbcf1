/* SPDX-License-Identifier: MIT */
/* net_dns: a pod's name resolution as text: --dns, --dns-search, --dns-option, --add-host checked; its /etc/resolv.conf and /etc/hosts written. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "net.h"

int net_addr_parse(const char *s, char out[NET_ADDR_TEXT_MAX])
{
	unsigned char a[16];

	if (strlen(s) >= NET_ADDR_TEXT_MAX)
		return -EINVAL;
	if (inet_pton(AF_INET, s, a) == 1)
		return inet_ntop(AF_INET, a, out, NET_ADDR_TEXT_MAX) ? 0 :
								       -EINVAL;
	if (inet_pton(AF_INET6, s, a) == 1)
		return inet_ntop(AF_INET6, a, out, NET_ADDR_TEXT_MAX) ? 0 :
									-EINVAL;
	return -EINVAL;
}

static bool label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool net_domain_valid(const char *s)
{
	size_t len = strlen(s), label = 0;

	if (!len || len > NET_DOMAIN_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (!label)
				return false; /* "", ".a", "a..b" */
			label = 0;
		} else if (!label_char(s[i]) || ++label > 63) {
			return false;
		}
	}
	return true; /* a final dot (an absolute name) is allowed */
}

bool net_dns_option_valid(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > NET_DNS_OPTION_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!label_char(s[i]) && s[i] != ':' && s[i] != '.')
			return false;
	return true;
}

int net_host_parse(const char *s, struct net_host *h, char *why, size_t whysz)
{
	const char *colon = strchr(s, ':');
	char addr[NET_ADDR_TEXT_MAX + 2];
	size_t nlen, alen;

	memset(h, 0, sizeof(*h));
	if (!colon) {
		snprintf(why, whysz, "%.300s: expected NAME:ADDRESS", s);
		return -EINVAL;
	}
	nlen = (size_t)(colon - s);
	if (nlen > NET_DOMAIN_MAX) {
		snprintf(why, whysz, "%.300s: the name is longer than %d", s,
			 NET_DOMAIN_MAX);
		return -EINVAL;
	}
	memcpy(h->name, s, nlen);
	if (!net_domain_valid(h->name) || h->name[nlen - 1] == '.') {
		snprintf(
			why, whysz,
			"%.300s: the name is not a host name (labels of [A-Za-z0-9_-] joined by dots)",
			s);
		return -EINVAL;
	}
	colon++;
	alen = strlen(colon);
	if (alen >= 2 && colon[0] == '[' && colon[alen - 1] == ']' &&
	    alen - 2 < sizeof(addr)) {
		memcpy(addr, colon + 1, alen - 2); /* docker's [IPv6] form */
		addr[alen - 2] = '\0';
	} else {
		snprintf(addr, sizeof(addr), "%.*s", (int)(sizeof(addr) - 1),
			 colon);
	}
	if (!strcmp(addr, NET_HOST_GATEWAY)) {
		snprintf(h->addr, sizeof(h->addr), "%s", NET_HOST_GATEWAY);
		return 0;
	}
	if (strlen(colon) >= sizeof(addr) || net_addr_parse(addr, h->addr)) {
		snprintf(
			why, whysz,
			"%.300s: expected an IPv4 or IPv6 address or %s after the name",
			s, NET_HOST_GATEWAY);
		return -EINVAL;
	}
	return 0;
}

static bool loopback(const char *addr)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, addr, a) == 1)
		return a[0] == 127;
	return !strcmp(addr, "::1");
}

/* The next whitespace-separated word of a line; NULL at its end. */
static const char *word(const char **sp, size_t *len)
{
	const char *s = *sp;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '\n' || *s == '#' || *s == ';')
		return NULL;
	*len = strcspn(s, " \t\n");
	*sp = s + *len;
	return s;
}

static bool word_is(const char *w, size_t len, const char *kw)
{
	return len == strlen(kw) && !memcmp(w, kw, len);
}

static void host_line(const char *s, struct net_dns *d)
{
	char tmp[NET_DOMAIN_MAX + 2];
	const char *kw, *w;
	size_t kl, len;

	kw = word(&s, &kl);
	if (!kw)
		return;
	if (word_is(kw, kl, "nameserver")) {
		w = word(&s, &len);
		if (!w || len >= sizeof(tmp) || d->n_servers == NET_DNS_MAX)
			return;
		snprintf(tmp, sizeof(tmp), "%.*s", (int)len, w);
		if (!loopback(tmp) &&
		    !net_addr_parse(tmp, d->servers[d->n_servers]))
			d->n_servers++;
		return;
	}
	if (word_is(kw, kl, "search") || word_is(kw, kl, "domain")) {
		d->n_search = 0; /* the last of them wins, as in glibc */
		while ((w = word(&s, &len)) &&
		       d->n_search < NET_DNS_SEARCH_MAX) {
			if (len > NET_DOMAIN_MAX)
				continue;
			memcpy(d->search[d->n_search], w, len);
			d->search[d->n_search][len] = '\0';
			if (net_domain_valid(d->search[d->n_search]))
				d->n_search++;
		}
		return;
	}
	if (word_is(kw, kl, "options")) {
		while ((w = word(&s, &len)) &&
		       d->n_options < NET_DNS_OPTIONS_MAX) {
			if (len > NET_DNS_OPTION_MAX)
				continue;
			memcpy(d->options[d->n_options], w, len);
			d->options[d->n_options][len] = '\0';
			if (net_dns_option_valid(d->options[d->n_options]))
				d->n_options++;
		}
	}
}

void net_resolv_parse(const char *text, struct net_dns *out)
{
	memset(out, 0, sizeof(*out));
	while (text && *text) {
		host_line(text, out);
		text = strchr(text, '\n');
		if (text)
			text++;
	}
}

/* Appends to buf at *off; false once it does not fit. */
static bool put(char *buf, size_t bufsz, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static bool put(char *buf, size_t bufsz, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= bufsz)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, bufsz - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= bufsz - *off) {
		*off = bufsz;
		return false;
	}
	*off += (size_t)n;
	return true;
}

int net_resolv_text(const struct net_dns *spec, const struct net_dns *host,
		    char *buf, size_t bufsz)
{
	const struct net_dns *sv = spec->n_servers ? spec : host;
	const struct net_dns *se = spec->search_set ? spec : host;
	const struct net_dns *op = spec->options_set ? spec : host;
	size_t off = 0;

	if (!bufsz)
		return -ENOSPC;
	buf[0] = '\0';
	for (unsigned i = 0; i < sv->n_servers; i++)
		put(buf, bufsz, &off, "nameserver %s\n", sv->servers[i]);
	if (se->n_search) {
		put(buf, bufsz, &off, "search");
		for (unsigned i = 0; i < se->n_search; i++)
			put(buf, bufsz, &off, " %s", se->search[i]);
		put(buf, bufsz, &off, "\n");
	}
	if (op->n_options) {
		put(buf, bufsz, &off, "options");
		for (unsigned i = 0; i < op->n_options; i++)
			put(buf, bufsz, &off, " %s", op->options[i]);
		put(buf, bufsz, &off, "\n");
	}
	return off >= bufsz ? -ENOSPC : (int)off;
}

int net_hosts_text(const char *hostname, uint32_t ip, uint32_t gateway,
		   const struct net_dns *d, char *buf, size_t bufsz)
{
	char a[16], gw[16];
	size_t off = 0;

	if (!bufsz)
		return -ENOSPC;
	net_ip_format(gateway, gw);
	put(buf, bufsz, &off,
	    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	for (unsigned i = 0; d && i < d->n_hosts; i++) {
		const char *addr = d->hosts[i].addr;

		if (!strcmp(addr, NET_HOST_GATEWAY))
			addr = gw;
		put(buf, bufsz, &off, "%s\t%s\n", addr, d->hosts[i].name);
	}
	if (ip && hostname) {
		net_ip_format(ip, a);
		put(buf, bufsz, &off, "%s\t%s\n", a, hostname);
	}
	return off >= bufsz ? -ENOSPC : (int)off;
}
