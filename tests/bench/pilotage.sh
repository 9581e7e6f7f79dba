#!/bin/sh
# Load test of the web app: tests/bench/pilotage.sh path/to/sobre
# wrk (Debian package wrk) against the dashboard and a practice page with a
# logged-in session cookie, 10 s at 64 connections each, on the example
# guide with a fresh database. Targets on this 2-core machine: >= 5,000
# requests/s and p99 <= 20 ms with 0 errors. wrk runs on the same cores.
# BENCH_PATHS="/pilotage/" measures only the pages named (paired runs of two
# builds take half the time). The real guide on a database with data:
# tests/bench/pilotage-real.sh.
set -eu
sobre=$1
. "$(cd "$(dirname "$0")" && pwd)/serve-login.sh"
if ! command -v wrk >/dev/null 2>&1; then
	echo "pilotage load: SKIPPED (wrk missing: apt-get install wrk)"
	exit 0
fi
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
# wrk's 64 connections all come from 127.0.0.1 and stand for 64 people:
# the limit of connections per address (32 by default) is lifted.
"$sobre" serve --port 0 --quiet --max-connections-per-address 0 --db "$work/sobre.db" examples/guide \
	>"$work/out" 2>"$work/err" &
pid=$!
port=$(bench_port "$work/out" 'first login')
password=$(sed -n 's|.*with password \([^ ]*\) .*|\1|p' "$work/out")
cookie=$(bench_login "$port" admin@localhost "$password" "$work/jar")
[ -n "$cookie" ] || { echo "pilotage load: FAILED: cannot log in" >&2; exit 1; }
load() { # path label
	bench_wrk 64 10 "http://127.0.0.1:$port$1" "$cookie" "$work/wrk"
	printf 'serve   %-28s %8s req/s  p99 %8s  errors %s\n' "$2 (64 conn, 10 s)" "$wrk_rps" "$wrk_p99" "$wrk_errors"
}
for path in ${BENCH_PATHS:-/pilotage/ /pilotage/pratiques/a.1}; do
	load "$path" "$path"
done
# The dashboard of an organisation with objectives: three, each drawn
# with its trajectory chart (no target of its own: reported beside the
# first figure).
if [ -z "${BENCH_PATHS:-}" ]; then
	"$sobre" measure a.1 --indicator 1 --value 40 --date 2025 --db "$work/sobre.db" >/dev/null
	"$sobre" measure a.1 --indicator 1 --value 55 --date "$(date +%Y)" --db "$work/sobre.db" >/dev/null 2>&1 ||
		"$sobre" measure a.1 --indicator 1 --value 55 --db "$work/sobre.db" >/dev/null
	for k in 1 2 3; do
		"$sobre" objective add "Objectif $k" --indicator a.1#1 --target $((60 + 10 * k)) --by 2030-12-31 \
			--db "$work/sobre.db" >/dev/null
	done
	load /pilotage/ "/pilotage/ + 3 objectives"
fi
