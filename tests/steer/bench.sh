#!/bin/sh
# Steering part of make bench: a database for the 10,000-practice synthetic
# guide (bench/gen-corpus.py in the test data) with 100 snapshots, each after a
# spreadsheet import changing 300 assessments, plus some measurements; then
# the time of score, plan, snapshot diff and report, and the database size.
# Targets: score <= 50 ms, report <= 500 ms, database <= 50 MB.
#     tests/steer/bench.sh build/sobre [TESTDATA]
set -eu
sobre=$1
shared=${2:-${SOBRE_TESTDATA:-../shared}}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../testdata.sh"
measure() { python3 "$here/../bench/measure.py" "$@"; }
work=build/bench
dir="$work/synthetic-10000"
db="$work/steer-10000.db"
mkdir -p "$work"
# A private copy: a concurrent `make` relinking the binary must not break
# or skew the run.
cp "$sobre" "$work/sobre-steer-bench"
sobre="$(pwd)/$work/sobre-steer-bench"
gen="$shared/bench/gen-corpus.py"
[ -f "$gen" ] || { testdata_missing "steer bench" "$gen"; exit; }
[ -d "$dir" ] || python3 "$gen" 10000 "$dir" >/dev/null
rm -f "$db" "$db-wal" "$db-shm"
rm -rf "$work/steer-csv"
export SOBRE_USER=bench SOBRE_NOW=2026-03-15T10:00:00Z

start=$(date +%s)
"$sobre" init --db "$db" --org "Bench" >/dev/null
"$sobre" guide import --db "$db" "$dir" >/dev/null
# 100 spreadsheets of 300 random changes each (seeded: same data every run).
"$sobre" export-assessment --db "$db" --format csv | python3 -c '
import csv, os, random, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
ids = [row["id"] for row in csv.DictReader(sys.stdin)]
statuses = ["non engagée", "planifiée", "en cours", "réalisée", "réalisée", "en cours"]
r = random.Random(4)
for i in range(100):
    with open(f"{out}/{i:03d}.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "status", "due date"])
        for pid in r.sample(ids, 300):
            w.writerow([pid, r.choice(statuses), f"2026-{r.randint(1, 12):02d}-15"])
' "$work/steer-csv"
i=0
for f in "$work"/steer-csv/*.csv; do
	i=$((i + 1))
	"$sobre" import-assessment --db "$db" "$f" >/dev/null
	"$sobre" snapshot create --db "$db" "S$i" >/dev/null
	if [ $((i % 10)) -eq 0 ]; then
		"$sobre" measure --db "$db" a.1 --indicator 1 --value "$i" --date "2025-$(printf %02d $((i / 10)))" >/dev/null 2>&1 || true
	fi
done
echo "steer bench: database with 10,000 practices and $i snapshots built in $(($(date +%s) - start)) s"
measure "score   10,000 practices" 10 "$sobre" score --db "$db"
measure "score   10,000 practices, by theme" 10 "$sobre" score --db "$db" --by theme
measure "plan    10,000 practices" 5 "$sobre" plan --db "$db"
measure "snapshot diff  first -> last" 5 "$sobre" snapshot diff --db "$db" S1 "S$i"
measure "report  10,000 practices, $i snapshots" 5 "$sobre" report --db "$db"
# The size once the WAL is checkpointed into the file (what a backup copies).
python3 - "$db" <<'EOF'
import os, sqlite3, sys
db = sys.argv[1]
c = sqlite3.connect(db)
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
c.close()
size = sum(os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p))
print(f"{'database  10,000 practices, 100 snapshots':<40} size={size / 1e6:.1f} MB (target <= 50 MB)")
EOF
