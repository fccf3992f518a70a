import type { Command } from 'commander';
import { loadDetectorCatalog } from '../../core/detector-catalog.ts';
import { loadRollupCatalog, rollupAsDetector } from '../../core/rollup.ts';
import { expiredSuppressions } from '../../core/suppressions.ts';
import { DEFAULT_QUERIES_DIR, DEFAULT_ROLLUPS_DIR, DEFAULT_SUPPRESSIONS_FILE } from '../project-paths.ts';
import { DEFAULT_REDACTION_FILE, readRedactionFile } from '../redaction-file.ts';
import { readSuppressionsFile } from '../suppressions-file.ts';

export function registerLintCommand(program: Command): void {
  program
    .command('lint')
    .description('check every detector and rollup: header, Trino syntax, portable functions, dt constraints')
    .option('--queries <dir>', 'detectors folder', DEFAULT_QUERIES_DIR)
    .option('--rollups <dir>', 'rollups folder', DEFAULT_ROLLUPS_DIR)
    .option('--suppressions <file>', 'suppressions file', DEFAULT_SUPPRESSIONS_FILE)
    .option('--redaction <file>', 'evidence columns never shown', DEFAULT_REDACTION_FILE)
    .action(async (options) => {
      // The Trino grammar is large; load it only for this command.
      const { formatLintIssue, lintDetector } = await import('../../lint/detector-lint.ts');
      const detectors = await loadDetectorCatalog(options.queries);
      const rollups = await loadRollupCatalog(options.rollups);
      const rollupIds = new Set(rollups.rollups.map((rollup) => rollup.id));
      const problems = [...detectors.errors, ...rollups.errors].map((error) => error.message);
      for (const detector of detectors.detectors) {
        for (const id of detector.rollups.filter((name) => !rollupIds.has(name))) {
          problems.push(`${detector.file}: rollups: no rollup "${id}" in ${options.rollups}`);
        }
      }
      const checked = [...detectors.detectors, ...rollups.rollups.map(rollupAsDetector)];
      const issues = checked.flatMap((detector) => lintDetector(detector));
      for (const problem of problems) process.stdout.write(`${problem}\n`);
      for (const issue of issues) process.stdout.write(`${formatLintIssue(issue)}\n`);
      const errors = problems.length + issues.filter((issue) => issue.severity === 'error').length;
      // A broken redaction file stops every run that reads it: one line, exit 1, like suppressions.
      await readRedactionFile(options.redaction);
      const today = new Date().toISOString().slice(0, 10);
      const expired = expiredSuppressions(await readSuppressionsFile(options.suppressions), today);
      for (const entry of expired) {
        const who = [entry.detector, entry.actor].filter(Boolean).join(' / ');
        process.stdout.write(
          `${options.suppressions}: warning [expired-suppression] ${who} expired on ${entry.expires}; remove it or extend it with a reason\n`,
        );
      }
      const warnings = issues.filter((issue) => issue.severity === 'warning').length + expired.length;
      const files = checked.length + detectors.errors.length + rollups.errors.length;
      process.stdout.write(`${files} files, ${errors} errors, ${warnings} warnings\n`);
      if (errors > 0) process.exitCode = 1;
    });
}
