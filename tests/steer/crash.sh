#!/bin/bash
# Crash test: runs a long series of writing commands (assess, measure,
# snapshot create, import-assessment), killing each with SIGKILL after a
# random delay, then checks that
#   - PRAGMA integrity_check and foreign_key_check pass,
#   - every command that reported success (exit 0) is in the database,
#   - every command is all or nothing, killed or not (an import of N rows
#     left 0 or N history rows; a snapshot has all its practices or none),
#   - sobre still opens and scores the database.
# Bounded: stops after ITERATIONS (300) commands or SECONDS_MAX (40) seconds.
#     tests/steer/crash.sh build/sobre
set -u
sobre=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
guide="$here/../../examples/guide"
iterations=${ITERATIONS:-300}
seconds_max=${SECONDS_MAX:-40}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export SOBRE_USER=crash SOBRE_NOW=2026-03-15T10:00:00Z
db="$tmp/crash.db"
fail=0
ko() { echo "FAIL: steer crash: $*"; fail=$((fail + 1)); }

"$sobre" init --db "$db" --org Crash >/dev/null || { ko "init"; exit 1; }
"$sobre" guide import --db "$db" "$guide" >/dev/null || { ko "guide import"; exit 1; }
ids=$("$sobre" export-assessment --db "$db" --format csv | tail -n +2 | cut -d, -f1 | tr -d '\r')
set -- $ids
nids=$#
ids_arr=("$@")
[ "$nids" -gt 0 ] || { ko "no practices"; exit 1; }

# Kill delays span 0 to twice the time of a completed command, so about
# half the commands die mid-way whatever the build (sanitizers are slower).
t0=$(date +%s%N)
"$sobre" assess --db "$db" "${ids_arr[0]}" --comment "calibration" >/dev/null
t1=$(date +%s%N)
span=$(( (t1 - t0) / 500000 + 2 ))

: >ok.log
start=$(date +%s)
killed=0
i=0
while [ "$i" -lt "$iterations" ] && [ $(($(date +%s) - start)) -lt "$seconds_max" ]; do
	i=$((i + 1))
	id=${ids_arr[$((i % nids))]}
	case $((i % 4)) in
	0) args=(assess "$id" --comment "op-$i") ;;
	1) args=(indicator add "$id" --name "crash $i" --type quantity) ;;
	2) args=(snapshot create "snap-$i") ;;
	3) { echo "id,comment"; for x in "${ids_arr[@]}"; do echo "$x,imp-$i"; done; } >"imp-$i.csv"
		args=(import-assessment "imp-$i.csv") ;;
	esac
	"$sobre" "${args[@]}" --db "$db" >/dev/null 2>"err-$i" &
	pid=$!
	delay=$((RANDOM % span))
	sleep "$((delay / 1000)).$(printf %03d $((delay % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "$i ${args[0]}" >>ok.log
	elif [ "$rc" -eq 137 ]; then
		killed=$((killed + 1))
	else
		ko "command $i (${args[*]}) failed with exit $rc: $(cat "err-$i")"
	fi
	rm -f "err-$i"
done
succeeded=$(wc -l <ok.log)
echo "steer crash: $i commands, $succeeded completed, $killed killed by SIGKILL (delays 0-$span ms)"

python3 - "$db" ok.log "$nids" <<'EOF' || fail=$((fail + 1))
import sqlite3, sys
db, log, nids = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = sqlite3.connect(db)
bad = 0
def ko(msg):
    global bad
    bad += 1
    print("FAIL: steer crash:", msg)
r = c.execute("PRAGMA integrity_check").fetchall()
if r != [("ok",)]:
    ko(f"integrity_check: {r}")
if c.execute("PRAGMA foreign_key_check").fetchall():
    ko("foreign_key_check reports orphans")
for line in open(log):
    i, cmd = line.split()
    if cmd == "assess":
        n = c.execute("SELECT count(*) FROM history WHERE field = 'comment' AND new = ?", (f"op-{i}",)).fetchone()[0]
        if n != 1:
            ko(f"assess {i} reported success but is not in the history")
    elif cmd == "indicator":
        if not c.execute("SELECT 1 FROM indicator WHERE name = ?", (f"crash {i}",)).fetchone():
            ko(f"indicator add {i} reported success but is missing")
    elif cmd == "snapshot":
        if not c.execute("SELECT 1 FROM snapshot WHERE name = ?", (f"snap-{i}",)).fetchone():
            ko(f"snapshot {i} reported success but is missing")
    elif cmd == "import-assessment":
        n = c.execute("SELECT count(*) FROM history WHERE new = ?", (f"imp-{i}",)).fetchone()[0]
        if n != nids:
            ko(f"import {i} reported success but left {n} of {nids} changes")
# All or nothing, for the killed commands too.
for (name,) in c.execute("SELECT name FROM snapshot"):
    n = c.execute("SELECT count(*) FROM snapshot_item JOIN snapshot s ON s.id = snapshot_id WHERE s.name = ?", (name,)).fetchone()[0]
    if n != nids:
        ko(f"snapshot {name} holds {n} of {nids} practices")
for (val, n) in c.execute("SELECT new, count(*) FROM history WHERE new LIKE 'imp-%' GROUP BY new"):
    if n != nids:
        ko(f"import {val} left {n} of {nids} changes: not atomic")
sys.exit(1 if bad else 0)
EOF
"$sobre" score --db "$db" >/dev/null || ko "sobre score fails after the crashes"
"$sobre" assess --db "$db" "${ids_arr[0]}" --comment "after" >/dev/null || ko "sobre cannot write after the crashes"
[ "$succeeded" -gt 0 ] || ko "no command completed: the delays are too short to test anything"
[ "$killed" -gt 0 ] || ko "no command was killed: the delays are too long to test anything"
echo "steer crash: $([ "$fail" -eq 0 ] && echo passed || echo "$fail failed")"
[ "$fail" -eq 0 ]
