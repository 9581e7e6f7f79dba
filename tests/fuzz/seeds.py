#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses (tests/fuzz/corpus/<harness>/).

The seeds are small inputs written for sobre, each reaching one area of its
parser; libFuzzer mutates from there. Kept as source here so that they can be
reviewed and changed, then regenerated with `python3 tests/fuzz/seeds.py`.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# fuzz_frontmatter: first byte = options, then pages separated by NUL bytes.
FM_DATA, FM_RENDER, FM_INDEX, FM_EXPORT, FM_FORMAT, FM_EXCEL = 1, 2, 4, 8, 16, 32

SHEET = """---
title: Couper la box la nuit
idbp: a.1
priority: Prioritaire
difficulty: Facile
who:
  - Direction
  - Agents
indicators: [Heures de veille évitées, kWh par mois]
type: bpnr
eleventyNavigation:
  parent: energie
  order: 2
---
Une box reste allumée **jour et nuit** alors qu'elle ne sert qu'en journée.

- Programmer l'arrêt à 20 h ;
- vérifier « le lendemain » que tout repart.

Voir [la fiche précédente](/guide/a/p0/) et https://exemple.fr/veille...
Version {{ metadata.guideBonnesPratiques.version }}.
"""

THEME = """---
title: Énergie
idThematique: a.
tags: guideBpNrThematique
eleventyNavigation:
  key: energie
  order: 1
---
Les usages qui consomment **sans servir**.
"""

DATA = """{"guideBonnesPratiques": {"title": "Guide d'essai", "version": "0.1",
 "description": "Pour le fuzzing", "date": "2024-01-02"}, "url": "https://exemple.fr/"}"""

YAML_FEATURES = """\ufeff---\r
base: &base {priority: Recommandée, difficulty: Moyenne}\r
merge: *base\r
liste: &l [un, deux, 'trois', "qu\\u00e2tre"]\r
encore: *l\r
nombres: [0x1F, 0o17, 1e3, -.inf, .NaN, +12, 3.]\r
vrai: [true, False, ~, null]\r
texte: |\r
  deux lignes\r
  de texte\r
plie: >-\r
  replié\r
  ici\r
tagged: !!str 42\r
? cle complexe\r
: valeur\r
---\r
Corps en CRLF.\r
"""

BROKEN = [
    "---\ntitle: a\ntitle: b\n---\n",
    "---\ntitle: jamais fermé\n",
    "---\n\tidbp: a.2\n---\n",
    "---\n- une liste\n- pas une map\n---\n",
    "---\na: [1, 2\n---\n",
    "---\n--- \n",
    "---\nx: 1\n---\ny: 2\n...\n---\n",
]

NO_FM = """# Page sans en-tête

Un {% include "x.njk" %} et une {{ expression | filtre }}, puis {{ inconnu.nom }}.
{{{{{{ pas fermé
"""

DEEP = "---\nracine:\n" + "".join("  " * (i + 1) + "n%d:\n" % i for i in range(12)) + "---\n"

FRONTMATTER = {
    "sheet": bytes([FM_RENDER]) + SHEET.encode(),
    "guide": bytes([FM_DATA | FM_RENDER | FM_EXPORT | FM_FORMAT]) + b"\0".join(
        [DATA.encode(), THEME.encode(), SHEET.encode(),
         SHEET.replace("idbp: a.1", "idbp: a.2").replace("order: 2", "order: 1").encode(),
         SHEET.encode()]),
    "index-export-excel": bytes([FM_DATA | FM_INDEX | FM_EXPORT | FM_EXCEL]) + b"\0".join(
        [DATA.encode(), THEME.encode(), SHEET.replace("parent: energie", "parent: enrgie").encode()]),
    "yaml-features": bytes([FM_FORMAT]) + YAML_FEATURES.encode(),
    "broken": bytes([FM_FORMAT]) + b"\0".join(s.encode() for s in BROKEN),
    "no-frontmatter": bytes([FM_RENDER | FM_FORMAT]) + NO_FM.encode(),
    "deep": bytes([0]) + DEEP.encode(),
    "bad-utf8": bytes([FM_FORMAT]) + b"---\ntitle: caf\xe9\n---\n",
    # decomposed text (e + U+0301) in values, keys, JSON escapes, file
    # bodies and links, and a run of marks past UTF8_MAX_MARKS
    "decomposed": bytes([FM_DATA | FM_RENDER | FM_EXPORT | FM_FORMAT]) + b"\0".join(
        [DATA.replace("Pour le fuzzing", "Pour le fuzzing e\\u0301crit en NFD").encode(),
         THEME.encode(),
         SHEET.replace("idbp: a.1", "idbp: a.2\ncle\u0301: De\u0301ja\u0300 \u212b \u1112\u1161\u11ab")
         .replace("order: 2", "order: 3").encode(),
         ("---\ntitle: \"e" + "\u0301\u0316" * 20 + "\"\n---\nRe\u0301sume\u0301 [lien](/guide/a/p0/) "
          "e" + "\u0316\u0301" * 20 + "\n").encode()]),
}

# fuzz_markdown: first byte = MD_OPT_* bits, 8 (link callback), 16 (typographer alone),
# 32 (MD_OPT_NOREMOTEIMG).
MD_LINKS, MD_TYPO, MD_NOREMOTEIMG = 8, 16, 32
MARKDOWN = {
    "blocks": (0, """# Titre *un*
Sous-titre
---

> Citation
> > imbriquée
> - avec une liste

1. premier
   - sous-point
     1) encore
2. second

    code indenté

```c
int x = 1; /* clôturé */
```

| A | B |
|:--|--:|
| `x` | ~~barré~~ |

***
"""),
    "links": (MD_LINKS, """[interne](/guide/a/p0/ "titre") et [ref][r], ![image](img.png 'alt')
<https://exemple.fr/a?b=c&d> <nom@exemple.fr> www.exemple.fr/chemin.
mailto:contact@exemple.fr, http://[::1]:8080/x, exemple.com.
[vide]() [espaces](</a b/>) [&eacute;](/%C3%A9)

[r]: https://exemple.org/ref "Réf"
"""),
    "typography": (MD_TYPO, """"Bonjour" dit-il... 'c'est' -- presque --- fini (c) (tm) (r) +- !!!! ????
L'été "entre 'guillemets'" et 1"" 2' -- fin.
"""),
    "html": (0, """<div class="x">
*pas du Markdown*
</div>

Du <span>HTML</span> en ligne &amp; &copy; &#233; &#x1F600; &nope; <!-- commentaire -->
<script>alert(1)</script>
"""),
    "html-off": (1 | MD_LINKS, """<b>échappé</b> et [lien](javascript:alert(1)) *em **strong** em*
"""),
    "comment-images": (1 | MD_LINKS | MD_NOREMOTEIMG, """![pixel](https://ailleurs.example/p.png "t") ![](//ailleurs.example/q.png)
[avant ![dedans](http://ailleurs.example/r.png) *après*](/a) ![ici](/assets/logo.png) ![d](data:image/png;base64,AA)
![x](< //a.example/p>) ![y](\\\\a.example/p) ![*em* `code`](mailto:x@a.example) ![z](javascript:alert(1))
"""),
    "emphasis": (2 | 4, "*a **b _c __d ~e~ d__ c_ b** a* ***x*** _x_y_ **\n" * 3),
    "breaks": (0, "ligne  \ndure\\\nmolle\n\n- [ ] tâche\n- [x] faite\n\n\tlabulé\n"),
}

# fuzz_mustache: byte 0 = options, bytes 1-2 = template length (little endian),
# then the template, then YAML data, then NUL-separated partials p0, p1, ...
def mustache(opts, template, data="", partials=()):
    t = template.encode()
    out = bytes([opts]) + struct.pack("<H", len(t)) + t + data.encode()
    for p in partials:
        out += b"\0" + p.encode()
    return out

MUSTACHE = {
    "variables": mustache(0, "{{titre}} {{{html}}} {{&html}} {{a.b.c}} {{.}} {{! note }}\n"
                             "{{#liste}}- {{nom}}{{/liste}}{{^vide}}rien{{/vide}}\n",
                          "titre: Fiche <1>\nhtml: <b>gras</b>\na: {b: {c: 3}}\n"
                          "liste: [{nom: un}, {nom: deux}]\nvide: []\n"),
    "partials": mustache(0, "<ul>\n  {{>p0}}\n</ul>\n{{>*quel}}\n{{#encore}}{{>main}}{{/encore}}\n",
                         "quel: p1\nencore: false\nitems: [x, y]\n",
                         ["{{#items}}\n<li>{{.}}</li>\n{{/items}}\n", "dynamique {{quel}}"]),
    "inheritance": mustache(0, "{{<p0}}\n  {{$titre}}Accueil{{/titre}}\n{{/p0}}\n",
                            "nom: site\n",
                            ["<h1>{{$titre}}défaut{{/titre}}</h1>\n  {{$corps}}\n  vide\n  {{/corps}}\n"]),
    "delimiters": mustache(0, "{{=<% %>=}}<% nom %> <%={{ }}=%>{{nom}} {{=| |=}}|#l||.||/l|",
                           "nom: x\nl: [1, 2]\n"),
    "errors": mustache(1, "{{#a}}{{/b}} {{ un nom }} {{", "a: 1"),
    "recursive": mustache(0, "{{>main}}", "x: 1"),
    "no-data": mustache(2 | 4, "{{#a}}{{b}}{{/a}}{{^a}}sans{{/a}}\n"),
}


# fuzz_csv: the bytes of an assessment sheet, as Excel and LibreOffice write them.
CSV = {
    "export": "id,title,theme,priority,difficulty,status,pilot,owner,due date,comment\r\n"
              "a.1,Couper la box,a. Énergie,Prioritaire,Facile,fait,Direction,Léa,2025-06-30,\"dit \"\"oui\"\"\"\r\n",
    "excel-fr": "\ufeffid;statut;pilote;échéance;commentaire\r\na.2;en cours;Achats;30/06/2025;\"deux\nlignes\"\r\n\r\n;;;;\r\n",
    "quotes": 'a,"b,c",""\n"x""y",,"  espace "\n',
    "unclosed": 'id,comment\na.1,"jamais fermé\n',
    "after-quote": 'id,comment\na.1,"x"y\n',
    "latin1": b"id;commentaire\r\na.1;caf\xe9\r\n",
    "apostrophes": "\ufeffid;responsable;commentaire\r\na.1;'=1+1;''-- x\r\na.2;'\t@x;\"'\"\r\n",
}


# fuzz_profile: a référentiel profile in YAML, as an organisation writes one
# (docs/referentiels.md) and as the database keeps it.
PROFILE = {
    "example": """id: grille-interne
title: Grille numérique responsable de la Ville
statuses:
  - {name: à faire, kind: not-assessed}
  - {name: fait, credit: 1, synonyms: [ok, terminé]}
  - {name: partiel, credit: 0.5}
  - {name: pas commencé, credit: 0}
  - {name: non concerné, kind: not-applicable, justify: true}
priorities:
  - {name: Haute, weight: 2}
  - {name: Normale, weight: 1}
  - {name: Basse, weight: 0.5}
default-weight: 1
difficulties: [Facile, Moyenne, Difficile]
csv:
  id: Réf
  theme: Thème
  title: Intitulé
  priority: Priorité
  difficulty: Difficulté
  roles: Porteurs
  indicators: Indicateurs
  applicability: Champ
  sections: [Description, {column: Preuve, title: Comment le vérifier}]
""",
    "rgesn-ranks": """id: rgesn-2024
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
""",
    "block-and-quotes": """id: "q"
title: 'l''état « brut »'
statuses:
  - name: "true"
    kind: Not_Assessed
  - name: "1"
    credit: 0.125
    synonyms: "a: b"
  - name: "x #y"
    credit: 1e0
    justify: false
default-weight: 0.001
""",
    "mistakes": """id: Grille Interne
titel: x
statuses:
  - {name: fait, credit: 1.5, synonyms: [ok, Fait]}
  - {name: à faire, kind: not-asessed, credt: 2}
  - {name: partiel, credit: 0.3333}
  - {name: y, credit: 0,5, rank: 2}
  - {name: z, kind: not-assessed, credit: 1, justify: oui}
priorities: [{name: Haute, weight: 101}, {name: haute}]
csv: {title: T, sections: [a, b, c, d, e]}
""",
}


# fuzz_http: first byte = options (1: JSON API body, 2: decode after a
# prefix, bits 2-4: the unit of quantities), then bytes that are at once a
# form body, a Cookie header and a URL path, as the web app receives them.
HTTP_JSON, HTTP_PREFIX, HTTP_UNIT = 1, 2, 4
TOKEN = "3f" * 32
HTTP = {
    "form-assess": (HTTP_UNIT, "csrf=" + TOKEN + "&version=3&status=r%C3%A9alis%C3%A9e&pilot=Direction"
                    "&owner=L%C3%A9a+Martin&due=30%2F06%2F2026&comment=Fait+le+3%0D%0A*ligne*+2"
                    "&evidence=https%3A%2F%2Fexemple.fr%2Fa%0D%0A++http%3A%2F%2Fx.fr%2Fb%3Fc%3Dd+%0D%0A%0D%0A"),
    "form-measure": (HTTP_UNIT * 1, "csrf=x&indicator=2&value=12+500%2C50+kWh&period=2026-T1"
                     "&value=%E2%88%92+1%C2%A0234%2C5&period=15%2F03%2F2026&period=2026-q4&period=2026-03"),
    "form-percent": (HTTP_PREFIX, "value=42%2C5+%25&value=oui&value=Non&value=vrai&value=100.000&value=-0,0"
                     "&value=123456789012345678901234567890,1234567890123&value=Stra%C3%9Fe+%C3%86"),
    "form-admin": (0, "csrf=x&w0=3&w1=2&w2=1&w3=0&email=lea%40exemple.fr&role=pilote"
                   "&function=Direction&function=Achats&role=admin&role=lecteur&type=oui+%2F+non&type=%25"),
    "form-login": (0, "email=admin%40exemple.fr&password=p%40ss+w%C3%B6rd%26%3D&csrf=" + TOKEN),
    "query": (HTTP_PREFIX, "thematique=%C3%89nergie&priorite=Prioritaire&statut=en+cours&statut=realisee"
              "&statut=Non-Concern%C3%A9e&statut=realise&pilote=&ok=evaluation&suite=%2Fpilotage%2Fplan&&flag"),
    "cookies": (0, "sobre_session=" + TOKEN + "; sobre_login=\"abc\"; theme=dark;other=1;  =vide; x=a=b"),
    "cookies-limit": (0, "a=1;" * (256 + 1)),
    "path": (0, "/pilotage/pratiques/a.1/mesure"),
    "path-dots": (HTTP_PREFIX, "/guide//a/./b/%2e%2e/%2E/index.html"),
    "path-encoded": (0, "/caf%C3%A9/%2Fx%5C/%25/"),
    "json-assess": (HTTP_JSON, '{"status": "r\u00e9alis\u00e9e", "pilot": "Direction", "owner": "lea@exemple.fr",'
                    ' "due": "2026-06-30", "comment": "ok\\nsuite", "version": 3}'),
    "json-measure": (HTTP_JSON | HTTP_UNIT * 3, '{"indicator": 1, "value": "12,5 m\u00b2", "period": "2026-03"}'),
    "form-nfd": (0, "pilot=Direction+ge%CC%81ne%CC%81rale&owner=%C3%89LODIE&comment=De%CC%81ja%CC%80+%E1%84%92"
                 "%E1%85%A1%E1%86%AB+%E2%84%AB+%E2%AB%9C+e%CC%A3%CC%82+%C5%92UVRE+%C7%B0%CD%85"
                 "&status=RE%CC%81ALISE%CC%81E&name=x" + "%CC%81%CC%96" * 20),
    "json-nfd": (HTTP_JSON, '{"pilot": "Direction ge\\u0301ne\\u0301rale", "comment": "e' + "\\u0301\\u0316" * 20
                 + '", "owner": "\\u00c9lodie \\u01f0\\u0345"}'),
    "bad": (0, "%zz&a=%C3&b=%00&%&c=%e9t%e9&d=\x01; e=\"\x7f\""),
    "limit": (0, "k=v&" * (256 + 1)),
}

# fuzz_referentiel: first byte = reader (0 JSON, 1 CSV without a profile,
# 2 CSV with the RGESN 2024 mapping), then the file. Criteria written for
# the tests, not the RGESN's own.
REF_2024 = """[
  {"numero": "1.1", "thematique": "Stratégie", "critere": "Le service dit-il à quoi il sert ?",
   "difficulte": "Moyen", "priorite": "Prioritaire", "cible": "Applicable à tous les services",
   "metiers": "Porteur de projet, Développeur", "objectif": "Savoir *pourquoi*.",
   "miseEnOeuvre": "- écrire\n- relire", "controle": "Lire la page.", "nouveau": [1, {"x": null}]},
  {"numero": "2.1", "thematique": "UX/UI", "critere": "Les vidéos attendent-elles un clic ?",
   "difficulte": "Faible", "priorite": "modéré", "cible": "N/A sans vidéo", "metiers": "Designer",
   "objectif": "", "miseEnOeuvre": "", "controle": ""},
  {"numero": "1.1", "thematique": "Stratégie", "critere": "Copie", "difficulte": "Fort",
   "priorite": "Urgent", "cible": "", "metiers": "", "objectif": "o", "miseEnOeuvre": "m", "controle": 3}
]
"""
REFERENTIEL = {
    "rgesn-2024": (0, REF_2024),
    "rgesn-2023": (0, '[{"numero": "1.1", "thematique": "S", "critere": "q", "objectif": "o", '
                      '"miseEnOeuvre": "m", "controle": "c"}, {"numero": 1.2}, []]'),
    "export": (0, '{"title": "Guide", "version": 1, "thematiques": [{"id": "a.", "titre": "Énergie", '
                  '"bonnesPratiques": [{"id": "a.1", "titre": "Éteindre", "priorite": "Prioritaire", '
                  '"difficulte": "Facile", "pilotes": ["DSI", 2], "indicateurs": []}]}, '
                  '{"id": "a.", "titre": "Bis", "bonnesPratiques": {}}]}'),
    "numecodiag": (0, '{"title": "RGESN", "version": "v1", "criteres": [{"id": "1.1", "url": "https://x.test/", '
                      '"critere": "Utile ?", "thematique": "Stratégie"}, {"id": "bad id", "critere": "", '
                      '"thematique": "???"}]}'),
    "not-json": (0, '[{"numero": "1.1" "x": 2}'),
    "export-csv": (1, '"Id","Titre","Thématique","Priorité","Difficulté","Exemples pilotes",'
                      '"Exemples indicateurs","Url"\r\n"a.1","Éteindre","Énergie","Prioritaire","Facile",'
                      '"DSI\nAchats","Part (%)","https://x.test/"\r\n"b.1","","Achats","Urgente","Facile","","",""\r\n'),
    "excel-csv": (1, "\ufeffId;Titre;Thématique;Priorité;Difficulté\r\na.1;Un;Énergie;Prioritaire;Facile\r\n"
                     "a 2;Deux;Énergie;Prioritaire;Facile\r\na.3;Trois\r\n"),
    "no-profile": (1, "Numéro,Critère\n1.1,Utile ?\n"),
    "rgesn-csv": (2, "Numéro;Thématique;Critère;Priorité;Difficulté;Métiers;Cible;Objectif;Mise en œuvre;"
                     "Moyen de test\n1.1;Stratégie;Utile ?;Prioritaire;Fort;Porteur, Designer;"
                     "Applicable à tous les services;o;m;c\n1.2;;Vide ?;Modéré;Faible;;;;;\n"),
    "rgesn-csv-missing": (2, "Numéro,Critère\n1.1,Utile ?\n"),
}

# fuzz_workbook: first byte = what follows (0 whole file, 1 ODS content.xml,
# 2 XLSX sheet, 3 its shared strings, 4 its styles: fuzz_workbook.c says
# which parts are fixed). The whole files are a tiny XLSX and ODS as
# tests/unit/util/test_workbook.c builds them; then mutations of each part.
XL_NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
XL_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
XL_SHEET = ('<worksheet ' + XL_NS + '><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
            '<c r="C1" t="inlineStr"><is><t>statut</t></is></c></row><row r="3"><c r="A3" t="s"><v>1</v></c>'
            '<c r="B3" s="1"><v>46203</v></c><c r="C3"><v>0.1</v></c><c r="D3" t="b"><v>1</v></c>'
            '<c r="E3" t="str"><f>A3</f><v>a.1</v></c><c r="F3" t="e"><v>#N/A</v></c>'
            '<c r="G3" t="d"><v>2026-01-02T00:00:00</v></c></row><row><c><v>1</v></c></row></sheetData></worksheet>')
XL_STRINGS = ('<sst ' + XL_NS + '><si><t>id</t></si><si><r><rPr><b/></rPr><t>a.</t></r><r><t xml:space="preserve">1'
              '</t></r><rPh><t>ルビ</t></rPh></si><si><t>ligne_x000D_\nsuite _x005F_x0041_</t></si></sst>')
XL_STYLES = ('<styleSheet ' + XL_NS + '><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/>'
             '<numFmt numFmtId="165" formatCode="&quot;d&quot; 0.00"/></numFmts><cellStyleXfs><xf numFmtId="14"/>'
             '</cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs></styleSheet>')
ODS_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content ' + ODS_NS + '><office:body>'
               '<office:spreadsheet><table:table table:name="Évaluation"><table:table-row>'
               '<table:table-cell office:value-type="string"><text:p>id</text:p></table:table-cell>'
               '<table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="string">'
               '<text:p>statut</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16380"/>'
               '</table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p> a.1 </text:p>'
               '</table:table-cell><table:table-cell office:value-type="float" office:value="0.1"><text:p>0,1</text:p>'
               '</table:table-cell><table:table-cell office:value-type="date" office:date-value="2026-06-30T00:00:00"/>'
               '<table:table-cell office:value-type="boolean" office:boolean-value="true"/>'
               '<table:table-cell office:value-type="string"><text:p>un<text:s text:c="3"/>deux<text:tab/>'
               '<text:span>trois</text:span></text:p><text:p>l2<text:line-break/>l3</text:p><office:annotation>'
               '<text:p>note</text:p></office:annotation></table:table-cell><table:covered-table-cell/>'
               '<table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>x</text:p>'
               '</table:table-cell></table:table-row><table:table-row table:number-rows-repeated="2">'
               '<table:table-cell office:value-type="string"><text:p>r</text:p></table:table-cell></table:table-row>'
               '<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
               'table:number-columns-repeated="16384"/></table:table-row></table:table></office:spreadsheet>'
               '</office:body></office:document-content>')


def zip_bytes(parts):
    import io
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(info, text)
    return out.getvalue()


XLSX_FILE = zip_bytes([
    ("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    ("xl/_rels/workbook.xml.rels",
     '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
     '<Relationship Id="rId1" Type="' + XL_REL + 'worksheet" Target="worksheets/sheet1.xml"/>'
     '<Relationship Id="rId2" Type="' + XL_REL + 'sharedStrings" Target="sharedStrings.xml"/>'
     '<Relationship Id="rId3" Type="' + XL_REL + 'styles" Target="/xl/styles.xml"/></Relationships>'),
    ("xl/workbook.xml", '<workbook ' + XL_NS + '><workbookPr date1904="0"/><sheets><sheet name="Évaluation" '
     'sheetId="1" r:id="rId1"/></sheets></workbook>'),
    ("xl/worksheets/sheet1.xml", XL_SHEET),
    ("xl/sharedStrings.xml", XL_STRINGS),
    ("xl/styles.xml", XL_STYLES),
])
ODS_FILE = zip_bytes([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", ODS_CONTENT)])

WORKBOOK = {
    "xlsx": bytes([0]) + XLSX_FILE,
    "ods": bytes([0]) + ODS_FILE,
    "xlsx-cut": bytes([0]) + XLSX_FILE[:len(XLSX_FILE) // 2],
    "odt": bytes([0]) + zip_bytes([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>")]),
    "ods-content": bytes([1]) + ODS_CONTENT.encode(),
    "ods-repeats-over": bytes([1]) + ODS_CONTENT.replace('number-rows-repeated="2"', 'number-rows-repeated="99999"')
    .replace('table:number-columns-repeated="2" office:value-type="string"',
             'table:number-columns-repeated="70" office:value-type="string"').encode(),
    "ods-deep": bytes([1]) + ("<a>" * 80).encode(),
    "xlsx-sheet": bytes([2]) + XL_SHEET.encode(),
    "xlsx-out-of-order": bytes([2]) + XL_SHEET.replace('r="C3"', 'r="A2"').encode(),
    "xlsx-no-string": bytes([2]) + XL_SHEET.replace("<v>1</v></c><c r=\"B3\"", "<v>99</v></c><c r=\"B3\"").encode(),
    "xlsx-strings": bytes([3]) + XL_STRINGS.encode(),
    "xlsx-doctype": bytes([3]) + ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
                                  '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><sst ' + XL_NS
                                  + '><si><t>&b;</t></si></sst>').encode(),
    "xlsx-styles": bytes([4]) + XL_STYLES.encode(),
}


def write(name, files):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    for key, val in files.items():
        if isinstance(val, tuple):
            val = bytes([val[0]]) + val[1].encode()
        elif isinstance(val, str):
            val = val.encode()
        with open(os.path.join(d, key), "wb") as fh:
            fh.write(val)


write("fuzz_frontmatter", FRONTMATTER)
write("fuzz_markdown", MARKDOWN)
write("fuzz_mustache", MUSTACHE)
write("fuzz_csv", CSV)
write("fuzz_profile", PROFILE)
write("fuzz_http", HTTP)
write("fuzz_referentiel", REFERENTIEL)
write("fuzz_workbook", WORKBOOK)
