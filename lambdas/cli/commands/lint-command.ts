import type { Command } from 'commander';
import { loadDetectorCatalog } from '../../core/detector-catalog.ts';
import { DEFAULT_QUERIES_DIR } from '../project-paths.ts';

export function registerLintCommand(program: Command): void {
  program
    .command('lint')
    .description('check every detector: header, Trino syntax, portable functions, dt constraints')
    .option('--queries <dir>', 'detectors folder', DEFAULT_QUERIES_DIR)
    .action(async (options) => {
      // The Trino grammar is large; load it only for this command.
      const { formatLintIssue, lintDetector } = await import('../../lint/detector-lint.ts');
      const { detectors, errors } = await loadDetectorCatalog(options.queries);
      const issues = detectors.flatMap(lintDetector);
      for (const error of errors) process.stdout.write(`${error.message}\n`);
      for (const issue of issues) process.stdout.write(`${formatLintIssue(issue)}\n`);
      const failed = errors.length + issues.filter((issue) => issue.severity === 'error').length;
      const warnings = issues.length - issues.filter((issue) => issue.severity === 'error').length;
      const total = detectors.length + errors.length;
      process.stdout.write(`${total} detector files, ${failed} errors, ${warnings} warnings\n`);
      if (failed > 0) process.exitCode = 1;
    });
}
