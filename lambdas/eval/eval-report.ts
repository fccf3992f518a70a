/**
 * The evaluation as people read it: the same tables as plain text for the terminal and as
 * Markdown for the README block between `<!-- eval:start -->` and `<!-- eval:end -->`. Pure.
 */
import { AuditlakeError } from '../core/errors.ts';
import type { Evaluation, FalsePositive } from './metrics.ts';
import type { EvalResult } from './run-eval.ts';

/** The issue's targets: every flag-labelled insider caught, at most this many false alerts per 1,000 employee-days. */
export const MAX_FALSE_ALERTS_PER_1000_EMPLOYEE_DAYS = 1;

export const README_START = '<!-- eval:start -->';
export const README_END = '<!-- eval:end -->';

/** False-alert groups listed before "… and N more"; the JSON has them all. */
const FALSE_ALERT_ROWS = 20;

interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns aligned right. */
  readonly right: readonly number[];
}

export function formatEvaluationText(result: EvalResult): string {
  const sections = [
    `Evaluation: ${settingsLine(result)}`,
    textTable(targetsTable(result.evaluation)),
    textTable(detectorsTable(result.evaluation)),
    textTable(scenariosTable(result.evaluation)),
    falseAlertsSection(result.evaluation, textTable),
    problemsSection(result),
    `Timings: ${formatTimings(result)}`,
  ];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

export function formatEvaluationMarkdown(result: EvalResult, command: string): string {
  const sections = [
    `Measured by \`${command}\` on ${settingsLine(result)}. Regenerate with the command; do not edit by hand.`,
    markdownTable(targetsTable(result.evaluation)),
    markdownTable(detectorsTable(result.evaluation)),
    markdownTable(scenariosTable(result.evaluation)),
    falseAlertsSection(result.evaluation, markdownTable),
    problemsSection(result),
  ];
  return sections.filter((s) => s !== '').join('\n\n');
}

/** `readme` with the text between the eval markers replaced by `block`; throws if the markers are missing. */
export function replaceReadmeBlock(readme: string, block: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) {
    throw new AuditlakeError(`README has no ${README_START} … ${README_END} block to update`);
  }
  return `${readme.slice(0, start + README_START.length)}\n${block}\n${readme.slice(end)}`;
}

function settingsLine(result: EvalResult): string {
  const s = result.settings;
  const detectors = result.detector_runs.length;
  return `${s.employees} employees × ${s.days} days (seed ${s.seed}, ${s.events} events); ${detectors} detector${detectors === 1 ? '' : 's'} run over ${s.detection_from.slice(0, 10)} .. ${lastDay(s.end)} (${s.detection_days} days, ${result.evaluation.totals.employee_days} employee-days)`;
}

function targetsTable(evaluation: Evaluation): Table {
  const t = evaluation.totals;
  const allCaught = t.caught === t.flag_scenarios;
  const quiet = t.false_alerts_per_1000_employee_days <= MAX_FALSE_ALERTS_PER_1000_EMPLOYEE_DAYS;
  return {
    headers: ['Target', 'Measured', 'Met'],
    rows: [
      [
        'every flag-labelled insider flagged inside their window',
        `${t.caught} of ${t.flag_scenarios} (recall ${percent(t.recall)})`,
        allCaught ? 'yes' : 'NO',
      ],
      [
        `≤ ${MAX_FALSE_ALERTS_PER_1000_EMPLOYEE_DAYS} false alert per 1,000 employee-days`,
        `${rate(t.false_alerts_per_1000_employee_days)} (${t.false_positives} false of ${t.findings} findings)`,
        quiet ? 'yes' : 'NO',
      ],
    ],
    right: [],
  };
}

function detectorsTable(evaluation: Evaluation): Table {
  const t = evaluation.totals;
  const rows = evaluation.detectors.map((d) => [
    d.detector_id,
    String(d.findings),
    String(d.true_positives),
    String(d.false_positives),
    percent(d.precision),
    rate(d.false_alerts_per_1000_employee_days),
  ]);
  rows.push([
    'all detectors',
    String(t.findings),
    String(t.true_positives),
    String(t.false_positives),
    percent(t.precision),
    rate(t.false_alerts_per_1000_employee_days),
  ]);
  return {
    headers: [
      'Detector',
      'Findings',
      'True pos.',
      'False pos.',
      'Precision',
      'False alerts / 1k employee-days',
    ],
    rows,
    right: [1, 2, 3, 4, 5],
  };
}

function scenariosTable(evaluation: Evaluation): Table {
  return {
    headers: ['Scenario', 'Label', 'Actor', 'Result', 'Flagged by', 'First detection after'],
    rows: evaluation.scenarios.map((s) => [
      s.scenario,
      s.expected,
      s.actor_id,
      s.expected === 'flag' ? (s.flagged ? 'caught' : 'MISSED') : s.flagged ? 'FALSE ALERT' : 'left alone',
      s.detectors.join(', ') || '—',
      s.hours_to_detection === null ? '—' : duration(s.hours_to_detection),
    ]),
    right: [5],
  };
}

function falseAlertsSection(evaluation: Evaluation, render: (table: Table) => string): string {
  const groups = new Map<string, { alert: FalsePositive; count: number }>();
  for (const alert of evaluation.false_positives) {
    const key = `${alert.detector_id}\n${alert.actor_id}`;
    const group = groups.get(key) ?? { alert, count: 0 };
    group.count++;
    groups.set(key, group);
  }
  if (groups.size === 0) return 'False alerts: none.';
  const sorted = [...groups.values()].sort(
    (a, b) =>
      b.count - a.count ||
      a.alert.detector_id.localeCompare(b.alert.detector_id) ||
      a.alert.actor_id.localeCompare(b.alert.actor_id),
  );
  const table = render({
    headers: ['Detector', 'Actor', 'Why it is false', 'Findings'],
    rows: sorted
      .slice(0, FALSE_ALERT_ROWS)
      .map(({ alert, count }) => [
        alert.detector_id,
        alert.actor_id,
        alert.scenario ? `${alert.reason}: ${alert.scenario}` : alert.reason,
        String(count),
      ]),
    right: [3],
  });
  const more = sorted.length - FALSE_ALERT_ROWS;
  return `False alerts by detector and actor:\n\n${table}${more > 0 ? `\n… and ${more} more (all of them in the JSON output)` : ''}`;
}

function problemsSection(result: EvalResult): string {
  const skipped = result.settings.not_evaluated;
  const outside =
    skipped.length > 0 ? `Not evaluated (wholly before the detection window): ${skipped.join(', ')}.` : '';
  if (result.problems.length === 0) return outside;
  return `${outside ? `${outside}\n\n` : ''}Incomplete: ${result.problems.length} detector problem${result.problems.length === 1 ? '' : 's'}:\n${result.problems.map((p) => `- ${p}`).join('\n')}`;
}

function formatTimings(result: EvalResult): string {
  const t = result.timings_ms;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const engine = result.detector_runs.map((run) => `${run.detector_id} ${s(run.engine_ms)}`).join(', ');
  return `generate ${s(t.generate)}, ingest ${s(t.ingest)}, detect ${s(t.detect)}${engine ? ` (in the engine: ${engine})` : ''}, total ${s(t.total)}`;
}

function textTable(table: Table): string {
  const widths = table.headers.map((header, column) =>
    Math.max(header.length, ...table.rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] as number;
        return table.right.includes(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [
    line(table.headers.map((h) => h.toUpperCase())),
    line(widths.map((w) => '-'.repeat(w))),
    ...table.rows.map(line),
  ].join('\n');
}

function markdownTable(table: Table): string {
  const row = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  const rule = table.headers.map((_, column) => (table.right.includes(column) ? '---:' : '---'));
  return [row(table.headers), `|${rule.join('|')}|`, ...table.rows.map(row)].join('\n');
}

function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)} %`;
}

function rate(value: number): string {
  return value.toFixed(2);
}

function duration(hours: number): string {
  return hours < 48 ? `${Math.round(hours)} h` : `${(hours / 24).toFixed(1)} d`;
}

/** The last day of a period that ends (exclusive) at `end`'s UTC midnight. */
function lastDay(end: string): string {
  return new Date(Date.parse(end) - 86_400_000).toISOString().slice(0, 10);
}
