#!/bin/sh
# SPDX-License-Identifier: MIT
# check-paths.sh: fail when C code uses a xenstore path literal the schema does not list.
# usage: check-paths.sh [SRC_DIR...]   (default: $srcdir/daemon $srcdir/guest)
#
# A string literal counts as a xenstore path when it starts with /local/domain,
# with ~/, or with a top-level home directory (data/ xenpod/ control/ console/
# device/ memory/ attr/ drivers/ feature/ image/ error/). Its home-relative part
# must be a path listed in xenpod-paths.pandoc or a directory above one,
# compared name by name: a schema $NAME matches any name, and so does a
# printf conversion ("%s", "%u") in the code's literal.
# Code should use the XSP_* constants of xenstore-paths.h instead of literals.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
schema=$here/xenpod-paths.pandoc
top=${srcdir:-$here/..}
[ $# -gt 0 ] || set -- "$top/daemon" "$top/guest"

allowed=$(awk '/^####[ \t]+~\// {
	p = $2; sub(/^~\//, "", p); print p
	n = split(p, part, "/"); d = ""
	for (i = 1; i < n; i++) { d = d (i > 1 ? "/" : "") part[i]; print d }
}' "$schema" | sort -u)
if [ -z "$allowed" ]; then
	echo "FAIL: xenstore schema - no paths found in $schema"
	exit 1
fi

fails=0
for dir in "$@"; do
	name=$(basename "$dir")
	if [ ! -d "$dir" ]; then
		echo "FAIL: xenstore paths in $name - no such directory: $dir"
		fails=$((fails + 1))
		continue
	fi
	bad=$(find "$dir" -type f \( -name '*.c' -o -name '*.h' \) \
		! -name xenstore-paths.h -print | sort |
		while read -r f; do
			grep -n -o '"[^"]*"' "$f" /dev/null || true
		done |
		awk -v allowed="$allowed" '
		BEGIN { na = split(allowed, a, "\n") }
		function listed(p,   i, j, n, m, pc, ac, hit) {
			n = split(p, pc, "/")
			for (i = 1; i <= na; i++) {
				if (a[i] == p)
					return 1
				m = split(a[i], ac, "/")
				if (m != n)
					continue
				hit = 1
				for (j = 1; j <= n && hit; j++)
					if (pc[j] != ac[j] && ac[j] !~ /^\$/ && pc[j] !~ /%/)
						hit = 0
				if (hit)
					return 1
			}
			return 0
		}
		{
			lit = $0; sub(/^[^:]*:[0-9]+:"/, "", lit); sub(/"$/, "", lit)
			where = $0; sub(/:"[^"]*"$/, "", where)
			rest = ""
			if (lit ~ /^\/local\/domain(\/|$)/) {
				rest = lit; sub(/^\/local\/domain(\/[^\/]*)?\/?/, "", rest)
				if (rest == "") next
			} else if (lit ~ /^~\//) {
				rest = substr(lit, 3)
			} else if (lit ~ /^(data|xenpod|control|console|device|memory|attr|drivers|feature|image|error)\/[A-Za-z0-9_.%\/-]*$/) {
				rest = lit
			} else
				next
			sub(/\/$/, "", rest)
			if (rest != "" && !listed(rest)) print where ": \"" lit "\""
		}')
	if [ -n "$bad" ]; then
		echo "FAIL: xenstore paths in $name - not in xenpod-paths.pandoc:"
		echo "$bad" | sed 's/^/    /'
		fails=$((fails + 1))
	else
		echo "PASS: xenstore paths in $name"
	fi
done
[ "$fails" -eq 0 ]
