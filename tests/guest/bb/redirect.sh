# SPDX-License-Identifier: MIT
# redirect.sh: output/input redirection, appends, fd duplication, errors to /dev/null.
mkdir -p scratch
echo x > scratch/out1
cat scratch/out1
echo y >> scratch/out1
cat < scratch/out1
ls scratch/nonexistent 2>/dev/null
echo "ls status $?"
exec 3>scratch/out2
echo via fd3 >&3
exec 3>&-
cat scratch/out2
{ echo to-stderr >&2; } 2>&1 | cat
wc -c < scratch/out1
rm -r scratch
[ -e scratch ] || echo removed
