#!/bin/sh
# End-to-end steering test through the CLI, on the real guide: init, import,
# assess, measure, snapshots, plan, score, report (checked for its content),
# spreadsheet round trip, refusals with their exit codes, and an upgrade to
# a modified copy of the guide. Expected outputs are heredocs compared with
# diff -u. The clock and the actor are fixed ($SOBRE_NOW, $SOBRE_USER).
#     tests/steer/e2e.sh build/sobre [TESTDATA]
# With SOBRE_E2E_PG set (a PostgreSQL database's URI, as tests/pg/run.sh
# sets it) the same steps run on a new schema of it, named by SOBRE_DB; the
# outputs must be the same but for the database's name, and the steps
# about the SQLite file itself (missing, named by SOBRE_DB) are left out.
set -u
. "$(dirname "$0")/../testdata.sh"
pgdir=$(cd "$(dirname "$0")/../pg" && pwd)
sobre=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shared=${2:-${SOBRE_TESTDATA:-../shared}}
corpus="$shared/corpus/gbpnr-v1"
[ -d "$corpus" ] || { testdata_missing "steer e2e" "$corpus"; exit; }
corpus=$(cd "$corpus" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export SOBRE_USER=referente TZ=UTC
unset SOBRE_DB
pg=${SOBRE_E2E_PG:-}
if [ -n "$pg" ]; then
	SOBRE_DB=$(SOBRE_TEST_PG=$pg "$pgdir/schema.sh" "e2e$$") || exit 1
	export SOBRE_DB
fi
pass=0
fail=0

# check NAME EXPECTED_EXIT COMMAND...: runs sobre with COMMAND, compares its
# output (stdout then stderr) and exit code with the heredoc on stdin.
check() {
	name=$1
	want_rc=$2
	shift 2
	cat >"$tmp/want"
	"$sobre" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$tmp/err" >>"$tmp/out"
	# The schema version grows with migrations; the rest must not move.
	sed -i 's/(schema [0-9]*)/(schema N)/' "$tmp/out"
	[ -n "$pg" ] && sed -i "s|initialised $SOBRE_DB |initialised sobre.db |" "$tmp/out"
	if [ "$rc" -eq "$want_rc" ] && diff -u "$tmp/want" "$tmp/out" >"$tmp/diff"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: steer e2e: $name (exit $rc, expected $want_rc)"
		cat "$tmp/diff"
	fi
}

# ok NAME COMMAND...: a shell condition that must hold.
ok() {
	name=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: steer e2e: $name"
	fi
}

run() { "$sobre" "$@" >/dev/null 2>"$tmp/err" || { echo "FAIL: steer e2e: sobre $*"; cat "$tmp/err"; fail=$((fail + 1)); }; }

export SOBRE_NOW=2025-12-20T09:00:00Z
# (tests/pg/cli.sh checks the message for an empty schema)
[ -n "$pg" ] || check "score before init" 2 score <<'EOF'
sobre score: cannot open the database: no such file
  hint: create it with: sobre init (or name another one with --db FILE)
EOF
check init 0 init --org "Mairie de Testville" <<'EOF'
initialised sobre.db (schema N) for Mairie de Testville
next: sobre guide import DIR
EOF
check "plan before import" 1 plan <<'EOF'
sobre plan: no guide has been imported into this database yet
  hint: import one first: sobre guide import DIR
EOF
check "guide import" 0 guide import "$corpus" <<'EOF'
imported guide v1: 59 practices in 9 themes, 134 indicators
next: sobre assess ID --status S, sobre plan, sobre score
EOF

# Quarter 4 of 2025: the first assessments.
run assess a.1 --status realisee --pilot "délégué au numérique responsable" --owner referente@testville.fr
run assess a.2 --status "en cours" --pilot "Direction générale" --due 2026-03-31
run assess h.1 --status "non concernée" --comment "Pas de salle serveur : hébergement mutualisé"
run assess b.1 --status planifiee --due 2026-01-31 --pilot "Délégué au numérique responsable"
run indicator set b.1 1 --target 80 --direction up
run measure b.1 --indicator 1 --value "35 %" --date 2025-T4 --source "Plateforme de formation"
run measure a.1 --value oui --date 2025-12
check "snapshot T4" 0 snapshot create "T4 2025" <<'EOF'
snapshot 'T4 2025' taken 2025-12-20T09:00:00Z: score 3.2%, completion 6.8% (4/59 practices assessed)
EOF

# Quarter 1 of 2026.
export SOBRE_NOW=2026-03-30T16:00:00Z
run assess b.1 --status "en cours"
run assess a.3 --status réalisée --evidence https://intranet.testville.fr/tableau-de-bord
run assess d.4 --status realisee --pilot "Direction des achats"
run assess g.4 --status planifiee --due 2026-02-15
run assess e.1 --status "non engagée"
run measure b.1 --indicator 1 --value "52,5" --date 2026-T1
run measure f.8 --indicator 1 --value "12 400" --date 2026-T1
check "snapshot T1" 0 snapshot create "T1 2026" <<'EOF'
snapshot 'T1 2026' taken 2026-03-30T16:00:00Z: score 8.5%, completion 13.6% (8/59 practices assessed)
EOF
ok "indicators due" sh -c "'$sobre' indicators | tail -1 | grep -qx '134 indicators, 131 due (no measurement covering 2025-T4 or later)'"
ok "indicators --due lists b.1's other ones" sh -c "'$sobre' indicators --due | grep -q '^b.1   2  yesno'"
ok "b.1's measured one is not due" sh -c "! '$sobre' indicators --due | grep -q '^b.1   1 '"
check score 0 score --by priority <<'EOF'
priority         score  assessed  réalisée  en cours  planifiée  non engagée  non évaluée  non concernée
all practices     8.5%      8/59         3         2          1            1           51              1
Prioritaire      12.5%      8/33         3         2          1            1           25              1
Recommandée       0.0%      0/20         0         0          0            0           20              0
Aller plus loin   0.0%       0/6         0         0          0            0            6              0

score = Σ weight × credit / Σ weight over applicable practices; weights Prioritaire 3, Recommandée 2, Aller plus loin 1;
credit réalisée 1, en cours 1/2, others 0; non concernée excluded (docs/scoring.md)
EOF
check "plan" 0 plan --limit 4 <<'EOF'
#  id   priority     difficulty  status       due                 pilot                             title
1  b.1  Prioritaire  Facile      en cours     2026-01-31 OVERDUE  Délégué au numérique responsable  Sensibiliser les collaborateurs au numérique responsable
2  d.6  Prioritaire  Facile      non évaluée  —                   —                                 Protéger, entretenir et prendre soin des équipements
3  e.3  Prioritaire  Facile      non évaluée  —                   —                                 Privilégier des équipements éco-labellisés
4  h.2  Prioritaire  Facile      non évaluée  —                   —                                 Utiliser un hébergement signataire du Code de Conduite européen des centres de données
55 actions (first 4 shown), 2 overdue
EOF
check "snapshot diff" 0 snapshot diff "t4 2025" "T1 2026" <<'EOF'
'T4 2025' (2025-12-20T09:00:00Z, guide v1) -> 'T1 2026' (2026-03-30T16:00:00Z, guide v1)

score                                                3.2%  ->   8.5%   +5.3
completion                                           6.8%  ->  13.6%   +6.8
by theme
  a. Stratégie et gouvernance                       23.7%  ->  39.5%  +15.8
  b. Sensibilisation et formation                    0.0%  ->  25.0%  +25.0
  c. Mesure et évaluation                            0.0%  ->   0.0%   ±0.0
  d. Réduction des achats                            0.0%  ->  20.0%  +20.0
  e. Achat durable et responsable                    0.0%  ->   0.0%   ±0.0
  f. Phase d’usage, administration et paramétrages   0.0%  ->   0.0%   ±0.0
  g. Services numériques                             0.0%  ->   0.0%   ±0.0
  h. Salle serveur et centre de données              0.0%  ->   0.0%   ±0.0
  i. Fin d'usage                                     0.0%  ->   0.0%   ±0.0
by priority
  Prioritaire                                        4.7%  ->  12.5%   +7.8
  Recommandée                                        0.0%  ->   0.0%   ±0.0
  Aller plus loin                                    0.0%  ->   0.0%   ±0.0

moved up (4):
  a.3  non évaluée  ->  réalisée   Mettre en place et suivre des indicateurs de pilotage
  b.1  planifiée    ->  en cours   Sensibiliser les collaborateurs au numérique responsable
  d.4  non évaluée  ->  réalisée   Séparer les achats d’équipements
  g.4  non évaluée  ->  planifiée  Concevoir un service numérique compatible avec des équipements les plus anciens possibles

other changes (1):
  e.1  non évaluée  ->  non engagée  Privilégier des équipements issus du réemploi ou contenant des matériaux recyclés
EOF

# Refused input: exit 1, nothing written; usage errors: exit 2.
before=$("$sobre" history --limit 0 | wc -l)
check "bad status" 1 assess a.4 --status realisé <<'EOF'
sobre assess: 'realisé' is not a status
  hint: did you mean 'réalisée'? the statuses are: non évaluée, non concernée, non engagée, planifiée, en cours, réalisée (accents and case optional)
EOF
check "unknown practice" 1 assess a.99 --status realisee <<'EOF'
sobre assess: no practice 'a.99' in the guide
  hint: did you mean 'a.1'?
EOF
check "percentage out of range" 1 measure b.1 --indicator 1 --value 120 <<'EOF'
sobre measure: the value '120' is outside 0-100: a percentage is between 0 and 100 (give 42 for 42 %, not 0.42 or 4200)
  hint: indicator 1 (% des collaborateurs de l'organisation ayant suivi une sensibilisation ou un MOOC pour un numérique plus responsable.) is of type percent; change it with: sobre indicator set b.1 1 --type T
EOF
check "non concernée without reason" 1 assess c.1 --status non-concernee <<'EOF'
sobre assess: 'non concernée' needs a justification in the comment
  hint: say why the practice does not apply to the organisation, e.g. --comment "pas de salle serveur"
EOF
check "bad url" 1 assess c.1 --evidence intranet/doc <<'EOF'
sobre assess: 'intranet/doc' is not an http(s) URL
  hint: evidence is a link to a document or page: http://... or https://...
EOF
check "bad option" 2 score --by service <<'EOF'
sobre score: cannot group by 'service' (theme, priority or pilot)
usage: sobre score [--by theme|priority|pilot] [--format table|json] [--db FILE]
EOF
check "snapshot exists" 1 snapshot create "T1 2026" <<'EOF'
sobre snapshot create: a snapshot named 'T1 2026' already exists (taken 2026-03-30T16:00:00Z)
  hint: snapshots are immutable: choose another name
EOF
printf 'id;statut;échéance\r\na.4;réalisée;\r\na.5;fini;\r\na.6;planifiée;2026-02-30\r\n' >bad.csv
check "import refused" 1 import-assessment bad.csv <<'EOF'
bad.csv:3: error: 'fini' is not a status [bad-status]
  hint: the statuses are: non évaluée, non concernée, non engagée, planifiée, en cours, réalisée (accents and case optional)
bad.csv:4: error: the due date '2026-02-30' is not a valid date [bad-date]
  hint: write dates as YYYY-MM-DD (or DD/MM/YYYY), e.g. 2026-06-30
sobre import-assessment: 2 bad rows: nothing was imported
  hint: fix the rows above and import the file again
EOF
after=$("$sobre" history --limit 0 | wc -l)
ok "refusals wrote nothing" [ "$before" -eq "$after" ]
ok "a.4 untouched by the refused import" sh -c "'$sobre' show a.4 | grep -q '^status    non évaluée'"

# Spreadsheet round trip: export, re-import: no change.
run export-assessment --format csv --excel -o eval.csv
check "round trip" 0 import-assessment eval.csv <<'EOF'
eval.csv: 59 rows read, 0 practices changed (0 fields)
EOF
run export-assessment --format xlsx -o eval.xlsx
ok "xlsx written" sh -c "head -c 2 eval.xlsx | grep -q PK"

# The report: its content, not only its existence.
nbsp=$(printf '\302\240')
run report -o report.html
ok "report exists" [ -s report.html ]
for want in '<html lang="fr">' 'Mairie de Testville' '30 mars 2026' 'version v1 (59 bonnes pratiques)' \
	'Score pondéré<strong>8,5' 'Avancement de l’évaluation<strong>13,6' '8 / 59 bonnes pratiques évaluées' \
	'<th scope="row">a. Stratégie et gouvernance</th><td class="n">39,5' \
	'<th scope="row">Prioritaire</th><td class="n">12,5' \
	'<th scope="row">T4 2025</th><td>20 décembre 2025</td><td>v1</td><td class="n">3,2' \
	'<polyline class="trend-line"' 'Formule.' 'Prioritaire 3, Recommandée 2, Aller plus loin 1' \
	'Sensibiliser les collaborateurs au numérique responsable' '31 janvier 2026 (en retard)' \
	'Concevoir un service numérique compatible avec des équipements les plus anciens possibles' \
	'2026-T1' '↗ en hausse (favorable)' 'Actions en retard' "52,5${nbsp}%" "80${nbsp}%" "12400${nbsp}MWh"; do
	ok "report contains $want" grep -qF "$want" report.html
done
ok "report has no script" sh -c "! grep -qi '<script' report.html"
ok "report loads nothing" sh -c "! grep -Eq '(src|href)=\"(https?:)?//' report.html"
"$sobre" assess c.1 --comment '<script>alert(1)</script> & co' >/dev/null
"$sobre" assess c.1 --status "non concernée" >/dev/null
"$sobre" init --org 'Ville <b>&</b> "Co"' >/dev/null
"$sobre" report -o report2.html 2>/dev/null
ok "report escapes the organisation" grep -qF 'Ville &lt;b&gt;&amp;&lt;/b&gt; &quot;Co&quot;' report2.html
ok "no raw tag from data" sh -c "! grep -q '<b>&</b>' report2.html"

# Upgrade to a modified copy of the guide: c.3 removed, a.9 added, a.2's
# priority and b.1's first indicator changed.
cp -R "$corpus" v2
sed -i 's/"version": "v1"/"version": "v2"/' v2/_data/metadata.json
rm "$(grep -rl '^idbp: c.3' v2)"
sed -i 's/^priority: .*/priority: Recommandée/' "$(grep -rl '^idbp: a.2$' v2)"
sed -i 's/^  - "% des collaborateurs.*/  - "Part des collaborateurs sensibilisés (%)"/' "$(grep -rl '^idbp: b.1$' v2)"
sed 's/^idbp: a.1$/idbp: a.9/; s/^title: .*/title: Publier un bilan annuel/; s/^  order: .*/  order: 900/' \
	"$(grep -rl '^idbp: a.1$' v2)" >v2/publications/bonnes-pratiques/strategie-et-gouvernance/bilan-annuel.md
export SOBRE_NOW=2026-04-02T08:00:00Z
check "guide diff" 0 guide diff "$corpus" v2 <<'EOF'
## Version v2

Par rapport à la version v1 : 1 bonne pratique ajoutée, 1 retirée, 2 modifiées.

### Bonnes pratiques ajoutées

- **a.9** : Publier un bilan annuel (Prioritaire, Moyenne)

### Bonnes pratiques retirées

- **c.3** : Evaluer les impacts environnementaux évités

### Bonnes pratiques modifiées

- **a.2** : Définir et mettre en place un plan d’action
  - priorité : Prioritaire → Recommandée
- **b.1** : Sensibiliser les collaborateurs au numérique responsable
  - indicateurs : ajout de « Part des collaborateurs sensibilisés (%) » ; retrait de « % des collaborateurs de l'organisation ayant suivi une sensibilisation ou un MOOC pour un numérique plus responsable. »
EOF
check "guide upgrade" 0 guide import v2 <<'EOF'
upgraded the guide from v1 to v2 (59 practices)
  58 practices carried over with their assessments, indicators and history
  1 new, marked 'nouvelle'
  1 removed from the guide: archived, with their history
  2 changed in the guide
  indicators: 2 added, 1 archived (measurements kept)
  ~ a.2  Définir et mettre en place un plan d’action: priority Prioritaire -> Recommandée
  + a.9  Publier un bilan annuel  [nouvelle]
  ~ b.1  Sensibiliser les collaborateurs au numérique responsable: indicators
  - c.3  Evaluer les impacts environnementaux évités  [archived]
EOF
check "snapshots keep their scores" 0 snapshot list <<'EOF'
name     taken                 by         guide  score  completion
T4 2025  2025-12-20T09:00:00Z  referente  v1      3.2%        6.8%
T1 2026  2026-03-30T16:00:00Z  referente  v1      8.5%       13.6%
2 snapshots
EOF
check "archived practice" 1 assess c.3 --status realisee <<'EOF'
sobre assess: practice c.3 was removed from the guide in version v2: it is archived
  hint: its assessment and history are kept (sobre show c.3) but it can no longer change
EOF
ok "a.2 carried over" sh -c "'$sobre' show a.2 | grep -q '^status    en cours'"
ok "b.1 keeps its measurements" sh -c "'$sobre' show b.1 | grep -q '2026-T1    52.5'"
ok "a.9 is nouvelle" sh -c "'$sobre' plan | grep -q 'Publier un bilan annuel \[nouvelle\]'"
ok "history records the upgrade" sh -c "'$sobre' history a.2 | grep -q 'guide priority: Prioritaire -> Recommandée'"
check "reimport" 0 guide import v2 <<'EOF'
guide v2 is already the current version, with the same content: nothing to import
EOF

if [ -n "$pg" ]; then
	echo "steer e2e on PostgreSQL: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
fi
# $SOBRE_DB names the database when --db is not given; --db wins over it.
# In a folder of their own, where the default ./sobre.db must never appear.
mkdir -p "$tmp/env"
e="cd '$tmp/env' &&"
ok "SOBRE_DB init" sh -c "$e SOBRE_DB='$tmp/env/a.db' '$sobre' init --org 'Par la variable' | grep -qx 'initialised $tmp/env/a.db (schema [0-9]*) for Par la variable'"
ok "SOBRE_DB read by a read command" sh -c "$e SOBRE_DB='$tmp/env/a.db' '$sobre' history --format json | grep -q 'Par la variable'"
ok "--db beats SOBRE_DB" sh -c "$e SOBRE_DB='$tmp/env/none.db' '$sobre' history --db '$tmp/env/a.db' | grep -q 'Par la variable' && [ ! -e '$tmp/env/none.db' ]"
ok "SOBRE_DB backup" sh -c "$e SOBRE_DB='$tmp/env/a.db' '$sobre' backup '$tmp/env/b.db' | grep -qx '$tmp/env/b.db: copy of $tmp/env/a.db written' && [ -s '$tmp/env/b.db' ]"
ok "empty SOBRE_DB is unset" sh -c "$e SOBRE_DB= '$sobre' score 2>&1 | grep -q 'cannot open the database: no such file'"
ok "no ./sobre.db made" test ! -e "$tmp/env/sobre.db"

echo "steer e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
