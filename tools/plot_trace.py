#!/usr/bin/env python3
"""Plot activity traces (the CSV trace format of README.md) as an SVG line chart; standard library only.

Usage: tools/plot_trace.py OUT.svg TRACE.csv[:LABEL] [TRACE.csv[:LABEL] ...] [--layer network] [--log] [--title T]
Each trace contributes the rows of one layer (default `network`); several files put several curves on one chart,
e.g. the plain algorithm against the defaults.
"""
import argparse
import csv
import math

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"]


def read(path, layer):
    points = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["layer"] != layer:
                continue
            v = float(row["activity"])
            if math.isfinite(v):
                points.append((int(row["step"]), v))
    return points


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("traces", nargs="+")
    p.add_argument("--layer", default="network")
    p.add_argument("--log", action="store_true", help="log10 y axis")
    p.add_argument("--title", default="")
    a = p.parse_args()
    series = []
    for spec in a.traces:
        path, _, label = spec.partition(":")
        for layer in a.layer.split(","):
            series.append((f"{label or path} {layer}".strip(), read(path, layer)))
    xs = [x for _, pts in series for x, _ in pts]
    ys = [y for _, pts in series for _, y in pts if (y > 0 or not a.log)]
    if not xs:
        raise SystemExit("no rows for layer " + a.layer)
    f = (lambda y: math.log10(max(y, 1e-12))) if a.log else (lambda y: y)
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(map(f, ys)), max(map(f, ys))
    if y1 == y0:
        y1 = y0 + 1
    W, H, L, R, T, B = 760, 300, 60, 170, 30, 40
    sx = lambda x: L + (x - x0) / max(1, x1 - x0) * (W - L - R)
    sy = lambda y: T + (1 - (f(y) - y0) / (y1 - y0)) * (H - T - B)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{L}" y="18" font-size="13">{a.title}</text>',
           f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>',
           f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>',
           f'<text x="{(W - R + L) / 2}" y="{H - 8}" text-anchor="middle">step</text>']
    for i in range(5):
        yv = y0 + (y1 - y0) * i / 4
        py = T + (1 - i / 4) * (H - T - B)
        label = f"1e{round(yv):d}" if a.log and y1 - y0 > 3 else (f"{10 ** yv:.3g}" if a.log else f"{yv:.3g}")
        out.append(f'<line x1="{L - 4}" y1="{py:.1f}" x2="{W - R}" y2="{py:.1f}" stroke="#ddd"/><text x="{L - 6}" y="{py + 4:.1f}" text-anchor="end">{label}</text>')
    for i in range(5):
        xv = x0 + (x1 - x0) * i / 4
        out.append(f'<text x="{sx(xv):.1f}" y="{H - B + 14}" text-anchor="middle">{xv:.0f}</text>')
    for k, (label, pts) in enumerate(series):
        c = COLORS[k % len(COLORS)]
        d = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts if y > 0 or not a.log)
        out.append(f'<polyline fill="none" stroke="{c}" stroke-width="1" points="{d}"/>')
        out.append(f'<rect x="{W - R + 10}" y="{T + 16 * k}" width="10" height="10" fill="{c}"/><text x="{W - R + 24}" y="{T + 16 * k + 9}">{label}</text>')
    out.append("</svg>")
    open(a.out, "w").write("\n".join(out))


if __name__ == "__main__":
    main()
