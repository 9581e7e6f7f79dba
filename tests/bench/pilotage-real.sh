#!/bin/sh
# Load test of the web app on the real guide: tests/bench/pilotage-real.sh
# path/to/sobre [TESTDATA]. The database is the one of
# tests/bench/make-pilotage-db.sh (40 practices assessed, 30 measurements,
# 3 snapshots), built here, and the session is logged in. wrk with 2 threads
# for 8 s at 8 then at 64 connections against the dashboard, the practices
# list, a practice page and a page of the site; one line each with
# requests/s, p50, p99, errors (non-2xx answers and socket errors) and the
# page's size.
# Targets (issue #15): dashboard >= 10,000 requests/s; p99 <= 20 ms at 64
# connections and <= 5 ms at 8. wrk runs on the same cores as sobre.
# BENCH_PATHS="/pilotage/" measures only the pages named.
set -eu
sobre=$1
shared=${2:-${SOBRE_TESTDATA:-../shared}}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../testdata.sh"
. "$here/serve-login.sh"
guide="$shared/corpus/gbpnr-v1"
if [ ! -d "$guide" ]; then
	testdata_missing "pilotage load, real guide" "$guide"
	exit $?
fi
if ! command -v wrk >/dev/null 2>&1; then
	echo "pilotage load, real guide: SKIPPED (wrk missing: apt-get install wrk)"
	exit 0
fi
work=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }; rm -rf "$work"' EXIT
"$here/make-pilotage-db.sh" "$sobre" "$guide" "$work/sobre.db"
# wrk's connections all come from 127.0.0.1 and stand for as many people:
# the limit of connections per address (32 by default) is lifted.
"$sobre" serve --port 0 --quiet --max-connections-per-address 0 --db "$work/sobre.db" "$guide" \
	>"$work/out" 2>"$work/err" &
pid=$!
port=$(bench_port "$work/out" 'steering app at')
[ -n "$port" ] || { echo "pilotage load, real guide: FAILED: serve did not start" >&2; cat "$work/err" >&2; exit 1; }
cookie=$(bench_login "$port" admin@example.org motdepasse-bench-1 "$work/jar")
[ -n "$cookie" ] || { echo "pilotage load, real guide: FAILED: cannot log in" >&2; exit 1; }
# The site's page of the first practice (printed as "site page").
page=$("$sobre" list --format json "$guide" | sed -n 's/^ *"url": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)
load() { # connections path
	# A page that does not answer 200 (a redirect to the login page, an
	# error) would be measured fast: refused instead.
	code=$(curl -s --noproxy '*' -o "$work/page" -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port$2")
	[ "$code" = 200 ] || { echo "pilotage load, real guide: FAILED: $2 answers $code" >&2; exit 1; }
	bench_wrk "$1" 8 "http://127.0.0.1:$port$2" "$cookie" "$work/wrk"
	case $2 in /pilotage/*) label=$2 ;; *) label="site page" ;; esac
	printf 'serve   real guide %-34s %9s req/s  p50 %8s  p99 %8s  errors %s  (%s bytes)\n' "$label ($1 conn)" \
		"$wrk_rps" "$wrk_p50" "$wrk_p99" "$wrk_errors" "$(wc -c <"$work/page" | tr -d ' ')"
}
for path in ${BENCH_PATHS:-/pilotage/ /pilotage/pratiques /pilotage/pratiques/a.1 "$page"}; do
	for conns in 8 64; do
		load "$conns" "$path"
	done
done
