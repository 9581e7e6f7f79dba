#!/bin/sh
# The CLI on PostgreSQL, end to end: tests/pg/cli.sh SOBRE (needs
# SOBRE_TEST_PG, as tests/pg/run.sh sets it). In a new schema, sobre init
# must create the tables (and say so again without harm), a command on an
# uninitialised schema must say to run sobre init, and sobre backup must
# refuse with the PostgreSQL tools named. Then each read or write command
# below runs, and its outcome is printed: until the steer modules' SQL is
# written for both engines (issue #16, step 1), some fail on PostgreSQL's
# syntax. Those are listed, not failed, and so are the commands that need
# what a refused one would have written (a guide): the test fails only on
# a crash (a signal), on any other failure, or when a command named in
# PG_CLI_OK does not run. Last, a release fixture (tests/fixtures) moved into
# PostgreSQL by migrate-db must read the same as the SQLite file.
set -u
if [ $# -ne 1 ] || [ -z "${SOBRE_TEST_PG:-}" ]; then
	echo "usage: SOBRE_TEST_PG=URI $0 SOBRE" >&2
	exit 2
fi
sobre=$1
here=$(cd "$(dirname "$0")" && pwd)
guide=$here/../cases/steer/_base/guide-v1
psql="${SOBRE_TEST_PG_BIN:+$SOBRE_TEST_PG_BIN/}psql"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
schema=cli_$$
"$psql" -qX "$SOBRE_TEST_PG" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null || exit 1
case $SOBRE_TEST_PG in *\?*) sep='&' ;; *) sep='?' ;; esac
db="$SOBRE_TEST_PG${sep}options=-csearch_path%3D$schema,public"
export SOBRE_NOW=2025-03-01T10:00:00Z SOBRE_USER=test

expect() { # expect NAME EXIT PATTERN: the last command's outcome
	if [ "$rc" -ne "$2" ] || ! grep -q -- "$3" "$tmp/out"; then
		echo "pg cli: FAILED: $1: exit $rc, expected $2 and '$3' in:" >&2
		sed 's/^/  /' "$tmp/out" >&2
		fail=1
	fi
}

"$sobre" score --db "$db" >"$tmp/out" 2>&1; rc=$?
expect "score before init" 2 "is not initialised"
"$sobre" init --db "$db" >"$tmp/out" 2>&1; rc=$?
expect "init" 0 "(schema 8)"
"$sobre" init --db "$db" >"$tmp/out" 2>&1; rc=$?
expect "init again" 0 "already initialised (schema 8)"
"$sobre" backup "$tmp/copy.db" --db "$db" >"$tmp/out" 2>&1; rc=$?
expect "backup" 1 "pg_dump -Fc"
[ ! -e "$tmp/copy.db" ] || { echo "pg cli: FAILED: backup wrote $tmp/copy.db" >&2; fail=1; }

# Commands in the order a user would type them: a write that fails leaves
# the later ones with less to read, which is fine here.
ran=""
refused=""
blocked=""
while IFS='|' read -r name input args <&3; do
	[ -n "$name" ] || continue
	eval "set -- $args"
	printf '%s\n' "$input" | "$sobre" "$@" --db "$db" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -gt 2 ]; then
		echo "pg cli: FAILED: $name: exit $rc (a crash?)" >&2
		sed 's/^/  /' "$tmp/out" >&2
		fail=1
	elif [ "$rc" -eq 0 ]; then
		ran="$ran $name"
	elif grep -q 'failed: ' "$tmp/out"; then
		refused="$refused $name"
		echo "pg cli: $name: $(grep -m1 'failed: ' "$tmp/out" | sed 's/.*failed: //')" >&2
	elif grep -q 'no guide has been imported' "$tmp/out"; then
		blocked="$blocked $name"
	else
		echo "pg cli: FAILED: $name: exit $rc, not a statement's failure:" >&2
		sed 's/^/  /' "$tmp/out" >&2
		fail=1
	fi
done 3<<LIST
guide-import||guide import "$guide"
guide-list||guide list
weights||weights
weights-set||weights set Prioritaire=4
score||score
plan||plan
history||history
assess||assess a.1 --status "En cours" --comment essai
show||show a.1
indicators||indicators
perimeter-list||perimeter list
perimeter-add||perimeter add Service
snapshot-create||snapshot create s1
snapshot-list||snapshot list
user-add|motdepasse-assez-long|user add alice@example.org --role admin --password-stdin
user-list||user list
export-assessment||export-assessment --format csv
measure||measure a.1 --indicator 1 --value oui --date 2025-02-01
objective-add||objective add Veille --indicator a.1#1 --target oui --by 2026-01-01
objective-list||objective list
snapshot-diff||snapshot diff s1
consolidate||consolidate
report||report -o "$tmp/report.html"
strategy||strategy --format md -o "$tmp/strategy.md"
LIST
# A database made by a release, moved by migrate-db: the read commands
# print on PostgreSQL what they print on the SQLite file.
fixture=$(ls "$here"/../fixtures/release-*.db 2>/dev/null | tail -n 1)
if [ -n "$fixture" ]; then
	cp "$fixture" "$tmp/release.db"
	mschema=cli_m_$$
	"$psql" -qX "$SOBRE_TEST_PG" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $mschema CASCADE; CREATE SCHEMA $mschema" >/dev/null || exit 1
	mdb="$SOBRE_TEST_PG${sep}options=-csearch_path%3D$mschema,public"
	"$sobre" migrate-db --from "$tmp/release.db" --to "$mdb" >"$tmp/out" 2>&1; rc=$?
	expect "migrate-db $(basename "$fixture")" 0 "identical"
	"$sobre" migrate-db --from "$tmp/release.db" --to "$mdb" >"$tmp/out" 2>&1; rc=$?
	expect "migrate-db onto a schema that holds data" 1 "already holds data: meta"
	same=""
	for cmd in score plan "snapshot list" "objective list" history "user list" consolidate "perimeter list"; do
		# shellcheck disable=SC2086 # the command's words
		"$sobre" $cmd --db "$tmp/release.db" >"$tmp/sqlite.out" 2>&1
		# shellcheck disable=SC2086
		"$sobre" $cmd --db "$mdb" >"$tmp/pg.out" 2>&1
		if cmp -s "$tmp/sqlite.out" "$tmp/pg.out"; then
			same="$same, $cmd"
		else
			echo "pg cli: FAILED: $cmd prints otherwise on PostgreSQL:" >&2
			diff -u "$tmp/sqlite.out" "$tmp/pg.out" | head -20 >&2
			fail=1
		fi
	done
	echo "pg cli: the same on $(basename "$fixture") moved to PostgreSQL: ${same#, }" >&2
	"$psql" -qX "$SOBRE_TEST_PG" -c "SET client_min_messages = warning; DROP SCHEMA $mschema CASCADE" >/dev/null 2>&1
fi
for name in ${PG_CLI_OK:-}; do
	case " $ran " in *" $name "*) ;; *) echo "pg cli: FAILED: $name ran before, not now" >&2; fail=1 ;; esac
done
echo "pg cli: ran on PostgreSQL:${ran:- none}" >&2
echo "pg cli: refused by PostgreSQL (SQL not neutral yet):${refused:- none}" >&2
echo "pg cli: not run, no guide imported:${blocked:- none}" >&2
"$psql" -qX "$SOBRE_TEST_PG" -c "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
[ $fail -eq 0 ] && echo "pg cli: passed" >&2
exit $fail
