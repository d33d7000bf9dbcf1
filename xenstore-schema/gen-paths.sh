#!/bin/sh
# SPDX-License-Identifier: MIT
# gen-paths.sh: xenpod-paths.pandoc -> xenstore-paths.h (path constants for daemon and guest).
# usage: gen-paths.sh xenpod-paths.pandoc > xenstore-paths.h
#
# Every "#### ~/PATH = VALUES [TAGS]" heading becomes
#   #define XSP_PATH "PATH"        (relative to the domain's home)
# and every directory above a listed path becomes XSP_DIR_PATH. A $NAME
# component (any one name, as in Xen's xenstore-paths) makes a printf format:
#   ~/data/xenpod/t/$NAME  ->  #define XSP_DATA_XENPOD_T_NAME_FMT "data/xenpod/t/%s"
# A guest resolves relative xenstore paths against its own home; the daemon
# prefixes XSP_HOME_FMT.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 xenpod-paths.pandoc" >&2; exit 2; }
[ -r "$1" ] || { echo "$0: cannot read $1" >&2; exit 1; }

awk -v src="$(basename "$1")" '
function cname(p,   s) {
	s = toupper(p)
	gsub(/\$/, "", s)
	gsub(/[^A-Z0-9]/, "_", s)
	return s (p ~ /\$/ ? "_FMT" : "")
}
function cval(p,   s) {
	s = p
	gsub(/\$[A-Z][A-Z0-9_]*/, "%s", s)
	return s
}
function fail(msg) {
	printf("%s:%d: %s\n", src, NR, msg) > "/dev/stderr"
	bad = 1
	exit 1
}
BEGIN {
	print "/* SPDX-License-Identifier: MIT */"
	print "/* xenstore-paths.h: generated from " src " by gen-paths.sh; do not edit. */"
	print "#ifndef XENPOD_XENSTORE_PATHS_H"
	print "#define XENPOD_XENSTORE_PATHS_H"
	print ""
	print "/* A domain'"'"'s home, printf format taking the domid (unsigned). */"
	print "#define XSP_HOME_FMT \"/local/domain/%u\""
	print ""
}
/^####[ \t]/ {
	line = $0
	sub(/^####[ \t]+/, "", line)
	if (line !~ /^~\//)
		fail("path must start with ~/: " line)
	path = line
	sub(/[ \t].*$/, "", path)
	sub(/^~\//, "", path)
	if (path !~ /^([a-z0-9_-]+|\$[A-Z][A-Z0-9_]*)(\/([a-z0-9_-]+|\$[A-Z][A-Z0-9_]*))*$/)
		fail("bad path: " path)
	if (path in seen)
		fail("duplicate path: " path)
	seen[path] = 1
	desc = line
	gsub(/\*\//, "* /", desc)
	printf("/* %s */\n#define XSP_%s \"%s\"\n", desc, cname(path), cval(path))
	n = split(path, part, "/")
	d = ""
	for (i = 1; i < n; i++) {
		d = d (i > 1 ? "/" : "") part[i]
		if (!(d in dirs)) {
			dirs[d] = 1
			dirorder[++ndirs] = d
		}
	}
	npaths++
}
END {
	if (bad)
		exit 1
	if (!npaths) {
		printf("%s: no #### ~/PATH headings\n", src) > "/dev/stderr"
		exit 1
	}
	print ""
	print "/* Directories above the listed paths. */"
	for (i = 1; i <= ndirs; i++)
		if (!(dirorder[i] in seen))
			printf("#define XSP_DIR_%s \"%s\"\n", cname(dirorder[i]), cval(dirorder[i]))
	print ""
	print "#endif"
}
' "$1"
