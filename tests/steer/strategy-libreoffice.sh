#!/bin/sh
# The stratégie's ODT opened by the real client. Builds the database of the
# golden case steer/strategy-document (its own commands, run here), writes
# the strategy as Markdown and as ODT, has LibreOffice headless convert the
# ODT to text and to PDF, and checks that every heading and every table
# cell of the document (read from the Markdown: each part, objective and
# action) is in the text LibreOffice read, and that the PDF is not empty.
# Without soffice: SKIPPED, unless $CI is set (then it fails).
#   tests/steer/strategy-libreoffice.sh build/sobre
set -u
sobre=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v soffice >/dev/null 2>&1; then
	if [ -n "${CI:-}" ]; then
		echo "strategy-libreoffice: soffice not found (CI: LibreOffice is required)" >&2
		exit 1
	fi
	echo "SKIPPED: strategy-libreoffice: soffice (LibreOffice) not found"
	exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
case=$here/cases/steer/strategy-document
cp -R "$here/cases/steer/_base/." "$dir/"
(cd "$dir" && eval "\"$sobre\" $(cat "$case/args")" >/dev/null 2>&1)
export SOBRE_NOW=2026-11-20T09:00:00Z
if ! "$sobre" strategy --format md -o "$dir/strategy.md" --db "$dir/sobre.db" ||
	! "$sobre" strategy --format odt -o "$dir/strategy.odt" --db "$dir/sobre.db"; then
	echo "FAILED: strategy-libreoffice: sobre strategy" >&2
	exit 1
fi
fail=0
profile="file://$dir/profile"
for fmt in txt pdf; do
	if ! timeout 120 soffice -env:UserInstallation="$profile" --headless --norestore \
		--convert-to "$fmt" --outdir "$dir/out" "$dir/strategy.odt" >"$dir/soffice-$fmt.log" 2>&1; then
		echo "FAILED: strategy-libreoffice: soffice --convert-to $fmt" >&2
		cat "$dir/soffice-$fmt.log" >&2
		fail=1
	fi
done
pdf=$dir/out/strategy.pdf
if [ ! -s "$pdf" ] || ! head -c 5 "$pdf" | grep -q '%PDF-'; then
	echo "FAILED: strategy-libreoffice: no PDF from strategy.odt" >&2
	fail=1
fi
python3 - "$dir/strategy.md" "$dir/out/strategy.txt" "$(wc -c <"$dir/strategy.odt")" "$(wc -c <"$pdf" 2>/dev/null || echo 0)" <<'PY' || fail=1
import re, sys
md, txt = open(sys.argv[1], encoding="utf-8").read(), open(sys.argv[2], encoding="utf-8-sig").read()
def plain(s):
    s = re.sub(r"\[([^\]]*)\]\(<?[^)>]*>?\)", r"\1", s)       # links: their text
    s = s.replace("**", "").replace("\\", "")
    return s.strip().strip("*").strip()
want = []
for line in md.splitlines():
    if line.startswith("#"):
        want.append(plain(line.lstrip("#")))
    elif line.startswith("|") and not re.match(r"^\|[ -:|]+\|$", line):
        want += [plain(c) for c in line.strip().strip("|").split(" | ")]
want = [w for w in dict.fromkeys(want) if w]
lines = set(l.strip() for l in txt.splitlines())
missing = [w for w in want if w not in lines and w not in txt]
parts = [w for w in want if re.match(r"^[1-4]\. ", w)]
for w in missing:
    print("FAILED: strategy-libreoffice: '%s' is not in the text LibreOffice read" % w, file=sys.stderr)
if len(parts) != 4:
    print("FAILED: strategy-libreoffice: %d of the 4 parts" % len(parts), file=sys.stderr)
if missing or len(parts) != 4:
    sys.exit(1)
print("strategy-libreoffice: the 4 parts and %d headings and cells found in LibreOffice's reading of the ODT "
      "(%s bytes); PDF of %s bytes" % (len(want), sys.argv[3], sys.argv[4]))
PY
exit $fail
