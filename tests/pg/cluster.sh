#!/bin/sh
# A throwaway PostgreSQL cluster for the tests, started from Debian's server
# binaries (the newest /usr/lib/postgresql/*/bin; SOBRE_PG_BINDIR names
# another folder) in a new temporary folder, on a free loopback port.
#
#   tests/pg/cluster.sh start [PID]  starts one; prints, for eval, the
#                                    assignments of SOBRE_TEST_PG (the URI of
#                                    its database sobre_test), SOBRE_TEST_PG_DIR
#                                    (its folder) and SOBRE_TEST_PG_BIN (its
#                                    binaries: psql...). With PID, the cluster
#                                    also goes when that process ends, even
#                                    killed with SIGKILL (checked every second).
#   tests/pg/cluster.sh stop [DIR]   stops the cluster of DIR (default:
#                                    $SOBRE_TEST_PG_DIR) and removes DIR; does
#                                    nothing when there is none (twice is fine).
#   tests/pg/cluster.sh env [DIR]    prints the assignments again.
#   (tests/pg/cluster.sh watch DIR PID is start's watcher.)
#
# A test script uses it so:
#
#   env=$(tests/pg/cluster.sh start $$) || exit 1
#   [ -n "$env" ] || exit 0       # skipped: start said why
#   eval "$env"
#   trap 'tests/pg/cluster.sh stop "$SOBRE_TEST_PG_DIR"' EXIT
#   trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 129' HUP
#
# start writes nothing on stdout but the assignments; what it says goes to
# stderr. Without server binaries it says "postgresql: SKIPPED" and succeeds
# with nothing on stdout, except under CI ($CI set), where that is a failure.
#
# The cluster: initdb -A trust -E UTF8 --locale=C (byte order and ASCII-only
# case folding, as SQLite's: see src/steer/store_pg_schema.h), superuser
# postgres, listening on 127.0.0.1 and on a socket in its folder, fsync off
# (the crash tests kill sobre, never PostgreSQL), room for two servers'
# threads (PG_MAX_CONNECTIONS); the database sobre_test is created with
# LOCALE 'C' TEMPLATE template0 and the citext extension. Run as root (CI),
# the server runs as the postgres user, which owns the folder: PostgreSQL
# refuses to run as root.
set -u

# Two `sobre serve --threads 128`, a CLI, the reminders and the tests' own
# clients, with room to spare; each slot costs the server a few kilobytes.
PG_MAX_CONNECTIONS=300
# start waits this long for the server (pg_ctl -w -t).
PG_START_SECONDS=30
# stop waits this long for the immediate shutdown before SIGKILL.
PG_STOP_SECONDS=10
PG_PORT_ATTEMPTS=5

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

say() { echo "$*" >&2; }

# The server binaries' folder, or nothing.
bindir() {
	if [ -n "${SOBRE_PG_BINDIR:-}" ]; then
		[ -x "$SOBRE_PG_BINDIR/initdb" ] && echo "$SOBRE_PG_BINDIR"
		return 0
	fi
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] || continue
		v=${d#/usr/lib/postgresql/}
		echo "${v%/bin} $d"
	done | sort -n | tail -n 1 | cut -d' ' -f2
}

# Runs a command as the user the server runs as.
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
	else
		"$@"
	fi
}

# A TCP port nobody listens on now (someone may take it before the server
# does: start then tries another).
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

assignments() {
	printf "SOBRE_TEST_PG='%s'; export SOBRE_TEST_PG\n" "$1"
	printf "SOBRE_TEST_PG_DIR='%s'; export SOBRE_TEST_PG_DIR\n" "$2"
	printf "SOBRE_TEST_PG_BIN='%s'; export SOBRE_TEST_PG_BIN\n" "$3"
}

# Ours: made by start (the marker), so that stop never removes anything else.
is_cluster_dir() {
	[ -n "$1" ] && [ -d "$1" ] && [ -f "$1/sobre-test-cluster" ]
}

# Whether process $1 runs: a zombie does not (ours linger as zombies until
# the init process, their parent once pg_ctl has exited, collects them).
running() {
	kill -0 "$1" 2>/dev/null || return 1
	! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

stop_cluster() {
	dir=$1
	is_cluster_dir "$dir" || return 0
	if [ -f "$dir/watch.pid" ]; then
		w=$(cat "$dir/watch.pid")
		# The watcher runs in its own session: its sleep goes with it.
		[ -n "$w" ] && [ "$w" != "$$" ] && kill -s TERM -- "-$w" 2>/dev/null
	fi
	pid=""
	[ -f "$dir/data/postmaster.pid" ] && pid=$(head -n 1 "$dir/data/postmaster.pid")
	if [ -n "$pid" ] && running "$pid"; then
		# Immediate shutdown: nothing is kept, the folder goes next.
		kill -s QUIT "$pid" 2>/dev/null
		i=0
		while running "$pid" && [ $i -lt $((PG_STOP_SECONDS * 50)) ]; do
			sleep 0.02
			i=$((i + 1))
		done
		if running "$pid"; then
			say "postgresql: the server ($pid) did not stop in ${PG_STOP_SECONDS} s: killed"
			# pg_ctl starts the server in its own session: the group is its.
			kill -s KILL -- "-$pid" 2>/dev/null || kill -s KILL "$pid" 2>/dev/null
			sleep 0.5
		fi
	fi
	rm -rf "$dir"
}

start_cluster() {
	owner=${1:-}
	bin=$(bindir)
	if [ -z "$bin" ]; then
		if [ -n "${CI:-}" ]; then
			say "postgresql: FAILED (no initdb: apt-get install postgresql)"
			return 1
		fi
		say "postgresql: SKIPPED (no initdb: apt-get install postgresql)"
		return 0
	fi
	tmp=${TMPDIR:-/tmp}
	if [ "$(id -u)" = 0 ]; then
		if ! id -u postgres >/dev/null 2>&1; then
			say "postgresql: FAILED (run as root, but there is no postgres user to run the server)"
			return 1
		fi
		tmp=/tmp # the postgres user must reach it (not root's TMPDIR)
	fi
	# The server's socket path must fit in 107 bytes.
	[ ${#tmp} -gt 60 ] && tmp=/tmp
	dir=$(mktemp -d "$tmp/sobre-pg.XXXXXX") || {
		say "postgresql: FAILED (cannot create a folder in $tmp)"
		return 1
	}
	: >"$dir/sobre-test-cluster"
	[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
	# Interrupted while starting: the caller has no folder to stop yet.
	trap 'stop_cluster "$dir"; exit 130' INT
	trap 'stop_cluster "$dir"; exit 143' TERM
	trap 'stop_cluster "$dir"; exit 129' HUP
	if [ -n "$owner" ]; then
		# In a session of its own (setsid) so that stop ends it with its sleep.
		setsid "$self" watch "$dir" "$owner" </dev/null >/dev/null 2>&1 &
	fi
	# The server's processes start in the folder: a working directory the
	# postgres user may not enter would fail them.
	cd "$dir" || return 1
	if ! as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C -N \
		>"$dir/initdb.log" 2>&1; then
		say "postgresql: FAILED (initdb):"
		tail -n 20 "$dir/initdb.log" >&2
		stop_cluster "$dir"
		return 1
	fi
	n=0
	while :; do
		n=$((n + 1))
		port=$(free_port) || port=$((20000 + $$ % 20000 + n))
		if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t "$PG_START_SECONDS" -s \
			-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=$PG_MAX_CONNECTIONS" \
			start >"$dir/pg_ctl.log" 2>&1; then
			break
		fi
		if [ $n -ge $PG_PORT_ATTEMPTS ]; then
			say "postgresql: FAILED (the server did not start, $n attempts):"
			tail -n 20 "$dir/server.log" >&2
			stop_cluster "$dir"
			return 1
		fi
	done
	uri="postgresql://postgres@127.0.0.1:$port/sobre_test"
	if ! "$bin/psql" -X -q -v ON_ERROR_STOP=1 "postgresql://postgres@127.0.0.1:$port/postgres" \
		-c "CREATE DATABASE sobre_test ENCODING 'UTF8' LOCALE 'C' TEMPLATE template0" >"$dir/psql.log" 2>&1 ||
		! "$bin/psql" -X -q -v ON_ERROR_STOP=1 "$uri" -c "CREATE EXTENSION citext" >>"$dir/psql.log" 2>&1; then
		say "postgresql: FAILED (creating the database sobre_test):"
		cat "$dir/psql.log" >&2
		stop_cluster "$dir"
		return 1
	fi
	assignments "$uri" "$dir" "$bin" >"$dir/env"
	trap - INT TERM HUP
	cat "$dir/env"
}

# The watcher: stops the cluster once its owner is gone.
watch_owner() {
	dir=$1
	owner=$2
	echo $$ >"$dir/watch.pid"
	while kill -0 "$owner" 2>/dev/null && is_cluster_dir "$dir"; do
		sleep 1
	done
	stop_cluster "$dir"
}

case "${1:-}" in
start)
	start_cluster "${2:-}"
	;;
stop)
	stop_cluster "${2:-${SOBRE_TEST_PG_DIR:-}}"
	;;
env)
	dir=${2:-${SOBRE_TEST_PG_DIR:-}}
	if ! is_cluster_dir "$dir" || [ ! -f "$dir/env" ]; then
		say "postgresql: no cluster in '$dir'"
		exit 1
	fi
	cat "$dir/env"
	;;
watch)
	watch_owner "$2" "$3"
	;;
*)
	say "usage: $0 start [PID] | stop [DIR] | env [DIR]"
	exit 2
	;;
esac
