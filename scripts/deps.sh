#!/bin/sh
# Makes sure the build dependencies are there. On a fresh Debian machine it
# installs the missing -dev packages when it can (root or sudo); otherwise it
# prints the exact command and fails. postgresql and haproxy (the PostgreSQL
# tests, which say SKIPPED without them outside CI) come with the others but
# are not looked for: only libpq (the PostgreSQL backend's client library)
# is needed to build.
set -u
PKGS="libfyaml-dev libmd4c-dev libjansson-dev libsqlite3-dev libmicrohttpd-dev libsodium-dev libxlsxwriter-dev libutf8proc-dev libzip-dev libexpat1-dev libcurl4-openssl-dev libssl-dev libcmocka-dev libmimalloc-dev libpq-dev postgresql haproxy pkg-config python3"
MODS="libfyaml md4c jansson sqlite3 libmicrohttpd libsodium xlsxwriter libutf8proc libzip expat libcurl libcrypto libpq cmocka"

missing=""
if command -v pkg-config >/dev/null 2>&1; then
	for m in $MODS; do
		pkg-config --exists "$m" || missing="$missing $m"
	done
else
	missing="pkg-config"
fi
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
# mimalloc has no pkg-config file: its header and library are looked for.
mimalloc=no
for d in /usr/lib/*-linux-gnu /usr/lib /usr/local/lib; do
	[ -e "$d/libmimalloc.so" ] && mimalloc=yes
done
[ -e /usr/include/mimalloc.h ] || [ -e /usr/local/include/mimalloc.h ] || mimalloc=no
[ "$mimalloc" = yes ] || missing="$missing mimalloc"
[ -z "$missing" ] && exit 0

echo "deps: missing:$missing" >&2
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: install the development packages of:$missing" >&2
	exit 1
fi
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	echo "deps: run: sudo apt-get install -y $PKGS" >&2
	exit 1
fi
echo "deps: installing $PKGS" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq $PKGS >&2 || {
	echo "deps: apt-get failed; run: sudo apt-get install -y $PKGS" >&2
	exit 1
}
