import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.ts';
import type { RunMode } from '../../core/runner.ts';
import { parseCountOption, parseDurationOption, parseTimeOption } from '../cli-options.ts';
import { runDetection } from '../detection-run.ts';
import {
  DEFAULT_QUERIES_DIR,
  DEFAULT_ROLLUPS_DIR,
  DEFAULT_SUPPRESSIONS_FILE,
  defaultStatePath,
} from '../project-paths.ts';
import { DEFAULT_REDACTION_FILE } from '../redaction-file.ts';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run detectors over a lake: every window since the last run, or --from/--to as a backfill')
    .requiredOption('--lake <dir>', 'lake directory (audit_events/, employees/)')
    .option('--detector <id...>', 'only these detectors (default: every enabled one)')
    .option('--from <time>', 'backfill start: 2026-01-01 or an ISO time with Z/offset')
    .option('--to <time>', 'backfill end (exclusive)')
    .option('--out <file>', 'append findings as JSON lines to this file')
    .option('--state <file>', 'watermark and dedup state file (default: <lake>/.auditlake/state.json)')
    .option('--late <duration>', 'wait this long after a window ends for late events', '15m')
    .option('--initial <duration>', 'how far back the first run of a detector starts', '7d')
    .option('--max-windows <n>', 'at most this many windows per detector in one run')
    .option('--rebuild-rollups', 'rebuild the rollup days this run reads, even those that exist')
    .option('--param <detector.name=value...>', 'override a detector parameter')
    .option('--webhook <url>', 'also POST each finding here, signed with $AUDITLAKE_WEBHOOK_SECRET')
    .option('--queries <dir>', 'detectors folder', DEFAULT_QUERIES_DIR)
    .option('--rollups <dir>', 'rollups folder', DEFAULT_ROLLUPS_DIR)
    .option('--suppressions <file>', 'suppressions file', DEFAULT_SUPPRESSIONS_FILE)
    .option('--redaction <file>', 'evidence columns never shown', DEFAULT_REDACTION_FILE)
    .action(async (options) => {
      if (Boolean(options.from) !== Boolean(options.to)) throw new ConfigError('--from and --to go together');
      const mode: RunMode = options.from
        ? {
            kind: 'backfill',
            from: parseTimeOption('--from', options.from),
            to: parseTimeOption('--to', options.to),
          }
        : {
            kind: 'incremental',
            lateDelayMs: parseDurationOption('--late', options.late),
            initialBackfillMs: parseDurationOption('--initial', options.initial),
            maxWindows: options.maxWindows
              ? parseCountOption('--max-windows', options.maxWindows)
              : undefined,
          };
      if (mode.kind === 'backfill' && mode.to <= mode.from)
        throw new ConfigError('--to must be after --from');
      const secret = process.env.AUDITLAKE_WEBHOOK_SECRET;
      if (options.webhook && !secret)
        throw new ConfigError('--webhook needs the AUDITLAKE_WEBHOOK_SECRET variable');
      const { problems } = await runDetection({
        lakeDir: options.lake,
        queriesDir: options.queries,
        rollupsDir: options.rollups,
        suppressionsFile: options.suppressions,
        redactionFile: options.redaction,
        rebuildRollups: Boolean(options.rebuildRollups),
        detectorIds: options.detector ?? [],
        mode,
        statePath: options.state ?? defaultStatePath(options.lake),
        outPath: options.out,
        webhook: options.webhook ? { url: options.webhook, secret: secret as string } : undefined,
        params: options.param ?? [],
        print: (text) => process.stdout.write(text),
        printError: (text) => process.stderr.write(text),
      });
      if (problems > 0) process.exitCode = 1;
    });
}
