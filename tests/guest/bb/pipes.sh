# SPDX-License-Identifier: MIT
# pipes.sh: pipelines, exit statuses through pipes, here-documents.
echo a | cat
seq 1 5 | wc -l
printf 'b\na\nb\nc\n' | sort | uniq -c
seq 1 2000 | tail -n 3
seq 1 20000 | sort -rn | head -n 2
false | true; echo "status $?"
true | false; echo "status $?"
cat <<END | tr a-z A-Z
here doc $((6 * 7))
END
yes hello | head -n 3
