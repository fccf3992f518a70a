/**
 * Rollup partitions as Parquet in the lake, `<lake>/rollups/<table>/dt=YYYY-MM-DD/data.parquet`
 * (the layout the S3 lake uses too), each table a view over its partitions. A partition is
 * written to a temporary file and renamed into place, so a reader never sees half of one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadRollupCatalog, type RollupStore, type Rollups } from '../core/rollup.ts';
import type { DuckDbEngine } from './duckdb-engine.ts';
import { identifier, sqlString } from './lake-tables.ts';
import { translateTrinoSql } from './trino-compat.ts';

const PARTITION_FILE = 'data.parquet';

export class DuckDbRollupStore implements RollupStore {
  private readonly root: string;

  constructor(
    private readonly engine: DuckDbEngine,
    lakeDir: string,
  ) {
    this.root = path.join(path.resolve(lakeDir), 'rollups');
  }

  async existingPartitions(table: string, fromDt: string, toDt: string): Promise<ReadonlySet<string>> {
    const names = await readdir(path.join(this.root, table)).catch(() => [] as string[]);
    const days = new Set<string>();
    for (const name of names) {
      const dt = name.startsWith('dt=') ? name.slice(3) : '';
      if (dt < fromDt || dt > toDt) continue;
      if (await isFile(path.join(this.root, table, name, PARTITION_FILE))) days.add(dt);
    }
    return days;
  }

  async writePartition(table: string, dt: string, sql: string): Promise<void> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dt)) throw new Error(`rollup partition ${dt} is not a YYYY-MM-DD date`);
    const dir = path.join(this.root, table, `dt=${dt}`);
    await mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${PARTITION_FILE}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await this.engine.run(
        `COPY (${translateTrinoSql(sql)}) TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      await rename(temp, path.join(dir, PARTITION_FILE));
    } finally {
      await rm(temp, { force: true });
    }
    await createRollupView(this.engine, this.root, table);
  }
}

/** Creates a view for every rollup table that has partitions, so detectors can read them. */
export async function createRollupViews(engine: DuckDbEngine, lakeDir: string): Promise<void> {
  const root = path.join(path.resolve(lakeDir), 'rollups');
  for (const table of await readdir(root).catch(() => [] as string[])) {
    if (!/^[a-z][a-z0-9_]*$/.test(table)) continue;
    const partitions = await readdir(path.join(root, table)).catch(() => [] as string[]);
    if (partitions.some((name) => name.startsWith('dt='))) await createRollupView(engine, root, table);
  }
}

/** `union_by_name`: days built before a rollup gained a column read it as NULL instead of failing. */
async function createRollupView(engine: DuckDbEngine, root: string, table: string): Promise<void> {
  const files = path.join(root, table, 'dt=*', PARTITION_FILE);
  await engine.run(
    `CREATE OR REPLACE VIEW ${identifier(table)} AS SELECT * FROM read_parquet(${sqlString(files)}, hive_partitioning = true, hive_types = {'dt': VARCHAR}, union_by_name = true)`,
  );
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** Rollups for a local run: the catalog in `rollupsDir`, partitions as Parquet in the lake. */
export async function localRollups(
  engine: DuckDbEngine,
  lakeDir: string,
  rollupsDir: string,
  rebuild = false,
): Promise<Rollups> {
  const { rollups, errors } = await loadRollupCatalog(rollupsDir);
  const [first] = errors;
  if (first) throw first;
  return { catalog: rollups, store: new DuckDbRollupStore(engine, lakeDir), rebuild };
}
