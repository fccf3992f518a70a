import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3FindingArchive } from '../../lambdas/sinks/s3-finding-archive.ts';
import { S3FindingHistory } from '../../lambdas/sinks/s3-finding-history.ts';
import { sampleFinding } from '../support/findings.ts';

const s3 = mockClient(S3Client);
beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

const client = () => new S3Client({ region: 'eu-central-1' });
const puts = () => s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
const lines = (body: unknown) =>
  String(body)
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const first = sampleFinding({ finding_id: 'a'.repeat(32), actor_id: 'emp-1' });
const second = sampleFinding({
  finding_id: 'b'.repeat(32),
  actor_id: 'emp-2',
  suppression: { reason: 'on-call', owner: 'secops@corp.example', expires: '2026-12-31' },
});

describe('S3FindingHistory', () => {
  it('writes a window batch as JSON lines under findings/dt=/detector=/, suppressed findings included', async () => {
    await new S3FindingHistory({ client: client(), bucket: 'findings', prefix: 'audit/' }).publish([
      first,
      second,
    ]);
    const [put] = puts();
    expect(put?.Bucket).toBe('findings');
    expect(put?.Key).toMatch(
      /^audit\/findings\/dt=2026-01-01\/detector=record-access-spike\/20260101T000000Z-[0-9a-f]{16}\.jsonl$/,
    );
    expect(put?.ContentType).toBe('application/x-ndjson');
    expect(lines(put?.Body)).toEqual([first, second]);
    expect(put?.ServerSideEncryption).toBeUndefined();
  });

  it('writes the same key when the same batch is published again, so a retry overwrites', async () => {
    const history = new S3FindingHistory({ client: client(), bucket: 'findings' });
    await history.publish([first, second]);
    await history.publish([{ ...first, detected_at: '2026-01-02T01:20:00.000Z' }, second]);
    await history.publish([first]);
    const keys = puts().map((put) => put.Key);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(keys[0]).toMatch(/^findings\/dt=2026-01-01\//);
  });

  it('encrypts with the configured KMS key', async () => {
    await new S3FindingHistory({
      client: client(),
      bucket: 'findings',
      kmsKeyId: 'arn:aws:kms:eu-central-1:123456789012:key/k-1',
    }).publish([first]);
    expect(puts()[0]).toMatchObject({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:eu-central-1:123456789012:key/k-1',
      BucketKeyEnabled: true,
    });
  });

  it('writes one object per detector window when given findings of several', async () => {
    const later = sampleFinding({
      finding_id: 'c'.repeat(32),
      window_start: '2026-01-02T00:00:00.000Z',
      window_end: '2026-01-03T00:00:00.000Z',
    });
    await new S3FindingHistory({ client: client(), bucket: 'findings', prefix: 'audit' }).publish([
      first,
      later,
    ]);
    expect(puts().map((put) => put.Key?.split('/').slice(0, 3).join('/'))).toEqual([
      'audit/findings/dt=2026-01-01',
      'audit/findings/dt=2026-01-02',
    ]);
  });
});

describe('S3FindingArchive', () => {
  it('writes a flooded window most severe first and returns its s3:// location', async () => {
    const window = { start: new Date('2026-01-01T09:00:00Z'), end: new Date('2026-01-01T10:00:00Z') };
    const low = sampleFinding({ finding_id: 'l'.repeat(32), actor_id: 'emp-low', severity: 'low' });
    const critical = sampleFinding({
      finding_id: 'c'.repeat(32),
      actor_id: 'emp-crit',
      severity: 'critical',
    });
    const location = await new S3FindingArchive({
      client: client(),
      bucket: 'findings',
      prefix: 'audit/',
      kmsKeyId: 'k-1',
    }).write('off-hours-export', window, [low, critical]);
    const key = 'audit/flooded/dt=2026-01-01/detector=off-hours-export/20260101T090000Z.jsonl';
    expect(location).toBe(`s3://findings/${key}`);
    const [put] = puts();
    expect(put).toMatchObject({
      Bucket: 'findings',
      Key: key,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'k-1',
    });
    expect(lines(put?.Body).map((finding) => finding.actor_id)).toEqual(['emp-crit', 'emp-low']);
  });
});
