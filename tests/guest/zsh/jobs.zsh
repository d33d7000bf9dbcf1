# SPDX-License-Identifier: MIT
# jobs.zsh: zsh background jobs (BG_NICE renices them), waits and pipelines.
sleep 0.02 &
wait $!
echo "background job: $?"
for i in 1 2 3; do (exit $i) & done
wait
echo "three jobs waited"
{ echo b; echo a; } | sort &
wait
print -r -- "status of false: $(false; echo $?)"
echo done
