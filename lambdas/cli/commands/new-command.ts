import type { Command } from 'commander';
import { DEFAULT_QUERIES_DIR } from '../project-paths.ts';

export function registerNewCommand(program: Command): void {
  program
    .command('new')
    .description(
      'scaffold a detector with a commented header and one case that must fire and one that must not',
    )
    .argument('<id>', 'kebab-case detector id, e.g. bulk-download-burst')
    .option('--title <text>', 'one-line title (default: the id as words)')
    .option('--queries <dir>', 'detectors folder', DEFAULT_QUERIES_DIR)
    .option('--cases <dir>', 'fixture cases folder (default: tests/ beside --queries)')
    .action(async (id: string, options) => {
      const { defaultCasesDir } = await import('../../fixtures/detector-tests.ts');
      const { scaffoldDetector } = await import('../../fixtures/detector-scaffold.ts');
      const { displayPath } = await import('../../fixtures/display-path.ts');
      const files = await scaffoldDetector({
        id,
        title: options.title,
        queriesDir: options.queries,
        casesDir: options.cases ?? defaultCasesDir(options.queries),
      });
      const shown = files.map((file) => `  ${displayPath(file.path)}`);
      process.stdout.write(
        `Created\n${shown.join('\n')}\nNext: edit the SQL and the cases, then run auditlake lint && auditlake test ${id}\n`,
      );
    });
}
