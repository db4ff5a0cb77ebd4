#!/usr/bin/env bash
# Rebuild the bundled substitute fonts in this folder from the Noto CJK
# collections (.ttc) shipped by Debian (fonts-noto-cjk, fonts-noto-cjk-extra).
#
# Usage:
#   fonts/subset.sh [SERIF_REGULAR.ttc SERIF_SEMIBOLD.ttc SERIF_BOLD.ttc SANS_MEDIUM.ttc [DEJAVU_SANS.ttf]]
#
# Without arguments the Debian paths under /usr/share/fonts/opentype/noto/ and
# /usr/share/fonts/truetype/dejavu/ (package fonts-dejavu-core) are used. Needs Python 3 with fonttools (pip install fonttools). Writes the four
# *-subset.otf files next to this script, copies DejaVuSans.ttf whole, then
# prints a verification summary.
# The four faces are subset in parallel (about 1.5 min and 2 GB RAM each).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
noto=/usr/share/fonts/opentype/noto
serif_regular="${1:-$noto/NotoSerifCJK-Regular.ttc}"
serif_semibold="${2:-$noto/NotoSerifCJK-SemiBold.ttc}"
serif_bold="${3:-$noto/NotoSerifCJK-Bold.ttc}"
sans_medium="${4:-$noto/NotoSansCJK-Medium.ttc}"
dejavu_sans="${5:-/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf}"

# Face index of the Simplified Chinese (SC) font inside each Noto CJK .ttc
# (0 JP, 1 KR, 2 SC, 3 TC, 4 HK). Checked below against the name table.
sc_index=2

# Unicode ranges kept (codepoints the source face lacks are simply skipped).
unicodes="\
U+0020-007E,U+00A0-00FF,U+0100-017F,U+0180-024F,U+0250-02AF,U+02B0-02FF,\
U+0300-036F,U+0370-03FF,U+0400-045F,U+1E00-1EFF,\
U+2000-206F,U+2070-209F,U+20A0-20CF,U+2100-214F,U+2150-218F,U+2190-21FF,\
U+2200-22FF,U+2300-23FF,U+2460-24FF,U+2500-257F,U+2580-259F,U+25A0-25FF,\
U+2600-26FF,U+2700-27BF,\
U+2E80-2EFF,U+2F00-2FDF,U+2FF0-2FFF,U+3000-303F,U+3040-309F,U+30A0-30FF,\
U+3100-312F,U+3190-319F,U+31A0-31BF,U+31C0-31EF,U+3200-32FF,U+3300-33FF,\
U+3400-4DBF,U+4E00-9FFF,U+F900-FAFF,\
U+FE10-FE1F,U+FE30-FE4F,U+FE50-FE6F,U+FF00-FFEF,U+FFFD"

subset() { # $1 = source .ttc, $2 = output file name
  pyftsubset "$1" \
    --font-number="$sc_index" \
    --unicodes="$unicodes" \
    --layout-features=ccmp,calt,liga,kern,vkrn,mark,mkmk,vert,vrt2,halt,palt,vhal,vpal \
    --no-hinting \
    --no-glyph-names \
    --notdef-outline \
    --name-IDs=0,1,2,3,4,5,6,7,13,14,16,17 \
    --name-languages=0x409,0x804 \
    --output-file="$here/$2"
}

# Refuse to run on a collection whose face $sc_index is not the SC face.
for f in "$serif_regular" "$serif_semibold" "$serif_bold" "$sans_medium"; do
  python3 - "$f" "$sc_index" <<'PY'
import sys
from fontTools.ttLib import TTFont
t = TTFont(sys.argv[1], fontNumber=int(sys.argv[2]), lazy=True)
fam = t["name"].getDebugName(16) or t["name"].getDebugName(1)
if not fam.startswith(("Noto Serif CJK SC", "Noto Sans CJK SC")):
    sys.exit(f"{sys.argv[1]}: face {sys.argv[2]} is {fam!r}, not an SC face")
PY
done

subset "$serif_regular"  NotoSerifCJKsc-Regular-subset.otf  & p1=$!
subset "$serif_semibold" NotoSerifCJKsc-SemiBold-subset.otf & p2=$!
subset "$serif_bold"     NotoSerifCJKsc-Bold-subset.otf     & p3=$!
subset "$sans_medium"    NotoSansCJKsc-Medium-subset.otf    & p4=$!
wait "$p1" && wait "$p2" && wait "$p3" && wait "$p4"

# Symbols (₂ ⁻ ⌀ ✕ ‱ ☑ ≒ …) the Noto CJK faces lack: DejaVu Sans, used whole
# (760 KB). It is the last font of every role's fallback chain, so it must
# cover everything a writer may type that is not CJK; a subset would need a
# list of such characters that is always one short. Copied unchanged.
cp "$dejavu_sans" "$here/DejaVuSans.ttf"

# Post-processing, per file:
# 1. pyftsubset keeps the original CIDs, so glyph 18691 is still CID 26950.
#    That is valid CFF, but PDF writers that embed the font as CIDFontType0
#    and use the glyph id as the CID (PyMuPDF does) then show wrong glyphs.
#    Renumber so that CID == glyph id (charset becomes one identity range).
#    Glyph ids, outlines, cmap and layout tables are unchanged.
# 2. The RIBBI faces (Regular, Bold) carry no typographic family/subfamily
#    records (nameID 16/17); add them, equal to nameID 1/2, so every file
#    states its typographic family explicitly.
# Then print a summary.
python3 - "$here" <<'PY'
import sys, os
from fontTools.ttLib import TTFont
d = sys.argv[1]
for fn in ["NotoSerifCJKsc-Regular-subset.otf", "NotoSerifCJKsc-SemiBold-subset.otf",
           "NotoSerifCJKsc-Bold-subset.otf", "NotoSansCJKsc-Medium-subset.otf"]:
    p = os.path.join(d, fn)
    t = TTFont(p)
    old = t.getGlyphOrder()
    new = [".notdef"] + ["cid%05d" % i for i in range(1, len(old))]
    top = t["CFF "].cff.topDictIndex[0]
    assert hasattr(top, "ROS"), f"{fn}: expected a CID-keyed CFF"
    rename = dict(zip(old, new))
    top.CharStrings.charStrings = {rename[k]: v for k, v in top.CharStrings.charStrings.items()}
    top.charset = new
    top.CIDCount = len(new)
    t.setGlyphOrder(new)
    name = t["name"]
    for lang in (0x409, 0x804):
        for nid, src in ((16, 1), (17, 2)):
            if name.getName(nid, 3, 1, lang) is None and name.getName(src, 3, 1, lang) is not None:
                name.setName(name.getName(src, 3, 1, lang).toUnicode(), nid, 3, 1, lang)
    t.save(p + ".tmp"); os.replace(p + ".tmp", p)
    t = TTFont(p)
    cmap = t.getBestCmap()
    uro = sum(1 for c in range(0x4E00, 0xA000) if c in cmap)
    exta = sum(1 for c in range(0x3400, 0x4DC0) if c in cmap)
    print(f"{fn}: {os.path.getsize(p)} bytes, family={t['name'].getDebugName(16)!r}, "
          f"subfamily={t['name'].getDebugName(17)!r}, usWeightClass={t['OS/2'].usWeightClass}, "
          f"glyphs={t['maxp'].numGlyphs}, U+4E00-9FFF={uro}, U+3400-4DBF={exta}, "
          f"U+2611={'yes' if 0x2611 in cmap else 'no'}, U+25A1={'yes' if 0x25A1 in cmap else 'no'}")
    for a, b in ((0x4E00, 0x9FFF), (0x3400, 0x4DBF)):
        miss = [c for c in range(a, b + 1) if c not in cmap]
        if miss:
            print(f"    not in font within U+{a:04X}-{b:04X}: U+{miss[0]:04X}..U+{miss[-1]:04X} "
                  f"({len(miss)} codepoints{', contiguous' if miss[-1] - miss[0] + 1 == len(miss) else ''})")
fn = "DejaVuSans.ttf"
p = os.path.join(d, fn)
t = TTFont(p)
cmap = t.getBestCmap()
print(f"{fn}: {os.path.getsize(p)} bytes, family={t['name'].getDebugName(1)!r}, "
      f"version={t['name'].getDebugName(5)!r}, "
      f"usWeightClass={t['OS/2'].usWeightClass}, glyphs={t['maxp'].numGlyphs}, "
      + ", ".join(f"U+{c:04X}={'yes' if c in cmap else 'no'}" for c in (0x2611, 0x25A1, 0x2610, 0x2612, 0x2713, 0x2714, 0x2717, 0x2718, 0x2082, 0x2300, 0x2715, 0x2031, 0x2252)))
PY
