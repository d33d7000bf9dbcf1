# SPDX-License-Identifier: MIT
# jobs.zsh: zsh background jobs (BG_NICE renices them), waits, pipelines and process substitution.
sleep 0.02 &
wait $!
echo "background job: $?"
for i in 1 2 3; do (exit $i) & done
wait
echo "three jobs waited"
{ echo b; echo a; } | sort &
wait
print -r -- "status of false: $(false; echo $?)"
# Process substitution: <(...) is a /dev/fd/N or a FIFO; =(...) a temporary file.
cat <(echo "from a process substitution")
while read -r l; do echo "read: $l"; done < <(print -l one two)
[[ "$(cat <(echo x) <(echo y))" == $'x\ny' ]] && echo "two substitutions"
echo done
