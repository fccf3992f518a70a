/**
 * The investigation report as one self-contained HTML document: inline CSS, inline SVG charts,
 * no external resources, and a Content-Security-Policy that forbids fetching any. The only script
 * sorts the summary table; without it the page is complete (the table starts sorted most severe
 * first). Pure: every string from a finding is escaped here, and evidence fields that look like
 * customer personal data are left out, as in alerts.
 */
import { createHash } from 'node:crypto';
import { looksLikeCustomerPii } from '../core/alert-message.ts';
import { SEVERITIES } from '../core/detector.ts';
import { compareFindings, type Finding } from '../core/finding.ts';
import type { SqlValue } from '../core/ports.ts';
import { escapeHtml } from './html-escape.ts';
import { investigationQuery } from './investigation-query.ts';
import { CHART_STYLE } from './svg-marks.ts';

export interface RenderedChart {
  /** Inline SVG with its own `<title>` and description. */
  readonly svg: string;
  readonly title: string;
  readonly summary: string;
}

export interface FindingSection {
  readonly finding: Finding;
  readonly lookbackDays: number;
  /** The charts in reading order; empty when `chartsError` says why. */
  readonly charts: readonly RenderedChart[];
  readonly chartsError?: string;
}

export interface ReportPage {
  readonly generatedAt: Date;
  /** Where the findings came from, shown in the header. */
  readonly source: string;
  readonly sections: readonly FindingSection[];
}

/** The one inline script: sorts the summary table by a column's `data-value`s. */
export const SORT_SCRIPT = `(function () {
  var table = document.getElementById('summary');
  if (!table) return;
  table.querySelectorAll('th[data-sortable]').forEach(function (th) {
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = th.textContent;
    th.textContent = '';
    th.appendChild(button);
    // On the cell, not the button, so a click on the cell's padding sorts too.
    th.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th[aria-sort]').forEach(function (other) { other.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var index = th.cellIndex;
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[index].getAttribute('data-value');
        var y = b.cells[index].getAttribute('data-value');
        var order = x < y ? -1 : x > y ? 1 : 0;
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();`;

const STYLE = `
:root { color-scheme: light; }
body { margin: 0; background: #ffffff; color: #1a1a1a; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.3rem; margin: 0 0 0.5rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
a { color: #0b4f8a; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
td.nowrap { white-space: nowrap; }
th, td { border: 1px solid #9a9a9a; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #ececec; }
th button { font: inherit; font-weight: bold; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; text-decoration: underline dotted; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
.severity { font-weight: bold; text-transform: uppercase; letter-spacing: 0.03em; }
.severity-critical, .severity-high { border-left: 0.35rem solid #1a1a1a; }
section.finding { border-top: 3px solid #1a1a1a; margin-top: 2rem; padding-top: 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0.5rem 0; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #333333; }
.runbook, pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4; border: 1px solid #cccccc; padding: 0.5rem 0.75rem; }
pre { font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; }
.note { font-style: italic; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  th button { text-decoration: none; }
  th[aria-sort] button::after { content: ""; }
  section.finding { break-before: page; border-top: 0; }
  figure, table, pre { break-inside: avoid; }
  svg.chart { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
`;

export function buildReportHtml(page: ReportPage): string {
  const sections = [...page.sections].sort((a, b) => compareFindings(a.finding, b.finding));
  const scriptHash = createHash('sha256').update(SORT_SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>auditlake investigation report: ${sections.length} finding${sections.length === 1 ? '' : 's'}</title>
<style>${STYLE}${CHART_STYLE}</style>
</head>
<body>
<main>
<header>
<h1>Investigation report</h1>
<p>${sections.length} finding${sections.length === 1 ? '' : 's'} from ${escapeHtml(page.source)}, generated ${escapeHtml(page.generatedAt.toISOString())}. Times are UTC unless marked local. Confidential: for the investigation team.</p>
</header>
${summaryTable(sections)}
${sections.map(sectionHtml).join('\n')}
</main>
<script>${SORT_SCRIPT}</script>
</body>
</html>
`;
}

function anchor(finding: Finding): string {
  return `finding-${escapeHtml(finding.finding_id)}`;
}

function summaryTable(sections: readonly FindingSection[]): string {
  if (sections.length === 0) return '<p>No findings.</p>';
  const rows = sections.map(({ finding }) => {
    const rank = SEVERITIES.indexOf(finding.severity);
    return `<tr>
<td data-value="${rank}" class="severity severity-${escapeHtml(finding.severity)}">${escapeHtml(finding.severity)}</td>
<td data-value="${escapeHtml(finding.window_start)}"><time datetime="${escapeHtml(finding.window_start)}">${escapeHtml(formatWindow(finding))}</time></td>
<td data-value="${escapeHtml(finding.actor_id)}">${escapeHtml(finding.actor_id)}</td>
<td data-value="${escapeHtml(finding.detector_id)}">${escapeHtml(finding.detector_id)}</td>
<td data-value="${escapeHtml(finding.summary)}"><a href="#${anchor(finding)}">${escapeHtml(finding.summary)}</a></td>
</tr>`;
  });
  return `<table id="summary">
<caption>Findings, most severe first; the severity and window headers sort the table.</caption>
<thead><tr>
<th scope="col" data-sortable aria-sort="descending">Severity</th>
<th scope="col" data-sortable>Window (UTC)</th>
<th scope="col">Actor</th>
<th scope="col">Detector</th>
<th scope="col">Summary</th>
</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function formatWindow(finding: Pick<Finding, 'window_start' | 'window_end'>): string {
  const start = finding.window_start.replace('T', ' ').slice(0, 16);
  const end = finding.window_end.replace('T', ' ').slice(0, 16);
  return `${start} – ${end}`;
}

function sectionHtml(section: FindingSection): string {
  const { finding } = section;
  const id = anchor(finding);
  const facts: [string, string | number | null][] = [
    ['Severity', finding.severity],
    ['Actor', finding.actor_id],
    ['Detector', finding.detector_id],
    ['Window (UTC)', formatWindow(finding)],
    ['Score', finding.score],
    ['Events', finding.event_count],
    ['First seen', finding.first_seen],
    ['Last seen', finding.last_seen],
    ['Finding id', finding.finding_id],
  ];
  if (finding.suppression) {
    facts.push([
      'Suppressed',
      `${finding.suppression.reason} (owner ${finding.suppression.owner}, until ${finding.suppression.expires})`,
    ]);
  }
  const charts =
    section.charts.length > 0
      ? section.charts
          .map(
            (chart) =>
              `<figure>\n${chart.svg}\n<figcaption><strong>${escapeHtml(chart.title)}.</strong> ${escapeHtml(chart.summary)}</figcaption>\n</figure>`,
          )
          .join('\n')
      : `<p class="note">Charts unavailable: ${escapeHtml(section.chartsError ?? 'no data')}</p>`;
  return `<section class="finding" id="${id}" aria-labelledby="${id}-heading">
<h2 id="${id}-heading"><span class="severity">${escapeHtml(finding.severity)}</span>: ${escapeHtml(finding.title)} — ${escapeHtml(finding.actor_id)}</h2>
<p>${escapeHtml(finding.summary)}</p>
<dl class="facts">
${facts
  .filter(([, value]) => value !== null)
  .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(String(value))}</dd>`)
  .join('\n')}
</dl>
<h3>Activity: the window against the ${section.lookbackDays} days before it</h3>
${charts}
<h3>Evidence</h3>
${evidenceTable(finding.evidence)}
<h3>Runbook</h3>
<div class="runbook">${escapeHtml(finding.runbook || 'No runbook.')}</div>
<h3>Investigation query</h3>
${investigationBlock(finding)}
</section>`;
}

function evidenceTable(evidence: Readonly<Record<string, SqlValue>>): string {
  const entries = Object.entries(evidence);
  const kept = entries.filter(([name]) => !looksLikeCustomerPii(name));
  const dropped = entries.filter(([name]) => looksLikeCustomerPii(name)).map(([name]) => name);
  const note =
    dropped.length > 0
      ? `<p class="note">Left out as customer personal data: ${dropped.map(escapeHtml).join(', ')}.</p>`
      : '';
  if (kept.length === 0) return `<p>No evidence fields.</p>${note}`;
  const rows = kept.map(
    ([name, value]) =>
      `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(value === null ? '(null)' : String(value))}</td></tr>`,
  );
  return `<table class="evidence">
<thead><tr><th scope="col">Field</th><th scope="col">Value</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>${note}`;
}

function investigationBlock(finding: Finding): string {
  try {
    return `<pre><code>${escapeHtml(investigationQuery(finding))}</code></pre>`;
  } catch (error) {
    return `<p class="note">No query: ${escapeHtml(error instanceof Error ? error.message : String(error))}</p>`;
  }
}
