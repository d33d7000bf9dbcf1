#!/bin/sh
# SPDX-License-Identifier: MIT
# check-man.sh: every manual page in man/ must be clean under mandoc -Tlint -Wwarning.
set -u
srcdir=${srcdir:-.}
if ! command -v mandoc >/dev/null 2>&1; then
	echo "SKIP: mandoc not installed"
	exit 77
fi
failed=0
n=0
for page in "$srcdir"/man/*.[1-8]; do
	[ -e "$page" ] || continue
	n=$((n + 1))
	name=$(basename "$page")
	if out=$(mandoc -Tlint -Wwarning "$page" 2>&1) && [ -z "$out" ]; then
		echo "PASS: $name"
	else
		echo "FAIL: $name - $(echo "$out" | head -3 | tr '\n' ' ')"
		failed=1
	fi
done
if [ $n -lt 4 ]; then
	echo "FAIL: pages - only $n pages found in $srcdir/man"
	failed=1
fi
exit $failed
