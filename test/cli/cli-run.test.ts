import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { employee, event } from '../support/fixture-lake.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
let lake: string;

const HOUR = 3_600_000;
/** An hour that is 03:xx in Berlin (UTC+1 in winter, UTC+2 in summer) on a recent Tuesday. */
function recentBerlinNight(): Date {
  const at = new Date();
  at.setUTCHours(1, 15, 0, 0);
  while (at.getUTCDay() !== 2 || Date.now() - at.getTime() < 3 * HOUR) at.setUTCDate(at.getUTCDate() - 1);
  return at;
}

const night = recentBerlinNight();
const exportEvent = () =>
  event({
    actor_id: 'emp-b',
    event_time: night.toISOString(),
    action: 'export',
    resource_type: 'table',
    record_count: 5000,
    destination: 'usb',
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auditlake-cli-run-'));
  lake = join(dir, 'lake');
  await mkdir(join(lake, 'employees'), { recursive: true });
  await writeFile(
    join(lake, 'employees', 'directory.jsonl'),
    `${JSON.stringify(employee({ employee_id: 'emp-b' }))}\n`,
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('auditlake ingest and run', () => {
  it('ingests events and reports counts that add up, with bad lines quarantined', async () => {
    const good = exportEvent();
    const lines = [
      JSON.stringify(good),
      '{"broken json',
      JSON.stringify({ ...good, action: 'teleport', event_id: 'x-1' }),
      JSON.stringify(good),
    ];
    await writeFile(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
    const result = await runCli(['ingest', join(dir, 'events.jsonl'), '--lake', lake]);
    expect(result.stdout).toMatch(/received\s+4\n/);
    expect(result.stdout).toMatch(/accepted\s+1\n/);
    expect(result.stdout).toMatch(/quarantined\s+2\s/);
    expect(result.stdout).toMatch(/duplicates\s+1\n/);
    expect(result.code).toBe(2);
  });

  it('backfills a range and writes the findings file', async () => {
    const out = join(dir, 'backfill.jsonl');
    const day = night.toISOString().slice(0, 10);
    const next = new Date(night.getTime() + 24 * HOUR).toISOString().slice(0, 10);
    const result = await runCli([
      'run',
      '--lake',
      lake,
      '--from',
      day,
      '--to',
      next,
      '--out',
      out,
      '--state',
      join(dir, 'bf.json'),
      '--detector',
      'off-hours-export',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/HIGH\s+off-hours-export\s+emp-b/);
    const findings = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(findings).toMatchObject([
      { detector_id: 'off-hours-export', actor_id: 'emp-b', evidence: { records: 5000 } },
    ]);
  });

  it('continues from the watermark: a second run right after the first has no new windows', async () => {
    const state = join(dir, 'state.json');
    const args = [
      'run',
      '--lake',
      lake,
      '--state',
      state,
      '--initial',
      '7d',
      '--late',
      '0m',
      '--detector',
      'off-hours-export',
    ];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/✓ off-hours-export: 1\d\d windows, 1 finding, watermark /);
    const second = await runCli(args);
    expect(second.stdout).toContain('No findings.');
    expect(second.stdout).toMatch(/✓ off-hours-export: [01] windows?, 0 findings/);
    const saved = JSON.parse(await readFile(state, 'utf8'));
    expect(Object.keys(saved.watermarks)).toEqual(['off-hours-export']);
  });
});
