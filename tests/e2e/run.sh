#!/bin/sh
# Browser test of the built site: tests/e2e/run.sh path/to/sobre
# Needs node >= 20, npm and Debian's Chromium (/usr/bin/chromium, or $CHROMIUM).
# On a developer machine without them it says SKIPPED and succeeds; under CI
# (CI set) a missing piece is an error. The site test needs the real guide,
# the référentiel site's test the RGESN 2024 file, from the test data
# (tests/testdata.sh); the same rule applies to them.
set -eu
if [ $# -ne 1 ]; then
	echo "usage: $0 path/to/sobre" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sobre=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
chromium=${CHROMIUM:-/usr/bin/chromium}

missing=""
if ! command -v node >/dev/null 2>&1; then
	missing="$missing node"
elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
	missing="$missing node>=20 (found $(node --version))" # playwright-core's minimum
fi
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -x "$chromium" ] || missing="$missing chromium ($chromium)"
if [ -n "$missing" ]; then
	if [ -n "${CI:-}" ]; then
		echo "e2e: FAILED: missing:$missing (CI must install them: see .ci/run)" >&2
		exit 1
	fi
	echo "e2e: SKIPPED (missing:$missing; apt-get install chromium nodejs npm to run it)"
	exit 0
fi
if [ ! -x "$sobre" ]; then
	echo "e2e: FAILED: no sobre binary at $sobre" >&2
	exit 1
fi

# playwright-core and axe-core, exactly as package-lock.json pins them;
# playwright-core never downloads a browser of its own.
if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules" ]; then
	(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) || {
		echo "e2e: FAILED: npm ci in tests/e2e" >&2
		exit 1
	}
	touch "$here/node_modules"
fi

cd "$root"
. tests/testdata.sh
guide=${SOBRE_TESTDATA:-../shared}/corpus/gbpnr-v1
have_guide=yes
[ -d "$guide" ] || { testdata_missing "e2e: site" "$guide" || exit 1; have_guide=; }
rgesn=${SOBRE_TESTDATA:-../shared}/corpus/rgesn-2024/referentiel-ecoconception.json
have_rgesn=yes
[ -f "$rgesn" ] || { testdata_missing "e2e: référentiel site" "$rgesn" || exit 1; have_rgesn=; }
tests=
for t in tests/e2e/*.test.mjs; do
	case $t in
	*/site.test.mjs) [ -n "$have_guide" ] || continue ;;
	*/refsite.test.mjs) [ -n "$have_rgesn" ] || continue ;;
	esac
	tests="$tests $t"
done
# shellcheck disable=SC2086 # file names without spaces
SOBRE=$sobre CHROMIUM=$chromium node --test $tests
