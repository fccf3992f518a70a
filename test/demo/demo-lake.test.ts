import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/core/errors.ts';
import { type DemoSummary, generateDemoLake } from '../../lambdas/demo/demo-lake.ts';

const END = new Date('2026-03-30T00:00:00Z');

async function queryLake(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('generateDemoLake into a temporary directory (30 employees × 10 days)', () => {
  let root: string;
  let lake: string;
  let summary: DemoSummary;
  const progress: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'auditlake-demo-'));
    lake = join(root, 'lake');
    summary = await generateDemoLake({
      lakeDir: lake,
      employees: 30,
      days: 10,
      seed: 7,
      end: END,
      onProgress: (message) => progress.push(message),
    });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('ingests every generated event and quarantines none', () => {
    expect(summary.event_count).toBeGreaterThan(5_000);
    expect(summary.received).toBe(summary.event_count);
    expect(summary.accepted).toBe(summary.event_count);
    expect(summary.quarantined).toBe(0);
    expect(summary.duplicates).toBe(0);
  });

  it('writes dt partitions whose Parquet rows DuckDB counts to the event count', async () => {
    const partitions = (await readdir(join(lake, 'audit_events'))).sort();
    expect(partitions[0]).toBe('dt=2026-03-20');
    expect(partitions.at(-1)).toBe('dt=2026-03-29');
    const [row] = await queryLake(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT dt)::INTEGER AS days,
              min(event_time)::VARCHAR AS first, max(event_time)::VARCHAR AS last
       FROM read_parquet('${lake}/audit_events/*/*.parquet', hive_partitioning=true)`,
    );
    expect(row).toMatchObject({ n: summary.event_count, days: 10 });
    expect(String(row?.first) >= '2026-03-20').toBe(true);
    expect(String(row?.last) < '2026-03-30').toBe(true);
  });

  it('writes the employee directory with its header and one row per person', async () => {
    const csv = await readFile(join(lake, 'employees', 'employees.csv'), 'utf8');
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'employee_id,email,display_name,department,title,manager_id,location,timezone,work_start_hour,work_end_hour,work_days,employment_status,hire_date,termination_date,is_privileged',
    );
    expect(lines).toHaveLength(31);
  });

  it('writes ground truth naming the three planted insiders', async () => {
    const truth = JSON.parse(await readFile(join(lake, 'ground-truth.json'), 'utf8')) as {
      scenario: string;
    }[];
    expect(truth.map((t) => t.scenario).sort()).toEqual([
      'bulk-record-access',
      'departing-employee',
      'off-hours-export',
    ]);
    for (const entry of truth)
      expect(Object.keys(entry).sort()).toEqual([
        'actor_id',
        'description',
        'expected',
        'from',
        'scenario',
        'to',
      ]);
  });

  it('writes a manifest that matches the returned summary', async () => {
    const manifest = JSON.parse(await readFile(join(lake, 'demo.json'), 'utf8'));
    expect(manifest).toMatchObject({
      seed: 7,
      employees: 30,
      days: 10,
      start: '2026-03-20T00:00:00.000Z',
      end: '2026-03-30T00:00:00.000Z',
      detection_from: '2026-03-23T00:00:00.000Z',
      event_count: summary.event_count,
      generator_version: summary.generator_version,
    });
  });

  it('removes its staging files and reports progress', async () => {
    expect(existsSync(join(lake, '.staging'))).toBe(false);
    expect(progress.some((message) => message.startsWith('Ingesting'))).toBe(true);
  });
});

describe('generateDemoLake options', () => {
  it.each([
    [{ end: new Date('2026-03-30T12:00:00Z') }, /end: expected a UTC midnight/],
    [{ employees: 5 }, /employees: expected at least 20/],
    [{ days: 3 }, /days: expected at least 8/],
    [{ seed: -1 }, /seed/],
  ])('rejects %o with a message naming the option', async (override, message) => {
    const options = { lakeDir: join(tmpdir(), 'auditlake-never-written'), end: END, ...override };
    await expect(generateDemoLake(options)).rejects.toThrow(ConfigError);
    await expect(generateDemoLake(options)).rejects.toThrow(message);
    expect(existsSync(options.lakeDir)).toBe(false);
  });
});
