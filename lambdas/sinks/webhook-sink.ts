/**
 * POSTs each finding to an HTTP endpoint, signed so the receiver can tell it came from us:
 * `X-Auditlake-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the shared
 * secret, `X-Auditlake-Timestamp` (seconds) against replays, and `Idempotency-Key: <finding_id>`
 * so a re-sent finding creates nothing new. 429 and 5xx answers and network errors are retried
 * with backoff (honouring Retry-After); anything else fails the window, which is retried next run.
 */
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditlakeError } from '../core/errors.ts';
import { type Finding, isAlerting } from '../core/finding.ts';
import type { FindingSink } from '../core/ports.ts';

export interface WebhookSinkOptions {
  readonly url: string;
  readonly secret: string;
  /** @default 4 */
  readonly attempts?: number;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** First retry delay; doubles each time. @default 500 */
  readonly backoffMs?: number;
  readonly clock?: () => Date;
}

export class WebhookSink implements FindingSink {
  readonly name = 'webhook';
  private readonly target: string;

  constructor(private readonly options: WebhookSinkOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new AuditlakeError(`webhook URL "${options.url}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new AuditlakeError(`webhook URL must be http(s), got ${url.protocol}`);
    }
    if (options.secret.length < 16) throw new AuditlakeError('webhook secret must be at least 16 characters');
    // Messages name the host only: paths and query strings may carry tokens.
    this.target = url.host;
  }

  async publish(findings: readonly Finding[]): Promise<void> {
    for (const finding of findings.filter(isAlerting)) await this.send(finding);
  }

  private async send(finding: Finding): Promise<void> {
    const { attempts = 4, timeoutMs = 10_000, backoffMs = 500, clock = () => new Date() } = this.options;
    const body = JSON.stringify(finding);
    let problem = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const timestamp = String(Math.floor(clock().getTime() / 1000));
      const signature = createHmac('sha256', this.options.secret)
        .update(`${timestamp}.${body}`)
        .digest('hex');
      let retryAfterMs: number | undefined;
      try {
        const response = await fetch(this.options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'auditlake',
            'x-auditlake-timestamp': timestamp,
            'x-auditlake-signature': `sha256=${signature}`,
            'idempotency-key': finding.finding_id,
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel();
        if (response.ok) return;
        problem = `HTTP ${response.status}`;
        if (response.status !== 429 && response.status < 500) break;
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      } catch (error) {
        problem =
          error instanceof Error && error.name === 'TimeoutError'
            ? `no answer in ${timeoutMs} ms`
            : 'connection failed';
      }
      if (attempt < attempts) await sleep(retryAfterMs ?? backoffMs * 2 ** (attempt - 1));
    }
    throw new AuditlakeError(`webhook ${this.target}: ${problem} for finding ${finding.finding_id}`);
  }
}

/** Retry-After in seconds (dates are not worth the trouble here), capped at a minute. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Math.min(Number(value) * 1000, 60_000);
}
