#!/usr/bin/env python3
"""Print what python-docx reads from a .docx as JSON, for tests/docx.rs.

Usage: docxprobe.py FILE.docx

Prints one object:
- "core": title and author;
- "styles": by style id, its name, type, and the properties in effect after
  the basedOn chain and the document defaults: east Asian font, size (pt),
  bold, line spacing (line, lineRule), alignment, firstLineChars,
  outlineLvl, and its numbering (numId, ilvl);
- "levels": the levels of the numbering the heading styles use: numFmt,
  lvlText, pStyle;
- "paragraphs": every body paragraph outside tables, in order: style id,
  text, field instructions, whether it holds a picture (and its width, EMU);
- "tables": each table's rows as cell texts, which rows repeat as header,
  the grid's column widths (twips), merged cells (gridSpan > 1, vMerge);
- "footnotes": the text of each footnote (not the separators);
- "sections": page size, margins (twips), start type, whether it has a
  footer and the footer's field, the page number start;
- "pictures": the media parts' names.
"""
import json
import sys

import docx
from docx.oxml.ns import qn

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def attr(el, name):
    return None if el is None else el.get(qn(name))


def style_props(doc):
    styles_el = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles_el.findall(qn("w:style"))}
    defaults = styles_el.find(qn("w:docDefaults"))

    def chain(s):
        out = []
        while s is not None:
            out.append(s)
            base = s.find(qn("w:basedOn"))
            s = by_id.get(attr(base, "w:val")) if base is not None else None
        return out

    def first(els, path, name):
        for e in els:
            x = e.find(path)
            if x is not None and x.get(qn(name)) is not None:
                return x.get(qn(name))
        return None

    def flag(els, path):
        for e in els:
            x = e.find(path)
            if x is not None:
                v = x.get(qn("w:val"))
                return v not in ("0", "false")
        return False

    result = {}
    dflt_r = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    dflt_p = defaults.find(qn("w:pPrDefault") + "/" + qn("w:pPr"))
    for sid, s in by_id.items():
        c = chain(s)
        rprs = [e.find(qn("w:rPr")) for e in c if e.find(qn("w:rPr")) is not None] + [dflt_r]
        pprs = [e.find(qn("w:pPr")) for e in c if e.find(qn("w:pPr")) is not None] + [dflt_p]
        size = first(rprs, qn("w:sz"), "w:val")
        result[sid] = {
            "name": s.find(qn("w:name")).get(qn("w:val")),
            "type": s.get(qn("w:type")),
            "east_asia": first(rprs, qn("w:rFonts"), "w:eastAsia"),
            "size": int(size) / 2 if size else None,
            "bold": flag(rprs, qn("w:b")),
            "line": first(pprs, qn("w:spacing"), "w:line"),
            "line_rule": first(pprs, qn("w:spacing"), "w:lineRule"),
            "jc": first(pprs, qn("w:jc"), "w:val"),
            "first_line_chars": first(pprs, qn("w:ind"), "w:firstLineChars"),
            "outline": first(pprs, qn("w:outlineLvl"), "w:val"),
            "num_id": first(pprs, qn("w:numPr") + "/" + qn("w:numId"), "w:val"),
            "ilvl": first(pprs, qn("w:numPr") + "/" + qn("w:ilvl"), "w:val"),
        }
    return result


def levels(doc, num_id):
    numbering = doc.part.numbering_part.element
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) == num_id:
            abstract = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    for a in numbering.findall(qn("w:abstractNum")):
        if a.get(qn("w:abstractNumId")) == abstract:
            return [
                {
                    "fmt": attr(l.find(qn("w:numFmt")), "w:val"),
                    "text": attr(l.find(qn("w:lvlText")), "w:val"),
                    "style": attr(l.find(qn("w:pStyle")), "w:val"),
                }
                for l in a.findall(qn("w:lvl"))
            ]
    return []


def para_text(p):
    # Text of runs, tabs and breaks as python-docx reads them (field
    # results included, instructions not).
    return p.text


def paragraphs(doc):
    out = []
    for p in doc.element.body.iter(qn("w:p")):
        # Paragraphs inside tables are the tables'.
        anc = p.getparent()
        in_table = False
        while anc is not None:
            if anc.tag == qn("w:tbl"):
                in_table = True
                break
            anc = anc.getparent()
        if in_table:
            continue
        para = docx.text.paragraph.Paragraph(p, doc)
        extents = [int(e.get("cx")) for e in p.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent")]
        out.append({
            "style": para.style.style_id if para.style is not None else None,
            "text": para_text(para),
            "fields": [t.text for t in p.iter(qn("w:instrText"))],
            "picture_widths": extents,
            "footnote_refs": len(list(p.iter(qn("w:footnoteReference")))),
        })
    return out


def tables(doc):
    out = []
    for t in doc.tables:
        rows = []
        header = []
        merged = 0
        for r in t._tbl.findall(qn("w:tr")):
            trpr = r.find(qn("w:trPr"))
            header.append(trpr is not None and trpr.find(qn("w:tblHeader")) is not None)
            cells = []
            for tc in r.findall(qn("w:tc")):
                tcpr = tc.find(qn("w:tcPr"))
                span = attr(tcpr.find(qn("w:gridSpan")), "w:val") if tcpr is not None else None
                vm = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
                if (span and int(span) > 1) or vm is not None:
                    merged += 1
                cells.append("\n".join(docx.text.paragraph.Paragraph(p, doc).text for p in tc.findall(qn("w:p"))))
            rows.append(cells)
        grid = [int(g.get(qn("w:w"))) for g in t._tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
        out.append({"rows": rows, "header": header, "grid": grid, "merged": merged})
    return out


def footnotes(doc):
    part = None
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/footnotes"):
            part = rel.target_part
    if part is None:
        return []
    from lxml import etree
    root = etree.fromstring(part.blob)
    out = []
    for fn in root.findall(W + "footnote"):
        if fn.get(W + "type") in ("separator", "continuationSeparator"):
            continue
        out.append("".join(t.text or "" for t in fn.iter(W + "t")).strip())
    return out


def sections(doc):
    out = []
    for s in doc.sections:
        sp = s._sectPr
        footer = None
        if sp.find(qn("w:footerReference")) is not None:
            f = s.footer
            footer = {
                "text": "".join(p.text for p in f.paragraphs),
                "fields": [t.text for t in f._element.iter(qn("w:instrText"))],
                "jc": [attr(p._p.find(qn("w:pPr") + "/" + qn("w:jc")), "w:val") for p in f.paragraphs],
                "style": [p.style.style_id for p in f.paragraphs],
            }
        out.append({
            "width": sp.find(qn("w:pgSz")).get(qn("w:w")),
            "height": sp.find(qn("w:pgSz")).get(qn("w:h")),
            "margins": {k: sp.find(qn("w:pgMar")).get(qn("w:" + k)) for k in ("top", "bottom", "left", "right")},
            "start": attr(sp.find(qn("w:type")), "w:val"),
            "footer": footer,
            "page_start": attr(sp.find(qn("w:pgNumType")), "w:start"),
        })
    return out


def probe(path):
    doc = docx.Document(path)
    styles = style_props(doc)
    return {
        "core": {"title": doc.core_properties.title, "author": doc.core_properties.author,
                 "created": str(doc.core_properties.created) if doc.core_properties.created else None},
        "styles": styles,
        "levels": levels(doc, styles["Heading1"]["num_id"]) if "Heading1" in styles else [],
        "paragraphs": paragraphs(doc),
        "tables": tables(doc),
        "footnotes": footnotes(doc),
        "sections": sections(doc),
        "pictures": sorted(p.partname for p in doc.part.package.parts if p.partname.startswith("/word/media/")),
    }


if __name__ == "__main__":
    json.dump(probe(sys.argv[1]), sys.stdout, ensure_ascii=False)
