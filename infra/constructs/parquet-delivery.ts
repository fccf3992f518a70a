/**
 * A Direct PUT Firehose stream that hands each batch to a transformation Lambda and writes what it
 * returns to `audit_events/dt=<partition key from the Lambda>/` as Parquet with the `audit_events`
 * Glue schema; records it cannot process or convert go under an error prefix. Both ways streamed
 * events reach the lake use it: producers' events (`AuditIngestion`, the stream validator) and the
 * lake's own CloudTrail events (`LakeAccessTrail`, the normalizer). Its role may write those two
 * prefixes, read the Glue table, use the lake key, write its error log and invoke its Lambda;
 * nothing else. Created in the caller's scope with fixed child ids (`ErrorLogGroup`,
 * `DeliveryRole`, `DeliveryStream`), so the callers' logical ids stay what they were.
 */
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { LakeCatalog } from './lake-catalog.ts';
import { LAKE_PREFIXES } from './lake-layout.ts';
import { AUDIT_EVENTS_TABLE } from './lake-tables.ts';
import { acknowledgeWildcardResource } from './nag.ts';

/** Timestamp forms the Parquet conversion accepts for `event_time` (Joda-Time patterns). */
export const EVENT_TIME_FORMATS = ["yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "yyyy-MM-dd'T'HH:mm:ssZZ", 'millis'];

export interface ParquetDeliveryProps {
  readonly bucket: s3.IBucket;
  /** The lake key: the stream encrypts what it writes with it. */
  readonly key: kms.IKey;
  readonly catalog: Pick<LakeCatalog, 'catalogArn' | 'databaseArn' | 'databaseName' | 'tableArns' | 'tables'>;
  /** The transformation Lambda; it returns each record's `dt` as a partition key. */
  readonly processor: lambda.IFunction;
  /** What the delivery role is for, shown in IAM. */
  readonly roleDescription: string;
  /** Under `ingest-errors/`, e.g. `''` or `lake-access/`. */
  readonly errorSubfolder: string;
  /** Seconds Firehose buffers before writing a file (60–900). */
  readonly bufferSeconds: number;
  /** MiB Firehose buffers before writing a file (format conversion needs at least 64). */
  readonly bufferMiB: number;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

export interface ParquetDelivery {
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly deliveryRole: iam.Role;
  readonly errorLogGroup: logs.LogGroup;
}

export function addParquetDelivery(scope: Construct, props: ParquetDeliveryProps): ParquetDelivery {
  const stack = Stack.of(scope);
  const errorLogGroup = new logs.LogGroup(scope, 'ErrorLogGroup', {
    retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    removalPolicy: props.removalPolicy,
  });
  const logStream = errorLogGroup.addStream('S3Delivery');

  const deliveryRole = new iam.Role(scope, 'DeliveryRole', {
    description: props.roleDescription,
    assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  });
  const objects = s3.BucketGrants.fromBucket(props.bucket);
  const grants = [
    ...[LAKE_PREFIXES.auditEvents, LAKE_PREFIXES.ingestErrors].map((prefix) =>
      // The object permissions Firehose documents for an S3 destination, on its two prefixes only.
      objects.actionsOnObjectKeys(
        deliveryRole,
        `${prefix}*`,
        's3:PutObject',
        's3:GetObject',
        's3:AbortMultipartUpload',
      ),
    ),
    iam.Grant.addToPrincipal({
      grantee: deliveryRole,
      actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      resourceArns: [props.bucket.bucketArn],
    }),
    props.key.grant(deliveryRole, 'kms:GenerateDataKey', 'kms:Decrypt'),
    iam.Grant.addToPrincipal({
      grantee: deliveryRole,
      actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
      resourceArns: [
        props.catalog.catalogArn,
        props.catalog.databaseArn,
        ...props.catalog.tableArns(AUDIT_EVENTS_TABLE),
      ],
    }),
    errorLogGroup.grantWrite(deliveryRole),
    iam.Grant.addToPrincipal({
      grantee: deliveryRole,
      actions: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'],
      resourceArns: [props.processor.functionArn],
    }),
  ];

  const errorPrefix = `${LAKE_PREFIXES.ingestErrors}${props.errorSubfolder}`;
  const deliveryStream = new firehose.CfnDeliveryStream(scope, 'DeliveryStream', {
    deliveryStreamType: 'DirectPut',
    deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
    extendedS3DestinationConfiguration: {
      bucketArn: props.bucket.bucketArn,
      roleArn: deliveryRole.roleArn,
      prefix: `${LAKE_PREFIXES.auditEvents}dt=!{partitionKeyFromLambda:dt}/`,
      errorOutputPrefix: `${errorPrefix}!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`,
      fileExtension: '.parquet',
      // The interval bounds how late data lands.
      bufferingHints: { intervalInSeconds: props.bufferSeconds, sizeInMBs: props.bufferMiB },
      compressionFormat: 'UNCOMPRESSED',
      encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: props.key.keyArn } },
      cloudWatchLoggingOptions: {
        enabled: true,
        logGroupName: errorLogGroup.logGroupName,
        logStreamName: logStream.logStreamName,
      },
      dynamicPartitioningConfiguration: {
        enabled: true,
        retryOptions: { durationInSeconds: Duration.minutes(5).toSeconds() },
      },
      processingConfiguration: {
        enabled: true,
        processors: [
          {
            // The Lambda returns each record's `dt` as its partition key.
            type: 'Lambda',
            parameters: [
              { parameterName: 'LambdaArn', parameterValue: props.processor.functionArn },
              { parameterName: 'BufferSizeInMBs', parameterValue: '1' },
              { parameterName: 'BufferIntervalInSeconds', parameterValue: '60' },
              { parameterName: 'NumberOfRetries', parameterValue: '3' },
            ],
          },
        ],
      },
      dataFormatConversionConfiguration: {
        enabled: true,
        inputFormatConfiguration: {
          deserializer: { hiveJsonSerDe: { timestampFormats: EVENT_TIME_FORMATS } },
        },
        outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
        schemaConfiguration: {
          catalogId: stack.account,
          region: stack.region,
          databaseName: props.catalog.databaseName,
          tableName: AUDIT_EVENTS_TABLE,
          roleArn: deliveryRole.roleArn,
          versionId: 'LATEST',
        },
      },
    },
  });
  // Firehose checks its role's permissions, and the Glue table, when the stream is created.
  for (const grant of grants) grant.applyBefore(deliveryStream);
  const auditEvents = props.catalog.tables.get(AUDIT_EVENTS_TABLE);
  if (auditEvents) deliveryStream.addResourceDependency(auditEvents);
  const deliveryPolicy = deliveryRole.node.findChild('DefaultPolicy');
  acknowledgeWildcardResource(
    deliveryPolicy,
    props.bucket.arnForObjects(`${LAKE_PREFIXES.auditEvents}*`),
    'Firehose writes a new object per buffer under audit_events/dt=<day>/; the day is only known per record.',
  );
  acknowledgeWildcardResource(
    deliveryPolicy,
    props.bucket.arnForObjects(`${LAKE_PREFIXES.ingestErrors}*`),
    `Firehose writes records it could not process or convert under ${errorPrefix}<error type>/dt=<day>/.`,
  );
  return { deliveryStream, deliveryRole, errorLogGroup };
}
