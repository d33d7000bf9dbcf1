# SPDX-License-Identifier: MIT
# t_68_gntalloc.sh: dom0's gntalloc out of pages fails that pod's create with the reason, never xenpodd (issue 11.5).

IMG=/lab/images
G=/sys/module/xen_gntalloc/parameters/limit
pidof xenpodd >/dev/null || { xenpodd -d >>/var/log/xenpodd.log 2>&1 & }
wait_for 10 xenpod version
old=$(cat $G)
echo "info: gntalloc limit was $old pages"
# One pod's channel shares 33 pages: 40 leaves room for one.
echo 40 >$G
failed=
for i in 1 2 3; do
	if ! err=$(xenpod run -d --name g$i --memory 96 $IMG/rootfs /bin/sleep 600 2>&1); then
		failed=g$i
		echo "info: g$i: $err"
		break
	fi
done
check "gntalloc: a pod fails once the pages are out" test -n "$failed"
# More failing creates: the old failure path freed a stale pointer, a crash
# only when malloc handed back a used chunk.
for i in 4 5 6 7 8 9; do xenpod run -d --name h$i --memory 96 $IMG/rootfs /bin/true >/dev/null 2>&1; done
check "gntalloc: xenpodd is still alive" pidof xenpodd
check "gntalloc: ... and answers" xenpod ls
check "gntalloc: the error names gntalloc's limit" sh -c 'echo "$1" | grep -q "gntalloc.*limit"' _ "$err"
check "gntalloc: no domain left for the failed pod" sh -c \
	"! xl list 2>/dev/null | grep -q 'xenpod-$failed\$\|xenpod-$failed '"
check "gntalloc: no xenstore node left for it" sh -c \
	"! timeout 20 xenstore-ls -f /local/domain 2>/dev/null | grep -q '$failed'"
check "gntalloc: the failed pod is not listed running" sh -c "! xenpod ls -q | grep -qx '$failed'"
echo "$old" >$G
check "gntalloc: limit restored" test "$(cat $G)" = "$old"
check "gntalloc: a pod runs again" xenpod run -d --name g9 --memory 96 $IMG/rootfs /bin/sleep 600
check_out "gntalloc: exec works in it" "hi" xenpod exec g9 /bin/echo hi
for i in g1 g2 g3 g9 h4 h5 h6 h7 h8 h9; do xenpod rm -f $i >/dev/null 2>&1; done
check "gntalloc: no pod domains left" wait_for 30 sh -c "! xl list 2>/dev/null | grep -q '^xenpod-g'"
unset failed old err
