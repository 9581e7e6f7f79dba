#!/bin/sh
# The web app on PostgreSQL, side by side with SQLite, in one run:
#   tests/bench/pilotage-pg.sh path/to/sobre [TESTDATA]
# The database of tests/bench/make-pilotage-db.sh (the real guide, 40
# practices assessed, measurements, snapshots), then the same moved by
# `sobre migrate-db` into a throwaway PostgreSQL cluster (tests/pg/cluster.sh,
# on this machine, fsync off). Three set-ups, each started afresh and logged
# in, 2 s of wrk to warm, then 8 s at 64 connections against the dashboard
# and a practice page:
#   sqlite      one `sobre serve` on the SQLite file (the default);
#   pg x1       one `sobre serve` on PostgreSQL;
#   pg x2       two `sobre serve` on PostgreSQL behind HAProxy (round robin),
#               as in the README's "Scaling out".
# One line each with requests/s, p50, p99, errors and the ratio to SQLite.
# Everything (wrk, HAProxy, PostgreSQL, the servers) shares this machine's
# cores: the two servers show what a second server costs here, not what it
# adds on a machine of its own. Skipped without wrk, PostgreSQL's server
# binaries or HAProxy (the pg x2 lines only).
set -eu
sobre=$1
shared=${2:-${SOBRE_TESTDATA:-../shared}}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../testdata.sh"
. "$here/serve-login.sh"
guide="$shared/corpus/gbpnr-v1"
name="pilotage on PostgreSQL"
if [ ! -d "$guide" ]; then
	testdata_missing "$name" "$guide"
	exit $?
fi
if ! command -v wrk >/dev/null 2>&1; then
	echo "$name: SKIPPED (wrk missing: apt-get install wrk)"
	exit 0
fi
work=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || :; done
	[ -z "${SOBRE_TEST_PG_DIR:-}" ] || "$here/../pg/cluster.sh" stop "$SOBRE_TEST_PG_DIR"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
env=$(CI= "$here/../pg/cluster.sh" start $$) || exit 1
if [ -z "$env" ]; then
	echo "$name: SKIPPED (no PostgreSQL server binaries)"
	exit 0
fi
eval "$env"
"$here/make-pilotage-db.sh" "$sobre" "$guide" "$work/sobre.db"
pgdb=$("$here/../pg/schema.sh" bench)
"$sobre" migrate-db --from "$work/sobre.db" --to "$pgdb" >/dev/null

serve() { # DB LABEL: starts a server, prints its port
	"$sobre" serve --port 0 --quiet --max-connections-per-address 0 --db "$1" "$guide" \
		>"$work/out.$2" 2>"$work/err.$2" &
	pids="$pids $!"
	p=$(bench_port "$work/out.$2" 'steering app at')
	[ -n "$p" ] || { echo "$name: FAILED: serve ($2) did not start" >&2; cat "$work/err.$2" >&2; exit 1; }
	echo "$p"
}
stop_all() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || :; done
	pids=
}
# SQLite's requests/s, a "PATH RATE" line per page: what the others are
# compared with.
: >"$work/sqlite.rps"
load() { # LABEL PORT PATH
	cookie=$(bench_login "$2" admin@example.org motdepasse-bench-1 "$work/jar")
	[ -n "$cookie" ] || { echo "$name: FAILED: cannot log in ($1)" >&2; exit 1; }
	code=$(curl -s --noproxy '*' -o "$work/page" -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$2$3")
	[ "$code" = 200 ] || { echo "$name: FAILED: $3 answers $code ($1)" >&2; exit 1; }
	wrk -t2 -c64 -d2s -H "Cookie: $cookie" "http://127.0.0.1:$2$3" >/dev/null
	bench_wrk 64 8 "http://127.0.0.1:$2$3" "$cookie" "$work/wrk"
	ratio=""
	if [ "$1" = sqlite ]; then
		echo "$3 $wrk_rps" >>"$work/sqlite.rps"
	else
		ratio=$(awk -v p="$3" -v a="$wrk_rps" '$1 == p { printf "  x%.2f of sqlite", a / $2 }' "$work/sqlite.rps")
	fi
	printf 'serve   %-8s %-24s %9s req/s  p50 %8s  p99 %8s  errors %s%s\n' "$1" "$3 (64 conn)" "$wrk_rps" "$wrk_p50" \
		"$wrk_p99" "$wrk_errors" "$ratio"
}
paths=${BENCH_PATHS:-/pilotage/ /pilotage/pratiques/a.1}

port=$(serve "$work/sobre.db" sqlite)
for path in $paths; do load sqlite "$port" "$path"; done
stop_all

port=$(serve "$pgdb" pg1)
for path in $paths; do load "pg x1" "$port" "$path"; done
stop_all

if ! command -v haproxy >/dev/null 2>&1; then
	echo "$name: pg x2 SKIPPED (haproxy missing: apt-get install haproxy)"
	exit 0
fi
a=$(serve "$pgdb" pga)
b=$(serve "$pgdb" pgb)
lb=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
cat >"$work/haproxy.cfg" <<EOF
global
	maxconn 4096
defaults
	mode http
	timeout connect 5s
	timeout client 30s
	timeout server 30s
frontend sobre
	bind 127.0.0.1:$lb
	default_backend servers
backend servers
	balance roundrobin
	option httpchk GET /healthz
	server a 127.0.0.1:$a check
	server b 127.0.0.1:$b check
EOF
haproxy -f "$work/haproxy.cfg" -q >"$work/haproxy.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 50); do
	curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$lb/healthz" && break
	sleep 0.1
done
for path in $paths; do load "pg x2" "$lb" "$path"; done
