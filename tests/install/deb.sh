#!/bin/sh
# make deb: the package's control fields (the binary's version, dpkg's
# architecture, Depends naming the libraries it links), its contents (owned
# by root, man pages compressed, the unit), then the package installed with
# dpkg into a scratch instdir and admindir (maintainer scripts outside a
# chroot, told by DPKG_ROOT to leave the host's systemd alone), its binary
# run, and removed leaving no file. lintian, where installed, must report no
# error. Skipped without dpkg-deb or scdoc outside CI, failed under CI.
# usage: deb.sh BUILD
set -u
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: deb: $*"; fi; }

for tool in dpkg-deb scdoc; do
	if ! command -v $tool >/dev/null 2>&1; then
		if [ -n "${CI:-}" ]; then echo "FAIL: deb: $tool is missing"; exit 1; fi
		echo "deb: SKIPPED: no $tool"
		exit 0
	fi
done

make -s -C "$root" deb BUILD="$build" >"$tmp/log" 2>&1 || { cat "$tmp/log"; echo "FAIL: deb: make deb"; exit 1; }
version=$("$root/$build/sobre" --version | sed -n 's/^sobre //p')
arch=$(dpkg --print-architecture)
deb=$root/$build/sobre_${version}_${arch}.deb
check test -s "$deb"

dpkg-deb --field "$deb" Package Version Architecture >"$tmp/fields"
printf 'Package: sobre\nVersion: %s\nArchitecture: %s\n' "$version" "$arch" >"$tmp/expected"
check diff -u "$tmp/expected" "$tmp/fields"
depends=$(dpkg-deb --field "$deb" Depends)
for lib in libc6 libsqlite3-0 libpq5 libmicrohttpd libsodium libfyaml libjansson4 libmd4c libmimalloc; do
	check sh -c "echo '$depends' | grep -q '$lib'"
done
check sh -c "dpkg-deb --field '$deb' Maintainer Description | grep -q ."
dpkg-deb --contents "$deb" >"$tmp/contents"
check grep -q ' \./usr/bin/sobre$' "$tmp/contents"
check grep -q ' \./etc/sobre/sobre\.conf$' "$tmp/contents"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$tmp/conffiles" 2>/dev/null
check grep -qx /etc/sobre/sobre.conf "$tmp/conffiles"
check grep -q ' \./usr/lib/systemd/system/sobre\.service$' "$tmp/contents"
check grep -q ' \./usr/share/man/man1/sobre-steer\.1\.gz$' "$tmp/contents"
check grep -q ' \./usr/share/doc/sobre/README\.md$' "$tmp/contents"
check sh -c "! grep -v ' root/root ' '$tmp/contents'"

# Extracted: the binary runs.
dpkg-deb -x "$deb" "$tmp/x"
check sh -c "'$tmp/x/usr/bin/sobre' --version | grep -qx 'sobre $version'"

# Installed and removed with dpkg, in a scratch root.
mkdir -p "$tmp/inst" "$tmp/admin/info" "$tmp/admin/updates" "$tmp/admin/triggers"
touch "$tmp/admin/status"
dpkgx() { dpkg --instdir="$tmp/inst" --admindir="$tmp/admin" --force-not-root --force-script-chrootless \
	--force-depends --log=/dev/null "$@"; }
quiet() { "$@" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; false; }; }
check quiet dpkgx -i "$deb"
check sh -c "dpkg --admindir='$tmp/admin' -s sobre | grep -qx 'Status: install ok installed'"
check sh -c "'$tmp/inst/usr/bin/sobre' --version | grep -qx 'sobre $version'"
check quiet "$tmp/inst/usr/bin/sobre" config check "$tmp/inst/etc/sobre/sobre.conf"
# Removed, the settings (a conffile) stay; purged, they go.
check quiet dpkgx -r sobre
check sh -c "[ \"\$(cd '$tmp/inst' && find . -type f)\" = ./etc/sobre/sobre.conf ]"
check quiet dpkgx -P sobre
check sh -c "[ -z \"\$(find '$tmp/inst' -type f)\" ]"

if command -v lintian >/dev/null 2>&1; then
	lintian --no-tag-display-limit "$deb" >"$tmp/lintian" 2>&1
	check sh -c "! grep '^E:' '$tmp/lintian'"
else
	echo "deb: lintian not installed: not run"
fi

echo "deb: $pass passed, $fail failed ($(basename "$deb"), $(wc -c <"$deb") bytes)"
[ "$fail" -eq 0 ]
