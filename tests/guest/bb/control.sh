# SPDX-License-Identifier: MIT
# control.sh: loops, case, functions, arithmetic, subshells, command substitution, $?.
i=0
while [ $i -lt 5 ]; do i=$((i + 1)); done
echo "i=$i"
for w in one two three; do printf '%s.' "$w"; done; echo
f() { return $(($1 + 1)); }
f 4; echo "f returned $?"
case foo.txt in *.txt) echo text;; *) echo other;; esac
x=$(echo inner; echo second)
echo "$x" | wc -l
(cd /; pwd)
basename "$(pwd)"
( exit 3 ); echo "subshell $?"
v=outer; (v=inner); echo "$v"
echo "$(( (7 + 3) * 2 / 4 ))"
sh -c 'exit 9'; echo "child $?"
n=0; for k in $(seq 1 50); do n=$((n + k)); done; echo "sum $n"
set -- a b c; echo "$# $2"
test -d / && echo dir
[ "abc" = "abc" ] && echo eq
