# SPDX-License-Identifier: MIT
# t_72_pause.sh: pause and unpause (issue 17): the domain stands still and keeps its state, exec is refused until the thaw, stop thaws, kill works.

IMG=/lab/images
T=/tmp/t72
mkdir -p $T

field() { xenpod --json inspect "$1" | sed -n "s/.*\"$2\": *\"\{0,1\}\([^\",}]*\).*/\1/p"; }
# xl's state column has a p while the domain is paused.
xl_paused() { xl list "xenpod-$1" 2>/dev/null | awk 'NR == 2 { f = ($5 ~ /p/) } END { exit !f }'; }
# The last number the counting pod printed.
count() { xenpod logs "$1" 2>/dev/null | tail -n 1; }
grew_past() { [ "$(count "$1")" -gt "$2" ] 2>/dev/null; }
# fields POD KEY...: the values, on one line.
fields() {
	_p=$1
	shift
	for _k; do printf '%s ' "$(field "$_p" "$_k")"; done | sed 's/ $//'
}

xenpod events >$T/events 2>&1 &
ev_pid=$!
sleep 0.5

check "pause: a pod that counts" xenpod run -d --name pz $IMG/rootfs /bin/sh -c \
	'i=0; while :; do i=$((i + 1)); echo $i; sleep 0.2; done'
check "pause: ... it counts" wait_for 20 grew_past pz 3
check "pause: pause" xenpod pause pz
check "pause: ... xl shows the domain paused" xl_paused pz
check_out "pause: ... inspect says paused, status running" "true running" \
	fields pz paused status
check "pause: ... ls says paused" sh -c 'xenpod ls | grep -q "^pz .* paused "'
# What the guest wrote before the pause is drained within a second; after that nothing moves.
sleep 1
n1=$(count pz)
sleep 2
check_out "pause: ... the program stands still" "$n1" count pz
check_rc "pause: a second pause is refused" 1 xenpod pause pz
check "pause: exec is refused while paused, saying why" sh -c \
	'! xenpod exec pz /bin/true 2>$0.err && grep -q "is paused; unpause it first" $0.err' $T/exec
check "pause: unpause" xenpod unpause pz
check "pause: ... the program counts on from where it stood" wait_for 20 grew_past pz "$n1"
check "pause: ... and did not start over" sh -c "xenpod logs pz | awk 'NR != \$1 { exit 1 }'"
check "pause: exec works again" xenpod exec pz /bin/true
check_rc "pause: unpause of a running pod is refused" 1 xenpod unpause pz

check "pause: pause again, then stop" xenpod pause pz
check "pause: ... stop of a paused pod powers it off" xenpod stop -t 20 pz
check_out "pause: ... cleanly (it was thawed first)" "poweroff false" \
	fields pz reason paused
check_rc "pause: a stopped pod cannot be paused" 1 xenpod pause pz

check "pause: a second pod" xenpod run -d --name pk $IMG/rootfs /bin/sleep 600
check "pause: ... paused" xenpod pause pk
check "pause: ... kill of a paused pod" xenpod kill pk
check "pause: ... its domain is gone" wait_for 20 domain_gone xenpod-pk
check_out "pause: ... stopped, killed" "stopped killed" fields pk status reason

sleep 0.5
kill $ev_pid 2>/dev/null
check "pause: events: paused, then unpaused" sh -c \
	"grep ' pz paused$' $T/events && grep ' pz unpaused$' $T/events"
check "pause: events: stop's thaw is an unpaused event before stopped" sh -c \
	"grep ' pz \(unpaused\|stopped\)' $T/events | tail -n 2 | head -n 1 | grep -q unpaused"
grep ' pz \| pk ' $T/events | sed 's/^/info: event: /'
xenpod rm pz pk >/dev/null 2>&1
