/**
 * POSTs each finding to an HTTP endpoint, signed so the receiver can tell it came from us:
 * `X-Auditlake-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the shared
 * secret, `X-Auditlake-Timestamp` (seconds) against replays, and `Idempotency-Key: <finding_id>`
 * so a re-sent finding creates nothing new (see `webhook-signature.ts`, shared with the webhook
 * ticket adapter). 429 and 5xx answers and network errors are retried with backoff (honouring
 * Retry-After up to a minute); anything else fails the window, which is retried next run.
 */
import { AuditlakeError } from '../core/errors.ts';
import { type Finding, isAlerting } from '../core/finding.ts';
import type { FindingSink } from '../core/ports.ts';
import { DeliveryError, postJson } from '../ticketing/http-delivery.ts';
import { checkWebhookTarget, signedHeaders } from '../ticketing/webhook-signature.ts';

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
    this.target = checkWebhookTarget(options.url, options.secret);
  }

  async publish(findings: readonly Finding[]): Promise<void> {
    for (const finding of findings.filter(isAlerting)) await this.send(finding);
  }

  private async send(finding: Finding): Promise<void> {
    const { url, secret, attempts = 4, timeoutMs = 10_000, backoffMs = 500 } = this.options;
    const clock = this.options.clock ?? (() => new Date());
    const body = JSON.stringify(finding);
    try {
      await postJson(
        { url, body, headers: () => signedHeaders(secret, body, finding.finding_id, clock()) },
        { attempts, timeoutMs, backoffMs, maxDelayMs: 60_000 },
      );
    } catch (error) {
      const problem = error instanceof DeliveryError ? error.problem : String(error);
      throw new AuditlakeError(`webhook ${this.target}: ${problem} for finding ${finding.finding_id}`);
    }
  }
}
