import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logger, metrics } from '../../lambdas/aws/powertools.ts';
import { gateStreamBatch } from '../../lambdas/handlers/stream-gate.ts';
import { loadStreamValidationConfig } from '../../lambdas/handlers/stream-validation-config.ts';
import { validateStreamRecords } from '../../lambdas/ingest/stream-validation.ts';
import { type CapturedOutput, captureOutput } from './powertools-output.ts';

const NOW = new Date('2026-03-02T12:00:00Z');

const goodEvent = (overrides: Record<string, unknown> = {}) => ({
  event_id: 'ev-1',
  event_time: '2026-03-02T10:15:00+02:00',
  actor_id: 'emp-7',
  actor_type: 'human',
  action: 'export',
  resource_type: 'customer',
  resource_id: 'cust-42',
  record_count: 120,
  source_system: 'crm',
  outcome: 'success',
  details: { channel: 'csv' },
  ...overrides,
});

const record = (recordId: string, body: string | Buffer) => ({
  recordId,
  approximateArrivalTimestamp: NOW.getTime(),
  data: (typeof body === 'string' ? Buffer.from(body) : body).toString('base64'),
});
const json = (recordId: string, value: unknown) => record(recordId, JSON.stringify(value));
const decode = (data: string | undefined) => JSON.parse(Buffer.from(data ?? '', 'base64').toString('utf8'));

describe('validateStreamRecords', () => {
  it('passes a valid event on normalized: UTC event_time, details as JSON text, keyed by its UTC day', () => {
    const result = validateStreamRecords(
      [json('r1', goodEvent({ event_time: '2026-03-02T01:15:00+02:00' }))],
      {
        now: NOW,
      },
    );
    const [out] = result.records;
    expect(out?.result).toBe('Ok');
    // 01:15 at +02:00 is 23:15 UTC the day before: the partition follows the instant, not the text.
    expect(out?.metadata?.partitionKeys.dt).toBe('2026-03-01');
    expect(decode(out?.data)).toEqual({
      event_id: 'ev-1',
      event_time: '2026-03-01T23:15:00.000Z',
      actor_id: 'emp-7',
      actor_type: 'human',
      action: 'export',
      resource_type: 'customer',
      resource_id: 'cust-42',
      record_count: 120,
      source_system: 'crm',
      outcome: 'success',
      details: '{"channel":"csv"}',
    });
    expect(result.accepted).toBe(1);
    expect(result.quarantined).toEqual([]);
  });

  it('quarantines what ingest would, with the field and reason, and drops it from the stream', () => {
    const result = validateStreamRecords(
      [
        json('unknown-field', goodEvent({ customer_email: 'a@b.example' })),
        json('no-zone', goodEvent({ event_time: '2026-03-02T10:15:00' })),
        json('bad-action', goodEvent({ action: "read' OR 1=1 --" })),
        json('future', goodEvent({ event_time: '2027-01-01T00:00:00Z' })),
        json('control', goodEvent({ actor_id: 'emp\u001b[2J' })),
        record('not-json', '{"event_id": "ev-9",'),
        record('not-utf8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
        json('array', [goodEvent()]),
      ],
      { now: NOW },
    );
    expect(result.records.map((out) => [out.recordId, out.result])).toEqual([
      ['unknown-field', 'Dropped'],
      ['no-zone', 'Dropped'],
      ['bad-action', 'Dropped'],
      ['future', 'Dropped'],
      ['control', 'Dropped'],
      ['not-json', 'Dropped'],
      ['not-utf8', 'Dropped'],
      ['array', 'Dropped'],
    ]);
    expect(result.quarantined.map((entry) => [entry.record_id, entry.field])).toEqual([
      ['unknown-field', 'customer_email'],
      ['no-zone', 'event_time'],
      ['bad-action', 'action'],
      ['future', 'event_time'],
      ['control', 'actor_id'],
      ['not-json', '(record)'],
      ['not-utf8', '(record)'],
      ['array', '(record)'],
    ]);
    for (const entry of result.quarantined) {
      expect(entry.reason.length).toBeGreaterThan(0);
      expect(entry.arrived_at).toBe(NOW.toISOString());
    }
    expect(result.quarantined.find((entry) => entry.record_id === 'not-json')?.reason).toMatch(
      /^line is not valid JSON/,
    );
    expect(result.quarantined.find((entry) => entry.record_id === 'not-utf8')?.reason).toBe(
      'line is not valid UTF-8',
    );
    expect(result.accepted).toBe(0);
  });

  it('keeps the first of two records with one event_id and quarantines the second as a duplicate', () => {
    const result = validateStreamRecords(
      [
        json('a', goodEvent()),
        json('b', goodEvent({ record_count: 9999 })),
        json('c', goodEvent({ event_id: 'ev-2' })),
      ],
      { now: NOW },
    );
    expect(result.records.map((out) => out.result)).toEqual(['Ok', 'Dropped', 'Ok']);
    expect(decode(result.records[0]?.data).record_count).toBe(120);
    expect(result.duplicates).toBe(1);
    expect(result.quarantined).toMatchObject([{ record_id: 'b', field: 'event_id' }]);
  });

  it('answers every record it was given, once, in order', () => {
    const records = Array.from({ length: 50 }, (_, i) =>
      i % 3 === 0 ? record(`r${i}`, 'nope') : json(`r${i}`, goodEvent({ event_id: `ev-${i}` })),
    );
    const result = validateStreamRecords(records, { now: NOW });
    expect(result.records.map((out) => out.recordId)).toEqual(records.map((input) => input.recordId));
    expect(result.accepted + result.quarantined.length).toBe(records.length);
  });
});

describe('gateStreamBatch', () => {
  const s3 = mockClient(S3Client);
  let output: CapturedOutput;
  const config = loadStreamValidationConfig({
    LAKE_BUCKET: 'lake',
    LAKE_KMS_KEY_ID: 'arn:aws:kms:eu-central-1:123456789012:key/k-1',
  });
  const batch = (records: FirehoseTransformationEvent['records']): FirehoseTransformationEvent => ({
    invocationId: 'inv-1',
    deliveryStreamArn: 'arn:aws:firehose:eu-central-1:123456789012:deliverystream/audit',
    region: 'eu-central-1',
    records,
  });
  const deps = () => ({
    config,
    s3: new S3Client({ region: 'eu-central-1' }),
    logger,
    metrics,
    clock: () => NOW,
  });

  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    output = captureOutput();
  });
  afterEach(() => output.restore());

  it('writes rejected records with their reasons to the quarantine, encrypted, before answering', async () => {
    const result = await gateStreamBatch(
      batch([json('ok', goodEvent()), json('bad', goodEvent({ customer_email: 'jane@example.com' }))]),
      deps(),
    );
    metrics.publishStoredMetrics();
    expect(result.records.map((out) => out.result)).toEqual(['Ok', 'Dropped']);
    const [put] = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(put).toMatchObject({
      Bucket: 'lake',
      Key: 'quarantine/stream/dt=2026-03-02/inv-1.jsonl',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:eu-central-1:123456789012:key/k-1',
    });
    const lines = String(put?.Body)
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([expect.objectContaining({ record_id: 'bad', field: 'customer_email' })]);
    expect(lines[0].raw).toContain('jane@example.com');
    // Logs and metrics carry counts and reason kinds; the record's contents stay in the quarantine.
    expect(output.logs).toContainEqual(
      expect.objectContaining({
        message: 'stream batch validated',
        received: 2,
        accepted: 1,
        quarantined: 1,
      }),
    );
    expect(output.text()).not.toContain('jane@example.com');
    expect(JSON.stringify(output.metrics)).toContain('StreamRecordsQuarantined');
  });

  it('writes nothing when the whole batch is valid', async () => {
    await gateStreamBatch(batch([json('ok', goodEvent())]), deps());
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('fails the invocation when the quarantine cannot be written, so Firehose retries the batch', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('slow down'), { name: 'SlowDown' }));
    await expect(
      gateStreamBatch(batch([json('ok', goodEvent()), record('bad', 'nope')]), deps()),
    ).rejects.toThrow('slow down');
  });

  it('names a bad variable in one line', () => {
    expect(() => loadStreamValidationConfig({ LAKE_BUCKET: 'lake', QUARANTINE_PREFIX: 'no-slash' })).toThrow(
      /QUARANTINE_PREFIX is invalid/,
    );
    expect(() => loadStreamValidationConfig({})).toThrow(/LAKE_BUCKET is not set/);
  });
});
