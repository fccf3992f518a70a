/**
 * Alerts must not leak: a detector that selects a customer's email and phone number is run on
 * DuckDB through the runner with the real sinks, and its finding is followed everywhere it goes
 * (terminal, findings.jsonl, webhook, S3 history and flood archive, SNS, tickets filed from the SNS
 * message, the HTML report, and everything written to stdout and stderr on the way). The raw
 * values appear nowhere; `[redacted]` does, under the column's name.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishBatchCommand, type PublishBatchCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readRedactionFile } from '../../lambdas/cli/redaction-file.ts';
import { parseDetector } from '../../lambdas/core/detector.ts';
import type { FindingSink } from '../../lambdas/core/ports.ts';
import {
  compileRedaction,
  DEFAULT_REDACTION,
  parseRedaction,
  REDACTED,
  redactFinding,
} from '../../lambdas/core/redaction.ts';
import { runDetectors } from '../../lambdas/core/runner.ts';
import { openDuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';
import { FixtureLake } from '../../lambdas/fixtures/fixture-lake.ts';
import { parseFindingsJsonl } from '../../lambdas/report/findings-file.ts';
import { buildReportHtml } from '../../lambdas/report/report-html.ts';
import { JsonlSink } from '../../lambdas/sinks/jsonl-sink.ts';
import { S3FindingArchive } from '../../lambdas/sinks/s3-finding-archive.ts';
import { S3FindingHistory } from '../../lambdas/sinks/s3-finding-history.ts';
import { SnsSink } from '../../lambdas/sinks/sns-sink.ts';
import { TerminalSink } from '../../lambdas/sinks/terminal-sink.ts';
import { WebhookSink } from '../../lambdas/sinks/webhook-sink.ts';
import { MemoryStateStore } from '../../lambdas/stores/memory-state-store.ts';
import { parseFindingMessage } from '../../lambdas/ticketing/finding-message.ts';
import type { DeliveryOptions } from '../../lambdas/ticketing/http-delivery.ts';
import { JiraAdapter } from '../../lambdas/ticketing/jira-adapter.ts';
import { ServiceNowAdapter } from '../../lambdas/ticketing/servicenow-adapter.ts';
import { WebhookAdapter } from '../../lambdas/ticketing/webhook-adapter.ts';
import { type CapturedOutput, captureOutput } from '../aws/powertools-output.ts';
import { detectorText } from '../support/detector-text.ts';
import { sampleFinding } from '../support/findings.ts';
import { event } from '../support/fixture-lake.ts';
import { runCli } from '../support/run-cli.ts';
import { type ProviderServer, providerServer } from '../ticketing/provider-server.ts';

const EMAIL = 'ada.lovelace@customer.example';
const PHONE = '+44 20 7946 0958';
const EMAIL_2 = 'charles.babbage@customer.example';
const PHONE_2 = '+44 20 7946 0111';
const RAW_VALUES = [EMAIL, PHONE, EMAIL_2, PHONE_2];

/** Looks a customer up and, careless, says the email in its summary too. */
const LOOKUP_SQL = `SELECT actor_id,
  'looked up customer ' || max(resource_id) || ' by phone' AS summary,
  count(*) AS event_count,
  max(resource_id) AS customer_email,
  max(destination) AS contact_phone,
  count(*) AS lookups
FROM audit_events
WHERE dt BETWEEN :window_start_dt AND :window_end_dt
  AND event_time >= :window_start AND event_time < :window_end
  AND action = 'read'
GROUP BY actor_id`;

const DETECTOR_FILE = 'customer-lookup.sql';
const detectorSource = detectorText(
  { id: 'customer-lookup', schedule: 'rate(1 day)', window: '1d', severity: 'high' },
  LOOKUP_SQL,
);
const detector = parseDetector(`queries/detectors/${DETECTOR_FILE}`, detectorSource);

const TOPIC_ARN = 'arn:aws:sns:eu-central-1:123456789012:auditlake-findings';
const WINDOW = { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-03T00:00:00Z') };
const WEBHOOK_SECRET = 'a-shared-secret-of-enough-length';

const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);

let lake: FixtureLake;
let dir: string;

beforeAll(async () => {
  lake = await FixtureLake.create(
    [{ employee_id: 'emp-a' }, { employee_id: 'emp-b' }],
    [
      event({
        actor_id: 'emp-a',
        event_time: '2026-03-02T10:00:00Z',
        action: 'read',
        resource_id: EMAIL,
        destination: PHONE,
      }),
      event({
        actor_id: 'emp-b',
        event_time: '2026-03-02T11:00:00Z',
        action: 'read',
        resource_id: EMAIL_2,
        destination: PHONE_2,
      }),
    ],
  );
  dir = await mkdtemp(join(tmpdir(), 'auditlake-redaction-'));
});
afterAll(async () => {
  await lake.remove();
  await rm(dir, { recursive: true, force: true });
});

let output: CapturedOutput;
let servers: ProviderServer[];
beforeEach(() => {
  sns.reset();
  s3.reset();
  sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => ({
    Successful: (input.PublishBatchRequestEntries ?? []).map((entry) => ({ Id: entry.Id, MessageId: 'm' })),
    Failed: [],
  }));
  s3.on(PutObjectCommand).resolves({});
  servers = [];
  output = captureOutput();
});
afterEach(async () => {
  output.restore();
  for (const server of servers) await server.close();
});

async function server(reply: Parameters<typeof providerServer>[0]): Promise<ProviderServer> {
  const started = await providerServer(reply);
  servers.push(started);
  return started;
}

function delivery(): DeliveryOptions {
  return {
    attempts: 1,
    backoffMs: 1,
    maxDelayMs: 1,
    timeoutMs: 5000,
    clock: () => new Date('2026-03-03T01:00:00Z'),
    wait: async () => {},
  };
}

/** Runs the lookup detector over the fixture window with `sinks`, flood control optional. */
async function runLookup(sinks: readonly FindingSink[], maxFindingsPerWindow?: number) {
  const redaction = await readRedactionFile(join(import.meta.dirname, '../../queries/redaction.yaml'));
  const engine = await openDuckDbEngine({ lakeDir: lake.dir, threads: 1 });
  const state = new MemoryStateStore();
  const s3Client = new S3Client({ region: 'eu-central-1' });
  try {
    return await runDetectors(
      { detectors: [detector], mode: { kind: 'backfill', ...WINDOW } },
      {
        engine,
        watermarks: state,
        dedup: state,
        sinks,
        redaction,
        clock: () => new Date('2026-03-03T01:00:00Z'),
        ...(maxFindingsPerWindow === undefined
          ? {}
          : {
              floodControl: {
                maxFindingsPerWindow,
                archive: new S3FindingArchive({ client: s3Client, bucket: 'findings' }),
              },
            }),
      },
    );
  } finally {
    await engine.close();
  }
}

function expectNoRawValue(text: string, place = 'output'): void {
  for (const value of RAW_VALUES) expect(text, place).not.toContain(value);
}

describe('a finding whose detector selects customer email and phone columns', () => {
  it('reaches every sink, ticket and the report with the values redacted and the column names kept', async () => {
    // Arrange: the real sinks, SNS and S3 mocked, a webhook receiver on localhost.
    const webhook = await server(() => ({ status: 200 }));
    const terminalText: string[] = [];
    const jsonlPath = join(dir, 'findings.jsonl');
    const snsClient = new SNSClient({ region: 'eu-central-1' });
    const s3Client = new S3Client({ region: 'eu-central-1' });
    const sinks: FindingSink[] = [
      new TerminalSink((text) => terminalText.push(text)),
      new JsonlSink(jsonlPath),
      new WebhookSink({ url: webhook.url, secret: WEBHOOK_SECRET }),
      new S3FindingHistory({ client: s3Client, bucket: 'findings' }),
      new SnsSink({ client: snsClient, topicArn: TOPIC_ARN }),
    ];

    // Act: run, close the sinks, then follow the SNS messages into the ticket systems.
    const report = await runLookup(sinks);
    for (const sink of sinks) await sink.close?.();
    const entries = sns
      .commandCalls(PublishBatchCommand)
      .flatMap((call) => call.args[0].input.PublishBatchRequestEntries ?? []);
    const jira = await server(() => ({ status: 201, body: { id: '1', key: 'SEC-1' } }));
    const serviceNow = await server(() => ({
      status: 201,
      body: { result: { sys_id: 'x', number: 'INC1' } },
    }));
    const ticketWebhook = await server(() => ({ status: 201, body: { id: 't-1' } }));
    for (const entry of entries) {
      // The SQS queue of the ticketing Lambda receives the `sqs` text inside an SNS envelope.
      const body = JSON.stringify({ Type: 'Notification', Message: JSON.parse(entry.Message ?? '{}').sqs });
      const finding = parseFindingMessage(body);
      await new JiraAdapter(
        { baseUrl: jira.url, projectKey: 'SEC', issueType: 'Task', setPriority: true },
        { email: 'bot@corp.example', apiToken: 'token' },
        delivery(),
      ).createTicket(finding);
      await new ServiceNowAdapter(
        { instanceUrl: serviceNow.url },
        { username: 'auditlake', password: 'pw' },
        delivery(),
      ).createTicket(finding);
      await new WebhookAdapter({ url: ticketWebhook.url, secret: WEBHOOK_SECRET }, delivery()).createTicket(
        finding,
      );
    }
    const jsonl = await readFile(jsonlPath, 'utf8');
    const html = buildReportHtml({
      generatedAt: new Date('2026-03-03T02:00:00Z'),
      source: jsonlPath,
      sections: parseFindingsJsonl(jsonlPath, jsonl).map((finding) => ({
        finding,
        lookbackDays: 30,
        charts: [],
      })),
    });

    // Assert
    expect(report.detectors[0]).toMatchObject({ published: 2 });
    expect(entries).toHaveLength(2);
    const histories = s3.commandCalls(PutObjectCommand).map((call) => String(call.args[0].input.Body));
    const everywhere = {
      terminal: terminalText.join(''),
      jsonl,
      webhook: webhook.received.map((request) => request.body).join('\n'),
      s3History: histories.join('\n'),
      sns: entries.map((entry) => `${entry.Subject}\n${entry.Message}`).join('\n'),
      jira: jira.received.map((request) => request.body).join('\n'),
      serviceNow: serviceNow.received.map((request) => request.body).join('\n'),
      ticketWebhook: ticketWebhook.received.map((request) => request.body).join('\n'),
      report: html,
      stdoutAndStderr: output.text(),
    };
    for (const [place, text] of Object.entries(everywhere)) expectNoRawValue(text, place);
    // The column names stay, so an analyst knows there was a value to look up.
    for (const place of ['jsonl', 'webhook', 's3History'] as const) {
      expect(everywhere[place]).toContain(`"customer_email":"${REDACTED}"`);
      expect(everywhere[place]).toContain(`"contact_phone":"${REDACTED}"`);
    }
    for (const place of ['terminal', 'sns', 'jira', 'serviceNow', 'ticketWebhook', 'report'] as const) {
      expect(everywhere[place]).toContain(REDACTED);
    }
    expect(jira.received).toHaveLength(2);
    const [first] = parseFindingsJsonl(jsonlPath, jsonl);
    expect(first?.summary).toBe(`looked up customer ${REDACTED} by phone`);
    expect(first?.evidence).toEqual({ customer_email: REDACTED, contact_phone: REDACTED, lookups: 1 });
  });

  it('is redacted before a flood archive stores the window’s findings', async () => {
    const s3Client = new S3Client({ region: 'eu-central-1' });
    const snsClient = new SNSClient({ region: 'eu-central-1' });
    const sinks = [
      new S3FindingHistory({ client: s3Client, bucket: 'findings' }),
      new SnsSink({ client: snsClient, topicArn: TOPIC_ARN }),
    ];

    const report = await runLookup(sinks, 1);

    expect(report.detectors[0]).toMatchObject({ archived: 2 });
    const bodies = s3.commandCalls(PutObjectCommand).map((call) => String(call.args[0].input.Body));
    const archive = bodies.find((body) => body.includes('"actor_id":"emp-b"'));
    expect(archive).toContain(`"customer_email":"${REDACTED}"`);
    for (const body of bodies) expectNoRawValue(body);
    expectNoRawValue(JSON.stringify(sns.commandCalls(PublishBatchCommand).map((call) => call.args[0].input)));
  });
});

describe('auditlake run', () => {
  it('redacts the shipped list in the terminal table and findings.jsonl', async () => {
    const queries = join(dir, 'cli-queries');
    await mkdir(join(queries, 'detectors'), { recursive: true });
    await writeFile(join(queries, 'detectors', DETECTOR_FILE), detectorSource);
    await writeFile(join(queries, 'suppressions.yaml'), 'suppressions: []\n');
    const out = join(dir, 'cli-findings.jsonl');
    output.restore();

    const result = await runCli([
      'run',
      '--lake',
      lake.dir,
      '--queries',
      join(queries, 'detectors'),
      '--suppressions',
      join(queries, 'suppressions.yaml'),
      '--from',
      '2026-03-02',
      '--to',
      '2026-03-03',
      '--state',
      join(dir, 'cli-state.json'),
      '--out',
      out,
    ]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const jsonl = await readFile(out, 'utf8');
    for (const text of [result.stdout, jsonl]) expectNoRawValue(text);
    expect(result.stdout).toContain(`looked up customer ${REDACTED} by phone`);
    expect(jsonl).toContain(`"customer_email":"${REDACTED}"`);
  });

  it('stops with one line naming the file and entry when the redaction list is invalid', async () => {
    const file = join(dir, 'bad-redaction.yaml');
    await writeFile(file, 'redact:\n  - customer_*\n  - "customer email"\n');
    output.restore();

    const result = await runCli([
      'run',
      '--lake',
      lake.dir,
      '--redaction',
      file,
      '--from',
      '2026-03-02',
      '--to',
      '2026-03-03',
    ]);

    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      `auditlake: ${file}: redact entry 2: expected a column name or a glob like customer_* (letters, digits, _, *, ?)`,
    );
  });
});

describe('the redaction list', () => {
  const redaction = compileRedaction(
    parseRedaction(
      'queries/redaction.yaml',
      'redact: [customer_*, "*email*", account_ref]\nkeep: [employee_*]\n',
    ),
  );

  it('matches names and globs case-insensitively, and keeps exempted columns', () => {
    expect(
      ['customer_email', 'Customer_Name', 'manager_email', 'account_ref'].map(redaction.isRedacted),
    ).toEqual([true, true, true, true]);
    expect(['employee_email', 'account_refs', 'distinct_records'].map(redaction.isRedacted)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('cuts values of redacted columns out of the summary and other text evidence', () => {
    const finding = sampleFinding({
      summary: `exported ${EMAIL} to usb`,
      evidence: { customer_email: EMAIL, note: `last: ${EMAIL}`, records: 3 },
    });

    const redacted = redactFinding(finding, redaction);

    expect(redacted.summary).toBe(`exported ${REDACTED} to usb`);
    expect(redacted.evidence).toEqual({ customer_email: REDACTED, note: `last: ${REDACTED}`, records: 3 });
  });

  it('leaves a null value null and does not cut short values out of the summary', () => {
    const finding = sampleFinding({
      summary: 'read 3 records',
      evidence: { customer_tier: 'A', customer_email: null },
    });

    expect(redactFinding(finding, redaction)).toMatchObject({
      summary: 'read 3 records',
      evidence: { customer_tier: REDACTED, customer_email: null },
    });
  });

  it('applies built-in defaults when a caller passes none, so a forgotten list fails closed', () => {
    expect(DEFAULT_REDACTION.isRedacted('customer_phone')).toBe(true);
    expect(DEFAULT_REDACTION.isRedacted('employee_email')).toBe(false);
  });

  it.each([
    [
      'a pattern with a space',
      'redact: ["customer email"]',
      'redact entry 1: expected a column name or a glob',
    ],
    [
      'only wildcards',
      'redact: ["*"]',
      'redact entry 1: a pattern of only wildcards would redact every column',
    ],
    ['no redact list', 'keep: [employee_*]', 'redact: is required (array)'],
    ['an unknown field', 'redact: []\nexcept: [x]', 'file: unknown field(s) except'],
    ['broken YAML', 'redact: [customer_*', 'not valid YAML at line'],
  ])('rejects %s with one line naming the file and field', (_case, yaml, message) => {
    expect(() => parseRedaction('queries/redaction.yaml', yaml)).toThrow(
      `queries/redaction.yaml: ${message}`,
    );
  });
});
