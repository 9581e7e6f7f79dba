#!/usr/bin/env python3
"""One object, one shape: the CLI's --format json, the JSON API of
`sobre serve` and `sobre export-assessment --format json` read on one
database must give the same objects. The plan of all three is compared
with ==, then the practices of the API and of the export, one practice by
the API and by `sobre show`, the score by the API and by `sobre score`; and
every object's fields must be exactly those docs/api.md lists for it
("Objects"), so the document cannot drift from the writers.

    test_json_objects.py SOBRE GUIDE_DIR

Prints "json objects: N passed, M failed" and exits non-zero on any failure;
on PostgreSQL with SOBRE_TEST_BACKEND=pg (tests/web/dbtest.py)."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dbtest  # noqa: E402

API_MD = os.path.join(HERE, "..", "..", "docs", "api.md")

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: json objects{dbtest.LABEL}:", what)


def documented_objects(path):
    """{object name: (all fields, required fields)} from the tables of the
    "## Objects" section: a row's first cell names its fields in backticks
    (or *figures*: every field of Figures); "optional" in its type cell
    means the field may be absent."""
    objects, name, inside = {}, None, False
    for line in open(path, encoding="utf-8"):
        if line.startswith("## "):
            inside = line.strip() == "## Objects"
            name = None
        elif inside and line.startswith("### "):
            name = line[4:].strip().lower()
            objects[name] = ([], [])
        elif inside and name and line.startswith("| ") and not line.startswith("| field") \
                and not line.startswith("| ---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            fields = ["*figures*"] if cells[0] == "*figures*" else re.findall(r"`([^`]+)`", cells[0])
            for f in fields:
                objects[name][0].append(f)
                if "optional" not in cells[1]:
                    objects[name][1].append(f)
    for name, (all_, req) in objects.items():
        for lst in (all_, req):
            if "*figures*" in lst:
                i = lst.index("*figures*")
                lst[i:i + 1] = objects["figures"][0]
    return objects


def main(sobre, guide):
    docs = documented_objects(API_MD)
    for name in ("practice", "assessment", "indicator", "measurement", "plan item", "plan", "figures", "score",
                 "score group", "snapshot", "snapshot diff", "history entry", "guide version", "guide diff",
                 "declaration", "declaration service", "declaration criterion", "objective", "means"):
        check(name in docs and docs[name][0], f"docs/api.md documents the object '{name}'")

    def shape(obj, name, extra=()):
        """The object has every required field of `name`, only its fields (and extra), in their order."""
        all_, req = docs.get(name, ([], []))
        allowed = list(all_) + list(extra)
        keys = list(obj)
        ok = set(req) <= set(keys) and set(keys) <= set(allowed) and \
            keys == [k for k in allowed if k in keys]
        check(ok, f"{name}: fields {keys} are docs/api.md's {allowed}")

    work = tempfile.mkdtemp()
    p = None
    try:
        v1 = os.path.join(work, "guide-v1")
        shutil.copytree(guide, v1)
        # A second version: one practice added (new), one removed (archived).
        v2 = os.path.join(work, "guide-v2")
        shutil.copytree(guide, v2)
        energy = os.path.join(v2, "guide", "sobriete-energetique")
        src = open(os.path.join(energy, "extinction-nocturne.md"), encoding="utf-8").read()
        new = src.replace("idbp: a.2", "idbp: a.4").replace("order: 20", "order: 40") \
            .replace("Éteindre les équipements la nuit et le week-end", "Couper les veilles des salles de réunion")
        open(os.path.join(energy, "couper-veilles.md"), "w", encoding="utf-8").write(new)
        os.remove(os.path.join(v2, "guide", "achats-responsables", "clauses-marches.md"))
        meta = os.path.join(v2, "_data", "metadata.json")
        m = json.load(open(meta, encoding="utf-8"))
        m["guideBonnesPratiques"]["version"] = "exemple-2"
        json.dump(m, open(meta, "w", encoding="utf-8"), ensure_ascii=False)

        db = dbtest.location(os.path.join(work, "sobre.db"))

        def cli(*args, stdin=None):
            r = subprocess.run([sobre, *args, "--db", db], capture_output=True, text=True, input=stdin)
            check(r.returncode == 0, f"sobre {' '.join(args)}: exit {r.returncode} {r.stderr}")
            return r.stdout

        def cli_json(*args):
            out = cli(*args, "--format", "json")
            try:
                return json.loads(out)
            except ValueError:
                check(False, f"sobre {' '.join(args)} --format json is JSON: {out[:200]!r}")
                return {}

        cli("init", "--org", "Mairie de Testville")
        cli("guide", "import", v1)
        cli("user", "add", "admin@example.fr", "--role", "admin", "--password-stdin", stdin="admin-password-1\n")
        token = cli("user", "token", "admin@example.fr").strip()
        # Far dates: overdue or not whatever today is, for the CLI and the server alike.
        cli("assess", "a.1", "--status", "réalisée", "--pilot", "Direction du numérique")
        cli("assess", "a.2", "--status", "en cours", "--owner", "Élodie Martin", "--due", "2000-01-31",
            "--comment", "Programmation des copieurs\nen cours", "--evidence", "https://intranet.example/a2")
        cli("assess", "b.1", "--status", "planifiée", "--pilot", "Direction des achats", "--due", "2999-12-31")
        cli("assess", "b.2", "--status", "non concernée", "--comment", "Pas de marché cette année")
        cli("assess", "b.3", "--status", "en cours", "--owner", "=1+1")
        cli("measure", "a.2", "--indicator", "1", "--value", "oui", "--date", "2026-T1")
        cli("measure", "a.2", "--indicator", "2", "--value", "120,5", "--date", "2026-T2", "--source", "compteur")
        cli("snapshot", "create", "T1 2026")
        cli("guide", "import", v2)
        cli("assess", "a.3", "--status", "planifiée", "--due", "2999-01-01")

        errlog = open(os.path.join(work, "serve.err"), "w")
        p = subprocess.Popen([sobre, "serve", "--port", "0", "--quiet", "--db", db, v2],
                             stdout=subprocess.PIPE, stderr=errlog, text=True)
        port = None
        for _ in range(3):
            m = re.search(r"http://127\.0\.0\.1:(\d+)/pilotage/", p.stdout.readline())
            if m:
                port = int(m.group(1))
                break
        if not port:
            raise SystemExit("serve did not start")

        def api(path):
            r = urllib.request.Request(f"http://127.0.0.1:{port}/pilotage/api/{path}",
                                       headers={"Authorization": "Bearer " + token})
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            try:
                with opener.open(r, timeout=30) as resp:
                    check(resp.headers["Content-Type"].startswith("application/json"), f"GET {path}: JSON")
                    return json.loads(resp.read())
            except urllib.error.HTTPError as e:
                check(False, f"GET {path}: {e.code}")
                return {}

        # --- the plan: the CLI, the API and the export carry the same objects
        cli_plan = cli_json("plan")
        api_plan = api("plan")
        export = json.loads(cli("export-assessment", "--format", "json"))
        exp_plan = export.get("plan", {})
        actions = cli_plan.get("actions", [])
        check(len(actions) == 4 and [a["rank"] for a in actions] == [1, 2, 3, 4],
              f"the plan has its 4 actions, ranked: {[a.get('id') for a in actions]}")
        check(any(a["overdue"] for a in actions) and any(a["new"] for a in actions)
              and any(a["pilot"] for a in actions) and any(a["owner"] for a in actions)
              and any(a["due"] for a in actions), "the plan's items set every field somewhere")
        for i, a in enumerate(actions):
            check(i < len(api_plan.get("actions", [])) and api_plan["actions"][i] == a,
                  f"plan item {i + 1}: the API's is the CLI's: {a}")
            check(i < len(exp_plan.get("actions", [])) and exp_plan["actions"][i] == a,
                  f"plan item {i + 1}: the export's is the CLI's: {a}")
            shape(a, "plan item")
        check(cli_plan == api_plan == exp_plan, "the whole plan: CLI == API == export")
        shape(cli_plan, "plan")
        limited = cli_json("plan", "--limit", "2")
        check(limited["actions"] == actions[:2] and limited["total"] == 4, "plan --limit 2: the first two")

        shape(cli_plan["means"], "means")

        # --- assessments: the API's list is the export's practices
        practices = api("pratiques")
        check(practices == export.get("practices") and len(practices) == 6,
              f"GET /pratiques == the export's practices ({len(practices)})")
        for a in practices:
            shape(a, "assessment")
        check(any(a["evidence"] for a in practices) and any(a["comment"] for a in practices)
              and any(a["new"] for a in practices), "the assessments set evidence, comment, new")
        by_id = {a["id"]: a for a in practices}
        for a in actions:
            x = by_id.get(a["id"], {})
            check({k: v for k, v in a.items() if k != "rank"} == {k: x.get(k) for k in a if k != "rank"},
                  f"plan item {a['id']}: its fields are its assessment's")
        check(list(export) == ["organisation", "guide_version", "exported_at", "practices", "plan"],
              f"the export's members: {list(export)}")

        # --- one practice: sobre show and the API
        for idbp in ("a.2", "b.3"):
            show = cli_json("show", idbp)
            detail = api("pratiques/" + idbp)
            check(list(show) == ["practice", "assessment", "version", "indicators", "history"], f"show {idbp}: {list(show)}")
            shape(show["practice"], "practice")
            shape(show["assessment"], "assessment")
            shape(detail, "assessment", ("version", "editable", "indicators"))
            check({k: detail[k] for k in show["assessment"]} == show["assessment"],
                  f"{idbp}: the API's assessment fields are show's assessment")
            check(detail["indicators"] == show["indicators"], f"{idbp}: the API's indicators are show's")
            if idbp in (a["id"] for a in practices):
                check(show["assessment"] in practices, f"{idbp}: show's assessment is in GET /pratiques")
            for ind in show["indicators"]:
                shape(ind, "indicator")
                for meas in ind["measures"]:
                    shape(meas, "measurement")
            for h in show["history"]:
                shape(h, "history entry")
        a2 = cli_json("show", "a.2")
        check([len(i["measures"]) for i in a2["indicators"]] == [1, 1] and a2["history"],
              "a.2: its measurements and history are there")
        b3 = api("pratiques/b.3")
        check(b3["archived"] and not b3["editable"], "b.3, removed by the upgrade: archived, not editable")

        # --- the score: the API's by theme is sobre score --by theme's
        api_score = api("score")
        for by in ("theme", "priority"):
            cli_score = cli_json("score", "--by", by)
            check(cli_score.get("by_" + by) == api_score.get("by_" + by) and cli_score["by_" + by],
                  f"score by {by}: CLI == API")
            overall = {k: v for k, v in cli_score.items() if not k.startswith("by_")}
            check(overall == {k: v for k, v in api_score.items() if not k.startswith("by_")},
                  f"score --by {by}: the overall figures are the API's")
            shape(cli_score, "score")
            for g in cli_score["by_" + by]:
                shape(g, "score group")
        shape(api_score, "score")
        check(cli_json("score", "--by", "pilot").get("by_pilot"), "score --by pilot: by_pilot")

        # --- the CLI's other objects
        inds = cli_json("indicators")
        check(list(inds) == ["due_since", "indicators"] and inds["indicators"], "indicators: its document")
        for ind in inds["indicators"]:
            shape(ind, "indicator")
            check(len(ind["measures"]) <= 1, "indicators: the last measurement only")
        snaps = cli_json("snapshot", "list")
        check(len(snaps.get("snapshots", [])) == 1, "snapshot list: one")
        for sn in snaps.get("snapshots", []):
            shape(sn, "snapshot")
        diff = cli_json("snapshot", "diff", "T1 2026")
        shape(diff, "snapshot diff")
        shape(diff["from"], "snapshot")
        check(diff["to"]["name"] == "now" and diff["from"] == snaps["snapshots"][0],
              "snapshot diff: from the snapshot as listed, to now")
        kinds = {m["kind"] for m in diff["moves"]}
        check({"added", "removed"} <= kinds, f"snapshot diff: added and removed practices ({kinds})")
        hist = cli_json("history")
        for h in hist.get("history", []):
            shape(h, "history entry")
        check(any(h["practice"] is None for h in hist["history"]), "history: database-wide entries")
        versions = cli_json("guide", "list")
        check([v["version"] for v in versions.get("versions", [])] == ["exemple-1", "exemple-2"]
              and versions["versions"][1]["current"], "guide list: both versions, the second current")
        for v in versions.get("versions", []):
            shape(v, "guide version")
        gd = subprocess.run([sobre, "guide", "diff", v1, v2, "--format", "json"], capture_output=True, text=True)
        gdiff = json.loads(gd.stdout)
        shape(gdiff, "guide diff")
        for x in gdiff["added"] + gdiff["removed"]:
            shape(x, "practice")
        check(len(gdiff["added"]) == 1 and len(gdiff["removed"]) == 1, "guide diff: one added, one removed")

        # --- objectives: sobre objective list and the API carry the same document
        cli("assess", "a.2", "--budget", "1 500,50", "--staff", "2,5")
        cli("objective", "add", "Copieurs programmés", "--indicator", "a.2#1", "--target", "oui", "--by", "2999-12-31")
        cli("objective", "add", "Moins de pages", "--indicator", "a.2#2", "--target", "100", "--by", "2999-12-31",
            "--baseline", "200", "--baseline-period", "2025", "--budget", "12 000", "--staff", "4,5")
        cli_obj = cli_json("objective", "list")
        api_obj = api("objectifs")
        objs = cli_obj.get("objectives", [])
        check(list(cli_obj) == ["objectives"] and len(objs) == 2, f"objective list: two objectives ({len(objs)})")
        check(cli_obj == api_obj, "objectives: GET /pilotage/api/objectifs == sobre objective list --format json")
        for o in objs:
            shape(o, "objective")
            for meas in o["measures"]:
                shape(meas, "measurement")
        check(objs and objs[0]["state"] == "atteint", f"objectives: the yes/no one reached: {objs[:1]}")
        check(any(o["budget"] for o in objs) and any(o["baseline_period"] for o in objs)
              and any(o["baseline_measured"] for o in objs)
              and all(o["latest"] for o in objs), f"objectives: their fields are set somewhere: {objs}")
        check(cli_json("plan")["means"]["budget"] == 1500.5, "the plan's means count a.2's budget")

        # --- the RGESN declaration of a service, every field set somewhere
        rgesn = os.path.join(HERE, "..", "cases", "steer", "rgesn-score", "input", "rgesn.json")
        cli("guide", "import", rgesn)
        cli("perimeter", "add", "Portail", "--guide", "rgesn")
        cli("assess", "1.2", "--perimeter", "Portail", "--status", "non applicable", "--comment", "Aucune vidéo")
        cli("assess", "2.2", "--perimeter", "Portail", "--status", "non validé", "--owner", "Léa", "--due", "2027-03-31")
        cli("declaration", "set", "nom", "Portail", "date_evaluation", "2026-11-02", "entite_evaluation", "Équipe",
            "responsable_evaluation", "Léa", "echantillons", "Accueil\nDemande", "--perimeter", "Portail")
        cli("declaration", "criterion", "2.2", "--text", "T", "--evolutions", "E", "--actions", "A", "--perimeter", "Portail")
        decl = cli_json("declaration", "--perimeter", "Portail")
        shape(decl, "declaration")
        shape(decl.get("service", {}), "declaration service")
        for c in decl.get("criteres", []):
            shape(c, "declaration criterion")
        c22 = [c for c in decl["criteres"] if c["id"] == "2.2"][0]
        check(all(c22[k] for k in c22) and decl["service"]["echantillons"] == ["Accueil", "Demande"]
              and {c["evaluation"] for c in decl["criteres"]} == {"Non applicable", "Non conforme", "À évaluer"},
              f"the declaration sets every field: {c22}")
        p.send_signal(signal.SIGTERM)
        check(p.wait(timeout=20) == 0, "server stops")
        errlog.close()
        log = open(os.path.join(work, "serve.err"), encoding="utf-8", errors="replace").read()
        check(not re.search(r"Sanitizer|runtime error", log), "no sanitizer report from the server:\n" + log[-3000:])
    except (KeyError, TypeError, IndexError, ValueError) as e:
        # An object without a field the checks read: the shapes differ.
        traceback.print_exc()
        check(False, f"stopped on an object of another shape: {e!r}")
    finally:
        if p and p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)
    print(f"json objects{dbtest.LABEL}: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
