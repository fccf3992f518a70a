/**
 * A chart as inline SVG for the report's HTML: a `viewBox` so it scales, a `<title>` and `<desc>`
 * as its accessible name and description, and the marks hidden from assistive technology behind
 * that one description (a hundred unlabelled shapes say nothing a screen reader can use).
 */
import { escapeHtml } from './html-escape.ts';
import type { ChartSpec } from './report-charts.ts';

export function renderChartSvg(chart: ChartSpec, id: string): string {
  return (
    `<svg class="chart" viewBox="0 0 ${chart.width} ${chart.height}" width="${chart.width}" height="${chart.height}" ` +
    `role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc">` +
    `<title id="${id}-title">${escapeHtml(chart.title)}</title>` +
    `<desc id="${id}-desc">${escapeHtml(chart.summary)}</desc>` +
    `<g aria-hidden="true">${chart.body}</g></svg>`
  );
}
