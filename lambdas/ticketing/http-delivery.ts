/**
 * One JSON POST with retries, for the webhook sink and the ticket adapters: 429, 5xx, timeouts and
 * refused connections are retried following the `RetryPolicy` (honouring Retry-After); any other
 * answer is final, and a 2xx is success even when its body is cut short (the provider has acted;
 * posting again would act twice). Failures are `DeliveryError`s that say whether a later retry may
 * succeed and carry the provider's own error message (never our request body, which holds evidence).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditlakeError } from '../core/errors.ts';
import { isRetryableStatus, parseRetryAfter, type RetryPolicy, retryDelayMs } from './retry-policy.ts';

export interface DeliveryRequest {
  readonly url: string;
  readonly body: string;
  /** Built again for every attempt, so signatures carry a fresh timestamp. */
  readonly headers: () => Readonly<Record<string, string>>;
}

export interface DeliveryOptions extends RetryPolicy {
  readonly timeoutMs: number;
  readonly clock?: () => Date;
  readonly wait?: (ms: number) => Promise<unknown>;
}

export interface DeliveryResponse {
  readonly status: number;
  readonly body: string;
}

/** A POST that did not succeed. `retryable`: the same request may succeed later. */
export class DeliveryError extends AuditlakeError {
  override readonly name = 'DeliveryError';
  constructor(
    /** What went wrong, e.g. `HTTP 400` or `no answer in 10000 ms`: no URL (paths may hold tokens). */
    readonly problem: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** The provider's error text (e.g. Jira's `errorMessages`), cut to 500 characters. */
    readonly providerMessage?: string,
  ) {
    super(providerMessage ? `${problem}: ${providerMessage}` : problem);
  }
}

const ERROR_BODY_LIMIT = 500;

export async function postJson(
  request: DeliveryRequest,
  options: DeliveryOptions,
): Promise<DeliveryResponse> {
  const { timeoutMs, clock = () => new Date(), wait = sleep } = options;
  for (let attempt = 1; ; attempt++) {
    let failure: DeliveryError;
    let retryAfterMs: number | undefined;
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'auditlake', ...request.headers() },
        body: request.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) {
        // Done on the provider's side: a body cut short must not make us post (and create) again.
        const body = await response.text().catch(() => '');
        return { status: response.status, body };
      }
      const body = await response.text();
      failure = new DeliveryError(
        `HTTP ${response.status}`,
        isRetryableStatus(response.status),
        response.status,
        providerErrorMessage(body),
      );
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock());
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      failure = new DeliveryError(timedOut ? `no answer in ${timeoutMs} ms` : 'connection failed', true);
    }
    const delay = failure.retryable ? retryDelayMs(options, attempt, retryAfterMs) : undefined;
    if (delay === undefined) throw failure;
    await wait(delay);
  }
}

/** `Authorization` value for HTTP basic auth. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** JSON of a response body, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The error text of the usual JSON error shapes: Jira (`errorMessages`, `errors`), ServiceNow
 * (`error.message`, `error.detail`), and `message` / `error` strings; otherwise the raw text.
 */
export function providerErrorMessage(body: string): string | undefined {
  const text = body.trim();
  if (text === '') return undefined;
  let messages: string[] = [];
  try {
    messages = messagesOf(JSON.parse(text));
  } catch {
    // Not JSON: an HTML error page or plain text.
  }
  const message = messages.length > 0 ? messages.join('; ') : text.replace(/\s+/g, ' ');
  return message.length > ERROR_BODY_LIMIT ? `${message.slice(0, ERROR_BODY_LIMIT)}…` : message;
}

function messagesOf(json: unknown): string[] {
  if (typeof json !== 'object' || json === null) return [];
  const body = json as Record<string, unknown>;
  const messages: string[] = [];
  if (Array.isArray(body.errorMessages)) messages.push(...body.errorMessages.filter(isText));
  if (typeof body.errors === 'object' && body.errors !== null) {
    for (const [field, message] of Object.entries(body.errors)) {
      if (isText(message)) messages.push(`${field}: ${message}`);
    }
  }
  if (typeof body.error === 'object' && body.error !== null) {
    const error = body.error as Record<string, unknown>;
    messages.push(...[error.message, error.detail].filter(isText));
  }
  messages.push(...[body.message, body.error].filter(isText));
  return messages;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
