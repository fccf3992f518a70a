import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DuckDbEngine, openDuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';
import { DuckDbRollupStore } from '../../lambdas/engines/duckdb-rollup-store.ts';

let lake: string;
let engine: DuckDbEngine;

beforeEach(async () => {
  lake = await mkdtemp(join(tmpdir(), 'auditlake-rollups-'));
  engine = await openDuckDbEngine({ lakeDir: lake, threads: 1 });
});
afterEach(async () => {
  await engine.close();
  await rm(lake, { recursive: true, force: true });
});

const rows = async (sql: string) => (await engine.query({ sql, label: 'test' })).rows;

describe('DuckDbRollupStore', () => {
  it('writes a day as a Parquet partition that the table view reads', async () => {
    const store = new DuckDbRollupStore(engine, lake);
    await store.writePartition('employee_daily', '2026-01-07', "SELECT 'emp-1' AS actor_id, 5 AS events");
    await store.writePartition('employee_daily', '2026-01-08', "SELECT 'emp-1' AS actor_id, 7 AS events");
    expect(await rows('SELECT dt, events FROM employee_daily ORDER BY dt')).toEqual([
      { dt: '2026-01-07', events: 5 },
      { dt: '2026-01-08', events: 7 },
    ]);
  });

  it('replaces a day that is written again, leaving no temporary files', async () => {
    const store = new DuckDbRollupStore(engine, lake);
    await store.writePartition('employee_daily', '2026-01-07', 'SELECT 1 AS events');
    await store.writePartition('employee_daily', '2026-01-07', 'SELECT 2 AS events');
    expect(await rows('SELECT events FROM employee_daily')).toEqual([{ events: 2 }]);
    expect(await readdir(join(lake, 'rollups', 'employee_daily', 'dt=2026-01-07'))).toEqual(['data.parquet']);
  });

  it('keeps a day with no rows, so it is not rebuilt again and again', async () => {
    const store = new DuckDbRollupStore(engine, lake);
    await store.writePartition('employee_daily', '2026-01-07', 'SELECT 1 AS events WHERE FALSE');
    expect(await store.existingPartitions('employee_daily', '2026-01-01', '2026-01-31')).toEqual(
      new Set(['2026-01-07']),
    );
    expect(await rows('SELECT count(*) AS n FROM employee_daily')).toEqual([{ n: 0 }]);
  });

  it('lists the existing days inside the range only', async () => {
    const store = new DuckDbRollupStore(engine, lake);
    for (const dt of ['2026-01-05', '2026-01-07', '2026-01-09']) {
      await store.writePartition('employee_daily', dt, 'SELECT 1 AS events');
    }
    expect(await store.existingPartitions('employee_daily', '2026-01-06', '2026-01-09')).toEqual(
      new Set(['2026-01-07', '2026-01-09']),
    );
    expect(await store.existingPartitions('other_table', '2026-01-01', '2026-01-31')).toEqual(new Set());
  });

  it('reads days built before a rollup gained a column, with NULL in it', async () => {
    const store = new DuckDbRollupStore(engine, lake);
    await store.writePartition('employee_daily', '2026-01-07', 'SELECT 1 AS events');
    await store.writePartition(
      'employee_daily',
      '2026-01-08',
      'SELECT 2 AS events, 9 AS outbound_export_records',
    );
    expect(await rows('SELECT dt, events, outbound_export_records FROM employee_daily ORDER BY dt')).toEqual([
      { dt: '2026-01-07', events: 1, outbound_export_records: null },
      { dt: '2026-01-08', events: 2, outbound_export_records: 9 },
    ]);
  });

  it('makes existing rollup tables visible to a newly opened engine', async () => {
    await new DuckDbRollupStore(engine, lake).writePartition(
      'employee_daily',
      '2026-01-07',
      'SELECT 3 AS events',
    );
    const second = await openDuckDbEngine({ lakeDir: lake, threads: 1 });
    try {
      const result = await second.query({ sql: 'SELECT events FROM employee_daily', label: 'test' });
      expect(result.rows).toEqual([{ events: 3 }]);
    } finally {
      await second.close();
    }
  });
});
