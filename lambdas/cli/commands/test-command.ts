import type { Command } from 'commander';
import { DEFAULT_QUERIES_DIR, DEFAULT_ROLLUPS_DIR } from '../project-paths.ts';

export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description('run the fixture cases of every detector (or of the named ones) and check their coverage')
    .argument('[detector-ids...]', 'only these detectors (default: every detector and every case)')
    .option('--queries <dir>', 'detectors folder', DEFAULT_QUERIES_DIR)
    .option('--rollups <dir>', 'rollups folder, for detectors that read rollups', DEFAULT_ROLLUPS_DIR)
    .option(
      '--cases <dir>',
      'fixture cases folder, one sub-folder per detector (default: tests/ beside --queries)',
    )
    .action(async (detectorIds: string[], options) => {
      const { defaultCasesDir, testDetectors } = await import('../../fixtures/detector-tests.ts');
      const summary = await testDetectors({
        queriesDir: options.queries,
        casesDir: options.cases ?? defaultCasesDir(options.queries),
        rollupsDir: options.rollups,
        detectorIds,
        print: (text) => process.stdout.write(text),
      });
      if (summary.failed > 0) process.exitCode = 1;
    });
}
