/**
 * A hand-written SVG chart of a bench run: throughput (events/s) and peak RSS (MiB) per engine,
 * grouped by dataset size. No chart library: bars, axes and labels are computed here.
 */
import type { ResultRow } from './results.js';

const PALETTE = ['#2f6fb0', '#e07b39', '#3a9e5c', '#c2474f', '#8a63b5', '#8c6d31', '#4aa3b5'];
const PANEL_WIDTH = 460;
const PANEL_HEIGHT = 300;
const MARGIN = { top: 56, right: 20, bottom: 56, left: 72 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A round axis maximum and tick step (1, 2 or 5 × 10^k) for values up to `max`. */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.2 };
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  return { max: Math.ceil(max / step - 1e-9) * step, step };
}

function compact(value: number): string {
  const trim = (text: string) => text.replace(/\.0$/, '');
  if (value >= 1e6) return `${trim((value / 1e6).toFixed(1))}M`;
  if (value >= 1e4) return `${Math.round(value / 1e3)}k`;
  if (value >= 10 || value === 0) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(1);
}

interface Panel {
  title: string;
  value: (row: ResultRow) => number | undefined;
}

function panel(
  rows: readonly ResultRow[],
  engines: readonly string[],
  sizes: readonly number[],
  spec: Panel,
  x0: number,
): string {
  const plotW = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const values = rows.flatMap((r) => {
    const v = spec.value(r);
    return v !== undefined ? [v] : [];
  });
  const scale = niceScale(Math.max(0, ...values));
  const y = (v: number) => MARGIN.top + plotH - (v / scale.max) * plotH;
  const out: string[] = [];
  out.push(`<g transform="translate(${x0},0)">`);
  out.push(`<text x="${MARGIN.left}" y="24" class="title">${escapeXml(spec.title)}</text>`);
  for (let t = 0; t <= scale.max + 1e-9; t += scale.step) {
    const ty = y(t).toFixed(1);
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${ty}" y2="${ty}" class="grid"/>`);
    out.push(
      `<text x="${MARGIN.left - 6}" y="${ty}" class="tick" text-anchor="end" dy="0.32em">${compact(t)}</text>`,
    );
  }
  const groupW = plotW / Math.max(1, sizes.length);
  const barW = Math.min(36, (groupW * 0.8) / Math.max(1, engines.length));
  sizes.forEach((size, g) => {
    const gx = MARGIN.left + g * groupW + (groupW - barW * engines.length) / 2;
    engines.forEach((engine, e) => {
      const row = rows.find((r) => r.engine === engine && r.events === size);
      const v = row ? spec.value(row) : undefined;
      const bx = gx + e * barW;
      if (v === undefined) {
        out.push(
          `<text x="${(bx + barW / 2).toFixed(1)}" y="${y(0) - 4}" class="na" text-anchor="middle">n/a</text>`,
        );
        return;
      }
      const top = y(v);
      out.push(
        `<rect x="${bx.toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(y(0) - top).toFixed(1)}" fill="${PALETTE[e % PALETTE.length]}"><title>${escapeXml(`${engine}, ${size.toLocaleString('en-US')} events: ${compact(v)}`)}</title></rect>`,
      );
      out.push(
        `<text x="${(bx + (barW - 2) / 2).toFixed(1)}" y="${(top - 4).toFixed(1)}" class="value" text-anchor="middle">${compact(v)}</text>`,
      );
    });
    out.push(
      `<text x="${(MARGIN.left + (g + 0.5) * groupW).toFixed(1)}" y="${MARGIN.top + plotH + 20}" class="tick" text-anchor="middle">${escapeXml(`${compact(size)} events`)}</text>`,
    );
  });
  out.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(0)}" y2="${y(0)}" class="axis"/>`,
    '</g>',
  );
  return out.join('\n');
}

/**
 * Renders the chart: left panel throughput (events/s, higher is better), right panel peak RSS
 * (MiB, lower is better); one bar per engine in each dataset-size group; unavailable engines
 * show `n/a`.
 */
export function renderChart(rows: readonly ResultRow[], subtitle: string): string {
  const engines = [...new Set(rows.map((r) => r.engine))];
  const sizes = [...new Set(rows.map((r) => r.events))].sort((a, b) => a - b);
  const width = PANEL_WIDTH * 2;
  const height = PANEL_HEIGHT + 40;
  const ok = (r: ResultRow) => r.status === 'ok';
  const legend = engines
    .map(
      (engine, i) =>
        `<g transform="translate(${MARGIN.left + i * 130},${PANEL_HEIGHT + 12})"><rect width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/><text x="18" y="10" class="tick">${escapeXml(engine)}</text></g>`,
    )
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">
<style>
  .title { font-size: 14px; font-weight: 600; fill: #222; }
  .subtitle { font-size: 11px; fill: #666; }
  .tick { font-size: 11px; fill: #444; }
  .value { font-size: 10px; fill: #333; }
  .na { font-size: 10px; fill: #999; }
  .grid { stroke: #e4e4e4; stroke-width: 1; }
  .axis { stroke: #888; stroke-width: 1; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="${MARGIN.left}" y="42" class="subtitle">${escapeXml(subtitle)}</text>
${panel(rows, engines, sizes, { title: 'Throughput, events/s (higher is better)', value: (r) => (ok(r) ? r.events_per_s : undefined) }, 0)}
${panel(rows, engines, sizes, { title: 'Peak RSS, MiB (lower is better)', value: (r) => (ok(r) && r.peak_rss_bytes !== undefined ? r.peak_rss_bytes / 2 ** 20 : undefined) }, PANEL_WIDTH)}
${legend}
</svg>
`;
}
