/** Small SVG charts for the simulation report: grouped bars and lines over a numeric x axis, with axes and a legend. */

export interface Series {
  readonly name: string;
  readonly values: readonly number[];
}

export interface ChartOptions {
  readonly title: string;
  /** Labels of the x positions (hours, times). */
  readonly x: readonly string[];
  readonly series: readonly Series[];
  readonly yLabel: string;
  readonly kind: 'bars' | 'lines';
  /** Vertical marker lines at x indexes (a cut-off), with their labels. */
  readonly markers?: readonly { readonly at: number; readonly label: string }[];
  readonly width?: number;
  readonly height?: number;
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** A "nice" axis maximum (1, 2 or 5 × 10^k) at or above `max`, and its tick step. */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.2 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { max: Math.ceil(max / step - 1e-9) * step, step };
}

export function chart(o: ChartOptions): string {
  const width = o.width ?? 760;
  const height = o.height ?? 300;
  const left = 60;
  const right = 20;
  const top = 36;
  const bottom = 56;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const n = o.x.length;
  const { max, step } = niceScale(Math.max(0, ...o.series.flatMap((s) => s.values)));
  const y = (v: number): number => top + plotH - (v / max) * plotH;
  const slot = plotW / Math.max(1, n);
  const xc = (i: number): number => left + slot * (i + 0.5);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(o.title)}</text>`,
  ];
  for (let v = 0; v <= max + 1e-9; v += step) {
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${num(v)}</text>`);
  }
  out.push(`<text transform="translate(14 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  const labelEvery = Math.max(1, Math.ceil(n / 24));
  for (let i = 0; i < n; i += labelEvery) out.push(`<text x="${xc(i).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle">${esc(o.x[i]!)}</text>`);
  out.push(`<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#333"/>`);
  if (o.kind === 'bars') {
    const groupW = slot * 0.8;
    const barW = groupW / Math.max(1, o.series.length);
    o.series.forEach((s, k) => {
      s.values.forEach((v, i) => {
        if (v <= 0) return;
        const x = left + slot * i + slot * 0.1 + barW * k;
        out.push(`<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(top + plotH - y(v)).toFixed(1)}" fill="${COLOURS[k % COLOURS.length]}"/>`);
      });
    });
  } else {
    o.series.forEach((s, k) => {
      const pts = s.values.map((v, i) => `${xc(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      out.push(`<polyline fill="none" stroke="${COLOURS[k % COLOURS.length]}" stroke-width="2" points="${pts}"/>`);
    });
  }
  for (const m of o.markers ?? []) {
    const x = left + slot * m.at;
    out.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${top}" y2="${top + plotH}" stroke="#d62728" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${(x + 4).toFixed(1)}" y="${top + 12}" fill="#d62728">${esc(m.label)}</text>`);
  }
  o.series.forEach((s, k) => {
    const x = left + k * 170;
    out.push(`<rect x="${x}" y="${height - 18}" width="12" height="10" fill="${COLOURS[k % COLOURS.length]}"/>`);
    out.push(`<text x="${x + 16}" y="${height - 9}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
