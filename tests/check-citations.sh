#!/bin/sh
# SPDX-License-Identifier: MIT
# check-citations.sh: every reliability row and fuzz finding the sources cite is defined in docs/.
#
# usage: check-citations.sh [SRCDIR]   (make check passes $srcdir)
# A reliability row is cited as R followed by its number ("(R8)", "R13-R15", "R14 ..."), a
# fuzz finding as F followed by its number; a range "Ra-Rb" cites every row from a to b. Rows
# are defined by the "**R<number>:" paragraphs of docs/RELIABILITY.md, findings by the
# "**F<number>:" paragraphs of docs/FUZZING.md. Scanned: the text files of daemon, cli, guest,
# tests, scripts, xenstore-schema and man, README and the build files; not test inputs
# (tests/fuzz/corpus, tests/fuzz/crashes, tests/data, *.golden, *.out). Register dumps in the
# guest ("R8  %016lx") are not citations. Prints each undefined citation as FILE:LINE and
# exits 1 if there is one, 2 on usage errors.
top=${1:-${srcdir:-.}}
rel=$top/docs/RELIABILITY.md
fz=$top/docs/FUZZING.md
for f in "$rel" "$fz"; do
	[ -r "$f" ] || { echo "check-citations.sh: cannot read $f" >&2; exit 2; }
done
rows=$(sed -n 's/^\*\*R\([0-9][0-9]*\):.*/\1/p' "$rel" | tr '\n' ' ')
finds=$(sed -n 's/^\*\*F\([0-9][0-9]*\):.*/\1/p' "$fz" | tr '\n' ' ')
[ -n "$rows" ] || { echo "check-citations.sh: no rows defined in $rel" >&2; exit 2; }
[ -n "$finds" ] || { echo "check-citations.sh: no findings defined in $fz" >&2; exit 2; }

cd "$top" || exit 2
paths=
for p in daemon cli guest tests scripts xenstore-schema man README Makefile.am configure.ac; do
	[ -e "$p" ] && paths="$paths $p"
done
# shellcheck disable=SC2086
grep -rInE --exclude='*.golden' --exclude='*.out' \
	'(^|[^A-Za-z0-9_])[RF][0-9]+([^A-Za-z0-9_]|$)' $paths 2>/dev/null |
	grep -vE '^(tests/fuzz/corpus|tests/fuzz/crashes|tests/data)/' |
	awk -v rows="$rows" -v finds="$finds" '
BEGIN {
	n = split(rows, a, " ")
	for (i = 1; i <= n; i++)
		row[a[i] + 0] = 1
	n = split(finds, a, " ")
	for (i = 1; i <= n; i++)
		find[a[i] + 0] = 1
}
function cite(kind, id, where) {
	id += 0
	cited[kind]++
	if ((kind == "R" && !row[id]) || (kind == "F" && !find[id])) {
		printf "%s: cites %s%d, which %s does not define\n", where, kind, id,
			kind == "R" ? "docs/RELIABILITY.md" : "docs/FUZZING.md"
		bad++
	}
}
{
	# FILE:LINE:TEXT
	i = index($0, ":")
	j = index(substr($0, i + 1), ":")
	where = substr($0, 1, i + j - 1)
	s = substr($0, i + j + 1)
	gsub(/R[0-9]+ +%/, "", s)	# register dumps
	while (match(s, /(^|[^A-Za-z0-9_])[RF][0-9]+(-[RF][0-9]+)?([^A-Za-z0-9_]|$)/)) {
		m = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH - 1)
		sub(/^[^RF]*/, "", m)
		kind = substr(m, 1, 1)
		sub(/[^0-9]$/, "", m)
		lo = hi = substr(m, 2)
		if ((k = index(lo, "-")) > 0) {
			hi = substr(lo, k + 2)
			lo = substr(lo, 1, k - 1)
			if (substr(m, k + 2, 1) != kind)
				hi = lo	# "R3-F4": not a range
		}
		if (hi - lo > 30)
			hi = lo
		for (id = lo + 0; id <= hi + 0; id++)
			cite(kind, id, where)
	}
}
END {
	printf "check-citations: %d citations of reliability rows, %d of fuzz findings, %d undefined\n",
		cited["R"], cited["F"], bad
	exit bad ? 1 : 0
}'
