#!/bin/sh
# make lint: the architecture (scripts/layers.py), every limit documented,
# the steering SQL in the dialect SQLite and PostgreSQL share
# (scripts/sqlcheck.py), then cppcheck and clang-tidy (.clang-tidy) over
# src/ with the build's own flags, each file on its own in parallel. Fails
# on any finding.
# Usage: lint.sh "<compiler flags: -std, -D, -I>"
set -u
flags=$1
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
files=$(find src -name '*.c' | sort)

missing=""
for tool in cppcheck clang-tidy; do
	command -v $tool >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	echo "lint: missing$missing (apt-get install$missing)" >&2
	exit 2
fi

# Every limit of the code has its row in docs/limits.md, with what it
# prevents and the test that hits it: a limit added without one fails here.
undocumented=""
for name in $(grep -rhoE '^#define [A-Z0-9_]*(_MAX_|_MIN_|_TIMEOUT|_MAX\b)[A-Z0-9_]*' src | awk '{print $2}' | sort -u); do
	grep -q "$name" docs/limits.md || undocumented="$undocumented $name"
done
if [ -n "$undocumented" ]; then
	echo "lint: limits without a row in docs/limits.md:$undocumented" >&2
	exit 1
fi

# The architecture: layers included upwards, files calling each other in a
# circle, files over 1,500 lines, functions over 120 (scripts/layers.py).
python3 scripts/layers.py src >&2 || exit 1

# The SQL of src/steer/ in the subset both engines accept (#16); first its
# rules against their own good and bad examples, so that a rule lost or
# broken fails here too.
python3 scripts/sqlcheck.py --self-test || exit 1
python3 scripts/sqlcheck.py src/steer || exit 1

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# cppcheck: warnings, portability and performance; style is left to review.
cppcheck_run() {
	# shellcheck disable=SC2086 # lists of files and flags
	cppcheck --quiet --std=c11 --enable=warning,portability,performance --inline-suppr \
		--suppress=missingIncludeSystem -j "$jobs" \
		$(printf '%s\n' $flags | grep -E '^-(D|I|U)') \
		--template='{file}:{line}:{column}: {severity}: {message} [{id}]' "$@" 2>&1
}

# clang-tidy: one process per file, $jobs at a time, each to its own log.
tidy_run() {
	printf '%s\n' "$@" | xargs -P "$jobs" -I{} sh -c \
		'clang-tidy --quiet "$1" -- $2 >"$3/$(echo "$1" | tr / _).log" 2>/dev/null || echo "$1" >>"$3/failed"' \
		sh {} "$flags" "$out"
}

echo "lint: cppcheck and clang-tidy on $(echo $files | wc -w) files"
# shellcheck disable=SC2086
cppcheck_run $files >"$out/cppcheck"
# shellcheck disable=SC2086
tidy_run $files
for f in $files; do
	log="$out/$(echo "$f" | tr / _).log"
	[ -s "$log" ] && grep -E ': (warning|error): ' "$log"
done >"$out/tidy"

if [ -s "$out/failed" ] && [ ! -s "$out/tidy" ]; then
	echo "lint: clang-tidy failed without a finding on:" >&2
	cat "$out/failed" >&2
	exit 1
fi
if [ -s "$out/cppcheck" ] || [ -s "$out/tidy" ]; then
	echo "lint: findings:"
	cat "$out/cppcheck" "$out/tidy"
	exit 1
fi
echo "lint: clean"
