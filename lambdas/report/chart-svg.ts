/**
 * Renders a Vega-Lite spec to static SVG in Node (vega's headless 'none' renderer: no browser, no
 * canvas), ready to inline in HTML: namespace declarations dropped, a `<title>` and an accessible
 * name added, vega's own ARIA tree hidden behind that one summary.
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { escapeHtml } from './html-escape.ts';
import type { ChartSpec } from './report-charts.ts';

export async function renderChartSvg(chart: ChartSpec, id: string): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(chart.spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const open = svg.indexOf('>', svg.indexOf('<svg')) + 1;
    const attributes = svg
      .slice(svg.indexOf('<svg') + 4, open - 1)
      .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
      .replace(/\s+(role|aria-[a-z]+)="[^"]*"/g, '');
    const body = svg.slice(open).replace(/\s(role|aria-roledescription|aria-label)="[^"]*"/g, '');
    return (
      `<svg${attributes} role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc">` +
      `<title id="${id}-title">${escapeHtml(chart.title)}</title>` +
      `<desc id="${id}-desc">${escapeHtml(chart.summary)}</desc>` +
      `<g aria-hidden="true">${body.replace(/<\/svg>\s*$/, '')}</g></svg>`
    );
  } finally {
    view.finalize();
  }
}
