#!/bin/sh
# SPDX-License-Identifier: MIT
# check-man.sh: man/xenpod-kernel.7 lists exactly the system calls guest/kernel/sys_*.c implement.
# Prints PASS:/FAIL: lines; exits non-zero on a mismatch.
top=${srcdir:-.}
[ -f "$top/man/xenpod-kernel.7" ] || top=$(cd "$(dirname "$0")/../.." && pwd)
code=$(sed -n 's/.*t\[NR_\([a-z0-9_]*\)\] = sys_[a-z0-9_]*;.*/\1 &/p' \
	"$top"/guest/kernel/sys_*.c | grep -v sys_quiet_enosys | cut -d' ' -f1 | sort -u)
man=$(sed -n '/syscall-list-begin/,/syscall-list-end/s/^\.Fn \([a-z0-9_]*\) [,.]$/\1/p' \
	"$top/man/xenpod-kernel.7" | sort -u)
if [ -n "$code" ] && [ "$code" = "$man" ]; then
	echo "PASS: xenpod-kernel.7 lists the $(echo "$code" | wc -l) implemented syscalls"
	exit 0
fi
echo "FAIL: xenpod-kernel.7 syscall list - differs from guest/kernel/sys_*.c:"
tmp=$(mktemp) || exit 1
echo "$code" >"$tmp"
echo "$man" | diff "$tmp" - | sed 's/^/    /'
rm -f "$tmp"
exit 1
