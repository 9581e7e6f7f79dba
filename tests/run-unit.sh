#!/bin/sh
# Runs every cmocka unit-test binary built under BUILD/tests; fails if any fails.
set -u
build=${1:-build}
fail=0
count=0
for t in $(find "$build/tests" -type f -perm -u+x 2>/dev/null | sort); do
	count=$((count + 1))
	if ! "$t"; then
		echo "FAILED: $t" >&2
		fail=1
	fi
done
[ "$count" -gt 0 ] || { echo "run-unit: no test binaries under $build/tests" >&2; exit 1; }
exit $fail
