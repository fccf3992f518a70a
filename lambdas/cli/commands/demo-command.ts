import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { AuditlakeError } from '../../core/errors.ts';
import { parseCountOption, parseTimeOption } from '../cli-options.ts';
import { readDemoManifest, summarizeCatch } from '../demo-check.ts';
import { runDetection } from '../detection-run.ts';
import { DEFAULT_QUERIES_DIR, DEFAULT_ROLLUPS_DIR, DEFAULT_SUPPRESSIONS_FILE } from '../project-paths.ts';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('generate a seeded demo lake with planted insiders; with --run, run every detector over it')
    .option('--lake <dir>', 'where the demo lake lives', 'demo-lake')
    .option('--employees <n>', 'employees in the generated org', '200')
    .option('--days <n>', 'days of activity', '30')
    .option('--seed <n>', 'random seed (same seed, same lake)', '42')
    .option('--end <date>', 'first day after the data (default: today, UTC)')
    .option('--force', 'replace an existing demo lake')
    .option('--run', 'run every detector over the last 7 days and check the planted insiders were found')
    .option('--out <file>', 'with --run: write findings here (replaced)', 'findings.jsonl')
    .option('--queries <dir>', 'detectors folder', DEFAULT_QUERIES_DIR)
    .option('--rollups <dir>', 'rollups folder', DEFAULT_ROLLUPS_DIR)
    .option('--suppressions <file>', 'suppressions file', DEFAULT_SUPPRESSIONS_FILE)
    .action(async (options) => {
      const lakeDir: string = options.lake;
      const manifestPath = join(lakeDir, 'demo.json');
      if (options.force && existsSync(manifestPath)) await rm(lakeDir, { recursive: true, force: true });
      if (existsSync(manifestPath)) {
        process.stdout.write(`Using the demo lake in ${lakeDir} (--force makes a new one)\n`);
      } else {
        if (existsSync(lakeDir) && (await readdir(lakeDir)).length > 0) {
          throw new AuditlakeError(`${lakeDir} exists and is not a demo lake; choose another --lake`);
        }
        const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
        const { generateDemoLake } = await import('../../demo/demo-lake.ts');
        const summary = await generateDemoLake({
          lakeDir,
          employees: parseCountOption('--employees', options.employees, 20, 100_000),
          days: parseCountOption('--days', options.days, 8, 3660),
          seed: parseCountOption('--seed', options.seed, 0, 2 ** 31),
          end: options.end ? parseTimeOption('--end', options.end) : today,
          onProgress: (message) => process.stdout.write(`${message}\n`),
        });
        process.stdout.write(`Generated ${summary.accepted} events in ${lakeDir}\n`);
      }
      if (!options.run) return;
      const manifest = await readDemoManifest(lakeDir);
      await rm(options.out, { force: true });
      process.stdout.write(
        `\nRunning every detector over ${manifest.detectionFrom.toISOString().slice(0, 10)} .. ${manifest.end.toISOString().slice(0, 10)}\n\n`,
      );
      const { report, problems } = await runDetection({
        lakeDir,
        queriesDir: options.queries,
        rollupsDir: options.rollups,
        suppressionsFile: options.suppressions,
        detectorIds: [],
        mode: { kind: 'backfill', from: manifest.detectionFrom, to: manifest.end },
        statePath: undefined,
        outPath: options.out,
        webhook: undefined,
        params: [],
        print: (text) => process.stdout.write(text),
        printError: (text) => process.stderr.write(text),
      });
      process.stdout.write(
        `\n${summarizeCatch(manifest.groundTruth, report.findings)}\nFindings written to ${options.out}\n`,
      );
      const { writeInvestigationReport } = await import('../../report/build-report.ts');
      const { outPath } = await writeInvestigationReport({
        lakeDir,
        findingsPath: options.out,
        outPath: join(dirname(options.out), 'report.html'),
        queriesDir: options.queries,
      });
      process.stdout.write(`Investigation report written to ${outPath}\n`);
      if (problems > 0) process.exitCode = 1;
    });
}
