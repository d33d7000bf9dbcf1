# SPDX-License-Identifier: MIT
# t_61_state.sh: restart re-adoption in full (R9) and hostile state directories (R10).
. ./lib_rel.sh
t61_start=$(r_now)
r_daemon_ensure
r_cleanup

# ---- R9: every pod re-adopted with the same id/uuid/domid/state; logs and channels resume ----
# The five are set up side by side (the daemon creates pods concurrently). s-exit exits with 5
# once dom0 has made /tmp/go in it, after the restart: an exec into the re-adopted pod, so its
# exit comes after the restart however long the set-up took (it slept 20 s before).
xenpod run -d --name s-tick --memory 16 $R_IMG/rootfs /bin/sh -c \
	'i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done' >/dev/null &
t61_p1=$!
xenpod run -d --name s-sleep --memory 16 $R_IMG/rootfs /bin/sleep 3600 >/dev/null &
t61_p2=$!
xenpod run -d --name s-exit --memory 16 $R_IMG/rootfs /bin/sh -c \
	'while [ ! -e /tmp/go ]; do sleep 0.2; done; exit 5' >/dev/null &
t61_p3=$!
printf '{"name":"s-created","image":"%s","command":["/bin/hello","late"],"memory_mib":16}\n' \
	"$R_IMG/rootfs" >/tmp/s-created.json
xenpod create -f /tmp/s-created.json >/dev/null
xenpod run --name s-done --memory 16 $R_IMG/rootfs /bin/hello --exit 3 >/dev/null
wait $t61_p1 $t61_p2 $t61_p3
wait_for 10 sh -c 'xenpod logs s-tick | grep -q "tick 3"'
check_out "readopt: the five pods are set up (R9)" "s-created s-done s-exit s-sleep s-tick" \
	sh -c 'echo $(xenpod ls -a -q | sort)'
before=""
for p in s-tick s-sleep s-exit s-created s-done; do before="$before$p $(r_ids $p);"; done
t61_ids() { for p in s-tick s-sleep s-exit s-created s-done; do printf '%s' "$p $(r_ids $p);"; done; }
# (bounded: a pod that never exits fails the check instead of hanging the boot)
t61_wait_code() { timeout 120 xenpod wait $1 >/dev/null 2>&1; r_field $1 exit_code; }
check "readopt: xenpodd restarts after kill -9 (R9)" r_daemon_restart
check_out "readopt: same domid/uuid/status for running, created and stopped pods (R9)" "$before" t61_ids
ticks0=$(xenpod logs s-tick | grep -c tick)
check "readopt: the log keeps growing after the restart (R9)" wait_for 10 sh -c \
	"[ \$(xenpod logs s-tick | grep -c tick) -gt $((ticks0 + 3)) ]"
check "readopt: exec into a re-adopted pod (R9)" wait_for 30 xenpod exec s-exit /bin/busybox touch /tmp/go
check_out "readopt: a pod exiting after the restart reports its exit code (R9)" 5 \
	t61_wait_code s-exit
check "readopt: stop of a re-adopted pod powers it off cleanly (R9)" xenpod stop -t 20 s-sleep
check_out "readopt: its reason is poweroff (R9)" poweroff r_field s-sleep reason
check "readopt: start of a re-adopted created pod (R9)" xenpod start s-created
check_out "readopt: it runs to completion (R9)" 0 t61_wait_code s-created
check_out "readopt: and its output is logged (R9)" "hello late" sh -c 'xenpod logs s-created | grep hello'
r_invariants "readopt"
r_diag_if_failed
echo "INFO: t_61_state: re-adoption part done at $(r_ms_since $t61_start) ms"
r_cleanup

# ---- R10: stray *.tmp, corrupt and truncated state files, odd files ----
xenpod run --name s-good --memory 16 $R_IMG/rootfs /bin/hello >/dev/null
xenpod run -d --name s-live --memory 16 $R_IMG/rootfs /bin/sleep 3600 >/dev/null
xenpod run -d --name s-victim --memory 16 $R_IMG/rootfs /bin/sleep 3600 >/dev/null
good=$R_STATE/s-good.json
r_daemon_kill9
len=$(wc -c <$good)
sed 's/"s-good"/"s-trunc"/' $good | head -c $((len / 2)) >$R_STATE/s-trunc.json
: >$R_STATE/s-empty.json
head -c 3000 /dev/urandom >$R_STATE/s-binary.json
printf '[1,2,3]' >$R_STATE/s-array.json
sed 's/"s-good"/"s-other"/' $good >$R_STATE/s-misnamed.json
sed 's/"name": *"s-good"/"name":"s-dupuuid"/' $good >$R_STATE/s-dupuuid.json
sed 's/"s-good"/"s-types"/; s/"memory_mib": *[0-9]*/"memory_mib":"lots"/' $good >$R_STATE/s-types.json
sed 's/"s-good"/"s-status"/; s/"status": *"[a-z]*"/"status":"zombie"/' $good >$R_STATE/s-status.json
sed 's/"s-good"/"s-domid"/; s/"domid": *[0-9a-z]*/"domid":-5/' $good >$R_STATE/s-domid.json
sed 's/"s-good"/"s-nul"/' $good | tr 'h' '\0' >$R_STATE/s-nul.json
head -c 100000 /dev/zero | tr '\0' '[' >$R_STATE/s-deep.json
{ printf '{"name":"'; head -c 1100000 /dev/zero | tr '\0' a; printf '"}'; } >$R_STATE/s-huge.json
mkdir $R_STATE/s-dir.json
ln -s /etc/passwd $R_STATE/s-link.json
mkfifo $R_STATE/s-fifo.json
# The live pod's file corrupted: its domain has no pod now and must not be left running.
printf '{"name":"s-victim",' >$R_STATE/s-victim.json
printf 'junk' >$R_STATE/.s-good.json.tmp
printf 'junk' >$R_STATE/.s-gone.json.tmp
bad="s-trunc s-empty s-binary s-array s-misnamed s-types s-status s-domid s-nul s-deep s-huge s-dir s-link s-fifo
	s-victim"
mark=$(r_log_mark)
check "state: xenpodd starts with a corrupt state directory (R10)" r_daemon_start
check "state: xenpodd is still up a moment later (R10)" sh -c 'sleep 1; xenpod version'
check "state: stray *.tmp files are removed (R10)" sh -c "! ls -a $R_STATE | grep -q '\\.tmp\$'"
for b in $bad; do
	check "state: $b.json is quarantined (R10)" sh -c \
		"[ ! -e $R_STATE/$b.json ] && ls $R_QUAR | grep -q '^$b\\.json\\.'"
	check_rc "state: $b is not a pod (R10)" 1 xenpod inspect $b
done
check_out "state: one of two files with the same uuid is quarantined (R10)" 1 \
	sh -c "ls $R_QUAR | grep -c '^s-\\(good\\|dupuuid\\)\\.json\\.'"
check "state: each quarantine is logged with a reason (R10)" sh -c \
	"[ \$(tail -n +$((mark + 1)) $R_DLOG | grep -c 'is unusable') -ge $(($(echo $bad | wc -w) + 1)) ]"
check_out "state: the live pod was re-adopted (R10)" running r_field s-live status
check "state: the corrupt live pod's domain is destroyed, no orphan (R10)" \
	wait_for 15 domain_gone xenpod-s-victim
r_invariants "state"
q1=$(r_quarantined)
check "state: xenpodd restarts again with the quarantine in place (R10)" r_daemon_restart
check_out "state: nothing new quarantined on a clean restart (R10)" "$q1" r_quarantined

r_diag_if_failed

echo "INFO: t_61_state: corrupt-files part done at $(r_ms_since $t61_start) ms"

# ---- R10: kill -9 at random moments while state files are being written ----
qb=$(r_quarantined)
kills=0
i=0
while [ $i -lt 3 ]; do
	(j=0; while [ $j -lt 10 ]; do
		xenpod run --name s-w$i-$j --memory 16 $R_IMG/rootfs /bin/true >/dev/null 2>&1
		xenpod rm s-w$i-$j >/dev/null 2>&1
		j=$((j + 1))
	done) &
	bg=$!
	sleep "$(awk -v s=$i 'BEGIN { srand(s * 7 + 1); printf "%.2f", 0.5 + rand() * 3 }')"
	r_daemon_kill9 && kills=$((kills + 1))
	wait $bg 2>/dev/null
	r_daemon_start
	i=$((i + 1))
done
check_out "state: $kills kill -9 during state writes, no partial file ever loaded (R10)" "$qb" \
	r_quarantined
check "state: no *.tmp left after the kills (R10)" sh -c "! ls -a $R_STATE | grep -q '\\.tmp\$'"
r_invariants "state-kills"
r_cleanup
check_out "state: every state file removed with its pod (R10)" 0 r_state_files
r_diag_if_failed
echo "INFO: t_61_state: $(r_ms_since $t61_start) ms"
r_end
