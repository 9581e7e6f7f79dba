#!/usr/bin/env python3
"""Compares a sobre export with the official JSON export of the real guide.

    compare_export.py json|csv|excel OURS OFFICIAL_JSON

json: deep equality, HTML descriptions compared with whitespace between tags
collapsed. csv/excel: RFC 4180 parse into 59 rows x 8 columns whose values
equal the official ones (list cells: one item per line)."""
import csv
import io
import json
import re
import sys


def norm_html(s):
    s = re.sub(r">\s+<", "><", s)
    return re.sub(r"\s+", " ", s).strip()


def main(kind, ours, official):
    ref = json.load(open(official, encoding="utf-8"))
    if kind == "json":
        got = json.load(open(ours, encoding="utf-8"))
        for doc in (got, ref):
            for t in doc.get("thematiques", []):
                t["description"] = norm_html(t.get("description", ""))
        if got == ref:
            return 0
        for k in ref:
            if got.get(k) != ref[k] and k != "thematiques":
                print(f"field {k}: got {got.get(k)!r}, want {ref[k]!r}")
        for i, (a, b) in enumerate(zip(got.get("thematiques", []), ref["thematiques"])):
            for k in b:
                if a.get(k) != b[k]:
                    print(f"thematiques[{i}].{k}:\n  got  {str(a.get(k))[:400]!r}\n  want {str(b[k])[:400]!r}")
        return 1
    raw = open(ours, "rb").read()
    if kind == "excel":
        if not raw.startswith(b"\xef\xbb\xbf"):
            print("no UTF-8 BOM")
            return 1
        raw = raw[3:]
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), delimiter=";" if kind == "excel" else ","))
    want = [["Id", "Titre", "Thématique", "Priorité", "Difficulté", "Exemples pilotes", "Exemples indicateurs", "Url"]]
    for t in ref["thematiques"]:
        for p in t["bonnesPratiques"]:
            want.append([p["id"], p["titre"], t["titre"], p["priorite"], p["difficulte"],
                         "\n".join(p["pilotes"]), "\n".join(p["indicateurs"]), p["url"]])
    if len(rows) != 60 or any(len(r) != 8 for r in rows):
        print(f"{len(rows)} rows, widths {sorted(set(len(r) for r in rows))}; want 60 x 8")
        return 1
    for i, (a, b) in enumerate(zip(rows, want)):
        if a != b:
            print(f"row {i}: got {a}\n  want {b}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
