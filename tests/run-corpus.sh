#!/bin/sh
# The real guide, read from the test data (tests/testdata.sh): `check` is
# clean and reports 59 practices in 9 themes; the JSON export deep-equals the
# official one (HTML whitespace aside); the CSV export parses as RFC 4180
# into the same values; the exports read back as référentiels; the RGESN
# 2024 file reads whole, its website is checked (tests/check_refsite.py),
# and a service's declaration against it weighs at most 30 KB; the reading
# version of synthetic guides on each side of the split threshold.
#     tests/run-corpus.sh build/sobre [TESTDATA]
set -u
. "$(dirname "$0")/testdata.sh"
sobre=$1
shared=${2:-${SOBRE_TESTDATA:-../shared}}
corpus="$shared/corpus/gbpnr-v1"
ref="$shared/corpus/gbpnr-v1-reference"
for need in "$corpus" "$ref"; do
	[ -d "$need" ] || { testdata_missing corpus "$need"; exit; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: corpus: $*"; }

"$sobre" check "$corpus" >"$tmp/check.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^59 practices in 9 themes: 0 errors' "$tmp/check.out"; then ok; else ko "check exited $rc:"; cat "$tmp/check.out"; fi

if "$sobre" export --format json "$corpus" >"$tmp/export.json" &&
	python3 "$(dirname "$0")/compare_export.py" json "$tmp/export.json" \
		"$ref/publications__bonnes-pratiques__guide-bonnes-pratiques-numerique-responsable-export-version-v1.json"; then ok; else ko "JSON export differs from the official one"; fi

if "$sobre" export --format csv "$corpus" >"$tmp/export.csv" &&
	python3 "$(dirname "$0")/compare_export.py" csv "$tmp/export.csv" \
		"$ref/publications__bonnes-pratiques__guide-bonnes-pratiques-numerique-responsable-export-version-v1.json"; then ok; else ko "CSV export differs from the official values"; fi

if "$sobre" export --format csv --excel "$corpus" >"$tmp/excel.csv" &&
	python3 "$(dirname "$0")/compare_export.py" excel "$tmp/excel.csv" \
		"$ref/publications__bonnes-pratiques__guide-bonnes-pratiques-numerique-responsable-export-version-v1.json"; then ok; else ko "Excel CSV export differs from the official values"; fi

# CRLF line ends and a BOM give the same model as LF.
cp -R "$corpus" "$tmp/crlf"
find "$tmp/crlf" -name '*.md' -exec sed -i -e 's/$/\r/' -e '1s/^/\xef\xbb\xbf/' {} +
if "$sobre" export --format json "$tmp/crlf" >"$tmp/crlf.json" && cmp -s "$tmp/crlf.json" "$tmp/export.json"; then ok; else ko "CRLF+BOM copy of the guide exports differently"; fi

# The website: same URLs as the old site, same sheet texts, light pages, no other host.
if "$sobre" build "$corpus" -o "$tmp/site" 2>"$tmp/build.err" &&
	python3 "$(dirname "$0")/compare_site.py" "$tmp/site" "$ref/site" "$corpus"; then ok; else ko "site differs from the old one"; cat "$tmp/build.err"; fi

# A failed build leaves the previous site untouched.
cp -R "$corpus" "$tmp/broken"
sed -i 's/^priority: Prioritaire/priority: Prioritere/' "$tmp/broken/publications/bonnes-pratiques/strategie-et-gouvernance/personne-dediee-demarche-numerique-responsable.md"
before=$(cd "$tmp/site" && find . -type f -exec md5sum {} + | sort | md5sum)
if ! "$sobre" build "$tmp/broken" -o "$tmp/site" >/dev/null 2>&1 &&
	[ "$(cd "$tmp/site" && find . -type f -exec md5sum {} + | sort | md5sum)" = "$before" ] &&
	[ -z "$(ls -d "$tmp"/site.sobre-tmp-* 2>/dev/null)" ]; then ok; else ko "a failed build changed the previous site"; fi

# Builds to the same new output at the same time take turns: all succeed
# (the later ones replace the first one's site instead of failing to move
# theirs onto it), one whole site is left (84 files and the .sobre-site
# marker), and no temporary folder.
"$sobre" build "$corpus" -o "$tmp/par" >"$tmp/par1" 2>&1 &
p1=$!
"$sobre" build "$corpus" -o "$tmp/par" >"$tmp/par2" 2>&1 &
p2=$!
"$sobre" build "$corpus" -o "$tmp/par" >"$tmp/par3" 2>&1
r3=$?
wait $p1
r1=$?
wait $p2
r2=$?
if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ $r3 -eq 0 ] && [ "$(cd "$tmp/par" && find . -type f | wc -l)" -eq 85 ] &&
	[ -z "$(ls -d "$tmp"/par.sobre-tmp-* 2>/dev/null)" ]; then ok; else ko "concurrent builds ($r1 $r2 $r3)"; cat "$tmp"/par?; fi

# The exports read back as référentiels: every practice, in every theme,
# without a problem; so does the official JSON export.
for f in "$tmp/export.json" "$tmp/export.csv" "$tmp/excel.csv" \
	"$ref/publications__bonnes-pratiques__guide-bonnes-pratiques-numerique-responsable-export-version-v1.json"; do
	if "$sobre" check "$f" >"$tmp/readback.out" 2>&1 &&
		grep -q '^59 practices in 9 themes (.*): 0 errors, 0 warnings$' "$tmp/readback.out"; then ok; else
		ko "check $(basename "$f"):"; cat "$tmp/readback.out"; fi
done

# The RGESN 2024 as the DINUM stores it: check reads every criterion in
# every theme, both counted from the file itself; the same file without
# the 2024 fields reads as the 2022-2023 edition.
rgesn="$shared/corpus/rgesn-2024/referentiel-ecoconception.json"
if [ -f "$rgesn" ]; then
	counts=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(len(d), len({c["thematique"] for c in d}))' "$rgesn")
	set -- $counts
	want="$1 criteria in $2 themes (rgesn-2024 JSON): 0 errors, 0 warnings"
	got=$("$sobre" check "$rgesn" 2>&1)
	if [ $? -eq 0 ] && [ "$got" = "$want" ] && [ "$1 $2" = "78 9" ]; then ok; else ko "check RGESN: $got (want $want)"; fi
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
for c in d:
    for k in ("difficulte", "priorite", "cible", "metiers"): del c[k]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)' "$rgesn" "$tmp/rgesn-2023.json"
	want="$1 criteria in $2 themes (rgesn-2023 JSON): 0 errors, 0 warnings"
	got=$("$sobre" check "$tmp/rgesn-2023.json" 2>&1)
	if [ $? -eq 0 ] && [ "$got" = "$want" ]; then ok; else ko "check RGESN without its 2024 fields: $got"; fi

	# Its website: a page per criterion and per theme with the file's words,
	# links that lead somewhere, the exports holding the file's values, the
	# guide's frugality bars (tests/check_refsite.py); timed and weighed.
	base=https://exemple.fr/rgesn/
	t0=$(date +%s%N)
	if "$sobre" build "$rgesn" -o "$tmp/refsite" --base-url "$base" >"$tmp/refsite.out" 2>&1; then
		t1=$(date +%s%N)
		echo "corpus: RGESN site built in $(((t1 - t0) / 1000000)) ms: $(sed 's/^sobre build: //' "$tmp/refsite.out")"
		if python3 "$(dirname "$0")/check_refsite.py" "$tmp/refsite" "$rgesn" "$base"; then ok; else ko "RGESN site"; fi
	else
		ko "build RGESN:"; cat "$tmp/refsite.out"
	fi
	# The exports read back: the JSON as the RGESN 2024, the CSV with the
	# RGESN's profile (its columns), every criterion in every theme.
	got=$("$sobre" check "$tmp/refsite/rgesn-2024.json" 2>&1)
	want="$1 criteria in $2 themes (rgesn-2024 JSON): 0 errors, 0 warnings"
	if [ "$got" = "$want" ]; then ok; else ko "check the site's JSON export: $got"; fi
	cat >"$tmp/rgesn-2024.yaml" <<'YAML'
id: rgesn-2024
title: Référentiel général d'écoconception de services numériques (2024)
statuses:
  - {name: à évaluer, kind: not-assessed}
  - {name: validé, credit: 1, rank: 2, synonyms: [conforme]}
  - {name: en cours, credit: 0, rank: 1}
  - {name: non validé, credit: 0, rank: 0, synonyms: [non conforme]}
  - {name: non applicable, kind: not-applicable, justify: true}
priorities:
  - {name: Prioritaire, weight: 1.5}
  - {name: Recommandé, weight: 1.25}
  - {name: Modéré, weight: 1}
difficulties: [Faible, Moyen, Fort]
csv:
  id: Numéro
  theme: Thématique
  title: Critère
  priority: Priorité
  difficulty: Difficulté
  roles: Métiers
  applicability: Cible
  sections: [Objectif, Mise en œuvre, Moyen de test]
YAML
	got=$("$sobre" check "$tmp/refsite/rgesn-2024.csv" --profile "$tmp/rgesn-2024.yaml" 2>&1)
	want="$1 criteria in $2 themes (CSV): 0 errors, 0 warnings"
	if [ "$got" = "$want" ]; then ok; else ko "check the site's CSV export: $got"; fi
	# A file with an error is refused and the previous site stays as it was.
	sed 's/"priorite": "Prioritaire"/"priorite": "Prioritere"/' "$rgesn" >"$tmp/rgesn-bad.json"
	before=$(cd "$tmp/refsite" && find . -type f -exec md5sum {} + | sort | md5sum)
	"$sobre" build "$tmp/rgesn-bad.json" -o "$tmp/refsite" --base-url "$base" >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 1 ] && [ "$(cd "$tmp/refsite" && find . -type f -exec md5sum {} + | sort | md5sum)" = "$before" ]; then ok; else
		ko "a refused RGESN build (exit $rc) changed the previous site"; fi

	# Its declaration: a service assessed on every criterion (each status
	# but one in six, a one-line comment on each, the improvements with
	# an owner and a due date), every text of the service written, ten
	# criteria with a declaration text and actions: one page of at most
	# 30 KB (30,000 bytes), asking no host anything.
	db="$tmp/rgesn.db"
	python3 -c 'import csv, json, sys
w = csv.writer(open(sys.argv[2], "w", newline=""))
w.writerow(["id", "status", "owner", "due date", "comment"])
for i, c in enumerate(json.load(open(sys.argv[1]))):
    k, always = i % 6, c["cible"] == "Applicable à tous les services"
    if k == 5 and not always:
        w.writerow([c["numero"], "non applicable", "", "", "Le service ne propose pas cette fonctionnalité : le critère ne s’applique pas."])
    elif k in (1, 4):
        w.writerow([c["numero"], "non validé", "Équipe produit", "2027-06-30", "Constat : à corriger dans la prochaine version du service."])
    elif k == 2:
        w.writerow([c["numero"], "en cours", "Équipe produit", "2027-03-31", "Travaux engagés avec l’équipe de développement."])
    elif i % 13 == 7:
        w.writerow([c["numero"], "à évaluer", "", "", ""])
    else:
        w.writerow([c["numero"], "validé", "", "", "Vérifié sur l’échantillon évalué."])' "$rgesn" "$tmp/rgesn-assessment.csv"
	para=$(python3 -c 'print(" ".join(["Permettre aux habitants de déposer et de suivre leurs demandes sans se déplacer."] * 5))')
	goals=$(python3 -c 'print("\n".join("- Objectif %d : réduire le poids et le nombre de requêtes des pages les plus consultées." % i for i in range(6)))')
	if "$sobre" init --org Ville --db "$db" >/dev/null && "$sobre" guide import "$rgesn" --db "$db" >/dev/null &&
		"$sobre" import-assessment "$tmp/rgesn-assessment.csv" --db "$db" >/dev/null &&
		"$sobre" declaration set nom "Portail des démarches en ligne" raison_etre "$para" date_evaluation 2026-11-02 \
			date_mise_a_jour 2026-11-20 entite_evaluation "Direction du numérique" responsable_evaluation "Léa Martin" \
			referent "Sam Dupont" strategie "$goals" budget_requetes 30 budget_poids 600 \
			echantillons "$(printf 'Accueil\nRechercher une démarche\nDéposer une demande\nSuivre une demande\nMentions légales')" \
			outils "L’inspecteur réseau du navigateur, GreenIT-Analysis et Lighthouse." \
			appareils "Ordiphones et ordinateurs de 2016 et après, navigateurs des cinq dernières années." \
			connexion "3G, ou 512 kbit/s en fixe" largeur_ecran 320 score_cible 75 date_cible 2027-12-31 --db "$db" >/dev/null; then
		for id in 1.1 1.2 2.1 2.2 3.1 4.1 5.1 6.1 7.1 8.1; do
			"$sobre" declaration criterion $id --db "$db" --text "Ce critère est traité dans le cadre de la démarche d’écoconception du service, voir la stratégie." \
				--actions "Planifier la correction avec l’équipe et vérifier sur l’échantillon." >/dev/null || ko "declaration criterion $id"
		done
		t0=$(date +%s%N)
		"$sobre" declaration --db "$db" -o "$tmp/declaration.html" 2>/dev/null
		rc=$?
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		size=$(wc -c <"$tmp/declaration.html")
		# Each criterion listed once (the improvements hold the ones not validated).
		# Its only <link> is the empty data: icon, which asks no host (and
		# keeps the browser from asking this one for /favicon.ico).
		items=$(grep -o '<li><b>[0-9]*\.[0-9]*</b>' "$tmp/declaration.html" | wc -l)
		distinct=$(grep -o '<li><b>[0-9]*\.[0-9]*</b>' "$tmp/declaration.html" | sort -u | wc -l)
		if [ $rc -eq 0 ] && [ "$size" -le 30000 ] && [ "$items" -eq 78 ] && [ "$distinct" -eq 78 ] &&
			! sed 's|<link rel="icon" href="data:,">||' "$tmp/declaration.html" |
			grep -qiE '<(script|link|img|iframe)|url\(|@import| src='; then
			ok
			echo "corpus: RGESN declaration: $size bytes for $items criteria, written in $ms ms"
		else
			ko "RGESN declaration: exit $rc, $size bytes (at most 30000), $items criteria listed ($distinct distinct; 78 wanted), or a resource of another host"
		fi
	else
		ko "RGESN declaration: the database could not be made"
	fi
else
	testdata_missing "corpus: RGESN" "$rgesn" || ko "RGESN test data missing"
fi

# The reading version on each side of GUIDE_READING_SPLIT (500 sheets): the
# one page at 500, an index and one page per theme at 600, with their links,
# breadcrumbs, sitemap entries and sizes (tests/check_reading.py).
gen="$shared/bench/gen-corpus.py"
if [ -f "$gen" ]; then
	for n in 500 600; do
		split=$([ "$n" -gt 500 ] && echo 1 || echo 0)
		if python3 "$gen" "$n" "$tmp/synthetic-$n" >/dev/null &&
			"$sobre" build "$tmp/synthetic-$n" -o "$tmp/synthetic-$n-site" >"$tmp/synthetic.out" 2>&1 &&
			python3 "$(dirname "$0")/check_reading.py" "$tmp/synthetic-$n-site" "$n" "$split"; then
			ok
		else
			ko "reading version of a $n-sheet guide:"
			cat "$tmp/synthetic.out"
		fi
		# A page at the first theme's reading page URL: taken when split
		# (check refuses it, build would overwrite one with the other),
		# free under the one page.
		printf -- '---\ntitle: Notes\npermalink: /publications/bonnes-pratiques/lecture/theme-0001/\n---\n\nNotes.\n' \
			>"$tmp/synthetic-$n/publications/bonnes-pratiques/notes.md"
		"$sobre" check "$tmp/synthetic-$n" >"$tmp/synthetic.out" 2>&1 && rc=0 || rc=$?
		taken=$(grep -c "notes.md:3:12: error: URL '/publications/bonnes-pratiques/lecture/theme-0001/' is already taken by the generated reading page of the theme" "$tmp/synthetic.out" || true)
		if [ "$split" = 1 ]; then
			[ "$rc" -eq 1 ] && [ "$taken" = 1 ] && good=1 || good=0
		else
			[ "$rc" -eq 0 ] && ! grep -q duplicate-url "$tmp/synthetic.out" && good=1 || good=0
		fi
		if [ "$good" = 1 ]; then
			ok
		else
			ko "a page at a split reading page's URL, $n sheets (exit $rc):"
			grep -v no-indicators "$tmp/synthetic.out" | tail -5
		fi
	done
else
	testdata_missing "corpus: synthetic guides" "$gen" || ko "bench/gen-corpus.py missing"
fi

echo "corpus: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
