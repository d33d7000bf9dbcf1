# SPDX-License-Identifier: MIT
# t_73_smp.sh: pods with --vcpus 2 run on two vCPUs (issue 13): CPU counts, threads, fork, signals, exit, 20 pods.

IMG=/lab/images
T=/tmp/t73
mkdir -p $T
S="timeout 300 xenpod run --vcpus 2 --memory 32"

check_out "smp: one vCPU: the guest says 1" "cpus: online 1 affinity 1" \
	timeout 300 xenpod run --vcpus 1 --memory 32 $IMG/rootfs /bin/smpstress cpus
check_out "smp: --vcpus 2: sysconf and sched_getaffinity say 2" "cpus: online 2 affinity 2" \
	$S $IMG/rootfs /bin/smpstress cpus
check_out "smp: ... nproc says 2" "2" $S $IMG/rootfs /bin/busybox nproc
check_out "smp: ... /proc/cpuinfo lists 2 processors" "2" \
	$S $IMG/rootfs /bin/busybox grep -c ^processor /proc/cpuinfo
check_out "smp: ... both vCPUs ran the two threads of a job (/proc/stat user time)" "2" \
	$S $IMG/rootfs /bin/sh -c '/bin/smpstress work 2 5000000 >/dev/null &&
		/bin/busybox awk "/^cpu[0-9]/ && \$2 > 0 { n++ } END { print n }" /proc/stat'
check_out "smp: 4 threads, 20000 atomic and mutex increments each" \
	"count: atomic 80000 locked 80000 expected 80000" \
	$S $IMG/rootfs /bin/smpstress count 4 20000
check_out "smp: fork+pipe storm, 8 children x 20 rounds" "fork: sum 720 expected 720" \
	$S $IMG/rootfs /bin/smpstress fork 8 20
check_out "smp: signals to spinning threads" "signals: 20 to each of 2 spinning threads" \
	$S $IMG/rootfs /bin/smpstress signals 2 20
check_rc "smp: exit from one thread while 3 spin" 7 $S $IMG/rootfs /bin/smpstress exit 3 0
check_out "smp: --vcpus 4: 8 threads of increments" \
	"count: atomic 40000 locked 40000 expected 40000" \
	timeout 300 xenpod run --vcpus 4 --memory 32 $IMG/rootfs /bin/smpstress count 8 5000

# 20 pods, 4 at a time, each with threads and children: none may hang.
i=1
while [ $i -le 20 ]; do
	$S --name smp$i $IMG/rootfs /bin/sh -c \
		'/bin/smpstress count 3 3000 && /bin/smpstress fork 4 3' >$T/p$i.out 2>&1 &
	[ $((i % 4)) = 0 ] && wait
	i=$((i + 1))
done
wait
check_out "smp: 20 pods of threads and forks finished right" 20 \
	sh -c "cat $T/p*.out | grep -c '^fork: sum 30 expected 30'"
grep -L '^fork: sum 30' $T/p*.out 2>/dev/null | while read -r f; do
	echo "info: smp: $f: $(tail -3 "$f" | tr '\n' '|')"
done
xenpod rm -f $(i=1; while [ $i -le 20 ]; do echo smp$i; i=$((i + 1)); done) >/dev/null 2>&1
