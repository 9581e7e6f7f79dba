#!/usr/bin/env python3
"""Checks the reading version of a site `sobre build` wrote for a synthetic
guide (bench/gen-corpus.py in the test data).

    check_reading.py SITE SHEETS SPLIT

SPLIT is 1 when the guide has more sheets than the threshold
(GUIDE_READING_SPLIT in src/guide/guide.h) and the reading version must be
an index with one page per theme, 0 when it must be the one page of before.
Checks: the index (or the one page) at <guide>/lecture/; when split, a link
from the index to every theme page and to nothing else under lecture/, each
theme page with its breadcrumb back to the index, its link to the index and
its neighbours, the print note, every sheet of its theme in full, and no
page above MAX_PAGE bytes; every sheet in exactly one place; the sitemap
listing every page of the reading version; every link of these pages
leading to a file of the site, and every #fragment to an id of its page."""
import html
import os
import re
import sys

# A theme of the synthetic guide (50 sheets) makes a page of about 200 KB;
# the one page of a 10,000-sheet guide was 40 MB.
MAX_PAGE = 1024 * 1024


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def main(site, sheets, split):
    failures = []
    guide = os.path.join(site, "publications", "bonnes-pratiques")
    reading = os.path.join(guide, "lecture")
    base_url = "/publications/bonnes-pratiques/lecture/"
    index = read(os.path.join(reading, "index.html"))
    themes = sorted(d for d in os.listdir(guide) if d.startswith("theme-"))
    parts = sorted(d for d in os.listdir(reading) if os.path.isdir(os.path.join(reading, d)))

    def links(page, url):
        """Every internal link of page (at url) leads to a file of the site."""
        ids = set(re.findall(r'\bid="([^"]+)"', page))
        for href in re.findall(r'href="([^"]*)"', page):
            href = html.unescape(href)
            if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", href) or href.startswith("//"):
                continue
            if href.startswith("#"):
                if href[1:] not in ids:
                    failures.append(f"{url}: no id for {href}")
                continue
            path = href.split("#")[0].split("?")[0]
            target = os.path.join(site, path.lstrip("/"))
            if path.endswith("/"):
                target = os.path.join(target, "index.html")
            if not os.path.isfile(target):
                failures.append(f"{url}: link to {href}, which is no file of the site")

    sitemap = read(os.path.join(site, "sitemap.xml"))
    links(index, base_url)
    if f"{base_url}</loc>" not in sitemap:
        failures.append("the sitemap does not list the reading version")
    seen = []
    if not split:
        if parts:
            failures.append(f"{len(parts)} theme pages under lecture/ for a guide at or under the threshold")
        seen = re.findall(r'<article class="reading-sheet" id="([^"]+)"', index)
        if index.count('<section class="reading-theme"') != len(themes):
            failures.append("the one page does not hold every theme")
    else:
        if len(parts) != len(themes):
            failures.append(f"{len(parts)} theme pages for {len(themes)} themes")
        if len(index) > MAX_PAGE:
            failures.append(f"the index weighs {len(index)} bytes")
        listed = re.findall(r'<a href="(' + re.escape(base_url) + r'[^"]*)"', index)
        want = [f"{base_url}{p}/" for p in parts]
        if sorted(listed) != sorted(want):
            failures.append(f"the index links to {len(listed)} theme pages, not to each of the {len(want)}")
        if "reading-sheet" in index:
            failures.append("the index holds sheets: it should only list the themes")
        for k, part in enumerate(parts):
            url = f"{base_url}{part}/"
            page = read(os.path.join(reading, part, "index.html"))
            if len(page) > MAX_PAGE:
                failures.append(f"{url} weighs {len(page)} bytes (at most {MAX_PAGE})")
            if f'<a class="fr-breadcrumb__link" href="{base_url}">' not in page:
                failures.append(f"{url}: no breadcrumb link to the index")
            if 'aria-current="page"' not in page:
                failures.append(f"{url}: its breadcrumb does not end with itself")
            if page.count(f'href="{base_url}"') < 3:  # breadcrumb, print note, pager
                failures.append(f"{url}: no link back to the index in its text and its pager")
            if "« Imprimer »" not in page or "sobre.css" not in page:
                failures.append(f"{url}: not printable as the one page is (note, stylesheet)")
            if page.count('<section class="reading-theme"') != 1:
                failures.append(f"{url}: does not hold exactly one theme")
            for rel, other in (("prev", k - 1), ("next", k + 1)):
                if 0 <= other < len(parts) and f'rel="{rel}" href="{base_url}{parts[other]}/"' not in page:
                    failures.append(f"{url}: no {rel} link to {parts[other]}")
            if f"<loc>https://guide.example.org{url}</loc>" not in sitemap:
                failures.append(f"the sitemap does not list {url}")
            ids = re.findall(r'<article class="reading-sheet" id="([^"]+)"', page)
            theme_sheets = len([f for f in os.listdir(os.path.join(guide, part)) if f.startswith("pratique-")])
            if len(ids) != theme_sheets:
                failures.append(f"{url}: {len(ids)} sheets for the theme's {theme_sheets}")
            seen += ids
            links(page, url)
    if len(seen) != sheets or len(set(seen)) != sheets:
        failures.append(f"{len(set(seen))} distinct sheets in the reading version for {sheets}")
    for f in failures[:20]:
        print(f"check_reading: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"))
