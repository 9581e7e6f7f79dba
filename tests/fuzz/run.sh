#!/bin/sh
# make fuzz: runs each libFuzzer harness for a fixed time on a copy of its seed
# corpus and fails on any crash, leak, timeout or sanitizer report. Prints the
# executions per harness. Usage: run.sh BUILD SECONDS HARNESS...
set -u
build=$1
secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
# UBSan reports must stop the run (they are also built non-recoverable).
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0"
# One third-party leak is suppressed, with its reason, in lsan.supp.
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
fail=0
summary=""
for h in "$@"; do
	bin=$build/fuzz_$h
	work=$build/corpus/fuzz_$h # grows across runs; the committed seeds stay as written
	art=$build/artifacts/fuzz_$h/
	log=$build/fuzz_$h.log
	mkdir -p "$work" "$art"
	# -max_len: large enough for the structures each parser nests (a guide
	# page with front matter, a Markdown document with nested containers, a
	# template with partials), small enough to keep thousands of runs a second.
	case $h in
	frontmatter) maxlen=16384 ;;
	markdown) maxlen=32768 ;;
	mustache) maxlen=8192 ;;
	csv) maxlen=8192 ;;
	referentiel) maxlen=8192 ;;
	workbook) maxlen=8192 ;;
	*) maxlen=4096 ;;
	esac
	dict=""
	[ -f "$here/fuzz_$h.dict" ] && dict="-dict=$here/fuzz_$h.dict"
	echo "fuzz_$h: ${secs}s, -max_len=$maxlen"
	# shellcheck disable=SC2086 # $dict is one word or none
	"$bin" -max_total_time="$secs" -max_len="$maxlen" -rss_limit_mb=2048 -timeout=30 \
		-print_final_stats=1 -artifact_prefix="$art" $dict \
		"$work" "$here/corpus/fuzz_$h" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	if [ $rc -ne 0 ] || grep -q -E 'ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:|ERROR: libFuzzer' "$log"; then
		fail=1
		echo "FAIL: fuzz_$h (exit $rc), see $log; crashing input in $art" >&2
		grep -E -A12 'ERROR: |runtime error:' "$log" | head -40 >&2
	fi
	summary="$summary
  fuzz_$h: ${runs:-?} executions in ${secs}s, exit $rc"
done
echo "fuzz:$summary"
exit $fail
