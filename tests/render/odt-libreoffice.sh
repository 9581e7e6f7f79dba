#!/bin/sh
# The ODT that render/doc writes, opened by the real client: LibreOffice
# converts BUILD/tools/doc_sample's sample.odt to text and to PDF; every
# heading and table cell of the sample must be in the text, and the PDF must
# not be empty. Without soffice: SKIPPED, unless $CI is set (then it fails).
# Usage: odt-libreoffice.sh BUILDDIR   (after make BUILD=BUILDDIR BUILDDIR/tools/doc_sample)
set -u
build=${1:-build}
sample=$build/tools/doc_sample
if ! command -v soffice >/dev/null 2>&1; then
	if [ -n "${CI:-}" ]; then
		echo "odt-libreoffice: soffice not found (CI: LibreOffice is required)" >&2
		exit 1
	fi
	echo "SKIPPED: odt-libreoffice: soffice (LibreOffice) not found"
	exit 0
fi
if [ ! -x "$sample" ]; then
	echo "odt-libreoffice: $sample missing: make BUILD=$build $sample" >&2
	exit 2
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
"$sample" "$dir" || { echo "FAILED: odt-libreoffice: $sample" >&2; exit 1; }
# A private profile: no first-start dialog, no lock shared with a running
# LibreOffice; a timeout in case it hangs.
profile="file://$dir/profile"
for fmt in txt pdf; do
	if ! timeout 120 soffice -env:UserInstallation="$profile" --headless --norestore \
		--convert-to "$fmt" --outdir "$dir/out" "$dir/sample.odt" >"$dir/soffice-$fmt.log" 2>&1; then
		echo "FAILED: odt-libreoffice: soffice --convert-to $fmt" >&2
		cat "$dir/soffice-$fmt.log" >&2
		fail=1
	fi
done
txt=$dir/out/sample.txt
pdf=$dir/out/sample.pdf
if [ ! -s "$txt" ]; then
	echo "FAILED: odt-libreoffice: no text from sample.odt" >&2
	fail=1
else
	while IFS= read -r line; do
		if ! grep -qF -- "$line" "$txt"; then
			echo "FAILED: odt-libreoffice: '$line' is not in the text LibreOffice read" >&2
			fail=1
		fi
	done <"$dir/expected.txt"
fi
if [ ! -s "$pdf" ] || ! head -c 5 "$pdf" | grep -q '%PDF-'; then
	echo "FAILED: odt-libreoffice: no PDF from sample.odt" >&2
	fail=1
fi
if [ "$fail" = 0 ]; then
	echo "odt-libreoffice: $(wc -l <"$dir/expected.txt") texts found in LibreOffice's reading of sample.odt ($(wc -c <"$dir/sample.odt") bytes); PDF of $(wc -c <"$pdf") bytes"
fi
if [ -n "${KEEP:-}" ]; then
	mkdir -p "$KEEP" && cp -r "$dir/sample.odt" "$dir/sample.html" "$dir/sample.md" "$dir/out/." "$KEEP/"
fi
exit $fail
