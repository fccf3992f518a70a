import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonlSink } from '../../lambdas/sinks/jsonl-sink.ts';
import { formatFindingsTable } from '../../lambdas/sinks/terminal-sink.ts';
import { WebhookSink } from '../../lambdas/sinks/webhook-sink.ts';
import { sampleFinding } from '../support/findings.ts';

describe('formatFindingsTable', () => {
  it('lists the most severe finding first, one line each, within the width', () => {
    const table = formatFindingsTable(
      [
        sampleFinding({ actor_id: 'emp-1', severity: 'medium' }),
        sampleFinding({ actor_id: 'emp-2', severity: 'critical', summary: 'x'.repeat(300) }),
      ],
      100,
    );
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SEVERITY\s+DETECTOR\s+ACTOR\s+WINDOW \(UTC\)\s+SUMMARY$/);
    expect(lines[2]).toMatch(/^CRITICAL\s+record-access-spike\s+emp-2\s+2026-01-01\s+x+…$/);
    expect(lines[3]).toMatch(/^MEDIUM\s+record-access-spike\s+emp-1/);
    expect(lines[4]).toBe('2 findings');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(100);
  });

  it.each([
    ['2026-11-23T21:00:00.000Z', '2026-11-23T22:00:00.000Z', '2026-11-23 21:00-22:00'],
    ['2026-11-23T05:00:00.000Z', '2026-11-24T05:00:00.000Z', '2026-11-23 05:00 +1d'],
  ])('shows the window %s..%s as %s', (windowStart, windowEnd, shown) => {
    const table = formatFindingsTable(
      [sampleFinding({ window_start: windowStart, window_end: windowEnd })],
      120,
    );
    expect(table).toContain(`  ${shown}  `);
  });

  it('says so when there are no findings', () => {
    expect(formatFindingsTable([], 80)).toBe('No findings.\n');
  });
});

describe('JsonlSink', () => {
  it('appends one JSON object per line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'auditlake-jsonl-'));
    const sink = new JsonlSink(join(dir, 'out', 'findings.jsonl'));
    await sink.publish([sampleFinding({ actor_id: 'a' })]);
    await sink.publish([sampleFinding({ actor_id: 'b' })]);
    const lines = (await readFile(join(dir, 'out', 'findings.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).actor_id)).toEqual(['a', 'b']);
    await rm(dir, { recursive: true });
  });
});

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local endpoint that answers with the given statuses in turn (then 200) and records requests. */
async function endpoint(
  statuses: number[],
  headers: Record<string, string> = {},
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(statuses.shift() ?? 200, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/auditlake?token=secret-token`, received, server };
}

describe('WebhookSink', () => {
  const secret = 'a-shared-secret-of-enough-length';
  const clock = () => new Date('2026-01-02T00:00:00Z');
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('posts each finding signed with the shared secret and keyed by finding id', async () => {
    const target = await endpoint([]);
    server = target.server;
    await new WebhookSink({ url: target.url, secret, clock }).publish([sampleFinding()]);
    const [request] = target.received;
    const timestamp = String(Date.parse('2026-01-02T00:00:00Z') / 1000);
    const expected = createHmac('sha256', secret).update(`${timestamp}.${request?.body}`).digest('hex');
    expect(request?.headers['x-auditlake-timestamp']).toBe(timestamp);
    expect(request?.headers['x-auditlake-signature']).toBe(`sha256=${expected}`);
    expect(request?.headers['idempotency-key']).toBe(sampleFinding().finding_id);
    expect(JSON.parse(request?.body ?? '')).toEqual(sampleFinding());
  });

  it('retries server errors and rate limits, then succeeds', async () => {
    const target = await endpoint([500, 429], { 'retry-after': '0' });
    server = target.server;
    await new WebhookSink({ url: target.url, secret, clock, backoffMs: 1 }).publish([sampleFinding()]);
    expect(target.received).toHaveLength(3);
    expect(new Set(target.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('fails without retrying a rejected request, naming only the host', async () => {
    const target = await endpoint([400]);
    server = target.server;
    const sink = new WebhookSink({ url: target.url, secret, clock, backoffMs: 1 });
    const error = await sink.publish([sampleFinding()]).catch((e: Error) => e);
    expect(target.received).toHaveLength(1);
    expect((error as Error).message).toMatch(
      /^webhook 127\.0\.0\.1:\d+: HTTP 400 for finding 0123456789abcdef0123456789abcdef$/,
    );
    expect((error as Error).message).not.toContain('secret-token');
  });

  it('gives up after the configured attempts', async () => {
    const target = await endpoint([503, 503, 503]);
    server = target.server;
    const sink = new WebhookSink({ url: target.url, secret, clock, attempts: 3, backoffMs: 1 });
    await expect(sink.publish([sampleFinding()])).rejects.toThrow(/HTTP 503/);
    expect(target.received).toHaveLength(3);
  });

  it('refuses a short secret', () => {
    expect(() => new WebhookSink({ url: 'https://example.invalid/x', secret: 'short' })).toThrow(
      /at least 16/,
    );
  });
});

describe('suppressed findings', () => {
  const suppressed = sampleFinding({
    actor_id: 'emp-oncall',
    suppression: { reason: 'on-call rotation', owner: 'secops', expires: '2026-12-31' },
  });

  it('are counted but not listed in the table', () => {
    const table = formatFindingsTable([sampleFinding(), suppressed], 120);
    expect(table).not.toContain('emp-oncall');
    expect(table).toContain('1 finding\n1 suppressed finding not shown\n');
  });

  it('are not sent to the webhook', async () => {
    const target = await endpoint([]);
    await new WebhookSink({ url: target.url, secret: 'a-shared-secret-of-enough-length' }).publish([
      suppressed,
    ]);
    target.server.close();
    expect(target.received).toEqual([]);
  });
});
