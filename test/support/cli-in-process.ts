/**
 * Runs `auditlake` through its own entry point (`main`) in this process, capturing what it writes
 * and the exit code it sets: the same argument parsing, commands and one-line errors as the real
 * command, without a child process per call. `run-cli.ts` starts the real process.
 */
import { vi } from 'vitest';
import { main } from '../../lambdas/cli/main.ts';
import type { CliResult } from './run-cli.ts';

export async function runCliInProcess(args: readonly string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) => (chunk: string | Uint8Array) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture(stdout));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture(stderr));
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(['node', 'auditlake', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = exitCode;
  }
}
