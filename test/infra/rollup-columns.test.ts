import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRollupTables } from '../../infra/rollup-columns.ts';
import { loadRollupCatalog, parseRollup } from '../../lambdas/core/rollup.ts';
import { FIXTURE_QUERIES_DIR, REPO_QUERIES_DIR } from './support/infra-app.ts';

describe('rollup table columns', () => {
  it('are the result columns of the rollup SQL, in order, with Glue types', async () => {
    const { rollups } = await loadRollupCatalog(path.join(FIXTURE_QUERIES_DIR, 'rollups'));

    const tables = await describeRollupTables(rollups);

    expect(tables).toEqual([
      {
        name: 'daily_counts',
        columns: [
          { name: 'actor_id', type: 'string' },
          { name: 'events', type: 'bigint' },
          { name: 'exported_records', type: 'bigint' },
          { name: 'first_seen', type: 'timestamp' },
        ],
      },
    ]);
  });

  it('describe every rollup shipped in queries/rollups', async () => {
    const { rollups, errors } = await loadRollupCatalog(path.join(REPO_QUERIES_DIR, 'rollups'));

    const tables = await describeRollupTables(rollups);

    expect(errors).toEqual([]);
    expect(tables.map((table) => table.name).sort()).toEqual(rollups.map((rollup) => rollup.table).sort());
    for (const table of tables) expect(table.columns[0]).toEqual({ name: 'actor_id', type: 'string' });
  });

  it('refuse a rollup that returns the partition column itself', async () => {
    const rollup = parseRollup(
      '/virtual/with-dt.sql',
      '/*\nid: with-dt\ntable: with_dt\ndescription: returns dt\n*/\nSELECT actor_id, dt FROM audit_events WHERE dt = :window_start_dt',
    );

    await expect(describeRollupTables([rollup])).rejects.toThrow(/with-dt\.sql: column dt is the partition/);
  });
});
