/**
 * Tamper evidence for the lake (docs/tamper-evidence.md): the digest Lambda
 * (`lambdas/handlers/digest-handler.ts`) and its hourly EventBridge Scheduler schedule. Each run
 * hashes the files that reached `audit_events/` since the latest digest and writes the next digest
 * of the chain under `digests/`, where the bucket's default Object Lock retention locks it. The
 * function may read `audit_events/` and `digests/`, list the bucket under those two prefixes,
 * create objects under `digests/` and use the lake key; nothing else. One run at a time (reserved
 * concurrency 1), so two digests never continue the same one. The bucket policy gains two denies
 * for every principal: deleting a digest, and putting one without `If-None-Match: *` (an
 * overwrite).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { DIGESTS_PREFIX } from '../../lambdas/integrity/lake-digest.ts';
import { AuditlakeFunction } from './auditlake-function.ts';
import { LAKE_PREFIXES } from './lake-layout.ts';
import { acknowledgeWildcardResource } from './nag.ts';

export interface LakeDigestsProps {
  /** The lake bucket (Object Lock on, default retention set). */
  readonly bucket: s3.IBucket;
  /** The bucket's KMS key: reading events and writing digests need it. */
  readonly key: kms.IKey;
  /** Absolute path of lambdas/handlers/digest-handler.ts. */
  readonly entry: string;
  readonly projectRoot: string;
  /**
   * How often a digest is written; the digest's hour is the UTC hour of the run.
   * @default Duration.hours(1)
   */
  readonly interval?: Duration;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What stack deletion does to the log group.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Hashing a busy hour's Parquet files (Firehose closes one at 128 MiB) may take minutes. */
const RUN_TIMEOUT = Duration.minutes(15);

export class LakeDigests extends Construct {
  public readonly function: AuditlakeFunction;
  public readonly schedule: scheduler.Schedule;
  /** Assumed by EventBridge Scheduler to invoke the function. */
  public readonly schedulerRole: iam.Role;

  constructor(scope: Construct, id: string, props: LakeDigestsProps) {
    super(scope, id);
    const interval = props.interval ?? Duration.hours(1);
    if (interval.toMinutes() < 5 || interval.toHours({ integral: false }) > 24) {
      throw new Error(
        `LakeDigests ${id}: interval (${interval.toHumanString()}) must be from 5 minutes to 24 hours`,
      );
    }
    const { bucket, key } = props;

    this.function = new AuditlakeFunction(this, 'Handler', {
      entry: props.entry,
      projectRoot: props.projectRoot,
      description: 'auditlake: hashes new audit_events files and appends the next digest of the chain',
      timeout: RUN_TIMEOUT,
      memorySize: 1024,
      reservedConcurrentExecutions: 1,
      environment: { LAKE_BUCKET: bucket.bucketName, LAKE_PREFIX: '' },
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const fn = this.function.function;
    const events = bucket.arnForObjects(`${LAKE_PREFIXES.auditEvents}*`);
    const digests = bucket.arnForObjects(`${DIGESTS_PREFIX}*`);
    iam.Grant.addToPrincipal({ grantee: fn, actions: ['s3:GetObject'], resourceArns: [events, digests] });
    iam.Grant.addToPrincipal({ grantee: fn, actions: ['s3:PutObject'], resourceArns: [digests] });
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: {
          StringLike: { 's3:prefix': [`${LAKE_PREFIXES.auditEvents}*`, `${DIGESTS_PREFIX}*`] },
        },
      }),
    );
    // SSE-KMS: reading events and digests, writing digests.
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resourceArns: [key.keyArn],
    });

    // Object Lock keeps every digest version, but a plain delete or put still hides the current
    // one behind a delete marker or a newer version: deny both, for everyone.
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyDigestDeletion',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [digests],
      }),
    );
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyDigestOverwrite',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [digests],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );

    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'auditlake EventBridge Scheduler: invokes the digest Lambda',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'auditlake: write the next lake digest',
      schedule: scheduler.ScheduleExpression.rate(interval),
      timeWindow: scheduler.TimeWindow.off(),
      target: new targets.LambdaInvoke(fn, {
        input: scheduler.ScheduleTargetInput.fromObject({}),
        role: this.schedulerRole,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });

    const policy = this.function.role.node.findChild('DefaultPolicy');
    acknowledgeWildcardResource(
      policy,
      events,
      'Firehose and batch uploads add files under new keys in audit_events/dt=<day>/; the Lambda reads each new one to hash it (read-only).',
    );
    acknowledgeWildcardResource(
      policy,
      digests,
      'Digests are new objects named by hour and run under digests/YYYY/MM/DD/; the Lambda reads the latest and creates the next (conditional put, never an overwrite).',
    );
    const schedulerPolicy = this.schedulerRole.node.tryFindChild('DefaultPolicy');
    if (schedulerPolicy) {
      acknowledgeWildcardResource(
        schedulerPolicy,
        `${fn.functionArn}:*`,
        "CDK's grantInvoke covers the function's versions and aliases; the role can invoke this one function only.",
      );
    }
  }
}
