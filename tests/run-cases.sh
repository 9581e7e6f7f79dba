#!/bin/sh
# Golden cases: tests/cases/check/<name>/ holds input/ (files laid over the
# shared small guide in _base/), optional remove (paths to delete from it),
# optional args (the sobre command line; default "check") and expected (its
# output followed by "exit: N"), and optionally expected-site/ (the folder
# "out" the command must leave) or expected-files/ (some of its files). Each case runs in a fresh copy of the guide
# and is compared with diff -u / diff -ru. UPDATE=1 rewrites expected files.
#
# With SOBRE_CASES_PG set (the URI of a PostgreSQL database, as
# tests/pg/run.sh sets it), only the steering cases run, each with SOBRE_DB
# naming a new schema of that database: the same commands must print the
# same on both backends. A case about the SQLite file itself (its path,
# its folder, a read-only copy, a full disk, backups) or about the db
# setting (which SOBRE_DB overrides) has a file
# sqlite-only saying why, and is left out of that run.
set -u
sobre=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")" && pwd)/cases
pass=0
fail=0
skipped=0
suites="$root"/*/
pg=${SOBRE_CASES_PG:-}
if [ -n "$pg" ]; then
	suites="$root/steer/"
	if [ "${UPDATE:-}" = 1 ]; then
		echo "run-cases: UPDATE=1 rewrites expected files from the SQLite run only" >&2
		exit 2
	fi
fi
for suite in $suites; do
	base="$suite/_base"
	for case in "$suite"*/; do
		name=$(basename "$case")
		[ "$name" = _base ] && continue
		if [ -n "$pg" ]; then
			if [ -f "$case/sqlite-only" ]; then
				skipped=$((skipped + 1))
				continue
			fi
			# The same schema, emptied, for each case.
			SOBRE_DB=$(SOBRE_TEST_PG=$pg "$root/../pg/schema.sh" "cases$$") || exit 1
			export SOBRE_DB
		fi
		tmp=$(mktemp -d)
		[ -d "$base" ] && cp -R "$base/." "$tmp/"
		[ -d "$case/input" ] && cp -R "$case/input/." "$tmp/"
		if [ -f "$case/remove" ]; then
			while IFS= read -r f; do [ -n "$f" ] && rm -rf "$tmp/$f"; done < "$case/remove"
		fi
		args="check"
		[ -f "$case/args" ] && args=$(cat "$case/args")
		got="$tmp.out"
		# Durations vary from run to run: they are masked.
		(cd "$tmp" && eval "\"$sobre\" $args" >"$got.raw" 2>&1; echo "exit: $?" >>"$got.raw")
		sed 's/ in [0-9]* ms$/ in N ms/' "$got.raw" >"$got"
		rm -f "$got.raw"
		if [ "${UPDATE:-}" = 1 ]; then
			cp "$got" "$case/expected"
			if [ -d "$case/expected-site" ]; then
				rm -rf "$case/expected-site"
				cp -R "$tmp/out" "$case/expected-site"
			fi
			for f in $( [ -d "$case/expected-files" ] && cd "$case/expected-files" && find . -type f); do
				cp "$tmp/out/$f" "$case/expected-files/$f"
			done
		fi
		site_ok=true
		if [ -d "$case/expected-site" ] && ! diff -ru "$case/expected-site" "$tmp/out" >"$tmp.sitediff" 2>&1; then
			site_ok=false
		fi
		# expected-files/: only the files it holds are compared (a case about
		# one page need not repeat the whole site of another case).
		if [ -d "$case/expected-files" ]; then
			: >"$tmp.sitediff"
			for f in $(cd "$case/expected-files" && find . -type f); do
				diff -u "$case/expected-files/$f" "$tmp/out/$f" >>"$tmp.sitediff" 2>&1 || site_ok=false
			done
		fi
		if diff -u "$case/expected" "$got" >"$tmp.diff" 2>&1 && $site_ok; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL: $(basename "$suite")/$name"
			cat "$tmp.diff"
			$site_ok || head -100 "$tmp.sitediff"
		fi
		rm -rf "$tmp" "$tmp.out" "$tmp.diff" "$tmp.sitediff"
	done
done
if [ -n "$pg" ]; then
	echo "cases on PostgreSQL: $pass passed, $fail failed, $skipped left out (sqlite-only)"
else
	echo "cases: $pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
