/**
 * The stateful stack: everything whose loss loses data. The KMS key, the buckets, the Glue
 * catalog, the detection state tables, and the ingestion path into the lake (kept here because
 * producers hold its stream and policies, which should not move when detectors change). Its
 * resources' logical ids never change (test/infra/logical-ids.test.ts pins them).
 */
import { CfnOutput, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { AuditlakeConfig } from '../config/auditlake-config.ts';
import { AuditIngestion } from '../constructs/audit-ingestion.ts';
import { DetectionState } from '../constructs/detection-state.ts';
import { LakeAccess } from '../constructs/lake-access.ts';
import { LakeAccessTrail } from '../constructs/lake-access-trail.ts';
import { LakeCatalog, type RollupTableSpec } from '../constructs/lake-catalog.ts';
import { LakeDigests } from '../constructs/lake-digests.ts';
import { LakeStorage } from '../constructs/lake-storage.ts';
import type { HandlerSources } from '../handler-sources.ts';

export interface LakeStackProps extends StackProps {
  readonly lake: AuditlakeConfig['lake'];
  readonly ingestion: AuditlakeConfig['ingestion'];
  readonly athenaResultsExpirationDays: number;
  /** Tables of the rollups in queries/rollups, with their columns. */
  readonly rollupTables: readonly RollupTableSpec[];
  readonly logRetention: logs.RetentionDays;
  /** The handler files of the lake's own Lambdas and the repository root they are bundled from. */
  readonly sources: Pick<
    HandlerSources,
    'projectRoot' | 'validatorEntry' | 'digestEntry' | 'normalizerEntry'
  >;
  /** RETAIN for production; DESTROY only when a non-production config asks for it. */
  readonly removalPolicy: RemovalPolicy;
}

export class LakeStack extends Stack {
  public readonly storage: LakeStorage;
  public readonly catalog: LakeCatalog;
  public readonly state: DetectionState;
  public readonly ingestion: AuditIngestion;
  public readonly access: LakeAccess;
  /** CloudTrail of the lake itself, normalized into audit_events (docs/watch-the-watchers.md). */
  public readonly accessTrail: LakeAccessTrail;
  /** The hourly digest chain over audit_events/ (docs/tamper-evidence.md). */
  public readonly digests: LakeDigests;

  constructor(scope: Construct, id: string, props: LakeStackProps) {
    super(scope, id, props);
    this.storage = new LakeStorage(this, 'Storage', {
      retentionDays: props.lake.retentionDays,
      objectLockMode: props.lake.objectLock.mode,
      objectLockDays: props.lake.objectLock.days,
      infrequentAccessAfterDays: props.lake.infrequentAccessAfterDays,
      instantRetrievalAfterDays: props.lake.instantRetrievalAfterDays,
      athenaResultsExpirationDays: props.athenaResultsExpirationDays,
      removalPolicy: props.removalPolicy,
    });
    this.catalog = new LakeCatalog(this, 'Catalog', {
      bucket: this.storage.bucket,
      rollupTables: props.rollupTables,
    });
    this.state = new DetectionState(this, 'State', { removalPolicy: props.removalPolicy });
    this.ingestion = new AuditIngestion(this, 'Ingestion', {
      bucket: this.storage.bucket,
      key: this.storage.key,
      catalog: this.catalog,
      validatorEntry: props.sources.validatorEntry,
      projectRoot: props.sources.projectRoot,
      bufferSeconds: props.ingestion.bufferSeconds,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.access = new LakeAccess(this, 'Access', {
      storage: this.storage,
      catalog: this.catalog,
      state: this.state,
    });
    this.digests = new LakeDigests(this, 'Digests', {
      bucket: this.storage.bucket,
      key: this.storage.key,
      entry: props.sources.digestEntry,
      projectRoot: props.sources.projectRoot,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    this.accessTrail = new LakeAccessTrail(this, 'AccessTrail', {
      bucket: this.storage.bucket,
      key: this.storage.key,
      catalog: this.catalog,
      accessLogsBucket: this.storage.accessLogsBucket,
      normalizerEntry: props.sources.normalizerEntry,
      projectRoot: props.sources.projectRoot,
      bufferSeconds: props.ingestion.bufferSeconds,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    const outputs: Record<string, [string, string]> = {
      LakeBucketName: [this.storage.bucket.bucketName, 'The audit-log lake (docs/schema.md layout)'],
      LakeKeyArn: [this.storage.key.keyArn, 'KMS key of the lake; pass it to uploads with --sse-kms-key-id'],
      GlueDatabaseName: [
        this.catalog.databaseName,
        'Glue database of audit_events, employees, rollups, findings',
      ],
      DeliveryStreamName: [this.ingestion.deliveryStream.ref, 'Firehose stream producers PutRecordBatch to'],
      ProducerPolicyArn: [this.ingestion.producerPolicy.managedPolicyArn, 'Attach to streaming producers'],
      BatchUploadPolicyArn: [this.ingestion.batchUploadPolicy.managedPolicyArn, 'Attach to batch uploaders'],
    };
    for (const [name, [value, description]] of Object.entries(outputs))
      new CfnOutput(this, name, { value, description });
  }
}
