import { Match } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { AuditIngestion } from '../../infra/constructs/audit-ingestion.ts';
import { LakeCatalog } from '../../infra/constructs/lake-catalog.ts';
import { constructStack, HANDLER_SOURCES, logicalIdOf, Template } from './support/infra-app.ts';

function synth(bufferSeconds?: number) {
  const stack = constructStack();
  const key = new kms.Key(stack, 'Key');
  const bucket = new s3.Bucket(stack, 'Lake', { encryptionKey: key });
  const catalog = new LakeCatalog(stack, 'Catalog', { bucket });
  const ingestion = new AuditIngestion(stack, 'Ingestion', {
    bucket,
    key,
    catalog,
    validatorEntry: HANDLER_SOURCES.validatorEntry,
    projectRoot: HANDLER_SOURCES.projectRoot,
    ...(bufferSeconds === undefined ? {} : { bufferSeconds }),
  });
  return { stack, bucket, key, catalog, ingestion, template: Template.fromStack(stack) };
}

describe('AuditIngestion', () => {
  it('takes Direct PUT records and converts JSON to Parquet with the audit_events Glue schema', () => {
    const { catalog, template } = synth();

    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        DataFormatConversionConfiguration: {
          Enabled: true,
          InputFormatConfiguration: { Deserializer: { HiveJsonSerDe: Match.anyValue() } },
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
          SchemaConfiguration: Match.objectLike({
            DatabaseName: catalog.databaseName,
            TableName: 'audit_events',
            VersionId: 'LATEST',
          }),
        },
      }),
    });
  });

  it('runs every record through the validator, which partitions by the UTC day of event_time', () => {
    const { ingestion, template } = synth();

    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'audit_events/dt=!{partitionKeyFromLambda:dt}/',
        ErrorOutputPrefix: 'ingest-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
        DynamicPartitioningConfiguration: Match.objectLike({ Enabled: true }),
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'Lambda',
              Parameters: Match.arrayWith([
                {
                  ParameterName: 'LambdaArn',
                  ParameterValue: { 'Fn::GetAtt': [logicalIdOf(ingestion.validator.function), 'Arn'] },
                },
              ]),
            },
          ],
        },
      }),
    });
  });

  it('lets Firehose invoke the validator, and the validator write only the stream quarantine', () => {
    const { ingestion, stack } = synth();
    const delivery = JSON.stringify(
      stack.resolve((ingestion.deliveryRole.node.findChild('DefaultPolicy') as iam.Policy).document.toJSON()),
    );
    expect(delivery).toContain('lambda:InvokeFunction');
    expect(delivery).toContain(logicalIdOf(ingestion.validator.function));

    const validator = stack.resolve(
      (ingestion.validator.role.node.findChild('DefaultPolicy') as iam.Policy).document.toJSON(),
    ).Statement as { Action: string | string[]; Resource: unknown }[];
    const actions = validator.flatMap((statement) => [statement.Action].flat()).sort();
    // Besides its own log group and tracing (every auditlake function has those).
    expect(actions.filter((action) => !/^(logs|xray):/.test(action))).toEqual([
      'kms:GenerateDataKey',
      's3:PutObject',
    ]);
    expect(JSON.stringify(validator)).toContain('/quarantine/stream/*');
  });

  it('encrypts what it writes with the lake key and buffers five minutes by default', () => {
    const { key, template } = synth();

    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        EncryptionConfiguration: {
          KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::GetAtt': [logicalIdOf(key), 'Arn'] } },
        },
        BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 128 },
      }),
    });
  });

  it('gives producers a policy that can only put records into this stream', () => {
    const { ingestion, template } = synth();

    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'PutAuditEvents',
            Effect: 'Allow',
            Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
            Resource: { 'Fn::GetAtt': [logicalIdOf(ingestion.deliveryStream), 'Arn'] },
          },
        ],
      },
    });
  });

  it('lets batch uploaders put Parquet partitions and employee files, and nothing else', () => {
    const { ingestion, stack } = synth();
    const statements = stack.resolve(ingestion.batchUploadPolicy.document.toJSON()).Statement;
    const actions = statements.flatMap((statement: { Action: string | string[] }) =>
      [statement.Action].flat(),
    );

    expect(actions.sort()).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      's3:AbortMultipartUpload',
      's3:ListBucket',
      's3:PutObject',
    ]);
    expect(JSON.stringify(statements)).toContain('/audit_events/dt=*/*.parquet');
  });

  it('rejects a buffer interval Firehose does not accept', () => {
    expect(() => synth(30)).toThrow(/bufferSeconds \(30\) must be a whole number from 60 to 900/);
  });
});
