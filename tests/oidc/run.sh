#!/bin/sh
# OpenID Connect login against a real provider: tests/oidc/run.sh path/to/sobre
# Needs node >= 20 and npm: the provider is the oidc-provider package, exactly
# as package-lock.json pins it, installed here by npm ci into
# tests/oidc/node_modules. On a developer machine without them it says
# SKIPPED and succeeds; under CI (CI set) a missing piece is an error.
set -eu
if [ $# -ne 1 ]; then
	echo "usage: $0 path/to/sobre" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sobre=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

missing=""
if ! command -v node >/dev/null 2>&1; then
	missing="$missing node"
elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
	missing="$missing node>=20 (found $(node --version))" # oidc-provider's minimum
fi
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	if [ -n "${CI:-}" ]; then
		echo "oidc: FAILED: missing:$missing (CI must install them: see .ci/run)" >&2
		exit 1
	fi
	echo "oidc: SKIPPED (missing:$missing; apt-get install nodejs npm to run it)"
	exit 0
fi
if [ ! -x "$sobre" ]; then
	echo "oidc: FAILED: no sobre binary at $sobre" >&2
	exit 1
fi
if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules" ]; then
	(cd "$here" && npm ci --no-audit --no-fund) || {
		echo "oidc: FAILED: npm ci in tests/oidc" >&2
		exit 1
	}
	touch "$here/node_modules"
fi
cd "$root"
exec python3 tests/oidc/test_oidc.py "$sobre" examples/guide "$here/node_modules"
