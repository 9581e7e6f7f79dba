#!/bin/sh
# The PostgreSQL baseline against SQLite's schema: tests/pg/test_schema.sh BUILD
# (BUILD holds sobre and tools/pg_schema). Uses the cluster of SOBRE_TEST_PG
# when set, else starts one (tests/pg/cluster.sh) and stops it at the end,
# interrupted or not. Without PostgreSQL's server binaries it says SKIPPED
# and succeeds, except under CI ($CI set), where it fails.
set -eu
if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
for f in "$build/sobre" "$build/tools/pg_schema"; do
	if [ ! -x "$f" ]; then
		echo "pg schema: FAILED: no $f (make $f)" >&2
		exit 1
	fi
done
if [ -z "${SOBRE_TEST_PG:-}" ]; then
	env=$("$here/cluster.sh" start $$) || exit 1
	[ -n "$env" ] || exit 0 # skipped: cluster.sh said why
	eval "$env"
	trap '"$here/cluster.sh" stop "$SOBRE_TEST_PG_DIR"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
fi
python3 "$here/test_schema.py" "$build/sobre" "$build/tools/pg_schema"
