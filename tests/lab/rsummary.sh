#!/bin/sh
# SPDX-License-Identifier: MIT
# rsummary.sh: one line per docs/RELIABILITY.md R-number with the pass/fail counts found in test logs.
#
# usage: rsummary.sh LOG...
# Counts the "PASS: NAME" / "FAIL: NAME - why" lines whose NAME carries R-numbers, written
# "(R8)", "(R1, R2)" or as a leading word "R13 ..."; untagged fuzzer lines ("PASS: fuzz: fuzz_x",
# "PASS: tests/fuzz/fuzz_x") count for R20, the channel's ring tests (test_vchan_ring,
# test_chan, fuzz_vchan...) for R3. Prints "R8: 40 passed, 0 failed" for each
# row of the table, "R7: no checks" for a row no log covers, and exits 1 if any check failed
# or a row has no checks, 2 on usage errors.
[ $# -gt 0 ] || { echo "usage: rsummary.sh LOG..." >&2; exit 2; }
for f in "$@"; do
	[ -r "$f" ] || { echo "rsummary.sh: cannot read $f" >&2; exit 2; }
done
# The rows are the ones docs/RELIABILITY.md defines ("**Rn: ...**"), up to
# its section on features not built yet, whose rows have no checks so far.
doc=${RELIABILITY_DOC:-$(dirname "$0")/../../docs/RELIABILITY.md}
rows=$(sed -n '/^## Future features/q; s/^\*\*R\([0-9][0-9]*\):.*/\1/p' "$doc" 2>/dev/null | tr '\n' ' ')
[ -n "$rows" ] || { echo "rsummary.sh: no rows found in $doc" >&2; exit 2; }
cat "$@" | tr -d '\r' | awk -v rows="$rows" '
function add(id, ok) {
	if (ok)
		pass[id]++
	else
		fail[id]++
	seen[id] = 1
}
function count(name, ok,    s, id, n) {
	s = name
	n = 0
	while (match(s, /(^|[^A-Za-z0-9])R[0-9]+([^A-Za-z0-9]|$)/)) {
		id = substr(s, RSTART, RLENGTH)
		gsub(/[^0-9]/, "", id)
		add(id + 0, ok)
		n++
		s = substr(s, RSTART + RLENGTH - 1)
	}
	if (n)
		return
	# Checks that carry no R-number: the fuzzers (corpus replay in make check, timed
	# runs in scripts/test) are R20; the grant-ring unit tests and fuzzer are R3.
	if (name ~ /(^|\/|: )fuzz_/)
		add(20, ok)
	if (name ~ /(test|fuzz)_(vchan|chan)/)
		add(3, ok)
}
{
	line = $0
	sub(/^.*(PASS|FAIL): /, "&", line)
	if (match(line, /(^|[^A-Za-z])PASS: /))
		ok = 1
	else if (match(line, /(^|[^A-Za-z])FAIL: /))
		ok = 0
	else
		next
	name = substr(line, RSTART + RLENGTH)
	# The name ends where the reason begins (" - why"), if there is one.
	if ((i = index(name, " - ")) > 0)
		name = substr(name, 1, i - 1)
	count(name, ok)
}
END {
	n = split(rows, r, " ")
	bad = 0
	for (i = 1; i <= n; i++) {
		id = r[i] + 0
		listed[id] = 1
		if (!seen[id]) {
			printf "R%d: no checks\n", id
			bad = 1
			continue
		}
		printf "R%d: %d passed, %d failed\n", id, pass[id], fail[id]
		if (fail[id])
			bad = 1
	}
	for (id in seen)
		if (!listed[id])
			printf "R%d: %d passed, %d failed (not a row of docs/RELIABILITY.md)\n", id, pass[id], fail[id]
	exit bad
}'
