/**
 * Runs the detectors: the detector Lambda (the runtime's `lambdas/handlers/detector-handler.ts`
 * with `queries/` bundled beside it) and one EventBridge Scheduler schedule per active detector,
 * built from the detector files parsed at synth. Adding a detector file adds its schedule;
 * disabling or deprecating one removes it. Each schedule sends `{ "detector": "<id>" }`. A run
 * that keeps failing (after the schedule's and Lambda's retries) lands in the dead-letter queue.
 */
import path from 'node:path';
import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type Detector, isActive } from '../../lambdas/core/detector.ts';
import { AuditlakeFunction } from './auditlake-function.ts';
import type { DetectionState } from './detection-state.ts';
import type { DetectorWorkgroup } from './detector-workgroup.ts';
import { grantPublishEncrypted } from './exact-grants.ts';
import { type LakeCatalog, pascalCase } from './lake-catalog.ts';
import { LAKE_PREFIXES } from './lake-layout.ts';
import { acknowledgeNag, acknowledgeWildcardResource } from './nag.ts';

/** What the runner needs to know of the lake stack (names for its environment). */
export interface RunnerLake {
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly catalog: Pick<LakeCatalog, 'databaseName'>;
  readonly state: Pick<DetectionState, 'stateTable' | 'dedupTable'>;
}

export interface DetectorRunnerProps {
  /** Every parsed detector; only active ones (enabled, not deprecated) get a schedule. */
  readonly detectors: readonly Detector[];
  /** The `queries/` folder the detectors were parsed from; bundled as `queries/`. */
  readonly queriesDir: string;
  /** Absolute path of lambdas/handlers/detector-handler.ts. */
  readonly entry: string;
  readonly projectRoot: string;
  readonly lake: RunnerLake;
  /** The lake stack's policy for the detector (LakeAccess.detectorPolicy): attached to the role. */
  readonly lakeAccessPolicy: iam.IManagedPolicy;
  readonly workgroup: Pick<DetectorWorkgroup, 'workGroupName' | 'workGroupArn'>;
  readonly findingsTopic: sns.ITopic;
  /** The key of `findingsTopic`. */
  readonly findingsTopicKey: kms.IKey;
  /**
   * Windows end at least this long before now (a duration like `15m`).
   * @default '15m'
   */
  readonly lateDataDelay?: string;
  /**
   * With no watermark yet, a detector starts this far back.
   * @default '1d'
   */
  readonly initialBackfill?: string;
  /** @default 24 */
  readonly maxWindowsPerRun?: number;
  /** @default 25 */
  readonly maxFindingsPerWindow?: number;
  /** @default 5 */
  readonly reservedConcurrency?: number;
  /**
   * Retries of a failed run, by Scheduler (delivery) and by Lambda (errors), each.
   * @default 2
   */
  readonly retryAttempts?: number;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What stack deletion does to the log group.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The parts of `queries/` the detector Lambda reads at run time. */
export const BUNDLED_QUERIES = ['detectors', 'rollups', 'suppressions.yaml', 'redaction.yaml'] as const;

/** A run may take up to Lambda's limit: Athena queries and many windows after a pause. */
const RUN_TIMEOUT = Duration.minutes(15);

export class DetectorRunner extends Construct {
  public readonly function: AuditlakeFunction;
  /** Failed schedule deliveries and runs that failed every retry. */
  public readonly deadLetterQueue: sqs.Queue;
  public readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Assumed by EventBridge Scheduler for every detector schedule. */
  public readonly schedulerRole: iam.Role;
  /** One schedule per active detector, by detector id. */
  public readonly schedules: ReadonlyMap<string, scheduler.Schedule>;
  /** Ids of the scheduled detectors, in file order. */
  public readonly scheduledDetectorIds: readonly string[];

  constructor(scope: Construct, id: string, props: DetectorRunnerProps) {
    super(scope, id);
    const active = props.detectors.filter(isActive);
    checkDetectors(props.detectors);
    const retryAttempts = props.retryAttempts ?? 2;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const { lake } = props;
    this.function = new AuditlakeFunction(this, 'Handler', {
      entry: props.entry,
      projectRoot: props.projectRoot,
      description: 'auditlake: runs one detector over its due windows on Athena and raises findings',
      timeout: RUN_TIMEOUT,
      memorySize: 1024,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 5,
      retryAttempts,
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      // What the handler reads beside itself: detectors, rollups, suppressions, redaction (not test fixtures).
      bundledPaths: BUNDLED_QUERIES.map((name) => ({
        from: path.join(props.queriesDir, name),
        to: `queries/${name}`,
      })),
      environment: {
        ATHENA_WORKGROUP: props.workgroup.workGroupName,
        ATHENA_DATABASE: lake.catalog.databaseName,
        STATE_TABLE_NAME: lake.state.stateTable.tableName,
        DEDUP_TABLE_NAME: lake.state.dedupTable.tableName,
        FINDINGS_TOPIC_ARN: props.findingsTopic.topicArn,
        FINDINGS_BUCKET: lake.bucket.bucketName,
        FINDINGS_KMS_KEY_ID: lake.key.keyArn,
        LAKE_BUCKET: lake.bucket.bucketName,
        ROLLUPS_PREFIX: LAKE_PREFIXES.rollups,
        LATE_DATA_DELAY: props.lateDataDelay ?? '15m',
        INITIAL_BACKFILL: props.initialBackfill ?? '1d',
        MAX_WINDOWS_PER_RUN: String(props.maxWindowsPerRun ?? 24),
        MAX_FINDINGS_PER_WINDOW: String(props.maxFindingsPerWindow ?? 25),
      },
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // Lake access is declared by the lake stack (LakeAccess); the rest is this stack's own.
    this.function.role.addManagedPolicy(props.lakeAccessPolicy);
    const fn = this.function.function;
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
      ],
      resourceArns: [props.workgroup.workGroupArn],
    });
    grantPublishEncrypted(props.findingsTopic, props.findingsTopicKey, fn);

    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // One role for every schedule: invoke this function, send failures to the dead-letter queue.
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'auditlake EventBridge Scheduler: invokes the detector Lambda',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    const schedules = new Map<string, scheduler.Schedule>();
    const ids = new Map<string, string>();
    for (const detector of active) {
      const constructId = pascalCase(detector.id);
      const clash = ids.get(constructId);
      if (clash)
        throw new Error(`DetectorRunner: detectors ${clash} and ${detector.id} map to one schedule id`);
      ids.set(constructId, detector.id);
      schedules.set(
        detector.id,
        new scheduler.Schedule(this, `${constructId}Schedule`, {
          description: `auditlake ${detector.id}: ${detector.title}`.slice(0, 512),
          scheduleGroup: this.scheduleGroup,
          // The runner computes windows in UTC from the same expression.
          schedule: scheduler.ScheduleExpression.expression(detector.schedule.expression, TimeZone.ETC_UTC),
          timeWindow: scheduler.TimeWindow.off(),
          target: new targets.LambdaInvoke(this.function.function, {
            input: scheduler.ScheduleTargetInput.fromObject({ detector: detector.id }),
            role: this.schedulerRole,
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts,
            maxEventAge: Duration.hours(1),
          }),
        }),
      );
    }
    this.schedules = schedules;
    this.scheduledDetectorIds = active.map((detector) => detector.id);

    acknowledgeNag(
      this.deadLetterQueue,
      'SQS3',
      'This queue is the dead-letter queue itself: of the schedules (delivery failures) and of the Lambda (runs that failed every retry).',
    );
    const schedulerPolicy = this.schedulerRole.node.tryFindChild('DefaultPolicy');
    if (schedulerPolicy) {
      acknowledgeWildcardResource(
        schedulerPolicy,
        `${this.function.function.functionArn}:*`,
        "CDK's grantInvoke covers the function's versions and aliases; the role can invoke this one function only.",
      );
    }
  }
}

/** Problems across detector files, which the per-file parser cannot see, reported together. */
function checkDetectors(detectors: readonly Detector[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const detector of detectors) {
    if (seen.has(detector.id)) problems.push(`detector ${detector.id} is defined twice`);
    seen.add(detector.id);
  }
  if (problems.length > 0) throw new Error(`DetectorRunner: ${problems.join('; ')}`);
}
