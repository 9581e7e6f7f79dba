#!/bin/sh
# `sobre build --watch`: edits to a sheet, a new sheet and a broken sheet are
# picked up; a broken edit keeps the last good site; with the output in the
# guide's folder (the default DIR/_site, or -o inside it), one edit is one
# rebuild, not a loop on the build's own output; the same for a référentiel
# file. Polls with a deadline
# (sleeps only to prove that nothing more happens), and always stops the
# watcher.
set -u
sobre=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
cp -R "$root/cases/build/_base/." "$tmp/guide/" 2>/dev/null || { mkdir -p "$tmp/guide" && cp -R "$root/cases/build/_base/." "$tmp/guide/"; }
pass=0
fail=0

# wait_for FILE PATTERN: up to 10 s for PATTERN to appear in FILE.
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: watch: $*"; cat "$tmp/log"; fi; }

"$sobre" build --watch -o "$tmp/out" "$tmp/guide" >"$tmp/log" 2>&1 &
pid=$!
check wait_for "$tmp/log" "watching"
sheet="$tmp/guide/guide/energie/veille.md"
sed -i 's/^title: .*/title: Veille réglée par le test/' "$sheet"
check wait_for "$tmp/out/guide/energie/veille/index.html" "Veille réglée par le test"
check grep -q "veille.md changed" "$tmp/log"

sed 's/^idbp: a.2/idbp: a.3/; s/order: 20/order: 30/; s/^title: .*/title: Nouvelle fiche du test/' "$sheet" >"$tmp/guide/guide/energie/nouvelle.md"
check wait_for "$tmp/out/guide/energie/nouvelle/index.html" "Nouvelle fiche du test"

sed -i 's/^priority: .*/priority: Prioritere/' "$sheet"
check wait_for "$tmp/log" "nothing was written"
check grep -q "Veille réglée par le test" "$tmp/out/guide/energie/veille/index.html"

# count PATTERN: how many lines of the log match PATTERN.
count() { grep -c "$1" "$tmp/log"; }
# once_only: the edit is rebuilt (a second "written to" after the first
# build's), and a second later it is still the only rebuild (a loop on the
# build's own output rebuilds about every 0.2 s).
once_only() {
	i=0
	while [ "$(count "written to")" -lt 2 ]; do
		[ $i -lt 100 ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
	sleep 1
	[ "$(count "changed, rebuilding")" -eq 1 ]
}

# The output inside the guide's folder, under the default name, then under another.
n=0
for out in "" "$tmp/guide/public"; do
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	n=$((n + 1))
	sed -i 's/^priority: .*/priority: Prioritaire/' "$sheet"
	# Removed here, not truncated by the child's redirection: that may come
	# after wait_for has read the previous watcher's "watching".
	rm -f "$tmp/log"
	"$sobre" build --watch ${out:+-o "$out"} "$tmp/guide" >"$tmp/log" 2>&1 &
	pid=$!
	check wait_for "$tmp/log" "watching"
	sed -i "s/^title: .*/title: Veille, sortie $n/" "$sheet"
	check once_only
done

# A référentiel file: its folder is watched, its default output (_site
# beside it) is not; an edit is rebuilt once, a broken edit keeps the site.
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
mkdir -p "$tmp/ref"
cp "$root/cases/build/ref-rgesn/input/rgesn.json" "$tmp/ref/"
rm -f "$tmp/log"
"$sobre" build --watch --base-url https://exemple.fr/ "$tmp/ref/rgesn.json" >"$tmp/log" 2>&1 &
pid=$!
check wait_for "$tmp/log" "watching"
sed -i 's/objectif écrit et partagé/but écrit par le test/' "$tmp/ref/rgesn.json"
check wait_for "$tmp/ref/_site/criteres/1-1/index.html" "but écrit par le test"
check once_only
sed -i 's/"priorite": "Prioritaire"/"priorite": "Prioritere"/' "$tmp/ref/rgesn.json"
check wait_for "$tmp/log" "nothing was written"
check grep -q "but écrit par le test" "$tmp/ref/_site/criteres/1-1/index.html"

echo "watch: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
