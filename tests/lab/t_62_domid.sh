# SPDX-License-Identifier: MIT
# t_62_domid.sh: a pod's domid now names a stranger's domain: nothing destructive may touch it (R11).
#
# Xen hands out domids in sequence and xl cannot ask for one, so a recycled domid is staged
# through the state files: with xenpodd down, each pod's file is made to name the domid of a
# paused foreign domain ("stranger"), as after a crash and a wrap-around of domids. The daemon
# must find pods by uuid, never by the domid it remembers.
. ./lib_rel.sh
t62_start=$(r_now)
r_daemon_ensure
r_cleanup

cat >/tmp/stranger.cfg <<EOC
type = "pvh"
name = "stranger"
kernel = "/usr/lib/xenpod/xenpod-kernel"
memory = 32
cmdline = "xenpod.test=idle"
on_poweroff = "destroy"
on_crash = "preserve"
EOC
# t62_stranger_ok: the stranger still exists with its domid, and is still paused (asked twice:
# xl may segfault in the nested lab).
t62_stranger_ok() { t62_stranger_ok1 || t62_stranger_ok1; }
t62_stranger_ok1() {
	[ -n "$sid" ] && [ "$(xl domid stranger 2>/dev/null)" = "$sid" ] &&
		xl list stranger | awk 'NR == 2 { exit !($5 ~ /p/) }'
}
# t62_claim POD DOMID: with the daemon down, make POD's state file name DOMID.
t62_claim() {
	sed -i 's/"domid": *\(null\|[0-9]*\)/"domid":'"$2"'/' $R_STATE/$1.json
}
t62_domid_of_uuid() { t62_domid_of_uuid1 "$1" || { sleep 0.5 && t62_domid_of_uuid1 "$1"; }; }
t62_domid_of_uuid1() {
	xl list -v 2>/dev/null | awk -v u="$1" 'NR > 1 && $7 == u { print $2; f = 1 } END { exit !f }'
}

# t62_xl_create CFG [KEY=VALUE]: xl create -p, with xl's output shown if it fails.
t62_xl_create() { o=$(xl create -p "$@" 2>&1) || { echo "NOTE: xl create $*: $o" | tail -5; return 1; }; }
t62_xl_create /tmp/stranger.cfg
sid=$(xl domid stranger)
check "domid: a paused stranger domain exists (domid $sid) (R11)" t62_stranger_ok
xenpod run -d --name d-live --memory 16 $R_IMG/rootfs /bin/sleep 3600 >/dev/null
xenpod run -d --name d-gone --memory 16 $R_IMG/rootfs /bin/sleep 3600 >/dev/null
printf '{"name":"d-created","image":"%s","command":["/bin/hello","started"],"memory_mib":16}\n' \
	"$R_IMG/rootfs" >/tmp/d-created.json
xenpod create -f /tmp/d-created.json >/dev/null
xenpod run --name d-stopped --memory 16 $R_IMG/rootfs /bin/true >/dev/null
live_uuid=$(r_field d-live uuid)
live_id=$(r_field d-live domid)
created_id=$(r_field d-created domid)
r_daemon_kill9
xl destroy xenpod-d-gone
for p in d-live d-gone d-created d-stopped; do t62_claim $p $sid; done
# A create that died half-way naming the stranger's domid.
sed 's/"d-stopped"/"d-creating"/; s/"status": *"[a-z]*"/"status":"creating"/;
	s/"uuid": *"[^"]*"/"uuid":"00000000-0000-4000-8000-000000000062"/' \
	$R_STATE/d-stopped.json >$R_STATE/d-creating.json
check "domid: the state files all name the stranger's domid $sid (R11)" sh -c \
	"[ -n '$sid' ] && [ \$(grep -l '\"domid\": *$sid[,}]' $R_STATE/d-*.json | wc -l) = 5 ]"
check "domid: xenpodd restarts (R11)" r_daemon_start
check "domid: the stranger was not touched by the restart (R11)" t62_stranger_ok
check_out "domid: the live pod is re-adopted by uuid, with its own domid (R11)" \
	"$live_id $live_uuid running" r_ids d-live
check_out "domid: the created pod is re-adopted with its own domid (R11)" "$created_id created" \
	r_fields d-created domid status
check_out "domid: the pod whose domain vanished is lost, not the stranger's (R11)" "stopped lost" \
	r_fields d-gone status reason
check_out "domid: the stopped pod no longer claims domid $sid (R11)" null r_field d-stopped domid
check_rc "domid: the half-created pod was removed (R11)" 1 xenpod inspect d-creating
check "domid: start of the created pod (R11)" xenpod start d-created
check "domid: it unpaused its own domain, the stranger stays paused (R11)" t62_stranger_ok
check "domid: kill of the live pod (R11)" xenpod kill d-live
check "domid: it destroyed its own domain (R11)" wait_for 10 domain_gone xenpod-d-live
check "domid: the stranger survives the kill (R11)" t62_stranger_ok
check "domid: rm of every pod (R11)" xenpod rm -f d-live d-gone d-created d-stopped
check "domid: the stranger survives the rm (R11)" t62_stranger_ok
r_diag_if_failed

# Rapid destroy/create with strangers coming and going between the pods' domains.
# t62_cycle I: one cycle; says which step failed (xl itself may fail now and then under TCG,
# so its lookups are asked twice and a destroy counts once the domain is gone).
t62_cycle() {
	t62_xl_create /tmp/stranger.cfg name=\"stranger$1\"
	o=$(xenpod run -d --name d-r$1 --memory 16 $R_IMG/rootfs /bin/sleep 3600 2>&1) ||
		{ echo "NOTE: cycle $1: run: $o"; return 1; }
	u=$(r_field d-r$1 uuid)
	d=$(r_field d-r$1 domid)
	x=$(t62_domid_of_uuid "$u")
	[ -n "$d" ] && [ "$d" = "$x" ] ||
		{ echo "NOTE: cycle $1: the pod says domid '$d', xl '$x' for uuid $u"; return 1; }
	xl destroy stranger$1 2>/dev/null || wait_for 5 domain_gone stranger$1 ||
		{ echo "NOTE: cycle $1: xl destroy of the stranger failed"; return 1; }
	o=$(xenpod kill d-r$1 2>&1) || { echo "NOTE: cycle $1: kill: $o"; return 1; }
	o=$(xenpod rm d-r$1 2>&1) || { echo "NOTE: cycle $1: rm: $o"; return 1; }
}
ok=0
i=0
while [ $i -lt 10 ]; do
	t62_cycle $i && ok=$((ok + 1))
	xenpod rm -f d-r$i >/dev/null 2>&1
	xl destroy stranger$i >/dev/null 2>&1
	i=$((i + 1))
done
check_out "domid: 10 rapid cycles, each pod's domid is its own uuid's (R11)" 10 echo $ok
check "domid: the first stranger survived them all (R11)" t62_stranger_ok
xl destroy stranger
r_invariants "domid"
r_diag_if_failed
echo "INFO: t_62_domid: $(r_ms_since $t62_start) ms"
r_end
