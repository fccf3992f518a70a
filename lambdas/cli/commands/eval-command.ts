import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import {
  formatEvaluationMarkdown,
  formatEvaluationText,
  replaceReadmeBlock,
} from '../../eval/eval-report.ts';
import { EVAL_DEFAULTS, runEvaluation } from '../../eval/run-eval.ts';
import { parseCountOption, parseTimeOption } from '../cli-options.ts';
import { DEFAULT_QUERIES_DIR, DEFAULT_ROLLUPS_DIR } from '../project-paths.ts';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('measure every enabled detector on a generated lake with labelled insiders and look-alikes')
    .option('--employees <n>', 'employees in the generated org', String(EVAL_DEFAULTS.employees))
    .option('--days <n>', 'days of activity', String(EVAL_DEFAULTS.days))
    .option(
      '--detection-days <n>',
      'run detectors over only the last n days (quicker, fewer scenarios)',
      String(EVAL_DEFAULTS.detectionDays),
    )
    .option('--seed <n>', 'random seed (same seed, same lake)', String(EVAL_DEFAULTS.seed))
    .option('--end <date>', 'first day after the data', EVAL_DEFAULTS.end)
    .option('--out-json <file>', 'also write the results as JSON')
    .option('--update-readme', "rewrite the README's evaluation block with the tables")
    .option('--readme <file>', 'the README to update', README)
    .option('--queries <dir>', 'detectors folder', DEFAULT_QUERIES_DIR)
    .option('--rollups <dir>', 'rollups folder', DEFAULT_ROLLUPS_DIR)
    .action(async (options) => {
      // Checked before minutes of work: the README must have the block to fill.
      const readme = options.updateReadme ? await readFile(options.readme, 'utf8') : undefined;
      if (readme !== undefined) replaceReadmeBlock(readme, '');
      const result = await runEvaluation({
        employees: parseCountOption('--employees', options.employees, 60, 100_000),
        days: parseCountOption('--days', options.days, 28, 3660),
        seed: parseCountOption('--seed', options.seed, 0, 2 ** 31),
        end: parseTimeOption('--end', options.end),
        detectionDays: parseCountOption('--detection-days', options.detectionDays, 1, 3660),
        queriesDir: options.queries,
        rollupsDir: options.rollups,
        onProgress: (message) => process.stdout.write(`${message}\n`),
      });
      process.stdout.write(`\n${formatEvaluationText(result)}`);
      if (options.outJson) {
        await writeFile(options.outJson, `${JSON.stringify(result, null, 2)}\n`);
        process.stdout.write(`Results written to ${options.outJson}\n`);
      }
      if (readme !== undefined) {
        const changed = ['employees', 'days', 'detectionDays', 'seed', 'end'].flatMap((key) =>
          options[key] === String(EVAL_DEFAULTS[key as keyof typeof EVAL_DEFAULTS])
            ? []
            : [`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${options[key]}`],
        );
        const command = ['npm run eval --', ...changed, '--update-readme'].join(' ');
        await writeFile(
          options.readme,
          replaceReadmeBlock(readme, formatEvaluationMarkdown(result, command)),
        );
        process.stdout.write(`Evaluation block of ${options.readme} updated\n`);
      }
      if (result.problems.length > 0) process.exitCode = 1;
    });
}
