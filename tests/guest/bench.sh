#!/bin/sh
# SPDX-License-Identifier: MIT
# bench.sh: one run of the guest micro-benchmarks in xenpod-kernel under plain QEMU and the
# same static binary on the host; prints each result and the guest/host ratio.
# Usage: tests/guest/bench.sh PATH/TO/xenpod-kernel   (QEMU_ACCEL=kvm if available)
KERNEL=${1:?usage: $0 PATH/TO/xenpod-kernel}
QEMU=${QEMU:-qemu-system-x86_64}
SRC=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d) || exit 1
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/root/bin" "$WORK/root/tmp"
musl-gcc -static -O2 -o "$WORK/root/bin/bench" "$SRC/bench/bench.c" || exit 1
(cd "$WORK/root" && find . | cpio -o -H newc --quiet) >"$WORK/root.cpio"
(cd "$WORK/root/tmp" && "$WORK/root/bin/bench") >"$WORK/host.txt" || exit 1
timeout 600 "$QEMU" -machine q35 -m 256 -accel "${QEMU_ACCEL:-tcg}" \
	-kernel "$KERNEL" -initrd "$WORK/root.cpio" -append "cwd=/tmp -- /bin/bench" \
	-serial stdio -display none -monitor none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=2 </dev/null |
	tr -d '\r' | grep -E '^[a-z_A-Z]+ [0-9.]+$' >"$WORK/guest.txt"
echo "QEMU accelerator: ${QEMU_ACCEL:-tcg} (tcg is full emulation: expect large ratios)"
printf '%-12s %12s %12s %10s\n' metric guest host guest/host
sort -o "$WORK/guest.txt" "$WORK/guest.txt"
sort -o "$WORK/host.txt" "$WORK/host.txt"
join "$WORK/guest.txt" "$WORK/host.txt" | while read -r m g h; do
	printf '%-12s %12s %12s %10s\n' "$m" "$g" "$h" \
		"$(echo "$g $h" | awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }')"
done
[ -s "$WORK/guest.txt" ] || { echo "FAIL: no results from the guest"; exit 1; }
