# SPDX-License-Identifier: MIT
# text.sh: the text tools on the test data: wc, sort, uniq, head, tail, grep, sed, awk, cut, tr.
wc words.txt
wc -l < nums.txt
sort words.txt | uniq | head -n 5
sort -n nums.txt | tail -n 3
sort words.txt | uniq -c | sort -rn | head -n 3
grep -c an words.txt
grep -n '^b' words.txt | head -n 4
grep -v a words.txt | wc -l
sed 's/an/AN/g' words.txt | head -n 3
sed -n '2,4p' words.txt
awk '{ s += $1 } END { print "sum", s, "n", NR }' nums.txt
awk -F: '{ print $2 }' table.txt | sort
cut -d: -f1,3 table.txt
tr 'a-z' 'A-Z' < words.txt | head -n 2
head -c 20 words.txt; echo
tail -n 2 table.txt
