/** `auditlake cost`'s text: one line per detector, the rollup builds, and the totals. */
import type { CostLine, CostReport } from './athena-cost.ts';

export function formatCostReport(report: CostReport, heading: string): string {
  const rows: string[][] = [
    [
      'detector',
      'runs/mo',
      'reads per run (with rollups)',
      'scan/run',
      '$/month',
      'raw rescan/run',
      '$/month',
    ],
  ];
  for (const cost of report.detectors) {
    rows.push([
      cost.detectorId,
      cost.runsPerMonth.toFixed(0),
      footprint(cost.withRollups),
      bytes(cost.withRollups.bytesPerRun),
      dollars(cost.withRollups.usdPerMonth),
      bytes(cost.withoutRollups.bytesPerRun),
      dollars(cost.withoutRollups.usdPerMonth),
    ]);
  }
  rows.push([
    'rollup builds',
    '30',
    footprint(report.rollupBuilds),
    bytes(report.rollupBuilds.bytesPerRun),
    dollars(report.rollupBuilds.usdPerMonth),
    '',
    '',
  ]);
  rows.push([
    'total',
    '',
    '',
    '',
    dollars(report.totalWithRollups.usdPerMonth),
    '',
    dollars(report.totalWithoutRollups.usdPerMonth),
  ]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  const table = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const billed = `billed per month: ${bytes(report.totalWithRollups.billedBytesPerMonth)} with rollups, ${bytes(report.totalWithoutRollups.billedBytesPerMonth)} rescanning raw events (10 MB minimum per query, $5/TB)`;
  return [heading, '', ...table, '', billed].join('\n');
}

function footprint(line: CostLine): string {
  return line.scans
    .map(
      (scan) =>
        `${scan.table} ${formatDays(scan.days)}d × ${scan.columns.length === 1 && scan.columns[0] === '*' ? 'all' : scan.columns.length} cols`,
    )
    .join(' + ');
}

function formatDays(days: number): string {
  return Number.isInteger(days) ? String(days) : days.toFixed(2);
}

export function bytes(value: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1000 && unit < units.length - 1) {
    scaled /= 1000;
    unit++;
  }
  return `${scaled.toFixed(scaled >= 100 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function dollars(value: number): string {
  return `$${value.toFixed(2)}`;
}
