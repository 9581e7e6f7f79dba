# Sourced by the test scripts that need data the project does not ship (the
# real guide and the old site's outputs, the synthetic guide generator): it
# is in $SOBRE_TESTDATA, else ../shared beside the clone (tests/testdata.h
# says the same for the unit tests).
#
# testdata_missing WHAT PATH: says that WHAT cannot run because PATH is
# missing. Outside CI it is skipped (returns 0); under CI ($CI set) the data
# must be there (returns 1).
testdata_missing() {
	if [ -n "${CI:-}" ]; then
		echo "$1: FAILED ($2 not found: CI must provide the test data; set SOBRE_TESTDATA, see README)" >&2
		return 1
	fi
	echo "$1: SKIPPED ($2 not found: set SOBRE_TESTDATA, see README)"
	return 0
}
