#!/usr/bin/env bash
# Every tool that writes a file, pointed at a device node, a FIFO and a
# symbolic link made in a scratch directory (never the machine's /dev/null):
# the node stays a node, the link stays a link and its target is written, and
# no temporary file is left. Prints one "ok: ..." line per check; exits
# non-zero at the first failure.
#   special-outputs.sh SCRATCH_DIR CIM_OPT CIM_TRANSLATE CIM_SIM INPUTS_DIR
set -euo pipefail
dir=$1 opt=$2 translate=$3 sim=$4 inputs=$5
rm -rf "$dir" && mkdir -p "$dir/out"
cd "$dir"
fail() { echo "FAIL: $*"; exit 1; }
is_char() { [ -c "$1" ] || fail "$1 is no longer a character device"; }
is_fifo() { [ -p "$1" ] || fail "$1 is no longer a FIFO"; }
is_link() { [ -L "$1" ] || fail "$1 is no longer a symbolic link"; }
no_tmp() {
  local left
  left=$(find . -name '.*.tmp*' | head -1)
  [ -z "$left" ] || fail "temporary file left: $left"
}

# The null device, where we may create one (root); a FIFO always.
have_dev=0
if mknod null c 1 3 2>/dev/null; then have_dev=1; fi
mkfifo fifo

mm=$inputs/cim-opt/Inputs/matmul.mlir
prog=$inputs/cim-sim/Inputs/worked-example.s
python3 "$inputs/cim-sim/Inputs/npy.py" write a.npy '|i1' 2x3 1,-2,0,-1,1,1

# Writes the FIFO with "$@" while cat reads it; prints what cat read.
through_fifo() {
  cat fifo > fifo.read &
  local reader=$!
  "$@" || { kill $reader 2>/dev/null; fail "$* failed"; }
  wait $reader
  is_fifo fifo
}

if [ $have_dev = 1 ]; then
  "$opt" "$mm" -o null; is_char null
  "$translate" --cim-asm-to-bin "$prog" -o null; is_char null
  "$sim" "$prog" --input a=a.npy --report null --quiet; is_char null
  "$opt" "$mm" --cim-estimate='report=null table=null' -o null; is_char null
  echo "ok: device node"
else
  echo "ok: device node (skipped: not root)"
fi

through_fifo "$opt" "$mm" -o fifo
grep -q 'func.func @mm' fifo.read || fail "cim-opt -o fifo: text missing"
through_fifo "$translate" --cim-asm-to-bin "$prog" -o fifo
[ -s fifo.read ] || fail "cim-translate -o fifo wrote nothing"
through_fifo "$sim" "$prog" --input a=a.npy --report fifo --quiet
grep -q '"target"' fifo.read || fail "cim-sim --report fifo: report missing"
echo "ok: fifo"

# Links: the link stays, its target gets the text.
echo old > real.txt
ln -s real.txt link
"$opt" "$mm" -o link; is_link link
grep -q 'func.func @mm' real.txt || fail "cim-opt -o link did not write the target"
"$translate" --cim-asm-to-bin "$prog" -o link; is_link link
"$translate" --cim-bin-to-asm real.txt -o asm.s
"$sim" "$prog" --input a=a.npy --report link --quiet; is_link link
grep -q '"target"' real.txt || fail "cim-sim --report link did not write the target"
ln -s ../real.npy out/r.npy
"$sim" "$prog" --input a=a.npy --output-dir out --quiet; is_link out/r.npy
python3 "$inputs/cim-sim/Inputs/npy.py" read real.npy | grep -q -- '-9 10 -11 12 3 -2 1 0' \
  || fail "cim-sim --output-dir did not write through the link"
"$opt" "$mm" --cim-estimate='report=link' -o /dev/stdout > stdout.txt; is_link link
grep -q '"layers"' real.txt || fail "cim-estimate report=link did not write the target"
grep -q 'func.func @mm' stdout.txt || fail "-o /dev/stdout did not reach standard output"
echo "ok: symbolic links"

# A report of a run that fails later is not written; nor is the output.
rm -f r.json t.txt o.mlir
if "$opt" "$inputs/cim-opt/Inputs/overflow.mlir" \
     --cim-estimate='report=r.json table=t.txt' --convert-linalg-to-cim -o o.mlir 2>/dev/null; then
  fail "the overflowing layer was accepted"
fi
[ ! -e r.json ] && [ ! -e t.txt ] && [ ! -e o.mlir ] || fail "a failed run left a report"
echo "ok: no report from a failed run"

# cim-sim: a failing output leaves neither report nor outputs.
rm -rf out2 && mkdir out2 && mkdir out2/r.npy
if "$sim" "$prog" --input a=a.npy --output-dir out2 --report rep.json --quiet 2>/dev/null; then
  fail "cim-sim wrote over a directory"
fi
[ ! -e rep.json ] || fail "cim-sim left a report of a failed run"
echo "ok: cim-sim outputs together"

no_tmp
echo "ok: no temporary files"
