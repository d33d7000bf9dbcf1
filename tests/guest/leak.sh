# SPDX-License-Identifier: MIT
# leak.sh (guest only): processes, pipes and execs return their memory: MemFree after a
# second round of 200 pipelines (600 processes), 20 rounds of shared mappings and 50 of AF_UNIX sockets
# holding files and themselves in flight is within 64 kB of MemFree after the first
# (the kernel heap may keep a page or two; a page per process would be 2400 kB).
round() {
	i=0
	while [ $i -lt 200 ]; do
		/bin/true
		echo x | cat >/dev/null
		i=$((i + 1))
	done
	/bin/t_shm-musl 20 >/dev/null # shared file and anonymous maps, forks
	# AF_UNIX: files in flight, sockets holding themselves, pending connections
	/bin/t_unix-musl leak 50 || echo t_unix-failed
	awk '/MemFree/ { print $2 }' /proc/meminfo
}
a=$(round)
b=$(round)
case "$a $b" in *failed*)
	echo "t_unix's leak round failed"
	exit 1
	;;
esac
echo "MemFree after round 1: $a kB, after round 2: $b kB"
[ $((a - b)) -lt 64 ]
