/** Prints the run's findings as one table when the run ends, most severe first. */
import { compareFindings, type Finding, isAlerting } from '../core/finding.ts';
import type { FindingSink } from '../core/ports.ts';

export class TerminalSink implements FindingSink {
  readonly name = 'terminal';
  private readonly findings: Finding[] = [];

  constructor(
    private readonly write: (text: string) => void,
    private readonly width = 120,
  ) {}

  async publish(findings: readonly Finding[]): Promise<void> {
    this.findings.push(...findings);
  }

  async close(): Promise<void> {
    this.write(formatFindingsTable(this.findings, this.width));
  }
}

const HEADERS = ['SEVERITY', 'DETECTOR', 'ACTOR', 'WINDOW (UTC)', 'SUMMARY'] as const;

/** A plain-text table that fits `width` columns by shortening the summary; suppressed findings are counted. */
export function formatFindingsTable(all: readonly Finding[], width: number): string {
  const findings = all.filter(isAlerting);
  const suppressed = all.length - findings.length;
  const note =
    suppressed > 0 ? `${suppressed} suppressed finding${suppressed === 1 ? '' : 's'} not shown\n` : '';
  if (findings.length === 0) return `No findings.\n${note}`;
  const rows = [...findings]
    .sort(compareFindings)
    .map((finding) => [
      finding.severity.toUpperCase(),
      finding.detector_id,
      finding.actor_id,
      formatWindow(finding.window_start, finding.window_end),
      oneLine(finding.summary),
    ]);
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const fixed = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  widths[widths.length - 1] = Math.max(20, Math.min(widths[widths.length - 1] as number, width - fixed));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => fitCell(cell, widths[column] as number))
      .join('  ')
      .trimEnd();
  const count = `${findings.length} finding${findings.length === 1 ? '' : 's'}`;
  return `${[line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n${count}\n${note}`;
}

/** `2026-11-25` for a whole UTC day, `2026-11-25 21:00-22:00` within a day, else start and length. */
function formatWindow(start: string, end: string): string {
  const hours = (Date.parse(end) - Date.parse(start)) / 3_600_000;
  const day = start.slice(0, 10);
  if (start.endsWith('T00:00:00.000Z') && hours === 24) return day;
  if (end.slice(0, 10) === day) return `${day} ${start.slice(11, 16)}-${end.slice(11, 16)}`;
  return `${day} ${start.slice(11, 16)} +${hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function fitCell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}
