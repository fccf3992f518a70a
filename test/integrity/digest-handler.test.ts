import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../lambdas/core/errors.ts';
import { parseDigest } from '../../lambdas/integrity/lake-digest.ts';
import { lambdaContext } from '../aws/lambda-context.ts';
import { type CapturedOutput, captureOutput } from '../aws/powertools-output.ts';
import { type FakeBucket, fakeBucket } from './fake-s3-bucket.ts';

let bucket: FakeBucket;
let output: CapturedOutput;

beforeEach(() => {
  bucket = fakeBucket();
  output = captureOutput();
});

afterEach(() => {
  output.restore();
  vi.unstubAllEnvs();
});

/** A fresh handler module: config is read once per execution environment. */
async function freshHandler() {
  vi.resetModules();
  return (await import('../../lambdas/handlers/digest-handler.ts')).handler;
}

function metricValues(name: string): unknown[] {
  return output.metrics.filter((document) => name in document).map((document) => document[name]);
}

describe('digest handler', () => {
  it('hashes the new audit_events objects, writes the next digest and reports it', async () => {
    vi.stubEnv('LAKE_BUCKET', bucket.name);
    bucket.put(
      'audit_events/dt=2026-11-28/firehose-1.parquet',
      'parquet bytes',
      new Date('2026-11-28T09:12:00Z'),
    );
    bucket.put('rollups/employee_daily/dt=2026-11-28/data.parquet', 'derived');
    const handler = await freshHandler();

    const result = await handler({}, lambdaContext());

    expect(result.files).toBe(1);
    expect(bucket.keys('digests/')).toEqual([result.digest]);
    const digest = parseDigest(bucket.objects.get(result.digest)?.body ?? Buffer.alloc(0));
    expect(digest.files.map((file) => file.path)).toEqual(['audit_events/dt=2026-11-28/firehose-1.parquet']);
    expect(output.logs.find((log) => log.message === 'digest written')).toMatchObject({
      digest: result.digest,
      files: 1,
    });
    expect(metricValues('DigestedFiles')).toEqual([1]);
    expect(metricValues('DigestFailed')).toEqual([0]);
  });

  it('chains the next invocation to the digest the previous one wrote', async () => {
    vi.stubEnv('LAKE_BUCKET', bucket.name);
    const handler = await freshHandler();
    const first = await handler({}, lambdaContext('req-1'));

    const second = await handler({}, lambdaContext('req-2'));

    const digest = parseDigest(bucket.objects.get(second.digest)?.body ?? Buffer.alloc(0));
    expect(digest.previousDigest?.path).toBe(first.digest);
  });

  it('fails naming the missing variable, counts the failure and writes nothing', async () => {
    const handler = await freshHandler();

    // A fresh module graph has its own ConfigError class: compare by name.
    await expect(handler({}, lambdaContext())).rejects.toMatchObject({ name: ConfigError.name });
    await expect(handler({}, lambdaContext())).rejects.toThrow('environment variable LAKE_BUCKET is not set');
    expect(bucket.keys()).toEqual([]);
    expect(metricValues('DigestFailed')).toEqual([1, 1]);
    expect(output.logs.some((log) => log.message === 'digest failed')).toBe(true);
  });
});
