# SPDX-License-Identifier: MIT
# t_30_restart.sh: kill -9 of xenpodd with pods running; a restarted daemon re-adopts them all.

IMG=/lab/images
restart_daemon() {
	pid=$(pidof xenpodd)
	[ -n "$pid" ] && kill -9 $pid
	wait_for 5 sh -c '! pidof xenpodd'
	xenpodd -d >>/var/log/xenpodd.log 2>&1 &
	wait_for 10 xenpod version
}

for i in 1 2 3; do
	xenpod run -d --name "r$i" $IMG/rootfs /bin/sleep 600 >/dev/null
done
# t30_domids: the three pods' domids from xl, on one line; fails unless each lookup gave a
# number and the three differ (two failed lookups must never compare equal).
t30_domids() {
	t30_ids=
	for i in 1 2 3; do
		t30_id=$(domid_of "xenpod-r$i") || return 1
		case $t30_id in '' | *[!0-9]*) return 1 ;; esac
		t30_ids="$t30_ids $t30_id"
	done
	[ "$(echo $t30_ids | tr ' ' '\n' | sort -u | wc -l)" = 3 ] || return 1
	echo $t30_ids
}
# t30_daemon_domids: the same, as the daemon reports them (xenpod inspect).
t30_daemon_domids() {
	t30_ids=
	for i in 1 2 3; do
		t30_id=$(xenpod inspect "r$i" | sed -n 's/^ *"domid": *\([0-9][0-9]*\),\{0,1\}$/\1/p')
		[ -n "$t30_id" ] || return 1
		t30_ids="$t30_ids $t30_id"
	done
	echo $t30_ids
}
before=$(t30_domids)
check "restart: three distinct domids before the restart ($before)" [ -n "$before" ]
check "restart: xenpodd restarts after kill -9" restart_daemon
check_out "restart: the domains kept running with the same domids ($before)" "${before:-none}" t30_domids
check_out "restart: the daemon re-adopted them with those domids" "${before:-none}" t30_daemon_domids
check "restart: all three pods are re-adopted as running" sh -c \
	'[ "$(xenpod ls | grep -c "^r[123] .*running")" = 3 ]'
check "restart: re-adopted pods can be killed" sh -c 'xenpod kill r1 && xenpod kill r2 && xenpod kill r3'
all_gone() { for d in "$@"; do wait_for 5 domain_gone "$d" || return 1; done; }
check "restart: their domains are gone" all_gone xenpod-r1 xenpod-r2 xenpod-r3
check "restart: rm of re-adopted pods" xenpod rm r1 r2 r3
check_out "restart: no xenpod domains left" 0 xenpod_domains
