#!/bin/sh
# make install into a scratch root (PREFIX=/usr): exactly the files expected,
# the installed binary runs, the pages open with man, the unit's ExecStart
# points at the installed binary and keeps its sandbox; systemd-analyze
# verifies it (and rates its exposure) where it exists; make uninstall
# leaves no file behind. Needs scdoc (make man): skipped without it outside
# CI, failed under CI.
# usage: install.sh BUILD
set -u
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: install: $*"; fi; }

if ! command -v scdoc >/dev/null 2>&1; then
	if [ -n "${CI:-}" ]; then echo "FAIL: install: scdoc is missing (apt-get install scdoc)"; exit 1; fi
	echo "install: SKIPPED: no scdoc to build the man pages (apt-get install scdoc)"
	exit 0
fi

d=$tmp/root
make -s -C "$root" install BUILD="$build" PREFIX=/usr DESTDIR="$d" >"$tmp/log" 2>&1 || { cat "$tmp/log"; echo "FAIL: install: make install"; exit 1; }
(cd "$d" && find . -type f | sort) >"$tmp/files"
{
	echo ./etc/sobre/sobre.conf
	echo ./usr/bin/sobre
	echo ./usr/lib/systemd/system/sobre.service
	echo ./usr/share/doc/sobre/CHANGELOG.md
	echo ./usr/share/doc/sobre/README.md
	for f in "$root"/docs/*.md; do echo "./usr/share/doc/sobre/docs/$(basename "$f")"; done
	for f in "$root"/man/*.scd; do b=$(basename "$f" .scd); echo "./usr/share/man/man1/$b"; done
} | sort >"$tmp/expected"
check diff -u "$tmp/expected" "$tmp/files"
check test -x "$d/usr/bin/sobre"
check sh -c "'$d/usr/bin/sobre' --version | grep -qx 'sobre [0-9][0-9.]*[^ ]*'"
for p in sobre sobre-guide sobre-steer sobre-serve; do
	check sh -c "MANPATH='$d/usr/share/man' MANWIDTH=80 man $p 2>/dev/null | grep -q '^NAME'"
done
unit=$d/usr/lib/systemd/system/sobre.service
check grep -qx 'ExecStart=/usr/bin/sobre serve --config /etc/sobre/sobre.conf' "$unit"
# The example settings are valid and say what the unit serves.
conf=$d/etc/sobre/sobre.conf
check sh -c "'$d/usr/bin/sobre' config check '$conf' >'$tmp/settings'"
check grep -q '^db = /var/lib/sobre/sobre.db ' "$tmp/settings"
check grep -q '^guide = /srv/sobre/guide ' "$tmp/settings"
# A second make install keeps the administrator's edits.
echo 'port = 8090' >>"$conf"
make -s -C "$root" install BUILD="$build" PREFIX=/usr DESTDIR="$d" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail=$((fail + 1)); }
check grep -qx 'port = 8090' "$conf"
check sh -c "! grep -q @BINDIR@ '$unit'"
for k in DynamicUser=yes StateDirectory=sobre ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes \
	ProtectHome=yes CapabilityBoundingSet= SystemCallFilter=@system-service; do
	check grep -qx "$k" "$unit"
done

if command -v systemd-analyze >/dev/null 2>&1; then
	# The unit as installed, but run from the scratch root, its man page found there.
	mkdir -p "$tmp/unit"
	sed "s|^ExecStart=/usr/bin/|ExecStart=$d/usr/bin/|" "$unit" >"$tmp/unit/sobre.service"
	check sh -c "MANPATH='$d/usr/share/man' systemd-analyze verify '$tmp/unit/sobre.service' >'$tmp/verify' 2>&1 || { cat '$tmp/verify'; false; }"
	# The exposure systemd rates from 0 (locked down) to 10: at most 2 (OK).
	if systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
		level=$(systemd-analyze security --offline=yes "$tmp/unit/sobre.service" 2>/dev/null |
			sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		check awk -v l="$level" 'BEGIN { exit !(l != "" && l <= 2.0) }'
		echo "install: the unit's exposure level: ${level:-?}"
	fi
else
	echo "install: SKIPPED systemd-analyze verify: no systemd-analyze"
fi

# make uninstall keeps the edited settings, and removes the unedited ones.
make -s -C "$root" uninstall BUILD="$build" PREFIX=/usr DESTDIR="$d" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail=$((fail + 1)); }
check sh -c "[ \"\$(cd '$d' && find . -type f)\" = ./etc/sobre/sobre.conf ]"
cp "$root/packaging/sobre.conf" "$conf"
make -s -C "$root" uninstall BUILD="$build" PREFIX=/usr DESTDIR="$d" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail=$((fail + 1)); }
check sh -c "[ -z \"\$(find '$d' -type f)\" ]"

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
