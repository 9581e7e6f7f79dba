#!/bin/sh
# The PostgreSQL tests of make check: tests/pg/run.sh BUILD (BUILD holds
# sobre, tools/pg_schema and tests/steer/test_store_pg). One throwaway
# cluster (tests/pg/cluster.sh; or the one of SOBRE_TEST_PG when set) for
# all of them: the baseline schema against SQLite's (test_schema.sh), the
# backend against a real server (test_store_pg), the CLI on it (cli.sh),
# the app's retries and outages (test_app.py), the steering suites again
# (the golden cases, the CLI's end-to-end test, migrate-db), the web app's
# crash test (tests/web/crash.py --pg), two servers behind HAProxy
# (two_servers.py), then the web and mail suites that make test runs on
# SQLite, and make oidc-check's, again with SOBRE_TEST_BACKEND=pg (tests/web/dbtest.py: each
# database a new schema). Without PostgreSQL's server binaries it says
# SKIPPED and succeeds, and so does the two-server test without haproxy
# ($HAPROXY, else haproxy in the PATH or /usr/sbin), except under CI ($CI
# set), where each fails.
#
#   tests/pg/run.sh BUILD [all|backend|suites]
# backend: everything but the web and mail suites; suites: those alone
# (make test runs the two halves side by side, each with its cluster).
set -eu
part=${2:-all}
if [ $# -lt 1 ] || [ $# -gt 2 ] || { [ "$part" != all ] && [ "$part" != backend ] && [ "$part" != suites ]; }; then
	echo "usage: $0 BUILD [all|backend|suites]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd)
for f in "$build/sobre" "$build/tools/pg_schema" "$build/tests/steer/test_store_pg"; do
	if [ ! -x "$f" ]; then
		echo "pg: FAILED: no $f (make $f)" >&2
		exit 1
	fi
done
if [ -z "${SOBRE_TEST_PG:-}" ]; then
	env=$("$here/cluster.sh" start $$) || exit 1
	[ -n "$env" ] || exit 0 # skipped: cluster.sh said why
	eval "$env"
	trap '"$here/cluster.sh" stop "$SOBRE_TEST_PG_DIR"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
fi
if [ "$part" != suites ]; then
	"$here/test_schema.sh" "$build"
	# cmocka's report only when a test fails: a pass is one line.
	if ! "$build/tests/steer/test_store_pg" >"$build/test_store_pg.log" 2>&1; then
		cat "$build/test_store_pg.log" >&2
		echo "pg: FAILED: tests/steer/test_store_pg" >&2
		exit 1
	fi
	echo "pg backend: $(grep -c '^\[       OK \]' "$build/test_store_pg.log") tests passed" >&2
	# The commands that run on PostgreSQL: one that stops running fails.
	ok="guide-import guide-list weights weights-set score plan history assess show indicators perimeter-list perimeter-add"
	ok="$ok snapshot-create snapshot-list user-add user-list export-assessment measure objective-add objective-list"
	ok="$ok snapshot-diff consolidate report strategy"
	PG_CLI_OK=${PG_CLI_OK-$ok} "$here/cli.sh" "$build/sobre"
	# The web app on PostgreSQL alone: a request run again when its
	# transaction lost a race; the database out of reach, then back.
	python3 "$here/test_app.py" "$build/sobre" "$here/../../examples/guide"
	# The steering suites again, on PostgreSQL: the golden cases (each in a new
	# schema; those about the SQLite file or the db setting are marked sqlite-only), the CLI's
	# end-to-end test, and every release database moved there by migrate-db.
	SOBRE_CASES_PG=$SOBRE_TEST_PG "$here/../run-cases.sh" "$build/sobre"
	SOBRE_E2E_PG=$SOBRE_TEST_PG "$here/../steer/e2e.sh" "$build/sobre"
	if ! "$here/../fixtures/migrate.sh" "$build/sobre" "$here/schema.sh" >"$build/migrate-pg.log" 2>&1; then
		cat "$build/migrate-pg.log" >&2
		exit 1
	fi
	sed 's/^migrate:/migrate to PostgreSQL:/' "$build/migrate-pg.log"
	# sobre serve killed with SIGKILL under 8 posting threads, on PostgreSQL.
	python3 "$here/../web/crash.py" --pg "$SOBRE_TEST_PG" "$build/sobre"
	# Two servers on one database behind HAProxy (Debian's haproxy).
	haproxy=${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}
	if [ -x "$haproxy" ]; then
		HAPROXY=$haproxy python3 "$here/two_servers.py" "$build/sobre" "$here/../../examples/guide"
	elif [ -n "${CI:-}" ]; then
		echo "pg two servers: FAILED (no haproxy: apt-get install haproxy)" >&2
		exit 1
	else
		echo "pg two servers: SKIPPED (no haproxy: apt-get install haproxy)" >&2
	fi
fi
[ "$part" != backend ] || exit 0
# Each suite prints its own "NAME on PostgreSQL: N passed, M failed" line;
# all run, and any failure fails the whole.
failed=""
for suite in web/test_serve.py:examples/guide web/test_pilotage.py:examples/guide \
	web/test_json_objects.py:examples/guide mail/test_remind.py:tests/cases/steer/_base/guide-v1 \
	web/test_reminders.py:examples/guide; do
	SOBRE_TEST_BACKEND=pg python3 "$root/tests/${suite%%:*}" "$build/sobre" "$root/${suite#*:}" ||
		failed="$failed ${suite%%:*}"
done
# Single sign-on against the real provider (its logins under way, the
# accounts it provisions and links, in the database).
SOBRE_TEST_BACKEND=pg "$root/tests/oidc/run.sh" "$build/sobre" || failed="$failed oidc"
if [ -n "$failed" ]; then
	echo "pg: FAILED on PostgreSQL:$failed" >&2
	exit 1
fi
