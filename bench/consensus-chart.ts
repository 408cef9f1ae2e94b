// The chart of `ubn bench consensus`, as hand-written SVG: commit latency and throughput
// against committee size, side by side, committee size on a log2 axis.
import type { ConsensusBenchPoint } from "./consensus.ts";

interface Series {
  label: string;
  color: string;
  values: number[];
}

interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
}

const W = 960;
const H = 420;
const PANEL_W = 380;
const PANEL_H = 270;
const TOP = 60;
const LEFTS = [90, 570];

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** 0, then 1, 2 or 5 times a power of ten, at least `max`: a round top for an axis. */
function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  if (v >= 1000) return `${Math.round(v / 100) / 10}k`.replace(".0k", "k");
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 1 : 0);
}

function panel(p: Panel, left: number, sizes: number[]): string {
  const out: string[] = [];
  const x0 = left;
  const y0 = TOP + PANEL_H;
  const minLog = Math.log2(Math.min(...sizes));
  const maxLog = Math.log2(Math.max(...sizes));
  const span = maxLog - minLog || 1;
  const xOf = (n: number): number => x0 + 20 + ((Math.log2(n) - minLog) / span) * (PANEL_W - 40);
  // Headroom above the highest point keeps the lines clear of the legend.
  const top = niceMax(1.25 * Math.max(...p.series.flatMap((s) => s.values.filter(Number.isFinite))));
  const yOf = (v: number): number => y0 - (v / top) * PANEL_H;
  out.push(
    `<text x="${x0 + PANEL_W / 2}" y="${TOP - 14}" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`,
  );
  out.push(`<rect x="${x0}" y="${TOP}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#444"/>`);
  for (let i = 0; i <= 5; i++) {
    const v = (top * i) / 5;
    const y = yOf(v);
    out.push(`<line x1="${x0}" y1="${y}" x2="${x0 + PANEL_W}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${x0 - 6}" y="${y + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  for (const n of sizes) {
    const x = xOf(n);
    out.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + 5}" stroke="#444"/>`);
    out.push(`<text x="${x}" y="${y0 + 20}" text-anchor="middle">${n}</text>`);
  }
  out.push(
    `<text x="${x0 + PANEL_W / 2}" y="${y0 + 42}" text-anchor="middle">committee size (validators, log scale)</text>`,
  );
  const yMid = TOP + PANEL_H / 2;
  out.push(
    `<text x="${x0 - 58}" y="${yMid}" text-anchor="middle" transform="rotate(-90 ${x0 - 58} ${yMid})">${esc(p.yLabel)}</text>`,
  );
  p.series.forEach((s, k) => {
    const pts = s.values.map((v, i) => `${xOf(sizes[i] as number).toFixed(1)},${yOf(v).toFixed(1)}`);
    out.push(`<polyline points="${pts.join(" ")}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const pt of pts) {
      const [x, y] = pt.split(",");
      out.push(`<circle cx="${x}" cy="${y}" r="4" fill="${s.color}"/>`);
    }
    const ly = TOP + 16 + k * 18;
    out.push(
      `<line x1="${x0 + 12}" y1="${ly - 4}" x2="${x0 + 32}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${x0 + 38}" y="${ly}">${esc(s.label)}</text>`);
  });
  return out.join("\n");
}

export function renderConsensusChart(points: readonly ConsensusBenchPoint[], latencyMs: number): string {
  const sizes = points.map((p) => p.validators);
  const panels: Panel[] = [
    {
      title: "Commit latency (virtual time)",
      yLabel: "ms from proposal to commit",
      series: [
        { label: "median", color: "#1f77b4", values: points.map((p) => p.commit_latency_ms) },
        { label: "p90", color: "#aec7e8", values: points.map((p) => p.commit_latency_p90_ms) },
      ],
    },
    {
      title: "Throughput (virtual time)",
      yLabel: "committed blocks per second",
      series: [{ label: "blocks/s", color: "#d62728", values: points.map((p) => p.blocks_per_virtual_s) }],
    },
  ];
  const body = panels.map((p, i) => panel(p, LEFTS[i] as number, sizes)).join("\n");
  const caption =
    `ubn bench consensus: fault-free simulator runs, one-way link latency ${latencyMs} ms; ` +
    `wall-clock simulation speed is in the JSON output, not here`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    body,
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle" fill="#555">${esc(caption)}</text>`,
    "</svg>",
    "",
  ].join("\n");
}
