/**
 * The lake's storage: a customer-managed KMS key, the audit bucket (Object Lock, versioning,
 * TLS only, no public access, access logs, lifecycle tiers), the Athena results bucket and the
 * access-log bucket. Deleting audit data is denied to every principal by the bucket policy, on
 * top of Object Lock, so tampering means changing the policy first, which CloudTrail records.
 */
import { Duration, FeatureFlags, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { ACCESS_LOG_PREFIXES, LAKE_PREFIXES } from './lake-layout.ts';

export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface LakeStorageProps {
  /**
   * Days after which audit objects expire (noncurrent versions 30 days later).
   * @default 400
   */
  readonly retentionDays?: number;
  /**
   * Object Lock default retention mode for every new object version.
   * @default 'GOVERNANCE'
   */
  readonly objectLockMode?: ObjectLockMode;
  /**
   * Object Lock default retention in days; at most `retentionDays`.
   * @default 365
   */
  readonly objectLockDays?: number;
  /**
   * Days until objects move to S3 Standard-IA (S3 requires at least 30).
   * @default 30
   */
  readonly infrequentAccessAfterDays?: number;
  /**
   * Days until objects move to S3 Glacier Instant Retrieval, which Athena still reads directly;
   * at least 30 more than `infrequentAccessAfterDays`.
   * @default 90
   */
  readonly instantRetrievalAfterDays?: number;
  /**
   * Days after which Athena query results are deleted.
   * @default 7
   */
  readonly athenaResultsExpirationDays?: number;
  /**
   * What stack deletion does to the key and buckets. Buckets are never emptied automatically:
   * an auto-delete function would need `s3:DeleteObject` on audit data.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class LakeStorage extends Construct {
  /** Encrypts the lake, the Athena results and the findings history. Rotated yearly. */
  public readonly key: kms.Key;
  /** The audit-log lake: events, employees, rollups and findings, under `LAKE_PREFIXES`. */
  public readonly bucket: s3.Bucket;
  /** Athena query results, encrypted with `key`, expiring. */
  public readonly athenaResultsBucket: s3.Bucket;
  /** Server access logs of the other two buckets (SSE-S3: the only encryption S3 logging accepts). */
  public readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: LakeStorageProps = {}) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 400;
    const lockDays = props.objectLockDays ?? 365;
    const iaDays = props.infrequentAccessAfterDays ?? 30;
    const girDays = props.instantRetrievalAfterDays ?? 90;
    const resultsDays = props.athenaResultsExpirationDays ?? 7;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    checkProps({ retentionDays, lockDays, iaDays, girDays, resultsDays });
    // Access logs are delivered by bucket policy: the buckets disable ACLs (bucket owner enforced).
    if (!FeatureFlags.of(this).isEnabled(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY)) {
      throw new Error(
        `LakeStorage needs the feature flag ${S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY} (cdk.json context)`,
      );
    }

    this.key = new kms.Key(this, 'Key', {
      description: 'auditlake: audit-log lake, Athena results and findings history',
      enableKeyRotation: true,
      removalPolicy,
    });

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(retentionDays) },
        { id: 'expire-noncurrent', noncurrentVersionExpiration: Duration.days(30) },
      ],
      removalPolicy,
    });

    this.bucket = new s3.Bucket(this, 'AuditBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      objectLockEnabled: true,
      objectLockDefaultRetention:
        props.objectLockMode === 'COMPLIANCE'
          ? s3.ObjectLockRetention.compliance(Duration.days(lockDays))
          : s3.ObjectLockRetention.governance(Duration.days(lockDays)),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: ACCESS_LOG_PREFIXES.lake,
      lifecycleRules: [
        {
          id: 'tier-and-expire',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(iaDays) },
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(girDays),
            },
          ],
          expiration: Duration.days(retentionDays),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
    });
    // Nobody deletes audit events or loosens their lock, whatever their IAM policies say.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyAuditEventDeletion',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [this.bucket.arnForObjects(`${LAKE_PREFIXES.auditEvents}*`)],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyGovernanceBypass',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:BypassGovernanceRetention'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );

    this.athenaResultsBucket = new s3.Bucket(this, 'AthenaResultsBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: ACCESS_LOG_PREFIXES.athenaResults,
      lifecycleRules: [
        {
          id: 'expire-results',
          expiration: Duration.days(resultsDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
    });
  }
}

/** Collects every conflict, then fails once (a deployment should not be fixed one error at a time). */
function checkProps(p: {
  retentionDays: number;
  lockDays: number;
  iaDays: number;
  girDays: number;
  resultsDays: number;
}): void {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(p)) {
    if (!Number.isInteger(value) || value < 1) problems.push(`${name} must be a whole number of days ≥ 1`);
  }
  if (p.lockDays > p.retentionDays) {
    problems.push(`objectLockDays (${p.lockDays}) must not exceed retentionDays (${p.retentionDays})`);
  }
  if (p.iaDays < 30) problems.push(`infrequentAccessAfterDays (${p.iaDays}) must be at least 30`);
  // S3 keeps an object in Standard-IA at least 30 days before the next transition.
  if (p.girDays < p.iaDays + 30) {
    problems.push(
      `instantRetrievalAfterDays (${p.girDays}) must be at least 30 more than infrequentAccessAfterDays (${p.iaDays})`,
    );
  }
  if (p.retentionDays <= p.girDays) {
    problems.push(
      `retentionDays (${p.retentionDays}) must be greater than instantRetrievalAfterDays (${p.girDays})`,
    );
  }
  if (problems.length > 0) throw new Error(`LakeStorage: ${problems.join('; ')}`);
}
