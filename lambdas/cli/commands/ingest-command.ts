import type { Command } from 'commander';

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('validate JSONL or CSV audit events and add them to a lake as Parquet partitioned by dt')
    .argument('<files...>', 'JSONL (.jsonl, .ndjson, .json) or CSV (.csv) files in the event schema')
    .requiredOption('--lake <dir>', 'lake directory to write audit_events/ into')
    .action(async (files: string[], options) => {
      const { ingestFiles } = await import('../../ingest/ingest.ts');
      const { createIngestProgress } = await import('../../ingest/progress.ts');
      const progress = createIngestProgress();
      const report = await ingestFiles({
        files,
        lakeDir: options.lake,
        onProgress: progress.onProgress,
      }).finally(progress.stop);
      const lines = [
        `received     ${report.received}`,
        `accepted     ${report.accepted}`,
        `quarantined  ${report.quarantined}${report.quarantineFile ? `  → ${report.quarantineFile}` : ''}`,
        `duplicates   ${report.duplicates}`,
        ...(report.digestFile ? [`digest       → ${report.digestFile}`] : []),
        ...Object.entries(report.reasons).map(([reason, count]) => `  ${count} × ${reason}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (report.quarantined > 0) process.exitCode = 2;
    });
}
