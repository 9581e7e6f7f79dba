#!/bin/sh
# Perimeters at the scale of a large organisation: tests/bench/perimeters.sh
# path/to/sobre [TESTDATA]. A synthetic 78-practice guide (the RGESN's
# size; bench/gen-corpus.py) assessed in 1,000 perimeters (10 directorates
# of 99 services, and the root), statuses spread at random (fixed seed).
# Targets (#12): `sobre consolidate` of the root <= 100 ms, database
# <= 100 MB; the score of one perimeter as fast in that database as in a
# database of one perimeter (side by side, same run).
set -eu
sobre=$1
shared=${2:-${SOBRE_TESTDATA:-../shared}}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../testdata.sh"
gen="$shared/bench/gen-corpus.py"
[ -f "$gen" ] || { testdata_missing "bench: perimeters" "$gen"; exit 0; }
measure() { python3 "$here/measure.py" "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOBRE_USER=bench SOBRE_NOW=2026-11-20T09:00:00Z
python3 "$gen" 78 "$work/guide" >/dev/null
for db in one many; do
	"$sobre" init --org Organisation --db "$work/$db.db" >/dev/null
	"$sobre" guide import "$work/guide" --db "$work/$db.db" >/dev/null
done
start=$(date +%s)
for d in $(seq 10); do
	"$sobre" perimeter add "Direction $d" --kind direction --guide gbpnr --db "$work/many.db" >/dev/null
	for s in $(seq 99); do
		"$sobre" perimeter add "Service $d.$s" --parent "Direction $d" --guide gbpnr --db "$work/many.db" >/dev/null
	done
done
setup=$(($(date +%s) - start))
# Spread statuses at random, as a year of assessments would (fixed seed).
python3 - "$work/many.db" "$work/one.db" <<'PY'
import random, sqlite3, sys
statuses = ["non évaluée", "non engagée", "planifiée", "en cours", "réalisée"]
for path in sys.argv[1:]:
    rnd = random.Random(12)
    c = sqlite3.connect(path)
    rows = c.execute("SELECT id FROM practice").fetchall()
    c.executemany("UPDATE practice SET status = ? WHERE id = ?", [(rnd.choice(statuses), r[0]) for r in rows])
    c.commit()
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
PY
n=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM perimeter').fetchone()[0])" "$work/many.db")
echo "perimeters: $n perimeters x 78 practices set up in ${setup} s (one sobre perimeter add each)"
measure "consolidate root ($n perimeters)" 10 "$sobre" consolidate --format json --db "$work/many.db"
measure "consolidate one direction (99)" 10 "$sobre" consolidate --perimeter "Direction 5" --db "$work/many.db"
measure "score of one service, 1,000 perimeters" 10 "$sobre" score --perimeter "Service 5.50" --db "$work/many.db"
measure "score of the root, 1 perimeter" 10 "$sobre" score --db "$work/one.db"
measure "perimeter list with scores" 5 "$sobre" perimeter list --db "$work/many.db"
printf 'perimeters: database %s MB for %s perimeters (target <= 100 MB)\n' \
	"$(($(stat -c %s "$work/many.db") / 1048576))" "$n"
