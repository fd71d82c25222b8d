#!/usr/bin/python3
"""Draws the analysis CSVs of mlgi (trajectory, interpolate) as self-contained SVG files.

Standard library only (no matplotlib on the project machines), so the pictures in docs/ can be regenerated anywhere:
    /usr/bin/python3 tools/plot_analyses.py trajectory points.csv out.svg   # mlgi trajectory --csv
    /usr/bin/python3 tools/plot_analyses.py path path.csv out.svg           # mlgi interpolate --csv
"""
import csv
import math
import sys
from html import escape

if sys.version_info < (3, 9):
    sys.exit("plot_analyses.py needs Python 3.9 or newer")

W, H, PAD = 330, 300, 42
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]


def num(text):
    try:
        return float(text)
    except ValueError:
        return math.nan


def scale(values, lo_px, hi_px):
    finite = [v for v in values if math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    return (lambda v: lo_px + (v - lo) / (hi - lo) * (hi_px - lo_px)), lo, hi


def frame(ox, oy, title, xlabel, ylabel, xlo, xhi, ylo, yhi):
    g = [f'<rect x="{ox + PAD}" y="{oy + 20}" width="{W - PAD - 10}" height="{H - PAD - 20}" fill="none" stroke="#999"/>',
         f'<text x="{ox + W / 2}" y="{oy + 14}" text-anchor="middle" font-size="12">{escape(title)}</text>',
         f'<text x="{ox + W / 2}" y="{oy + H - 6}" text-anchor="middle" font-size="10">{escape(xlabel)}</text>',
         f'<text x="{ox + 10}" y="{oy + H / 2}" font-size="10" transform="rotate(-90 {ox + 10} {oy + H / 2})" text-anchor="middle">{escape(ylabel)}</text>',
         f'<text x="{ox + PAD}" y="{oy + H - PAD + 12}" font-size="9">{xlo:.3g}</text>',
         f'<text x="{ox + W - 10}" y="{oy + H - PAD + 12}" font-size="9" text-anchor="end">{xhi:.3g}</text>',
         f'<text x="{ox + PAD - 2}" y="{oy + H - PAD}" font-size="9" text-anchor="end">{ylo:.3g}</text>',
         f'<text x="{ox + PAD - 2}" y="{oy + 28}" font-size="9" text-anchor="end">{yhi:.3g}</text>']
    return g


def svg(panels, width, height):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif">'
            f'<rect width="100%" height="100%" fill="white"/>' + "".join(panels) + "</svg>\n")


def trajectory(rows, out):
    variants = list(dict.fromkeys(r["variant"] for r in rows))
    panels = []
    for i, v in enumerate(variants + ["loss"]):
        ox = i * W
        if v == "loss":
            pts = [(num(r["step"]), num(r["loss"])) for r in rows if r["variant"] == variants[0] and math.isfinite(num(r["loss"]))]
            if not pts:
                continue
            sx, xlo, xhi = scale([p[0] for p in pts], ox + PAD, ox + W - 10)
            sy, ylo, yhi = scale([p[1] for p in pts], H - PAD, 20)
            panels += frame(ox, 0, "training loss between points", "step", "loss", xlo, xhi, ylo, yhi)
            panels.append('<polyline fill="none" stroke="#333" stroke-width="1" points="'
                          + " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts) + '"/>')
            continue
        pts = [(num(r["x"]), num(r["y"]), num(r["step"])) for r in rows if r["variant"] == v]
        sx, xlo, xhi = scale([p[0] for p in pts], ox + PAD, ox + W - 10)
        sy, ylo, yhi = scale([p[1] for p in pts], H - PAD, 20)
        panels += frame(ox, 0, f"{v} ({len(pts)} points)", "x", "y", xlo, xhi, ylo, yhi)
        n = max(1, len(pts) - 1)
        for k in range(len(pts) - 1):
            t = k / n  # blue (start) -> red (end)
            colour = f"rgb({int(40 + 200 * t)},{int(80 * (1 - t))},{int(220 * (1 - t))})"
            panels.append(f'<line x1="{sx(pts[k][0]):.1f}" y1="{sy(pts[k][1]):.1f}" x2="{sx(pts[k + 1][0]):.1f}" '
                          f'y2="{sy(pts[k + 1][1]):.1f}" stroke="{colour}" stroke-width="1.2"/>')
        panels.append(f'<circle cx="{sx(pts[0][0]):.1f}" cy="{sy(pts[0][1]):.1f}" r="3" fill="#1f77b4"><title>start</title></circle>')
    count = len(variants) + (1 if any(math.isfinite(num(r["loss"])) for r in rows) else 0)
    open(out, "w").write(svg(panels, W * count, H))


def path(rows, out):
    targets = list(dict.fromkeys(r["target"] for r in rows))
    has_accuracy = any(math.isfinite(num(r["accuracy"])) for r in rows)
    panels = []
    for i, column in enumerate(["loss", "accuracy"] if has_accuracy else ["loss"]):
        ox = i * W
        alphas = [num(r["alpha"]) for r in rows]
        sx, xlo, xhi = scale(alphas, ox + PAD, ox + W - 10)
        sy, ylo, yhi = scale([num(r[column]) for r in rows], H - PAD, 20)
        panels += frame(ox, 0, f"{column} along θα = (1−α)θ0 + αθ1", "α", column, xlo, xhi, ylo, yhi)
        for a in (0.0, 1.0):
            if xlo <= a <= xhi:
                panels.append(f'<line x1="{sx(a):.1f}" y1="20" x2="{sx(a):.1f}" y2="{H - PAD}" stroke="#ccc" stroke-dasharray="3,3"/>')
        for k, t in enumerate(targets):
            pts = sorted((num(r["alpha"]), num(r[column])) for r in rows if r["target"] == t)
            colour = PALETTE[k % len(PALETTE)]
            panels.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="'
                          + " ".join(f"{sx(a):.1f},{sy(v):.1f}" for a, v in pts if math.isfinite(v)) + '"/>')
            if i == 0 and len(targets) <= 12:
                panels.append(f'<text x="{ox + W - 14}" y="{34 + 12 * k}" font-size="10" text-anchor="end" fill="{colour}">{escape(t)}</text>')
    open(out, "w").write(svg(panels, W * (2 if has_accuracy else 1), H))


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("trajectory", "path"):
        sys.exit(__doc__)
    with open(sys.argv[2], newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"{sys.argv[2]}: no rows")
    (trajectory if sys.argv[1] == "trajectory" else path)(rows, sys.argv[3])


if __name__ == "__main__":
    main()
