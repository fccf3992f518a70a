/**
 * How events get into the lake. Streaming producers `PutRecordBatch` JSON events (the
 * docs/schema.md contract) to a Direct PUT Firehose stream. Its transformation Lambda (the stream
 * validator, `lambdas/handlers/stream-validation-handler.ts`) applies the same contract as
 * `auditlake ingest`: accepted events go on normalized (UTC `event_time`) with their `dt`, the rest
 * are written with their reasons to `quarantine/stream/dt=<day>/`. Firehose converts what passed
 * to Parquet with the `audit_events` Glue schema and writes `audit_events/dt=<UTC day of
 * event_time>/`; records it cannot process or convert go to `ingest-errors/<error type>/dt=<day>/`. Batch producers run `auditlake
 * ingest` and upload the Parquet partitions it writes. Each path comes with a managed policy to
 * attach to the producer's role; neither grants reading or deleting anything.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AuditlakeFunction } from './auditlake-function.ts';
import type { LakeCatalog } from './lake-catalog.ts';
import { LAKE_PREFIXES } from './lake-layout.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { addParquetDelivery } from './parquet-delivery.ts';

export interface AuditIngestionProps {
  readonly bucket: s3.IBucket;
  /** The bucket's KMS key: Firehose encrypts what it writes with it. */
  readonly key: kms.IKey;
  readonly catalog: LakeCatalog;
  /** Absolute path of lambdas/handlers/stream-validation-handler.ts. */
  readonly validatorEntry: string;
  /** Absolute path of the repository root the validator is bundled from. */
  readonly projectRoot: string;
  /**
   * Seconds Firehose buffers before writing a file (60–900; the buffer is also closed at 128 MiB).
   * @default 300
   */
  readonly bufferSeconds?: number;
  /**
   * Retention of Firehose's delivery error log.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What stack deletion does to the error log group.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Where the stream validator writes rejected records, one JSON-lines object per batch. */
export const STREAM_QUARANTINE_PREFIX = `${LAKE_PREFIXES.quarantine}stream/`;

/** Where batch uploads may put files: Parquet partitions of audit_events only. */
const BATCH_EVENTS_PATTERN = `${LAKE_PREFIXES.auditEvents}dt=*/*.parquet`;

export class AuditIngestion extends Construct {
  public readonly deliveryStream: firehose.CfnDeliveryStream;
  /** Firehose's own role: the one writer of `audit_events/` besides batch uploaders. */
  public readonly deliveryRole: iam.Role;
  /** Attach to a streaming producer: `firehose:PutRecord` and `PutRecordBatch` on this stream only. */
  public readonly producerPolicy: iam.ManagedPolicy;
  /** Attach to whoever uploads `auditlake ingest` output and the employee directory: put-only. */
  public readonly batchUploadPolicy: iam.ManagedPolicy;
  public readonly errorLogGroup: logs.LogGroup;
  /** Firehose's transformation Lambda: validates, normalizes and partitions each record. */
  public readonly validator: AuditlakeFunction;

  constructor(scope: Construct, id: string, props: AuditIngestionProps) {
    super(scope, id);
    const bufferSeconds = props.bufferSeconds ?? 300;
    if (!Number.isInteger(bufferSeconds) || bufferSeconds < 60 || bufferSeconds > 900) {
      throw new Error(
        `AuditIngestion: bufferSeconds (${bufferSeconds}) must be a whole number from 60 to 900`,
      );
    }
    const _stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.validator = new AuditlakeFunction(this, 'Validator', {
      entry: props.validatorEntry,
      projectRoot: props.projectRoot,
      description: 'auditlake: validates streamed audit events; quarantines the rest with reasons',
      environment: {
        LAKE_BUCKET: props.bucket.bucketName,
        QUARANTINE_PREFIX: STREAM_QUARANTINE_PREFIX,
        LAKE_KMS_KEY_ID: props.key.keyArn,
      },
      // Firehose waits at most this long per batch before retrying it.
      timeout: Duration.minutes(1),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      removalPolicy,
    });
    const validatorRole = this.validator.role;
    s3.BucketGrants.fromBucket(props.bucket).actionsOnObjectKeys(
      validatorRole,
      `${STREAM_QUARANTINE_PREFIX}*`,
      's3:PutObject',
    );
    props.key.grant(validatorRole, 'kms:GenerateDataKey');
    acknowledgeWildcardResource(
      validatorRole.node.findChild('DefaultPolicy'),
      props.bucket.arnForObjects(`${STREAM_QUARANTINE_PREFIX}*`),
      'The validator writes one quarantine object per Firehose batch under quarantine/stream/dt=<day>/.',
    );

    const delivery = addParquetDelivery(this, {
      bucket: props.bucket,
      key: props.key,
      catalog: props.catalog,
      processor: this.validator.function,
      roleDescription: 'auditlake Firehose: converts audit events to Parquet and writes them to the lake',
      errorSubfolder: '',
      bufferSeconds,
      bufferMiB: 128,
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      removalPolicy,
    });
    this.deliveryStream = delivery.deliveryStream;
    this.deliveryRole = delivery.deliveryRole;
    this.errorLogGroup = delivery.errorLogGroup;

    this.producerPolicy = new iam.ManagedPolicy(this, 'ProducerPolicy', {
      description: 'auditlake: send audit events to the ingestion Firehose stream (nothing else)',
      statements: [
        new iam.PolicyStatement({
          sid: 'PutAuditEvents',
          actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
          resources: [this.deliveryStream.attrArn],
        }),
      ],
    });

    this.batchUploadPolicy = new iam.ManagedPolicy(this, 'BatchUploadPolicy', {
      description:
        'auditlake: upload auditlake ingest Parquet partitions and the employee directory (put-only)',
      statements: [
        new iam.PolicyStatement({
          sid: 'PutLakeObjects',
          actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
          resources: [
            props.bucket.arnForObjects(BATCH_EVENTS_PATTERN),
            props.bucket.arnForObjects(`${LAKE_PREFIXES.employees}*`),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ListUploadPrefixes',
          actions: ['s3:ListBucket'],
          resources: [props.bucket.bucketArn],
          conditions: {
            StringLike: { 's3:prefix': [`${LAKE_PREFIXES.auditEvents}*`, `${LAKE_PREFIXES.employees}*`] },
          },
        }),
        new iam.PolicyStatement({
          // Decrypt too: S3 needs it to complete a multipart upload under SSE-KMS.
          sid: 'EncryptUploads',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.key.keyArn],
        }),
      ],
    });
    acknowledgeWildcardResource(
      this.batchUploadPolicy,
      props.bucket.arnForObjects(BATCH_EVENTS_PATTERN),
      'auditlake ingest writes new Parquet files named by ingest time under audit_events/dt=<day>/; put-only, never overwrite-or-delete.',
    );
    acknowledgeWildcardResource(
      this.batchUploadPolicy,
      props.bucket.arnForObjects(`${LAKE_PREFIXES.employees}*`),
      'The employee directory is one or more JSON-lines files under employees/.',
    );
  }
}
