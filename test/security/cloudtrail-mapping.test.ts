/**
 * The documented mapping (docs/watch-the-watchers.md) from CloudTrail records about the lake to
 * `audit_events` rows, over records shaped as CloudTrail writes them.
 */
import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../lambdas/core/audit-event.ts';
import {
  CloudTrailRecordError,
  type LakeAccessMappingConfig,
  mapCloudTrailRecord,
} from '../../lambdas/watchers/cloudtrail-mapping.ts';

const BUCKET = 'auditlake-lake-storagebucket-1a2b3c';
const ACCOUNT = '111122223333';
const config: LakeAccessMappingConfig = {
  lakeBucket: BUCKET,
  detectorFunctions: ['auditlake-detector-handler-x1'],
  scheduleGroup: 'auditlake-detectors',
  findingsTopicArn: `arn:aws:sns:eu-central-1:${ACCOUNT}:auditlake-findings`,
};

/** A person signed in through IAM Identity Center with the `SecurityAnalyst` permission set. */
const analyst = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEID12345678:jane.doe',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_SecurityAnalyst_0123456789abcdef/jane.doe`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEKEY000001',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEID12345678',
      arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_SecurityAnalyst_0123456789abcdef`,
      accountId: ACCOUNT,
      userName: 'AWSReservedSSO_SecurityAnalyst_0123456789abcdef',
    },
    attributes: { creationDate: '2026-03-02T08:55:10Z', mfaAuthenticated: 'false' },
  },
};

/** The detector Lambda's execution role. */
const detectorRole = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEDETECTOR01:auditlake-detector-handler-x1',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/auditlake-detection-RunnerHandlerRole-ABC/auditlake-detector-handler-x1`,
  accountId: ACCOUNT,
  sessionContext: {
    sessionIssuer: { type: 'Role', userName: 'auditlake-detection-RunnerHandlerRole-ABC' },
    attributes: { creationDate: '2026-03-02T09:00:00Z', mfaAuthenticated: 'false' },
  },
  invokedBy: 'athena.amazonaws.com',
};

function s3DataEvent(
  overrides: Record<string, unknown> = {},
  key = 'audit_events/dt=2026-03-02/part-1.parquet',
) {
  return {
    eventVersion: '1.10',
    userIdentity: analyst,
    eventTime: '2026-03-02T09:12:25Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'eu-central-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: '[aws-cli/2.18.5 md/awscrt#0.22.0 ua/2.0 os/linux]',
    requestParameters: {
      bucketName: BUCKET,
      Host: `${BUCKET}.s3.eu-central-1.amazonaws.com`,
      key,
    },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': 'q6xhNJYmhg',
      bytesTransferredOut: 28441,
    },
    requestID: '07D681123BD12AED',
    eventID: 'f2b287f3-0df1-4a2b-a2f4-c4bdfed47657',
    readOnly: true,
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${BUCKET}/${key}` },
      { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${BUCKET}` },
    ],
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Data',
    ...overrides,
  };
}

function managementEvent(eventSource: string, eventName: string, requestParameters: Record<string, unknown>) {
  return {
    eventVersion: '1.09',
    userIdentity: analyst,
    eventTime: '2026-03-02T22:40:00Z',
    eventSource,
    eventName,
    awsRegion: 'eu-central-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'console.amazonaws.com',
    requestParameters,
    responseElements: null,
    requestID: 'b1d9a0c2-5d6e-4f7a-8b9c-0d1e2f3a4b5c',
    eventID: '8c1f5a7e-2b3d-4e5f-9a0b-1c2d3e4f5a6b',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}

describe('CloudTrail → audit_events mapping', () => {
  it('maps a person reading raw audit events to a human read of audit_raw_events', () => {
    const event = mapCloudTrailRecord(s3DataEvent(), config);

    expect(event).toEqual({
      event_id: 'cloudtrail-f2b287f3-0df1-4a2b-a2f4-c4bdfed47657',
      event_time: '2026-03-02T09:12:25.000Z',
      actor_id: 'jane.doe',
      actor_type: 'human',
      action: 'read',
      resource_type: 'audit_raw_events',
      resource_id: `${BUCKET}/audit_events/dt=2026-03-02/part-1.parquet`,
      record_count: 1,
      bytes: 28441,
      source_system: 'aws-cloudtrail',
      source_ip: '198.51.100.23',
      device_id: null,
      destination: 'api',
      outcome: 'success',
      justification_id: null,
      details: expect.any(String),
    });
    expect(JSON.parse(event?.details ?? '{}')).toMatchObject({
      event_name: 'GetObject',
      identity_type: 'AssumedRole',
    });
  });

  it('produces rows the ingest contract accepts', () => {
    const event = mapCloudTrailRecord(s3DataEvent(), config);

    expect(validateEvent(event, { now: new Date('2026-03-03T00:00:00Z') })).toMatchObject({ ok: true });
  });

  it('unwraps the EventBridge "AWS API Call via CloudTrail" event', () => {
    const wrapped = {
      version: '0',
      id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.s3',
      account: ACCOUNT,
      time: '2026-03-02T09:12:25Z',
      region: 'eu-central-1',
      resources: [],
      detail: s3DataEvent(),
    };

    expect(mapCloudTrailRecord(wrapped, config)).toMatchObject({ actor_id: 'jane.doe', action: 'read' });
  });

  it('maps the detector role reading through Athena to a service read', () => {
    const event = mapCloudTrailRecord(
      s3DataEvent({ userIdentity: detectorRole, sourceIPAddress: 'athena.amazonaws.com' }),
      config,
    );

    expect(event).toMatchObject({
      actor_id: 'role/auditlake-detection-RunnerHandlerRole-ABC',
      actor_type: 'service',
      action: 'read',
      destination: 'athena',
      source_ip: null,
    });
  });

  it('maps a refused delete of a locked object version to a denied delete', () => {
    const event = mapCloudTrailRecord(
      s3DataEvent({
        eventName: 'DeleteObject',
        readOnly: false,
        errorCode: 'AccessDenied',
        errorMessage: 'Access Denied',
      }),
      config,
    );

    expect(event).toMatchObject({ action: 'delete', outcome: 'denied', resource_type: 'audit_raw_events' });
  });

  it('counts the objects of a multi-object delete', () => {
    const keys = ['findings/dt=2026-03-01/a.jsonl', 'findings/dt=2026-03-01/b.jsonl'];
    const event = mapCloudTrailRecord(
      s3DataEvent({
        eventName: 'DeleteObjects',
        readOnly: false,
        requestParameters: { bucketName: BUCKET, delete: '' },
        resources: [
          ...keys.map((key) => ({ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${BUCKET}/${key}` })),
          { type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${BUCKET}` },
        ],
      }),
      config,
    );

    expect(event).toMatchObject({ action: 'delete', resource_type: 'audit_findings', record_count: 2 });
  });

  it.each([
    ['PutBucketLifecycle', { bucketName: BUCKET, lifecycle: '' }],
    ['PutBucketPolicy', { bucketName: BUCKET, bucketPolicy: { Version: '2012-10-17' } }],
    ['PutObjectLockConfiguration', { bucketName: BUCKET, ObjectLockConfiguration: '' }],
  ])('maps %s on the lake bucket to a config change of the bucket', (eventName, requestParameters) => {
    const event = mapCloudTrailRecord(
      managementEvent('s3.amazonaws.com', eventName, requestParameters),
      config,
    );

    expect(event).toMatchObject({
      action: 'config_change',
      resource_type: 'audit_lake_bucket',
      resource_id: BUCKET,
      actor_type: 'human',
    });
  });

  it('maps a new detector bundle (detectors and suppressions) to a config change by the deployer', () => {
    const event = mapCloudTrailRecord(
      managementEvent('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', {
        functionName: `arn:aws:lambda:eu-central-1:${ACCOUNT}:function:auditlake-detector-handler-x1`,
        publish: false,
      }),
      config,
    );

    expect(event).toMatchObject({
      action: 'config_change',
      resource_type: 'detector_bundle',
      resource_id: 'auditlake-detector-handler-x1',
    });
  });

  it('maps disabling a detector schedule and filtering the alert subscription', () => {
    const schedule = mapCloudTrailRecord(
      managementEvent('scheduler.amazonaws.com', 'UpdateSchedule', {
        name: 'off-hours-export',
        groupName: 'auditlake-detectors',
        state: 'DISABLED',
      }),
      config,
    );
    const filter = mapCloudTrailRecord(
      managementEvent('sns.amazonaws.com', 'SetSubscriptionAttributes', {
        subscriptionArn: `${config.findingsTopicArn}:7f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f`,
        attributeName: 'FilterPolicy',
      }),
      config,
    );

    expect(schedule).toMatchObject({
      resource_type: 'detector_schedule',
      resource_id: 'auditlake-detectors/off-hours-export',
    });
    expect(filter).toMatchObject({ resource_type: 'alert_routing', action: 'config_change' });
  });

  it('maps stopping the trail and disabling the rule that feed these events to changes of the audit trail', () => {
    const trailArn = `arn:aws:cloudtrail:eu-central-1:${ACCOUNT}:trail/auditlake-Lake-AccessTrail-X1`;
    const stop = mapCloudTrailRecord(
      managementEvent('cloudtrail.amazonaws.com', 'StopLogging', { name: trailArn }),
      { ...config, trailResources: [trailArn, 'auditlake-Lake-LakeBucketCalls-Y2'] },
    );
    const disable = mapCloudTrailRecord(
      managementEvent('events.amazonaws.com', 'DisableRule', { name: 'auditlake-Lake-LakeBucketCalls-Y2' }),
      { ...config, trailResources: [trailArn, 'auditlake-Lake-LakeBucketCalls-Y2'] },
    );

    expect(stop).toMatchObject({
      action: 'config_change',
      resource_type: 'audit_trail',
      resource_id: trailArn,
    });
    expect(disable).toMatchObject({ action: 'config_change', resource_type: 'audit_trail' });
  });

  it('names IAM users and the root user as people', () => {
    const user = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/ops-admin`, userName: 'ops-admin' };
    const root = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT };

    expect(mapCloudTrailRecord(s3DataEvent({ userIdentity: user }), config)).toMatchObject({
      actor_id: 'ops-admin',
      actor_type: 'human',
    });
    expect(mapCloudTrailRecord(s3DataEvent({ userIdentity: root }), config)).toMatchObject({
      actor_id: 'root',
      actor_type: 'human',
    });
  });

  it.each([
    ['another bucket', s3DataEvent({ requestParameters: { bucketName: 'someone-elses-bucket', key: 'x' } })],
    ['an API outside the mapping', s3DataEvent({ eventName: 'GetBucketLocation' })],
    [
      'another function',
      managementEvent('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', {
        functionName: 'payroll-export',
      }),
    ],
  ])('leaves out %s', (_case, record) => {
    expect(mapCloudTrailRecord(record, config)).toBeUndefined();
  });

  it('rejects a record that is not CloudTrail, naming the field', () => {
    expect(() => mapCloudTrailRecord({ eventTime: '2026-03-02T09:12:25Z' }, config)).toThrow(
      CloudTrailRecordError,
    );
    expect(() => mapCloudTrailRecord({ eventTime: '2026-03-02T09:12:25Z' }, config)).toThrow(
      /^not a CloudTrail record: eventID: /,
    );
  });
});
