import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { LakeDigests } from '../../infra/constructs/lake-digests.ts';
import { constructStack, HANDLER_SOURCES, logicalIdOf, Template } from '../infra/support/infra-app.ts';

function synth(interval?: Duration) {
  const stack = constructStack();
  const key = new kms.Key(stack, 'Key');
  const bucket = new s3.Bucket(stack, 'Lake', {
    encryptionKey: key,
    versioned: true,
    objectLockEnabled: true,
  });
  const digests = new LakeDigests(stack, 'Digests', {
    bucket,
    key,
    entry: HANDLER_SOURCES.digestEntry,
    projectRoot: HANDLER_SOURCES.projectRoot,
    ...(interval ? { interval } : {}),
  });
  return { bucket, key, digests, template: Template.fromStack(stack) };
}

const objectsUnder = (bucketId: string, prefix: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}*`]],
});

describe('LakeDigests', () => {
  it('runs one digest at a time, with the lake bucket in its environment', () => {
    const { bucket, template } = synth();

    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 1,
      Timeout: 900,
      Environment: {
        Variables: Match.objectLike({ LAKE_BUCKET: { Ref: logicalIdOf(bucket) }, LAKE_PREFIX: '' }),
      },
    });
  });

  it('may read events and digests, list only those prefixes, create only digests, and use the lake key', () => {
    const { bucket, key, digests, template } = synth();
    const policy = digests.function.role.node.findChild('DefaultPolicy').node.findChild('Resource');
    const bucketId = logicalIdOf(bucket);

    const statements = template.toJSON().Resources[logicalIdOf(policy)].Properties.PolicyDocument.Statement;

    expect(
      statements.filter((statement: { Action: unknown }) => !String(statement.Action).match(/logs|xray/)),
    ).toEqual([
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: [objectsUnder(bucketId, 'audit_events/'), objectsUnder(bucketId, 'digests/')],
      },
      { Action: 's3:PutObject', Effect: 'Allow', Resource: objectsUnder(bucketId, 'digests/') },
      {
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['audit_events/*', 'digests/*'] } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      },
      {
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalIdOf(key), 'Arn'] },
      },
    ]);
  });

  it('denies everyone deleting a digest or putting one without If-None-Match', () => {
    const { bucket, template } = synth();
    const digests = objectsUnder(logicalIdOf(bucket), 'digests/');

    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DenyDigestDeletion',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
            Resource: digests,
          }),
          Match.objectLike({
            Sid: 'DenyDigestOverwrite',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:PutObject',
            Condition: { Null: { 's3:if-none-match': 'true' } },
            Resource: digests,
          }),
        ]),
      },
    });
  });

  it('invokes the function hourly from an EventBridge Scheduler schedule in UTC', () => {
    const { digests, template } = synth();

    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(digests.function.function), 'Arn'] } }),
    });
  });

  it('rejects an interval outside 5 minutes to 24 hours', () => {
    expect(() => synth(Duration.minutes(1))).toThrow(
      /interval \(1 minute\) must be from 5 minutes to 24 hours/,
    );
    expect(() => synth(Duration.days(2))).toThrow(/must be from 5 minutes to 24 hours/);
  });
});
