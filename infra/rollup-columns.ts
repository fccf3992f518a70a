/**
 * The columns of each rollup table, read from the rollup's own SQL: the query runs once, over an
 * empty lake, on the local DuckDB engine (with the Trino compatibility layer the CLI uses), and
 * its result columns become the Glue table's, in order. Athena's `INSERT INTO` matches columns by
 * position, so deriving them from the SQL is what keeps the table and the writer in step.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../lambdas/core/errors.ts';
import type { ColumnType } from '../lambdas/core/ports.ts';
import { type Rollup, renderRollupDay } from '../lambdas/core/rollup.ts';
import { openDuckDbEngine } from '../lambdas/engines/duckdb-engine.ts';
import type { GlueColumn } from './constructs/lake-tables.ts';

export interface RollupTable {
  /** The table the rollup fills (`table:` in its header). */
  readonly name: string;
  /** Result columns in SELECT order, without the `dt` partition. */
  readonly columns: readonly GlueColumn[];
}

const GLUE_TYPES: Readonly<Record<Exclude<ColumnType, 'other'>, string>> = {
  varchar: 'string',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
};

export async function describeRollupTables(rollups: readonly Rollup[]): Promise<RollupTable[]> {
  if (rollups.length === 0) return [];
  const emptyLake = await mkdtemp(join(tmpdir(), 'auditlake-rollup-columns-'));
  const engine = await openDuckDbEngine({ lakeDir: emptyLake, threads: 1 });
  const problems: string[] = [];
  const tables: RollupTable[] = [];
  try {
    for (const rollup of rollups) {
      const sql = renderRollupDay(rollup, '2000-01-01');
      try {
        const result = await engine.query({ label: rollup.file, sql: `SELECT * FROM (\n${sql}\n) LIMIT 0` });
        const columns: GlueColumn[] = [];
        for (const column of result.columns) {
          if (column.type === 'other')
            problems.push(`${rollup.file}: column ${column.name} has a type Glue tables cannot hold`);
          else if (column.name === 'dt')
            problems.push(`${rollup.file}: column dt is the partition, not a result column`);
          else columns.push({ name: column.name, type: GLUE_TYPES[column.type] });
        }
        tables.push({ name: rollup.table, columns });
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
  } finally {
    await engine.close();
    await rm(emptyLake, { recursive: true, force: true });
  }
  if (problems.length > 0)
    throw new ConfigError(`rollup tables cannot be described:\n  ${problems.join('\n  ')}`);
  return tables;
}
