#!/bin/sh
# make bench: the e-mail reminders of a large organisation. The real guide,
# its 59 practices assessed with due dates from 20 days overdue to 40 days
# ahead, piloted by 20 functions of 25 people each (500 accounts, each with
# a digest to get), then `sobre remind --dry-run` (composing every message)
# and `sobre remind` sending them to an SMTP server on loopback (Debian's
# aiosmtpd; skipped without it), 1,000 a run at most: wall time and peak
# memory of each run, and how many messages each sent.
#   tests/bench/remind.sh build/sobre [TESTDATA]
set -eu
sobre=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shared=${2:-${SOBRE_TESTDATA:-../shared}}
here=$(cd "$(dirname "$0")" && pwd)
guide=$shared/corpus/gbpnr-v1
. "$here/../testdata.sh"
if [ ! -d "$guide" ]; then
	testdata_missing "bench: reminders" "$guide"
	exit 0
fi
work=$(mktemp -d)
smtpd=""
trap '[ -n "$smtpd" ] && kill "$smtpd" 2>/dev/null; rm -rf "$work"' EXIT
db=$work/sobre.db
export SOBRE_USER=bench SOBRE_NOW=2026-05-04T06:00:00Z
"$sobre" init --org "Ministère du banc d'essai" --db "$db" >/dev/null
"$sobre" guide import "$guide" --db "$db" >/dev/null
ids=$("$sobre" list --format tsv "$guide" | cut -f1 | grep -v '^id$')
i=0
for id in $ids; do
	f=$((i % 20))
	d=$((i % 60 - 20))
	due=$(date -u -d "2026-05-04 $d days" +%Y-%m-%d)
	"$sobre" assess "$id" --status "en cours" --pilot "Fonction $f" --custom-pilot --due "$due" --db "$db" >/dev/null
	i=$((i + 1))
done
u=0
while [ $u -lt 500 ]; do
	echo motdepasse-banc-1 | "$sobre" user add "agent$u@bench.example" --role pilote --function "Fonction $((u % 20))" \
		--password-stdin --db "$db" >/dev/null
	u=$((u + 1))
done
export SOBRE_BASE_URL=https://sobre.bench.example SOBRE_SMTP_FROM="Pilotage <pilotage@bench.example>"
python3 "$here/measure.py" "remind  --dry-run, 500 digests" 3 "$sobre" remind --dry-run --db "$db" --now 2026-05-04

if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
	echo "bench: reminders over SMTP: SKIPPED (apt-get install python3-aiosmtpd)"
	exit 0
fi
mkdir "$work/mail"
/usr/bin/python3 "$here/../mail/smtpd.py" "$work/mail" >"$work/port" &
smtpd=$!
while [ ! -s "$work/port" ]; do sleep 0.1; done
port=$(head -1 "$work/port")
# 500 digests and the assignment messages (each pilot of a function told
# of its practices): more than REMIND_MAX_MESSAGES (1,000) a run, so the
# second run sends the rest.
export SOBRE_SMTP_URL=smtp://127.0.0.1:$port SOBRE_SMTP_TLS=none
python3 "$here/measure.py" "remind  first run over SMTP (loopback)" 1 "$sobre" remind --db "$db" --now 2026-05-04
first=$(ls "$work/mail" | grep -c '\.eml$')
python3 "$here/measure.py" "remind  second run over SMTP (loopback)" 1 "$sobre" remind --db "$db" --now 2026-05-04
all=$(ls "$work/mail" | grep -c '\.eml$')
python3 "$here/measure.py" "remind  third run: nothing left" 1 "$sobre" remind --db "$db" --now 2026-05-04
echo "bench: reminders: $first messages at the first run, $((all - first)) at the second, $(( $(ls "$work/mail" | grep -c '\.eml$') - all)) at the third"
