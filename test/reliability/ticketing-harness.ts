/**
 * The ticketing Lambda as SQS drives it, with only the edges faked: the real handler (Powertools
 * batch + idempotency, the Jira adapter, HTTP retries) against the Jira stand-in on 127.0.0.1,
 * Secrets Manager mocked, and the idempotency table in memory (`fakeIdempotencyTable`).
 *
 * SQS itself is modelled, not run: `drain` delivers the queue's messages in batches, counts each
 * message's receives, keeps the records the handler reports in `batchItemFailures` for the next
 * round (the visibility timeout passing), deletes the rest, and moves a message to the dead-letter
 * queue instead of receiving it once more when it has been received `maxReceiveCount` times, which
 * is what a redrive policy does. An invocation that throws hands its whole batch back, as Lambda's
 * SQS event source does.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { handler } from '../../lambdas/handlers/ticketing-handler.ts';
import { fakeIdempotencyTable } from '../ticketing/fake-idempotency-table.ts';
import { type JiraStandIn, jiraStandIn } from './jira-stand-in.ts';

/** Per-try timeout of the ticketing Lambda's HTTP calls in these tests. */
export const HTTP_TIMEOUT_MS = 1000;
/** Retry-After longer than this is left to SQS. */
export const MAX_RETRY_DELAY_MS = 500;
/** Tries per request inside one invocation. */
export const HTTP_ATTEMPTS = 3;

const SECRET_ID = 'auditlake/ticketing/jira';

const context: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'auditlake-ticketing',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:auditlake-ticketing',
  memoryLimitInMB: '256',
  awsRequestId: 'ticketing-1',
  logGroupName: '/aws/lambda/auditlake-ticketing',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 90_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
}

export interface DrainResult {
  /** Receives per message id. */
  readonly receives: Map<string, number>;
  /** Message ids moved to the dead-letter queue, in order. */
  readonly deadLettered: string[];
  /** Message ids each invocation handed back to the queue (its `batchItemFailures`). */
  readonly failures: string[][];
  /** Names of the errors invocations threw (the Lambda failed; SQS redelivers its whole batch). */
  readonly invocationErrors: string[];
}

export interface DrainOptions {
  readonly maxReceiveCount: number;
  /** @default 10, as the event source mapping */
  readonly batchSize?: number;
  /** Runs before each round of deliveries (round 1 first): lets a provider recover. */
  readonly beforeRound?: (round: number) => void;
}

export interface TicketingHarness {
  readonly jira: JiraStandIn;
  drain(messages: readonly QueuedMessage[], options: DrainOptions): Promise<DrainResult>;
  reset(): void;
  close(): Promise<void>;
}

/** Starts the stand-in and points the ticketing Lambda's environment at it; call in `beforeAll`. */
export async function ticketingHarness(): Promise<TicketingHarness> {
  const jira = await jiraStandIn();
  const table = fakeIdempotencyTable();
  const secrets = mockClient(SecretsManagerClient);
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ID }).resolves({
    SecretString: JSON.stringify({ email: 'secops-bot@example.com', apiToken: 'jira-api-token' }),
  });
  vi.stubEnv('TICKETING_PROVIDER', 'jira');
  vi.stubEnv('TICKETING_SECRET_ID', SECRET_ID);
  vi.stubEnv('IDEMPOTENCY_TABLE_NAME', 'auditlake-idempotency');
  vi.stubEnv('JIRA_BASE_URL', jira.url);
  vi.stubEnv('JIRA_PROJECT_KEY', 'SEC');
  vi.stubEnv('TICKETING_HTTP_ATTEMPTS', String(HTTP_ATTEMPTS));
  vi.stubEnv('TICKETING_HTTP_BACKOFF_MS', '0');
  vi.stubEnv('TICKETING_HTTP_TIMEOUT_MS', String(HTTP_TIMEOUT_MS));
  vi.stubEnv('TICKETING_HTTP_MAX_DELAY_MS', String(MAX_RETRY_DELAY_MS));
  vi.stubEnv('AWS_REGION', 'eu-central-1');
  return {
    jira,
    drain: (messages, options) => drain(messages, options),
    reset: () => {
      jira.reset();
      table.items.clear();
    },
    close: async () => {
      vi.unstubAllEnvs();
      await jira.close();
    },
  };
}

async function drain(messages: readonly QueuedMessage[], options: DrainOptions): Promise<DrainResult> {
  const { maxReceiveCount, batchSize = 10 } = options;
  const result: DrainResult = { receives: new Map(), deadLettered: [], failures: [], invocationErrors: [] };
  let queue = [...messages];
  for (let round = 1; queue.length > 0; round++) {
    if (round > 100) throw new Error('the queue did not drain in 100 rounds');
    options.beforeRound?.(round);
    const waiting: QueuedMessage[] = [];
    const received: QueuedMessage[] = [];
    for (const message of queue) {
      const receives = result.receives.get(message.messageId) ?? 0;
      if (receives >= maxReceiveCount) result.deadLettered.push(message.messageId);
      else if (received.length < batchSize) received.push(message);
      else waiting.push(message);
    }
    if (received.length > 0) {
      for (const message of received) {
        result.receives.set(message.messageId, (result.receives.get(message.messageId) ?? 0) + 1);
      }
      const records = received.map((message) =>
        sqsRecord(message, result.receives.get(message.messageId) ?? 1),
      );
      const failed = await invoke(records, result);
      result.failures.push(failed);
      waiting.push(...received.filter((message) => failed.includes(message.messageId)));
    }
    queue = waiting;
  }
  return result;
}

/**
 * One invocation; returns the ids SQS will deliver again. A thrown invocation fails its whole
 * batch, as with Lambda's SQS event source (Powertools throws when every record failed).
 */
async function invoke(records: SQSRecord[], result: DrainResult): Promise<string[]> {
  try {
    const response = await handler({ Records: records } satisfies SQSEvent, context);
    return response.batchItemFailures.map((failure) => failure.itemIdentifier);
  } catch (error) {
    result.invocationErrors.push(error instanceof Error ? error.name : String(error));
    return records.map((record) => record.messageId);
  }
}

function sqsRecord(message: QueuedMessage, receiveCount: number): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: `handle-${message.messageId}-${receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1773717600000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1773717601000',
    },
    messageAttributes: {},
    md5OfBody: 'not-checked',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-central-1:123456789012:auditlake-ticketing',
    awsRegion: 'eu-central-1',
  };
}

/**
 * What the ticketing queue receives for each entry SNS accepted: the construct subscribes the queue
 * with raw message delivery, so the body is the `sqs` member of the message (the finding JSON).
 */
export function queuedFromTopic(delivered: readonly { readonly message: string }[]): QueuedMessage[] {
  return delivered.map((entry, i) => {
    const perProtocol = JSON.parse(entry.message) as { sqs?: string };
    if (typeof perProtocol.sqs !== 'string') throw new Error('an SNS message without an sqs member');
    return { messageId: `msg-${i + 1}`, body: perProtocol.sqs };
  });
}
