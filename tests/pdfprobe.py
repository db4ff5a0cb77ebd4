#!/usr/bin/env python3
"""Print the layout facts of PDFs as JSON, for the integration tests.

Usage: pdfprobe.py FILE.pdf [FILE.pdf ...]
       pdfprobe.py --toc FILE.pdf [FILE.pdf ...]
       pdfprobe.py --digest FILE.pdf
       pdfprobe.py --pictures FILE.pdf

Prints a JSON list, one object per file: "fonts" (every font of every page,
with whether it is embedded) and "pages", each with its width and height,
its text spans (text, font, size, x/y = the baseline origin, bbox, and each
glyph's origin x and right edge), its straight line drawings, its image bboxes
and its text in content-stream order. Coordinates
are PDF points from the top-left corner, y growing downwards.

With --toc, prints instead each file's outline (bookmarks) as a list of
[level, title, page] (PyMuPDF's get_toc(), pages from 1; -1 when an entry
points nowhere).

With --pictures, prints one PDF's pictures as they look on the page: for
each, its page (from 1), its bbox and the mean grey (0 black .. 255 white)
of the top, bottom, left and right quarters of the page rendered inside
it, so a test can tell which way up a picture is printed.

With --digest, prints one PDF's page content as plain text lines, a line per
page size, span (text, font without its subset tag, size, origin), rule and
image, rounded to 0.01 pt: what a reader sees, independent of how the bytes
were written. The examples' digests are kept in tests/fixtures/pages/ so
that a restructuring that moves anything on a page fails a test.
"""
import json
import sys

# PyMuPDF imports its optional layout/LLM add-ons when they are installed,
# which takes seconds (onnxruntime); we need neither.
sys.modules["pymupdf.layout"] = None
sys.modules["pymupdf4llm"] = None

import pymupdf  # noqa: E402


def r(v):
    return round(float(v), 3)


def spans(page):
    # Without TEXT_PRESERVE_IMAGES: decoding images would cost most of the time.
    flags = pymupdf.TEXTFLAGS_RAWDICT & ~pymupdf.TEXT_PRESERVE_IMAGES
    out = []
    for block in page.get_text("rawdict", flags=flags)["blocks"]:
        for line in block.get("lines", []):
            for s in line["spans"]:
                chars = s["chars"]
                out.append({
                    "text": "".join(c["c"] for c in chars),
                    "font": s["font"],
                    "size": r(s["size"]),
                    "x": r(s["origin"][0]),
                    "y": r(s["origin"][1]),
                    "bbox": [r(v) for v in s["bbox"]],
                    "glyph_x": [r(c["origin"][0]) for c in chars],
                    "glyph_x1": [r(c["bbox"][2]) for c in chars],
                })
    return out


def lines(page):
    out = []
    for d in page.get_drawings():
        for item in d["items"]:
            if item[0] == "l":
                p, q = item[1], item[2]
                out.append({"x0": r(p.x), "y0": r(p.y), "x1": r(q.x), "y1": r(q.y),
                            "width": r(d.get("width") or 0)})
    return out


def probe(path):
    doc = pymupdf.open(path)
    fonts = {}
    pages = []
    for page in doc:
        pages.append({
            "width": r(page.rect.width),
            "height": r(page.rect.height),
            "spans": spans(page),
            "lines": lines(page),
            "images": [[r(v) for v in info["bbox"]] for info in page.get_image_info()],
            # In content-stream order: Typst writes a table cell's lines
            # together, so a wrapped value reads whole here.
            "stream_text": page.get_text("text", sort=False),
            # The print boxes (the MediaBox when a box is not set).
            "trimbox": [r(v) for v in page.trimbox],
            "bleedbox": [r(v) for v in page.bleedbox],
        })
        for _xref, ext, _type, basefont, *_rest in page.get_fonts():
            fonts[basefont] = {"name": basefont, "embedded": ext != "n/a"}
    return {"pages": pages, "fonts": sorted(fonts.values(), key=lambda f: f["name"])}


def toc(path):
    return pymupdf.open(path).get_toc(simple=True)


def pictures(path):
    out = []
    for n, page in enumerate(pymupdf.open(path), 1):
        for info in page.get_image_info():
            box = pymupdf.Rect(info["bbox"])
            pix = page.get_pixmap(clip=box, dpi=36, colorspace=pymupdf.csGRAY)
            w, h, data = pix.width, pix.height, pix.samples

            def mean(x0, y0, x1, y1):
                vals = [data[y * pix.stride + x] for y in range(y0, y1) for x in range(x0, x1)]
                return r(sum(vals) / max(len(vals), 1))

            out.append({
                "page": n,
                "bbox": [r(v) for v in box],
                "top": mean(0, 0, w, h // 4),
                "bottom": mean(0, h - h // 4, w, h),
                "left": mean(0, 0, w // 4, h),
                "right": mean(w - w // 4, 0, w, h),
            })
    return out


def digest(path):
    f = lambda v: f"{float(v):.2f}"
    out = []
    for n, page in enumerate(pymupdf.open(path), 1):
        out.append(f"page {n} {f(page.rect.width)}x{f(page.rect.height)}")
        for s in spans(page):
            font = s["font"].split("+", 1)[-1]
            out.append(f"  text {f(s['x'])},{f(s['y'])} {font} {f(s['size'])} {s['text']}")
        for l in lines(page):
            out.append(f"  rule {f(l['x0'])},{f(l['y0'])} {f(l['x1'])},{f(l['y1'])} {f(l['width'])}")
        for b in page.get_image_info():
            out.append("  image " + ",".join(f(v) for v in b["bbox"]))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--digest"]:
        sys.stdout.write(digest(args[1]))
    elif args[:1] == ["--pictures"]:
        json.dump(pictures(args[1]), sys.stdout)
    elif args[:1] == ["--toc"]:
        json.dump([toc(p) for p in args[1:]], sys.stdout, ensure_ascii=False)
    else:
        json.dump([probe(p) for p in args], sys.stdout, ensure_ascii=False)
