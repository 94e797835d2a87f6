// A small hand-written SVG line plot (no dependency): panels side by side, each
// with axes, a grid, one polyline plus point markers per series and a legend.
// Used by `hashi report sweep` and scripts/po2-area-sweep.ts.

export interface Series {
  readonly label: string;
  /** Default: a color of the palette by position. */
  readonly color?: string;
  readonly xy: readonly (readonly [number, number])[];
}

export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
}

export interface PlotOptions {
  readonly panelWidth?: number;
  readonly panelHeight?: number;
  /** A line above the panels. */
  readonly title?: string;
}

export const COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'];

/** The smallest of 1, 2, 2.5, 5 times a power of ten that is >= v (the y axis top). */
export function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const e = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * e >= v) return m * e;
  return 10 * e;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function tick(v: number): string {
  // Axis labels: integers as they are, fractions without float noise.
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

function panel(x0: number, y0: number, w: number, h: number, p: Panel): string {
  const xs = p.series.flatMap((s) => s.xy.map((q) => q[0]));
  const ys = p.series.flatMap((s) => s.xy.map((q) => q[1]));
  const xmin = xs.length ? Math.min(...xs) : 0;
  const xmax = xs.length ? Math.max(...xs) : 1;
  const ymax = niceCeil(ys.length ? Math.max(...ys) : 1);
  const L = 64;
  const B = 40;
  const pw = w - L - 10;
  const ph = h - B - 30;
  const sx = (x: number): number => x0 + L + ((x - xmin) / (xmax - xmin || 1)) * pw;
  const sy = (y: number): number => y0 + 30 + ph - (y / ymax) * ph;
  const out: string[] = [];
  out.push(`<text x="${x0 + w / 2}" y="${y0 + 18}" text-anchor="middle" font-weight="bold">${escapeXml(p.title)}</text>`);
  out.push(`<rect x="${x0 + L}" y="${y0 + 30}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    const yv = (ymax * i) / 4;
    out.push(`<line x1="${x0 + L}" x2="${x0 + L + pw}" y1="${sy(yv)}" y2="${sy(yv)}" stroke="#eee"/>`);
    out.push(`<text x="${x0 + L - 4}" y="${sy(yv) + 4}" text-anchor="end" font-size="11">${tick(yv)}</text>`);
  }
  for (const xv of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(`<text x="${sx(xv)}" y="${y0 + 30 + ph + 14}" text-anchor="middle" font-size="11">${tick(xv)}</text>`);
  }
  out.push(`<text x="${x0 + L + pw / 2}" y="${y0 + h - 6}" text-anchor="middle" font-size="12">${escapeXml(p.xLabel)}</text>`);
  const cy = y0 + 30 + ph / 2;
  out.push(`<text x="${x0 + 12}" y="${cy}" text-anchor="middle" font-size="12" transform="rotate(-90 ${x0 + 12} ${cy})">${escapeXml(p.yLabel)}</text>`);
  p.series.forEach((s, i) => {
    const color = escapeXml(s.color ?? (COLORS[i % COLORS.length] as string));
    const pts = s.xy.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"><title>${escapeXml(s.label)}</title></polyline>`);
    for (const [x, y] of s.xy) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${color}"/>`);
    out.push(`<text x="${x0 + w - 16}" y="${y0 + 46 + 14 * i}" text-anchor="end" font-size="11" fill="${color}">${escapeXml(s.label)}</text>`);
  });
  return out.join('\n');
}

/** One SVG document with the panels side by side. */
export function linePlot(panels: readonly Panel[], o: PlotOptions = {}): string {
  const W = o.panelWidth ?? 460;
  const H = o.panelHeight ?? 320;
  const top = o.title === undefined ? 0 : 24;
  const parts = panels.map((p, i) => panel(i * W, top, W, H, p));
  if (o.title !== undefined) parts.unshift(`<text x="8" y="17" font-size="14" font-weight="bold">${escapeXml(o.title)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${panels.length * W}" height="${H + top}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}
