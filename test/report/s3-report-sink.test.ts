import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MANY_ACTORS } from '../../lambdas/core/flood-control.ts';
import { type DuckDbEngine, openDuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';
import { reportKey } from '../../lambdas/report/report-location.ts';
import { S3ReportSink, type S3ReportSinkOptions } from '../../lambdas/sinks/s3-report-sink.ts';
import { sampleFinding } from '../support/findings.ts';
import { event, FixtureLake } from '../support/fixture-lake.ts';

const s3 = mockClient(S3Client);
const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/lake';

const WINDOW = { window_start: '2026-03-04T00:00:00.000Z', window_end: '2026-03-05T00:00:00.000Z' };
const flagged = sampleFinding({
  ...WINDOW,
  finding_id: 'a'.repeat(32),
  actor_id: 'emp-a',
  summary: 'read 40 distinct records in the day',
  evidence: { distinct_records: 40, customer_email: 'jane@example.com' },
});
const suppressed = sampleFinding({
  ...WINDOW,
  finding_id: 'b'.repeat(32),
  actor_id: 'emp-b',
  suppression: { reason: 'on call', owner: 'secops', expires: '2099-01-01' },
});

let lake: FixtureLake;
let engine: DuckDbEngine;

beforeAll(async () => {
  lake = await FixtureLake.create(
    [
      { employee_id: 'emp-a', department: 'Support' },
      { employee_id: 'emp-b', department: 'Support' },
    ],
    [
      ...Array.from({ length: 40 }, (_, i) =>
        event({
          actor_id: 'emp-a',
          event_time: '2026-03-04T10:00:00Z',
          action: 'read',
          resource_id: `r-${i}`,
        }),
      ),
      event({ actor_id: 'emp-b', event_time: '2026-03-03T10:00:00Z', action: 'read', resource_id: 'r-1' }),
    ],
  );
  engine = await openDuckDbEngine({ lakeDir: lake.dir, threads: 1 });
});
afterAll(async () => {
  await engine?.close();
  await lake?.remove();
});
beforeEach(() => s3.reset());

function sink(overrides: Partial<S3ReportSinkOptions> = {}) {
  const failures: string[] = [];
  const written: string[] = [];
  const reports = new S3ReportSink({
    client: new S3Client({ region: 'eu-west-1' }),
    bucket: 'lake-bucket',
    prefix: 'audit/',
    kmsKeyId: KMS_KEY,
    engine,
    lookbackDays: () => 7,
    clock: () => new Date('2026-03-05T00:20:00Z'),
    onWritten: (key) => written.push(key),
    onFailure: (error, detectorId, windowStart) =>
      failures.push(`${detectorId} ${windowStart}: ${error instanceof Error ? error.message : error}`),
    ...overrides,
  });
  return { reports, failures, written };
}

describe('S3ReportSink', () => {
  it('puts one encrypted HTML report per window, keyed by detector and window, with its alerting findings', async () => {
    s3.on(PutObjectCommand).resolves({});
    const { reports, written } = sink();

    await reports.publish([flagged, suppressed]);

    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts).toHaveLength(1);
    const [put] = puts;
    expect(put).toMatchObject({
      Bucket: 'lake-bucket',
      Key: 'audit/findings/reports/record-access-spike/20260304T000000Z-20260305T000000Z.html',
      ContentType: 'text/html; charset=utf-8',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY,
    });
    const html = String(put?.Body);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`id="finding-${flagged.finding_id}"`);
    expect(html).toContain('read 40 distinct records in the day');
    expect(html).not.toContain('jane@example.com');
    expect(html).not.toContain(suppressed.finding_id);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(5);
    expect(written).toEqual([put?.Key]);
    expect(reports.status(flagged)).toEqual({ written: true, bucket: 'lake-bucket', key: put?.Key });
    expect(reports.status(suppressed)).toBeUndefined();
  });

  it('names the same key for a retried window, so the retry overwrites the report', () => {
    expect(reportKey('', 'off-hours-export', WINDOW.window_start, WINDOW.window_end)).toBe(
      reportKey(undefined, 'off-hours-export', WINDOW.window_start, WINDOW.window_end),
    );
    expect(reportKey('', 'off-hours-export', WINDOW.window_start, WINDOW.window_end)).toBe(
      'findings/reports/off-hours-export/20260304T000000Z-20260305T000000Z.html',
    );
  });

  it('reports a failed put and lets the publish go on, marking the findings’ report as not written', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const { reports, failures } = sink();

    await expect(reports.publish([flagged])).resolves.toBeUndefined();

    expect(failures).toEqual(['record-access-spike 2026-03-04T00:00:00.000Z: Access Denied']);
    expect(reports.status(flagged)).toEqual({ written: false });
  });

  it('writes nothing for a window without alerting findings, or for a flood summary', async () => {
    s3.on(PutObjectCommand).resolves({});
    const { reports } = sink();

    await reports.publish([suppressed, sampleFinding({ ...WINDOW, actor_id: MANY_ACTORS })]);

    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('leaves encryption to the bucket when no key is configured', async () => {
    s3.on(PutObjectCommand).resolves({});
    const { reports } = sink({ kmsKeyId: undefined });

    await reports.publish([flagged]);

    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.ServerSideEncryption).toBeUndefined();
  });
});
