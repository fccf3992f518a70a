import { clearCaches } from '@aws-lambda-powertools/parameters';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger, metrics } from '../../lambdas/aws/powertools.ts';
import type { Finding } from '../../lambdas/core/finding.ts';
import { handler } from '../../lambdas/handlers/ticketing-handler.ts';
import { sampleFinding } from '../support/findings.ts';
import { fakeIdempotencyTable } from './fake-idempotency-table.ts';
import { type ProviderServer, providerServer } from './provider-server.ts';

const secrets = mockClient(SecretsManagerClient);
const table = fakeIdempotencyTable();
let jira: ProviderServer;
/** Findings whose issue Jira refuses (by finding id). */
const refused = new Set<string>();

const context: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'auditlake-ticketing',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:auditlake-ticketing',
  memoryLimitInMB: '256',
  awsRequestId: 'request-1',
  logGroupName: '/aws/lambda/auditlake-ticketing',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** An SQS record as delivered from the topic without raw message delivery: the SNS envelope. */
function sqsRecord(messageId: string, finding: Finding, raw = false): SQSRecord {
  const message = JSON.stringify(finding);
  const body = raw
    ? message
    : JSON.stringify({
        Type: 'Notification',
        MessageId: `sns-${messageId}`,
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:auditlake-findings',
        Subject: '[HIGH] Record access far above baseline - emp-0042',
        Message: message,
        Timestamp: '2026-01-02T00:20:01.000Z',
        MessageAttributes: { severity: { Type: 'String', Value: finding.severity } },
      });
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1767313201000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1767313201000',
    },
    messageAttributes: {},
    md5OfBody: 'not-checked',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:auditlake-ticketing',
    awsRegion: 'eu-west-1',
  };
}

const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const finding = (id: string, overrides: Partial<Finding> = {}) =>
  sampleFinding({ finding_id: id, actor_id: `emp-${id}`, ...overrides });
const created = () => jira.received.map((request) => JSON.parse(request.body).fields.summary as string);

beforeAll(async () => {
  jira = await providerServer((request) => {
    const labels: string[] = JSON.parse(request.body).fields.labels;
    if (labels.some((label) => refused.has(label.replace('finding-', '')))) {
      return { status: 400, body: { errorMessages: ['Issue type is required.'], errors: {} } };
    }
    return { status: 201, body: { id: '10001', key: `SEC-${jira.received.length}` } };
  });
  vi.stubEnv('TICKETING_PROVIDER', 'jira');
  vi.stubEnv('TICKETING_SECRET_ID', 'auditlake/ticketing/jira');
  vi.stubEnv('IDEMPOTENCY_TABLE_NAME', 'auditlake-idempotency');
  vi.stubEnv('JIRA_BASE_URL', jira.url);
  vi.stubEnv('JIRA_PROJECT_KEY', 'SEC');
  vi.stubEnv('TICKETING_HTTP_BACKOFF_MS', '0');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  secrets.on(GetSecretValueCommand, { SecretId: 'auditlake/ticketing/jira' }).resolves({
    SecretString: JSON.stringify({ email: 'secops-bot@example.com', apiToken: 'jira-api-token' }),
  });
  for (const level of ['debug', 'info', 'warn', 'error'] as const)
    vi.spyOn(logger, level).mockImplementation(() => {});
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await jira.close();
});

beforeEach(() => {
  jira.received.length = 0;
  table.items.clear();
  refused.clear();
  vi.mocked(logger.error).mockClear();
});

describe('ticketing handler', () => {
  it('creates one ticket per finding and reports no failures', async () => {
    const response = await handler(
      event(sqsRecord('m1', finding('a1')), sqsRecord('m2', finding('a2'))),
      context,
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(created().sort()).toEqual([
      '[HIGH] Record access far above baseline - emp-a1',
      '[HIGH] Record access far above baseline - emp-a2',
    ]);
  });

  it('reads findings from raw message delivery too', async () => {
    await handler(event(sqsRecord('m1', finding('r1'), true)), context);
    expect(created()).toEqual(['[HIGH] Record access far above baseline - emp-r1']);
  });

  it('reports exactly the record that failed in batchItemFailures', async () => {
    refused.add('b2');
    const response = await handler(
      event(sqsRecord('m1', finding('b1')), sqsRecord('m2', finding('b2')), sqsRecord('m3', finding('b3'))),
      context,
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(created()).toHaveLength(3);
  });

  it("logs the provider's error message, never the evidence", async () => {
    refused.add('c1');
    const secret = 'customer-record-4242';
    await handler(
      event(
        sqsRecord('m1', finding('c1', { evidence: { resource_id: secret } })),
        sqsRecord('m2', finding('c2')),
      ),
      context,
    );
    expect(logger.error).toHaveBeenCalledWith(
      'ticket not created',
      expect.objectContaining({
        findingId: 'c1',
        provider: 'jira',
        status: 400,
        retryable: false,
        providerMessage: 'Issue type is required.',
      }),
    );
    expect(JSON.stringify(vi.mocked(logger.error).mock.calls)).not.toContain(secret);
  });

  it('creates one ticket when SQS delivers the same finding again', async () => {
    await handler(event(sqsRecord('m1', finding('d1'))), context);
    const again = await handler(event(sqsRecord('m1-redelivered', finding('d1'))), context);
    expect(again).toEqual({ batchItemFailures: [] });
    expect(created()).toEqual(['[HIGH] Record access far above baseline - emp-d1']);
  });

  it('creates one ticket when a re-run publishes the same finding id with a later detection time', async () => {
    await handler(event(sqsRecord('m1', finding('e1'))), context);
    await handler(
      event(sqsRecord('m2', finding('e1', { detected_at: '2026-01-02T01:20:00.000Z' }))),
      context,
    );
    expect(created()).toHaveLength(1);
  });

  it('creates one ticket for a duplicate in the same batch; the duplicate is retried, then satisfied', async () => {
    const first = await handler(
      event(sqsRecord('m1', finding('f1')), sqsRecord('m2', finding('f1'))),
      context,
    );
    expect(created()).toHaveLength(1);
    const retried = first.batchItemFailures.map((failure) => failure.itemIdentifier);
    const redelivery = await handler(event(...retried.map((id) => sqsRecord(id, finding('f1')))), context);
    expect(redelivery).toEqual({ batchItemFailures: [] });
    expect(created()).toHaveLength(1);
  });

  it('files a finding again after a failed attempt (the claim is released)', async () => {
    refused.add('g1');
    const failed = await handler(
      event(sqsRecord('m1', finding('g1')), sqsRecord('m2', finding('g2'))),
      context,
    );
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    refused.clear();
    const retried = await handler(event(sqsRecord('m1', finding('g1'))), context);
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(created()).toHaveLength(3);
  });

  it('creates no ticket for a suppressed finding', async () => {
    const suppression = { reason: 'on-call rotation', owner: 'secops', expires: '2026-12-31' };
    const response = await handler(
      event(sqsRecord('m1', finding('h1', { suppression })), sqsRecord('m2', finding('h2'))),
      context,
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(created()).toEqual(['[HIGH] Record access far above baseline - emp-h2']);
  });

  it('fails a message that holds no finding', async () => {
    const broken = { ...sqsRecord('m1', finding('i1')), body: '{"Type":"Notification","Message":"{}"}' };
    const response = await handler(event(broken, sqsRecord('m2', finding('i2'))), context);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it('reads the credentials from Secrets Manager once, then from the cache', async () => {
    clearCaches();
    secrets.resetHistory();
    await handler(event(sqsRecord('m1', finding('j1'))), context);
    await handler(event(sqsRecord('m2', finding('j2'))), context);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(jira.received[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('secops-bot@example.com:jira-api-token').toString('base64')}`,
    );
  });
});
