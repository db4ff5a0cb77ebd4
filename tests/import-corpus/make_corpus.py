#!/usr/bin/env python3
"""Generate the .docx test corpus for `shenbao import` (see README.md next to this file).

    python3 tests/import-corpus/make_corpus.py            # write every file (libreoffice.docx needs soffice)
    python3 tests/import-corpus/make_corpus.py --verify   # also render each .docx with LibreOffice and check the text
    python3 tests/import-corpus/make_corpus.py --huge OUT.docx   # write the 50 MB picture file (not committed)

Deterministic: fixed core properties (2023-03-01T00:00:00Z, author "shenbao-corpus"), no randomness,
zip entries in a fixed order with the fixed date (1980, 1, 1, 0, 0, 0).  Byte-identical output needs the
same zlib / Pillow / python-docx (pinned: 1.1.2) / LibreOffice versions.

Every document except the hostile ones is written as raw WordprocessingML (the constructs python-docx has
no API for), except plain.docx which is made with python-docx.  Each document's NAME.expect.json is
derived from the same data that wrote the document, so the two cannot drift apart.
"""
import argparse
import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "luoyang-bearing")
IMG = os.path.join(EXAMPLE, "img")

FIXED_DT = (1980, 1, 1, 0, 0, 0)
CORE_DATE = "2023-03-01T00:00:00Z"
AUTHOR = "shenbao-corpus"
PYTHON_DOCX_VERSION = "1.1.2"

# ---------------------------------------------------------------------------------------------
# zip helpers
# ---------------------------------------------------------------------------------------------


def zinfo(name, compress=True):
    zi = zipfile.ZipInfo(name, FIXED_DT)
    zi.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    zi.create_system = 0
    zi.external_attr = 0
    return zi


def write_zip(path, entries):
    """entries: list of (name, bytes) written in this order, fixed timestamps."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries:
            if isinstance(data, str):
                data = data.encode("utf-8")
            zf.writestr(zinfo(name), data, compresslevel=6)


def normalize_zip(path, fix=None):
    """Rewrite a zip with fixed timestamps, same entry order; fix(name, data) may rewrite entries."""
    with zipfile.ZipFile(path) as zf:
        entries = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    if fix:
        entries = [(n, fix(n, d)) for n, d in entries]
    write_zip(path, entries)


# ---------------------------------------------------------------------------------------------
# XML helpers
# ---------------------------------------------------------------------------------------------


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

DOC_NS = (
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word" '
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk" '
    'xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
)
DOC_IGNORABLE = 'mc:Ignorable="w14 w15 wp14"'
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def attrs(d):
    return " ".join(f'w:{k}="{esc(str(v))}"' for k, v in d.items())


def ppr(style=None, keepNext=False, keepLines=False, pageBreakBefore=False, widowControl=None, num=None,
        tabs=None, spacing=None, ind=None, jc=None, outline=None, mark=None, sect=None):
    x = []
    if style:
        x.append(f'<w:pStyle w:val="{style}"/>')
    if keepNext:
        x.append("<w:keepNext/>")
    if keepLines:
        x.append("<w:keepLines/>")
    if pageBreakBefore:
        x.append("<w:pageBreakBefore/>")
    if widowControl is not None:
        x.append(f'<w:widowControl w:val="{1 if widowControl else 0}"/>')
    if num:
        x.append(f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>')
    if tabs:
        x.append("<w:tabs>" + "".join(f'<w:tab w:val="{v}" w:leader="{l}" w:pos="{p}"/>' if l else
                                        f'<w:tab w:val="{v}" w:pos="{p}"/>' for v, l, p in tabs) + "</w:tabs>")
    if spacing:
        x.append("<w:spacing " + attrs(spacing) + "/>")
    if ind:
        x.append("<w:ind " + attrs(ind) + "/>")
    if jc:
        x.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        x.append(f'<w:outlineLvl w:val="{outline}"/>')
    if mark:
        x.append(mark if mark.startswith("<w:rPr>") else "<w:rPr>" + mark + "</w:rPr>")
    if sect:
        x.append(sect)
    return "<w:pPr>" + "".join(x) + "</w:pPr>" if x else ""


RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
             "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
             "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
             "rtl", "cs", "em", "lang", "eastAsianLayout"]


def merge_rpr(inner):
    """rPr children -> one <w:rPr> in schema order, later duplicates win."""
    if not inner:
        return ""
    els = re.findall(r"<w:(\w+)(?:\s[^>]*)?/>", inner)
    found = {}
    for m in re.finditer(r"<w:(\w+)(?:\s[^>]*)?/>", inner):
        found[m.group(1)] = m.group(0)
    assert len("".join(found.values())) <= len(inner) and els
    return "<w:rPr>" + "".join(found[k] for k in RPR_ORDER if k in found) + "</w:rPr>"


def t_el(text, tag="w:t"):
    sp = ' xml:space="preserve"' if (text[:1].isspace() or text[-1:].isspace() or "  " in text) else ""
    return f"<{tag}{sp}>{esc(text)}</{tag}>"


def run(text, rp=""):
    return f"<w:r>{rp}{t_el(text)}</w:r>"


IND_CHARS = {"firstLineChars": 200, "firstLine": 480}
BODY_IND = IND_CHARS

# ---------------------------------------------------------------------------------------------
# inline items.  A paragraph is a list of items; a str is a plain run.
#   ("b", text)            bold run                      ("sup", t) / ("sub", t)  ASCII super/subscript
#   ("supcjk", text)       superscript CJK (the dialect cannot say it: imported as plain text)
#   ("u", text)            underlined run (plain text for the import)
#   ("sym", font, hex, ch) w:sym (ch = its Unicode meaning)
#   ("br",) soft line break   ("tab",) tab   ("page",) page break
#   ("fn", n)              footnote reference           ("link", text, url)   hyperlink
#   ("ins", text) / ("del", text)  tracked insertion / deletion
#   ("cs", id) / ("ce", id)        comment range start / end (+ reference)
#   ("math", text)         OMML equation, one m:r per piece separated by "|"
#   ("smart", text, attrs) smart tag              ("bms", name) / ("bme", name)  bookmark
#   ("fld", instr, result, mode)   complex field; mode keep|drop|num
#   ("fsimple", instr, result, mode)  w:fldSimple
#   ("sdt", [items], sdtPr-xml)   inline content control
#   ("xml", run-xml)       an opaque drawing etc. (a break)
# ---------------------------------------------------------------------------------------------

CLASS = {"t": "plain", "u": "plain", "supcjk": "plain", "sym": "plain", "ins": "plain", "smart": "plain",
         "b": "bold", "sup": "script", "sub": "script", "link": "link", "math": "math",
         "br": "break", "tab": "break", "page": "break", "fn": "break", "xml": "break", "sdt": "break",
         "del": None, "cs": None, "ce": None, "bms": None, "bme": None}


class Docx:
    """A WordprocessingML package written by hand, plus the expectations for the import."""

    def __init__(self, flavor="word"):
        self.flavor = flavor
        self.body = []
        self.rels = []          # (rid, type, target, external)
        self.media = []         # (partname under word/, bytes)
        self.footnotes = {}     # n -> xml
        self.comments = {}      # id -> (author, text)
        self.charts = []        # (partname, xml)
        self.footer = None
        self.docpr = 0
        self.bm_id = 0
        self.rev_id = 100
        self.bookmarks = {}
        self.numbering = None
        self.exp = {"fields": {}, "parts": {}, "headings": [], "tables": [], "figures": [],
                    "footnotes": [], "dropped": [], "must_keep": [], "md_contains": []}
        self.part = None

    # ----------------------------------------------------------------- relationships / ids
    def rel(self, typ, target, external=False):
        rid = f"rId{len(self.rels) + 1}"
        self.rels.append((rid, typ, target, external))
        return rid

    def next_docpr(self):
        self.docpr += 1
        return self.docpr

    def next_rev(self):
        self.rev_id += 1
        return self.rev_id

    # ----------------------------------------------------------------- expectations
    def keep(self, s):
        s = s.strip()
        if any(ch.isalnum() for ch in s) and s not in self.exp["must_keep"]:
            self.exp["must_keep"].append(s)

    def drop(self, s):
        if s not in self.exp["dropped"]:
            self.exp["dropped"].append(s)

    # ----------------------------------------------------------------- runs
    def render(self, items, base=""):
        """-> (xml, segments, plain).  base: rPr children applied to every run."""
        xml, segs, plain = [], [], []
        cur_cls, cur = None, []

        def flush():
            nonlocal cur, cur_cls
            s = "".join(cur).strip()
            if s and cur_cls in ("plain", "bold", "link", "math"):
                segs.append(s)
            cur, cur_cls = [], None

        def rp(extra=""):
            return merge_rpr(base + extra)

        for it in items:
            if isinstance(it, str):
                it = ("t", it)
            k = it[0]
            cls = CLASS.get(k, "plain")
            if k == "fld" or k == "fsimple":
                cls = "plain" if it[3] == "keep" else None
            if cls is not None and (cls != cur_cls or cls == "break"):
                flush()
                cur_cls = cls
            if k == "t":
                xml.append(run(it[1], rp(it[2] if len(it) > 2 else "")))
                cur.append(it[1]); plain.append(it[1])
            elif k == "b":
                xml.append(run(it[1], rp("<w:b/><w:bCs/>")))
                cur.append(it[1]); plain.append(it[1])
            elif k in ("sup", "supcjk"):
                xml.append(run(it[1], rp('<w:vertAlign w:val="superscript"/>')))
                cur.append(it[1]); plain.append(it[1])
            elif k == "sub":
                xml.append(run(it[1], rp('<w:vertAlign w:val="subscript"/>')))
                cur.append(it[1]); plain.append(it[1])
            elif k == "u":
                xml.append(run(it[1], rp('<w:u w:val="single"/>')))
                cur.append(it[1]); plain.append(it[1])
            elif k == "sym":
                _, font, code, ch = it
                xml.append(f'<w:r>{rp()}<w:sym w:font="{font}" w:char="{code}"/></w:r>')
                cur.append(ch); plain.append(ch)
            elif k == "br":
                xml.append(f"<w:r>{rp()}<w:br/></w:r>")
                plain.append("\n")
            elif k == "page":
                xml.append('<w:r><w:br w:type="page"/></w:r>')
            elif k == "tab":
                xml.append(f"<w:r>{rp()}<w:tab/></w:r>")
                plain.append("\t")
            elif k == "fn":
                xml.append(f'<w:r><w:rPr><w:rStyle w:val="{self.st("fnref")}"/></w:rPr>'
                           f'<w:footnoteReference w:id="{it[1]}"/></w:r>')
            elif k == "link":
                rid = self.rel(REL + "/hyperlink", it[2], external=True)
                link_rp = rp('<w:rStyle w:val="%s"/>' % self.st("link"))
                xml.append(f'<w:hyperlink r:id="{rid}" w:history="1">{run(it[1], link_rp)}</w:hyperlink>')
                cur.append(it[1]); plain.append(it[1])
            elif k == "ins":
                xml.append(f'<w:ins w:id="{self.next_rev()}" w:author="孙晓雯" w:date="2023-03-15T10:00:00Z">'
                           f"{run(it[1], rp())}</w:ins>")
                cur.append(it[1]); plain.append(it[1])
            elif k == "del":
                xml.append(f'<w:del w:id="{self.next_rev()}" w:author="赵文博" w:date="2023-03-16T09:30:00Z">'
                           f"<w:r>{rp()}{t_el(it[1], 'w:delText')}</w:r></w:del>")
                self.drop(it[1])
            elif k == "cs":
                xml.append(f'<w:commentRangeStart w:id="{it[1]}"/>')
            elif k == "ce":
                xml.append(f'<w:commentRangeEnd w:id="{it[1]}"/><w:r><w:rPr><w:rStyle w:val="{self.st("annref")}"/>'
                           f'</w:rPr><w:commentReference w:id="{it[1]}"/></w:r>')
            elif k == "bms":
                self.bm_id += 1
                self.bookmarks[it[1]] = self.bm_id
                xml.append(f'<w:bookmarkStart w:id="{self.bm_id}" w:name="{esc(it[1])}"/>')
            elif k == "bme":
                xml.append(f'<w:bookmarkEnd w:id="{self.bookmarks[it[1]]}"/>')
            elif k == "smart":
                attrs_xml = "".join(f'<w:attr w:name="{n}" w:val="{v}"/>' for n, v in it[2])
                xml.append('<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="chsdate">'
                           f"<w:smartTagPr>{attrs_xml}</w:smartTagPr>{run(it[1], rp())}</w:smartTag>")
                cur.append(it[1]); plain.append(it[1])
            elif k == "math":
                pieces = it[1].split("|")
                mr = "".join('<m:r><w:rPr><w:rFonts w:ascii="Cambria Math" w:hAnsi="Cambria Math"/></w:rPr>'
                             f"{t_el(p, 'm:t')}</m:r>" for p in pieces)
                xml.append(f"<m:oMath>{mr}</m:oMath>")
                txt = "".join(pieces)
                cur.append(txt); plain.append(txt)
            elif k == "fld":
                _, instr, result, mode = it
                xml.append(f'<w:r>{rp()}<w:fldChar w:fldCharType="begin"/></w:r>'
                           f'<w:r>{rp()}{t_el(" " + instr + " ", "w:instrText")}</w:r>'
                           f'<w:r>{rp()}<w:fldChar w:fldCharType="separate"/></w:r>'
                           f'{run(result, rp("<w:noProof/>"))}'
                           f'<w:r>{rp()}<w:fldChar w:fldCharType="end"/></w:r>')
                if mode == "keep":
                    cur.append(result)
                if mode != "drop":
                    plain.append(result)
            elif k == "fsimple":
                _, instr, result, mode = it
                xml.append(f'<w:fldSimple w:instr=" {esc(instr)} ">{run(result, rp("<w:noProof/>"))}</w:fldSimple>')
                if mode == "keep":
                    cur.append(result)
                if mode != "drop":
                    plain.append(result)
            elif k == "sdt":
                ixml, isegs, iplain = self.render(it[1], base)
                xml.append(f"<w:sdt>{it[2]}<w:sdtContent>{ixml}</w:sdtContent></w:sdt>")
                segs.extend(isegs); plain.append(iplain)
            elif k == "xml":
                xml.append(it[1])
            else:
                raise ValueError(k)
        flush()
        return "".join(xml), segs, "".join(plain)

    # ----------------------------------------------------------------- style ids per flavor
    STYLE_IDS = {
        "word": {"normal": "a", "h1": "1", "h2": "2", "h3": "3", "h4": "4", "caption": "a3", "footer": "a4",
                 "fntext": "a6", "fnref": "a8", "toc1": "11", "tochead": "TOC", "link": "a9", "annref": "aa",
                 "anntext": "ab", "listpara": "ad", "grid": "ae", "myhead": "af"},
    }

    def st(self, key):
        return self.STYLE_IDS["word"][key]

    # ----------------------------------------------------------------- block writers
    def add(self, xml):
        self.body.append(xml)

    def p(self, items, pp="", base=""):
        xml, segs, plain = self.render(items, base)
        self.add(f"<w:p>{pp}{xml}</w:p>")
        return segs, plain

    def para(self, items, ind="chars", pp_extra=None, record=True, style=None, num=None):
        """A body paragraph of the current part."""
        if ind == "chars":
            pp = ppr(style=style, num=num, ind=BODY_IND, **(pp_extra or {}))
        elif ind == "fullwidth":
            items = ["　　"] + list(items)
            pp = ppr(style=style, num=num, **(pp_extra or {}))
        elif ind == "tab":
            items = [("tab",)] + list(items)
            pp = ppr(style=style, num=num, **(pp_extra or {}))
        else:
            pp = ppr(style=style, num=num, **(pp_extra or {}))
        segs, plain = self.p(items, pp)
        if record:
            self.record(segs, plain)
        return segs, plain

    def record(self, segs, plain):
        for s in segs:
            self.keep(s)
        plain = plain.strip()
        if plain and self.part:
            self.exp["parts"].setdefault(self.part, []).append(plain)

    def heading(self, text, level, typed=None, how="style", bookmark=None):
        """level 2..4 (## .. ####) inside the current part.  typed: the number the writer typed."""
        label = (typed or "") + text
        items = []
        if bookmark:
            items.append(("bms", bookmark))
        items.append(label)
        if bookmark:
            items.append(("bme", bookmark))
        if how == "style":
            pp = ppr(style={2: self.st("h2"), 3: self.st("h3"), 4: self.st("h4")}[level])
            self.p(items, pp)
        elif how == "custom":
            self.p(items, ppr(style=self.st("myhead")))
        elif how == "bold":
            self.p([("b", x) if isinstance(x, str) else x for x in items], ppr(keepNext=True, ind=BODY_IND))
        elif how == "outline":
            self.p([("b", x) if isinstance(x, str) else x for x in items],
                   ppr(keepNext=True, ind=BODY_IND, outline=level - 1))
        else:
            raise ValueError(how)
        self.exp["headings"].append({"text": text, "level": level, "part": self.part})
        self.keep(text)

    def part_heading(self, label, part, bookmark=None, how="style"):
        items = [("bms", bookmark), label, ("bme", bookmark)] if bookmark else [label]
        if how == "style":
            self.p(items, ppr(style=self.st("h1")))
        else:
            self.p([("b", x) if isinstance(x, str) else x for x in items], ppr(keepNext=True))
        self.part = part
        self.exp["parts"].setdefault(part, [])

    # ----------------------------------------------------------------- captions
    def caption(self, kind, text, number, how="style", sep=" ", typed=None):
        """kind 表|图.  how: style (caption style + SEQ complex field) | simple (caption style + fldSimple)
        | plain (typed number, bold centred ordinary paragraph)."""
        bold_center = ppr(keepNext=(kind == "表"), jc="center")
        if how == "style":
            pp = ppr(style=self.st("caption"), keepNext=(kind == "表"), jc="center")
            items = [kind, ("fld", f"SEQ {kind} \\* ARABIC", str(number), "num"), sep + text]
        elif how == "simple":
            pp = ppr(style=self.st("caption"), jc="center")
            items = [kind, ("fsimple", f"SEQ {kind} \\* ARABIC", str(number), "num"), sep + text]
        elif how == "bookmarked":
            pp = ppr(style=self.st("caption"), keepNext=True, jc="center")
            items = [("bms", f"_Ref12900{number:04d}"), kind,
                     ("fld", f"SEQ {kind} \\* ARABIC", str(number), "num"), ("bme", f"_Ref12900{number:04d}"),
                     sep + text]
        else:
            pp = bold_center
            items = [("b", (typed if typed is not None else f"{kind}{number}{sep}") + text)]
        self.p(items, pp, base="<w:b/><w:bCs/>" if how != "plain" else "")
        self.keep(text)
        return text

    # ----------------------------------------------------------------- pictures
    def add_media(self, name, data):
        self.media.append(("media/" + name, data))
        return self.rel(REL + "/image", "media/" + name)

    def pic_graphic(self, rid, pid, name, cx, cy, svg_rid=None):
        ext = ""
        if svg_rid:
            ext = ('<a:extLst><a:ext uri="{96DAC541-7B7A-43D3-8B79-37D633B846F1}">'
                   '<asvg:svgBlip xmlns:asvg="http://schemas.microsoft.com/office/drawing/2016/SVG/main" '
                   f'r:embed="{svg_rid}"/></a:ext></a:extLst>')
        return (f'<a:graphic xmlns:a="{A_NS}"><a:graphicData uri="{PIC_NS}">'
                f'<pic:pic xmlns:pic="{PIC_NS}"><pic:nvPicPr><pic:cNvPr id="{pid}" name="{esc(name)}"/><pic:cNvPicPr/>'
                f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}">{ext}</a:blip><a:stretch><a:fillRect/></a:stretch>'
                f'</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
                f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>')

    def inline_picture(self, rid, px, width_cm, name, svg_rid=None):
        cx = int(round(width_cm * 360000))
        cy = int(round(cx * px[1] / px[0]))
        pid = self.next_docpr()
        return ('<w:r><w:rPr><w:noProof/></w:rPr><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
                f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
                f'<wp:docPr id="{pid}" name="图片 {pid}"/><wp:cNvGraphicFramePr>'
                f'<a:graphicFrameLocks xmlns:a="{A_NS}" noChangeAspect="1"/></wp:cNvGraphicFramePr>'
                f"{self.pic_graphic(rid, pid, name, cx, cy, svg_rid)}</wp:inline></w:drawing></w:r>")

    def anchor_picture(self, rid, px, width_cm, name):
        cx = int(round(width_cm * 360000))
        cy = int(round(cx * px[1] / px[0]))
        pid = self.next_docpr()
        return ('<w:r><w:rPr><w:noProof/></w:rPr><w:drawing>'
                '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" '
                f'relativeHeight="{251658240 + pid}" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
                '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:align>center</wp:align>'
                '</wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
                f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
                f'<wp:docPr id="{pid}" name="图片 {pid}"/><wp:cNvGraphicFramePr>'
                f'<a:graphicFrameLocks xmlns:a="{A_NS}" noChangeAspect="1"/></wp:cNvGraphicFramePr>'
                f"{self.pic_graphic(rid, pid, name, cx, cy)}"
                '<wp14:sizeRelH relativeFrom="page"><wp14:pctWidth>0</wp14:pctWidth></wp14:sizeRelH>'
                '<wp14:sizeRelV relativeFrom="page"><wp14:pctHeight>0</wp14:pctHeight></wp14:sizeRelV>'
                "</wp:anchor></w:drawing></w:r>")

    def figure(self, path_or_bytes, media_name, width_cm, caption, number, how="simple", anchor=False,
               svg=None, fmt=None):
        data = open(path_or_bytes, "rb").read() if isinstance(path_or_bytes, str) else path_or_bytes
        px = image_size(data)
        rid = self.add_media(media_name, data)
        svg_rid = self.add_media(media_name.rsplit(".", 1)[0] + ".svg", svg) if svg else None
        if anchor:
            drawing = self.anchor_picture(rid, px, width_cm, media_name)
        else:
            drawing = self.inline_picture(rid, px, width_cm, media_name, svg_rid)
        self.p([("xml", drawing)], ppr(keepNext=True, jc="center"))
        fig = {"caption": caption, "format": fmt or media_name.rsplit(".", 1)[1].replace("jpeg", "jpg"),
               "width_cm": width_cm, "part": self.part}
        if anchor:
            fig["floating"] = True
        if svg:
            fig["alt_format"] = "svg"
        self.exp["figures"].append(fig)
        if caption is not None:
            self.caption("图", caption, number, how=how)
        return fig

    # ----------------------------------------------------------------- tables
    def table(self, rows, widths, caption=None, record=True, header_rows=1, style=True, font_sz=None,
              borders=False, jc="center"):
        """rows: list of list of cells; a cell is a str, a list of paragraphs (each a list of items) or a dict
        {"p": [...], "span": n, "vm": "restart"|"cont", "jc":, "b":}."""
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        tblpr = ("<w:tblPr>" + (f'<w:tblStyle w:val="{self.st("grid")}"/>' if style else "") +
                 '<w:tblW w:w="0" w:type="auto"/>' + (f'<w:jc w:val="{jc}"/>' if jc else "") +
                 ('<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                  '<w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                  '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                  '<w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                  '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                  '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders>' if borders else "") +
                 '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
                 'w:noHBand="0" w:noVBand="1"/></w:tblPr>')
        out = [f"<w:tbl>{tblpr}<w:tblGrid>{grid}</w:tblGrid>"]
        flat, merges, segs_all = [], [], []
        vm_open = {}
        for ri, row in enumerate(rows):
            trpr = "<w:trPr><w:tblHeader/></w:trPr>" if ri < header_rows and header_rows else ""
            cells_xml, frow, col = [], [], 0
            for cell in row:
                if not isinstance(cell, dict):
                    cell = {"p": cell}
                paras = cell.get("p", "")
                if isinstance(paras, str):
                    paras = [[paras]] if paras else [[]]
                span = cell.get("span", 1)
                vm = cell.get("vm")
                w = sum(widths[col:col + span])
                tcpr = f'<w:tcW w:w="{w}" w:type="dxa"/>'
                if span > 1:
                    tcpr += f'<w:gridSpan w:val="{span}"/>'
                if vm == "restart":
                    tcpr += '<w:vMerge w:val="restart"/>'
                elif vm == "cont":
                    tcpr += "<w:vMerge/>"
                tcpr += '<w:vAlign w:val="center"/>'
                pxml, texts = [], []
                bold = cell.get("b", ri < header_rows)
                base = ("<w:b/><w:bCs/>" if bold else "") + (f'<w:sz w:val="{font_sz}"/><w:szCs w:val="{font_sz}"/>'
                                                               if font_sz else "")
                for items in paras:
                    xml, segs, plain = self.render(items, base)
                    pxml.append(f'<w:p>{ppr(jc=cell.get("jc", "center"))}{xml}</w:p>')
                    if vm != "cont":
                        segs_all.extend(segs)
                        if plain.strip():
                            texts.append(plain.strip())
                cells_xml.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{''.join(pxml)}</w:tc>")
                if vm == "restart":
                    vm_open[col] = {"row": ri, "col": col, "rowspan": 1}
                    if span > 1:
                        vm_open[col]["colspan"] = span
                    merges.append(vm_open[col])
                elif vm == "cont":
                    vm_open[col]["rowspan"] += 1
                elif span > 1:
                    merges.append({"row": ri, "col": col, "colspan": span})
                frow.append("\n".join(texts) if vm != "cont" else "")
                frow.extend([""] * (span - 1))
                col += span
            out.append(f"<w:tr>{trpr}{''.join(cells_xml)}</w:tr>")
            flat.append(frow)
        out.append("</w:tbl>")
        self.add("".join(out))
        if record:
            for s in segs_all:
                self.keep(s)
            t = {"caption": caption, "rows": flat, "part": self.part}
            if merges:
                t["merges"] = merges
            if header_rows != 1:
                t["header_rows"] = header_rows
            self.exp["tables"].append(t)
        return flat

    # ----------------------------------------------------------------- notes, comments
    def footnote(self, n, text):
        self.footnotes[n] = text
        self.exp["footnotes"].append(text)
        return ("fn", n)

    def comment(self, cid, text):
        self.comments[cid] = ("王工", text)
        self.drop(text)

    # ----------------------------------------------------------------- package
    def package(self, path, styles_xml, sect_xml, fonts=None, app="Microsoft Office Word", custom=None,
                settings_extra=""):
        ct_over = []
        entries = []
        parts = []  # (name, xml)

        def part(name, ctype, reltype, xml):
            rid = self.rel(reltype, name)
            ct_over.append((f"/word/{name}", ctype))
            parts.append((f"word/{name}", xml))
            return rid

        base = "application/vnd.openxmlformats-officedocument.wordprocessingml."
        part("styles.xml", base + "styles+xml", REL + "/styles", styles_xml)
        part("settings.xml", base + "settings+xml", REL + "/settings", settings_xml(bool(self.footnotes),
                                                                                   settings_extra))
        if self.numbering:
            part("numbering.xml", base + "numbering+xml", REL + "/numbering", self.numbering)
        if self.footnotes:
            part("footnotes.xml", base + "footnotes+xml", REL + "/footnotes", footnotes_xml(self.footnotes, self))
        if self.comments:
            part("comments.xml", base + "comments+xml", REL + "/comments", comments_xml(self.comments, self))
        footer_rid = None
        if self.footer:
            footer_rid = part("footer1.xml", base + "footer+xml", REL + "/footer", self.footer)
        part("fontTable.xml", base + "fontTable+xml", REL + "/fontTable", font_table_xml(fonts or []))
        for name, xml in self.charts:
            ct_over.append((f"/word/{name}", "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"))
            parts.append((f"word/{name}", xml))
        sect = sect_xml.replace("{FOOTER}", f'<w:footerReference w:type="default" r:id="{footer_rid}"/>'
                                if footer_rid else "")
        document = (XML_DECL + f"<w:document {DOC_NS}{DOC_IGNORABLE}><w:body>" + "".join(self.body) + sect +
                    "</w:body></w:document>")
        rels = (XML_DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
                "".join(f'<Relationship Id="{rid}" Type="{typ}" Target="{esc(tgt)}"' +
                        (' TargetMode="External"' if ext else "") + "/>" for rid, typ, tgt, ext in self.rels) +
                "</Relationships>")
        exts = sorted({n.rsplit(".", 1)[1] for n, _ in self.media})
        ctypes = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "svg": "image/svg+xml",
                  "emf": "image/x-emf", "bin": "application/octet-stream"}
        ct = (XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
              "".join(f'<Default Extension="{e}" ContentType="{ctypes[e]}"/>' for e in exts) +
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              f'<Override PartName="/word/document.xml" ContentType="{base}document.main+xml"/>' +
              "".join(f'<Override PartName="{n}" ContentType="{c}"/>' for n, c in ct_over) +
              '<Override PartName="/docProps/core.xml" '
              'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
              '<Override PartName="/docProps/app.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
              ('<Override PartName="/docProps/custom.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>' if custom else "") +
              "</Types>")
        root_rels = (XML_DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
                     ('<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      'relationships/custom-properties" Target="docProps/custom.xml"/>' if custom else "") +
                     '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                     'relationships/extended-properties" Target="docProps/app.xml"/>'
                     '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                     'metadata/core-properties" Target="docProps/core.xml"/>'
                     '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                     'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        entries.append(("[Content_Types].xml", ct))
        entries.append(("_rels/.rels", root_rels))
        entries.append(("word/document.xml", document))
        entries.append(("word/_rels/document.xml.rels", rels))
        entries.extend(parts)
        for name, data in self.media:
            entries.append(("word/" + name, data))
        entries.append(("docProps/core.xml", core_xml()))
        entries.append(("docProps/app.xml", app_xml(app)))
        if custom:
            entries.append(("docProps/custom.xml", custom))
        write_zip(path, entries)


# ---------------------------------------------------------------------------------------------
# package parts
# ---------------------------------------------------------------------------------------------


def core_xml():
    return (XML_DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title></dc:title><dc:subject></dc:subject><dc:creator>{AUTHOR}</dc:creator>"
            f"<cp:keywords></cp:keywords><dc:description></dc:description>"
            f"<cp:lastModifiedBy>{AUTHOR}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{CORE_DATE}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{CORE_DATE}</dcterms:modified></cp:coreProperties>')


def app_xml(app):
    ver = "16.0000" if app.startswith("Microsoft") else "11.1.0.12763"
    return (XML_DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Template>Normal.dotm</Template><TotalTime>0</TotalTime><Application>{esc(app)}</Application>"
            "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><Company></Company>"
            "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
            f"<HyperlinksChanged>false</HyperlinksChanged><AppVersion>{ver}</AppVersion></Properties>")


def settings_xml(footnotes, extra=""):
    fn = '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>' if footnotes else ""
    return (XML_DECL + '<w:settings xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
            'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w10="urn:schemas-microsoft-com:office:word" '
            'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
            'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
            'xmlns:sl="http://schemas.openxmlformats.org/schemaLibrary/2006/main" mc:Ignorable="w14 w15">'
            '<w:zoom w:percent="100"/><w:bordersDoNotSurroundHeader/><w:bordersDoNotSurroundFooter/>'
            + extra +
            '<w:proofState w:spelling="clean" w:grammar="clean"/><w:defaultTabStop w:val="420"/>'
            '<w:drawingGridVerticalSpacing w:val="156"/><w:displayHorizontalDrawingGridEvery w:val="0"/>'
            '<w:displayVerticalDrawingGridEvery w:val="2"/><w:characterSpacingControl w:val="compressPunctuation"/>'
            + fn +
            '<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>'
            '<w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>'
            '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
            '<w:compatSetting w:name="overrideTableStyleFontSizeAndJustification" '
            'w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>'
            '<w:compatSetting w:name="enableOpenTypeFeatures" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>'
            '<w:compatSetting w:name="doNotFlipMirrorIndents" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>'
            '</w:compat><w:rsids><w:rsidRoot w:val="00C41A2B"/><w:rsid w:val="00C41A2B"/></w:rsids>'
            '<m:mathPr><m:mathFont m:val="Cambria Math"/><m:brkBin m:val="before"/><m:brkBinSub m:val="--"/>'
            '<m:smallFrac m:val="0"/><m:dispDef/><m:lMargin m:val="0"/><m:rMargin m:val="0"/>'
            '<m:defJc m:val="centerGroup"/><m:wrapIndent m:val="1440"/><m:intLim m:val="subSup"/>'
            '<m:naryLim m:val="undOvr"/></m:mathPr><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
            '<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" w:accent1="accent1" '
            'w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" w:accent5="accent5" w:accent6="accent6" '
            'w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/>'
            '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>')


FONT_INFO = {
    "Times New Roman": ('<w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/>'
                        '<w:pitch w:val="variable"/>'),
    "宋体": ('<w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/>'
           '<w:family w:val="auto"/><w:pitch w:val="variable"/>'),
    "黑体": ('<w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/>'
           '<w:family w:val="modern"/><w:pitch w:val="fixed"/>'),
    "华文中宋": ('<w:altName w:val="STZhongsong"/><w:panose1 w:val="02010600040101010101"/><w:charset w:val="86"/>'
             '<w:family w:val="auto"/><w:pitch w:val="variable"/>'),
    "仿宋_GB2312": ('<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/>'),
    "Symbol": ('<w:panose1 w:val="05050102010706020507"/><w:charset w:val="02"/><w:family w:val="roman"/>'
               '<w:pitch w:val="variable"/>'),
    "Wingdings": ('<w:panose1 w:val="05000000000000000000"/><w:charset w:val="02"/><w:family w:val="auto"/>'
                  '<w:pitch w:val="variable"/>'),
    "Wingdings 2": ('<w:panose1 w:val="05020102010507070707"/><w:charset w:val="02"/><w:family w:val="roman"/>'
                    '<w:pitch w:val="variable"/>'),
    "Courier New": ('<w:panose1 w:val="02070309020205020404"/><w:charset w:val="00"/><w:family w:val="modern"/>'
                    '<w:pitch w:val="fixed"/>'),
    "Cambria Math": ('<w:panose1 w:val="02040503050406030204"/><w:charset w:val="00"/><w:family w:val="roman"/>'
                     '<w:pitch w:val="variable"/>'),
}


def font_table_xml(extra):
    names = ["Times New Roman", "宋体", "黑体"] + [f for f in extra if f not in ("Times New Roman", "宋体", "黑体")]
    return (XML_DECL + '<w:fonts xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14">' +
            "".join(f'<w:font w:name="{n}">{FONT_INFO[n]}</w:font>' for n in names) + "</w:fonts>")


def footnotes_xml(notes, d):
    sep = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
           'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
           'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>')
    body = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:pPr><w:pStyle w:val="{d.st("fntext")}"/></w:pPr>'
        f'<w:r><w:rPr><w:rStyle w:val="{d.st("fnref")}"/></w:rPr><w:footnoteRef/></w:r>'
        f'{run(" " + text)}</w:p></w:footnote>' for n, text in sorted(notes.items()))
    return XML_DECL + f"<w:footnotes {DOC_NS}{DOC_IGNORABLE}>{sep}{body}</w:footnotes>"


def comments_xml(comments, d):
    body = "".join(
        f'<w:comment w:id="{cid}" w:author="{esc(a)}" w:date="2023-03-10T09:00:00Z" w:initials="{esc(a[0])}">'
        f'<w:p><w:pPr><w:pStyle w:val="{d.st("anntext")}"/></w:pPr><w:r><w:rPr><w:rStyle w:val="{d.st("annref")}"/>'
        f"</w:rPr><w:annotationRef/></w:r>{run(text)}</w:p></w:comment>"
        for cid, (a, text) in sorted(comments.items()))
    return XML_DECL + f"<w:comments {DOC_NS}{DOC_IGNORABLE}>{body}</w:comments>"


def sect_a4(title_pg=False, margins=(1440, 1800, 1440, 1800)):
    top, right, bottom, left = margins
    return ('<w:sectPr>{FOOTER}<w:pgSz w:w="11906" w:h="16838"/>'
            f'<w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" w:header="851" '
            'w:footer="992" w:gutter="0"/><w:cols w:space="425"/>' + ("<w:titlePg/>" if title_pg else "") +
            '<w:docGrid w:type="lines" w:linePitch="312"/></w:sectPr>')


# ---------------------------------------------------------------------------------------------
# styles.xml and numbering.xml
# ---------------------------------------------------------------------------------------------


def style(typ, sid, name, body, default=False, basedOn=None, next_=None, link=None, ui=None, semi=False,
          qformat=False, custom=False):
    x = f'<w:style w:type="{typ}"' + (' w:default="1"' if default else "") + (
        ' w:customStyle="1"' if custom else "") + f' w:styleId="{sid}"><w:name w:val="{esc(name)}"/>'
    if basedOn:
        x += f'<w:basedOn w:val="{basedOn}"/>'
    if next_:
        x += f'<w:next w:val="{next_}"/>'
    if link:
        x += f'<w:link w:val="{link}"/>'
    if ui is not None:
        x += f'<w:uiPriority w:val="{ui}"/>'
    if semi:
        x += "<w:semiHidden/><w:unhideWhenUsed/>"
    if qformat:
        x += "<w:qFormat/>"
    return x + body + "</w:style>"


def styles_word(h1_name="heading 1", h_names=None, custom_heading=True, east="宋体", zh_names=False):
    """styles.xml as Chinese Word writes it (style ids 'a', '1', '2' ...).
    zh_names: names as some Chinese writers/WPS leave them ("标题 1")."""
    hn = h_names or {1: h1_name, 2: "heading 2", 3: "heading 3", 4: "heading 4"}
    if zh_names:
        hn = {1: "标题 1", 2: "标题 2", 3: "标题 3", 4: "标题 4"}
    s = [
        XML_DECL + '<w:styles xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
        'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" mc:Ignorable="w14 w15">'
        '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" '
        f'w:eastAsia="{east}" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:kern w:val="2"/>'
        '<w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        '</w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults>',
        style("paragraph", "a", "Normal", '<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr>',
              default=True, qformat=True),
        style("paragraph", "1", hn[1], '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="120"/>'
              '<w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:bCs/><w:kern w:val="44"/>'
              '<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>', basedOn="a", next_="a", link="10", ui=9,
              qformat=True),
        style("paragraph", "2", hn[2], '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="120" w:after="60"/>'
              '<w:ind w:firstLineChars="200" w:firstLine="482"/><w:outlineLvl w:val="1"/></w:pPr>'
              '<w:rPr><w:b/><w:bCs/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>',
              basedOn="a", next_="a", link="20", ui=9, semi=True, qformat=True),
        style("paragraph", "3", hn[3], '<w:pPr><w:keepNext/><w:keepLines/>'
              '<w:ind w:firstLineChars="200" w:firstLine="482"/><w:outlineLvl w:val="2"/></w:pPr>'
              '<w:rPr><w:b/><w:bCs/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>',
              basedOn="a", next_="a", link="30", ui=9, semi=True, qformat=True),
        style("paragraph", "4", hn[4], '<w:pPr><w:keepNext/><w:keepLines/>'
              '<w:ind w:firstLineChars="200" w:firstLine="482"/><w:outlineLvl w:val="3"/></w:pPr>'
              '<w:rPr><w:b/><w:bCs/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>',
              basedOn="a", next_="a", link="40", ui=9, semi=True, qformat=True),
        style("character", "a0", "Default Paragraph Font", "", default=True, ui=1, semi=True),
        style("table", "a1", "Normal Table", '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
              '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
              '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>', default=True, ui=99, semi=True),
        style("numbering", "a2", "No List", "", default=True, ui=99, semi=True),
        style("character", "10", "标题 1 字符",
              '<w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:bCs/><w:kern w:val="44"/><w:sz w:val="28"/>'
              '<w:szCs w:val="28"/></w:rPr>', basedOn="a0", link="1", ui=9, custom=True),
        style("character", "20", "标题 2 字符", '<w:rPr><w:b/><w:bCs/></w:rPr>', basedOn="a0", link="2", ui=9,
              custom=True),
        style("character", "30", "标题 3 字符", '<w:rPr><w:b/><w:bCs/></w:rPr>', basedOn="a0", link="3", ui=9,
              custom=True),
        style("character", "40", "标题 4 字符", '<w:rPr><w:b/><w:bCs/></w:rPr>', basedOn="a0", link="4", ui=9,
              custom=True),
        style("paragraph", "a3", "caption", '<w:pPr><w:jc w:val="center"/></w:pPr>'
              '<w:rPr><w:b/><w:bCs/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr>', basedOn="a", next_="a", ui=35,
              semi=True, qformat=True),
        style("paragraph", "a4", "footer", '<w:pPr><w:tabs><w:tab w:val="center" w:pos="4153"/>'
              '<w:tab w:val="right" w:pos="8306"/></w:tabs><w:snapToGrid w:val="0"/><w:jc w:val="left"/></w:pPr>'
              '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>', basedOn="a", link="a5", ui=99, semi=True),
        style("character", "a5", "页脚 字符", '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>',
              basedOn="a0", link="a4", ui=99, custom=True),
        style("paragraph", "a6", "footnote text", '<w:pPr><w:snapToGrid w:val="0"/><w:jc w:val="left"/></w:pPr>'
              '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>', basedOn="a", link="a7", ui=99, semi=True),
        style("character", "a7", "脚注文本 字符", '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>',
              basedOn="a0", link="a6", ui=99, custom=True),
        style("character", "a8", "footnote reference", '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>',
              basedOn="a0", ui=99, semi=True),
        style("paragraph", "11", "toc 1", '<w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="8296"/>'
              '</w:tabs></w:pPr>', basedOn="a", next_="a", ui=39, semi=True),
        style("paragraph", "TOC", "TOC Heading", '<w:pPr><w:widowControl/><w:spacing w:before="240" w:after="0" '
              'w:line="259" w:lineRule="auto"/><w:jc w:val="center"/><w:outlineLvl w:val="9"/></w:pPr>'
              '<w:rPr><w:kern w:val="0"/></w:rPr>', basedOn="1", next_="a", ui=39, semi=True, qformat=True),
        style("character", "a9", "Hyperlink", '<w:rPr><w:color w:val="0563C1" w:themeColor="hyperlink"/>'
              '<w:u w:val="single"/></w:rPr>', basedOn="a0", ui=99, semi=True),
        style("character", "aa", "annotation reference", '<w:rPr><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr>',
              basedOn="a0", ui=99, semi=True),
        style("paragraph", "ab", "annotation text", '<w:pPr><w:jc w:val="left"/></w:pPr>', basedOn="a",
              link="ac", ui=99, semi=True),
        style("character", "ac", "批注文字 字符", "", basedOn="a0", link="ab", ui=99, custom=True),
        style("paragraph", "ad", "List Paragraph", '<w:pPr><w:ind w:firstLineChars="200" w:firstLine="420"/>'
              '</w:pPr>', basedOn="a", ui=34, qformat=True),
        style("table", "ae", "Table Grid", '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" '
              'w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" '
              'w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
              '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" '
              'w:space="0" w:color="auto"/></w:tblBorders></w:tblPr>', basedOn="a1", ui=39),
    ]
    if custom_heading:
        s.append(style("paragraph", "af", "我的标题", '<w:pPr><w:numPr><w:numId w:val="3"/></w:numPr>'
                       '<w:ind w:firstLineChars="200" w:firstLine="482"/></w:pPr>', basedOn="2", next_="a",
                       qformat=True, custom=True))
    s.append("</w:styles>")
    return "".join(s)


def lvl(i, fmt, text, left, hanging, font=None, pstyle=None, suff=None, start=1):
    x = f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
    if pstyle:
        x += f'<w:pStyle w:val="{pstyle}"/>'
    if suff:
        x += f'<w:suff w:val="{suff}"/>'
    x += f'<w:lvlText w:val="{esc(text)}"/><w:lvlJc w:val="left"/>'
    if left is not None:
        x += f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>'
    else:
        x += '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr>'
    if font:
        x += f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:hint="default"/></w:rPr>'
    return x + "</w:lvl>"


def numbering_word(with_heading=True):
    """abstractNum 0: decimal list %1. ; 1: bullets (Symbol / Courier New / Wingdings);
    2: chineseCounting （%1） linked to the custom heading style 'af'."""
    fmts = ["decimal", "lowerLetter", "lowerRoman"] * 3
    dec = ('<w:abstractNum w:abstractNumId="0"><w:nsid w:val="1A2B3C01"/><w:multiLevelType w:val="hybridMultilevel"/>'
           '<w:tmpl w:val="5E3C9A1E"/>' +
           "".join(lvl(i, fmts[i], f"%{i + 1}." if i % 3 != 1 else f"%{i + 1})", 840 + 420 * i, 420)
                   for i in range(9)) + "</w:abstractNum>")
    bullets = ["\uf0b7", "o", "\uf0a7"] * 3
    bfonts = ["Symbol", "Courier New", "Wingdings"] * 3
    bul = ('<w:abstractNum w:abstractNumId="1"><w:nsid w:val="1A2B3C02"/><w:multiLevelType w:val="hybridMultilevel"/>'
           '<w:tmpl w:val="5E3C9A1F"/>' +
           "".join(lvl(i, "bullet", bullets[i], 840 + 420 * i, 420, font=bfonts[i]) for i in range(9)) +
           "</w:abstractNum>")
    out = [XML_DECL + f"<w:numbering {DOC_NS}{DOC_IGNORABLE}>", dec, bul]
    if with_heading:
        head = ('<w:abstractNum w:abstractNumId="2"><w:nsid w:val="1A2B3C03"/>'
                '<w:multiLevelType w:val="hybridMultilevel"/><w:tmpl w:val="5E3C9A20"/>' +
                lvl(0, "chineseCounting", "（%1）", None, None, pstyle="af", suff="nothing") +
                "".join(lvl(i, fmts[i], f"%{i + 1}.", 840 + 420 * i, 420) for i in range(1, 9)) +
                "</w:abstractNum>")
        out.append(head)
    out.append('<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
               '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>')
    if with_heading:
        out.append('<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>')
    out.append("</w:numbering>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# pictures
# ---------------------------------------------------------------------------------------------


def image_size(data):
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xC0, 0xC1, 0xC2):
                h, w = struct.unpack(">HH", data[i + 5:i + 9])
                return w, h
            seglen = struct.unpack(">H", data[i + 2:i + 4])[0]
            i += 2 + seglen
    raise ValueError("unknown image")


def img_bytes(name, width=None, fmt=None, quality=85):
    """An example picture, optionally downscaled / re-encoded with Pillow (deterministic)."""
    path = os.path.join(IMG, name)
    if width is None and fmt is None:
        return open(path, "rb").read()
    from PIL import Image
    im = Image.open(path)
    if width and im.size[0] > width:
        im = im.resize((width, round(im.size[1] * width / im.size[0])), Image.LANCZOS)
    out = io.BytesIO()
    if fmt == "jpeg":
        im.convert("RGB").save(out, "JPEG", quality=quality, optimize=True)
    else:
        im.save(out, "PNG", optimize=True)
    return out.getvalue()


PDCA_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="1100" height="850" viewBox="0 0 1100 850">
<rect width="1100" height="850" fill="#ffffff"/>
<circle cx="550" cy="425" r="330" fill="none" stroke="#1f3864" stroke-width="10"/>
<line x1="220" y1="425" x2="880" y2="425" stroke="#1f3864" stroke-width="6"/>
<line x1="550" y1="95" x2="550" y2="755" stroke="#1f3864" stroke-width="6"/>
<g font-family="DejaVu Sans, sans-serif" font-size="120" font-weight="bold" fill="#1f3864" text-anchor="middle">
<text x="420" y="340">A</text><text x="680" y="340">P</text><text x="680" y="600">D</text><text x="420" y="600">C</text>
</g></svg>
"""


# ---------------------------------------------------------------------------------------------
# word counting as SPEC §8 V2 (Word's 字数): CJK characters and CJK/full-width punctuation count 1 each,
# every run of other non-space characters counts 1.
# ---------------------------------------------------------------------------------------------

CJK_PUNCT = set("“”‘’—…·")


def is_cjk(ch):
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF
            or 0x2460 <= o <= 0x24FF or ch in CJK_PUNCT) and not ch.isspace()


def zi_count(text):
    n, in_word = 0, False
    for ch in text:
        if ch.isspace():
            in_word = False
        elif is_cjk(ch):
            n += 1
            in_word = False
        elif not in_word:
            n += 1
            in_word = True
    return n


# ---------------------------------------------------------------------------------------------
# shared data (the fictional enterprise of examples/luoyang-bearing)
# ---------------------------------------------------------------------------------------------

LY = {
    "profile": "luoyang-2023",
    "title": "洛阳示例精密轴承股份有限公司基于数字化的“全链条零缺陷”精益质量管理经验",
    "title_lines": ("洛阳示例精密轴承股份有限公司基于数字化的", "“全链条零缺陷”精益质量管理经验"),
    "company": "洛阳示例精密轴承股份有限公司",
    "address": "洛阳市涧西区示例路88号",
    "nature": "民营",
    "scale": "中型企业",
    "industry": "3451 滚动轴承制造",
    "qh": ("赵文博", "副总经理兼质量总监"),
    "contact": ("孙晓雯", "质量管理部部长", "13912345678", "sunxiaowen@example.com"),
    "finance": {2020: (41200, 28600, 1850), 2021: (45600, 33200, 2460), 2022: (49800, 36800, 3020)},
    "patents": (46, 31),
    "software": 5,
    "standards": (0, 2, 3, 0, 2, 28),
    "honors": 9,
    "brief": ("公司自2018年起以零缺陷管理理念为核心，融合六西格玛、精益生产和数字化质量管理方法，构建覆盖设计、采购、制造、"
              "检验、服务五个环节的“全链条零缺陷”精益质量管理模式。通过三级推进组织和分层目标体系落实全员质量责任，梳理40项"
              "关键质量特性并全部纳入SPC和防错控制，依托5G+MES实现在线检测、实时预警和“一件一码”质量追溯，建立顾客问题8小时"
              "响应闭环机制。2020—2022年，公司一次交检合格率由97.6%提升至99.35%，综合废品率由1.32%降至0.52%，顾客端不良由"
              "260 ppm降至68 ppm，顾客满意度达到94.8分，累计降低质量损失2290万元，该经验对多品种、小批量的离散型装备制造企业"
              "具有较强的借鉴和推广价值。"),
    "date": "2023-03-20",
    "date_text": "2023年3月20日",
}

NATURES = ["中央企业", "地方国企", "民营", "三资"]
SCALES = ["大型企业", "中型企业", "小型企业", "微型企业"]
STD_KEYS = ["international", "national", "industry", "local", "group", "enterprise"]
STD_LABELS = ["国际标准（项）", "国家标准（项）", "行业标准（项）", "地方标准（项）", "团体标准（项）", "企业标准（项）"]


def form_fields(v, company=None):
    f = {
        "company.name": company or v["company"],
        "company.address": v["address"],
        "company.nature": v["nature"],
        "company.scale": v["scale"],
        "company.industry": v["industry"],
        "company.quality_head.name": v["qh"][0],
        "company.quality_head.title": v["qh"][1],
        "contact.name": v["contact"][0],
        "contact.title": v["contact"][1],
        "contact.phone": v["contact"][2],
        "contact.email": v["contact"][3],
    }
    for y, (a, r, p) in v["finance"].items():
        f[f"finance.{y}.assets"] = a
        f[f"finance.{y}.revenue"] = r
        f[f"finance.{y}.profit"] = p
    f["patents.applied"], f["patents.granted"] = v["patents"]
    f["software_copyrights"] = v["software"]
    for k, n in zip(STD_KEYS, v["standards"]):
        f[f"standards.{k}"] = n
    f["honors"] = v["honors"]
    f["benchmark.title"] = v["title"]
    f["benchmark.brief"] = v["brief"]
    return f


TITLE_RPR = ('<w:rFonts w:ascii="华文中宋" w:eastAsia="华文中宋" w:hAnsi="华文中宋"/>'
             '<w:sz w:val="72"/><w:szCs w:val="72"/>')
FIELD_RPR = '<w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
ARTICLE_RPR = '<w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"/><w:sz w:val="36"/><w:szCs w:val="36"/>'
FIELD_PP = dict(spacing={"line": 800, "lineRule": "exact"}, ind={"left": 420})


def empty_p(d, n=1, pp=""):
    for _ in range(n):
        d.add(f"<w:p>{pp}</w:p>")


def page_break(d):
    d.add('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')


def cover_word(d, v):
    """The Luoyang cover as a careful Word writer types it (every field a different way)."""
    empty_p(d, 4)
    d.p(["2023年洛阳市质量标杆"], ppr(jc="center"), base=TITLE_RPR)
    d.p(["申 报 材 料"], ppr(jc="center"), base=TITLE_RPR)
    empty_p(d, 7)
    # 标杆名称: the value wraps onto a second paragraph, indented to the value's x
    d.p(["标杆名称：", ("u", v["title_lines"][0])], ppr(**FIELD_PP), base=FIELD_RPR)
    d.p([("u", v["title_lines"][1])], ppr(spacing=FIELD_PP["spacing"], ind={"left": 420 + 1600}), base=FIELD_RPR)
    # spaced label, full-width colon, value after a Tab
    d.p(["申 报 单 位：", ("tab",), ("u", v["company"])],
        ppr(tabs=[("left", None, 2660)], **FIELD_PP), base=FIELD_RPR)
    # half-width colon and two spaces
    d.p(["联 系 人:  " + v["contact"][0]], ppr(**FIELD_PP), base=FIELD_RPR)
    # value in an underlined run padded with underlined spaces
    d.p(["联系方式：", ("u", v["contact"][2]), ("u", " " * 12)], ppr(**FIELD_PP), base=FIELD_RPR)
    # the date in a date-picker content control
    sdtpr = ('<w:sdtPr><w:rPr>' + FIELD_RPR + '</w:rPr><w:id w:val="-1702776213"/>'
             '<w:date w:fullDate="2023-03-20T00:00:00Z"><w:dateFormat w:val="yyyy\'年\'M\'月\'d\'日\'"/>'
             '<w:lid w:val="zh-CN"/><w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/>'
             '</w:date></w:sdtPr>')
    d.p(["申报日期：", ("sdt", [v["date_text"]], sdtpr)], ppr(**FIELD_PP), base=FIELD_RPR)
    page_break(d)


def toc_word(d, entries):
    """A TOC field in Word's docPartObj content control; entries (text, page, bookmark) are dropped."""
    hr = 'w:history="1"'
    ps = ppr(style="11", tabs=[("right", "dot", 8296)], mark="<w:noProof/>")
    paras = [f'<w:p>{ppr(style="TOC")}{run("目录")}</w:p>']
    d.drop("目录")
    for i, (text, page, bm) in enumerate(entries):
        head = ""
        if i == 0:
            head = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                    '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText></w:r>'
                    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        nowh = "<w:rPr><w:noProof/><w:webHidden/></w:rPr>"
        link = (f'<w:hyperlink w:anchor="{bm}" {hr}>'
                f'<w:r><w:rPr><w:rStyle w:val="a9"/><w:noProof/></w:rPr>{t_el(text)}</w:r>'
                f"<w:r>{nowh}<w:tab/></w:r>"
                f'<w:r>{nowh}<w:fldChar w:fldCharType="begin"/></w:r>'
                f'<w:r>{nowh}<w:instrText xml:space="preserve"> PAGEREF {bm} \\h </w:instrText></w:r>'
                f'<w:r>{nowh}<w:fldChar w:fldCharType="separate"/></w:r>'
                f"<w:r>{nowh}<w:t>{page}</w:t></w:r>"
                f'<w:r>{nowh}<w:fldChar w:fldCharType="end"/></w:r></w:hyperlink>')
        paras.append(f"<w:p>{ps}{head}{link}</w:p>")
        d.drop(f"{text}\t{page}")
    paras.append('<w:p><w:r><w:rPr><w:b/><w:bCs/><w:lang w:val="zh-CN"/></w:rPr>'
                 '<w:fldChar w:fldCharType="end"/></w:r></w:p>')
    d.add('<w:sdt><w:sdtPr><w:id w:val="-1029337497"/><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
          '<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtEndPr><w:rPr><w:b/><w:bCs/></w:rPr></w:sdtEndPr>'
          "<w:sdtContent>" + "".join(paras) + "</w:sdtContent></w:sdt>")
    page_break(d)


def footer_page(d):
    fld = lambda instr, res: ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                              f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
                              '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                              f'<w:r><w:rPr><w:noProof/></w:rPr><w:t>{res}</w:t></w:r>'
                              '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    d.footer = (XML_DECL + f"<w:ftr {DOC_NS}{DOC_IGNORABLE}><w:p>{ppr(style='a4', jc='center')}"
                + run("第 ") + fld("PAGE", "1") + run(" 页 共 ") + fld("NUMPAGES", "9") + run(" 页") +
                "</w:p></w:ftr>")
    d.drop("第 1 页 共 9 页")


def opts(options, chosen, sym=False):
    items = []
    for i, o in enumerate(options):
        if i:
            items.append("     ")
        items.append(o)
        if o == chosen:
            items.append(("sym", "Wingdings 2", "F052", "☑") if sym else "☑")
        else:
            items.append("□")
    # merge adjacent strings into one run each, as Word would
    merged = []
    for it in items:
        if isinstance(it, str) and merged and isinstance(merged[-1], str):
            merged[-1] += it
        else:
            merged.append(it)
    return merged


FORM_NOTES = [
    "*说明：1.根据《统计上大中小微型企业划分办法（2017）》《关于印发中小企业划型标准规定的通知》规定，工业企业大、中、小、微企业划分"
    "标准如下：从业人员1000人及以上，且营业收入40000万元及以上的为大型企业；从业人员300人及以上1000人以下，且营业收入2000万元及"
    "以上40000万元以下的为中型企业；从业人员20人及以上300人以下，且营业收入300万元及以上2000万元以下的为小型企业；从业人员20人以下"
    "或营业收入300万元以下的为微型企业。",
    "2.所属行业请根据《国民经济行业分类与代码（GB/T 4754-2017）》进行选填。",
    "3.申请和授权专利情况、软件著作权登记、主导参与标准制修订及近五年获省市级以上主要荣誉详细情况及印证材料请另附表。",
    "4.近三年发展情况相关数据以公司年度审计报告相关数据为准。",
]
DECLARATION = ("（公司名称需手工填写全称，与公章保持一致）公司在质量、诚信、安全、环保等方面无违法行为和不良记录，对2023年质量标杆"
               "活动所提交的材料的真实性负责。愿意进一步总结提炼实践经验，积极参与质量标杆学习实践交流活动，并为与其他企业分享创造"
               "条件，为提升我市质量管理水平做出贡献。")


def build_form(d, v, company=None, sym=False, annex_label=False):
    """附件2 洛阳市质量标杆申报表 as a Word table with merged cells (not body text: record=False)."""
    if annex_label:
        d.p(["附件2："], ppr(), base='<w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"/>')
    d.p(["洛阳市质量标杆申报表"], ppr(jc="center", spacing={"after": 240}), base=ARTICLE_RPR)
    for s in ("洛阳市质量标杆申报表", "愿意进一步总结提炼实践经验，积极参与质量标杆学习实践交流活动",
              "近三年发展情况相关数据以公司年度审计报告相关数据为准"):
        d.drop(s)

    def L(text, **kw):
        return dict(p=text, b=True, **kw)

    def V(text, **kw):
        return dict(p=[text] if isinstance(text, list) else str(text), b=False, **kw)

    fin = v["finance"]
    std = v["standards"]
    rows = [
        [L("企业名称"), V(company or v["company"], span=6)],
        [L("单位地址"), V(v["address"], span=6)],
        [L("企业性质"), V(opts(NATURES, v["nature"], sym), span=6, jc="left")],
        [L("企业类型*"), V(opts(SCALES, v["scale"], sym), span=6, jc="left")],
        [L("所属行业类别*"), V(v["industry"], span=6)],
        [L("质量管理机构负责人"), L("姓名"), V(v["qh"][0], span=2), L("职务"), V(v["qh"][1], span=2)],
        [L("联系人", vm="restart"), L("姓名"), V(v["contact"][0], span=2), L("职务"), V(v["contact"][1], span=2)],
        [L("", vm="cont"), L("联系电话"), V(v["contact"][2], span=2), L("邮箱"), V(v["contact"][3], span=2)],
        [L("近三年发展情况"), L("2020年", span=2), L("2021年", span=2), L("2022年", span=2)],
        [L("资产总额（万元）")] + [V(fin[y][0], span=2) for y in (2020, 2021, 2022)],
        [L("主营业务收入（万元）")] + [V(fin[y][1], span=2) for y in (2020, 2021, 2022)],
        [L("利润总额（万元）")] + [V(fin[y][2], span=2) for y in (2020, 2021, 2022)],
        [L("申请和授权专利情况*", vm="restart"), L("申请数（件）"), V(v["patents"][0]),
         L("主导、参与标准制修订情况*", span=2, vm="restart"), L(STD_LABELS[0]), V(std[0])],
        [L("", vm="cont"), L("授权数（件）"), V(v["patents"][1]), L("", span=2, vm="cont"), L(STD_LABELS[1]),
         V(std[1])],
        [L("软件著作权登记（件）*", vm="restart"), V(v["software"], span=2, vm="restart"), L("", span=2, vm="cont"),
         L(STD_LABELS[2]), V(std[2])],
        [L("", vm="cont"), V("", span=2, vm="cont"), L("", span=2, vm="cont"), L(STD_LABELS[3]), V(std[3])],
        [L("近五年获省市级以上主要荣誉数（项）*", vm="restart"), V(v["honors"], span=2, vm="restart"),
         L("", span=2, vm="cont"), L(STD_LABELS[4]), V(std[4])],
        [L("", vm="cont"), V("", span=2, vm="cont"), L("", span=2, vm="cont"), L(STD_LABELS[5]), V(std[5])],
        [L("质量标杆名称"), V(v["title"], span=6)],
        [L(["质量标杆", ("br",), "简介"]), V(v["brief"], span=6, jc="both")],
        [dict(p=[[("u", " " * 24), DECLARATION], [], ["企业名称（公章）："], ["法人代表签字："],
                 ["年   月   日"]], span=7, jc="both", b=False)],
        [dict(p=[["县区工业和信息化主管部门推荐意见："], [], [], ["推荐单位公章"], ["年   月   日"]], span=7, jc="left",
              b=False)],
    ]
    # the two label cells hold a list of items; wrap to paragraphs
    for row in rows:
        for c in row:
            if isinstance(c.get("p"), list) and c["p"] and not isinstance(c["p"][0], list):
                c["p"] = [c["p"]]
    d.table(rows, [1800, 1000, 1000, 900, 900, 1700, 1220], record=False, header_rows=0, font_sz=21)
    for n in FORM_NOTES:
        d.p([n], ppr(), base='<w:sz w:val="21"/><w:szCs w:val="21"/>')


# ---------------------------------------------------------------------------------------------
# word-full.docx
# ---------------------------------------------------------------------------------------------

ABSTRACT = [
    ["洛阳示例精密轴承股份有限公司针对精密轴承多品种、小批量、一致性要求高的特点，自2018年起以零缺陷管理为核心，融合六西格玛、"
     "精益生产和数字化质量管理方法，构建了覆盖设计、采购、制造、检验、服务的", ("b", "“全链条零缺陷”精益质量管理模式"), "。"],
    ["公司以“一个目标、五链协同、三大支撑”为总体框架：以“第一次就把事情做对”为目标，设计链推行DFMEA和可靠性设计，供应链实施"
     "分级准入，制造链将40项关键质量特性全部纳入SPC与防错控制，检验链依托5G+MES实现在线检测和“一件一码”追溯，服务链建立8小时"
     "响应的顾客问题闭环机制；以组织、制度和数字化平台为支撑，推动全员参与质量改进。"],
    ["经过多年推进，2020—2022年公司一次交检合格率由97.6%提升至99.35%，综合废品率由1.32%降至0.52%，顾客端不良由260 ppm降至"
     "68 ppm，关键工序过程能力全部达到Cpk≥1.67，顾客满意度达到94.8分，累计降低质量损失2290万元，主要指标优于国内同行先进水平。"
     "该经验的特色在于把零缺陷要求分解到每一项关键质量特性和每一个岗位，用实时数据驱动问题闭环，对离散型装备制造企业具有借鉴意义。"],
]

OVERVIEW_1 = ["洛阳示例精密轴承股份有限公司是一家民营股份制企业，法定代表人周建国。公司前身为1998年创建的洛阳示例轴承厂，2009年完成"
              "股份制改造，2016年迁至现址。公司所属行业为滚动轴承制造，行业代码3451，地处洛阳市涧西区示例路88号，占地面积12.6万m",
              ("sup", "2"), "，建筑面积8.2万m", ("sup", "2"), "。"]
OVERVIEW_2 = ["公司主要从事精密滚动轴承的研发、制造和服务，主要产品有风电主轴轴承、调心滚子轴承、圆锥滚子轴承和机器人用交叉滚子轴承"
              "四大系列，外径80～2500\u00a0mm，配套国内主要风电、工程机械和矿山装备企业。2022年实现营业收入36800万元、利润总额3020万元",
              ("fn", 1), "，近三年营业收入年均增长13.4%。"]
OVERVIEW_3 = ["公司秉持“精于每一转，诚于每一件”的企业文化，使命是“让中国装备转得更稳、更久”，愿景是“成为值得信赖的精密轴承专家”。"
              "公司现有员工860人，其中工程技术人员152人；建有省级企业技术中心，通过ISO 9001、IATF 16949体系认证，拥有合格供应商181家，"
              "近三年未发生质量、安全和环保事故，先后获得河南省“专精特新”中小企业等省市级以上荣誉9项。"]

FOOTNOTE_1 = "数据来源：公司2020—2022年度审计报告。"
FOOTNOTE_2 = "USL、LSL分别为规格上限和下限，μ为过程均值，σ为过程标准差。"
COMMENT_1 = "此处数据请与质量部年报再核对一次。"
TEXTBOX_TEXT = "“第一次就把事情做对、每一次都做对”——全体员工的质量承诺"

TABLE1_ROWS = [
    [{"p": "类别", "vm": "restart"}, {"p": "指标", "vm": "restart"}, {"p": "完成情况", "span": 3}],
    [{"p": "", "vm": "cont"}, {"p": "", "vm": "cont"}, "2020年", "2021年", "2022年"],
    [{"p": "过程质量", "vm": "restart"}, {"p": [["一次交检合格率（%）"], ["（按批次统计）"]]}, "97.60", "98.70", "99.35"],
    [{"p": "", "vm": "cont"}, "综合废品率（%）", "1.32", "0.86", "0.52"],
    [{"p": "", "vm": "cont"}, "关键工序Cpk达标率（%）", "82.5", "93.8", "100"],
    [{"p": "顾客质量", "vm": "restart"}, "顾客端不良（ppm）", "260", "135", "68"],
    [{"p": "", "vm": "cont"}, "顾客满意度（分）", "89.2", "92.4", "94.8"],
]
TABLE2_ROWS = [
    ["投入项目", "2020年", "2021年", "2022年", "合计"],
    ["5G专网及MES、QMS系统", "680", "420", "260", "1360"],
    ["在线检测与防错装置", "310", "560", "520", "1390"],
    ["实验室检测设备", "180", "380", "410", "970"],
    ["质量培训与人才培养", "45", "60", "75", "180"],
    ["质量改进项目奖励", "45", "160", "155", "360"],
    ["合计", "1260", "1580", "1420", "4260"],
]


def chart_xml():
    cats = ["2019年", "2020年", "2021年", "2022年"]
    vals = [86.5, 89.2, 92.4, 94.8]
    sc = "".join(f'<c:pt idx="{i}"><c:v>{c}</c:v></c:pt>' for i, c in enumerate(cats))
    nc = "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>' for i, v in enumerate(vals))
    return (XML_DECL + f'<c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{R_NS}">'
            '<c:date1904 val="0"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/><c:chart>'
            '<c:autoTitleDeleted val="1"/><c:plotArea><c:layout/><c:barChart><c:barDir val="col"/>'
            '<c:grouping val="clustered"/><c:varyColors val="0"/><c:ser><c:idx val="0"/><c:order val="0"/>'
            '<c:tx><c:strRef><c:f>Sheet1!$B$1</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>顾客满意度（分）'
            '</c:v></c:pt></c:strCache></c:strRef></c:tx><c:spPr><a:solidFill><a:srgbClr val="2F5597"/></a:solidFill>'
            '</c:spPr><c:invertIfNegative val="0"/>'
            f'<c:cat><c:strRef><c:f>Sheet1!$A$2:$A$5</c:f><c:strCache><c:ptCount val="4"/>{sc}</c:strCache></c:strRef>'
            f'</c:cat><c:val><c:numRef><c:f>Sheet1!$B$2:$B$5</c:f><c:numCache><c:formatCode>General</c:formatCode>'
            f'<c:ptCount val="4"/>{nc}</c:numCache></c:numRef></c:val></c:ser><c:gapWidth val="150"/>'
            '<c:axId val="508123456"/><c:axId val="508123457"/></c:barChart>'
            '<c:catAx><c:axId val="508123456"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
            '<c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="none"/>'
            '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="508123457"/>'
            '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/>'
            '<c:noMultiLvlLbl val="0"/></c:catAx>'
            '<c:valAx><c:axId val="508123457"/><c:scaling><c:orientation val="minMax"/><c:max val="100"/>'
            '<c:min val="80"/></c:scaling><c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/>'
            '<c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/>'
            '<c:tickLblPos val="nextTo"/><c:crossAx val="508123456"/><c:crosses val="autoZero"/>'
            '<c:crossBetween val="between"/></c:valAx></c:plotArea><c:legend><c:legendPos val="b"/>'
            '<c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
            '</c:chartSpace>')


def chart_run(d, width_cm=12.0, height_cm=7.0):
    d.charts.append(("charts/chart1.xml", chart_xml()))
    rid = d.rel(REL + "/chart", "charts/chart1.xml")
    pid = d.next_docpr()
    cx, cy = int(width_cm * 360000), int(height_cm * 360000)
    return ('<w:r><w:rPr><w:noProof/></w:rPr><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{pid}" name="图表 {pid}"/><wp:cNvGraphicFramePr/>'
            f'<a:graphic xmlns:a="{A_NS}"><a:graphicData uri="{C_NS}">'
            f'<c:chart xmlns:c="{C_NS}" xmlns:r="{R_NS}" r:id="{rid}"/></a:graphicData></a:graphic>'
            "</wp:inline></w:drawing></w:r>")


def textbox_run(d, text):
    """A text box as Word 2010+ writes it: wps:wsp in mc:Choice, VML v:textbox in mc:Fallback."""
    pid = d.next_docpr()
    cx, cy = 4320000, 468000
    inner = (f'<w:p>{ppr(jc="center")}<w:r><w:rPr><w:b/><w:bCs/></w:rPr>{t_el(text)}</w:r></w:p>')
    return ('<w:r><w:rPr><w:noProof/></w:rPr><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
            '<wp:anchor distT="45720" distB="45720" distL="114300" distR="114300" simplePos="0" '
            f'relativeHeight="{251659264 + pid}" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
            '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:align>center</wp:align>'
            '</wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>45720</wp:posOffset></wp:positionV>'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
            f'<wp:docPr id="{pid}" name="文本框 {pid}"/><wp:cNvGraphicFramePr>'
            f'<a:graphicFrameLocks xmlns:a="{A_NS}"/></wp:cNvGraphicFramePr>'
            f'<a:graphic xmlns:a="{A_NS}"><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
            'wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"><a:spLocks noChangeArrowheads="1"/></wps:cNvSpPr>'
            f'<wps:spPr bwMode="auto"><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
            '<a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill><a:miter lim="800000"/><a:headEnd/>'
            f'<a:tailEnd/></a:ln></wps:spPr><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx>'
            '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" tIns="45720" rIns="91440" bIns="45720" '
            'anchor="t" anchorCtr="0"><a:spAutoFit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic>'
            '<wp14:sizeRelH relativeFrom="margin"><wp14:pctWidth>0</wp14:pctWidth></wp14:sizeRelH>'
            '<wp14:sizeRelV relativeFrom="margin"><wp14:pctHeight>0</wp14:pctHeight></wp14:sizeRelV>'
            '</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>'
            '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
            '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
            f'<v:shape id="文本框 {pid}" o:spid="_x0000_s1026" type="#_x0000_t202" style="position:absolute;'
            'left:0;text-align:left;margin-left:0;margin-top:3.6pt;width:340.15pt;height:36.85pt;z-index:251659264;'
            'visibility:visible;mso-wrap-style:square;mso-width-percent:0;mso-height-percent:0;'
            'mso-wrap-distance-left:9pt;mso-wrap-distance-top:3.6pt;mso-wrap-distance-right:9pt;'
            'mso-wrap-distance-bottom:3.6pt;mso-position-horizontal:center;mso-position-horizontal-relative:text;'
            'mso-position-vertical:absolute;mso-position-vertical-relative:text;mso-width-relative:margin;'
            'mso-height-relative:margin;v-text-anchor:top">'
            f'<v:textbox style="mso-fit-shape-to-text:t"><w:txbxContent>{inner}</w:txbxContent></v:textbox>'
            '<w10:wrap type="topAndBottom"/></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def build_word_full(path):
    d = Docx()
    d.numbering = numbering_word()
    v = LY
    d.exp["fields"] = {"profile": v["profile"], "benchmark.title": v["title"], "company.name": v["company"],
                       "contact.name": v["contact"][0], "contact.phone": v["contact"][2], "date": v["date"]}
    d.exp["fields"].update(form_fields(v))
    footer_page(d)
    cover_word(d, v)
    toc_word(d, [("一、企业概况", 2, "_Toc129000001"),
                 ("二、管理方法（技术）的推进实施与运行", 3, "_Toc129000002"),
                 ("三、管理方法(技术)的实施效果", 8, "_Toc129000003")])

    # article title and abstract
    d.p([v["title"]], ppr(jc="center", spacing={"after": 240}), base=ARTICLE_RPR)
    d.keep(v["title"])
    d.p(["摘要"], ppr(jc="center"), base='<w:b/><w:bCs/><w:sz w:val="28"/><w:szCs w:val="28"/>')
    d.part = "abstract"
    d.exp["parts"]["abstract"] = []
    for items in ABSTRACT:
        d.para(items)

    # 一、企业概况
    d.part_heading("一、企业概况", "overview", bookmark="_Toc129000001")
    d.para(OVERVIEW_1)                       # w:ind firstLineChars=200
    d.footnote(1, FOOTNOTE_1)
    d.para(OVERVIEW_2, ind="fullwidth")     # typed indent: two full-width spaces
    sdtpr = ('<w:sdtPr><w:alias w:val="企业文化"/><w:tag w:val="culture"/><w:id w:val="1183549877"/></w:sdtPr>')
    xml, segs, plain = d.render([("tab",)] + OVERVIEW_3)   # typed indent: a Tab; inside a content control
    d.add(f"<w:sdt>{sdtpr}<w:sdtContent><w:p>{xml}</w:p></w:sdtContent></w:sdt>")
    d.record(segs, plain)

    # 二、推进实施与运行
    d.part_heading("二、管理方法（技术）的推进实施与运行", "implementation", bookmark="_Toc129000002")
    d.heading("实施背景与总体思路", 2, how="custom")            # （一） from numbering.xml
    d.heading("实施背景", 3, typed="1.", how="bold")
    d.para(["轴承是装备制造业的核心基础零部件，其精度、寿命和可靠性直接决定主机的运行质量。公司产品以中大型精密轴承为主，具有品种多、"
            "批量小、工艺链长、质量一致性要求高的特点。2017年以前，公司质量管理主要依靠末端检验把关，", ("cs", 5),
            "2017年顾客端不良达到480 ppm，质量损失率为3.1%", ("ce", 5), "，关键工序过程能力指数Cpk普遍在1.0～1.2之间，"
            "质量数据分散在纸质记录和单机设备中，问题追溯一次平均需要2～3天。"])
    # comment id 5 (Word keeps the ids of deleted comments): LibreOffice 7.4 mixes up footnotes when a comment
    # id equals a footnote id (0 = the continuation separator, 1, 2), so a small id would break libreoffice.docx
    d.comment(5, COMMENT_1)
    d.para(["与此同时，风电、工业机器人等下游行业快速发展，主机企业对轴承供应商提出了“零公里故障”“批次质量可追溯到单件”等更高"
            "要求。公司认识到，必须从“事后把关”转向“事前预防”，从“局部改进”转向“全链条管控”。"])
    d.heading("总体思路", 3, typed="2.", how="bold")
    d.para(["2018年，公司结合多品种、小批量离散制造的实际，提出并实施“全链条零缺陷”精益质量管理模式，总体框架概括为“一个目标、五链"
            "协同、三大支撑”："])
    lp = {"style": "ad"}
    d.para([("b", "一个目标："), "以“第一次就把事情做对、每一次都做对”为核心目标，追求产品实物质量和工作质量的零缺陷。"],
           ind=None, num=(2, 0), **lp)
    d.para([("b", "五链协同："), "把零缺陷要求贯穿设计链、供应链、制造链、检验链和服务链，各环节以关键质量特性为纽带前后衔接，其中："],
           ind=None, num=(2, 0), **lp)
    d.para(["设计链和供应链侧重源头预防；"], ind=None, num=(2, 1), **lp)
    d.para(["制造链和检验链侧重过程受控；"], ind=None, num=(2, 1), **lp)
    d.para(["服务链侧重顾客问题快速闭环。"], ind=None, num=(2, 1), **lp)
    d.para([("b", "三大支撑："), "以三级推进组织、制度标准体系和5G+MES数字化质量平台分别作为组织、管理和技术支撑。"],
           ind=None, num=(2, 0), **lp)
    tb_text = TEXTBOX_TEXT
    segs, plain = d.p(["公司把这一质量承诺印制在每个车间的质量看板上，时刻提醒每一名员工。", ("xml", textbox_run(d, tb_text))],
                      ppr(ind=BODY_IND))
    d.record(segs, plain)
    d.record([tb_text], tb_text)

    d.heading("组织保障与目标管理", 2, how="custom")
    d.heading("构建三级推进组织", 3, typed="1.", how="style")
    d.para(["公司成立由总经理任主任、副总经理兼质量总监任常务副主任的质量管理委员会，下设零缺陷推进办公室和六个专业推进组；各车间、"
            "班组成立自主管理小组和QC小组，形成“决策层—推进层—执行层”三级推进组织，如图1所示。"])
    d.figure(os.path.join(IMG, "org-chart.png"), "image1.png", 14.0, "质量管理组织架构图", 1, how="simple")
    d.heading("建立分层目标体系", 3, typed="2.", how="style")
    d.para(["公司按照“年度有目标、月度有分解、日常有监控”的要求，将公司级质量目标逐级分解为车间、班组和岗位目标，形成“公司—车间—"
            "班组—岗位”四级目标体系。2020—2022年主要质量指标完成情况见",
            ("fld", "REF _Ref129000001 \\h", "表1", "keep"), "。"])
    d.caption("表", "2020—2022年主要质量指标", 1, how="bookmarked")
    d.table(TABLE1_ROWS, [1500, 2606, 1400, 1400, 1400], caption="2020—2022年主要质量指标", header_rows=2)
    d.heading("落实全员质量责任", 3, typed="3.", how="style")
    d.para(["公司修订了覆盖全部286个岗位的质量职责说明书",
            ("ins", "，由总经理与各部门负责人、部门负责人与班组长、班组长与员工逐级签订质量责任书"),
            "，做到“人人头上有指标、个个肩上有责任”", ("del", "，并计划于2019年底前全部完成签订工作"),
            "。同时建立员工质量积分制度，将自检合格率、质量问题发现、合理化建议和QC成果折算为积分，与月度绩效和评优直接挂钩。"
            "2022年员工人均提出质量改进建议4.6条，采纳率达到62%。"])

    d.heading("制度建设与人才培养", 2, how="custom")
    d.heading("完善制度体系", 3, typed="1.", how="bold")
    d.para(["公司以IATF 16949体系为基础，将零缺陷理念融入体系文件，形成“质量手册—程序文件—作业指导书—记录表单”四个层次、共计186份"
            "文件的制度体系。2020—2022年质量相关资源投入情况见表2。"])
    d.caption("表", "2020—2022年质量相关资源投入情况（万元）", 2, how="plain", typed="表 2：")
    d.table(TABLE2_ROWS, [2906, 1350, 1350, 1350, 1350], caption="2020—2022年质量相关资源投入情况（万元）")
    d.heading("培养质量人才", 3, typed="2.", how="bold")
    d.para(["公司建立“全员普及、骨干提升、专家引领”的三级质量培训体系，主要做法如下："])
    d.para([("b", "全员普及。"), "每年开展零缺陷理念和质量工具培训，新员工岗前质量培训不少于16学时。"], ind=None, num=(1, 0), **lp)
    d.para([("b", "骨干提升。"), "与高校和专业机构合作培养六西格玛黑带和绿带，目前已有黑带12人、绿带86人。"],
           ind=None, num=(1, 0), **lp)
    d.para([("b", "专家引领。"), "评选“质量工匠”和首席检验师，由其带徒传艺，2020—2022年累计开展各类质量培训268场次。"],
           ind=None, num=(1, 0), **lp)
    # the ambiguous one: a list item whose text itself begins "1、" (lines No. 1 and 2), not a heading
    d.para(["1、2号磨削线作为首批培训试点班组，员工质量知识考试平均成绩由72分提高到89分。"], ind=None, num=(1, 0), **lp)

    d.heading("“全链条零缺陷”的实施过程与要点", 2, how="custom")
    d.para(["公司以PDCA循环为基本方法，对五条链分别开展“识别需求—预防策划—过程控制—检查评价—改进固化”的闭环管理，形成大环套小环、"
            "逐级上升的运行模式，如图2所示。"])
    d.figure(img_bytes("pdca-model.png"), "image2.png", 12.0, "“全链条零缺陷”PDCA运行模型", 2, how="simple",
             svg=PDCA_SVG.encode("utf-8"))
    d.heading("设计链：从源头预防缺陷", 3, typed="1.", how="bold")
    d.heading("推行DFMEA与可靠性设计", 4, typed="（1）", how="outline")
    d.para(["公司在新产品开发中全面推行DFMEA和PFMEA，由设计、工艺、质量、采购和一线操作人员组成跨职能小组，对每一个零件、每一道工序的"
            "潜在失效模式逐项分析；对风电主轴轴承等高可靠性产品开展载荷谱分析、滚道修形设计和台架寿命试验，确保设计寿命满足20年要求。"])
    d.heading("实施设计评审分级把关", 4, typed="（2）", how="outline")
    d.para(["公司将新产品开发划分为概念、设计、样件、小批和量产五个阶段，在每个阶段设置质量评审关口。2020—2022年共开展设计评审312次，"
            "在设计阶段识别并消除潜在问题486项，新产品量产初期一次交检合格率由93.5%提高到98.2%。"])
    d.heading("制造链：关键质量特性精准受控", 3, typed="2.", how="bold")
    d.heading("识别关键质量特性", 4, typed="⑴", how="bold")
    d.para(["公司按照“影响功能、影响寿命、影响安全、顾客特别关注”四条原则，识别出40项关键质量特性，形成",
            ("bms", "KeyCharacteristics"), "关键质量特性控制清单", ("bme", "KeyCharacteristics"),
            "，逐项明确控制要求、控制方法和检验频次，例如车削工序套圈宽度控制在", ("sym", "Symbol", "F0B1", "±"),
            "0.05\u00a0mm以内。该清单于",
            ("smart", "2019年6月1日", [("Year", "2019"), ("Month", "6"), ("Day", "1"), ("IsLunarDate", "False"),
                                      ("IsROCDate", "False")]),
            "正式发布，纳入控制计划并在MES中与工艺路线绑定。"])
    d.heading("实施SPC实时监控", 4, typed="⑵", how="bold")
    d.footnote(2, FOOTNOTE_2)
    d.para(["对可计量的28项关键质量特性，系统自动绘制均值—极差控制图，并按", ("math", "Cpk|=min(USL−μ,μ−LSL)/3σ"),
            "计算过程能力指数", ("fn", 2), "。出现判异情形时，系统立即推送报警，操作者必须停机确认并填写异常处置记录。"
            "2022年关键工序Cpk全部达到1.67以上，其中外径磨削工序由2019年的1.12提高到1.83。"])
    d.heading("检验链：5G+MES数字化检验与追溯", 3, typed="3.", how="bold")
    d.para(["2020年，公司与通信运营商合作建成覆盖全部生产车间的5G专网，集成MES、QMS和实验室信息管理系统，构建数字化质量平台。"
            "平台目前接入各类检测设备326台，日均采集质量数据120余万条。"])
    d.figure(os.path.join(IMG, "workshop.jpg"), "image3.jpeg", 8.0, "5G全连接数字化车间在线检测工位", 3, how="simple",
             anchor=True)
    d.para(["公司为每一套轴承赋予唯一的二维码身份标识，从钢材炉批号到出厂报告全部自动关联。顾客登录",
            ("link", "公司产品质量追溯平台", "https://www.example.com"),
            "扫描产品二维码即可查询主要质量数据，公司内部追溯时间由过去的2～3天缩短到10分钟以内。"])

    # 三、实施效果 (half-width brackets in the heading, as typed)
    d.part_heading("三、管理方法(技术)的实施效果", "effects", bookmark="_Toc129000003")
    d.heading("质量绩效显著提升", 2, typed="（一）", how="style")
    d.para(["通过持续推行“全链条零缺陷”精益质量管理模式，公司主要质量指标逐年向好，2020—2022年连续三年全面完成质量目标，"
            "2019—2022年顾客满意度变化如图4所示。"])
    d.p([("xml", chart_run(d))], ppr(keepNext=True, jc="center"))
    d.exp["figures"].append({"caption": "2019—2022年顾客满意度变化", "format": None, "kind": "chart",
                             "kept": False, "part": "effects",
                             "note": "a DrawingML chart with no picture: the import cannot keep it and must report it; "
                                     "its caption is kept"})
    d.caption("图", "2019—2022年顾客满意度变化", 4, how="simple")
    d.para(["与2019年相比，2022年一次交检合格率提高3.15个百分点，综合废品率下降71.9%，顾客端不良下降83.8%，质量损失率下降1.75个"
            "百分点。"])
    d.heading("经济效益", 2, typed="（二）", how="style")
    d.para(["2020—2022年，公司营业收入由28600万元增长到36800万元，利润总额由1850万元增长到3020万元；因废品减少、返工返修减少和索赔"
            "降低，累计降低质量损失2290万元，其中2020年480万元、2021年760万元、2022年1050万元。"])
    d.heading("管理效益和社会效益", 2, typed="（三）", how="style")
    d.para(["公司于2021年通过IATF 16949体系认证，40项关键质量特性全部受控。在绿色发展方面，2022年单位产值综合能耗较2019年下降14.2%，"
            "年减少CO", ("sub", "2"), "排放约3600吨", ("supcjk", "注"), "，节约轴承钢约1100吨。"])
    d.para(["注：减排量按区域电网平均排放因子测算。"])
    d.heading("与同行对标情况", 2, typed="（四）", how="style")
    d.para(["对标结果表明，公司主要质量指标已优于国内同行先进水平，与国际标杆企业的差距明显缩小。", ("br",),
            "下一步，公司将以国际标杆为目标，深化人工智能质量预测和产品全生命周期可靠性管理，持续推动“全链条零缺陷”模式向更高水平发展。"])
    d.exp["md_contains"] = ["m^2^", "CO~2~"]

    # 附件2 申报表
    d.part = None
    page_break(d)
    build_form(d, v)
    d.p([], "")

    fonts = ["华文中宋", "Symbol", "Wingdings", "Courier New", "Cambria Math"]
    d.package(path, styles_word(), sect_a4(title_pg=True), fonts=fonts)
    d.exp["notes"] = [
        "headings: level 2 = ##, 3 = ###, 4 = ####; text without the number (typed or automatic).",
        "must_keep: maximal runs of uniformly formatted text (split at bold, super/subscript, links, equations, "
        "footnote references, soft line breaks), compared whitespace-insensitively; a superscript CJK character "
        "(注) has no dialect markup and is expected as plain text inside its run.",
        "The heading with w:outlineLvl is written with w:val=\"3\" (Word's Level 4, consistent with its typed （1）).",
        "tables.rows: cells flattened onto the grid; a cell covered by a gridSpan/vMerge is \"\"; merges lists "
        "the spans (an import that repeats the value into covered cells is also defensible); a cell with two "
        "paragraphs is joined with \\n.",
        "figures: the chart (图4) has no picture and cannot be kept (report it); its caption is kept. The PDCA "
        "figure is a PNG with an SVG alternative (asvg:svgBlip); either is acceptable.",
        "dropped also lists form boilerplate (title, declaration, note): the form becomes fields, not body text.",
        "footnotes: texts of the two footnotes (where they go is the import's choice; they are not in must_keep).",
    ]
    return d


# ---------------------------------------------------------------------------------------------
# form.docx — the 申报表 alone, as a second input; the company name lacks 股份
# ---------------------------------------------------------------------------------------------


def build_form_only(path):
    d = Docx()
    company = "洛阳示例精密轴承有限公司"
    build_form(d, LY, company=company, sym=True, annex_label=True)
    d.p([], "")
    d.package(path, styles_word(custom_heading=False), sect_a4(), fonts=["Wingdings 2"])
    f = {"profile": LY["profile"]}
    f.update(form_fields(LY, company=company))
    d.exp["fields"] = f
    d.exp["disagrees_with"] = {"word-full.docx": {"company.name": [LY["company"], company]},
                               "libreoffice.docx": {"company.name": [LY["company"], company]}}
    d.exp["notes"] = [
        "The 申报表 alone, meant as the second file on the command line next to word-full.docx: its 企业名称 "
        "lacks 股份 (洛阳示例精密轴承有限公司), so the import must report the disagreement with the cover/article; "
        "its 质量标杆名称 still starts with the full name (V1 then fails against this company name).",
        "Checked boxes are w:sym Wingdings 2 F052 (☑) next to plain-text □, as writers tick them in Word.",
        "profile: from the form's title 洛阳市质量标杆申报表.",
        "No body text: parts, headings, tables, figures and must_keep are empty.",
    ]
    return d


# ---------------------------------------------------------------------------------------------
# wps-style.docx — what a WPS writer hands in (henan-2023 cover)
# ---------------------------------------------------------------------------------------------

HN = {
    "profile": "henan-2023",
    "title": "河南示例铝业股份有限公司基于“三全一优”的电池铝箔质量管控经验",
    "company": "河南示例铝业股份有限公司",
    "contact": ("李明", "13698765432"),
    "date": "2023-03-20",
    "date_text": "2023年03月20日",
}


def build_wps(path):
    d = Docx(flavor="wps")
    v = HN
    d.exp["fields"] = {"profile": v["profile"], "benchmark.title": v["title"], "company.name": v["company"],
                       "contact.name": v["contact"][0], "contact.phone": v["contact"][1], "date": v["date"]}
    wps_title = ('<w:rFonts w:ascii="华文中宋" w:eastAsia="华文中宋" w:hAnsi="华文中宋" w:hint="eastAsia"/>'
                 '<w:sz w:val="72"/><w:szCs w:val="72"/>')
    empty_p(d, 4)
    d.p(["2023年河南省质量标杆"], ppr(jc="center"), base=wps_title)
    d.p(["申报材料"], ppr(jc="center"), base=wps_title)
    empty_p(d, 8)
    fp = ppr(spacing={"line": 800, "lineRule": "exact"}, ind={"firstLineChars": 0})
    d.p(["标杆名称：", ("u", "  "), ("u", v["title"]), ("u", "    ")], fp, base=FIELD_RPR)
    d.p(["申报单位：", ("u", "      " + v["company"] + "      ")], fp, base=FIELD_RPR)
    d.p(["联 系 人：", ("u", "      " + v["contact"][0] + "                ")], fp, base=FIELD_RPR)
    d.p(["联系方式：", ("u", "      " + v["contact"][1] + "          ")], fp, base=FIELD_RPR)
    d.p(["申报日期：", ("u", "      " + v["date_text"] + "          ")], fp, base=FIELD_RPR)
    page_break(d)
    d.p([v["title"]], ppr(jc="center"), base=ARTICLE_RPR)
    d.keep(v["title"])
    d.p([("b", "摘  要")], ppr(jc="center"), base='<w:sz w:val="28"/><w:szCs w:val="28"/>')
    d.part = "abstract"
    d.exp["parts"]["abstract"] = []
    P = lambda text: d.para([text], ind="fullwidth")
    B = lambda typed, text, level, fw=False: d.heading(text, level, typed=("　　" if fw else "") + typed, how="bold")
    P("河南示例铝业股份有限公司围绕新能源电池铝箔厚度薄、洁净度高、一致性要求严的特点，自2019年起推行以“全员参与、全过程控制、"
      "全数据驱动、优质交付”为核心的“三全一优”质量管控模式，建立覆盖熔铸、冷轧、箔轧、分切、检测五大工序的关键参数控制体系。")
    P("2020—2022年，公司电池铝箔成品率由78.5%提高到86.2%，针孔缺陷由每平方米3.2个降至0.6个，厚度偏差控制在±2%以内，顾客投诉"
      "下降72%，累计创造经济效益3650万元。该经验获评河南省质量管理小组活动优秀成果，对有色金属精深加工企业具有借鉴意义。")
    d.part_heading("一、企业概况", "overview")
    P("河南示例铝业股份有限公司成立于2006年，2015年完成股份制改造，是一家民营股份制企业，法定代表人刘志强。公司所属行业为铝压延"
      "加工，行业代码3252，位于河南省焦作市示例区工业路18号，占地面积28万平方米。")
    P("公司主要产品为电池铝箔、铝板带和包装铝箔，年产能12万吨，产品配套国内多家动力电池企业。2022年实现营业收入18.6亿元、利润总额"
      "1.12亿元。公司现有员工1260人，建有省级工程技术研究中心，通过ISO 9001、IATF 16949体系认证，先后获得河南省制造业单项冠军"
      "企业、河南省绿色工厂等荣誉。")
    d.part_heading("二、管理方法（技术）的推进实施与运行", "implementation")
    B("（一）", "实施背景", 2, fw=True)
    P("电池铝箔是动力电池正极集流体的关键材料，厚度仅为10～15微米，对针孔、板形和表面洁净度要求极高。2019年以前，公司质量管控"
      "主要依靠成品检验，箔轧工序断带率高、针孔缺陷波动大，成品率长期徘徊在80%以下，难以满足动力电池企业对一致性的要求。")
    B("（二）", "主要做法", 2, fw=True)
    B("1.", "全员参与，压实质量责任", 3)
    P("公司成立由总经理任组长的质量管控领导小组，将质量目标分解到车间、机台和岗位，推行机台长质量负责制，每月开展质量之星评选。")
    B("（1）", "建立质量积分制度", 4)
    P("员工的自检记录、异常上报和改善提案折算为质量积分，与绩效工资挂钩，2022年员工提出改善提案2860条。")
    B("（2）", "开展质量技能比武", 4)
    P("每年组织箔轧、分切等关键岗位技能比武，评选首席操作师18名，以师带徒方式传授操作经验。")
    B("2.", "全过程控制，锁定关键参数", 3)
    P("公司梳理出熔铸氢含量、冷轧板形、箔轧油温等32项关键工艺参数，全部纳入在线监控，参数超限时自动报警并锁定设备。主要措施有：")
    # typed numbers that are NOT headings: ordinary weight, long, full sentences
    P("（1）熔铸工序采用在线除气和双级过滤，铝液氢含量稳定控制在每百克0.10毫升以下。")
    P("（2）箔轧工序引进板形闭环控制系统，厚度偏差由±4%收窄到±2%以内。")
    B("3.", "全数据驱动，实现精准改进", 3)
    P("公司建成质量大数据平台，采集设备、工艺和检测数据，运用六西格玛方法开展针孔缺陷攻关，主要改进项目见表1。")
    cap = "2020—2022年主要质量改进项目"
    d.caption("表", cap, 1, how="plain", typed="表1  ")
    d.table([["项目名称", "改进前", "改进后"],
             ["降低箔材针孔缺陷", "每平方米3.2个", "每平方米0.6个"],
             ["降低箔轧断带率", "1.8%", "0.5%"],
             ["提高分切一次合格率", "93.5%", "98.6%"]], [3706, 2300, 2300], caption=cap, style=False, borders=True)
    P("公司按照PDCA循环持续改进，运行模型如图1所示。")
    d.figure(img_bytes("pdca-model.png", width=1100), "image1.png", 10.0, "“三全一优”质量管控PDCA运行模型", 1,
             how="plain")
    B("（三）", "特色亮点", 2, fw=True)
    P("一是把质量责任落实到每一个机台；二是把关键参数控制落实到每一道工序；三是用数据驱动持续改进。")
    d.part_heading("三、管理方法（技术）的实施效果", "effects", how="bold")
    B("（一）", "质量效益", 2, fw=True)
    P("2020—2022年，公司电池铝箔成品率由78.5%提高到86.2%，针孔缺陷由每平方米3.2个降至0.6个，顾客投诉下降72%。")
    B("（二）", "经济效益", 2, fw=True)
    P("成品率提升和废品减少累计创造经济效益3650万元，电池铝箔销量年均增长31%。")
    B("（三）", "社会效益", 2, fw=True)
    P("公司产品助力下游动力电池企业提高电芯一致性，并带动上游12家供应商提升质量管理水平。")
    d.p([], "")
    custom = (XML_DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
              'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer">'
              '<vt:lpwstr>2052-11.1.0.12763</vt:lpwstr></property>'
              '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="ICV">'
              '<vt:lpwstr>8A4E2C1B6D3F4E5A9B7C0D1E2F3A4B5C</vt:lpwstr></property></Properties>')
    d.package(path, styles_word(zh_names=True, custom_heading=False, east="宋体"), sect_a4(), fonts=["华文中宋"],
              app="WPS Office_11.1.0.12763_F1E327BC-269C-435d-A152-05C5408002CA", custom=custom)
    d.exp["notes"] = [
        "WPS habits: headings are bold paragraphs with typed numbers (一、 / （一） / 1. / （1）), the first two part "
        "headings carry a style whose w:name is the Chinese \"标题 1\" (styleId 1), the third part heading is only bold; "
        "some （一） headings begin with two full-width spaces; body paragraphs are indented with 　　.",
        "The paragraphs （1）熔铸工序… and （2）箔轧工序… are ordinary text (not bold, long sentences): NOT headings; "
        "their typed （1）（2） are text and are kept.",
        "Cover: henan-2023 title lines, values in underlined runs padded with underlined spaces; 摘  要 with spaces; "
        "date typed 2023年03月20日.",
        "No 申报表 in this file: address and the other form fields are absent (the address in the overview text "
        "is 河南省焦作市…).",
    ]
    return d


# ---------------------------------------------------------------------------------------------
# plain.docx — python-docx, nothing but Normal paragraphs, one table, one picture
# ---------------------------------------------------------------------------------------------

PLAIN_PARAS = [
    "公司把供应商视为质量链条的延伸，按照“准入严、过程管、数据通、奖罚明”的思路实施供应链零缺陷管理。",
    "对轴承钢、锻件、保持架和密封件等主要物料供应商实行分级管理，每季度从质量、交付、成本、服务和技术五个维度进行评价，评价结果与"
    "采购份额挂钩。",
    "公司向A类供应商开放QMS供应商门户，供应商在发货前上传炉批号、化学成分、硬度和尺寸检测数据，系统自动比对控制要求。",
    "同时派驻供应商质量工程师，帮助重点锻件供应商导入SPC和防错装置。2022年来料批次合格率达到99.6%，较2019年提高1.8个百分点。",
    "供应商分级管理要求如下表所示。",
    "2020年，公司与通信运营商合作建成覆盖全部生产车间的5G专网，在此基础上集成MES、QMS和实验室信息管理系统，构建数字化质量平台。",
    "平台实现了检验方式由人工抽检向在线全检转变，质量数据由纸质记录向自动采集转变，质量追溯由逐级查找向一键查询转变。",
    "公司将顾客的声音作为质量改进的起点，建立“8小时响应、24小时到达现场、72小时提交临时措施、15天关闭8D报告”的快速响应机制。",
    "2019—2022年顾客满意度与顾客端不良的变化情况见下图。",
    "对风电等重点顾客，派驻技术服务工程师参与主机装配和运行监测，主动收集轴承温升、振动等运行数据，提前发现潜在问题。",
    "顾客反馈的每一项问题都回溯到对应的关键质量特性和控制计划，修订相关FMEA，防止同类问题重复发生。",
    "2022年顾客投诉平均处理周期由2019年的18天缩短到6天，顾客满意度达到94.8分。",
]
PLAIN_TABLE = [
    ["等级", "评价得分", "管理要求", "2022年家数"],
    ["A类", "90分及以上", "实行免检或减量检验，共享SPC数据", "42"],
    ["B类", "75～89分", "正常检验，每半年开展一次过程审核", "118"],
    ["C类", "60～74分", "加严检验，限期3个月整改", "21"],
    ["D类", "60分以下", "停止采购，退出合格供应商名录", "5"],
]


def build_plain(path):
    import datetime
    import docx
    from docx.shared import Cm
    from docx.oxml.ns import qn
    from docx.oxml import OxmlElement
    assert docx.__version__ == PYTHON_DOCX_VERSION, f"python-docx {PYTHON_DOCX_VERSION} expected, have {docx.__version__}"
    doc = docx.Document()
    cp = doc.core_properties
    fixed = datetime.datetime(2023, 3, 1, 0, 0, 0)
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.created = fixed
    cp.modified = fixed
    cp.revision = 1
    cp.title = ""
    cp.comments = ""
    exp = {"fields": {}, "parts": {}, "headings": [], "tables": [], "figures": [], "footnotes": [], "dropped": [],
           "must_keep": [], "md_contains": []}
    for i, text in enumerate(PLAIN_PARAS):
        doc.add_paragraph(text)
        exp["must_keep"].append(text)
        if i == 4:
            t = doc.add_table(rows=len(PLAIN_TABLE), cols=4)
            borders = OxmlElement("w:tblBorders")
            for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
                el = OxmlElement(f"w:{edge}")
                el.set(qn("w:val"), "single")
                el.set(qn("w:sz"), "4")
                el.set(qn("w:space"), "0")
                el.set(qn("w:color"), "auto")
                borders.append(el)
            t._tbl.tblPr.append(borders)
            for r, row in enumerate(PLAIN_TABLE):
                for c, text2 in enumerate(row):
                    t.cell(r, c).text = text2
                    if text2 not in exp["must_keep"]:
                        exp["must_keep"].append(text2)
            exp["tables"].append({"caption": None, "rows": PLAIN_TABLE})
        if i == 8:
            doc.add_picture(io.BytesIO(img_bytes("satisfaction.png", width=1400)), width=Cm(14))
            exp["figures"].append({"caption": None, "format": "png", "width_cm": 14.0})
    buf = io.BytesIO()
    doc.save(buf)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    normalize_zip(path)
    exp["notes"] = [
        "Worst case: no cover, no 摘要, no part headings, no styles but Normal. The import finds no fields and no "
        "parts and must say so; all the text must survive (where it puts it is the import's choice, so parts is "
        "left empty here); the table and the picture have no caption (report them).",
    ]
    return exp


# ---------------------------------------------------------------------------------------------
# large.docx — the whole example material (and more pictures) for the speed benchmark
# ---------------------------------------------------------------------------------------------

INLINE_RE = re.compile(r"\*\*(.+?)\*\*|\^([^\^\s]+)\^|~([^~\s]+)~")


def md_inline(text):
    items, pos = [], 0
    for m in INLINE_RE.finditer(text):
        if m.start() > pos:
            items.append(text[pos:m.start()])
        if m.group(1):
            items.append(("b", m.group(1)))
        elif m.group(2):
            items.append(("sup", m.group(2)))
        else:
            items.append(("sub", m.group(3)))
        pos = m.end()
    if pos < len(text):
        items.append(text[pos:])
    return items


def md_cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def md_to_docx(d, md, counters):
    """Headings ##..#### as Heading 2..4 styles (numbers come from nowhere: none typed), lists as numbering,
    GFM tables with a caption above, figures with a caption below."""
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", md) if b.strip()]
    pending_caption = None
    for b in blocks:
        lines = b.split("\n")
        first = lines[0]
        m = re.match(r"^(#{2,4}) (.*)$", first)
        if m:
            d.heading(m.group(2).strip(), len(m.group(1)), how="style")
            continue
        if first.startswith("表："):
            pending_caption = first[2:].strip()
            continue
        if first.startswith("|"):
            rows = [md_cells(l) for l in lines if not re.match(r"^\|\s*-", l)]
            counters["表"] += 1
            d.caption("表", pending_caption, counters["表"], how="style")
            ncol = len(rows[0])
            first_w = 8306 - 1300 * (ncol - 1) if ncol <= 5 else 8306 // ncol
            widths = [first_w] + [1300] * (ncol - 1) if ncol <= 5 else [8306 // ncol] * ncol
            d.table([[[md_inline(c)] for c in r] for r in rows], widths, caption=pending_caption, font_sz=21)
            pending_caption = None
            continue
        m = re.match(r'^!\[(.*)\]\(\.\./img/([^ )]+)(?: "width=(\d+)%")?\)$', first)
        if m:
            cap, name, pct = m.group(1), m.group(2), int(m.group(3) or 100)
            counters["图"] += 1
            ext = "jpeg" if name.endswith(".jpg") else "png"
            d.figure(os.path.join(IMG, name), f"image{counters['图']}.{ext}", round(14.64 * pct / 100, 2), cap,
                     counters["图"], how="simple")
            continue
        if first.startswith("- ") or re.match(r"^\d+\. ", first):
            for l in lines:
                if l.startswith("- "):
                    d.para(md_inline(l[2:]), ind=None, num=(2, 0), style="ad")
                else:
                    d.para(md_inline(re.sub(r"^\d+\. ", "", l)), ind=None, num=(1, 0), style="ad")
            continue
        d.para(md_inline(" ".join(lines)))


LARGE_CASES = [
    ("降低风电主轴轴承外圈磨削烧伤率", "0.82%", "运用试验设计优化砂轮修整与进给参数", "0.06%", "磨削车间黑带团队"),
    ("提高圆锥轴承配套高度一次合格率", "95.1%", "建立配套高度补偿模型", "99.4%", "装配车间绿带团队"),
    ("降低调心滚子轴承振动超差率", "1.60%", "优化超精研工艺和清洁度控制", "0.30%", "技术中心黑带团队"),
    ("减小大型套圈热处理变形", "超差率3.2%", "采用压模淬火和分区冷却", "超差率0.7%", "热处理车间黑带团队"),
    ("降低保持架兜孔尺寸不良", "2100 ppm", "导入机器视觉在线全检", "180 ppm", "保持架分厂绿带团队"),
    ("缩短顾客投诉处理周期", "18天", "推行8D线上化和问题分级响应", "6天", "质量管理部绿带团队"),
]


def build_large(path):
    d = Docx()
    d.numbering = numbering_word(with_heading=False)
    v = LY
    d.exp["fields"] = {"profile": v["profile"], "benchmark.title": v["title"], "company.name": v["company"],
                       "contact.name": v["contact"][0], "contact.phone": v["contact"][2], "date": v["date"]}
    footer_page(d)
    cover_word(d, v)
    d.p([v["title"]], ppr(jc="center", spacing={"after": 240}), base=ARTICLE_RPR)
    d.keep(v["title"])
    d.p(["摘要"], ppr(jc="center"), base='<w:b/><w:bCs/><w:sz w:val="28"/><w:szCs w:val="28"/>')
    d.part = "abstract"
    d.exp["parts"]["abstract"] = []
    for items in ABSTRACT:
        d.para(items)
    d.part_heading("一、企业概况", "overview")
    d.footnote(1, FOOTNOTE_1)
    for items in (OVERVIEW_1, OVERVIEW_2, OVERVIEW_3):
        d.para(items)
    counters = {"表": 0, "图": 0}
    d.part_heading("二、管理方法（技术）的推进实施与运行", "implementation")
    md_to_docx(d, open(os.path.join(EXAMPLE, "parts", "implementation.md"), encoding="utf-8").read(), counters)
    d.part_heading("三、管理方法（技术）的实施效果", "effects")
    md_to_docx(d, open(os.path.join(EXAMPLE, "parts", "effects.md"), encoding="utf-8").read(), counters)
    # typical improvement cases (more text, so that the file is well over 20 pages)
    d.heading("典型改进案例", 2, how="style")
    for name, before, measure, after, owner in LARGE_CASES:
        d.heading(name, 3, how="style")
        d.para([("b", "项目背景。"), f"该项目由{owner}牵头，针对“{name}”这一制约质量提升的突出问题立项。立项前，该指标为{before}，"
                "在质量损失统计和顾客反馈中均排在前列，对交付周期和顾客满意度造成了较大影响，推进办公室将其列为年度重点攻关课题。"])
        d.para([("b", "原因分析。"), "项目团队按照DMAIC方法，首先用过程流程图和因果矩阵梳理出人、机、料、法、环、测六个方面的潜在原因"
                "31项，再通过测量系统分析确认数据可靠，运用假设检验和回归分析从中筛选出影响最大的3项关键原因，并在现场逐一验证。"])
        d.para([("b", "改进措施。"), f"针对关键原因，团队{measure}，同时修订作业指导书和控制计划，对相关岗位人员开展专项培训，"
                "并在MES中设置参数防错和超限报警，确保改进措施在每一个班次、每一台设备上得到落实。"])
        d.para([("b", "改进效果。"), f"措施实施后连续跟踪三个月，该指标由{before}改善到{after}，过程能力指数稳定达到1.67以上，"
                "改进成果已纳入标准作业程序并推广到同类产品生产线，项目通过公司六西格玛项目评审委员会验收。"])
    # five more pictures (JPEG re-encodings) so that the file holds ten
    d.heading("实施成果现场展示", 2, how="style")
    extra = [("org-chart.png", "车间级质量管理组织看板"), ("pdca-model.png", "班组PDCA改进看板"),
             ("workshop.jpg", "磨削车间在线检测工位局部"), ("yield-scrap.png", "月度质量指标看板"),
             ("satisfaction.png", "顾客满意度测评看板")]
    for name, cap in extra:
        d.para([f"{cap}是推进“全链条零缺陷”模式的现场载体之一，由车间质量员每日更新，班组每周在看板前召开质量例会，"
                "对照目标分析差距、明确措施和责任人，使质量目标和改进成果对每一名员工都清晰可见。"])
        counters["图"] += 1
        d.figure(img_bytes(name, width=1400, fmt="jpeg", quality=80), f"image{counters['图']}.jpeg", 14.64, cap,
                 counters["图"], how="simple")
    d.p([], "")
    d.package(path, styles_word(custom_heading=False), sect_a4(title_pg=True), fonts=["华文中宋", "Symbol", "Courier New",
                                                                                      "Wingdings"])
    d.exp["notes"] = ["Speed benchmark: the example material plus five JPEG pictures (10 pictures, 9 tables); the "
                      "parts may exceed their limits (implementation > 8000字): the import reports, never refuses."]
    return d


# ---------------------------------------------------------------------------------------------
# hostile files
# ---------------------------------------------------------------------------------------------


def minimal_parts(document_xml=None):
    ct = (XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '<Override PartName="/docProps/core.xml" '
          'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>')
    rels = (XML_DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>')
    out = [("[Content_Types].xml", ct), ("_rels/.rels", rels)]
    if document_xml is not None:
        out.append(("word/document.xml", document_xml))
    out.append(("docProps/core.xml", core_xml()))
    return out


def build_hostile(out):
    info = {}
    p = os.path.join(out, "not-a-zip.docx")
    with open(p, "wb") as f:
        f.write("这不是Word文档，只是一个改了扩展名的文本文件。\nThis is a plain text file renamed to .docx.\n".encode("utf-8"))
    info["not-a-zip.docx"] = {"outcome": "error", "must_say": "not a .docx (not a zip / not an Office Open XML file)",
                              "what": "a UTF-8 .txt renamed to .docx"}

    plain = open(os.path.join(out, "plain.docx"), "rb").read()
    with open(os.path.join(out, "corrupt.docx"), "wb") as f:
        f.write(plain[:len(plain) // 2])
    info["corrupt.docx"] = {"outcome": "error", "must_say": "damaged / truncated .docx (zip has no central directory)",
                            "what": "plain.docx cut in half"}

    write_zip(os.path.join(out, "no-document.docx"), minimal_parts(None))
    info["no-document.docx"] = {"outcome": "error", "must_say": "word/document.xml missing",
                                "what": "a well-formed package whose officeDocument relationship points to a part "
                                        "that is not there"}

    xxe = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n'
           '<!DOCTYPE w:document [\n  <!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           '<w:p><w:r><w:t>标杆名称：&x;</w:t></w:r></w:p>'
           '<w:p><w:r><w:t>外部实体测试段落。</w:t></w:r></w:p></w:body></w:document>')
    write_zip(os.path.join(out, "xxe.docx"), minimal_parts(xxe))
    info["xxe.docx"] = {"outcome": "error", "must_say": "DOCTYPE / DTD not allowed (external entity)",
                        "must_not_contain": ["root:x:0:0", "/bin/"],
                        "what": "word/document.xml declares <!ENTITY x SYSTEM \"file:///etc/passwd\"> and uses &x; "
                                "in a w:t; nothing of /etc/passwd may reach material.md, the report or any output"}

    bomb_size = build_zip_bomb(os.path.join(out, "zip-bomb.docx"))
    info["zip-bomb.docx"] = {"outcome": "error", "must_say": "decompressed size limit (part too large)",
                             "what": f"word/document.xml inflates to {bomb_size:,} bytes (> 1 GiB) of which "
                                     "all but the tags are spaces inside one w:t; ~1.2 MB compressed. The zip headers "
                                     "state the true size: a limit must also hold while inflating (do not trust the "
                                     "header), and memory must stay bounded",
                             "time_limit_s": 30}

    build_many_paragraphs(os.path.join(out, "many-paragraphs.docx"))
    info["many-paragraphs.docx"] = {"outcome": "ok-with-report",
                                    "must_say": "part over its limit (推进实施与运行 > 8000字); no 摘要/概况/效果",
                                    "what": f"{MANY_PARAGRAPHS} short paragraphs under one part heading: must import "
                                            "in linear time without crashing",
                                    "time_limit_s": 30}
    info["huge-picture.docx"] = {"outcome": "error-or-report",
                                 "must_say": "picture too large (size limit); or, if accepted, imported with bounded "
                                             "memory",
                                 "generated": "not committed: python3 tests/import-corpus/make_corpus.py --huge "
                                              "OUT.docx (the test calls this into a temp dir)",
                                 "what": "one 4096x4096 RGB PNG of incompressible pixels (~50 MB), stored "
                                         "uncompressed in the zip, placed inline with a caption"}
    with open(os.path.join(out, "hostile.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, ensure_ascii=False, indent=1)
        f.write("\n")


BOMB_SPACES = 1_200_000_000
MANY_PARAGRAPHS = 20_000


def build_zip_bomb(path):
    head = (XML_DECL + f"<w:document {DOC_NS}{DOC_IGNORABLE}><w:body><w:p><w:r><w:t xml:space=\"preserve\">x").encode()
    tail = ('x</w:t></w:r></w:p><w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>').encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in minimal_parts(None)[:2]:
            zf.writestr(zinfo(name), data.encode())
        zi = zinfo("word/document.xml")
        with zf.open(zi, "w") as f:
            f.write(head)
            chunk = b" " * (1 << 24)
            left = BOMB_SPACES
            while left:
                n = min(left, len(chunk))
                f.write(chunk[:n])
                left -= n
            f.write(tail)
        zf.writestr(zinfo("docProps/core.xml"), core_xml().encode())
    return len(head) + BOMB_SPACES + len(tail)


def build_many_paragraphs(path):
    d = Docx()
    d.p(["二、管理方法（技术）的推进实施与运行"], ppr(style="1"))
    for i in range(1, MANY_PARAGRAPHS + 1):
        d.add(f"<w:p>{run(f'第{i}条：班组开展自检互检，记录完整。')}</w:p>")
    d.package(path, styles_word(custom_heading=False), sect_a4())


def build_huge(path):
    """A docx holding one ~50 MB PNG (4096x4096 RGB, pseudo-random pixels from SHAKE-256, stored zlib blocks)."""
    w = h = 4096
    noise = hashlib.shake_256(b"shenbao-corpus huge picture").digest(w * h * 3)
    raw = bytearray()
    row = w * 3
    for y in range(h):
        raw += b"\x00" + noise[y * row:(y + 1) * row]
    def chunk(t, data):
        return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data) & 0xFFFFFFFF)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(bytes(raw), 0)) + chunk(b"IEND", b""))
    d = Docx()
    d.part = "implementation"
    d.p(["二、管理方法（技术）的推进实施与运行"], ppr(style="1"))
    d.para(["下图为磨削车间高分辨率全景照片。"])
    d.figure(png, "image1.png", 14.0, "磨削车间高分辨率全景照片", 1, how="simple")
    d.p([], "")
    tmp = path + ".tmp"
    d.package(tmp, styles_word(custom_heading=False), sect_a4())
    # rewrite with the picture stored (no compression), so the file itself is ~50 MB
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w") as zout:
        for i in zin.infolist():
            data = zin.read(i.filename)
            zout.writestr(zinfo(i.filename, compress=not i.filename.startswith("word/media/")), data)
    os.remove(tmp)
    print(f"{path}: {os.path.getsize(path):,} bytes")


# ---------------------------------------------------------------------------------------------
# libreoffice.docx — word-full.docx opened and saved by LibreOffice
# ---------------------------------------------------------------------------------------------


def soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


def run_soffice(args, workdir):
    prof = os.path.join(workdir, "lo-profile")
    cmd = [soffice(), f"-env:UserInstallation=file://{prof}", "--headless", "--norestore"] + args
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = fontconfig_file(workdir)
    subprocess.run(cmd, check=True, timeout=600, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def fontconfig_file(workdir):
    """The project's bundled fonts (Noto CJK subsets) so that LibreOffice can render the Chinese text."""
    p = os.path.join(workdir, "fonts.conf")
    if not os.path.exists(p):
        alias = "".join(f"<alias><family>{a}</family><prefer><family>{b}</family></prefer></alias>"
                        for a, b in (("宋体", "Noto Serif CJK SC"), ("SimSun", "Noto Serif CJK SC"),
                                     ("华文中宋", "Noto Serif CJK SC"), ("黑体", "Noto Sans CJK SC"),
                                     ("SimHei", "Noto Sans CJK SC")))
        with open(p, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    f'<dir>{os.path.join(ROOT, "fonts")}</dir><cachedir>{workdir}/fc-cache</cachedir>{alias}'
                    "</fontconfig>")
    return p


def canonical_lo(name, data):
    """Make LibreOffice's output reproducible: fixed dates/revision, rsids renumbered in order of appearance."""
    if name == "docProps/core.xml":
        s = data.decode("utf-8")
        s = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*", r"\g<1>" + CORE_DATE, s)
        s = re.sub(r"<cp:revision>\d+</cp:revision>", "<cp:revision>1</cp:revision>", s)
        return s.encode("utf-8")
    if name == "docProps/app.xml":
        s = data.decode("utf-8")
        s = re.sub(r"<TotalTime>\d+</TotalTime>", "<TotalTime>0</TotalTime>", s)
        return s.encode("utf-8")
    if name.startswith("word/charts/") and name.endswith(".xml"):
        # LibreOffice draws random axis ids: renumber them in order of appearance
        s = data.decode("utf-8")
        ids = {}
        for m in re.finditer(r'<c:(?:axId|crossAx) val="(\d+)"/>', s):
            ids.setdefault(m.group(1), str(500000001 + len(ids)))
        s = re.sub(r'(<c:(?:axId|crossAx) val=")(\d+)("/>)', lambda m: m.group(1) + ids[m.group(2)] + m.group(3), s)
        return s.encode("utf-8")
    if name == "word/document.xml":
        # ... and random content-control ids
        s = data.decode("utf-8")
        ids = {}
        for m in re.finditer(r'<w:id w:val="(-?\d+)"/>', s):
            ids.setdefault(m.group(1), str(700000001 + len(ids)))
        s = re.sub(r'(<w:id w:val=")(-?\d+)("/>)', lambda m: m.group(1) + ids[m.group(2)] + m.group(3), s)
        return s.encode("utf-8")
    return data


def build_libreoffice(src, dst):
    if not soffice():
        print("soffice not found: libreoffice.docx left as it is", file=sys.stderr)
        return False
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(src, os.path.join(tmp, "in.docx"))
        run_soffice(["--convert-to", "docx:MS Word 2007 XML", "--outdir", os.path.join(tmp, "out"),
                     os.path.join(tmp, "in.docx")], tmp)
        out = os.path.join(tmp, "out", "in.docx")
        normalize_zip(out, canonical_lo)
        shutil.copy(out, dst)
    return True


# ---------------------------------------------------------------------------------------------
# expectations: consistency checks and writing
# ---------------------------------------------------------------------------------------------

LIMITS = {"abstract": 500, "overview": 500, "implementation": 8000, "effects": 2000}


def nows(s):
    return re.sub(r"\s+", "", s)


def check_expect(name, exp, limits=True):
    kept = [nows(s) for s in exp["must_keep"]]
    kept += [nows(str(v)) for v in exp["fields"].values()]
    for part, paras in exp["parts"].items():
        kept += [nows(p) for p in paras]
    for dr in exp["dropped"]:
        d = nows(dr)
        for k in kept:
            assert d not in k, f"{name}: dropped {dr!r} occurs in kept text {k[:40]!r}"
    counts = {}
    for part in exp["parts"]:
        n = sum(zi_count(p) for p in exp["parts"][part])
        n += sum(zi_count(h["text"]) for h in exp["headings"] if h["part"] == part)
        for t in exp["tables"]:
            if t.get("part") == part:
                n += sum(zi_count(c) for r in t["rows"] for c in r) + zi_count(t["caption"] or "")
        n += sum(zi_count(f["caption"] or "") for f in exp["figures"] if f.get("part") == part)
        counts[part] = n
        if limits:
            assert n <= LIMITS[part] * 0.95, f"{name}: {part} has {n}字 (limit {LIMITS[part]})"
    if "benchmark.title" in exp["fields"] and limits:
        t = exp["fields"]["benchmark.title"]
        assert zi_count(t) <= 40 and t.endswith("经验") and t.startswith(exp["fields"]["company.name"][:6]), t
    return counts


def write_expect(path, exp):
    exp = dict(exp)
    order = ["fields", "parts", "headings", "tables", "figures", "footnotes", "dropped", "must_keep", "md_contains"]
    out = {k: exp.pop(k) for k in order if k in exp}
    out.update(exp)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


# ---------------------------------------------------------------------------------------------
# verification with LibreOffice: every .docx opens, renders, and its must_keep text is in the PDF
# ---------------------------------------------------------------------------------------------


def loose_found(s, text):
    """s's letters and digits, in order, within a short stretch of text (page breaks, repeated table headers and
    footers may interrupt; LibreOffice's hanging line-end punctuation is lost by pdftotext)."""
    ls = "".join(ch for ch in s if ch.isalnum())
    lt = "".join(ch for ch in text if ch.isalnum())
    if len(ls) < 4:
        return ls in lt
    start = lt.find(ls[:4])
    while start >= 0:
        pos, ok = start, True
        for ch in ls:
            pos = lt.find(ch, pos, start + len(ls) + 600)
            if pos < 0:
                ok = False
                break
            pos += 1
        if ok:
            return True
        start = lt.find(ls[:4], start + 1)
    return False


def verify(out, names):
    if not soffice() or not shutil.which("pdftotext"):
        print("verify needs soffice and pdftotext", file=sys.stderr)
        return False
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for n in names:
            shutil.copy(os.path.join(out, n), os.path.join(tmp, n))
        run_soffice(["--convert-to", "pdf", "--outdir", os.path.join(tmp, "pdf")] +
                    [os.path.join(tmp, n) for n in names], tmp)
        for n in names:
            pdf = os.path.join(tmp, "pdf", n[:-5] + ".pdf")
            if not os.path.exists(pdf):
                print(f"{n}: NO PDF")
                ok = False
                continue
            info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
            pages = re.search(r"Pages:\s+(\d+)", info).group(1)
            text = nows(subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout)
            text = re.sub(r"第\d+页共\d+页", "", text)   # the footer interrupts paragraphs that cross pages
            ej = os.path.join(out, n[:-5] + ".expect.json")
            missing, present_dropped, loose = [], [], []
            if os.path.exists(ej):
                exp = json.load(open(ej, encoding="utf-8"))
                # LibreOffice prints what the import drops (tracked deletions, TOC ...) and puts footnotes at the
                # page foot, inside paragraphs that cross a page: take those out before looking for must_keep
                present_dropped = [s for s in exp["dropped"] if nows(s) in text]
                for s in sorted(exp["dropped"], key=len, reverse=True):
                    if len(nows(s)) > 3:
                        text = text.replace(nows(s), "")
                for s in exp["footnotes"]:
                    text = re.sub(r"\d?" + re.escape(nows(s)), "", text)
                text = text.replace("\uf0b1", "±")   # LibreOffice prints w:sym Symbol F0B1 with its PUA code point
                missing = [s for s in exp["must_keep"] if nows(s) not in text]
                loose = [s for s in missing if loose_found(s, text)]
                missing = [s for s in missing if s not in loose]
                total = len(exp["must_keep"])
            else:
                total = 0
            print(f"{n}: {pages} pages; must_keep {total - len(missing)}/{total} found in LibreOffice's PDF text"
                  + (f" ({len(loose)} only with gaps: split by a page/table break or line-end punctuation that "
                     "pdftotext loses)" if loose else "")
                  + (f"; dropped text visible in LibreOffice's rendering: {len(present_dropped)}" if present_dropped
                     else ""))
            for s in missing:
                print(f"    missing: {s[:60]}")
            for s in present_dropped:
                print(f"    (rendered by LibreOffice, to be dropped by the import: {s[:40]})")
            ok = ok and not missing
    return ok


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--huge", metavar="OUT.docx", help="only write the 50 MB picture file to OUT.docx")
    ap.add_argument("--verify", action="store_true", help="render every .docx with LibreOffice and check the text")
    ap.add_argument("--no-libreoffice", action="store_true", help="keep the existing libreoffice.docx")
    ap.add_argument("--out", default=HERE, help="output folder (default: this folder)")
    a = ap.parse_args()
    if a.huge:
        build_huge(a.huge)
        return
    out = a.out
    os.makedirs(out, exist_ok=True)
    P = lambda n: os.path.join(out, n)

    d = build_word_full(P("word-full.docx"))
    counts = check_expect("word-full", d.exp)
    write_expect(P("word-full.expect.json"), d.exp)
    print("word-full.docx", counts)
    full_exp = json.loads(json.dumps(d.exp))

    d = build_form_only(P("form.docx"))
    check_expect("form", d.exp)
    write_expect(P("form.expect.json"), d.exp)

    d = build_wps(P("wps-style.docx"))
    print("wps-style.docx", check_expect("wps-style", d.exp))
    write_expect(P("wps-style.expect.json"), d.exp)

    exp = build_plain(P("plain.docx"))
    check_expect("plain", exp)
    write_expect(P("plain.expect.json"), exp)

    d = build_large(P("large.docx"))
    print("large.docx", check_expect("large", d.exp, limits=False))
    write_expect(P("large.expect.json"), d.exp)

    if not a.no_libreoffice and build_libreoffice(P("word-full.docx"), P("libreoffice.docx")):
        check_libreoffice(P("libreoffice.docx"))
        write_expect(P("libreoffice.expect.json"), libreoffice_expect(full_exp))

    build_hostile(out)

    names = ["word-full.docx", "libreoffice.docx", "form.docx", "wps-style.docx", "plain.docx", "large.docx",
             "many-paragraphs.docx"]
    for n in sorted(os.listdir(out)):
        if n.endswith(".docx") or n.endswith(".json"):
            print(f"{os.path.getsize(P(n)):>10,}  {n}")
    if a.verify:
        ok = verify(out, [n for n in names if os.path.exists(P(n))])
        sys.exit(0 if ok else 1)


def libreoffice_expect(exp):
    """word-full's expectations, adjusted for what LibreOffice 7.4 provably changes (checked when it is built)."""
    exp = json.loads(json.dumps(exp))
    for f in exp["figures"]:
        f.pop("alt_format", None)         # LibreOffice keeps the PNG and drops the SVG alternative
    impl = exp["parts"]["implementation"]
    i = impl.index(TEXTBOX_TEXT)          # LibreOffice moves the text box anchor to the start of its paragraph
    impl[i - 1], impl[i] = impl[i], impl[i - 1]
    exp["notes"] = [n for n in exp.get("notes", []) if "SVG" not in n] + LO_NOTES
    return exp


def check_libreoffice(path):
    """Fail loudly if a LibreOffice version changes what LO_NOTES describes."""
    z = zipfile.ZipFile(path)
    doc = z.read("word/document.xml").decode("utf-8")
    assert "svgBlip" not in doc and "<w:smartTag" not in doc and "<w:sym " not in doc, "LibreOffice changed"
    assert "\uf0b1" in doc and "<m:oMath" in doc and "<wps:txbx>" in doc and "<c:chart " in doc
    assert doc.index("全体员工的质量承诺") < doc.index("公司把这一质量承诺印制在每个车间的质量看板上")
    for s in ("数据来源：公司", "为过程标准差"):
        assert s in z.read("word/footnotes.xml").decode("utf-8")
    assert COMMENT_1 in z.read("word/comments.xml").decode("utf-8")


LO_NOTES = [
    "libreoffice.docx is word-full.docx opened and saved by LibreOffice 7.4.7 (docx:\"MS Word 2007 XML\"); only "
    "LibreOffice's random ids (chart axes, content controls) and the core dates are made fixed afterwards.",
    "What LibreOffice changed (the expectations stay those of word-full.docx except the two points marked *):",
    "* the PDCA figure keeps its PNG, the SVG alternative (asvg:svgBlip) is gone;",
    "* the text box's anchor run moves to the start of its paragraph, so its text comes before the paragraph's "
    "(parts.implementation order swapped);",
    "w:sym Symbol F0B1 becomes a run in font Symbol holding U+F0B1 (a private-use code point): it must still import "
    "as ±;",
    "the equation is rewritten as m:r \"min\" + m:f (type lin) whose numerator is an m:d (begChr ( endChr )) and whose "
    "denominator is 3, then σ: its linear text is still Cpk=min(USL−μ,μ−LSL)/3σ;",
    "the smart tag element is gone (its text stays); fldSimple SEQ fields become complex fields; the deletion is "
    "split into three w:del; the custom heading style 我的标题 becomes styleId Style13 with a direct numPr and "
    "numFmt chineseCountingThousand;",
    "style ids change: headings use styleId Heading1..Heading4 named \"Heading 1\"..; the ids 1..4 now name the "
    "CHARACTER styles 标题 1 字符 etc. (an import keyed on styleId \"1\" will go wrong); caption is Caption1;",
    "the comment is renumbered 0 and the footnotes 2 and 3 (XML correct); LibreOffice 7.4 itself then shows the "
    "first footnote's text for the second one when it renders libreoffice.docx (its bug with a comment id that "
    "equals a footnote/separator id); word-full.docx uses comment id 5 to avoid that bug.",
]

if __name__ == "__main__":
    main()
