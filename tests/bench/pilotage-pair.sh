#!/bin/sh
# Two builds of sobre side by side on the web app with the real guide:
#   tests/bench/pilotage-pair.sh OLD/sobre NEW/sobre [TESTDATA]
# The database of tests/bench/make-pilotage-db.sh (made once, by NEW), the
# same four pages as tests/bench/pilotage-real.sh at 8 and 64 connections;
# for each, OLD then NEW, each started afresh, logged in, 2 s of wrk to warm
# up and 8 s measured. One line per run: build, connections, page,
# requests/s, p50, p99, the load average. For before/after figures
# (docs/benchmarks.md); not run by make bench, which measures one build.
# Both builds must open the database (same schema version).
set -eu
old=$1
new=$2
shared=${3:-${SOBRE_TESTDATA:-../shared}}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../testdata.sh"
. "$here/serve-login.sh"
guide="$shared/corpus/gbpnr-v1"
if [ ! -d "$guide" ]; then
	testdata_missing "pilotage pair, real guide" "$guide"
	exit $?
fi
command -v wrk >/dev/null 2>&1 || { echo "pilotage pair: SKIPPED (wrk missing: apt-get install wrk)"; exit 0; }
work=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }; rm -rf "$work"' EXIT
"$here/make-pilotage-db.sh" "$new" "$guide" "$work/sobre.db"
page=$("$new" list --format json "$guide" | sed -n 's/^ *"url": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)
start() { # sobre
	"$1" serve --port 0 --quiet --max-connections-per-address 0 --db "$work/sobre.db" "$guide" >"$work/out" 2>"$work/err" &
	pid=$!
	port=$(bench_port "$work/out" 'steering app at')
	[ -n "$port" ] || { echo "pilotage pair: FAILED: $1 serve did not start" >&2; cat "$work/err" >&2; exit 1; }
	cookie=$(bench_login "$port" admin@example.org motdepasse-bench-1 "$work/jar")
	[ -n "$cookie" ] || { echo "pilotage pair: FAILED: cannot log in to $1" >&2; exit 1; }
}
for path in /pilotage/ /pilotage/pratiques /pilotage/pratiques/a.1 "$page"; do
	case $path in /pilotage/*) label=$path ;; *) label="site page" ;; esac
	for conns in 8 64; do
		for which in old new; do
			[ "$which" = old ] && bin=$old || bin=$new
			start "$bin"
			wrk -t2 -c"$conns" -d2s -H "Cookie: $cookie" "http://127.0.0.1:$port$path" >/dev/null
			bench_wrk "$conns" 8 "http://127.0.0.1:$port$path" "$cookie" "$work/wrk"
			printf '%-4s %-26s %2s conn %9s req/s  p50 %8s  p99 %8s  load %s\n' "$which" "$label" "$conns" \
				"$wrk_rps" "$wrk_p50" "$wrk_p99" "$(cut -d' ' -f1 /proc/loadavg)"
			kill "$pid"
			wait "$pid" 2>/dev/null || true
			pid=
		done
	done
done
