# SPDX-License-Identifier: MIT
# leak.sh (guest only): processes, pipes and execs return all their memory: MemFree after a
# second round of 200 pipelines equals MemFree after the first.
round() {
	i=0
	while [ $i -lt 200 ]; do
		/bin/true
		echo x | cat >/dev/null
		i=$((i + 1))
	done
	awk '/MemFree/ { print $2 }' /proc/meminfo
}
a=$(round)
b=$(round)
echo "MemFree after round 1: $a kB, after round 2: $b kB"
[ "$a" = "$b" ]
