#!/bin/sh
# Perimeters at the scale of a large organisation: tests/bench/perimeters.sh
# path/to/sobre [TESTDATA]. The RGESN 2024 (78 criteria, from the test
# data) assessed in 1,000 services (10 directorates of 99 services, the
# root), statuses spread at random (fixed seed).
# Targets (#12): the consolidation of the root <= 100 ms (the command and
# the web page), database <= 100 MB; the dashboard of one service as fast
# in that database as in a database of one service (side by side, same run).
set -eu
sobre=$1
shared=${2:-${SOBRE_TESTDATA:-../shared}}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../testdata.sh"
rgesn="$shared/corpus/rgesn-2024/referentiel-ecoconception.json"
[ -f "$rgesn" ] || { testdata_missing "bench: perimeters" "$rgesn"; exit 0; }
measure() { python3 "$here/measure.py" "$@"; }
work=$(mktemp -d)
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
export SOBRE_USER=bench
for db in one many; do
	"$sobre" init --org Organisation --db "$work/$db.db" >/dev/null
	"$sobre" guide import "$rgesn" --db "$work/$db.db" >/dev/null
	printf 'bench-password-1\n' | "$sobre" user add admin@example.org --role admin --password-stdin --db "$work/$db.db" >/dev/null
done
"$sobre" perimeter add "Service" --guide rgesn --db "$work/one.db" >/dev/null
start=$(date +%s)
for d in $(seq 10); do
	"$sobre" perimeter add "Direction $d" --kind direction --db "$work/many.db" >/dev/null
	for s in $(seq 99); do
		"$sobre" perimeter add "Service $d.$s" --parent "Direction $d" --guide rgesn --db "$work/many.db" >/dev/null
	done
done
setup=$(($(date +%s) - start))
# Spread statuses at random, as a year of assessments would (fixed seed).
python3 - "$work/many.db" "$work/one.db" <<'PY'
import random, sqlite3, sys
statuses = ["à évaluer", "validé", "en cours", "non validé"]
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
echo "perimeters: $n perimeters, 990 services x 78 RGESN criteria, set up in ${setup} s (one sobre perimeter add each)"
measure "consolidate root ($n perimeters)" 10 "$sobre" consolidate --guide rgesn --format json --db "$work/many.db"
measure "consolidate one direction (99)" 10 "$sobre" consolidate --perimeter "Direction 5" --db "$work/many.db"
measure "score of one service, 1,000 services" 10 "$sobre" score --perimeter "Service 5.50" --db "$work/many.db"
measure "score of one service, 1 service" 10 "$sobre" score --perimeter "Service" --db "$work/one.db"
measure "perimeter list with scores" 5 "$sobre" perimeter list --db "$work/many.db"
# The stratégie of the whole organisation: its tables stop at 500 rows
# (STRATEGY_MAX_ROWS), the means are summed over every action.
measure "strategy of the root, ODT ($n perimeters)" 5 "$sobre" strategy --guide rgesn --format odt -o "$work/s.odt" --db "$work/many.db"
measure "strategy of the root, HTML" 5 "$sobre" strategy --guide rgesn -o "$work/s.html" --db "$work/many.db"
printf 'perimeters: strategy of the root: ODT %s KB, HTML %s KB\n' "$(($(stat -c %s "$work/s.odt") / 1024))" \
	"$(($(stat -c %s "$work/s.html") / 1024))"
printf 'perimeters: database %s MB for %s perimeters (target <= 100 MB)\n' \
	"$(($(stat -c %s "$work/many.db") / 1048576))" "$n"

# The web app: median of 20 requests with a logged-in session, each
# database served by its own server.
if ! command -v curl >/dev/null 2>&1; then
	echo "perimeters web: SKIPPED (curl missing)"
	exit 0
fi
serve() { # db -> port in $port, cookie in $cookie
	"$sobre" serve --port 0 --quiet --db "$work/$1.db" examples/guide >"$work/$1.out" 2>"$work/$1.err" &
	pids="$pids $!"
	for _ in $(seq 50); do
		grep -q '/pilotage/' "$work/$1.out" 2>/dev/null && break
		sleep 0.1
	done
	port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/pilotage/.*|\1|p' "$work/$1.out" | head -1)
	url="http://127.0.0.1:$port/pilotage/connexion"
	token=$(curl -s --noproxy '*' -c "$work/$1.jar" "$url" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
	cookie=$(curl -s --noproxy '*' -b "$work/$1.jar" -D - -o /dev/null --data-urlencode "email=admin@example.org" \
		--data-urlencode "password=bench-password-1" --data-urlencode "csrf=$token" "$url" |
		sed -n 's/^Set-Cookie: \(sobre_session=[0-9a-f]*\).*/\1/p')
	[ -n "$cookie" ] || { echo "perimeters web: FAILED: cannot log in" >&2; exit 1; }
}
median() { # label url
	for _ in $(seq 20); do
		curl -s --noproxy '*' -o /dev/null -w '%{time_total}\n' -H "Cookie: $cookie" "$2"
	done | sort -n | awk -v l="$1" '{a[NR]=$1} END {printf "%-44s median %6.1f ms (20 requests, status 200 checked)\n", l, a[int((NR+1)/2)]*1000}'
	code=$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$2")
	[ "$code" = 200 ] || { echo "perimeters web: FAILED: $2 answered $code" >&2; exit 1; }
}
serve many
median "web consolidation, root of $n perimeters" "http://127.0.0.1:$port/pilotage/consolidation?referentiel=rgesn"
median "web dashboard, a service of 1,000" "http://127.0.0.1:$port/pilotage/?perimetre=Service%205.50"
serve one
median "web dashboard, the service of 1" "http://127.0.0.1:$port/pilotage/?perimetre=Service"
