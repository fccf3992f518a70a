import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError, type DeliveryOptions } from '../../lambdas/ticketing/http-delivery.ts';
import { JiraAdapter, type JiraSettings } from '../../lambdas/ticketing/jira-adapter.ts';
import { ServiceNowAdapter } from '../../lambdas/ticketing/servicenow-adapter.ts';
import type { AdfNode } from '../../lambdas/ticketing/ticket-content.ts';
import { WebhookAdapter } from '../../lambdas/ticketing/webhook-adapter.ts';
import { verifySignature } from '../../lambdas/ticketing/webhook-signature.ts';
import { sampleFinding } from '../support/findings.ts';
import { inTurn, type ProviderServer, providerServer } from './provider-server.ts';

const finding = sampleFinding({
  evidence: { distinct_records: 3912, baseline_median: 41, customer_email: 'ada@example.com' },
});
const now = new Date('2026-01-02T00:20:00Z');

let server: ProviderServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Retry policy for tests: waits are recorded, not slept. */
function delivery(delays: number[] = []): DeliveryOptions {
  return {
    attempts: 3,
    backoffMs: 100,
    maxDelayMs: 10_000,
    timeoutMs: 2000,
    clock: () => now,
    wait: async (ms) => {
      delays.push(ms);
    },
  };
}

const jiraSettings = (baseUrl: string): JiraSettings => ({
  baseUrl,
  projectKey: 'SEC',
  issueType: 'Task',
  setPriority: true,
});
const jiraSecret = { email: 'secops-bot@example.com', apiToken: 'jira-api-token' };

function texts(node: AdfNode): string[] {
  return [...(node.text === undefined ? [] : [node.text]), ...(node.content ?? []).flatMap(texts)];
}

describe('JiraAdapter', () => {
  it('creates an issue with basic auth, ADF description, labels and priority', async () => {
    server = await providerServer(() => ({
      status: 201,
      body: { id: '10042', key: 'SEC-42', self: 'https://example.atlassian.net/rest/api/3/issue/10042' },
    }));
    const ticket = await new JiraAdapter(jiraSettings(server.url), jiraSecret, delivery()).createTicket(
      finding,
    );

    expect(ticket).toEqual({ provider: 'jira', id: 'SEC-42', url: `${server.url}/browse/SEC-42` });
    const [request] = server.received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/rest/api/3/issue');
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from('secops-bot@example.com:jira-api-token').toString('base64')}`,
    );
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
    const body = JSON.parse(request?.body ?? '');
    expect(body.fields).toMatchObject({
      project: { key: 'SEC' },
      issuetype: { name: 'Task' },
      summary: '[HIGH] Record access far above baseline - emp-0042',
      labels: ['auditlake', `finding-${finding.finding_id}`, 'detector-record-access-spike', 'T1213'],
      priority: { name: 'High' },
    });
    const description = body.fields.description as { type: string; version: number; content: AdfNode[] };
    expect(description.type).toBe('doc');
    expect(description.version).toBe(1);
    expect(
      description.content.filter((node) => node.type === 'heading').map((node) => texts(node).join('')),
    ).toEqual([
      'Who',
      'What',
      'When',
      'How much',
      'Why it matters',
      'Runbook',
      'Investigate in Athena',
      'Finding',
    ]);
    const howMuch = description.content[description.content.findIndex((n) => texts(n)[0] === 'How much') + 1];
    expect(howMuch?.type).toBe('bulletList');
    expect(howMuch?.content?.map((item) => texts(item).join(''))).toEqual([
      'Events: 4100',
      'Score: 48.2',
      'Distinct records: 3912',
      'Baseline median: 41',
      'Not shown, may hold customer personal data: customer_email',
    ]);
    const code = description.content.find((node) => node.type === 'codeBlock');
    expect(code?.attrs).toEqual({ language: 'sql' });
    expect(texts(code as AdfNode).join('')).toContain(
      "WHERE actor_id = 'emp-0042'\n  AND dt BETWEEN '2026-01-01' AND '2026-01-01'",
    );
    expect(request?.body).not.toContain('ada@example.com');
  });

  it.each([
    ['critical', 'Highest'],
    ['high', 'High'],
    ['medium', 'Medium'],
    ['low', 'Low'],
    ['info', 'Lowest'],
  ] as const)('maps severity %s to priority %s', async (severity, priority) => {
    server = await providerServer(() => ({ status: 201, body: { id: '1', key: 'SEC-1' } }));
    await new JiraAdapter(jiraSettings(server.url), jiraSecret, delivery()).createTicket(
      sampleFinding({ severity }),
    );
    expect(JSON.parse(server.received[0]?.body ?? '').fields.priority).toEqual({ name: priority });
  });

  it('leaves priority out when the project has no such field', async () => {
    server = await providerServer(() => ({ status: 201, body: { id: '1', key: 'SEC-1' } }));
    const settings = { ...jiraSettings(server.url), setPriority: false };
    await new JiraAdapter(settings, jiraSecret, delivery()).createTicket(finding);
    expect(JSON.parse(server.received[0]?.body ?? '').fields).not.toHaveProperty('priority');
  });

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    server = await providerServer(
      inTurn([{ status: 429, headers: { 'retry-after': '7' } }], {
        status: 201,
        body: { id: '1', key: 'SEC-1' },
      }),
    );
    const delays: number[] = [];
    const ticket = await new JiraAdapter(jiraSettings(server.url), jiraSecret, delivery(delays)).createTicket(
      finding,
    );
    expect(ticket.id).toBe('SEC-1');
    expect(server.received).toHaveLength(2);
    expect(delays).toEqual([7000]);
  });

  it('leaves a Retry-After longer than the longest wait to the next delivery', async () => {
    server = await providerServer(() => ({ status: 429, headers: { 'retry-after': '600' } }));
    const error = await new JiraAdapter(jiraSettings(server.url), jiraSecret, delivery())
      .createTicket(finding)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ status: 429, retryable: true });
    expect(server.received).toHaveLength(1);
  });

  it('fails with the provider message and without retrying on 400', async () => {
    server = await providerServer(() => ({
      status: 400,
      body: { errorMessages: [], errors: { priority: "Field 'priority' cannot be set." } },
    }));
    const error = await new JiraAdapter(jiraSettings(server.url), jiraSecret, delivery())
      .createTicket(finding)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 400,
      retryable: false,
      providerMessage: "priority: Field 'priority' cannot be set.",
    });
    expect(server.received).toHaveLength(1);
  });
});

describe('ServiceNowAdapter', () => {
  const secret = { username: 'auditlake.integration', password: 'sn-password' };

  it('creates an incident correlated to the finding', async () => {
    server = await providerServer(() => ({
      status: 201,
      body: { result: { sys_id: '9d385017c611228701d22104cc95c371', number: 'INC0010001' } },
    }));
    const adapter = new ServiceNowAdapter(
      { instanceUrl: server.url, assignmentGroup: 'Security Operations' },
      secret,
      delivery(),
    );
    const ticket = await adapter.createTicket(sampleFinding({ severity: 'critical' }));

    expect(ticket).toEqual({
      provider: 'servicenow',
      id: 'INC0010001',
      url: `${server.url}/incident.do?sys_id=9d385017c611228701d22104cc95c371`,
    });
    const [request] = server.received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/now/table/incident');
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from('auditlake.integration:sn-password').toString('base64')}`,
    );
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
    const body = JSON.parse(request?.body ?? '');
    expect(Object.keys(body)).toEqual([
      'short_description',
      'description',
      'correlation_id',
      'correlation_display',
      'urgency',
      'impact',
      'assignment_group',
    ]);
    expect(body).toMatchObject({
      short_description: '[CRITICAL] Record access far above baseline - emp-0042',
      correlation_id: '0123456789abcdef0123456789abcdef',
      correlation_display: 'auditlake',
      urgency: '1',
      impact: '1',
      assignment_group: 'Security Operations',
    });
    expect(body.description).toMatch(
      /^CRITICAL finding: Record access far above baseline\n\nWHO\n {2}Actor: emp-0042\n/,
    );
    expect(body.description.length).toBeLessThanOrEqual(4000);
  });

  it.each([
    ['critical', '1', '1'],
    ['high', '1', '2'],
    ['medium', '2', '2'],
    ['low', '2', '3'],
    ['info', '3', '3'],
  ] as const)('maps severity %s to urgency %s and impact %s', async (severity, urgency, impact) => {
    server = await providerServer(() => ({ status: 201, body: { result: { sys_id: 'x', number: 'INC1' } } }));
    await new ServiceNowAdapter({ instanceUrl: server.url }, secret, delivery()).createTicket(
      sampleFinding({ severity }),
    );
    const body = JSON.parse(server.received[0]?.body ?? '');
    expect([body.urgency, body.impact]).toEqual([urgency, impact]);
    expect(body).not.toHaveProperty('assignment_group');
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    server = await providerServer(
      inTurn([{ status: 500 }, { status: 503 }], {
        status: 201,
        body: { result: { sys_id: 'x', number: 'INC2' } },
      }),
    );
    const delays: number[] = [];
    const ticket = await new ServiceNowAdapter(
      { instanceUrl: server.url },
      secret,
      delivery(delays),
    ).createTicket(finding);
    expect(ticket.id).toBe('INC2');
    expect(delays).toEqual([100, 200]);
  });

  it('gives up after the configured attempts, retryable', async () => {
    server = await providerServer(() => ({ status: 502 }));
    const error = await new ServiceNowAdapter({ instanceUrl: server.url }, secret, delivery())
      .createTicket(finding)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ problem: 'HTTP 502', retryable: true });
    expect(server.received).toHaveLength(3);
  });

  it('reports the ServiceNow error message on 403, without retrying', async () => {
    server = await providerServer(() => ({
      status: 403,
      body: {
        error: {
          message: 'Operation Failed',
          detail: 'ACL Exception Insert Failed due to security constraints',
        },
        status: 'failure',
      },
    }));
    const error = await new ServiceNowAdapter({ instanceUrl: server.url }, secret, delivery())
      .createTicket(finding)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      retryable: false,
      providerMessage: 'Operation Failed; ACL Exception Insert Failed due to security constraints',
    });
    expect(server.received).toHaveLength(1);
  });
});

describe('WebhookAdapter', () => {
  const secret = 'a-shared-secret-of-enough-length';

  it('posts the redacted finding signed like the webhook sink', async () => {
    server = await providerServer(() => ({
      status: 200,
      body: { id: 'CASE-7', url: 'https://cases.example/7' },
    }));
    const url = `${server.url}/hooks/auditlake?token=t0ken`;
    const ticket = await new WebhookAdapter({ url, secret }, delivery()).createTicket(finding);

    expect(ticket).toEqual({ provider: 'webhook', id: 'CASE-7', url: 'https://cases.example/7' });
    const [request] = server.received;
    expect(request?.path).toBe('/hooks/auditlake?token=t0ken');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-auditlake-timestamp']).toBe(String(now.getTime() / 1000));
    expect(request?.headers['idempotency-key']).toBe(finding.finding_id);
    expect(
      verifySignature(
        secret,
        {
          timestamp: request?.headers['x-auditlake-timestamp'] as string,
          signature: request?.headers['x-auditlake-signature'] as string,
        },
        request?.body ?? '',
        now,
      ),
    ).toBe(true);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      ...finding,
      evidence: { distinct_records: 3912, baseline_median: 41 },
    });
  });

  it('uses the finding id when the receiver answers nothing useful', async () => {
    server = await providerServer(() => ({ status: 204 }));
    const ticket = await new WebhookAdapter({ url: server.url, secret }, delivery()).createTicket(finding);
    expect(ticket).toEqual({ provider: 'webhook', id: finding.finding_id });
  });

  it('signs every retry afresh', async () => {
    server = await providerServer(inTurn([{ status: 503 }], { status: 200 }));
    let tick = 0;
    const clock = () => new Date(now.getTime() + 1000 * tick++);
    await new WebhookAdapter({ url: server.url, secret }, { ...delivery(), clock }).createTicket(finding);
    const stamps = server.received.map((request) => request.headers['x-auditlake-timestamp']);
    expect(new Set(stamps).size).toBe(2);
  });
});

describe('verifySignature (what receivers do)', () => {
  const secret = 'a-shared-secret-of-enough-length';
  const body = '{"finding_id":"x"}';
  const timestamp = String(now.getTime() / 1000);

  it('rejects a request older than five minutes even with a valid signature', async () => {
    server = await providerServer(() => ({ status: 200 }));
    await new WebhookAdapter({ url: server.url, secret }, delivery()).createTicket(finding);
    const [request] = server.received;
    const headers = {
      timestamp: request?.headers['x-auditlake-timestamp'] as string,
      signature: request?.headers['x-auditlake-signature'] as string,
    };
    expect(verifySignature(secret, headers, request?.body ?? '', new Date(now.getTime() + 299_000))).toBe(
      true,
    );
    expect(verifySignature(secret, headers, request?.body ?? '', new Date(now.getTime() + 301_000))).toBe(
      false,
    );
  });

  it('rejects a changed body or a wrong secret', () => {
    const signature = 'sha256=00';
    expect(verifySignature(secret, { timestamp, signature }, body, now)).toBe(false);
    expect(verifySignature('another-secret-of-enough-length', { timestamp, signature }, body, now)).toBe(
      false,
    );
  });
});
