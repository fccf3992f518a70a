/**
 * Measures the cost model's inputs on a local lake: compressed Parquet bytes per event for each
 * audit_events column (from the files' own metadata), events per employee-day, and each rollup
 * table's bytes per employee-day. The edge of the cost model; the bench and `auditlake cost
 * --lake` both use it.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDbEngine } from '../engines/duckdb-engine.ts';
import { sqlString } from '../engines/lake-tables.ts';
import type { LakeSizes } from './athena-cost.ts';

export async function measureLakeSizes(engine: DuckDbEngine, lakeDir: string): Promise<LakeSizes> {
  const root = path.resolve(lakeDir);
  const files = path.join(root, 'audit_events', 'dt=*', '*.parquet');
  const counts = await engine.query({
    sql: 'SELECT count(*) AS events, count(DISTINCT dt) AS days FROM audit_events',
    label: 'lake size',
  });
  const people = await engine.query({
    sql: 'SELECT count(*) AS employees FROM employees',
    label: 'employees',
  });
  const events = Number(counts.rows[0]?.events ?? 0);
  const days = Number(counts.rows[0]?.days ?? 0);
  const employees = Number(people.rows[0]?.employees ?? 0);
  if (events === 0 || days === 0 || employees === 0) {
    throw new Error(`${root}: needs audit events and employees to measure sizes`);
  }
  const columns = await engine.query({
    sql: `SELECT path_in_schema AS name, sum(total_compressed_size) AS bytes FROM parquet_metadata(${sqlString(files)}) GROUP BY 1 ORDER BY 1`,
    label: 'column sizes',
  });
  const rawColumnBytesPerEvent: Record<string, number> = {};
  for (const row of columns.rows) rawColumnBytesPerEvent[String(row.name)] = Number(row.bytes) / events;

  const rollupBytesPerEmployeeDay: Record<string, number> = {};
  const rollupRoot = path.join(root, 'rollups');
  for (const table of await readdir(rollupRoot).catch(() => [] as string[])) {
    let bytes = 0;
    let partitions = 0;
    for (const dir of await readdir(path.join(rollupRoot, table))) {
      const file = path.join(rollupRoot, table, dir, 'data.parquet');
      const size = await stat(file).then(
        (info) => info.size,
        () => undefined,
      );
      if (size === undefined) continue;
      bytes += size;
      partitions++;
    }
    if (partitions > 0) rollupBytesPerEmployeeDay[table] = bytes / partitions / employees;
  }
  return {
    source: `measured on ${root} (${employees} employees, ${days} days, ${events} events)`,
    eventsPerEmployeeDay: events / employees / days,
    rawColumnBytesPerEvent,
    rollupBytesPerEmployeeDay,
  };
}
