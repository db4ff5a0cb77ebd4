#!/usr/bin/env python3
"""Regenerate the figure of the luoyang-bearing-md example (invented data).

    pip install pillow matplotlib
    python3 make_images.py      # writes firing-yield.png next to this script

Needs a CJK font: Noto Sans CJK (Debian: fonts-noto-cjk) or CJK_FONT=/path/to/font.
"""
import io
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
CANDIDATES = [os.environ.get("CJK_FONT", ""),
              "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
              "C:/Windows/Fonts/simhei.ttf"]
FONT = next((p for p in CANDIDATES if p and os.path.exists(p)), None)
if FONT is None:
    raise SystemExit("no CJK font found; set CJK_FONT=/path/to/font")
font_manager.fontManager.addfont(FONT)
names = {f.name for f in font_manager.fontManager.ttflist}
family = "Noto Sans CJK SC" if "Noto Sans CJK SC" in names else font_manager.FontProperties(fname=FONT).get_name()
plt.rcParams.update({"font.family": family, "font.size": 11, "axes.unicode_minus": False})

YEARS = ["2019年", "2020年", "2021年", "2022年"]
YIELD = [90.6, 91.8, 95.2, 97.6]   # 烧成一次合格率 %
CPK = [0.86, 0.98, 1.23, 1.45]     # 关键特性 Cpk

fig, ax = plt.subplots(figsize=(7.6, 4.2))
x = list(range(len(YEARS)))
bars = ax.bar(x, YIELD, width=0.5, color="#548235", zorder=2)
ax.set_ylim(85, 100)
ax.set_ylabel("烧成一次合格率（%）")
ax.set_xticks(x, YEARS)
ax.grid(axis="y", color="#DDDDDD", zorder=0)
for r, v in zip(bars, YIELD):
    ax.annotate(f"{v:.1f}", (r.get_x() + r.get_width() / 2, 85), xytext=(0, 6),
                textcoords="offset points", ha="center", va="bottom", color="white",
                fontweight="bold", fontsize=10)
ax2 = ax.twinx()
(line,) = ax2.plot(x, CPK, color="#C55A11", marker="s", linewidth=2.2)
ax2.axhline(1.33, color="#C55A11", linestyle="--", linewidth=1)
ax2.annotate("Cpk=1.33", (-0.42, 1.33), xytext=(0, 4), textcoords="offset points",
             ha="left", color="#C55A11", fontsize=9)
ax2.set_ylim(0, 1.8)
ax2.set_ylabel("关键特性Cpk")
for xi, v in zip(x, CPK):
    ax2.annotate(f"{v:.2f}", (xi, v), xytext=(0, 10), textcoords="offset points", ha="center", color="#C55A11",
                 fontsize=10, bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="#C55A11", lw=0.8))
for a in (ax, ax2):
    a.spines["top"].set_visible(False)
ax.legend([bars, line], ["烧成一次合格率（%）", "关键特性Cpk"], loc="upper center", ncol=2,
          frameon=False, bbox_to_anchor=(0.5, 1.12))
fig.tight_layout()
buf = io.BytesIO()
fig.savefig(buf, dpi=300, format="png", facecolor="white")
buf.seek(0)
out = os.path.join(HERE, "firing-yield.png")
Image.open(buf).convert("RGB").quantize(colors=48, method=Image.Quantize.MEDIANCUT,
                                        dither=Image.Dither.NONE).save(out, optimize=True)
im = Image.open(out)
print(f"firing-yield.png: {im.size[0]}x{im.size[1]} px, {os.path.getsize(out) // 1024} KB")
