"""Reads a .pptx back with python-pptx for the slides tests: per slide its
text boxes' text, pictures, tables and speaker notes; and the East Asian
typefaces its runs name. Prints JSON."""
import json
import sys
import zipfile

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE


def shapes(slide):
    out = {"texts": [], "pictures": 0, "tables": [], "notes": ""}
    for sh in slide.shapes:
        if sh.shape_type == MSO_SHAPE_TYPE.PICTURE:
            out["pictures"] += 1
        elif sh.has_table:
            out["tables"].append([[c.text for c in row.cells] for row in sh.table.rows])
        elif sh.has_text_frame and sh.text_frame.text.strip():
            out["texts"].append(sh.text_frame.text)
    if slide.has_notes_slide:
        out["notes"] = slide.notes_slide.notes_text_frame.text
    return out


def main(path):
    prs = Presentation(path)
    eas = set()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("ppt/slides/slide") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                for part in xml.split('<a:ea typeface="')[1:]:
                    eas.add(part.split('"', 1)[0])
    print(json.dumps({
        "width": prs.slide_width,
        "height": prs.slide_height,
        "slides": [shapes(s) for s in prs.slides],
        "ea_faces": sorted(eas),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
