import { describe, expect, it } from 'vitest';
import { buildAuditlakeApp, REPO_QUERIES_DIR, Template } from './support/infra-app.ts';

/**
 * The lake stack's stateful resources, and those producers hold on to, by logical id. A changed
 * id makes CloudFormation create a new resource and drop the old one: the key and the data, or
 * the stream and policies producers point at. If this test fails, rename the construct back.
 */
const PINNED: Readonly<Record<string, string>> = {
  StorageKeyBAA9457B: 'AWS::KMS::Key',
  StorageAuditBucket9A8BEFCB: 'AWS::S3::Bucket',
  StorageAccessLogsBucketFEE4D6FB: 'AWS::S3::Bucket',
  StorageAthenaResultsBucket5A1DC446: 'AWS::S3::Bucket',
  CatalogDatabaseE63956BB: 'AWS::Glue::Database',
  CatalogAuditEventsTableB75AD9CE: 'AWS::Glue::Table',
  CatalogEmployeesTable6323F765: 'AWS::Glue::Table',
  CatalogFindingsTable753AFEF3: 'AWS::Glue::Table',
  CatalogRollupEmployeeDailyTable2FA09373: 'AWS::Glue::Table',
  CatalogRollupEmployeeHourlyTableD6A429D4: 'AWS::Glue::Table',
  StateStateTableF3A31AD6: 'AWS::DynamoDB::Table',
  StateDedupTable0EC4E738: 'AWS::DynamoDB::Table',
  StateIdempotencyTable0AC6CE75: 'AWS::DynamoDB::Table',
  IngestionDeliveryStream2AF35D38: 'AWS::KinesisFirehose::DeliveryStream',
  IngestionProducerPolicy6B984101: 'AWS::IAM::ManagedPolicy',
  IngestionBatchUploadPolicyB758017C: 'AWS::IAM::ManagedPolicy',
};

describe('stateful logical ids', () => {
  it('never change', async () => {
    const { lake } = await buildAuditlakeApp({ queriesDir: REPO_QUERIES_DIR });
    const resources = Template.fromStack(lake).toJSON().Resources as Record<string, { Type: string }>;

    const actual = Object.fromEntries(
      Object.keys(PINNED).map((id) => [id, resources[id]?.Type ?? 'missing: the logical id changed']),
    );

    expect(actual).toEqual(PINNED);
  });

  it('keep data when the stack is deleted', async () => {
    const { lake } = await buildAuditlakeApp({ queriesDir: REPO_QUERIES_DIR });
    const template = Template.fromStack(lake);

    for (const type of ['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::DynamoDB::Table']) {
      template.allResources(type, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    template.allResourcesProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
      SSESpecification: { SSEEnabled: true },
    });
  });
});
