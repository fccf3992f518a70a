/**
 * The work of the ticketing Lambda, one SQS record at a time: read the finding from the message,
 * skip it when suppressed, otherwise file it with the configured provider exactly once per
 * finding id (Powertools idempotency on DynamoDB: a redelivered message, or the same finding
 * published again by a re-run, returns the stored ticket instead of creating another).
 *
 * A failure rejects, so the batch processor reports the record in `batchItemFailures` and SQS
 * delivers it again after the visibility timeout, up to maxReceiveCount, then to the DLQ. The log
 * line names the finding, the provider's status and error message, never the evidence.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { Context, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { type Finding, isAlerting } from '../core/finding.ts';
import { parseFindingMessage } from './finding-message.ts';
import { DeliveryError } from './http-delivery.ts';
import { JiraAdapter, type JiraSettings, jiraSecretSchema } from './jira-adapter.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { ServiceNowAdapter, type ServiceNowSettings, serviceNowSecretSchema } from './servicenow-adapter.ts';
import type { TicketAdapter, TicketingProvider, TicketRef } from './ticket-adapter.ts';
import { WebhookAdapter, webhookSecretSchema } from './webhook-adapter.ts';

export interface TicketingConfig {
  readonly provider: TicketingProvider;
  /** Name or ARN of the Secrets Manager secret holding the provider's credentials. */
  readonly secretId: string;
  /** How long a fetched secret is reused before Secrets Manager is asked again. */
  readonly secretMaxAgeSeconds: number;
  /** DynamoDB table of the idempotency records (partition key `id`, TTL attribute `expiration`). */
  readonly idempotencyTable: string;
  /** How long a finding id is remembered as ticketed. */
  readonly idempotencyExpiresSeconds: number;
  readonly http: RetryPolicy & { readonly timeoutMs: number };
  /** Region of the Athena console linked from tickets. */
  readonly consoleRegion?: string;
  readonly jira?: JiraSettings;
  readonly servicenow?: ServiceNowSettings;
}

export type TicketOutcome =
  | { readonly status: 'created' | 'already-created'; readonly ticket: TicketRef }
  | { readonly status: 'suppressed' };

export interface TicketingDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** @default a DynamoDBPersistenceLayer on `config.idempotencyTable` */
  readonly persistenceStore?: BasePersistenceLayer;
}

export interface Ticketing {
  /** The batch processor's record handler. */
  readonly handleRecord: (record: SQSRecord) => Promise<TicketOutcome>;
  /** Lets idempotency expire an in-progress record if this invocation times out. */
  registerLambdaContext(context: Context): void;
}

export function createTicketing(config: TicketingConfig, deps: TicketingDeps): Ticketing {
  const { logger, metrics } = deps;
  const idempotency = new IdempotencyConfig({
    eventKeyJmesPath: 'finding_id',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: config.idempotencyExpiresSeconds,
    responseHook: (response) => ({ ...(response as object), status: 'already-created' }),
  });
  // Records of a batch run in parallel: one secret fetch for all of them on a cold start.
  let adapterInFlight: Promise<TicketAdapter> | undefined;
  const currentAdapter = () => {
    adapterInFlight ??= ticketAdapter(config).finally(() => {
      adapterInFlight = undefined;
    });
    return adapterInFlight;
  };
  const fileOnce = makeIdempotent(
    async (finding: Finding): Promise<TicketOutcome> => {
      const adapter = await currentAdapter();
      const ticket = await adapter.createTicket(finding);
      metrics.addMetric('TicketsCreated', MetricUnit.Count, 1);
      logger.info('ticket created', {
        findingId: finding.finding_id,
        provider: ticket.provider,
        ticket: ticket.id,
      });
      return { status: 'created', ticket };
    },
    {
      persistenceStore:
        deps.persistenceStore ?? new DynamoDBPersistenceLayer({ tableName: config.idempotencyTable }),
      config: idempotency,
      // Switching provider files findings again in the new one.
      keyPrefix: `auditlake-ticket-${config.provider}`,
    },
  );

  async function handleRecord(record: SQSRecord): Promise<TicketOutcome> {
    const finding = parseFindingMessage(record.body);
    if (!isAlerting(finding)) {
      logger.info('suppressed finding, no ticket', { findingId: finding.finding_id });
      return { status: 'suppressed' };
    }
    try {
      return await fileOnce(finding);
    } catch (error) {
      metrics.addMetric('TicketFailures', MetricUnit.Count, 1);
      logFailure(logger, config.provider, finding, error);
      throw error;
    }
  }

  return { handleRecord, registerLambdaContext: (context) => idempotency.registerLambdaContext(context) };
}

function logFailure(logger: Logger, provider: TicketingProvider, finding: Finding, error: unknown): void {
  const about = { findingId: finding.finding_id, detectorId: finding.detector_id, provider };
  if (error instanceof DeliveryError) {
    logger.error('ticket not created', {
      ...about,
      problem: error.problem,
      status: error.status,
      retryable: error.retryable,
      providerMessage: error.providerMessage,
    });
  } else if (error instanceof IdempotencyAlreadyInProgressError) {
    logger.warn('finding is being ticketed by another invocation; retried later', about);
  } else {
    logger.error('ticket not created', {
      ...about,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

async function ticketAdapter(config: TicketingConfig): Promise<TicketAdapter> {
  // Cached by Powertools for secretMaxAgeSeconds: one Secrets Manager call per container per period.
  const secret = await getSecret(config.secretId, { transform: 'json', maxAge: config.secretMaxAgeSeconds });
  const delivery = config.http;
  const content = config.consoleRegion === undefined ? {} : { consoleRegion: config.consoleRegion };
  switch (config.provider) {
    case 'jira':
      return new JiraAdapter(
        required(config.jira, 'jira'),
        readSecret(config, jiraSecretSchema, secret),
        delivery,
        content,
      );
    case 'servicenow':
      return new ServiceNowAdapter(
        required(config.servicenow, 'servicenow'),
        readSecret(config, serviceNowSecretSchema, secret),
        delivery,
        content,
      );
    case 'webhook':
      return new WebhookAdapter(readSecret(config, webhookSecretSchema, secret), delivery);
  }
}

function required<T>(settings: T | undefined, provider: TicketingProvider): T {
  if (settings === undefined) throw new ConfigError(`ticketing provider ${provider} has no settings`);
  return settings;
}

function readSecret<T>(config: TicketingConfig, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // Key names and what was expected, never the values.
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new ConfigError(
    `secret ${config.secretId} does not hold ${config.provider} credentials: ${problems.join('; ')}`,
  );
}
