# SPDX-License-Identifier: MIT
# t_50_abuse.sh: hostile clients against the real xenpodd in dom0 (docs/RELIABILITY.md R13-R15).
if [ -x ./abuse_client ]; then
	ABUSE_CLIENT=./abuse_client sh ./client-abuse.sh /run/xenpod/xenpodd.sock /lab/images/rootfs ||
		LAB_FAILED=$((LAB_FAILED + 1))
else
	echo "FAIL: abuse: abuse_client was not built"
	LAB_FAILED=$((LAB_FAILED + 1))
fi
check "abuse: xenpodd still answers" xenpod version
check "abuse: rm -f of what the abuse created" sh -c 'n=$(xenpod ls -a -q); [ -z "$n" ] || xenpod rm -f $n'
check_out "abuse: no xenpod domains left" 0 xenpod_domains
