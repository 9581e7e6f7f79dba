#!/bin/sh
# Prints the location of a new, empty steering database on the test cluster:
# a schema of $SOBRE_TEST_PG (tests/pg/cluster.sh) made here, named after
# the argument (a folder: its last part, lowercased, letters and digits) or
# after this process. The test that asked drops it, or the cluster goes.
#   tests/pg/schema.sh [DIR]
set -eu
[ -n "${SOBRE_TEST_PG:-}" ] || { echo "usage: SOBRE_TEST_PG=URI $0 [DIR]" >&2; exit 2; }
name=t_$(basename "${1:-$$}" | tr 'A-Z' 'a-z' | tr -cd 'a-z0-9')
psql="${SOBRE_TEST_PG_BIN:+$SOBRE_TEST_PG_BIN/}psql"
"$psql" -qX "$SOBRE_TEST_PG" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $name CASCADE; CREATE SCHEMA $name" >/dev/null
case $SOBRE_TEST_PG in *\?*) sep='&' ;; *) sep='?' ;; esac
echo "$SOBRE_TEST_PG${sep}options=-csearch_path%3D$name,public"
