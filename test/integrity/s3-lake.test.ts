import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/core/errors.ts';
import { isFailure } from '../../lambdas/integrity/chain-check.ts';
import { parseDigest } from '../../lambdas/integrity/lake-digest.ts';
import { parseS3Url } from '../../lambdas/integrity/lake-store.ts';
import { S3LakeStore } from '../../lambdas/integrity/s3-lake-store.ts';
import { LOOKBACK_MS, writeScheduledDigest } from '../../lambdas/integrity/scheduled-digest.ts';
import { verifyLake } from '../../lambdas/integrity/verify-lake.ts';
import { type FakeBucket, fakeBucket, s3Mock } from './fake-s3-bucket.ts';

const PREFIX = 'prod/';
let bucket: FakeBucket;
let store: S3LakeStore;

beforeEach(() => {
  bucket = fakeBucket();
  store = new S3LakeStore(new S3Client({ region: 'eu-central-1' }), { bucket: bucket.name, prefix: PREFIX });
});

const events = (name: string) => `${PREFIX}audit_events/dt=2026-11-28/${name}.parquet`;
const hour = (h: number, minute = 5) => new Date(Date.UTC(2026, 10, 28, h, minute));

/** Runs the hourly digest at `at`, its own put landing at that time too. */
async function digestAt(at: Date) {
  bucket.clock = at;
  return writeScheduledDigest(store, at);
}

describe('parseS3Url', () => {
  it('reads a bucket and an optional prefix, which gets one trailing slash', () => {
    expect(parseS3Url('s3://lake-bucket')).toEqual({ bucket: 'lake-bucket', prefix: '' });
    expect(parseS3Url('s3://lake-bucket/prod')).toEqual({ bucket: 'lake-bucket', prefix: 'prod/' });
    expect(parseS3Url('s3://lake-bucket/a/b/')).toEqual({ bucket: 'lake-bucket', prefix: 'a/b/' });
  });

  it('rejects anything else with a line naming the option', () => {
    expect(() => parseS3Url('s3://')).toThrow(ConfigError);
    expect(() => parseS3Url('https://lake-bucket')).toThrow(
      '--lake https://lake-bucket: expected s3://bucket',
    );
  });
});

describe('S3LakeStore', () => {
  it('lists every page under the lake prefix, as paths under the lake root, without folder placeholders', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) bucket.put(events(name), name);
    bucket.put(`${PREFIX}audit_events/`, '');
    bucket.put('other/audit_events/dt=2026-11-28/x.parquet', 'x');

    const listed = await store.list('audit_events/');

    expect(listed.map((object) => object.path)).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((name) => `audit_events/dt=2026-11-28/${name}.parquet`),
    );
    expect(listed[0]).toMatchObject({ bytes: 1, modified: bucket.clock });
  });

  it('hashes an object by streaming its body', async () => {
    bucket.put(events('a'), 'abc');

    expect(await store.sha256('audit_events/dt=2026-11-28/a.parquet')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('creates with If-None-Match and a SHA-256 checksum, and never replaces an existing object', async () => {
    await store.create('digests/x.json', '{}');

    await expect(store.create('digests/x.json', '{"other":1}')).rejects.toThrow('pre-conditions');
    expect(bucket.text(`${PREFIX}digests/x.json`)).toBe('{}');
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Key: `${PREFIX}digests/x.json`,
      IfNoneMatch: '*',
      ChecksumAlgorithm: 'SHA256',
      ContentType: 'application/json',
    });
  });
});

describe('writeScheduledDigest', () => {
  it('lists every file present in the first digest of a lake, with no previous digest', async () => {
    bucket.put(events('a'), 'aaa', hour(8));
    bucket.put(events('b'), 'bbbb', hour(9));

    const first = await digestAt(hour(10));

    expect(first.path).toMatch(
      /^digests\/2026\/11\/28\/auditlake-digest-20261128T100000Z-20261128T100500Z-[0-9a-f]{8}\.json$/,
    );
    expect(first.digest.previousDigest).toBeNull();
    expect(first.digest.files.map((file) => [file.path, file.bytes])).toEqual([
      ['audit_events/dt=2026-11-28/a.parquet', 3],
      ['audit_events/dt=2026-11-28/b.parquet', 4],
    ]);
    expect(parseDigest(bucket.objects.get(`${PREFIX}${first.path}`)?.body ?? Buffer.alloc(0))).toEqual(
      first.digest,
    );
  });

  it('lists only what arrived since the latest digest and chains to it', async () => {
    bucket.put(events('a'), 'aaa', hour(9));
    const first = await digestAt(hour(10));
    bucket.put(events('b'), 'bbbb', hour(10, 30));

    const second = await digestAt(hour(11));

    expect(second.digest.files.map((file) => file.path)).toEqual(['audit_events/dt=2026-11-28/b.parquet']);
    expect(second.digest.previousDigest?.path).toBe(first.path);
  });

  it('writes a digest every run, an empty one when nothing arrived, so a missing hour shows', async () => {
    bucket.put(events('a'), 'aaa', hour(9));
    await digestAt(hour(10));

    const quiet = await digestAt(hour(11));

    expect(quiet.digest.files).toEqual([]);
    expect(bucket.keys(`${PREFIX}digests/`)).toHaveLength(2);
  });

  it('picks up a file whose LastModified is before the latest digest but within the lookback', async () => {
    bucket.put(events('a'), 'aaa', hour(9));
    await digestAt(hour(10));
    // A multipart upload begun before that digest ran and completed after it.
    bucket.put(events('slow'), 'slow', new Date(hour(10).getTime() - LOOKBACK_MS / 2));

    const next = await digestAt(hour(11));

    expect(next.digest.files.map((file) => file.path)).toEqual(['audit_events/dt=2026-11-28/slow.parquet']);
  });
});

describe('verifyLake over S3', () => {
  beforeEach(async () => {
    bucket.put(events('a'), 'aaa', hour(8));
    await digestAt(hour(9));
    bucket.put(events('b'), 'bbbb', hour(9, 30));
    await digestAt(hour(10));
  });

  it('passes a lake the scheduled digests cover', async () => {
    const result = await verifyLake(store, { scheduledDigests: true });

    expect(result).toMatchObject({
      location: `s3://${bucket.name}/${PREFIX}`,
      digests: 2,
      files: 2,
      problems: [],
    });
  });

  it('reports an object replaced with other bytes of the same size as modified', async () => {
    bucket.put(events('b'), 'BBBB', hour(9, 30));

    const result = await verifyLake(store, { scheduledDigests: true });

    expect(result.problems.map((problem) => [problem.kind, problem.path])).toEqual([
      ['modified', 'audit_events/dt=2026-11-28/b.parquet'],
    ]);
  });

  it('reports a deleted object as removed and an overwritten digest as a break', async () => {
    bucket.objects.delete(events('a'));
    const [firstDigest] = bucket.keys(`${PREFIX}digests/`);
    bucket.put(firstDigest ?? '', bucket.text(firstDigest ?? '').replace('"bytes": 3', '"bytes": 4'));

    const result = await verifyLake(store, { scheduledDigests: true });

    expect(result.problems.map((problem) => problem.kind)).toEqual(['chain-break', 'removed']);
  });

  it('calls a file newer than the latest digest pending, which does not fail verification', async () => {
    bucket.put(events('c'), 'c', hour(10, 40));

    const result = await verifyLake(store, { scheduledDigests: true });

    expect(result.problems.map((problem) => [problem.kind, problem.path])).toEqual([
      ['pending', 'audit_events/dt=2026-11-28/c.parquet'],
    ]);
    expect(result.problems.some((problem) => isFailure(problem))).toBe(false);
  });

  it('calls an unlisted file older than the latest digest inserted', async () => {
    bucket.put(events('sneaked'), 'x', hour(9, 45));

    const result = await verifyLake(store, { scheduledDigests: true });

    expect(result.problems.map((problem) => [problem.kind, problem.path])).toEqual([
      ['inserted', 'audit_events/dt=2026-11-28/sneaked.parquet'],
    ]);
  });
});
