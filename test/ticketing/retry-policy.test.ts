import { describe, expect, it } from 'vitest';
import { providerErrorMessage } from '../../lambdas/ticketing/http-delivery.ts';
import { isRetryableStatus, parseRetryAfter, retryDelayMs } from '../../lambdas/ticketing/retry-policy.ts';

const policy = { attempts: 4, backoffMs: 500, maxDelayMs: 10_000 };
const now = new Date('2026-10-21T07:28:00Z');

describe('retry policy', () => {
  it.each([
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
    [409, false],
  ])('retries HTTP %i: %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });

  it('backs off exponentially, capped at the longest wait', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs(policy, attempt))).toEqual([500, 1000, 2000]);
    expect(retryDelayMs({ ...policy, attempts: 10, maxDelayMs: 3000 }, 5)).toBe(3000);
  });

  it('stops when the attempts are used up', () => {
    expect(retryDelayMs(policy, 4)).toBeUndefined();
  });

  it('waits what Retry-After asks, and stops when it asks for more than the longest wait', () => {
    expect(retryDelayMs(policy, 1, 7000)).toBe(7000);
    expect(retryDelayMs(policy, 1, 0)).toBe(0);
    expect(retryDelayMs(policy, 1, 60_000)).toBeUndefined();
  });

  it.each([
    ['120', 120_000],
    [' 3 ', 3000],
    ['Wed, 21 Oct 2026 07:28:30 GMT', 30_000],
    ['Wed, 21 Oct 2026 07:27:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('reads Retry-After %j as %j ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});

describe('providerErrorMessage', () => {
  it.each([
    ['{"errorMessages":["Issue type is required."],"errors":{}}', 'Issue type is required.'],
    ['{"errorMessages":[],"errors":{"project":"project is required"}}', 'project: project is required'],
    [
      '{"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}',
      'User Not Authenticated; Required to provide Auth information',
    ],
    ['{"message":"rate limited"}', 'rate limited'],
    ['<html>\n<body>Bad Gateway</body>\n</html>', '<html> <body>Bad Gateway</body> </html>'],
    ['', undefined],
  ])('reads %j as %j', (body, message) => {
    expect(providerErrorMessage(body)).toBe(message);
  });

  it('cuts a long error body', () => {
    expect(providerErrorMessage('e'.repeat(2000))).toHaveLength(501);
  });
});
