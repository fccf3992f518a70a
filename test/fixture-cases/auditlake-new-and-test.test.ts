import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDetector } from '../../lambdas/core/detector.ts';
import { testDetectors } from '../../lambdas/fixtures/detector-tests.ts';
import { lintDetector } from '../../lambdas/lint/detector-lint.ts';
import { ROLLUPS_DIR } from '../support/fixture-lake.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
let queries: string;
let cases: string;
const ID = 'bulk-download-burst';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auditlake-new-'));
  queries = join(dir, 'detectors');
  cases = join(dir, 'tests');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** `auditlake test` through the library, with what it printed. */
async function testOutput(ids: string[] = [ID]) {
  let output = '';
  const summary = await testDetectors({
    queriesDir: queries,
    casesDir: cases,
    rollupsDir: ROLLUPS_DIR,
    detectorIds: ids,
    print: (text) => {
      output += text;
    },
  });
  return { summary, lines: output.trimEnd().split('\n') };
}

describe('auditlake new', () => {
  it('scaffolds a detector and a case that must fire and one that must not, beside each other', async () => {
    const result = await runCli(['new', ID, '--title', 'Burst of downloads', '--queries', queries]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(join(queries, `${ID}.sql`));
    expect(result.stdout).toContain(join(cases, ID, 'flags-many-exports.yaml'));
    expect(result.stdout).toContain(join(cases, ID, 'ignores-few-exports.yaml'));
  });

  it('writes a detector that parses and lints without a single issue', async () => {
    const file = join(queries, `${ID}.sql`);
    const detector = parseDetector(file, await readFile(file, 'utf8'));
    expect(detector.title).toBe('Burst of downloads');
    expect(lintDetector(detector)).toEqual([]);
  });

  it('writes cases that pass against the scaffolded SQL', async () => {
    const result = await runCli(['test', ID, '--queries', queries]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^✓ bulk-download-burst › flags an employee who exports sixty times/m);
    expect(result.stdout).toMatch(/^✓ bulk-download-burst › does not flag a few exports/m);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('2 passed, 0 failed');
  });

  it('refuses to overwrite an existing detector', async () => {
    const file = join(queries, `${ID}.sql`);
    await writeFile(file, '-- edited by hand\n');
    const result = await runCli(['new', ID, '--queries', queries]);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `auditlake: ${file} already exists; auditlake new never overwrites (choose another id)`,
    ]);
    expect(await readFile(file, 'utf8')).toBe('-- edited by hand\n');
  });

  it('refuses an id that is not kebab-case', async () => {
    const result = await runCli(['new', 'Bulk_Download', '--queries', queries]);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'auditlake: detector id "Bulk_Download": expected kebab-case like bulk-download-burst (a-z, 0-9, single dashes)',
    ]);
  });
});

describe('auditlake test', () => {
  const other = 'night-upload';

  beforeAll(async () => {
    await runCli(['new', other, '--queries', queries]);
  });

  it('prints the diff of a failing case and counts it in the closing line', async () => {
    const positive = join(cases, other, 'flags-many-exports.yaml');
    const text = await readFile(positive, 'utf8');
    await writeFile(positive, text.replace('actor_id: emp-a, summary', 'actor_id: emp-z, summary'));
    const { summary, lines } = await testOutput([other]);
    expect(summary).toMatchObject({ passed: 1, failed: 1 });
    expect(lines).toContain(
      '  - emp-z  summary to contain "60 times in the hour"  evidence { records: 60 }  (expected, not found)',
    );
    expect(lines.some((line) => line.startsWith('  + emp-a  medium  "exported or downloaded 60 times'))).toBe(
      true,
    );
    expect(lines.at(-1)).toBe('1 passed, 1 failed');
    await writeFile(positive, text);
  });

  it('fails a stable detector with fewer than 3 cases that fire and 3 that must not, naming it', async () => {
    const file = join(queries, `${other}.sql`);
    const sql = await readFile(file, 'utf8');
    await writeFile(file, sql.replace('status: experimental ', 'status: stable       '));
    const { summary, lines } = await testOutput([other]);
    expect(lines).toContain(
      '✗ coverage: night-upload has 1 positive and 1 negative case; a stable detector needs at least 3 of each (cases that must fire and cases that must not)',
    );
    expect(summary).toMatchObject({ passed: 2, failed: 1 });
    await writeFile(file, sql);
  });

  it('reports a bad case file as a failure with one line naming the file and field', async () => {
    const bad = join(cases, other, 'broken.yaml');
    await writeFile(bad, 'description: broken\nrun: { from: yesterday, to: today }\nexpect: {}\n');
    const { summary, lines } = await testOutput([other]);
    expect(lines[0]).toBe(
      `✗ ${bad}: run.from: "yesterday" is not a time: write run.from or run.to with +/- steps (+10m, -3d) and an optional @HH:MM (UTC time of day), or an ISO time with Z or an offset (2026-03-17T02:00:00Z)`,
    );
    expect(summary.failed).toBe(1);
    await rm(bad);
  });

  it('exits 1 and names an unknown detector', async () => {
    const result = await runCli(['test', 'no-such-detector', '--queries', queries]);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd()).toBe(
      'auditlake: no detector no-such-detector (known: bulk-download-burst, night-upload)',
    );
  });
});
