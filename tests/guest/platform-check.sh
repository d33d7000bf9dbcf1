#!/bin/sh
# SPDX-License-Identifier: MIT
# platform-check.sh: `make check` entry: the plain-QEMU boot tests on this build's kernel.
# Skips (exit 77) when QEMU is not installed.
command -v "${QEMU:-qemu-system-x86_64}" >/dev/null 2>&1 || {
	echo "SKIP: qemu-system-x86_64 not installed"
	exit 77
}
exec sh "$(dirname "$0")/platform.sh" guest/xenpod-kernel
