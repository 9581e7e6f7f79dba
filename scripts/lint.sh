#!/bin/sh
# make lint: cppcheck and clang-tidy (.clang-tidy) over src/ with the build's
# own flags, each file on its own in parallel. Fails on any finding in the
# files listed as checked; the files of work in progress by others (REPORTED)
# are linted too, and their findings printed, but do not fail the run.
# Usage: lint.sh "<compiler flags: -std, -D, -I>"
set -u
flags=$1
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

# Work in progress by other sessions (steering database, web app, their CLI
# commands and the dispatcher): reported, not failing, while not clean.
REPORTED="src/steer src/web src/main.c src/cli/cmd_assess.c src/cli/cmd_assessment_io.c
src/cli/cmd_backup.c src/cli/cmd_guide.c src/cli/cmd_history.c src/cli/cmd_indicator.c
src/cli/cmd_init.c src/cli/cmd_measure.c src/cli/cmd_plan.c src/cli/cmd_report.c
src/cli/cmd_score.c src/cli/cmd_serve.c src/cli/cmd_show.c src/cli/cmd_snapshot.c
src/cli/cmd_steer.c src/cli/cmd_user.c src/cli/cmd_weights.c"

reported() {
	for r in $REPORTED; do
		case $1 in "$r" | "$r"/*) return 0 ;; esac
	done
	return 1
}

checked=""
others=""
for f in $(find src -name '*.c' | sort); do
	if reported "$f"; then others="$others $f"; else checked="$checked $f"; fi
done

missing=""
for tool in cppcheck clang-tidy; do
	command -v $tool >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	echo "lint: missing$missing (apt-get install$missing)" >&2
	exit 2
fi

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

# clang-tidy: one process per file, $jobs at a time; a file's findings go to
# its own log so that the two sets can be told apart.
tidy_run() {
	printf '%s\n' "$@" | xargs -P "$jobs" -I{} sh -c \
		'clang-tidy --quiet "$1" -- $2 >"$3/$(echo "$1" | tr / _).log" 2>/dev/null || echo "$1" >>"$3/failed"' \
		sh {} "$flags" "$out"
}

echo "lint: cppcheck and clang-tidy on $(echo $checked | wc -w) files checked, $(echo $others | wc -w) reported"
status=0
# shellcheck disable=SC2086
cppcheck_run $checked >"$out/cppcheck.checked"
# shellcheck disable=SC2086
cppcheck_run $others >"$out/cppcheck.others"
# shellcheck disable=SC2086
tidy_run $checked $others

findings() { # the clang-tidy findings of the files given
	for f in "$@"; do
		log="$out/$(echo "$f" | tr / _).log"
		[ -s "$log" ] && grep -E ': (warning|error): ' "$log"
	done
}
# shellcheck disable=SC2086
findings $checked >"$out/tidy.checked"
# shellcheck disable=SC2086
findings $others >"$out/tidy.others"

if [ -s "$out/cppcheck.checked" ] || [ -s "$out/tidy.checked" ]; then
	echo "lint: findings in checked files:"
	cat "$out/cppcheck.checked" "$out/tidy.checked"
	status=1
fi
if [ -s "$out/cppcheck.others" ] || [ -s "$out/tidy.others" ]; then
	echo "lint: findings in work in progress by others (reported, not failing):"
	cat "$out/cppcheck.others" "$out/tidy.others"
fi
[ $status -eq 0 ] && echo "lint: checked files clean"
exit $status
