# SPDX-License-Identifier: MIT
# misc.sh: date, sleep, expr, env, basename/dirname, printf, od, exit status of the script.
date +%Y | grep -c '^20[0-9][0-9]$'
start=$(date +%s); sleep 1; end=$(date +%s); [ $((end - start)) -ge 1 ] && echo slept
sleep 0.2 && echo short sleep
expr 6 \* 7
basename /a/b/c.txt .txt
dirname /a/b/c.txt
printf '%05d|%-4s|%x\n' 42 ab 255
echo hello | od -c | head -n 1
env | grep '^T_VAR='
echo $HOME | wc -c > /dev/null && echo home-ok
seq 3 | xargs -n 1 echo item
exit 7
