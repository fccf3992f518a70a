import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDemoLake } from '../../lambdas/demo/demo-lake.ts';
import { LocalLakeStore } from '../../lambdas/integrity/local-lake-store.ts';
import { verifyLake } from '../../lambdas/integrity/verify-lake.ts';

let root: string | undefined;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the demo lake', () => {
  it('verifies clean: it is written through ingest, which digests what it adds', async () => {
    root = await mkdtemp(join(tmpdir(), 'auditlake-demo-verify-'));
    const lake = join(root, 'lake');
    await generateDemoLake({
      lakeDir: lake,
      employees: 30,
      days: 8,
      seed: 7,
      end: new Date('2026-03-30T00:00:00Z'),
    });

    const result = await verifyLake(new LocalLakeStore(lake));

    expect(result.problems).toEqual([]);
    expect(result.digests).toBe(1);
    expect(result.files).toBeGreaterThan(0);
  }, 120_000);
});
