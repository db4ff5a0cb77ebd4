#!/usr/bin/env python3
"""Regenerate the figures of the luoyang-bearing example material.

    pip install pillow matplotlib
    python3 make_images.py          # writes the images next to this script

Needs a CJK font: Noto Sans CJK (Debian: fonts-noto-cjk) or set CJK_FONT to a
.ttc/.otf/.ttf file. All data are invented and match parts/*.md.

Outputs (all >= 1800 px wide, each <= 400 KB):
  org-chart.png    组织架构图 (Pillow)
  pdca-model.png   PDCA 运行模型 (Pillow)
  workshop.jpg     数字化车间“照片” (Pillow, synthetic, JPEG)
  yield-scrap.png  一次交检合格率与综合废品率 (matplotlib)
  satisfaction.png 顾客满意度与顾客端不良 (matplotlib)
"""
import math
import os
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
FONT_CANDIDATES = [
    os.environ.get("CJK_FONT", ""),
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "C:/Windows/Fonts/simhei.ttf",
]
BOLD_CANDIDATES = [
    os.environ.get("CJK_FONT_BOLD", ""),
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
]


def _first(paths):
    for p in paths:
        if p and os.path.exists(p):
            return p
    return None


FONT_PATH = _first(FONT_CANDIDATES)
BOLD_PATH = _first(BOLD_CANDIDATES) or FONT_PATH
if FONT_PATH is None:
    raise SystemExit("no CJK font found; set CJK_FONT=/path/to/font")


def font(size, bold=False):
    path = BOLD_PATH if bold else FONT_PATH
    # In the Noto CJK .ttc collections face 2 is Simplified Chinese (SC).
    index = 2 if path.endswith(".ttc") else 0
    return ImageFont.truetype(path, size, index=index)


INK = (33, 37, 41)
BLUE = (31, 78, 121)
LIGHT = (222, 234, 246)
MID = (157, 195, 230)
WHITE = (255, 255, 255)


def save_png(img, name, colors=64):
    """Quantise to a small palette: few colours keep the PNG small."""
    path = os.path.join(HERE, name)
    img.convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT,
                                dither=Image.Dither.NONE).save(path, optimize=True)
    print(f"{name}: {img.size[0]}x{img.size[1]} px, {os.path.getsize(path) // 1024} KB")


def text_center(d, box, text, fnt, fill=INK, spacing=10):
    x0, y0, x1, y1 = box
    l, t, r, b = d.multiline_textbbox((0, 0), text, font=fnt, spacing=spacing, align="center")
    w, h = r - l, b - t
    d.multiline_text((x0 + (x1 - x0 - w) / 2 - l, y0 + (y1 - y0 - h) / 2 - t), text,
                     font=fnt, fill=fill, spacing=spacing, align="center")


def arrow(d, p0, p1, width=5, head=22, fill=INK):
    d.line([p0, p1], fill=fill, width=width)
    ang = math.atan2(p1[1] - p0[1], p1[0] - p0[0])
    a1, a2 = ang + math.radians(150), ang - math.radians(150)
    d.polygon([p1, (p1[0] + head * math.cos(a1), p1[1] + head * math.sin(a1)),
               (p1[0] + head * math.cos(a2), p1[1] + head * math.sin(a2))], fill=fill)


# --------------------------------------------------------------------------- org chart
def org_chart():
    W, H = 2400, 1500
    img = Image.new("RGB", (W, H), WHITE)
    d = ImageDraw.Draw(img)
    f_big, f_mid, f_small, f_side = font(54, True), font(46, True), font(40), font(44, True)

    # left band labels
    layers = [("决策层", 90, 330), ("推进层", 360, 560), ("执行层", 600, 1440)]
    for label, y0, y1 in layers:
        d.rectangle([30, y0, 150, y1], fill=LIGHT, outline=BLUE, width=3)
        text_center(d, (30, y0, 150, y1), "\n".join(label), f_side, fill=BLUE, spacing=18)

    cx = (200 + W - 40) // 2
    top = (cx - 520, 110, cx + 520, 310)
    d.rounded_rectangle(top, 24, fill=BLUE, outline=BLUE)
    text_center(d, top, "质量管理委员会\n主任：总经理    常务副主任：质量总监", f_big, fill=WHITE, spacing=16)

    office = (cx - 460, 390, cx + 460, 540)
    d.rounded_rectangle(office, 20, fill=MID, outline=BLUE, width=4)
    text_center(d, office, "零缺陷推进办公室（设在质量管理部）", f_mid)
    arrow(d, (cx, top[3]), (cx, office[1] - 2), width=6)

    groups = ["设计质量\n推进组", "供应链质量\n推进组", "制造过程质量\n推进组",
              "检测与计量\n推进组", "数字化质量\n推进组", "顾客服务质量\n推进组"]
    leads = ["技术中心", "采购部", "生产制造部", "理化计量室", "信息中心", "营销服务部"]
    left, right = 200, W - 40
    n = len(groups)
    gap = 28
    bw = (right - left - gap * (n - 1)) / n
    ybar = 600
    d.line([(left + bw / 2, ybar), (right - bw / 2, ybar)], fill=INK, width=5)
    d.line([(cx, office[3]), (cx, ybar)], fill=INK, width=5)
    boxes = []
    for i, (g, lead) in enumerate(zip(groups, leads)):
        x0 = left + i * (bw + gap)
        box = (x0, 660, x0 + bw, 860)
        boxes.append(box)
        arrow(d, (x0 + bw / 2, ybar), (x0 + bw / 2, box[1] - 2))
        d.rounded_rectangle(box, 16, fill=LIGHT, outline=BLUE, width=4)
        text_center(d, box, g, f_small)
        lb = (x0, 880, x0 + bw, 940)
        text_center(d, lb, "牵头：" + lead, font(34), fill=(80, 80, 80))

    # execution level
    ybar2 = 1000
    d.line([(left + bw / 2, ybar2), (right - bw / 2, ybar2)], fill=INK, width=5)
    for box in boxes:
        d.line([((box[0] + box[2]) / 2, 945), ((box[0] + box[2]) / 2, ybar2)], fill=INK, width=5)
    units = ["锻造车间", "车加工车间", "热处理车间", "磨加工车间", "装配车间", "检测中心"]
    for i, u in enumerate(units):
        x0 = left + i * (bw + gap)
        box = (x0, 1060, x0 + bw, 1180)
        arrow(d, (x0 + bw / 2, ybar2), (x0 + bw / 2, box[1] - 2))
        d.rectangle(box, fill=WHITE, outline=BLUE, width=4)
        text_center(d, box, u, f_small)
    base = (left, 1240, right, 1400)
    d.rectangle(base, fill=LIGHT, outline=BLUE, width=4)
    text_center(d, base, "班组自主管理小组  ·  QC小组  ·  六西格玛项目团队  ·  全体员工岗位质量责任",
                f_small)
    for i in range(n):
        x = left + i * (bw + gap) + bw / 2
        arrow(d, (x, 1180), (x, base[1] - 2))
    save_png(img, "org-chart.png")


# --------------------------------------------------------------------------- PDCA model
def pdca_model():
    W, H = 2200, 1700
    img = Image.new("RGB", (W, H), WHITE)
    d = ImageDraw.Draw(img)
    cx, cy, R = W // 2, 830, 470
    quads = [  # start angle (PIL: 0 = east, clockwise), letter, name, colour
        (180, "P", "策划", (31, 78, 121)),
        (270, "D", "实施", (46, 117, 182)),
        (0, "C", "检查", (91, 155, 213)),
        (90, "A", "处置", (68, 114, 148)),
    ]
    for start, letter, name, col in quads:
        d.pieslice([cx - R, cy - R, cx + R, cy + R], start, start + 90, fill=col, outline=WHITE, width=12)
        mid = math.radians(start + 45)
        tx, ty = cx + 0.66 * R * math.cos(mid), cy + 0.66 * R * math.sin(mid)
        text_center(d, (tx - 150, ty - 120, tx + 150, ty + 120), f"{letter}\n{name}", font(76, True),
                    fill=WHITE, spacing=12)
    r0 = 165
    d.ellipse([cx - r0, cy - r0, cx + r0, cy + r0], fill=WHITE, outline=(31, 78, 121), width=8)
    text_center(d, (cx - r0, cy - r0, cx + r0, cy + r0), "全链条\n零缺陷", font(58, True),
                fill=(31, 78, 121), spacing=14)

    # circulation arrows on an outer ring (clockwise P -> D -> C -> A)
    Ra = R + 45
    for start in (180, 270, 0, 90):
        pts = [(cx + Ra * math.cos(math.radians(a)), cy + Ra * math.sin(math.radians(a)))
               for a in range(start + 8, start + 80, 2)]
        d.line(pts, fill=INK, width=8)
        a_end = math.radians(start + 80)
        tip = (cx + Ra * math.cos(a_end), cy + Ra * math.sin(a_end))
        tang = a_end + math.pi / 2
        back = (tip[0] - 40 * math.cos(tang), tip[1] - 40 * math.sin(tang))
        arrow(d, back, tip, width=8, head=38)

    notes = {
        "P": ("策划（P）", ["识别顾客需求与关键质量特性", "分解四级质量目标", "开展DFMEA/PFMEA预防策划"], (60, 70)),
        "D": ("实施（D）", ["五链协同执行控制计划", "SPC实时监控与防错", "首件三检与全员自检"], (W - 700, 70)),
        "C": ("检查（C）", ["5G+MES在线检测", "质量审核与对标评价", "质量大数据分析预警"], (W - 700, H - 440)),
        "A": ("处置（A）", ["8D闭环与四不放过", "六西格玛/QC项目改进", "标准化固化、进入新循环"], (60, H - 440)),
    }
    f_head, f_item = font(50, True), font(40)
    for key, (head, items, (x, y)) in notes.items():
        box = (x, y, x + 640, y + 370)
        d.rounded_rectangle(box, 20, fill=LIGHT, outline=(31, 78, 121), width=4)
        d.text((x + 36, y + 30), head, font=f_head, fill=(31, 78, 121))
        for i, it in enumerate(items):
            d.text((x + 36, y + 120 + i * 78), "· " + it, font=f_item, fill=INK)
    save_png(img, "pdca-model.png")


# --------------------------------------------------------------------------- workshop "photo"
def workshop():
    W, H = 2000, 1250
    rnd = random.Random(2023)
    img = Image.new("RGB", (W, H))
    px = img.load()
    horizon = 520
    for y in range(H):
        if y < horizon:  # ceiling / back wall: cool grey gradient
            t = y / horizon
            c = (int(150 + 60 * t), int(160 + 60 * t), int(172 + 58 * t))
        else:  # epoxy floor: green-grey, darker towards the viewer
            t = (y - horizon) / (H - horizon)
            c = (int(120 - 50 * t), int(150 - 55 * t), int(138 - 55 * t))
        for x in range(W):
            px[x, y] = c
    d = ImageDraw.Draw(img, "RGBA")
    vx = W // 2
    # back wall windows
    for i in range(9):
        x0 = 180 + i * 190
        d.rectangle([x0, 120, x0 + 130, 300], fill=(235, 242, 250, 255), outline=(120, 130, 140, 255), width=4)
        d.line([(x0 + 65, 120), (x0 + 65, 300)], fill=(120, 130, 140, 255), width=3)
    # roof trusses
    for i in range(-12, 13):
        d.line([(vx + i * 40, 0), (vx + i * 170, -200)], fill=(90, 95, 105, 255), width=3)
    d.rectangle([0, 0, W, 40], fill=(110, 115, 125, 255))
    # yellow walkway lines converging to the vanishing point
    for off in (-520, -470, 470, 520):
        d.line([(vx + off * 0.12, horizon), (vx + off * 2.6, H)], fill=(232, 196, 40, 255), width=10)
    # machines on both sides (perspective boxes)
    for side in (-1, 1):
        for k in reversed(range(5)):  # far to near
            depth = 1 - k * 0.17
            w, h = 300 * depth, 260 * depth
            x = vx + side * (260 + 420 * depth) - w / 2
            ybase = horizon + 330 * depth
            body = [x, ybase - h, x + w, ybase]
            shade = int(200 - 30 * k)
            d.rectangle(body, fill=(shade, shade + 8, shade + 14, 255), outline=(60, 66, 74, 255), width=3)
            d.rectangle([x + w * 0.08, ybase - h * 0.85, x + w * 0.62, ybase - h * 0.35],
                        fill=(40, 60, 80, 255))
            d.rectangle([x + w * 0.7, ybase - h * 0.8, x + w * 0.9, ybase - h * 0.55],
                        fill=(30, 160, 90, 255) if k % 2 else (40, 120, 200, 255))
            d.rectangle([x + w * 0.78, ybase - h - 60 * depth, x + w * 0.83, ybase - h], fill=(70, 70, 70, 255))
            d.ellipse([x + w * 0.76, ybase - h - 80 * depth, x + w * 0.85, ybase - h - 50 * depth],
                      fill=(40, 200, 80, 255))
    # large monitor with SPC chart in the foreground
    mx0, my0, mx1, my1 = 700, 560, 1300, 930
    d.rectangle([mx0 - 14, my0 - 14, mx1 + 14, my1 + 14], fill=(25, 25, 28, 255))
    d.rectangle([mx0, my0, mx1, my1], fill=(12, 34, 60, 255))
    d.text((mx0 + 30, my0 + 20), "5G+MES  质量实时看板", font=font(40, True), fill=(230, 240, 255, 255))
    d.line([(mx0 + 40, my0 + 200), (mx1 - 40, my0 + 200)], fill=(120, 200, 120, 255), width=3)
    for yy in (my0 + 130, my0 + 270):
        d.line([(mx0 + 40, yy), (mx1 - 40, yy)], fill=(220, 80, 80, 255), width=3)
    pts = [(mx0 + 40 + i * 20, my0 + 200 + rnd.gauss(0, 22)) for i in range(27)]
    d.line(pts, fill=(255, 220, 90, 255), width=4)
    for p in pts:
        d.ellipse([p[0] - 6, p[1] - 6, p[0] + 6, p[1] + 6], fill=(255, 220, 90, 255))
    d.text((mx0 + 40, my1 - 70), "外径磨削  Cpk 1.83   合格率 99.35%", font=font(34), fill=(200, 230, 255, 255))
    d.rectangle([985, my1 + 14, 1015, 1120], fill=(40, 40, 44, 255))
    d.rectangle([900, 1110, 1100, 1135], fill=(40, 40, 44, 255))
    # bearing rings on a conveyor in the foreground
    d.rectangle([0, 1020, 640, 1080], fill=(80, 84, 90, 255))
    for i in range(4):
        cx = 90 + i * 150
        d.ellipse([cx - 60, 960, cx + 60, 1030], fill=(190, 195, 200, 255), outline=(90, 95, 100, 255), width=6)
        d.ellipse([cx - 34, 978, cx + 34, 1012], fill=(80, 84, 90, 255))
    # ceiling lights with glow
    glow = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    g = ImageDraw.Draw(glow)
    lamps = [(170 + i * 237, 70) for i in range(8)]
    for x, y in lamps:
        g.ellipse([x - 110, y - 40, x + 110, y + 50], fill=(255, 255, 235, 140))
    glow = glow.filter(ImageFilter.GaussianBlur(24))
    img = Image.alpha_composite(img.convert("RGBA"), glow)
    d = ImageDraw.Draw(img)
    for x, y in lamps:
        d.rectangle([x - 70, y - 34, x + 70, y - 26], fill=(70, 72, 80, 255))
        d.ellipse([x - 70, y - 30, x + 70, y - 6], fill=(255, 255, 245, 255))
    img = img.convert("RGB")
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    # light sensor noise so it reads as a photograph
    noise = Image.effect_noise((W, H), 12).convert("RGB")
    img = Image.blend(img, noise, 0.04)
    path = os.path.join(HERE, "workshop.jpg")
    img.save(path, "JPEG", quality=85, optimize=True, progressive=True, dpi=(300, 300))
    print(f"workshop.jpg: {W}x{H} px, {os.path.getsize(path) // 1024} KB")


# --------------------------------------------------------------------------- charts
YEARS = ["2019年", "2020年", "2021年", "2022年"]
YIELD = [96.20, 97.60, 98.70, 99.35]      # 一次交检合格率 %
SCRAP = [1.85, 1.32, 0.86, 0.52]          # 综合废品率 %
SATIS = [86.5, 89.2, 92.4, 94.8]          # 顾客满意度 分
PPM = [420, 260, 135, 68]                 # 顾客端不良 ppm


def _mpl():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    font_manager.fontManager.addfont(FONT_PATH)
    names = {f.name for f in font_manager.fontManager.ttflist}
    family = "Noto Sans CJK SC" if "Noto Sans CJK SC" in names else \
        font_manager.FontProperties(fname=FONT_PATH).get_name()
    plt.rcParams.update({"font.family": family, "font.size": 11, "axes.unicode_minus": False})
    return plt


def _save_fig(fig, name):
    import io
    buf = io.BytesIO()
    fig.savefig(buf, dpi=300, format="png", facecolor="white")
    buf.seek(0)
    save_png(Image.open(buf), name, colors=48)


def bar_line(name, bars, bar_label, bar_ylim, bar_fmt, line, line_label, line_ylim, line_fmt):
    plt = _mpl()
    fig, ax = plt.subplots(figsize=(7.6, 4.2))
    x = range(len(YEARS))
    b = ax.bar(x, bars, width=0.5, color="#2E75B6", label=bar_label, zorder=2)
    ax.set_ylim(*bar_ylim)
    ax.set_ylabel(bar_label)
    ax.set_xticks(list(x), YEARS)
    ax.grid(axis="y", color="#DDDDDD", zorder=0)
    for rect, v in zip(b, bars):  # value inside the bar, near its base: clear of the line
        ax.annotate(bar_fmt.format(v), (rect.get_x() + rect.get_width() / 2, bar_ylim[0]),
                    xytext=(0, 6), textcoords="offset points", ha="center", va="bottom",
                    fontsize=10, color="white", fontweight="bold")
    ax2 = ax.twinx()
    (l,) = ax2.plot(list(x), line, color="#C00000", marker="o", linewidth=2.2, label=line_label)
    ax2.set_ylim(*line_ylim)
    ax2.set_ylabel(line_label)
    for xi, v in zip(x, line):
        ax2.annotate(line_fmt.format(v), (xi, v), xytext=(10, 6), textcoords="offset points",
                     color="#C00000", fontsize=10)
    for s in ("top",):
        ax.spines[s].set_visible(False)
        ax2.spines[s].set_visible(False)
    ax.legend([b, l], [bar_label, line_label], loc="upper center", ncol=2, frameon=False,
              bbox_to_anchor=(0.5, 1.12))
    fig.tight_layout()
    _save_fig(fig, name)
    plt.close(fig)


def main():
    org_chart()
    pdca_model()
    workshop()
    bar_line("yield-scrap.png", YIELD, "一次交检合格率（%）", (94, 100.5), "{:.2f}",
             SCRAP, "综合废品率（%）", (0, 2.2), "{:.2f}")
    bar_line("satisfaction.png", SATIS, "顾客满意度（分）", (80, 100), "{:.1f}",
             PPM, "顾客端不良（ppm）", (0, 500), "{:d}")


if __name__ == "__main__":
    main()
