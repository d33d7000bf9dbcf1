# SPDX-License-Identifier: MIT
# files.sh: ls, find, xargs, sha256sum, cp, mv, ln, mkdir, rm, stat on the test tree.
ls
ls -l words.txt nums.txt
ls -la tree | awk '{ print $1, $NF }'
ls -l tree/hard.txt tree/sym.txt tree/sub/d.bin | awk '{ print $1, $2, $5, $6, $7, $8, $9, $10, $11 }'
cat tree/sym.txt | wc -l
[ tree/hard.txt -ef words.txt ] && echo same-inode
find tree | sort
find tree -type f -name '*.txt' | sort | xargs cat
find . -name 'n*' | sort
sha256sum words.txt nums.txt
md5sum table.txt
mkdir -p work/a/b
cp words.txt work/a/b/copy
mv work/a/b/copy work/a/moved
ln -s moved work/a/link
readlink work/a/link
cat work/a/link | wc -l
ls -R work | sort
cmp words.txt work/a/moved && echo same
rm -rf work
ls
echo "content" > f1 && cat f1 && rm f1
du -s tree | cut -f2
