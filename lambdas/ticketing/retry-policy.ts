/**
 * When to try an HTTP call again, shared by the webhook sink and the ticket adapters. Pure, so the
 * policy is tested without a server: 429 and 5xx are worth retrying (the provider is busy or
 * broken for now), any other 4xx is our request's fault and will fail the same way again.
 */

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** Wait before the first retry when the server does not say; doubles each time. */
  readonly backoffMs: number;
  /**
   * Longest wait worth spending inside this call. A server asking for more (Retry-After) is not
   * retried here: the caller fails and its own retry (the next run, SQS redelivery) comes later.
   */
  readonly maxDelayMs: number;
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Retry-After as milliseconds from `now`: either delay-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`); undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * How long to wait before try number `attempt + 1`, or undefined to stop: attempts are used up,
 * or the server asked for a longer wait than `maxDelayMs`.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs?: number,
): number | undefined {
  if (attempt >= policy.attempts) return undefined;
  if (retryAfterMs !== undefined) return retryAfterMs > policy.maxDelayMs ? undefined : retryAfterMs;
  return Math.min(policy.backoffMs * 2 ** (attempt - 1), policy.maxDelayMs);
}
