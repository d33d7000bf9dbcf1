/* SPDX-License-Identifier: MIT */
/* getent: a static "getent hosts NAME..." on musl's resolver (/etc/hosts, then /etc/resolv.conf's servers). */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Usage: getent hosts NAME...; prints "ADDRESS NAME" per name; exit 2 if one is not found (glibc's getent). */
int main(int argc, char **argv)
{
	int rc = 0;

	if (argc < 3 || strcmp(argv[1], "hosts")) {
		fprintf(stderr, "usage: getent hosts NAME...\n");
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		struct addrinfo hints = { .ai_family = AF_UNSPEC,
					  .ai_socktype = SOCK_STREAM };
		struct addrinfo *res;
		char addr[INET6_ADDRSTRLEN];
		const void *a;
		int e = getaddrinfo(argv[i], NULL, &hints, &res);

		if (e) {
			fprintf(stderr, "getent: %s: %s\n", argv[i],
				gai_strerror(e));
			rc = 2;
			continue;
		}
		if (res->ai_family == AF_INET6)
			a = &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
		else
			a = &((struct sockaddr_in *)res->ai_addr)->sin_addr;
		inet_ntop(res->ai_family, a, addr, sizeof(addr));
		printf("%s\t%s\n", addr, argv[i]);
		freeaddrinfo(res);
	}
	return rc;
}
