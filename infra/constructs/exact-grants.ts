/**
 * Grants whose actions are spelled out. CDK's generated grants for encrypted topics and queues
 * add `kms:GenerateDataKey*` and `kms:ReEncrypt*`; auditlake's rule is that no IAM action holds a
 * wildcard, so these name the calls the services actually make.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';

/** `sns:Publish` on a KMS-encrypted topic: SNS needs the publisher to generate and read data keys. */
export function grantPublishEncrypted(topic: sns.ITopic, key: kms.IKey, grantee: iam.IGrantable): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: [topic.topicArn] });
  key.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
}
