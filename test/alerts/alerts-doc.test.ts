/**
 * docs/alerts.md shows what people and ticket systems really receive: each block marked
 * `<!-- generated: <name> -->` is produced here from the shipped off-hours-export detector and
 * compared with the doc. Run `UPDATE_DOCS=1 npx vitest run test/alerts` to rewrite the blocks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PublishBatchCommand, type PublishBatchCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDetector } from '../../lambdas/core/detector.ts';
import { type Finding, toFinding } from '../../lambdas/core/finding.ts';
import { reportKey } from '../../lambdas/report/report-location.ts';
import { SnsSink } from '../../lambdas/sinks/sns-sink.ts';
import type { DeliveryOptions } from '../../lambdas/ticketing/http-delivery.ts';
import { JiraAdapter } from '../../lambdas/ticketing/jira-adapter.ts';
import { ServiceNowAdapter } from '../../lambdas/ticketing/servicenow-adapter.ts';
import { WebhookAdapter } from '../../lambdas/ticketing/webhook-adapter.ts';
import { providerServer, type ReceivedRequest } from '../ticketing/provider-server.ts';

const DOC = new URL('../../docs/alerts.md', import.meta.url);
const DETECTOR = new URL('../../queries/detectors/off-hours-export.sql', import.meta.url);
const REGION = 'eu-west-1';
const detectedAt = new Date('2026-03-10T08:20:04.000Z');

/** A support agent uploading 68,000 customer records at 02:13 their time, as Athena would return the row. */
function sampleFinding(): Finding {
  const detector = parseDetector('queries/detectors/off-hours-export.sql', readFileSync(DETECTOR, 'utf8'));
  const window = { start: new Date('2026-03-10T07:00:00.000Z'), end: new Date('2026-03-10T08:00:00.000Z') };
  return toFinding(
    detector,
    window,
    {
      actor_id: 'emp-1047',
      summary:
        'exported 68000 records in 14 actions at 02:13 local time (America/Chicago), outside working hours 9-17 on days 1,2,3,4,5, in an hour of the week they were active on 0 of their 21 active days since 2026-02-10',
      severity: 'critical',
      score: 11.13,
      first_seen: '2026-03-10T07:13:09.000Z',
      last_seen: '2026-03-10T07:52:40.000Z',
      event_count: 14,
      records: 68000,
      bytes: 41234567,
      destinations: 2,
      largest_destination: 'web_upload:filedrop.example',
      timezone: 'America/Chicago',
      decided_by: 'directory',
      profile_days: 0,
      history_days: 21,
      customer_email: 'jane.roe@example.com',
    },
    detectedAt,
  );
}

const finding = sampleFinding();
const delivery: DeliveryOptions = {
  attempts: 1,
  backoffMs: 0,
  maxDelayMs: 0,
  timeoutMs: 5000,
  clock: () => detectedAt,
};

async function capture(reply: unknown, send: (url: string) => Promise<unknown>): Promise<ReceivedRequest> {
  const server = await providerServer(() => ({ status: 201, body: reply }));
  try {
    await send(server.url);
  } finally {
    await server.close();
  }
  const [request] = server.received;
  if (request === undefined) throw new Error('no request was sent');
  return request;
}

const pretty = (json: string) => JSON.stringify(JSON.parse(json), null, 2);

async function generatedBlocks(): Promise<Record<string, string>> {
  const sns = mockClient(SNSClient);
  sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => ({
    Successful: (input.PublishBatchRequestEntries ?? []).map((entry) => ({ Id: entry.Id, MessageId: 'm' })),
  }));
  await new SnsSink({
    client: new SNSClient({}),
    topicArn: 'arn:aws:sns:eu-west-1:123456789012:auditlake-findings',
    consoleRegion: REGION,
    // As in the detector Lambda: the report sink has just put the window's report.
    report: (reported) => ({
      written: true,
      bucket: 'auditlake-lake-auditbucket-1x2y3z4w5v6u',
      key: reportKey('', reported.detector_id, reported.window_start, reported.window_end),
    }),
  }).publish([finding]);
  const entry = sns.commandCalls(PublishBatchCommand)[0]?.args[0].input.PublishBatchRequestEntries?.[0];
  sns.restore();
  const structure = JSON.parse(entry?.Message ?? '{}') as Record<string, string>;
  const bytes = (key: string) =>
    `<${Buffer.byteLength(structure[key] ?? '')} bytes: ${key === 'email' ? 'the email body' : 'the finding JSON'}>`;

  const jira = await capture({ id: '10042', key: 'SEC-42' }, (url) =>
    new JiraAdapter(
      { baseUrl: url, projectKey: 'SEC', issueType: 'Task', setPriority: true },
      { email: 'secops-bot@example.com', apiToken: 'token' },
      delivery,
      { consoleRegion: REGION },
    ).createTicket(finding),
  );
  const servicenow = await capture({ result: { sys_id: 'x', number: 'INC0010001' } }, (url) =>
    new ServiceNowAdapter(
      { instanceUrl: url, assignmentGroup: 'Security Operations' },
      { username: 'auditlake.integration', password: 'password' },
      delivery,
      { consoleRegion: REGION },
    ).createTicket(finding),
  );
  const webhook = await capture({ id: 'CASE-7' }, (url) =>
    new WebhookAdapter(
      { url: `${url}/hooks/auditlake`, secret: 'example-signing-secret-0123456789' },
      delivery,
    ).createTicket(finding),
  );
  const headers = [
    'content-type',
    'user-agent',
    'x-auditlake-timestamp',
    'x-auditlake-signature',
    'idempotency-key',
  ]
    .map((name) => `${name}: ${webhook.headers[name]}`)
    .join('\n');

  return {
    'sns-entry': JSON.stringify(
      {
        Id: entry?.Id,
        Subject: entry?.Subject,
        MessageStructure: entry?.MessageStructure,
        MessageAttributes: entry?.MessageAttributes,
        Message: Object.fromEntries(Object.keys(structure).map((key) => [key, bytes(key)])),
      },
      null,
      2,
    ),
    email: structure.email?.trimEnd() ?? '',
    'finding-json': pretty(structure.sqs ?? '{}'),
    'jira-request': `POST ${jira.path}\n\n${pretty(jira.body)}`,
    'servicenow-request': `POST ${servicenow.path}\n\n${pretty(servicenow.body)}`,
    'webhook-request': `POST ${webhook.path}\n${headers}\n\n${webhook.body}`,
  };
}

const BLOCK = /<!-- generated: ([\w-]+) -->\n```(\w*)\n([\s\S]*?)\n?```/g;

describe('docs/alerts.md', async () => {
  const blocks = await generatedBlocks();
  const doc = readFileSync(DOC, 'utf8');
  const update = process.env.UPDATE_DOCS === '1';
  const updated = doc.replace(BLOCK, (whole, name: string, lang: string) =>
    blocks[name] === undefined
      ? whole
      : `<!-- generated: ${name} -->\n\`\`\`${lang}\n${blocks[name]}\n\`\`\``,
  );
  const names = [...doc.matchAll(BLOCK)].map((match) => match[1] ?? '').sort();
  const complete = JSON.stringify(names) === JSON.stringify(Object.keys(blocks).sort());
  afterAll(() => {
    // Only a doc whose blocks were all found is rewritten: a broken marker must not eat the prose.
    if (update && complete && updated !== doc) writeFileSync(DOC, updated);
  });

  it('has a generated block for every sample', () => {
    expect(names).toEqual(Object.keys(blocks).sort());
  });

  it.each(Object.keys(blocks))('shows the %s the code produces (UPDATE_DOCS=1 to refresh)', (name) => {
    if (update) return;
    const shown = [...doc.matchAll(BLOCK)].find((match) => match[1] === name)?.[3];
    expect(shown).toBe(blocks[name]);
  });

  it('keeps customer PII out of every sample', () => {
    for (const block of Object.values(blocks)) expect(block).not.toContain('jane.roe@example.com');
  });
});
