#!/bin/sh
# make deb: BUILD/sobre_VERSION_ARCH.deb from make install PREFIX=/usr, with
# dpkg-deb (no debhelper, no source package). The version is the binary's own
# (sobre --version), the architecture dpkg's, and Depends is computed from the
# libraries the binary links: dpkg-shlibdeps (dpkg-dev) where it exists, else
# the packages that own them (ldd, dpkg -S).
# usage: deb.sh BUILD
set -eu
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=$("$build/sobre" --version | sed -n 's/^sobre //p')
arch=$(dpkg --print-architecture)
maintainer=${SOBRE_MAINTAINER:-sobre maintainers <sobre@localhost>}
[ -n "$version" ] || { echo "deb: $build/sobre --version printed no version" >&2; exit 1; }
stage=$build/deb
pkg=$stage/debian/sobre
rm -rf "$stage"
${MAKE:-make} -s install BUILD="$build" PREFIX=/usr DESTDIR="$(pwd)/$pkg" >/dev/null
# Debian policy: man pages compressed; the binary as built (-g kept: no -dbgsym).
gzip -9n "$pkg"/usr/share/man/man1/*.1

if command -v dpkg-shlibdeps >/dev/null 2>&1; then
	mkdir -p "$stage/debian"
	printf 'Source: sobre\n\nPackage: sobre\nArchitecture: any\n' >"$stage/debian/control"
	depends=$(cd "$stage" && dpkg-shlibdeps -O -e debian/sobre/usr/bin/sobre 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
else
	depends=$(ldd "$build/sobre" | awk '/=> \// { print $3 }' | while read -r lib; do
		dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null
	done | cut -d: -f1 | sort -u | paste -sd, - | sed 's/,/, /g')
fi
[ -n "$depends" ] || { echo "deb: could not compute Depends" >&2; exit 1; }

mkdir -p "$pkg/DEBIAN"
install -m 755 packaging/debian/postinst packaging/debian/postrm "$pkg/DEBIAN/"
# The settings file is a conffile: an upgrade keeps the administrator's edits.
echo /etc/sobre/sobre.conf >"$pkg/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: sobre
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Section: web
Priority: optional
Description: responsible-digital guide publisher and self-assessment steering
 sobre publishes a guide of good practices (Markdown sheets with YAML front
 matter, such as the French government's responsible-digital guide, or a
 référentiel such as the RGESN) as a static website, and steers an
 organisation's self-assessment against it in a SQLite database, from the
 command line and from a web app (sobre serve). The package installs the
 sobre.service systemd unit, sandboxed, not enabled, and its settings in
 /etc/sobre/sobre.conf.
CONTROL
(cd "$pkg" && find usr -type f | sort | xargs md5sum) >"$pkg/DEBIAN/md5sums"
out=$build/sobre_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out" >/dev/null
echo "deb: $out"
