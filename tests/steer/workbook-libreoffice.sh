#!/bin/sh
# The assessment's round trip through a real spreadsheet client: sobre's XLSX
# export, edited as a person would (tests/steer/xlsx_edit.py: a status, an
# owner, a comment with accents and French quotes, a due date typed as a
# date, a "non concernée" with its justification), then saved by
# LibreOffice both as ODS and as XLSX (soffice --headless --convert-to: its
# own writers, what a user's save produces). Each saved file is imported
# into a fresh copy of the database: the edited fields must be applied,
# every other field of every practice unchanged (the JSON exports before and
# after compared), and a second import must change nothing.
#     tests/steer/workbook-libreoffice.sh build/sobre
# Without soffice: one SKIPPED line and exit 0, unless $CI is set (then a
# failure). Not in make check: LibreOffice takes seconds to start.
set -u
sobre=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if ! command -v soffice >/dev/null 2>&1; then
	if [ -n "${CI:-}" ]; then
		echo "FAIL: workbook-libreoffice: soffice (LibreOffice) is not installed, and CI is set" >&2
		exit 1
	fi
	echo "SKIPPED: workbook-libreoffice: soffice (LibreOffice) is not installed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export SOBRE_USER=referente SOBRE_NOW=2026-01-15T10:00:00Z TZ=UTC
unset SOBRE_DB
fail=0
die() {
	echo "FAIL: workbook-libreoffice: $*" >&2
	exit 1
}

"$sobre" init --db base.db >/dev/null || die "init"
"$sobre" guide import --db base.db "$root/examples/guide" >/dev/null || die "guide import"
"$sobre" export-assessment --db base.db --format xlsx -o export.xlsx || die "export"
"$sobre" export-assessment --db base.db --format json -o before.json || die "export json"
# Row 2 is a.1, row 5 b.1 (the example guide's order).
python3 "$here/xlsx_edit.py" export.xlsx edited.xlsx "F2=en cours" "H2=Zoé Müller" "I2=date:2026-09-30" \
	"J2=Étude lancée : relevés « avant/après », l'été" "F5=non concernée" "J5=pas de parc à renouveler" ||
	die "editing the XLSX"
# A private profile: no user's settings, no lock shared with a running LibreOffice.
for fmt in ods xlsx; do
	mkdir -p "lo-$fmt"
	timeout 180 soffice -env:UserInstallation="file://$tmp/profile" --headless --norestore \
		--convert-to "$fmt" --outdir "lo-$fmt" edited.xlsx >"lo-$fmt.log" 2>&1 ||
		die "soffice --convert-to $fmt failed: $(cat "lo-$fmt.log")"
	[ -s "lo-$fmt/edited.$fmt" ] || die "soffice wrote no lo-$fmt/edited.$fmt: $(cat "lo-$fmt.log")"
done

for fmt in ods xlsx; do
	file="lo-$fmt/edited.$fmt"
	cp base.db "$fmt.db"
	out=$("$sobre" import-assessment --db "$fmt.db" "$file" 2>&1)
	want="$file: 6 rows read, 2 practices changed (6 fields)"
	if [ "$out" != "$want" ]; then
		echo "FAIL: workbook-libreoffice: import of the $fmt LibreOffice saved:" >&2
		echo "$out" >&2
		fail=$((fail + 1))
		continue
	fi
	"$sobre" show a.1 --db "$fmt.db" --format json >show.json || die "show a.1"
	"$sobre" export-assessment --db "$fmt.db" --format json -o after.json || die "export json"
	again=$("$sobre" import-assessment --db "$fmt.db" "$file" 2>&1)
	[ "$again" = "$file: 6 rows read, 0 practices changed (0 fields)" ] || {
		echo "FAIL: workbook-libreoffice: a second import of the $fmt changed something: $again" >&2
		fail=$((fail + 1))
	}
	python3 - "$fmt" <<'PY' || fail=$((fail + 1))
import json, sys
fmt = sys.argv[1]
show = json.load(open("show.json"))
before = {p["id"]: p for p in json.load(open("before.json"))["practices"]}
after = {p["id"]: p for p in json.load(open("after.json"))["practices"]}
edited = {
    "a.1": {"status": "en cours", "owner": "Zoé Müller", "due": "2026-09-30",
            "comment": "Étude lancée : relevés « avant/après », l'été"},
    "b.1": {"status": "non concernée", "comment": "pas de parc à renouveler"},
}
problems = []
s = show.get("assessment", show)
for k, v in edited["a.1"].items():
    if s.get(k) != v:
        problems.append("show a.1: %s is %r, not %r" % (k, s.get(k), v))
if set(before) != set(after):
    problems.append("practices differ: %s" % sorted(set(before) ^ set(after)))
for pid in sorted(before):
    want = dict(before[pid])
    want.update(edited.get(pid, {}))
    got = after.get(pid, {})
    # The plan's view follows the status: "overdue" may move with a due date.
    for k in sorted(set(want) | set(got)):
        if k == "overdue" and pid in edited:
            continue
        if want.get(k) != got.get(k):
            problems.append("%s: %s is %r, expected %r" % (pid, k, got.get(k), want.get(k)))
for p in problems:
    print("FAIL: workbook-libreoffice (%s): %s" % (fmt, p), file=sys.stderr)
sys.exit(1 if problems else 0)
PY
done
if [ "$fail" -eq 0 ]; then
	echo "workbook-libreoffice: ODS and XLSX saved by LibreOffice imported, 2 practices changed, the rest unchanged"
else
	exit 1
fi
