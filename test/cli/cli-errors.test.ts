import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectorText } from '../support/detector-text.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auditlake-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The user sees exactly one line on stderr, no stack trace, and a failing exit code. */
function expectOneLineError(result: { code: number; stderr: string }, message: string) {
  expect(result.code).not.toBe(0);
  expect(result.stderr.trimEnd().split('\n')).toEqual([`auditlake: ${message}`]);
}

describe('auditlake command-line errors', () => {
  it('says --from and --to go together', async () => {
    expectOneLineError(
      await runCli(['run', '--lake', dir, '--from', '2026-01-01']),
      '--from and --to go together',
    );
  });

  it('explains a time it cannot read', async () => {
    expectOneLineError(
      await runCli(['run', '--lake', dir, '--from', 'yesterday', '--to', '2026-01-02']),
      '--from "yesterday": expected a date like 2026-01-31 or a time like 2026-01-31T09:00:00Z',
    );
  });

  it('rejects a time without a zone instead of guessing one', async () => {
    const result = await runCli([
      'run',
      '--lake',
      dir,
      '--from',
      '2026-01-01T09:00:00',
      '--to',
      '2026-01-02',
    ]);
    expect(result.stderr).toMatch(/^auditlake: --from "2026-01-01T09:00:00": expected/);
  });

  it('lists the known detectors for an unknown one', async () => {
    const result = await runCli(['run', '--lake', dir, '--detector', 'nope']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^auditlake: no detector nope \(known: [a-z-]+(, [a-z-]+)*\)\n$/);
    expect(result.stderr).toContain('off-hours-export');
  });

  it('names the parameter and the expected type for a bad override', async () => {
    expectOneLineError(
      await runCli(['run', '--lake', dir, '--param', 'off-hours-export.min_records=lots']),
      '--param "off-hours-export.min_records=lots": "lots" is not a number',
    );
  });

  it('names a missing input file', async () => {
    const result = await runCli(['ingest', join(dir, 'missing.jsonl'), '--lake', dir]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('missing.jsonl');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('reports a required option the user left out', async () => {
    const result = await runCli(['run']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("required option '--lake <dir>' not specified");
  });

  it('prints the stack trace only with --debug', async () => {
    const result = await runCli(['--debug', 'run', '--lake', dir, '--detector', 'nope']);
    expect(result.stderr).toContain('auditlake: no detector nope');
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it('reports a detector with a broken header by file and field, and still lists the rest', async () => {
    const queries = join(dir, 'queries');
    await mkdir(queries, { recursive: true });
    await writeFile(join(queries, 'good.sql'), detectorText({ id: 'good' }));
    await writeFile(join(queries, 'bad.sql'), detectorText({ id: 'bad', severity: 'urgent' }));
    const result = await runCli(['detectors', 'list', '--queries', queries]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^good\s+high\s+rate\(1 hour\)/m);
    expect(result.stderr).toContain(`error: ${join(queries, 'bad.sql')}: severity:`);
  });
});
