/**
 * The few SVG marks the report's charts are drawn with, written compactly: coordinates rounded to
 * a tenth of a pixel, many shapes of one kind merged into one `<path>`, and every colour, dash
 * and font set by a class of the page's style sheet (`CHART_STYLE`) rather than on each element.
 * A report of twenty findings carries a hundred charts, so bytes per mark are what its size is.
 */
import { escapeHtml } from './html-escape.ts';

/** A coordinate or length as SVG text: at most one decimal, no trailing `.0`. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export function text(x: number, y: number, content: string, className?: string, rotate?: 'up'): string {
  const cls = className === undefined ? '' : ` class="${className}"`;
  const position =
    rotate === 'up' ? ` transform="translate(${px(x)},${px(y)})rotate(-90)"` : ` x="${px(x)}" y="${px(y)}"`;
  return `<text${cls}${position}>${escapeHtml(content)}</text>`;
}

export function path(d: string, className: string): string {
  return d === '' ? '' : `<path class="${className}" d="${d}"/>`;
}

export function rect(x: number, y: number, width: number, height: number, className: string): string {
  return `<rect class="${className}" x="${px(x)}" y="${px(y)}" width="${px(width)}" height="${px(height)}"/>`;
}

/** Subpaths of a horizontal segment from (x, y), `length` long. */
export function hLine(x: number, y: number, length: number): string {
  return `M${px(x)} ${px(y)}h${px(length)}`;
}

export function vLine(x: number, y: number, length: number): string {
  return `M${px(x)} ${px(y)}v${px(length)}`;
}

/** A dot drawn as a zero-length segment with round caps (the class sets its width). */
export function dot(x: number, y: number): string {
  return `M${px(x)} ${px(y)}h0`;
}

/** An upward triangle whose tip is 7 px above (x, y). */
export function triangleUp(x: number, y: number): string {
  return `M${px(x)} ${px(y - 7)}l6 11h-12z`;
}

/** A downward triangle whose tip is at (x, y). */
export function triangleDown(x: number, y: number): string {
  return `M${px(x)} ${px(y)}l-6 -10h12z`;
}

/** A rectangle as a subpath, so cells of one shade share one `<path>`. */
export function box(x: number, y: number, width: number, height: number): string {
  return `M${px(x)} ${px(y)}h${px(width)}v${px(height)}h${px(-width)}z`;
}

/**
 * A scale top and its ticks for counts: 0, then steps of 1, 2, 2.5 or 5 × 10^k (whole numbers
 * only), the smallest that reaches `max` in at most five, up to the first tick at or above `max`.
 */
export function countTicks(max: number): { readonly top: number; readonly ticks: readonly number[] } {
  const target = Math.max(max, 1) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(target));
  const step = Math.max(
    1,
    [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= target) ?? 10 * magnitude,
  );
  const top = Math.ceil(Math.max(max, 1) / step) * step;
  const ticks: number[] = [];
  for (let tick = 0; tick <= top + step / 2; tick += step) ticks.push(tick);
  return { top, ticks };
}

/** `12500` → `12,500`; fractions to one decimal. */
export function tickLabel(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(1);
}

/** Colours, dashes and fonts of every chart, once per page (see `report-html.ts`). */
export const CHART_STYLE = `
svg.chart { font: 10px sans-serif; background: #ffffff; }
svg.chart text { fill: #1a1a1a; }
svg.chart .at { font-size: 11px; text-anchor: middle; }
svg.chart .yl { text-anchor: end; }
svg.chart .xl { text-anchor: end; }
svg.chart .xc { text-anchor: middle; }
svg.chart .ax { stroke: #1a1a1a; fill: none; }
svg.chart .grid { stroke: #e2e2e2; fill: none; }
svg.chart .band { fill: #d6e4f0; stroke: #2f5d8a; stroke-dasharray: 4 3; }
svg.chart text.bandl { fill: #2f5d8a; }
svg.chart .median { stroke: #2f5d8a; stroke-width: 1.5; stroke-dasharray: 8 4; fill: none; }
svg.chart .win { fill: #fbe3cf; stroke: #8a3b00; stroke-dasharray: 2 2; }
svg.chart text.winl { fill: #8a3b00; font-weight: bold; font-size: 11px; text-anchor: middle; }
svg.chart .series { stroke: #1a1a1a; stroke-width: 1.5; fill: none; }
svg.chart .dots { stroke: #1a1a1a; stroke-width: 5; stroke-linecap: round; fill: none; }
svg.chart .tri { fill: #8a3b00; stroke: #1a1a1a; }
svg.chart text.val { font-weight: bold; font-size: 11px; text-anchor: middle; }
svg.chart text.val-end { font-weight: bold; font-size: 11px; text-anchor: end; }
svg.chart text.val-start { font-weight: bold; font-size: 11px; text-anchor: start; }
svg.chart .peer { stroke: #555555; stroke-width: 2; stroke-opacity: 0.7; fill: none; }
svg.chart .actor { stroke: #8a3b00; stroke-width: 2; stroke-dasharray: 6 3; fill: none; }
svg.chart .h0 { fill: #f0f0f0; }
svg.chart .h1 { fill: #c8c8c8; }
svg.chart .h2 { fill: #969696; }
svg.chart .h3 { fill: #5a5a5a; }
svg.chart .h4 { fill: #1f1f1f; }
svg.chart text.mark { fill: #b00020; stroke: #ffffff; stroke-width: 2px; paint-order: stroke; font-weight: bold; font-size: 11px; text-anchor: middle; }
svg.chart .title { font-size: 11px; font-weight: bold; }
`;
