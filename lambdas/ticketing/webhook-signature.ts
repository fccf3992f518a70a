/**
 * How auditlake signs what it POSTs to a webhook, shared by the webhook sink and the webhook
 * ticket adapter so receivers verify both the same way:
 *
 * - `X-Auditlake-Timestamp`: Unix seconds when the request was signed;
 * - `X-Auditlake-Signature`: `sha256=` + hex HMAC-SHA256 of `"<timestamp>.<body>"` with the shared secret;
 * - `Idempotency-Key`: the finding id, the same on every retry and re-run.
 *
 * Signing the timestamp with the body is the replay protection: a receiver recomputes the HMAC,
 * compares in constant time, and rejects a timestamp more than five minutes from its own clock,
 * so a captured request cannot be replayed later; within the five minutes the Idempotency-Key
 * makes a replay a no-op.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuditlakeError } from '../core/errors.ts';

export const SIGNATURE_HEADER = 'x-auditlake-signature';
export const TIMESTAMP_HEADER = 'x-auditlake-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Receivers reject timestamps further than this from their clock. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
export const MIN_SECRET_LENGTH = 16;

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The three headers for one attempt, signed at `now`. */
export function signedHeaders(
  secret: string,
  body: string,
  idempotencyKey: string,
  now: Date,
): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signature(secret, timestamp, body),
    [IDEMPOTENCY_HEADER]: idempotencyKey,
  };
}

/** What a receiver does (and what the tests do to check us): signature matches and timestamp is fresh. */
export function verifySignature(
  secret: string,
  headers: { readonly timestamp: string | undefined; readonly signature: string | undefined },
  body: string,
  now: Date,
): boolean {
  if (headers.timestamp === undefined || headers.signature === undefined) return false;
  if (!/^\d+$/.test(headers.timestamp)) return false;
  const skew = Math.abs(now.getTime() / 1000 - Number(headers.timestamp));
  if (skew > MAX_CLOCK_SKEW_SECONDS) return false;
  const expected = Buffer.from(signature(secret, headers.timestamp, body));
  const received = Buffer.from(headers.signature);
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/** A webhook target: http(s) URL and a secret long enough to sign with. Returns the host, for messages. */
export function checkWebhookTarget(url: string, secret: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AuditlakeError(`webhook URL "${redactUrl(url)}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new AuditlakeError(`webhook URL must be http(s), got ${parsed.protocol}`);
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new AuditlakeError(`webhook secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  // Messages name the host only: paths and query strings may carry tokens.
  return parsed.host;
}

function redactUrl(url: string): string {
  return url.length > 40 ? `${url.slice(0, 40)}…` : url;
}
