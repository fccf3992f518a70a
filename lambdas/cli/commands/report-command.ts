import type { Command } from 'commander';
import { writeInvestigationReport } from '../../report/build-report.ts';
import { DEFAULT_QUERIES_DIR } from '../project-paths.ts';

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML investigation report with charts for each finding')
    .requiredOption('--lake <dir>', 'lake directory the findings came from')
    .option('--findings <file>', 'findings as JSON lines', 'findings.jsonl')
    .option('--out <file>', 'HTML file to write (replaced)', 'report.html')
    .option('--queries <dir>', 'detectors folder (for each detector’s lookback)', DEFAULT_QUERIES_DIR)
    .action(async (options) => {
      const result = await writeInvestigationReport({
        lakeDir: options.lake,
        findingsPath: options.findings,
        outPath: options.out,
        queriesDir: options.queries,
      });
      process.stdout.write(`Report on ${result.findings} findings written to ${result.outPath}\n`);
    });
}
