/**
 * Watch the watchers (docs/watch-the-watchers.md): a CloudTrail trail records S3 data events on
 * the lake bucket and the account's write management events; EventBridge rules deliver the calls
 * that concern the lake to a Firehose stream of its own, whose Lambda processor (the normalizer,
 * `lambdas/handlers/lake-access-normalizer.ts`) maps them to `audit_events` rows; Firehose
 * converts them to Parquet with the `audit_events` Glue schema and writes them beside every other
 * event, where the `audit-lake-tampering` detector reads them.
 *
 * A stream of its own rather than the ingestion stream: EventBridge delivers to Firehose directly
 * and Firehose batches and retries the normalizer, while the ingestion stream's processor is meant
 * for producers' records. The trail writes to a bucket of its own, so recording the lake bucket
 * never records the trail's deliveries. `LakeAccessControlWatch` adds the detection stack's own
 * resources (detector function, schedule group, findings topic) to what is delivered.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { S3_ACTIONS } from '../../lambdas/watchers/cloudtrail-mapping.ts';
import { AuditlakeFunction } from './auditlake-function.ts';
import type { LakeCatalog } from './lake-catalog.ts';
import { addParquetDelivery } from './parquet-delivery.ts';

export interface LakeAccessTrailProps {
  /** The lake bucket: its data events are recorded, and the normalized rows are written to it. */
  readonly bucket: s3.IBucket;
  /** The lake's KMS key: Firehose encrypts what it writes with it. */
  readonly key: kms.IKey;
  readonly catalog: Pick<LakeCatalog, 'catalogArn' | 'databaseArn' | 'databaseName' | 'tableArns' | 'tables'>;
  /** Where the trail bucket's server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  /** Absolute path of lambdas/handlers/lake-access-normalizer.ts. */
  readonly normalizerEntry: string;
  /** Absolute path of the repository root the normalizer is bundled from. */
  readonly projectRoot: string;
  /**
   * Role name globs whose sessions are people (their session name becomes `actor_id`).
   * @default ['AWSReservedSSO_*'] (IAM Identity Center permission sets)
   */
  readonly humanRoles?: readonly string[];
  /**
   * Seconds Firehose buffers before writing a file (60–900).
   * @default 300
   */
  readonly bufferSeconds?: number;
  /**
   * Days the trail's own log files are kept.
   * @default 400
   */
  readonly trailRetentionDays?: number;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What stack deletion does to the trail bucket and log groups.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Key prefix of the trail's server access logs in the access-logs bucket. */
export const TRAIL_ACCESS_LOG_PREFIX = 'lake-access-trail/';

const API_CALL = 'AWS API Call via CloudTrail';

export class LakeAccessTrail extends Construct {
  public readonly trail: cloudtrail.Trail;
  /** CloudTrail's deliveries of the trail: versioned, TLS only, expiring after `trailRetentionDays`. */
  public readonly trailBucket: s3.Bucket;
  /** Firehose's transformation Lambda: CloudTrail record in, `audit_events` row (or nothing) out. */
  public readonly normalizer: AuditlakeFunction;
  public readonly deliveryRole: iam.Role;
  public readonly deliveryStream: firehose.CfnDeliveryStream;
  public readonly errorLogGroup: logs.LogGroup;
  /** Delivers S3 calls on the lake bucket to the stream. */
  public readonly lakeRule: events.Rule;
  /** Delivers changes to the trail, `lakeRule` and the stream themselves: stopping them blinds the watchers. */
  public readonly trailRule: events.Rule;
  /** The stream as an EventBridge target (with the role EventBridge puts records with), for more rules. */
  public readonly target: events.IRuleTarget;

  constructor(scope: Construct, id: string, props: LakeAccessTrailProps) {
    super(scope, id);
    const bufferSeconds = props.bufferSeconds ?? 300;
    const trailDays = props.trailRetentionDays ?? 400;
    const problems: string[] = [];
    if (!Number.isInteger(bufferSeconds) || bufferSeconds < 60 || bufferSeconds > 900)
      problems.push(`bufferSeconds (${bufferSeconds}) must be a whole number from 60 to 900`);
    if (!Number.isInteger(trailDays) || trailDays < 1)
      problems.push(`trailRetentionDays (${trailDays}) must be a whole number of at least 1`);
    if (problems.length > 0) throw new Error(`LakeAccessTrail ${id}: ${problems.join('; ')}`);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.trailBucket = new s3.Bucket(this, 'TrailBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: TRAIL_ACCESS_LOG_PREFIX,
      lifecycleRules: [
        {
          id: 'expire-trail',
          expiration: Duration.days(trailDays),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
      removalPolicy,
    });
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      bucket: this.trailBucket,
      enableFileValidation: true,
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      // Write calls only: bucket policy and lifecycle changes, function updates, schedule and subscription changes.
      managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
      sendToCloudWatchLogs: false,
    });
    this.trail.addS3EventSelector([{ bucket: props.bucket }], {
      readWriteType: cloudtrail.ReadWriteType.ALL,
      includeManagementEvents: false,
    });

    this.normalizer = new AuditlakeFunction(this, 'Normalizer', {
      entry: props.normalizerEntry,
      projectRoot: props.projectRoot,
      description: 'auditlake: maps CloudTrail events about the lake to audit_events rows',
      environment: {
        LAKE_BUCKET: props.bucket.bucketName,
        ...(props.humanRoles === undefined ? {} : { HUMAN_ROLES: props.humanRoles.join(',') }),
      },
      // Firehose waits at most this long per batch before retrying it.
      timeout: Duration.minutes(1),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      removalPolicy,
    });

    const delivery = addParquetDelivery(this, {
      bucket: props.bucket,
      key: props.key,
      catalog: props.catalog,
      processor: this.normalizer.function,
      roleDescription: 'auditlake Firehose: writes normalized lake-access events to audit_events',
      errorSubfolder: 'lake-access/',
      bufferSeconds,
      bufferMiB: 64,
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      removalPolicy,
    });
    this.deliveryStream = delivery.deliveryStream;
    this.deliveryRole = delivery.deliveryRole;
    this.errorLogGroup = delivery.errorLogGroup;

    const putRole = new iam.Role(this, 'EventsRole', {
      description: 'auditlake EventBridge: puts CloudTrail events about the lake into the lake-access stream',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    putRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
        resources: [this.deliveryStream.attrArn],
      }),
    );
    const streamArn = this.deliveryStream.attrArn;
    this.target = { bind: () => ({ arn: streamArn, role: putRole }) };

    this.lakeRule = new events.Rule(this, 'LakeBucketCalls', {
      description: 'auditlake: S3 calls on the lake bucket, to the lake-access stream',
      eventPattern: {
        source: ['aws.s3'],
        detailType: [API_CALL],
        detail: {
          eventSource: ['s3.amazonaws.com'],
          eventName: Object.keys(S3_ACTIONS),
          requestParameters: { bucketName: [props.bucket.bucketName] },
        },
      },
      targets: [this.target],
    });

    const trailName = (this.trail.node.defaultChild as cloudtrail.CfnTrail).ref;
    this.trailRule = new events.Rule(this, 'TrailCalls', {
      description: 'auditlake: changes to the lake-access trail, rule and stream, to the lake-access stream',
      eventPattern: {
        source: ['aws.cloudtrail', 'aws.events', 'aws.firehose'],
        detailType: [API_CALL],
        detail: {
          $or: [
            {
              eventSource: ['cloudtrail.amazonaws.com'],
              requestParameters: { name: [trailName, this.trail.trailArn] },
            },
            { eventSource: ['events.amazonaws.com'], requestParameters: { name: [this.lakeRule.ruleName] } },
            {
              eventSource: ['firehose.amazonaws.com'],
              requestParameters: { deliveryStreamName: [this.deliveryStream.ref] },
            },
          ],
        },
      },
      targets: [this.target],
    });
  }
}

export interface LakeAccessControlWatchProps {
  /** `LakeAccessTrail.target`: the lake-access stream. */
  readonly target: events.IRuleTarget;
  readonly detectorFunction: lambda.IFunction;
  readonly scheduleGroup: scheduler.IScheduleGroup;
  readonly findingsTopic: sns.ITopic;
}

/**
 * Delivers changes to what the detectors run (the function: its code carries the detectors and
 * suppressions), when (the schedule group) and who hears about it (the findings topic) to the
 * lake-access stream. Lives beside those resources, in the detection stack.
 */
export class LakeAccessControlWatch extends Construct {
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: LakeAccessControlWatchProps) {
    super(scope, id);
    const functionName = props.detectorFunction.functionName;
    const topicArn = props.findingsTopic.topicArn;
    this.rule = new events.Rule(this, 'ControlPlaneCalls', {
      description: 'auditlake: changes to the detector function, its schedules and the findings topic',
      eventPattern: {
        source: ['aws.lambda', 'aws.scheduler', 'aws.sns'],
        detailType: [API_CALL],
        detail: {
          $or: [
            {
              eventSource: ['lambda.amazonaws.com'],
              requestParameters: {
                // Lambda logs the function as the caller named it: a name or an ARN.
                functionName: [functionName, { suffix: `:function:${functionName}` }],
              },
            },
            {
              eventSource: ['scheduler.amazonaws.com'],
              requestParameters: { groupName: [props.scheduleGroup.scheduleGroupName] },
            },
            {
              eventSource: ['sns.amazonaws.com'],
              requestParameters: { topicArn: [topicArn] },
            },
            {
              eventSource: ['sns.amazonaws.com'],
              requestParameters: { subscriptionArn: [{ prefix: `${topicArn}:` }] },
            },
          ],
        },
      },
      targets: [props.target],
    });
  }
}
