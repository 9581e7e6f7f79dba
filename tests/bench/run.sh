#!/bin/sh
# make bench: wall time and peak RSS of sobre on the real guide and on
# synthetic guides from ../shared/bench/gen-corpus.py (cached under build/bench).
# Targets (README): check on 10,000 sheets <= 1.0 s and <= 150 MB.
set -eu
sobre=$1
shared=$2
here=$(cd "$(dirname "$0")" && pwd)
gen="$shared/bench/gen-corpus.py"
work=build/bench
mkdir -p "$work"
measure() { python3 "$here/measure.py" "$@"; }

echo "sobre bench on $(nproc) cores, $(uname -m); median of runs, peak RSS of the process"
if [ -d "$shared/corpus/gbpnr-v1" ]; then
	measure "check  real guide (59 sheets)" 10 "$sobre" check "$shared/corpus/gbpnr-v1"
	measure "export json  real guide" 10 "$sobre" export --format json "$shared/corpus/gbpnr-v1"
fi
for n in 1000 10000; do
	dir="$work/synthetic-$n"
	[ -d "$dir" ] || python3 "$gen" "$n" "$dir" >/dev/null
	measure "check  $n synthetic sheets" 5 "$sobre" check "$dir"
	measure "export json  $n synthetic sheets" 5 "$sobre" export --format json "$dir"
done
