/**
 * Two invocations of one detector at once (a scheduler retry overlapping the original, a manual
 * invoke during a scheduled one), against the real DynamoDB state store on an in-memory table
 * that evaluates its conditions. The first invocation is paused inside its first Athena call while
 * the second runs from start to end, so the interleaving is the same on every run.
 */
import { describe, expect, it } from 'vitest';
import type { InvocationOutcome } from '../../lambdas/handlers/detector-invocation.ts';
import { findingIdOf, hour, useDetectorLambda } from './detector-harness.ts';

const H00 = hour(0);
const H01 = hour(1);
const H02 = hour(2);
const H03 = hour(3);
const EMP_B = findingIdOf('emp-b', H02);

const { lambda, output } = useDetectorLambda((lambda) => {
  lambda.athena.plan = (windowStart) => ({ kind: 'succeed', actors: windowStart === H02 ? ['emp-b'] : [] });
});

/**
 * Invocation A runs until its Athena call for `pauseAt`; there `meanwhile` runs (typically all of
 * invocation B), then A goes on. Returns both outcomes.
 */
async function interleave(
  pauseAt: string,
  a: { remainingMs?: number },
  meanwhile: () => Promise<InvocationOutcome>,
): Promise<{ a: InvocationOutcome; b: InvocationOutcome }> {
  let b: Promise<InvocationOutcome> | undefined;
  lambda.athena.beforeStart = async (windowStart) => {
    if (windowStart !== pauseAt || b !== undefined) return;
    b = meanwhile();
    await b.catch(() => undefined);
  };
  const outcomeA = await lambda.invoke({ requestId: 'req-A', ...a });
  if (!b) throw new Error(`invocation A never queried ${pauseAt}`);
  return { a: outcomeA, b: await b };
}

describe('two invocations of one detector at once', () => {
  it('lets the lease holder run the windows while the other exits cleanly without querying', async () => {
    const { a, b } = await interleave(H00, {}, () => lambda.invoke({ requestId: 'req-B' }));

    expect(a).toMatchObject({ status: 'ran', report: { windows: 3, published: 1 } });
    expect(b).toEqual({
      detector: 'hourly-export',
      status: 'skipped',
      reason: 'another invocation holds the lease',
    });
    expect(lambda.athena.queried).toEqual([H00, H01, H02]);
    expect(lambda.deliveredIds()).toEqual([EMP_B]);
    expect(lambda.historyKeys).toHaveLength(1);
    expect(lambda.state.watermarkWrites).toEqual([H01, H02, H03]);
    expect(lambda.watermark()).toBe(H03);
    // The holder gave the lease back; the one that skipped never took it.
    expect(lambda.state.items.has('lease#hourly-export')).toBe(false);
    expect(output.logs.find((log) => log.message === 'detector run skipped')).toMatchObject({
      reason: 'another invocation holds the lease',
    });
    expect(output.metrics.map((emf) => emf.DetectorFailed)).toEqual([0, 0]);
  });

  it('lets the run that took a lapsed lease finish, and the old holder stop at its first watermark write', async () => {
    // A lease lasts until its holder's timeout, so it lapses under a running holder only when the
    // invocations' clocks disagree: here B reads 03:25 while A's lease (60 s from 03:20) has ended.
    const { a, b } = await interleave(H00, { remainingMs: 60_000 }, () => {
      lambda.at('2026-03-17T03:25:00Z');
      return lambda.invoke({ requestId: 'req-B' });
    });

    expect(b).toMatchObject({ status: 'ran', report: { windows: 3, published: 1 } });
    expect(a).toEqual({
      detector: 'hourly-export',
      status: 'skipped',
      reason: 'another run moved the watermark',
    });
    // Each window moved the watermark once; A's write from "no watermark" to 01:00 was refused.
    expect(lambda.state.watermarkWrites).toEqual([H01, H02, H03]);
    expect(lambda.watermark()).toBe(H03);
    expect(lambda.deliveredIds()).toEqual([EMP_B]);
    expect(lambda.athena.queried).toEqual([H00, H01, H02]); // A re-attached to B's H00 query by its token
  });

  it('publishes a window twice at most when a lapsed holder was already past its query, and never moves the watermark twice', async () => {
    // A has done 00:00 and 01:00 and is querying 02:00 when B takes over the lapsed lease.
    const { a, b } = await interleave(H02, { remainingMs: 60_000 }, () => {
      lambda.at('2026-03-17T03:25:00Z');
      return lambda.invoke({ requestId: 'req-B' });
    });

    expect(b).toMatchObject({ status: 'ran', report: { windows: 1, published: 1 } });
    expect(a).toMatchObject({ status: 'skipped', reason: 'another run moved the watermark' });
    expect(lambda.state.watermarkWrites).toEqual([H01, H02, H03]);
    // At-least-once: the same finding id twice on the topic; the ticketing side files it once
    // (see crash-recovery.test.ts).
    expect(lambda.deliveredIds()).toEqual([EMP_B, EMP_B]);
  });
});
