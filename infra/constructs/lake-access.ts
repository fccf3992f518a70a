/**
 * Every way into the lake besides ingestion, declared next to the lake: the managed policy the
 * detector Lambda's role gets. It reads events, employees and rollups; writes only findings, flood
 * archives and rollups; deletes only rollup partitions (derived data the runner rebuilds; audit
 * events cannot be deleted by anyone, see LakeStorage). Every action is named; the wildcards are
 * key prefixes, each acknowledged with its reason.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { DetectionState } from './detection-state.ts';
import type { LakeCatalog } from './lake-catalog.ts';
import { ATHENA_RESULTS_PREFIX, LAKE_PREFIXES } from './lake-layout.ts';
import type { LakeStorage } from './lake-storage.ts';
import { AUDIT_EVENTS_TABLE, EMPLOYEES_TABLE, FINDINGS_TABLE } from './lake-tables.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { ManagedPolicyGrantee } from './policy-grantee.ts';

export interface LakeAccessProps {
  readonly storage: Pick<LakeStorage, 'bucket' | 'key' | 'athenaResultsBucket'>;
  readonly catalog: LakeCatalog;
  readonly state: Pick<DetectionState, 'stateTable' | 'dedupTable'>;
}

/** Object-key patterns of the detector's grants, with why each needs its wildcard. */
const DETECTOR_OBJECT_GRANTS: readonly {
  readonly prefix: string;
  readonly actions: readonly string[];
  readonly reason: string;
}[] = [
  {
    prefix: LAKE_PREFIXES.auditEvents,
    actions: ['s3:GetObject'],
    reason:
      'Athena reads the audit_events partitions a detector window needs; files are added by ingestion under new keys.',
  },
  {
    prefix: LAKE_PREFIXES.employees,
    actions: ['s3:GetObject'],
    reason: 'Athena reads the employee directory files, whatever their names.',
  },
  {
    prefix: LAKE_PREFIXES.rollups,
    actions: [
      's3:GetObject',
      's3:PutObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
      's3:DeleteObject',
    ],
    reason:
      'The runner builds rollup partitions with Athena INSERT INTO and deletes a day before rebuilding it; rollups are derived data, the only prefix it may delete in.',
  },
  {
    prefix: LAKE_PREFIXES.findings,
    actions: ['s3:PutObject'],
    reason: 'Findings history objects are keyed by day, detector and window; put-only.',
  },
  {
    prefix: LAKE_PREFIXES.flooded,
    actions: ['s3:PutObject'],
    reason: 'Flood-control archives are keyed by day, detector and window; put-only.',
  },
];

export class LakeAccess extends Construct {
  /** Attach to the detector Lambda's role. */
  public readonly detectorPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: LakeAccessProps) {
    super(scope, id);
    const { bucket, key, athenaResultsBucket } = props.storage;
    this.detectorPolicy = new iam.ManagedPolicy(this, 'DetectorPolicy', {
      description:
        'auditlake detector Lambda: read the lake, write findings and rollups (no audit data writes)',
    });
    const detector = new ManagedPolicyGrantee(this.detectorPolicy);

    const lakeObjects = s3.BucketGrants.fromBucket(bucket);
    for (const grant of DETECTOR_OBJECT_GRANTS) {
      const pattern = `${grant.prefix}*`;
      lakeObjects.actionsOnObjectKeys(detector, pattern, ...grant.actions);
      acknowledgeWildcardResource(this.detectorPolicy, bucket.arnForObjects(pattern), grant.reason);
    }
    iam.Grant.addToPrincipal({
      grantee: detector,
      actions: ['s3:GetBucketLocation'],
      resourceArns: [bucket.bucketArn],
    });
    this.detectorPolicy.addStatements(
      new iam.PolicyStatement({
        sid: 'ListReadablePrefixes',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: {
          StringLike: {
            's3:prefix': [LAKE_PREFIXES.auditEvents, LAKE_PREFIXES.employees, LAKE_PREFIXES.rollups].map(
              (prefix) => `${prefix}*`,
            ),
          },
        },
      }),
    );

    const resultsPattern = `${ATHENA_RESULTS_PREFIX}*`;
    s3.BucketGrants.fromBucket(athenaResultsBucket).actionsOnObjectKeys(
      detector,
      resultsPattern,
      's3:GetObject',
      's3:PutObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
    );
    acknowledgeWildcardResource(
      this.detectorPolicy,
      athenaResultsBucket.arnForObjects(resultsPattern),
      'Athena writes each query result under a new key (the query id) and the runner reads it back.',
    );
    iam.Grant.addToPrincipal({
      grantee: detector,
      actions: ['s3:GetBucketLocation', 's3:ListBucket'],
      resourceArns: [athenaResultsBucket.bucketArn],
    });
    // SSE-KMS: reading the lake and results, writing findings, rollups and results.
    key.grant(detector, 'kms:GenerateDataKey', 'kms:Decrypt');

    const { catalog } = props;
    iam.Grant.addToPrincipal({
      grantee: detector,
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions'],
      resourceArns: [
        catalog.catalogArn,
        catalog.databaseArn,
        ...catalog.tableArns(
          AUDIT_EVENTS_TABLE,
          EMPLOYEES_TABLE,
          FINDINGS_TABLE,
          ...catalog.rollupTableNames,
        ),
      ],
    });
    if (catalog.rollupTableNames.length > 0) {
      // INSERT INTO a rollup table may register the day's partition in Glue.
      iam.Grant.addToPrincipal({
        grantee: detector,
        actions: ['glue:BatchCreatePartition', 'glue:CreatePartition'],
        resourceArns: [
          catalog.catalogArn,
          catalog.databaseArn,
          ...catalog.tableArns(...catalog.rollupTableNames),
        ],
      });
    }

    props.state.stateTable.grant(detector, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    props.state.dedupTable.grant(detector, 'dynamodb:GetItem', 'dynamodb:PutItem');
  }
}
