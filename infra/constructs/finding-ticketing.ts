/**
 * Findings become tickets: an SQS queue subscribed to the findings topic (only findings at or
 * above `minSeverity`), a dead-letter queue for findings that keep failing, and the ticketing
 * Lambda, which files each finding once (Powertools idempotency on `idempotencyTable`) with the
 * provider whose credentials are in a Secrets Manager secret the operator creates.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambdaEvents from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Severity } from '../../lambdas/core/detector.ts';
import type { TicketingSettings } from '../config/auditlake-config.ts';
import { AuditlakeFunction } from './auditlake-function.ts';
import { severityFilterPolicy } from './finding-alerts.ts';

export interface FindingTicketingProps {
  readonly topic: sns.ITopic;
  /** Provider, secret name, minimum severity and provider settings. */
  readonly settings: TicketingSettings;
  /** Powertools idempotency records: key `id`, TTL `expiration`. */
  readonly idempotencyTable: dynamodb.ITable;
  /** Absolute path of lambdas/handlers/ticketing-handler.ts. */
  readonly entry: string;
  readonly projectRoot: string;
  /**
   * Days a finding id counts as ticketed.
   * @default 30
   */
  readonly idempotencyExpiresDays?: number;
  /**
   * Deliveries of one message before it goes to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What stack deletion does to the log group.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const FUNCTION_TIMEOUT = Duration.seconds(90);

export class FindingTicketing extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly function: AuditlakeFunction;
  public readonly secret: secretsmanager.ISecret;
  public readonly minSeverity: Severity;

  constructor(scope: Construct, id: string, props: FindingTicketingProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    const expiresDays = props.idempotencyExpiresDays ?? 30;
    const problems: string[] = [];
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1)
      problems.push('maxReceiveCount must be ≥ 1');
    if (!Number.isInteger(expiresDays) || expiresDays < 1)
      problems.push('idempotencyExpiresDays must be ≥ 1');
    if (problems.length > 0) throw new Error(`FindingTicketing: ${problems.join('; ')}`);
    this.minSeverity = props.settings.minSeverity;

    // SSE-SQS: encrypted at rest; SNS delivers to it without a key policy of its own.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // Six times the function timeout, as Lambda advises for queue event sources.
      visibilityTimeout: Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });
    props.topic.addSubscription(
      new subscriptions.SqsSubscription(this.queue, {
        rawMessageDelivery: true,
        filterPolicy: severityFilterPolicy(props.settings.minSeverity),
      }),
    );

    this.secret = secretsmanager.Secret.fromSecretNameV2(this, 'Secret', props.settings.secretName);
    this.function = new AuditlakeFunction(this, 'Handler', {
      entry: props.entry,
      projectRoot: props.projectRoot,
      description: `auditlake: files findings as ${props.settings.provider} tickets, once per finding`,
      timeout: FUNCTION_TIMEOUT,
      memorySize: 256,
      environment: ticketingEnvironment(props.settings, props.idempotencyTable.tableName, expiresDays),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const fn = this.function.function;
    fn.addEventSource(
      new lambdaEvents.SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        // Ticket systems rate-limit; two pollers are plenty for findings.
        maxConcurrency: 2,
      }),
    );
    this.secret.grantRead(fn);

    props.idempotencyTable.grant(
      fn,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    );
  }
}

/** The variables lambdas/handlers/ticketing-config.ts reads. */
export function ticketingEnvironment(
  settings: TicketingSettings,
  idempotencyTableName: string,
  idempotencyExpiresDays: number,
): Record<string, string> {
  const env: Record<string, string> = {
    TICKETING_PROVIDER: settings.provider,
    TICKETING_SECRET_ID: settings.secretName,
    IDEMPOTENCY_TABLE_NAME: idempotencyTableName,
    IDEMPOTENCY_EXPIRES_DAYS: String(idempotencyExpiresDays),
  };
  if (settings.provider === 'jira') {
    env.JIRA_BASE_URL = settings.jira.baseUrl;
    env.JIRA_PROJECT_KEY = settings.jira.projectKey;
    env.JIRA_ISSUE_TYPE = settings.jira.issueType;
    env.JIRA_SET_PRIORITY = String(settings.jira.setPriority);
  }
  if (settings.provider === 'servicenow') {
    env.SERVICENOW_INSTANCE_URL = settings.servicenow.instanceUrl;
    if (settings.servicenow.assignmentGroup)
      env.SERVICENOW_ASSIGNMENT_GROUP = settings.servicenow.assignmentGroup;
  }
  return env;
}
