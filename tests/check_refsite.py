#!/usr/bin/env python3
"""Checks the site `sobre build` makes of the RGESN 2024 file.

    check_refsite.py SITE RGESN_JSON BASE_URL

Checks: a page per criterion (/criteres/<slug of numero>/) and per theme
(/thematiques/<slug of its title>/), as many as the file has; each
criterion's page has its question as h1, then Objectif, Mise en œuvre and
Moyen de test, whose words are the file's (Markdown and HTML markup, link
targets and punctuation aside); every link inside the site leads to a file
of the site, and every #fragment to an id of its page; sitemap.xml lists
every page; the JSON export holds the file's criteria field for field, the
CSV export the same values; a criterion page with the assets it loads
weighs at most 35 KB and no page loads anything from another host (the
guide's site has the same bars, compare_site.py). Prints the largest page
and the total."""
import csv
import html
import json
import os
import re
import sys
import unicodedata

MAX_PAGE_WEIGHT = 35 * 1024
SECTIONS = [("objectif", "Objectif"), ("miseEnOeuvre", "Mise en œuvre"), ("controle", "Moyen de test")]
FIELDS = ["numero", "thematique", "critere", "difficulte", "priorite", "cible", "objectif", "miseEnOeuvre", "controle"]


def slug(text):
    t = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe")).lower()
    t = "".join(c for c in t if not unicodedata.combining(c))
    return "-".join(re.findall(r"[a-z0-9]+", t))


def words(text):
    return re.findall(r"[^\W_]+", text.lower())


def md_words(md):
    md = re.sub(r"\]\([^)]*\)", "]", md)  # link targets are not shown
    return words(md)


def html_words(fragment):
    return words(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def main(site, source, base):
    failures = []
    criteria = json.load(open(source, encoding="utf-8"))
    themes = list(dict.fromkeys(c["thematique"] for c in criteria))

    pages = {}
    for d, _, fs in os.walk(site):
        for f in fs:
            if f.endswith(".html"):
                rel = "/" + os.path.relpath(os.path.join(d, f), site)
                url = rel[: -len("index.html")] if rel.endswith("/index.html") else rel
                pages[url] = open(os.path.join(d, f), encoding="utf-8").read()

    crit_pages = [u for u in pages if re.fullmatch(r"/criteres/[^/]+/", u)]
    theme_pages = [u for u in pages if re.fullmatch(r"/thematiques/[^/]+/", u)]
    if len(crit_pages) != len(criteria):
        failures.append(f"{len(crit_pages)} criterion pages for {len(criteria)} criteria")
    if sorted(theme_pages) != sorted(f"/thematiques/{slug(t)}/" for t in themes):
        failures.append(f"theme pages {sorted(theme_pages)}")

    for c in criteria:
        url = f"/criteres/{slug(c['numero'])}/"
        page = pages.get(url)
        if page is None:
            failures.append(f"{url}: missing")
            continue
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
        if not h1 or html_words(h1.group(1)) != words(c["numero"] + " " + c["critere"]):
            failures.append(f"{url}: h1 is not the question")
        found = re.findall(r'<h2 id="section-[^"]*">(.*?)</h2>\s*<div class="sheet-body">(.*?)</div>\s*</section>',
                           page, re.S)
        if [t for t, _ in found] != [t for _, t in SECTIONS]:
            failures.append(f"{url}: sections {[t for t, _ in found]}")
            continue
        for (key, title), (_, body) in zip(SECTIONS, found):
            if html_words(body) != md_words(c[key]):
                failures.append(f"{url}: the words of '{title}' differ from the file's")

    # Links inside the site, fragments inside the page.
    files = {"/" + os.path.relpath(os.path.join(d, f), site) for d, _, fs in os.walk(site) for f in fs}
    for url, page in pages.items():
        ids = set(re.findall(r'\bid="([^"]+)"', page))
        for href in re.findall(r'href="([^"]*)"', page):
            href = html.unescape(href)
            if href.startswith("#"):
                if href[1:] not in ids:
                    failures.append(f"{url}: no id for {href}")
                continue
            if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", href) or href.startswith("//"):
                continue
            path = href.split("#")[0].split("?")[0]
            if path.endswith("/"):
                path += "index.html"
            if path not in files:
                failures.append(f"{url}: link to {href}, which is no file of the site")
        for tag, src in re.findall(r'<(link|script|img|iframe|source)\b[^>]*?(?:href|src)="([^"]*)"', page):
            if re.match(r"(https?:)?//", src):
                failures.append(f"{url}: <{tag}> loads {src}")

    sitemap = set(re.findall(r"<loc>([^<]*)</loc>", open(os.path.join(site, "sitemap.xml"), encoding="utf-8").read()))
    want = {base.rstrip("/") + u for u in pages if u != "/404.html"}
    if sitemap != want:
        failures.append(f"sitemap.xml: {len(sitemap)} URLs, missing {sorted(want - sitemap)[:3]}, extra {sorted(sitemap - want)[:3]}")

    exports = [f for f in os.listdir(site) if f.endswith((".json", ".csv"))]
    jsons = [f for f in exports if f.endswith(".json")]
    csvs = [f for f in exports if f.endswith(".csv")]
    if len(jsons) != 1 or len(csvs) != 1:
        failures.append(f"exports: {exports}")
    else:
        got = {c["numero"]: c for c in json.load(open(os.path.join(site, jsons[0]), encoding="utf-8"))}
        rows = {r["Numéro"]: r for r in csv.DictReader(open(os.path.join(site, csvs[0]), encoding="utf-8", newline=""))}
        for c in criteria:
            g, r = got.get(c["numero"]), rows.get(c["numero"])
            if g is None or r is None:
                failures.append(f"exports: criterion {c['numero']} missing")
                continue
            for f in FIELDS:
                if g.get(f) != c[f]:
                    failures.append(f"JSON export: {c['numero']}.{f} differs")
            roles = [m.strip() for m in c["metiers"].split(",") if m.strip()]
            if [m.strip() for m in g["metiers"].split(",")] != roles or r["Métiers"].split("\n") != roles:
                failures.append(f"exports: {c['numero']}: métiers differ")
            if g["url"] != base.rstrip("/") + f"/criteres/{slug(c['numero'])}/" or r["Url"] != g["url"]:
                failures.append(f"exports: {c['numero']}: url {g['url']}")
            for col, key in [("Critère", "critere"), ("Thématique", "thematique"), ("Priorité", "priorite"),
                             ("Difficulté", "difficulte"), ("Cible", "cible"), ("Objectif", "objectif"),
                             ("Mise en œuvre", "miseEnOeuvre"), ("Moyen de test", "controle")]:
                if r[col] != c[key]:
                    failures.append(f"CSV export: {c['numero']}.{col} differs")

    sizes = {}
    for url in crit_pages:
        page = pages[url]
        weight = len(page.encode())
        for u in re.findall(r'<(?:link[^>]*href|script[^>]*src)="([^"]+)"', page):
            if u.startswith("/"):
                weight += os.path.getsize(os.path.join(site, u.lstrip("/")))
        if weight > MAX_PAGE_WEIGHT:
            failures.append(f"{url}: {weight} bytes with its assets, over {MAX_PAGE_WEIGHT}")
    for url, page in pages.items():
        sizes[url] = len(page.encode())
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(site) for f in fs)
    crit_sizes = sorted(sizes[u] for u in crit_pages)
    big = max(sizes, key=sizes.get)

    for f in failures[:40]:
        print("FAIL:", f)
    print(f"refsite: {len(crit_pages)} criterion pages ({crit_sizes[0] / 1e3:.1f} to {crit_sizes[-1] / 1e3:.1f} KB, "
          f"median {crit_sizes[len(crit_sizes) // 2] / 1e3:.1f} KB, + {os.path.getsize(os.path.join(site, 'assets/sobre.css')) / 1e3:.1f} KB of CSS), "
          f"{len(theme_pages)} theme pages, largest page {big} {sizes[big] / 1e3:.0f} KB, list "
          f"{sizes.get('/criteres/', 0) / 1e3:.0f} KB, {len(files)} files, {total / 1e6:.2f} MB; {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
