/**
 * Keeping the pipeline honest: an ops SNS topic (KMS) with email subscriptions, alarms on every
 * way detection can silently stop (detector errors, anything in a dead-letter queue, schedule
 * target failures, a detector falling behind, Firehose records it could not convert) and on cost
 * (bytes scanned), and a dashboard of findings, lag, bytes scanned and Athena cost per detector.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, POWERTOOLS_SERVICE } from './auditlake-function.ts';
import { addressId } from './finding-alerts.ts';
import { pascalCase } from './lake-catalog.ts';

/** Athena's price per terabyte scanned (US regions), for the dashboard's cost line. */
export const ATHENA_USD_PER_TB = 5;

export interface NamedQueue {
  /** PascalCase, used in the alarm's construct id. */
  readonly name: string;
  readonly queue: sqs.IQueue;
}

export interface OperationsProps {
  /** Encrypts the ops topic; CloudWatch is allowed to use it to publish alarms. */
  readonly key: kms.IKey;
  /**
   * Who receives alarms by email.
   * @default none
   */
  readonly emails?: readonly string[];
  readonly detectorFunction: lambda.IFunction;
  /** @default no ticketing alarms */
  readonly ticketingFunction?: lambda.IFunction;
  /** Every dead-letter queue: one message in any of them is an alarm. */
  readonly deadLetterQueues: readonly NamedQueue[];
  readonly scheduleGroup: scheduler.IScheduleGroup;
  /** Detectors with a schedule: each gets lag and cost alarms and dashboard lines. */
  readonly detectorIds: readonly string[];
  /** @default no ingestion alarm */
  readonly deliveryStreamName?: string;
  /**
   * Alarm when a detector is more than this many windows behind.
   * @default 2
   */
  readonly windowsBehindThreshold?: number;
  /**
   * Alarm when one detector scans more than this many bytes in a day.
   * @default 100_000_000_000 (100 GB)
   */
  readonly bytesScannedPerDetectorPerDay?: number;
}

export class Operations extends Construct {
  public readonly topic: sns.Topic;
  public readonly alarms: readonly cloudwatch.Alarm[];
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const windowsBehind = props.windowsBehindThreshold ?? 2;
    const bytesPerDay = props.bytesScannedPerDetectorPerDay ?? 100_000_000_000;
    const problems: string[] = [];
    if (!Number.isInteger(windowsBehind) || windowsBehind < 1)
      problems.push('windowsBehindThreshold must be ≥ 1');
    if (!(bytesPerDay > 0)) problems.push('bytesScannedPerDetectorPerDay must be > 0');
    if (new Set(props.detectorIds).size !== props.detectorIds.length)
      problems.push('detectorIds has duplicates');
    if (problems.length > 0) throw new Error(`Operations: ${problems.join('; ')}`);

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'auditlake operations',
      masterKey: props.key,
      enforceSSL: true,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic with this key.
    props.key.grant(
      new iam.PrincipalWithConditions(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), {
        StringEquals: { 'aws:SourceAccount': this.topic.env.account },
      }),
      'kms:GenerateDataKey',
      'kms:Decrypt',
    );
    for (const email of props.emails ?? []) {
      new sns.Subscription(this, `Email${addressId(email)}`, {
        topic: this.topic,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: email,
      });
    }

    const alarms: cloudwatch.Alarm[] = [];
    const alarm = (alarmId: string, options: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, alarmId, options);
      created.addAlarmAction(new actions.SnsAction(this.topic));
      alarms.push(created);
      return created;
    };
    const anyOf = (metric: cloudwatch.IMetric, description: string): cloudwatch.AlarmProps => ({
      metric,
      alarmDescription: description,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    alarm(
      'DetectorErrorsAlarm',
      anyOf(
        props.detectorFunction.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        'A detector run failed (the Lambda threw). Its watermark did not move; see the function log.',
      ),
    );
    if (props.ticketingFunction) {
      alarm(
        'TicketingErrorsAlarm',
        anyOf(
          props.ticketingFunction.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          'The ticketing Lambda failed; findings may not have become tickets.',
        ),
      );
    }
    for (const { name, queue } of props.deadLetterQueues) {
      alarm(
        `${name}MessagesAlarm`,
        anyOf(
          queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: 'Maximum',
          }),
          `A message is waiting in the ${name} dead-letter queue: something failed every retry.`,
        ),
      );
    }
    const group = props.scheduleGroup;
    alarm(
      'ScheduleTargetFailuresAlarm',
      anyOf(
        new cloudwatch.MathExpression({
          expression: 'FILL(errors, 0) + FILL(dropped, 0) + FILL(undelivered, 0)',
          usingMetrics: {
            errors: group.metricTargetErrors({ statistic: 'Sum' }),
            dropped: group.metricDropped({ statistic: 'Sum' }),
            undelivered: group.metricFailedToBeSentToDLQ(undefined, { statistic: 'Sum' }),
          },
          period: Duration.minutes(5),
          label: 'Schedule target failures',
        }),
        'EventBridge Scheduler could not invoke the detector Lambda (errors, dropped or undeliverable invocations).',
      ),
    );
    if (props.deliveryStreamName) {
      alarm(
        'IngestionConversionFailuresAlarm',
        anyOf(
          new cloudwatch.Metric({
            namespace: 'AWS/Firehose',
            metricName: 'FailedConversion.Records',
            dimensionsMap: { DeliveryStreamName: props.deliveryStreamName },
            statistic: 'Sum',
            period: Duration.minutes(5),
          }),
          'Firehose could not convert audit events to Parquet; they are under ingest-errors/ in the lake.',
        ),
      );
      alarm('IngestionValidationFailuresAlarm', {
        metric: new cloudwatch.Metric({
          namespace: 'AWS/Firehose',
          metricName: 'ExecuteProcessing.Success',
          dimensionsMap: { DeliveryStreamName: props.deliveryStreamName },
          statistic: 'Minimum',
          period: Duration.minutes(5),
        }),
        alarmDescription:
          'The stream validator Lambda failed on a Firehose batch; after retries the batch goes to ingest-errors/processing-failed/ unvalidated.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(
        'IngestionQuarantineAlarm',
        anyOf(
          new cloudwatch.Metric({
            namespace: METRICS_NAMESPACE,
            metricName: 'StreamRecordsQuarantined',
            dimensionsMap: { service: POWERTOOLS_SERVICE },
            statistic: 'Sum',
            period: Duration.hours(1),
          }),
          'The stream validator quarantined audit events (malformed or hostile input from a producer); see quarantine/stream/ in the lake.',
        ),
      );
    }
    alarm(
      'ReportFailuresAlarm',
      anyOf(
        new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: 'ReportsFailed',
          dimensionsMap: { service: POWERTOOLS_SERVICE },
          statistic: 'Sum',
          period: Duration.hours(1),
        }),
        'A window with findings got no investigation report (its alerts say so); see "report not written" in the detector log.',
      ),
    );
    // The digest chain is only evidence while it keeps growing: alarm on failures and on silence.
    const digestFailed = (statistic: string, period: Duration) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'DigestFailed',
        dimensionsMap: { service: POWERTOOLS_SERVICE },
        statistic,
        period,
      });
    alarm(
      'DigestFailuresAlarm',
      anyOf(
        digestFailed('Sum', Duration.hours(1)),
        'The digest Lambda could not extend the lake digest chain (docs/tamper-evidence.md); see its log.',
      ),
    );
    alarm('DigestMissingAlarm', {
      metric: digestFailed('SampleCount', Duration.hours(3)),
      alarmDescription:
        'No digest run reported in 3 hours: the hourly digest schedule or Lambda is not running, so new audit files are not being chained.',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    for (const detectorId of props.detectorIds) {
      const name = pascalCase(detectorId);
      alarm(`${name}LagAlarm`, {
        metric: detectorMetric('WindowsBehind', detectorId, 'Maximum', Duration.hours(1)),
        alarmDescription: `${detectorId} is more than ${windowsBehind} windows behind: runs fail, time out or cannot keep up.`,
        threshold: windowsBehind,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${name}BytesScannedAlarm`, {
        metric: detectorMetric('BytesScanned', detectorId, 'Sum', Duration.days(1)),
        alarmDescription: `${detectorId} scanned more than ${bytesPerDay} bytes in a day (Athena cost).`,
        threshold: bytesPerDay,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    this.alarms = alarms;

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(7),
      widgets: dashboardRows(props, windowsBehind, alarms),
    });
  }
}

/** A metric the detector Lambda emits through Powertools (dimensions `service`, `detector`). */
export function detectorMetric(
  metricName: string,
  detectorId: string,
  statistic: string,
  period: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: POWERTOOLS_SERVICE, detector: detectorId },
    statistic,
    period,
  });
}

function dashboardRows(
  props: OperationsProps,
  windowsBehind: number,
  alarms: readonly cloudwatch.Alarm[],
): cloudwatch.IWidget[][] {
  const ids = props.detectorIds;
  const hour = Duration.hours(1);
  const perDetector = (metricName: string, statistic: string) =>
    ids.map((id) => detectorMetric(metricName, id, statistic, hour));
  const bytes = Object.fromEntries(
    ids.map((id, index) => [`b${index}`, detectorMetric('BytesScanned', id, 'Sum', hour)]),
  );
  // Metric math has no exponent notation: bytes × $5/TB = bytes / (1e12 / 5).
  const bytesPerUsd = 1e12 / ATHENA_USD_PER_TB;
  const cost = ids.map(
    (id, index) =>
      new cloudwatch.MathExpression({
        expression: `FILL(b${index}, 0) / ${bytesPerUsd}`,
        usingMetrics: { [`b${index}`]: bytes[`b${index}`] as cloudwatch.IMetric },
        label: id,
        period: hour,
      }),
  );
  return [
    [
      new cloudwatch.TextWidget({
        markdown: `# auditlake\nFindings, lag, bytes scanned and Athena cost ($${ATHENA_USD_PER_TB}/TB scanned) per scheduled detector.`,
        width: 24,
        height: 2,
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: 'Findings published per detector (per hour)',
        left: perDetector('FindingsPublished', 'Sum'),
        width: 12,
        stacked: true,
      }),
      new cloudwatch.GraphWidget({
        title: 'Windows behind (lag)',
        left: perDetector('WindowsBehind', 'Maximum'),
        leftAnnotations: [{ value: windowsBehind, label: 'alarm', color: cloudwatch.Color.RED }],
        width: 12,
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: 'Bytes scanned per detector (per hour)',
        left: perDetector('BytesScanned', 'Sum'),
        width: 12,
        stacked: true,
      }),
      new cloudwatch.GraphWidget({
        title: `Athena cost, USD (bytes × $${ATHENA_USD_PER_TB}/TB, per hour)`,
        left: cost,
        width: 12,
        stacked: true,
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: 'Detector Lambda',
        left: [
          props.detectorFunction.metricInvocations({ period: hour }),
          props.detectorFunction.metricErrors({ period: hour }),
        ],
        right: [props.detectorFunction.metricDuration({ period: hour, statistic: 'Maximum' })],
        width: 12,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...alarms], width: 12 }),
    ],
  ];
}
