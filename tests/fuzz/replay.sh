#!/bin/sh
# Replays every regression case (tests/fuzz/regressions/fuzz_<h>/) and seed
# (tests/fuzz/corpus/fuzz_<h>/) through the harness built with a plain main(),
# one process per file so that a failure names its input. Under make check's
# sanitizer build this is where a fixed fuzz crash would come back.
#
# A regression file whose name ends in ".open" is a bug found and not fixed
# yet: it is committed before its fix, and under sanitizers it must still fail
# (proof that the case reproduces the bug). The fix renames it without ".open".
# Usage: replay.sh BUILD SANITIZED(0|1) HARNESS...
set -u
build=$1
sanitized=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
# The same leak suppressions as make fuzz (lsan.supp says why).
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
# A hang is a failure too; no input here takes a tenth of this.
limit=20
pass=0
fail=0
open=0
for h in "$@"; do
	for f in "$here/regressions/fuzz_$h"/* "$here/corpus/fuzz_$h"/*; do
		[ -f "$f" ] || continue
		name=${f#"$here"/}
		# Without sanitizers a memory error may pass unnoticed: open bugs
		# are only judged under them.
		case $f in *.open) [ "$sanitized" = 1 ] || continue ;; esac
		timeout "$limit" "$build/replay/fuzz_$h" "$f" >/dev/null 2>"$build/replay/last.err"
		rc=$?
		case $f in
		*.open)
			if [ $rc -eq 0 ]; then
				fail=$((fail + 1))
				echo "FAIL: $name passes: the bug is fixed, drop '.open' from its name" >&2
			else
				open=$((open + 1))
			fi
			continue
			;;
		esac
		if [ $rc -eq 0 ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			[ $rc -eq 124 ] && echo "FAIL: fuzz_$h $name: no result after ${limit}s" >&2 ||
				echo "FAIL: fuzz_$h $name (exit $rc)" >&2
			head -30 "$build/replay/last.err" >&2
		fi
	done
done
echo "fuzz replay: $pass passed, $fail failed, $open known open bugs reproduced"
[ "$fail" -eq 0 ]
