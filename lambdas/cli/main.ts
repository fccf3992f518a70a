/**
 * The `auditlake` command. Each command is a thin wrapper over the core; any error a user can
 * cause ends as one line on stderr and a non-zero exit code (the stack only with --debug).
 */
import { Command, CommanderError } from 'commander';
import { AuditlakeError } from '../core/errors.ts';
import { registerCostCommand } from './commands/cost-command.ts';
import { registerDemoCommand } from './commands/demo-command.ts';
import { registerDetectorsCommand } from './commands/detectors-command.ts';
import { registerEvalCommand } from './commands/eval-command.ts';
import { registerIngestCommand } from './commands/ingest-command.ts';
import { registerLintCommand } from './commands/lint-command.ts';
import { registerNewCommand } from './commands/new-command.ts';
import { registerReportCommand } from './commands/report-command.ts';
import { registerRunCommand } from './commands/run-command.ts';
import { registerTestCommand } from './commands/test-command.ts';
import { registerVerifyCommand } from './commands/verify-command.ts';

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command('auditlake')
    .description('Find insiders in employee audit logs with SQL detectors')
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run auditlake --help for usage)')
    .exitOverride();
  registerIngestCommand(program);
  registerRunCommand(program);
  registerLintCommand(program);
  registerDetectorsCommand(program);
  registerTestCommand(program);
  registerNewCommand(program);
  registerDemoCommand(program);
  registerEvalCommand(program);
  registerCostCommand(program);
  registerReportCommand(program);
  registerVerifyCommand(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help text the user asked for).
      process.exitCode = error.exitCode;
      return;
    }
    const debug = argv.includes('--debug');
    process.stderr.write(`auditlake: ${describeError(error)}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else if (!(error instanceof AuditlakeError)) process.stderr.write('(run with --debug for details)\n');
    process.exitCode = 1;
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
