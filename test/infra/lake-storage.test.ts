import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { LakeStorage } from '../../infra/constructs/lake-storage.ts';
import { constructStack, logicalIdOf, Template } from './support/infra-app.ts';

function synth(props: ConstructorParameters<typeof LakeStorage>[2] = {}) {
  const stack = constructStack();
  const storage = new LakeStorage(stack, 'Storage', props);
  return { storage, template: Template.fromStack(stack) };
}

describe('LakeStorage', () => {
  it('creates a customer-managed key that rotates', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('encrypts the audit bucket with that key, blocks public access and keeps versions', () => {
    const { storage, template } = synth();

    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': [logicalIdOf(storage.key), 'Arn'] },
              },
            }),
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        ObjectLockEnabled: true,
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('locks every new object version in GOVERNANCE mode for 365 days by default', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
      },
    });
  });

  it('locks in COMPLIANCE mode when asked', () => {
    const { template } = synth({ objectLockMode: 'COMPLIANCE', objectLockDays: 30 });

    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } },
    });
  });

  it('logs access to the audit bucket into the access-log bucket', () => {
    const { storage, template } = synth();
    const logBucket = logicalIdOf(storage.accessLogsBucket);

    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucket }, LogFilePrefix: 'lake/' },
    });
  });

  it('tiers audit objects to Standard-IA and Glacier Instant Retrieval, then expires them', () => {
    const { template } = synth({ retentionDays: 730 });

    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Status: 'Enabled',
            ExpirationInDays: 730,
            Transitions: [
              { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
              { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
            ],
          }),
        ],
      },
    });
  });

  it('accepts only TLS requests on every bucket', () => {
    const { template } = synth();
    const policies = template.findResources('AWS::S3::BucketPolicy');

    expect(Object.keys(policies)).toHaveLength(3);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('denies deleting audit events and bypassing the lock to every principal', () => {
    const { storage, template } = synth();

    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdOf(storage.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DenyAuditEventDeletion',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
            Resource: {
              'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdOf(storage.bucket), 'Arn'] }, '/audit_events/*']],
            },
          }),
          Match.objectLike({
            Sid: 'DenyGovernanceBypass',
            Effect: 'Deny',
            Action: 's3:BypassGovernanceRetention',
          }),
        ]),
      },
    });
  });

  it('encrypts Athena results with the lake key and expires them', () => {
    const { storage, template } = synth({ athenaResultsExpirationDays: 3 });
    const results = template.toJSON().Resources[logicalIdOf(storage.athenaResultsBucket)];

    expect(
      results.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: { 'Fn::GetAtt': [logicalIdOf(storage.key), 'Arn'] },
    });
    expect(results.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ ExpirationInDays: 3, Status: 'Enabled' }),
    );
  });

  it('deletes everything with the stack only when told to', () => {
    const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY });

    template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.allResources('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  it('reports every conflicting prop in one error', () => {
    const stack = constructStack();

    expect(
      () =>
        new LakeStorage(stack, 'Storage', {
          retentionDays: 100,
          objectLockDays: 200,
          infrequentAccessAfterDays: 10,
          instantRetrievalAfterDays: 20,
        }),
    ).toThrow(
      /objectLockDays \(200\) must not exceed retentionDays \(100\).*infrequentAccessAfterDays \(10\) must be at least 30.*instantRetrievalAfterDays \(20\) must be at least 30 more/,
    );
  });
});
