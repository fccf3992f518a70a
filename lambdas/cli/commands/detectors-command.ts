import type { Command } from 'commander';
import { isActive } from '../../core/detector.ts';
import { loadDetectorCatalog } from '../../core/detector-catalog.ts';
import { formatDuration } from '../../core/duration.ts';
import { DEFAULT_QUERIES_DIR } from '../project-paths.ts';

export function registerDetectorsCommand(program: Command): void {
  program
    .command('detectors')
    .description('work with the detector catalog')
    .command('list')
    .description('list detectors with their schedule, window and status')
    .option('--queries <dir>', 'detectors folder', DEFAULT_QUERIES_DIR)
    .option('--json', 'print JSON instead of a table')
    .action(async (options) => {
      const { detectors, errors } = await loadDetectorCatalog(options.queries);
      const rows = detectors.map((d) => ({
        id: d.id,
        severity: d.severity,
        schedule: d.schedule.expression,
        window: formatDuration(d.windowMs),
        lookback: d.lookbackMs === undefined ? '-' : formatDuration(d.lookbackMs),
        status: isActive(d) ? d.status : `${d.status}, disabled`,
        title: d.title,
      }));
      if (options.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else printTable(rows);
      for (const error of errors) process.stderr.write(`error: ${error.message}\n`);
      if (errors.length > 0) process.exitCode = 1;
    });
}

function printTable(rows: readonly Record<string, string>[]): void {
  if (rows.length === 0) return void process.stdout.write('No detectors.\n');
  const keys = Object.keys(rows[0] as object);
  const widths = keys.map((key) => Math.max(key.length, ...rows.map((row) => (row[key] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const text = [
    line(keys.map((k) => k.toUpperCase())),
    ...rows.map((row) => line(keys.map((k) => row[k] ?? ''))),
  ];
  process.stdout.write(`${text.join('\n')}\n`);
}
