import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaRollupStore } from '../../lambdas/engines/athena-rollup-store.ts';
import { FakeEngine } from '../support/fake-engine.ts';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

function store(engine = new FakeEngine(() => [])) {
  return { engine, store: new AthenaRollupStore({ engine, s3: new S3Client({}), bucket: 'lake' }) };
}

describe('AthenaRollupStore', () => {
  it('reads the existing days from the S3 listing, across pages', async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        CommonPrefixes: [
          { Prefix: 'rollups/employee_daily/dt=2026-01-05/' },
          { Prefix: 'rollups/employee_daily/dt=2026-01-07/' },
        ],
        IsTruncated: true,
        NextContinuationToken: 'next',
      })
      .resolvesOnce({
        CommonPrefixes: [{ Prefix: 'rollups/employee_daily/dt=2026-01-12/' }],
        IsTruncated: false,
      });
    const days = await store().store.existingPartitions('employee_daily', '2026-01-06', '2026-01-10');
    expect(days).toEqual(new Set(['2026-01-07']));
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toMatchObject({
      Bucket: 'lake',
      Prefix: 'rollups/employee_daily/dt=',
      Delimiter: '/',
    });
    expect(s3.commandCalls(ListObjectsV2Command)[1]?.args[0].input.ContinuationToken).toBe('next');
  });

  it('deletes an old partition, then inserts the day through Athena', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: 'rollups/employee_daily/dt=2026-01-07/a.parquet' }],
    });
    s3.on(DeleteObjectsCommand).resolves({});
    const { engine, store: rollups } = store();
    await rollups.writePartition(
      'employee_daily',
      '2026-01-07',
      'SELECT actor_id, count(*) AS events FROM audit_events GROUP BY 1',
    );
    expect(s3.commandCalls(DeleteObjectsCommand)[0]?.args[0].input).toEqual({
      Bucket: 'lake',
      Delete: { Objects: [{ Key: 'rollups/employee_daily/dt=2026-01-07/a.parquet' }], Quiet: true },
    });
    expect(engine.requests[0]?.sql).toBe(
      "INSERT INTO employee_daily SELECT *, '2026-01-07' AS dt FROM (\nSELECT actor_id, count(*) AS events FROM audit_events GROUP BY 1\n)",
    );
  });

  it('refuses a table or day that could escape its prefix', async () => {
    const { store: rollups } = store();
    await expect(rollups.writePartition('../audit_events', '2026-01-07', 'SELECT 1')).rejects.toThrow(
      /snake_case/,
    );
    await expect(rollups.writePartition('employee_daily', '2026-01-07/../x', 'SELECT 1')).rejects.toThrow(
      /YYYY-MM-DD/,
    );
  });
});
