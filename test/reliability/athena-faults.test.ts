/**
 * Athena misbehaving under the detector Lambda: throttling, FAILED queries (retryable or not),
 * CANCELLED queries and a query still RUNNING at the invocation's deadline. Each time the window is
 * not lost: the watermark stays before it, the invocation fails loudly (error log, DetectorFailed,
 * WindowsBehind), and a later invocation runs it and publishes its finding exactly once.
 *
 * The scheduled detector `hourly-export` runs at 03:20 UTC over 00:00-03:00; its 02:00 window
 * flags emp-b.
 */
import { describe, expect, it } from 'vitest';
import { DetectorRunError } from '../../lambdas/handlers/detector-invocation.ts';
import { findingIdOf, hour, useDetectorLambda } from './detector-harness.ts';
import { type AthenaPlan, SUMMARY } from './fake-athena.ts';

const H00 = hour(0);
const H01 = hour(1);
const H02 = hour(2);
const H03 = hour(3);
const H04 = hour(4);
const EMP_B = findingIdOf('emp-b', H02);

const { lambda, output } = useDetectorLambda();

/** The 02:00 window does `first` on its first `times` queries, then flags emp-b; the rest are quiet. */
function windowTwoFails(first: AthenaPlan, times = Number.POSITIVE_INFINITY): void {
  let calls = 0;
  lambda.athena.plan = (windowStart) => {
    if (windowStart !== H02) return { kind: 'succeed', actors: [] };
    calls++;
    return calls <= times ? first : { kind: 'succeed', actors: ['emp-b'] };
  };
}

/** The EMF document of the last invocation. */
function lastMetrics(): Record<string, unknown> {
  return output.metrics.at(-1) ?? {};
}

function errorLogs(): Record<string, unknown>[] {
  return output.logs.filter((log) => log.level === 'ERROR');
}

/**
 * The invocation at 03:20, whose 02:00 window fails (`times` Athena calls do `first`), and the one
 * an hour later that recovers: what both leave behind is asserted here.
 */
async function failThenRecover(
  first: AthenaPlan,
  invoke: { fakeSleep?: boolean; remainingMs?: number } = {},
  times = 1,
): Promise<Error> {
  windowTwoFails(first, times);
  const failure = await lambda.invoke(invoke).then(
    () => new Error('the invocation succeeded'),
    (error: unknown) => error as Error,
  );
  expect(lambda.watermark()).toBe(H02);
  expect(lambda.deliveredIds()).toEqual([]);
  expect(lastMetrics()).toMatchObject({ DetectorFailed: 1, WindowsBehind: 1 });
  expect(errorLogs()).toHaveLength(1);

  lambda.at('2026-03-17T04:20:00Z');
  const retried = await lambda.invoke({ requestId: 'req-2' });
  expect(retried).toMatchObject({ status: 'ran', report: { windows: 2, published: 1, pendingWindows: 0 } });
  expect(lambda.watermark()).toBe(H04);
  expect(lambda.deliveredIds()).toEqual([EMP_B]);
  expect(lastMetrics()).toMatchObject({ DetectorFailed: 0, WindowsBehind: 0, FindingsPublished: 1 });
  return failure;
}

describe('Athena faults under the detector Lambda', () => {
  it('retries a throttled start with backoff and finishes the window in the same invocation', async () => {
    windowTwoFails({ kind: 'throttle' }, 2);
    const outcome = await lambda.invoke({ fakeSleep: true });
    expect(outcome).toMatchObject({ status: 'ran', report: { windows: 3, published: 1 } });
    expect(lambda.sleeps).toHaveLength(2);
    expect(lambda.sleeps[1]).toBeGreaterThan(lambda.sleeps[0] ?? Number.POSITIVE_INFINITY);
    expect(lambda.deliveredIds()).toEqual([EMP_B]);
    expect(lambda.watermark()).toBe(H03);
  });

  it('keeps the watermark before a window still throttled after every retry, and runs it on the next invocation', async () => {
    // Every call of the first invocation is throttled: 6 retries inside it, then left to the next one.
    const failure = await failThenRecover({ kind: 'throttle' }, { fakeSleep: true }, 7);
    expect(failure).toBeInstanceOf(DetectorRunError);
    expect(failure.message).toMatch(
      /^hourly-export 2026-03-17T02:00:00.000Z\/2026-03-17T03:00:00.000Z: Athena StartQueryExecution failed after 7 attempts: TooManyRequestsException/,
    );
    expect(lambda.sleeps).toHaveLength(6);
    expect(lambda.athena.queried).toEqual([H00, H01, H02, H03]);
  });

  it('re-reads a finished query whose results stayed throttled, without running it again', async () => {
    lambda.athena.plan = (windowStart) => ({ kind: 'succeed', actors: windowStart === H02 ? ['emp-b'] : [] });
    let throttled = 0;
    lambda.athena.throttleResults = (windowStart) => windowStart === H02 && ++throttled <= 7;

    await expect(lambda.invoke({ fakeSleep: true })).rejects.toThrow(
      /Athena GetQueryResults \(query q-3\) failed after 7 attempts: TooManyRequestsException/,
    );
    expect(lambda.watermark()).toBe(H02);
    lambda.at('2026-03-17T04:20:00Z');
    await lambda.invoke({ requestId: 'req-2' });

    // The retry's idempotency token re-attached to the finished q-3: one scan of the window.
    expect(lambda.athena.queried).toEqual([H00, H01, H02, H03]);
    expect(lambda.deliveredIds()).toEqual([EMP_B]);
    expect(lambda.watermark()).toBe(H04);
  });

  it('runs a window again after a retryable FAILED query, submitting a fresh query instead of re-reading the failed one', async () => {
    const failure = await failThenRecover({ kind: 'fail', retryable: true });
    expect(failure.message).toMatch(/Athena query q-3 failed \(system error\): S3 slow down$/);
    // The next run's idempotency token finds the failed q-3 and chains a new query from it.
    expect(lambda.athena.startCalls).toEqual([H00, H01, H02, H02, H02, H03]);
    expect(lambda.athena.queried).toEqual([H00, H01, H02, H02, H03]);
    expect(errorLogs()[0]).toMatchObject({
      message: 'detector invocation failed',
      detector: 'hourly-export',
      error: { name: 'DetectorRunError', message: failure.message },
    });
  });

  it('never skips a window whose query fails for good: every run stops before it until it is fixed', async () => {
    lambda.athena.plan = (windowStart) =>
      windowStart === H02
        ? { kind: 'fail', retryable: false }
        : { kind: 'succeed', actors: windowStart === H03 ? ['emp-c'] : [] };

    await expect(lambda.invoke()).rejects.toThrow(/failed \(user error\): COLUMN_NOT_FOUND/);
    expect(lastMetrics()).toMatchObject({ DetectorFailed: 1, WindowsBehind: 1 });
    lambda.at('2026-03-17T04:20:00Z');
    await expect(lambda.invoke({ requestId: 'req-2' })).rejects.toThrow(/failed \(user error\)/);

    expect(lambda.watermark()).toBe(H02);
    expect(lastMetrics()).toMatchObject({ DetectorFailed: 1, WindowsBehind: 2 });
    // The 03:00 window, which would flag emp-c, waits behind the broken one.
    expect(lambda.athena.queried).not.toContain(H03);
    expect(lambda.deliveredIds()).toEqual([]);
    expect(errorLogs()).toHaveLength(2);
  });

  it('runs a window again after its query was CANCELLED', async () => {
    const failure = await failThenRecover({ kind: 'cancel' });
    expect(failure.message).toMatch(/Athena query q-3 was cancelled: Query cancelled by user$/);
    expect(lambda.athena.queried).toEqual([H00, H01, H02, H02, H03]);
  });

  it('stops a query still RUNNING at the invocation deadline and runs the window again next time', async () => {
    // 90 s left, 30 s of safety margin: the engine polls for about a minute of (fake) time.
    const started = lambda.clock.now.getTime();
    const failure = await failThenRecover({ kind: 'hang' }, { fakeSleep: true, remainingMs: 90_000 });
    expect(failure.message).toMatch(
      /Athena query q-3 was still RUNNING at the invocation's deadline; stopped it$/,
    );
    expect(lambda.athena.stopped).toEqual(['q-3']);
    expect(lambda.sleeps.length).toBeGreaterThan(3);
    expect(lambda.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(60_000);
    expect(started).toBeLessThan(lambda.clock.now.getTime());
    // The stopped query is CANCELLED now; the retry submits a fresh one.
    expect(lambda.athena.queried).toEqual([H00, H01, H02, H02, H03]);
  });

  it('stops a RUNNING query at once when the deadline is nearer than the next poll (the runtime-built engine)', async () => {
    // 30 s safety margin + 200 ms: the first poll (at least 250 ms) would outlast the deadline.
    const failure = await failThenRecover({ kind: 'hang' }, { remainingMs: 30_200 });
    expect(failure.message).toMatch(/still RUNNING at the invocation's deadline; stopped it$/);
    expect(lambda.athena.stopped).toEqual(['q-3']);
  });

  it('writes no finding content to the logs of a failed and a recovered run', async () => {
    await failThenRecover({ kind: 'fail', retryable: true });
    expect(output.text()).not.toContain(SUMMARY);
    expect(output.text()).not.toContain('emp-b');
  });
});
