/**
 * The stateless stack: the Athena workgroup, the detector Lambda and its schedules, alerting
 * (findings topic, email, ticketing) and operations (ops topic, alarms, dashboard). Everything
 * here can be destroyed and deployed again without losing data; it reaches the lake only through
 * the props it is given.
 */
import { CfnOutput, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Detector } from '../../lambdas/core/detector.ts';
import type { AuditlakeConfig } from '../config/auditlake-config.ts';
import type { AuditIngestion } from '../constructs/audit-ingestion.ts';
import type { DetectionState } from '../constructs/detection-state.ts';
import { DetectorRunner } from '../constructs/detector-runner.ts';
import { DetectorWorkgroup } from '../constructs/detector-workgroup.ts';
import { FindingAlerts } from '../constructs/finding-alerts.ts';
import { FindingTicketing } from '../constructs/finding-ticketing.ts';
import type { LakeAccess } from '../constructs/lake-access.ts';
import { LakeAccessControlWatch, type LakeAccessTrail } from '../constructs/lake-access-trail.ts';
import type { LakeCatalog } from '../constructs/lake-catalog.ts';
import type { LakeStorage } from '../constructs/lake-storage.ts';
import { type NamedQueue, Operations } from '../constructs/operations.ts';
import type { HandlerSources } from '../handler-sources.ts';

/** What the detection stack uses of the lake stack (LakeStack satisfies it). */
export interface LakeResources {
  readonly storage: Pick<LakeStorage, 'bucket' | 'key' | 'athenaResultsBucket'>;
  readonly catalog: Pick<LakeCatalog, 'databaseName'>;
  readonly state: Pick<DetectionState, 'stateTable' | 'dedupTable' | 'idempotencyTable'>;
  readonly ingestion: Pick<AuditIngestion, 'deliveryStream'>;
  readonly access: Pick<LakeAccess, 'detectorPolicy'>;
  readonly accessTrail: Pick<LakeAccessTrail, 'target'>;
}

export interface DetectionStackProps extends StackProps {
  readonly lake: LakeResources;
  /** The parsed detector registry (queries/detectors), all of it: inactive ones get no schedule. */
  readonly detectors: readonly Detector[];
  /** Where the handlers are, and the `queries/` folder the detectors were parsed from. */
  readonly sources: Pick<HandlerSources, 'projectRoot' | 'detectorEntry' | 'ticketingEntry'> & {
    readonly queriesDir: string;
  };
  readonly config: Pick<
    AuditlakeConfig,
    'alertEmails' | 'opsEmails' | 'ticketing' | 'athena' | 'detection' | 'alarms'
  >;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

export class DetectionStack extends Stack {
  public readonly workgroup: DetectorWorkgroup;
  public readonly alertsKey: kms.Key;
  public readonly alerts: FindingAlerts;
  public readonly runner: DetectorRunner;
  public readonly ticketing: FindingTicketing | undefined;
  public readonly operations: Operations;
  /** Sends changes to the detector function, schedules and findings topic to the lake-access stream. */
  public readonly controlWatch: LakeAccessControlWatch;

  constructor(scope: Construct, id: string, props: DetectionStackProps) {
    super(scope, id, props);
    const { lake, config, sources } = props;

    this.workgroup = new DetectorWorkgroup(this, 'Workgroup', {
      resultsBucket: lake.storage.athenaResultsBucket,
      key: lake.storage.key,
      bytesScannedCutoffPerQuery: config.athena.bytesScannedCutoffPerQuery,
    });

    // One key for both topics (findings, operations); lives with the topics it encrypts.
    this.alertsKey = new kms.Key(this, 'AlertsKey', {
      description: 'auditlake: findings and operations topics',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    this.alerts = new FindingAlerts(this, 'Alerts', { recipients: config.alertEmails, key: this.alertsKey });

    this.runner = new DetectorRunner(this, 'Runner', {
      detectors: props.detectors,
      queriesDir: sources.queriesDir,
      entry: sources.detectorEntry,
      projectRoot: sources.projectRoot,
      lake: { bucket: lake.storage.bucket, key: lake.storage.key, catalog: lake.catalog, state: lake.state },
      lakeAccessPolicy: lake.access.detectorPolicy,
      workgroup: this.workgroup,
      findingsTopic: this.alerts.topic,
      findingsTopicKey: this.alertsKey,
      lateDataDelay: config.detection.lateDataDelay,
      initialBackfill: config.detection.initialBackfill,
      maxWindowsPerRun: config.detection.maxWindowsPerRun,
      maxFindingsPerWindow: config.detection.maxFindingsPerWindow,
      reservedConcurrency: config.detection.reservedConcurrency,
      retryAttempts: config.detection.retryAttempts,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    this.ticketing = config.ticketing
      ? new FindingTicketing(this, 'Ticketing', {
          topic: this.alerts.topic,
          settings: config.ticketing,
          idempotencyTable: lake.state.idempotencyTable,
          entry: sources.ticketingEntry,
          projectRoot: sources.projectRoot,
          logRetention: props.logRetention,
          removalPolicy: props.removalPolicy,
        })
      : undefined;

    this.controlWatch = new LakeAccessControlWatch(this, 'ControlWatch', {
      target: lake.accessTrail.target,
      detectorFunction: this.runner.function.function,
      scheduleGroup: this.runner.scheduleGroup,
      findingsTopic: this.alerts.topic,
    });

    const deadLetterQueues: NamedQueue[] = [{ name: 'DetectorRuns', queue: this.runner.deadLetterQueue }];
    if (this.ticketing) deadLetterQueues.push({ name: 'Tickets', queue: this.ticketing.deadLetterQueue });
    this.operations = new Operations(this, 'Operations', {
      key: this.alertsKey,
      emails: config.opsEmails,
      detectorFunction: this.runner.function.function,
      ...(this.ticketing ? { ticketingFunction: this.ticketing.function.function } : {}),
      deadLetterQueues,
      scheduleGroup: this.runner.scheduleGroup,
      detectorIds: this.runner.scheduledDetectorIds,
      deliveryStreamName: lake.ingestion.deliveryStream.ref,
      windowsBehindThreshold: config.alarms.windowsBehind,
      bytesScannedPerDetectorPerDay: config.alarms.bytesScannedPerDetectorPerDay,
    });

    const outputs: Record<string, [string, string]> = {
      AthenaWorkGroupName: [this.workgroup.workGroupName, 'Query the lake in this workgroup'],
      DetectorFunctionName: [
        this.runner.function.function.functionName,
        'Invoke with {detector, from, to} to backfill',
      ],
      FindingsTopicArn: [this.alerts.topic.topicArn, 'Findings, one message per finding'],
      OperationsTopicArn: [this.operations.topic.topicArn, 'Alarm notifications'],
      DashboardName: [this.operations.dashboard.dashboardName, 'CloudWatch dashboard'],
    };
    for (const [name, [value, description]] of Object.entries(outputs))
      new CfnOutput(this, name, { value, description });
  }
}
