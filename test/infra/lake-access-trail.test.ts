import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { LakeAccessControlWatch, LakeAccessTrail } from '../../infra/constructs/lake-access-trail.ts';
import { LakeCatalog } from '../../infra/constructs/lake-catalog.ts';
import { constructStack, HANDLER_SOURCES, logicalIdOf, Template } from './support/infra-app.ts';

function build(props: { bufferSeconds?: number; humanRoles?: string[] } = {}) {
  const stack = constructStack();
  const key = new kms.Key(stack, 'Key');
  const bucket = new s3.Bucket(stack, 'Lake', { encryptionKey: key });
  const logs = new s3.Bucket(stack, 'Logs');
  const catalog = new LakeCatalog(stack, 'Catalog', { bucket });
  const trail = new LakeAccessTrail(stack, 'AccessTrail', {
    bucket,
    key,
    catalog,
    accessLogsBucket: logs,
    normalizerEntry: HANDLER_SOURCES.normalizerEntry,
    projectRoot: HANDLER_SOURCES.projectRoot,
    ...props,
  });
  return { stack, bucket, key, trail };
}

function synth(props: { bufferSeconds?: number; humanRoles?: string[] } = {}) {
  const built = build(props);
  return { ...built, template: Template.fromStack(built.stack) };
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

function statementsOf(template: Template, roleLogicalId: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

describe('LakeAccessTrail', () => {
  it('records S3 data events of the lake bucket only, and write management events, with file validation', () => {
    const { bucket, template } = synth();

    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsLogging: true,
      EnableLogFileValidation: true,
      IsMultiRegionTrail: false,
      IncludeGlobalServiceEvents: false,
      EventSelectors: Match.arrayWith([
        Match.objectLike({ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' }),
        Match.objectLike({
          IncludeManagementEvents: false,
          ReadWriteType: 'All',
          DataResources: [
            {
              Type: 'AWS::S3::Object',
              Values: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdOf(bucket), 'Arn'] }, '/']] }],
            },
          ],
        }),
      ]),
    });
  });

  it('keeps its log files in a bucket of its own, so recording the lake never records the trail', () => {
    const { trail, bucket, template } = synth();

    const trailBucket = logicalIdOf(trail.trailBucket);
    expect(trailBucket).not.toBe(logicalIdOf(bucket));
    template.hasResourceProperties('AWS::CloudTrail::Trail', { S3BucketName: { Ref: trailBucket } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'lake-access-trail/' }),
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
    });
  });

  it('delivers S3 calls on the lake bucket to its stream through EventBridge', () => {
    const { trail, bucket, template } = synth();

    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['s3.amazonaws.com'],
          eventName: Match.arrayWith([
            'GetObject',
            'DeleteObject',
            'PutObjectLockConfiguration',
            'PutBucketPolicy',
          ]),
          requestParameters: { bucketName: [{ Ref: logicalIdOf(bucket) }] },
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(trail.deliveryStream), 'Arn'] },
          RoleArn: Match.anyValue(),
        }),
      ],
    });
  });

  it('delivers changes to the trail, the lake rule and the stream themselves', () => {
    const { trail, template } = synth();

    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudtrail', 'aws.events', 'aws.firehose'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          $or: [
            {
              eventSource: ['cloudtrail.amazonaws.com'],
              requestParameters: {
                name: [
                  { Ref: logicalIdOf(trail.trail) },
                  { 'Fn::GetAtt': [logicalIdOf(trail.trail), 'Arn'] },
                ],
              },
            },
            {
              eventSource: ['events.amazonaws.com'],
              requestParameters: { name: [{ Ref: logicalIdOf(trail.lakeRule) }] },
            },
            {
              eventSource: ['firehose.amazonaws.com'],
              requestParameters: { deliveryStreamName: [{ Ref: logicalIdOf(trail.deliveryStream) }] },
            },
          ],
        },
      },
    });
  });

  it('normalizes every record with the normalizer and writes Parquet partitions of audit_events', () => {
    const { trail, template } = synth();

    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'audit_events/dt=!{partitionKeyFromLambda:dt}/',
        ErrorOutputPrefix:
          'ingest-errors/lake-access/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'Lambda',
              Parameters: Match.arrayWith([
                {
                  ParameterName: 'LambdaArn',
                  ParameterValue: { 'Fn::GetAtt': [logicalIdOf(trail.normalizer.function), 'Arn'] },
                },
              ]),
            },
          ],
        },
        DataFormatConversionConfiguration: Match.objectLike({
          Enabled: true,
          SchemaConfiguration: Match.objectLike({ TableName: 'audit_events' }),
        }),
      }),
    });
  });

  it('lets Firehose write only audit_events/ and its error prefix, and delete nothing', () => {
    const { trail, template } = synth();

    const statements = statementsOf(template, logicalIdOf(trail.deliveryRole));
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => action.startsWith('s3:Delete'))).toEqual([]);
    const writes = statements
      .filter((statement) => [statement.Action].flat().includes('s3:PutObject'))
      .flatMap((statement) => [statement.Resource].flat())
      .map((resource) => /"(\/[^"]*)"\]\]\}$/.exec(JSON.stringify(resource))?.[1]);
    expect(writes.sort()).toEqual(['/audit_events/*', '/ingest-errors/*']);
  });

  it('lets EventBridge put records into this stream and nothing else', () => {
    const { trail, template } = synth();

    const roles = template.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'events.amazonaws.com' } })],
        }),
      },
    });
    const [roleId] = Object.keys(roles);
    expect(statementsOf(template, roleId ?? '')).toEqual([
      {
        Effect: 'Allow',
        Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
        Resource: { 'Fn::GetAtt': [logicalIdOf(trail.deliveryStream), 'Arn'] },
      },
    ]);
  });

  it('configures the normalizer with the lake bucket and the human role patterns', () => {
    const { bucket, template } = synth({ humanRoles: ['AWSReservedSSO_*', 'okta-*'] });

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          LAKE_BUCKET: { Ref: logicalIdOf(bucket) },
          HUMAN_ROLES: 'AWSReservedSSO_*,okta-*',
        }),
      },
    });
  });

  it('rejects a buffer outside what Firehose accepts', () => {
    expect(() => synth({ bufferSeconds: 30 })).toThrow(
      'LakeAccessTrail AccessTrail: bufferSeconds (30) must be a whole number from 60 to 900',
    );
  });
});

describe('LakeAccessControlWatch', () => {
  it('delivers changes to the detector function, its schedules and the findings topic', () => {
    const { stack, trail } = build();
    const fn = lambda.Function.fromFunctionName(stack, 'Detector', 'auditlake-detector');
    const group = new scheduler.ScheduleGroup(stack, 'Group');
    const topic = new sns.Topic(stack, 'Findings');

    new LakeAccessControlWatch(stack, 'ControlWatch', {
      target: trail.target,
      detectorFunction: fn,
      scheduleGroup: group,
      findingsTopic: topic,
    });

    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.lambda', 'aws.scheduler', 'aws.sns'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          $or: [
            {
              eventSource: ['lambda.amazonaws.com'],
              requestParameters: {
                // The imported function's name is a token here; a name or an ARN ending in it.
                functionName: [Match.anyValue(), { suffix: Match.anyValue() }],
              },
            },
            {
              eventSource: ['scheduler.amazonaws.com'],
              requestParameters: { groupName: [Match.anyValue()] },
            },
            {
              eventSource: ['sns.amazonaws.com'],
              requestParameters: { topicArn: [{ Ref: logicalIdOf(topic) }] },
            },
            {
              eventSource: ['sns.amazonaws.com'],
              requestParameters: { subscriptionArn: [{ prefix: Match.anyValue() }] },
            },
          ],
        },
      },
    });
  });
});
