#!/usr/bin/env python3
"""Edits cells of an XLSX as a person would in a spreadsheet, without one:
xlsx_edit.py IN.xlsx OUT.xlsx CELL=VALUE... on the first sheet.

VALUE is text (written as an inline string), or date:YYYY-MM-DD (a date
serial with Excel's built-in date style 14, what typing 30/09/2026 in a
cell gives), or empty (the cell removed). For the tests of import-assessment
with workbooks: tests/steer/workbook-libreoffice.sh and the golden case
steer/import-assessment-workbook.
"""
import datetime
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ET.register_namespace("", NS)
ET.register_namespace("r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
Q = "{%s}" % NS


def col_number(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def main():
    src, dst, edits = sys.argv[1], sys.argv[2], sys.argv[3:]
    zin = zipfile.ZipFile(src)
    parts = {name: zin.read(name) for name in zin.namelist()}
    styles = ET.fromstring(parts["xl/styles.xml"])
    xfs = styles.find(Q + "cellXfs")
    date_style = len(xfs)
    ET.SubElement(xfs, Q + "xf", numFmtId="14", fontId="0", fillId="0", borderId="0", xfId="0", applyNumberFormat="1")
    xfs.set("count", str(len(xfs)))
    sheet = ET.fromstring(parts["xl/worksheets/sheet1.xml"])
    data = sheet.find(Q + "sheetData")
    for edit in edits:
        ref, value = edit.split("=", 1)
        m = re.fullmatch(r"([A-Z]+)([0-9]+)", ref)
        col, row = col_number(m.group(1)), int(m.group(2))
        r = next((x for x in data if int(x.get("r")) == row), None)
        if r is None:
            r = ET.SubElement(data, Q + "row", r=str(row))
        cells = list(r)
        for c in cells:
            if c.get("r") == ref:
                r.remove(c)
        if value == "":
            continue
        c = ET.Element(Q + "c", r=ref)
        if value.startswith("date:"):
            d = datetime.date.fromisoformat(value[5:])
            c.set("s", str(date_style))
            ET.SubElement(c, Q + "v").text = str((d - datetime.date(1899, 12, 30)).days)
        else:
            c.set("t", "inlineStr")
            ET.SubElement(ET.SubElement(c, Q + "is"), Q + "t").text = value
        after = [i for i, x in enumerate(r) if col_number(re.match(r"[A-Z]+", x.get("r")).group(0)) < col]
        r.insert(after[-1] + 1 if after else 0, c)
    parts["xl/styles.xml"] = ET.tostring(styles, xml_declaration=True, encoding="UTF-8")
    parts["xl/worksheets/sheet1.xml"] = ET.tostring(sheet, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr(name, parts[name])


main()
