#!/bin/sh
# make bench: wall time (median) and peak RSS of sobre on the real guide and
# on synthetic guides from bench/gen-corpus.py in the test data (cached under
# build/bench; tests/testdata.sh). Site output goes to a RAM folder when there is one
# (/dev/shm): this measures sobre, not the disk (see README).
# Targets: check 10,000 sheets <= 1.0 s and <= 150 MB; build 10,000 sheets
# <= 2.0 s and <= 200 MB, real guide <= 50 ms, linear in the number of sheets.
set -eu
sobre=$1
shared=${2:-${SOBRE_TESTDATA:-../shared}}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../testdata.sh"
gen="$shared/bench/gen-corpus.py"
work=build/bench
mkdir -p "$work"
out=/dev/shm/sobre-bench-$$
[ -d /dev/shm ] && [ -w /dev/shm ] || out="$work/site"
measure() { python3 "$here/measure.py" "$@"; }
trap 'rm -rf "$out"' EXIT

echo "sobre bench: $(nproc) cores, $(uname -m); wall = median of runs, rss = peak of the process"
if [ -d "$shared/corpus/gbpnr-v1" ]; then
	measure "check   real guide (59 sheets)" 10 "$sobre" check "$shared/corpus/gbpnr-v1"
	measure "export  real guide, json" 10 "$sobre" export --format json "$shared/corpus/gbpnr-v1"
	BENCH_BEFORE="rm -rf $out" measure --tail "build   real guide" 10 "$sobre" build "$shared/corpus/gbpnr-v1" -o "$out"
else
	testdata_missing "bench: real guide" "$shared/corpus/gbpnr-v1"
fi
if [ -f "$gen" ]; then
	for n in 1000 10000; do
		dir="$work/synthetic-$n"
		[ -d "$dir" ] || python3 "$gen" "$n" "$dir" >/dev/null
		measure "check   $n synthetic sheets" 5 "$sobre" check "$dir"
		BENCH_BEFORE="rm -rf $out" measure --tail "build   $n synthetic sheets" 5 "$sobre" build "$dir" -o "$out"
	done

	# sobre build against Hugo and cp -r of its output, side by side, at
	# 1,000, 10,000 and 100,000 sheets, and the build's growth (#15).
	"$here/hugo.sh" "$sobre" "$shared"

	# Steering: 10,000 practices with 100 snapshots (score, plan, report, database size).
	"$here/../steer/bench.sh" "$sobre" "$shared"
	# Perimeters: 1,000 x 78 practices (consolidation, database size).
	"$here/perimeters.sh" "$sobre" "$shared"
else
	testdata_missing "bench: synthetic guides and steering" "$gen"
fi

# The web app under load (wrk, logged-in cookie): the example guide with a
# fresh database, then the real guide with assessments, measurements and
# snapshots at 8 and 64 connections.
"$here/pilotage.sh" "$sobre"
"$here/pilotage-real.sh" "$sobre" "$shared"
# The same database on PostgreSQL, with one then two servers (HAProxy),
# side by side with SQLite (#16).
"$here/pilotage-pg.sh" "$sobre" "$shared"

# E-mail reminders: 500 people, about 2,000 messages (composing, sending).
"$here/remind.sh" "$sobre" "$shared"
