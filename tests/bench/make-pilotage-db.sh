#!/bin/sh
# Makes the steering database the web app's load test runs on with the real
# guide (tests/bench/pilotage-real.sh): the guide imported, 40 of its
# practices assessed over three quarters with every status, the guide's own
# pilots, six owners and due dates on both sides of today (some overdue),
# 30 measurements of 10 indicators over three quarters, and a snapshot at
# the end of each quarter. Deterministic clock and actor, like
# tests/fixtures/make-release-db.sh; the admin's password is fixed so that
# the load test can log in.
#   tests/bench/make-pilotage-db.sh path/to/sobre GUIDE_DIR OUT.db
# Built at bench time rather than committed: an imported guide is stored in
# the database, and the real guide's text must not enter the project.
set -eu
sobre=$1
guide=$2
out=$3
rm -f "$out" "$out-wal" "$out-shm"
export SOBRE_USER=referent SOBRE_NOW=2026-01-05T09:00:00Z
run() { "$sobre" "$@" --db "$out" >/dev/null; }
run init --org "Ministère de la mesure"
"$sobre" guide import "$guide" --db "$out" >/dev/null
printf 'motdepasse-bench-1\n' | "$sobre" user add admin@example.org --role admin --password-stdin --db "$out" >/dev/null

# The practices in guide order with their first pilot function ("rank<TAB>id<TAB>pilot").
practices=$("$sobre" list --format tsv "$guide" | awk -F '\t' 'NR > 1 {sub(/;.*/, "", $6); print NR - 1 "\t" $1 "\t" $6}')
# Ten measurable indicators spread over the guide ("id num type"): every
# fourth one that is not free text, numbered.
indicators=$("$sobre" indicators --db "$out" |
	awk 'NR > 1 && $3 != "text" && ++n % 4 == 1 && k < 10 {print ++k, $1, $2, $3}')

# assess FIRST LAST: assesses the practices FIRST to LAST (1-based, guide order).
assess() {
	printf '%s\n' "$practices" | sed -n "$1,$2p" | while IFS="$(printf '\t')" read -r i id pilot; do
		case $((i % 6)) in
		0) set -- --status "réalisée" --evidence "https://intranet.example/preuves/$id" ;;
		1) set -- --status "en cours" ;;
		2) set -- --status "planifiée" ;;
		3) set -- --status "non engagée" ;;
		4) set -- --status "non concernée" --comment "Hors du périmètre de l'organisation" ;;
		5) set -- --status "en cours" --comment "Avancement **suivi** en comité" ;;
		esac
		# Due dates from March 2026 to December 2027: those before today are overdue.
		case $((i % 5)) in
		0) due=2026-03-31 ;; 1) due=2026-06-30 ;; 2) due=2026-09-30 ;; 3) due=2027-06-30 ;; 4) due=2027-12-31 ;;
		esac
		owner=
		case $((i % 6)) in
		0) owner="Alice Martin" ;; 1) owner="Bruno Petit" ;; 2) owner="camille.roux@example.org" ;;
		3) owner="David Leroy" ;; 5) owner="Élise Fournier" ;;
		esac
		[ $((i % 6)) -eq 4 ] || set -- "$@" --due "$due" --owner "$owner"
		[ -z "$pilot" ] || set -- "$@" --pilot "$pilot"
		run assess "$id" "$@"
	done
}
# measure QUARTER STEP: a value of each of the ten indicators for QUARTER.
measure() {
	printf '%s\n' "$indicators" | while read -r k id num type; do
		case $type in
		yesno) [ "$2" -ge 2 ] && v=oui || v=non ;;
		percent) v=$(((10 + 15 * $2 + 9 * k) % 101)) ;;
		*) v=$((1000 - 120 * $2 + 37 * k)) ;;
		esac
		run measure "$id" --indicator "$num" --value "$v" --date "$1" --source "tableau de bord"
	done
}

assess 1 15
measure 2026-T1 1
SOBRE_NOW=2026-04-01T08:00:00Z run snapshot create "T1 2026"
export SOBRE_NOW=2026-05-12T14:00:00Z
assess 16 30
# Some practices move on during the quarter.
run assess a.2 --status réalisée
run assess a.3 --status "en cours"
measure 2026-T2 2
SOBRE_NOW=2026-07-01T08:00:00Z run snapshot create "T2 2026"
export SOBRE_NOW=2026-09-15T10:00:00Z
assess 31 40
measure 2026-T3 3
SOBRE_NOW=2026-10-01T08:00:00Z run snapshot create "T3 2026"
"$sobre" backup "$out.tmp" --db "$out" >/dev/null
mv "$out.tmp" "$out"
rm -f "$out-wal" "$out-shm"
