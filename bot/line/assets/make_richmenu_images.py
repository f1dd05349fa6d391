"""Generate the LINE rich menu images (dev-time script, run by hand).

    python bot/line/assets/make_richmenu_images.py          # writes both PNGs next to this file
    python bot/line/assets/make_richmenu_images.py --out DIR

Needs Pillow (``pip install pillow``) and a Thai font; on Debian
``apt-get install fonts-thai-tlwg`` provides Garuda, which is used by default.
Set KAMBOT_THAI_FONT / KAMBOT_THAI_FONT_BOLD to use other .ttf files.
Pillow built with libraqm is preferred (correct placement of Thai vowels and
tone marks); the basic layout is used with a warning otherwise.

Cell bounds, order and labels are read from bot/line/richmenu_layout.py, so the
drawn buttons always line up with the tap areas.
The generated PNGs are committed; this script is not run at bot start-up.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

HERE = Path(__file__).resolve().parent
SS = 2  # supersampling factor for anti-aliased shapes
MAX_BYTES = 1024 * 1024  # LINE's limit for a rich menu image

# Palette: PEA purple with white, high contrast.
BG = (74, 2, 60)  # gutters between tiles
TILE = (116, 4, 95)  # #74045F
TILE_EDGE = (142, 42, 121)
WHITE = (255, 255, 255)
SUBTEXT = (240, 214, 233)
ACCENT = (246, 168, 0)  # thin gold ring around the icon badge
GLYPH = TILE

# Grid, postback order and labels come from bot/line/richmenu_layout.py (loaded by
# path, so this script runs without installing the package); only icons are here.
_spec = importlib.util.spec_from_file_location("_richmenu_layout", HERE.parent / "richmenu_layout.py")
LAYOUT_MOD = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(LAYOUT_MOD)

ICONS = {
    "a=outage": "bolt",
    "a=service": "gear",
    "a=complaint": "bubble",
    "a=rate": "star",
    "a=status": "magnifier",
    "a=contact": "person",
    "a=mytickets": "clipboard",
    "a=visit": "pin",
    "a=myquarter": "bars",
}

FONT_DIRS = [
    Path("/usr/share/fonts/truetype/tlwg"),
    Path("/usr/share/fonts/opentype/tlwg"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
]
BOLD_CANDIDATES = ["Garuda-Bold.ttf", "Loma-Bold.ttf", "Waree-Bold.ttf", "Norasi-Bold.ttf", "Kinnari-Bold.ttf"]
REGULAR_CANDIDATES = ["Garuda.ttf", "Loma.ttf", "Waree.ttf", "Norasi.ttf", "Kinnari.ttf"]


def find_font(env: str, names: list[str]) -> str:
    if os.environ.get(env):
        return os.environ[env]
    for d in FONT_DIRS:
        for n in names:
            if (d / n).is_file():
                return str(d / n)
    sys.exit(f"No Thai font found (tried {names}); apt-get install fonts-thai-tlwg or set {env}")


LAYOUT = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC


def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=LAYOUT)


# ---------------------------------------------------------------- icon glyphs
# Each glyph is drawn centred on (cx, cy) in a box of half-size u, in `color`,
# on a white badge (holes are punched with `hole`).


def _pt(cx, cy, u, x, y):
    return (cx + x * u, cy + y * u)


def _poly(d, cx, cy, u, pts, fill):
    d.polygon([_pt(cx, cy, u, x, y) for x, y in pts], fill=fill)


def _circle(d, cx, cy, r, fill=None, outline=None, width=0):
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill, outline=outline, width=width)


def _thick_line(d, p0, p1, w, fill):
    d.line([p0, p1], fill=fill, width=int(w))
    _circle(d, *p0, w / 2, fill=fill)
    _circle(d, *p1, w / 2, fill=fill)


def glyph_bolt(d, cx, cy, u, color, hole):
    _poly(d, cx, cy, u, [(0.12, -0.95), (0.62, -0.95), (0.18, -0.12), (0.6, -0.12),
                         (-0.3, 1.0), (-0.06, 0.16), (-0.5, 0.16)], color)


def glyph_gear(d, cx, cy, u, color, hole):
    teeth = 8
    pts = []
    for i in range(teeth):
        a0 = 2 * math.pi * i / teeth
        step = 2 * math.pi / teeth
        for frac, rad in ((0.0, 0.72), (0.12, 0.95), (0.38, 0.95), (0.5, 0.72)):
            a = a0 + frac * step
            pts.append((math.cos(a) * rad, math.sin(a) * rad))
        for frac in (0.62, 0.75, 0.88):
            a = a0 + frac * step
            pts.append((math.cos(a) * 0.72, math.sin(a) * 0.72))
    _poly(d, cx, cy, u, pts, color)
    _circle(d, cx, cy, 0.3 * u, fill=hole)


def glyph_bubble(d, cx, cy, u, color, hole):
    d.rounded_rectangle((cx - 0.95 * u, cy - 0.8 * u, cx + 0.95 * u, cy + 0.5 * u), radius=0.3 * u, fill=color)
    _poly(d, cx, cy, u, [(-0.55, 0.4), (-0.1, 0.4), (-0.6, 0.95)], color)
    d.rounded_rectangle((cx - 0.1 * u, cy - 0.6 * u, cx + 0.1 * u, cy + 0.05 * u), radius=0.1 * u, fill=hole)
    _circle(d, cx, cy + 0.27 * u, 0.11 * u, fill=hole)


def glyph_star(d, cx, cy, u, color, hole):
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        r = 1.0 if i % 2 == 0 else 0.42
        pts.append((math.cos(a) * r, math.sin(a) * r + 0.08))
    _poly(d, cx, cy, u, pts, color)


def glyph_magnifier(d, cx, cy, u, color, hole):
    gx, gy, gr = cx - 0.18 * u, cy - 0.18 * u, 0.58 * u
    _thick_line(d, (cx + 0.2 * u, cy + 0.2 * u), (cx + 0.82 * u, cy + 0.82 * u), 0.32 * u, color)
    _circle(d, gx, gy, gr, fill=color)
    _circle(d, gx, gy, gr - 0.2 * u, fill=hole)
    # a check mark inside the lens: "status"
    w = 0.13 * u
    _thick_line(d, (gx - 0.2 * u, gy + 0.0 * u), (gx - 0.04 * u, gy + 0.17 * u), w, color)
    _thick_line(d, (gx - 0.04 * u, gy + 0.17 * u), (gx + 0.24 * u, gy - 0.17 * u), w, color)


def glyph_person(d, cx, cy, u, color, hole):
    _circle(d, cx - 0.12 * u, cy - 0.38 * u, 0.36 * u, fill=color)
    d.pieslice((cx - 0.82 * u, cy + 0.1 * u, cx + 0.58 * u, cy + 1.5 * u), 180, 360, fill=color)
    # small speech bubble: "contact"
    bx, by = cx + 0.62 * u, cy - 0.62 * u
    d.rounded_rectangle((bx - 0.36 * u, by - 0.26 * u, bx + 0.36 * u, by + 0.22 * u), radius=0.12 * u, fill=color)
    _poly(d, bx, by, u, [(-0.2, 0.15), (0.02, 0.15), (-0.26, 0.42)], color)
    for k in (-0.18, 0.0, 0.18):
        _circle(d, bx + k * u, by - 0.02 * u, 0.06 * u, fill=hole)


def glyph_clipboard(d, cx, cy, u, color, hole):
    d.rounded_rectangle((cx - 0.7 * u, cy - 0.8 * u, cx + 0.7 * u, cy + 0.95 * u), radius=0.14 * u, fill=color)
    d.rounded_rectangle((cx - 0.52 * u, cy - 0.58 * u, cx + 0.52 * u, cy + 0.78 * u), radius=0.06 * u, fill=hole)
    d.rounded_rectangle((cx - 0.3 * u, cy - 0.95 * u, cx + 0.3 * u, cy - 0.6 * u), radius=0.1 * u, fill=color)
    for i, y in enumerate((-0.3, 0.07, 0.44)):
        _circle(d, cx - 0.3 * u, cy + y * u, 0.08 * u, fill=color)
        d.rounded_rectangle((cx - 0.12 * u, cy + (y - 0.06) * u, cx + 0.36 * u, cy + (y + 0.06) * u),
                            radius=0.05 * u, fill=color)


def glyph_pin(d, cx, cy, u, color, hole):
    r = 0.56
    top = -0.35
    _circle(d, cx, cy + top * u, r * u, fill=color)
    # tangent lines from the tip to the circle
    tip = 1.0
    dist = tip - top
    a = math.asin(r / dist)
    tx = r * math.cos(a)
    ty = top + r * math.sin(a)
    _poly(d, cx, cy, u, [(-tx, ty), (tx, ty), (0, tip)], color)
    _circle(d, cx, cy + top * u, 0.22 * u, fill=hole)


def glyph_bars(d, cx, cy, u, color, hole):
    base = 0.85
    for x0, h in ((-0.85, 0.6), (-0.3, 1.0), (0.25, 1.45)):
        d.rounded_rectangle((cx + x0 * u, cy + (base - h) * u, cx + (x0 + 0.42) * u, cy + base * u),
                            radius=0.08 * u, fill=color)
    _thick_line(d, (cx - 0.85 * u, cy - 0.2 * u), (cx + 0.35 * u, cy - 0.9 * u), 0.1 * u, color)
    _poly(d, cx, cy, u, [(0.5, -1.0), (0.2, -1.0), (0.44, -0.68)], color)


GLYPHS = {
    "bolt": glyph_bolt,
    "gear": glyph_gear,
    "bubble": glyph_bubble,
    "star": glyph_star,
    "magnifier": glyph_magnifier,
    "person": glyph_person,
    "clipboard": glyph_clipboard,
    "pin": glyph_pin,
    "bars": glyph_bars,
}


# ---------------------------------------------------------------- layout


def fit_font(path: str, text: str, size: int, max_width: float) -> ImageFont.FreeTypeFont:
    while size > 10:
        f = load_font(path, size)
        if f.getlength(text) <= max_width:
            return f
        size -= 2
    return load_font(path, size)


def draw_centered(d, text, font, cx, baseline, fill):
    """Draw text horizontally centred on a fixed baseline (keeps rows aligned when a label shrinks)."""
    d.text((cx, baseline), text, font=font, fill=fill, anchor="ms")


def render(menu: dict, buttons, bold: str, regular: str) -> Image.Image:
    width, height = menu["size"]["width"], menu["size"]["height"]
    img = Image.new("RGB", (width * SS, height * SS), BG)
    d = ImageDraw.Draw(img)
    gap = 10 * SS
    assert len(menu["areas"]) == len(buttons)
    for area, (data, th, en) in zip(menu["areas"], buttons):
        assert area["action"]["data"] == data
        glyph = ICONS[data]
        b = area["bounds"]
        x, y, w, h = b["x"] * SS, b["y"] * SS, b["width"] * SS, b["height"] * SS
        d.rounded_rectangle((x + gap, y + gap, x + w - gap, y + h - gap), radius=36 * SS,
                            fill=TILE, outline=TILE_EDGE, width=3 * SS)
        cx = x + w / 2
        # icon badge
        br = 150 * SS
        bcy = y + 285 * SS
        _circle(d, cx, bcy, br + 9 * SS, fill=ACCENT)
        _circle(d, cx, bcy, br, fill=WHITE)
        GLYPHS[glyph](d, cx, bcy, br * 0.64, GLYPH, WHITE)
        # labels
        max_w = w - 2 * 60 * SS
        f_th = fit_font(bold, th, 92 * SS, max_w)
        f_en = fit_font(regular, en, 58 * SS, max_w)
        draw_centered(d, th, f_th, cx, y + 605 * SS, WHITE)
        draw_centered(d, en, f_en, cx, y + 718 * SS, SUBTEXT)
    return img.resize((width, height), Image.LANCZOS)


def save_png(img: Image.Image, path: Path) -> int:
    for colors in (256, 128, 64):
        q = img.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        q.save(path, format="PNG", optimize=True)
        size = path.stat().st_size
        if size < MAX_BYTES:
            return size
    raise SystemExit(f"{path} is {size} bytes, over LINE's 1 MB limit")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE, help="output directory (default: %(default)s)")
    args = ap.parse_args(argv)
    bold = find_font("KAMBOT_THAI_FONT_BOLD", BOLD_CANDIDATES)
    regular = find_font("KAMBOT_THAI_FONT", REGULAR_CANDIDATES)
    if LAYOUT != ImageFont.Layout.RAQM:
        print("warning: Pillow has no libraqm; Thai marks may be misplaced", file=sys.stderr)
    print(f"fonts: {bold}, {regular}; layout: {'raqm' if LAYOUT == ImageFont.Layout.RAQM else 'basic'}")
    args.out.mkdir(parents=True, exist_ok=True)
    L = LAYOUT_MOD
    for kind, buttons in (("customer", L.CUSTOMER_BUTTONS), ("staff", L.STAFF_BUTTONS)):
        name = L.IMAGE_FILES[kind]
        img = render(L.MENUS[kind], buttons, bold, regular)
        size = save_png(img, args.out / name)
        print(f"wrote {args.out / name}: {img.width}x{img.height}, {size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
