/**
 * The normalizer Firehose runs over each batch of CloudTrail events about the lake: mapped events
 * go on as `audit_events` records partitioned by day, calls outside the mapping are dropped, and
 * what is not a CloudTrail record fails into Firehose's error prefix rather than vanishing.
 */
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../lambdas/core/errors.ts';
import { loadLakeAccessConfig } from '../../lambdas/handlers/lake-access-config.ts';
import { handler } from '../../lambdas/handlers/lake-access-normalizer.ts';
import { normalizeRecords } from '../../lambdas/watchers/normalize-records.ts';
import { lambdaContext } from '../aws/lambda-context.ts';
import { type CapturedOutput, captureOutput } from '../aws/powertools-output.ts';

const BUCKET = 'auditlake-lake-bucket';

const getObject = (bucket = BUCKET) => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.s3',
  account: '111122223333',
  time: '2026-03-02T23:59:59Z',
  region: 'eu-central-1',
  resources: [],
  detail: {
    eventVersion: '1.10',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ops-admin', userName: 'ops-admin' },
    eventTime: '2026-03-02T23:59:59Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    sourceIPAddress: '198.51.100.23',
    requestParameters: { bucketName: bucket, key: 'audit_events/dt=2026-03-02/part-1.parquet' },
    eventID: 'e1',
    readOnly: true,
    eventCategory: 'Data',
  },
});

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const decode = (data: string | undefined) => JSON.parse(Buffer.from(data ?? '', 'base64').toString('utf8'));

describe('normalizeRecords', () => {
  it('maps, drops and fails each record, keeping every record id', () => {
    const batch = normalizeRecords(
      [
        { recordId: 'r1', data: encode(getObject()) },
        { recordId: 'r2', data: encode(getObject('another-bucket')) },
        { recordId: 'r3', data: encode({ hello: 'world' }) },
        { recordId: 'r4', data: Buffer.from('{"broken').toString('base64') },
      ],
      { lakeBucket: BUCKET },
      new Date('2026-03-03T00:05:00Z'),
    );

    expect(batch.records.map((record) => [record.recordId, record.result])).toEqual([
      ['r1', 'Ok'],
      ['r2', 'Dropped'],
      ['r3', 'ProcessingFailed'],
      ['r4', 'ProcessingFailed'],
    ]);
    expect(batch).toMatchObject({ mapped: 1, dropped: 1, failed: 2 });
    expect(batch.failures).toEqual({ 'not JSON': 1, 'not a CloudTrail record: eventID': 1 });
    const [ok] = batch.records;
    expect(ok?.result === 'Ok' && ok.metadata.partitionKeys).toEqual({ dt: '2026-03-02' });
    expect(decode(ok?.data)).toMatchObject({
      actor_id: 'ops-admin',
      action: 'read',
      resource_type: 'audit_raw_events',
    });
  });
});

describe('the lake access normalizer Lambda', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    vi.stubEnv('LAKE_BUCKET', BUCKET);
    output = captureOutput();
  });
  afterEach(() => {
    output.restore();
    vi.unstubAllEnvs();
  });

  it('answers Firehose with one result per record and logs counts, not contents', async () => {
    const event: FirehoseTransformationEvent = {
      invocationId: 'inv-1',
      deliveryStreamArn: 'arn:aws:firehose:eu-central-1:111122223333:deliverystream/lake-access',
      region: 'eu-central-1',
      records: [{ recordId: 'r1', approximateArrivalTimestamp: 1772495999000, data: encode(getObject()) }],
    };

    const result = await handler(event, lambdaContext());

    expect(result.records.map((record) => record.result)).toEqual(['Ok']);
    expect(output.logs.find((log) => log.message === 'lake access batch normalized')).toMatchObject({
      received: 1,
      mapped: 1,
      dropped: 0,
      failed: 0,
    });
    expect(output.text()).not.toContain('part-1.parquet');
    expect(output.metrics[0]?.LakeAccessEventsMapped).toBe(1);
  });
});

describe('loadLakeAccessConfig', () => {
  it('reads lists of functions and human roles', () => {
    expect(
      loadLakeAccessConfig({
        LAKE_BUCKET: BUCKET,
        DETECTOR_FUNCTIONS: 'fn-a, fn-b',
        HUMAN_ROLES: 'AWSReservedSSO_*,okta-*',
      }),
    ).toEqual({
      lakeBucket: BUCKET,
      detectorFunctions: ['fn-a', 'fn-b'],
      humanRoles: ['AWSReservedSSO_*', 'okta-*'],
    });
  });

  it('names a missing bucket', () => {
    expect(() => loadLakeAccessConfig({})).toThrow(ConfigError);
    expect(() => loadLakeAccessConfig({})).toThrow('environment variable LAKE_BUCKET is not set');
  });
});
